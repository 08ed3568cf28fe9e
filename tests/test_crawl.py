"""`yusuan crawl` against a real HTTP server on loopback that behaves like a 预决算公开 column."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner
from filelock import FileLock
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import ROOT
from crawl_site import FakeSite, Hit, Resource, gaps, overlapping, serve
from db import open_engine
from db.models import CrawlFileRow, CrawlRunRow, CrawlUrlRow, CrawlVersionRow, DocumentRow
from pipeline.commands.cli import main
from pipeline.crawl import CrawlLocked, CrawlSettings, crawl
from pipeline.crawl.runner import WORK_DIR

DELAY = 0.2
SETTINGS = CrawlSettings(delay=DELAY, jitter=0.2, timeout=0.5, backoff=1.0, retries=2)
PDF_NAME = "/files/附件1：财政局2026年部门预算.pdf"


def _pdf(corpus: Path, name: str) -> Resource:
    return Resource((corpus / name).read_bytes(), "application/pdf")


@pytest.fixture
def site(corpus: Path) -> Iterator[FakeSite]:
    """Two list pages, five detail pages, seven PDF links: one of each thing such sites do."""
    site = FakeSite()
    server, _thread = serve(site)
    welfare = _pdf(corpus, "putuo-welfare-home-2024-unit-budget.pdf")
    site.put("/robots.txt", Resource(b"User-agent: *\nDisallow: /private/\n", "text/plain"))
    site.html(
        "/ysjs/index.html",
        """<body><ul class="list">
        <li><a href="./202601/t1.html">2026年区财政局部门预算</a></li>
        <li><a href="./202601/t2.html">2026年区司法局部门预算</a></li>
        <li><a href="/private/secret.html">2026年部门预算（内部稿）</a></li>
        <li><a href="./notice.html">关于开展安全生产检查的通知</a></li>
        </ul><div class="page"><a href="index_1.html">下一页</a> <a href="index_1.html">尾页</a></div></body>""",
    )
    site.html(
        "/ysjs/index_1.html",
        """<body><ul>
        <li><a href="./202601/t3.html">2025年区政府办公室部门预算</a></li>
        <li><a href="./202601/t4.html">2024年区气象局部门决算</a></li>
        <li><a href="./202601/t5.html">2026年区政府办公室单位预算</a></li>
        </ul><a href="index.html">上一页</a></body>""",
        in_header=True,
    )
    site.html("/ysjs/notice.html", "<p>通知</p>")
    site.html("/private/secret.html", "<p>内部</p>")
    quoted = "/files/%E9%99%84%E4%BB%B61%EF%BC%9A%E8%B4%A2%E6%94%BF%E5%B1%802026%E5%B9%B4%E9%83%A8%E9%97%A8%E9%A2%84%E7%AE%97.pdf"
    site.html(
        "/ysjs/202601/t1.html",
        f"""<div class="content">附件：
        <a href="{quoted}">附件1：财政局2026年部门预算.pdf</a>
        <a href="/files/replaced.pdf">预算调整说明</a></div>""",
    )
    site.html(
        "/ysjs/202601/t2.html",
        """<a href="/files/P020260115.pdf">下载附件</a>
        <a href="/files/truncated.pdf">附件2.pdf</a>""",
    )
    site.html("/ysjs/202601/t3.html", '<iframe src="/files/govoffice.pdf" width="100%"></iframe>')
    site.html("/ysjs/202601/t4.html", '<a href="/files/challenge.pdf">2024年部门决算.pdf</a>')
    site.html("/ysjs/202601/t5.html", '<a href="/files/busy.pdf">附件.pdf</a>', slow_first=1.0)
    site.put(PDF_NAME, welfare)
    site.put("/files/P020260115.pdf", Resource(welfare.body, "application/pdf"))  # the same bytes again
    site.put("/files/replaced.pdf", _pdf(corpus, "guangzhou-govservice-2026-department-performance-form.pdf"))
    site.put("/files/truncated.pdf", Resource(welfare.body, "application/pdf", truncate=True))
    site.put("/files/govoffice.pdf", _pdf(corpus, "putuo-govoffice-2025-department-budget.pdf"))
    challenge = "<html><script>document.cookie='waf=1';location.reload()</script>正在验证</html>"
    site.put("/files/challenge.pdf", Resource(challenge.encode("utf-8"), "text/html", validators=False))
    busy = _pdf(corpus, "beijing-petitions-2026-department-budget-tables.pdf")
    busy.unavailable_first = 1
    site.put("/files/busy.pdf", busy)
    yield site
    server.shutdown()
    server.server_close()


def _urls(db_url: str) -> dict[str, CrawlUrlRow]:
    engine = open_engine(db_url)
    with Session(engine) as session:
        rows = {unquote(r.url.split("/", 3)[3]): r for r in session.scalars(select(CrawlUrlRow))}
        session.expunge_all()
    engine.dispose()
    return rows


def counts(summary: dict[str, object]) -> dict[str, object]:
    """The counts of a crawl's summary (it says more: failures by reason, hosts, what is left)."""
    return {key: summary[key] for key in ("pages", "files", "robots_blocked", "ingested")}


