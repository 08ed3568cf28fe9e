"""A contents page confirms what was read.

Xi'an's 报表目录 lists every attached table with 是/否 under 是否空表 and the
reason. Each listed table is matched, in order, with the next table of the
kind its name says; a table listed as empty must have been read as empty and
one listed as not empty must have rows (and must be there: an empty one may
be left out of the print). A 目录 printed as text (`三、支出决算表`) says only
which tables there are: each must have been read.
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque

from extractors.header import AMOUNT
from extractors.table_kinds import UNKNOWN, kind_of_title
from pipeline.checks.common import summarized
from pipeline.normalize.amounts import parse_amount
from schemas.records import Check, Document, SourceTable
from schemas.text import squash

_NAMES, _EMPTY = ("报表名称", "表格名称", "内容", "名称"), "是否空表"
_ANSWERS = {"是": True, "否": False}


def _listing(table: SourceTable) -> list[tuple[str, bool | None]]:
    """(table name, listed as empty) for each row under the contents header."""
    header = [path[-1] if path else None for path in table.header]
    rows = [[squash(c) for c in row] for row in [header, *table.rows]]
    start = next((i for i, r in enumerate(rows) if _EMPTY in r and any(n in r for n in _NAMES)), None)
    if start is None:
        return []
    name_at = rows[start].index(next(n for n in _NAMES if n in rows[start]))
    empty_at = rows[start].index(_EMPTY)
    return [(r[name_at], _ANSWERS.get(r[empty_at])) for r in rows[start + 1:] if r[name_at]]


def _reads_empty(table: SourceTable) -> bool:
    """Empty, or printed with zeros in every figure cell (a blank template filled with 0)."""
    figures = [c for row in table.rows for c in row if c and AMOUNT.match(c)]
    return table.empty or all(parse_amount(c) == 0 for c in figures)


def contents_agree(document: Document) -> list[Check]:
    checks: list[Check] = []
    for contents in (t for t in document.tables if t.kind == "contents"):
        by_kind: dict[str, deque[SourceTable]] = defaultdict(deque)
        for table in document.tables:
            by_kind[table.kind].append(table)
        failures, compared = [], 0
        for name, listed_empty in _listing(contents):
            kind = kind_of_title(name)
            if kind == UNKNOWN or listed_empty is None:
                continue
            if not by_kind[kind]:
                if listed_empty:
                    continue  # an empty table left out of the print is what the contents says
                failures.append(Check("contents", "fail", f"contents p{contents.page} lists {name} ({kind}), "
                                      "but no such table was read", contents.page))
                continue
            table = by_kind[kind].popleft()
            compared += 1
            if _reads_empty(table) != listed_empty:
                said = "empty" if listed_empty else "not empty"
                read = "empty" if table.empty else f"{len(table.rows)} rows"
                failures.append(Check("contents", "fail", f"contents p{contents.page} lists {name} as {said}, "
                                      f"but the table on p{table.page} was read with {read}", table.page))
        checks += summarized("contents", failures, compared, contents.page, f"contents p{contents.page}")
    return checks


def listed_tables_read(document: Document) -> list[Check]:
    """Every table kind the printed 目录 lists, as many times as it lists it, was read."""
    if not document.listed_tables:
        return []
    page = document.listed_tables[0].page
    read = Counter(t.kind for t in document.tables)
    listed: Counter[str] = Counter()
    failures = []
    for title in (listed.title for listed in document.listed_tables):
        kind = kind_of_title(title)
        listed[kind] += 1
        if listed[kind] > read[kind]:
            failures.append(Check("contents", "fail", f"the contents on p{page} list {title} ({kind}), "
                                  "but no such table was read", page))
    return summarized("contents", failures, len(document.listed_tables), page, f"contents p{page}")
