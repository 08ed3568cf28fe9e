"""Parse disclosures in worker processes of our own, surviving workers that hang or die.

Each worker takes one task at a time over its own pipe, so the parent always
knows which task a worker is running: a worker that dies fails exactly that
task (`worker_died`), and a parse running longer than `timeout` seconds has
its worker stopped (SIGTERM, then SIGKILL) and is reported as `timeout`. A fresh worker takes the dead
one's place; the others go on undisturbed, so no task is run twice. Built on
`multiprocessing.Process` and `Pipe` only: a `ProcessPoolExecutor` cannot
kill one hung worker without reaching into its private state.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import signal
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing import forkserver
from multiprocessing.connection import Connection, wait
from multiprocessing.context import ForkServerContext, SpawnContext
from multiprocessing.process import BaseProcess
from types import ModuleType
from typing import Any

from pipeline.batch.executor import K, Parsed, ParseFn, parse_guarded, timed_out, worker_died

# pdfminer allocates millions of small objects that live for one page; Python's default
# young-generation collection, every 700 net allocations, costs a worker some 5% of a parse.
# A worker collects less often while it parses and fully after each document, so its memory
# returns to the same floor document after document.
_WORKER_GC_THRESHOLD = 50_000


def _trim_heap() -> None:
    """Hand the heap freed by the last document back to the system (glibc's `malloc_trim`).

    Without it a worker's resident memory stays at the high-water mark of the largest
    document it has parsed, and creeps up as later allocations fragment that heap.
    Elsewhere than glibc this does nothing."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _stop(_signum: int, _frame: object) -> None:
    """SIGTERM from the parent (a parse past its timeout): unwind, so that what the parse holds
    (an OCR process group, temporary files) is released on the way out."""
    raise SystemExit(128 + signal.SIGTERM)


def _serve(conn: Connection, parse_fn: ParseFn) -> None:
    """A worker's life: parse each list of paths it is sent until its parent hangs up."""
    signal.signal(signal.SIGTERM, _stop)
    gc.freeze()  # the modules imported so far are never garbage: keep them out of every collection
    gc.set_threshold(_WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])
    while True:
        try:
            paths = conn.recv()
        except EOFError:  # the parent closed the pipe, or died
            return
        parsed = parse_guarded(parse_fn, paths)
        try:
            conn.send(parsed)
        except OSError:  # the parent is gone
            return
        except Exception as exc:  # a document that cannot be pickled back
            conn.send(Parsed(None, "error", f"{type(exc).__name__}: {exc}"))
        del parsed
        gc.collect()
        _trim_heap()


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    task: Any = None
    """The key of the task it is running, if any."""
    started: float = 0.0


def _main_imports() -> list[str]:
    """The modules the main script has imported by name.

    A worker runs the main script again (as `__mp_main__`) before it starts. The forkserver
    is meant to import `__main__` once for all of them, but before Python 3.13.8 it never
    did (CPython gh-98552, gh-126631), so each worker imported the whole CLI again. With
    the script's own imports preloaded, that re-run finds them imported and costs nothing.
    """
    names = set()
    for value in vars(sys.modules["__main__"]).values():
        name = value.__name__ if isinstance(value, ModuleType) else getattr(value, "__module__", None)
        if isinstance(name, str) and name in sys.modules and name not in ("__main__", "builtins"):
            names.add(name)
    return sorted(names)