def _assert_polite(hits: list[Hit]) -> None:
    """One crawl run's requests: none overlapping, each at least the delay after the one before,
    none to the disallowed path, each naming Yusuan. (Two runs back to back are two runs.)"""
    assert overlapping(hits) == []
    ordered = sorted(hits, key=lambda h: h.start)
    close = [(a.path, b.path, round(gap, 3)) for a, b, gap in zip(ordered, ordered[1:], gaps(hits), strict=False)
             if gap < DELAY]
    assert close == [], "requests closer than the delay"
    assert [h for h in hits if h.path == "/private/secret.html"] == []
    assert all("Yusuan" in h.headers["user-agent"] and "+http" in h.headers["user-agent"] for h in hits)


def test_crawl_finds_fetches_dedupes_and_revalidates(
    site: FakeSite, db_url: str, tmp_path: Path, corpus: Path
) -> None:
    out = tmp_path / "out"
    first = crawl([f"{site.base}/ysjs/index.html"], out=out, db_url=db_url, settings=SETTINGS, progress=False)

    assert counts(first.as_json()) == {
        "pages": 7,
        "files": {"new": 4, "changed": 0, "unchanged": 1, "failed": 1, "not_pdf": 1},
        "robots_blocked": 1,
        "ingested": {"loaded": 0, "skipped": 0, "failed": 0},
    }
    assert not first.ok  # the truncated download failed for good
    _assert_polite(site.hits)
    assert site.hits[0].path == "/robots.txt"
    assert site.requests_to("/ysjs/notice.html") == []  # a notice is not a disclosure
    # the truncated body and the slow page were tried again, the 503 after its Retry-After
    assert len(site.requests_to("/files/truncated.pdf")) == 1 + SETTINGS.retries
    assert len(site.requests_to("/ysjs/202601/t5.html")) == 2
    busy = site.requests_to("/files/busy.pdf")
    assert [h.status for h in busy] == [503, 200]
    assert busy[1].start - busy[0].start >= 1.0  # start to start: see crawl_site.gaps

    saved = sorted(p.name for p in (out / "files").iterdir())
    assert len(saved) == 4 and all(len(name) == 64 + 4 for name in saved)  # sha256.pdf, one per content
    assert not list((out / WORK_DIR / "partial").iterdir())
    urls = _urls(db_url)
    pdf = urls[PDF_NAME[1:]]
    assert pdf.link_text == "附件1：财政局2026年部门预算.pdf"  # read right from a GBK page
    assert urls["ysjs/202601/t3.html"].link_text == "2025年区政府办公室部门预算"  # charset from the header
    assert pdf.sha256 == urls["files/P020260115.pdf"].sha256 and pdf.etag and pdf.last_modified
    assert urls["files/govoffice.pdf"].status == "ok"  # found in an iframe
    assert urls["files/challenge.pdf"].status == "not_pdf" and "no %PDF" in (
        urls["files/challenge.pdf"].detail or ""
    )
    assert (
        urls["files/truncated.pdf"].status == "failed" and urls["files/truncated.pdf"].reason == "truncated"
    )
    assert urls["private/secret.html"].status == "robots_blocked"

    # the publisher replaces one file; everything else is unchanged
    site.resources["/files/replaced.pdf"].body = (
        corpus / "putuo-govoffice-2025-unit-budget.pdf"
    ).read_bytes()
    mark = len(site.hits)
    second = crawl(
        [f"{site.base}/ysjs/index.html"], out=out, db_url=db_url, settings=SETTINGS, progress=False
    )
    assert second.files == {"new": 0, "changed": 1, "unchanged": 4, "failed": 1, "not_pdf": 1}
    assert second.changed == [f"{site.base}/files/replaced.pdf"]
    rerun = site.since(mark)
    _assert_polite(rerun)
    # robots.txt is read afresh each run; a challenge and a failed download have nothing to revalidate
    validated = [h for h in rerun if h.path not in ("/robots.txt", "/files/challenge.pdf", "/files/truncated.pdf")]
    assert validated and all(
        "if-none-match" in h.headers and "if-modified-since" in h.headers for h in validated
    )
    downloaded = {h.path for h in rerun if h.status == 200 and h.path.startswith("/files/")}
    assert downloaded == {"/files/replaced.pdf", "/files/challenge.pdf", "/files/truncated.pdf"}

    assert len(list((out / "files").iterdir())) == 5  # the replaced version is kept beside the new one
    engine = open_engine(db_url)
    with Session(engine) as session:
        replaced = session.scalars(select(CrawlUrlRow).where(CrawlUrlRow.url.like("%/replaced.pdf"))).one()
        assert replaced.versions == 2 and replaced.last_changed is not None
        assert session.scalar(select(func.count()).select_from(CrawlVersionRow).where(
            CrawlVersionRow.url_id == replaced.id)) == 2  # fmt: skip
        assert session.scalar(select(func.count()).select_from(CrawlFileRow)) == 5
        runs = session.scalars(select(CrawlRunRow).order_by(CrawlRunRow.id)).all()
        assert [r.status for r in runs] == ["finished", "finished"]
        assert runs[1].summary == second.as_json()
    engine.dispose()

    shown = json.loads(CliRunner().invoke(main, ["stats", "--db", db_url, "--json"]).output)["crawl"]
    assert shown["last_run"]["summary"] == second.as_json() and shown["last_run"]["status"] == "finished"
    assert {(p["status"], p["reason"]) for p in shown["problems"]} == {
        ("not_pdf", "not_pdf"),
        ("failed", "truncated"),
    }
    assert {"kind": "page", "status": "robots_blocked", "urls": 1} in shown["urls"]
    text = CliRunner().invoke(main, ["stats", "--db", db_url]).output
    assert "crawl: last run 2 finished" in text and "truncated.pdf: failed: truncated" in text


