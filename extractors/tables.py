"""Turn the raw grids of every page into the document's tables.

`pages_to_tables` reads each grid's caption, names its kind, splits header
from body and stitches a table continued on the next page into one: a grid
with no title of its own (or the same title again) at the top of the page
after a table, with as many columns, continues it, and a header it repeats
is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from extractors.captions import (
    EMPTY_NOTE,
    Caption,
    is_caption_text,
    read_caption,
    read_caption_above,
    read_note_below,
    stated_unit,
)
from extractors.grid import RawTable, column_map
from extractors.header import AMOUNT, body_rows, column_paths, header_row_count, is_ordinal_row
from extractors.page_content import PageContent
from extractors.settings import Layout
from extractors.table_kinds import UNKNOWN, kind_of_header, kind_of_title, normalize_title
from extractors.text_line import TextLine
from schemas.patterns import TOTAL_OR_SUBTOTAL
from schemas.records import SourceTable, Stitch, TableReport
from schemas.table_kinds import spec
from schemas.text import squash

_GRAND_TOTAL_ROW = re.compile(r"^(收入|支出)?总计$")
_FORM_NAME = re.compile(r"名称[:：]?$")
# A row that starts an item of its own: 一、, （一）, 1., 指标3：
_ITEM_START = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．:：]|(?:指标|目标|任务)\s*\d+)")
_SENTENCE_END = ("。", "；", ";", "！", "？")
_TARGET_START = re.compile(r"^[≥≤≧≦=＝<>＜＞]|^\d")  # a target or a figure: a row of its own
_CONTINUED = re.compile(r"^续表[:：]?|[（(]续表?[)）]$|续表$")  # a repeated header may wrap onto more lines than the first one


Placed = list[tuple[float, float, int]]
"""Where each cell of a form's row stood (x0, x1) and the column of the form it took."""


@dataclass
class _Building:
    """A table being assembled from one or more page grids."""

    table: SourceTable
    n_cols: int
    col_edges: list[tuple[float, float]] = field(default_factory=list)
    first_rows: list[list[str | None]] = field(default_factory=list)
    carried: Placed = field(default_factory=list)
    """A form's last row on its last page: where its cells stood and the columns they took."""
    header_texts: list[list[str | None]] = field(default_factory=list)
    report: TableReport | None = None
    stitched: list[Stitch] = field(default_factory=list)


def _lines_between(page: PageContent, top: float, bottom: float) -> list[TextLine]:
    return [line for line in page.lines if line.top >= top - 1 and line.bottom <= bottom + 1]


def _header_of(grid: RawTable, kind: str, layout: Layout) -> tuple[int, list[list[str]], list[list[str | None]]]:
    if spec(kind).is_form:
        return 0, [], []
    rows = header_row_count(grid, layout.max_header_rows)
    return rows, column_paths(grid, rows), [grid.row_texts(r) for r in range(rows)]


def _inner_caption(grid: RawTable, layout: Layout, titled: bool = False) -> tuple[Caption, int]:
    """Title and unit printed inside the grid's frame, above its header. Below a title
    printed above the frame (`titled`), a title-like row inside it heads the columns
    (Putuo's 三公 决算表: 财政拨款“三公”经费 over 合计 | 因公出国（境）费 | …). A cell
    running down several rows is none: a form's block label (整体绩效目标) carried overleaf."""
    texts: list[str] = []
    for r in range(min(grid.n_rows, layout.inner_caption_rows)):
        filled = [t for t in grid.row_texts(r) if t]
        tall = any(cell.rowspan > 1 and cell.text for cell in grid.cells[r])
        if filled and (tall or not all(is_caption_text(t) and not (titled and kind_of_title(t) != UNKNOWN)
                                       for t in filled)):
            break
        texts.append(" ".join(filled))
    caption, _ = read_caption(texts)
    return caption, len(texts) if caption.title or caption.unit else 0


def _leading_rows(grid: RawTable) -> list[list[str | None]]:
    """The first two rows: a list's repeated header, where a form would show its own values."""
    return [grid.row_texts(r) for r in range(min(2, grid.n_rows))]


