"""A department name OCR read on the cover, trusted as far as the document's other pages confirm it.

Tesseract misreads heavy display type (a bold cover's 北京市 as 北系市) while
it reads the body text of the same scan well, and a budget names its
department many times in its narrative. So one OCR reading of the cover is
not trusted alone: a glyph of the name that the other pages state
differently, between the same neighbours, more often than as read is taken
from them, and a name the other pages do not confirm is kept but reported
(`IdentityReading`, the `ocr_identity` check), never silently chosen.
Only glyphs of words change: digits are figures, never corrected by a vote.
"""

from __future__ import annotations

import re
from collections import Counter

from extractors.page_content import PageContent
from extractors.settings import Layout
from schemas.records import IdentityReading

_IDEOGRAPH = "\u4e00-\u9fff"
_LEADING_WORDS = re.compile(f"^[{_IDEOGRAPH}]+")


def _voted(reading: str, text: str, layout: Layout) -> str:
    """The reading with each glyph the other pages state otherwise, in the same context, more often."""
    context = layout.ocr_glyph_context
    glyphs = list(reading)
    for at, glyph in enumerate(reading):
        left, right = reading[max(0, at - context): at], reading[at + 1: at + 1 + context]
        if not re.fullmatch(f"[{_IDEOGRAPH}]", glyph) or len(left) + len(right) < context:
            continue
        around = re.compile(f"{re.escape(left)}([{_IDEOGRAPH}]){re.escape(right)}")
        votes = Counter(found.group(1) for found in around.finditer(text))
        if votes:
            best, times = votes.most_common(1)[0]
            if best != glyph and times >= layout.ocr_confirmations and times > votes[glyph]:
                glyphs[at] = best
    return "".join(glyphs)


def confirm_name(reading: str, page: int, pages: list[PageContent], layout: Layout) -> IdentityReading:
    """What the pages other than `page` say of a department name OCR read on `page`.

    Candidates, in order: the reading with its voted glyphs, then its words
    before the first digit OCR put into it (`…管理局20256年部度门`: a misread
    year the title's noise could not strip). The first the other pages state
    often enough is taken.
    """
    text = "\n".join(line.text for p in pages if p.number != page for line in p.lines)
    voted = _voted(reading, text, layout)
    candidates = [voted]
    if (words := _LEADING_WORDS.match(voted)) and words.group() != voted and len(words.group()) >= layout.min_name_chars:
        candidates.append(words.group())
    stated = [(text.count(name), name) for name in candidates]
    for times, name in stated:
        if times >= layout.ocr_confirmations:
            return IdentityReading(page, reading, name, times, taken=True)
    times, name = max(stated, key=lambda found: found[0])
    other = name if times else voted if voted != reading else None
    return IdentityReading(page, reading, other, times, taken=False)
