"""What a disclosure says about itself: title, year, department, kind, level, date.

Read from the cover and the first pages as printed. Exporters often set the
year apart from its words (`重庆市商务委员会 年部门预算情况说明` with `2026`
on its own baseline), so a lone year next to a title that lacks one is put
back in its place. A cover read by OCR is trusted as far as the other pages
confirm it (`extractors.identity`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from extractors.identity import confirm_name
from extractors.page_content import PageContent
from extractors.settings import Layout
from extractors.table_kinds import is_budget_kind
from extractors.text_line import TextLine
from schemas.patterns import CONTENTS_HEADING, NUMBERED_HEADING
from schemas.records import IdentityReading, SourceTable
from schemas.table_kinds import spec

_YEAR = re.compile(r"(20\d{2})\s*年")
_LONE_YEAR = re.compile(r"^(20\d{2})$")
_DATE = re.compile(r"^(20\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_KIND_WORD = re.compile(r"预算|决算")
_UNIT_LINE = re.compile(r"单位\s*[:：]|^(万元|千元|元)$")
# A column heading printed on the label's line (`部门：XX信访局 金额`) or a `金额单位：万元`
# after it is not part of the department's name.
_DEPARTMENT_LABEL = re.compile(
    r"^(?:预算主管部门|预算单位|主管部门|部门名称|单位名称|编制部门|编制单位|部门|单位)\s*[:：]\s*(.+?)"
    r"(?:(?:金额|货币)?单位\s*[:：]?\s*(?:万元|元).*|\s*(?:金额|年初预算数|预算数|决算数|本年数)(?:\s*[（(]?(?:万元|元)[)）]?)?)?$"
)
_REGION = re.compile(
    r"^(?:中共|中国共产党)?((?:[\u4e00-\u9fff]{2,8}?(?:省|自治区))?(?:[\u4e00-\u9fff]{2,8}?(?:市|州|盟))?"
    r"(?:[\u4e00-\u9fff]{1,10}?(?:示范区|新区|开发区|区|县|旗))?)"
)
_TITLE_NOISE = re.compile(r"^附件\s*\d*\s*[:：]?|^附表\s*\d*\s*[:：]?|(20\d{2})\s*年度?|区级|市级|省级|县级|部门预算|单位预算|部门决算|单位决算|"
                          r"综合预算|预算|决算|信息公开|情况说明|说明|公开|信息$|报表|表$|部门$")
# （汇总） and （本级） say the reporting level, not the department's name.
_LEVEL_MARK = re.compile(r"[（(](汇总|本级)[)）]?")
_DOCUMENT_NUMBER = re.compile(r"[〔\[［(（]\d{4}[〕\]］)）]\s*\d+\s*号$")  # 泉气函〔2024〕31号 is not a heading


@dataclass
class Metadata:
    title: str | None = None
    region: str | None = None
    department: str | None = None
    fiscal_year: int | None = None
    reporting_level: str | None = None
    doc_kind: str | None = None
    published_on: date | None = None
    cover_heading: str | None = None
    """The largest-printed block of the first page with text, whatever it says: a
    notice's heading (…的通知) tells what the document is."""
    identity_reading: IdentityReading | None = None
    """Set when the department was read by OCR: how far the other pages confirm it."""


def _blocks(page: PageContent, layout: Layout) -> list[list[TextLine]]:
    """Runs of lines printed one under the other in the same type size (a wrapped title).

    OCR sizes a line by its box, so on an OCR'd page two lines of one type
    size come out a few points apart (27 and 24 for a bold cover's two lines).
    """
    share = layout.ocr_size_share if page.ocr else 0.0
    blocks: list[list[TextLine]] = []
    for line in sorted(page.lines, key=lambda ln: ln.top):
        last = blocks[-1][-1] if blocks else None
        apart = abs(line.size - last.size) if last else 0.0
        same_size = last is not None and (apart < 0.5 or apart < share * max(line.size, last.size))
        if last and same_size and line.top - last.bottom < line.size * 1.5:
            blocks[-1].append(line)
        else:
            blocks.append([line])
    return blocks


def _join_title(block: list[TextLine]) -> str:
    """A title's lines joined; a year typeset on its own line goes back before its 年."""
    texts = [ln.text for ln in block]
    years = [t for t in texts if _LONE_YEAR.match(t)]
    text = "".join(t for t in texts if not _LONE_YEAR.match(t))
    if years and not _YEAR.search(text):
        text = re.sub(r"(?<!\d)年", years[0] + "年", text, count=1)
    return text


def _title(pages: list[PageContent], layout: Layout) -> tuple[str | None, list[TextLine]]:
    """The largest-printed block on the first pages that names a budget or final accounts."""
    for page in pages:
        candidates = [
            (block[0].size, -index, text)
            for index, block in enumerate(_blocks(page, layout))
            if _KIND_WORD.search(text := _join_title(block)) and len(text) <= layout.max_title_chars
            and not NUMBERED_HEADING.match(text) and not CONTENTS_HEADING.match(text)
        ]
        if candidates:
            return max(candidates)[2], page.lines
    return None, []


def _cover_heading(pages: list[PageContent], layout: Layout) -> str | None:
    for page in pages:
        blocks = sorted(_blocks(page, layout), key=lambda b: -b[0].size)
        texts = [
            t for b in blocks
            if not _DOCUMENT_NUMBER.search(t := _join_title(b)) and len(t) <= layout.max_cover_heading_chars
        ]
        if texts:
            return texts[0]
    return None


