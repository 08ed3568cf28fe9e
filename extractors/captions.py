"""Read the lines printed around a table: its title, unit line and note.

Publishers put the title, a `表N` ordinal, the department and the unit line
above a table in any order and split over lines; the note (`注：本表为空表`)
goes below. Lines used here are captions, not narrative text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

from extractors.settings import Layout
from extractors.table_kinds import is_table_title
from extractors.text_line import TextLine
from schemas.patterns import NUMBERED_HEADING

UNIT = re.compile(r"单位\s*[:：]?\s*(万元|千元|亿元|元)(?![\u4e00-\u9fff])")
_NOTE = re.compile(r"^(注|说明|备注)\s*[:：0-9１-９]|本表为空|此表为空|空表|无数据|本单位无|故此表")
EMPTY_NOTE = re.compile(r"本表为空|此表为空|空表|无数据|本单位无|无此项|故此表")
_ORDINAL_ONLY = re.compile(r"^(附件\d*|附表\d*|表[0-9一二三四五六七八九十\-－]+|(公开|预算)\d+表)[:：]?$")
_LABEL = re.compile(r"^(编制部门|编制单位|部门名称|单位名称|单位|部门|预算单位)[:：]")
_YEAR_LINE = re.compile(r"^[（(]?\s*\d{4}\s*年度?\s*[)）]?$")
_PREFIX = re.compile(r"^(附件\d*[:：]?|附表\d*[:：]?|表[0-9一二三四五六七八九十\-－]+[:：]?|(公开|预算)\d+表)")
_SENTENCE_END = ("。", "；", "：", ":", "！")
# a folio: `- 3 -`, `第3页`, `3/25`, `第3页/共25页`, and the page count a spreadsheet's footer adds
# after a comma or a space (`第 3 页，共 25 页`, `第3页 共25页`)
_PAGE_NUMBER = re.compile(r"^[-—–－\s]*(第\s*)?\d{1,4}(\s*页)?(\s*(?:[，,]?\s*共|[/／]\s*共?)\s*\d+\s*页?)?[-—–－\s]*$")


_MONEY_UNIT = re.compile(r"\d\s*(万元|千元|亿元|元)")


def stated_unit(table_units: list[str | None], texts: list[str]) -> str | None:
    """The unit a document states for a table printing none of its own: the most common
    of its tables' unit lines, else of the unit lines anywhere in it (a spreadsheet
    export's `单位：万元` cell read as text), else the unit its narrative's amounts carry."""
    for found in ([u for u in table_units if u], [m.group(1) for t in texts for m in UNIT.finditer(t)],
                  [m.group(1) for t in texts for m in _MONEY_UNIT.finditer(t)]):
        if found:
            return Counter(found).most_common(1)[0][0]
    return None


@dataclass
class Caption:
    """What the lines above and below one table say about it."""

    title: str | None = None
    unit: str | None = None
    note: str | None = None
    used: list[TextLine] = field(default_factory=list)


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text))


def clean_title(text: str) -> str:
    """A title without its `表N` / `预算01表` ordinal prefix."""
    return _PREFIX.sub("", text).strip(" ：:")


def is_caption_text(text: str) -> bool:
    """A line that belongs to a table's caption: title, unit, ordinal, label or year."""
    return bool(
        is_table_title(text) or UNIT.search(text) or _ORDINAL_ONLY.match(text)
        or _LABEL.match(text) or _YEAR_LINE.match(text)
    )


def read_caption(texts: list[str]) -> tuple[Caption, list[int]]:
    """Title and unit from caption lines (top-down), and which of them were used."""
    caption = Caption()
    used: list[int] = []
    for index in reversed(range(len(texts))):
        text = texts[index]
        unit = UNIT.search(text)
        if unit and caption.unit is None:
            caption.unit = unit.group(1)
        elif caption.title is None and is_table_title(text):
            caption.title = clean_title(text)
        elif _ORDINAL_ONLY.match(text) or _LABEL.match(text) or _YEAR_LINE.match(text):
            pass
        elif caption.title is None and text.endswith("表") and len(text) > 3:
            caption.title = clean_title(text)
        else:
            continue
        used.append(index)
    return caption, used


def read_caption_above(lines: list[TextLine]) -> Caption:
    """Title and unit from the lines between the previous table and this one.

    A title too long for one line wraps onto the next in the same type size;
    the line above the title line is joined to it when it reads that way.
    """
    caption, used = read_caption([line.text for line in lines])
    caption.used = [lines[i] for i in used]
    title_at = next((i for i in used if caption.title and clean_title(lines[i].text) == caption.title), None)
    if caption.title and title_at:
        above, line = lines[title_at - 1], lines[title_at]
        wraps = (
            title_at - 1 not in used and abs(above.size - line.size) < 0.5
            and line.top - above.bottom < line.size and not above.text.endswith(_SENTENCE_END)
            and not is_caption_text(above.text) and not NUMBERED_HEADING.match(above.text)
        )
        if wraps:
            caption.title = clean_title(above.text + line.text)
            caption.used.append(above)
    return caption


def is_note_text(text: str) -> bool:
    """A note printed under a table (`注：…`, `本表为空表`)."""
    return bool(_NOTE.search(text))


def read_note_below(lines: list[TextLine], layout: Layout) -> tuple[str | None, list[TextLine]]:
    """The table's note (`注：…`, `本单位无…故此表无数据`) from the lines under it, with the
    lines it wraps onto (which are no prose of the section the table sits in)."""
    used: list[TextLine] = []
    for i, line in enumerate(lines):
        if not _NOTE.search(line.text) or any(line is u for u in used):
            continue
        used.append(line)
        for above, below in pairwise(lines[i:]):
            if _NOTE.search(below.text) or not _wraps_onto(above, below, line, layout):
                break
            used.append(below)
    if not used:
        return None, []
    return "".join(line.text for line in used), used


def _wraps_onto(above: TextLine, below: TextLine, first: TextLine, layout: Layout) -> bool:
    """`below` carries on the paragraph `first` starts: right under `above`, not indented
    past the paragraph's start, and no heading or caption of its own."""
    gap = below.top - above.bottom
    return (0 <= gap < layout.wrap_gap * above.size and below.x0 <= first.x0 + layout.wrap_indent
            and not NUMBERED_HEADING.match(below.text) and not is_caption_text(below.text))
