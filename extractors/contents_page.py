"""The tables a printed table of contents (目录) lists.

A 目录 page names every table the disclosure attaches (`三、支出决算表 …… 10`).
Its entries are kept as (title, page) so the validate stage can confirm that
each listed table was read: a table listed but missing is a problem of the
document (or of its reading), never silently passed over.
"""

from __future__ import annotations

import re

from extractors.page_content import PageContent
from extractors.table_kinds import UNKNOWN, kind_of_title
from schemas.patterns import CONTENTS_HEADING, LEADER, LIST_ITEM, NUMBERED_HEADING
from schemas.records import ListedTable

_ORDINAL = re.compile(r"^(表|附表|附件)[0-9一二三四五六七八九十\-－]+[、.．:：]?\s*")
_TAIL = re.compile(r"[\s.…·\-—]*\d*$")


def entry_title(text: str) -> str:
    """An entry without its numbering, dot leader and page number."""
    text = LEADER.split(text)[0]
    text = _TAIL.sub("", text)
    for pattern in (NUMBERED_HEADING, LIST_ITEM, _ORDINAL):
        if pattern.match(text):
            return pattern.sub("", text, count=1).strip()
    return text.strip()


def listed_tables(pages: list[PageContent], scan_pages: int) -> list[ListedTable]:
    """Every table title the first 目录 page (among the first `scan_pages`) lists, with that page."""
    for page in pages[:scan_pages]:
        if any(CONTENTS_HEADING.match(line.text) for line in page.lines):
            titles = [entry_title(line.text) for line in page.lines]
            return [ListedTable(t, page.number) for t in titles if t.endswith("表") and kind_of_title(t) != UNKNOWN]
    return []
