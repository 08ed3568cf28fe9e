"""The year a heading or table title names against the document's fiscal year.

A heading such as `2023年度部门决算情况说明` in a 2024 final account is a page
copied from last year's disclosure and not updated: the figures under it
may be last year's too.
"""

from __future__ import annotations

import re

from pipeline.checks.common import outcome
from schemas.records import Check, Document

_NAMED_YEAR = re.compile(r"(20\d{2})\s*年度?\s*(?:部门|单位)?\s*(?:综合)?\s*(?:预算|决算)")


def headings_name_the_year(document: Document) -> list[Check]:
    year = document.meta.fiscal_year
    if year is None:
        return []
    named = [(s.heading, s.page) for s in document.sections] + [(t.title or "", t.page) for t in document.tables]
    failures, compared = [], 0
    for text, page in named:
        for found in _NAMED_YEAR.finditer(text):
            compared += 1
            if int(found.group(1)) != year:
                failures.append(Check("year", "fail", f"p{page} {text!r} names {found.group(1)}, "
                                      f"the document is for {year}", page))
    return outcome("year", failures, compared, None, "headings and table titles")
