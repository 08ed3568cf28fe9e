"""Performance forms (issue 20): every amount a form prints has a meaning, and every 三级指标 row
with a target is an indicator, however the form lays its blocks out.

`fixtures/classes/form-*.pdf` are made by `fixtures/generate/form_classes.py` as publishers make
them (Word, converted by LibreOffice); `expected.json` holds what each must parse to, written
from the generator's data. The readers beneath them are tested on hand-built tables below.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from pipeline.api import parse
from pipeline.normalize import normalize
from pipeline.normalize.form_layout import field, indicator_blocks, role
from pipeline.normalize.measures import form_measure
from pipeline.normalize.performance import table_to_indicators
from pipeline.normalize.printed import EXCLUSIONS, table_figures, text_figures
from pipeline.normalize.project_lists import project_key
from schemas.records import Document, DocumentMeta, Extraction, SourceTable

CLASSES = Path(__file__).resolve().parent.parent / "fixtures" / "classes"
EXPECTED: dict[str, dict[str, Any]] = json.loads((CLASSES / "expected.json").read_text(encoding="utf-8"))
FORMS = [name for name, expected in EXPECTED.items() if "form" in expected]


@cache
def _parsed(name: str) -> Document:
    return parse([str(CLASSES / f"{name}.pdf")])


@pytest.mark.parametrize("name", FORMS)
def test_a_forms_money_is_line_items_of_its_kind(name: str) -> None:
    """Each money field: its label, the headings over it or [label], exact yuan in the unit its
    label or block states, its measure; no codes."""
    doc = _parsed(name)
    items = [i for i in doc.line_items if doc.tables[i.table_index].kind.endswith("performance")]
    got = [[i.row_label, i.column_path, i.amount, i.measure] for i in items]
    assert got == [[label, path, Decimal(yuan), measure] for label, path, yuan, measure in EXPECTED[name]["form"]["line_items"]]
    assert all(i.functional_code is None and i.economic_code is None for i in items)


@pytest.mark.parametrize("name", FORMS)
def test_every_indicator_row_with_a_target_is_an_indicator(name: str) -> None:
    """Levels carried down merged cells or split from one cell, the operator and unit joined from
    their own columns, rows overleaf in a table of other widths, a block with no heading row."""
    doc = _parsed(name)
    got = [[i.scope, i.project, i.level1, i.level2, i.level3, i.target_raw] for i in doc.indicators]
    assert got == EXPECTED[name]["form"]["indicators"]
    assert all(i.table_index is not None and i.row_index is not None for i in doc.indicators)


@pytest.mark.parametrize("name", FORMS)
def test_nothing_a_form_prints_is_left_without_a_meaning(name: str) -> None:
    """Points (分值, 得分, weights under 备注) are no amounts; what is left is named: only a 自评表's
    实际完成值 stating money, which no record holds."""
    doc = _parsed(name)
    assert [[u.text, u.reason] for u in doc.unaccounted] == EXPECTED[name]["form"]["unaccounted"]
    assert [[p.name, p.amount] for p in doc.projects] == [
        [project, Decimal(yuan)] for project, yuan in EXPECTED[name]["form"]["projects"]]


def test_projects_take_their_amount_from_the_list_whatever_its_names_print() -> None:
    """Class 12: the 项目支出表 prints unit codes (`101001-`) and a name wrapping onto the row
    under it; the forms print no amount, no code and half-width brackets."""
    doc = _parsed("form-project-names-differ")
    assert [[p.name, p.amount] for p in doc.projects] == [
        [name, Decimal(yuan)] for name, yuan in EXPECTED["form-project-names-differ"]["projects_only"]]
    assert doc.unaccounted == []


def test_a_self_evaluation_is_measured_as_a_final_account() -> None:
    """年初预算数 → budget., 全年预算数 → adjusted., 全年执行数 → the plain measure."""
    doc = _parsed("form-self-evaluation")
    assert doc.meta.doc_kind == "final_accounts"
    measures = {(i.row_label, i.measure) for i in doc.line_items}
    assert ("年度资金总额", "budget.total") in measures and ("年度资金总额", "total") in measures


def _form(rows: list[list[str | None]], kind: str = "project_performance") -> SourceTable:
    return SourceTable(kind=kind, title=None, unit=None, pages=[2], header=[], rows=rows, row_pages=[2] * len(rows))


_BLOCK = [["项目名称", "示范项目", None, None, None, None],
          ["项目资金（万元）", "年度资金总额", "12.00", "执行率分值（10）", None, None],
          ["一级指标", "二级指标", "三级指标", None, "指标值", "分值"],
          ["产出指标", "数量指标", "服务人次", None, "≥100人次", "20"],
          [None, None, None, "建成食堂数量", "3个", "20"]]


def test_a_heading_owns_the_empty_cells_to_its_right() -> None:
    """三级指标 heads its merged neighbour: a name printed there is the indicator's."""
    block = indicator_blocks(_form(_BLOCK))[0]
    assert (block.header_row, block.at("level3"), block.at("target"), block.at("scores")) == (2, (2, 3), (4,), (5,))
    indicators = table_to_indicators(_form(_BLOCK), "示范项目", 0)
    assert [(i.level1, i.level2, i.level3, i.target_raw, i.row_index) for i in indicators] == [
        ("产出指标", "数量指标", "服务人次", "≥100人次", 3), ("产出指标", "数量指标", "建成食堂数量", "3个", 4)]


