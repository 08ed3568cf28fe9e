"""Why a file was refused, in words a user can act on."""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """Stable reason codes, stored in `ingest_runs` and printed by the CLI."""

    EMPTY = "empty"
    NOT_PDF = "not_pdf"
    CORRUPT = "corrupt"
    ENCRYPTED = "encrypted"
    IMAGE_ONLY = "image_only"
    NOT_BUDGET = "not_budget"
    TOO_MANY_PAGES = "too_many_pages"


class RejectedInput(Exception):
    """A file Yusuan will not parse; carries the file and the reason."""

    def __init__(self, path: str, reason: Reason, detail: str) -> None:
        super().__init__(f"{path}: {reason.value}: {detail}")
        self.path = path
        self.reason = reason
        self.detail = detail
