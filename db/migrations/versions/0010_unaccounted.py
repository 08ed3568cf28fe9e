"""Accounting for every printed amount: the `unaccounted` table and the provenance it rests on.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 20:00:00

`unaccounted` lists, per document, each printed amount the parse gave no meaning
(page, text as printed, where it stood, why). `documents.amounts_printed` counts
every amount the document prints, so accounted = printed - unaccounted; each
ingest run records how many its document left unaccounted. Line items name the
column of their cell and whether they stand on an income side; projects their
table and their amounts as printed; indicators their table and row. Rows loaded
before this revision have no accounting: `amounts_printed` 0, nothing listed,
until the document is parsed again by a newer parser (ingest replaces it).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unaccounted",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("table_index", sa.Integer(), nullable=True),
        sa.Column("row_index", sa.Integer(), nullable=True),
        sa.Column("column_index", sa.Integer(), nullable=True),
        sa.Column("sentence", sa.Text(), nullable=True),
    )
    op.create_index("ix_unaccounted_document_id", "unaccounted", ["document_id"])
    op.create_index("ix_unaccounted_reason", "unaccounted", ["reason"])
    # Plain ADD COLUMN on both dialects: a batch rebuild of line_items on SQLite would break the views over it.
    op.add_column("documents", sa.Column("amounts_printed", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("line_items", sa.Column("column_index", sa.Integer(), nullable=True))
    op.add_column("line_items", sa.Column("income", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("projects", sa.Column("table_index", sa.Integer(), nullable=True))
    op.add_column("projects", sa.Column("amount_source", sa.Text(), nullable=True))
    op.add_column("projects", sa.Column("previous_amount_source", sa.Text(), nullable=True))
    op.add_column("indicators", sa.Column("table_index", sa.Integer(), nullable=True))
    op.add_column("indicators", sa.Column("row_index", sa.Integer(), nullable=True))
    op.add_column("ingest_runs", sa.Column("unaccounted", sa.Integer(), nullable=True))


def downgrade() -> None:
    # DROP COLUMN (SQLite 3.35+): the columns carry no constraint or index.
    for table, column in (("ingest_runs", "unaccounted"), ("indicators", "row_index"), ("indicators", "table_index"),
                          ("projects", "previous_amount_source"), ("projects", "amount_source"),
                          ("projects", "table_index"), ("line_items", "income"), ("line_items", "column_index"),
                          ("documents", "amounts_printed")):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    op.drop_index("ix_unaccounted_reason", "unaccounted")
    op.drop_index("ix_unaccounted_document_id", "unaccounted")
    op.drop_table("unaccounted")
