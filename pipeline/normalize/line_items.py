"""Financial tables to line items: one exact amount per printed number.

Each column gets a role from its header and its cells (classification code,
name, amount, or an identifier to skip). A table printing income and
expenditure side by side has two sides; a number takes the name and codes of
its own side. Values are placed by column, never by reading order, so an
empty cell stays empty and a shifted cell stays where it was printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.normalize.amounts import parse_amount, to_yuan
from pipeline.normalize.codes import CodeResolver, code_cells_present
from pipeline.normalize.measures import measure_of, row_measure, with_row
from schemas.patterns import NONE_MARKS, TOTAL_OR_SUBTOTAL
from schemas.records import LineItem, SourceTable
from schemas.table_kinds import spec

_CODE_HEADER = re.compile(r"^(类|款|项|编码|.*科目编码|.*科目代码)$")
# Columns of identifiers or counts, not money: a 政府采购 table's 数量, a 人数 column.
_SKIP_HEADER = re.compile(r"(单位代码|单位编码|项目编码|项目代码|序号|行次|栏次|数量|人数|个数|台数|面积)$")
_SPLIT_PARTS = frozenset({"类", "款", "项"})


@dataclass(frozen=True)
class Column:
    index: int
    role: str  # "code" | "skip" | "label" | "amount"
    side: int
    path: list[str]


def _leaf(path: list[str]) -> str:
    return re.sub(r"\s", "", path[-1]) if path else ""


def _role(path: list[str], values: list[str | None]) -> str:
    leaf = _leaf(path)
    if _CODE_HEADER.match(leaf):
        return "code"
    if _SKIP_HEADER.search(leaf):
        return "skip"
    filled = [v for v in values if v and v not in NONE_MARKS]
    if any(parse_amount(v) is None for v in filled):
        return "label"
    return "amount"


def table_columns(table: SourceTable) -> list[Column]:
    """Every column with its role and the side of the table it stands on."""
    width = max([len(table.header), *(len(r) for r in table.rows)], default=0)
    columns: list[Column] = []
    side, seen_amount = 0, False
    for index in range(width):
        path = table.header[index] if index < len(table.header) else []
        role = _role(path, [r[index] if index < len(r) else None for r in table.rows])
        if role in ("label", "code") and seen_amount:
            side, seen_amount = side + 1, False
        seen_amount = seen_amount or role == "amount"
        columns.append(Column(index, role, side, path))
    return columns


def code_column_groups(columns: list[Column]) -> list[list[Column]]:
    """The code columns making one printed code each: adjacent 类 | 款 | 项 cells are one code,
    whether one heading spans them all or (科目编码 spanning the 类 cell only) none; a name
    column or a new 类 starts the next (a departmental and a government economic code side by
    side are two codes)."""
    groups: list[list[Column]] = []
    previous: Column | None = None
    for c in columns:
        if c.role != "code":
            previous = None
            continue
        leaf = _leaf(c.path)
        if leaf in _SPLIT_PARTS:
            # 款 after 类, 项 after 款: one code, whatever heading stands above (科目编码 may span the 类 cell only)
            above = _leaf(previous.path) if previous is not None else ""
            joins = (above, leaf) in (("类", "款"), ("款", "项")) or (
                previous is not None and previous.path[:-1] == c.path[:-1] and leaf != "类")
        else:  # one heading spanning the code cells, with no 类/款/项 row under it
            joins = previous is not None and previous.path == c.path
        if joins:
            groups[-1].append(c)
        else:
            groups.append([c])
        previous = c
    return groups


def _cell(row: list[str | None], index: int) -> str:
    return (row[index] or "") if index < len(row) else ""


_BY_FUNCTION = re.compile(r"功能分类|功能科目")
_BY_ECONOMIC = re.compile(r"经济分类|经济科目")


def code_system(table: SourceTable) -> str:
    """The classification a table's rows are coded in: what its title or code columns say
    (`…基本支出明细表（按支出功能分类科目）`, a `功能科目编码` column) before its kind's default."""
    said = " ".join([table.title or "", *(p[-1] for p in table.header if p)])
    if _BY_FUNCTION.search(said) and not _BY_ECONOMIC.search(said):
        return "functional"
    if _BY_ECONOMIC.search(said) and not _BY_FUNCTION.search(said):
        return "economic_department"
    return "economic_department" if spec(table.kind).codes == "economic" else "functional"


def _income_side(columns: list[Column], side: int) -> bool:
    """A side headed 收入: its names are sources of money, never classification items."""
    return any("收入" in "".join(c.path) for c in columns if c.side == side and c.role == "label")


def table_to_line_items(table: SourceTable, table_index: int, year: int | None) -> list[LineItem]:
    """Line items of one financial table, in row then column order."""
    columns = table_columns(table)
    sides = sorted({c.side for c in columns})
    kind = spec(table.kind)
    system = code_system(table)
    named = kind.codes != "none"  # rows of projects, purchases or services are not classification items
    resolvers = {side: CodeResolver(year, system, by_name=named and not _income_side(columns, side)) for side in sides}
    has_codes = {side: any(c.role == "code" for c in columns if c.side == side) for side in sides}
    income = {side: _income_side(columns, side) for side in sides}
    items: list[LineItem] = []
    for row_index, row in enumerate(table.rows):
        page = table.row_pages[row_index] if row_index < len(table.row_pages) else table.page
        for side in sides:
            mine = [c for c in columns if c.side == side]
            labels = [t for c in mine if c.role == "label" and (t := _cell(row, c.index))]
            code_groups = [[_cell(row, c.index) for c in group] for group in code_column_groups(mine)]
            code_cells = [t for group in code_groups for t in group]
            if not labels:  # 合计 printed across the code columns
                labels = [t for t in code_cells if t and not t.isdigit()]
                code_groups = [[t for t in group if t.isdigit()] for group in code_groups]
                code_cells = [t for group in code_groups for t in group]
            amounts = [(c, v) for c in mine if c.role == "amount" and (v := parse_amount(_cell(row, c.index))) is not None]
            if not amounts:
                continue
            codes = resolvers[side].resolve(code_groups, labels)
            label = labels[-1] if labels else ""
            row_money = row_measure(label) if not codes and not income[side] and not TOTAL_OR_SUBTOTAL.search(label) else None
            is_total = bool(TOTAL_OR_SUBTOTAL.search(label)) or (has_codes[side] and not code_cells_present(code_cells))
            functional = codes.get("functional")
            economic = codes.get("economic_department")
            government = codes.get("economic_government")
            for column, value in amounts:
                items.append(LineItem(
                    table_kind=table.kind, table_index=table_index, row_index=row_index, page=page,
                    row_label=label, column_path=list(column.path),
                    amount=to_yuan(value, table.unit), amount_source=_cell(row, column.index),
                    unit_source=table.unit,
                    measure=with_row(measure_of(column.path, year, table.kind.startswith("final_")), row_money),
                    functional_code=functional.code if functional else None,
                    functional_name=functional.name if functional else None,
                    economic_code=economic.code if economic else (government.code if government else None),
                    economic_name=economic.name if economic else (government.name if government else None),
                    government_economic_code=government.code if government else None,
                    side=side, is_total=is_total, column_index=column.index, income=income[side],
                ))
    return items
