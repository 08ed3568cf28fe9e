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
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from tqdm import tqdm

from db.engine import DEFAULT_URL, open_engine
from db.loader import is_newer, load, retire
from db.models import DocumentRow, IngestRunRow
from extractors.pdf_open import combined_sha256, file_sha256
from pipeline.batch.executor import Executor, Parsed, ParseFn
from pipeline.batch.grouping import Grouping, plan_groups
from pipeline.batch.pool import ProcessPool
from schemas.version import PARSER_VERSION

DEFAULT_TIMEOUT = 600.0
"""Seconds one disclosure may take to parse before its worker is killed."""


@dataclass(frozen=True)
class Failure:
    """A disclosure that was not loaded, and why (a `schemas.errors.Reason` value or
    `error`, `timeout`, `worker_died`, `not_found`, `unreadable`, `load_error`)."""

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


class _Batch:
    """The parent's side of a run: decides, writes and reports."""

    def __init__(self, engine: Engine, force: bool) -> None:
        self.engine, self.force = engine, force
        self.report = RunReport(run_id=uuid.uuid4().hex)

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
        with Session(self.engine) as session, session.begin():
            self._log(session, attempt, "failed", reason, detail)
        self.report.failed.append(Failure(attempt.paths, reason, detail))

    def already_loaded(self, attempt: _Attempt) -> bool:
        """Skip before parsing: same sha256, loaded by this parser version or a newer one."""
        if self.force:
            return False
        with Session(self.engine) as session, session.begin():
            stored = session.scalar(
                select(DocumentRow.parser_version).where(DocumentRow.sha256 == attempt.sha256)
            )
            if stored is None or is_newer(PARSER_VERSION, stored):
                return False
            self._log(session, attempt, "skipped", detail="already loaded", version=stored)
        self.report.skipped.append(attempt.label)
        return True

    def store(self, attempt: _Attempt, parsed: Parsed) -> None:
        """Write a parse: the document and its log rows in one transaction."""
        doc = parsed.document
        if doc is None:
            self.fail(attempt, parsed.reason or "error", parsed.detail or "")
            return
        attempt = replace(attempt, sha256=doc.meta.sha256)
        try:
            with Session(self.engine) as session, session.begin():
                outcome = load(session, doc, self.force)
                if len(attempt.file_sha256s) > 1:  # the files' own documents, loaded alone before
                    retire(session, attempt.file_sha256s, outcome.document_id)
                status = "skipped" if outcome.status == "skipped" else "loaded"
                self._log(
                    session, attempt, status, version=doc.meta.parser_version, document_id=outcome.document_id,
                    unaccounted=len(doc.unaccounted),
                )
        except SQLAlchemyError as exc:
            self.fail(attempt, "load_error", f"{type(exc).__name__}: {exc}".splitlines()[0])
            return
        (self.report.skipped if status == "skipped" else self.report.loaded).append(attempt.label)


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
) -> RunReport:
    """Parse and load every disclosure under `paths` into the database at `db_url`.

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
    batch = _Batch(engine, force)
    for arg in missing:
        batch.fail(_Attempt((arg,), None, _now()), "not_found", "no such file, or no PDF in that folder")
    bar = tqdm(total=0, unit="doc", file=sys.stderr, disable=not progress, dynamic_ncols=True)
    try:
        for attempt, parsed in executor.results(_plan(files, batch, bar), parse_fn, timeout):
            batch.store(attempt, parsed)
            bar.update()
    finally:
        bar.close()
        engine.dispose()
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
        if batch.already_loaded(attempt):
            bar.update()
        else:
            todo.append((attempt, names))
    yield from sorted(todo, key=_size, reverse=True)
