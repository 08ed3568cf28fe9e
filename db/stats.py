"""What the database holds: documents by year, region and kind, rows, problems."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Base, CheckRow, DocumentRow, IngestRunRow


def _grouped(session: Session, *columns: Any) -> list[dict[str, Any]]:
    query = select(*columns, func.count().label("documents")).group_by(*columns).order_by(*columns)
    return [dict(row._mapping) for row in session.execute(query)]


def _checks_by_rule(session: Session, status: str) -> list[dict[str, Any]]:
    """How many checks of each rule ended in `status` ("fail" or "warn"), most frequent first."""
    query = (
        select(CheckRow.rule, func.count().label("count"))
        .where(CheckRow.status == status)
        .group_by(CheckRow.rule)
        .order_by(func.count().desc(), CheckRow.rule)
    )
    return [dict(r._mapping) for r in session.execute(query)]


def summarize(session: Session) -> dict[str, Any]:
    """A JSON-ready summary of the database."""
    rows = {
        table.name: session.scalar(select(func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
    }
    latest = (
        select(IngestRunRow.path, func.max(IngestRunRow.id).label("id"))
        .group_by(IngestRunRow.path)
        .subquery()
    )
    failing = session.execute(
        select(IngestRunRow.path, IngestRunRow.reason, IngestRunRow.detail, IngestRunRow.finished_at)
        .join(latest, latest.c.id == IngestRunRow.id)
        .where(IngestRunRow.status == "failed")
        .order_by(IngestRunRow.path)
    )
    return {
        "documents": rows["documents"],
        "by_year": _grouped(session, DocumentRow.fiscal_year),
        "by_region": _grouped(session, DocumentRow.region),
        "by_kind": _grouped(session, DocumentRow.doc_kind, DocumentRow.reporting_level),
        "rows": rows,
        "failed_checks": _checks_by_rule(session, "fail"),
        "warned_checks": _checks_by_rule(session, "warn"),
        "failed_ingests": [
            {**r._mapping, "finished_at": r.finished_at.isoformat(timespec="seconds")} for r in failing
        ],
    }
