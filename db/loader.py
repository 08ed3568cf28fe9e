"""Write one `Document` into the database, whole or not at all.

A document is keyed by its sha256. Loading one that is already there is a
no-op, unless `force` is set or the stored rows come from an older parser
version; then the document's rows are replaced inside the same transaction,
so readers see either the old rows or the new ones, never a mix. A new
document that is the same disclosure as a stored one in other bytes (a
re-saved PDF: same department, year, kind and level, identical tables)
supersedes it in the same transaction (`LoadOutcome.superseded`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from functools import cache
from typing import Any, Literal

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from db.fingerprint import tables_digest
from db.models import (
    CHILD_TABLES,
    Base,
    CheckRow,
    CodeRow,
    DocumentRow,
    FactRow,
    IndicatorRow,
    IngestRunRow,
    LineItemRow,
    ProjectRow,
    SectionRow,
    SourceTableRow,
    SupersededRow,
    ThreePublicRow,
    UnaccountedRow,
)
from schemas.records import Document

Status = Literal["inserted", "replaced", "skipped"]


@dataclass(frozen=True)
class Superseded:
    """An earlier copy of the same disclosure, in other bytes, that the loaded document replaced."""

    document_id: int
    sha256: str
    source: str


@dataclass(frozen=True)
class LoadOutcome:
    status: Status
    document_id: int
    superseded: tuple[Superseded, ...] = ()


def version_key(version: str) -> tuple[int | str, ...]:
    """Order parser versions numerically part by part (`0.10.0` after `0.9.1`)."""
    return tuple(int(part) if part.isdigit() else part for part in version.split("."))


def is_newer(version: str, than: str) -> bool:
    try:
        return version_key(version) > version_key(than)
    except TypeError:  # a numeric part against a textual one: compare as text
        return version > than


def load(target: Session | Engine, doc: Document, force: bool = False) -> LoadOutcome:
    """Store `doc` in one transaction.

    Given an `Engine`, the load commits on its own. Given a `Session`, it runs
    inside the session's transaction and the caller commits, so that other rows
    (the ingest log) commit together with the document.
    """
    if isinstance(target, Session):
        return _load(target, doc, force)
    with Session(target) as session, session.begin():
        return _load(session, doc, force)


def _insert_new(session: Session, values: dict[str, Any]) -> int | None:
    """Insert the document row unless its sha256 is stored: its id, or None.

    ON CONFLICT DO NOTHING, so that two ingests loading the same file at once do not
    both fail: on PostgreSQL the second waits for the first to commit and then finds
    its row; on SQLite the write lock serializes them before this."""
    dialect = session.get_bind().dialect.name
    insert_fn = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert_fn(DocumentRow).values(**values).on_conflict_do_nothing(index_elements=["sha256"])
    return session.execute(statement.returning(DocumentRow.id)).scalar()


def _load(session: Session, doc: Document, force: bool) -> LoadOutcome:
    meta = doc.meta
    document_values = _document_values(doc)
    inserted = _insert_new(session, document_values)
    existing = None if inserted is not None else session.execute(
        select(DocumentRow.id, DocumentRow.parser_version).where(DocumentRow.sha256 == meta.sha256).with_for_update()
    ).one()  # fmt: skip
    superseded: tuple[Superseded, ...] = ()
    if existing is None:
        assert inserted is not None
        document_id = inserted
        status: Status = "inserted"
        superseded = _supersede(session, doc, document_id, document_values["tables_sha256"])
    elif force or is_newer(meta.parser_version, existing.parser_version):
        document_id = existing.id
        for table in CHILD_TABLES:
            session.execute(delete(table).where(table.document_id == document_id))
        session.execute(update(DocumentRow).where(DocumentRow.id == document_id).values(**document_values))
        status = "replaced"
    else:
        return LoadOutcome("skipped", existing.id)
    connection = session.connection()
    for child, rows in _child_rows(doc, document_id).items():
        if rows:  # one executemany per table, past the ORM's per-row bookkeeping
            connection.execute(insert(child), rows)
    _remember_code_names(session, doc)
    return LoadOutcome(status, document_id, superseded)


def _supersede(session: Session, doc: Document, document_id: int, digest: str | None) -> tuple[Superseded, ...]:
    """Retire the earlier copies of this disclosure: documents of the same department, year, kind
    and level with identical tables (`db.fingerprint`). Their sha256s are remembered in
    `superseded`, pointing at this document, so ingesting an old copy again skips it."""
    meta = doc.meta
    if digest is None or not (meta.department and meta.fiscal_year and meta.doc_kind):
        return ()
    twins = session.execute(
        select(DocumentRow.id, DocumentRow.sha256, DocumentRow.source).where(
            DocumentRow.tables_sha256 == digest, DocumentRow.id != document_id,
            DocumentRow.department == meta.department, DocumentRow.fiscal_year == meta.fiscal_year,
            DocumentRow.doc_kind == meta.doc_kind,
            DocumentRow.reporting_level.is_not_distinct_from(meta.reporting_level),
            DocumentRow.region.is_not_distinct_from(meta.region),
        )
    ).all()  # fmt: skip
    if not twins:
        return ()
    old = [t.id for t in twins]
    session.execute(update(SupersededRow).where(SupersededRow.document_id.in_(old)).values(document_id=document_id))
    stamp = datetime.now(UTC).replace(tzinfo=None)
    session.execute(insert(SupersededRow), [
        {"sha256": t.sha256, "document_id": document_id, "source": t.source, "superseded_at": stamp} for t in twins
    ])  # fmt: skip
    retire(session, [t.sha256 for t in twins], keep=document_id)
    return tuple(Superseded(t.id, t.sha256, t.source) for t in twins)


def superseded_by(session: Session, sha256: str) -> int | None:
    """The document that stands for these bytes, a copy it superseded; None if they are no such copy."""
    return session.scalar(select(SupersededRow.document_id).where(SupersededRow.sha256 == sha256))


def retire(session: Session, sha256s: Sequence[str], keep: int) -> list[int]:
    """Delete the documents stored under `sha256s`, all but `keep`, in the caller's transaction.

    A narrative PDF ingested alone is a document of its own; once it is ingested
    with the tables PDF it announces, the disclosure of both supersedes it, and
    keeping both would count its facts twice.
    """
    ids = list(session.scalars(
        select(DocumentRow.id).where(DocumentRow.sha256.in_(list(sha256s)), DocumentRow.id != keep)
    ))
    if ids:
        for table in CHILD_TABLES:
            session.execute(delete(table).where(table.document_id.in_(ids)))
        session.execute(update(IngestRunRow).where(IngestRunRow.document_id.in_(ids)).values(document_id=None))
        session.execute(delete(DocumentRow).where(DocumentRow.id.in_(ids)))
    return ids


def _document_values(doc: Document) -> dict[str, Any]:
    values = asdict(doc.meta)
    values["files"] = list(doc.meta.files)
    values["listed_tables"] = [asdict(t) for t in doc.listed_tables]
    values["pages_without_text"] = list(doc.pages_without_text)
    values["pages_with_unmapped_glyphs"] = list(doc.pages_with_unmapped_glyphs)
    values["amounts_printed"] = doc.amounts_printed
    values["loaded_at"] = datetime.now(UTC).replace(tzinfo=None)
    values["tables_sha256"] = tables_digest((t.kind, t.title, t.unit, t.header, t.rows) for t in doc.tables)
    return values


@cache
def _field_names(record_type: type[Any]) -> tuple[str, ...]:
    return tuple(f.name for f in fields(record_type))


def _fields(record: Any) -> dict[str, Any]:
    """A record's fields as column values: `asdict` without its deep copies, which cost more
    than the insert itself for a document's thousands of line items and printed rows."""
    return {name: getattr(record, name) for name in _field_names(record.__class__)}


