"""Getting data out: contract JSON per document, and flat rows for CSV and XLSX.

The JSON of a stored document is rebuilt with `db.reader` and rendered by
`schemas.contract.to_contract`, so it equals the JSON `yusuan parse` printed
for the same file. Flat exports carry the document's identity on every row.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from db.models import CheckRow, DocumentRow, FactRow, IndicatorRow, ProjectRow, ThreePublicRow
from db.reader import read_document
from db.views import budget_vs_actual, changes, line_items_view, spending
from schemas.contract import to_contract

WHATS = (
    "line_items", "indicators", "projects", "facts", "three_public", "checks", "budget_vs_actual", "spending", "changes",
)  # fmt: skip
DOCUMENT_COLUMNS = ("sha256", "source", "region", "department", "fiscal_year", "doc_kind")


@dataclass(frozen=True)
class Filters:
    """Which rows to export. Region and department match a part of the name
    (`普陀` finds 上海市普陀区); `code` is a prefix of the functional or
    economic code and applies to line items only."""

    year: int | None = None
    region: str | None = None
    department: str | None = None
    code: str | None = None
    sha256: str | None = None


def _where_document(query: Select[Any], columns: Any, filters: Filters) -> Select[Any]:
    if filters.year is not None:
        query = query.where(columns.fiscal_year == filters.year)
    if filters.region:
        query = query.where(columns.region.contains(filters.region, autoescape=True))
    if filters.department:
        query = query.where(columns.department.contains(filters.department, autoescape=True))
    if filters.sha256:
        query = query.where(columns.sha256 == filters.sha256)
    return query


def _spending_query(filters: Filters) -> Select[Any]:
    view = spending
    query = _where_document(select(view), view.c, filters)
    if filters.code:
        query = query.where(view.c.functional_code.startswith(filters.code, autoescape=True))
    return query.order_by(view.c.document_id, view.c.scope, view.c.table_index, view.c.row_index)


def _changes_query(filters: Filters) -> Select[Any]:
    """The view's rows; `sha256` picks the document whose changes they are."""
    view = changes
    query = _where_document(select(view), view.c, replace(filters, sha256=None))
    if filters.sha256:
        query = query.where(view.c.document_id.in_(select(DocumentRow.id).where(DocumentRow.sha256 == filters.sha256)))
    return query.order_by(view.c.document_id, view.c.scope, view.c.item)


def document_ids(session: Session, filters: Filters) -> list[int]:
    query = _where_document(select(DocumentRow.id), DocumentRow, filters).order_by(DocumentRow.id)
    return list(session.scalars(query))


def contract_objects(session: Session, filters: Filters) -> Iterator[dict[str, Any]]:
    """The export-contract object of every matching document, one at a time."""
    for document_id in document_ids(session, filters):
        yield to_contract(read_document(session, document_id))


def _line_items_query(filters: Filters) -> Select[Any]:
    view = line_items_view
    columns = [c for c in view.c if c.name not in ("amount_number", "line_item_id")]
    query = _where_document(select(*columns), view.c, filters)
    if filters.code:
        prefix = filters.code
        query = query.where(
            or_(
                view.c.functional_code.startswith(prefix, autoescape=True),
                view.c.economic_code.startswith(prefix, autoescape=True),
            )
        )
    return query.order_by(view.c.document_id, view.c.line_item_id)


_RECORD_TABLES: dict[str, Any] = {
    "indicators": IndicatorRow,
    "projects": ProjectRow,
    "facts": FactRow,
    "three_public": ThreePublicRow,
    "checks": CheckRow,
}
CODE_FILTERED = ("line_items", "budget_vs_actual", "spending")


def _records_query(what: str, filters: Filters) -> Select[Any]:
    table = _RECORD_TABLES[what]
    own = [c for c in table.__table__.c if c.name not in ("id", "document_id")]
    documents = [getattr(DocumentRow, name) for name in DOCUMENT_COLUMNS]
    query = select(*documents, *own).join(DocumentRow, DocumentRow.id == table.document_id)
    order = [table.document_id, getattr(table, "ordinal", table.id)]
    return _where_document(query, DocumentRow, filters).order_by(*order)


def _budget_vs_actual_query(filters: Filters) -> Select[Any]:
    """The view's rows; `sha256` picks a final account, or the budget it is compared with."""
    view = budget_vs_actual
    query = _where_document(select(view), view.c, replace(filters, sha256=None))
    if filters.sha256:
        query = query.where(or_(view.c.final_sha256 == filters.sha256, view.c.budget_sha256 == filters.sha256))
    if filters.code:
        query = query.where(view.c.functional_code.startswith(filters.code, autoescape=True))
    return query.order_by(view.c.final_document_id, view.c.scope, view.c.item)


def table_query(what: str, filters: Filters) -> Select[Any]:
    """The query for the rows of `what` (one of `WHATS`); its columns carry their types."""
    if what not in WHATS:
        raise ValueError(f"unknown export {what!r}; choose one of {', '.join(WHATS)}")
    if filters.code and what not in CODE_FILTERED:
        raise ValueError(f"the code filter applies to {', '.join(CODE_FILTERED)} only")
    if what == "line_items":
        return _line_items_query(filters)
    if what == "budget_vs_actual":
        return _budget_vs_actual_query(filters)
    if what == "spending":
        return _spending_query(filters)
    if what == "changes":
        return _changes_query(filters)
    return _records_query(what, filters)


def table_rows(session: Session, what: str, filters: Filters) -> tuple[list[str], Iterator[Sequence[Any]]]:
    """Column names and rows of `what` (one of `WHATS`) across the database."""
    result = session.execute(table_query(what, filters).execution_options(yield_per=1000))
    return list(result.keys()), iter(result)


def cell(value: Any) -> Any:
    """A cell for a flat file: exact decimal text, JSON for lists."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_csv(columns: list[str], rows: Iterator[Sequence[Any]], stream: IO[str], excel: bool = False) -> int:
    """CSV rows; `excel` starts with a byte-order mark so Excel reads the UTF-8 Chinese text."""
    if excel:
        stream.write("\ufeff")
    writer = csv.writer(stream)
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([cell(v) for v in row])
        count += 1
    return count


def write_xlsx(columns: list[str], rows: Iterator[Sequence[Any]], path: Path, sheet: str) -> int:
    """An XLSX workbook; amounts stay numbers (openpyxl writes a Decimal's exact digits)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    ws.append(columns)
    count = 0
    for row in rows:
        ws.append([v if isinstance(v, Decimal) else cell(v) for v in row])
        count += 1
    book.save(path)
    return count


def write_json(objects: Iterator[dict[str, Any]], stream: IO[str], single: bool = False) -> int:
    """A JSON array of contract objects, written as they come; one bare object if `single`."""
    count = 0
    if single:
        obj = next(objects, None)
        if obj is not None:
            stream.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")
            count = 1
        return count
    stream.write("[")
    for obj in objects:
        stream.write(("," if count else "") + "\n" + json.dumps(obj, ensure_ascii=False, indent=2))
        count += 1
    stream.write("\n]\n")
    return count
