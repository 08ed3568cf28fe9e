"""A department name read by OCR from a cover is trusted as far as the document's other pages
confirm it; a name read from a text layer is left as printed.

Pages are built here as the extract stage reads them (`PageContent` of `TextLine`s), so each
case is one misread glyph on a cover and what the narrative says of it.
"""

from __future__ import annotations

from extractors.metadata import read_metadata
from extractors.page_content import PageContent
from extractors.settings import Layout
from extractors.text_line import TextLine
from pipeline.checks.identity import ocr_identity
from schemas.records import Check, Document, DocumentMeta

LAYOUT = Layout()
NAME = "北京市政务服务和数据管理局"
MISREAD = "北系市政务服务和数据管理局"  # 京 read as 系 in heavy bold type


def _page(number: int, texts: list[tuple[str, float]], ocr: bool) -> PageContent:
    lines = [TextLine(text, number, 100.0 + 30 * i, 100.0 + 30 * i + size, 72.0, 520.0, size)
             for i, (text, size) in enumerate(texts)]
    return PageContent(number, 595.0, 842.0, number, lines, char_count=sum(len(t) for t, _ in texts), ocr=ocr)


def _document(cover: list[tuple[str, float]], cover_ocr: bool, narrative: list[str]) -> list[PageContent]:
    body = [(text, 16.0) for text in narrative]
    return [_page(1, cover, cover_ocr), _page(2, body[:2], True), _page(3, body[2:], False)]


NARRATIVE = [
    "一、部门职责",
    f"{NAME}(以下简称：市政务和数据局)于2024年1月正式组建。",
    f"2026年{NAME}政府采购预算总额55,307.45万元。",
    f"2026年{NAME}机关运行经费财政拨款预算760.36万元。",
]


def _checks(pages: list[PageContent]) -> list[Check]:
    meta = read_metadata(pages, LAYOUT)
    return ocr_identity(Document(DocumentMeta("0" * 64, "x.pdf", len(pages), "test"),
                                 identity_reading=meta.identity_reading))


def test_an_ocr_cover_glyph_the_other_pages_state_otherwise_is_taken_from_them() -> None:
    pages = _document([(f"{MISREAD}2026年度部门预算", 24.0)], True, NARRATIVE)
    meta = read_metadata(pages, LAYOUT)
    assert (meta.department, meta.region, meta.title) == (NAME, "北京市", f"{NAME}2026年度部门预算")
    [check] = _checks(pages)
    assert (check.rule, check.status, check.page) == ("ocr_identity", "pass", 1)
    assert f"{MISREAD!r}" in check.detail and f"{NAME!r} 3 times" in check.detail


def test_an_ocr_cover_in_two_sizes_with_a_misread_year_gives_the_name_the_text_states() -> None:
    """OCR sizes the cover's two lines 27 and 24 and reads 2026年度部门 as 20256年部度门."""
    pages = _document([(MISREAD, 27.0), ("20256年部度门预算信息公开", 24.0)], True, NARRATIVE)
    meta = read_metadata(pages, LAYOUT)
    assert (meta.department, meta.region) == (NAME, "北京市")
    assert meta.identity_reading is not None and meta.identity_reading.cover == f"{MISREAD}20256年部度门"


def test_a_cover_read_from_a_text_layer_is_left_as_printed() -> None:
    pages = _document([(f"{MISREAD}2026年度部门预算", 24.0)], False, NARRATIVE)
    meta = read_metadata(pages, LAYOUT)
    assert (meta.department, meta.region, meta.identity_reading) == (MISREAD, "北系市", None)
    assert _checks(pages) == []


def test_an_ocr_cover_the_other_pages_confirm_once_is_kept_and_reported() -> None:
    pages = _document([(f"{MISREAD}2026年度部门预算", 24.0)], True, NARRATIVE[:2])
    meta = read_metadata(pages, LAYOUT)
    assert meta.department == MISREAD
    [check] = _checks(pages)
    assert (check.status, check.severity, check.page) == ("warn", "warn", 1)
    assert f"{MISREAD!r}" in check.detail and f"{NAME!r} once" in check.detail and "not confirmed" in check.detail


def test_an_ocr_cover_the_other_pages_state_as_read_is_confirmed() -> None:
    pages = _document([(f"{NAME}2026年度部门预算", 24.0)], True, NARRATIVE)
    meta = read_metadata(pages, LAYOUT)
    assert meta.department == NAME
    [check] = _checks(pages)
    assert check.status == "pass" and "state it 3 times" in check.detail


def test_digits_of_an_ocr_name_are_never_voted() -> None:
    """A name with a number in it (第2中学 read as 第7中学) is a figure OCR read, not a glyph to vote on."""
    narrative = ["一、部门职责", "北京市第2中学是一所完全中学。", "北京市第2中学预算100万元。", "北京市第2中学预算。"]
    pages = _document([("北京市第7中学2026年度部门预算", 24.0)], True, narrative)
    meta = read_metadata(pages, LAYOUT)
    assert meta.department == "北京市第7中学"
    [check] = _checks(pages)
    assert check.status == "warn"
