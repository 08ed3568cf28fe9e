"""What the database holds: documents by year, region and kind, rows, problems."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    Base,
    CheckRow,
    CrawlFileRow,
    CrawlRunRow,
    CrawlUrlRow,
    DocumentRow,
    IngestRunRow,
    UnaccountedRow,
)


def _grouped(session: Session, *columns: Any, label: str = "documents") -> list[dict[str, Any]]:
    query = select(*columns, func.count().label(label)).group_by(*columns).order_by(*columns)
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


WORST_SHOWN = 10


def accounting(session: Session) -> dict[str, Any]:
    """Printed amounts and how many have a meaning; the unaccounted by reason, and the documents
    with the most, so a batch shows where the parse is weakest."""
    printed = session.scalar(select(func.coalesce(func.sum(DocumentRow.amounts_printed), 0))) or 0
    unaccounted = session.scalar(select(func.count()).select_from(UnaccountedRow)) or 0
    per_document = (
        select(DocumentRow.source, DocumentRow.amounts_printed.label("printed"), func.count(UnaccountedRow.id).label("unaccounted"))
        .join(UnaccountedRow, UnaccountedRow.document_id == DocumentRow.id)
        .group_by(DocumentRow.id, DocumentRow.source, DocumentRow.amounts_printed)
        .order_by(func.count(UnaccountedRow.id).desc(), DocumentRow.source)
        .limit(WORST_SHOWN)
    )
    clean = session.scalar(
        select(func.count()).select_from(DocumentRow)
        .where(~DocumentRow.id.in_(select(UnaccountedRow.document_id)))
    ) or 0
    return {
        "printed": int(printed),
        "accounted": int(printed) - unaccounted,
        "documents_fully_accounted": clean,
        "unaccounted_by_reason": _grouped(session, UnaccountedRow.reason, label="amounts"),
        "most_unaccounted": [dict(r._mapping) for r in session.execute(per_document)],
    }


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
        "amounts": accounting(session),
        "failed_ingests": [
            {**r._mapping, "finished_at": r.finished_at.isoformat(timespec="seconds")} for r in failing
        ],
        "crawl": crawl_summary(session),
    }


CRAWL_PROBLEMS_SHOWN = 50


def crawl_summary(session: Session) -> dict[str, Any]:
    """What `yusuan crawl` found: its last run, URLs by kind and status, files by ingest outcome,
    and the URLs whose last fetch failed or brought back something that is not a PDF."""
    last = session.scalars(select(CrawlRunRow).order_by(CrawlRunRow.id.desc()).limit(1)).first()
    problems = session.execute(
        select(CrawlUrlRow.url, CrawlUrlRow.status, CrawlUrlRow.reason, CrawlUrlRow.detail)
        .where(CrawlUrlRow.status.in_(("failed", "not_pdf")))
        .order_by(CrawlUrlRow.url)
        .limit(CRAWL_PROBLEMS_SHOWN)
    )
    return {
        "last_run": None
        if last is None
        else {
            "id": last.id,
            "status": last.status,
            "started_at": last.started_at.isoformat(timespec="seconds"),
            "finished_at": last.finished_at.isoformat(timespec="seconds") if last.finished_at else None,
            "summary": last.summary,
        },
        "urls": _grouped(session, CrawlUrlRow.kind, CrawlUrlRow.status, label="urls"),
        "files": _grouped(session, CrawlFileRow.ingest_status, label="files"),
        "problems": [dict(r._mapping) for r in problems],
    }
