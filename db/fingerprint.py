"""What makes two copies of one disclosure the same: their tables, cell for cell.

A publisher re-saving a PDF (bytes appended, an owner password added, another
producer's metadata) changes its sha256 and nothing it says. Two documents of
the same department, year, kind and level whose tables are identical (kind,
title, unit, header and every cell) are one disclosure, and the later copy
supersedes the earlier (`db.loader`). The digest is of plain values, so the
migration that introduced it (0012) computes it from stored rows the same way.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

TableCells = tuple[str, str | None, str | None, Sequence[Any], Sequence[Any]]
"""(kind, title, unit, header, rows) of one table, as `SourceTable` and `source_tables` hold them."""


def tables_digest(tables: Iterable[TableCells]) -> str | None:
    """The sha256 of a document's tables in order; None for a document without tables
    (nothing to tell two copies apart by, so nothing is ever superseded by it)."""
    values = [[kind, title, unit, list(header), list(rows)] for kind, title, unit, header, rows in tables]
    if not values:
        return None
    text = json.dumps(values, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
