"""One page read once: its tables as grids and its text lines outside them.

A page is read exactly once and closed, so memory stays flat over a
262-page document. Overlaid duplicate glyphs (a bold effect some exporters
fake by printing a character twice) are removed before anything else.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from extractors.camelot_tables import lattice_tables
from extractors.captions import is_caption_text, is_note_text, is_page_number
from extractors.glyphs import unify_code_points
from extractors.grid import RawTable, column_map, pdfplumber_table_to_grid
from extractors.header import AMOUNT
from extractors.ocr import ocr_text
from extractors.rules import table_settings
from extractors.settings import ExtractSettings, Layout
from extractors.table_kinds import is_table_title
from extractors.text_line import TextLine
from extractors.text_tables import body_under_header, camelot_columns, words_to_table
from schemas.patterns import CONTENTS_HEADING, LEADER, LIST_ITEM, NUMBERED_HEADING
from schemas.text import clean_text, has_cid

# Text lines sit within a few points of each other; numbers typeset on their
# own baseline (common in final accounts) are still within this distance.
_CJK = re.compile(r"[\u3400-\u9fff]")
_ENDS_AS_TITLE = re.compile(r"表\s*([（(][^）)]*[)）])?$")


@dataclass
class PageContent:
    """What one page holds, in reading order."""

    number: int
    """The page's number in the disclosure: pages of a second PDF number on after the first's."""
    width: float
    height: float
    file_page: int = 0
    """The page's number within its own file, as camelot and a PDF viewer count it."""
    lines: list[TextLine] = field(default_factory=list)
    tables: list[RawTable] = field(default_factory=list)
    char_count: int = 0
    image_count: int = 0  # a page with neither text nor image is blank, not scanned
    cid: bool = False
    ocr: bool = False
    """The page had no text layer: its text is OCR output."""


