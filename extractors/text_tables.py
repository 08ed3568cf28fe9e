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
from schemas.text import clean_text

log = logging.getLogger(__name__)

_YEAR = re.compile(r"^(19|20)\d{2}$")


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
    only cells that line already fills, is the rest of a wrapped cell."""
    if not lines:
        return []
    gaps = [b.top - a.bottom for a, b in zip(lines, lines[1:], strict=False)]
    typical = median(gaps) if gaps else 0.0
    rows: list[list[_Line]] = [[lines[0]]]
    for previous, line in zip(lines, lines[1:], strict=False):
        gap = line.top - previous.bottom
        filled = {i for i, t in enumerate(line.texts(columns, indent)) if t}
        above = {i for i, t in enumerate(rows[-1][0].texts(columns, indent)) if t}
        if gap < typical * 0.6 and filled <= above and not line.has_amount():
            rows[-1].append(line)
        else:
            rows.append([line])
    return rows


def _row_texts(row: list[_Line], columns: list[tuple[float, float]], indent: float) -> list[str | None]:
    parts = [line.texts(columns, indent) for line in row]
    joined = []
    for index in range(len(columns)):
        pieces = [text for p in parts if (text := p[index])]
        joined.append(clean_text("\n".join(pieces)) if pieces else None)
    return joined


def _header_cells(header: list[list[str | None]], centers: list[float]) -> list[list[Cell]]:
    """Cells of a multi-level header: a text with texts under it spans the columns
    nearest to it among those; a text with nothing under it spans down."""
    levels, width = len(header), len(centers)
    grid: list[list[Cell | None]] = [[None] * width for _ in range(levels)]
    for level, texts in enumerate(header):
        below = header[level + 1] if level + 1 < levels else [None] * width
        parents = [c for c, t in enumerate(texts) if t and below[c]]
        for col, text in enumerate(texts):
            if not text or grid[level][col] is not None:
                continue
            if col in parents:
                owned = [c for c in range(width) if below[c] and not texts[c] or c == col]
                span = [c for c in owned if min(parents, key=lambda p: abs(centers[p] - centers[c])) == col]
                cell = Cell(text, level, min(span), 1, max(span) - min(span) + 1)
                for c in range(min(span), max(span) + 1):
                    grid[level][c] = cell
            else:
                depth = 1
                while level + depth < levels and not header[level + depth][col]:
                    depth += 1
                cell = Cell(text, level, col, depth, 1)
                for r in range(level, level + depth):
                    grid[r][col] = cell
    return [[cell or Cell(None, r, c) for c, cell in enumerate(row)] for r, row in enumerate(grid)]


def _merge_header_wraps(lines: list[_Line], word_gap: float) -> list[_Line]:
    """Header lines with wrapped cell text (对个人和 / 家庭的补助) joined into one word each."""
    merged: list[_Line] = []
    for line in (_join_close_words(line, word_gap) for line in lines):
        above = merged[-1] if merged else None
        owners = [_overlapping(w, above.words) for w in line.words] if above else []
        if above is None or not owners or any(o is None for o in owners):
            merged.append(_Line(line.top, line.bottom, [dict(w) for w in line.words]))
            continue
        for word, owner in zip(line.words, owners, strict=True):
            assert owner is not None
            owner["text"] += word["text"]
            owner["x0"], owner["x1"] = min(owner["x0"], word["x0"]), max(owner["x1"], word["x1"])
        above.bottom = line.bottom
    return merged


def _join_close_words(line: _Line, word_gap: float) -> _Line:
    """One header cell printed as several words (`2019 年预算数`) made one word again."""
    words: list[dict[str, Any]] = []
    for word in sorted(line.words, key=lambda w: w["x0"]):
        if words and word["x0"] - words[-1]["x1"] < word_gap:
            words[-1] = {**words[-1], "text": words[-1]["text"] + word["text"], "x1": word["x1"]}
        else:
            words.append(dict(word))
    return _Line(line.top, line.bottom, words)


def _overlapping(word: dict[str, Any], candidates: list[dict[str, Any]]) -> dict[str, Any] | None:
    return next((c for c in candidates if c["x0"] < word["x1"] and c["x1"] > word["x0"]), None)


def _is_parent(word: dict[str, Any], lower: list[dict[str, Any]]) -> bool:
    """A header word over other header words: printed above one of them, or
    between them (收入 centred over 项目 | 预算数). A word with lower header words
    on one side only (科目名称, 总计) spans down to the body instead."""
    if any(v["x0"] < word["x1"] and v["x1"] > word["x0"] for v in lower):
        return True
    center = (word["x0"] + word["x1"]) / 2
    return any(v["x1"] <= center for v in lower) and any(v["x0"] >= center for v in lower)


def header_columns(header: list[_Line], body: list[dict[str, Any]], same_column: float) -> list[tuple[float, float]]:
    """Columns from the header's leaf words: those with no header word printed under them.

    Every column of a budget table is named at the bottom of its header, so
    the leaves' centres are the columns' centres; boundaries fall half way.
    """
    words = [(i, w) for i, line in enumerate(header) for w in line.words]
    leaves = [w for i, w in words if not _is_parent(w, [v for j, v in words if j > i])]
    centers = sorted({round((w["x0"] + w["x1"]) / 2, 1) for w in leaves})
    merged: list[float] = []
    for center in centers:
        if merged and center - merged[-1] < same_column:
            continue
        merged.append(center)
    if len(merged) < 2:
        return []
    left = min(w["x0"] for _, w in words) - 1
    right = max(w["x1"] for _, w in words) + 1
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
    header = _merge_header_wraps(lines[:first], layout.word_gap)
    body_words = [w for line in lines[first:] for w in line.words]
    from_header = [] if carried else header_columns(header, body_words, layout.same_column)
    columns = carried or from_header or fallback_columns()
    columns_from = "carried" if carried else "header_words" if from_header else "stream"
    if len(columns) < 2:
        return None
    left, right = min(w["x0"] for w in words) - 1, max(w["x1"] for w in words) + 1
    columns = [(min(columns[0][0], left), columns[0][1]), *columns[1:-1], (columns[-1][0], max(columns[-1][1], right))]
    rows = _merge_wrapped(lines[first:], columns, layout.indent)
    if rows and not carried and sum(1 for r in rows if any(line.has_amount() for line in r)) < layout.min_body_lines:
        return None
    centers = [(x0 + x1) / 2 for x0, x1 in columns]
    cells = _header_cells([line.texts(columns, layout.indent, centred=True) for line in header], centers)
    for index, row in enumerate(rows, start=len(header)):
        cells.append([Cell(t, index, c) for c, t in enumerate(_row_texts(row, columns, layout.indent))])
    tops = [line.top for line in header] + [r[0].top for r in rows]
    bbox = (columns[0][0], lines[0].top, columns[-1][1], lines[-1].bottom)
    return RawTable(page=page_number, bbox=bbox, cells=cells, engine="camelot-stream", row_tops=tops,
                    col_edges=columns, columns_from=columns_from)
