"""Running headers and footers: lines a publisher prints at the same place on most pages.

Word's page header (`无锡市教育局（本级）2026年度单位预算公开`) or a footer naming the
document is printed on every page, above or below the body. Read in page order it
falls between the last line of one page and the first of the next, into the
middle of a sentence the page break cuts (`…与苏州市生态环境局2026年度单位预算公开上年相比…`).
Such a line is a page's first or last line, prints the same words at the same
distance from the page's top (a header) or bottom (a footer) on many pages, and
states no amount; the narrative leaves it out. Page numbers inside it may change
from page to page (`…部门预算 第3页`), so digits are compared as digits, not values.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict

from extractors.page_content import PageContent
from extractors.settings import Layout
from extractors.text_line import TextLine
from schemas.text import squash

_DIGITS = re.compile(r"\d+")
_AMOUNT = re.compile(r"\d\s*(?:万元|亿元|元|%|％)")


def _shape(line: TextLine) -> str:
    """The line's words with every run of digits alike: `第 3 页` and `第 12 页` print one shape."""
    return _DIGITS.sub("#", squash(line.text))


def _edge_lines(page: PageContent) -> list[tuple[str, TextLine, float]]:
    """(edge, line, distance from that edge) of a page's first and last line."""
    if not page.lines:
        return []
    ordered = sorted(page.lines, key=lambda line: line.top)
    edges = [("top", ordered[0], ordered[0].top)]
    if len(ordered) > 1:
        edges.append(("bottom", ordered[-1], page.height - ordered[-1].bottom))
    return edges


def running_lines(pages: list[PageContent], layout: Layout) -> set[int]:
    """The ids of the running headers' and footers' lines on these pages (one file's)."""
    printed = sum(1 for page in pages if page.lines)
    needed = max(layout.running_min_pages, math.ceil(layout.running_min_share * printed))
    groups: dict[tuple[str, str], list[tuple[float, TextLine]]] = defaultdict(list)
    for page in pages:
        for edge, line, distance in _edge_lines(page):
            shape = _shape(line)
            if len(shape) >= 4 and not _AMOUNT.search(line.text):
                groups[(edge, shape)].append((distance, line))
    running: set[int] = set()
    for found in groups.values():
        found.sort(key=lambda pair: pair[0])
        # the largest run of lines at one place (within the tolerance of the run's first)
        best: list[TextLine] = []
        for start, (distance, _) in enumerate(found):
            run = [line for d, line in found[start:] if d - distance <= layout.running_tolerance]
            best = run if len(run) > len(best) else best
        if len({line.page for line in best}) >= needed:
            running.update(id(line) for line in best)
    return running