@pytest.fixture
def small_site(corpus: Path) -> Iterator[FakeSite]:
    """A column with one budget and one notice a crawl brings back with it; no robots.txt at all."""
    site = FakeSite()
    server, _thread = serve(site)
    site.html(
        "/bmys/index.html",
        """<a href="t1.html">2026年区财政局部门预算</a>
        <a href="t2.html">2026年市气象局部门预算</a>""",
    )
    site.html("/bmys/t1.html", '<a href="/files/budget.pdf">附件：部门预算.pdf</a>')
    site.html("/bmys/t2.html", '<a href="/files/notice.pdf">附件：检查计划.pdf</a>')
    site.put("/files/budget.pdf", _pdf(corpus, "putuo-welfare-home-2024-unit-budget.pdf"))
    site.put("/files/notice.pdf", _pdf(corpus, "quanzhou-meteorology-2024-notice-not-budget.pdf"))
    yield site
    server.shutdown()
    server.server_close()


def _yusuan(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, cwd=ROOT)


def test_crawl_ingest_loads_budgets_records_refusals_and_reruns_to_nothing(
    small_site: FakeSite, db_url: str, tmp_path: Path
) -> None:
    args = ["crawl", f"{small_site.base}/bmys/index.html", "--out", str(tmp_path / "out"), "--db", db_url,
            "--delay", str(DELAY), "--ingest", "--json"]  # fmt: skip
    first = _yusuan(*args)
    assert first.returncode == 0, first.stderr  # a notice refused as not_budget is the file's own affair
    assert counts(json.loads(first.stdout)) == {
        "pages": 3,
        "files": {"new": 2, "changed": 0, "unchanged": 0, "failed": 0, "not_pdf": 0},
        "robots_blocked": 0,
        "ingested": {"loaded": 1, "skipped": 0, "failed": 1},
    }
    engine = open_engine(db_url)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(DocumentRow)) == 1
        outcomes = dict(session.execute(select(CrawlFileRow.first_url, CrawlFileRow.ingest_reason)).all())
        statuses = set(session.scalars(select(CrawlFileRow.ingest_status)))
    assert statuses == {"loaded", "failed"}
    assert outcomes == {
        f"{small_site.base}/files/budget.pdf": None,
        f"{small_site.base}/files/notice.pdf": "not_budget",
    }

    mark = len(small_site.hits)
    second = _yusuan(*args)
    assert second.returncode == 0, second.stderr
    assert counts(json.loads(second.stdout)) == {
        "pages": 3,
        "files": {"new": 0, "changed": 0, "unchanged": 2, "failed": 0, "not_pdf": 0},
        "robots_blocked": 0,
        "ingested": {"loaded": 0, "skipped": 0, "failed": 0},
    }
    rerun = small_site.since(mark)
    assert {h.status for h in rerun if h.path != "/robots.txt"} == {304}  # nothing downloaded
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(DocumentRow)) == 1
    engine.dispose()
    _assert_polite(small_site.hits[:mark])
    _assert_polite(rerun)


