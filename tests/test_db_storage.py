"""Storage on SQLite and PostgreSQL: exact amounts, idempotent loads, atomic replaces, the view."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from decimal import Decimal

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db import open_engine
from db.engine import create
from db.loader import is_newer, load
from db.migrate import alembic_config, migrate
from db.models import (
    CHILD_TABLES,
    Base,
    CheckRow,
    CodeRow,
    DocumentRow,
    FactRow,
    IndicatorRow,
    LineItemRow,
    ProjectRow,
    SectionRow,
    SourceTableRow,
    ThreePublicRow,
    UnaccountedRow,
)
from db.reader import read_document
from db.stats import summarize
from schemas.contract import to_contract, validate
from schemas.records import (
    Check,
    Document,
    DocumentMeta,
    Fact,
    Indicator,
    LineItem,
    Project,
    Section,
    SourceTable,
    ThreePublic,
    Unaccounted,
)

MakeDocument = Callable[..., Document]


def row_counts(session: Session, document_id: int) -> dict[str, int]:
    return {
        t.__tablename__: session.scalar(
            select(func.count()).select_from(t).where(t.document_id == document_id)
        )
        or 0
        for t in CHILD_TABLES
    }


@pytest.mark.parametrize(
    "amount",
    [
        "441566401.200000",
        "441566401.2",
        "0.01",
        "123456789012.34",
        "-5.50",
        "0",
        "99999999999999999.99",
        "1E+3",
    ],
)
def test_amounts_round_trip_exactly(db_url: str, make_document: MakeDocument, amount: str) -> None:
    doc = make_document()
    doc.line_items[0].amount = Decimal(amount)
    doc.facts[0].value = Decimal(amount)
    engine = open_engine(db_url)
    document_id = load(engine, doc).document_id
    with Session(engine) as session:
        back = read_document(session, document_id)
    assert back.line_items[0].amount == Decimal(amount)
    assert format(back.line_items[0].amount, "f") == format(Decimal(amount), "f")
    assert format(back.facts[0].value, "f") == format(Decimal(amount), "f")


def test_ten_thousand_yuan_conversion_is_exact(db_url: str, make_document: MakeDocument) -> None:
    doc = make_document()
    engine = open_engine(db_url)
    document_id = load(engine, doc).document_id
    with Session(engine) as session:
        stored = session.scalar(
            select(LineItemRow.amount).where(LineItemRow.document_id == document_id, LineItemRow.ordinal == 0)
        )
    assert stored == Decimal("441566401.2")
    assert isinstance(stored, Decimal)


def test_read_document_equals_what_was_loaded(db_url: str, make_document: MakeDocument) -> None:
    doc = make_document()
    engine = open_engine(db_url)
    document_id = load(engine, doc).document_id
    with Session(engine) as session:
        back = read_document(session, document_id)
    assert to_contract(back) == to_contract(doc)
    validate(to_contract(back))


def test_loading_the_same_sha_twice_is_a_noop(db_url: str, make_document: MakeDocument) -> None:
    engine = open_engine(db_url)
    first = load(engine, make_document())
    second = load(engine, make_document())
    assert (first.status, second.status) == ("inserted", "skipped")
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(DocumentRow)) == 1
        assert row_counts(session, first.document_id)["line_items"] == 4


def test_force_and_newer_parser_replace_rows(db_url: str, make_document: MakeDocument) -> None:
    engine = open_engine(db_url)
    first = load(engine, make_document())
    fewer = make_document()
    fewer.line_items = fewer.line_items[:2]
    assert load(engine, fewer, force=True).status == "replaced"
    newer = make_document(parser_version="0.2.0")
    newer.line_items = newer.line_items[:3]
    assert load(engine, newer).status == "replaced"
    assert load(engine, make_document(parser_version="0.1.5")).status == "skipped"
    with Session(engine) as session:
        assert row_counts(session, first.document_id)["line_items"] == 3
        assert session.scalar(select(DocumentRow.parser_version)) == "0.2.0"
        assert session.scalar(select(DocumentRow.id).where(DocumentRow.sha256 == "a" * 64)) == first.document_id


def test_failed_replace_leaves_the_old_rows(db_url: str, make_document: MakeDocument) -> None:
    engine = open_engine(db_url)
    document_id = load(engine, make_document()).document_id
    broken = make_document(parser_version="9.9.9")
    broken.line_items[3].row_label = None  # type: ignore[assignment]  # NOT NULL: fails after the delete
    with pytest.raises(IntegrityError):
        load(engine, broken)
    with Session(engine) as session:
        assert row_counts(session, document_id) == {
            "sections": 1, "source_tables": 1, "line_items": 4, "three_public": 1,
            "projects": 1, "indicators": 2, "facts": 1, "checks": 2, "unaccounted": 1,
        }  # fmt: skip
        assert session.scalar(select(DocumentRow.parser_version)) == "0.1.0"


def test_view_joins_line_items_with_documents_and_code_names(
    db_url: str, make_document: MakeDocument
) -> None:
    engine = open_engine(db_url)
    load(engine, make_document())
    other = make_document(sha256="b" * 64, source="other.pdf")
    other.meta.department = "北京市财政局机关服务中心"  # another disclosure: a copy of the same would supersede
    load(engine, other)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT sha256, region, fiscal_year, functional_code, functional_class_name,"
                " functional_subclass_name, economic_class_code, amount, amount_number, page"
                " FROM line_items_view WHERE region = :r AND functional_code = '2010601' ORDER BY sha256"
            ),
            {"r": "北京市"},
        ).all()
        total = conn.execute(
            text("SELECT sum(amount_number) FROM line_items_view WHERE amount_number > 1000 AND sha256 = :s"),
            {"s": "a" * 64},
        ).scalar_one()
    assert [r.sha256 for r in rows] == ["a" * 64, "b" * 64]
    assert rows[0].functional_class_name == "一般公共服务支出"
    assert rows[0].functional_subclass_name == "财政事务"
    assert rows[0].fiscal_year == 2026 and rows[0].page == 6
    assert Decimal(str(rows[0].amount)) == Decimal("-5.50")
    assert Decimal(str(total)) == Decimal("441566401.2") + Decimal("123456789012.34")


def test_codes_keep_the_first_name_seen(db_url: str, make_document: MakeDocument) -> None:
    engine = open_engine(db_url)
    load(engine, make_document())
    renamed = make_document(sha256="c" * 64)
    renamed.line_items[1].functional_name = "别名"
    load(engine, renamed)
    with Session(engine) as session:
        names = dict(
            session.execute(select(CodeRow.code, CodeRow.name).where(CodeRow.scheme == "functional")).all()
        )
    assert names["201"] == "一般公共服务支出"
    assert set(names) == {"201", "20106", "2010601"}


def test_migrations_match_the_models_and_create_the_view(db_url: str) -> None:
    engine = open_engine(db_url)
    open_engine(db_url)  # a second open is a no-op
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    # SQLite's full-text index (migration 0004) is a virtual table and its shadow tables, outside the models
    diff = [d for d in diff if not (d[0] == "remove_table" and d[1].name.startswith("search_index"))]
    assert diff == []
    inspector = inspect(engine)
    assert "line_items_view" in inspector.get_view_names()
    expected = {
        "documents", "sections", "source_tables", "line_items", "three_public", "projects",
        "indicators", "facts", "checks", "ingest_runs", "codes",
    }  # fmt: skip
    assert expected <= set(inspector.get_table_names())
    indexed = {tuple(ix["column_names"]) for ix in inspector.get_indexes("line_items")}
    assert {("functional_code",), ("economic_code",), ("measure",), ("document_id",)} <= indexed
    indexed = {tuple(ix["column_names"]) for ix in inspector.get_indexes("documents")}
    assert {("region",), ("department",), ("fiscal_year",)} <= indexed


def test_revision_0009_keeps_the_three_public_rows_and_goes_back(db_url: str) -> None:
    """Rows stored before `three_public.measure` become the documents' own figures; downgrading
    drops the final accounts' 预算数 rows and the view still answers."""
    engine = create(db_url)
    migrate(engine, "0008")
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO documents (id, sha256, source, files, doc_kind, department, fiscal_year, page_count,"
            " parser_version, loaded_at, listed_tables, pages_without_text, pages_with_unmapped_glyphs, ocr_pages)"
            " VALUES (1, 'f', 'f.pdf', '[]', 'final_accounts', '某局', 2024, 1, '1', CURRENT_TIMESTAMP, '[]', '[]', '[]', '[]')"
        ))
        conn.execute(text("INSERT INTO three_public (document_id, page, total) VALUES (1, 3, '3900')"))
    migrate(engine)
    with engine.begin() as conn:
        measure, total = conn.execute(text("SELECT measure, total FROM three_public")).one()
        assert (measure, Decimal(total)) == ("total", Decimal("3900"))
        conn.execute(text("INSERT INTO three_public (document_id, measure, page, total) VALUES (1, 'budget.total', 3, '28500')"))
        row = conn.execute(text("SELECT budget_amount, budget_from FROM budget_vs_actual WHERE item = 'three_public.total'")).one()
        assert (Decimal(row.budget_amount), row.budget_from) == (Decimal("28500"), "final_accounts")
        with pytest.raises(IntegrityError), conn.begin_nested():
            conn.execute(text("INSERT INTO three_public (document_id, measure, total) VALUES (1, 'total', '1')"))
    command.downgrade(alembic_config(engine), "0008")
    with engine.connect() as conn:
        assert [Decimal(t) for t in conn.execute(text("SELECT total FROM three_public")).scalars()] == [Decimal("3900")]
        row = conn.execute(text("SELECT budget_amount FROM budget_vs_actual WHERE item = 'three_public.total'")).one()
        assert row.budget_amount is None
    engine.dispose()