def _context(parse_fn: ParseFn, preload: Sequence[str]) -> ForkServerContext | SpawnContext:
    """Where workers come from, started now so that they are ready when the first task is.

    forkserver: workers start from a clean process, not a fork of the parent holding
    database connections; spawn where forkserver is unavailable. The server imports the
    parser and `preload` once, while the caller is still planning its batch; every worker
    forked from it, the first ones and those replacing a dead or hung one, starts with
    them imported.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        module = getattr(parse_fn, "func", parse_fn).__module__
        context.set_forkserver_preload(["__main__", *_main_imports(), module, *preload])
        forkserver.ensure_running()  # returns at once: the server imports on the other cores
        return context
    return multiprocessing.get_context("spawn")


def _start(context: ForkServerContext | SpawnContext, parse_fn: ParseFn) -> _Worker:
    parent_end, child_end = context.Pipe()
    process = context.Process(target=_serve, args=(child_end, parse_fn), name="yusuan-parse")
    process.start()
    child_end.close()
    return _Worker(process, parent_end)


STOP_GRACE = 3.0
"""Seconds a busy worker told to stop (SIGTERM) has to clean up before it is killed."""


def _retire(worker: _Worker, kill: bool) -> None:
    """Stop a worker: an idle one exits when its pipe closes; a busy or hung one is told to stop
    (SIGTERM: it unwinds, ending the OCR it runs and removing its temporary files), and killed
    if it has not within STOP_GRACE seconds."""
    worker.conn.close()
    if kill:
        worker.process.terminate()
    worker.process.join(timeout=STOP_GRACE if kill else 5)
    if worker.process.is_alive():
        worker.process.kill()
        worker.process.join()


def _outcome(worker: _Worker, timeout: float) -> tuple[Parsed, bool] | None:
    """The worker's result and whether the worker can be reused, or None while it is still parsing."""
    alive = worker.process.is_alive()
    if worker.conn.poll():
        try:
            return worker.conn.recv(), alive
        except EOFError:
            pass
        except Exception as exc:  # a result that cannot be unpickled here
            return Parsed(None, "error", f"{type(exc).__name__}: {exc}"), alive
    if not worker.process.is_alive():
        return worker_died(f"crash or out of memory; exit code {worker.process.exitcode}"), False
    if time.monotonic() - worker.started >= timeout:
        return timed_out(timeout), False
    return None


class ProcessPool:
    """`workers` parsing processes on this machine, started as needed, replaced when one dies or hangs.

    `preload` names modules a parse imports lazily (`pipeline.api.LAZY_IMPORTS`): the
    workers get them imported once, up front, instead of each importing them itself.
    """

    def __init__(self, workers: int, preload: Sequence[str] = ()) -> None:
        self.workers = max(1, workers)
        self.preload = tuple(preload)

    def results(
        self, tasks: Iterable[tuple[K, Sequence[str]]], parse_fn: ParseFn, timeout: float
    ) -> Iterator[tuple[K, Parsed]]:
        context = _context(parse_fn, self.preload)
        queue = deque((key, list(paths)) for key, paths in tasks)  # `tasks` may still be planning
        idle: list[_Worker] = []
        busy: list[_Worker] = []

        def dispatch() -> None:
            while queue and len(busy) < self.workers:
                worker = idle.pop() if idle else _start(context, parse_fn)
                key, paths = queue.popleft()
                try:
                    worker.conn.send(paths)
                except OSError:  # it died while idle: replace it
                    _retire(worker, kill=True)
                    queue.appendleft((key, paths))
                    continue
                worker.task, worker.started = key, time.monotonic()
                busy.append(worker)

        try:
            while queue or busy:
                dispatch()
                deadline = min(w.started for w in busy) + timeout
                wait(
                    [w.conn for w in busy] + [w.process.sentinel for w in busy],
                    timeout=max(0.0, deadline - time.monotonic()),
                )
                finished = []
                for worker in list(busy):
                    outcome = _outcome(worker, timeout)
                    if outcome is None:
                        continue
                    parsed, reusable = outcome
                    busy.remove(worker)
                    key, worker.task = worker.task, None
                    if reusable:
                        idle.append(worker)
                    else:
                        _retire(worker, kill=True)
                    finished.append((key, parsed))
                dispatch()  # the freed workers parse on while the caller stores what they returned
                yield from finished
        finally:
            for worker in idle:
                _retire(worker, kill=False)
            for worker in busy:
                _retire(worker, kill=True)
