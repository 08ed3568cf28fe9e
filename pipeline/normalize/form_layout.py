"""Where things stand in a performance form: its fields, the headings over its money, its
indicator blocks and their columns.

A form (项目支出绩效目标表, 部门整体绩效目标表, 专项资金 and 转移支付 forms, a 决算's 绩效自评表)
prints label | value fields, blocks of money under column headings (年初预算数 | 全年预算数 |
全年执行数, 总额 | 财政拨款 | 其他资金), and indicator blocks under a row naming their columns
(一级指标 | 二级指标 | 三级指标 | 指标值 …). The readers of a form (its indicators, its line items)
and the accounting's inventory all ask this module what a cell is, so they agree.

A merged cell prints its text in its first column: a heading owns the empty cells to its
right up to the next heading, so a value printed in the second column of a merged 三级指标
heading is still under it. The block's columns are found by their heading words
(`vocab/records.toml`, `[indicator_block]`), never by position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from extractors.header import is_ordinal_row
from pipeline.normalize.amounts import parse_amount
from pipeline.normalize.measures import names_money
from pipeline.normalize.targets import OPERATORS, looks_like_target
from pipeline.normalize.vocabulary import vocabulary
from schemas.patterns import NONE_MARKS
from schemas.records import SourceTable
from schemas.text import squash

_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_MARK = re.compile(r"^[*＊]+$")
_SIGNS = frozenset(sign for sign, _ in OPERATORS)
IDENTIFIER = re.compile(r"编码|代码|编号|电话|手机|传真|邮编|时间|日期|期限|序号|行次|栏次")
"""A label or heading naming an identifier, a date or a period: its value is no amount."""

Role = Literal["field", "identifier", "score", "target", "period_target", "actual", "remark", "indicator"]
"""What a figure of a form is: a money field (a line item), an identifier or date (not counted),
points (分值, 得分, 权重: not counted), an indicator's target, its target over the whole period,
what a 自评表 says it achieved, a remark about an indicator (under 备注, 指标解释: a weight some
templates note there), or another cell of an indicator row (its levels' names)."""


def plain(text: str | None) -> str | None:
    """Cell text without the HTML paragraph tags some exporters print literally."""
    return _TAG.sub("", text).strip() or None if text else None


def cell(row: list[str | None], index: int) -> str | None:
    return plain(row[index]) if 0 <= index < len(row) else None


def is_figure(text: str | None) -> bool:
    return parse_amount(plain(text)) is not None


def is_text(text: str | None) -> bool:
    """A cell printing words: no figure, no none-mark (`-`, `无`)."""
    value = squash(plain(text))
    return bool(value) and value not in NONE_MARKS and parse_amount(value) is None


@dataclass(frozen=True)
class IndicatorBlock:
    """An indicator block: its heading row, its rows, and the columns each heading spans."""

    header_row: int
    end: int
    """Rows `header_row + 1` up to `end` (exclusive) are the block's."""
    columns: dict[str, tuple[int, ...]]
    """Heading role (level1, level2, level3, target, …; see `[indicator_block]`) → its columns."""

    @property
    def first_col(self) -> int:
        """The block's leftmost column: cells left of it are the form's own fields (a list of
        projects prints each project's name and money there, its indicators on the right)."""
        return min(c for cols in self.columns.values() for c in cols)

    def role_of(self, col: int) -> str | None:
        return next((role for role, cols in self.columns.items() if col in cols), None)

    def at(self, role: str) -> tuple[int, ...]:
        return self.columns.get(role, ())


def _spans(cells: list[str]) -> list[tuple[int, int]]:
    """(first, last) column of each heading cell: a heading owns the empty cells to its right."""
    starts = [i for i, text in enumerate(cells) if text]
    return [(s, (starts[k + 1] - 1) if k + 1 < len(starts) else len(cells) - 1) for k, s in enumerate(starts)]


def _heading_roles(cells: list[str]) -> dict[str, tuple[int, ...]] | None:
    """The columns of an indicator block this row heads, or None when it heads none: it must
    name a level-3 column and a target column."""
    patterns = vocabulary().indicator_block
    columns: dict[str, tuple[int, ...]] = {}
    for first, last in _spans(cells):
        text = cells[first]
        role = next((r for r in ("period_target", "target", "level1", "level2", "level3", "name", "operator", "unit",
                                 "scores", "actual") if patterns[r].search(text)), None)
        if role is None:  # 备注, 指标解释, 评（扣）分标准: words about the indicator, no target, no money
            columns["remark"] = (*columns.get("remark", ()), *range(first, last + 1))
            continue
        if role in columns and role not in ("scores", "name"):
            continue  # the first column so named: a repeated word further right is another column's
        span = tuple(range(first, last + 1))
        # scores may be several columns (分值 | 得分); of several name columns the one nearest the
        # target is the indicator's (a block's label `绩效指标` stands at the far left)
        columns[role] = (*columns.get(role, ()), *span) if role == "scores" else span
    if "level3" not in columns and "name" in columns:
        columns["level3"] = columns["name"]  # 指标名称, 指标内容: the indicator's name where no 三级 is printed
    columns.pop("name", None)
    if "level3" not in columns or "target" not in columns:
        return None
    # headings left of the levels are the form's own columns (a list's 项目名称 | 项目总额), not the block's
    first = min(c for role, cols in columns.items() if role != "remark" for c in cols)
    columns["remark"] = tuple(c for c in columns.get("remark", ()) if c > first)
    return columns


def _heading_cells(row: list[str | None]) -> list[str]:
    return [squash(plain(c)) for c in row]


def _implied_roles(row: list[str | None]) -> dict[str, tuple[int, ...]] | None:
    """The columns of an indicator block printed without its heading row, from its first row:
    a level-1 name (产出指标) or a level-2 one (数量指标), the next level's name, the
    indicator's name, then its target (`绩效指标 | 产出指标 | 数量指标 | 指标：按期完成率 | 100%`)."""
    level1_names, level2_names = vocabulary().level_names
    texts = [(i, squash(plain(c))) for i, c in enumerate(row) if plain(c)]
    for k, (col, text) in enumerate(texts):
        if not text.startswith(level1_names + level2_names):
            continue
        roles: dict[str, tuple[int, ...]] = {}
        rest = texts[k:]
        if text.startswith(level1_names) and len(rest) > 1 and rest[1][1].startswith(level2_names):
            roles["level1"], rest = (col,), rest[1:]
        roles["level2"] = (rest[0][0],)
        if len(rest) < 3 or not looks_like_target(rest[2][1]):
            return None
        roles["level3"], roles["target"] = (rest[1][0],), tuple(range(rest[2][0], len(row)))
        return roles
    return None


def indicator_blocks(table: SourceTable) -> list[IndicatorBlock]:
    """Every indicator block of a form, in order; a heading row printed again (on top of a
    page the block runs over) stays in its block. A form printing no heading row over its
    indicators has one block from its first indicator row (`_implied_roles`)."""
    found: list[tuple[int, dict[str, tuple[int, ...]], list[str]]] = []
    for index, row in enumerate(table.rows):
        cells = _heading_cells(row)
        roles = _heading_roles(cells)
        if roles is None and not found and (implied := _implied_roles(row)) is not None:
            found.append((index - 1, implied, []))  # its heading would stand above this row
            continue
        if roles is None or any(is_figure(c) for c in row):
            continue
        if found and [c for c in cells if c] == [c for c in found[-1][2] if c]:
            continue  # the block's heading repeated
        found.append((index, roles, cells))
    ends = [index for index, _, _ in found[1:]] + [len(table.rows)] if found else []
    return [IndicatorBlock(index, end, roles) for (index, roles, _), end in zip(found, ends, strict=True)]


def block_of(blocks: list[IndicatorBlock], row: int, col: int) -> IndicatorBlock | None:
    """The indicator block a cell belongs to (left of a block's first column is a field)."""
    for block in blocks:
        if block.header_row < row < block.end and col >= block.first_col:
            return block
    return None


def is_heading_row(table: SourceTable, index: int, blocks: list[IndicatorBlock]) -> bool:
    """A row printing an indicator block's headings (its first printing or a repeat)."""
    if any(b.header_row == index and _heading_roles(_heading_cells(table.rows[index])) for b in blocks):
        return True
    cells = [c for c in _heading_cells(table.rows[index]) if c]
    return any(cells == [c for c in _heading_cells(table.rows[b.header_row]) if c] for b in blocks)


def _owner(row: list[str | None], col: int, bounds: set[int]) -> str | None:
    """The heading text over `col` in one heading row: the nearest text at or left of it, not
    beyond a column where a heading above begins (a merged heading's first column)."""
    for j in range(col, -1, -1):
        text = cell(row, j)
        if text:
            return text
        if j in bounds:
            return None
    return None


def _heading_rows(table: SourceTable, row: int, col: int) -> list[int]:
    """The rows of words heading a figure's column, bottom first: above the figure, past the
    rows of figures (its block's other rows) and the rows printing nothing over its column,
    the first row of words over it and the rows of words right above that one."""
    k = row - 1
    while k >= 0 and (any(is_figure(c) for c in table.rows[k]) or _owner(table.rows[k], col, set()) is None
                      or _marks(table.rows[k])):
        k -= 1
    rows: list[int] = []
    while k >= 0 and not any(is_figure(c) for c in table.rows[k]) and any(is_text(c) for c in table.rows[k]):
        rows.append(k)
        k -= 1
    return rows


def _marks(row: list[str | None]) -> bool:
    """A row of column marks under the headings (`** | ** | **`, `栏次 | 1 | 2`): it heads nothing."""
    filled = [squash(plain(c)) for c in row if plain(c)]
    return bool(filled) and (all(_MARK.match(t) for t in filled) or is_ordinal_row(row))


def _owners(table: SourceTable, rows: list[int], col: int) -> list[str | None]:
    """Bottom first: each heading row's words over `col`, bounded by the headings above it."""
    out: list[str | None] = []
    for i, k in enumerate(rows):
        above = {j for r in rows[i + 1:] for j, c in enumerate(table.rows[r]) if is_text(c)}
        out.append(_owner(table.rows[k], col, above))
    return out


def nearest_heading(table: SourceTable, row: int, col: int) -> str | None:
    """The heading printed nearest over a figure's column, whatever it names (单位编码, 分值)."""
    return next((text for text in _owners(table, _heading_rows(table, row, col), col) if text), None)


def heading_path(table: SourceTable, row: int, col: int) -> list[str]:
    """The headings over a figure that name money (全年预算数（万元） › 总额, 年度预算申请 ›
    资金总额), top-down; empty for a label | value field, whose column heads nothing."""
    rows = _heading_rows(table, row, col)
    path: list[str] = []
    for text in _owners(table, rows, col):
        if text is None:
            continue
        if not names_money(squash(text)):
            break
        path.append(text)
    return path[::-1]


def _label_before(row: list[str | None], col: int) -> tuple[str, int] | None:
    """The nearest words left of a value, and their column: a field's label."""
    return next(((plain(row[j]) or "", j) for j in range(col - 1, -1, -1) if is_text(row[j])), None)


_NAME_COLUMN = re.compile(r"名称")


def _row_name(table: SourceTable, row: int, col: int) -> tuple[str, int] | None:
    """The name of a value under headings, and its column: the words under the nearest heading
    left of it that names a name column (项目名称 beside 单位名称, 任务名称); else the first words
    after the figure before it (`基本支出 | 12,634.14 | 财政拨款 | 98,880.78` names each pair;
    figures right after others share their name: a task's 总额 | 财政拨款 | 其他资金)."""
    cells = table.rows[row]
    for j in range(col - 1, -1, -1):
        if is_text(cells[j]) and _NAME_COLUMN.search(squash(nearest_heading(table, row, j) or "")):
            return plain(cells[j]) or "", j
    end = col
    while end > 0:
        start = next((j + 1 for j in range(end - 1, -1, -1) if is_figure(cells[j])), 0)
        found = next(((plain(cells[j]) or "", j) for j in range(start, end) if is_text(cells[j])), None)
        if found or start == 0:
            return found
        end = start - 1
    return None


def block_label(table: SourceTable, row: int, col: int) -> str | None:
    """The words heading a block of fields left of column `col` (its labels' column), merged
    down the block's rows: `项目资金（万元）` beside 年度资金总额, 其中：财政拨款, 其他资金."""
    for k in range(row, -1, -1):
        texts = [plain(c) for c in table.rows[k][:col] if is_text(c)]
        if texts:
            return texts[0]
    return None


@dataclass(frozen=True)
class Field:
    """A money figure of a form outside its indicator blocks, with what names it."""

    row: int
    col: int
    label: str
    """The row's label as printed (年度资金总额, 其中：财政拨款, a task's or a unit's name)."""
    path: list[str]
    """The headings over its column that name money (年初预算数), or [label]."""
    block: str | None
    """The words heading its block of fields (项目资金（万元）), for the unit they state."""


def field(table: SourceTable, row: int, col: int) -> Field:
    """What names a money figure printed outside the form's indicator blocks: under headings
    that name money, the row's name and those headings; else its label, as a field's."""
    cells = table.rows[row]
    path = heading_path(table, row, col)
    named = _row_name(table, row, col) if path else _label_before(cells, col)
    # a row printing no name is named by the block label left of its first figure
    at = named[1] if named else next((j for j in range(col + 1) if is_figure(cells[j])), col)
    block = block_label(table, row, at)
    label = named[0] if named else block or (path[-1] if path else "")
    return Field(row, col, label, path or ([label] if label else []), block)


def role(table: SourceTable, blocks: list[IndicatorBlock], row: int, col: int) -> Role:
    """What the figure at (row, col) of a form is."""
    patterns = vocabulary().indicator_block
    block = block_of(blocks, row, col)
    if block is not None:
        found = block.role_of(col)
        if found in ("scores", "period_target", "actual", "target", "remark"):
            return "score" if found == "scores" else found  # type: ignore[return-value]
        return "indicator"
    named = _label_before(table.rows[row], col)
    label = named[0] if named else ""
    if squash(label) in _SIGNS:
        return "target"  # `≥ | 63`: an indicator's value whose block heading was not read
    heading = nearest_heading(table, row, col) or ""
    if patterns["scores"].search(squash(heading)) or patterns["scores"].search(squash(label)):
        return "score"
    if IDENTIFIER.search(squash(label) if label else squash(heading)):
        return "identifier"
    return "field"