def _numbered(document_id: int, records: list[Any]) -> list[dict[str, Any]]:
    return [{**_fields(r), "document_id": document_id, "ordinal": i} for i, r in enumerate(records)]


def _child_rows(doc: Document, document_id: int) -> dict[type[Base], list[dict[str, Any]]]:
    tables = [
        {**_fields(t), "report": asdict(t.report) if t.report else None,
         "document_id": document_id, "table_index": i, "page": t.page}
        for i, t in enumerate(doc.tables)
    ]
    three = [
        {**asdict(figures), "document_id": document_id, "measure": measure}
        for measure, figures in (("total", doc.three_public), ("budget.total", doc.budgeted_three_public))
        if any(v is not None for v in asdict(figures).values())
    ]
    return {
        SectionRow: _numbered(document_id, doc.sections),
        SourceTableRow: tables,
        LineItemRow: _numbered(document_id, doc.line_items),
        ThreePublicRow: three,
        ProjectRow: _numbered(document_id, doc.projects),
        IndicatorRow: _numbered(document_id, doc.indicators),
        FactRow: _numbered(document_id, doc.facts),
        CheckRow: _numbered(document_id, doc.checks),
        UnaccountedRow: _numbered(document_id, doc.unaccounted),
    }


def _remember_code_names(session: Session, doc: Document) -> None:
    """Add the code names this document uses to `codes`; the first name seen stays."""
    names: dict[tuple[str, str], str] = {}
    for item in doc.line_items:
        if item.functional_code and item.functional_name:
            names.setdefault(("functional", item.functional_code), item.functional_name)
        if item.economic_code and item.economic_name:
            names.setdefault(("economic", item.economic_code), item.economic_name)
    if not names:
        return
    dialect = session.get_bind().dialect.name
    insert_fn = postgresql.insert if dialect == "postgresql" else sqlite.insert
    rows = [{"scheme": s, "code": c, "name": n} for (s, c), n in sorted(names.items())]
    session.execute(insert_fn(CodeRow).on_conflict_do_nothing(), rows)
