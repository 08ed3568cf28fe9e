"""Text patterns several readers of the page share."""

from __future__ import annotations

import re

# A numbered heading or list item of the narrative: 第一部分 / 一、 / （一）.
NUMBERED_HEADING = re.compile(r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])")
# An item numbered in digits: （1） / 1. / 1、
LIST_ITEM = re.compile(r"^([（(]\d+[)）]|\d+[.、．])")
# Dot leaders of a table of contents (`一、部门主要职能…………3`).
LEADER = re.compile(r"[.…·]{4,}|…{2,}")
# A row label that closes a table: 合计, 总计, 本年支出合计 …
GRAND_TOTAL = re.compile(r"^(本年)?(收入|支出)?(合计|总计)$")
# A totals row: its label says 合计, 总计 or 共计 (a sum of the rows it closes).
TOTAL = re.compile(r"合\s*计|总\s*计|共\s*计")
# A totals or subtotals row (小计 adds a block of rows): kept, never summed with items.
TOTAL_OR_SUBTOTAL = re.compile(rf"{TOTAL.pattern}|小\s*计")
# The heading of a table of contents: 目录, 目 录, 报表目录.
CONTENTS_HEADING = re.compile(r"^(报表)?目\s*录$")
# What publishers print in a cell for "nothing": no amount, no text.
NONE_MARKS = frozenset({"无", "-", "－", "—", "——", "/"})
# A row naming an organization (the department's own row, a unit's): a sum of the items under it.
ORGANIZATION = re.compile(r"(局|委员会|委|办公室|办|院|所|站|队|中心|学校|学院|大学|医院|馆|协会|会|部|处|室|厅|署|台|社|团|监狱|本级|单位)[）)]?$")
