"""Checks carry a severity: a failure, or a warning to read.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 19:40:00

Rows loaded before this revision were all failures or passes of fail-severity
rules, so they take "fail".
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("checks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("severity", sa.String(length=10), nullable=False, server_default="fail"))


def downgrade() -> None:
    with op.batch_alter_table("checks", schema=None) as batch_op:
        batch_op.drop_column("severity")
