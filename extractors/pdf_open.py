"""Open a PDF or refuse it with a reason a user can act on.

Every failure mode of real crawls ends here as a `RejectedInput`: empty
files, HTML error pages saved as .pdf, truncated downloads, passwords and
absurd page counts. Nothing else in the pipeline needs to guess why a file
could not be read.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError

from extractors.settings import ExtractSettings
from schemas.errors import Reason, RejectedInput

# pdfminer warns once per page and font about a Type 3 font without a FontBBox in its
# descriptor (every font of a Chromium-printed PDF): nothing a user can act on, so it is not
# printed unless the application configures logging to show pdfminer's records.
logging.getLogger("pdfminer").addHandler(logging.NullHandler())


def file_sha256(path: str) -> str:
    """The content hash that identifies a file across names and crawls."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def disclosure_sha256(paths: Sequence[str | os.PathLike[str]]) -> str:
    """The key of a disclosure (`documents.sha256`): one file's sha256, or for several
    files (a narrative and its tables PDF) the sha256 of their digests in page order."""
    return combined_sha256([file_sha256(os.fspath(p)) for p in paths])


def combined_sha256(digests: Sequence[str]) -> str:
    """`disclosure_sha256` from the files' own digests, for a caller that has them already."""
    if len(digests) == 1:
        return digests[0]
    return hashlib.sha256("".join(digests).encode("ascii")).hexdigest()


def _check_bytes(path: str, tail_bytes: int) -> None:
    """Refuse in milliseconds what is no whole PDF: empty, no %PDF header, or no cross-reference
    pointer at its end (truncated, or a sparse or zero-filled file behind a `%PDF` header, which
    pdfminer would otherwise scan byte by byte for objects to repair it)."""
    size = Path(path).stat().st_size
    if size == 0:
        raise RejectedInput(path, Reason.EMPTY, "the file is empty (0 bytes)")
    with open(path, "rb") as handle:
        head = handle.read(1024)
        handle.seek(max(0, size - tail_bytes))
        tail = handle.read(tail_bytes)
    if b"%PDF-" not in head:
        raise RejectedInput(path, Reason.NOT_PDF, "the file is not a PDF (no %PDF header)")
    if b"startxref" not in tail and b"%%EOF" not in tail:
        raise RejectedInput(
            path, Reason.CORRUPT,
            f"the PDF is truncated or broken: no startxref or %%EOF in its last {min(size, tail_bytes)} bytes",
        )


def _cause(exc: BaseException) -> BaseException:
    """The pdfminer error pdfplumber wraps in its own `PdfminerException`."""
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None
    return inner or exc.__cause__ or exc


def open_pdf(path: str, settings: ExtractSettings) -> pdfplumber.PDF:
    """A pdfplumber PDF whose pages can all be read, or `RejectedInput`."""
    _check_bytes(path, settings.trailer_bytes)
    try:
        pdf = pdfplumber.open(path)
        count = len(pdf.pages)
    except Exception as exc:  # pdfminer raises many unrelated types on broken files
        cause = _cause(exc)
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise RejectedInput(path, Reason.ENCRYPTED, "the PDF is encrypted with a password") from exc
        if isinstance(cause, PDFSyntaxError):
            raise RejectedInput(path, Reason.CORRUPT, f"the PDF is damaged or truncated ({cause})") from exc
        raise RejectedInput(path, Reason.CORRUPT, f"the PDF cannot be read ({type(cause).__name__}: {cause})") from exc
    if count == 0:
        pdf.close()
        raise RejectedInput(path, Reason.CORRUPT, "the PDF has no pages")
    if count > settings.max_pages:
        pdf.close()
        raise RejectedInput(
            path, Reason.TOO_MANY_PAGES, f"{count} pages is more than the limit of {settings.max_pages}"
        )
    return pdf
