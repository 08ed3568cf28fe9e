"""Codebook lookups, driven by names and codes printed in real disclosures.

The names come from the Jiyuan 2021 seed (shared/seeds) and from the corpus
PDFs (shared/corpus); each harvested row names the file it was read from.
"""

import csv
import io
from importlib.resources import files

import pytest

from pipeline.normalize.codebook import Code, Codebook, split_prefixed


def fn(year: int | None) -> Codebook:
    return Codebook.load("functional", year)


# (printed text, parent, year, expected code) -- Jiyuan 2021 seed
SEED_NAMES = [
    ("行政运行（组织事务）", "20132", 2021, "2013201"),
    ("一般行政管理事务（组织事务）", "20132", 2021, "2013202"),
    ("一般行政管理事务（组织事务）", None, 2021, "2013202"),  # the bracket names the 款
    ("事业运行（组织事务）", "20132", 2021, "2013250"),
    ("其他组织事务支出", None, 2021, "2013299"),
    ("行政单位离退休", "20805", 2021, "2080501"),
    ("机关事业单位基本养老保险缴费支出", "20805", 2021, "2080505"),
    ("住房公积金", "22102", 2021, "2210201"),
    ("三十四、抗议特别国债安排的支出", None, 2021, "234"),
    ("八、社会保障和就业", None, 2021, "208"),
    ("一、一般公共服务", None, 2021, "201"),
    ("二、外交", None, 2021, "202"),
    ("七、文化旅游体育与传媒", None, 2021, "207"),
    ("九、社会保险基金支出", None, 2021, "209"),
    ("十二、城乡社区支出", None, 2021, "212"),
    ("十五、资源勘探信息等支出", None, 2021, "215"),
    ("二十、自然资源海洋气象等支出", None, 2021, "220"),
    ("二十一、住房保障支出", None, 2021, "221"),
    ("二十三、国有资本经营预算支出", None, 2021, "223"),
    ("二十四、灾害防治及应急管理支出", None, 2021, "224"),
    ("二十七、预备费", None, 2021, "227"),
    ("二十九、其他支出", None, 2021, "229"),
    ("三十、转移性支出", None, 2021, "230"),
    ("三十三、债务发行费用支出", None, 2021, "233"),
]


@pytest.mark.parametrize(("printed", "parent", "year", "code"), SEED_NAMES)
def test_seed_names_resolve(printed: str, parent: str | None, year: int, code: str) -> None:
    found = fn(year).find(printed, parent)
    assert found is not None and found.code == code


# class labels printed without 支出, with several ordinal styles
@pytest.mark.parametrize(
    ("printed", "code"),
    [
        ("一般公共服务", "201"),
        ("国防", "203"),
        ("公共安全", "204"),
        ("教育", "205"),
        ("科学技术", "206"),
        ("卫生健康", "210"),
        ("节能环保", "211"),
        ("城乡社区", "212"),
        ("农林水", "213"),
        ("交通运输", "214"),
        ("资源勘探工业信息等", "215"),
        ("商业服务业等", "216"),
        ("金融", "217"),
        ("援助其他地区", "219"),
        ("住房保障", "221"),
        ("粮油物资储备", "222"),
        ("国有资本经营预算", "223"),
        ("灾害防治及应急管理", "224"),
        ("其他", "229"),
        ("转移性", "230"),
        ("债务还本", "231"),
        ("债务付息", "232"),
        ("债务发行费用", "233"),
        ("（一）一般公共服务支出", "201"),
        ("1.教育支出", "205"),
        ("3、国防支出", "203"),
        (" 住房 保障 支出 ", "221"),
    ],
)
def test_class_short_names(printed: str, code: str) -> None:
    found = fn(2025).find(printed)
    assert found is not None and found.code == code


def test_repeated_item_name_needs_parent() -> None:
    book = fn(2021)
    assert book.find("行政运行") is None
    assert book.find("事业运行") is None
    assert book.find("行政运行", "20103").code == "2010301"
    assert book.find("行政运行", "20132").code == "2013201"
    assert book.find("行政运行（组织事务）", "20103") is None  # bracket stripped, parent still rules
    assert book.find("不存在的科目") is None
    assert book.find("") is None


