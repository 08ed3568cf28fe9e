"""Benchmark: pages/second of bare pdfplumber, pypdfium2 and the full ingest; memory over a long run.

    python bench/bench.py [--corpus DIR] [--repeat N] [--memory-docs N]

Times, on the same files: pdfplumber `extract_text` + `extract_tables` per
page (the floor the pipeline builds on), pypdfium2 text extraction, and
`pipeline.batch.ingest.ingest` into a fresh SQLite file serially and with 2 jobs
(parsing, normalizing, checking and the database writes), then on a Dask
LocalCluster of 2 workers beside them. Then samples the resident memory
while the longest document is parsed alone, and ingests the corpus repeated
to `--memory-docs` byte-distinct documents, sampling the memory of the
ingest process and its workers as it goes; it prints the peak in each part of
that run, so memory that grows with the number of documents shows.
Not a test: it takes minutes. Figures go in the README.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pdfplumber
import psutil
import pypdfium2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.settings import ExtractSettings  # noqa: E402
from pipeline.api import parse  # noqa: E402
from pipeline.batch.dask_executor import DaskExecutor  # noqa: E402
from pipeline.batch.ingest import ingest  # noqa: E402
from schemas.errors import RejectedInput  # noqa: E402

DEFAULT_CORPUS = Path(os.environ.get("YUSUAN_CORPUS", ROOT.parent / "shared" / "corpus"))
# Timed without OCR: bare pdfplumber reads no scan either, and the timed copies are
# byte-distinct, so each would be OCR'd afresh (seconds a page) instead of from the cache.
NO_OCR = ExtractSettings(ocr=False)
parse_text = partial(parse, settings=NO_OCR)


def parseable(corpus: Path) -> list[tuple[Path, int]]:
    """The corpus files the pipeline accepts, with their page counts (rejected files are not timed)."""
    files = []
    for path in sorted(corpus.glob("*.pdf")):
        try:
            files.append((path, parse_text([path]).meta.page_count))
        except RejectedInput as exc:
            print(f"  leaving out {path.name}: {exc.reason.value}", file=sys.stderr)
    return files


def timed(fn: Callable[[], object], repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return time.perf_counter() - start


def bare_pdfplumber(files: list[Path]) -> None:
    for path in files:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.extract_tables()
                page.close()


def bare_pdfium(files: list[Path]) -> None:
    for path in files:
        pdf = pypdfium2.PdfDocument(path)
        for page in pdf:
            page.get_textpage().get_text_range()
        pdf.close()


def full_ingest(files: list[Path], jobs: int, workdir: Path) -> None:
    """One batch into a fresh database, as a user would run it (worker start-up included)."""
    report = ingest(files, f"sqlite:///{workdir / f'bench-{jobs}.db'}", jobs=jobs, progress=False, parse_fn=parse_text)
    if report.failed:
        raise SystemExit(f"ingest failed: {report.failed}")


def dask_ingest(files: list[Path], workers: int, workdir: Path) -> None:
    """The same batch on a Dask LocalCluster of `workers` processes (cluster start-up included)."""
    executor = DaskExecutor(workers=workers)
    report = ingest(files, f"sqlite:///{workdir / 'bench-dask.db'}", progress=False, executor=executor)
    if report.failed:
        raise SystemExit(f"dask ingest failed: {report.failed}")


def repeated_corpus(files: list[Path], count: int, folder: Path) -> list[Path]:
    """`count` byte-distinct copies of the corpus files (a comment after %%EOF changes the sha256):
    each is parsed, and loaded in place of the copy before it (the same disclosure in other bytes
    supersedes, `db.loader`), so the database stays the corpus's size."""
    folder.mkdir(parents=True, exist_ok=True)
    copies = []
    for i in range(count):
        source = files[i % len(files)]
        target = folder / f"{i:05d}-{source.name}"
        shutil.copyfile(source, target)
        with target.open("ab") as handle:
            handle.write(f"\n%bench copy {i}\n".encode())
        copies.append(target)
    return copies


