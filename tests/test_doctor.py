"""`yusuan doctor`: failed checks grouped by likely cause, and a verdict, for PDFs without truth."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from pipeline.doctor import cause_of, diagnose
from schemas.records import Check, Document, DocumentMeta, SourceTable

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def test_the_planted_errors_are_grouped_by_cause(parsed: Callable[[str], Document]) -> None:
    diagnosis = diagnose(parsed("guangdong-shaoguan-culture-2022-planted-errors"))
    assert {"row/column sum", "narrative"} <= set(diagnosis.causes)
    # the planted 2070197 has a listed parent and a fitting name: a warning, listed apart
    assert any(f.page == 8 and "2070197" in f.detail for f in diagnosis.warnings)
    assert diagnosis.verdict.startswith("check before use")


def test_a_clean_parse_is_trusted_and_says_how_much_was_covered(parsed: Callable[[str], Document]) -> None:
    diagnosis = diagnose(parsed("sichuan-mianyang-health-2023-final"))
    assert diagnosis.failures == 0 and diagnosis.unaccounted == 0 and diagnosis.covered > 50
    assert diagnosis.verdict.startswith("trust")


def test_unknown_tables_and_checks_that_compare_nothing_are_no_evidence() -> None:
    document = Document(DocumentMeta("x", "x.pdf", 3, "t"),
                        tables=[SourceTable("unknown", "某某表", "元", [2], [], [])],
                        checks=[Check("coverage", "fail", "no overview table was found", None)])
    diagnosis = diagnose(document)
    assert list(diagnosis.causes) == ["unknown kind", "coverage"]
    assert diagnosis.verdict.startswith("no evidence")


def test_rules_map_to_causes() -> None:
    assert [cause_of(r) for r in ("text_layer", "hierarchy_sum", "cross_table_total", "statement", "coverage",
                                   "unknown_code", "something_new")] == [
        "text layer", "row/column sum", "cross-table", "narrative", "coverage", "unknown code", "other"]


def test_doctor_command_prints_json_per_document_and_refusals() -> None:
    result = subprocess.run([sys.executable, "-m", "pipeline", "doctor", "--json",
                             str(FIXTURES / "guangdong-shaoguan-culture-2022-planted-errors.pdf"),
                             str(FIXTURES / "bad" / "not-a-budget.pdf")],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    report = {d["source"].rsplit("/", 1)[-1]: d for d in json.loads(result.stdout)}
    planted = report["guangdong-shaoguan-culture-2022-planted-errors.pdf"]
    assert planted["failures"] == sum(len(v) for v in planted["causes"].values()) > 0
    assert all({"rule", "page", "detail"} <= set(f) for v in planted["causes"].values() for f in v)
    assert "not_budget" in report["not-a-budget.pdf"]["verdict"]


def test_unaccounted_amounts_are_listed_by_page_and_reason_and_a_parse_with_any_is_not_trusted() -> None:
    """A document whose every check passes is still not trusted while a printed amount has no meaning."""
    from schemas.records import Unaccounted

    gap = [Unaccounted(3, f"{n}.5", "column_without_measure", f"table 0 row {n}") for n in range(3)]
    gap.append(Unaccounted(5, "7.5万元", "sentence_not_read", "sentence on p5", sentence="另有7.5万元。"))
    table = [SourceTable("general_budget_expenditure", "一般公共预算支出情况表", "万元", [3], [], [])]
    document = Document(DocumentMeta("x", "x.pdf", 6, "t"), tables=table,
                        checks=[Check("row_total", "pass", "ok", 3, covered=9)], unaccounted=gap, amounts_printed=20)
    diagnosis = diagnose(document)
    assert [(g.page, g.reason, g.count) for g in diagnosis.gaps] == [(3, "column_without_measure", 3),
                                                                        (5, "sentence_not_read", 1)]
    assert diagnosis.verdict.startswith("check before use: 4 printed amounts unaccounted for, mostly column_without_measure")
    assert "16 of 20 printed amounts accounted for" in diagnosis.verdict
    clean = diagnose(Document(DocumentMeta("y", "y.pdf", 6, "t"), tables=table,
                              checks=[Check("row_total", "pass", "ok", 3, covered=9)], amounts_printed=20))
    assert clean.verdict.startswith("trust") and "every printed amount is accounted for (20)" in clean.verdict