def test_names_that_end_in_brackets_are_not_stripped() -> None:
    assert fn(2022).find("中医（民族）医院").code == "2100202"
    assert Codebook.load("economic_government", 2025).find("资本性支出（一）").code == "50601"
    assert Codebook.load("economic_department", 2025).find("资本性支出（基本建设）").code == "309"


def test_canonical_name() -> None:
    book = fn(2021)
    assert book.canonical_name("行政运行（组织事务）") == "行政运行"
    assert book.canonical_name("行政运行 （人力资源和社会保障管理事务）") == "行政运行"
    assert book.canonical_name("三十四、抗议特别国债安排的支出") == "抗疫特别国债安排的支出"
    assert book.canonical_name("抗议特别国债安排的支出") == "抗疫特别国债安排的支出"
    assert book.canonical_name("行政运行") == "行政运行"
    assert book.canonical_name(" 某个 项目 ") == "某个项目"
    econ = Codebook.load("economic_department", 2026)
    assert econ.canonical_name("维修(护)费") == "维修（护）费"
    assert econ.canonical_name("因公出国境费用()") == "因公出国（境）费用"


def test_year_keying() -> None:
    # 20110 人力资源事务 moved into 20801 in 2021 (2080113-2080116); its 2011004 政府特殊津贴 is still
    # printed by 2026 budgets (printed_until): known by its code, never the answer to a name
    assert "2011004" in fn(2020) and "2011005" not in fn(2021)
    assert fn(2026).get("2011004").name == "政府特殊津贴" and fn(2026).find("政府特殊津贴").code == "2080113"
    assert fn(2026).find("其他社会保障和就业支出", "20899").code == "2089999" and "2089901" in fn(2026)
    assert "2080116" in fn(2021) and "2080116" not in fn(2019)
    # the 2021 rename of 21305 扶贫
    assert fn(2020).get("21305").name == "扶贫"
    assert fn(2021).get("21305").name == "巩固脱贫衔接乡村振兴"
    # 234 came with 2020; the class stays in the list (Shanghai's 2024 tables still print it),
    # its 款 ended with 2021
    assert "234" not in fn(2019)
    assert "234" in fn(2020) and "234" in fn(2024)
    assert "23401" in fn(2021) and "23401" not in fn(2022)
    # 信访事务 and 社会工作事务 appear with the 2024 list
    assert "20140" not in fn(2023) and fn(2024).get("20140").name == "信访事务"
    assert "20139" in fn(2026)


def test_year_clamping_and_cache() -> None:
    assert fn(2010).year == 2019
    assert fn(2010) is fn(2019)
    assert fn(2099) is fn(None)
    assert fn(2026).year <= 2026


def test_hierarchy() -> None:
    book = fn(2024)
    code = book.get("2013201")
    assert code == Code("functional", "2013201", "行政运行", "20132", 3)
    assert book.get("20132") == Code("functional", "20132", "组织事务", "201", 2)
    assert book.get("201").parent is None and book.get("201").level == 1
    assert [c.code for c in book.children("20103")] == [
        "2010301",
        "2010302",
        "2010303",
        "2010304",
        "2010305",
        "2010306",
        "2010309",
        "2010350",
        "2010399",
    ]
    assert book.get("2010399").name == "其他政府办公厅（室）及相关机构事务支出"
    assert book.children("2013201") == []
    for c in book:
        assert c.level == {3: 1, 5: 2, 7: 3}[len(c.code)]
        assert c.parent is None or (c.parent in book and c.code.startswith(c.parent))


def test_every_class_present() -> None:
    classes = {c.code for c in fn(2021) if c.level == 1}
    expected = {f"{n}" for n in range(201, 225) if n != 218} | {
        "227",
        "229",
        "230",
        "231",
        "232",
        "233",
        "234",
    }
    assert expected <= classes


