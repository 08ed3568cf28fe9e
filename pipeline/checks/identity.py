"""A department name read by OCR from the cover, against what the document's other pages state.

Journalists filter by department; one misread glyph on a scanned cover
would file the document under a department that does not exist. The
extract stage takes a reading the other pages confirm; this rule says what
it took, and warns when the other pages confirm no reading.
"""

from __future__ import annotations

from schemas.records import Check, Document, Status


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


def ocr_identity(document: Document) -> list[Check]:
    """One check when the department was read by OCR: `pass` when the other pages confirm the
    reading taken (naming the cover's own when it differs), `warn` when they confirm none."""
    reading = document.identity_reading
    if reading is None:
        return []
    where = f"p{reading.page} department read by OCR as {reading.cover!r}"
    status: Status = "pass" if reading.taken else "warn"
    if reading.text == reading.cover:
        detail = f"{where}: the other pages state it {_times(reading.stated)}"
    elif reading.text is not None:
        detail = f"{where}: the other pages state {reading.text!r} {_times(reading.stated)}"
    else:
        detail = f"{where}: the other pages do not state it"
    detail += f"; {reading.text!r} taken" if reading.taken else "; kept as read, not confirmed"
    return [Check("ocr_identity", status, detail, reading.page, severity="warn")]
