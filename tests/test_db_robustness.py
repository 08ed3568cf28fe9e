"""The database under stress: concurrent ingests, an outage mid-batch, a schema from a newer yusuan,
a read-only database, passwords in URLs. Real PostgreSQL servers (tests/conftest.py) and SQLite."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from conftest import ROOT, PgServer, admin
from db import open_engine
from db.engine import create, masked, reason_of
from db.models import CheckRow, DocumentRow, LineItemRow, SourceTableRow
from ingest_fakes import LINE_ITEMS_PER_DOC, fake_parse, write_inputs
from pipeline.batch.ingest import ingest
from pipeline.commands.cli import main

FIXTURES = ROOT / "fixtures"
PDFS = [FIXTURES / f"{name}.pdf" for name in (
    "hubei-yichang-transport-2021-budget", "henan-xinxiang-finance-2022-budget",
    "chongqing-wanzhou-agriculture-2019-budget", "guangdong-shaoguan-culture-2022-planted-errors",
    "beijing-haidian-archives-2023-tables",
)]  # fmt: skip


def _yusuan(*args: str, wrap: tuple[str, ...] = ()) -> subprocess.Popen[str]:
    return subprocess.Popen([*wrap, sys.executable, "-m", "pipeline", *args], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip


def _finish(process: subprocess.Popen[str], timeout: float = 300) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def _documents(db_url: str) -> int:
    engine = open_engine(db_url)
    with Session(engine) as session:
        count = session.scalar(select(func.count()).select_from(DocumentRow)) or 0
    engine.dispose()
    return count


# --- 5. concurrent ingests and an outage ----------------------------------------------------------------


def test_two_ingests_of_the_same_files_on_a_new_database_both_succeed(db_url: str) -> None:
    """Both set up the schema (one after the other), both load: each document once, the other skips it."""
    args = ["ingest", *map(str, PDFS[:2]), "--db", db_url, "--jobs", "1", "--no-progress", "--no-ocr"]
    first, second = _yusuan(*args), _yusuan(*args)
    results = [_finish(first), _finish(second)]
    for code, out, err in results:
        assert code == 0, out + err
    lines = [out.splitlines()[0] for _code, out, _err in results]
    loaded = sum(int(line.split()[1].rstrip(",")) for line in lines)
    skipped = sum(int(line.split()[3].rstrip(",")) for line in lines)
    assert (loaded, skipped) == (2, 2), lines
    assert _documents(db_url) == 2


def test_an_outage_mid_batch_retries_then_fails_the_rest_with_one_line_and_a_summary(
    pg_private: PgServer,
) -> None:
    admin(pg_private, "CREATE DATABASE outage")
    db_url = pg_private.url("outage")
    open_engine(db_url).dispose()
    batch = _yusuan("ingest", *map(str, PDFS), "--db", db_url, "--jobs", "1", "--no-progress", "--no-ocr",
                    "--db-wait", "1")  # fmt: skip
    deadline = time.monotonic() + 120
    while _documents(db_url) < 1 and time.monotonic() < deadline and batch.poll() is None:
        time.sleep(0.1)
    pg_private.stop()  # PostgreSQL goes away with documents left to load
    code, out, err = _finish(batch)
    assert code == 1 and "Traceback" not in out + err, out + err
    lines = out.splitlines()
    loaded, failed = int(lines[0].split()[1].rstrip(",")), int(lines[0].split()[5])
    assert loaded >= 1 and failed >= 1 and loaded + failed == len(PDFS), lines
    assert lines[1].startswith("stopped: the database is unavailable")
    failures = [line for line in lines if ": database_unavailable: " in line]
    assert len(failures) == failed  # each document not loaded has its line

    pg_private.start()
    engine = open_engine(db_url)
    with Session(engine) as session:
        ids = session.scalars(select(DocumentRow.id)).all()
        assert len(ids) == loaded
        for document_id in ids:  # whole documents only
            for table in (SourceTableRow, LineItemRow, CheckRow):
                assert session.scalar(select(func.count()).select_from(table).where(table.document_id == document_id))
    engine.dispose()
    code, out, err = _finish(_yusuan("ingest", *map(str, PDFS), "--db", db_url, "--jobs", "1", "--no-progress",
                                     "--no-ocr"))  # fmt: skip
    assert code == 0 and out.startswith(f"loaded {failed}, skipped {loaded}, failed 0"), out + err


def test_backends_terminated_mid_batch_cost_nothing(pg_server: PgServer, tmp_path: Path) -> None:
    admin(pg_server, "CREATE DATABASE terminated")
    db_url = pg_server.url("terminated")
    try:
        write_inputs(tmp_path / "in", 8, "slow")
        open_engine(db_url).dispose()
        reports = []
        batch = threading.Thread(target=lambda: reports.append(
            ingest([tmp_path / "in"], db_url, jobs=1, progress=False, parse_fn=fake_parse, db_wait=5)))
        batch.start()
        deadline = time.monotonic() + 60
        while _documents(db_url) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        with psycopg.connect(host=pg_server.host, port=pg_server.port, user=pg_server.user, dbname="postgres",
                             autocommit=True) as conn:  # fmt: skip
            killed = conn.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                  "WHERE datname = 'terminated' AND pid <> pg_backend_pid()").fetchone()  # fmt: skip
        batch.join(120)
        assert killed and killed[0] >= 1
        (report,) = reports
        assert report.ok and len(report.loaded) == 8
        engine = open_engine(db_url)
        with Session(engine) as session:
            assert session.scalar(select(func.count()).select_from(LineItemRow)) == 8 * LINE_ITEMS_PER_DOC
        engine.dispose()
    finally:
        admin(pg_server, "DROP DATABASE terminated WITH (FORCE)")


# --- 6. one line, exit 2 -------------------------------------------------------------------------------


def _one_line_exit_2(args: list[str], *expected: str) -> str:
    result = CliRunner().invoke(main, args)
    lines = result.output.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == 1, result.output
    for part in expected:
        assert part in lines[0], lines[0]
    return lines[0]


def test_a_database_from_a_newer_yusuan_is_one_line_exit_2_naming_the_version_to_install(
    db_url: str, tmp_path: Path
) -> None:
    engine = open_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
        conn.execute(text(
            "INSERT INTO ingest_runs (run_id, path, status, parser_version, started_at, finished_at)"
            " VALUES ('r', 'x.pdf', 'loaded', '9.1.0', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        ))  # fmt: skip
    engine.dispose()
    commands = [["ingest", str(PDFS[0]), "--no-progress"], ["stats"], ["export"],
                ["export", "--format", "csv", "--what", "facts"]]  # fmt: skip
    if db_url.startswith("sqlite"):
        commands.append(["serve", "--port", "1"])
    for command in commands:
        option = ["--db", db_url.removeprefix("sqlite:///")] if command[0] == "serve" else ["--db", db_url]
        _one_line_exit_2([*command, *option], "revision 0099", "install yusuan 9.1.0 or newer")
    engine = create(db_url)  # nothing was changed: the revision is still 0099
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0099"
    engine.dispose()


def _without_root_powers() -> tuple[str, ...]:
    """Run a command so that file permissions bind it (as root: without CAP_DAC_OVERRIDE)."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.fail("running as root and setpriv (util-linux) is missing: cannot make a file read-only")
    caps = "-dac_override,-dac_read_search"
    return (setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}")


