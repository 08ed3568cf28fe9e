"""Ruling lines as a table finder should see them: a double rule is one rule.

Publishers rule a table's frame, the foot of its header or the top of its 合计
row with a double rule (Word's `double`, a spreadsheet's double border) or a
thick-and-thin one: two parallel lines a few points apart. pdfplumber snaps
lines only up to 3 pt apart, so a wider pair bounds an empty sliver row or
column; and LibreOffice mitres the joint where a rule meets a double one,
stopping it about the double's breadth short of its inner line, so the two
never intersect and the cells along the frame swallow their neighbours.
`page_rules` merges each pair (with no text between) into one rule along its
middle and carries the rules stopped short of it on to that middle.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Any

from pdfplumber.table import TableSettings
from pdfplumber.utils import filter_edges

from extractors.settings import Layout

Edge = dict[str, Any]

_AXES = {"h": ("top", "bottom", "x0", "x1"), "v": ("x0", "x1", "top", "bottom")}
"""Per orientation: the keys of an edge's position (twice: a rule has no thickness) and of its extent."""


@dataclass(frozen=True)
class Double:
    """Parallel lines read as one rule: where its outer sides lie and the middle the rule is put at."""

    low: float
    high: float
    start: float
    end: float

    @property
    def middle(self) -> float:
        return (self.low + self.high) / 2

    @property
    def breadth(self) -> float:
        return self.high - self.low


def _edge(orientation: str, position: float, start: float, end: float) -> Edge:
    p0, p1, s0, s1 = _AXES[orientation]
    length = end - start
    return {p0: position, p1: position, s0: start, s1: end, "orientation": orientation, "object_type": "rule_edge",
            "width": length if orientation == "h" else 0, "height": length if orientation == "v" else 0}


def _side(edge: Edge, orientation: str) -> tuple[float, float]:
    """The outer sides of a ruling line: its position give or take half its stroke."""
    position = edge[_AXES[orientation][0]]
    half = (edge.get("linewidth") or 0) / 2
    return position - half, position + half


def _overlapping(edges: list[Edge], orientation: str) -> list[list[Edge]]:
    """Edges of one position window grouped where their extents overlap."""
    _p0, _p1, s0, s1 = _AXES[orientation]
    groups: list[list[Edge]] = []
    reach = 0.0
    for edge in sorted(edges, key=lambda e: e[s0]):
        if groups and edge[s0] < reach:
            groups[-1].append(edge)
            reach = max(reach, edge[s1])
        else:
            groups.append([edge])
            reach = edge[s1]
    return groups


class _Glyphs:
    """Glyph centres sorted across one axis, to ask whether any lies in a band of the page."""

    def __init__(self, chars: list[dict[str, Any]], orientation: str) -> None:
        across, along = (("top", "bottom"), ("x0", "x1")) if orientation == "h" else (("x0", "x1"), ("top", "bottom"))
        centres = sorted(((c[across[0]] + c[across[1]]) / 2, (c[along[0]] + c[along[1]]) / 2) for c in chars)
        self.across = [a for a, _ in centres]
        self.along = [b for _, b in centres]

    def between(self, low: float, high: float, start: float, end: float) -> bool:
        i, j = bisect_right(self.across, low), bisect_left(self.across, high)
        return any(start <= b <= end for b in self.along[i:j])


def _merge(edges: list[Edge], orientation: str, chars: list[dict[str, Any]], layout: Layout
           ) -> tuple[list[Edge], list[Double]]:
    """One orientation's edges with each double rule made one, and the doubles found: overlapping
    lines farther apart than `edge_tolerance` (closer ones are one line) and at most `double_rule_gap`."""
    p0, _p1, s0, s1 = _AXES[orientation]
    glyphs: _Glyphs | None = None
    out: list[Edge] = []
    doubles: list[Double] = []
    ordered = sorted(edges, key=lambda e: e[p0])
    cuts = [i for i in range(1, len(ordered)) if ordered[i][p0] - ordered[i - 1][p0] > layout.double_rule_gap]
    for i, j in zip([0, *cuts], [*cuts, len(ordered)], strict=True):
        for group in _overlapping(ordered[i:j], orientation):
            low, high = min(e[p0] for e in group), max(e[p0] for e in group)
            start, end = min(e[s0] for e in group), max(e[s1] for e in group)
            if not layout.edge_tolerance < high - low <= layout.double_rule_gap:
                out.extend(group)
                continue
            glyphs = glyphs or _Glyphs(chars, orientation)
            if glyphs.between(low, high, start, end):
                out.extend(group)
                continue
            sides = [_side(e, orientation) for e in group]
            double = Double(min(s[0] for s in sides), max(s[1] for s in sides), start, end)
            doubles.append(double)
            out.append(_edge(orientation, double.middle, start, end))
    return out, doubles


def _meet(edges: list[Edge], orientation: str, doubles: list[Double], layout: Layout) -> list[Edge]:
    """Edges stopped short of a perpendicular double rule (by at most its breadth) carried on to its middle."""
    p0, _p1, s0, s1 = _AXES[orientation]
    out = []
    for edge in edges:
        start, end = edge[s0], edge[s1]
        for d in doubles:
            if not d.start - layout.edge_tolerance <= edge[p0] <= d.end + layout.edge_tolerance:
                continue
            if d.middle < start and start - d.high <= d.breadth:
                start = d.middle
            if d.middle > end and d.low - end <= d.breadth:
                end = d.middle
        out.append(edge if (start, end) == (edge[s0], edge[s1]) else _edge(orientation, edge[p0], start, end))
    return out


def page_rules(page: Any, layout: Layout) -> tuple[list[Edge], list[Edge]] | None:
    """The page's vertical and horizontal ruling edges with double rules merged and the rules
    meeting them carried on to them; None when the page draws no double rule (read as drawn)."""
    edges = filter_edges(page.edges, min_length=TableSettings().edge_min_length_prefilter)
    vertical, v_doubles = _merge([e for e in edges if e["orientation"] == "v"], "v", page.chars, layout)
    horizontal, h_doubles = _merge([e for e in edges if e["orientation"] == "h"], "h", page.chars, layout)
    if not v_doubles and not h_doubles:
        return None
    return _meet(vertical, "v", h_doubles, layout), _meet(horizontal, "h", v_doubles, layout)


def table_settings(page: Any, layout: Layout) -> dict[str, Any]:
    """pdfplumber's table settings for the page: its own edges, or the merged ones where it draws double rules."""
    rules = page_rules(page, layout)
    if rules is None or len(rules[0]) < 2 or len(rules[1]) < 2:
        return {}
    return {"vertical_strategy": "explicit", "horizontal_strategy": "explicit",
            "explicit_vertical_lines": rules[0], "explicit_horizontal_lines": rules[1]}
