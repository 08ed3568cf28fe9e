"""The downloaded PDFs on disk, named by their content: `OUT/files/<sha256>.pdf`."""

from __future__ import annotations

import os
from pathlib import Path

PDF_MAGIC = b"%PDF"


def starts_like_pdf(path: Path) -> bool:
    """A PDF begins with `%PDF` (allowing a little leading junk, as readers do)."""
    with path.open("rb") as f:
        return PDF_MAGIC in f.read(1024)


def file_path(out: Path, sha256: str) -> Path:
    return out / "files" / f"{sha256}.pdf"


def keep(out: Path, scratch_file: Path, sha256: str) -> Path:
    """Move a verified download into place; bytes already stored are not written twice."""
    dest = file_path(out, sha256)
    if dest.exists():
        scratch_file.unlink(missing_ok=True)
    else:
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(scratch_file, dest)
    return dest
