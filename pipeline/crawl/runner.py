"""`crawl(...)`: start pages in, PDFs on disk and their history in the database out.

One thread visits every host in turn: each host has a queue of tasks and a
time before which it must not be asked again (the last answer's end plus the
delay, a Retry-After, a backoff), and the loop serves the host that is ready
first. So there is never more than one request in flight to a host, and
never more than one at all. A host's robots.txt is read before anything
else from it. Retries are tasks queued for later, not sleeps, so a slow
host does not hold the others up.
"""

from __future__ import annotations

import heapq
import itertools
import random
import shutil
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import httpx
from filelock import FileLock, Timeout
from sqlalchemy import Engine
from tqdm import tqdm
from w3lib.url import canonicalize_url

from db.engine import DEFAULT_URL, open_engine
from pipeline.crawl.fetch import Fetched, FetchError, fetch, open_client
from pipeline.crawl.files import file_path, keep, starts_like_pdf
from pipeline.crawl.links import page_links
from pipeline.crawl.report import CrawlReport, Problem
from pipeline.crawl.robots import Robots, parse_robots, robots_url
from pipeline.crawl.settings import CrawlSettings
from pipeline.crawl.sites import Site, host_of, site_for_url
from pipeline.crawl.state import CrawlState, Seen, UrlFacts
from schemas.errors import Reason

WORK_DIR = ".yusuan-crawl"
"""Inside --out: the lock, the HTTP cache and unfinished downloads."""


class CrawlLocked(Exception):
    """Another crawl holds the lock on this output folder."""


@dataclass(order=True, frozen=True)
class Task:
    not_before: float
    seq: int
    url: str = field(compare=False)
    kind: str = field(compare=False)
    """`page` (read its links; a PDF answer is taken as a file) or `file` (must be a PDF)."""
    depth: int = field(compare=False)
    site: Site = field(compare=False)
    referrer: str | None = field(compare=False, default=None)
    text: str = field(compare=False, default="")
    attempt: int = field(compare=False, default=0)


