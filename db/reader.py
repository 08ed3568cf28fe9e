"""Rebuild a `Document` from its rows, so an export equals the parse it came from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import (
    Base,
    CheckRow,
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
from schemas.records import (
    Check,
    Document,
    DocumentMeta,
    Fact,
    Indicator,
    LineItem,
    ListedTable,
    Project,
    Section,
    SourceTable,
    Stitch,
    TableReport,
    ThreePublic,
    Unaccounted,
)


def _record(cls: Any, row: Base) -> Any:
    return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})


def _table(row: SourceTableRow) -> SourceTable:
    table: SourceTable = _record(SourceTable, row)
    if row.report is not None:
        stitched = tuple(Stitch(**s) for s in row.report.get("stitched", []))
        table.report = TableReport(**{**row.report, "stitched": stitched})
    return table


def _check(row: CheckRow) -> Check:
    check: Check = _record(Check, row)
    check.tables = tuple(row.tables or ())
    return check


def _records(session: Session, cls: Any, table: Any, document_id: int) -> list[Any]:
    order = table.table_index if table is SourceTableRow else table.ordinal
    rows = session.scalars(select(table).where(table.document_id == document_id).order_by(order))
    readers: dict[Any, Callable[[Any], Any]] = {SourceTable: _table, Check: _check}
    read = readers.get(cls, lambda row: _record(cls, row))
    return [read(row) for row in rows]


def read_document(session: Session, document_id: int) -> Document:
    """The `Document` stored under `document_id`, lists in document order."""
    row = session.get_one(DocumentRow, document_id)
    three = {r.measure: _record(ThreePublic, r) for r in session.scalars(
        select(ThreePublicRow).where(ThreePublicRow.document_id == document_id))}
    return Document(
        meta=_record(DocumentMeta, row),
        sections=_records(session, Section, SectionRow, document_id),
        tables=_records(session, SourceTable, SourceTableRow, document_id),
        line_items=_records(session, LineItem, LineItemRow, document_id),
        three_public=three.get("total", ThreePublic()),
        budgeted_three_public=three.get("budget.total", ThreePublic()),
        projects=_records(session, Project, ProjectRow, document_id),
        indicators=_records(session, Indicator, IndicatorRow, document_id),
        facts=_records(session, Fact, FactRow, document_id),
        checks=_records(session, Check, CheckRow, document_id),
        unaccounted=_records(session, Unaccounted, UnaccountedRow, document_id),
        amounts_printed=row.amounts_printed,
        listed_tables=[ListedTable(**t) for t in row.listed_tables or []],
        pages_without_text=list(row.pages_without_text or []),
        pages_with_unmapped_glyphs=list(row.pages_with_unmapped_glyphs or []),
    )
