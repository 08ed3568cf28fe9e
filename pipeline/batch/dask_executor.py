"""Parse disclosures as Dask tasks: on a local cluster, or on many machines.

Each disclosure is one task, `parse_guarded(parse_fn, paths)`, a pure function
of the files at `paths`: every worker must see the same paths (one shared
filesystem or the same mount on every machine). The driver, the process that
called `ingest`, hands out at most as many tasks as the cluster has threads
and writes each result to the database itself, so the database needs no
access from the workers.

Failures come back as the process pool's reasons. A worker that dies (killed,
out of memory) has its task run again elsewhere by the scheduler; a task that
keeps killing workers (more than `distributed.scheduler.allowed-failures`
times, default 3) is `worker_died`. Dask cannot stop a running task, so a
task a worker has run for longer than `timeout` seconds is `timeout`: it is
cancelled and its worker restarted by its nanny.
"""

from __future__ import annotations

import os
import time
import uuid
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Generic

from distributed import Client, Future, KilledWorker, LocalCluster, wait

from pipeline.batch.executor import (
    ExecutorUnavailable,
    K,
    Parsed,
    ParseFn,
    parse_guarded,
    timed_out,
    worker_died,
)


def _outcome(future: Future) -> Parsed:
    """A finished future's `Parsed`; a task that killed its workers or was lost, as a reason."""
    try:
        parsed: Parsed = future.result()
        return parsed
    except KilledWorker:
        return worker_died("Dask retried it and its worker died every time")
    except Exception as exc:  # e.g. a result that cannot be unpickled, a task the cluster lost
        return Parsed(None, "error", f"{type(exc).__name__}: {exc}")


@dataclass
class _Running(Generic[K]):
    key: K
    worker: str | None = None
    """The worker the scheduler has given the task to, None while it waits for one."""
    since: float = 0.0


POLL = 1.0
"""Seconds between looks at which worker runs what, for the timeout clocks."""


class DaskExecutor:
    """Parse on a Dask cluster: the scheduler at `scheduler` (`tcp://host:8786`), or
    a `LocalCluster` of `workers` single-threaded processes on loopback."""

    def __init__(self, scheduler: str | None = None, workers: int | None = None) -> None:
        self.scheduler, self.workers = scheduler, workers

    @contextmanager
    def client(self) -> Iterator[Client]:
        if self.scheduler is None:
            with (
                LocalCluster(
                    n_workers=self.workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                    host="127.0.0.1", dashboard_address=None,
                ) as cluster,
                Client(cluster) as client,
            ):  # fmt: skip
                yield client
            return
        try:
            client = Client(self.scheduler)
        except OSError as exc:
            raise ExecutorUnavailable(f"cannot reach the Dask scheduler at {self.scheduler}: {exc}") from exc
        with client:
            client.wait_for_workers(1)  # a scheduler started before its workers: wait for them
            yield client

    def results(
        self, tasks: Iterable[tuple[K, Sequence[str]]], parse_fn: ParseFn, timeout: float
    ) -> Iterator[tuple[K, Parsed]]:
        queue = deque((key, list(paths)) for key, paths in tasks)
        if not queue:
            return
        running: dict[Future, _Running[K]] = {}
        with self.client() as client:
            while queue or running:
                capacity = max(1, sum(client.nthreads().values()))
                while queue and len(running) < capacity:
                    key, paths = queue.popleft()
                    name = f"yusuan-parse-{Path(paths[0]).name}-{uuid.uuid4().hex[:12]}"
                    future = client.submit(parse_guarded, parse_fn, paths, key=name, pure=False)
                    running[future] = _Running(key)
                finished: set[Future] = set()
                try:
                    finished = wait(list(running), timeout=POLL, return_when="FIRST_COMPLETED").done
                except TimeoutError:
                    pass
                for future in finished:
                    key = running.pop(future).key
                    parsed = _outcome(future)
                    future.release()  # the worker may drop the document now
                    yield key, parsed
                yield from self._time_out(client, running, timeout)

    @staticmethod
    def _time_out(
        client: Client, running: dict[Future, _Running[K]], timeout: float
    ) -> Iterator[tuple[K, Parsed]]:
        """Fail the tasks a worker has run for `timeout` seconds: cancel them and restart their
        workers (a worker without a nanny cannot be restarted: its thread stays busy). A task's
        clock starts when a worker takes it, and again when it is moved to another worker."""
        now = time.monotonic()
        placed = {key: worker for worker, keys in client.processing().items() for key in keys}
        overran: dict[Future, _Running[K]] = {}
        for future, task in running.items():
            worker = placed.get(future.key)
            if worker != task.worker:
                task.worker, task.since = worker, now
            elif worker is not None and now - task.since >= timeout:
                overran[future] = task
        for future, task in overran.items():
            del running[future]
            client.cancel(future)
            yield task.key, timed_out(timeout)
        hung = {task.worker for task in overran.values() if task.worker is not None}
        if hung:
            client.restart_workers(list(hung), raise_for_error=False)
