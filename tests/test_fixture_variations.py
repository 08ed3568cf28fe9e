"""Each layout variation of the fixture corpus, pinned down on the PDF that carries it."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from conftest import FIXTURES
from schemas.records import Document, SourceTable

SEED = "jiyuan-bianban-2021-budget"


def _table(document: Document, kind: str) -> SourceTable:
    return next(t for t in document.tables if t.kind == kind)


def test_seed_merged_header_becomes_column_paths(parsed: Callable[[str], Document]) -> None:
    table = _table(parsed(SEED), "department_expenditure")
    assert table.header[0] == ["科目编码", "类"]
    assert ["基本支出", "工资福利支出"] in table.header
    assert ["项目支出", "专项资金"] in table.header
    assert not any(row[0] == "**" for row in table.rows), "the ordinal row is dropped"


def test_seed_appropriation_table_is_stitched_over_two_pages(parsed: Callable[[str], Document]) -> None:
    document = parsed(SEED)
    tables = [t for t in document.tables if t.kind == "appropriation_overview"]
    assert len(tables) == 1 and len(tables[0].pages) == 2
    labels = [r[2] for r in tables[0].rows]
    assert labels.count("一、一般公共服务") == 1
    assert "项目" not in labels, "the repeated header is not a body row"
    assert any(label and label.startswith("三十四、") for label in labels)


def test_seed_misaligned_cells_stay_where_printed(parsed: Callable[[str], Document]) -> None:
    table = _table(parsed(SEED), "appropriation_overview")
    row = next(r for r in table.rows if r[2] == "八、社会保障和就业")
    assert row[3] is None and row[4:7] == ["30.1", "30.1", "30.1"]
    failed = [c for c in parsed(SEED).checks if c.status == "fail"]
    assert {c.rule for c in failed} == {"row_total", "column_total"}


def test_seed_line_broken_cell_is_rejoined(parsed: Callable[[str], Document]) -> None:
    table = _table(parsed(SEED), "appropriation_overview")
    assert table.rows[0][0] == "一般公共预算收入"


def test_empty_fund_table_keeps_its_header_and_note(parsed: Callable[[str], Document]) -> None:
    table = _table(parsed(SEED), "fund_budget_expenditure")
    assert table.empty and table.rows == []
    assert table.header and "本单位无政府性基金预算支出" in (table.note or "")


def test_seed_codes_are_canonical_and_typos_mapped(parsed: Callable[[str], Document]) -> None:
    items = parsed(SEED).line_items
    admin = next(i for i in items if i.row_label == "行政运行（组织事务）")
    assert (admin.functional_code, admin.functional_name) == ("2013201", "行政运行")
    assert admin.amount == Decimal("2079000") and admin.amount_source == "207.9" and admin.unit_source == "万元"


def test_six_decimal_wan_yuan_is_exact(parsed: Callable[[str], Document]) -> None:
    items = parsed("beijing-haidian-archives-2023-tables").line_items
    assert all(i.amount == Decimal(i.amount_source.replace(",", "")) * 10000 for i in items)
    assert any(len(i.amount_source.split(".")[-1]) == 6 for i in items)


def test_beijing_prefixed_codes_give_both_economic_sets(parsed: Callable[[str], Document]) -> None:
    items = parsed("beijing-haidian-archives-2023-tables").line_items
    both = [i for i in items if i.government_economic_code and i.economic_code]
    assert both and all(i.government_economic_code.startswith("5") for i in both)
    assert all(i.economic_code.startswith("3") for i in both if i.economic_code)


def test_yuan_tables_with_separators(parsed: Callable[[str], Document]) -> None:
    items = parsed("hubei-yichang-transport-2021-budget").line_items
    separated = [i for i in items if "," in i.amount_source and i.unit_source == "元"]
    assert separated and all(i.amount == Decimal(i.amount_source.replace(",", "")) for i in separated)


def test_joined_codes_in_one_column(parsed: Callable[[str], Document]) -> None:
    items = parsed("henan-xinxiang-finance-2022-budget").line_items
    assert any(i.functional_code and len(i.functional_code) == 7 for i in items if i.table_kind == "general_budget_expenditure")


def test_unruled_landscape_table_with_names_only(parsed: Callable[[str], Document]) -> None:
    document = parsed("chongqing-wanzhou-agriculture-2019-budget")
    table = _table(document, "department_expenditure")
    assert table.engine == "camelot-stream" and len(table.pages) == 2
    assert ["基本支出", "对个人和家庭的补助"] in table.header
    codes = {i.functional_code for i in document.line_items if i.table_kind == "department_expenditure"}
    assert {"208", "20805", "2080505"} <= codes, "codes come from indented names and their parents"


def test_consolidated_unit_rows_are_marked_as_totals(parsed: Callable[[str], Document]) -> None:
    items = parsed("shaanxi-xian-beilin-education-2020-consolidated").line_items
    unit_rows = {i.row_label for i in items if i.is_total and not i.functional_code}
    assert "西安市碑林区教育局（本级）" in unit_rows


def test_final_accounts_are_recognised(parsed: Callable[[str], Document]) -> None:
    document = parsed("sichuan-mianyang-health-2023-final")
    assert document.meta.doc_kind == "final_accounts"
    assert {t.kind for t in document.tables} >= {"final_overview", "final_three_public"}
    assert document.three_public.total == Decimal("74500")


def test_shanghai_unit_budget_metadata(parsed: Callable[[str], Document]) -> None:
    meta = parsed("shanghai-putuo-market-2024-unit").meta
    assert (meta.reporting_level, meta.region, meta.fiscal_year, meta.published_on) == ("unit", "上海市普陀区", 2024, None)


def test_sentences_cite_their_own_page(parsed: Callable[[str], Document]) -> None:
    facts = {f.key: f for f in parsed(SEED).facts}
    assert facts["three_public.vehicles"].page == 5 and facts["total"].page == 4
    assert facts["total"].value == Decimal("5009000") and facts["total"].value_source == "500.9万元"


def test_a_page_without_text_layer_is_reported_by_page_without_ocr(tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    from extractors.settings import ExtractSettings
    from pipeline.api import parse

    merged = pdfium.PdfDocument.new()
    merged.import_pages(pdfium.PdfDocument(FIXTURES / f"{SEED}.pdf"), [0, 1, 2, 3, 4, 5, 6])
    merged.import_pages(pdfium.PdfDocument(FIXTURES / "bad" / "image-only.pdf"), [0])
    merged.save(tmp_path / "mixed.pdf")
    document = parse([tmp_path / "mixed.pdf"], ExtractSettings(ocr=False))  # OCR'd: tests/test_ocr.py
    assert [(c.rule, c.status, c.page) for c in document.checks if c.rule == "text_layer"] == [("text_layer", "fail", 8)]
    assert document.tables[0].kind == "overview", "the text pages are still read"


def test_a_blank_page_is_no_scanned_page(tmp_path: Path) -> None:
    """A page with neither text nor image (Putuo finance 2024's p14 holds one empty table row) is no scan."""
    import pypdfium2 as pdfium

    from pipeline.api import parse

    merged = pdfium.PdfDocument.new()
    merged.import_pages(pdfium.PdfDocument(FIXTURES / f"{SEED}.pdf"), [0, 1, 2, 3, 4, 5, 6])
    merged.new_page(595, 842)
    merged.save(tmp_path / "blank.pdf")
    document = parse([tmp_path / "blank.pdf"])
    assert document.meta.page_count == 8
    assert [c for c in document.checks if c.rule == "text_layer"] == []