@pytest.fixture
def read_only_db(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "ro" / "yusuan.db"
    path.parent.mkdir()
    CliRunner().invoke(main, ["ingest", str(PDFS[4]), "--db", str(path), "--no-progress", "--no-ocr", "--jobs", "1"])
    path.chmod(0o444)
    yield path
    path.parent.chmod(0o755)
    path.chmod(0o644)


def test_a_read_only_database_file_refuses_writers_in_one_line_and_serves_readers(read_only_db: Path) -> None:
    wrap = _without_root_powers()
    code, out, err = _finish(_yusuan("ingest", str(PDFS[0]), "--db", str(read_only_db), "--no-progress",
                                     wrap=wrap))  # fmt: skip
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1, out + err
    assert f"the database is read-only: {read_only_db} cannot be written" in err
    code, out, err = _finish(_yusuan("crawl", "http://127.0.0.1:1/", "--out", str(read_only_db.parent / "c"),
                                     "--db", str(read_only_db), wrap=wrap))  # fmt: skip
    assert code == 2 and "read-only" in err and len(err.strip().splitlines()) == 1, out + err
    code, out, err = _finish(_yusuan("stats", "--db", str(read_only_db), wrap=wrap))
    assert code == 0 and out.startswith("documents: 1"), out + err  # reading needs no write


def test_a_database_in_a_read_only_folder_is_one_line_exit_2_everywhere(read_only_db: Path) -> None:
    for stray in read_only_db.parent.glob("yusuan.db-*"):
        stray.unlink()  # no -wal or -shm: SQLite would have to create them
    read_only_db.parent.chmod(0o555)
    wrap = _without_root_powers()
    for args in (["ingest", str(PDFS[0]), "--no-progress"], ["stats"], ["export"], ["serve", "--port", "1"]):
        code, out, err = _finish(_yusuan(*args, "--db", str(read_only_db), wrap=wrap))
        assert code == 2 and len(err.strip().splitlines()) == 1, args + [out, err]
        assert f"the database is read-only: its folder {read_only_db.parent} cannot be written" in err


def test_a_read_only_postgresql_database_refuses_ingest_in_one_line(pg_server: PgServer) -> None:
    admin(pg_server, "CREATE DATABASE readonly")
    db_url = pg_server.url("readonly")
    try:
        open_engine(db_url).dispose()
        admin(pg_server, "ALTER DATABASE readonly SET default_transaction_read_only = on")
        _one_line_exit_2(["ingest", str(PDFS[0]), "--db", db_url, "--no-progress"], "the database is read-only")
        assert CliRunner().invoke(main, ["stats", "--db", db_url]).exit_code == 0
    finally:
        admin(pg_server, "DROP DATABASE readonly WITH (FORCE)")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql+psycopg://me:secret@db.example/y", "postgresql+psycopg://me:***@db.example/y"),
        ("postgresql+psycopg://me:p@ss@db.example/y", "postgresql+psycopg://me:***@db.example/y"),
        ("postgresql://me:pa/ss@wd@db.example:5432/y", "postgresql://me:***@db.example:5432/y"),
        ("postgresql+psycopg://me@db.example/y?password=secret&sslmode=require",
         "postgresql+psycopg://me@db.example/y?password=***&sslmode=require"),
        ("sqlite:////srv/a@b/yusuan.db", "sqlite:////srv/a@b/yusuan.db"),
    ],
)  # fmt: skip
def test_passwords_are_masked_in_every_url_form(url: str, shown: str) -> None:
    assert masked(url) == shown


def test_an_unescaped_at_in_a_password_is_named_and_no_piece_of_it_printed() -> None:
    line = _one_line_exit_2(["stats", "--db", "postgresql+psycopg://me:hunter@2@127.0.0.1:1/y"],
                            "unescaped '@'", "me:***@127.0.0.1:1/y")  # fmt: skip
    assert "hunter" not in line and "2@" not in line
    line = _one_line_exit_2(["stats", "--db", "postgresql+psycopg://me:hunter2@127.0.0.1:1/y"], "me:***@")
    assert "hunter2" not in line
    error = RuntimeError('could not translate host name "wd@db.example" to address')
    assert "wd" not in reason_of(error, "postgresql://me:pa/ss@wd@db.example/y")
