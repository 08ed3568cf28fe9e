"""Accounting for every printed amount: what counts as printed, what a record accounts for, and why
the rest is listed (pipeline/normalize/printed.py, accounting.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipeline.normalize import normalize
from pipeline.normalize.accounting import REASONS
from pipeline.normalize.printed import EXCLUSIONS, table_figures, text_figures
from schemas.records import DocumentMeta, Extraction, Section, SourceTable


def figures(sentence: str) -> list[str]:
    return [text for _, text in text_figures(sentence)]


def test_a_sentence_counts_its_money_and_the_shares_and_changes_of_money() -> None:
    sentence = "人员支出2,906.80万元，占49.4%；日常公用支出838.27 万元，占14.3%，比上年增加12万元，增长1.5%。"
    assert figures(sentence) == ["2,906.80万元", "49.4%", "838.27 万元", "14.3%", "12万元", "1.5%"]


def test_dates_counts_and_whole_numbers_without_unit_are_not_amounts() -> None:
    """The EXCLUSIONS: a date or period, a count, a year, a document number, an ordinal."""
    assert figures("2021 年 4 月 7 日，共有车辆1辆、单价50万元以上设备2套，实施周期2025.1.1-2025.12.31。") == []
    assert figures("按照《通知》（财预〔2017〕98号）要求，从 2018 年起实施，第3项。") == []
    assert figures("绩效目标覆盖率达到95%，满意度不低于90%。") == []  # rates stating no money
    assert {"date", "count", "bare_integer", "ratio_without_money", "threshold"} <= set(EXCLUSIONS)


@pytest.mark.parametrize(("sentence", "counted"), [
    # Xi'an health 2022 final p23, Putuo finance 2025 p23: a bound a rule's wording sets (EXCLUSIONS["threshold"])
    ("单价100万元（含）以上设备（不含车辆）901台（套）。", []),
    ("由我局申请400.00万元以上基本建设项目（新改扩建项目除外）的可行性研究报告评审经费。", []),
    ("我区基本建设项目建安工程投资费用3000.00万元及以下的，委托审计。", []),
    ("2026年计划购置车辆0辆、0万元；单价100万元以上设备0台（套）、0万元。", ["0万元", "0万元"]),
    # Xi'an health 2022 final pp24-34, SWU 2023 pp3-5: quantities and scores, no money (EXCLUSIONS["count"])
    ("65岁以上老年人健康体检88.75万人，新建居民健康档案212.56万份，家庭医生签约353.13万人。", []),
    ("西安市中心血站2022年无偿献血236607人次，采血总量84.71吨。", []),
    ("占地约8,347亩，校舍面积193万平方米，现有在校学生55,000余人。", []),
    ("部门整体支出自评得分99.5，全年预算数2,495,142.55万元。", ["2,495,142.55万元"]),
    ("西安市第三医院1.5TMRI项目绩效自评综述：全年预算数1089.96万元。", ["1089.96万元"]),
])
def test_bounds_quantities_and_scores_are_not_amounts(sentence: str, counted: list[str]) -> None:
    assert figures(sentence) == counted


def test_an_amount_with_four_digits_before_its_point_is_no_date() -> None:
    """Xi'an health 2022 p46 `全年预算数1089.96万元`, a cell `1234.56`: 1089.96 is no year and month,
    nor is `2020.12` in a money column (a year and a month alone are an amount); a period
    (`2025.1.1-2025.12.31`, `2025.1-2025.12`) is a date."""
    assert figures("全年预算数1089.96万元，执行数2012.5万元，实施周期2025.1.1-2025.12.31。") == ["1089.96万元", "2012.5万元"]
    assert figures("项目期限2025.1-2025.12，预算2020.12万元。") == ["2020.12万元"]
    grid = _table("general_budget_expenditure", [["科目编码"], ["科目名称"], ["合计"]],
                  [["2013201", "行政运行", "1234.56"], [None, "说明", "2020.12"]])
    assert [f.text for f in table_figures(grid, 0)] == ["1234.56", "2020.12"]


def test_a_figure_without_unit_counts() -> None:
    """`合计 500.9 405.7` in prose is a table's line that no table took, and is counted."""
    assert figures("合计 500.9 405.7 1,234") == ["500.9", "405.7", "1,234"]


