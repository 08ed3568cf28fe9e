"""Which PDF files the site may serve: the ones the database's documents came from.

A document stores the names of its files (`documents.files`); where they lie
is known from the ingest log (`ingest_runs.path`, as given to `ingest`) or
from folders named on the command line. Only files found that way are served,
so the site never exposes anything else on disk. Pages are numbered through a
document's files in order, so page N of a two-file disclosure may sit in the
second file.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PdfFile:
    path: Path
    page_count: int | None  # counted only where a document has several files


@dataclass(frozen=True)
class PdfIndex:
    """document id -> its files, in the order their pages are numbered."""

    files: dict[int, list[PdfFile]]

    def locate(self, document_id: int, page: int) -> tuple[int, int] | None:
        """(file number, page within that file) of a document's page, or None if not served."""
        files = self.files.get(document_id)
        if not files:
            return None
        offset = 0
        for number, pdf in enumerate(files):
            if pdf.page_count is None or page <= offset + pdf.page_count:
                return number, page - offset
            offset += pdf.page_count
        return None

    def path(self, document_id: int, number: int) -> Path | None:
        files = self.files.get(document_id, [])
        return files[number].path if 0 <= number < len(files) else None


def _page_count(path: Path) -> int:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(path)
    try:
        return len(pdf)
    finally:
        pdf.close()


def build_index(db_path: Path, folders: Sequence[Path] = ()) -> PdfIndex:
    """Find every stored document's files under the ingest log's paths and `folders`."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        documents = conn.execute("SELECT id, files FROM documents").fetchall()
        logged = conn.execute("SELECT path FROM ingest_runs WHERE document_id IS NOT NULL").fetchall()
    finally:
        conn.close()
    candidates: dict[str, Path] = {}
    for (path,) in logged:
        for place in (Path(path), db_path.parent / path):
            if place.is_file():
                candidates.setdefault(place.name, place.resolve())
    for folder in folders:
        for place in sorted(folder.rglob("*")):
            if place.suffix.lower() == ".pdf" and place.is_file():
                candidates.setdefault(place.name, place.resolve())
    found: dict[int, list[PdfFile]] = {}
    for document_id, files_json in documents:
        names = [Path(name).name for name in json.loads(files_json)]
        paths = [candidates.get(name) for name in names]
        if not names or any(p is None for p in paths):
            continue
        several = len(paths) > 1
        found[document_id] = [PdfFile(p, _page_count(p) if several else None) for p in paths if p]
    return PdfIndex(found)
