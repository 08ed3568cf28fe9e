"""Normalizers, table-driven from cell and sentence texts printed in the seed and the corpus."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipeline.normalize.amounts import parse_amount, to_yuan
from pipeline.normalize.codes import CodeResolver
from pipeline.normalize.facts import sentence_facts
from pipeline.normalize.measures import measure_of
from pipeline.normalize.targets import parse_target
from pipeline.normalize.three_public import items_to_three_public
from schemas.records import LineItem


@pytest.mark.parametrize(("text", "unit", "yuan"), [
    ("500.9", "万元", Decimal("5009000")),
    ("44,156.640120", "万元", Decimal("441566401.20")),
    ("96,282,213.44", "元", Decimal("96282213.44")),
    ("0.00", "元", Decimal("0")),
    ("(1.5)", "万元", Decimal("-15000")),
])
def test_amounts_are_exact_yuan(text: str, unit: str, yuan: Decimal) -> None:
    value = parse_amount(text)
    assert value is not None and to_yuan(value, unit) == yuan


@pytest.mark.parametrize("text", ["", "-", "无", "合计", "2021-01-01", None])
def test_non_amounts_are_none(text: str | None) -> None:
    assert parse_amount(text) is None


@pytest.mark.parametrize(("path", "measure"), [
    (["总计"], "total"),
    (["基本支出", "小计"], "basic.total"),
    (["基本支出", "工资福利支出"], "basic.wages"),
    (["基本支出", "公用经费"], "basic.goods_services"),
    (["基本支出", "对个人和家庭的补助"], "basic.transfers_to_individuals"),
    (["项目支出", "一般性项目"], "project.general"),
    (["项目支出", "专项资金"], "project.special"),
    (["支出", "本年支出小计", "一般公共预算", "小计"], "income.general_budget"),
    (["支出", "本年支出小计", "一般公共预算", "其中：财政拨款"], "income.appropriation"),
    (["单位资金", "上级补助收入"], "income.superior_subsidy"),
    (["事业单位经营支出"], "operating"),
    (["“三公”经费预算数", "公务用车购置及运行费", "购置费"], "three_public.vehicle_purchase"),
    (["机关运行经费预算数"], "operating_costs"),
    (["预算金额"], "total"),
    (["收入", "金额"], "total"),
    (["2021年“三公”经费预算数"], "total"),
    (["上年结转", "基本支出", "小计"], "carryover.basic.total"),
    (["2025年执行数"], "previous.total"),
    (["支出", "年初预算数"], None),
    (["支出", "决算数"], "total"),
    (["单位（科目名称）"], None),
])
def test_column_paths_to_measures(path: list[str], measure: str | None) -> None:
    assert measure_of(path) == measure


@pytest.mark.parametrize(("raw", "operator", "value", "unit"), [
    ("≥95%", ">=", "95", "%"),
    ("≧90%", ">=", "90", "%"),
    ("=63个", "=", "63", "个"),
    (">50个", ">", "50", "个"),
    ("≤15%", "<=", "15", "%"),
    ("140/人/天", None, "140", "/人/天"),
    ("≥13459.00(平方米)", ">=", "13459.00", "平方米"),
    ("不少于2次", ">=", "2", "次"),
    ("完成率100%", None, None, None),
    ("有效", None, None, None),
    ("规范 健全", None, None, None),
])
def test_targets(raw: str, operator: str | None, value: str | None, unit: str | None) -> None:
    target = parse_target(raw)
    assert (target.operator, target.value, target.unit) == (operator, Decimal(value) if value else None, unit)


def test_codes_split_joined_prefixed_and_by_name() -> None:
    split = CodeResolver(2021, "functional").resolve([["201", "32", "01"]], ["行政运行（组织事务）"])
    assert (split.by_system["functional"].code, split.by_system["functional"].name) == ("2013201", "行政运行")
    prefixed = CodeResolver(2026, "economic_department").resolve([], ["50501-工资福利支出", "30102-津贴补贴"])
    assert prefixed.by_system["economic_government"].code == "50501"
    assert prefixed.by_system["economic_department"].code == "30102"
    names = CodeResolver(2019, "functional")
    assert names.resolve([], ["社会保障和就业支出"]).by_system["functional"].code == "208"
    assert names.resolve([], ["行政事业单位养老支出"]).by_system["functional"].code == "20805"
    assert names.resolve([], ["机关事业单位基本养老保险缴费支出"]).by_system["functional"].code == "2080505"
    ordinal = CodeResolver(2021, "functional").resolve([], ["三十四、抗议特别国债安排的支出"])
    assert ordinal.by_system["functional"].code == "234"


def test_unknown_printed_code_is_kept_not_replaced() -> None:
    codes = CodeResolver(2022, "functional").resolve([["207", "01", "97"]], ["其他文化支出"])
    found = codes.by_system["functional"]
    assert (found.code, found.known) == ("2070197", False)


def _item(label: str, path: list[str], amount: str) -> LineItem:
    return LineItem("three_public", 7, 0, 15, label, path, Decimal(amount), amount, "万元")


def test_three_public_by_rows_and_by_columns() -> None:
    rows = items_to_three_public([
        _item("共计", ["2021年“三公”经费预算数"], "41000"),
        _item("2、公务接待费", ["2021年“三公”经费预算数"], "11000"),
        _item("3、公务用车费", ["2021年“三公”经费预算数"], "30000"),
        _item("其中：（1）公务用车运行维护费", ["2021年“三公”经费预算数"], "30000"),
    ])
    assert (rows.total, rows.reception, rows.vehicles, rows.vehicle_operation, rows.outbound_travel) == (
        Decimal(41000), Decimal(11000), Decimal(30000), Decimal(30000), None)
    columns = items_to_three_public([
        _item("", ["“三公”经费预算数", "合计"], "108100"),
        _item("", ["“三公”经费预算数", "公务用车购置及运行费", "购置费"], "0"),
        _item("", ["“三公”经费预算数", "公务用车购置及运行费", "运行费"], "99800"),
        _item("", ["机关运行经费预算数"], "2178300"),
    ])
    assert (columns.total, columns.vehicle_purchase, columns.vehicle_operation) == (
        Decimal(108100), Decimal(0), Decimal(99800))


def test_facts_amounts_shares_and_changes() -> None:
    sentence = "示范区党工委编办2021年支出合计500.9万元，其中：基本支出405.7万元，占80.99%；项目支出95.2万元，占19.01%。"
    facts = {f.key: f.value for f in sentence_facts(sentence, 4, 2021)}
    assert facts == {"expenditure.total": Decimal("5009000"), "expenditure.basic": Decimal("4057000"),
                     "expenditure.basic.share": Decimal("80.99"), "expenditure.project": Decimal("952000"),
                     "expenditure.project.share": Decimal("19.01")}
    change = "2021年“三公”经费支出预算数比2020年减少5.0万元，下降54.95%。"
    assert {f.key: f.value for f in sentence_facts(change, 4, 2021)} == {
        "three_public.change_amount": Decimal("-50000"), "three_public.change_percent": Decimal("-54.95")}
    separators = "2025年，上海市普陀区司法局收入预算37,151.47万元，比上年减少1720.00万"
    assert sentence_facts(separators, 8, 2025)[0].value == Decimal("371514700")


def test_current_year_and_transfer_figures_are_not_the_totals() -> None:
    swu = "我校 2023 年收支总预算 557,259.13 万元，其中本年收入预算 403,484.64 万元，上年结转 93,801.70 万元；"
    assert [(f.key, f.value) for f in sentence_facts(swu, 11, 2023)] == [
        ("total", Decimal("5572591300")), ("income.current_year", Decimal("4034846400")),
        ("income.carryover", Decimal("938017000"))]
    costs = "市本级政府采购业务费3600.00万元；法治建设和政府采购管理费用424.00万元。"
    project = "8.信息化服务类项目（非运维服务部分）341.46万元，主要用于财政系统信息化建设。"
    assert [f.key for s in (costs, project) for f in sentence_facts(s, 7, 2026)] == []  # not procurement
    transfer = "上级专项转移支付支出预算 393.23 万元，无政府性基金预算支出。"  # Shenzhen HRSS 2026 p54
    assert [f.key for f in sentence_facts(transfer, 54, 2026)] == ["expenditure.higher_level_transfers"]
    items = "2020 年机关运行经费预算总计82万元，其中：办公经费41.47万元，公务用车运行维护费12万元，其他商品和服务支出2万元。"
    assert [f.key for f in sentence_facts(items, 25, 2020)] == [  # Xi'an HRSS 2020 p25: the office's cost items
        "operating_costs", "operating_costs.item.办公经费", "operating_costs.item.公务用车运行维护费",
        "operating_costs.item.其他商品和服务支出"]


@pytest.mark.parametrize(("path", "measure"), [
    (["2025年预算数"], "previous.total"),
    (["2026年预算数", "总计"], "total"),
    (["2026年预算数", "基本支出", "人员经费"], "basic.wages"),
    (["增减", "金额"], "change.amount"),  # the contract's two change measures
    (["比上年增减", "增减幅度"], "change.percent"),
    (["增减（%）"], "change.percent"),
    (["2025年", "会议费"], "previous.meeting_costs"),
    (["上年", "培训费"], "previous.training_costs"),
])
def test_columns_of_an_earlier_year_are_previous(path: list[str], measure: str) -> None:
    assert measure_of(path, 2026) == measure


@pytest.mark.parametrize(("sentence", "expected"), [
    # a label opening the sentence names its first figure
    ("（一）收入预算：2026年年初预算数174,900.64万元，其中：一般公共预算拨款101,833.84万元，",
     {"income.total": Decimal("1749006400")}),
    # the change after a breakdown's part belongs to the whole
    ("本部门当年财政拨款收入30,331.26万元，其中：一般公共预算拨款收入30,331.26万元，较上年减少14,196.04万元，",
     {"appropriation.total": Decimal("303312600"), "appropriation.change_amount": Decimal("-141960400")}),
    # a count whose noun follows it
    ("2026年本部门项目均实行绩效目标管理，共计31个一级项目，涉及资金28,506.17万元",
     {"performance.projects": Decimal("31")}),
    ("设置并编报 57 个项目绩效目标。", {"performance.projects": Decimal("57")}),
    # a numbered 功能分类 item, its 项 resolved under its 类 and 款; last year's figure left out
    ("1. “一般公共服务支出（类）统计信息事务（款）专项普查活动（项）”43.83万元，上年:25.77万元，主要专项普查活动。",
     {"general_budget.item.2010507": Decimal("438300")}),
    ("教育支出（类）普通教育（款）500.00万元。", {"general_budget.item.20502": Decimal("5000000")}),
    # 收、支 is 收支
    ("与上年相比，财政拨款收、支总计各增加47.15万元，增长1.02%。",
     {"appropriation.change_amount": Decimal("471500"), "appropriation.change_percent": Decimal("1.02")}),
    # a budget's 收入预算 change is the year's total change
    ("2026年本部门收入预算3,944.08万元，比上年增加286.07万元，增长7.8%，",
     {"income.total": Decimal("39440800"), "total.change_amount": Decimal("2860700"),
      "total.change_percent": Decimal("7.8")}),
])
def test_fact_wording(sentence: str, expected: dict[str, Decimal]) -> None:
    facts = {f.key: f.value for f in sentence_facts(sentence, 3, 2026)}
    assert {k: facts.get(k) for k in expected} == expected, facts


def test_a_heading_line_running_into_a_sentence_gives_it_back() -> None:
    from pipeline.normalize.facts import sections_to_facts
    from schemas.records import Section

    section = Section(heading="（一）基本支出。基本支出预算7485.22万元，占本年", level=2, page=4, text="支出预算77.75%。")
    facts = {f.key: f.value for f in sections_to_facts([section], 2026)}
    assert facts == {"expenditure.basic": Decimal("74852200"), "expenditure.basic.share": Decimal("77.75")}


def test_a_description_fills_the_form_it_names_and_stands_alone_otherwise() -> None:
    from pipeline.normalize.project_descriptions import join_descriptions, read_descriptions
    from schemas.records import Project, Section

    sections = [
        Section(heading="云客服服务外包项目经费情况说明", level=1, page=20, text=""),
        Section(heading="五、实施周期", level=2, page=20, text="2026年1月1日至2026年12月31日"),
        Section(heading="六、年度预算安排", level=2, page=20, text="252.28万元"),
        Section(heading="法律顾问项目经费情况说明", level=1, page=21, text=""),
        Section(heading="六、年度预算安排", level=2, page=21, text="第一季度10万元，第二季度5万元。"),
    ]
    form = Project(name="云客服服务外包项目", page=23, amount=None)
    joined = join_descriptions([form], read_descriptions(sections))
    assert [(p.name, p.amount, p.start, p.end, p.page) for p in joined] == [
        ("云客服服务外包项目", Decimal("2522800"), "2026年1月1日", "2026年12月31日", 23),
        ("法律顾问", None, None, None, 21),  # two figures: no single amount to take
    ]


@pytest.mark.parametrize(("printed", "table", "ok"), [
    ("87.71", "877080", True),   # rounded
    ("87.70", "877080", True),   # cut off (截尾), as Putuo finance prints
    ("87.69", "877080", False),
    ("887.36", "873617", False),  # the misprint on Putuo finance's p7
])
def test_narrative_figures_agree_at_the_precision_printed(printed: str, table: str, ok: bool) -> None:
    from pipeline.checks.narrative import _at_printed_precision

    assert _at_printed_precision(Decimal(printed) * 10000, Decimal(table), Decimal("100")) is ok


def test_a_final_accounts_three_public_is_its_spending_not_its_budget() -> None:
    """Putuo planning's 2024 final account prints 预算数 | 决算数 under each field (p17)."""
    found = items_to_three_public([
        _item("", ["财政拨款“三公”经费", "合计", "预算数"], "28500"),
        _item("", ["财政拨款“三公”经费", "合计", "决算数"], "3900"),
        _item("", ["财政拨款“三公”经费", "公务接待费", "预算数"], "28500"),
        _item("", ["财政拨款“三公”经费", "公务接待费", "决算数"], "3900"),
    ], 2024, frozenset({7}))
    assert (found.total, found.reception) == (Decimal(3900), Decimal(3900))


