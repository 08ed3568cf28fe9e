"""Bad input through the real pipeline: each file refused with its reason, the batch goes on."""

from __future__ import annotations

import os
import shutil
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db import open_engine
from db.models import DocumentRow, IngestRunRow
from extractors.settings import ExtractSettings
from pipeline.api import parse
from pipeline.batch.ingest import ingest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
GOOD = FIXTURES / "jiyuan-bianban-2021-budget.pdf"
EXPECTED = {
    "zero-byte.pdf": "empty",
    "not-a-pdf.pdf": "not_pdf",
    "truncated.pdf": "corrupt",
    "corrupt.pdf": "corrupt",
    "encrypted.pdf": "encrypted",
    "image-only.pdf": "image_only",
    "not-a-budget.pdf": "not_budget",
    "absurd-pages.pdf": "too_many_pages",
}


def stand_in(name: str, target: Path) -> bool:
    """Make a stand-in for a fixtures/bad file not generated yet, where one is easy to make."""
    good = GOOD.read_bytes()
    contents = {
        "zero-byte.pdf": b"",
        "not-a-pdf.pdf": b"<!DOCTYPE html><html><body>404 Not Found</body></html>",
        "truncated.pdf": good[: len(good) // 3],
        "corrupt.pdf": good[:20] + bytes(range(256)) * 64,
    }
    if name not in contents:
        return False
    target.write_bytes(contents[name])
    return True


@pytest.fixture
def bad_folder(tmp_path: Path) -> Path:
    """fixtures/bad, with stand-ins for missing files; a missing file fails in CI."""
    if not GOOD.exists():
        pytest.skip(f"fixture {GOOD} not generated yet")
    folder = tmp_path / "bad"
    folder.mkdir()
    missing = []
    for name in EXPECTED:
        source = FIXTURES / "bad" / name
        if source.exists():
            shutil.copyfile(source, folder / name)
        elif not stand_in(name, folder / name):
            missing.append(name)
    if missing and os.environ.get("CI"):
        pytest.fail(f"fixtures/bad lacks {', '.join(missing)}")
    return folder


def test_each_bad_file_is_refused_with_its_reason(bad_folder: Path, db_url: str) -> None:
    # image_only is the refusal of --no-ocr; with OCR on, tests/test_ocr.py reads such files
    no_ocr = partial(parse, settings=ExtractSettings(ocr=False))
    report = ingest([bad_folder, GOOD], db_url, jobs=2, progress=False, parse_fn=no_ocr)
    reasons = {Path(f.paths[0]).name: f.reason for f in report.failed}
    assert reasons == {name: EXPECTED[name] for name in os.listdir(bad_folder)}
    assert all(f.detail for f in report.failed)
    assert report.loaded == [str(GOOD)]

    engine = open_engine(db_url)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(DocumentRow)) == 1
        failed = select(IngestRunRow.path, IngestRunRow.reason).where(IngestRunRow.status == "failed")
        logged = {path: reason for path, reason in session.execute(failed)}
    engine.dispose()
    assert {Path(p).name: r for p, r in logged.items()} == reasons
