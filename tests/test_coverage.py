"""Coverage: a check that compares nothing is no evidence; gaps in what was read are reported."""

from __future__ import annotations

from decimal import Decimal

from pipeline.checks import run_checks
from pipeline.checks.coverage import REQUIRED_KINDS, rows_compared, tables_covered
from pipeline.normalize.performance import table_to_project
from schemas.records import Check, Document, DocumentMeta, Fact, LineItem, Project, SourceTable, ThreePublic


def _table(kind: str, page: int, rows: list[list[str | None]] | None = None, title: str | None = None) -> SourceTable:
    return SourceTable(kind, title or kind, "元", [page], [["项目"], ["金额"]], rows or [["合计", "100.00"]])


def _item(kind: str, index: int, code: str | None = None, amount: str = "100") -> LineItem:
    return LineItem(kind, index, 0, 1, "x", ["金额"], Decimal(amount), amount, "元", "total", functional_code=code)


def _document(tables: list[SourceTable], items: list[LineItem], **kw: object) -> Document:
    return Document(DocumentMeta("x", "x.pdf", 9, "t", doc_kind="budget"), tables=tables, line_items=items, **kw)  # type: ignore[arg-type]


KINDS = ("overview", "department_income", "department_expenditure", "appropriation_overview",
         "general_budget_expenditure", "three_public")


def _full(**kw: object) -> Document:
    tables = [_table(k, i + 1) for i, k in enumerate(KINDS)]
    items = [_item(k, i, "201" if k in ("department_income", "department_expenditure",
                                        "general_budget_expenditure") else None) for i, k in enumerate(KINDS)]
    return _document(tables, items, three_public=ThreePublic(total=Decimal(1), page=6), **kw)


def test_a_complete_template_passes_and_says_how_much_it_covered() -> None:
    [check] = tables_covered(_full())
    assert check.status == "pass" and check.covered == len(REQUIRED_KINDS) + len(KINDS) + 1


def test_a_missing_template_table_is_reported() -> None:
    document = _full()
    document.tables[1].kind = "unknown"
    failures = tables_covered(document)
    assert [c.detail for c in failures] == ["no department_income table was found (every budget prints one)"]


def test_either_appropriation_table_will_do_but_one_is_required() -> None:
    document = _full()
    document.tables[3].kind = "unknown"
    assert tables_covered(document)[0].status == "pass"
    document.tables[4].kind = "unknown"
    [failure] = tables_covered(document)
    assert "appropriation_overview or general_budget_expenditure" in failure.detail


def test_without_a_three_public_table_the_text_must_state_three_public() -> None:
    document = _full()
    document.tables[5].kind = "unknown"
    [failure] = tables_covered(document)
    assert "三公" in failure.detail
    document.facts = [Fact("three_public.total", "三公", Decimal(0), "yuan", 3, "三公经费为0。", "0万元")]
    assert tables_covered(document)[0].status == "pass"


def test_a_fund_table_printing_only_zero_totals_needs_no_codes() -> None:
    document = _full()
    document.tables.append(_table("fund_budget_expenditure", 7, [["合计", "0.00"]]))
    document.line_items.append(LineItem("fund_budget_expenditure", 6, 0, 7, "合计", ["金额"], Decimal(0), "0.00",
                                        "元", "total", is_total=True))
    assert tables_covered(document)[0].status == "pass"


def test_a_table_with_figures_but_no_line_items_is_reported() -> None:
    document = _full()
    document.line_items = [i for i in document.line_items if i.table_index != 4]
    [failure] = tables_covered(document)
    assert failure.status == "fail" and "table 5 (general_budget_expenditure" in failure.detail


def test_a_functional_table_without_coded_items_is_reported() -> None:
    document = _full()
    document.line_items[4].functional_code = None
    [failure] = tables_covered(document)
    assert "none with a functional code" in failure.detail


def test_a_three_public_table_that_yields_nothing_is_reported_unless_stated_zero_or_empty() -> None:
    document = _full()
    document.three_public = ThreePublic()
    [failure] = tables_covered(document)
    assert "三公" in failure.detail and failure.page == 6
    document.tables[5].rows = [["本表无数据", None]]
    assert tables_covered(document)[0].status == "pass"


def test_every_project_form_yields_a_project() -> None:
    forms = [_table("project_performance", 10, [["项目名称", "甲"]]), _table("project_performance", 11, [["项目名称", "乙"]])]
    document = _full()
    document.tables += forms
    document.projects = [Project("甲", 10)]
    [failure] = tables_covered(document)
    assert failure.page == 11 and "yielded no project" in failure.detail
    document.tables[-1].rows = [["绩效指标", "效益指标", "社会效益指标", "作用显著"]]  # a continuation page
    assert tables_covered(document)[0].status == "pass"


def test_a_coded_table_none_of_whose_rows_was_compared_is_reported() -> None:
    document = _full()
    document.checks = [Check("hierarchy_sum", "pass", "table 2 (department_income): 3 comparisons agree", 2, 3),
                       Check("column_total", "pass", "table 3 (department_expenditure) totals row: 1 comparisons agree", 3, 1)]
    [failure] = rows_compared(document)
    assert failure.detail.startswith("table 5 (general_budget_expenditure): none of its 1 coded rows")


def test_run_checks_reports_coverage_with_counts() -> None:
    checks = run_checks(_full())
    assert any(c.rule == "coverage" for c in checks)
    assert all(c.covered is not None for c in checks if c.status == "pass")


def test_a_form_whose_name_row_was_lost_is_named_by_its_title() -> None:
    rows: list[list[str | None]] = [["主管部门及代码", "教育部105"], ["项目资金（万元）", "年度资金总额：", "10.00"]]
    form = SourceTable("project_performance", "236教育管理与改革专项绩效目标表", None, [39, 40], [], rows)
    project = table_to_project(form, "元")
    assert project is not None and (project.name, project.amount) == ("236教育管理与改革专项", Decimal(100000))
    form.title = "预算表12项目支出绩效目标表"
    assert table_to_project(form, "元") is None