def test_a_final_account_states_its_spending_against_the_initial_budget() -> None:
    """Putuo planning 2024 p25: the 年初预算 is the budget of the 决算 figure after it, not a figure of its own."""
    sentence = "“三公”经费财政拨款支出年初预算为 2.85 万元，支出决算为 0.39 万元，完成预算的 13.68%。"
    assert [(f.key, f.value) for f in sentence_facts(sentence, 25, 2024, final=True)] == [
        ("three_public.total.budget", Decimal("28500.00")), ("three_public.total", Decimal("3900.00")),
        ("three_public.total.execution_rate", Decimal("13.68"))]
    assert [f.key for f in sentence_facts(sentence, 25, 2024)] == ["three_public.total"]


@pytest.mark.parametrize(("path", "final", "measure"), [
    (["年初预算数"], True, "budget.total"),
    (["年初预算数"], False, None),
    (["支出", "年初预算数"], True, "budget.total"),
    (["年初预算数", "基本支出"], True, "budget.basic.total"),
    (["调整预算数", "项目支出"], True, "adjusted.project.total"),
    (["决算数", "基本支出"], True, "basic.total"),
    (["决算数", "合计"], True, "total"),
    (["财政拨款“三公”经费", "合计", "预算数"], True, "budget.total"),  # Putuo's 三公 决算表: 预算数 | 决算数
    (["财政拨款“三公”经费", "合计", "决算数"], True, "total"),
    (["合计", "预算数"], False, "total"),  # a budget's 预算数 is its own money
    (["一般公共预算财政拨款"], True, "income.general_budget"),
])
def test_a_final_accounts_budget_columns_take_the_budget_prefix(path: list[str], final: bool, measure: str | None) -> None:
    assert measure_of(path, 2024, final) == measure