class _Crawler:
    def __init__(
        self, state: CrawlState, run_id: int, out: Path, client: httpx.Client,
        settings: CrawlSettings, bar: tqdm,
    ) -> None:  # fmt: skip
        self.state, self.out, self.client, self.settings, self.bar = state, out, client, settings, bar
        self.scratch = out / WORK_DIR / "partial"
        self.report = CrawlReport(run_id=run_id)
        self.queues: dict[str, list[Task]] = {}
        self.next_ok: dict[str, float] = {}
        self.delay: dict[str, float] = {}
        self.robots: dict[str, Robots] = {}
        self.queued: set[str] = set()
        self.pages_by_host: Counter[str] = Counter()
        self.seq = itertools.count()

    # --- the queue -------------------------------------------------------------------------------------

    def add(
        self, url: str, kind: str, depth: int, site: Site, referrer: str | None = None, text: str = ""
    ) -> None:
        key = canonicalize_url(url)
        if key in self.queued:
            return
        self.queued.add(key)
        self._push(Task(0.0, next(self.seq), url, kind, depth, site, referrer, text))

    def _push(self, task: Task) -> None:
        host = host_of(task.url)
        self.delay[host] = max(self.delay.get(host, 0.0), self.settings.delay, task.site.delay or 0.0)
        heapq.heappush(self.queues.setdefault(host, []), task)

    def _ready_at(self, host: str) -> float:
        return max(self.next_ok.get(host, 0.0), self.queues[host][0].not_before)

    def run(self) -> None:
        while self.queues:
            host = min(self.queues, key=self._ready_at)
            wait = self._ready_at(host) - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            if host not in self.robots:
                self._read_robots(host)
                continue
            task = heapq.heappop(self.queues[host])
            if not self.queues[host]:
                del self.queues[host]
            self._visit(task)

    # --- requests --------------------------------------------------------------------------------------

    def _request(self, url: str, body_if_revalidated: bool, follow: bool = False) -> Fetched:
        host = host_of(url)
        try:
            return fetch(self.client, url, self.scratch, self.settings, body_if_revalidated, follow)
        finally:
            pause = self.delay[host] * random.uniform(1.0, 1.0 + self.settings.jitter)
            self.next_ok[host] = max(self.next_ok.get(host, 0.0), time.monotonic() + pause)
            self.bar.update()
            f = self.report.files
            self.bar.set_postfix_str(
                f"pages {self.report.pages} new {f['new']} changed {f['changed']} failed {f['failed']}",
                refresh=False,
            )

    def _read_robots(self, host: str) -> None:
        url = robots_url(self.queues[host][0].url)
        status: int | None
        try:
            fetched = self._request(url, body_if_revalidated=True, follow=True)
            status, body = fetched.status, fetched.read()
            fetched.discard()
        except FetchError as err:
            status = int(err.reason[5:]) if err.reason.startswith("http_") else None
            body = b""
        robots = self.robots[host] = parse_robots(status, body)
        if (crawl_delay := robots.crawl_delay()) is not None:
            self.delay[host] = max(self.delay[host], crawl_delay)
        site = self.queues[host][0].site.name
        readable = robots.rules is not None or robots.allow_all
        facts = UrlFacts(canonicalize_url(url), host, site, "robots", "ok" if readable else "failed",
                         detail=robots.note or None, http_status=status)  # fmt: skip
        self.state.record(self.report.run_id, facts)

    # --- one task --------------------------------------------------------------------------------------

    def _facts(self, task: Task, status: str, fetched: Fetched | None = None, **more: object) -> UrlFacts:
        headers = fetched.headers if fetched else {}
        return UrlFacts(
            url=canonicalize_url(task.url), host=host_of(task.url), site=task.site.name, kind=task.kind,
            status=status, http_status=fetched.status if fetched else None, etag=headers.get("etag"),
            last_modified=headers.get("last-modified"), content_type=fetched.content_type if fetched else None,
            referrer=task.referrer, link_text=task.text or None, **more,  # type: ignore[arg-type]
        )  # fmt: skip

    def _have(self, seen: Seen | None) -> bool:
        """We hold the bytes this URL served last time, so a 304 needs no body."""
        return bool(
            seen and seen.sha256 and seen.status == "ok" and file_path(self.out, seen.sha256).exists()
        )

    def _visit(self, task: Task) -> None:
        host = host_of(task.url)
        if not self.robots[host].allows(task.url):
            self.report.robots_blocked += 1
            self.state.record(self.report.run_id, self._facts(task, "robots_blocked", reason="robots_txt"))
            return
        if task.kind == "page" and self.pages_by_host[host] >= self.settings.max_pages:
            self.report.pages_left += 1
            return
        seen = self.state.seen(canonicalize_url(task.url))
        try:
            fetched = self._request(task.url, body_if_revalidated=not self._have(seen))
        except FetchError as err:
            self._retry_or_fail(task, err)
            return
        if fetched.status in (301, 302, 303, 307, 308) and "location" in fetched.headers:
            target = httpx.URL(task.url).join(fetched.headers["location"])
            self.state.record(self.report.run_id, self._facts(task, "redirect", fetched, detail=str(target)))
            self.add(str(target), task.kind, task.depth, task.site, task.url, task.text)
        elif fetched.status != 200:
            fetched.discard()
            self._retry_or_fail(task, FetchError(f"http_{fetched.status}", "unexpected status", False))
        elif (
            task.kind == "file"
            or fetched.body is None
            or fetched.content_type == "application/pdf"
            or (starts_like_pdf(fetched.body))
        ):
            self._file(task, fetched)
        else:
            self._page(task, fetched)

    def _page(self, task: Task, fetched: Fetched) -> None:
        self.report.pages += 1
        self.pages_by_host[host_of(task.url)] += 1
        body = fetched.read()
        fetched.discard()
        self.state.record(self.report.run_id, self._facts(task, "ok", fetched))
        if fetched.content_type not in ("", "text/html", "application/xhtml+xml", "text/plain"):
            return
        for link in page_links(task.url, body, fetched.headers.get("content-type"), task.site):
            if link.role == "file":
                self.add(link.url, "file", task.depth, task.site, task.url, link.text)
            elif link.role == "pagination":
                self.add(link.url, "page", task.depth, task.site, task.url, link.text)
            elif task.depth < self.settings.max_depth:
                self.add(link.url, "page", task.depth + 1, task.site, task.url, link.text)

    def _file(self, task: Task, fetched: Fetched) -> None:
        files, run_id = self.report.files, self.report.run_id
        if fetched.body is None:  # revalidated: the copy we hold is current
            files["unchanged"] += 1
            self.state.record(run_id, self._facts(task, "ok", fetched))
            return
        if not starts_like_pdf(fetched.body):
            fetched.discard()
            detail = (f"{fetched.content_type or 'no Content-Type'}, {fetched.size} bytes, no %PDF signature "
                      "(a challenge or error page where a PDF was linked)")  # fmt: skip
            files["not_pdf"] += 1
            self.report.problems.append(Problem(task.url, "not_pdf", "not_pdf", detail))
            self.state.record(run_id, self._facts(task, "not_pdf", fetched, reason="not_pdf", detail=detail))
            return
        assert fetched.sha256 is not None
        path = keep(self.out, fetched.body, fetched.sha256)
        facts = self._facts(task, "ok", fetched, reason=None, detail=None)
        outcome = self.state.record_file(
            run_id, facts, fetched.sha256, fetched.size, str(path.relative_to(self.out))
        )
        files[outcome] += 1
        if outcome == "changed":
            self.report.changed.append(task.url)

    def _retry_or_fail(self, task: Task, err: FetchError) -> None:
        settings = self.settings
        if err.transient and task.attempt < settings.retries:
            backoff = settings.backoff * 2**task.attempt * random.uniform(1.0, 1.0 + settings.jitter)
            wait = min(settings.max_wait, max(backoff, err.retry_after or 0.0))
            host = host_of(task.url)  # a struggling server is left alone meanwhile, not just this URL
            self.next_ok[host] = max(self.next_ok.get(host, 0.0), time.monotonic() + wait)
            self._push(
                replace(
                    task, not_before=time.monotonic() + wait, seq=next(self.seq), attempt=task.attempt + 1
                )
            )
            return
        if task.kind == "file":
            self.report.files["failed"] += 1
        else:
            self.report.pages_failed += 1
        detail = f"{err.detail} (after {task.attempt + 1} attempt{'s' if task.attempt else ''})"
        self.report.problems.append(Problem(task.url, "failed", err.reason, detail))
        self.state.record(self.report.run_id, self._facts(task, "failed", reason=err.reason, detail=detail))


