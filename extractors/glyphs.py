"""Glyphs named by the wrong code point: radicals read as the ideographs they print.

CJK fonts draw a radical and its ideograph with one glyph (`⽀` U+2F40 and
`支` U+652F), and likewise a character and its canonical twin (`〈` U+2329 and
`〈` U+3008, a compatibility ideograph and its unified one). An exporter that
writes a glyph's Unicode from the font's cmap (Chromium's PDF backend, some
WPS exports) may name the first code point it finds, so a page reads
`部⻔收⽀` where `部门收支` is printed. Every reader of a page sees its
characters through `unify_code_points`, so titles, cells and prose compare as
printed.
"""

from __future__ import annotations

import tomllib
import unicodedata
from functools import cache
from importlib import resources
from typing import Any

_KANGXI = range(0x2F00, 0x2FE0)  # Kangxi Radicals: each decomposes (NFKC) to its ideograph
_SUPPLEMENT = range(0x2E80, 0x2F00)  # CJK Radicals Supplement: equivalents in vocab/radicals.toml


@cache
def _supplement() -> dict[str, str]:
    text = resources.files("extractors").joinpath("vocab/radicals.toml").read_text(encoding="utf-8")
    table: dict[str, str] = tomllib.loads(text)["equivalents"]
    for radical, ideograph in table.items():
        if len(radical) != 1 or ord(radical) not in _SUPPLEMENT or len(ideograph) != 1:
            raise ValueError(f"radicals.toml: {radical!r} = {ideograph!r} is not one radical to one ideograph")
    return table


def unify_char(char: str) -> str:
    """The ideograph a radical code point stands for, a singleton's canonical twin; any other character unchanged."""
    if len(char) != 1:
        return "".join(unify_char(c) for c in char)
    code = ord(char)
    if code in _KANGXI:
        return unicodedata.normalize("NFKC", char)
    if code in _SUPPLEMENT:
        return _supplement().get(char, char)
    return unicodedata.normalize("NFC", char)


def _misnamed(text: str) -> bool:
    return any(c > "\x7f" and (ord(c) in _KANGXI or ord(c) in _SUPPLEMENT or not unicodedata.is_normalized("NFC", c))
               for c in text)


def unify_code_points(chars: list[dict[str, Any]]) -> None:
    """Rename misnamed glyphs in a page's char dicts, in place, before anything reads their text.

    In place because pdfplumber's table finder reads the page's own char
    list; the dicts are this page's alone and are released with it.
    """
    for char in chars:
        text = char["text"]
        if _misnamed(text):
            char["text"] = unify_char(text)