def test_a_second_crawl_on_the_same_folder_is_refused_while_the_first_holds_the_lock(
    small_site: FakeSite, tmp_path: Path
) -> None:
    out, db_url = tmp_path / "out", f"sqlite:///{tmp_path / 'y.db'}"
    (out / WORK_DIR).mkdir(parents=True)
    with FileLock(out / WORK_DIR / "crawl.lock"):
        with pytest.raises(CrawlLocked):
            crawl(
                [f"{small_site.base}/bmys/index.html"],
                out=out,
                db_url=db_url,
                settings=SETTINGS,
                progress=False,
            )
        result = CliRunner().invoke(main, ["crawl", f"{small_site.base}/bmys/index.html", "--out", str(out),
                                           "--db", db_url, "--delay", "0.2"])  # fmt: skip
        assert result.exit_code == 0 and "another crawl holds" in result.output  # a cron run is not an error
    assert small_site.hits == []
    report = crawl(
        [f"{small_site.base}/bmys/index.html"], out=out, db_url=db_url, settings=SETTINGS, progress=False
    )
    assert report.ok and report.files["new"] == 2


def test_a_killed_crawl_leaves_no_lock_and_the_next_run_finishes_it(
    small_site: FakeSite, tmp_path: Path
) -> None:
    out, db_url = tmp_path / "out", f"sqlite:///{tmp_path / 'y.db'}"
    args = [sys.executable, "-m", "pipeline", "crawl", f"{small_site.base}/bmys/index.html", "--out", str(out),
            "--db", db_url, "--delay", "0.3", "--json"]  # fmt: skip
    small_site.resources["/files/notice.pdf"].slow_first = 2.0  # killed while this one downloads
    victim = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while "/files/notice.pdf" not in small_site.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "/files/budget.pdf" in small_site.started, "the crawl never got to its files"
    finally:
        victim.kill()
        victim.wait()
    mark = len(small_site.hits)
    result = _yusuan(*args[3:])
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["files"] == {
        "new": 1,
        "changed": 0,
        "unchanged": 1,
        "failed": 0,
        "not_pdf": 0,
    }
    assert [h.status for h in small_site.since(mark) if h.path == "/files/budget.pdf"] == [304]
    engine = open_engine(db_url)
    with Session(engine) as session:
        assert list(session.scalars(select(CrawlRunRow.status).order_by(CrawlRunRow.id))) == [
            "interrupted",
            "finished",
        ]
    engine.dispose()


def test_max_pages_bounds_the_pages_fetched_per_host(small_site: FakeSite, tmp_path: Path) -> None:
    settings = CrawlSettings(delay=DELAY, max_pages=1)
    report = crawl(
        [f"{small_site.base}/bmys/index.html"], out=tmp_path / "out", db_url=f"sqlite:///{tmp_path / 'y.db'}",
        settings=settings, progress=False,
    )  # fmt: skip
    assert (report.pages, report.left["max_pages"]) == (1, 2) and report.ok and report.exit_status == 0
    assert [h.path for h in small_site.hits] == ["/robots.txt", "/bmys/index.html"]
    assert "2 pages left for later: --max-pages reached" in report.summary_lines()
