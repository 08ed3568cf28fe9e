"""Page reading details that a fixture cannot pin down alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from extractors.captions import is_page_number
from extractors.contents_page import entry_title
from extractors.page_content import is_overprinted

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _char(text: str, x0: float, top: float) -> dict[str, Any]:
    return {"text": text, "x0": x0, "top": top}


@pytest.mark.parametrize(("chars", "expected"), [
    ([_char("预", 10.0, 20.0), _char("算", 22.0, 20.0), _char("预", 40.0, 20.0)], False),
    ([_char("预", 10.0, 20.0), _char("预", 10.3, 20.2)], True),  # faux bold: printed twice, offset
    ([_char("预", 10.9, 20.9), _char("预", 11.6, 21.4)], True),  # the copy across a one-point cell edge
    ([_char("预", 10.0, 20.0), _char("算", 10.2, 20.0)], False),  # different glyphs do not count
])
def testis_overprinted_glyphs_are_found(chars: list[dict[str, Any]], expected: bool) -> None:
    assert is_overprinted(chars) is expected


@pytest.mark.parametrize(("text", "folio"), [
    ("- 3 -", True), ("第3页", True), ("3/25", True), ("第 3 页 / 共 25 页", True),
    ("第 3 页，共 25 页", True), ("第3页,共25页", True), ("第3页 共25页", True),  # spreadsheet footers
    ("共25页", False), ("第3页，共25页。", False), ("第三部分", False), ("500.9", False),
])
def test_a_page_number_line_is_no_prose(text: str, folio: bool) -> None:
    assert is_page_number(text) is folio


@pytest.mark.parametrize(("line", "entry"), [
    ("三、支出决算表", "支出决算表"),
    ("五、一般公共预算财政拨款支出决算表……………12", "一般公共预算财政拨款支出决算表"),
    ("4、2023年部门财政拨款收支预算总表 9", "2023年部门财政拨款收支预算总表"),
    ("表1 部门收支总表", "部门收支总表"),
])
def test_contents_entries_lose_numbering_leaders_and_page_numbers(line: str, entry: str) -> None:
    assert entry_title(line) == entry


@pytest.mark.parametrize("name", ["jiyuan-bianban-2021-budget", "henan-xinxiang-finance-2022-budget",
                                  "shaanxi-xian-beilin-education-2020-consolidated"])
def test_cell_texts_are_what_pdfplumber_extracts(name: str) -> None:
    """The bisected cell texts equal `Table.extract()` on every ruled table, merged headers included."""
    import pdfplumber

    from extractors.grid import _cell_texts

    compared = 0
    with pdfplumber.open(FIXTURES / f"{name}.pdf") as pdf:
        for page in pdf.pages:
            for table in page.find_tables():
                assert _cell_texts(table) == table.extract(), f"{name} p{page.page_number}"
                compared += 1
            page.close()
    assert compared >= 5
