"""Tables named by their header terms, and the contents page that confirms empty tables."""

from __future__ import annotations

from decimal import Decimal

import pytest

from extractors.table_kinds import UNKNOWN, kind_of_header, kind_of_title
from pipeline.checks.contents import contents_agree
from pipeline.checks.cross_table import cross_table_totals
from schemas.records import Document, DocumentMeta, LineItem, ListedTable, SourceTable
from schemas.table_kinds import catalog


@pytest.mark.parametrize(
    ("cells", "kind"),
    [
        (["二级预算单位名称", "一级项目名称", "预算数（万元）", "绩效目标"], "project_summary"),
        (["项目", "预算数（单位：万元）", "绩效目标"], "project_summary"),
        (["序号", "项目名称", "预算金额", "绩效目标"], "project_summary"),
        (["序号", "会议名称", "时间", "人数", "金额", "备注"], "meeting_costs"),
        (["序号", "培训名称", "时间", "人数", "金额"], "training_costs"),
        (["序号", "单位名称", "拟变动情况"], "unit_list"),
        (["序号", "单位名称", "备注"], "unit_list"),
        (["报表", "报表名称", "是否空表", "公开空表理由"], "contents"),
        (["序号", "内容", "是否空表", "表格为空的理由"], "contents"),
        (["专项（项目）名称", "社保大厦物业费", "主管部门", "西安市人力资源和社会保障局", "资金金额（万元）"],
         "project_performance"),
        (["科目编码", "科目名称", "合计"], UNKNOWN),
    ],
)
def test_untitled_tables_are_named_by_their_header(cells: list[str], kind: str) -> None:
    assert kind_of_header(cells) == kind


@pytest.mark.parametrize(("title", "kind"), [
    ("一般公共预算支出预算表（按经济科目）", "economic_summary"),
    ("财政拨款支出预算表（按经济分类）", "economic_summary"),
    ("政府经济分类支出预算表", "economic_summary"),
    ("一般公共预算财政拨款支出经济分类表", "economic_summary"),
    ("一般公共预算支出预算表（按功能科目）", "general_budget_expenditure"),
    ("一般公共预算支出明细表", "general_budget_expenditure"),
    ("一般公共预算基本支出经济分类表", "general_budget_basic"),
    ("部门综合预算一般公共预算基本支出明细表（按支出经济分类科目）", "general_budget_basic"),
])
def test_a_title_saying_by_economic_class_refines_its_kind(title: str, kind: str) -> None:
    assert kind_of_title(title) == kind


def test_titles_read_by_xian_and_suzhou() -> None:
    assert kind_of_title("2020年部门综合预算政府性基金收支总表") == "fund_budget_expenditure"
    assert kind_of_title("2020年专项资金整体绩效目标表") == "special_fund_performance"
    assert kind_of_title("政府采购支出表") == "government_procurement"
    assert kind_of_title("2019年部门综合预算财政拨款结转资金支出表") == "carryover_expenditure"


def _table(kind: str, title: str | None, rows: list[list[str | None]], page: int, empty: bool = False) -> SourceTable:
    return SourceTable(kind=kind, title=title, unit="万元", pages=[page], header=[[], [], []], rows=rows, empty=empty)


def _document(fund_rows: list[list[str | None]], fund_empty: bool) -> Document:
    contents = _table("contents", None, [
        ["报表", "报表名称", "是否空表"],
        ["表1", "部门综合预算收支总表", "否"],
        ["表9", "部门综合预算政府性基金收支表", "是"],
        ["表15", "专项资金整体绩效目标表", "是"],
    ], page=2)
    overview = _table("overview", "部门综合预算收支总表", [["一、一般公共预算拨款", "100.00", "合计", "100.00"]], 3)
    fund = _table("fund_budget_expenditure", "部门综合预算政府性基金收支表", fund_rows, 9, empty=fund_empty)
    meta = DocumentMeta(sha256="0" * 64, source="x.pdf", page_count=10, parser_version="test")
    return Document(meta=meta, tables=[contents, overview, fund])


def test_contents_confirms_empty_tables() -> None:
    zeros = [["一、政府性基金拨款", "0", "一、科学技术", "0"]]
    checks = contents_agree(_document(zeros, fund_empty=False))
    assert [(c.status, c.page) for c in checks] == [("pass", 2)]
    assert "2 comparisons agree" in checks[0].detail  # the absent, empty 专项资金 table is no failure


def test_contents_reports_a_table_listed_empty_but_read_with_figures() -> None:
    checks = contents_agree(_document([["一、政府性基金拨款", "12.50", "合计", "12.50"]], fund_empty=False))
    assert [(c.rule, c.status, c.page) for c in checks] == [("contents", "fail", 9)]
    assert "部门综合预算政府性基金收支表 as empty" in checks[0].detail


def test_a_printed_contents_page_lists_tables_that_must_be_read() -> None:
    from pipeline.checks.contents import listed_tables_read

    document = _document([["一、政府性基金拨款", "0", "一、科学技术", "0"]], fund_empty=True)
    document.tables = [t for t in document.tables if t.kind != "contents"]
    document.listed_tables = [ListedTable(t, 2) for t in ("部门综合预算收支总表", "部门综合预算政府性基金收支表", "支出决算表")]
    checks = listed_tables_read(document)
    assert [(c.status, c.detail) for c in checks] == [
        ("fail", "the contents on p2 list 支出决算表 (final_expenditure), but no such table was read")]


