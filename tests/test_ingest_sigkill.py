"""Kill -9 an ingest mid-batch: only whole documents remain, and a rerun finishes the batch."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db import open_engine
from db.models import CHILD_TABLES, DocumentRow
from ingest_fakes import write_inputs

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FIXTURE = FIXTURES / "jiyuan-bianban-2021-budget.pdf"
DISTINCT = [FIXTURE] + [FIXTURES / f"{name}.pdf" for name in (
    "hubei-yichang-transport-2021-budget", "henan-xinxiang-finance-2022-budget",
    "chongqing-wanzhou-agriculture-2019-budget",
)]  # fmt: skip
"""Four disclosures of different departments (byte-distinct copies of one would be one disclosure:
each would supersede the last)."""
BATCH = 4


def copies(folder: Path, count: int) -> None:
    """`count` real fixtures, each its own disclosure."""
    folder.mkdir()
    for i, source in enumerate(DISTINCT[:count]):
        shutil.copyfile(source, folder / f"doc-{i}-{source.name}")


def ingest_command(folder: Path, db_url: str) -> list[str]:
    """The real `yusuan ingest` on fixture copies; a slow fake parser while the fixture is missing."""
    if FIXTURE.exists():
        yusuan = Path(sys.executable).with_name("yusuan")
        return [str(yusuan), "ingest", str(folder), "--db", db_url, "--jobs", "2", "--no-progress"]
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from ingest_fakes import fake_parse; from pipeline.batch.ingest import ingest;"
        "sys.exit(0 if ingest([sys.argv[2]], sys.argv[3], jobs=2, progress=False, parse_fn=fake_parse).ok else 1)"
    )
    return [sys.executable, "-c", script, str(Path(__file__).parent), str(folder), db_url]


def per_document_counts(db_url: str) -> dict[str, tuple[int, ...]]:
    engine = open_engine(db_url)
    with Session(engine) as session:
        counts = {
            sha: tuple(
                session.scalar(select(func.count()).select_from(t).where(t.document_id == document_id)) or 0
                for t in CHILD_TABLES
            )
            for document_id, sha in session.execute(select(DocumentRow.id, DocumentRow.sha256))
        }
    engine.dispose()
    return counts


def wait_for_first_document(process: subprocess.Popen[bytes], db_url: str, deadline: float) -> None:
    engine = open_engine(db_url)
    try:
        while time.monotonic() < deadline:
            assert process.poll() is None, "the ingest finished before it could be killed"
            with Session(engine) as session:
                if session.scalar(select(func.count()).select_from(DocumentRow)):
                    return
            time.sleep(0.05)
        raise AssertionError("no document was committed in time")
    finally:
        engine.dispose()


def test_sigkill_mid_batch_leaves_whole_documents_and_a_rerun_completes(tmp_path: Path, db_url: str) -> None:
    folder = tmp_path / "batch"
    if FIXTURE.exists():
        copies(folder, BATCH)
    else:
        write_inputs(folder, BATCH, "slow")
    reference_db = f"sqlite:///{tmp_path / 'reference.db'}"
    subprocess.run(
        ingest_command(folder, reference_db),
        check=True,
        capture_output=True,
        env=os.environ | {"YUSUAN_FAKE_DELAY": "0"},
    )
    whole = per_document_counts(reference_db)  # each document's rows, per table, from a batch not killed
    assert len(whole) == BATCH and all(sum(counts) > 0 for counts in whole.values())

    env = os.environ | {"YUSUAN_FAKE_DELAY": "1.5"}
    process = subprocess.Popen(ingest_command(folder, db_url), env=env, start_new_session=True)
    try:
        wait_for_first_document(process, db_url, time.monotonic() + 120)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        try:  # the orphaned parse workers of the killed run are ours to stop
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert process.returncode == -signal.SIGKILL

    partial = per_document_counts(db_url)
    assert 1 <= len(partial) < BATCH
    assert {sha: whole[sha] for sha in partial} == partial

    rerun = subprocess.run(
        ingest_command(folder, db_url), capture_output=True, text=True, env=env, timeout=300
    )
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    if FIXTURE.exists():
        assert f"loaded {BATCH - len(partial)}, skipped {len(partial)}, failed 0" in rerun.stdout
    complete = per_document_counts(db_url)
    assert complete == whole
    assert {sha: complete[sha] for sha in partial} == partial
