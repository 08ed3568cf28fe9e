"""The "三公" costs from the 三公 table's line items.

Publishers lay the table out either way: parts as rows (seed: 共计, 1、因公出国
（境）费用 …) or as columns (Shanghai: 合计 | 因公出国(境)费 | 公务接待费 |
公务用车购置及运行费 › 小计/购置费/运行费). Each amount is named by its row
label or, failing that, by its column path, most specific text first.
"""

from __future__ import annotations

import re

from schemas.records import LineItem, ThreePublic

# Most specific first: 购置及运行 names the vehicle subtotal before 购置 or 运行 alone.
_PARTS = (
    ("vehicles", re.compile(r"购置及运行|公务用车费$|公务用车购置及运行维护费")),
    ("vehicle_purchase", re.compile(r"购置")),
    ("vehicle_operation", re.compile(r"运行")),
    ("outbound_travel", re.compile(r"出国")),
    ("reception", re.compile(r"接待")),
    ("total", re.compile(r"合计|共计|总计|总额|三公经费预算数$|三公经费$")),
)
_IGNORED = re.compile(r"机关运行经费|会议费|培训费|上年|年初预算|执行数|增减|比上年")
_NOISE = re.compile(r"[\s\"'“”‘’]")


def _field(text: str) -> str | None:
    squashed = _NOISE.sub("", text)
    if _IGNORED.search(squashed):
        return None
    return next((name for name, pattern in _PARTS if pattern.search(squashed)), None)


def _name_of(item: LineItem) -> str | None:
    """The 三公 field an amount stands for: the row says it, else the column."""
    if any(_IGNORED.search(_NOISE.sub("", element)) for element in item.column_path):
        return None  # another year's or another cost's column
    row = _field(item.row_label) if item.row_label else None
    if row and row != "total":
        return row
    for element in reversed(item.column_path):
        if found := _field(element):
            if found == "total" and row is None and item.row_label:
                return None
            return found
    return row


def items_to_three_public(items: list[LineItem]) -> ThreePublic:
    """The budget year's 三公 figures; the first amount found for each field wins."""
    out = ThreePublic()
    for item in items:
        if item.table_kind not in ("three_public", "final_three_public"):
            continue
        if (field := _name_of(item)) and getattr(out, field) is None:
            setattr(out, field, item.amount)
            out.page = out.page or item.page
    return out
