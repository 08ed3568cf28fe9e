"""Clean the text of one table cell or text line as a reader would read it.

PDF exports break words inside narrow cells (`一般公共\n预算\n收入`) and pad
CJK text with layout spaces; a reader sees one word. Latin words keep the
space between them.
"""

from __future__ import annotations

import re

_CID = re.compile(r"\(cid:\d+\)")
_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_SPACE_AROUND_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")
_LINE_BREAK = re.compile(r"\s*\n\s*")
_ANY_SPACE = re.compile(r"\s+")


def _join_lines(text: str) -> str:
    parts = _LINE_BREAK.split(text)
    out = parts[0]
    for part in parts[1:]:
        if out and part and out[-1].isascii() and out[-1].isalpha() and part[0].isascii() and part[0].isalpha():
            out += " " + part
        else:
            out += part
    return out


def clean_text(text: str | None) -> str | None:
    """The cell's text on one line, or None when the cell is blank."""
    if text is None:
        return None
    text = text.replace("\u3000", " ").replace("\xa0", " ")
    text = _join_lines(text.strip())
    text = _SPACE_AROUND_CJK.sub("", text)
    text = re.sub(r"[ \t]+", " ", text).strip()
    return text or None


def squash(text: str | None) -> str:
    """The text with every white space removed, as labels and names are compared."""
    return _ANY_SPACE.sub("", text or "")


def has_cid(text: str) -> bool:
    """True when pdfminer could not map glyphs to characters (`(cid:123)`)."""
    return bool(_CID.search(text))
