"""Every fixture PDF against its ground truth: the figures `yusuan eval` prints, asserted."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from conftest import FIXTURES, fixture_names
from pipeline.evaluation import RECORD_TYPES, score_document
from schemas.contract import to_contract, validate
from schemas.records import Document


@pytest.mark.parametrize("name", fixture_names())
def test_fixture_matches_its_ground_truth(name: str, parsed: Callable[[str], Document]) -> None:
    truth = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    document = parsed(name)
    score = score_document(name, document, to_contract(document), truth)
    assert score.kind_errors == []
    assert score.kind_accuracy == 1.0
    assert score.cells.f1 >= 0.99, score.cells
    assert score.field_errors == []
    for kind in RECORD_TYPES:
        record = score.records[kind]
        assert record.precision >= 0.99 and record.recall >= 0.99, (kind, record)
    assert score.expected_failures_found == score.expected_failures
    assert score.unexpected_failures == []


@pytest.mark.parametrize("name", fixture_names())
def test_parse_output_follows_the_contract_schema(name: str, parsed: Callable[[str], Document]) -> None:
    validate(to_contract(parsed(name)))


def test_planted_errors_are_each_reported_with_page(parsed: Callable[[str], Document]) -> None:
    checks = parsed("guangdong-shaoguan-culture-2022-planted-errors").checks
    failed = {(c.rule, c.page) for c in checks if c.status == "fail"}
    assert {("column_total", 9), ("row_total", 9), ("narrative_vs_table", 4)} <= failed
    # 2070197: 款 20701 exists and 文化旅游融合发展专项 is no other item's name, so a warning
    assert ("unknown_code", 8) in {(c.rule, c.page) for c in checks if c.status == "warn"}


def test_consistent_documents_report_no_failed_check(parsed: Callable[[str], Document]) -> None:
    for name in ("henan-xinxiang-finance-2022-budget", "shanghai-putuo-market-2024-unit",
                 "shaanxi-xian-beilin-education-2020-consolidated", "chongqing-wanzhou-agriculture-2019-budget"):
        document = parsed(name)
        assert [c for c in document.checks if c.status == "fail"] == [], name
        assert len([c for c in document.checks if c.status == "pass"]) >= 5, name
