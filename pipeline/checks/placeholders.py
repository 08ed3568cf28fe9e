"""Template text left in a disclosure: `上海市普陀区XX局` where the department's name belongs.

Departments fill in a template; a heading or title that still holds its
placeholder says the page was not (fully) filled in.
"""

from __future__ import annotations

import re

from pipeline.checks.common import summarized
from schemas.records import Check, Document

_PLACEHOLDER = re.compile(r"[XＸ×xｘ]{2,}")


def no_placeholders(document: Document) -> list[Check]:
    named = [(s.heading, s.page) for s in document.sections] + [(t.title or "", t.page) for t in document.tables]
    failures = [
        Check("placeholder", "fail", f"p{page} {text!r} still holds the template's placeholder", page)
        for text, page in named if _PLACEHOLDER.search(text)
    ]
    return summarized("placeholder", failures, len(named), None, "headings and table titles")
