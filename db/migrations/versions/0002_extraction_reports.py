"""What extraction learned, stored: a parsing report per table, the tables a 目录
lists, pages without a text layer, and which tables each check compared.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_DOCUMENT_LISTS = ("listed_tables", "pages_without_text", "pages_with_unmapped_glyphs")


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        for name in _DOCUMENT_LISTS:
            batch.add_column(sa.Column(name, sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("source_tables") as batch:
        batch.add_column(sa.Column("report", sa.JSON(), nullable=True))
    with op.batch_alter_table("checks") as batch:
        batch.add_column(sa.Column("tables", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("checks") as batch:
        batch.drop_column("tables")
    with op.batch_alter_table("source_tables") as batch:
        batch.drop_column("report")
    with op.batch_alter_table("documents") as batch:
        for name in _DOCUMENT_LISTS:
            batch.drop_column(name)
