"""Initial schema: every table, its indexes and the `line_items_view` view.

Revision ID: 0001
Revises:
Create Date: 2026-11-24 21:11:24.024580
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


LINE_ITEMS_VIEW = """
CREATE VIEW line_items_view AS
SELECT
    li.id AS line_item_id,
    d.id AS document_id,
    d.sha256,
    d.source,
    d.title,
    d.region,
    d.department,
    d.fiscal_year,
    d.reporting_level,
    d.doc_kind,
    li.table_kind,
    li.table_index,
    li.row_index,
    li.page,
    li.row_label,
    li.column_path,
    li.measure,
    li.functional_code,
    li.functional_name,
    substr(li.functional_code, 1, 3) AS functional_class_code,
    fc.name AS functional_class_name,
    CASE WHEN length(li.functional_code) >= 5 THEN substr(li.functional_code, 1, 5) END
        AS functional_subclass_code,
    fs.name AS functional_subclass_name,
    li.economic_code,
    li.economic_name,
    substr(li.economic_code, 1, 3) AS economic_class_code,
    ec.name AS economic_class_name,
    li.government_economic_code,
    li.amount,
    CAST(li.amount AS NUMERIC) AS amount_number,
    li.amount_source,
    li.unit_source,
    li.is_total
FROM line_items li
JOIN documents d ON d.id = li.document_id
LEFT JOIN codes fc ON fc.scheme = 'functional' AND fc.code = substr(li.functional_code, 1, 3)
LEFT JOIN codes fs ON fs.scheme = 'functional' AND length(li.functional_code) >= 5
    AND fs.code = substr(li.functional_code, 1, 5)
