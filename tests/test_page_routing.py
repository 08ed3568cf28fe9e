"""Page routing: a page read by pypdfium2 holds no table and reads as pdfplumber reads it."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from extractors.fast_pages import open_fast, read_fast_page
from extractors.page_content import read_page
from extractors.settings import ExtractSettings, Layout

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.mark.parametrize("name", ["jiyuan-bianban-2021-budget", "sichuan-mianyang-health-2023-final"])
def test_fast_pages_are_narrative_read_as_pdfplumber_reads_them(name: str) -> None:
    path = str(FIXTURES / f"{name}.pdf")
    fast = open_fast(path)
    assert fast is not None
    routed: list[int] = []
    with pdfplumber.open(path) as pdf:
        for index, page in enumerate(pdf.pages):
            quick = read_fast_page(fast, index, index + 1, Layout())
            slow = read_page(page, index + 1, path, ExtractSettings())
            if quick is None:
                continue
            routed.append(index + 1)
            assert slow.tables == [], f"page {index + 1} holds a table but was routed to pypdfium2"
            assert [(ln.text, ln.size) for ln in quick.lines] == [(ln.text, ln.size) for ln in slow.lines]
            for a, b in zip(quick.lines, slow.lines, strict=True):
                assert abs(a.top - b.top) < 3 and abs(a.x0 - b.x0) < 1
    fast.close()
    assert routed, "no page was narrative enough to skip pdfplumber"


def test_a_table_page_is_read_by_pdfplumber() -> None:
    path = str(FIXTURES / "jiyuan-bianban-2021-budget.pdf")
    fast = open_fast(path)
    assert fast is not None
    assert read_fast_page(fast, 6, 7, Layout()) is None  # p7: 2021年部门收支总体情况表
    assert read_fast_page(fast, 2, 3, Layout()) is not None  # p3: 部门概况, prose only
    fast.close()
