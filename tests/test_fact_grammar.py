"""The grammar of narrative figures: what each figure is, and what each change is a change of.

Sentences written here in many wordings (not copied from the corpus): a
change belongs to the subject named before it in its clause (else to the
figure before it in the sentence), whatever the connective (比上年, 与上年相比,
较上年, 同比) or spacing, and records its basis: last year's budget
(预算数) or its actual outturn (执行数, 决算数), None where the text does not say.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipeline.checks.narrative import narrative_vs_tables
from pipeline.normalize.fact_sections import section_scopes
from pipeline.normalize.facts import sections_to_facts, sentence_facts
from schemas.records import Document, DocumentMeta, LineItem, Section

W = Decimal(10000)  # one 万元 in yuan

CASES: list[tuple[str, list[tuple[str, str, str | None]]]] = [
    # (sentence, [(key, value in 万元 or %, basis)])
    ("2024年收入预算1000.00万元，比上年预算数增加50.00万元，增长5.26%。",
     [("income.total", "1000.00", None), ("total.change_amount", "50.00", "budget"),
      ("total.change_percent", "5.26", "budget")]),
    ("与上年相比收、支预算总计各减少120.5万元，减少10.2%。",
     [("total.change_amount", "-120.5", None), ("total.change_percent", "-10.2", None)]),
    ("收入预算 3,456.78 万元，比上年执行数减少 12.30 万元。",
     [("income.total", "3456.78", None), ("total.change_amount", "-12.30", "actual")]),
    ("一般公共预算拨款支出800万元,比上年减少20万元。",
     [("general_budget.total", "800", None), ("general_budget.change_amount", "-20", None)]),
    ("其中基本支出增加30万元，项目支出减少10万元。",
     [("expenditure.basic.change_amount", "30", None), ("expenditure.project.change_amount", "-10", None)]),
    ("（一）人员经费500.00万元。", [("expenditure.basic.personnel", "500.00", None)]),
    ("（二）公用经费 86.5 万元。", [("expenditure.basic.public", "86.5", None)]),
    ("支出预算较上年增加100万元，增长8%。",
     [("expenditure.change_amount", "100", None), ("expenditure.change_percent", "8", None)]),
    ("三公经费预算数同比下降5.5万元，下降12%。",
     [("three_public.change_amount", "-5.5", None), ("three_public.change_percent", "-12", None)]),
    ("财政拨款收支总预算2000万元，与2023年预算相比增加200万元。",
     [("appropriation.total", "2000", None), ("appropriation.change_amount", "200", "budget")]),
    ("机关运行经费预算为60万元，比2023年预算减少3万元，下降4.8%。",
     [("operating_costs", "60", None), ("operating_costs.change_amount", "-3", "budget"),
      ("operating_costs.change_percent", "-4.8", "budget")]),
    ("2024年部门收支总预算5000万元，比2023年执行数增加300万元。",
     [("total", "5000", None), ("total.change_amount", "300", "actual")]),
    ("与上年相比，收入预算增加50万元。", [("total.change_amount", "50", None)]),
    ("收入预算 100 万元 ， 同比 增加 10 万元 。",
     [("income.total", "100", None), ("total.change_amount", "10", None)]),
    ("政府性基金预算支出30万元，比上年增加5万元。",
     [("fund_budget.total", "30", None), ("fund_budget.change_amount", "5", None)]),
    ("项目支出200万元，较上年减少20万元，下降9.09%。",
     [("expenditure.project", "200", None), ("expenditure.project.change_amount", "-20", None),
      ("expenditure.project.change_percent", "-9.09", None)]),
    ("基本支出300万元，比上年增长10%。",
     [("expenditure.basic", "300", None), ("expenditure.basic.change_percent", "10", None)]),
    ("一般公共预算支出1000万元，与上年执行数相比增加100万元，增长11.1%。",
     [("general_budget.total", "1000", None), ("general_budget.change_amount", "100", "actual"),
      ("general_budget.change_percent", "11.1", "actual")]),
    ("一般公务用车3辆，比上年增加2辆。", [("assets.general_vehicles", "3", None)]),
    ("收入预算1000万元，比上年增加50万元，主要是基本支出增加30万元。",
     [("income.total", "1000", None), ("total.change_amount", "50", None),
      ("expenditure.basic.change_amount", "30", None)]),
    ("与上年预算数相比，三公经费减少2万元。", [("three_public.change_amount", "-2", "budget")]),
    ("2024年支出预算3000万元，其中：基本支出2000万元，比上年增加100万元；项目支出1000万元，比上年减少50万元。",
     [("expenditure.total", "3000", None), ("expenditure.basic", "2000", None),
      ("expenditure.basic.change_amount", "100", None), ("expenditure.project", "1000", None),
      ("expenditure.project.change_amount", "-50", None)]),
    ("部门预算收入1000万元，同比增长5%。",
     [("income.total", "1000", None), ("total.change_percent", "5", None)]),
    ("收入预算增长5%，增加50万元。",
     [("total.change_percent", "5", None), ("total.change_amount", "50", None)]),
    ("支出预算800万元，较上年执行数下降3.2%。",
     [("expenditure.total", "800", None), ("expenditure.change_percent", "-3.2", "actual")]),
    ("收入预算比上年执行数减少10万元，支出预算比上年增加5万元。",
     [("total.change_amount", "-10", "actual"), ("expenditure.change_amount", "5", None)]),
    ("三公经费预算15万元，比上年决算数减少1万元。",
     [("three_public.total", "15", None), ("three_public.change_amount", "-1", "actual")]),
    ("一般公共预算财政拨款支出 1,234.56 万元，比上年预算增加 34.56 万元，增长 2.88 %。",
     [("general_budget.total", "1234.56", None), ("general_budget.change_amount", "34.56", "budget"),
      ("general_budget.change_percent", "2.88", "budget")]),
    ("2024年财政拨款收支预算较2023年年初预算减少88万元。", [("appropriation.change_amount", "-88", "budget")]),
    ("收支预算总额900万元，比上年实际支出增加9万元。",
     [("total", "900", None), ("total.change_amount", "9", "actual")]),
    ("机关运行经费比上年预算执行数下降1.5万元。", [("operating_costs.change_amount", "-1.5", "actual")]),
    ("与去年相比，一般公共预算支出增加12万元，上升3%。",
     [("general_budget.change_amount", "12", None), ("general_budget.change_percent", "3", None)]),
    ("其中：人员经费减少4万元，公用经费增加1万元。",
     [("expenditure.basic.personnel.change_amount", "-4", None), ("expenditure.basic.public.change_amount", "1", None)]),
    ("政府性基金预算支出与上年相比降低6万元。", [("fund_budget.change_amount", "-6", None)]),
    ("2024年收支总计650万元，与2023年相比没有变化。", [("total", "650", None)]),
    ("一般公共服务支出（类） 人大事务（款） 行政运行（项） 12.5万元。", [("general_budget.item.2010101", "12.5", None)]),
    ("一般公共服务支出（类）人大事务（款）12.5万元。", [("general_budget.item.20101", "12.5", None)]),
    # Both sides named apart (收入、支出) or as 收支预算 are the total of all funds.
    ("2024 年度收入、支出预算总计 1,500.5 万元，与上年相比收、支预算总计各增加 20 万元，增长 1.35%。",
     [("total", "1500.5", None), ("total.change_amount", "20", None), ("total.change_percent", "1.35", None)]),
    ("本年收入和支出预算总计600万元。", [("total", "600", None)]),
    ("2024年收支预算800万元，比上年减少30万元。", [("total", "800", None), ("total.change_amount", "-30", None)]),
    ("政府性基金收支预算50万元。", []),
    # A 款 and 项 named without their 类: the codebook's only 款 of that name holding such a 项.
    ("2.人大事务（款）行政运行（项）支出 12.5 万元，与上年相比增加1万元。",
     [("general_budget.item.2010101", "12.5", None), ("general_budget.item.2010101.change_amount", "1", None)]),
    ("农业农村（款）行政运行（项）支出 3 万元。", [("general_budget.item.2130101", "3", None)]),
    ("人大事务（款）行 政 运 行 （ 项 ） 支 出 12.5 万 元 。", [("general_budget.item.2010101", "12.5", None)]),
    ("农业农村（款）支出 3 万元。", []),  # two 款 of that name (213, 219): which one, only a heading says
    # A code, a dash and its name; a name contradicting the code names nothing.
    ("（三）2050202-小学教育 88.8 万元。", [("general_budget.item.2050202", "88.8", None)]),
    ("（一）2080501- 行政单位 离退休 1.5 万元。主要用于…", [("general_budget.item.2080501", "1.5", None)]),
    ("（三）2050202-初中教育 88.8 万元。", []),
    # Procurement parts worded 拟采购…支出.
    ("政府采购支出预算总额 10 万元，其中：拟采购货物支出 1 万元、拟采购工程支出 0 万元、拟采购服务支出 9 万元。",
     [("procurement.total", "10", None), ("procurement.goods", "1", None), ("procurement.works", "0", None),
      ("procurement.services", "9", None)]),
    ("本部门全面实施绩效目标管理，涉及一级预算项目3个，预算资金120万元。",
     [("performance.projects", "3", None), ("performance.amount", "120", None)]),
]


@pytest.mark.parametrize(("sentence", "expected"), CASES, ids=[c[0][:24] for c in CASES])
def test_figures_and_changes_are_named_by_their_grammar(
    sentence: str, expected: list[tuple[str, str, str | None]]
) -> None:
    facts = sentence_facts(sentence, 1, 2024)
    got = [(f.key, f.value / (W if f.unit == "yuan" else 1), f.basis) for f in facts]
    assert got == [(key, Decimal(value), basis) for key, value, basis in expected]


def test_the_cases_cover_many_wordings() -> None:
    assert len(CASES) >= 30


SECTIONS = [
    Section("二、收支预算总体情况", 1, 1, ""),
    Section("（一）支出预算", 2, 1, "一般公共服务支出（类）100万元。"),
    Section("三、财政拨款收支预算总体情况", 1, 2, "收入预算90万元。"),
    Section("四、一般公共预算支出情况", 1, 2, ""),
    Section("（一）基本支出", 2, 2, ""),
    Section("五、政府性基金预算支出情况", 1, 3, ""),
    Section("六、其他重要事项", 1, 3, ""),
]


def test_a_section_takes_its_scope_from_its_heading_or_its_parent() -> None:
    assert section_scopes(SECTIONS) == ["all", "all", "appropriation", "general_budget", "general_budget",
                                        "fund_budget", None]


def _item(kind: str, index: int, amount: str, code: str | None, label: str) -> LineItem:
    return LineItem(kind, index, 0, 5, label, ["合计"], Decimal(amount), amount, "元", measure="total",
                    functional_code=code, is_total=code is None)


def test_the_scope_of_a_section_decides_the_table_a_figure_is_compared_with() -> None:
    """All funds: 201 is 1,000,000 in the expenditure table, 900,000 in the general budget's
    (100,000 of other income); the appropriation overview totals 900,000."""
    document = Document(DocumentMeta("x", "x.pdf", 9, "test", fiscal_year=2024), sections=SECTIONS, line_items=[
        _item("department_expenditure", 0, "1000000", "201", "一般公共服务支出"),
        _item("general_budget_expenditure", 1, "900000", "201", "一般公共服务支出"),
        _item("appropriation_overview", 2, "900000", None, "收入总计"),
    ])
    document.facts = sections_to_facts(SECTIONS, 2024)
    assert [(f.key, f.scope) for f in document.facts] == [("general_budget.class.201", "all"),
                                                         ("income.total", "appropriation")]
    checks = narrative_vs_tables(document)
    assert [(c.status, c.detail.split(" p")[-2].rsplit(" ", 1)[-1]) for c in checks] == [
        ("pass", "department_expenditure"), ("pass", "appropriation_overview")]
    document.facts[0].scope = "general_budget"
    assert narrative_vs_tables(document)[0].status == "fail"


def test_a_kuan_named_without_its_class_takes_the_class_its_heading_names() -> None:
    """农业农村 is a 款 of 213 and of 219: the section heading says which."""
    sections = [Section("（一）农林水支出（类）", 2, 3, "1.农业农村（款）支出 3 万元。"),
                Section("（二）其他", 2, 3, "1.农业农村（款）支出 4 万元。")]
    assert [(f.key, f.value) for f in sections_to_facts(sections, 2024)] == [
        ("general_budget.item.21301", Decimal(30000))]


def test_a_heading_gives_its_subject_to_the_figure_the_text_opens_with() -> None:
    """`（五）code-name 7.14` over `万元。…`, `（六）code-name` over `64.40万元。…`: the heading
    line runs on into the text's first sentence."""
    sections = [Section("（五）2080501-行政单位离退休 7.14", 2, 4, "万元。主要用于退休人员经费支出。"),
                Section("（六）2080502-事业单位离退休", 2, 4, "64.40万元。主要用于退休人员经费支出。"),
                Section("（七）公务接待费", 2, 5, "2024年预算安排 5.00 万元，与上年持平。")]
    assert [(f.key, f.value, f.page) for f in sections_to_facts(sections, 2024)] == [
        ("general_budget.item.2080501", Decimal(71400), 4), ("general_budget.item.2080502", Decimal(644000), 4),
        ("three_public.reception", Decimal(50000), 5)]


