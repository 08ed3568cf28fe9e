"""Ingest on Dask: a LocalCluster, and a real `dask scheduler` with two `dask worker` processes.

Each run must leave the database the process pool (`--jobs 2`) leaves for the
same files: the same documents with the same rows, the same `ingest_runs`
statuses and reasons, even when a worker is killed mid-batch.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import dask
import pytest
from click.testing import CliRunner
from distributed import Client
from sqlalchemy import select
from sqlalchemy.orm import Session
from test_ingest_sigkill import per_document_counts

from db import open_engine
from db.models import IngestRunRow
from ingest_fakes import fake_parse, slow_parse, write_inputs
from pipeline.batch.dask_executor import DaskExecutor
from pipeline.batch.ingest import ingest
from pipeline.commands.cli import main

ROOT = Path(__file__).resolve().parent.parent
FILES = [
    str(ROOT / "fixtures" / name)
    for name in (
        "beijing-haidian-archives-2023-tables.pdf",
        "sichuan-mianyang-health-2023-final.pdf",
        "hubei-yichang-transport-2021-budget.pdf",
        "bad/not-a-budget.pdf",
    )
]
DASK = Path(sys.executable).with_name("dask")


def runs(db_url: str) -> list[tuple[str, str, str | None]]:
    engine = open_engine(db_url)
    with Session(engine) as session:
        rows = sorted((r.path, r.status, r.reason) for r in session.scalars(select(IngestRunRow)))
    engine.dispose()
    return rows


def database(db_url: str) -> tuple[dict[str, tuple[int, ...]], list[tuple[str, str, str | None]]]:
    """Each document's sha256 with its row counts per child table, and every attempt's outcome."""
    return per_document_counts(db_url), runs(db_url)


@pytest.fixture(scope="module")
def pool_database(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, tuple[int, ...]], list]:
    """What the process pool with 2 jobs makes of FILES."""
    db_url = f"sqlite:///{tmp_path_factory.mktemp('pool') / 'pool.db'}"
    report = ingest(FILES, db_url, jobs=2, progress=False)
    assert (len(report.loaded), [f.reason for f in report.failed]) == (3, ["not_budget"])
    return database(db_url)


@dataclass(frozen=True)
class DaskCluster:
    address: str
    started: Path
    """Where `slow_parse` running on the workers leaves a file named for its process id."""


def _stop(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DaskCluster]:
    """`dask scheduler` and two `dask worker` processes (one thread each) on loopback ports
    of their choosing; workers can import the test parsers and take 2 s before each `slow_parse`."""
    home = tmp_path_factory.mktemp("dask")
    started, scheduler_file = home / "started", home / "scheduler.json"
    started.mkdir()
    env = os.environ | {
        "PYTHONPATH": os.pathsep.join([str(ROOT / "tests"), str(ROOT)]),
        "YUSUAN_STARTED_DIR": str(started),
        "YUSUAN_PARSE_DELAY": "2",
    }
    common = ["--no-dashboard", "--scheduler-file", str(scheduler_file)]
    commands = [[str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0", *common]] + [
        [str(DASK), "worker", "--host", "127.0.0.1", "--nworkers", "1", "--nthreads", "1", *common]
    ] * 2
    processes: list[subprocess.Popen[bytes]] = []
    with ExitStack() as logs:
        try:
            for number, command in enumerate(commands):
                log = logs.enter_context((home / f"{number}.log").open("wb"))
                processes.append(
                    subprocess.Popen(command, env=env, cwd=home, start_new_session=True, stderr=log)
                )
                if command[1] == "scheduler":
                    deadline = time.monotonic() + 60
                    while not scheduler_file.exists() and time.monotonic() < deadline:
                        time.sleep(0.1)
            address = json.loads(scheduler_file.read_text())["address"]
            assert address.startswith("tcp://127.0.0.1:")
            with Client(address) as client:
                client.wait_for_workers(2, timeout=120)
            yield DaskCluster(address, started)
        finally:
            for process in reversed(processes):
                _stop(process)


def test_a_local_cluster_loads_what_the_process_pool_loads(
    tmp_path: Path, pool_database: tuple[dict[str, tuple[int, ...]], list]
) -> None:
    db_url = f"sqlite:///{tmp_path / 'dask.db'}"
    command = ["ingest", *FILES, "--db", db_url, "--executor", "dask", "--workers", "2", "--no-progress"]
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 1, result.output
    assert "loaded 3, skipped 0, failed 1" in result.output
    assert "not-a-budget.pdf: not_budget:" in result.output
    assert database(db_url) == pool_database

    again = CliRunner().invoke(main, command)
    assert "loaded 0, skipped 3, failed 1" in again.output


def test_a_worker_killed_mid_batch_has_its_task_rerun(
    tmp_path: Path, dask_cluster: DaskCluster, pool_database: tuple[dict[str, tuple[int, ...]], list]
) -> None:
    db_url = f"sqlite:///{tmp_path / 'dask.db'}"
    with Client(dask_cluster.address) as client:
        worker_pids = set(client.run(os.getpid).values())
    executor = DaskExecutor(dask_cluster.address)
    with ThreadPoolExecutor(1) as thread:
        run = thread.submit(ingest, FILES, db_url, progress=False, parse_fn=slow_parse, executor=executor)
        deadline = time.monotonic() + 120
        while not (busy := list(dask_cluster.started.iterdir())):
            assert time.monotonic() < deadline and not run.done(), "no parse started"
            time.sleep(0.02)
        victim = int(busy[0].name)
        assert victim in worker_pids
        os.kill(victim, signal.SIGKILL)  # 2 s into its task's sleep, before the parse proper
        report = run.result(timeout=300)
    assert not run.exception()
    assert (len(report.loaded), [f.reason for f in report.failed]) == (3, ["not_budget"])
    assert database(db_url) == pool_database


def test_an_existing_scheduler_loads_what_the_process_pool_loads(
    tmp_path: Path, dask_cluster: DaskCluster, pool_database: tuple[dict[str, tuple[int, ...]], list]
) -> None:
    db_url = f"sqlite:///{tmp_path / 'dask.db'}"
    command = ["ingest", *FILES, "--db", db_url, "--executor", "dask", "--scheduler", dask_cluster.address]
    result = CliRunner().invoke(main, [*command, "--no-progress"])
    assert "loaded 3, skipped 0, failed 1" in result.output
    assert database(db_url) == pool_database


def test_hanging_and_crashing_parses_fail_with_the_pools_reasons(
    tmp_path: Path, dask_cluster: DaskCluster
) -> None:
    write_inputs(tmp_path / "in" / "good", 2)
    write_inputs(tmp_path / "in" / "hang", 1, "hang")
    write_inputs(tmp_path / "in" / "crash", 1, "crash")
    write_inputs(tmp_path / "in" / "boom", 1, "boom")
    report = ingest(
        [tmp_path / "in"], f"sqlite:///{tmp_path / 'y.db'}", progress=False, parse_fn=fake_parse, timeout=5,
        executor=DaskExecutor(dask_cluster.address),
    )  # fmt: skip
    assert len(report.loaded) == 2
    reasons = {Path(f.paths[0]).parent.name: f.reason for f in report.failed}
    assert reasons == {"hang": "timeout", "crash": "worker_died", "boom": "error"}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--scheduler", "tcp://127.0.0.1:1"], "--scheduler and --workers go with --executor dask"),
        (["--executor", "dask", "--jobs", "2"], "--jobs sizes the process pool"),
        (
            ["--executor", "dask", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"],
            "--workers sizes a local",
        ),
    ],
)
def test_executor_options_that_do_not_go_together_are_refused(
    tmp_path: Path, options: list[str], message: str
) -> None:
    result = CliRunner().invoke(
        main, ["ingest", str(tmp_path), "--db", f"sqlite:///{tmp_path / 'y.db'}", *options]
    )
    assert result.exit_code == 2 and message in result.output


def test_an_unreachable_scheduler_is_one_line_and_status_2(tmp_path: Path) -> None:
    write_inputs(tmp_path / "in", 1)
    command = ["ingest", str(tmp_path / "in"), "--db", f"sqlite:///{tmp_path / 'y.db'}", "--executor", "dask"]
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = CliRunner().invoke(main, [*command, "--scheduler", "tcp://127.0.0.1:9", "--no-progress"])
    assert result.exit_code == 2
    assert result.output.startswith("yusuan: cannot reach the Dask scheduler at tcp://127.0.0.1:9:")
    assert len(result.output.splitlines()) == 1
