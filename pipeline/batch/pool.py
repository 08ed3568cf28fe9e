"""Parse disclosures in worker processes, surviving workers that hang or die.

The ingest runner hands over (key, paths) tasks and gets (key, Parsed) back
as parses finish. A parse that raises comes back as a reason, never as an
exception, so one bad file cannot stop a batch. A worker that dies takes the
whole pool down with it (`BrokenProcessPool`) and nobody knows which task
killed it: the tasks that were running are run again one at a time, and the
one that kills a pool running it alone is reported as `worker_died`. A parse
running longer than `timeout` seconds is reported as `timeout` and its pool
is killed; the tasks running beside it are queued again.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from schemas.errors import RejectedInput
from schemas.records import Document

K = TypeVar("K")
ParseFn = Callable[[Sequence[str]], Document]


@dataclass(frozen=True)
class Parsed:
    """A parse result: the document, or why there is none."""

    document: Document | None
    reason: str | None = None
    detail: str | None = None


def parse_guarded(parse_fn: ParseFn, paths: Sequence[str]) -> Parsed:
    """Run in a worker: turn every exception into a reason the parent can record."""
    try:
        return Parsed(parse_fn(paths))
    except RejectedInput as exc:
        where = f"{exc.path}: " if len(paths) > 1 else ""
        return Parsed(None, exc.reason.value, where + exc.detail)
    except Exception as exc:  # any bug in any stage: record it and go on with the batch
        return Parsed(None, "error", f"{type(exc).__name__}: {exc}")


@dataclass
class _Task(Generic[K]):
    key: K
    paths: list[str]
    alone: bool = False
    """Run with no other task beside it, to find out whether it kills its worker."""
    started: float = field(default=0.0)


def _new_pool(workers: int) -> ProcessPoolExecutor:
    # forkserver: workers start from a clean process, not a fork of the parent
    # holding database connections; spawn where forkserver is unavailable.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def _outcome(future: Future[Parsed]) -> Parsed | None:
    """The future's `Parsed`, or None when its pool broke under it."""
    try:
        return future.result()
    except (BrokenProcessPool, CancelledError):
        return None
    except Exception as exc:  # e.g. a result that cannot be pickled back
        return Parsed(None, "error", f"{type(exc).__name__}: {exc}")


def _kill(pool: ProcessPoolExecutor) -> None:
    """Stop a pool whose worker hangs: the executor has no public way to kill one."""
    for process in list(getattr(pool, "_processes", {}).values()):
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


class _Runner(Generic[K]):
    def __init__(
        self, tasks: Iterable[tuple[K, Sequence[str]]], parse_fn: ParseFn, workers: int, timeout: float
    ):
        self.queue: deque[_Task[K]] = deque(_Task(key, list(paths)) for key, paths in tasks)
        self.running: dict[Future[Parsed], _Task[K]] = {}
        self.parse_fn, self.workers, self.timeout = parse_fn, max(1, workers), timeout
        self.pool = _new_pool(self.workers)

    def results(self) -> Iterator[tuple[K, Parsed]]:
        try:
            while self.queue or self.running:
                self._fill()
                done, _ = wait(self.running, timeout=self._time_left(), return_when=FIRST_COMPLETED)
                if not done:
                    yield from self._time_out()
                    continue
                broken: list[_Task[K]] = []
                for future in done:
                    task = self.running.pop(future)
                    parsed = _outcome(future)
                    if parsed is None:
                        broken.append(task)
                    else:
                        yield task.key, parsed
                if broken:
                    yield from self._recover(broken)
        finally:
            _kill(self.pool)

    def _fill(self) -> None:
        while self.queue and len(self.running) < self.workers:
            task = self.queue[0]
            if any(t.alone for t in self.running.values()) or (task.alone and self.running):
                return
            try:
                future = self.pool.submit(parse_guarded, self.parse_fn, task.paths)
            except BrokenProcessPool:  # a worker died since the last look: start afresh
                _kill(self.pool)
                self.pool = _new_pool(self.workers)
                continue
            self.queue.popleft()
            task.started = time.monotonic()
            self.running[future] = task

    def _time_left(self) -> float:
        oldest = min(task.started for task in self.running.values())
        return max(0.0, oldest + self.timeout - time.monotonic())

    def _time_out(self) -> Iterator[tuple[K, Parsed]]:
        """A parse overran: kill the pool, fail it, run the tasks beside it again."""
        now = time.monotonic()
        _kill(self.pool)
        for task in self.running.values():
            if now - task.started >= self.timeout:
                yield task.key, Parsed(None, "timeout", f"parsing took longer than {self.timeout:g} s")
            else:
                self.queue.appendleft(task)
        self.running.clear()
        self.pool = _new_pool(self.workers)

    def _recover(self, broken: list[_Task[K]]) -> Iterator[tuple[K, Parsed]]:
        """The pool broke: finish what finished, then find the task that broke it."""
        for future, task in self.running.items():
            parsed = _outcome(future)  # a broken pool resolves every running future at once
            if parsed is None:
                broken.append(task)
            else:
                yield task.key, parsed
        self.running.clear()
        if len(broken) == 1:
            task = broken[0]
            yield task.key, Parsed(None, "worker_died", "the parsing process died (crash or out of memory)")
        else:
            for task in broken:
                task.alone = True
                self.queue.appendleft(task)
        _kill(self.pool)
        self.pool = _new_pool(self.workers)


def parse_in_pool(
    tasks: Iterable[tuple[K, Sequence[str]]], parse_fn: ParseFn, workers: int, timeout: float
) -> Iterator[tuple[K, Parsed]]:
    """Yield (key, Parsed) for every task as its parse finishes, in no fixed order."""
    return _Runner(tasks, parse_fn, workers, timeout).results()
