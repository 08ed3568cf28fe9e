"""`crawl(...)`: start pages in, PDFs on disk and their history in the database out.

One thread visits every host in turn: each host has a queue of tasks and a
time before which it must not be asked again (the last answer's end plus the
delay, a Retry-After, a backoff), and the loop serves the host that is ready
first. So there is never more than one request in flight to a host, and
never more than one at all. A host's robots.txt is read before anything
else from it. Retries are tasks queued for later, not sleeps, so a slow
host does not hold the others up.

Nothing a server sends stops the run: whatever goes wrong with one URL (the
request, its body, its links, the disk) is recorded on that URL and the loop
goes on. And the run always ends: at its deadline, whatever is still queued
is left for the next run; a host that asks for a longer wait than allowed
is left for the next run at once; redirect chains are cut after a few hops,
each counted towards the host's page budget. Only a full disk stops the loop
early (every later write would fail too), with what is recorded intact.
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

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from tqdm import tqdm
from w3lib.url import canonicalize_url

from db.engine import DEFAULT_URL, DatabaseUnavailable, masked, open_engine, reason_of
from pipeline.crawl.fetch import Fetched, Fetcher, FetchError, Kind, Validators
from pipeline.crawl.files import DiskError, DiskFull, file_path, keep, looks_like_pdf, refused_write
from pipeline.crawl.links import page_links, resolve
from pipeline.crawl.lock import RunLock
from pipeline.crawl.report import CrawlReport, Problem
from pipeline.crawl.robots import Robots, parse_robots, robots_url, unreachable
from pipeline.crawl.settings import CrawlSettings
from pipeline.crawl.sites import Site, host_of, same_site, site_for_url
from pipeline.crawl.state import CrawlState, Seen, UrlFacts
from schemas.errors import Reason

WORK_DIR = ".yusuan-crawl"
"""Inside --out: the lock, the HTTP cache and unfinished downloads."""
REDIRECTS = (301, 302, 303, 307, 308)
MAX_URL = 2048
"""Longer URLs are recorded (cut here) as `bad_url`, never requested: what browsers and servers take."""
HTML_TYPES = ("", "text/html", "application/xhtml+xml", "text/plain")


def _key(url: str) -> str:
    """The URL as it is remembered: canonical, or as written when it is not a valid URL."""
    try:
        return canonicalize_url(url)
    except ValueError:
        return url


class _OutOfTime(Exception):
    """The run's deadline came: the task at hand is left for the next run, like the rest."""


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
    hops: int = field(compare=False, default=0)
    """Redirects followed from the link that was found to reach this URL."""


