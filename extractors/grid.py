"""A table as a grid of cells with their spans, whatever engine found it.

Merged header cells carry the meaning of the columns under them, so the grid
keeps for every position the cell that covers it. `cells[r][c]` is the same
`Cell` object for every position one merged cell spans.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any

from pdfplumber.utils import extract_text

from extractors.settings import Layout
from schemas.text import clean_text

# Ruled frames leave empty slivers of cells along their edges; they are no columns.


@dataclass(eq=False)
class Cell:
    """One printed cell: its text and where it starts and how far it spans."""

    text: str | None
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


@dataclass
class RawTable:
    """A table found on one page, before titles, headers and kinds."""

    page: int
    bbox: tuple[float, float, float, float]
    cells: list[list[Cell]]
    engine: str = "pdfplumber"
    row_tops: list[float] = field(default_factory=list)
    col_edges: list[tuple[float, float]] = field(default_factory=list)
    columns_from: str = "ruling_lines"
    """What drew the columns: ruling_lines, or for an unruled table header_words, stream or carried."""
    """Column x-ranges of a table rebuilt from words, for its continuation on the next page."""

    @property
    def n_rows(self) -> int:
        return len(self.cells)

    @property
    def n_cols(self) -> int:
        return len(self.cells[0]) if self.cells else 0

    def text_at(self, row: int, col: int) -> str | None:
        """The text printed at this position: only a cell's top-left holds it."""
        cell = self.cells[row][col]
        return cell.text if (cell.row, cell.col) == (row, col) else None

    def row_texts(self, row: int) -> list[str | None]:
        return [self.text_at(row, c) for c in range(self.n_cols)]

    def without_top_rows(self, count: int) -> RawTable:
        """The grid below its first `count` rows (caption rows inside a frame)."""
        if count == 0:
            return self
        moved: dict[int, Cell] = {}
        cells = []
        for row in self.cells[count:]:
            new_row = []
            for cell in row:
                if id(cell) not in moved:
                    top = max(cell.row - count, 0)
                    span = cell.row + cell.rowspan - count - top
                    moved[id(cell)] = Cell(cell.text, top, cell.col, span, cell.colspan)
                new_row.append(moved[id(cell)])
            cells.append(new_row)
        return RawTable(self.page, self.bbox, cells, self.engine, self.row_tops[count:], self.col_edges, self.columns_from)


def _boundaries(values: list[float], tolerance: float) -> list[float]:
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > tolerance:
            out.append(value)
    return out


def _index(bounds: list[float], value: float, tolerance: float) -> int:
    return bisect_left(bounds, value - tolerance)


def boxes_to_grid(
    boxes: list[tuple[tuple[float, float, float, float], str | None]], page: int, engine: str, layout: Layout
) -> RawTable | None:
    """Turn (bbox, text) cell boxes into a grid with spans; None when empty."""
    tolerance = layout.edge_tolerance
    boxes = [(b, t) for b, t in boxes if (t and t.strip()) or b[2] - b[0] >= layout.sliver_width]
    if not boxes:
        return None
    xs = _boundaries([b[0] for b, _ in boxes], tolerance)
    ys = _boundaries([b[1] for b, _ in boxes], tolerance)
    grid: list[list[Cell | None]] = [[None] * len(xs) for _ in ys]
    for (x0, top, x1, bottom), text in sorted(boxes, key=lambda b: (b[0][1], b[0][0])):
        r0, c0 = _index(ys, top, tolerance), _index(xs, x0, tolerance)
        r1 = max(r0 + 1, bisect_left(ys, bottom - tolerance))
        c1 = max(c0 + 1, bisect_left(xs, x1 - tolerance))
        if grid[r0][c0] is not None:
            continue
        cell = Cell(clean_text(text), r0, c0, r1 - r0, c1 - c0)
        for r in range(r0, r1):
            for c in range(c0, c1):
                if grid[r][c] is None:
                    grid[r][c] = cell
    cells = [
        [cell if cell is not None else Cell(None, r, c) for c, cell in enumerate(row)] for r, row in enumerate(grid)
    ]
    x0 = min(b[0][0] for b in boxes)
    top = min(b[0][1] for b in boxes)
    x1 = max(b[0][2] for b in boxes)
    bottom = max(b[0][3] for b in boxes)
    edges = list(zip(xs, [*xs[1:], x1], strict=True))
    return RawTable(page=page, bbox=(x0, top, x1, bottom), cells=cells, engine=engine, row_tops=ys, col_edges=edges)


def _cell_texts(table: Any) -> list[list[str | None]]:
    """What `Table.extract()` returns, each cell's chars found by bisecting the page's
    chars sorted by their middle height.

    `extract()` tests every char of the page against every row, a third of the
    time a table page takes; here a cell looks only at the chars level with it.
    Membership (a char's middle inside the cell, right and bottom edges open),
    char order and the text assembly (`pdfplumber.utils.extract_text`) are
    pdfplumber's own.
    """
    chars = table.page.chars
    middles = sorted(((c["top"] + c["bottom"]) / 2, i) for i, c in enumerate(chars))
    heights = [m for m, _ in middles]
    texts: list[list[str | None]] = []
    for row in table.rows:
        row_texts: list[str | None] = []
        for cell in row.cells:
            if cell is None:
                row_texts.append(None)
                continue
            x0, top, x1, bottom = cell
            level = middles[bisect_left(heights, top): bisect_left(heights, bottom)]
            inside = sorted(i for _, i in level if x0 <= (chars[i]["x0"] + chars[i]["x1"]) / 2 < x1)
            row_texts.append(extract_text([chars[i] for i in inside]) if inside else "")
        texts.append(row_texts)
    return texts


def pdfplumber_table_to_grid(table: Any, page: int, layout: Layout) -> RawTable | None:
    """Grid of a `pdfplumber.table.Table`, texts read once per cell."""
    texts = _cell_texts(table)
    boxes: list[tuple[tuple[float, float, float, float], str | None]] = []
    for row, row_texts in zip(table.rows, texts, strict=True):
        for bbox, text in zip(row.cells, row_texts, strict=True):
            if bbox is not None:
                boxes.append((bbox, text))
    return boxes_to_grid(boxes, page, "pdfplumber", layout)


def column_map(edges: list[tuple[float, float]], target: list[tuple[float, float]]) -> list[int] | None:
    """For each column of a continuation, the column of the table it continues that it
    overlaps most; None when some column overlaps none (not the same table)."""
    if not edges or not target:
        return None
    mapping = []
    for x0, x1 in edges:
        overlaps = [min(x1, t1) - max(x0, t0) for t0, t1 in target]
        best = max(range(len(target)), key=lambda i: overlaps[i])
        if overlaps[best] <= 0:
            return None
        mapping.append(best)
    return mapping
