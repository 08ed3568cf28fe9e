"""A disclosure published as two PDFs reads the same through every table engine.

camelot counts pages within a file, while Yusuan numbers a disclosure's pages
on across its files; the second file's tables must come from its own pages.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from conftest import FIXTURES
from extractors.settings import ExtractSettings
from pipeline.api import parse

FIXTURE = FIXTURES / "beijing-haidian-archives-2023-tables.pdf"
SPLIT = 4  # the first file takes pages 1-4, the second the rest


def _split(source: Path, at: int, out: Path) -> list[Path]:
    pdf = pdfium.PdfDocument(source)
    parts = []
    for name, pages in (("first.pdf", range(at)), ("second.pdf", range(at, len(pdf)))):
        part = pdfium.PdfDocument.new()
        part.import_pages(pdf, list(pages))
        part.save(out / name)
        parts.append(out / name)
    return parts


@pytest.mark.parametrize("engine", ["camelot-lattice", "pdfplumber"])
def test_two_file_disclosure_reads_like_the_single_file(tmp_path: Path, engine: str) -> None:
    settings = ExtractSettings(engine=engine)
    whole = parse([FIXTURE], settings)
    parts = parse(_split(FIXTURE, SPLIT, tmp_path), settings)
    assert parts.meta.page_count == whole.meta.page_count
    assert [(t.kind, t.pages, t.rows) for t in parts.tables] == [(t.kind, t.pages, t.rows) for t in whole.tables]
    second = [t for t in parts.tables if t.page > SPLIT]
    assert second and all(t.rows or t.empty for t in second), "the second file's tables were read from its pages"
    assert [(i.page, i.amount) for i in parts.line_items] == [(i.page, i.amount) for i in whole.line_items]