def test_economic_department() -> None:
    book = Codebook.load("economic_department", 2024)
    assert {c.code for c in book if c.level == 1} == {
        "301",
        "302",
        "303",
        "307",
        "309",
        "310",
        "311",
        "312",
        "313",
        "399",
    }
    assert book.get("30102").name == "津贴补贴"
    assert book.get("30217").name == "公务接待费"
    assert book.get("30231").name == "公务用车运行维护费"
    assert book.find("津贴补贴").code == "30102"
    assert book.find("办公设备购置", "310").code == "31002"
    assert book.find("办公设备购置") is None  # 30902 and 31002
    assert book.find("机关事业单位基本养老保险费").code == "30108"  # Putuo welfare home 2024
    assert len(book.children("302")) >= 27


def test_economic_government() -> None:
    book = Codebook.load("economic_government", 2024)
    assert book.get("50101").name == "工资奖金津补贴"
    assert book.get("505").name == "对事业单位经常性补助"
    assert book.find("工资福利支出").code == "50501"
    assert book.find("其他对个人和家庭补助").code == "50999"
    assert {c.code for c in book if c.level == 1} >= {
        "501",
        "502",
        "503",
        "504",
        "505",
        "506",
        "507",
        "508",
        "509",
        "599",
    }


@pytest.mark.parametrize(
    ("text", "pairs"),
    [
        ("50501-工资福利支出 30102-津贴补贴", [("50501", "工资福利支出"), ("30102", "津贴补贴")]),
        (
            "50502-商品和服务支出 30299-其他商品和服务支出",
            [("50502", "商品和服务支出"), ("30299", "其他商品和服务支出")],
        ),
        ("2010601-行政运行", [("2010601", "行政运行")]),
        ("2080505－机关事业单位基本养老保险缴费 支出", [("2080505", "机关事业单位基本养老保险缴费支出")]),
        ("201-一般公共服务支出", [("201", "一般公共服务支出")]),
        ("津贴补贴", []),
        ("201 32 01 行政运行", []),
        ("2026-2027年度信息化运维", []),
    ],
)
def test_split_prefixed(text: str, pairs: list[tuple[str, str]]) -> None:
    assert split_prefixed(text) == pairs


