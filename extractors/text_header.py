"""The header of an unruled table, rebuilt from its words as cells with spans.

Without ruling lines the header's structure is in the typography: a cell's
text wrapped onto several lines (`工资` / `福利` / `支出`) is a stack of
fragments centred (or left-aligned) on one another, one line pitch apart; a
heading over several columns (基本支出) is centred over the columns it heads,
and those columns' own headings stand below it, aligned with each other (same
top, centre or bottom) whatever their number of lines. Cells of different
heights are centred vertically, so a header's lines are no guide to its
levels; the cells are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from extractors.grid import Cell
from extractors.settings import Layout
from schemas.text import clean_text

Word = dict[str, Any]


@dataclass
class HeaderCell:
    """One header cell: its text and the box of all its lines."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


def _join_close_words(words: list[Word], word_gap: float) -> list[Word]:
    """One header cell printed as several words on a line (`2019 年预算数`) made one word again."""
    joined: list[Word] = []
    for word in sorted(words, key=lambda w: w["x0"]):
        if joined and word["x0"] - joined[-1]["x1"] < word_gap:
            joined[-1] = {**joined[-1], "text": joined[-1]["text"] + word["text"], "x1": word["x1"]}
        else:
            joined.append(dict(word))
    return joined


def _overlaps(a: Word | HeaderCell, b: Word | HeaderCell) -> bool:
    ax0, ax1 = (a["x0"], a["x1"]) if isinstance(a, dict) else (a.x0, a.x1)
    bx0, bx1 = (b["x0"], b["x1"]) if isinstance(b, dict) else (b.x0, b.x1)
    return ax0 < bx1 and ax1 > bx0


def _center(word: Word) -> float:
    return (word["x0"] + word["x1"]) / 2


def _wrap_links(fragments: list[Word], layout: Layout) -> dict[int, int]:
    """Which fragment continues which (index above → index below) as the next line of one cell.

    A candidate is the nearest fragment under another, aligned with it (centre or left
    edge), at the header's line pitch (the smallest step between candidates, with
    `wrap_pitch_slack` to spare). A heading centred over the middle one of its columns
    looks the same; the cells beside tell them apart (`_heads_a_row`).
    """
    tol = layout.row_tolerance
    candidates: dict[int, int] = {}
    for i, above in enumerate(fragments):
        below = [j for j, w in enumerate(fragments) if w["top"] > above["top"] + tol and _overlaps(above, w)]
        if not below:
            continue
        j = min(below, key=lambda k: fragments[k]["top"])
        lower = fragments[j]
        over = [k for k, w in enumerate(fragments) if w["top"] < lower["top"] - tol and _overlaps(w, lower)]
        aligned = (abs(_center(above) - _center(lower)) <= layout.same_column
                   or abs(above["x0"] - lower["x0"]) <= layout.same_column)
        if aligned and max(over, key=lambda k: fragments[k]["top"]) == i:
            candidates[i] = j
    if not candidates:
        return {}
    pitch = min(fragments[j]["top"] - fragments[i]["top"] for i, j in candidates.items())
    candidates = {i: j for i, j in candidates.items()
                  if fragments[j]["top"] - fragments[i]["top"] <= pitch * (1 + layout.wrap_pitch_slack)}
    links: dict[int, int] = {}
    for i in sorted(candidates, key=lambda k: fragments[k]["top"]):
        if i in links.values() or not _heads_a_row(i, candidates, fragments, tol):
            links[i] = candidates[i]
    return links


def _chain(start: int, links: dict[int, int], fragments: list[Word]) -> HeaderCell:
    chain = [start]
    while chain[-1] in links:
        chain.append(links[chain[-1]])
    parts = [fragments[i] for i in chain]
    return HeaderCell(clean_text("\n".join(p["text"] for p in parts)) or "",
                      min(p["x0"] for p in parts), max(p["x1"] for p in parts),
                      min(p["top"] for p in parts), max(p["bottom"] for p in parts))