LEFT JOIN codes ec ON ec.scheme = 'economic' AND ec.code = substr(li.economic_code, 1, 3)
"""


def upgrade() -> None:
    op.create_table(
        "codes",
        sa.Column("scheme", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("scheme", "code"),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("department", sa.String(length=200), nullable=True),
        sa.Column("fiscal_year", sa.Integer(), nullable=True),
        sa.Column("reporting_level", sa.String(length=20), nullable=True),
        sa.Column("doc_kind", sa.String(length=20), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("page_count", sa.Integer(), nullable=False),
        sa.Column("parser_version", sa.String(length=40), nullable=False),
        sa.Column("loaded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sha256"),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_documents_department"), ["department"], unique=False)
        batch_op.create_index(batch_op.f("ix_documents_doc_kind"), ["doc_kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_documents_fiscal_year"), ["fiscal_year"], unique=False)
        batch_op.create_index(batch_op.f("ix_documents_region"), ["region"], unique=False)

    op.create_table(
        "checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("rule", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("checks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_checks_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_checks_status"), ["status"], unique=False)

    op.create_table(
        "facts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("value", db.types.Amount(), nullable=False),
        sa.Column("value_source", sa.Text(), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("facts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_facts_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_facts_key"), ["key"], unique=False)

    op.create_table(
        "indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("project", sa.Text(), nullable=True),
        sa.Column("level1", sa.Text(), nullable=True),
        sa.Column("level2", sa.Text(), nullable=True),
        sa.Column("level3", sa.Text(), nullable=False),
        sa.Column("target_raw", sa.Text(), nullable=False),
        sa.Column("operator", sa.String(length=2), nullable=True),
        sa.Column("value", db.types.Amount(), nullable=True),
        sa.Column("unit", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_indicators_document_id"), ["document_id"], unique=False)

    op.create_table(
        "ingest_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("parser_version", sa.String(length=40), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ingest_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ingest_runs_path"), ["path"], unique=False)
        batch_op.create_index(batch_op.f("ix_ingest_runs_run_id"), ["run_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ingest_runs_sha256"), ["sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_ingest_runs_status"), ["status"], unique=False)

    op.create_table(
        "line_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("table_index", sa.Integer(), nullable=False),
        sa.Column("row_index", sa.Integer(), nullable=False),
        sa.Column("table_kind", sa.String(length=60), nullable=False),
        sa.Column("row_label", sa.Text(), nullable=False),
        sa.Column("column_path", sa.JSON(), nullable=False),
        sa.Column("measure", sa.String(length=60), nullable=True),
        sa.Column("functional_code", sa.String(length=12), nullable=True),
        sa.Column("functional_name", sa.Text(), nullable=True),
        sa.Column("economic_code", sa.String(length=12), nullable=True),
        sa.Column("economic_name", sa.Text(), nullable=True),
        sa.Column("government_economic_code", sa.String(length=12), nullable=True),
        sa.Column("side", sa.Integer(), nullable=False),
        sa.Column("amount", db.types.Amount(), nullable=False),
        sa.Column("amount_source", sa.Text(), nullable=False),
        sa.Column("unit_source", sa.String(length=20), nullable=True),
        sa.Column("is_total", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("line_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_line_items_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_line_items_economic_code"), ["economic_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_line_items_functional_code"), ["functional_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_line_items_measure"), ["measure"], unique=False)
        batch_op.create_index("ix_line_items_table_kind_measure", ["table_kind", "measure"], unique=False)

    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("amount", db.types.Amount(), nullable=True),
        sa.Column("previous_amount", db.types.Amount(), nullable=True),
        sa.Column("start", sa.String(length=40), nullable=True),
        sa.Column("end", sa.String(length=40), nullable=True),
        sa.Column("unit_code", sa.String(length=40), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("manager", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_projects_document_id"), ["document_id"], unique=False)

    op.create_table(
        "sections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("heading", sa.Text(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("page_breaks", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sections_document_id"), ["document_id"], unique=False)

    op.create_table(
        "source_tables",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("table_index", sa.Integer(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("unit", sa.String(length=20), nullable=True),
        sa.Column("pages", sa.JSON(), nullable=False),
        sa.Column("header", sa.JSON(), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("row_pages", sa.JSON(), nullable=False),
        sa.Column("empty", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("engine", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("document_id", "table_index"),
    )
    with op.batch_alter_table("source_tables", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_source_tables_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_source_tables_kind"), ["kind"], unique=False)

    op.create_table(
        "three_public",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("total", db.types.Amount(), nullable=True),
        sa.Column("outbound_travel", db.types.Amount(), nullable=True),
        sa.Column("reception", db.types.Amount(), nullable=True),
        sa.Column("vehicles", db.types.Amount(), nullable=True),
        sa.Column("vehicle_purchase", db.types.Amount(), nullable=True),
        sa.Column("vehicle_operation", db.types.Amount(), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("document_id"),
    )
    op.execute(LINE_ITEMS_VIEW)


def downgrade() -> None:
    op.execute("DROP VIEW line_items_view")
    op.drop_table("three_public")
    with op.batch_alter_table("source_tables", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_source_tables_kind"))
        batch_op.drop_index(batch_op.f("ix_source_tables_document_id"))

    op.drop_table("source_tables")
    with op.batch_alter_table("sections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sections_document_id"))

    op.drop_table("sections")
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_projects_document_id"))

    op.drop_table("projects")
    with op.batch_alter_table("line_items", schema=None) as batch_op:
        batch_op.drop_index("ix_line_items_table_kind_measure")
        batch_op.drop_index(batch_op.f("ix_line_items_measure"))
        batch_op.drop_index(batch_op.f("ix_line_items_functional_code"))
        batch_op.drop_index(batch_op.f("ix_line_items_economic_code"))
        batch_op.drop_index(batch_op.f("ix_line_items_document_id"))

    op.drop_table("line_items")
    with op.batch_alter_table("ingest_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ingest_runs_status"))
        batch_op.drop_index(batch_op.f("ix_ingest_runs_sha256"))
        batch_op.drop_index(batch_op.f("ix_ingest_runs_run_id"))
        batch_op.drop_index(batch_op.f("ix_ingest_runs_path"))

    op.drop_table("ingest_runs")
    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicators_document_id"))

    op.drop_table("indicators")
    with op.batch_alter_table("facts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facts_key"))
        batch_op.drop_index(batch_op.f("ix_facts_document_id"))

    op.drop_table("facts")
    with op.batch_alter_table("checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checks_status"))
        batch_op.drop_index(batch_op.f("ix_checks_document_id"))

    op.drop_table("checks")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_region"))
        batch_op.drop_index(batch_op.f("ix_documents_fiscal_year"))
        batch_op.drop_index(batch_op.f("ix_documents_doc_kind"))
        batch_op.drop_index(batch_op.f("ix_documents_department"))

    op.drop_table("documents")
    op.drop_table("codes")