# (corpus file, fiscal year, system, code, name as printed) -- harvested with pdfplumber
HARVESTED = [
    ("putuo-justice-2026-department-budget.pdf", 2026, "functional", "2040604", "基层司法业务"),
    ("putuo-justice-2026-department-budget.pdf", 2026, "functional", "2040605", "普法宣传"),
    ("putuo-justice-2026-department-budget.pdf", 2026, "functional", "2040607", "公共法律服务"),
    ("putuo-justice-2026-department-budget.pdf", 2026, "functional", "2040613", "信息化建设"),
    ("putuo-justice-2026-department-budget.pdf", 2026, "functional", "2040699", "其他司法支出"),
    ("putuo-wanli-2023-department-budget.pdf", 2023, "functional", "2010507", "专项普查活动"),
    ("putuo-wanli-2023-department-budget.pdf", 2023, "functional", "2013802", "一般行政管理事务"),
    ("putuo-wanli-2023-department-budget.pdf", 2023, "functional", "2049999", "其他公共安全支出"),
    ("putuo-wanli-2023-department-budget.pdf", 2023, "functional", "2082501", "其他城市生活救助"),
    ("putuo-wanli-2023-department-budget.pdf", 2023, "functional", "2120104", "城管执法"),
    ("putuo-wanli-2023-department-budget.pdf", 2023, "functional", "2120399", "其他城乡社区公共设施支出"),
    ("putuo-wanli-2023-department-budget.pdf", 2023, "functional", "2089999", "其他社会保障和就业支出"),
    ("putuo-wanli-2024-department-budget.pdf", 2024, "functional", "2059999", "其他教育支出"),
    ("putuo-finance-2024-department-final-accounts.pdf", 2024, "functional", "2010608", "财政委托业务支出"),
    (
        "putuo-planning-2024-department-final-accounts.pdf",
        2024,
        "functional",
        "2200199",
        "其他自然资源事务支出",
    ),
    ("beijing-petitions-2026-department-budget-tables.pdf", 2026, "functional", "2014004", "信访业务"),
    ("beijing-petitions-2026-department-budget-tables.pdf", 2026, "functional", "2014050", "事业运行"),
    ("guangzhou-petitions-2026-department-budget.pdf", 2026, "functional", "2014099", "其他信访事务支出"),
    ("beijing-finance-2026-department-budget-tables.pdf", 2026, "functional", "2010650", "事业运行"),
    ("shenzhen-finance-2026-department-budget.pdf", 2026, "functional", "2010605", "财政国库业务"),
    ("shenzhen-finance-2026-department-budget.pdf", 2026, "functional", "2170302", "利息费用补贴支出"),
    ("shenzhen-finance-2026-department-budget.pdf", 2026, "functional", "2130899", "其他普惠金融发展支出"),
    ("suzhou-audit-2026-department-budget.pdf", 2026, "functional", "2010850", "事业运行"),
    ("guangzhou-govoffice-2026-department-budget.pdf", 2026, "functional", "2011105", "派驻派出机构"),
    ("chongqing-commerce-2026-department-budget.pdf", 2026, "functional", "2011308", "招商引资"),
    ("chongqing-commerce-2026-department-budget.pdf", 2026, "functional", "2150516", "工程建设及运行维护"),
    (
        "chongqing-commerce-2026-department-budget.pdf",
        2026,
        "functional",
        "21598",
        "超长期特别国债安排的支出",
    ),
    ("chongqing-commerce-2026-department-budget.pdf", 2026, "functional", "2159802", "制造业"),
    ("chongqing-commerce-2026-department-budget.pdf", 2026, "functional", "2160699", "其他涉外发展服务支出"),
    (
        "chongqing-govoffice-2026-department-budget.pdf",
        2026,
        "functional",
        "2010399",
        "其他政府办公厅（室）及相关机构事务支出",
    ),
    (
        "xian-hrss-2020-department-budget.pdf",
        2020,
        "functional",
        "2011002",
        "一般行政管理事务（人力资源事务）",
    ),
    ("xian-hrss-2020-department-budget.pdf", 2020, "functional", "2011007", "博士后日常经费"),
    ("xian-hrss-2020-department-budget.pdf", 2020, "functional", "2089901", "其他社会保障和就业支出"),
    (
        "xian-hrss-2020-department-budget.pdf",
        2020,
        "functional",
        "2080507",
        "对机关事业单位基本养老保险基金的补助",
    ),
    ("xian-safety-2019-department-budget-tables.pdf", 2019, "functional", "2150605", "安全监管监察专项"),
    ("xian-safety-2019-department-budget-tables.pdf", 2019, "functional", "2240108", "应急救援"),
    ("xian-health-2022-department-final-accounts.pdf", 2022, "functional", "2100202", "中医（民族）医院"),
    (
        "xian-health-2022-department-final-accounts.pdf",
        2022,
        "functional",
        "2100410",
        "突发公共卫生事件应急处理",
    ),
    ("xian-health-2022-department-final-accounts.pdf", 2022, "functional", "2101601", "老龄卫生健康事务"),
    ("xian-health-2022-department-final-accounts.pdf", 2022, "functional", "2109999", "其他卫生健康支出"),
    (
        "xian-health-2022-department-final-accounts.pdf",
        2022,
        "functional",
        "2290402",
        "其他地方自行试点项目收益专项债券收入安排的支出",
    ),
    ("xian-finance-2026-department-budget.pdf", 2026, "functional", "2220401", "储备粮油补贴"),
    ("xian-finance-2026-department-budget.pdf", 2026, "functional", "2130803", "农业保险保费补贴"),
    ("shenzhen-hrss-2026-department-budget.pdf", 2026, "functional", "2080701", "就业创业服务补助"),
    (
        "shenzhen-hrss-2026-department-budget.pdf",
        2026,
        "functional",
        "2083001",
        "财政代缴城乡居民基本养老保险费支出",
    ),
    ("shenzhen-hrss-2026-department-budget.pdf", 2026, "functional", "2050303", "技校教育"),
    ("swu-2023-department-budget.pdf", 2023, "functional", "2050602", "来华留学教育"),
    ("swu-2023-department-budget.pdf", 2023, "functional", "2296004", "用于教育事业的彩票公益金支出"),
    ("suzhou-science-2026-unit-budget.pdf", 2026, "functional", "2060204", "实验室及相关设施"),
    ("beijing-finance-2026-department-budget-tables.pdf", 2026, "economic_department", "30102", "津贴补贴"),
    (
        "beijing-finance-2026-department-budget-tables.pdf",
        2026,
        "economic_department",
        "3021503",
        "三类会议费",
    ),
    (
        "beijing-finance-2026-department-budget-tables.pdf",
        2026,
        "economic_department",
        "31007",
        "信息网络及软件购置更新",
    ),
    ("chongqing-commerce-2026-department-budget.pdf", 2026, "economic_department", "3010201", "规范性津补贴"),
    (
        "chongqing-commerce-2026-department-budget.pdf",
        2026,
        "economic_department",
        "3030104",
        "离休健康休养费",
    ),
    ("chongqing-commerce-2026-department-budget.pdf", 2026, "economic_department", "30240", "税金及附加费用"),
    ("changsha-petitions-2026-department-budget.pdf", 2026, "economic_department", "30114", "医疗费"),
    ("final-accounts-template.pdf", 2024, "economic_department", "30310", "个人农业生产补贴"),
    (
        "xian-health-2022-department-final-accounts.pdf",
        2022,
        "economic_department",
        "39908",
        "对民间非营利组织和群众性自治组织补贴",
    ),
    (
        "xian-health-2022-department-final-accounts.pdf",
        2022,
        "economic_department",
        "31203",
        "政府投资基金股权投资",
    ),
    ("shenzhen-hrss-2026-department-budget.pdf", 2026, "economic_department", "30311", "代缴社会保险费"),
    (
        "beijing-finance-2026-department-budget-tables.pdf",
        2026,
        "economic_government",
        "50208",
        "公务用车运行维护费",
    ),
    (
        "beijing-finance-2026-department-budget-tables.pdf",
        2026,
        "economic_government",
        "50501",
        "工资福利支出",
    ),
    ("xian-hrss-2020-department-budget.pdf", 2020, "economic_government", "51002", "对社会保险基金补助"),
    ("xian-hrss-2020-department-budget.pdf", 2020, "economic_government", "50905", "离退休费"),
]


