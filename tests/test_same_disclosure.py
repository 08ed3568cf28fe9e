"""Trust and identity: a parse with nothing to check is never trusted, and the same disclosure in
other bytes (re-saved, bytes appended, an owner password) supersedes instead of duplicating."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from alembic import command
from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import Session

from db import open_engine
from db.engine import create
from db.fingerprint import tables_digest
from db.loader import load
from db.migrate import alembic_config, migrate
from db.models import DocumentRow, IngestRunRow, SupersededRow
from pipeline.batch.ingest import ingest
from pipeline.doctor import diagnose
from schemas.records import Check, Document, DocumentMeta, SourceTable

ROOT = Path(__file__).resolve().parent.parent
BUDGET = ROOT / "fixtures" / "hubei-yichang-transport-2021-budget.pdf"
MakeDocument = Callable[..., Document]


# --- trust -------------------------------------------------------------------------------------------------


def test_a_one_page_cover_is_no_evidence_and_doctor_says_what_is_missing(tmp_path: Path) -> None:
    cover = tmp_path / "cover.pdf"
    source, single = pdfium.PdfDocument(BUDGET), pdfium.PdfDocument.new()
    single.import_pages(source, [0])
    single.save(cover)
    result = subprocess.run([sys.executable, "-m", "pipeline", "doctor", "--json", str(cover)],
                            capture_output=True, text=True, cwd=ROOT)  # fmt: skip
    assert result.returncode == 0, result.stderr
    (report,) = json.loads(result.stdout)
    assert report["tables"] == 0
    assert report["verdict"].startswith("no evidence: no tables were read from its 1 page")
    assert "trust" not in report["verdict"]
    assert report["missing"][0] == "no tables were read from its 1 page"


def test_tables_without_checks_are_never_trusted() -> None:
    table = SourceTable("overview", "收支总表", "万元", [2], [["项目"], ["合计"]], [["收入", "1"]])
    unchecked = Document(DocumentMeta("x", "x.pdf", 3, "t"), tables=[table])
    assert diagnose(unchecked).verdict.startswith("no evidence: no check was run")
    compared_nothing = Document(DocumentMeta("x", "x.pdf", 3, "t"), tables=[table],
                                checks=[Check("row_total", "pass", "nothing to add", None, covered=0)])  # fmt: skip
    assert diagnose(compared_nothing).verdict.startswith("no evidence: no check compared anything")
    checked = Document(DocumentMeta("x", "x.pdf", 3, "t"), tables=[table],
                       checks=[Check("row_total", "pass", "收入 = 合计", 2, covered=2)])  # fmt: skip
    assert diagnose(checked).verdict.startswith("trust")


# --- the same disclosure in other bytes ------------------------------------------------------------------


def _copies(tmp_path: Path) -> list[Path]:
    """The budget as published, with bytes appended after %%EOF, and re-saved with an owner password."""
    original, appended, locked = tmp_path / "a" / BUDGET.name, tmp_path / "b" / "appended.pdf", tmp_path / "c" / "locked.pdf"
    for path in (original, appended, locked):
        path.parent.mkdir()
    shutil.copyfile(BUDGET, original)
    appended.write_bytes(BUDGET.read_bytes() + b"\n% re-uploaded 2021-03-02\n")
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        pytest.fail("qpdf is not installed (make system-deps)")
    subprocess.run([qpdf, "--encrypt", "", "owner-secret", "256", "--", str(BUDGET), str(locked)], check=True)
    return [original, appended, locked]


def test_a_copy_in_other_bytes_supersedes_the_document_and_says_so(db_url: str, tmp_path: Path) -> None:
    copies = _copies(tmp_path)
    first = ingest(copies[:1], db_url, jobs=1, progress=False)
    assert len(first.loaded) == 1 and first.superseded == []
    second = ingest(copies[1:], db_url, jobs=1, progress=False)
    assert second.ok and len(second.loaded) == 2 and len(second.superseded) == 2
    assert all("supersedes" in line and "its tables identical" in line for line in second.superseded)
    engine = open_engine(db_url)
    with Session(engine) as session:
        (kept,) = session.scalars(select(DocumentRow)).all()  # one document, not three
        assert {row.source for row in session.scalars(select(SupersededRow))} == {
            p.name for p in copies if p.name != kept.source
        }
        assert set(session.scalars(select(SupersededRow.document_id))) == {kept.id}
        logged = session.execute(select(IngestRunRow.reason, IngestRunRow.detail).where(
            IngestRunRow.run_id == second.run_id)).all()  # fmt: skip
        assert [reason for reason, _detail in logged] == ["superseded", "superseded"]
        assert all("in other bytes" in (detail or "") for _reason, detail in logged)

    again = ingest(copies, db_url, jobs=1, progress=False)  # no swapping back and forth
    assert (again.loaded, len(again.skipped), again.failed) == ([], 3, [])
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(DocumentRow)) == 1
        reasons = sorted(str(r) for r in session.scalars(
            select(IngestRunRow.reason).where(IngestRunRow.run_id == again.run_id)))  # fmt: skip
        assert reasons == ["None", "superseded", "superseded"]
    engine.dispose()


def test_other_disclosures_and_corrected_ones_are_never_superseded(
    db_url: str, make_document: MakeDocument
) -> None:
    engine = open_engine(db_url)
    load(engine, make_document())
    next_year = make_document(sha256="b" * 64, source="next.pdf")
    next_year.meta.fiscal_year = 2027
    corrected = make_document(sha256="c" * 64, source="corrected.pdf")
    corrected.tables[0].rows[1][2] = "12345678901.235"  # a figure changed: a new disclosure, kept beside
    no_tables = make_document(sha256="d" * 64, source="cover.pdf")
    no_tables.tables = []
    outcomes = [load(engine, doc) for doc in (next_year, corrected, no_tables)]
    assert [o.superseded for o in outcomes] == [(), (), ()]
    same = make_document(sha256="e" * 64, source="resaved.pdf")
    assert [s.sha256 for s in load(engine, same).superseded] == ["a" * 64]
    with Session(engine) as session:
        assert set(session.scalars(select(DocumentRow.source))) == {
            "next.pdf", "corrected.pdf", "cover.pdf", "resaved.pdf"}
    engine.dispose()


def test_revision_0012_fingerprints_stored_documents_and_goes_back(db_url: str) -> None:
    engine = create(db_url)
    migrate(engine, "0011")
    header, rows = [["项目"], ["合计"]], [["收入", "1.00"], ["支出", None]]
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO documents (id, sha256, source, files, department, fiscal_year, doc_kind, page_count,"
            " parser_version, loaded_at, listed_tables, pages_without_text, pages_with_unmapped_glyphs, ocr_pages)"
            " VALUES (1, 'f', 'f.pdf', '[]', '某局', 2026, 'budget', 1, '1', CURRENT_TIMESTAMP, '[]', '[]', '[]', '[]')"
        ))  # fmt: skip
        conn.execute(
            text("INSERT INTO source_tables (document_id, table_index, page, kind, title, unit, pages, header, rows,"
                 " row_pages, empty, engine, source) VALUES (1, 0, 2, 'overview', '收支总表', '万元', '[2]', :h, :r,"
                 " '[2, 2]', false, 'pdfplumber', 'text')"),
            {"h": json.dumps(header, ensure_ascii=False), "r": json.dumps(rows, ensure_ascii=False)},
        )  # fmt: skip
    migrate(engine)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT tables_sha256 FROM documents")).scalar()
    assert stored == tables_digest([("overview", "收支总表", "万元", header, rows)])
    command.downgrade(alembic_config(engine), "0011")
    assert "tables_sha256" not in {c["name"] for c in inspect(engine).get_columns("documents")}
    assert "superseded" not in inspect(engine).get_table_names()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM line_items_view")).scalar() == 0
    engine.dispose()
