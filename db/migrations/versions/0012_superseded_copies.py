"""The same disclosure in other bytes: `documents.tables_sha256` and the table `superseded`.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 19:40:00

A re-saved PDF (bytes appended, an owner password) has another sha256 and was
loaded as another document with identical rows. `documents.tables_sha256`
(`db.fingerprint.tables_digest`, computed here for the documents already
stored) lets the loader find a document's earlier copy, which the new one
supersedes; `superseded` remembers the copies' sha256s, so a later ingest of
an old copy is skipped instead of swapping the documents back.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

from db.fingerprint import tables_digest

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _json(value: object) -> list[object]:
    return json.loads(value) if isinstance(value, str) else list(value or [])  # type: ignore[call-overload]


def upgrade() -> None:
    op.add_column("documents", sa.Column("tables_sha256", sa.String(length=64), nullable=True))
    op.create_index("ix_documents_tables_sha256", "documents", ["tables_sha256"])
    op.create_table(
        "superseded",
        sa.Column("sha256", sa.String(length=64), primary_key=True),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("superseded_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_superseded_document_id", "superseded", ["document_id"])
    conn = op.get_bind()
    tables: dict[int, list[tuple[str, str | None, str | None, list[object], list[object]]]] = {}
    rows = conn.execute(sa.text(
        "SELECT document_id, kind, title, unit, header, rows FROM source_tables ORDER BY document_id, table_index"
    ))  # fmt: skip
    for document_id, kind, title, unit, header, cells in rows:
        tables.setdefault(document_id, []).append((kind, title, unit, _json(header), _json(cells)))
    for document_id, found in tables.items():
        conn.execute(sa.text("UPDATE documents SET tables_sha256 = :d WHERE id = :id"),
                     {"d": tables_digest(found), "id": document_id})  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_superseded_document_id", table_name="superseded")
    op.drop_table("superseded")
    op.drop_index("ix_documents_tables_sha256", table_name="documents")
    # in place on both (SQLite 3.35+): a copied table would break the views that read documents
    op.execute("ALTER TABLE documents DROP COLUMN tables_sha256")
