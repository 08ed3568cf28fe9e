"""The key of a disclosure: the sha256 that `documents.sha256` stores.

One file: the file's own sha256. Several files (a narrative PDF and its
tables PDF): the sha256 of their hex digests concatenated in page order.
The ingest runner computes it before parsing, to skip what is already loaded.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence

from extractors.pdf_open import file_sha256


def disclosure_sha256(paths: Sequence[str | os.PathLike[str]]) -> str:
    """The sha256 that identifies the disclosure made of `paths`, in order."""
    digests = [file_sha256(os.fspath(p)) for p in paths]
    if len(digests) == 1:
        return digests[0]
    return hashlib.sha256("".join(digests).encode("ascii")).hexdigest()