def _base_title(title: str) -> str:
    """A title as compared across pages: `…情况表（续表）` or `续表：…` is the table it continues."""
    return _CONTINUED.sub("", normalize_title(title))


def _closed(table: SourceTable) -> bool:
    """A table whose last row is its grand total ends there: a 总计 (收入总计, 支出总计), or a
    合计 printed under the items rather than above them. 本年收入合计 is not one: the
    上年结转 rows and the 总计 follow it."""
    rows = [[squash(t) for t in r if t] for r in table.rows if any(r)]
    if not rows:
        return False
    last = rows[-1]
    if any(_GRAND_TOTAL_ROW.match(t) for t in last):
        return True
    return "合计" in last and not any("合计" in r for r in rows[:-1])


def _starts_a_form(open_: _Building, grid: RawTable) -> bool:
    """Whether a grid's first row names what a form is for (项目名称, 专项（项目）名称, 部门名称):
    a form at the top of a page that names its project is the next form, not the one before,
    unless that row is the open form's first row repeated atop every page by a word processor
    (the row under it then carries on the form, not its next field: 单位编码 again is a new form
    of a project of the same name)."""
    rows = [r for r in range(grid.n_rows) if any(grid.row_texts(r))]
    if not rows:
        return False
    texts = _texts(grid.row_texts(rows[0]))
    if not (texts and _FORM_NAME.search(texts[0])):
        return False
    if open_.first_rows and texts == _texts(open_.first_rows[0]):
        second = _texts(open_.first_rows[1]) if len(open_.first_rows) > 1 else []
        below = _texts(grid.row_texts(rows[1])) if len(rows) > 1 else []
        return bool(second and below and second[0] == below[0])
    return True


def _texts(row: list[str | None]) -> list[str]:
    """A row's words as compared across pages laid out with other columns."""
    return [squash(t) for t in row if t and squash(t)]


def _continues(open_: _Building | None, grid: RawTable, index: int, caption: Caption) -> bool:
    """Whether `grid` carries on the table still open before it.

    At the top of the next page: a grid without a title, unless the open table's grand total
    closed it or the grid starts a form of its own (it names its project), or one repeating
    its title (a form's, only where it names no project of its own). Further down a page: only a grid repeating the
    open table's title while that table is not closed: a table printed in parts, each under
    its title again (a publisher's page-sized parts, reflowed by a word processor so that
    the second part starts mid-page).
    """
    if open_ is None:
        return False
    if grid.n_cols != open_.n_cols and column_map(grid.col_edges, open_.col_edges) is None:
        return False
    same = bool(caption.title and open_.table.title) and _base_title(caption.title or "") == _base_title(
        open_.table.title or "")
    if index != 0:
        return same and not spec(open_.table.kind).is_form and not _closed(open_.table)
    if grid.page != open_.table.pages[-1] + 1:
        return False
    if caption.title is None:
        return not _closed(open_.table) and not (spec(open_.table.kind).is_form and _starts_a_form(open_, grid))
    # A form (one per project) repeating its title is the next form if it names its project; its
    # rows carried on under the title printed again, or a list of projects printed with its
    # header on every page (its first rows repeat too), are the same table.
    return same and (not spec(open_.table.kind).is_form or _leading_rows(grid) == open_.first_rows
                     or not _starts_a_form(open_, grid))


def _row_cells(grid: RawTable, row: int) -> list[tuple[float, float, str | None]]:
    """Every cell of a row in order (x0, x1, text), one merged down from the row above too (it
    prints nothing here): a merged cell spans its columns."""
    return [(grid.col_edges[c][0], grid.col_edges[min(c + cell.colspan, grid.n_cols) - 1][1],
             cell.text if cell.row == row else None)
            for c, cell in enumerate(grid.cells[row]) if cell.col == c]


def _overlap(x0: float, x1: float, placed: Placed, share: float) -> int | None:
    """The column of the placed cell a cell from x0 to x1 overlaps most; None when it overlaps
    none by `share` of its width (rules meeting at a joint overlap by a sliver)."""
    overlaps = [(min(x1, b) - max(x0, a), col) for a, b, col in placed]
    best = max(overlaps, default=(0.0, -1))
    return best[1] if best[0] > share * (x1 - x0) else None