@pytest.mark.parametrize(("sentences", "expected"), [
    # Putuo planning 2024 p21-22: an item's heading, a 主要用于 sentence, then its figures
    (["其中：1、社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位基本养老保险缴费支出（项）。",
      "主要用于：行政事业单位养老保险支出。",
      "年初预算为452.40万元，支出决算为446.11万元，完成年初预算的98.61%。",
      "决算数小于预算数的主要原因：机构改革人员变动。"],
     {"general_budget.item.2080505.budget": Decimal("4524000.00"), "general_budget.item.2080505": Decimal("4461100.00"),
      "general_budget.item.2080505.execution_rate": Decimal("98.61")}),
    # Xi'an health 2022 p14: a 项 name with brackets of its own; p21: a printed difference
    (["15.卫生健康支出（类）公立医院（款）中医（民族）医院（项）。",
      "年初预算4379.61万元，支出决算19,028.68万元，完成年初预算的434.48%。"],
     {"general_budget.item.2100202.budget": Decimal("43796100.00"), "general_budget.item.2100202": Decimal("190286800.00"),
      "general_budget.item.2100202.execution_rate": Decimal("434.48")}),
    (["2022年度财政拨款安排公务接待费预算1.86万元，支出决算0.11万元，完成预算的5.91%，决算数较预算数减少1.75万元，主要原因是：疫情影响。"],
     {"three_public.reception.budget": Decimal("18600.00"), "three_public.reception": Decimal("1100.00"),
      "three_public.reception.execution_rate": Decimal("5.91"), "three_public.reception.difference": Decimal("-17500.00")}),
    # SWU 2023 p17: the item named by its code in brackets
    (["1.小学教育（2050202），2023年度决算数为7,970.38万元，比2022年度决算数增长0.39%。"],
     {"general_budget.item.2050202": Decimal("79703800.00"), "general_budget.item.2050202.change_percent": Decimal("0.39")}),
    # 政府采购's parts and large equipment (Putuo finance 2024 p24)
    (["上海市普陀区财政局2024年度政府采购金额（以合同签订为准）为251.25万元，其中：货物采购金额4.79万元、工程采购金额0万元、服务采购金额246.47万元。",
      "单价100万元（含）以上设备（不含车辆）2台（套）。"],
     {"procurement.total": Decimal("2512500.00"), "procurement.goods": Decimal("47900.00"), "procurement.works": Decimal("0"),
      "procurement.services": Decimal("2464700.00"), "assets.major_equipment": Decimal("2")}),
])
def test_a_final_accounts_narrative_figures(sentences: list[str], expected: dict[str, Decimal]) -> None:
    from pipeline.normalize.facts import sections_to_facts
    from schemas.records import Section

    facts = sections_to_facts([Section("五、一般公共预算财政拨款支出决算情况说明", 2, 21, "".join(sentences))], 2024, final=True)
    assert {f.key: f.value for f in facts} == expected



