"""Route pages: narrative pages read by pypdfium2, pdfplumber's geometry only where tables may be.

pdfminer's page parsing (behind pdfplumber) is nearly all of a parse's time,
and a third of a budget's pages are narrative that pypdfium2 reads some 40
times faster. A page goes the fast way only when it cannot hold a table
pdfplumber would find: nothing drawn on it that could rule a grid (pdfplumber
finds tables from drawn lines and rectangles only), no line printed as a
table's title (where `page_content` rebuilds an unruled table from words, by
the same test), and no glyph that needs pdfplumber's handling (no Unicode mapping, printed twice).
Every other page, and every page when pypdfium2 cannot open the file, is read
by pdfplumber as before.

Its chars carry the fields `page_content.text_lines` reads (text, x0, x1,
top, bottom, size), top and bottom placed as pdfminer places them (baseline,
font descent, type size), so the narrative is rebuilt by the same code.
"""

from __future__ import annotations

import ctypes
import math
from typing import Any

import pypdfium2
import pypdfium2.raw as pdfium_c

from extractors.glyphs import unify_code_points
from extractors.page_content import PageContent, is_overprinted, standalone_titles, text_lines
from extractors.settings import Layout

_SKIPPED = {0x0D, 0x0A, 0xFFFE}  # line ends: not glyphs pdfminer reports
_HYPHEN_MARK = 0x02  # pdfium's code for a hyphen printed at a line end


def open_fast(path: str) -> pypdfium2.PdfDocument | None:
    """pypdfium2's view of a file pdfplumber opened, or None to read every page with pdfplumber."""
    try:
        return pypdfium2.PdfDocument(path)
    except pypdfium2.PdfiumError:
        return None


def _drawn_segments(page: pypdfium2.PdfPage, enough: int) -> int:
    """Rules and rectangles the page draws, counted until more than `enough`."""
    total = 0
    for obj in page.get_objects(max_depth=4):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH:
            total += max(1, pdfium_c.FPDFPath_CountSegments(obj.raw))
            if total > enough:
                break
    return total


def _chars(page: pypdfium2.PdfPage) -> list[dict[str, Any]] | None:
    """The page's glyphs as pdfplumber's char dicts; None when one has no Unicode mapping."""
    height = page.get_height()
    textpage = page.get_textpage()
    raw = textpage.raw
    box = pdfium_c.FS_RECTF()
    matrix = pdfium_c.FS_MATRIX()
    x, y = ctypes.c_double(), ctypes.c_double()
    descent = ctypes.c_float()
    descents: dict[int | None, float] = {}
    chars: list[dict[str, Any]] = []
    try:
        for i in range(pdfium_c.FPDFText_CountChars(raw)):
            code = pdfium_c.FPDFText_GetUnicode(raw, i)
            if pdfium_c.FPDFText_IsGenerated(raw, i) or code in _SKIPPED:
                continue
            if pdfium_c.FPDFText_HasUnicodeMapError(raw, i) or code == 0xFFFD:
                return None
            pdfium_c.FPDFText_GetMatrix(raw, i, matrix)  # text scaled by its matrix (Word's 0.05 × 320pt)
            size = round(pdfium_c.FPDFText_GetFontSize(raw, i) * math.hypot(matrix.c, matrix.d), 4)  # float32 noise off
            pdfium_c.FPDFText_GetLooseCharBox(raw, i, box)
            pdfium_c.FPDFText_GetCharOrigin(raw, i, x, y)
            font = pdfium_c.FPDFTextObj_GetFont(pdfium_c.FPDFText_GetTextObject(raw, i))
            key = ctypes.cast(font, ctypes.c_void_p).value
            if key not in descents:
                found = pdfium_c.FPDFFont_GetDescent(font, ctypes.c_float(1000.0), descent)
                descents[key] = descent.value / 1000.0 if found else 0.0
            bottom = height - (y.value + descents[key] * size)
            chars.append({"text": "-" if code == _HYPHEN_MARK else chr(code), "x0": box.left, "x1": box.right, "top": bottom - size,
                          "bottom": bottom, "size": size})
    finally:
        textpage.close()
    unify_code_points(chars)
    return chars


def read_fast_page(pdf: pypdfium2.PdfDocument, index: int, number: int, layout: Layout) -> PageContent | None:
    """The page read by pypdfium2 when it is narrative only; None when it needs pdfplumber."""
    page = pdf[index]
    try:
        if _drawn_segments(page, layout.max_plain_segments) > layout.max_plain_segments:
            return None
        chars = _chars(page)
        if not chars or is_overprinted(chars):
            return None  # a scan (OCR), or faux bold to dedupe: pdfplumber's path
        width, height = page.get_size()
    finally:
        page.close()
    lines = text_lines(chars, number, [], layout)
    if standalone_titles(lines, layout):
        return None  # pdfplumber's words may rebuild an unruled table under this title
    return PageContent(number=number, width=float(width), height=float(height), lines=lines,
                       char_count=len(chars))