def _table(kind: str, header: list[list[str]], rows: list[list[str | None]], unit: str = "万元") -> SourceTable:
    return SourceTable(kind=kind, title=None, unit=unit, pages=[3], header=header, rows=rows, row_pages=[3] * len(rows))


def test_code_columns_and_form_identifiers_are_not_amounts() -> None:
    grid = _table("general_budget_expenditure", [["类"], ["款"], ["项"], ["科目名称"], ["合计"]],
                  [["201", "32", "01", "行政运行", "207.9"]])
    assert [f.text for f in table_figures(grid, 0)] == ["207.9"]
    form = _table("project_performance", [], [["项目名称", "中文域名注册", "单位编码", "014001001"],
                                              ["联系电话", "6611980", "开始时间", "2021-01-01"],
                                              ["项目本年度金额", "12.00", "项目上年度金额", "15.00"],
                                              ["政务域名注册数量", "=63个", "项目概况", "保底预算为12万元起"]])
    assert [(f.text, f.reason) for f in table_figures(form, 1)] == [
        ("12.00", "form_value_not_read"), ("15.00", "form_value_not_read"), ("=63个", "target_not_read"),
        ("12万元", "form_text_not_read")]


def _extraction(tables: list[SourceTable], text: str = "") -> Extraction:
    meta = DocumentMeta(sha256="0" * 64, source="x.pdf", page_count=4, parser_version="test", fiscal_year=2021,
                        doc_kind="budget")
    return Extraction(meta=meta, tables=tables, sections=[Section("一、收支总体情况", 2, 2, text)] if text else [])


def test_each_unaccounted_amount_says_why() -> None:
    """A column outside the measure vocabulary, a coded row without a code, a sentence the grammar
    does not read: each listed with its page, text and place; the rest accounted for."""
    table = _table("general_budget_expenditure", [["科目编码"], ["科目名称"], ["合计"], ["奇怪的列"]],
                   [[None, "合计", "500.9", "1.0"], ["2013201", "行政运行", "450.6", None], [None, "无名之项", "50.3", None]])
    text = "2021年收入总计500.9万元。另有一笔钱7.5万元。"
    records = normalize(_extraction([table], text))
    got = sorted((u.reason, u.text, u.page) for u in records.unaccounted)
    assert got == [("column_without_measure", "1.0", 3), ("row_without_code", "50.3", 3),
                   ("sentence_not_read", "7.5万元", 2)]
    assert records.amounts_printed == 6
    assert [(c.printed, c.accounted) for c in records.coverage] == [(4, 2)]
    assert all(u.reason in REASONS for u in records.unaccounted)
    cell = next(u for u in records.unaccounted if u.reason == "row_without_code")
    assert (cell.table_index, cell.row_index, cell.column_index) == (0, 2, 2)
    assert cell.location == "table 0 (general_budget_expenditure) row 2 '无名之项', column 合计"


def test_a_restated_figure_is_accounted_for() -> None:
    """The first statement of a key is the fact; a later restatement of it has its meaning too."""
    text = "2021年收入总计500.9万元。总之，收入总计500.9万元。"
    records = normalize(_extraction([], text))
    assert [f.key for f in records.facts] == ["total"]
    assert records.amounts_printed == 2 and records.unaccounted == []


def test_income_rows_of_a_two_sided_table_need_no_code() -> None:
    """An overview's income rows name sources of money, not classification items."""
    table = _table("overview", [["收入", "项目"], ["收入", "预算数"], ["支出", "项目"], ["支出", "预算数"]],
                   [["一般公共预算拨款收入", "500.9", "一般公共服务支出", "500.9"], ["收入总计", "500.9", "支出总计", "500.9"]])
    records = normalize(_extraction([table]))
    income = [i for i in records.line_items if i.side == 0]
    assert income and all(i.income for i in income)
    assert records.unaccounted == []
    assert sum(i.amount for i in income if not i.is_total) == Decimal("5009000")