def _year(title: str | None, cover: list[TextLine], pages: list[PageContent]) -> int | None:
    if title and (found := _YEAR.search(title)):
        return int(found.group(1))
    for page in pages:
        for line in page.lines:
            if (found := _YEAR.search(line.text)) and _KIND_WORD.search(line.text):
                return int(found.group(1))
    return None


def _department(
    cover: list[TextLine], pages: list[PageContent], title: str | None, min_chars: int
) -> tuple[str | None, int | None]:
    """The department's name and the page it was read from."""
    for line in [*cover, *(ln for p in pages[:12] for ln in p.lines)]:
        if found := _DEPARTMENT_LABEL.match(line.text):
            name = _LEVEL_MARK.sub("", found.group(1)).strip()
            if len(name) >= min_chars and not _KIND_WORD.search(name) and not _UNIT_LINE.search(name):
                return name, line.page  # `单位名称：单位：万元` is a blank label before the unit line
    if title:
        name, previous = title, ""
        while name != previous:  # 部门 left at the end once 2026年度部门预算 is gone
            name, previous = _TITLE_NOISE.sub("", name).strip(" ：:"), name
        return _LEVEL_MARK.sub("", name).strip() or None, cover[0].page if cover else None
    return None, None


def _confirmed(
    department: str | None, page: int | None, title: str | None, pages: list[PageContent], layout: Layout
) -> tuple[str | None, str | None, IdentityReading | None]:
    """Department and title, with a name read by OCR taken from the other pages when they confirm
    another reading; a name read from a text layer is left as printed."""
    if department is None or not any(p.ocr and p.number == page for p in pages):
        return department, title, None
    reading = confirm_name(department, page or 0, pages, layout)
    if not reading.taken or reading.text is None:
        return department, title, reading
    as_read = reading.cover[: len(reading.text)]  # the voted glyphs stand where OCR read others
    return reading.text, title.replace(as_read, reading.text, 1) if title else title, reading


def _level(title: str | None, cover: list[TextLine]) -> str | None:
    """The level the title names, else the cover's lines (where prose may mention units:
    `包括局机关本级预算和 0 个局属单位预算` under a 部门预算 title is the department's)."""
    for text in (title or "", "".join(line.text for line in cover)):
        if re.search(r"单位预算|单位决算|预算单位[:：]|[（(]本级[)）]", text):
            return "unit"
        if re.search(r"部门预算|部门决算|预算主管部门|汇总|部门综合预算", text):
            return "department"
    return None


def _published(pages: list[PageContent]) -> date | None:
    for page in pages:
        for line in page.lines:
            if found := _DATE.match(line.text):
                year, month, day = (int(g) for g in found.groups())
                try:
                    return date(year, month, day)
                except ValueError:
                    return None
    return None


def _region(text: str | None) -> str:
    """The place a title or department name starts with (上海市普陀区, 河南省新乡市)."""
    found = _REGION.match(text or "")
    return found.group(1) if found else ""


def _tables_year(tables: Sequence[SourceTable]) -> int | None:
    """A tables-only volume's year: its tables' titles (`2024年部门收支总体情况表`), else the latest
    year its headers print (`2025年执行数 | 2026年预算数`)."""
    for table in tables:
        if table.title and (found := _YEAR.search(table.title)):
            return int(found.group(1))
    years = [int(y) for t in tables for path in t.header for element in path for y in _YEAR.findall(element)]
    return max(years) if years else None


def _tables_kind(tables: Sequence[SourceTable]) -> str | None:
    """A tables-only volume's kind: final accounts where its tables are 决算 tables, else a budget
    where they are budget tables (预算01表 收支总表)."""
    kinds = [spec(t.kind) for t in tables if is_budget_kind(t.kind)]
    if not kinds:
        return None
    return "final_accounts" if sum(k.final for k in kinds) * 2 > len(kinds) else "budget"


def read_metadata(pages: list[PageContent], layout: Layout, tables: Sequence[SourceTable] = ()) -> Metadata:
    """Metadata from the pages of one disclosure (narrative first); where no cover or narrative
    says it, what the tables say (a volume of tables published alone)."""
    cover_pages = pages[: layout.title_scan_pages]
    title, cover = _title(cover_pages, layout)
    read, page = _department(cover, pages, title, layout.min_name_chars)
    department, title, identity = _confirmed(read, page, title, pages, layout)
    region = max((_region(text) for text in (title, department)), key=len) or None
    kind_text = (title or "") + "".join(line.text for p in cover_pages for line in p.lines)
    doc_kind = "final_accounts" if "决算" in (title or "") else "budget" if "预算" in (title or "") else (
        "final_accounts" if "决算" in kind_text else "budget" if "预算" in kind_text else _tables_kind(tables)
    )
    return Metadata(
        title=title,
        region=region,
        department=department,
        fiscal_year=_year(title, cover, pages[: layout.year_scan_pages]) or _tables_year(tables),
        reporting_level=_level(title, cover),
        doc_kind=doc_kind,
        published_on=_published(pages),
        cover_heading=_cover_heading(cover_pages, layout),
        identity_reading=identity,
    )
