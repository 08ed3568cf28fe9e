"""Which PDF files the site may serve: the very files the database's documents were read from.

A document is keyed by the sha256 of its file (or, for a disclosure of
several files, of their sha256s in page order: `extractors.pdf_open`).
Candidates are the paths the ingest log stored (`ingest_runs.path`, resolved)
and the PDFs under folders named on the command line (a symlink leading out of
its folder is refused). Only candidates bearing one of the documents' file
names are hashed, and a file is taken for a document only when the hashes
agree, so two ingested files that share a name (`预算公开.pdf`) are never
confused and nothing else on disk is ever served. A file is served by its own
sha256 and hashed again when served, so a file changed since is refused.
Pages are numbered through a document's files in order, so page N of a
two-file disclosure may sit in the second file.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import weakref
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractors.pdf_open import combined_sha256, file_sha256

MAX_COMBINATIONS = 64  # same-named candidates tried per multi-file document


@dataclass(frozen=True)
class PdfFile:
    sha256: str
    path: Path
    page_count: int | None  # counted only where a document has several files


@dataclass(frozen=True)
class PdfIndex:
    """document id -> its files, in the order their pages are numbered."""

    files: dict[int, list[PdfFile]]

    def locate(self, document_id: int, page: int) -> tuple[PdfFile, int] | None:
        """The file holding a document's page and the page within that file, or None if not served."""
        offset = 0
        for pdf in self.files.get(document_id, []):
            if pdf.page_count is None or page <= offset + pdf.page_count:
                return pdf, page - offset
            offset += pdf.page_count
        return None

    def path(self, sha256: str) -> Path | None:
        """The file whose content hashes to `sha256`, checked again now; None if not served or changed."""
        for pdf in itertools.chain.from_iterable(self.files.values()):
            if pdf.sha256 == sha256:
                try:
                    return pdf.path if file_sha256(str(pdf.path)) == sha256 else None
                except OSError:
                    return None
        return None


_indexes: weakref.WeakKeyDictionary[Any, PdfIndex] = weakref.WeakKeyDictionary()


def register(datasette: Any, index: PdfIndex) -> None:
    """Attach the index to a site (`site.build_datasette`), where the plugin finds it."""
    _indexes[datasette] = index


def index_for(datasette: Any) -> PdfIndex:
    return _indexes.get(datasette) or PdfIndex({})


def _page_count(path: Path) -> int:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(path)
    try:
        return len(pdf)
    finally:
        pdf.close()


def _logged(paths: Sequence[str], db_dir: Path) -> Iterator[Path]:
    """The ingest log's paths that are files, resolved (relative ones against the database's folder too)."""
    for stored in paths:
        for place in (Path(stored), db_dir / stored):
            if place.is_file():
                yield place.resolve()


def _under(folder: Path) -> Iterator[Path]:
    """PDFs under `folder`, resolved; a symlink resolving outside the folder is refused."""
    root = folder.resolve()
    for place in sorted(root.rglob("*")):
        if place.suffix.lower() != ".pdf":
            continue
        target = place.resolve()
        if target.is_file() and target.is_relative_to(root):
            yield target


def build_index(db_path: Path, folders: Sequence[Path] = ()) -> PdfIndex:
    """Find every stored document's files among the ingest log's paths and under `folders`."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        documents = conn.execute("SELECT id, sha256, files FROM documents").fetchall()
        logged = [p for (p,) in conn.execute("SELECT DISTINCT path FROM ingest_runs WHERE document_id IS NOT NULL")]
    finally:
        conn.close()
    wanted = {Path(name).name for _, _, files in documents for name in json.loads(files)}
    by_name: dict[str, dict[str, Path]] = defaultdict(dict)  # file name -> sha256 -> path
    for path in itertools.chain(_logged(logged, db_path.parent), *(_under(f) for f in folders)):
        if path.name in wanted:
            by_name[path.name].setdefault(file_sha256(str(path)), path)
    found: dict[int, list[PdfFile]] = {}
    for document_id, sha256, files_json in documents:
        names = [Path(name).name for name in json.loads(files_json)]
        choices = [list(by_name[name].items()) for name in names]
        combinations = itertools.islice(itertools.product(*choices), MAX_COMBINATIONS) if names else ()
        match = next((c for c in combinations if combined_sha256([sha for sha, _ in c]) == sha256), None)
        if match is None:
            continue
        several = len(match) > 1
        found[document_id] = [PdfFile(sha, path, _page_count(path) if several else None) for sha, path in match]
    return PdfIndex(found)
