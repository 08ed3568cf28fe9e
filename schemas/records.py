"""Typed records of one disclosure, shaped like the document they come from.

`Document` → `Section`, `SourceTable` → `LineItem`, `Project` → `Indicator`,
`Fact`, `Check`. Every stage passes these plain dataclasses along; only
`schemas.contract` knows how they become the export contract's JSON.
Amounts are `Decimal` yuan throughout, never float.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Literal

ReportingLevel = Literal["department", "unit"]
DocKind = Literal["budget", "final_accounts"]
Scope = Literal["department", "project"]
Operator = Literal["=", ">", ">=", "<", "<="]
Severity = Literal["fail", "warn"]
Status = Literal["pass", "warn", "fail"]
ChangeBasis = Literal["budget", "actual"]
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


Confidence = Literal["high", "low", "unchecked"]


@dataclass(frozen=True)
class Stitch:
    """A page a table was continued on, and why it was taken as the same table."""

    page: int
    why: str


@dataclass(frozen=True)
class TableReport:
    """How one table was read, so a user can see which tables to trust (as camelot's
    parsing report does): the engine, where its columns came from, the header rows,
    the pages stitched on and why, why it is empty, and what the checks said of it.
    """

    engine: str
    columns_from: str
    """ruling_lines (a ruled grid), header_words (an unruled table's header), stream
    (camelot's stream columns), carried (the columns of the table it continues)."""
    header_rows: int
    stitched: tuple[Stitch, ...] = ()
    empty_reason: str | None = None
    confidence: Confidence = "unchecked"
    """high: every check comparing its figures passed; low: one failed; unchecked: none compared them."""
    checks_passed: int = 0
    checks_failed: int = 0
    amounts_printed: int = 0
    """How many amounts the table prints (the accounting's count: `Records.coverage`)."""
    amounts_accounted: int = 0
    """How many of them the parse gave a meaning: a line item with a measure (and a code), or a record's field."""


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
    report: TableReport | None = None
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
    column_index: int | None = None
    """The cell's column in its table (with `table_index` and `row_index`, where the figure stands)."""
    income: bool = False
    """It stands on the income side of a table printing income and expenditure side by side: its
    row names a source of money (一般公共预算拨款收入), not a classification item, so it has no code."""


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
    table_index: int | None = None
    """The table the project is read from (None for a project described only in prose)."""
    amount_source: str | None = None
    """`amount` as printed."""
    previous_amount_source: str | None = None
    """`previous_amount` as printed."""


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
    table_index: int | None = None
    row_index: int | None = None
    """Where the target is printed: the table and its body row."""


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
    scope: str | None = None
    """Which money the section stating the figure is about: `all` funds, `appropriation`
    (财政拨款), `general_budget` (一般公共预算), `fund_budget`, …; it decides the table compared."""
    basis: ChangeBasis | None = None
    """For a year-on-year change: what it is measured against, last year's budget
    (`比上年预算数`) or its actual outturn (`比上年执行数`); None where the text does not say."""


@dataclass
class Check:
    """The outcome of one consistency rule; a failure never changes a value."""

    rule: str
    status: Status  # "pass", or the severity of the rule that did not pass
    detail: str
    page: int | None = None
    severity: Severity = "fail"  # what not passing means: a failure, or a warning to read
    tables: tuple[int, ...] = ()
    """Indexes of the tables whose figures the check compared (for their reports' confidence)."""
    covered: int | None = None
    """How many rows, figures or tables the check compared (a check comparing nothing is no evidence)."""

    @classmethod
    def outcome(cls, rule: str, passed: bool, severity: Severity, detail: str, page: int | None) -> Check:
        """A check whose status follows from whether it passed and how much that matters."""
        return cls(rule, "pass" if passed else severity, detail, page, severity=severity)


@dataclass(frozen=True)
class Unaccounted:
    """An amount a page prints that the parse gave no meaning, where it stood and why.

    A table cell names its table, row and column; a figure of the narrative its sentence.
    `reason` is one of `schemas.accounting.REASONS`.
    """

    page: int
    text: str
    """The amount as printed (`9,882.28`, `2,906.80万元`)."""
    reason: str
    location: str
    """Where it stood, for a reader: `table 3 (department_expenditure) row '合计', column 基本支出/小计`."""
    table_index: int | None = None
    row_index: int | None = None
    column_index: int | None = None
    sentence: str | None = None


@dataclass(frozen=True)
class Coverage:
    """How many amounts one table prints and how many of them the parse accounted for."""

    table_index: int
    printed: int
    accounted: int


@dataclass(frozen=True)
class ListedTable:
    """A table a printed 目录 (contents page) lists: each must have been read."""

    title: str
    page: int


@dataclass(frozen=True)
class IdentityReading:
    """A department name OCR read on the cover, against what the document's other pages state.

    Kept with the extraction so the `ocr_identity` check can report it; not stored itself:
    its check is.
    """

    page: int
    """The page OCR read the name from."""
    cover: str
    """The name as OCR read it there."""
    text: str | None
    """The reading the other pages state most (the cover's own, or one a glyph or more apart), if any."""
    stated: int
    """How many times the other pages state `text`."""
    taken: bool
    """`text` is the document's department: the other pages confirm it often enough."""


@dataclass
class Extraction:
    """What the extract stage read from the PDFs of one disclosure.

    The only input of normalize and validate: everything extraction learned
    that a later stage uses is a field here, never a side channel.
    """

    meta: DocumentMeta
    sections: list[Section] = field(default_factory=list)
    tables: list[SourceTable] = field(default_factory=list)
    listed_tables: list[ListedTable] = field(default_factory=list)
    pages_without_text: list[int] = field(default_factory=list)
    """Pages that are only an image (no text layer)."""
    pages_with_unmapped_glyphs: list[int] = field(default_factory=list)
    """Pages whose glyphs have no Unicode mapping (pdfminer's `(cid:N)`)."""
    identity_reading: IdentityReading | None = None
    """How far the other pages confirm a department read by OCR from the cover (None: read from text)."""


@dataclass
class Records:
    """What the normalize stage reads from an `Extraction`: amounts on codes, and the rest."""

    line_items: list[LineItem] = field(default_factory=list)
    three_public: ThreePublic = field(default_factory=ThreePublic)
    budgeted_three_public: ThreePublic = field(default_factory=ThreePublic)
    """A final account's 三公 as its own 预算数 columns print it (empty for a budget)."""
    projects: list[Project] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    unaccounted: list[Unaccounted] = field(default_factory=list)
    """Every printed amount the records above do not account for (see `pipeline.normalize.accounting`)."""
    coverage: list[Coverage] = field(default_factory=list)
    """Per table, amounts printed and accounted for."""
    amounts_printed: int = 0
    """Every amount the document prints, in its tables and its text (the accounting's count)."""


@dataclass
class Document:
    """Everything Yusuan knows about one disclosure: an extraction, its records and checks."""

    meta: DocumentMeta
    sections: list[Section] = field(default_factory=list)
    tables: list[SourceTable] = field(default_factory=list)
    line_items: list[LineItem] = field(default_factory=list)
    three_public: ThreePublic = field(default_factory=ThreePublic)
    budgeted_three_public: ThreePublic = field(default_factory=ThreePublic)
    """A final account's 三公 as its own 预算数 columns print it (empty for a budget)."""
    projects: list[Project] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    unaccounted: list[Unaccounted] = field(default_factory=list)
    """Printed amounts the parse gave no meaning: a document is clean only when this is empty."""
    amounts_printed: int = 0
    listed_tables: list[ListedTable] = field(default_factory=list)
    pages_without_text: list[int] = field(default_factory=list)
    pages_with_unmapped_glyphs: list[int] = field(default_factory=list)
    identity_reading: IdentityReading | None = None

    @classmethod
    def assemble(cls, extraction: Extraction, records: Records, checks: list[Check]) -> Document:
        """The document the three stages' outputs make; none of them is changed.

        Each table's report gains its confidence from the checks that compared it and its
        coverage from the accounting.
        """
        coverage = {c.table_index: c for c in records.coverage}
        return cls(
            meta=extraction.meta,
            sections=list(extraction.sections),
            tables=[_with_report(t, i, checks, coverage.get(i)) for i, t in enumerate(extraction.tables)],
            line_items=list(records.line_items),
            three_public=records.three_public,
            budgeted_three_public=records.budgeted_three_public,
            projects=list(records.projects),
            indicators=list(records.indicators),
            facts=list(records.facts),
            checks=list(checks),
            unaccounted=list(records.unaccounted),
            amounts_printed=records.amounts_printed,
            listed_tables=list(extraction.listed_tables),
            pages_without_text=list(extraction.pages_without_text),
            pages_with_unmapped_glyphs=list(extraction.pages_with_unmapped_glyphs),
            identity_reading=extraction.identity_reading,
        )


def _with_report(table: SourceTable, index: int, checks: list[Check], coverage: Coverage | None) -> SourceTable:
    if table.report is None:
        return table
    mine = [c for c in checks if index in c.tables]
    passed = sum(1 for c in mine if c.status == "pass")
    failed = sum(1 for c in mine if c.status == "fail")
    confidence: Confidence = "low" if failed else "high" if passed else "unchecked"
    report = replace(table.report, confidence=confidence, checks_passed=passed, checks_failed=failed,
                     amounts_printed=coverage.printed if coverage else 0,
                     amounts_accounted=coverage.accounted if coverage else 0)
    return replace(table, report=report)
