"""The tables: one row per thing a disclosure states, each citing its page.

Every child row carries `document_id` and the page it was printed on; line
items also carry the table index and row index of their cell, so a reader can
find the figure in the PDF. `ordinal` keeps each list in document order.
The schema itself is created by the Alembic migrations in `db/migrations`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from db.types import Amount


class Base(DeclarativeBase):
    type_annotation_map = {Decimal: Amount(), dict[str, Any]: JSON, list[Any]: JSON}


def _document_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)


class DocumentRow(Base):
    """One disclosure (one or several PDFs), keyed by its content hash."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(Text)
    files: Mapped[list[Any]]
    title: Mapped[str | None] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(String(100), index=True)
    department: Mapped[str | None] = mapped_column(String(200), index=True)
    fiscal_year: Mapped[int | None] = mapped_column(index=True)
    reporting_level: Mapped[str | None] = mapped_column(String(20))
    doc_kind: Mapped[str | None] = mapped_column(String(20), index=True)
    published_on: Mapped[date | None]
    page_count: Mapped[int]
    parser_version: Mapped[str] = mapped_column(String(40))
    loaded_at: Mapped[datetime]
    listed_tables: Mapped[list[Any]] = mapped_column(server_default="[]")
    """[{title, page}] of the tables a printed 目录 lists."""
    pages_without_text: Mapped[list[Any]] = mapped_column(server_default="[]")
    pages_with_unmapped_glyphs: Mapped[list[Any]] = mapped_column(server_default="[]")
    ocr_pages: Mapped[list[Any]] = mapped_column(default=list)
    """Pages read by OCR (scanned, no text layer); migration 0008."""
    amounts_printed: Mapped[int] = mapped_column(server_default="0")
    """Amounts the document prints in its tables and text; `unaccounted` lists those without a meaning (0010)."""
    tables_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    """`db.fingerprint.tables_digest` of its tables: a copy in other bytes has the same (0012)."""


class SupersededRow(Base):
    """A copy of a disclosure in other bytes that a later copy (the document) superseded."""

    __tablename__ = "superseded"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    document_id: Mapped[int] = _document_fk()
    source: Mapped[str] = mapped_column(Text)
    superseded_at: Mapped[datetime]


class SectionRow(Base):
    __tablename__ = "sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = _document_fk()
    ordinal: Mapped[int]
    page: Mapped[int]
    heading: Mapped[str] = mapped_column(Text)
    level: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    page_breaks: Mapped[list[Any]]


