"""Layout classes of the narrative that broke on unseen publishers (issue 20), one minimal PDF each.

`fixtures/classes/{running-header-footer,two-volumes-type-sizes-*}.pdf` are made by
`fixtures/generate/narrative_classes.py` (Word, converted by LibreOffice); `narrative-expected.json`
holds what each must parse to, written from the generator's data.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from extractors.page_content import PageContent
from extractors.running_heads import running_lines
from extractors.settings import Layout
from extractors.text_line import TextLine
from pipeline.api import parse
from schemas.records import Document

CLASSES = Path(__file__).resolve().parent.parent / "fixtures" / "classes"
EXPECTED = json.loads((CLASSES / "narrative-expected.json").read_text(encoding="utf-8"))
NARRATIVE = ("sentence_not_read", "figure_without_unit", "note_not_read")


@cache
def _parsed(name: str) -> Document:
    return parse([str(CLASSES / f) for f in EXPECTED[name]["files"]])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_figure_of_a_sentence_cut_by_a_page_break_or_a_volume_is_read(name: str) -> None:
    """A 类 list running over the page break under Word's header and footer (`…卫生健康支出12.00万`
    | `示范市民政局2024年度部门预算公开` | `元、节能环保支出7.75万元…`), and a narrative read with a
    tables volume set in smaller type: each figure with its key, nothing left unread."""
    doc = _parsed(name)
    facts = {f.key: f.value for f in doc.facts}
    assert {k: facts.get(k) for k in EXPECTED[name]["facts"]} == {
        k: Decimal(v) for k, v in EXPECTED[name]["facts"].items()}
    assert [u.text for u in doc.unaccounted if u.reason in NARRATIVE] == []


def test_a_running_header_and_footer_are_no_part_of_the_narrative() -> None:
    doc = _parsed("running-header-footer")
    assert not any(EXPECTED["running-header-footer"]["header"] in s.heading + s.text for s in doc.sections)
    assert not any("第1页" in s.text or "第2页" in s.text for s in doc.sections)


def test_body_lines_of_a_volume_typeset_larger_than_the_other_are_no_headings() -> None:
    """Over both volumes the 7.5 pt lines are "the body"; measured per file, the 16 pt narrative's own."""
    doc = _parsed("two-volumes-type-sizes")
    assert [s.heading for s in doc.sections if s.page == 1] == [
        "2024年示范市民政局部门预算说明", "一、支出预算情况说明", "二、其他重要事项的情况说明"]


def _page(number: int, *texts: tuple[float, str]) -> PageContent:
    lines = [TextLine(text, number, top, top + 9, 40, 300, 9.0) for top, text in texts]
    return PageContent(number=number, width=595, height=842, lines=lines)


def test_a_line_repeated_at_one_place_on_most_pages_is_running_but_never_one_that_states_money() -> None:
    header = "示范市民政局2024年度部门预算公开"
    pages = [_page(n, (10, header), (80, f"正文第{n}段"), (820, f"第 {n} 页，共 4 页")) for n in range(1, 5)]
    running = running_lines(pages, Layout())
    assert {line.text for page in pages for line in page.lines if id(line) in running} == {
        header, *(f"第 {n} 页，共 4 页" for n in range(1, 5))}
    money = [_page(n, (10, "本部门收入预算合计100万元"), (80, "正文")) for n in range(1, 5)]
    assert running_lines(money, Layout()) == set()  # a figure is never dropped
    moved = [_page(n, (10 + 20 * n, header), (200, "正文")) for n in range(1, 5)]
    assert running_lines(moved, Layout()) == set()  # the same words elsewhere on each page are text
    assert running_lines(pages[:2], Layout()) == set()  # two pages make no running line