def test_a_heading_naming_another_year_is_reported() -> None:
    from pipeline.checks.years import headings_name_the_year
    from schemas.records import Section

    document = _document([], fund_empty=True)
    document.meta.fiscal_year = 2024
    document.sections = [Section(heading="第三部分2023年度部门决算情况说明", level=1, page=18, text=""),
                         Section(heading="2024年度部门决算", level=1, page=1, text="")]
    assert [(c.status, c.page) for c in headings_name_the_year(document)] == [("fail", 18)]


def test_counts_dated_outside_the_year_and_placeholders_are_reported() -> None:
    from pipeline.checks.placeholders import no_placeholders
    from pipeline.checks.years import assets_dated_in_the_year
    from schemas.records import Section

    document = _document([], fund_empty=True)
    document.meta.fiscal_year, document.meta.doc_kind = 2024, "final_accounts"
    document.sections = [
        Section(heading="（三）国有资产占有使用情况说明", level=2, page=24, text="截至2023年12月31日，共有车辆0辆。"),
        Section(heading="第二部分上海市普陀区XX局2024年度部门决算表", level=1, page=7, text=""),
    ]
    assert [(c.status, c.page) for c in assets_dated_in_the_year(document)] == [("fail", 24)]
    assert [(c.status, c.page) for c in no_placeholders(document)] == [("fail", 7)]
    document.meta.doc_kind = "budget"  # a 2024 budget counts as of 2023 (or early 2024)
    assert [c.status for c in assets_dated_in_the_year(document)] == ["pass"]


def test_a_stated_comparison_must_fit_its_figures() -> None:
    from pipeline.checks.statements import comparisons_fit_their_figures
    from schemas.records import Section

    document = _document([], fund_empty=True)
    document.sections = [Section(heading="（三）具体情况", level=2, page=19, text=(
        "1、行政运行（项）。年初预算为1560.05万元，支出决算为1511.89万元。决算数大于预算数的主要原因：人员变化。"
        "2、信息化建设（项）。年初预算为135.90万元，支出决算为135.25万元。决算数小于预算数的主要原因：进度。"))]
    checks = comparisons_fit_their_figures(document)
    assert [(c.status, c.page) for c in checks] == [("fail", 19)]
    assert "1560.05万元 and 决算 1511.89万元" in checks[0].detail


def test_the_projects_a_text_counts_add_up_to_its_figure() -> None:
    from decimal import Decimal

    from pipeline.checks.narrative import projects_add_up
    from schemas.records import Fact, Project

    sentence = "本部门编报绩效目标的项目2个，涉及项目预算资金300.00万元。"
    document = _document([], fund_empty=True)
    document.facts = [Fact("performance.projects", "编报绩效目标的项目", Decimal(2), "个", 29, sentence, "2个")]
    document.projects = [Project("甲", 31, Decimal(1000000)), Project("乙", 32, Decimal(2000000))]
    assert [c.status for c in projects_add_up(document)] == ["pass"]
    document.projects[1].amount = Decimal(2232000)
    assert [(c.status, c.page) for c in projects_add_up(document)] == [("fail", 29)]


def _income_tables(final: bool) -> Document:
    """An overview whose income side states 本年收入合计 90.00 and, with 10.00 carried over,
    收入总计 100.00; and an income table whose 合计 is 收入总计 in a budget, but only this
    year's 90.00 in a final account (whose 收入决算表 has no 年初结转 column)."""
    overview, income = ("final_overview", "final_income") if final else ("overview", "department_income")

    def item(kind: str, table: int, side: int, row: int, label: str, amount: str) -> LineItem:
        return LineItem(kind, table, row, 1, label, ["合计"], Decimal(amount), amount, "元", measure="total",
                        side=side, is_total=True)

    items = [item(overview, 0, 0, 0, "本年收入合计", "90.00"), item(overview, 0, 0, 1, "收入总计", "100.00"),
             item(overview, 0, 1, 0, "本年支出合计", "100.00"), item(overview, 0, 1, 1, "支出总计", "100.00"),
             item(income, 1, 0, 0, "合计", "90.00" if final else "100.00")]
    meta = DocumentMeta(sha256="0" * 64, source="x.pdf", page_count=2, parser_version="t", fiscal_year=2024,
                        doc_kind="final_accounts" if final else "budget")
    return Document(meta=meta, line_items=items)


@pytest.mark.parametrize("final", [False, True])
def test_a_finals_only_shared_total_is_compared_in_final_accounts_alone(final: bool) -> None:
    """`finals_only` (table_kinds.toml): the income table's 合计 is the overview's 本年收入合计
    in a final account only; in a budget it is 收入总计, and comparing it with 本年收入合计
    would report a budget that is right."""
    assert [s.name for s in catalog().shared_totals if s.finals_only] == ["department income"]
    checks = [c for c in cross_table_totals(_income_tables(final)) if c.detail.startswith("department income")]
    compared = "90.00 vs" if final else "100.00 vs"
    assert [(c.status, compared in c.detail) for c in checks] == [("pass", True)]
