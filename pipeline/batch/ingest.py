"""Batch ingest: files, folders and globs in; whole documents in the database out.

The parent process hashes each disclosure and skips what is already loaded,
an executor parses the rest (`pipeline.batch.executor`: worker processes of
`pipeline.batch.pool`, or a Dask cluster), and the parent writes each document in its own transaction as its parse arrives. Killing
the batch therefore leaves only whole documents, and running it again
finishes the rest. Every attempt, good or bad, is a row in `ingest_runs`.
"""

from __future__ import annotations

import glob
import os
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session
from tqdm import tqdm

from db.engine import DEFAULT_URL, open_engine, reason_of
from db.loader import Superseded, is_newer, load, retire, superseded_by
from db.models import DocumentRow, IngestRunRow
from extractors.pdf_open import combined_sha256, file_sha256
from pipeline.batch.executor import Executor, Parsed, ParseFn
from pipeline.batch.grouping import Grouping, plan_groups
from pipeline.batch.pool import ProcessPool
from schemas.records import Document
from schemas.version import PARSER_VERSION

DEFAULT_TIMEOUT = 600.0
"""Seconds one disclosure may take to parse before its worker is killed."""
DEFAULT_DB_WAIT = 60.0
"""Seconds a database that went away mid-batch is waited for before the rest of the batch fails."""
DATABASE_UNAVAILABLE = "database_unavailable"


@dataclass(frozen=True)
class Failure:
    """A disclosure that was not loaded, and why (a `schemas.errors.Reason` value or
    `error`, `timeout`, `worker_died`, `not_found`, `unreadable`, `load_error`,
    `database_unavailable`)."""

    paths: tuple[str, ...]
    reason: str
    detail: str


@dataclass
class RunReport:
    """What one `ingest` call did, disclosure by disclosure."""

    run_id: str
    loaded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    grouped: list[str] = field(default_factory=list)
    """Files taken as one disclosure, and why: `a.pdf + b.pdf (tables PDF 2026, ...)`."""
    ungrouped: list[str] = field(default_factory=list)
    """Files that looked like part of a disclosure but were left on their own, and why."""
    database_down: str | None = None
    """Why the batch stopped early: the database went away and did not come back."""
    superseded: list[str] = field(default_factory=list)
    """Documents loaded in place of an earlier copy of the same disclosure in other bytes, and which."""

    @property
    def ok(self) -> bool:
        return not self.failed


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[str]]:
    """Files as given, folders searched recursively for *.pdf, globs expanded.

    Returns the files in a stable order without repeats, and the arguments
    that matched nothing.
    """
    files: dict[Path, None] = {}
    missing: list[str] = []
    for arg in (os.fspath(p) for p in paths):
        matches = sorted(glob.glob(arg, recursive=True)) if glob.has_magic(arg) else [arg]
        found = False
        for match in map(Path, matches):
            if match.is_dir():
                pdfs = sorted(p for p in match.rglob("*") if p.suffix.lower() == ".pdf" and p.is_file())
                files.update(dict.fromkeys(pdfs))
                found = found or bool(pdfs)
            elif match.is_file():
                files[match] = None
                found = True
        if not found:
            missing.append(arg)
    return list(files), missing


def group_disclosures(files: list[Path]) -> Grouping:
    """The files of each disclosure, together (a narrative PDF with its tables PDF),
    with the merges made and the files left apart on purpose (`pipeline.batch.grouping`)."""
    return plan_groups(files)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class _Attempt:
    paths: tuple[str, ...]
    sha256: str | None
    started: datetime
    file_sha256s: tuple[str, ...] = ()  # each file's own, where the disclosure has several

    @property
    def label(self) -> str:
        return " + ".join(self.paths)


class DatabaseDown(Exception):
    """The database went away during the batch and did not come back within `db_wait` seconds."""


T = TypeVar("T")


