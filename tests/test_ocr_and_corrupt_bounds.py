"""OCR that overruns is killed whole, its temporary files with it; a file with no PDF structure behind
its `%PDF` header is refused as corrupt at once, not after the parse timeout."""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import replace
from functools import partial
from pathlib import Path

import pytest

from extractors.ocr import ocr_copy
from extractors.pdf_open import file_sha256
from extractors.settings import ExtractSettings
from pipeline.api import parse
from pipeline.batch.ingest import ingest
from schemas.errors import Reason, RejectedInput

ROOT = Path(__file__).resolve().parent.parent
SCANNED = "beijing-govservice-2026-department-budget-scanned.pdf"
"""Eight scanned pages: OCR takes most of a minute, so a short timeout finds Tesseract at work."""


@pytest.fixture(autouse=True)
def ocr_installed() -> None:
    if shutil.which("ocrmypdf") is None:
        if os.environ.get("CI"):
            pytest.fail("ocrmypdf is not installed (make system-deps)")
        pytest.skip("ocrmypdf is not installed (make system-deps)")


def _processes_mentioning(text: str) -> list[str]:
    """Command lines of live processes naming `text` (a path only this test's OCR uses)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (proc / "stat").read_text().split(") ", 1)[1][0]
        except OSError:
            continue
        if text in cmdline and state != "Z":
            found.append(cmdline)
    return found


def _gone(text: str, within: float = 5.0) -> list[str]:
    deadline = time.monotonic() + within
    while (left := _processes_mentioning(text)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def _scanned_copy(corpus: Path, tmp_path: Path) -> Path:
    """The scanned disclosure at a path of this test's own, so its OCR processes can be told apart."""
    copy = tmp_path / "scan-under-test.pdf"
    shutil.copyfile(corpus / SCANNED, copy)
    return copy


def test_an_ocr_timeout_kills_ocrmypdf_and_tesseract_and_leaves_no_temporary_files(
    corpus: Path, tmp_path: Path
) -> None:
    scan, cache = _scanned_copy(corpus, tmp_path), tmp_path / "cache"
    (cache / ".ocr-999999999-leftover").mkdir(parents=True)  # what a worker killed outright left behind
    settings = ExtractSettings(ocr_cache=str(cache), ocr_seconds_per_page=0.75)  # 6 s for 8 pages
    with pytest.raises(RejectedInput) as refused:
        ocr_copy(str(scan), file_sha256(str(scan)), settings)
    assert refused.value.reason == Reason.IMAGE_ONLY and "OCR took longer than 6 s" in refused.value.detail
    assert _gone(str(scan)) == []  # tesseract too, not only ocrmypdf
    assert list(cache.iterdir()) == []  # no stray file in the cache, and the old leftover swept


def test_a_parse_past_the_ingest_timeout_takes_its_ocr_down_with_it(corpus: Path, tmp_path: Path) -> None:
    scan, cache = _scanned_copy(corpus, tmp_path), tmp_path / "cache"
    parse_fn = partial(parse, settings=replace(ExtractSettings(), ocr_cache=str(cache)))
    report = ingest([scan], f"sqlite:///{tmp_path / 'y.db'}", jobs=1, progress=False, parse_fn=parse_fn,
                    timeout=6)  # fmt: skip
    assert [f.reason for f in report.failed] == ["timeout"]
    assert _gone(str(scan)) == []
    assert list(cache.iterdir()) == []


def test_a_sparse_gigabyte_behind_a_pdf_header_is_refused_as_corrupt_at_once(tmp_path: Path) -> None:
    sparse = tmp_path / "sparse.pdf"
    with sparse.open("wb") as f:
        f.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        f.truncate(1024**3)  # a gigabyte of holes: no trailer, no cross-reference table
    with pytest.raises(RejectedInput) as refused:
        parse([sparse])
    assert refused.value.reason == Reason.CORRUPT and "no startxref or %%EOF" in refused.value.detail
    report = ingest([sparse], f"sqlite:///{tmp_path / 'y.db'}", jobs=1, progress=False, timeout=30)
    assert [(f.reason, "no startxref" in f.detail) for f in report.failed] == [("corrupt", True)]


def test_a_pdf_resaved_with_trailing_bytes_still_opens(tmp_path: Path) -> None:
    """The tail check is no stricter than readers: junk after %%EOF is tolerated."""
    padded = tmp_path / "padded.pdf"
    padded.write_bytes((ROOT / "fixtures" / "beijing-haidian-archives-2023-tables.pdf").read_bytes() + b"\0" * 4096)
    assert parse([padded]).tables
