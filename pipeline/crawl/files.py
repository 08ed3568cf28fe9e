"""The downloaded PDFs on disk, named by their content: `OUT/files/<sha256>.pdf`.

Every byte the crawl writes goes through `Part` and `keep`, so a full disk is
noticed in one place: `DiskFull`, which stops the run (every later write would
fail too) with what is recorded so far intact.
"""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from os import fdopen
from pathlib import Path

PDF_MAGIC = b"%PDF"
_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


class DiskFull(Exception):
    """No room left for the crawl's files (ENOSPC, a quota, a file size limit)."""


class DiskError(Exception):
    """A file of the crawl's that could not be written for another reason (permissions, I/O)."""


def refused_write(exc: OSError, what: Path) -> DiskFull | DiskError:
    """The error a failed write is: the disk full, or another reason."""
    kind = DiskFull if exc.errno in _FULL else DiskError
    return kind(f"cannot write {what}: {exc.strerror or exc}")


def looks_like_pdf(head: bytes) -> bool:
    """A PDF begins with `%PDF` (allowing a little leading junk, as readers do)."""
    return PDF_MAGIC in head[:1024]


def starts_like_pdf(path: Path) -> bool:
    with path.open("rb") as f:
        return looks_like_pdf(f.read(1024))


def file_path(out: Path, sha256: str) -> Path:
    return out / "files" / f"{sha256}.pdf"


class Part:
    """A download in progress: a scratch file its bytes are appended to, hashed as they come."""

    def __init__(self, scratch: Path) -> None:
        try:
            scratch.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(dir=scratch, prefix="part-")
        except OSError as exc:
            raise refused_write(exc, scratch) from exc
        self.path = Path(name)
        self._file = fdopen(fd, "wb")
        self._digest = hashlib.sha256()
        self.size = 0
        self.head = b""

    def write(self, chunk: bytes) -> None:
        try:
            self._file.write(chunk)
        except OSError as exc:
            raise refused_write(exc, self.path) from exc
        self._digest.update(chunk)
        if len(self.head) < 1024:
            self.head += chunk[: 1024 - len(self.head)]
        self.size += len(chunk)

    def close(self) -> str:
        """Flush the file; its sha256."""
        try:
            self._file.close()
        except OSError as exc:
            raise refused_write(exc, self.path) from exc
        return self._digest.hexdigest()

    def discard(self) -> None:
        try:
            self._file.close()
        except OSError:
            pass  # the bytes are thrown away anyway
        self.path.unlink(missing_ok=True)


def keep(out: Path, scratch_file: Path, sha256: str) -> Path:
    """Move a verified download into place; bytes already stored are not written twice."""
    dest = file_path(out, sha256)
    try:
        if dest.exists():
            scratch_file.unlink(missing_ok=True)
        else:
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(scratch_file, dest)
    except OSError as exc:
        scratch_file.unlink(missing_ok=True)
        raise refused_write(exc, dest) from exc
    return dest