@pytest.mark.parametrize(("row", "col", "expected"), [
    (1, 2, "field"), (3, 5, "score"), (4, 5, "score"), (3, 4, "target")])
def test_what_a_figure_of_a_form_is(row: int, col: int, expected: str) -> None:
    table = _form(_BLOCK)
    assert role(table, indicator_blocks(table), row, col) == expected


def test_identifiers_under_their_heading_and_points_are_not_counted() -> None:
    """单位编码 over a list's first column, 分值 beside the targets, 执行率分值（10）: none is an amount."""
    table = _form([["单位编码", "单位（项目）名称", "资金总额", "一级指标", "二级指标", "三级指标", "指标值", "分值"],
                   ["126001", "示范项目", "35.78", "产出指标", "数量指标", "调拨单位数", "≥10个", "20"]])
    assert [(f.text, f.reason) for f in table_figures(table, 0)] == [
        ("35.78", "form_value_not_read"), ("≥10个", "target_not_read")]
    assert {"score", "period_target", "indicator_actual", "indicator_remark"} <= set(EXCLUSIONS)


def test_a_forms_money_under_headings_takes_the_rows_name() -> None:
    table = _form([["部门名称", "示范局", None, None],
                   ["预算整体情况", "部门预算支出", "预算金额（万元）", "收入来源"],
                   [None, "基本支出", "12,634.14", "财政拨款"]], kind="department_performance")
    found = field(table, 2, 2)
    assert (found.label, found.path) == ("基本支出", ["预算金额（万元）"])
    assert form_measure(found.label, found.path) == "basic.total"


@pytest.mark.parametrize(("label", "path", "measure"), [
    ("年度资金总额", ["年初预算数"], "budget.total"),
    ("其中：当年财政拨款", ["全年执行数（B）"], "income.appropriation"),
    ("一般公共服务支出", ["全年预算数（万元）", "总额"], "adjusted.total"),
    ("示范局", ["财政拨款", "合计"], "income.appropriation"),
    ("上年度项目总金额", ["上年度项目总金额"], "previous.period.total"),
    ("实施期资金总额：", ["实施期资金总额："], "period.total"),
    ("上年结转资金", ["上年结转资金"], "income.carryover"),
    ("杭州市司法局", ["金额"], "total"),
    ("市本级使用资金", ["预算金额（万元）"], "level.own"),
    ("认真履行各项职责，提高财政资金使用效益。", ["认真履行各项职责，提高财政资金使用效益。"], None),
])
def test_form_labels_and_headings_to_measures(label: str, path: list[str], measure: str | None) -> None:
    assert form_measure(label, path) == measure


