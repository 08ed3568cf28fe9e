"""The ingest runner with a fake parser: skips, replaces, failures, dying and hanging workers."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import pipeline.batch.ingest
from db import open_engine
from db.models import DocumentRow, IngestRunRow, LineItemRow
from extractors.pdf_open import disclosure_sha256
from ingest_fakes import LINE_ITEMS_PER_DOC, fake_parse, write_inputs
from pipeline.batch.grouping import Grouping
from pipeline.batch.ingest import expand_paths, ingest
from pipeline.batch.pool import _main_imports


def counts(db_url: str) -> tuple[int, int]:
    engine = open_engine(db_url)
    with Session(engine) as session:
        docs = session.scalar(select(func.count()).select_from(DocumentRow)) or 0
        items = session.scalar(select(func.count()).select_from(LineItemRow)) or 0
    engine.dispose()
    return docs, items


def runs(db_url: str) -> list[IngestRunRow]:
    engine = open_engine(db_url)
    with Session(engine) as session:
        rows = list(session.scalars(select(IngestRunRow).order_by(IngestRunRow.id)))
    engine.dispose()
    return rows


def test_loads_a_folder_then_skips_it_then_force_replaces(tmp_path: Path, db_url: str) -> None:
    write_inputs(tmp_path / "in", 4)
    report = ingest([tmp_path / "in"], db_url, jobs=2, progress=False, parse_fn=fake_parse)
    assert (len(report.loaded), len(report.skipped), report.failed) == (4, 0, [])
    assert counts(db_url) == (4, 4 * LINE_ITEMS_PER_DOC)

    again = ingest([tmp_path / "in"], db_url, jobs=2, progress=False, parse_fn=fake_parse)
    assert (len(again.loaded), len(again.skipped), again.ok) == (0, 4, True)
    skipped = [r for r in runs(db_url) if r.run_id == again.run_id]
    assert {(r.status, r.detail) for r in skipped} == {("skipped", "already loaded")}

    forced = ingest([tmp_path / "in"], db_url, jobs=2, force=True, progress=False, parse_fn=fake_parse)
    assert len(forced.loaded) == 4
    assert counts(db_url) == (4, 4 * LINE_ITEMS_PER_DOC)


def test_bad_files_are_recorded_and_the_batch_goes_on(tmp_path: Path, db_url: str) -> None:
    good = write_inputs(tmp_path / "in" / "good", 2)
    (tmp_path / "in" / "zero-byte.pdf").write_bytes(b"")
    write_inputs(tmp_path / "in" / "rejected", 1, "reject")
    write_inputs(tmp_path / "in" / "buggy", 1, "boom")
    report = ingest(
        [tmp_path / "in", tmp_path / "nowhere" / "*.pdf"], db_url, jobs=2, progress=False, parse_fn=fake_parse
    )
    assert sorted(report.loaded) == sorted(map(str, good))
    reasons = {Path(f.paths[0]).parent.name: (f.reason, f.detail) for f in report.failed}
    assert reasons == {
        "in": ("empty", "the file is empty (0 bytes)"),
        "rejected": ("not_budget", "no budget tables found"),
        "buggy": ("error", "ValueError: the extractor tripped"),
        "nowhere": ("not_found", "no such file, or no PDF in that folder"),
    }
    assert counts(db_url) == (2, 2 * LINE_ITEMS_PER_DOC)
    failed = [r for r in runs(db_url) if r.status == "failed"]
    assert {r.reason for r in failed} == {"empty", "not_budget", "error", "not_found"}
    assert all(r.finished_at >= r.started_at and r.parser_version for r in failed)
    assert all(r.sha256 for r in failed if r.reason != "not_found")


def test_a_dying_worker_fails_only_its_own_file(tmp_path: Path, db_url: str) -> None:
    write_inputs(tmp_path / "in" / "a", 3)
    write_inputs(tmp_path / "in" / "b", 1, "crash")
    report = ingest([tmp_path / "in"], db_url, jobs=2, progress=False, parse_fn=fake_parse)
    assert len(report.loaded) == 3
    assert [(Path(f.paths[0]).parent.name, f.reason) for f in report.failed] == [("b", "worker_died")]


def test_a_dying_worker_makes_no_other_file_parse_twice(tmp_path: Path, db_url: str) -> None:
    write_inputs(tmp_path / "in", 4, "slow")
    write_inputs(tmp_path / "in" / "b", 1, "crash")
    report = ingest([tmp_path / "in"], db_url, jobs=2, progress=False, parse_fn=fake_parse)
    assert (len(report.loaded), [f.reason for f in report.failed]) == (4, ["worker_died"])
    parsed = (tmp_path / "in" / "parsed.log").read_text().splitlines()
    assert sorted(parsed) == sorted(str(p) for p in (tmp_path / "in").glob("*.pdf"))
    assert (tmp_path / "in" / "b" / "parsed.log").read_text().count("\n") == 1


def test_workers_start_with_the_parsers_lazy_imports_imported(tmp_path: Path, db_url: str) -> None:
    """camelot (with pandas and OpenCV) is imported once by the forkserver, not by each worker."""
    write_inputs(tmp_path / "in", 1, "imports")
    report = ingest([tmp_path / "in"], db_url, jobs=1, progress=False, parse_fn=fake_parse)
    assert [f.detail for f in report.failed] == ["RuntimeError: imported: camelot"]


def test_a_hanging_worker_times_out(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'y.db'}"
    write_inputs(tmp_path / "in" / "a", 3)
    write_inputs(tmp_path / "in" / "b", 1, "hang")
    report = ingest([tmp_path / "in"], db_url, jobs=2, progress=False, parse_fn=fake_parse, timeout=3)
    assert len(report.loaded) == 3
    assert [f.reason for f in report.failed] == ["timeout"]


def test_a_disclosure_of_several_files_is_one_document(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    narrative, tables = write_inputs(tmp_path / "in", 2)
    monkeypatch.setattr(pipeline.batch.ingest, "group_disclosures", lambda files: Grouping(groups=[files]))
    report = ingest([tmp_path / "in"], db_url, progress=False, parse_fn=fake_parse)
    assert report.loaded == [f"{narrative} + {tables}"]
    again = ingest([tmp_path / "in"], db_url, progress=False, parse_fn=fake_parse)
    assert again.skipped == report.loaded
    engine = open_engine(db_url)
    with Session(engine) as session:
        (doc,) = session.scalars(select(DocumentRow))
        assert doc.sha256 == disclosure_sha256([narrative, tables])
        assert doc.files == ["doc-000.pdf", "doc-001.pdf"]
    engine.dispose()
    logged = [(Path(r.path).name, r.status, r.sha256) for r in runs(db_url)]
    assert logged == [(name, status, doc.sha256) for status in ("loaded", "skipped") for name in doc.files]


def test_expand_paths_takes_files_folders_and_globs(tmp_path: Path) -> None:
    (tmp_path / "a" / "deep").mkdir(parents=True)
    for name in ("a/one.pdf", "a/deep/two.PDF", "a/notes.txt", "three.pdf"):
        (tmp_path / name).write_bytes(b"%PDF-")
    files, missing = expand_paths(
        [
            tmp_path / "a",
            str(tmp_path / "*.pdf"),
            tmp_path / "three.pdf",
            tmp_path / "a" / "notes.txt",
            "nope.pdf",
        ]
    )
    names = [p.relative_to(tmp_path).as_posix() for p in files]
    assert names == ["a/deep/two.PDF", "a/one.pdf", "three.pdf", "a/notes.txt"]
    assert missing == ["nope.pdf"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_progress_bar_goes_to_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str], jobs: int) -> None:
    write_inputs(tmp_path / "in", 2)
    ingest([tmp_path / "in"], f"sqlite:///{tmp_path / 'y.db'}", jobs=jobs, parse_fn=fake_parse)
    out, err = capsys.readouterr()
    assert out == "" and "2/2" in err


def test_the_forkserver_preloads_what_the_main_script_imports(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers run the main script again; before Python 3.13.8 the forkserver never imported it
    for them, so its imports are preloaded by name (`from x import y` and `import x`)."""
    script = types.ModuleType("__main__")
    exec("import json\nfrom pipeline.batch.ingest import ingest\nfrom os import sep\nNAME = 'x'\n", vars(script))
    monkeypatch.setitem(sys.modules, "__main__", script)
    assert _main_imports() == ["json", "pipeline.batch.ingest"]
