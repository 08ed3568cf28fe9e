"""What one crawl did: the counts `--json` prints, the problems worth a line each, the exit status.

Exit status, for a cron job: 0 when the run did its work (limits the caller
set, `--max-pages`, `--max-files`, `--max-seconds`, may have left some for the
next run: `left`); 1 when something failed that a person should look at: a
URL failed for good, a host was skipped (robots.txt unreachable) or deferred
(it asked for a longer wait than `--max-wait`), the disk filled up, or an
ingest failed for a reason of Yusuan's own. The CLI adds 2 (the database
cannot be used) and 0 for a run that found another one holding the lock.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

FILE_OUTCOMES = ("new", "changed", "unchanged", "failed", "not_pdf")
LEFT = ("max_pages", "max_files", "deadline", "deferred", "skipped", "disk_full")
"""Why queued URLs were not fetched this run."""


@dataclass(frozen=True)
class Problem:
    url: str
    status: str
    reason: str
    detail: str


@dataclass
class CrawlReport:
    run_id: int
    pages: int = 0
    """HTML pages fetched (revalidated ones included)."""
    files: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FILE_OUTCOMES, 0))
    """PDF links by outcome: new bytes, a new version at a known URL, nothing new, failed, not a PDF."""
    robots_blocked: int = 0
    pages_failed: int = 0
    hosts_skipped: dict[str, str] = field(default_factory=dict)
    """Hosts not crawled because their robots.txt could not be read: host -> why."""
    hosts_deferred: dict[str, str] = field(default_factory=dict)
    """Hosts left for the next run because they asked for a longer wait than allowed: host -> why."""
    left: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEFT, 0))
    """Queued URLs not fetched, by why (see LEFT)."""
    stopped: str | None = None
    """Why the run stopped before its queue was empty: `deadline` or `disk_full`."""
    seconds: float = 0.0
    ingested: dict[str, int] = field(default_factory=lambda: {"loaded": 0, "skipped": 0, "failed": 0})
    ingest_errors: int = 0
    """Ingest failures that are Yusuan's (error, timeout, worker_died, load_error), not the file's."""
    changed: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Things worth a line that are no failure (a lock taken over from a dead run)."""

    @property
    def failed(self) -> dict[str, int]:
        """URLs that failed for good, by reason."""
        return dict(Counter(p.reason for p in self.problems if p.status == "failed"))

    @property
    def ok(self) -> bool:
        """Nothing failed for good and nothing was skipped but by the caller's own limits."""
        return not (
            self.files["failed"] or self.pages_failed or self.ingest_errors or self.hosts_skipped
            or self.hosts_deferred or self.stopped == "disk_full"
        )  # fmt: skip

    @property
    def exit_status(self) -> int:
        return 0 if self.ok else 1

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "pages": self.pages,
            "pages_failed": self.pages_failed,
            "files": dict(self.files),
            "failed": self.failed,
            "robots_blocked": self.robots_blocked,
            "hosts_skipped": dict(self.hosts_skipped),
            "hosts_deferred": dict(self.hosts_deferred),
            "left": {k: v for k, v in self.left.items() if v},
            "stopped": self.stopped,
            "seconds": round(self.seconds, 1),
            "ingested": dict(self.ingested),
        }

    def summary_lines(self) -> list[str]:
        f = self.files
        lines = [
            f"pages {self.pages} ({self.pages_failed} failed), files: new {f['new']}, changed {f['changed']}, "
            f"unchanged {f['unchanged']}, failed {f['failed']}, not_pdf {f['not_pdf']}; "
            f"robots_blocked {self.robots_blocked}; {self.seconds:.1f} s"
        ]
        if self.stopped == "deadline":
            lines.append("stopped at the run's deadline (--max-seconds)")
        elif self.stopped == "disk_full":
            lines.append("stopped: the disk is full; everything recorded so far is intact")
        if self.left["max_pages"]:
            lines.append(f"{self.left['max_pages']} pages left for later: --max-pages reached")
        if self.left["max_files"]:
            lines.append(f"{self.left['max_files']} PDFs left for later: --max-files reached")
        if self.left["deadline"] or self.left["disk_full"]:
            lines.append(f"{self.left['deadline'] + self.left['disk_full']} URLs left for the next run")
        lines += [f"host skipped: {host}: {why}" for host, why in self.hosts_skipped.items()]
        lines += [f"host deferred to the next run: {host}: {why}" for host, why in self.hosts_deferred.items()]
        if any(self.ingested.values()):
            i = self.ingested
            lines.append(f"ingested: loaded {i['loaded']}, skipped {i['skipped']}, failed {i['failed']}")
        lines += self.notes
        lines += [f"  changed: {url}" for url in self.changed]
        lines += [f"  {p.url}: {p.status}: {p.reason}: {p.detail}" for p in self.problems]
        return lines