@pytest.mark.parametrize(("text", "failed"), [
    # Putuo planning 2024 p21: 9746.50 / 10210.34 = 95.457…%, printed cut off as 95.45%
    ("一般公共预算财政拨款支出年初预算为10210.34万元，支出决算为9746.50万元，完成年初预算的95.45%。", []),
    # Xi'an health 2022 p21: 99% (rounded) and a difference of −5.91万元
    ("2022年度财政拨款安排“三公”经费支出预算593.46万元，支出决算587.55万元，完成预算的99%，决算数较预算数减少5.91万元。", []),
    ("一般公共预算财政拨款支出年初预算为10210.34万元，支出决算为9746.50万元，完成年初预算的97.45%。",
     ["general_budget.total.execution_rate"]),
    ("2022年度财政拨款安排“三公”经费支出预算593.46万元，支出决算587.55万元，完成预算的99%，决算数较预算数增加5.91万元。",
     ["three_public.total.difference"]),
    # a budget of 0 has no rate to work out: nothing compared
    ("“三公”经费财政拨款支出年初预算为0.00万元，支出决算为0.00万元，完成预算的0%。", None),
])
def test_execution_rates_and_differences_fit_their_figures(text: str, failed: list[str] | None) -> None:
    from pipeline.checks.execution import execution_figures
    from pipeline.normalize.facts import sections_to_facts
    from schemas.records import Document, DocumentMeta, Section

    meta = DocumentMeta("0" * 64, "x.pdf", 30, "0", fiscal_year=2024, doc_kind="final_accounts")
    document = Document(meta, facts=sections_to_facts([Section("说明", 2, 21, text)], 2024, final=True))
    checks = execution_figures(document)
    if failed is None:
        assert checks == []
    else:
        assert [c.detail.split(":")[0] for c in checks if c.status == "fail"] == failed
        assert len(checks) == (len(failed) or 1)


