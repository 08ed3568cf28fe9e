"""Scanned pages read by OCR (OCRmyPDF + Tesseract chi_sim), marked as such, checked like text.

OCR runs for real (the Debian packages `make system-deps` installs); its output is cached by
sha256 (`$YUSUAN_OCR_CACHE`, else ~/.cache/yusuan/ocr), so only the first run pays for it.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from db import open_engine
from db.loader import load
from db.models import SourceTableRow
from db.reader import read_document
from extractors.ocr import default_cache_dir, ocr_copy, ocr_text
from extractors.pdf_open import file_sha256
from extractors.settings import ExtractSettings
from pipeline.api import parse
from pipeline.checks import validate
from pipeline.commands.cli import main
from pipeline.normalize import normalize
from schemas.contract import to_contract
from schemas.contract import validate as validate_contract
from schemas.errors import Reason, RejectedInput
from schemas.records import Check, Document, Extraction

ROOT = Path(__file__).resolve().parent.parent
SCANNED = "beijing-govservice-2026-department-budget-scanned.pdf"
# page 3 of the Beijing fixture (its 收支总表) rasterised at 110 dpi: see fixtures/bad/README.md
SCANNED_TABLE = ROOT / "fixtures" / "bad" / "image-only.pdf"
TABLE_TRUTH = ROOT / "fixtures" / "beijing-haidian-archives-2023-tables.json"


@pytest.fixture(scope="module", autouse=True)
def ocr_installed() -> None:
    if shutil.which("ocrmypdf") is None:
        if os.environ.get("CI"):
            pytest.fail("ocrmypdf is not installed (make system-deps)")
        pytest.skip("ocrmypdf is not installed (make system-deps)")


@pytest.fixture(scope="module")
def scanned_budget(corpus: Path) -> Document:
    return parse([corpus / SCANNED])


@pytest.fixture(scope="module")
def scanned_table() -> Document:
    return parse([SCANNED_TABLE])


def _facts(doc: Document) -> dict[str, tuple[Decimal | None, int]]:
    return {f.key: (f.value, f.page) for f in doc.facts}


def _failed(doc: Document) -> list[str]:
    return [f"{c.rule} p{c.page}: {c.detail}" for c in doc.checks if c.status == "fail"]


def test_scanned_corpus_budget_is_read_by_ocr(scanned_budget: Document) -> None:
    meta = scanned_budget.meta
    assert (meta.doc_kind, meta.fiscal_year, meta.reporting_level) == ("budget", 2026, "department")
    assert meta.ocr_pages == list(range(1, 9))  # every page is a scan
    assert all(t.source == "ocr" for t in scanned_budget.tables)
    assert not [t for t in scanned_budget.tables if t.kind == "unknown"]
    validate_contract(to_contract(scanned_budget))


def test_scanned_corpus_budget_identity_is_confirmed_by_its_text(scanned_budget: Document) -> None:
    """The bold cover reads 北系市…局 and 20256年部度门 by OCR; the narrative states the
    department 7 times (MANIFEST: 北京市政务服务和数据管理局), so the department is taken from it."""
    meta = scanned_budget.meta
    assert (meta.region, meta.department) == ("北京市", "北京市政务服务和数据管理局")
    assert meta.title is not None and meta.title.startswith("北京市政务服务和数据管理局")
    [check] = [c for c in scanned_budget.checks if c.rule == "ocr_identity"]
    assert (check.status, check.page) == ("pass", 1)
    assert "北系市政务服务和数据管理局" in check.detail and "'北京市政务服务和数据管理局' taken" in check.detail


def test_scanned_corpus_budget_key_figures(scanned_budget: Document) -> None:
    """As printed on the rendered pages 5 and 7."""
    facts = _facts(scanned_budget)
    assert facts["income.total"] == (Decimal("1016730300.00"), 5)  # 收入预算101,673.03万元
    assert facts["income.carryover"] == (Decimal("49508500.00"), 5)  # 上年结转结余4,950.85万元
    assert facts["three_public.total"] == (Decimal("801100.00"), 7)  # 80.11万元
    assert facts["three_public.outbound_travel"][0] == Decimal("513000")  # 51.3万元
    assert facts["three_public.reception"][0] == Decimal("72500")  # 7.25万元
    assert facts["three_public.vehicle_purchase"][0] == Decimal("125300")  # 12.53万元
    assert facts["three_public.vehicle_operation"][0] == Decimal("90300")  # 9.03万元
    headings = [s.heading for s in scanned_budget.sections]
    assert "四、财政拨款“三公”经费预算情况说明" in headings


def test_scanned_corpus_budget_checks_pass(scanned_budget: Document) -> None:
    assert _failed(scanned_budget) == []
    parts = [c for c in scanned_budget.checks if c.rule == "three_public_parts"]
    # 三公 total = 出国 + 接待 + 公务用车, and 公务用车 = 购置 + 运行, as the OCR'd text states them
    assert [(c.status, c.page) for c in parts] == [("pass", 7), ("pass", 7)]


def _revalidated(document: Document, **changed: Any) -> list[Check]:
    """The checks of the document's extraction with `changed` parts (a digit misread), normalized again."""
    extraction = Extraction(document.meta, document.sections, document.tables, document.listed_tables,
                            document.pages_without_text, document.pages_with_unmapped_glyphs)
    extraction = replace(extraction, **changed)
    return validate(extraction, normalize(extraction))