def test_the_money_the_counted_projects_involve_is_compared_with_their_forms() -> None:
    """`涉及一级预算项目2个，预算资金300万元`: the count, then the money it involves."""
    from pipeline.checks.narrative import projects_add_up
    from schemas.records import Project

    section = Section("（一）总体工作情况", 2, 9, "本局全面实施绩效目标管理，涉及一级预算项目2个，预算资金300万元。")
    document = Document(DocumentMeta("x", "x.pdf", 9, "test", fiscal_year=2024), sections=[section],
                        projects=[Project("甲", 10, Decimal(1000000)), Project("乙", 11, Decimal(2000000))])
    document.facts = sections_to_facts([section], 2024)
    assert [c.status for c in projects_add_up(document)] == ["pass"]
    document.projects[1].amount = Decimal(1500000)
    assert [(c.status, c.page) for c in projects_add_up(document)] == [("fail", 9)]


def test_an_item_the_text_states_as_zero_needs_no_table_row() -> None:
    """`其他科学技术支出（款）其他科学技术支出（项）支出 0 万元`: tables print no row of 0;
    a nonzero item with no row is a coverage failure."""
    section = Section("（一）科学技术支出（类）", 2, 7, "1.科学技术管理事务（款）行政运行（项）支出 0 万元。"
                      "2.科学技术管理事务（款）一般行政管理事务（项）支出 5 万元。")
    document = Document(DocumentMeta("x", "x.pdf", 9, "test", fiscal_year=2024), sections=[section], line_items=[
        _item("general_budget_expenditure", 0, "900000", "201", "一般公共服务支出")])
    document.facts = sections_to_facts([section], 2024)
    assert [f.key for f in document.facts] == ["general_budget.item.2060101", "general_budget.item.2060102"]
    assert [(c.rule, c.status, c.detail.split(":")[0]) for c in narrative_vs_tables(document)] == [
        ("coverage", "fail", "general_budget.item.2060102")]
