"""The views as selectables (`line_items_view`, `budget_vs_actual`, `spending`, `changes`), typed so amounts come back as Decimal.

The view itself is created by the migrations; this only declares its columns
for queries (it lives outside `Base.metadata`, so Alembic leaves it alone).
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Integer, MetaData, String, Table

from db.types import Amount

line_items_view = Table(
    "line_items_view",
    MetaData(),
    *(Column(name, Integer) for name in ("line_item_id", "document_id")),
    *(Column(name, String) for name in ("sha256", "source", "title", "region", "department")),
    Column("fiscal_year", Integer),
    *(Column(name, String) for name in ("reporting_level", "doc_kind", "table_kind")),
    *(Column(name, Integer) for name in ("table_index", "row_index", "page")),
    Column("row_label", String),
    Column("column_path", JSON),
    *(
        Column(name, String)
        for name in (
            "measure",
            "functional_code",
            "functional_name",
            "functional_class_code",
            "functional_class_name",
            "functional_subclass_code",
            "functional_subclass_name",
            "economic_code",
            "economic_name",
            "economic_class_code",
            "economic_class_name",
            "government_economic_code",
        )
    ),  # fmt: skip
    Column("amount", Amount),
    Column("amount_number", Amount),
    *(Column(name, String) for name in ("amount_source", "unit_source")),
    Column("is_total", Boolean),
)

budget_vs_actual = Table(
    "budget_vs_actual",
    MetaData(),
    *(Column(name, String) for name in ("region", "department")),
    Column("fiscal_year", Integer),
    *(Column(name, String) for name in ("scope", "item", "functional_code", "name")),
    *(Column(name, Amount) for name in ("budget_amount", "adjusted_amount", "final_amount", "difference")),
    Column("execution_rate", Amount),
    Column("budget_from", String),
    Column("budget_document_id", Integer),
    *(Column(name, String) for name in ("budget_sha256", "budget_source")),
    Column("budget_page", Integer),
    Column("final_document_id", Integer),
    *(Column(name, String) for name in ("final_sha256", "final_source")),
    Column("final_page", Integer),
)
"""Final accounts beside their budgets (migration 0004); `execution_rate` is a percent."""

spending = Table(
    "spending",
    MetaData(),
    Column("document_id", Integer),
    *(Column(name, String) for name in ("sha256", "source", "region", "department")),
    Column("fiscal_year", Integer),
    *(Column(name, String) for name in ("reporting_level", "doc_kind", "scope", "table_kind")),
    *(Column(name, Integer) for name in ("table_index", "row_index", "page")),
    *(Column(name, String) for name in ("functional_code", "functional_name", "level")),
    Column("is_leaf", Boolean),
    Column("amount", Amount),
    Column("amount_fen", Integer),
    *(Column(name, Amount) for name in ("amount_wan", "basic_amount", "project_amount", "previous_amount", "budget_amount")),
)
"""One authoritative table's coded rows per document and scope (migration 0011): sums count each yuan once."""

changes = Table(
    "changes",
    MetaData(),
    Column("document_id", Integer),
    *(Column(name, String) for name in ("region", "department")),
    Column("fiscal_year", Integer),
    *(Column(name, String) for name in ("doc_kind", "scope", "item", "name", "level")),
    *(Column(name, Amount) for name in ("amount", "previous_amount", "change_amount", "change_percent")),
    Column("change_from", String),
    Column("page", Integer),
    Column("previous_document_id", Integer),
    Column("previous_page", Integer),
    *(Column(name, String) for name in ("sentence", "basis")),
)
"""Year-on-year changes (migration 0011): `change_from` is previous_disclosure, printed_previous_year or narrative."""