class SourceTableRow(Base):
    """A table as printed: header paths and raw body cells, kept verbatim."""

    __tablename__ = "source_tables"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = _document_fk()
    table_index: Mapped[int]
    page: Mapped[int]
    kind: Mapped[str] = mapped_column(String(60), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(String(20))
    pages: Mapped[list[Any]]
    header: Mapped[list[Any]]
    rows: Mapped[list[Any]]
    row_pages: Mapped[list[Any]]
    empty: Mapped[bool]
    note: Mapped[str | None] = mapped_column(Text)
    engine: Mapped[str] = mapped_column(String(40))
    report: Mapped[dict[str, Any] | None]
    """The parsing report (`schemas.records.TableReport`): engine, columns, stitching, confidence."""
    source: Mapped[str] = mapped_column(String(8), default="text")
    """`ocr` when some page of the table was read by OCR; migration 0008."""

    __table_args__ = (UniqueConstraint("document_id", "table_index"),)


class LineItemRow(Base):
    """One amount of one cell, with its codes, measure and the text it came from."""

    __tablename__ = "line_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = _document_fk()
    ordinal: Mapped[int]
    page: Mapped[int]
    table_index: Mapped[int]
    row_index: Mapped[int]
    table_kind: Mapped[str] = mapped_column(String(60))
    row_label: Mapped[str] = mapped_column(Text)
    column_path: Mapped[list[Any]]
    measure: Mapped[str | None] = mapped_column(String(60), index=True)
    functional_code: Mapped[str | None] = mapped_column(String(12), index=True)
    functional_name: Mapped[str | None] = mapped_column(Text)
    economic_code: Mapped[str | None] = mapped_column(String(12), index=True)
    economic_name: Mapped[str | None] = mapped_column(Text)
    government_economic_code: Mapped[str | None] = mapped_column(String(12))
    side: Mapped[int]
    amount: Mapped[Decimal]
    amount_source: Mapped[str] = mapped_column(Text)
    unit_source: Mapped[str | None] = mapped_column(String(20))
    is_total: Mapped[bool]
    column_index: Mapped[int | None]
    """The cell's column in its table (migration 0010)."""
    income: Mapped[bool] = mapped_column(server_default=false())
    """On the income side of a table printing income and expenditure side by side (0010)."""

    __table_args__ = (
        Index("ix_line_items_table_kind_measure", "table_kind", "measure"),
        Index("ix_line_items_printed_row", "document_id", "table_index", "row_index"),
    )


class ThreePublicRow(Base):
    """The "三公" costs of a document: its own figures (measure `total`: a budget's budget,
    a final account's 决算数) and, for a final account printing them, its 预算数 (`budget.total`),
    named like the line items' measures so `budget_vs_actual` pairs them the same way."""

    __tablename__ = "three_public"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    measure: Mapped[str] = mapped_column(String(24))
    page: Mapped[int | None]
    total: Mapped[Decimal | None]
    outbound_travel: Mapped[Decimal | None]
    reception: Mapped[Decimal | None]
    vehicles: Mapped[Decimal | None]
    vehicle_purchase: Mapped[Decimal | None]
    vehicle_operation: Mapped[Decimal | None]

    __table_args__ = (UniqueConstraint("document_id", "measure", name="uq_three_public_document_measure"),)


class ProjectRow(Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = _document_fk()
    ordinal: Mapped[int]
    page: Mapped[int]
    name: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal | None]
    previous_amount: Mapped[Decimal | None]
    start: Mapped[str | None] = mapped_column(String(40))
    end: Mapped[str | None] = mapped_column(String(40))
    unit_code: Mapped[str | None] = mapped_column(String(40))
    purpose: Mapped[str | None] = mapped_column(Text)
    manager: Mapped[str | None] = mapped_column(Text)
    table_index: Mapped[int | None]
    amount_source: Mapped[str | None] = mapped_column(Text)
    previous_amount_source: Mapped[str | None] = mapped_column(Text)


class IndicatorRow(Base):
    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = _document_fk()
    ordinal: Mapped[int]
    page: Mapped[int]
    scope: Mapped[str] = mapped_column(String(20))
    project: Mapped[str | None] = mapped_column(Text)
    level1: Mapped[str | None] = mapped_column(Text)
    level2: Mapped[str | None] = mapped_column(Text)
    level3: Mapped[str] = mapped_column(Text)
    target_raw: Mapped[str] = mapped_column(Text)
    operator: Mapped[str | None] = mapped_column(String(2))
    value: Mapped[Decimal | None]
    unit: Mapped[str | None] = mapped_column(String(40))
    table_index: Mapped[int | None]
    row_index: Mapped[int | None]


class FactRow(Base):
    __tablename__ = "facts"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = _document_fk()
    ordinal: Mapped[int]
    page: Mapped[int]
    key: Mapped[str] = mapped_column(String(100), index=True)
    label: Mapped[str] = mapped_column(Text)
    value: Mapped[Decimal]
    value_source: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(40))
    sentence: Mapped[str] = mapped_column(Text)
    scope: Mapped[str | None] = mapped_column(String(40))
    basis: Mapped[str | None] = mapped_column(String(10))


class CheckRow(Base):
    __tablename__ = "checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = _document_fk()
    ordinal: Mapped[int]
    page: Mapped[int | None]
    rule: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10), index=True)  # pass | warn | fail
    detail: Mapped[str] = mapped_column(Text)
    tables: Mapped[list[Any]] = mapped_column(server_default="[]")
    severity: Mapped[str] = mapped_column(String(10), server_default="fail")  # fail | warn
    covered: Mapped[int | None]


