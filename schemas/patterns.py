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
