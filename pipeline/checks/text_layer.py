"""Pages the extract stage could not read as text: an image, or glyphs without Unicode."""

from __future__ import annotations

from schemas.records import Check, Document


def pages_have_text(document: Document) -> list[Check]:
    """One failed check per page printed as an image or with unmapped glyphs (cid)."""
    checks = [
        Check("text_layer", "fail", f"page {n} has no text layer (image only)", n) for n in document.pages_without_text
    ]
    checks += [
        Check("text_layer", "fail", f"page {n} has glyphs without Unicode mapping (cid)", n)
        for n in document.pages_with_unmapped_glyphs
    ]
    return sorted(checks, key=lambda c: c.page or 0)
