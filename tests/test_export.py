"""`yusuan export` and `yusuan stats` on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from db import open_engine
from db.loader import load
from pipeline.commands.export import export
from pipeline.commands.ingest import ingest
from pipeline.commands.stats import stats
from schemas.contract import to_contract, validate
from schemas.records import Document

MakeDocument = Callable[..., Document]
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def loaded(db_url: str, *docs: Document) -> str:
    engine = open_engine(db_url)
    for doc in docs:
        load(engine, doc)
    engine.dispose()
    return db_url


def two_documents(make_document: MakeDocument) -> tuple[Document, Document]:
    beijing = make_document()
    putuo = make_document(sha256="b" * 64, source="putuo.pdf")
    putuo.meta.region, putuo.meta.department, putuo.meta.fiscal_year = "上海市普陀区", "普陀区财政局", 2025
    return beijing, putuo


def run(command: object, *args: str) -> str:
    result = CliRunner().invoke(command, list(args), catch_exceptions=False)  # type: ignore[arg-type]
    assert result.exit_code == 0, result.output
    return result.output


def test_json_export_equals_the_loaded_documents(db_url: str, make_document: MakeDocument) -> None:
    docs = two_documents(make_document)
    loaded(db_url, *docs)
    exported = json.loads(run(export, "--db", db_url, "--format", "json"))
    assert exported == [to_contract(d) for d in docs]
    for obj in exported:
        validate(obj)
    one = json.loads(run(export, "--db", db_url, "--sha", "b" * 64))
    assert one == to_contract(docs[1])
    assert json.loads(run(export, "--db", db_url, "--year", "2025")) == [to_contract(docs[1])]


def test_csv_line_items_are_filtered_and_exact(db_url: str, make_document: MakeDocument) -> None:
    loaded(db_url, *two_documents(make_document))
    text = run(export, "--db", db_url, "--format", "csv", "--region", "普陀", "--code", "2010")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["sha256"], r["functional_code"]) for r in rows] == [("b" * 64, "20106"), ("b" * 64, "2010601")]
    assert [r["amount"] for r in rows] == ["123456789012.34", "-5.50"]
    assert rows[0]["functional_class_name"] == "一般公共服务支出"
    assert json.loads(rows[0]["column_path"]) == ["合计"]
    assert rows[0]["page"] == "5" and rows[0]["table_index"] == "0" and rows[0]["row_index"] == "2"
    everything = list(csv.DictReader(io.StringIO(run(export, "--db", db_url, "--format", "csv"))))
    assert len(everything) == 8
    assert everything[0]["amount"] == "441566401.200000"


@pytest.mark.parametrize(
    ("what", "count", "column"), [("indicators", 2, "level3"), ("projects", 1, "name"), ("facts", 1, "key")]
)
def test_csv_of_other_records(
    db_url: str, make_document: MakeDocument, what: str, count: int, column: str
) -> None:
    loaded(db_url, *two_documents(make_document))
    text = run(
        export, "--db", db_url, "--format", "csv", "--what", what, "--department", "财政局", "--year", "2026"
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == count and rows[0][column]
    assert {r["sha256"] for r in rows} == {"a" * 64}


def test_xlsx_keeps_amounts_as_numbers(db_url: str, make_document: MakeDocument, tmp_path: Path) -> None:
    loaded(db_url, *two_documents(make_document))
    out = tmp_path / "items.xlsx"
    run(export, "--db", db_url, "--format", "xlsx", "--sha", "a" * 64, "-o", str(out))
    sheet = load_workbook(out)["line_items"]
    header, *rows = list(sheet.values)
    amounts = [row[header.index("amount")] for row in rows]
    assert amounts == [441566401.2, 0.01, 123456789012.34, -5.5]


def test_code_filter_is_refused_where_it_does_not_apply(db_url: str) -> None:
    result = CliRunner().invoke(
        export, ["--db", db_url, "--format", "csv", "--what", "facts", "--code", "201"]
    )
    assert result.exit_code == 2 and "--code" in result.output


def test_stats_summarizes_documents_rows_and_failures(
    db_url: str, make_document: MakeDocument, tmp_path: Path
) -> None:
    loaded(db_url, *two_documents(make_document))
    (tmp_path / "zero-byte.pdf").write_bytes(b"")
    result = CliRunner().invoke(ingest, [str(tmp_path / "zero-byte.pdf"), "--db", db_url, "--no-progress"])
    assert result.exit_code == 1
    assert (
        result.output.startswith("loaded 0, skipped 0, failed 1\n")
        and "zero-byte.pdf: empty: " in result.output
    )
    summary = json.loads(run(stats, "--db", db_url, "--json"))
    assert summary["documents"] == 2
    assert summary["by_year"] == [
        {"fiscal_year": 2025, "documents": 1},
        {"fiscal_year": 2026, "documents": 1},
    ]
    assert summary["rows"]["line_items"] == 8 and summary["rows"]["ingest_runs"] == 1
    assert summary["failed_checks"] == [{"rule": "three_public_sum", "count": 2}]
    assert [(f["reason"], Path(f["path"]).name) for f in summary["failed_ingests"]] == [
        ("empty", "zero-byte.pdf")
    ]
    text = run(stats, "--db", db_url)
    assert "documents: 2" in text and "上海市普陀区" in text and "zero-byte.pdf: empty" in text


def test_export_of_an_ingested_fixture_equals_its_parse(db_url: str) -> None:
    """The real pipeline end to end: `parse` JSON == `ingest` then `export` JSON."""
    pdf = FIXTURES / "jiyuan-bianban-2021-budget.pdf"
    if not pdf.exists():
        if os.environ.get("CI"):
            pytest.fail(f"fixture {pdf} missing")
        pytest.skip(f"fixture {pdf} not generated yet")
    from pipeline.api import parse

    expected = to_contract(parse([pdf]))
    summary = run(ingest, str(pdf), "--db", db_url, "--no-progress", "--jobs", "1")
    assert summary.startswith("loaded 1, skipped 0, failed 0")
    exported = json.loads(run(export, "--db", db_url, "--sha", expected["document"]["sha256"]))
    validate(exported)
    assert exported == expected


def test_datapackage_is_a_valid_frictionless_package_with_exact_amounts(
    db_url: str, make_document: MakeDocument, tmp_path: Path
) -> None:
    """`--format datapackage`: a table schema per resource, validated by frictionless, amounts read back exact."""
    from decimal import Decimal

    from frictionless import Package, validate

    loaded(db_url, *two_documents(make_document))
    out = tmp_path / "package"
    result = CliRunner().invoke(export, ["--db", db_url, "--format", "datapackage", "-o", str(out)])
    assert result.exit_code == 0, result.output
    report = validate(str(out / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])
    package = Package(str(out / "datapackage.json"))
    assert {r.name for r in package.resources} >= {"line-items", "spending", "changes", "three-public", "budget-vs-actual"}
    items = package.get_resource("line-items")
    assert items.schema.get_field("amount").type == "number"
    amounts = [row["amount"] for row in items.read_rows()]
    assert Decimal("123456789012.34") in amounts and Decimal("441566401.200000") in amounts
    assert all(isinstance(a, Decimal) for a in amounts)
    spending = package.get_resource("spending").read_rows()
    assert {(r["functional_code"], r["level"], r["amount_fen"]) for r in spending} >= {("20106", "款", 12345678901234)}
    again = CliRunner().invoke(export, ["--db", db_url, "--format", "datapackage", "-o", str(out)])
    assert again.exit_code == 1 and "not empty" in again.output