def test_a_final_accounts_budgeted_three_public_is_its_budget_columns() -> None:
    """Putuo planning 2024 p17 prints 预算数 | 决算数 under each field; the fixture's 三公 决算表 one 年初预算数 column."""
    from pipeline.normalize.three_public import budgeted_three_public

    def item(label: str, path: list[str], amount: str) -> LineItem:
        return LineItem("final_three_public", 7, 0, 17, label, path, Decimal(amount), amount, "万元",
                        measure=measure_of(path, 2024, final=True))

    wide = budgeted_three_public([
        item("", ["财政拨款“三公”经费", "合计", "预算数"], "28500"), item("", ["财政拨款“三公”经费", "合计", "决算数"], "3900"),
        item("", ["财政拨款“三公”经费", "公务接待费", "预算数"], "28500"),
        item("", ["财政拨款“三公”经费", "公务用车购置及运行维护费", "公务用车运行维护费", "预算数"], "0.00"),
    ], 2024)
    assert (wide.total, wide.reception, wide.vehicle_operation, wide.page) == (Decimal(28500), Decimal(28500), Decimal(0), 17)
    rows = budgeted_three_public([item("合计", ["年初预算数"], "85000"), item("3.公务接待费", ["年初预算数"], "22000"),
                                  item("合计", ["决算数"], "74500")], 2023)
    assert (rows.total, rows.reception) == (Decimal(85000), Decimal(22000))