@pytest.mark.parametrize(("cells", "raw"), [
    (["产出指标", "数量指标", "走访人数", "≥", "3000", "人次"], "≥3000人次"),
    (["产出指标", "数量指标", "满意率", "%", "90", "≥"], "≥90%"),  # operator and unit swapped
    (["产出指标", "质量指标", "规范性", "定性", "合规", None], "合规"),
])
def test_operator_and_unit_printed_in_columns_of_their_own(cells: list[str | None], raw: str) -> None:
    table = _form([["一级指标", "二级指标", "三级指标", "指标值类型", "指标值", "计量单位"], cells])
    assert [i.target_raw for i in table_to_indicators(table, None)] == [raw]


def test_levels_printed_in_one_cell_are_split_by_their_names() -> None:
    table = _form([["活动", "绩效指标", "指标性质", "指标值", "度量单位"],
                   ["预算评审", "产出指标数量指标财政评审项目数量", "≥", "420", "个"]], kind="department_performance")
    (indicator,) = table_to_indicators(table, None)
    assert (indicator.level1, indicator.level2, indicator.level3, indicator.target_raw) == (
        "产出指标", "数量指标", "财政评审项目数量", "≥420个")


def test_a_block_printed_without_its_heading_row() -> None:
    table = _form([["专项（项目）名称", "示范项目", None, None, None],
                   ["绩效指标", "产出指标", "数量指标", "指标：申报人数", "7375人"],
                   [None, None, "质量指标", "指标：发放到位率", "100%"]])
    assert [(i.level1, i.level2, i.level3) for i in table_to_indicators(table, "示范项目")] == [
        ("产出指标", "数量指标", "指标：申报人数"), ("产出指标", "质量指标", "指标：发放到位率")]


@pytest.mark.parametrize(("text", "figures"), [
    ("资金总额2940.68万元，其中财政拨款5450.95万元。", ["2940.68万元", "5450.95万元"]),
    ("实施周期2025.1.1-2025.12.31，2025.1-2025.12完成。", []),
])
def test_a_year_and_a_month_alone_are_an_amount(text: str, figures: list[str]) -> None:
    assert [t for _, t in text_figures(text)] == figures


@pytest.mark.parametrize(("listed", "printed"), [
    ("236-中央高校改善基本办学条件专项-房屋修缮项目(小学)", "中央高校改善基本办学条件专项-房屋修缮项目（小学）"),
    ("101001-社区养老服务补助", "社区养老服务补助"),
    ("11000022T000000455794-评审工作经费", "评审工作经费"),
])
def test_a_projects_name_in_the_list_and_in_its_form(listed: str, printed: str) -> None:
    assert project_key(listed) == project_key(printed)


def test_a_forms_money_needs_no_code_and_adds_up_to_no_row() -> None:
    """A department form's 部门预算总额 | 基本支出 | 项目支出 fields, one per row, are accounted for
    and give no row_total failure."""
    table = SourceTable(kind="department_performance", title=None, unit="万元", pages=[2], header=[],
                        rows=[["预算情况", "部门预算总额(万元)", "500.9"], [None, "(1)基本支出", "405.7"],
                              [None, "(2)项目支出", "95.2"]], row_pages=[2, 2, 2])
    meta = DocumentMeta(sha256="0" * 64, source="x.pdf", page_count=2, parser_version="test", fiscal_year=2021,
                        doc_kind="budget")
    records = normalize(Extraction(meta=meta, tables=[table]))
    assert [(i.measure, i.amount) for i in records.line_items] == [
        ("total", Decimal("5009000")), ("basic.total", Decimal("4057000")), ("project.total", Decimal("952000"))]
    assert records.unaccounted == []
    from pipeline.checks.rows import row_totals
    assert all(c.status == "pass" for c in row_totals(Document.assemble(Extraction(meta=meta, tables=[table]),
                                                                         records, [])))