def _ingest(state: CrawlState, out: Path, db_url: str, report: CrawlReport, progress: bool) -> None:
    """New and changed files (and any a killed run left) through the ordinary batch ingest."""
    from pipeline.batch.ingest import ingest

    pending = state.pending_ingest()
    if not pending:
        return
    by_path = {str(out / rel): sha for rel, sha in pending.items()}
    result = ingest(list(by_path), db_url, progress=progress)
    state.record_ingest(
        {by_path[path]: outcome for path, outcome in state.ingest_outcomes(result.run_id).items()}
    )
    report.ingested = {
        "loaded": len(result.loaded),
        "skipped": len(result.skipped),
        "failed": len(result.failed),
    }
    document_reasons = {r.value for r in Reason}
    report.ingest_errors = sum(f.reason not in document_reasons for f in result.failed)
    report.problems += [
        Problem(" + ".join(f.paths), "ingest_failed", f.reason, f.detail) for f in result.failed
    ]


def crawl(
    urls: Sequence[str] = (),
    sites: Sequence[Site] = (),
    out: Path = Path("crawl"),
    db_url: str = DEFAULT_URL,
    settings: CrawlSettings | None = None,
    ingest: bool = False,
    progress: bool = True,
) -> CrawlReport:
    """Crawl the start pages of `sites` and `urls`, keep new PDFs under `out`, remember
    everything in the database at `db_url`, and with `ingest` load what is new.

    Raises `CrawlLocked` when another crawl is using `out`.
    """
    settings = settings or CrawlSettings()
    work = out / WORK_DIR
    work.mkdir(parents=True, exist_ok=True)
    lock = FileLock(work / "crawl.lock")
    try:
        lock.acquire(timeout=0)
    except Timeout as exc:
        raise CrawlLocked(f"another crawl is running on {out} (lock {lock.lock_file})") from exc
    engine: Engine | None = None
    try:
        shutil.rmtree(work / "partial", ignore_errors=True)  # what a killed run was downloading
        engine = open_engine(db_url)
        state = CrawlState(engine)
        every_site = [*sites, *(site_for_url(u) for u in urls)]
        run_id = state.begin_run([u for s in every_site for u in s.start])
        bar = tqdm(unit="req", desc="crawl", file=sys.stderr, disable=not progress, dynamic_ncols=True)
        with open_client(work / "http-cache.sqlite", settings) as client, bar:
            crawler = _Crawler(state, run_id, out, client, settings, bar)
            for site in every_site:
                for start in site.start:
                    crawler.add(start, "page", 0, site)
            crawler.run()
        report = crawler.report
        if ingest:
            _ingest(state, out, db_url, report, progress)
        state.finish_run(run_id, report.as_json())
        return report
    finally:
        if engine is not None:
            engine.dispose()
        lock.release()
