"""The crawler against the hostile web (tests/hostile_site.py): every run ends within its limits,
records what went wrong on the URL it went wrong at, and goes on with the rest."""

from __future__ import annotations

import errno
import json
import re
import sqlite3
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote

import pytest
from click.testing import CliRunner
from hostile_site import (
    Host,
    deflate_bomb,
    drip,
    elapsed,
    endless_redirects,
    gzip_bomb,
    hosts,
    huge,
    lying_gzip,
    pdf,
    redirect,
    send,
    slow_headers,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

import pipeline.crawl.files
import pipeline.crawl.runner
from db import open_engine
from db.models import CrawlRunRow, CrawlUrlRow
from pipeline.commands.cli import main
from pipeline.crawl import CrawlReport, CrawlSettings, Site, crawl
from pipeline.crawl.runner import WORK_DIR

ROOT = Path(__file__).resolve().parent.parent
GOOD = (ROOT / "fixtures" / "hubei-yichang-transport-2021-budget.pdf").read_bytes()
OTHER = (ROOT / "fixtures" / "henan-xinxiang-finance-2022-budget.pdf").read_bytes()
SMALL = (ROOT / "fixtures" / "beijing-haidian-archives-2023-tables.pdf").read_bytes()
"""Under the pages' 256 KiB cap: a PDF a server can pass off as a page."""
FAST = CrawlSettings(
    delay=0.02, jitter=0.0, timeout=1.0, request_seconds=1.5, retries=1, backoff=0.05, max_wait=2.0,
    max_redirects=3, max_page_bytes=256 * 1024, max_file_bytes=2 * 1024 * 1024, max_seconds=30.0,
)  # fmt: skip
LIMIT = 15.0
"""No run here may take longer: each case's own bound is far below it (a default would be hours)."""


@pytest.fixture
def new_host() -> Iterator[Callable[[], Host]]:
    with hosts() as factory:
        yield factory


def column(host: Host, *links: str, good: bool = True) -> str:
    """A 预决算公开 list page linking to `links` (pages named as budgets, files by .pdf) and one
    good PDF, which every run must still fetch."""
    anchors = [f'<a href="{href}">2026年部门预算 {i}{".pdf" if href.endswith(".pdf") else ""}</a>'
               for i, href in enumerate(links)]  # fmt: skip
    if good:
        host.put("/files/good.pdf", pdf(GOOD))
        anchors.append('<a href="/files/good.pdf">附件：2026年部门预算.pdf</a>')
    host.html("/ysjs/index.html", "<ul>" + "".join(f"<li>{a}</li>" for a in anchors) + "</ul>")
    return host.url("/ysjs/index.html")


@pytest.fixture
def run(tmp_path: Path) -> Callable[..., tuple[CrawlReport, dict[str, CrawlUrlRow]]]:
    """Crawl start URLs with small limits into one output folder and database; the report and
    every URL's record, keyed by path. Asserts the run ended within LIMIT seconds."""
    db_url = f"sqlite:///{tmp_path / 'y.db'}"

    def go(*starts: str, settings: CrawlSettings = FAST, sites: tuple[Site, ...] = ()) -> tuple[
        CrawlReport, dict[str, CrawlUrlRow]
    ]:  # fmt: skip
        began = time.monotonic()
        report = crawl(list(starts), sites, tmp_path / "out", db_url, settings, progress=False)
        assert elapsed(began) < LIMIT
        assert report.seconds < LIMIT
        engine = open_engine(db_url)
        with Session(engine) as session:
            rows: dict[str, CrawlUrlRow] = {}
            for row in session.scalars(select(CrawlUrlRow).order_by(CrawlUrlRow.id)):
                rows[row.url] = row
                rows[unquote(row.url.split("/", 3)[3]) if row.url.count("/") >= 3 else row.url] = row
            session.expunge_all()
        engine.dispose()
        return report, rows

    return go


def _good_fetched(report: CrawlReport, urls: dict[str, CrawlUrlRow]) -> None:
    """The run went on past the hostile URL: the good PDF beside it was kept."""
    assert urls["files/good.pdf"].status == "ok" and urls["files/good.pdf"].sha256
    assert report.files["new"] + report.files["unchanged"] >= 1


def _failed(urls: dict[str, CrawlUrlRow], path: str, reason: str) -> CrawlUrlRow:
    row = urls[path]
    assert (row.status, row.reason) == ("failed", reason), (row.status, row.reason, row.detail)
    assert row.detail and "\n" not in row.detail
    return row


def _cache_holds_pdf(out: Path) -> bool:
    cache = sqlite3.connect(out / WORK_DIR / "http-cache.sqlite")
    try:
        return any(b"%PDF" in bytes(chunk) for (chunk,) in cache.execute("SELECT chunk_data FROM streams"))
    finally:
        cache.close()


# --- 1. one bad response never ends the crawl -----------------------------------------------------------


def test_a_body_that_lies_about_gzip_fails_on_its_url_every_run_and_is_never_cached(
    new_host: Callable[[], Host], run: Callable[..., tuple[CrawlReport, dict[str, CrawlUrlRow]]]
) -> None:
    host = new_host()
    host.put("/ysjs/lie.html", lying_gzip("<html><a href='/files/x.pdf'>预算.pdf</a></html>".encode()))
    start = column(host, "/ysjs/lie.html")
    for attempt in (1, 2):  # a cached copy would fail every later run without asking the server
        report, urls = run(start)
        assert "not valid gzip" in (_failed(urls, "ysjs/lie.html", "bad_encoding").detail or "")
        _good_fetched(report, urls)
        assert report.exit_status == 1 and report.failed == {"bad_encoding": 1}
        assert host.requests_to("/ysjs/lie.html") == attempt


def test_a_link_with_an_impossible_port_is_recorded_as_written_and_never_requested(
    new_host: Callable[[], Host], run: Callable[..., tuple[CrawlReport, dict[str, CrawlUrlRow]]]
) -> None:
    host = new_host()
    start = column(host, "http://x:99999/预算.pdf", "http://[::1/预算.html")
    report, urls = run(start)
    assert "Port out of range" in (_failed(urls, "http://x:99999/预算.pdf", "bad_url").detail or "")
    _good_fetched(report, urls)
    assert report.exit_status == 1 and report.failed["bad_url"] >= 1


def test_a_bug_met_on_one_url_is_recorded_on_it_and_the_crawl_goes_on(
    new_host: Callable[[], Host], run: Callable[..., tuple[CrawlReport, dict[str, CrawlUrlRow]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    host = new_host()
    host.put("/files/cursed.pdf", pdf(OTHER))
    start = column(host, "/files/cursed.pdf")
    keep = pipeline.crawl.runner.keep

    def cursed(out: Path, scratch: Path, sha256: str) -> Path:
        if scratch.stat().st_size == len(OTHER):
            raise RuntimeError("a bug in storing one file")
        return keep(out, scratch, sha256)

    monkeypatch.setattr(pipeline.crawl.runner, "keep", cursed)
    report, urls = run(start)
    assert _failed(urls, "files/cursed.pdf", "error").detail == "RuntimeError: a bug in storing one file"
    _good_fetched(report, urls)


def test_robots_txt_answering_500_skips_its_host_and_says_so(
    new_host: Callable[[], Host], run: Callable[..., tuple[CrawlReport, dict[str, CrawlUrlRow]]]
) -> None:
    broken, good = new_host(), new_host()
    broken.put("/robots.txt", send(500, b"oops"))
    broken.html("/ysjs/index.html", '<a href="/files/a.pdf">a.pdf</a>')
    report, urls = run(broken.url("/ysjs/index.html"), column(good))
    assert broken.hits == ["/robots.txt"]  # not retried, nothing else asked
    host = broken.base.split("//")[1]
    assert "robots.txt unreachable (http_500" in report.hosts_skipped[host]
    assert urls["robots.txt"].status in ("failed", "ok")  # both hosts' robots.txt share the path key
    _good_fetched(report, urls)
    assert report.exit_status == 1 and report.left["skipped"] == 1
    assert any(line.startswith(f"host skipped: {host}") for line in report.summary_lines())


def test_a_robots_txt_redirecting_in_a_loop_is_taken_as_none(
    new_host: Callable[[], Host], run: Callable[..., tuple[CrawlReport, dict[str, CrawlUrlRow]]]
) -> None:
    host = new_host()
    host.put("/robots.txt", redirect("/robots2.txt"))
    host.put("/robots2.txt", redirect("/robots.txt"))
    report, urls = run(column(host))
    assert urls["robots.txt"].status == "ok" and "redirects more than 5 times" in (urls["robots.txt"].detail or "")
    assert host.requests_to("/robots.txt") + host.requests_to("/robots2.txt") == 6  # five hops, then given up
    _good_fetched(report, urls)
    assert report.exit_status == 0


# --- 2. every run ends by itself --------------------------------------------------------------------------


def test_an_endless_redirect_chain_is_cut_after_max_redirects(
    new_host: Callable[[], Host], run: Callable[..., tuple[CrawlReport, dict[str, CrawlUrlRow]]]
) -> None:
    host = new_host()
    host.put_prefix("/r/", endless_redirects("/r/"))
    report, urls = run(column(host, "/r/0"))
    assert sum(hit.startswith("/r/") for hit in host.hits) == FAST.max_redirects + 1
    assert "more than 3 redirects" in (_failed(urls, "r/3", "too_many_redirects").detail or "")
    assert [urls[f"r/{n}"].status for n in range(3)] == ["redirect"] * 3
    _good_fetched(report, urls)


def test_redirect_hops_count_towards_the_page_budget(
    new_host: Callable[[], Host], run: Callable[..., tuple[CrawlReport, dict[str, CrawlUrlRow]]]
) -> None:
    host = new_host()
    host.put_prefix("/r/", endless_redirects("/r/"))
    report, _urls = run(column(host, "/r/0", good=False), settings=replace(FAST, max_pages=4, max_redirects=100))
    assert sum(hit.startswith("/r/") for hit in host.hits) == 3  # the list page and three hops: four pages
    assert report.left["max_pages"] == 1 and report.exit_status == 0


def test_a_server_sending_a_byte_at_a_time_is_cut_at_the_request_deadline(
    new_host: Callable[[], Host], run: Callable[..., tuple[CrawlReport, dict[str, CrawlUrlRow]]], tmp_path: Path
) -> None:
    host = new_host()
    host.put("/ysjs/drip.html", drip(host, every=0.2))  # each byte well inside the 1 s read timeout
    host.put("/files/drip.pdf", drip(host, every=0.2, content_type="application/pdf"))
    host.put("/ysjs/headers.html", slow_headers(host, every=0.2))
    began = time.monotonic()
    report, urls = run(column(host, "/ysjs/drip.html", "/files/drip.pdf", "/ysjs/headers.html"))
    for path in ("ysjs/drip.html", "files/drip.pdf", "ysjs/headers.html"):
        assert "within 1.5 s" in (_failed(urls, path, "deadline").detail or "")
    assert elapsed(began) < 3 * FAST.request_seconds + 3  # three deadlines, not 10,000 bytes' worth
    _good_fetched(report, urls)
    assert not list((tmp_path / "out" / WORK_DIR / "partial").iterdir())


def test_a_crawl_delay_longer_than_allowed_defers_the_host_to_the_next_run(
    new_host: Callable[[], Host], run: Callable[..., tuple[CrawlReport, dict[str, CrawlUrlRow]]]
) -> None:
    slow, good = new_host(), new_host()
    slow.put("/robots.txt", send(200, b"User-agent: *\nCrawl-delay: 86400\n", "text/plain"))
    slow.html("/ysjs/index.html", '<a href="/files/a.pdf">a.pdf</a>')
    report, urls = run(slow.url("/ysjs/index.html"), column(good))
    assert slow.hits == ["/robots.txt"]
    why = report.hosts_deferred[slow.base.split("//")[1]]
    assert "Crawl-delay 86400 s, more than the 2 s" in why
    _good_fetched(report, urls)
    assert report.exit_status == 1 and report.left["deferred"] == 1


def test_429_with_a_retry_after_longer_than_allowed_defers_the_host(
    new_host: Callable[[], Host], run: Callable[..., tuple[CrawlReport, dict[str, CrawlUrlRow]]]
) -> None:
    busy, good = new_host(), new_host()
    busy.put("/ysjs/index.html", send(429, b"", Retry_After="3600"))
    report, urls = run(busy.url("/ysjs/index.html"), column(good))
    assert busy.hits == ["/robots.txt", "/ysjs/index.html"]  # not retried three times, an hour apart
    assert urls["ysjs/index.html"].status in ("deferred", "ok")  # the two hosts' list pages share a path
    assert "Retry-After 3600 s" in report.hosts_deferred[busy.base.split("//")[1]]
    _good_fetched(report, urls)
    assert report.exit_status == 1


def test_the_run_deadline_cuts_a_request_and_leaves_the_queue_for_the_next_run(
    new_host: Callable[[], Host], run: Callable[..., tuple[CrawlReport, dict[str, CrawlUrlRow]]]
) -> None:
    host = new_host()
    host.put("/ysjs/drip.html", drip(host, every=0.2))
    pages = [f"/ysjs/t{i}.html" for i in range(5)]
    for page in pages:
        host.html(page, "<p>预算</p>")
    settings = replace(FAST, request_seconds=60.0, max_seconds=2.0)
    began = time.monotonic()
    report, urls = run(column(host, "/ysjs/drip.html", *pages), settings=settings)
    assert elapsed(began) < settings.max_seconds + 3
    assert report.stopped == "deadline" and report.left["deadline"] >= 1
    assert "ysjs/drip.html" not in urls  # cut by the run's deadline: left for later, not failed
    assert report.exit_status == 0  # a limit the caller set, not a failure
    assert "stopped at the run's deadline (--max-seconds)" in report.summary_lines()


def test_the_pdf_cap_leaves_the_rest_for_the_next_run_which_goes_further(
    new_host: Callable[[], Host], run: Callable[..., tuple[CrawlReport, dict[str, CrawlUrlRow]]]
) -> None:
    host = new_host()
    host.put("/files/b.pdf", pdf(OTHER))
    host.put("/files/c.pdf", pdf(SMALL))
    start = column(host, "/files/b.pdf", "/files/c.pdf")
    capped = replace(FAST, max_files=1)
    first, _ = run(start, settings=capped)
    assert (first.files["new"], first.left["max_files"], first.exit_status) == (1, 2, 0)
    second, _ = run(start, settings=capped)  # the one it holds answers 304 and does not count
    assert (second.files["new"], second.files["unchanged"], second.left["max_files"]) == (1, 1, 1)


# --- 3. bounded resources ----------------------------------------------------------------------------------


@pytest.mark.parametrize("bomb", [gzip_bomb, deflate_bomb])
def test_a_compression_bomb_page_is_refused_at_the_cap_without_being_inflated_whole(
    new_host: Callable[[], Host], run: Callable[..., tuple[CrawlReport, dict[str, CrawlUrlRow]]],
    bomb: Callable[[int], object],
) -> None:  # fmt: skip
    host = new_host()
    host.put("/ysjs/bomb.html", bomb(200 * 1024 * 1024))  # type: ignore[arg-type]
    start = column(host, "/ysjs/bomb.html")
    tracemalloc.start()
    try:
        report, urls = run(start)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "once decompressed" in (_failed(urls, "ysjs/bomb.html", "too_large").detail or "")
    assert peak < 32 * 1024 * 1024  # a few pieces of 64 KiB and the page cap, never 200 MiB
    _good_fetched(report, urls)


def test_a_content_length_over_the_cap_is_refused_before_the_body_and_never_cached(
    new_host: Callable[[], Host], run: Callable[..., tuple[CrawlReport, dict[str, CrawlUrlRow]]], tmp_path: Path
) -> None:
    host = new_host()
    host.put("/files/huge.pdf", huge(2 * 1024**3))
    host.put("/ysjs/huge.html", huge(2 * 1024**3, "text/html"))
    report, urls = run(column(host, "/files/huge.pdf", "/ysjs/huge.html"))
    assert "Content-Length 2147483648" in (_failed(urls, "files/huge.pdf", "too_large").detail or "")
    assert "Content-Length 2147483648" in (_failed(urls, "ysjs/huge.html", "too_large").detail or "")
    _good_fetched(report, urls)
    out = tmp_path / "out"
    assert not list((out / WORK_DIR / "partial").iterdir())
    assert (out / WORK_DIR / "http-cache.sqlite").stat().st_size < 1024 * 1024


def test_the_http_cache_never_holds_a_second_copy_of_a_pdf(
    new_host: Callable[[], Host], run: Callable[..., tuple[CrawlReport, dict[str, CrawlUrlRow]]], tmp_path: Path
) -> None:
    host = new_host()
    host.put("/download.jsp", pdf(OTHER))  # a page link (no .pdf in sight) answering with a PDF
    host.put("/ysjs/mislabelled.html", send(200, SMALL, "text/html"))  # a PDF said to be HTML
    report, urls = run(column(host, "/download.jsp?id=7", "/ysjs/mislabelled.html"))
    assert urls["download.jsp?id=7"].status == "ok" and urls["download.jsp?id=7"].kind == "file"
    assert urls["ysjs/mislabelled.html"].status == "ok" and urls["ysjs/mislabelled.html"].sha256
    assert report.files["new"] == 3
    assert not _cache_holds_pdf(tmp_path / "out")
    again, _ = run(column(host, "/download.jsp?id=7", "/ysjs/mislabelled.html"))
    assert again.files["new"] == 0 and not _cache_holds_pdf(tmp_path / "out")


def test_a_full_disk_stops_the_run_with_one_line_and_everything_recorded_intact(
    new_host: Callable[[], Host], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    host = new_host()
    host.put("/files/b.pdf", pdf(OTHER))
    start = column(host, "/files/b.pdf", "/files/c.pdf")
    host.put("/files/c.pdf", pdf(SMALL))
    room = [len(OTHER) + 1000]  # b.pdf fits, then the disk is full
    fdopen = pipeline.crawl.files.fdopen

    class Filling:
        """A scratch file on a disk with `room` bytes left: the real file, until write() has no room."""

        def __init__(self, raw: BinaryIO) -> None:
            self.raw = raw

        def write(self, chunk: bytes) -> int:
            room[0] -= len(chunk)
            if room[0] < 0:
                raise OSError(errno.ENOSPC, "No space left on device")
            return self.raw.write(chunk)

        def close(self) -> None:
            self.raw.close()

    monkeypatch.setattr(pipeline.crawl.files, "fdopen", lambda fd, mode: Filling(fdopen(fd, mode)))
    out, db_url = tmp_path / "out", f"sqlite:///{tmp_path / 'y.db'}"
    args = ["crawl", start, "--out", str(out), "--db", db_url, "--delay", "0.02", "--max-wait", "2"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "stopped: the disk is full; everything recorded so far is intact" in result.output
    assert "files/c.pdf: failed: disk_full: cannot write" in result.output
    assert not list((out / WORK_DIR / "partial").iterdir())  # no half file left
    assert len(list((out / "files").iterdir())) == 1  # b.pdf, whole
    engine = open_engine(db_url)
    with Session(engine) as session:
        assert session.scalars(select(CrawlRunRow.status)).all() == ["finished"]
    engine.dispose()

    monkeypatch.setattr(pipeline.crawl.files, "fdopen", fdopen)  # room again: the next run finishes
    result = CliRunner().invoke(main, [*args, "--json"])
    summary = json.loads(result.output)
    assert result.exit_code == 0, summary
    assert summary["files"]["new"] == 2 and summary["files"]["unchanged"] == 1, summary


# --- 4. every redirect hop obeys the same rules as a link ---------------------------------------------------


def test_a_redirect_off_the_site_is_not_followed_but_a_file_may_live_elsewhere(
    new_host: Callable[[], Host], run: Callable[..., tuple[CrawlReport, dict[str, CrawlUrlRow]]]
) -> None:
    host, elsewhere = new_host(), new_host()
    elsewhere.html("/evil.html", '<a href="/files/evil.pdf">evil.pdf</a>')
    elsewhere.put("/files/real.pdf", pdf(OTHER))
    host.put("/ysjs/moved.html", redirect(elsewhere.url("/evil.html"), 301))
    host.put("/files/cdn.pdf", redirect(elsewhere.url("/files/real.pdf")))
    host.put("/ysjs/ftp.html", redirect("ftp://files.example/budget.pdf"))
    host.put("/ysjs/private.html", redirect("/private/x.html"))
    site = Site("s", (column(host, "/ysjs/moved.html", "/files/cdn.pdf", "/ysjs/ftp.html", "/ysjs/private.html"),),
                deny=(re.compile("/private/"),))  # fmt: skip
    report, urls = run(sites=(site,))
    assert elsewhere.url("/evil.html") in (_failed(urls, "ysjs/moved.html", "off_site").detail or "")
    assert "not http(s)" in (_failed(urls, "ysjs/ftp.html", "bad_redirect").detail or "")
    assert "allow/deny" in (_failed(urls, "ysjs/private.html", "denied").detail or "")
    assert elsewhere.hits == ["/robots.txt", "/files/real.pdf"]  # the PDF on another host, nothing else
    assert host.requests_to("/private/x.html") == 0
    assert urls["files/real.pdf"].status == "ok" and urls["files/cdn.pdf"].status == "redirect"
    _good_fetched(report, urls)


# --- the lock -----------------------------------------------------------------------------------------------


def _hold_lock(out: Path, owner_pid: str) -> subprocess.Popen[str]:
    """Another process holding the crawl lock on `out`, in the name of `owner_pid` ("self": its own)."""
    work = out / WORK_DIR
    work.mkdir(parents=True, exist_ok=True)
    code = (
        "import json, os, sys, time; from filelock import FileLock\n"
        f"lock = FileLock({str(work / 'crawl.lock')!r}); lock.acquire()\n"
        f"pid = os.getpid() if {owner_pid!r} == 'self' else int({owner_pid!r})\n"
        f"open({str(work / 'crawl.owner')!r}, 'w').write(json.dumps({{'pid': pid, 'started': 'then'}}))\n"
        "print('held', flush=True); time.sleep(60)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def test_a_live_crawl_holding_the_lock_makes_the_next_exit_0_saying_so(
    new_host: Callable[[], Host], tmp_path: Path
) -> None:
    host = new_host()
    start, out = column(host), tmp_path / "out"
    holder = _hold_lock(out, "self")
    try:
        result = CliRunner().invoke(main, ["crawl", start, "--out", str(out), "--db", str(tmp_path / "y.db")])
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 0
    assert f"another crawl (pid {holder.pid}, started then) is running" in result.output
    assert host.hits == []


def test_a_lock_held_in_the_name_of_a_dead_crawl_is_taken_over(
    new_host: Callable[[], Host], run: Callable[..., tuple[CrawlReport, dict[str, CrawlUrlRow]]], tmp_path: Path
) -> None:
    host = new_host()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    orphan = _hold_lock(tmp_path / "out", str(dead.pid))  # a child the dead run left, holding the file
    try:
        report, urls = run(column(host))
    finally:
        orphan.kill()
        orphan.wait()
    assert f"took over the lock of a crawl that died (pid {dead.pid}, started then)" in report.summary_lines()
    _good_fetched(report, urls)
    assert not (tmp_path / "out" / WORK_DIR / "crawl.owner").exists()  # released at the end


def test_values_too_long_for_their_columns_are_recorded_not_fatal(
    new_host: Callable[[], Host], db_url: str, tmp_path: Path
) -> None:
    """On PostgreSQL a 300-character Content-Type or a 5,000-character URL would not fit the crawl's
    tables: recorded cut (or as a bad URL), the crawl goes on."""
    host = new_host()
    host.put("/files/odd.pdf", send(200, OTHER, "application/" + "x" * 300, Last_Modified="Y" * 100))
    start = column(host, "/files/odd.pdf", "/files/" + "长" * 1000 + ".pdf")
    report = crawl([start], (), tmp_path / "out", db_url, FAST, progress=False)
    assert report.failed == {"bad_url": 1} and report.files["new"] == 2
    engine = open_engine(db_url)
    with Session(engine) as session:
        odd = session.scalars(select(CrawlUrlRow).where(CrawlUrlRow.url.like("%/odd.pdf"))).one()
        long = session.scalars(select(CrawlUrlRow).where(CrawlUrlRow.reason == "bad_url")).one()
    engine.dispose()
    assert odd.status == "ok" and odd.last_modified is None and len(odd.content_type or "") == 100
    assert len(long.url) == 2048 and "more than 2048" in (long.detail or "")


def test_an_output_folder_that_cannot_be_written_is_one_line(new_host: Callable[[], Host], tmp_path: Path) -> None:
    host = new_host()
    out = Path("/proc/yusuan-crawl-test")  # no process, root included, may create a folder there
    result = CliRunner().invoke(main, ["crawl", column(host), "--out", str(out), "--db", str(tmp_path / "y.db")])
    assert result.exit_code == 1 and result.output.startswith(f"yusuan crawl: cannot write {out}/")
    assert len(result.output.strip().splitlines()) == 1 and host.hits == []