def test_a_misread_digit_in_the_ocr_text_fails_a_check(scanned_budget: Document) -> None:
    """51.3万元 read as 57.3万元: the 三公 parts no longer add up to the total printed."""
    def misread(text: str) -> str:
        return text.replace("预算数51.3万元", "预算数57.3万元")

    sections = [replace(s, heading=misread(s.heading), text=misread(s.text)) for s in scanned_budget.sections]
    assert sections != scanned_budget.sections
    checks = _revalidated(scanned_budget, sections=sections)
    assert [(c.rule, c.page) for c in checks if c.status == "fail"] == [("three_public_parts", 7)]


def test_scanned_table_is_found_from_the_image_lines(scanned_table: Document) -> None:
    truth = json.loads(TABLE_TRUTH.read_text(encoding="utf-8"))
    expected = next(t for t in truth["tables"] if t["kind"] == "overview")
    assert scanned_table.meta.ocr_pages == [1]
    [table] = scanned_table.tables
    assert (table.kind, table.source, table.unit) == ("overview", "ocr", expected["unit"])
    assert table.rows == expected["rows"]
    assert table.header == expected["header"]
    passed = {c.rule for c in scanned_table.checks if c.status == "pass"}
    assert {"column_total", "income_equals_expenditure"} <= passed
    assert _failed(scanned_table) == []


def test_a_misread_digit_in_an_ocr_table_fails_a_check(scanned_table: Document) -> None:
    """4,959.073612 read as 4,959.078612: the expenditure side no longer adds up to its total."""
    [table] = scanned_table.tables
    rows = [[("4,959.078612" if cell == "4,959.073612" else cell) for cell in row] for row in table.rows]
    assert rows != table.rows
    checks = _revalidated(scanned_table, tables=[replace(table, rows=rows)])
    assert "column_total" in {c.rule for c in checks if c.status == "fail"}


def test_a_scanned_page_inside_a_text_pdf_is_read_by_ocr(tmp_path: Path) -> None:
    """The seed's first 7 text pages, then the scanned 收支总表: only page 8 is OCR'd."""
    merged = pdfium.PdfDocument.new()
    merged.import_pages(pdfium.PdfDocument(ROOT / "fixtures" / "jiyuan-bianban-2021-budget.pdf"), list(range(7)))
    merged.import_pages(pdfium.PdfDocument(SCANNED_TABLE), [0])
    merged.save(tmp_path / "mixed.pdf")
    document = parse([tmp_path / "mixed.pdf"], ExtractSettings(ocr_cache=str(tmp_path / "ocr")))
    assert document.meta.ocr_pages == [8]
    assert not [c for c in document.checks if c.rule == "text_layer"]
    assert [(t.pages, t.source) for t in document.tables if t.source == "ocr"] == [([8], "ocr")]
    assert all(t.source == "text" for t in document.tables if 8 not in t.pages)
    assert list((tmp_path / "ocr").glob("*.pdf")), "the OCR'd copy is kept in the cache folder given"


def test_ocr_marks_are_stored_and_read_back(scanned_table: Document, db_url: str) -> None:
    engine = open_engine(db_url)
    document_id = load(engine, scanned_table).document_id
    with Session(engine) as session:
        back = read_document(session, document_id)
        stored = session.scalars(select(SourceTableRow.source)).all()
    engine.dispose()
    assert back.meta.ocr_pages == [1]
    assert [t.source for t in back.tables] == ["ocr"] and stored == ["ocr"]
    assert to_contract(back) == to_contract(scanned_table)


def test_no_ocr_refuses_scanned_files() -> None:
    with pytest.raises(RejectedInput) as caught:
        parse([SCANNED_TABLE], ExtractSettings(ocr=False))
    assert caught.value.reason == Reason.IMAGE_ONLY
    result = CliRunner().invoke(main, ["parse", "--no-ocr", str(SCANNED_TABLE)])
    assert result.exit_code == 2
    assert "image_only" in result.output


def test_ocr_output_is_cached_by_sha256(scanned_table: Document, monkeypatch: pytest.MonkeyPatch) -> None:
    sha = file_sha256(str(SCANNED_TABLE))
    cached = default_cache_dir() / f"{sha}.pdf"
    assert cached.exists()
    monkeypatch.setenv("PATH", "")  # no ocrmypdf: only the cache can answer
    assert ocr_copy(str(SCANNED_TABLE), sha, ExtractSettings(ocr_cache=str(cached.parent))) == str(cached)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("2026 年 度 收 入 预算 101, 673. 03 万 元 , 比 2025 年", "2026年度收入预算101,673.03万元，比2025年"),
        ("公 务 用 车 购置 和 运行 维护 费 .2026 年", "公务用车购置和运行维护费。2026年"),
        ("| 463.686100 |", "463.686100"),
        ("Word 2016 and PDF", "Word 2016 and PDF"),
    ],
)
def test_ocr_text_is_cleaned_as_printed(raw: str, clean: str) -> None:
    assert ocr_text(raw) == clean