@pytest.mark.parametrize(("source", "year", "system", "code", "printed"), HARVESTED)
def test_harvested_codes_present(source: str, year: int, system: str, code: str, printed: str) -> None:
    book = Codebook.load(system, year)
    assert code in book, f"{code} {printed} ({source}) missing from the {year} {system} list"
    found = book.find(printed, book.get(code).parent)
    assert found is not None and found.code == code, (source, printed)


def test_unknown_system() -> None:
    with pytest.raises(ValueError):
        Codebook.load("cofog", 2024)


@pytest.mark.parametrize("system", ["functional", "economic_department", "economic_government"])
def test_data_is_consistent(system: str) -> None:
    """Rows of one code never overlap in years; every code's parent exists in every year it does."""
    text = files("pipeline.normalize").joinpath("codebooks", f"{system}.csv").read_text(encoding="utf-8")
    spans: dict[str, list[tuple[int, int]]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        spans.setdefault(row["code"], []).append((int(row["first_year"]), int(row["last_year"] or 9999)))
    for code, ranges in spans.items():
        ranges.sort()
        assert all(a[1] < b[0] for a, b in zip(ranges, ranges[1:], strict=False)), (code, ranges)
    for year in range(2019, 2027):
        for c in Codebook.load(system, year):
            assert c.parent is None or c.parent in Codebook.load(system, year), (year, c)


# (printed name, parent printed above it, fiscal year, expected code) -- 项 that budget tables
# print by name only and that were missing from the codebook (Hangzhou 2026 justice and
# transport budgets, 表3/表5: 监狱, 强制隔离戒毒, 国防动员, 其他交通运输支出)
NAME_ONLY_ITEMS = [
    ("行政运行", "20407", 2026, "2040701"),
    ("一般行政管理事务", "20407", 2026, "2040702"),
    ("罪犯生活及医疗卫生", "20407", 2026, "2040704"),
    ("监狱业务及罪犯改造", "20407", 2026, "2040705"),
    ("狱政设施建设", "20407", 2026, "2040706"),
    ("信息化建设", "20407", 2026, "2040707"),
    ("其他监狱支出", "20407", 2026, "2040799"),
    ("行政运行", "20408", 2026, "2040801"),
    ("一般行政管理事务", "20408", 2026, "2040802"),
    ("强制隔离戒毒人员生活", "20408", 2026, "2040804"),
    ("强制隔离戒毒人员教育", "20408", 2026, "2040805"),
    ("所政设施建设", "20408", 2026, "2040806"),
    ("其他强制隔离戒毒支出", "20408", 2026, "2040899"),
    ("交通战备", "20306", 2026, "2030604"),
    ("公共交通运营补助", "21499", 2026, "2149901"),
    ("其他交通运输支出", "21499", 2026, "2149999"),
    ("超长期特别国债安排的支出", "214", 2026, "21498"),
    ("公路水路运输", "21498", 2026, "2149801"),
    # the same 项 in older lists
    ("罪犯生活及医疗卫生", "20407", 2019, "2040704"),
    ("强制隔离戒毒人员生活", "20408", 2021, "2040804"),
    ("公共交通运营补助", "21499", 2022, "2149901"),
]


@pytest.mark.parametrize(("printed", "parent", "year", "code"), NAME_ONLY_ITEMS)
def test_name_only_items_resolve(printed: str, parent: str, year: int, code: str) -> None:
    found = fn(year).find(printed, parent)
    assert found is not None and found.code == code, (printed, parent, year)
    assert found.parent == parent


def test_name_only_items_need_their_parent() -> None:
    book = fn(2026)
    # names shared with other 款 stay unresolved without the 款 printed above them
    assert book.find("行政运行") is None
    assert book.find("所政设施建设").code == "2040806"  # unique name
    assert book.find("其他交通运输支出", "21499").code == "2149999"  # the 项, not the 款 again
    assert book.find("其他交通运输支出", "214").code == "21499"
    # 超长期特别国债安排的支出 is a 款 of 214 and of 215: the class above decides
    assert book.find("超长期特别国债安排的支出") is None
    assert book.find("超长期特别国债安排的支出", "215").code == "21598"
    # the 款 of 超长期特别国债 came with the 2024 list
    assert "21498" not in fn(2023) and "2149801" not in fn(2023)


def test_name_only_items_through_resolver() -> None:
    """The Hangzhou 2026 justice table (表3) as the resolver meets it: names only, in print order."""
    from pipeline.normalize.codes import CodeResolver

    resolver = CodeResolver(2026, "functional")
    printed = [
        ("公共安全支出", "204"),
        ("司法", "20406"),
        ("行政运行", "2040601"),
        ("其他司法支出", "2040699"),
        ("监狱", "20407"),
        ("行政运行", "2040701"),
        ("罪犯生活及医疗卫生", "2040704"),
        ("信息化建设", "2040707"),
        ("其他监狱支出", "2040799"),
        ("强制隔离戒毒", "20408"),
        ("行政运行", "2040801"),
        ("强制隔离戒毒人员生活", "2040804"),
        ("其他强制隔离戒毒支出", "2040899"),
        ("社会保障和就业支出", "208"),
    ]
    for name, code in printed:
        got = resolver.resolve([], [name]).get("functional")
        assert got is not None and got.code == code, (name, code, got)
