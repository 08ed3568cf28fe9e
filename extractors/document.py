"""Extract one disclosure (one or more PDFs) into an `Extraction`: sections, tables, metadata.

The only place that opens files: every page is read once into plain
`PageContent`, and everything after works on that data. Pages of a
disclosure published as several PDFs are numbered on, file after file, in
the order given (narrative first), and `meta.files` lists the files; each
file's narrative is read on its own (its type sizes, its running headers).
"""

from __future__ import annotations

import os

import pdfplumber
from pdfminer.pdfparser import PDFException
from pdfminer.psparser import PSException

from extractors.captions import is_note_text
from extractors.contents_page import listed_tables
from extractors.document_class import not_budget_reason
from extractors.fast_pages import open_fast, read_fast_page
from extractors.grid import RawTable
from extractors.metadata import read_metadata
from extractors.ocr import ocr_copy
from extractors.page_content import PageContent, read_page
from extractors.pdf_open import disclosure_sha256, file_sha256, open_pdf
from extractors.running_heads import running_lines
from extractors.sections import lines_to_sections
from extractors.settings import ExtractSettings
from extractors.tables import pages_to_tables
from schemas.errors import Reason, RejectedInput
from schemas.patterns import GRAND_TOTAL
from schemas.records import DocumentMeta, Extraction, Section
from schemas.text import squash
from schemas.version import PARSER_VERSION


def _may_go_on(grid: RawTable, content: PageContent, near_bottom: float) -> bool:
    """Whether a page's last table may continue overleaf: it reaches near the
    page foot, no note is printed under it and its last row is not the grand
    total that closes it."""
    if grid.bbox[3] <= content.height * near_bottom or not grid.col_edges:
        return False
    if any(line.top >= grid.bbox[3] - 1 and is_note_text(line.text) for line in content.lines):
        return False
    rows = [[t for t in grid.row_texts(r) if t] for r in range(grid.n_rows)]
    last = next((r for r in reversed(rows) if r), [])
    return not (last and GRAND_TOTAL.match(squash(last[0])))


class _OcrCopy:
    """The OCR'd copy of a file (`extractors.ocr`), made the first time a page needs it."""

    def __init__(self, path: str, settings: ExtractSettings) -> None:
        self.path, self.settings = path, settings
        self.copy: str | None = None
        self.pdf: pdfplumber.PDF | None = None

    def read(self, index: int, number: int, carried: list[tuple[float, float]] | None) -> PageContent:
        if self.pdf is None:
            self.copy = ocr_copy(self.path, file_sha256(self.path), self.settings)
            self.pdf = pdfplumber.open(self.copy)
        page = self.pdf.pages[index]
        try:
            return read_page(page, number, self.copy, self.settings, carried, ocr_page=index + 1)
        finally:
            page.close()

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()


def read_pages(path: str, settings: ExtractSettings, first_number: int = 1) -> list[PageContent]:
    """Every page of one PDF, read once and released.

    A narrative page is read by pypdfium2 (`fast_pages`), a page that may hold a
    table (or continues one) by pdfplumber; a page with no text layer is read
    from the file's OCR'd copy unless `settings.ocr` is off.
    """
    pdf = open_pdf(path, settings)
    fast = open_fast(path)
    scanned = _OcrCopy(path, settings)
    pages: list[PageContent] = []
    carried: list[tuple[float, float]] | None = None
    try:
        for index, page in enumerate(pdf.pages):
            quick = read_fast_page(fast, index, first_number + index, settings.layout) if fast and not carried else None
            content = quick or read_page(page, first_number + index, path, settings, carried)
            page.close()
            if not content.char_count and content.image_count and settings.ocr:  # a blank page needs no OCR
                content = scanned.read(index, first_number + index, carried)
            pages.append(content)
            last = content.tables[-1] if content.tables else None
            carried = last.col_edges if last is not None and _may_go_on(last, content, settings.layout.near_bottom) else None
    except (PDFException, PSException) as exc:  # a page pdfminer cannot decode: the file is damaged
        raise RejectedInput(path, Reason.CORRUPT, f"page {len(pages) + 1} cannot be read ({exc})") from exc
    finally:
        pdf.close()
        scanned.close()
        if fast is not None:
            fast.close()
    if not any(p.char_count for p in pages):
        detail = "OCR found no text either" if settings.ocr else "OCR is off (--no-ocr)"
        raise RejectedInput(path, Reason.IMAGE_ONLY, f"no page has a text layer (scanned images); {detail}")
    return pages


def _sections(pages: list[PageContent], caption_ids: set[int], settings: ExtractSettings) -> list[Section]:
    """The narrative of one file: its lines but its tables' captions and its running headers and
    footers, in the file's own type sizes (a narrative PDF and a tables PDF are typeset apart)."""
    left_out = caption_ids | running_lines(pages, settings.layout)
    return lines_to_sections([line for page in pages for line in page.lines if id(line) not in left_out], settings.layout)


def extract(paths: list[str], settings: ExtractSettings) -> Extraction:
    """Sections, tables, metadata and what the pages say of themselves, for the PDFs of one disclosure."""
    files: list[list[PageContent]] = []
    for path in paths:
        files.append(read_pages(path, settings, sum(len(f) for f in files) + 1))
    pages = [page for file_pages in files for page in file_pages]
    tables, caption_ids = pages_to_tables(pages, settings.layout)
    ocr_pages = {p.number for p in pages if p.ocr}
    for table in tables:
        if ocr_pages.intersection(table.pages):
            table.source = "ocr"
    meta = read_metadata(pages, settings.layout, tables)
    if reason := not_budget_reason(meta.title, meta.cover_heading, tables):
        raise RejectedInput(paths[0], Reason.NOT_BUDGET, reason)
    return Extraction(
        meta=DocumentMeta(
            sha256=disclosure_sha256(paths),
            source=os.path.basename(paths[0]),
            page_count=len(pages),
            parser_version=PARSER_VERSION,
            title=meta.title,
            region=meta.region,
            department=meta.department,
            fiscal_year=meta.fiscal_year,
            reporting_level=meta.reporting_level,  # type: ignore[arg-type]
            doc_kind=meta.doc_kind,  # type: ignore[arg-type]
            published_on=meta.published_on,
            files=[os.path.basename(p) for p in paths],
            ocr_pages=[p.number for p in pages if p.ocr],
        ),
        sections=[s for file_pages in files for s in _sections(file_pages, caption_ids, settings)],
        tables=tables,
        listed_tables=listed_tables(pages, settings.layout.contents_scan_pages),
        # a page left blank but for ruling lines is no scan; one OCR found no text in is not unread
        pages_without_text=[p.number for p in pages if not p.char_count and p.image_count and not p.ocr],
        pages_with_unmapped_glyphs=[p.number for p in pages if p.char_count and p.cid],
        identity_reading=meta.identity_reading,
    )
