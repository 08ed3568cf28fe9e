"""The years a disclosure names against its fiscal year.

A heading such as `2023年度部门决算情况说明` in a 2024 final account is a page
copied from last year's disclosure and not updated: the figures under it
may be last year's too. So is an asset count `截至2023年12月31日` in a 2024
final account, which should state the year's end (a budget counts its
assets at a date of the year before or early in its own year).
"""

from __future__ import annotations

import re

from pipeline.checks.common import summarized
from schemas.records import Check, Document

_AS_OF = re.compile(r"截至\s*(20\d{2})\s*年")
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
    return summarized("year", failures, compared, None, "headings and table titles")


def assets_dated_in_the_year(document: Document) -> list[Check]:
    """截至YYYY年…: the fiscal year in a final account; the year before, or the year, in a budget."""
    year, kind = document.meta.fiscal_year, document.meta.doc_kind
    if year is None or kind is None:
        return []
    allowed = {year} if kind == "final_accounts" else {year - 1, year}
    failures, compared = [], 0
    for section in document.sections:
        for found in _AS_OF.finditer(section.text):
            compared += 1
            if int(found.group(1)) not in allowed:
                page = section.page_at(found.start())
                failures.append(Check("year", "fail", f"p{page} counts as of {found.group(1)} "
                                      f"(`{section.text[found.start():found.start() + 14]}`); a {year} "
                                      f"{kind.replace('_', ' ')} counts as of {' or '.join(map(str, sorted(allowed)))}",
                                      page))
    return summarized("year", failures, compared, None, "dates of counts (截至)")
