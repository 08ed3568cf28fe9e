"""Codes printed in the tables that the year's codebook does not know.

The lists change every year and publishers print items a year before or after
the Ministry's list has them, so an absent code is not by itself an error: it
is a warning when its parent (款 of a 项, 类 of a 款) is in the year's list and
its printed name is not another item's. It fails when it contradicts the list:
its parent is missing (a 类 that does not exist, digits assembled wrongly), or
its printed name is that of another item under the same parent, of one
single item elsewhere (a name that belongs to exactly one code, not a generic
行政运行 or 其他…支出 that many 款 repeat), or only of items of another level
(事业运行 on a 5-digit code: a 项 whose 款 digits were lost).
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.normalize.codebook import Codebook
from pipeline.normalize.codes import SYSTEM_BY_DIGIT
from schemas.records import Check, Document, Severity


@dataclass(frozen=True)
class Verdict:
    """How an absent code stands against the year's list."""

    severity: Severity
    reason: str


def judge(book: Codebook, code: str, printed_name: str | None) -> Verdict | None:
    """None when `code` is in `book`; otherwise whether its absence is a warning or a failure."""
    if code in book:
        return None
    if len(code) not in (3, 5, 7):
        return Verdict("fail", f"no level of the list has {len(code)} digits (类 3, 款 5, 项 7)")
    if len(code) == 3:
        return Verdict("fail", "it is not a 类 of the list")
    parent = code[:-2]
    if parent not in book:
        return Verdict("fail", f"its parent {parent} is not in the list either")
    if printed_name:
        ancestors = {code[:n] for n in (3, 5) if n < len(code)}
        named = [c for c in book.named(printed_name) if c.code not in ancestors]
        siblings = [c for c in named if c.parent == parent]
        if siblings:
            return Verdict("fail", f"{printed_name} is {siblings[0].code} under the same parent")
        if len(named) == 1:
            return Verdict("fail", f"{printed_name} is {named[0].code} {named[0].name}")
        if named and all(c.level != len(code) // 2 for c in named):  # 3, 5, 7 digits: level 1, 2, 3
            examples = ", ".join(c.code for c in named[:3])
            return Verdict("fail", f"{printed_name} names items of another level only ({examples} …)")
    fits = f"printed {printed_name}" if printed_name else "printed without a name"
    return Verdict("warn", f"its parent {parent} {book.get(parent).name} is in the list, {fits}")  # type: ignore[union-attr]


def _printed_codes(document: Document) -> dict[str, tuple[int, str | None]]:
    """Each code the line items carry -> (first page, the name printed with it)."""
    seen: dict[str, tuple[int, str | None]] = {}
    for item in document.line_items:
        names = {
            item.functional_code: item.functional_name or item.row_label,
            item.economic_code: item.economic_name,
        }
        for code in (item.functional_code, item.economic_code, item.government_economic_code):
            if code and code not in seen:
                seen[code] = (item.page, names.get(code))
    return seen


def unknown_codes(document: Document) -> list[Check]:
    year = document.meta.fiscal_year
    seen = _printed_codes(document)
    checks = []
    for code, (page, name) in seen.items():
        system = SYSTEM_BY_DIGIT.get(code[0])
        if system is None:
            continue
        verdict = judge(Codebook.load(system, year), code, name)
        if verdict is not None:
            detail = f"code {code} is not in the {year} {system} codebook: {verdict.reason}"
            checks.append(Check.outcome("unknown_code", False, verdict.severity, detail, page))
    if seen and not any(c.status == "fail" for c in checks):
        known = len(seen) - len(checks)
        checks.append(Check("unknown_code", "pass", f"{known} of {len(seen)} codes are in the {year} codebooks", None,
                            covered=len(seen)))
    return checks
