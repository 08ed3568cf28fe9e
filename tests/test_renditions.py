"""One document, three producers: the seed printed by LibreOffice, by Chromium and from a spreadsheet parses alike.

`fixtures/jiyuan-bianban-2021-budget-chromium.pdf` is the seed's data model written as HTML
(`fixtures/generate/render_html.py`) and printed by Chromium's PDF backend: Type 3 CJK fonts
whose ToUnicode names radicals (`⻔` for `门`), Latin digits from another font on another
box height, collapsed CSS borders as filled rectangles, 五号 tables breaking where the browser
breaks them under a repeated `thead`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pdfplumber
import pytest

from conftest import FIXTURES
from extractors.glyphs import unify_char, unify_code_points
from schemas.contract import to_contract
from schemas.records import Document
from schemas.text import squash

SEED, CHROMIUM = "jiyuan-bianban-2021-budget", "jiyuan-bianban-2021-budget-chromium"
SPREADSHEET = "jiyuan-bianban-2021-budget-spreadsheet"


@pytest.mark.parametrize(("printed", "read"), [
    ("⻔", "门"),  # U+2ED4 CJK RADICAL C-SIMPLIFIED GATE: Supplement, from radicals.toml
    ("⻋", "车"), ("⺠", "民"), ("⻓", "长"),
    ("⽀", "支"),  # U+2F40 KANGXI RADICAL BRANCH: its compatibility decomposition
    ("⼯", "工"), ("⽰", "示"), ("⼀", "一"),
    ("\u2329", "\u3008"),  # LEFT-POINTING ANGLE BRACKET: its canonical twin 〈
    ("\uf901", "\u66f4"),  # CJK COMPATIBILITY IDEOGRAPH-F901: 更
    # printed as such: full-width forms and operators keep their code points
    ("（", "（"), ("≧", "≧"), ("：", "："), ("Ａ", "Ａ"), ("5", "5"), ("门", "门"),
])
def test_a_glyph_named_by_a_radical_or_twin_reads_as_the_character_printed(printed: str, read: str) -> None:
    assert unify_char(printed) == read


def test_a_pages_chars_are_renamed_in_place_before_anything_reads_them() -> None:
    chars: list[dict[str, Any]] = [{"text": t} for t in "部⻔收⽀（"]
    unify_code_points(chars)
    assert "".join(c["text"] for c in chars) == "部门收支（"


def test_the_chromium_pdf_names_radicals_and_the_parse_does_not(parsed: Callable[[str], Document]) -> None:
    with pdfplumber.open(FIXTURES / f"{CHROMIUM}.pdf") as pdf:
        printed = "".join(c["text"] for c in pdf.pages[6].chars)
    assert "⻔" in printed and "⽀" in printed  # what the file itself says: 部⻔收⽀总体情况表
    contract = to_contract(parsed(CHROMIUM))
    texts = [contract["document"]["department"], *(t["title"] for t in contract["tables"]),
             *(c for t in contract["tables"] for row in t["rows"] for c in row if c),
             *(s["text"] for s in contract["sections"])]
    assert not [t for t in texts if any(unify_char(ch) != ch for ch in t)]


def _records(doc: Document) -> dict[str, Any]:
    """What a reader takes from a disclosure, without the pages a producer's breaks decide."""
    contract = to_contract(doc)
    drop = {"page", "pages", "row_pages", "page_breaks", "report", "stitched"}

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in drop}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    keys = ("line_items", "three_public", "projects", "indicators", "facts", "sections")
    out = {k: strip(contract[k]) for k in keys}
    # cells as the truth conventions compare them: white space removed (where a cell's lines break differs)
    out["tables"] = [(t["kind"], t["title"], t["unit"], t["header"], [[squash(c) for c in row] for row in t["rows"]])
                     for t in contract["tables"]]
    out["checks"] = sorted((c["rule"], c["status"], c["detail"]) for c in contract["checks"] if c["status"] != "pass")
    out["document"] = {k: v for k, v in contract["document"].items()
                       if k in ("title", "region", "department", "fiscal_year", "doc_kind", "published_on")}
    return out


@pytest.mark.parametrize("rendition", [CHROMIUM, SPREADSHEET])
def test_another_producers_rendition_of_one_document_parses_to_the_same_records(
    parsed: Callable[[str], Document], rendition: str,
) -> None:
    seed, other = _records(parsed(SEED)), _records(parsed(rendition))
    for key in seed:
        assert other[key] == seed[key], key


def test_the_spreadsheet_rendition_prints_the_tables_the_way_calc_does() -> None:
    """What the parse above had to read past: Calc's page numbers under every table page (none
    under the narrative's), and the long table's header rows printed again on its second page
    (print titles) without its title or unit line."""
    with pdfplumber.open(FIXTURES / f"{SPREADSHEET}.pdf") as pdf:
        texts = [squash(page.extract_text() or "") for page in pdf.pages]
    title, header = "2021年财政拨款收支总体情况表", "收入支出本年支出小计一般公共预算项目金额项目合计"
    first = next(i for i, t in enumerate(texts) if title in t)
    assert header in texts[first] and texts[first + 1].startswith(header)
    assert "单位：万元" not in texts[first + 1]
    tables_from = next(i for i, t in enumerate(texts) if "2021年部门收支总体情况表" in t)
    assert all(re.search(r"第\d+页，共\d+页$", t) for t in texts[tables_from:])
    assert not any("页，共" in t for t in texts[:tables_from])
