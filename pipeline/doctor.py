"""How far to trust a parse of a PDF nobody has checked by hand.

On any budget a failed check that is not a confirmed disagreement of the
source is a bug signal. `diagnose` groups a document's failed checks by
their likely cause, so a user with a new publisher's PDF sees at once where
the parse is weak (tables of no known kind, codes missing from the codebook,
sums that do not add up, tables disagreeing, the text against the tables,
parts never read, pages without text), lists the printed amounts the parse
left without a meaning by page and reason, worst first, and gives one
verdict: a parse is trusted only when every check passes and every printed
amount is accounted for.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from extractors.table_kinds import UNKNOWN
from schemas.records import Check, Document, Unaccounted

# rule → likely cause, in the order a report lists them.
CAUSES: dict[str, tuple[str, ...]] = {
    "text layer": ("text_layer",),
    "unknown kind": (),  # tables of no known kind: read from the tables, not from a check
    "unknown code": ("unknown_code",),
    "row/column sum": ("row_total", "column_total", "hierarchy_sum", "three_public_parts"),
    "cross-table": ("cross_table_total", "income_equals_expenditure", "contents"),
    "narrative": ("narrative_vs_table", "statement", "year", "placeholder"),
    "coverage": ("coverage",),
}
_OTHER = "other"


@dataclass
class Finding:
    """One failed check (or unread table) with where it is and what it says."""

    rule: str
    page: int | None
    detail: str


@dataclass(frozen=True)
class Gap:
    """Printed amounts of one page left without a meaning for one reason."""

    page: int
    reason: str
    count: int
    examples: tuple[str, ...]
    """The first few as printed, with where they stood."""


_EXAMPLES = 3


def gaps(unaccounted: list[Unaccounted]) -> list[Gap]:
    """Unaccounted amounts grouped by page and reason, the largest group first."""
    groups: dict[tuple[int, str], list[Unaccounted]] = {}
    for entry in unaccounted:
        groups.setdefault((entry.page, entry.reason), []).append(entry)
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return [Gap(page, reason, len(entries), tuple(f"{_short(e.text)} ({e.location})" for e in entries[:_EXAMPLES]))
            for (page, reason), entries in ordered]


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@dataclass
class Diagnosis:
    """A document's failed checks by likely cause, and the verdict they add up to."""

    source: str
    pages: int
    tables: int
    checks_passed: int
    covered: int
    checks: int = 0
    """Checks run, whatever their outcome."""
    causes: dict[str, list[Finding]] = field(default_factory=dict)
    warnings: list[Finding] = field(default_factory=list)
    """Checks of severity warn that did not pass: worth reading, no evidence of a misread."""
    refused: str | None = None
    printed: int = 0
    """Amounts the document prints."""
    gaps: list[Gap] = field(default_factory=list)
    """The printed amounts without a meaning, by page and reason, worst first."""

    @property
    def failures(self) -> int:
        return sum(len(f) for f in self.causes.values())

    @property
    def unaccounted(self) -> int:
        return sum(g.count for g in self.gaps)

    @property
    def missing(self) -> list[str]:
        """What trust would need and the parse lacks: tables read, checks run, rows they compared."""
        gaps = []
        if not self.tables:
            gaps.append(f"no tables were read from its {self.pages} page{'s' if self.pages != 1 else ''}")
        if not self.checks:
            gaps.append("no check was run")
        elif not self.checks_passed or not self.covered:
            gaps.append("no check compared anything")
        return gaps

    @property
    def verdict(self) -> str:
        """`trust` only with tables read, checks that compared them all passing, and every printed
        amount accounted for."""
        if self.refused:
            return f"refused: {self.refused}"
        accounted = f"{self.printed - self.unaccounted} of {self.printed} printed amounts accounted for"
        if self.missing:
            return f"no evidence: {'; '.join(self.missing)}; treat every figure as unverified ({accounted})"
        if not self.failures and not self.unaccounted:
            return (f"trust: every check passes ({self.checks_passed} checks over {self.covered} rows and figures) "
                    f"and every printed amount is accounted for ({self.printed})")
        problems = []
        if self.failures:
            worst = max(self.causes, key=lambda c: len(self.causes[c]))
            problems.append(f"{self.failures} failed checks, mostly {worst} ({len(self.causes[worst])})")
        if self.unaccounted:
            reason, count = _by_reason(self.gaps).most_common(1)[0]
            problems.append(f"{self.unaccounted} printed amounts unaccounted for, mostly {reason} ({count})")
        return f"check before use: {'; '.join(problems)}; {self.checks_passed} checks pass, {accounted}"