class MemorySampler(threading.Thread):
    """Samples the RSS of this process and of its children every `interval` seconds."""

    def __init__(self, interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.interval, self.samples, self.running = interval, [], True
        self.me = psutil.Process()

    def rss(self) -> tuple[int, int]:
        """This process's RSS and the largest worker's. The forkserver, which holds the preloaded
        modules every worker is forked from (and so shares its command line), is no worker."""
        parent = self.me.memory_info().rss
        workers = 0
        for child in self.me.children(recursive=True):
            try:
                if child.children():  # the forkserver: its children are the workers
                    continue
                workers = max(workers, child.memory_info().rss)
            except psutil.Error:
                pass
        return parent, workers

    def run(self) -> None:
        while self.running:
            self.samples.append((time.monotonic(), *self.rss()))
            time.sleep(self.interval)


def memory_run(files: list[Path], count: int, jobs: int, workdir: Path) -> list[tuple[float, int, int]]:
    copies = repeated_corpus(files, count, workdir / "repeated")
    sampler = MemorySampler()
    sampler.start()
    start = time.monotonic()
    report = ingest(copies, f"sqlite:///{workdir / 'memory.db'}", jobs=jobs, progress=True, parse_fn=parse_text)
    sampler.running = False
    sampler.join()
    print(
        f"  memory run: {len(report.loaded)} loaded, {len(report.failed)} failed in {time.monotonic() - start:.0f} s"
    )
    return [(t - start, parent, worker) for t, parent, worker in sampler.samples]


def largest_document_memory(entries: list[tuple[Path, int]]) -> None:
    """RSS of this process while it parses the corpus's longest document alone: pages are
    read one at a time and released, so it should stay flat until the records are built."""
    path, pages = max(entries, key=lambda e: e[1])
    sampler = MemorySampler(interval=0.2)
    sampler.start()
    start = time.monotonic()
    parse_text([path])
    sampler.running = False
    sampler.join()
    samples = [(t - start, parent) for t, parent, _ in sampler.samples]
    print(f"\nparsing {path.name} alone ({pages} pages, {samples[-1][0]:.0f} s):")
    print(f"{'progress':>9} {'seconds':>8} {'RSS MB':>8}")
    for fraction in (0.1, 0.25, 0.5, 0.75, 1.0):
        t, parent = samples[min(len(samples) - 1, int(fraction * (len(samples) - 1)))]
        print(f"{fraction:9.0%} {t:8.0f} {parent / 2**20:8.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--repeat", type=int, default=1, help="passes over the corpus (ingest: as distinct copies)"
    )
    parser.add_argument("--memory-docs", type=int, default=500, help="documents in the memory run (0: skip)")
    args = parser.parse_args()

    entries = parseable(args.corpus)
    files = [path for path, _ in entries]
    pages = sum(count for _, count in entries) * args.repeat
    print(f"corpus: {args.corpus}, {len(files)} files, {pages} pages timed, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="yusuan-bench-") as tmp:
        workdir = Path(tmp)
        batch = repeated_corpus(files, len(files) * args.repeat, workdir / "timed")
        rows = [
            ("pdfplumber extract_text+extract_tables", timed(lambda: bare_pdfplumber(files), args.repeat)),
            ("pypdfium2 text", timed(lambda: bare_pdfium(files), args.repeat)),
            ("yusuan ingest --jobs 1", timed(lambda: full_ingest(batch, 1, workdir), 1)),
            ("yusuan ingest --jobs 2", timed(lambda: full_ingest(batch, 2, workdir), 1)),
        ]
        base, serial, parallel = rows[0][1], rows[2][1], rows[3][1]
        print(f"\n{'what':42} {'seconds':>9} {'pages/s':>9} {'s/page':>8}")
        for name, seconds in rows:
            print(f"{name:42} {seconds:9.1f} {pages / seconds:9.1f} {seconds / pages:8.3f}")
        print(f"\nfull pipeline per page / bare pdfplumber: {serial / base:.2f}x (target <= 1.0x)")
        print(f"speed-up with 2 jobs: {serial / parallel:.2f}x (target >= 1.9x)")
        on_dask = timed(lambda: dask_ingest(batch, 2, workdir), 1)
        name = "yusuan ingest --executor dask --workers 2"
        print(f"{name:42} {on_dask:9.1f} {pages / on_dask:9.1f} {on_dask / pages:8.3f}")
        print(f"Dask LocalCluster (2 workers) time / process pool (2 jobs): {on_dask / parallel:.2f}x")
        largest_document_memory(entries)
        if args.memory_docs:
            samples = memory_run(files, args.memory_docs, 2, workdir)
            print(f"\n{'part of the run':>15} {'seconds':>8} {'ingest peak MB':>15} {'largest worker peak MB':>23}")
            end = samples[-1][0]
            for low, high in ((0.0, 0.1), (0.1, 0.25), (0.25, 0.5), (0.5, 0.75), (0.75, 1.0)):
                part = [s for s in samples if low * end <= s[0] <= high * end]
                print(
                    f"{f'{low:.0%}-{high:.0%}':>15} {high * end:8.0f} {max(s[1] for s in part) / 2**20:15.0f}"
                    f" {max(s[2] for s in part) / 2**20:23.0f}"
                )


if __name__ == "__main__":
    main()
