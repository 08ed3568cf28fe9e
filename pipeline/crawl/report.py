"""What one crawl did: the counts `--json` prints, and the problems worth a line each."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FILE_OUTCOMES = ("new", "changed", "unchanged", "failed", "not_pdf")


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
    pages_left: int = 0
    """Pages not fetched because their host reached --max-pages."""
    ingested: dict[str, int] = field(default_factory=lambda: {"loaded": 0, "skipped": 0, "failed": 0})
    ingest_errors: int = 0
    """Ingest failures that are Yusuan's (error, timeout, worker_died, load_error), not the file's."""
    changed: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Nothing failed for good: every page and PDF link answered, every ingest error is the file's own."""
        return not self.files["failed"] and not self.pages_failed and not self.ingest_errors

    def as_json(self) -> dict[str, Any]:
        return {
            "pages": self.pages,
            "files": dict(self.files),
            "robots_blocked": self.robots_blocked,
            "ingested": dict(self.ingested),
        }

    def summary_lines(self) -> list[str]:
        f = self.files
        lines = [
            f"pages {self.pages} ({self.pages_failed} failed), files: new {f['new']}, changed {f['changed']}, "
            f"unchanged {f['unchanged']}, failed {f['failed']}, not_pdf {f['not_pdf']}; "
            f"robots_blocked {self.robots_blocked}"
        ]
        if self.pages_left:
            lines.append(f"{self.pages_left} pages left for later: --max-pages reached")
        if any(self.ingested.values()):
            i = self.ingested
            lines.append(f"ingested: loaded {i['loaded']}, skipped {i['skipped']}, failed {i['failed']}")
        lines += [f"  changed: {url}" for url in self.changed]
        lines += [f"  {p.url}: {p.status}: {p.reason}: {p.detail}" for p in self.problems]
        return lines
