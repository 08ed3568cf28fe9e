"""A department name read by OCR from the cover, against what the document's other pages state.

Journalists filter by department; one misread glyph on a scanned cover
would file the document under a department that does not exist. The
extract stage takes a reading the other pages confirm; this rule says what
it took, and warns when the other pages confirm no reading.
"""

from __future__ import annotations

from schemas.records import Check, Document


def ocr_identity(document: Document) -> list[Check]:
    reading = document.identity_reading
    if reading is None:
        return []
    where = f"p{reading.page} department read by OCR as {reading.cover!r}"
    if reading.taken and reading.text == reading.cover:
        detail, status = f"{where}: the other pages state it {reading.stated} times", "pass"
    elif reading.taken:
        detail = f"{where}: the other pages state {reading.text!r} {reading.stated} times; {reading.text!r} taken"
        status = "pass"
    else:
        other = f"; they state {reading.text!r} {reading.stated} times" if reading.text else ""
        detail, status = f"{where}: not confirmed by the other pages{other}; kept as read", "warn"
    return [Check("ocr_identity", status, detail, reading.page, severity="warn")]
