"""Split a grid into its header and body, and read one column path per column.

Headers are recognised by what they are not: a header row holds no amount,
no code and no totals label. Merged header cells are read top-down, so the
column under 基本支出 › 工资福利支出 gets the path ["基本支出", "工资福利支出"].
"""

from __future__ import annotations

import re

from extractors.grid import RawTable
from schemas.patterns import NONE_MARKS

_ORDINAL_CELL = re.compile(r"^(\*+|\d{1,2}|栏次|[甲乙丙丁戊己庚辛]|[A-H])$")
AMOUNT = re.compile(r"^[-−(（]?\d[\d,，]*(\.\d+)?[)）]?$|^[-−]?\.\d+$")
_CODE = re.compile(r"^[\[【]?\d{3,}(?:$|[\]】\-－—\s])")  # a code, not 2023年…
_CJK = re.compile(r"[\u4e00-\u9fff]")


def is_blank(texts: list[str | None]) -> bool:
    return not any(texts)


def is_ordinal_row(texts: list[str | None]) -> bool:
    """A row of column ordinals (`** | 1 | 2 …`, `栏次 | 1 | 2`), printed under headers.

    Spreadsheet exports clip header text that overflows its cell but leave the
    hidden glyphs in the PDF, so stray CJK characters (`预5算`) may sit in the
    ordinal cells; they are ignored when at most half the cells have them.
    """
    filled = [t for t in texts if t]
    stray = [t for t in filled if _CJK.search(t) and t not in ("栏次",)]
    cleaned = [t if t == "栏次" else _CJK.sub("", t) for t in filled]
    cleaned = [t for t in cleaned if t]
    digits = [t for t in cleaned if t.isdigit()]
    return (
        len(cleaned) >= 2 and len(digits) >= 2 and len(stray) * 2 <= len(filled)
        and all(_ORDINAL_CELL.match(t) for t in cleaned)
    )


def _looks_like_body(texts: list[str | None]) -> bool:
    filled = [t for t in texts if t]
    if not filled:
        return True
    if any(AMOUNT.match(t) and not is_ordinal_row(texts) for t in filled):
        return True
    return bool(_CODE.match(filled[0]) or any(t in NONE_MARKS for t in filled))


def header_row_count(table: RawTable, max_rows: int) -> int:
    """How many top rows are header (the ordinal row, if any, included); at most `max_rows`."""
    for r in range(min(table.n_rows, max_rows + 1)):
        texts = table.row_texts(r)
        if is_blank(texts):
            continue  # a blank row left by ruled frames, above or inside the header, ends nothing
        if is_ordinal_row(texts):
            return r + 1
        if _looks_like_body(texts):
            return r
    # No body row: a header-only (empty) table, or no header we understand.
    return table.n_rows if table.n_rows <= max_rows else 0


def column_paths(table: RawTable, rows: int) -> list[list[str]]:
    """One path of header texts per column, merged cells read top-down."""
    paths: list[list[str]] = []
    for c in range(table.n_cols):
        path: list[str] = []
        seen: set[int] = set()
        for r in range(rows):
            cell = table.cells[r][c]
            if id(cell) in seen or not cell.text or is_ordinal_row(table.row_texts(r)):
                continue
            seen.add(id(cell))
            if not path or path[-1] != cell.text:
                path.append(cell.text)
        paths.append(path)
    return paths


def body_rows(table: RawTable, start: int) -> list[tuple[int, list[str | None]]]:
    """Body rows as (grid row index, texts), blank and ordinal rows left out."""
    out = []
    for r in range(start, table.n_rows):
        texts = table.row_texts(r)
        if is_blank(texts) or is_ordinal_row(texts):
            continue
        out.append((r, texts))
    return out
