"""The library API behind the CLI: files in, `Document` out.

`parse` runs extract → normalize → validate on the files of one disclosure
(usually one PDF; a narrative and a tables PDF published apart make two).
It is a pure function of the files' bytes, so batches can run it in parallel.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from extractors.document import extract
from extractors.settings import ExtractSettings
from pipeline.checks import validate
from pipeline.normalize import normalize
from schemas.records import Document

LAZY_IMPORTS = ("camelot",)
"""Modules a parse imports only when a page needs them (camelot, with pandas and OpenCV: for
unruled and scanned pages), so that a one-file parse starts fast. Worker processes that
parse many disclosures import them once, up front (`pipeline.batch.pool.ProcessPool`)."""


def parse(paths: Sequence[str | os.PathLike[str]], settings: ExtractSettings | None = None) -> Document:
    """Parse the PDFs of one disclosure into a `Document`.

    Raises `schemas.errors.RejectedInput` naming the file and the reason when
    a file is not a readable, text-bearing budget disclosure.
    """
    extraction = extract([os.fspath(p) for p in paths], settings or ExtractSettings())
    records = normalize(extraction)
    return Document.assemble(extraction, records, validate(extraction, records))
