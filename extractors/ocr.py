"""A text layer for scanned pages: OCRmyPDF with Tesseract's simplified Chinese.

OCRmyPDF (`--skip-text`) rasterizes only the pages that have no text (at 300
dpi at least), runs
Tesseract `chi_sim` on them and writes a copy of the PDF whose scanned pages
carry an invisible text layer over the image; pages that had text are left
as they were. The copy is cached under the file's sha256, because OCR takes
seconds a page and a re-ingest or a test should not pay it again.

Tesseract reads Chinese as space-separated words and splits numbers at their
punctuation (`101, 673. 03 万 元`), and it reads the ruling lines beside a
cell as `|`, and it prints ASCII `.` `,` for 。，after Chinese. `ocr_text`
undoes these, so the rest of the pipeline sees text as
a text PDF would print it.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from extractors.settings import ExtractSettings
from schemas.errors import Reason, RejectedInput

LANGUAGE = "chi_sim"
# Scans are often posted at 100-150 dpi; Tesseract misreads separators there (5,846.87 as
# 5.846.87) and reads them right from the page upsampled to 300 dpi.

# A space Tesseract put between two words is kept only between two Latin letters or digits
# (a number broken after its separators, `673. 03`, has none there).
_SPACE = re.compile(r"(?<![A-Za-z0-9])\s+|\s+(?![A-Za-z0-9])")
_RULE = re.compile(r"[|｜]")
# After a Chinese character Tesseract reads the full-width 。，：; as their ASCII look-alikes.
_CJK_PUNCTUATION = re.compile(r"(?<=[\u3400-\u9fff])[.,:;]")
_FULL_WIDTH = {".": "。", ",": "，", ":": "：", ";": "；"}


def default_cache_dir() -> Path:
    """`$YUSUAN_OCR_CACHE`, else the user's cache folder."""
    configured = os.environ.get("YUSUAN_OCR_CACHE")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "yusuan" / "ocr"


def ocr_copy(path: str, sha256: str, settings: ExtractSettings) -> str:
    """The path of `path` with a text layer on its scanned pages, made once per file content
    (kept in `settings.ocr_cache`)."""
    folder = Path(settings.ocr_cache) if settings.ocr_cache else default_cache_dir()
    target = folder / f"{sha256}.pdf"
    if target.exists():
        return str(target)
    if shutil.which("ocrmypdf") is None:
        raise RejectedInput(
            path, Reason.IMAGE_ONLY,
            "pages have no text layer and OCRmyPDF is not installed (apt-get install ocrmypdf tesseract-ocr-chi-sim)",
        )
    folder.mkdir(parents=True, exist_ok=True)
    _sweep(folder)
    # OCRmyPDF's own temporary files (TMPDIR) live in this folder too, so they go with it
    with tempfile.TemporaryDirectory(dir=folder, prefix=f"{_TMP_PREFIX}{os.getpid()}-") as tmp:
        out = Path(tmp) / "ocr.pdf"
        command = ["ocrmypdf", "--language", LANGUAGE, "--skip-text", "--oversample", str(settings.ocr_dpi),
                   "--output-type", "pdf", "--quiet", "--jobs", "1", path, str(out)]
        timeout = _timeout(path, settings)
        try:
            returncode, stderr = _run_in_own_group(command, timeout, {**os.environ, "TMPDIR": tmp})
        except subprocess.TimeoutExpired as exc:
            raise RejectedInput(path, Reason.IMAGE_ONLY, f"OCR took longer than {timeout:.0f} s") from exc
        if returncode != 0 or not out.exists():
            detail = (stderr.strip().splitlines() or [f"exit status {returncode}"])[-1]
            raise RejectedInput(path, Reason.IMAGE_ONLY, f"pages have no text layer and OCR failed: {detail}")
        os.replace(out, target)  # atomic: a concurrent parse of the same file sees all or nothing
    return str(target)


_TMP_PREFIX = ".ocr-"


def _run_in_own_group(command: list[str], timeout: float, env: dict[str, str]) -> tuple[int, str]:
    """Run OCRmyPDF in a process group of its own, and kill the whole group (it and the
    Tesseract processes it started) when it overruns `timeout` or this process is stopped
    (the ingest pool asks a worker past its timeout to stop with SIGTERM): killing OCRmyPDF
    alone left Tesseract running on for most of a minute."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
                               start_new_session=True)  # fmt: skip
    try:
        _out, stderr = process.communicate(timeout=timeout)
    except BaseException:  # the timeout, or SystemExit / KeyboardInterrupt while waiting
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.communicate()
        raise
    return process.returncode, stderr


def _sweep(folder: Path) -> None:
    """Remove what OCR runs killed outright (SIGKILL, no chance to clean up) left in the cache."""
    for leftover in folder.glob(f"{_TMP_PREFIX}*"):
        pid = leftover.name.removeprefix(_TMP_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(leftover, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _timeout(path: str, settings: ExtractSettings) -> float:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(path)
    try:
        return settings.ocr_seconds_per_page * max(1, len(pdf))
    finally:
        pdf.close()


def ocr_text(text: str) -> str:
    """OCR'd text as printed: no ruling-line bars, no spaces between Chinese words or inside numbers."""
    text = _SPACE.sub("", _RULE.sub(" ", text)).strip()
    return _CJK_PUNCTUATION.sub(lambda m: _FULL_WIDTH[m.group()], text)