class _Batch:
    """The parent's side of a run: decides, writes and reports.

    Every write is one transaction (`_transaction`). A connection lost on the way
    (a server restarted, a backend terminated) rolls the transaction back, so
    nothing is half-written, and the transaction is tried again with a doubling
    pause for up to `db_wait` seconds; after that the database is `down`, and
    every document not yet stored fails with one line, without being parsed."""

    def __init__(self, engine: Engine, force: bool, db_wait: float) -> None:
        self.engine, self.force, self.db_wait = engine, force, db_wait
        self.report = RunReport(run_id=uuid.uuid4().hex)
        self.down: str | None = None
        """Why the database is considered gone for the rest of the batch."""
        self.planned: list[_Attempt] = []
        self.done: set[tuple[str, ...]] = set()

    def _transaction(self, work: Callable[[Session], T]) -> T:
        if self.down:
            raise DatabaseDown(self.down)
        pause, waited = 0.25, 0.0
        while True:
            try:
                with Session(self.engine) as session, session.begin():
                    return work(session)
            except (OperationalError, InterfaceError) as exc:
                if not (exc.connection_invalidated or self.engine.dialect.name == "postgresql"):
                    raise  # SQLite's own refusals (read-only, disk full) would say the same again
                if waited >= self.db_wait:
                    self.down = f"{reason_of(exc, str(self.engine.url))} (still, after {waited:.1f} s of retries)"
                    raise DatabaseDown(self.down) from exc
                pause = min(pause * 2, self.db_wait - waited)
                time.sleep(pause)
                waited += pause

    def _log(
        self, session: Session, attempt: _Attempt, status: str, reason: str | None = None,
        detail: str | None = None, version: str = PARSER_VERSION, document_id: int | None = None,
        unaccounted: int | None = None,
    ) -> None:  # fmt: skip
        rows = [
            {
                "run_id": self.report.run_id,
                "path": path,
                "sha256": attempt.sha256,
                "status": status,
                "reason": reason,
                "detail": detail,
                "parser_version": version,
                "document_id": document_id,
                "started_at": attempt.started,
                "finished_at": _now(),
                "unaccounted": unaccounted,
            }  # fmt: skip
            for path in attempt.paths
        ]
        session.execute(insert(IngestRunRow), rows)

    def fail(self, attempt: _Attempt, reason: str, detail: str) -> None:
        """Report a failure, and log it unless the database is what failed."""
        self.done.add(attempt.paths)
        if not self.down:
            try:
                self._transaction(lambda session: self._log(session, attempt, "failed", reason, detail))
            except DatabaseDown:
                pass  # the failure is reported all the same
        self.report.failed.append(Failure(attempt.paths, reason, detail))

    def fail_unstored(self) -> None:
        """Once the database is down: every planned document not stored fails with one line."""
        for attempt in self.planned:
            if attempt.paths not in self.done:
                self.fail(attempt, DATABASE_UNAVAILABLE, f"not loaded: the database is unavailable: {self.down}")

    def already_loaded(self, attempt: _Attempt) -> bool:
        """Skip before parsing: same sha256, loaded by this parser version or a newer one."""
        if self.force:
            return False

        def check(session: Session) -> bool:
            assert attempt.sha256 is not None
            if (copy_of := superseded_by(session, attempt.sha256)) is not None:
                detail = f"a copy of document {copy_of} in other bytes, which superseded it"
                self._log(session, attempt, "skipped", "superseded", detail, document_id=copy_of)
                return True
            stored = session.scalar(
                select(DocumentRow.parser_version).where(DocumentRow.sha256 == attempt.sha256)
            )
            if stored is None or is_newer(PARSER_VERSION, stored):
                return False
            self._log(session, attempt, "skipped", detail="already loaded", version=stored)
            return True

        if not self._transaction(check):
            return False
        self.done.add(attempt.paths)
        self.report.skipped.append(attempt.label)
        return True

    def store(self, attempt: _Attempt, parsed: Parsed) -> None:
        """Write a parse: the document and its log rows in one transaction."""
        doc = parsed.document
        if doc is None:
            self.fail(attempt, parsed.reason or "error", parsed.detail or "")
            return
        attempt = replace(attempt, sha256=doc.meta.sha256)

        def write(session: Session) -> tuple[str, tuple[Superseded, ...]]:
            outcome = load(session, doc, self.force)
            if len(attempt.file_sha256s) > 1:  # the files' own documents, loaded alone before
                retire(session, attempt.file_sha256s, outcome.document_id)
            status = "skipped" if outcome.status == "skipped" else "loaded"
            reason, detail = None, "already loaded (by another ingest, meanwhile)" if status == "skipped" else None
            if outcome.superseded:
                reason, detail = "superseded", _supersedes(doc, outcome.superseded)
            self._log(session, attempt, status, reason, detail, version=doc.meta.parser_version,
                      document_id=outcome.document_id, unaccounted=len(doc.unaccounted))  # fmt: skip
            return status, outcome.superseded

        try:
            status, superseded = self._transaction(write)
        except DatabaseDown:
            return  # failed with the rest by fail_unstored
        except SQLAlchemyError as exc:
            self.fail(attempt, "load_error", f"{type(exc).__name__}: {exc}".splitlines()[0])
            return
        self.done.add(attempt.paths)
        (self.report.skipped if status == "skipped" else self.report.loaded).append(attempt.label)
        if superseded:
            self.report.superseded.append(f"{attempt.label}: {_supersedes(doc, superseded)}")