def _heads_a_row(i: int, candidates: dict[int, int], fragments: list[Word], tol: float) -> bool:
    """Whether fragment `i`, the top of a candidate cell, is rather a heading over the cell
    under it and that cell's neighbours. The neighbours (cells beside, within the height
    of the cell under `i`, on both sides) are centred on their row or start at its top: a
    heading's neighbours are centred on the cell under it, or share its top; a wrapped
    cell's neighbours are centred on the whole cell, its first line included."""
    under = _chain(candidates[i], candidates, fragments)
    whole = _chain(i, candidates, fragments)
    starts = [k for k in range(len(fragments)) if k not in candidates.values() and k != i]
    cells = [c for c in (_chain(k, candidates, fragments) for k in starts)
             if not _overlaps(c, whole) and c.top >= under.top - tol and c.bottom <= under.bottom + tol]
    if not (any(c.x1 <= whole.x0 for c in cells) and any(c.x0 >= whole.x1 for c in cells)):
        return False
    middles = sorted(c.middle for c in cells)
    middle = middles[len(middles) // 2]
    if abs(middle - whole.middle) <= tol:
        return False
    return abs(middle - under.middle) <= tol or any(abs(c.top - under.top) <= tol for c in cells)


def header_cells(lines: list[list[Word]], layout: Layout) -> list[HeaderCell]:
    """The header's cells, each wrapped cell's lines joined, in reading order."""
    fragments = [w for line in lines for w in _join_close_words(line, layout.word_gap)]
    links = _wrap_links(fragments, layout)
    continued = set(links.values())
    cells = [_chain(i, links, fragments) for i in range(len(fragments)) if i not in continued]
    return sorted(cells, key=lambda c: (c.top, c.x0))


def is_heading(cell: HeaderCell, cells: list[HeaderCell], tol: float) -> bool:
    """A cell over other header cells: printed above one of them, or between them (收入
    centred over 项目 | 预算数). A cell with lower cells on one side only (科目名称, 总计)
    spans down to the body instead."""
    lower = [c for c in cells if c is not cell and c.top >= cell.bottom - tol]
    if any(_overlaps(c, cell) for c in lower):
        return True
    return any(c.x1 <= cell.center for c in lower) and any(c.x0 >= cell.center for c in lower)


def leaf_centers(cells: list[HeaderCell], same_column: float, tol: float) -> list[float]:
    """Centres of the columns the header names: its leaf cells', those closer than
    `same_column` taken as one."""
    centers = sorted({round(c.center, 1) for c in cells if not is_heading(c, cells, tol)})
    merged: list[float] = []
    for center in centers:
        if not merged or center - merged[-1] >= same_column:
            merged.append(center)
    return merged


@dataclass
class _Unit:
    """Adjacent columns already under one heading (or a single column), and the cell
    that stands for them when a heading higher up is placed."""

    first: int
    last: int
    x0: float
    x1: float
    cell: HeaderCell | None

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


def _aligned(a: HeaderCell, b: HeaderCell, tol: float) -> bool:
    return abs(a.top - b.top) <= tol or abs(a.middle - b.middle) <= tol or abs(a.bottom - b.bottom) <= tol


def _span(heading: HeaderCell, units: list[_Unit], headings: list[HeaderCell], layout: Layout) -> tuple[int, int] | None:
    """The units a heading stands over: the widest run centred under it whose cells
    stand below it, aligned (top, middle or bottom) with the cells right under its
    centre, none of them under another heading's centre or nearer to another heading
    above it. A one-level column centred down a tall header is not aligned with the
    cells of the row under a heading, so it stays out of the heading's span."""
    tol = layout.row_tolerance
    center = next((i for i, u in enumerate(units) if u.x0 <= heading.center <= u.x1), None)
    if center is None:
        return None
    at_center = [center]
    if heading.center - units[center].x0 <= layout.same_column and center > 0:
        at_center.insert(0, center - 1)
    elif units[center].x1 - heading.center <= layout.same_column and center + 1 < len(units):
        at_center.append(center + 1)
    others = [h for h in headings if h is not heading]
    refs = [cell for i in at_center if (cell := units[i].cell) is not None]

    def fits(unit: _Unit) -> bool:
        if unit.cell is None:
            return True
        if unit.cell.top < heading.bottom - tol or not any(_aligned(unit.cell, r, tol) for r in refs):
            return False
        above = [h for h in others if h.bottom <= unit.cell.top + tol]
        mine = abs(heading.center - unit.center)
        return not any(unit.x0 <= h.center <= unit.x1 or abs(h.center - unit.center) < mine for h in above)

    best: tuple[int, int] | None = None
    for first in range(min(at_center), -1, -1):
        for last in range(max(at_center), len(units)):
            run = units[first:last + 1]
            half = min(run[0].x1 - run[0].x0, run[-1].x1 - run[-1].x0) / 2
            if abs((run[0].x0 + run[-1].x1) / 2 - heading.center) > max(half, layout.same_column):
                continue
            if all(fits(u) for u in run) and (best is None or last - first > best[1] - best[0]):
                best = (first, last)
    return best


def _placed(
    cells: list[HeaderCell], columns: list[tuple[float, float]], layout: Layout
) -> tuple[list[tuple[HeaderCell, int, int]], list[list[HeaderCell]]]:
    """Each heading with the first and last column it stands over (deepest first), and
    each column's own cells from the top."""
    width = len(columns)

    def column_of(cell: HeaderCell) -> int:
        inside = [i for i, (x0, x1) in enumerate(columns) if x0 <= cell.center <= x1]
        return inside[0] if inside else min(range(width), key=lambda i: abs(cell.center - sum(columns[i]) / 2))

    headings = [c for c in cells if is_heading(c, cells, layout.row_tolerance)]
    stacks: list[list[HeaderCell]] = [[] for _ in range(width)]
    for cell in cells:
        if cell not in headings:
            stacks[column_of(cell)].append(cell)
    units = [_Unit(i, i, x0, x1, max(stacks[i], key=lambda c: c.top) if stacks[i] else None)
             for i, (x0, x1) in enumerate(columns)]
    spans: list[tuple[HeaderCell, int, int]] = []
    for heading in sorted(headings, key=lambda h: -h.top):
        run = _span(heading, units, headings, layout)
        if run is None:  # heads nothing we can place: part of its column's own heading
            stacks[column_of(heading)].append(heading)
            continue
        first, last = units[run[0]], units[run[1]]
        spans.append((heading, first.first, last.last))
        units[run[0]:run[1] + 1] = [_Unit(first.first, last.last, first.x0, last.x1, heading)]
    return spans, [sorted(s, key=lambda c: c.top) for s in stacks]


def header_grid(
    cells: list[HeaderCell], columns: list[tuple[float, float]], layout: Layout
) -> tuple[list[list[Cell]], list[float]]:
    """The header as grid rows of `Cell`s, and each row's top: each heading over the
    columns it stands over, each column's own heading spanning down to the body."""
    width = len(columns)
    spans, stacks = _placed(cells, columns, layout)
    depth = [sum(1 for _h, a, b in spans if a <= c <= b) for c in range(width)]
    rows = max((d + len(s) for d, s in zip(depth, stacks, strict=True)), default=0)
    grid: list[list[Cell | None]] = [[None] * width for _ in range(rows)]
    tops = [min((c.top for c in cells), default=0.0)] * rows
    for heading, first, last in sorted(spans, key=lambda s: s[0].top):
        level = sum(1 for h, a, b in spans if a <= first and last <= b and h.top < heading.top)
        placed = Cell(heading.text, level, first, 1, last - first + 1)
        tops[level] = max(tops[level], heading.top)
        for c in range(first, last + 1):
            grid[level][c] = placed
    for c, stack in enumerate(stacks):
        for offset, part in enumerate(stack):
            level = depth[c] + offset
            down = rows - level if offset == len(stack) - 1 else 1
            placed = Cell(part.text, level, c, down, 1)
            tops[level] = max(tops[level], part.top)
            for r in range(level, level + down):
                grid[r][c] = placed
    return [[cell or Cell(None, r, c) for c, cell in enumerate(row)] for r, row in enumerate(grid)], tops
