"""A final account's 三公 as budgeted: `three_public.measure`, and `budget_vs_actual` falling back to it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 22:10:00

`three_public` held one row per document. A final account's 三公 table prints
预算数 beside 决算数, so it now holds a row per measure, named like the line
items' measures: `total` (the document's own figures, as every existing row
is) and `budget.total` (the final account's 预算数). The view revision 0004
created takes each 三公 cell's measure from that column, so a final account
without a budget disclosure beside it is compared with its own 预算数, as its
functional codes and totals already are.
"""

from __future__ import annotations

from types import ModuleType

import sqlalchemy as sa
from alembic import op

from db.migrate import revision_module

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# The one change to the view: the 三公 cells carry their row's measure instead of 'total'.
_THREE_PUBLIC_CELL = "k.name, 'total',"
# The unnamed UNIQUE (document_id) of revision 0001, as each dialect names it.
_OLD_UNIQUE = {"postgresql": "three_public_document_id_key", "sqlite": "uq_three_public_document_id"}
_NEW_UNIQUE = "uq_three_public_document_measure"


def _query_site() -> ModuleType:
    """Revision 0004, which defines the view this revision redefines."""
    return revision_module("0004_query_site.py")


def _create_view(three_public_measure: str) -> None:
    """Revision 0004's `budget_vs_actual`, its 三公 cells taking `three_public_measure`."""
    query_site = _query_site()
    sql = query_site.BUDGET_VS_ACTUAL_VIEW
    assert sql.count(_THREE_PUBLIC_CELL) == 1, "revision 0004's view changed: update this revision"
    sql = sql.replace(_THREE_PUBLIC_CELL, f"k.name, {three_public_measure},")
    op.execute(sql.format(**query_site._DIALECT_SQL[op.get_bind().dialect.name]))


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.execute("DROP VIEW budget_vs_actual")
    # SQLite reflects the unnamed constraint; the convention gives it the name dropped below.
    with op.batch_alter_table("three_public", naming_convention={"uq": "uq_%(table_name)s_%(column_0_name)s"}) as batch:
        batch.add_column(sa.Column("measure", sa.String(24), nullable=False, server_default="total"))
        batch.drop_constraint(_OLD_UNIQUE[dialect], type_="unique")
        batch.create_unique_constraint(_NEW_UNIQUE, ["document_id", "measure"])
    with op.batch_alter_table("three_public") as batch:
        batch.alter_column("measure", server_default=None)
    _create_view("t.measure")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.execute("DROP VIEW budget_vs_actual")
    op.execute("DELETE FROM three_public WHERE measure <> 'total'")
    with op.batch_alter_table("three_public") as batch:
        batch.drop_constraint(_NEW_UNIQUE, type_="unique")
        batch.drop_column("measure")
        batch.create_unique_constraint(_OLD_UNIQUE[dialect], ["document_id"])
    _create_view("'total'")
