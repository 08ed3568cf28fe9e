"""The `line_items_view` view as a selectable, typed so amounts come back as Decimal.

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
