"""How many rows each check covered; a fact's section scope and the basis of its year-on-year change.

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-29 19:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("checks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("covered", sa.Integer(), nullable=True))
    with op.batch_alter_table("facts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scope", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("basis", sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("facts", schema=None) as batch_op:
        batch_op.drop_column("basis")
        batch_op.drop_column("scope")
    with op.batch_alter_table("checks", schema=None) as batch_op:
        batch_op.drop_column("covered")