@pytest.mark.parametrize(
    ("record", "row"),
    [
        (DocumentMeta, DocumentRow), (Section, SectionRow), (SourceTable, SourceTableRow), (LineItem, LineItemRow),
        (ThreePublic, ThreePublicRow), (Project, ProjectRow), (Indicator, IndicatorRow), (Fact, FactRow),
        (Check, CheckRow), (Unaccounted, UnaccountedRow),
    ],
)  # fmt: skip
def test_every_record_field_has_a_column(record: type, row: type[Base]) -> None:
    """A field added to `schemas.records` needs a column (and a migration) to survive a load."""
    missing = {f.name for f in fields(record)} - set(row.__table__.c.keys())
    assert missing == set()


@pytest.mark.parametrize(
    ("version", "than", "newer"),
    [("0.2.0", "0.1.0", True), ("0.10.0", "0.9.1", True), ("0.1.0", "0.1.0", False), ("0.1", "0.1.0", False)],
)
def test_parser_versions_compare_numerically(version: str, than: str, newer: bool) -> None:
    assert is_newer(version, than) is newer


def test_revision_0011_adds_the_journalist_views_and_goes_back(db_url: str) -> None:
    """Upgrading a database holding rows gives `spending`, `printed_figures`, `changes` (and on SQLite a
    folded search index over the rows already there); downgrading to 0010 removes them and restores
    0004's index."""
    engine = create(db_url)
    migrate(engine, "0010")
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO documents (id, sha256, source, files, doc_kind, department, fiscal_year, page_count,"
            " parser_version, loaded_at, listed_tables, pages_without_text, pages_with_unmapped_glyphs, ocr_pages)"
            " VALUES (1, 'b', 'b.pdf', '[]', 'budget', '某局', 2026, 1, '1', CURRENT_TIMESTAMP, '[]', '[]', '[]', '[]')"
        ))
        for row_index, code, amount in ((0, None, "15958.96"), (1, "201", "15958.96"), (2, "20103", "15958.96")):
            conn.execute(text(
                "INSERT INTO line_items (document_id, ordinal, page, table_index, row_index, table_kind, row_label,"
                " column_path, measure, functional_code, side, amount, amount_source, is_total)"
                " VALUES (1, :r, 12, 0, :r, 'department_expenditure', 'x', '[]', 'total', :code, 0, :amount, :printed, :total)"
            ), {"r": row_index, "code": code, "amount": amount, "printed": amount, "total": code is None})
        conn.execute(text(
            "INSERT INTO sections (document_id, ordinal, page, heading, level, text, page_breaks)"
            " VALUES (1, 0, 3, '四、“三公”经费情况说明', 2, '2026年“三公”经费预算394.49万元。', '[]')"
        ))
    migrate(engine)
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT functional_code, level, is_leaf, amount_fen FROM spending ORDER BY functional_code")).all()
        assert [(c, lv, bool(leaf), int(fen)) for c, lv, leaf, fen in rows] == [("201", "类", False, 1595896), ("20103", "款", True, 1595896)]
        assert conn.execute(text("SELECT count(*) FROM changes")).scalar_one() == 2
        if sqlite:
            found = conn.execute(text("SELECT title FROM search_index WHERE search_index MATCH '三公经费'")).scalars().all()
            assert found == ["四三公经费情况说明"]
    command.downgrade(alembic_config(engine), "0010")
    with engine.connect() as conn:
        views = set(inspect(conn).get_view_names())
        assert not {"spending", "printed_figures", "changes"} & views and "budget_vs_actual" in views
        if sqlite:
            assert conn.execute(text("SELECT title FROM search_index WHERE search_index MATCH '“三公”经费'")).scalars().all() == [
                "四、“三公”经费情况说明"
            ]
    engine.dispose()


def test_unaccounted_amounts_are_stored_with_the_document_and_counted_in_stats(
    db_url: str, make_document: MakeDocument
) -> None:
    """The accounting travels with its document (one transaction), and `stats` says how much of
    what the batch printed has a meaning, by reason and worst document first."""
    engine = open_engine(db_url)
    document_id = load(engine, make_document()).document_id
    clean = make_document(sha256="c" * 64, source="clean.pdf")
    clean.unaccounted = []
    clean.meta.department = "北京市审计局"  # another disclosure, not a copy of the first to supersede it
    load(engine, clean)
    with Session(engine) as session:
        back = read_document(session, document_id)
        assert back.unaccounted == make_document().unaccounted and back.amounts_printed == 6
        amounts = summarize(session)["amounts"]
    assert (amounts["printed"], amounts["accounted"]) == (12, 11)
    assert amounts["unaccounted_by_reason"] == [{"reason": "column_without_measure", "amounts": 1}]
    assert amounts["most_unaccounted"] == [{"source": "sample.pdf", "printed": 6, "unaccounted": 1}]
    assert amounts["documents_fully_accounted"] == 1
    engine.dispose()