class UnaccountedRow(Base):
    """A printed amount the parse gave no meaning: where it stood and why (migration 0010)."""

    __tablename__ = "unaccounted"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = _document_fk()
    ordinal: Mapped[int]
    page: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(40), index=True)
    location: Mapped[str] = mapped_column(Text)
    table_index: Mapped[int | None]
    row_index: Mapped[int | None]
    column_index: Mapped[int | None]
    sentence: Mapped[str | None] = mapped_column(Text)


class CodeRow(Base):
    """Names of functional and economic classification codes, for the view.

    Filled from the canonical names of the line items as they are loaded, so
    a 7-digit 项 row can show the names of its 类 and 款.
    """

    __tablename__ = "codes"

    scheme: Mapped[str] = mapped_column(String(20), primary_key=True)
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(Text)


class IngestRunRow(Base):
    """One attempt at one file: what happened and why, for the batch summary."""

    __tablename__ = "ingest_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[str] = mapped_column(String(32), index=True)
    path: Mapped[str] = mapped_column(Text, index=True)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(10), index=True)
    reason: Mapped[str | None] = mapped_column(String(40))
    detail: Mapped[str | None] = mapped_column(Text)
    parser_version: Mapped[str] = mapped_column(String(40))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime]
    unaccounted: Mapped[int | None]
    """How many printed amounts the document this run loaded left unaccounted (migration 0010)."""



# --- The crawler's memory (`yusuan crawl`, pipeline/crawl): what was fetched, when, and what came back ----


class CrawlRunRow(Base):
    """One `yusuan crawl`: its start URLs and, once finished, its summary."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(12))
    """`running`, `finished`, or `interrupted` (killed; found by the next run)."""
    starts: Mapped[list[Any]]
    summary: Mapped[dict[str, Any] | None]


class CrawlUrlRow(Base):
    """Every URL the crawler fetched or decided not to: its validators and its last outcome."""

    __tablename__ = "crawl_urls"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    host: Mapped[str] = mapped_column(String(255), index=True)
    site: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))
    """`page` (HTML), `file` (a PDF link), `robots` (a host's robots.txt)."""
    status: Mapped[str] = mapped_column(String(20), index=True)
    """`ok`, `redirect`, `not_pdf`, `failed`, `robots_blocked`."""
    reason: Mapped[str | None] = mapped_column(String(40))
    detail: Mapped[str | None] = mapped_column(Text)
    http_status: Mapped[int | None]
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(String(64))
    content_type: Mapped[str | None] = mapped_column(String(100))
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    """The PDF this URL serves now (the newest version)."""
    size: Mapped[int | None]
    versions: Mapped[int]
    referrer: Mapped[str | None] = mapped_column(Text)
    link_text: Mapped[str | None] = mapped_column(Text)
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    last_changed: Mapped[datetime | None]
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id", ondelete="SET NULL"))


class CrawlFileRow(Base):
    """One downloaded PDF, named by its content: the same bytes at two URLs are one file."""

    __tablename__ = "crawl_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str] = mapped_column(Text)
    size: Mapped[int]
    first_url: Mapped[str] = mapped_column(Text)
    first_seen: Mapped[datetime]
    ingest_status: Mapped[str | None] = mapped_column(String(10))
    """None until `--ingest` has run on it; then `loaded`, `skipped` or `failed`."""
    ingest_reason: Mapped[str | None] = mapped_column(String(40))
    ingest_detail: Mapped[str | None] = mapped_column(Text)


class CrawlVersionRow(Base):
    """A URL served these bytes (first seen in that run): a changed file keeps its old versions."""

    __tablename__ = "crawl_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    url_id: Mapped[int] = mapped_column(ForeignKey("crawl_urls.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id", ondelete="SET NULL"))
    seen_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("url_id", "sha256"),)


CHILD_TABLES = (
    SectionRow,
    SourceTableRow,
    LineItemRow,
    ThreePublicRow,
    ProjectRow,
    IndicatorRow,
    FactRow,
    CheckRow,
    UnaccountedRow,
)
"""Tables whose rows belong to one document and are replaced with it."""
