"""A line of text as printed on a page, outside any table."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class TextLine:
    """A line of text outside any table, with where and how large it is printed."""

    text: str
    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