class _Crawler:
    def __init__(
        self, state: CrawlState, run_id: int, out: Path, fetcher: Fetcher,
        settings: CrawlSettings, bar: tqdm, deadline: float,
    ) -> None:  # fmt: skip
        self.state, self.out, self.fetcher, self.settings, self.bar = state, out, fetcher, settings, bar
        self.deadline = deadline
        self.scratch = out / WORK_DIR / "partial"
        self.report = CrawlReport(run_id=run_id)
        self.queues: dict[str, list[Task]] = {}
        self.next_ok: dict[str, float] = {}
        self.delay: dict[str, float] = {}
        self.robots: dict[str, Robots] = {}
        self.queued: set[str] = set()
        self.pages_by_host: Counter[str] = Counter()
        self.downloads = 0
        """New or changed PDFs kept this run (what `max_files` bounds)."""
        self.seq = itertools.count()

    # --- the queue -------------------------------------------------------------------------------------

    def add(
        self, url: str, kind: str, depth: int, site: Site, referrer: str | None = None, text: str = "",
        hops: int = 0, problem: str | None = None,
    ) -> None:  # fmt: skip
        if len(url) > MAX_URL:
            url, problem = url[:MAX_URL], f"a URL of {len(url)} characters (more than {MAX_URL})"
        key = _key(url)
        if key in self.queued:
            return
        self.queued.add(key)
        task = Task(0.0, next(self.seq), url, kind, depth, site, referrer, text, hops=hops)
        if problem:  # never requested: recorded on the URL as written
            self._fail(task, "bad_url", problem)
            return
        self._push(task)

    def _push(self, task: Task) -> None:
        host = host_of(task.url)
        self.delay[host] = max(self.delay.get(host, 0.0), self.settings.delay, task.site.delay or 0.0)
        heapq.heappush(self.queues.setdefault(host, []), task)

    def _ready_at(self, host: str) -> float:
        return max(self.next_ok.get(host, 0.0), self.queues[host][0].not_before)

    def _drop(self, host: str, why: str) -> None:
        """Leave a host's queued tasks for the next run."""
        self.report.left[why] += len(self.queues.pop(host, []))

    def _stop(self, why: str) -> None:
        self.report.stopped = why
        for host in list(self.queues):
            self._drop(host, why)

    def run(self) -> None:
        while self.queues:
            host = min(self.queues, key=self._ready_at)
            ready = self._ready_at(host)
            if ready >= self.deadline:
                self._stop("deadline")
                return
            if (wait := ready - time.monotonic()) > 0:
                time.sleep(wait)
            task = None
            try:
                if host not in self.robots:
                    self._read_robots(host)
                    continue
                task = heapq.heappop(self.queues[host])
                if not self.queues[host]:
                    del self.queues[host]
                self._visit(task)
            except _OutOfTime:
                self.report.left["deadline"] += task is not None
                self._stop("deadline")
            except DiskFull as exc:
                if task is not None:
                    self._fail(task, "disk_full", str(exc))
                self._stop("disk_full")
            except SQLAlchemyError:
                raise  # the crawl's own memory is gone: nothing more can be recorded
            except Exception as exc:  # a bug met on one URL: recorded on it, the crawl goes on
                if task is None:
                    raise
                self._fail(task, "error", f"{type(exc).__name__}: {exc}".splitlines()[0])

    # --- requests --------------------------------------------------------------------------------------

    def _request(self, url: str, kind: Kind, validators: Validators | None = None) -> Fetched:
        host = host_of(url)
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise _OutOfTime
        try:
            return self.fetcher.get(url, kind, self.scratch, self.deadline, validators)
        except FetchError as err:
            if err.reason == "deadline" and left <= self.settings.request_seconds:
                raise _OutOfTime from err
            raise
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
        first = self.queues[host][0]
        url = robots_url(first.url)
        status: int | None = None
        try:
            fetched = self._request(url, "robots")
            status = fetched.status
            robots = parse_robots(fetched.status, fetched.body or b"")
        except FetchError as err:
            robots = unreachable(err.reason, err.detail)
        except _OutOfTime:
            raise
        except Exception as exc:  # whatever else one answer breaks, the host is skipped, not the run
            robots = unreachable("error", f"{type(exc).__name__}: {exc}".splitlines()[0])
        self.robots[host] = robots
        facts = UrlFacts(canonicalize_url(url), host, first.site.name, "robots", "ok", detail=robots.note or None,
                         http_status=status)  # fmt: skip
        if not robots.readable:
            self.report.hosts_skipped[host] = robots.note
            self._drop(host, "skipped")
            facts = replace(facts, status="failed", reason="robots_unreachable")
        elif (crawl_delay := robots.crawl_delay()) is not None:
            if crawl_delay > self.settings.max_wait:
                why = (f"robots.txt asks for Crawl-delay {crawl_delay:g} s, more than the {self.settings.max_wait:g} s "
                       "a run allows (--max-wait)")  # fmt: skip
                self.report.hosts_deferred[host] = why
                self._drop(host, "deferred")
                facts = replace(facts, status="deferred", reason="crawl_delay", detail=why)
            else:
                self.delay[host] = max(self.delay[host], crawl_delay)
        self.state.record(self.report.run_id, facts)

    # --- one task --------------------------------------------------------------------------------------

    def _facts(self, task: Task, status: str, fetched: Fetched | None = None, **more: object) -> UrlFacts:
        """What is recorded of a URL, each value a server sent cut to its column (a 300-character
        Content-Type is the server's folly, not a reason for the crawl's memory to refuse the row)."""
        headers = fetched.headers if fetched else {}
        last_modified = headers.get("last-modified")
        return UrlFacts(
            url=_key(task.url), host=host_of(task.url)[:255], site=task.site.name, kind=task.kind,
            status=status, http_status=fetched.status if fetched else None, etag=headers.get("etag"),
            last_modified=last_modified if last_modified and len(last_modified) <= 64 else None,
            content_type=fetched.content_type[:100] if fetched else None,
            referrer=task.referrer, link_text=task.text or None, **more,  # type: ignore[arg-type]
        )  # fmt: skip

    def _have(self, seen: Seen | None) -> bool:
        """We hold the bytes this URL served last time, so it may answer 304."""
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
            self.report.left["max_pages"] += 1
            return
        if task.kind == "file" and self.downloads >= self.settings.max_files:
            self.report.left["max_files"] += 1
            return
        seen = self.state.seen(_key(task.url))
        held = seen is not None and task.kind == "file" and self._have(seen)
        validators = Validators(seen.etag, seen.last_modified) if held and seen else None
        try:
            fetched = self._request(task.url, "file" if task.kind == "file" else "page", validators)
        except FetchError as err:
            self._retry_or_fail(task, err)
            return
        except DiskError as exc:
            self._fail(task, "disk_error", str(exc))
            return
        if fetched.status in REDIRECTS:
            self._redirect(task, fetched)
        elif fetched.status == 304 and task.kind == "file":
            self.report.files["unchanged"] += 1
            self.state.record(self.report.run_id, self._facts(task, "ok", fetched))
        elif fetched.status != 200:
            fetched.discard()
            self._retry_or_fail(task, FetchError(f"http_{fetched.status}", "unexpected status", False))
        elif task.kind == "file":
            self._file(task, fetched)
        elif fetched.body is None:  # a page link answering with a PDF: asked again as a file
            self._push(replace(task, kind="file", seq=next(self.seq)))
        else:
            self._page(task, fetched)

    def _redirect(self, task: Task, fetched: Fetched) -> None:
        """One hop: counted towards the host's pages, checked like a link, queued like one."""
        self.pages_by_host[host_of(task.url)] += 1
        target, problem = resolve(task.url, fetched.headers.get("location", ""))
        if problem or not target:
            self._fail(task, "bad_redirect", f"Location {fetched.headers.get('location', '')!r}: {problem or 'not http(s)'}")
            return
        self.state.record(self.report.run_id, self._facts(task, "redirect", fetched, detail=target))
        if task.hops >= self.settings.max_redirects:
            self._fail(task, "too_many_redirects", f"more than {self.settings.max_redirects} redirects (next: {target})")
        elif task.kind == "page" and not same_site(target, task.url):
            self._fail(task, "off_site", f"redirects to another site: {target}")
        elif not task.site.permits(target):
            self._fail(task, "denied", f"redirects to {target}, which the sites file's allow/deny refuses")
        else:
            self.add(target, task.kind, task.depth, task.site, task.url, task.text, hops=task.hops + 1)

    def _page(self, task: Task, fetched: Fetched) -> None:
        assert fetched.body is not None
        host = host_of(task.url)
        self.pages_by_host[host] += 1
        links = []
        if fetched.content_type in HTML_TYPES:
            try:
                links = page_links(task.url, fetched.body, fetched.headers.get("content-type"), task.site)
            except Exception as exc:  # lxml, an encoding, a selector: whatever the page breaks, it is its own
                self.fetcher.forget(task.url)
                self._fail(task, "unparsable", f"{type(exc).__name__}: {exc}".splitlines()[0])
                return
        self.report.pages += 1
        self.state.record(self.report.run_id, self._facts(task, "ok", fetched))
        for link in links:
            if link.problem:
                self.add(link.url, "file" if link.role == "file" else "page", task.depth, task.site, task.url,
                         link.text, problem=link.problem)  # fmt: skip
            elif link.role == "file":
                self.add(link.url, "file", task.depth, task.site, task.url, link.text)
            elif link.role == "pagination":
                self.add(link.url, "page", task.depth, task.site, task.url, link.text)
            elif task.depth < self.settings.max_depth:
                self.add(link.url, "page", task.depth + 1, task.site, task.url, link.text)

    def _file(self, task: Task, fetched: Fetched) -> None:
        files, run_id = self.report.files, self.report.run_id
        if not looks_like_pdf(fetched.head):
            fetched.discard()
            detail = (f"{fetched.content_type or 'no Content-Type'}, {fetched.size} bytes, no %PDF signature "
                      "(a challenge or error page where a PDF was linked)")  # fmt: skip
            files["not_pdf"] += 1
            self.report.problems.append(Problem(task.url, "not_pdf", "not_pdf", detail))
            self.state.record(run_id, self._facts(task, "not_pdf", fetched, reason="not_pdf", detail=detail))
            return
        assert fetched.file is not None and fetched.sha256 is not None
        path = keep(self.out, fetched.file, fetched.sha256)
        facts = self._facts(task, "ok", fetched, reason=None, detail=None)
        outcome = self.state.record_file(
            run_id, facts, fetched.sha256, fetched.size, str(path.relative_to(self.out))
        )
        files[outcome] += 1
        if outcome != "unchanged":
            self.downloads += 1
        if outcome == "changed":
            self.report.changed.append(task.url)

    def _retry_or_fail(self, task: Task, err: FetchError) -> None:
        settings = self.settings
        if err.transient and task.attempt < settings.retries:
            host = host_of(task.url)
            if err.retry_after is not None and err.retry_after > settings.max_wait:
                self._defer(task, err)
                return
            backoff = settings.backoff * 2**task.attempt * random.uniform(1.0, 1.0 + settings.jitter)
            wait = min(settings.max_wait, max(backoff, err.retry_after or 0.0))
            # a struggling server is left alone meanwhile, not just this URL
            self.next_ok[host] = max(self.next_ok.get(host, 0.0), time.monotonic() + wait)
            self._push(
                replace(
                    task, not_before=time.monotonic() + wait, seq=next(self.seq), attempt=task.attempt + 1
                )
            )
            return
        self._fail(task, err.reason, f"{err.detail} (after {task.attempt + 1} attempt{'s' if task.attempt else ''})")

    def _defer(self, task: Task, err: FetchError) -> None:
        """A host asking for a longer wait than a run allows: it and its queue wait for the next run."""
        host = host_of(task.url)
        why = (f"{err.reason} with Retry-After {err.retry_after:g} s, more than the {self.settings.max_wait:g} s "
               "a run allows (--max-wait)")  # fmt: skip
        self.report.hosts_deferred[host] = why
        self.report.left["deferred"] += 1
        self._drop(host, "deferred")
        self.state.record(self.report.run_id, self._facts(task, "deferred", reason="retry_after", detail=why))

    def _fail(self, task: Task, reason: str, detail: str) -> None:
        if task.kind == "file":
            self.report.files["failed"] += 1
        else:
            self.report.pages_failed += 1
        self.report.problems.append(Problem(task.url, "failed", reason, detail))
        self.state.record(self.report.run_id, self._facts(task, "failed", reason=reason, detail=detail))


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

    Raises `lock.CrawlLocked` when another live crawl is using `out`, `files.DiskFull` or
    `files.DiskError` when `out` cannot take even the crawl's own folder, and
    `DatabaseUnavailable` when the database cannot be opened or written.
    """
    settings = settings or CrawlSettings()
    started = time.monotonic()
    work = out / WORK_DIR
    lock = RunLock(work)
    try:
        work.mkdir(parents=True, exist_ok=True)
        lock.acquire()
    except OSError as exc:
        lock.release()
        raise refused_write(exc, work) from exc
    engine: Engine | None = None
    try:
        shutil.rmtree(work / "partial", ignore_errors=True)  # what a killed run was downloading
        engine = open_engine(db_url)
        state = CrawlState(engine)
        every_site = [*sites, *(site_for_url(u) for u in urls)]
        run_id = state.begin_run([u for s in every_site for u in s.start])
        bar = tqdm(unit="req", desc="crawl", file=sys.stderr, disable=not progress, dynamic_ncols=True)
        with Fetcher(work / "http-cache.sqlite", settings) as fetcher, bar:
            crawler = _Crawler(state, run_id, out, fetcher, settings, bar, started + settings.max_seconds)
            for site in every_site:
                for start in site.start:
                    crawler.add(start, "page", 0, site)
            crawler.run()
        report = crawler.report
        if lock.taken_over:
            report.notes.append(f"took over the lock of a crawl that died ({lock.taken_over.describe()})")
        if ingest and report.stopped != "disk_full":
            _ingest(state, out, db_url, report, progress)
        report.seconds = time.monotonic() - started
        state.finish_run(run_id, report.as_json())
        return report
    except SQLAlchemyError as exc:
        raise DatabaseUnavailable(masked(db_url), reason_of(exc), action="write to") from exc
    finally:
        if engine is not None:
            engine.dispose()
        lock.release()
