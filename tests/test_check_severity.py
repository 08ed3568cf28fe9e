"""Checks carry a severity: unknown codes that fit the list warn, codes that contradict it fail;
the severity survives the contract, the database, `yusuan stats` and `yusuan eval`."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from db import open_engine
from db.loader import load
from db.reader import read_document
from db.stats import summarize
from pipeline.checks.codes import judge, unknown_codes
from pipeline.evaluation import score_document
from pipeline.normalize.codebook import Codebook
from schemas.contract import dumps, to_contract, validate
from schemas.records import Check, Document, DocumentMeta, LineItem

MakeDocument = Callable[..., Document]


def book(system: str, year: int) -> Codebook:
    return Codebook.load(system, year)


# (system, year, printed code, printed name, expected: None = known, else "warn" / "fail")
VERDICTS = [
    # in the year's list
    ("functional", 2026, "2013201", "行政运行", None),
    ("functional", 2026, "2169999", "其他商业服务业等支出", None),
    # absent, parent present, the name names nothing else: a 项 the list does not have yet
    ("functional", 2026, "2010188", "人大数字化平台运维", "warn"),
    ("functional", 2026, "2013288", None, "warn"),
    # absent, and the generic name repeats under many 款: still fits
    ("functional", 2026, "2013288", "信息化建设", "warn"),
    # absent 款 under an existing 类
    ("functional", 2026, "20188", "数据事务", "warn"),
    # a 项 named like its own 款 (其他…支出 repeats the 款's name) fits
    ("functional", 2022, "2209999", "其他自然资源海洋气象等支出", "warn"),
    # hierarchy contradicted: no such 款 / 类
    ("functional", 2026, "2018801", "行政运行", "fail"),
    ("functional", 2026, "2880101", "行政运行", "fail"),
    ("functional", 2026, "288", "某某支出", "fail"),
    # two codes run together (Yantai prints the departmental and government economic codes side by side)
    ("economic_department", 2026, "3010150101", "工资奖金津补贴", "fail"),
    # a 项 joined to its 类 without its 款 (221 | 99 for 2210199): the name is 2210199's
    ("functional", 2026, "22199", "其他保障性安居工程支出", "fail"),
    # a generic 项 name on a 款-length code (204 | 50 for 2040650 事业运行, Yantai justice p9)
    ("functional", 2026, "20450", "事业运行", "fail"),
    # name contradicted: the printed name is a sibling's under the same 款
    ("functional", 2026, "2013288", "行政运行", "fail"),
    # name contradicted: the printed name is one single item elsewhere
    ("functional", 2026, "2082288", "小学教育", "fail"),
    # a code valid in other years only, in a year whose parent is gone
    ("functional", 2022, "2340101", "公共卫生体系建设", "fail"),
    # closed by the list, still printed by real budgets: known
    ("functional", 2026, "2011004", "政府特殊津贴", None),
    ("functional", 2026, "2139802", "水利支出", None),
    # the economic sets follow the same rule
    ("economic_department", 2026, "30288", "数据服务费", "warn"),
    ("economic_department", 2026, "30288", "办公费", "fail"),
    ("economic_department", 2026, "38801", "办公费", "fail"),
    ("economic_government", 2026, "50288", None, "warn"),
    ("economic_government", 2026, "50501", "工资福利支出", None),
]


@pytest.mark.parametrize(("system", "year", "code", "name", "expected"), VERDICTS)
def test_unknown_code_warns_or_fails(system: str, year: int, code: str, name: str | None, expected: str | None) -> None:
    verdict = judge(book(system, year), code, name)
    assert (verdict.severity if verdict else None) == expected, verdict


def document(year: int, items: list[tuple[str, str]]) -> Document:
    meta = DocumentMeta(sha256="b" * 64, source="x.pdf", page_count=3, parser_version="0", fiscal_year=year)
    line_items = [
        LineItem(table_kind="general_budget_expenditure", table_index=0, row_index=i, page=i + 1,
                 row_label=name, column_path=["合计"], amount=Decimal("1"), amount_source="1", unit_source="元",
                 functional_code=code, functional_name=name)
        for i, (code, name) in enumerate(items)
    ]
    return Document(meta=meta, line_items=line_items)


def test_unknown_code_checks_carry_their_severity() -> None:
    checks = unknown_codes(document(2026, [("2013201", "行政运行"), ("2013288", "数据治理"), ("2880101", "行政运行")]))
    by_status = {c.status: c for c in checks}
    assert set(by_status) == {"warn", "fail"}
    assert by_status["warn"].severity == "warn" and "2013288" in by_status["warn"].detail
    assert by_status["warn"].page == 2
    assert by_status["fail"].severity == "fail" and "2880101" in by_status["fail"].detail


def test_warnings_alone_still_pass_the_rule() -> None:
    checks = unknown_codes(document(2026, [("2013201", "行政运行"), ("2013288", "数据治理")]))
    assert [c.status for c in checks] == ["warn", "pass"]
    assert "1 of 2 codes" in checks[1].detail


def test_check_outcome_follows_severity() -> None:
    assert Check.outcome("r", True, "warn", "d", None).status == "pass"
    assert Check.outcome("r", False, "warn", "d", 3) == Check("r", "warn", "d", 3, "warn")
    assert Check.outcome("r", False, "fail", "d", 3).status == "fail"
    assert Check("r", "fail", "d").severity == "fail"  # the default: every rule fails unless it says so


def with_warning(doc: Document) -> Document:
    doc.checks.append(Check("unknown_code", "warn", "code 2013288 is not in the 2026 functional codebook", 5, "warn"))
    return doc


def test_severity_in_the_contract(make_document: MakeDocument) -> None:
    doc = with_warning(make_document())
    obj = json.loads(dumps(doc))
    validate(obj)
    assert obj["checks"][-1] == {"rule": "unknown_code", "status": "warn", "detail": obj["checks"][-1]["detail"],
                                 "page": 5, "severity": "warn", "tables": [], "covered": None}


def test_contract_rejects_an_unknown_status(make_document: MakeDocument) -> None:
    obj = to_contract(make_document())
    obj["checks"][0]["status"] = "maybe"
    with pytest.raises(Exception, match="maybe"):
        validate(obj)


def test_severity_round_trips_through_the_database_and_stats(db_url: str, make_document: MakeDocument) -> None:
    doc = with_warning(make_document())
    engine = open_engine(db_url)
    document_id = load(engine, doc).document_id
    with Session(engine) as session:
        back = read_document(session, document_id)
        summary = summarize(session)
    assert back.checks == doc.checks
    assert [c.severity for c in back.checks] == ["fail", "fail", "warn"]
    assert summary["failed_checks"] == [{"rule": "three_public_sum", "count": 1}]
    assert summary["warned_checks"] == [{"rule": "unknown_code", "count": 1}]


def test_a_warning_is_not_an_unexpected_failure(make_document: MakeDocument) -> None:
    doc = with_warning(make_document())
    truth = {"checks": [{"rule": "three_public_sum", "status": "fail", "page": None}]}
    score = score_document("x", doc, to_contract(doc), truth)
    assert score.unexpected_failures == []
    assert score.expected_failures_found == 1 and score.checks_warned == 1
    # a truth file expects a warning by saying so
    truth = {"checks": [{"rule": "unknown_code", "status": "warn", "page": 5}]}
    score = score_document("x", doc, to_contract(doc), truth)
    assert score.expected_failures_found == 1
    # but cannot claim a warning as an expected failure
    truth = {"checks": [{"rule": "unknown_code", "status": "fail", "page": 5}]}
    score = score_document("x", doc, to_contract(doc), truth)
    assert score.expected_failures_found == 0
    assert len(score.unexpected_failures) == 1


# Codes real documents print that the codebooks lacked (issue 11): present in every list year
# from the one that introduced them, with the name the list gives.
NAMED = [
    ("2169999", "其他商业服务业等支出", 2019),
    ("2150899", "其他支持中小企业发展和管理支出", 2019),
    ("2150299", "其他制造业支出", 2019),
    ("2210111", "城中村改造", 2024),
    ("2082299", "其他大中型水库移民后期扶持基金支出", 2019),
    ("2121100", "农业土地开发资金安排的支出", 2019),
    ("2290805", "体育彩票销售机构的业务费支出", 2019),
    ("2290808", "彩票市场调控资金支出", 2019),
]


@pytest.mark.parametrize("year", range(2019, 2027))
@pytest.mark.parametrize(("code", "name", "since"), NAMED)
def test_named_codes_per_year(code: str, name: str, since: int, year: int) -> None:
    fn = book("functional", year)
    assert fn.year == year  # every year from 2019 to 2026 has a book of its own
    if year < since:
        assert code not in fn
        return
    assert fn.get(code) is not None and fn.get(code).name == name  # type: ignore[union-attr]
    assert fn.find(name, parent=code[:5]).code == code  # type: ignore[union-attr]
    assert judge(fn, code, name) is None
