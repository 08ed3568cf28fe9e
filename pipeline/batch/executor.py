"""The seam between the ingest runner and whatever runs the parses.

The runner (`pipeline.batch.ingest`) decides what to parse and writes what
comes back; an executor only turns (key, paths) tasks into (key, Parsed)
results, in any order, each task exactly once. The process pool
(`pipeline.batch.pool`) and Dask (`pipeline.batch.dask_executor`) are the two
implementations. Whatever goes wrong in a parse comes back as a reason, never
as an exception, so one bad file cannot stop a batch: a parse that raises is
`error` (or the parser's own reason), one that overruns the timeout is
`timeout`, one whose process dies is `worker_died`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from schemas.errors import RejectedInput
from schemas.records import Document

K = TypeVar("K")
ParseFn = Callable[[Sequence[str]], Document]
"""Paths of one disclosure in, its `Document` out (`pipeline.api.parse`). It runs in
other processes, perhaps on other machines, so it must be importable by name."""


@dataclass(frozen=True)
class Parsed:
    """A parse result: the document, or why there is none."""

    document: Document | None
    reason: str | None = None
    detail: str | None = None


TIMED_OUT = "timeout"
WORKER_DIED = "worker_died"


def timed_out(timeout: float) -> Parsed:
    return Parsed(None, TIMED_OUT, f"parsing took longer than {timeout:g} s")


def worker_died(how: str = "crash or out of memory") -> Parsed:
    return Parsed(None, WORKER_DIED, f"the parsing process died ({how})")


def parse_guarded(parse_fn: ParseFn, paths: Sequence[str]) -> Parsed:
    """Run in a worker: turn every exception into a reason the parent can record."""
    try:
        return Parsed(parse_fn(paths))
    except RejectedInput as exc:
        where = f"{exc.path}: " if len(paths) > 1 else ""
        return Parsed(None, exc.reason.value, where + exc.detail)
    except Exception as exc:  # any bug in any stage: record it and go on with the batch
        return Parsed(None, "error", f"{type(exc).__name__}: {exc}")


class ExecutorUnavailable(RuntimeError):
    """The executor cannot start, e.g. its cluster's scheduler cannot be reached."""


class Executor(Protocol):
    """Runs parses somewhere and hands back every task's result as it finishes."""

    def results(
        self, tasks: Iterable[tuple[K, Sequence[str]]], parse_fn: ParseFn, timeout: float
    ) -> Iterator[tuple[K, Parsed]]:
        """Yield (key, Parsed) once for every task, in no fixed order; a parse running
        longer than `timeout` seconds is stopped and yields `timeout`."""
        ...