def _inside(obj: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    cx = (obj["x0"] + obj["x1"]) / 2
    cy = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def _char_lines(chars: list[dict[str, Any]], layout: Layout) -> list[list[dict[str, Any]]]:
    """Chars grouped into printed lines.

    Some exporters set digits and punctuation in a Latin font on a lower
    baseline than the CJK text around them (`万元，主要是基本支出增加万元` with
    `4,372.14` and `，` printed half a line below). A run with no CJK glyph
    that sits in the horizontal gaps of the line just above belongs to it.
    """
    rows: list[list[dict[str, Any]]] = []
    for char in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if rows and abs(char["top"] - rows[-1][0]["top"]) <= layout.line_y_tolerance:
            rows[-1].append(char)
        else:
            rows.append([char])
    lines: list[list[dict[str, Any]]] = []
    for row in rows:
        above = lines[-1] if lines else None
        if above and _fits_in_gaps(row, above, layout.detached_share):
            above.extend(row)
        else:
            lines.append(row)
    return [sorted(line, key=lambda c: c["x0"]) for line in lines]


def _fits_in_gaps(row: list[dict[str, Any]], above: list[dict[str, Any]], detached_share: float) -> bool:
    if any(_CJK.match(c["text"]) for c in row):
        return False
    size = max(c.get("size", 0.0) for c in above)
    if not 0 < row[0]["top"] - above[0]["top"] < size * detached_share:
        return False
    centers = [(c["x0"] + c["x1"]) / 2 for c in row]
    return not any(a["x0"] + 0.5 < x < a["x1"] - 0.5 for x in centers for a in above)


def _line_text(chars: list[dict[str, Any]], space_share: float) -> str:
    text, last = "", None
    for char in chars:
        if last is not None and char["x0"] - last["x1"] > char.get("size", 10.0) * space_share:
            text += " "
        text += char["text"]
        last = char
    return text


def text_lines(
    chars: list[dict[str, Any]],
    number: int,
    boxes: list[tuple[float, float, float, float]],
    layout: Layout,
    ocr: bool = False,
) -> list[TextLine]:
    """The printed lines of a page's chars outside the table boxes (pdfplumber's chars,
    or the same fields read by pypdfium2: text, x0, x1, top, bottom, size)."""
    chars = [c for c in chars if not _inside(c, boxes)]
    lines = []
    for line in _char_lines(chars, layout):
        raw = _line_text(line, layout.space_share)
        text = clean_text(ocr_text(raw) if ocr else raw)
        if not text:
            continue
        size = max(c.get("size", 0.0) for c in line)
        # Where the line is, by its own glyphs: detached digits below it do not move it.
        own = [c for c in line if _CJK.match(c["text"])] or line
        top, bottom = min(c["top"] for c in own), max(c["bottom"] for c in own)
        lines.append(TextLine(text, number, top, bottom, line[0]["x0"], max(c["x1"] for c in line), round(size, 1)))
    return lines


def _standalone_title(text: str, max_chars: int) -> bool:
    """A line printed as a table's title, not a sentence or heading that names a table."""
    return (
        len(text) <= max_chars and bool(_ENDS_AS_TITLE.search(text)) and is_table_title(text)
        and not LEADER.search(text) and not NUMBERED_HEADING.match(text) and not LIST_ITEM.match(text)
    )


def standalone_titles(lines: list[TextLine], layout: Layout) -> list[TextLine]:
    """The lines printed as a table's title, under which an unruled table may stand."""
    if any(CONTENTS_HEADING.match(line.text) for line in lines):
        return []  # a contents page lists table titles; it holds no table
    return [line for line in lines if _standalone_title(line.text, layout.max_title_chars)]


def _unruled_regions(content: PageContent, layout: Layout) -> list[tuple[float, float]]:
    """Vertical spans of the page where a table title stands with no ruled table under it."""
    titles = standalone_titles(content.lines, layout)
    stops = sorted([t.bbox[1] for t in content.tables] + [t.top for t in titles] + [content.height])
    regions = []
    for title in titles:
        bottom = next(s for s in stops if s > title.bottom)
        if not any(title.bottom <= t.bbox[1] < bottom + 1 for t in content.tables):
            regions.append((title.bottom, bottom))
    return regions


def _with_unruled_bodies(page: Any, content: PageContent, layout: Layout) -> bool:
    """Give each ruled grid that is all header (a frame drawn round the header only) the
    body printed under it without rules, down to the next table or title; True if any."""
    titles = [line.top for line in standalone_titles(content.lines, layout)]
    found = False
    for index, grid in enumerate(content.tables):
        if any(_has_figure(grid.row_texts(r)) for r in range(grid.n_rows)):
            continue
        bottom = min([t.bbox[1] for t in content.tables if t.bbox[1] > grid.bbox[3]]
                     + [t for t in titles if t > grid.bbox[3]] + [content.height])
        extended = body_under_header(grid, _words_in(page, grid.bbox[3], bottom), layout)
        if extended is not None:
            content.tables[index], found = extended, True
    return found


def _has_figure(texts: list[str | None]) -> bool:
    return any(t and AMOUNT.match(t) for t in texts)


def _words_in(page: Any, top: float, bottom: float) -> list[dict[str, Any]]:
    if bottom - top < 1:
        return []
    words = page.crop((0, top, page.width, bottom)).extract_words(keep_blank_chars=False, x_tolerance=1.5)
    lines: dict[float, list[dict[str, Any]]] = {}
    for word in words:
        key = next((k for k in lines if abs(k - word["top"]) <= 3), word["top"])
        lines.setdefault(key, []).append(word)
    kept = []
    for key in sorted(lines):
        text = "".join(w["text"] for w in sorted(lines[key], key=lambda w: w["x0"]))
        if is_note_text(text):
            break  # the note under the table ends it
        if not (is_caption_text(text) or is_page_number(text)):
            kept.extend(lines[key])
    return kept


def _ruled_tables(
    page: Any, number: int, path: str | None, settings: ExtractSettings, ocr_page: int | None,
    carried: list[tuple[float, float]] | None = None,
) -> list[RawTable]:
    if ocr_page is not None and path:  # a scanned page: its rules are only in the image
        grids = lattice_tables(path, ocr_page, number, float(page.height), settings.layout, ocr=True)
    elif settings.engine == "camelot-stream":
        return []
    elif settings.engine == "camelot-lattice" and path:
        grids = lattice_tables(path, page.page_number, number, float(page.height), settings.layout)
    else:
        found = page.find_tables(table_settings(page, settings.layout))
        grids = [g for t in found if (g := pdfplumber_table_to_grid(t, number, settings.layout)) is not None]
    grids = sorted(grids, key=lambda t: t.bbox[1])
    return [g for i, g in enumerate(grids) if _is_table(g) or (i == 0 and _runs_on(g, carried))]


def _is_table(grid: RawTable) -> bool:
    """Boxes drawn around narrative lines or a contents entry are no table.

    A table has two rows with two filled cells each, or one row of figures (a
    totals row carried over to the next page).
    """
    rows = [[t for t in grid.row_texts(r) if t] for r in range(grid.n_rows)]
    filled = [r for r in rows if len(r) >= 2]
    if grid.n_cols < 2:
        return False
    if len(filled) >= 2:
        return True
    return bool(filled) and sum(1 for t in filled[0] if AMOUNT.match(t) and ("." in t or "," in t)) >= 2


def _runs_on(grid: RawTable, carried: list[tuple[float, float]] | None) -> bool:
    """The top grid of a page, in the columns of the table that ran to the foot of the page
    before, is its last rows whatever they hold (a form's last indicator rows, one label each)."""
    return bool(carried) and grid.n_cols >= 2 and column_map(grid.col_edges, carried or []) is not None


def is_overprinted(chars: list[dict[str, Any]]) -> bool:
    """Whether some glyph is printed twice within a point of itself (faux bold).

    pdfplumber's `dedupe_chars` removes such copies but costs a third of a
    page's parse; this look through neighbouring one-point cells finds every
    pair it would merge, so pages without one skip it.
    """
    cells: set[tuple[str, int, int]] = set()
    for char in chars:
        x, y = math.floor(char["x0"]), math.floor(char["top"])
        text = char["text"]
        if any((text, x + dx, y + dy) in cells for dx in (-1, 0, 1) for dy in (-1, 0, 1)):
            return True
        cells.add((text, x, y))
    return False


def read_page(
    page: Any,
    number: int,
    path: str | None = None,
    settings: ExtractSettings | None = None,
    carried: list[tuple[float, float]] | None = None,
    ocr_page: int | None = None,
) -> PageContent:
    """Tables and text lines of one pdfplumber page.

    The settings' engine finds ruled tables (pdfplumber, or camelot's lattice;
    `camelot-stream` reads every table as unruled). With `camelot_fallback`
    (and the file's `path` for camelot), a region under
    a table title where pdfplumber found no ruled table is read as an unruled
    table from camelot's columns and pdfplumber's words. `carried` holds the
    columns of an unruled table that ran to the bottom of the page before:
    the top of this page continues it. `ocr_page` marks a page of an OCR'd
    copy (`extractors.ocr`; `path` is the copy, `ocr_page` the page in it):
    its ruled tables are found from the image's lines by camelot's lattice,
    and its text is cleaned of OCR spacing.
    """
    if is_overprinted(page.chars):
        page = page.dedupe_chars()
    unify_code_points(page.chars)
    ocr = ocr_page is not None
    content = PageContent(
        number=number, width=float(page.width), height=float(page.height), file_page=page.page_number, ocr=ocr
    )
    content.char_count = len(page.chars)
    if not content.char_count:
        content.image_count = len(page.images)
        return content
    settings = settings or ExtractSettings()
    content.tables = _ruled_tables(page, number, path, settings, ocr_page, carried)
    content.lines = text_lines(page.chars, number, [t.bbox for t in content.tables], settings.layout, ocr)
    if not ocr and _with_unruled_bodies(page, content, settings.layout):
        content.lines = text_lines(page.chars, number, [t.bbox for t in content.tables], settings.layout)
    unruled = not ocr and (settings.camelot_fallback or settings.engine == "camelot-stream")
    regions = _unruled_regions(content, settings.layout) if unruled and path else []
    if carried and unruled and not content.tables:
        titled = [r for r in regions if r[0] > 0.0]
        regions = [(0.0, min((top for top, _ in titled), default=content.height)), *titled]
    if regions:
        columns = cache(lambda: camelot_columns(path or "", content.file_page))
        for top, bottom in regions:
            continuing = top == 0.0
            grid = words_to_table(_words_in(page, top, bottom), columns, number, settings.layout,
                                  carried if continuing else None, titled=not continuing)
            if grid is not None:
                content.tables.append(grid)
        content.tables.sort(key=lambda t: t.bbox[1])
        content.lines = text_lines(page.chars, number, [t.bbox for t in content.tables], settings.layout)
    content.cid = any(has_cid(line.text) for line in content.lines) or any(
        has_cid(c.text or "") for t in content.tables for row in t.cells for c in row
    )
    return content
