"""Tables printed without ruling lines, rebuilt from the words on the page.

pdfplumber finds tables by their lines; a table typeset by position alone
has none. camelot's stream flavor infers the columns from the text; the rows
and the merged header are rebuilt here from pdfplumber's words, so that a
name wrapped onto a second line stays one cell and a header centred over
several columns (基本支出 over 小计 … 对个人和家庭的补助) spans them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from statistics import median
from typing import Any

from extractors.grid import Cell, RawTable
from extractors.header import AMOUNT
from extractors.settings import Layout
from extractors.text_header import HeaderCell, header_cells, header_grid, leaf_centers
from schemas.text import clean_text

log = logging.getLogger(__name__)

_YEAR = re.compile(r"^(19|20)\d{2}$")
_DECIMALS = re.compile(r"^\.\d+$")


@dataclass
class _Line:
    top: float
    bottom: float
    words: list[dict[str, Any]]

    def texts(self, columns: list[tuple[float, float]], indent: float, centred: bool = False) -> list[str | None]:
        cells: list[list[str]] = [[] for _ in columns]
        for word in self.words:
            cells[_column_of(word, columns, indent, centred)].append(word["text"])
        return [clean_text(" ".join(c)) if c else None for c in cells]

    def has_amount(self) -> bool:
        """A figure stands on the line (a bare year such as `2019` is a header's, not a figure)."""
        return any(AMOUNT.match(w["text"]) and not _YEAR.match(w["text"]) for w in self.words)

    def tails(self, above: _Line, columns: list[tuple[float, float]], indent: float) -> bool:
        """Every figure of the line is the decimals of a figure right above it in its column
        (`9,882` over `.28`: an amount wrapped in a narrow cell), and it holds nothing else."""
        figures = [w for w in self.words if AMOUNT.match(w["text"])]
        if not figures or len(figures) != len(self.words) or not all(_DECIMALS.match(w["text"]) for w in figures):
            return False
        over = {_column_of(w, columns, indent, False) for w in above.words if AMOUNT.match(w["text"])}
        return all(_column_of(w, columns, indent, False) in over for w in figures)


def _column_of(word: dict[str, Any], columns: list[tuple[float, float]], indent: float, centred: bool) -> int:
    """The column a word stands in: headers are centred, figures right-aligned, names left-aligned
    (and maybe indented by up to `indent` points)."""
    if centred or AMOUNT.match(word["text"]):
        center = (word["x0"] + word["x1"]) / 2
    else:
        center = word["x0"] + indent
    for index, (x0, x1) in enumerate(columns):
        if x0 <= center <= x1:
            return index
    return min(range(len(columns)), key=lambda i: min(abs(center - columns[i][0]), abs(center - columns[i][1])))


def camelot_columns(path: str, file_page: int) -> list[tuple[float, float]]:
    """Column x-ranges camelot's stream flavor infers for the largest table on page
    `file_page` of the file (camelot counts pages within the file)."""
    import warnings

    import camelot  # imported here: only pages without ruled tables need it

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # camelot warns for every empty table area
            tables = camelot.read_pdf(path, pages=str(file_page), flavor="stream")
    except Exception as exc:  # camelot fails on odd pages; the page then simply has no text table
        log.debug("camelot stream failed on %s p%d: %s", path, file_page, exc)
        return []
    if not tables:
        return []
    best = max(tables, key=lambda t: t.shape[0] * t.shape[1])
    return [(float(x0), float(x1)) for x0, x1 in best.cols]


def _lines(words: list[dict[str, Any]], tolerance: float) -> list[_Line]:
    lines: list[_Line] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if lines and abs(word["top"] - lines[-1].top) <= tolerance:
            lines[-1].words.append(word)
            lines[-1].bottom = max(lines[-1].bottom, word["bottom"])
        else:
            lines.append(_Line(word["top"], word["bottom"], [word]))
    return lines


def _merge_wrapped(lines: list[_Line], columns: list[tuple[float, float]], indent: float) -> list[list[_Line]]:
    """Group lines into printed rows: a line close under the previous one, filling
    only cells that line already fills, is the rest of a wrapped cell; so is a line of
    decimals under the figures they end (`_Line.tails`), and the first lines of a name
    whose figures are centred down its cell belong to the row of those figures (`_leads`)."""
    if not lines:
        return []
    gaps = [b.top - a.bottom for a, b in zip(lines, lines[1:], strict=False)]
    typical = median(gaps) if gaps else 0.0
    rows: list[list[_Line]] = [[lines[0]]]
    held: list[_Line] = []  # a name's first lines, printed above the figures centred down its cell
    for index, (previous, line) in enumerate(zip(lines, lines[1:], strict=False), start=1):
        gap = line.top - previous.bottom
        filled = {i for i, t in enumerate(line.texts(columns, indent)) if t}
        above = {i for i, t in enumerate(rows[-1][0].texts(columns, indent)) if t}
        if held:
            held.append(line)
            if line.has_amount():
                rows.append(held)
                held = []
        elif _leads(line, lines[index + 1:], gap):
            held = [line]
        elif _continues(line, gap, lines[index + 1] if index + 1 < len(lines) else None, typical,
                        filled <= above) or line.tails(previous, columns, indent):
            rows[-1].append(line)
        else:
            rows.append([line])
    if held:
        rows.append(held)
    return rows


def _continues(line: _Line, gap: float, below: _Line | None, typical: float, inside: bool) -> bool:
    """A line carrying on the row above: no figure, only in cells that row fills (`inside`), and set
    tight under it: tighter than rows usually are, or clearly tighter than the next line under it."""
    if line.has_amount() or not inside:
        return False
    return gap < typical * 0.6 or (below is not None and gap < (below.top - line.bottom) * 0.75)


def _leads(line: _Line, below: list[_Line], gap_above: float) -> bool:
    """A wrapped name's first line, above the figures (and code) centred down its cell: it holds no
    figure, and the lines under it down to the first that does are set much tighter than it stands
    from the line above (the lines of one cell are set tighter than the rows)."""
    if line.has_amount():
        return False
    previous = line
    for after in below:
        if after.top - previous.bottom >= gap_above * 0.6:
            return False
        if after.has_amount():
            return True
        previous = after
    return False


def _row_texts(row: list[_Line], columns: list[tuple[float, float]], indent: float) -> list[str | None]:
    parts = [line.texts(columns, indent) for line in row]
    joined = []
    for index in range(len(columns)):
        pieces = [text for p in parts if (text := p[index])]
        joined.append(clean_text("\n".join(pieces)) if pieces else None)
    return joined


def header_columns(cells: list[HeaderCell], body: list[dict[str, Any]], layout: Layout) -> list[tuple[float, float]]:
    """Columns from the header's leaf cells: those with no header cell printed under them.

    Every column of a budget table is named at the bottom of its header, so
    the leaves' centres are the columns' centres; boundaries fall where the
    body leaves a gap between them.
    """
    merged = leaf_centers(cells, layout.same_column, layout.row_tolerance)
    if len(merged) < 2:
        return []
    left = min(c.x0 for c in cells) - 1
    right = max(c.x1 for c in cells) + 1
    bounds = [left, *(_boundary(a, b, body) for a, b in zip(merged, merged[1:], strict=False)), right]
    return list(zip(bounds, bounds[1:], strict=False))


def _boundary(left: float, right: float, body: list[dict[str, Any]]) -> float:
    """Where two columns meet: in the widest run between their centres that no body
    word covers (names are left-aligned, figures right-aligned), else half way."""
    covered = sorted((max(w["x0"], left), min(w["x1"], right)) for w in body if w["x0"] < right and w["x1"] > left)
    gaps, edge = [], left
    for x0, x1 in covered:
        if x0 > edge:
            gaps.append((edge, x0))
        edge = max(edge, x1)
    if edge < right:
        gaps.append((edge, right))
    if not gaps:
        return (left + right) / 2
    x0, x1 = max(gaps, key=lambda g: g[1] - g[0])
    return (x0 + x1) / 2


def words_to_table(
    words: list[dict[str, Any]],
    fallback_columns: Callable[[], list[tuple[float, float]]],
    page_number: int,
    layout: Layout,
    carried: list[tuple[float, float]] | None = None,
    titled: bool = True,
) -> RawTable | None:
    """A grid from the words of a table region.

    Columns come from the header's leaf words; a region without a header
    takes camelot's columns. The top of a page continuing an unruled table
    (`carried` columns) is all body: the stitcher drops a repeated header.
    A region with no title of its own must hold figures to be a table.
    """
    if not words:
        return None
    lines = _lines(words, layout.row_tolerance)
    # No figure at all: a header over an empty table (本表为空表), all of it header.
    first = 0 if carried else next((i for i, line in enumerate(lines) if line.has_amount()), len(lines))
    if not titled and not any(line.has_amount() for line in lines):
        return None
    header = header_cells([line.words for line in lines[:first]], layout)
    body_words = [w for line in lines[first:] for w in line.words]
    from_header = [] if carried else header_columns(header, body_words, layout)
    columns = carried or from_header or fallback_columns()
    columns_from = "carried" if carried else "header_words" if from_header else "stream"
    if len(columns) < 2:
        return None
    left, right = min(w["x0"] for w in words) - 1, max(w["x1"] for w in words) + 1
    columns = [(min(columns[0][0], left), columns[0][1]), *columns[1:-1], (columns[-1][0], max(columns[-1][1], right))]
    rows = _merge_wrapped(lines[first:], columns, layout.indent)
    if rows and not carried and sum(1 for r in rows if any(line.has_amount() for line in r)) < layout.min_body_lines:
        return None
    cells, tops = header_grid(header, columns, layout)
    for index, row in enumerate(rows, start=len(cells)):
        cells.append([Cell(t, index, c) for c, t in enumerate(_row_texts(row, columns, layout.indent))])
    tops += [r[0].top for r in rows]
    bbox = (columns[0][0], lines[0].top, columns[-1][1], lines[-1].bottom)
    return RawTable(page=page_number, bbox=bbox, cells=cells, engine="camelot-stream", row_tops=tops,
                    col_edges=columns, columns_from=columns_from)


def body_under_header(grid: RawTable, words: list[dict[str, Any]], layout: Layout) -> RawTable | None:
    """A ruled header over a body printed without rules (a spreadsheet that frames only
    its header): the grid with the rows read from the words under it, placed in the
    columns the header's rules draw, down to the first line running across a column
    edge (prose under the table). None when no figure stands under the header."""
    edges = [x1 for _x0, x1 in grid.col_edges[:-1]]
    crossing = [line.top for line in _lines(words, layout.row_tolerance)
                if any(w["x0"] < edge - layout.edge_tolerance and w["x1"] > edge + layout.edge_tolerance
                       for w in line.words for edge in edges)]
    words = [w for w in words if not crossing or w["top"] < crossing[0] - layout.row_tolerance]
    body = words_to_table(words, list, grid.page, layout, carried=grid.col_edges) if words else None
    if body is None:
        return None
    last = max((r for r in range(body.n_rows) if _row_has_amount(body, r)), default=None)
    if last is None:
        return None
    offset = grid.n_rows
    rows = [[Cell(c.text, c.row + offset, c.col) for c in row] for row in body.cells[:last + 1]]
    bottom = max(w["bottom"] for w in words if w["top"] <= body.row_tops[last] + layout.row_tolerance)
    x0, top, x1, _ = grid.bbox
    return RawTable(grid.page, (min(x0, body.bbox[0]), top, max(x1, body.bbox[2]), bottom), grid.cells + rows,
                    grid.engine, grid.row_tops + body.row_tops[:last + 1], grid.col_edges, grid.columns_from)


def _row_has_amount(table: RawTable, row: int) -> bool:
    return any(t and AMOUNT.match(t) for t in table.row_texts(row))