def _by_reason(found: list[Gap]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for gap in found:
        counts[gap.reason] += gap.count
    return counts


def cause_of(rule: str) -> str:
    return next((cause for cause, rules in CAUSES.items() if any(rule.startswith(r) for r in rules)), _OTHER)


def diagnose(document: Document) -> Diagnosis:
    """Group a parsed document's failed checks (and unknown tables) by likely cause."""
    passed = [c for c in document.checks if c.status == "pass"]
    diagnosis = Diagnosis(document.meta.source, document.meta.page_count, len(document.tables), len(passed),
                          sum(c.covered or 0 for c in passed), checks=len(document.checks),
                          printed=document.amounts_printed, gaps=gaps(document.unaccounted))
    for index, table in enumerate(document.tables):
        if table.kind == UNKNOWN:
            diagnosis.causes.setdefault("unknown kind", []).append(
                Finding("table_kind", table.page, f"table {index + 1} ({table.title or 'untitled'}) is of no known kind"))
    for check in document.checks:
        if check.status == "fail":
            diagnosis.causes.setdefault(cause_of(check.rule), []).append(_finding(check))
        elif check.status == "warn":
            diagnosis.warnings.append(_finding(check))
    order = [*CAUSES, _OTHER]
    diagnosis.causes = {c: diagnosis.causes[c] for c in order if c in diagnosis.causes}
    return diagnosis


def _finding(check: Check) -> Finding:
    return Finding(check.rule, check.page, check.detail)


def refused(source: str, reason: str) -> Diagnosis:
    return Diagnosis(source, 0, 0, 0, 0, refused=reason)


def diagnose_files(groups: list[list[str]], parse: Callable[[list[str]], Document],
                   rejected: type[Exception]) -> list[Diagnosis]:
    """A diagnosis per disclosure (a group of files parsed as one); a refused file says why."""
    out = []
    for files in groups:
        try:
            out.append(diagnose(parse(files)))
        except rejected as exc:
            out.append(refused(os.path.basename(files[0]), str(exc)))
    return out


def as_dict(diagnosis: Diagnosis) -> dict[str, Any]:
    return {
        "source": diagnosis.source, "pages": diagnosis.pages, "tables": diagnosis.tables,
        "checks_passed": diagnosis.checks_passed, "covered": diagnosis.covered, "failures": diagnosis.failures,
        "verdict": diagnosis.verdict, "missing": diagnosis.missing, "refused": diagnosis.refused,
        "causes": {cause: [vars(f) for f in findings] for cause, findings in diagnosis.causes.items()},
        "warnings": [vars(f) for f in diagnosis.warnings],
        "amounts": {"printed": diagnosis.printed, "accounted": diagnosis.printed - diagnosis.unaccounted},
        "unaccounted": [{"page": g.page, "reason": g.reason, "count": g.count, "examples": list(g.examples)}
                        for g in diagnosis.gaps],
    }


def format_report(diagnoses: list[Diagnosis]) -> str:
    lines = []
    for d in diagnoses:
        lines.append(f"{d.source}: {d.verdict}")
        for cause, findings in d.causes.items():
            lines.append(f"  {cause} ({len(findings)})")
            lines.extend(_line(f) for f in findings)
        if d.warnings:
            lines.append(f"  warnings ({len(d.warnings)})")
            lines.extend(_line(f) for f in d.warnings)
        if d.gaps:
            lines.append(f"  unaccounted amounts ({d.unaccounted} of {d.printed} printed)")
            lines.extend(f"    p{g.page} {g.reason} ({g.count}): {'; '.join(g.examples)}" for g in d.gaps)
    return "\n".join(lines)


def _line(finding: Finding) -> str:
    return f"    p{finding.page if finding.page is not None else '-'} {finding.rule}: {finding.detail}"
