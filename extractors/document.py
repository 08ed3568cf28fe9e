"""Extract one disclosure (one or more PDFs) into an `Extraction`: sections, tables, metadata.

The only place that opens files: every page is read once into plain
`PageContent`, and everything after works on that data. Pages of a
disclosure published as several PDFs are numbered on, file after file, in
the order given (narrative first), and `meta.files` lists the files.
"""

from __future__ import annotations

import os

from pdfminer.pdfparser import PDFException
from pdfminer.psparser import PSException

from extractors.captions import is_note_text
from extractors.contents_page import listed_tables
from extractors.document_class import not_budget_reason
from extractors.grid import RawTable
from extractors.metadata import read_metadata
from extractors.page_content import PageContent, read_page
from extractors.pdf_open import disclosure_sha256, open_pdf
from extractors.sections import lines_to_sections
from extractors.settings import ExtractSettings
from extractors.tables import pages_to_tables
from schemas.errors import Reason, RejectedInput
from schemas.patterns import GRAND_TOTAL
from schemas.records import DocumentMeta, Extraction
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


def read_pages(path: str, settings: ExtractSettings, first_number: int = 1) -> list[PageContent]:
    """Every page of one PDF, read once and released."""
    pdf = open_pdf(path, settings)
    pages: list[PageContent] = []
    carried: list[tuple[float, float]] | None = None
    try:
        for index, page in enumerate(pdf.pages):
            content = read_page(page, first_number + index, path, settings, carried)
            pages.append(content)
            page.close()
            last = content.tables[-1] if content.tables else None
            carried = last.col_edges if last is not None and _may_go_on(last, content, settings.layout.near_bottom) else None
    except (PDFException, PSException) as exc:  # a page pdfminer cannot decode: the file is damaged
        raise RejectedInput(path, Reason.CORRUPT, f"page {len(pages) + 1} cannot be read ({exc})") from exc
    finally:
        pdf.close()
    if not any(p.char_count for p in pages):
        raise RejectedInput(path, Reason.IMAGE_ONLY, "no page has a text layer (scanned images); OCR is not supported yet")
    return pages


def extract(paths: list[str], settings: ExtractSettings) -> Extraction:
    """Sections, tables, metadata and what the pages say of themselves, for the PDFs of one disclosure."""
    pages: list[PageContent] = []
    for path in paths:
        pages.extend(read_pages(path, settings, len(pages) + 1))
    tables, caption_ids = pages_to_tables(pages, settings.layout)
    narrative = [line for page in pages for line in page.lines if id(line) not in caption_ids]
    meta = read_metadata(pages, settings.layout)
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
        ),
        sections=lines_to_sections(narrative, settings.layout),
        tables=tables,
        listed_tables=listed_tables(pages, settings.layout.contents_scan_pages),
        pages_without_text=[p.number for p in pages if not p.char_count and p.image_count],  # ruling lines alone are no scan
        pages_with_unmapped_glyphs=[p.number for p in pages if p.char_count and p.cid],
    )
