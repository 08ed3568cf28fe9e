"""Codes printed in the tables that the year's codebook does not know."""

from __future__ import annotations

from pipeline.normalize.codebook import Codebook
from pipeline.normalize.codes import SYSTEM_BY_DIGIT
from schemas.records import Check, Document


def unknown_codes(document: Document) -> list[Check]:
    year = document.meta.fiscal_year
    seen: dict[str, int] = {}
    for item in document.line_items:
        for code in (item.functional_code, item.economic_code, item.government_economic_code):
            if code and code not in seen:
                seen[code] = item.page
    checks = []
    for code, page in seen.items():
        system = SYSTEM_BY_DIGIT.get(code[0])
        if system and code not in Codebook.load(system, year):
            checks.append(Check("unknown_code", "fail",
                                f"code {code} is not in the {year} {system} codebook", page))
    if seen and not checks:
        checks.append(Check("unknown_code", "pass", f"all {len(seen)} codes are in the {year} codebooks", None,
                            covered=len(seen)))
    return checks
