"""Each stage is a function of its input: run twice, equal results; its input never changes."""

from __future__ import annotations

import copy

import pytest

from conftest import FIXTURES
from extractors.document import extract
from extractors.settings import ExtractSettings
from pipeline.api import parse
from pipeline.checks import validate
from pipeline.normalize import normalize
from pipeline.normalize.vocabulary import parse_vocabulary
from schemas.records import Document
from schemas.table_kinds import catalog, parse_catalog

PDF = str(FIXTURES / "guangdong-shaoguan-culture-2022-planted-errors.pdf")


def test_each_stage_twice_on_the_same_input_gives_equal_results_and_leaves_it_unchanged() -> None:
    settings = ExtractSettings()
    extraction = extract([PDF], settings)
    assert extract([PDF], settings) == extraction

    before = copy.deepcopy(extraction)
    records = normalize(extraction)
    assert normalize(extraction) == records
    assert extraction == before, "normalize changed its input"
    assert records.line_items and records.facts

    records_before = copy.deepcopy(records)
    checks = validate(extraction, records)
    assert validate(extraction, records) == checks
    assert extraction == before and records == records_before, "validate changed its input"
    assert any(c.status == "fail" for c in checks), "the planted errors are found"

    assert parse([PDF], settings) == Document.assemble(extraction, records, checks)


def test_every_table_carries_a_parsing_report_with_confidence_from_its_checks() -> None:
    document = parse([PDF])
    reports = [t.report for t in document.tables]
    assert all(r is not None for r in reports)
    by_confidence = {r.confidence for r in reports if r is not None}
    assert {"high", "low"} <= by_confidence, "planted errors lower some tables' confidence"
    for index, table in enumerate(document.tables):
        assert table.report is not None
        failed = [c for c in document.checks if index in c.tables and c.status == "fail"]
        assert (table.report.confidence == "low") == bool(failed)
        assert table.report.checks_failed == len(failed)
        assert table.report.columns_from in ("ruling_lines", "header_words", "stream", "carried")


def test_a_table_continued_overleaf_reports_the_page_and_why() -> None:
    document = parse([str(FIXTURES / "jiyuan-bianban-2021-budget.pdf")])
    table = next(t for t in document.tables if t.kind == "appropriation_overview")
    assert table.report is not None and len(table.report.stitched) == 1
    stitch = table.report.stitched[0]
    assert stitch.page == table.pages[1] and "repeated header" in stitch.why


def test_an_empty_table_reports_why() -> None:
    document = parse([str(FIXTURES / "jiyuan-bianban-2021-budget.pdf")])
    empty = [t for t in document.tables if t.empty]
    assert empty and all(t.report is not None and t.report.empty_reason for t in empty)


CATALOG = """
[kinds.overview]
line_items = true
sides = 2
titles = ["收支总表"]
"""


def test_the_kind_catalog_is_validated_when_loaded() -> None:
    assert parse_catalog(CATALOG).spec("overview").sides == 2
    with pytest.raises(ValueError, match="unknown attributes"):
        parse_catalog(CATALOG + "line_itmes = true\n")
    with pytest.raises(ValueError, match="not declared"):
        parse_catalog(CATALOG + '\n[kinds.final_overview]\nfinal_of = "overviews"\n')
    with pytest.raises(ValueError, match="not declared"):
        parse_catalog(CATALOG + '\n[[shared_totals]]\nname = "x"\nmembers = [["income", "total", "first"]]\n')
    with pytest.raises(ValueError, match="unknown attributes"):
        parse_catalog(CATALOG + '\n[[shared_totals]]\nname = "x"\nmembers = []\nbudget_only = true\n')
    with pytest.raises(ValueError, match="shape"):
        parse_catalog(CATALOG + 'shape = "tree"\n')


def test_a_new_kind_is_one_entry() -> None:
    text = CATALOG + '\n[kinds.asset_register]\nline_items = true\ncodes = "none"\ntitles = ["资产配置预算表"]\n'
    spec = parse_catalog(text).spec("asset_register")
    assert spec.line_items and spec.codes == "none" and spec.titles == ("资产配置预算表",)


def test_final_kinds_mirror_their_budget_kinds() -> None:
    kinds = catalog()
    assert kinds.mirrors("final_overview", "overview")
    assert kinds.spec("final_department_income").final_of == "department_income"  # a derived twin
    assert kinds.final_twin("three_public") == "final_three_public"
    assert kinds.spec("no_such_kind").name == "unknown"


def test_the_record_vocabulary_is_validated_when_loaded() -> None:
    with pytest.raises(ValueError, match="unknown keys"):
        parse_vocabulary('[project_form]\nnmae = ["项目名称"]\n[project_list]\n[three_public]\n')
    with pytest.raises(ValueError, match="lacks sections"):
        parse_vocabulary('[project_form]\nname = ["项目名称"]\n[project_list]\n[three_public]\n')
