"""The crawl's memory in the database: runs, URLs with their validators, files, versions.

Each outcome is written in its own short transaction as it happens, so a
killed run loses at most the URL it was fetching, and the next run picks up
from what is recorded (and from the HTTP cache that revalidates it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from db.models import CrawlFileRow, CrawlRunRow, CrawlUrlRow, CrawlVersionRow, IngestRunRow

FileOutcome = Literal["new", "changed", "unchanged"]


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Seen:
    """What the last run learnt about a URL."""

    status: str
    sha256: str | None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class UrlFacts:
    """Everything recorded about one URL's fetch, whatever its outcome."""

    url: str
    host: str
    site: str
    kind: str
    status: str
    reason: str | None = None
    detail: str | None = None
    http_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    referrer: str | None = None
    link_text: str | None = None


class CrawlState:
    """Reads and writes the crawl tables through one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def begin_run(self, starts: list[str]) -> int:
        """A new run; runs left `running` by a killed process are marked `interrupted`
        (the caller holds the crawl lock, so no other run is alive)."""
        with Session(self.engine) as session, session.begin():
            session.execute(
                update(CrawlRunRow).where(CrawlRunRow.status == "running").values(status="interrupted")
            )
            run = CrawlRunRow(started_at=now(), status="running", starts=starts)
            session.add(run)
            session.flush()
            return run.id

    def finish_run(self, run_id: int, summary: dict[str, Any]) -> None:
        with Session(self.engine) as session, session.begin():
            run = session.get_one(CrawlRunRow, run_id)
            run.status, run.finished_at, run.summary = "finished", now(), summary

    def seen(self, url: str) -> Seen | None:
        with Session(self.engine) as session:
            row = session.scalar(select(CrawlUrlRow).where(CrawlUrlRow.url == url))
            return Seen(row.status, row.sha256, row.etag, row.last_modified) if row else None

    def file_path(self, sha256: str) -> str | None:
        with Session(self.engine) as session:
            return session.scalar(select(CrawlFileRow.path).where(CrawlFileRow.sha256 == sha256))

    def record(self, run_id: int, facts: UrlFacts) -> None:
        """A URL's outcome other than a PDF received (a page, a redirect, a refusal, a failure)."""
        with Session(self.engine) as session, session.begin():
            self._upsert(session, run_id, facts)

    def record_file(self, run_id: int, facts: UrlFacts, sha256: str, size: int, path: str) -> FileOutcome:
        """A PDF received at a URL: new bytes, a new version of the URL, or nothing new.

        Bytes already stored (under this URL or another) are one file; a URL
        that served other bytes before keeps them as its earlier version.
        """
        with Session(self.engine) as session, session.begin():
            row = self._upsert(session, run_id, facts)
            known_file = session.scalar(select(CrawlFileRow.id).where(CrawlFileRow.sha256 == sha256))
            if known_file is None:
                session.add(
                    CrawlFileRow(sha256=sha256, path=path, size=size, first_url=facts.url, first_seen=now())
                )
            previous = row.sha256
            row.sha256, row.size = sha256, size
            known_version = session.scalar(
                select(CrawlVersionRow.id).where(
                    CrawlVersionRow.url_id == row.id, CrawlVersionRow.sha256 == sha256
                )
            )
            if known_version is None:
                session.add(CrawlVersionRow(url_id=row.id, sha256=sha256, run_id=run_id, seen_at=now()))
                row.versions += 1
            if previous == sha256:
                return "unchanged"
            if previous is not None:
                row.last_changed = now()
                return "changed"
            return "new" if known_file is None else "unchanged"

    def _upsert(self, session: Session, run_id: int, facts: UrlFacts) -> CrawlUrlRow:
        row = session.scalar(select(CrawlUrlRow).where(CrawlUrlRow.url == facts.url))
        stamp = now()
        if row is None:
            row = CrawlUrlRow(url=facts.url, first_seen=stamp, versions=0)
            session.add(row)
        for name, value in vars(facts).items():
            if name in ("etag", "last_modified") and value is None:
                continue  # a 304 or a failure does not forget the validators we hold
            setattr(row, name, value)
        row.last_seen, row.run_id = stamp, run_id
        session.flush()
        return row

    def pending_ingest(self) -> dict[str, str]:
        """Files downloaded but not yet through `ingest`: path -> sha256."""
        with Session(self.engine) as session:
            rows = session.execute(
                select(CrawlFileRow.path, CrawlFileRow.sha256)
                .where(CrawlFileRow.ingest_status.is_(None))
                .order_by(CrawlFileRow.id)
            )
            return {path: sha for path, sha in rows}

    def record_ingest(self, outcomes: dict[str, tuple[str, str | None, str | None]]) -> None:
        """sha256 -> (status, reason, detail) from the ingest run."""
        with Session(self.engine) as session, session.begin():
            for sha, (status, reason, detail) in outcomes.items():
                session.execute(
                    update(CrawlFileRow)
                    .where(CrawlFileRow.sha256 == sha)
                    .values(ingest_status=status, ingest_reason=reason, ingest_detail=detail)
                )

    def ingest_outcomes(self, ingest_run_id: str) -> dict[str, tuple[str, str | None, str | None]]:
        """What an ingest run did with each file it was given: path -> (status, reason, detail)."""
        with Session(self.engine) as session:
            rows = session.execute(
                select(IngestRunRow.path, IngestRunRow.status, IngestRunRow.reason, IngestRunRow.detail)
                .where(IngestRunRow.run_id == ingest_run_id)
                .order_by(IngestRunRow.id)
            )
            return {path: (status, reason, detail) for path, status, reason, detail in rows}
