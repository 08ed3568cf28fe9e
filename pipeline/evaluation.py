"""Score a parse against ground truth, table by table and record by record.

Truth files are contract objects (docs/truth-conventions.md). A truth file
may be partial (hand-written truth for a real PDF lists some facts only):
a field the truth leaves out is not scored, and record types are scored
by recall alone when the truth says `"complete": false` for them.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from extractors.header import AMOUNT
from schemas.contract import to_contract
from schemas.records import Document, SourceTable
from schemas.text import squash

RECORD_TYPES = ("line_items", "three_public", "projects", "indicators", "facts")


@dataclass
class Score:
    """Matches between a parse and the truth: true/false positives, misses."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Score) -> Score:
        return Score(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def compare(parsed: Iterable[Any], truth: Iterable[Any]) -> Score:
    """Multiset comparison of two collections of hashable keys."""
    got, want = Counter(parsed), Counter(truth)
    tp = sum((got & want).values())
    return Score(tp, sum(got.values()) - tp, sum(want.values()) - tp)


@dataclass
class DocumentScore:
    """How one document's parse compares with its truth."""

    name: str
    tables_truth: int = 0
    tables_kind_correct: int = 0
    tables_extra: int = 0
    kind_errors: list[str] = field(default_factory=list)
    cells: Score = field(default_factory=Score)
    records: dict[str, Score] = field(default_factory=dict)
    document_fields: Score = field(default_factory=Score)
    field_errors: list[str] = field(default_factory=list)
    expected_failures: int = 0
    expected_failures_found: int = 0
    unexpected_failures: list[str] = field(default_factory=list)
    checks_passed: int = 0
    checks_warned: int = 0  # warnings are read, not counted as failures
    error: str | None = None

    @property
    def kind_accuracy(self) -> float:
        total = self.tables_truth + self.tables_extra
        return self.tables_kind_correct / total if total else 1.0


def _decimal(text: Any) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(str(text)).normalize()
    except InvalidOperation:
        return None


def row_label(row: list[str | None]) -> str:
    """A row's identity for matching: its non-numeric cells, joined."""
    return "|".join(squash(c) for c in row if c and not AMOUNT.match(squash(c)))


def table_cells(header: list[list[str]], rows: list[list[str | None]]) -> Counter[tuple[str, int, str, str]]:
    """Non-empty cells keyed by (row label, occurrence, column path, text)."""
    cells: Counter[tuple[str, int, str, str]] = Counter()
    seen: Counter[str] = Counter()
    for row in rows:
        label = row_label(row)
        seen[label] += 1
        for col, text in enumerate(row):
            if text and squash(text):
                path = "/".join(squash(p) for p in header[col]) if col < len(header) else ""
                cells[(label, seen[label], path, squash(text))] += 1
    return cells


def _match_tables(parsed: list[SourceTable], truth: list[dict[str, Any]]) -> list[tuple[SourceTable | None, dict[str, Any]]]:
    """Pair each truth table with the parsed table starting on the same page (in order)."""
    by_page: dict[int, list[SourceTable]] = {}
    for table in parsed:
        by_page.setdefault(table.pages[0], []).append(table)
    pairs: list[tuple[SourceTable | None, dict[str, Any]]] = []
    for want in truth:
        candidates = by_page.get(want["pages"][0], [])
        pairs.append((candidates.pop(0) if candidates else None, want))
    return pairs


def _score_tables(score: DocumentScore, parsed: Document, truth: list[dict[str, Any]]) -> None:
    pairs = _match_tables(parsed.tables, truth)
    matched = {id(got) for got, _ in pairs if got is not None}
    score.tables_truth = len(truth)
    score.tables_extra = sum(1 for t in parsed.tables if id(t) not in matched)
    for got, want in pairs:
        if got is not None and got.kind == want["kind"]:
            score.tables_kind_correct += 1
        else:
            score.kind_errors.append(f"p{want['pages'][0]}: {want['kind']} read as {got.kind if got else 'nothing'}")
        if "rows" not in want:
            continue
        want_cells = table_cells(want.get("header", []), want["rows"])
        got_cells = table_cells(got.header, got.rows) if got else Counter()
        score.cells += compare(got_cells.elements(), want_cells.elements())
    for table in parsed.tables:
        if id(table) not in matched and any("rows" in t for t in truth):
            score.cells += Score(fp=sum(table_cells(table.header, table.rows).values()))


def _record_keys(kind: str, records: Iterable[dict[str, Any]]) -> list[tuple[Any, ...]]:
    if kind == "line_items":
        return [(r["table_kind"], squash(r["row_label"]), "/".join(squash(p) for p in r["column_path"]),
                 _decimal(r["amount"]), r.get("measure"), r.get("functional_code"), r.get("economic_code"))
                for r in records]
    if kind == "projects":
        return [(squash(r["name"]), _decimal(r.get("amount")), _decimal(r.get("previous_amount")),
                 r.get("start"), r.get("end")) for r in records]
    if kind == "indicators":
        return [(r["scope"], squash(r.get("project")), squash(r.get("level1")), squash(r.get("level2")),
                 squash(r["level3"]), squash(r["target_raw"]), r.get("operator"), _decimal(r.get("value")),
                 r.get("unit")) for r in records]
    if kind == "facts":
        return [(r["key"], _decimal(r["value"])) for r in records]
    raise ValueError(kind)


def _three_public_keys(obj: dict[str, Any]) -> list[tuple[str, Decimal | None]]:
    return [(k, _decimal(v)) for k, v in obj.items() if k != "page" and v is not None]


def _score_records(score: DocumentScore, got: dict[str, Any], truth: dict[str, Any]) -> None:
    complete = truth.get("complete", {})
    for kind in RECORD_TYPES:
        if kind not in truth:
            continue
        if kind == "three_public":
            result = compare(_three_public_keys(got[kind]), _three_public_keys(truth[kind]))
        else:
            result = compare(_record_keys(kind, got[kind]), _record_keys(kind, truth[kind]))
        if complete.get(kind) is False:
            result.fp = 0
        score.records[kind] = result


def _score_fields(score: DocumentScore, got: dict[str, Any], truth: dict[str, Any]) -> None:
    for key in ("title", "region", "department", "fiscal_year", "reporting_level", "doc_kind", "published_on",
                "page_count"):
        if key not in truth:
            continue
        ok = squash(str(got.get(key))) == squash(str(truth[key]))
        score.document_fields += Score(tp=1) if ok else Score(fn=1)
        if not ok:
            score.field_errors.append(f"{key}: {got.get(key)!r} != {truth[key]!r}")


def _score_checks(score: DocumentScore, got: list[dict[str, Any]], truth: dict[str, Any]) -> None:
    """Claim each expected check (a failure, or a warning where the truth says "warn") with a parsed
    check of the same rule, status and page; failures left unclaimed are unexpected, warnings never are."""
    expected = truth.get("checks", [])
    score.checks_passed = sum(1 for c in got if c["status"] == "pass")
    score.checks_warned = sum(1 for c in got if c["status"] == "warn")
    score.expected_failures = len(expected)
    unclaimed = [c for c in got if c["status"] != "pass"]
    for want in expected:
        hit = next((c for c in unclaimed if c["rule"] == want["rule"] and c["status"] == want.get("status", "fail")
                    and (want.get("page") is None or c["page"] == want["page"])), None)
        if hit is not None:
            score.expected_failures_found += 1
            unclaimed.remove(hit)
    score.unexpected_failures = [f"{c['rule']} p{c['page']}: {c['detail']}" for c in unclaimed if c["status"] == "fail"]


def score_document(name: str, parsed: Document, got: dict[str, Any], truth: dict[str, Any]) -> DocumentScore:
    """Compare one parse (typed and as contract JSON) with its truth object."""
    score = DocumentScore(name)
    _score_fields(score, got["document"], truth.get("document", {}))
    if "tables" in truth:
        _score_tables(score, parsed, truth["tables"])
    _score_records(score, got, truth)
    _score_checks(score, got["checks"], truth)
    return score


def truth_files(pdf_dir: Path, truth_dir: Path | None) -> list[tuple[list[Path], Path]]:
    """(PDFs of one disclosure, its truth file) for every truth file found.

    A truth file `NAME.json` belongs to `NAME.pdf`, or to the files its
    `document.files` lists (a disclosure published as several PDFs).
    """
    folder = truth_dir or pdf_dir
    out = []
    for truth_path in sorted(folder.glob("*.json")):
        data = json.loads(truth_path.read_text(encoding="utf-8"))
        names = data.get("document", {}).get("files") or [truth_path.with_suffix(".pdf").name]
        pdfs = [pdf_dir / n for n in names]
        if all(p.exists() for p in pdfs):
            out.append((pdfs, truth_path))
    return out


def evaluate(
    pdf_dir: Path, truth_dir: Path | None, parse_fn: Callable[[list[Path]], Document]
) -> list[DocumentScore]:
    """Parse every disclosure that has a truth file and score it."""
    scores = []
    for pdfs, truth_path in truth_files(pdf_dir, truth_dir):
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        try:
            parsed = parse_fn(pdfs)
        except Exception as exc:  # a refusal is a result to report, not a crash
            scores.append(DocumentScore(truth_path.stem, error=f"{type(exc).__name__}: {exc}"))
            continue
        scores.append(score_document(truth_path.stem, parsed, to_contract(parsed), truth))
    return scores


def total(scores: list[DocumentScore]) -> DocumentScore:
    """All documents' scores added up."""
    out = DocumentScore("overall")
    for s in scores:
        out.tables_truth += s.tables_truth
        out.tables_kind_correct += s.tables_kind_correct
        out.tables_extra += s.tables_extra
        out.cells += s.cells
        out.document_fields += s.document_fields
        out.expected_failures += s.expected_failures
        out.expected_failures_found += s.expected_failures_found
        out.unexpected_failures += s.unexpected_failures
        out.checks_passed += s.checks_passed
        out.checks_warned += s.checks_warned
        for kind, score in s.records.items():
            out.records[kind] = out.records.get(kind, Score()) + score
    return out


def as_dict(score: DocumentScore) -> dict[str, Any]:
    """A score as plain figures, for `--json` and tests."""
    return {
        "name": score.name,
        "error": score.error,
        "table_kind_accuracy": round(score.kind_accuracy, 4),
        "tables": {"truth": score.tables_truth, "kind_correct": score.tables_kind_correct,
                   "extra": score.tables_extra, "errors": score.kind_errors},
        "cells": _figures(score.cells),
        "document_fields": {**_figures(score.document_fields), "errors": score.field_errors},
        "records": {kind: _figures(s) for kind, s in score.records.items()},
        "checks": {"passed": score.checks_passed, "warned": score.checks_warned,
                   "expected_failures": score.expected_failures,
                   "expected_failures_found": score.expected_failures_found,
                   "unexpected_failures": score.unexpected_failures},
    }


def _figures(score: Score) -> dict[str, float | int]:
    return {"precision": round(score.precision, 4), "recall": round(score.recall, 4), "f1": round(score.f1, 4),
            "tp": score.tp, "fp": score.fp, "fn": score.fn}


def format_report(scores: list[DocumentScore]) -> str:
    """One line per document and one overall, then what went wrong."""
    head = f"{'document':44} {'kinds':>6} {'cellF1':>6} " + " ".join(f"{k[:11]:>11}" for k in RECORD_TYPES)
    lines = [head + f" {'checks':>14}", " " * 58 + "(precision/recall per record type; checks: pass, expected-fail found, unexpected fail)"]
    for score in [*scores, total(scores)]:
        if score.error:
            lines.append(f"{score.name[:44]:44} refused: {score.error}")
            continue
        records = " ".join(
            f"{(f'{r.precision:.2f}/{r.recall:.2f}' if (r := score.records.get(k)) else '-'):>11}" for k in RECORD_TYPES
        )
        checks = f"{score.checks_passed}p {score.expected_failures_found}/{score.expected_failures} {len(score.unexpected_failures)}u"
        lines.append(f"{score.name[:44]:44} {score.kind_accuracy:6.1%} {score.cells.f1:6.3f} {records} {checks:>14}")
    for score in scores:
        for problem in [*score.kind_errors, *score.field_errors, *score.unexpected_failures]:
            lines.append(f"  {score.name}: {problem}")
    return "\n".join(lines)