def _form_row(building: _Building, grid: RawTable, row: int, share: float) -> tuple[list[str | None], Placed]:
    """A form's row continued overleaf, in the form's columns, and where its cells went.

    Each cell (a merged one spanning its columns) takes the column of the cell it overlaps most
    in the last row of the page before (or, in a column that row left out, on the form's first
    page), so a page laid out with other column rules keeps every cell under its heading. Where
    two cells of a row would take one column, the row belongs to a block laid out anew with
    columns of its own (Word prints each table of a form with its own widths): its cells, empty
    ones and ones merged down from the row above included, take the columns in order, as its
    own table printed them."""
    width = building.n_cols
    cells = _row_cells(grid, row)
    if grid.n_cols == width:
        starts = [c for c, cell in enumerate(grid.cells[row]) if cell.col == c]
        return grid.row_texts(row), [(x0, x1, c) for c, (x0, x1, _) in zip(starts, cells, strict=True)]
    first_page: Placed = [(a, b, c) for c, (a, b) in enumerate(building.col_edges)]
    found = [_overlap(x0, x1, building.carried, share) for x0, x1, _ in cells]
    columns = [c if c is not None else _overlap(x0, x1, first_page, share)
               for c, (x0, x1, _) in zip(found, cells, strict=True)]
    if None in columns or len(set(columns)) != len(columns):
        last_text = max((i for i, (_, _, text) in enumerate(cells) if text), default=-1)
        if last_text >= width:  # more cells than the form has columns: the form goes on in this page's
            building.n_cols, building.col_edges = grid.n_cols, grid.col_edges
            starts = [c for c, cell in enumerate(grid.cells[row]) if cell.col == c]
            return grid.row_texts(row), [(x0, x1, c) for c, (x0, x1, _) in zip(starts, cells, strict=True)]
        columns = list(range(len(cells)))  # a block laid out anew: its cells in order
    kept = [(col, cell) for col, cell in zip(columns, cells, strict=True) if col is not None and col < width]
    placed: list[str | None] = [None] * width
    for col, (_, _, text) in kept:
        placed[col] = text or None  # trailing empty cells beyond the form's columns are dropped
    return placed, [(x0, x1, col) for col, (x0, x1, _) in kept]


def _append_rows(building: _Building, grid: RawTable, start: int, layout: Layout) -> None:
    """A continuation's body rows, its cells moved to the columns of the table it continues
    (a form's cell by cell, `_form_row`)."""
    form = spec(building.table.kind).is_form
    mapping = None if form or grid.n_cols == building.n_cols else column_map(grid.col_edges, building.col_edges)
    carried: Placed | None = None
    table = building.table
    for r, texts in body_rows(grid, start):
        if form:
            texts, carried = _form_row(building, grid, r, layout.form_cell_overlap)
        elif mapping is not None:
            placed: list[str | None] = [None] * building.n_cols
            for text, index in zip(texts, mapping, strict=True):
                if text:
                    placed[index] = f"{placed[index]}{text}" if placed[index] else text
            texts = placed
        if table.rows and table.row_pages[-1] != grid.page and _rest_of_row(table.rows[-1], texts, layout.run_on_cells):
            table.rows[-1] = [f"{a or ''}{b}" if b else a for a, b in zip(table.rows[-1], _padded(texts, len(table.rows[-1])), strict=True)]
            continue  # the row the page broke: its cells go on where they stopped
        table.rows.append(texts)
        table.row_pages.append(grid.page)
    if carried is not None:
        building.carried = carried


def _padded(texts: list[str | None], width: int) -> list[str | None]:
    return [*texts, *[None] * (width - len(texts))][:width] if len(texts) != width else texts


