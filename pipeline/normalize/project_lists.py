"""Projects printed as a list rather than one form each.

Shenzhen's and Guangzhou's 重点项目 tables and Hangzhou's 项目支出绩效表 give one
row per project (name, amount, 绩效目标); Changsha's 项目支出绩效目标表 gives a
project's name and amount on its first row and its indicators on the rows
under it. The name and amount columns are found by their header terms, so a
new publisher's wording is one term here. `projects_with_amounts` then lets a
项目支出表 row supply the amount a form left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from pipeline.normalize.amounts import parse_amount, to_yuan
from pipeline.normalize.performance import first_block, label_unit, table_to_indicators
from pipeline.normalize.vocabulary import vocabulary
from schemas.patterns import GRAND_TOTAL
from schemas.records import Indicator, Project, SourceTable
from schemas.table_kinds import spec
from schemas.text import squash

_HEADER_SCAN_ROWS = 3


@dataclass(frozen=True)
class ListColumns:
    header_row: int  # index in table.rows of the header; -1 when it is the table's own header
    name: int
    amount: int
    goal: int | None
    unit: str | None


def _columns_in(cells: list[str], header_row: int) -> ListColumns | None:
    words = vocabulary()
    name = next((i for i, c in enumerate(cells) if words.list_name.search(c)), None)
    amount = next((i for i, c in enumerate(cells) if i != name and words.list_amount.search(c)), None)
    if name is None or amount is None:
        return None
    goal = next((i for i, c in enumerate(cells) if words.list_goal.search(c)), None)
    return ListColumns(header_row, name, amount, goal, label_unit(cells[amount]))


def list_columns(table: SourceTable) -> ListColumns | None:
    """Where a project list keeps names and amounts; None for a form (label | value).

    A row naming both a 项目名称 and an amount column is a list's header only if
    a row under it has a name in that column and a figure in the other: a form
    may print 项目名称 | X | 项目金额 | Y on one row, with labels under it.
    """
    candidates: list[ListColumns] = []
    if table.header:
        header = [squash("".join(path)) for path in table.header]
        candidates += [c for c in [_columns_in(header, -1)] if c]
    for index, row in enumerate(table.rows[:_HEADER_SCAN_ROWS]):
        candidates += [c for c in [_columns_in([squash(c) for c in row], index)] if c]
    for columns in candidates:
        if any(_project_row(table, columns, r) for r in range(columns.header_row + 1, len(table.rows))):
            return columns
    return None


def _cell(row: list[str | None], index: int) -> str:
    return squash(row[index]) if index < len(row) else ""


def _project_row(table: SourceTable, columns: ListColumns, index: int) -> bool:
    row = table.rows[index]
    name, amount = _cell(row, columns.name), _cell(row, columns.amount)
    if not name or GRAND_TOTAL.match(name) or parse_amount(amount) is None:
        return False
    # A list with targets names a project only on rows that state one (the unit's own row has none).
    return columns.goal is None or bool(_cell(row, columns.goal))


def _same_project(table: SourceTable, columns: ListColumns, a: int, b: int) -> bool:
    return all(_cell(table.rows[a], i) == _cell(table.rows[b], i) for i in (columns.name, columns.amount))


def list_to_projects(
    table: SourceTable, columns: ListColumns, default_unit: str | None, table_index: int | None = None,
) -> tuple[list[Project], list[Indicator]]:
    """One project per project row; indicators from the rows up to the next one."""
    unit = columns.unit or table.unit or default_unit
    starts: list[int] = []
    for r in range(columns.header_row + 1, len(table.rows)):
        # A project whose rows run over a page may print its name and amount again on top of the next.
        if _project_row(table, columns, r) and not (starts and _same_project(table, columns, starts[-1], r)):
            starts.append(r)
    indicator_header = first_block(table)
    projects: list[Project] = []
    indicators: list[Indicator] = []
    for start, end in zip(starts, [*starts[1:], len(table.rows)], strict=True):
        row = table.rows[start]
        amount = parse_amount(_cell(row, columns.amount))
        page = table.row_pages[start] if start < len(table.row_pages) else table.page
        name = _wrapped_name(table, columns, start, end)
        projects.append(Project(name=name, page=page, amount=to_yuan(amount, unit) if amount is not None else None,
                                table_index=table_index, amount_source=row[columns.amount] if amount is not None else None))
        if indicator_header is not None:
            rows = [indicator_header.header_row, *range(start, end)]
            indicators += table_to_indicators(_rows_of(table, indicator_header.header_row, start, end), name,
                                              table_index, rows)
    return projects, indicators


def _wrapped_name(table: SourceTable, columns: ListColumns, start: int, end: int) -> str:
    """A project's name, with the rest of it a wrapping name prints on the rows under its own
    (rows printing nothing but words in the name column)."""
    name = _cell(table.rows[start], columns.name)
    for r in range(start + 1, end):
        row = table.rows[r]
        rest = _cell(row, columns.name)
        if not rest or any(_cell(row, c) for c in range(len(row)) if c != columns.name):
            break
        name += rest
    return name


def _rows_of(table: SourceTable, header_row: int, start: int, end: int) -> SourceTable:
    """The table cut to one project's rows, its indicator header kept on top."""
    rows = [table.rows[header_row], *table.rows[start:end]]
    pages = [table.row_pages[header_row], *table.row_pages[start:end]] if table.row_pages else []
    return replace(table, rows=rows, row_pages=pages)


# A unit's or project's code printed before the name: `236-`, `101001-`, `11000022T000000455794-`.
_CODE_PREFIX = re.compile(r"^[0-9A-Za-z]*\d[0-9A-Za-z]*[-_－—、.．\s]+")
_BRACKETS = str.maketrans("()［］[]", "（）（）（）")


def project_key(name: str) -> str:
    """A project's name as the list and the forms both print it: white space, a code prefix and
    the bracket width aside (`236-…房屋修缮项目(小学)` is `…房屋修缮项目（小学）`)."""
    return _CODE_PREFIX.sub("", squash(name)).translate(_BRACKETS)


def projects_with_amounts(projects: list[Project], tables: list[SourceTable], default_unit: str | None) -> list[Project]:
    """Projects with the amount a 项目支出表 row gives where their own source gave none, the
    two names matched by `project_key`."""
    listed: dict[str, Project] = {}
    for table in tables:
        columns = list_columns(table) if "project_amounts" in spec(table.kind).yields and not table.empty else None
        if columns is None:
            continue
        found, _ = list_to_projects(table, replace(columns, goal=None), default_unit)
        for project in found:
            if project.amount is not None:
                listed.setdefault(project_key(project.name), project)
    return [
        replace(p, amount=row.amount, amount_source=row.amount_source)
        if p.amount is None and (row := listed.get(project_key(p.name))) is not None else p
        for p in projects
    ]
