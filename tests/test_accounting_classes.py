"""The classes issue 20 found on budgets nobody here had seen, one minimal PDF each.

`fixtures/classes/*.pdf` from `fixtures/generate/classes_accounting.py` (Word, converted by
LibreOffice); `expected.json` says what each must parse to. Every one of them must also leave
no amount of its tables unaccounted for.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from pipeline.api import parse
from schemas.records import Document

CLASSES = Path(__file__).resolve().parent.parent / "fixtures" / "classes"
EXPECTED: dict[str, dict[str, Any]] = json.loads((CLASSES / "expected.json").read_text(encoding="utf-8"))
ISSUE_20 = ("in_parts", "broken_row", "names", "shared_names", "misprint", "by_unit", "wrapped_amount", "wrapped_name", "volume",
            "titled")


@cache
def _parsed(name: str) -> Document:
    return parse([str(CLASSES / f"{name}.pdf")])


def _of(key: str) -> list[str]:
    return [name for name, expected in EXPECTED.items() if key in expected]


def _failures(doc: Document, *rules: str) -> list[str]:
    return [c.detail for c in doc.checks if c.status == "fail" and (not rules or c.rule in rules)]


@pytest.mark.parametrize("name", [n for key in ISSUE_20 for n in _of(key)])
def test_every_amount_a_class_table_prints_is_accounted_for(name: str) -> None:
    doc = _parsed(name)
    assert [(u.reason, u.text, u.location) for u in doc.unaccounted if u.table_index is not None] == []


@pytest.mark.parametrize("name", _of("in_parts"))
def test_a_table_printed_in_parts_under_its_title_again_is_one_table(name: str) -> None:
    """The second part starts mid-page with the title, unit line and header again; the first part's
    last row is no total, so both parts are one table whose 收入合计/支出合计 close it."""
    doc = _parsed(name)
    assert [(t.kind, len(t.rows)) for t in doc.tables] == [("appropriation_overview", EXPECTED[name]["in_parts"]["rows"])]
    assert any("title printed again" in s.why for s in doc.tables[0].report.stitched)  # type: ignore[union-attr]
    assert _failures(doc, "row_total", "column_total", "hierarchy_sum") == []


@pytest.mark.parametrize("name", _of("broken_row"))
def test_a_row_broken_at_the_page_foot_is_one_row(name: str) -> None:
    """`一般行政管理事务（组` at the foot, `织事务）` alone atop the next page: one row, its name whole."""
    doc = _parsed(name)
    want = EXPECTED[name]["broken_row"]
    assert [len(t.rows) for t in doc.tables] == [want["rows"]]
    assert {i.row_label: i.functional_code for i in doc.line_items}[want["label"]] == want["code"]
    assert _failures(doc) == []


@pytest.mark.parametrize("name", _of("names"))
def test_rows_printing_names_only_get_their_codes_in_every_table_kind(name: str) -> None:
    """An overview by function (and its 结转下年 row), an overview by economic class, the 财政拨款收支
    总表, a 基本支出 table of economic names: each name its code from the codebook."""
    doc = _parsed(name)
    got = {f"{i.table_kind}|{i.row_label}": i.functional_code or i.economic_code for i in doc.line_items}
    assert {k: got.get(k) for k in EXPECTED[name]["names"]} == EXPECTED[name]["names"]
    carried = [i for i in doc.line_items if i.row_label == "结转下年"]
    assert carried and all(i.measure == "carryforward" for i in carried)
    by_class = {i.row_label: i.measure for i in doc.line_items if i.table_index == 1}
    assert (by_class["一、基本支出"], by_class["二、项目支出"]) == ("basic.total", "project.total")
    assert _failures(doc, "row_total", "column_total", "hierarchy_sum", "unknown_code") == []


@pytest.mark.parametrize("name", _of("shared_names"))
def test_a_kuan_and_its_xiang_sharing_a_name_are_two_levels(name: str) -> None:
    """援助其他地区支出 › 其他支出 › 其他支出: the second is the 款's own 项 level, never the 款 again,
    so 类 = Σ款 counts it once."""
    doc = _parsed(name)
    codes = list(dict.fromkeys(i.functional_code for i in doc.line_items if i.functional_code))
    assert codes == EXPECTED[name]["shared_names"]
    assert _failures(doc) == []
    assert any(c.rule == "hierarchy_sum" and c.status == "pass" for c in doc.checks)


@pytest.mark.parametrize("name", _of("misprint"))
def test_whole_numbers_that_lost_a_trailing_zero_fail_the_column_total(name: str) -> None:
    """项目支出 prints 2 for 20 on every fifth row among two-decimal figures: each printed figure
    may be off by half its last digit, not by the coarsest digit of the column times its rows."""
    doc = _parsed(name)
    column = EXPECTED[name]["misprint"]["column"]
    assert any(f"column {column}:" in d for d in _failures(doc, "column_total"))


@pytest.mark.parametrize("name", _of("by_unit"))
def test_a_unit_leaving_a_part_out_of_its_total_fails_and_no_other(name: str) -> None:
    """A 收入总表 by unit under a 部门预算 heading, zeros printed 0: only the unit whose 合计 356.49
    leaves out its 上年结转 3.82 fails its row identity."""
    doc = _parsed(name)
    failed = _failures(doc, "row_total")
    assert len(failed) == 1 and EXPECTED[name]["by_unit"]["fails"] in failed[0]
    assert _failures(doc, "column_total", "hierarchy_sum") == []
    assert doc.tables[0].kind == "department_income"


@pytest.mark.parametrize("name", _of("wrapped_amount"))
def test_an_amount_wrapped_in_a_narrow_cell_is_one_amount(name: str) -> None:
    """`9,882` over `.28` in one cell, ruled or not."""
    doc = _parsed(name)
    assert len(doc.tables[0].rows) == 2
    amounts = {i.amount for i in doc.line_items if i.column_path[-1] != "合计"}
    assert amounts == {Decimal(EXPECTED[name]["wrapped_amount"])}
    assert _failures(doc) == []


@pytest.mark.parametrize("name", _of("wrapped_name"))
def test_a_name_wrapped_beside_its_code_never_merges_rows_or_codes(name: str) -> None:
    """A name over two lines, its code and figure centred down the cell: one row, one 7-digit code."""
    doc = _parsed(name)
    codes = [i.functional_code for i in doc.line_items if not i.is_total]
    assert codes == EXPECTED[name]["wrapped_name"]
    assert all(len(r) and r[1] for r in doc.tables[0].rows), "a row without its name"


@pytest.mark.parametrize("name", _of("volume"))
def test_a_tables_only_volume_names_its_year_kind_and_department(name: str) -> None:
    """No narrative, no cover: the tables' titles and unit lines say it all."""
    meta = _parsed(name).meta
    want = EXPECTED[name]["volume"]
    assert (meta.fiscal_year, meta.department, meta.doc_kind, meta.region) == (
        want["fiscal_year"], want["department"], want["doc_kind"], want["region"])


@pytest.mark.parametrize("name", _of("titled"))
def test_a_title_naming_more_than_its_kind_is_the_kind_it_names_first(name: str) -> None:
    doc = _parsed(name)
    assert {t.title: t.kind for t in doc.tables} == EXPECTED[name]["titled"]
    # its 合计 6.10 covers 会议费 and 培训费 too, so no 三公 total is printed: the parts are
    three = doc.three_public
    assert (three.total, three.reception, three.vehicles) == (None, Decimal("11000.00"), Decimal("30000.00"))