def _rest_of_row(above: list[str | None], row: list[str | None], max_cells: int) -> bool:
    """The first row of a page carrying on the last row of the page before: a row a word processor
    broke at the page foot (`一般行政管理事务（组` | `织事务）`). It prints no figure, code or target, in
    one or two cells, fewer than that row fills and only under cells it fills; that row is no total,
    no cell of it ends a sentence where this one goes on, what goes on is no longer than what it
    carries on, and this row starts no item of its own."""
    filled = {i for i, t in enumerate(row) if t}
    over = {i for i, t in enumerate(above) if t}
    if not filled or not filled < over or len(filled) > max_cells:
        return False
    texts = [squash(row[i] or "") for i in sorted(filled)]
    if any(AMOUNT.match(t) or _TARGET_START.match(t) for t in texts) or _ITEM_START.match(texts[0]):
        return False
    label = next((squash(t) for t in above if t and not AMOUNT.match(squash(t))), "")
    if TOTAL_OR_SUBTOTAL.search(label):
        return False
    before = {i: squash(above[i] or "") for i in filled}
    # what runs on is the tail of a cell, not longer than what the page before printed of it
    return not any(t.endswith(_SENTENCE_END) or len(squash(row[i] or "")) > len(t) for i, t in before.items())


def _kind(grid: RawTable, caption: Caption, layout: Layout) -> str:
    """The title's kind; failing that, the kind the grid's first rows name."""
    kind = kind_of_title(caption.title)
    if kind != UNKNOWN:
        return kind
    cells = [t for r in range(min(grid.n_rows, layout.header_scan_rows)) for t in grid.row_texts(r) if t]
    return kind_of_header(cells)


def _start_table(grid: RawTable, caption: Caption, layout: Layout) -> _Building:
    kind = _kind(grid, caption, layout)
    header_rows, paths, header_texts = _header_of(grid, kind, layout)
    table = SourceTable(
        kind=kind, title=caption.title, unit=caption.unit, pages=[grid.page], header=paths, rows=[],
        engine=grid.engine,
    )
    report = TableReport(grid.engine, grid.columns_from, header_rows)
    building = _Building(table, grid.n_cols, grid.col_edges, first_rows=_leading_rows(grid),
                         header_texts=header_texts, report=report)
    _append_rows(building, grid, header_rows, layout)
    return building


def _repeats_header(row: list[str | None], header: list[list[str | None]], share: float) -> bool:
    """Whether a row reads as a row of the table's header printed again.

    Repeated headers are often printed narrower, clipped, letter-spaced or wrapped
    differently (`政府性基金预` for 政府性基金预算, `的补助` on a line of its
    own), so a cell matches, white space aside, a header text that contains it or
    that makes up most of it (not `支出` inside `二十三、灾害防治及应急管理支出`).
    """
    known = {squash(t) for row in header if not is_ordinal_row(row) for t in row if t and not AMOUNT.match(t)} - {""}
    cells = [squash(t) for t in row if t and squash(t)]
    if any(AMOUNT.match(t) for t in cells):
        return False  # a figure or a code: body, not header
    if not cells or not known:
        return False
    same = sum(1 for t in cells if any(t in k or (k in t and len(k) * 2 >= len(t)) for k in known))
    return same >= share * len(cells)


def _repeated_rows(building: _Building, grid: RawTable) -> int:
    """How many of a form's first rows its continuation prints again on top: a row a word
    processor repeats on every page, or a list's header of two rows."""
    if not spec(building.table.kind).is_form:
        return 0
    count = 0
    while count < min(len(building.first_rows), grid.n_rows) and _texts(grid.row_texts(count)) == _texts(
            building.first_rows[count]) and any(building.first_rows[count]):
        count += 1
    return count


def _continue_table(building: _Building, grid: RawTable, layout: Layout, retitled: bool) -> None:
    start = _repeated_rows(building, grid)
    if building.header_texts:
        count = min(grid.n_rows, len(building.header_texts) + layout.extra_header_lines)
        while start < count and (
            _repeats_header(grid.row_texts(start), building.header_texts, layout.repeat_share)
            or is_ordinal_row(grid.row_texts(start))
        ):
            start += 1
    if building.table.pages[-1] != grid.page:
        building.table.pages.append(grid.page)
        building.stitched.append(Stitch(grid.page, _why_continued(building, grid, start, retitled)))
    elif retitled:
        building.stitched.append(Stitch(grid.page, _why_continued(building, grid, start, retitled)))
    _append_rows(building, grid, start, layout)


