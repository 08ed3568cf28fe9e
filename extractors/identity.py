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
# The words before a year OCR misread (`20256年`), which the title's noise could not strip.
_BEFORE_MISREAD_YEAR = re.compile(f"^([{_IDEOGRAPH}]+)\\d+\\s*年")


def _voted(reading: str, text: str, layout: Layout, least: int) -> str:
    """The reading with each glyph the other pages state otherwise, in the same context, more often
    (and at least `least` times)."""
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
            if best != glyph and times >= least and times > votes[glyph]:
                glyphs[at] = best
    return "".join(glyphs)


def confirm_name(reading: str, page: int, pages: list[PageContent], layout: Layout) -> IdentityReading:
    """What the pages other than `page` say of a department name OCR read on `page`.

    Candidates, in order: the reading with its voted glyphs, then its words
    before a year OCR misread (`…管理局20256年部度门`: the title's noise
    strips a year only as printed). The first the other pages state often
    enough is taken; else the reading is kept, with the closest one the other pages state.
    """
    text = "\n".join(line.text for p in pages if p.number != page for line in p.lines)
    voted = _voted(reading, text, layout, layout.ocr_confirmations)
    candidates = [voted]
    if (words := _BEFORE_MISREAD_YEAR.match(voted)) and len(words.group(1)) >= layout.min_name_chars:
        candidates.append(words.group(1))
    stated = [(text.count(name), name) for name in candidates]
    for times, name in stated:
        if times >= layout.ocr_confirmations:
            return IdentityReading(page, reading, name, times, taken=True)
    nearest = _voted(reading, text, layout, 1)  # what the other pages state, if only once, for the report
    times, name = max([*stated, (text.count(nearest), nearest)], key=lambda found: found[0])
    return IdentityReading(page, reading, name if times else None, times, taken=False)