def _supersedes(doc: Document, copies: Sequence[Superseded]) -> str:
    meta = doc.meta
    old = ", ".join(f"{c.source} (document {c.document_id}, sha256 {c.sha256[:12]})" for c in copies)
    return (f"supersedes {old}: the same {meta.fiscal_year} {meta.doc_kind} of {meta.department} in other bytes, "
            "its tables identical")  # fmt: skip


def _size(task: tuple[_Attempt, list[str]]) -> int:
    """Bytes of a disclosure's files. Parsed largest first, a batch on several workers
    does not end with one worker alone on its longest document."""
    return sum(os.path.getsize(name) for name in task[1])


def ingest(
    paths: Sequence[str | os.PathLike[str]],
    db_url: str = DEFAULT_URL,
    jobs: int | None = None,
    force: bool = False,
    progress: bool = True,
    parse_fn: ParseFn | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    executor: Executor | None = None,
    db_wait: float = DEFAULT_DB_WAIT,
) -> RunReport:
    """Parse and load every disclosure under `paths` into the database at `db_url`.

    A database that goes away mid-batch is waited for up to `db_wait` seconds;
    then the documents not yet stored fail as `database_unavailable` (the
    report says so; nothing is half-written) and the batch ends.

    `executor` runs the parses (default: a `ProcessPool` of `jobs` worker
    processes, all cores when `jobs` is None; or a
    `pipeline.batch.dask_executor.DaskExecutor`). `parse_fn` replaces
    `pipeline.api.parse`; it must be importable by name (a module-level
    function) because it runs in the workers.
    """
    from pipeline.api import LAZY_IMPORTS, parse

    parse_fn = parse_fn or parse
    executor = executor or ProcessPool(jobs or os.cpu_count() or 1, preload=LAZY_IMPORTS)
    files, missing = expand_paths(paths)
    engine = open_engine(db_url)
    batch = _Batch(engine, force, db_wait)
    for arg in missing:
        batch.fail(_Attempt((arg,), None, _now()), "not_found", "no such file, or no PDF in that folder")
    bar = tqdm(total=0, unit="doc", file=sys.stderr, disable=not progress, dynamic_ncols=True)
    results = executor.results(_plan(files, batch, bar), parse_fn, timeout)
    try:
        for attempt, parsed in results:
            batch.store(attempt, parsed)
            bar.update()
            if batch.down:
                break  # nothing more can be stored: stop parsing
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()  # the executor stops its workers
        bar.close()
        engine.dispose()
    if batch.down:
        batch.report.database_down = batch.down
        batch.fail_unstored()
    return batch.report


def _plan(files: list[Path], batch: _Batch, bar: tqdm) -> Iterator[tuple[_Attempt, list[str]]]:
    """The disclosures to parse, largest first: files grouped, hashed, and those already
    loaded skipped. A generator, so the executor's workers start while it runs."""
    grouping = group_disclosures(files)
    batch.report.grouped = [merge.describe() for merge in grouping.merged]
    batch.report.ungrouped = list(grouping.notes)
    bar.reset(total=len(grouping.groups))
    todo: list[tuple[_Attempt, list[str]]] = []
    for group in grouping.groups:
        names = [str(p) for p in group]
        try:
            digests = tuple(file_sha256(name) for name in names)
            attempt = _Attempt(tuple(names), combined_sha256(digests), _now(), digests)
        except OSError as exc:
            batch.fail(_Attempt(tuple(names), None, _now()), "unreadable", str(exc))
            bar.update()
            continue
        batch.planned.append(attempt)
        try:
            skipped = batch.already_loaded(attempt)
        except DatabaseDown:
            continue  # failed with the rest by fail_unstored
        if skipped:
            bar.update()
        else:
            todo.append((attempt, names))
    if not batch.down:
        yield from sorted(todo, key=_size, reverse=True)