def _why_continued(building: _Building, grid: RawTable, dropped: int, retitled: bool) -> str:
    columns = "the same columns" if grid.n_cols == building.n_cols else "columns mapped by position"
    header = f", {dropped} repeated header row(s) dropped" if dropped else ", no header repeated"
    where = "its title printed again, the table not closed by its total" if retitled else (
        "first table on its page, no new title")
    return f"{where}, {columns}{header}"


def _finish(building: _Building) -> SourceTable:
    """Mark a table empty: no rows, only row names with no figure (a blank
    template), or a note saying so over rows of zeros."""
    table = building.table
    assert building.report is not None
    table.report = replace(building.report, stitched=tuple(building.stitched))
    note = table.note or ""
    if spec(table.kind).shape == "contents":  # its notes about empty tables are about others
        return table
    no_figures = not spec(table.kind).is_form and not any(AMOUNT.match(c) for r in table.rows for c in r if c)
    said_empty = EMPTY_NOTE.search(note) and not any(_has_amount(r) for r in table.rows)
    if not table.rows or no_figures or said_empty:
        why = "no body rows" if not table.rows else f"its note says so: {note.strip()}" if said_empty else (
            "no figure in any row (a blank template)")
        table.report = replace(table.report, empty_reason=why)
        table.empty = True
        table.rows, table.row_pages = [], []
    return table


def _has_amount(row: list[str | None]) -> bool:
    return any(cell and AMOUNT.match(cell) and cell not in {"0", "0.00"} for cell in row)


def _title_at_foot(page: PageContent, below: float) -> Caption | None:
    """A table title under the page's last table with nothing after it: its table
    starts on the next page. The line above the title line is offered too, as a
    long title wraps (`236-…房屋修缮项目(小学)` over `绩效目标表`)."""
    lines = _lines_between(page, below, page.height)
    titled = [i for i, line in enumerate(lines) if kind_of_title(line.text) != UNKNOWN and line.text.endswith("表")]
    if not titled:
        return None
    caption = read_caption_above(lines[max(0, titled[-1] - 1):])
    return caption if caption.title else None


def pages_to_tables(pages: list[PageContent], layout: Layout) -> tuple[list[SourceTable], set[int]]:
    """All tables of the document, and the ids of the text lines they used as captions."""
    done: list[_Building] = []
    open_: _Building | None = None
    used: set[int] = set()
    pending: Caption | None = None  # a title printed at the foot of the page before its table
    for page in pages:
        above_top = 0.0
        for index, grid in enumerate(page.tables):
            caption = read_caption_above(_lines_between(page, above_top, grid.bbox[1]))
            title_page = None
            if index == 0 and pending is not None and caption.title is None:
                caption.title, caption.unit = pending.title, caption.unit or pending.unit
                title_page = page.number - 1
            used.update(id(line) for line in caption.used)
            inner, skip = _inner_caption(grid, layout, caption.title is not None)
            grid = grid.without_top_rows(skip)
            caption.title = caption.title or inner.title
            caption.unit = caption.unit or inner.unit
            if open_ is not None and _continues(open_, grid, index, caption):
                _continue_table(open_, grid, layout, retitled=caption.title is not None)
            else:
                if open_ is not None:
                    done.append(open_)
                open_ = _start_table(grid, caption, layout)
                if title_page is not None:
                    open_.table.pages.insert(0, title_page)  # cite the page its title is printed on
            next_top = page.tables[index + 1].bbox[1] if index + 1 < len(page.tables) else page.height
            note, note_lines = read_note_below(_lines_between(page, grid.bbox[3], next_top), layout)
            if note:
                open_.table.note = (open_.table.note or "") + note
                used.update(id(line) for line in note_lines)
            above_top = grid.bbox[3]
        pending = _title_at_foot(page, above_top)
        if pending is not None:
            used.update(id(line) for line in pending.used)
    if open_ is not None:
        done.append(open_)
    tables = [_finish(b) for b in done]
    unit = stated_unit([t.unit for t in tables], [line.text for page in pages for line in page.lines])
    for table in tables:
        if table.unit is None and not spec(table.kind).is_form and not table.empty:
            table.unit = unit
    return tables, used
