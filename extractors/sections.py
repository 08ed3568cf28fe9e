"""The narrative's outline: 第X部分 / 一、 / （一） headings with the text under them.

Only short lines open a section: a numbered list item that runs on as a
sentence (`（一）贯彻执行国家和本市有关…`) is text, not a heading.
"""

from __future__ import annotations

import re
from collections import Counter

from extractors.captions import is_page_number
from extractors.settings import Layout
from extractors.text_line import TextLine
from schemas.patterns import CONTENTS_HEADING, LEADER
from schemas.records import Section

_LEVELS = (
    (1, re.compile(r"^第[一二三四五六七八九十]+部分")),
    (2, re.compile(r"^[一二三四五六七八九十]+、")),
    (3, re.compile(r"^[（(][一二三四五六七八九十]+[)）]")),
)
_BARE_PART = re.compile(r"第[一二三四五六七八九十]+部分")
_SENTENCE_END = ("。", "；", ";", "：", ":")
_LATIN_END = re.compile(r"[A-Za-z]$|^[A-Za-z]")


def heading_level(text: str, max_chars: int) -> int | None:
    """The outline level a line opens, or None when it is body text."""
    if len(text) > max_chars or text.endswith(_SENTENCE_END) or LEADER.search(text):
        return None
    for level, pattern in _LEVELS:
        if pattern.match(text):
            return level
    return None


def _close(section: Section, body: list[TextLine]) -> None:
    """Join a section's lines into its text, noting where each new page starts."""
    text, page = "", section.page
    for line in body:
        if text and _LATIN_END.search(text) and _LATIN_END.match(line.text):
            text += " "  # only two Latin words need a space; a number broken at its point must not get one
        if line.page != page:
            section.page_breaks.extend([len(text)] * (line.page - page))
            page = line.page
        text += line.text
    section.text = text


def _contents_pages(lines: list[TextLine]) -> set[int]:
    """Pages of the table of contents (目录), whose entries are no headings."""
    return {line.page for line in lines if CONTENTS_HEADING.match(line.text)}


def _body_size(lines: list[TextLine]) -> float:
    """The type size most lines are printed in."""
    sizes = Counter(line.size for line in lines)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def lines_to_sections(lines: list[TextLine], layout: Layout) -> list[Section]:
    """Sections in reading order.

    Headings are numbered (第X部分 / 一、 / （一）) or, unnumbered, a short line
    set clearly larger than the body text (`2026年部门预算编制说明`). Text before
    the first heading makes a section of its own, so no figure is lost.
    """
    sections: list[Section] = []
    body: list[TextLine] = []
    contents = _contents_pages(lines)
    body_size = _body_size(lines)
    for line in lines:
        if is_page_number(line.text) or LEADER.search(line.text) or line.page in contents:
            continue
        level = heading_level(line.text, layout.max_heading_chars)
        if level is None and line.size >= body_size + layout.larger_by and _is_part_name(line.text, layout.max_heading_chars):
            level = 1
        if level is not None:
            if body and not sections:
                sections.append(Section(heading="", level=1, page=body[0].page, text=""))
            if sections:
                _close(sections[-1], body)
            body = []
            sections.append(Section(heading=line.text, level=level, page=line.page, text=""))
        elif sections and not body and _BARE_PART.fullmatch(sections[-1].heading) and _is_part_name(line.text, layout.max_heading_chars):
            sections[-1].heading = f"{sections[-1].heading} {line.text}"
        else:
            body.append(line)
    if body and not sections:
        sections.append(Section(heading="", level=1, page=body[0].page, text=""))
    if sections:
        _close(sections[-1], body)
    return sections


def _is_part_name(text: str, max_chars: int) -> bool:
    """`部门概况` under a bare `第一部分` line: the rest of the heading."""
    return len(text) <= max_chars and not text.endswith(_SENTENCE_END)
