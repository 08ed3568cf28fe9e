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
task running longer than `timeout` seconds (counted from when it was handed
out) is `timeout`: it is cancelled and its worker restarted by its nanny.
"""

from __future__ import annotations

import os
import time
import uuid
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

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


def _stop(client: Client, future: Future) -> None:
    """Cancel a task that overran and restart the worker still running it."""
    running_on = [worker for worker, keys in client.processing().items() if future.key in keys]
    client.cancel(future)
    if running_on:  # a worker without a nanny cannot be restarted: its thread stays busy
        client.restart_workers(running_on, raise_for_error=False)


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
        running: dict[Future, tuple[K, float]] = {}
        with self.client() as client:
            while queue or running:
                capacity = max(1, sum(client.nthreads().values()))
                while queue and len(running) < capacity:
                    key, paths = queue.popleft()
                    name = f"yusuan-parse-{Path(paths[0]).name}-{uuid.uuid4().hex[:12]}"
                    future = client.submit(parse_guarded, parse_fn, paths, key=name, pure=False)
                    running[future] = (key, time.monotonic())
                deadline = min(started for _, started in running.values()) + timeout
                finished: set[Future] = set()
                try:
                    left = max(0.01, deadline - time.monotonic())
                    finished = wait(list(running), timeout=left, return_when="FIRST_COMPLETED").done
                except TimeoutError:  # the oldest task overran: failed below
                    pass
                for future in finished:
                    key, _ = running.pop(future)
                    parsed = _outcome(future)
                    future.release()  # the worker may drop the document now
                    yield key, parsed
                now = time.monotonic()
                for future, (key, started) in list(running.items()):
                    if now - started >= timeout:
                        del running[future]
                        _stop(client, future)
                        yield key, timed_out(timeout)
