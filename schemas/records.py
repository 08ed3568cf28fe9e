"""Typed records of one disclosure, shaped like the document they come from.

`Document` → `Section`, `SourceTable` → `LineItem`, `Project` → `Indicator`,
`Fact`, `Check`. Every stage passes these plain dataclasses along; only
`schemas.contract` knows how they become the export contract's JSON.
Amounts are `Decimal` yuan throughout, never float.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

ReportingLevel = Literal["department", "unit"]
DocKind = Literal["budget", "final_accounts"]
Scope = Literal["department", "project"]
Operator = Literal["=", ">", ">=", "<", "<="]
Status = Literal["pass", "fail"]
TableSource = Literal["text", "ocr"]


@dataclass
class DocumentMeta:
    """What the cover and file say about a disclosure."""

    sha256: str
    source: str
    page_count: int
    parser_version: str
    title: str | None = None
    region: str | None = None
    department: str | None = None
    fiscal_year: int | None = None
    reporting_level: ReportingLevel | None = None
    doc_kind: DocKind | None = None
    published_on: date | None = None
    files: list[str] = field(default_factory=list)
    """Every source file of a disclosure published as several PDFs, in page order."""
    ocr_pages: list[int] = field(default_factory=list)
    """Pages printed with no text layer (scanned) whose text was read by OCR."""


@dataclass
class Section:
    """A heading of the narrative with the text under it."""

    heading: str
    level: int
    page: int
    text: str
    page_breaks: list[int] = field(default_factory=list)
    """Offsets into `text` where the next page begins, so each sentence can cite its own page."""

    def page_at(self, offset: int) -> int:
        """The page the character at `offset` of the text is printed on."""
        return self.page + sum(1 for b in self.page_breaks if b <= offset)


@dataclass
class SourceTable:
    """One table as printed, stitched across pages, before normalization.

    `header` holds one column path per column (the merged header rows read
    top-down); `rows` the body cells with line breaks rejoined. `row_pages`
    says on which page each body row was printed, for provenance.
    """

    kind: str
    title: str | None
    unit: str | None
    pages: list[int]
    header: list[list[str]]
    rows: list[list[str | None]]
    row_pages: list[int] = field(default_factory=list)
    empty: bool = False
    note: str | None = None
    engine: str = "pdfplumber"
    source: TableSource = "text"
    """`ocr` when some page of the table was read by OCR: its figures may hold misread digits."""

    @property
    def page(self) -> int:
        return self.pages[0]


@dataclass
class LineItem:
    """One amount of one table cell, placed on its codes and measure."""

    table_kind: str
    table_index: int
    row_index: int
    page: int
    row_label: str
    column_path: list[str]
    amount: Decimal
    amount_source: str
    unit_source: str | None
    measure: str | None = None
    functional_code: str | None = None
    functional_name: str | None = None
    economic_code: str | None = None
    economic_name: str | None = None
    government_economic_code: str | None = None
    side: int = 0
    """Which side of a table printing income and expenditure side by side the amount stands on."""
    is_total: bool = False
    """A totals row (合计/总计) or the department's own row: kept, not to be summed with items."""


@dataclass
class ThreePublic:
    """The "三公" costs of the budget year, in yuan."""

    total: Decimal | None = None
    outbound_travel: Decimal | None = None
    reception: Decimal | None = None
    vehicles: Decimal | None = None
    vehicle_purchase: Decimal | None = None
    vehicle_operation: Decimal | None = None
    page: int | None = None


@dataclass
class Project:
    """A project as its performance table (and description) states it."""

    name: str
    page: int
    amount: Decimal | None = None
    previous_amount: Decimal | None = None
    start: str | None = None
    end: str | None = None
    unit_code: str | None = None
    purpose: str | None = None
    manager: str | None = None


@dataclass
class Indicator:
    """One performance target: 一级 › 二级 › 三级 指标 and its parsed value."""

    scope: Scope
    level3: str
    target_raw: str
    page: int
    project: str | None = None
    level1: str | None = None
    level2: str | None = None
    operator: Operator | None = None
    value: Decimal | None = None
    unit: str | None = None


@dataclass
class Fact:
    """A figure the narrative states, with the sentence that states it."""

    key: str
    label: str
    value: Decimal
    unit: str
    page: int
    sentence: str
    value_source: str = ""
    """The figure as printed (`500.9万元`): its decimals say how precisely to compare."""


@dataclass
class Check:
    """The outcome of one consistency rule; a failure never changes a value."""

    rule: str
    status: Status
    detail: str
    page: int | None = None


@dataclass
class Document:
    """Everything Yusuan knows about one disclosure."""

    meta: DocumentMeta
    sections: list[Section] = field(default_factory=list)
    tables: list[SourceTable] = field(default_factory=list)
    line_items: list[LineItem] = field(default_factory=list)
    three_public: ThreePublic = field(default_factory=ThreePublic)
    projects: list[Project] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    listed_tables: list[tuple[str, int]] = field(default_factory=list)
    """(title, page) of the tables a printed 目录 lists, to confirm each was read."""
