"""OCR: the pages of a document read by OCR, and whether a table's text came from OCR.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 19:55:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("ocr_pages", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("source_tables") as batch:
        batch.add_column(sa.Column("source", sa.String(8), nullable=False, server_default="text"))


def downgrade() -> None:
    with op.batch_alter_table("source_tables") as batch:
        batch.drop_column("source")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("ocr_pages")
