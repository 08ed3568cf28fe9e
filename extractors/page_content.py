"""One page read once: its tables as grids and its text lines outside them.

A page is read exactly once and closed, so memory stays flat over a
262-page document. Overlaid duplicate glyphs (a bold effect some exporters
fake by printing a character twice) are removed before anything else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from extractors.cell_text import clean_text, has_cid
from extractors.grid import RawTable, pdfplumber_table_to_grid

# Text lines sit within a few points of each other; numbers typeset on their
# own baseline (common in final accounts) are still within this distance.
_LINE_Y_TOLERANCE = 4


@dataclass
class TextLine:
    """A line of text outside any table, with where and how large it is printed."""

    text: str
    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    size: float


@dataclass
class PageContent:
    """What one page holds, in reading order."""

    number: int
    width: float
    height: float
    lines: list[TextLine] = field(default_factory=list)
    tables: list[RawTable] = field(default_factory=list)
    char_count: int = 0
    cid: bool = False


def _inside(obj: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    cx = (obj["x0"] + obj["x1"]) / 2
    cy = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def _text_lines(page: Any, number: int, boxes: list[tuple[float, float, float, float]]) -> list[TextLine]:
    outside = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes))
    lines = []
    for raw in outside.extract_text_lines(y_tolerance=_LINE_Y_TOLERANCE, return_chars=True):
        text = clean_text(raw["text"])
        if not text:
            continue
        size = max((c.get("size", 0.0) for c in raw["chars"]), default=0.0)
        lines.append(TextLine(text, number, raw["top"], raw["bottom"], raw["x0"], raw["x1"], round(size, 1)))
    return lines


def read_page(page: Any, number: int) -> PageContent:
    """Tables and text lines of one pdfplumber page."""
    page = page.dedupe_chars()
    content = PageContent(number=number, width=float(page.width), height=float(page.height))
    content.char_count = len(page.chars)
    if not content.char_count:
        return content
    found = page.find_tables()
    for table in found:
        grid = pdfplumber_table_to_grid(table, number)
        if grid is not None and grid.n_rows >= 1 and grid.n_cols >= 2:
            content.tables.append(grid)
    content.tables.sort(key=lambda t: t.bbox[1])
    content.lines = _text_lines(page, number, [t.bbox for t in content.tables])
    content.cid = any(has_cid(line.text) for line in content.lines) or any(
        has_cid(c.text or "") for t in content.tables for row in t.cells for c in row
    )
    return content
