"""The "三公" costs from the 三公 table's line items.

Publishers lay the table out either way: parts as rows (seed: 共计, 1、因公出国
（境）费用 …) or as columns (Shanghai: 合计 | 因公出国(境)费 | 公务接待费 |
公务用车购置及运行费 › 小计/购置费/运行费). Each amount is named by its row
label or, failing that, by its column path, most specific text first.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from pipeline.normalize.vocabulary import vocabulary
from schemas.records import LineItem, SourceTable, ThreePublic
from schemas.table_kinds import spec

_NOISE = re.compile(r"[\s\"'“”‘’]")
_YEAR = re.compile(r"(20\d{2})\s*年")
_CHANGE = re.compile(r"增减|变化|变动|比上年")
_FUND = re.compile(r"一般公共预算|政府性基金|国有资本经营")
_OTHER_COSTS = re.compile(r"会议费|培训费")
_THREE = re.compile(r"三公")


def _field(text: str) -> str | None:
    squashed = _NOISE.sub("", text)
    words = vocabulary()
    if words.three_public_ignored.search(squashed):
        return None
    return next((name for name, pattern in words.three_public_parts if pattern.search(squashed)), None)


def three_public_field(item: LineItem) -> str | None:
    """The 三公 field an amount stands for: the row says it, else the column."""
    if any(vocabulary().three_public_ignored.search(_NOISE.sub("", element)) for element in [item.row_label, *item.column_path]):
        return None  # another year's or another cost's row or column
    row = _field(item.row_label) if item.row_label else None
    if row and row != "total":
        return row
    for element in reversed(item.column_path):
        if found := _field(element):
            return found
    return row


def _other_year(label: str, year: int | None) -> bool:
    """A row for another year (2025年 beside 2026年) or for the change between years."""
    years = [int(y) for y in _YEAR.findall(label)]
    return bool(_CHANGE.search(label)) or (year is not None and any(y != year for y in years))


def _is_three_public(kind: str) -> bool:
    return "three_public" in spec(kind).yields


def spending_tables(tables: list[SourceTable]) -> frozenset[int]:
    """Indexes of the final accounts' 三公 tables that print a 决算数 beside the 预算数, in columns
    (预算数 | 决算数 under each field) or in rows."""
    return frozenset(
        i for i, t in enumerate(tables)
        if _is_three_public(t.kind) and spec(t.kind).final
        and any("决算" in e for e in [*(e for path in t.header for e in path), *(c or "" for row in t.rows for c in row)])
    )


def _spent(item: LineItem) -> bool:
    """A final account's 决算数, as its column or its row names it (预算数 | 决算数 either way)."""
    return any("决算" in e for e in [*item.column_path, item.row_label])


def items_to_three_public(
    items: list[LineItem], year: int | None = None, accounts: frozenset[int] = frozenset()
) -> ThreePublic:
    """The budget year's 三公 figures; for the tables in `accounts` (a final account's,
    printing 预算数 | 决算数 under each field) only the 决算数 columns.

    The first row stating a field gives it; where that row splits the field
    by fund (一般公共预算 | 政府性基金 | 国有资本经营) with no 合计 column, the
    fund columns are added.
    """
    rows: dict[tuple[int, int, str], list[LineItem]] = {}
    # A table adding 会议费 and 培训费 beside 三公: its bare 合计 covers all of them.
    mixed = {i.table_index for i in items if _OTHER_COSTS.search("".join(i.column_path))}
    for item in items:
        if not _is_three_public(item.table_kind) or _other_year(item.row_label, year):
            continue
        if item.table_index in accounts and not _spent(item):  # its 预算数
            continue
        if any(_other_year(element, year) for element in item.column_path):
            continue
        field = three_public_field(item)
        if field == "total" and item.table_index in mixed and not _THREE.search("".join([item.row_label, *item.column_path])):
            continue
        if field is not None:
            rows.setdefault((item.table_index, item.row_index, field), []).append(item)
    out = ThreePublic()
    for (_, _, field), found in rows.items():
        if getattr(out, field) is not None:
            continue
        whole = [i for i in found if not _FUND.search("".join(i.column_path))]
        setattr(out, field, whole[0].amount if whole else sum((i.amount for i in found), Decimal(0)))
        out.page = out.page or found[0].page
    return out


_BUDGET_HEAD = re.compile(r"预算")


def budgeted_three_public(items: list[LineItem], year: int | None = None) -> ThreePublic:
    """A final account's 三公 as budgeted: its 年初预算数 (预算数) columns, measure `budget.*`,
    read like a budget's 三公 table (for the checks against the narrative's 年初预算)."""
    planned = [
        replace(i, table_kind="three_public", column_path=[e for e in i.column_path if not _BUDGET_HEAD.search(e)])
        for i in items if i.table_kind == "final_three_public" and _budgeted(i)
    ]
    return items_to_three_public(planned, year)


def _budgeted(item: LineItem) -> bool:
    """A final account's 预算数 beside its 决算数: a `budget.` column, or a row printing 预算数."""
    return (item.measure or "").startswith("budget.") or (
        bool(_BUDGET_HEAD.search(item.row_label)) and not _spent(item))
