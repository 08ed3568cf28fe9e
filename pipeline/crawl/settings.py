"""One validated settings object for a crawl: politeness, bounds and identity.

Every way a hostile or broken server could keep a run going has a bound here,
so an unattended run always ends by itself: a deadline per request (all of
it, not each read) and per run, redirect hops, the waits a host may ask for,
bytes per page and per file, pages per host and PDFs per run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from schemas.version import PARSER_VERSION

CONTACT = os.environ.get("YUSUAN_CRAWL_CONTACT", "https://github.com/yusuan/yusuan")
"""Where a site operator can reach whoever runs the crawl; set YUSUAN_CRAWL_CONTACT to your own page."""


@dataclass(frozen=True)
class CrawlSettings:
    """Every knob of a crawl; a bad value is an error at construction, not a silent no-op."""

    delay: float = 2.0
    """Least seconds between the end of one request to a host and the start of the next."""
    jitter: float = 0.5
    """Each wait is `delay` times a random factor in [1, 1 + jitter], so requests do not beat a rhythm."""
    max_pages: int = 200
    """HTML pages fetched per host in one run (list, pagination and detail pages), redirects included."""
    max_depth: int = 2
    """Links followed away from a start page (pagination does not count: it is the same list)."""
    max_files: int = 500
    """New or changed PDFs kept in one run (bytes we already hold do not count); the rest wait."""
    max_seconds: float = 7200.0
    """The run's deadline: no request starts after it, and one still running is cut at it."""
    timeout: float = 30.0
    """Seconds a request may wait to connect, or between two bytes of its answer."""
    request_seconds: float = 600.0
    """Seconds one request may take in all, headers and body (a server sending a byte every few
    seconds never trips `timeout`)."""
    max_redirects: int = 5
    """Redirect hops followed from one link; each hop counts towards its host's `max_pages`."""
    retries: int = 3
    """Further attempts after a timeout, a 5xx, a 429 or a truncated body; 4xx are never retried."""
    backoff: float = 1.0
    """First wait before a retry; it doubles with each attempt (a longer Retry-After wins)."""
    max_wait: float = 300.0
    """The longest a host may make us wait between two requests (its robots.txt Crawl-delay, a
    Retry-After): a host asking for more is left for the next run and reported."""
    max_page_bytes: int = 10 * 1024 * 1024
    """An HTML page larger than this (after decompression) is refused."""
    max_file_bytes: int = 500 * 1024 * 1024
    """A PDF larger than this is refused: by its Content-Length before the body, else as it streams."""
    contact: str = CONTACT

    def __post_init__(self) -> None:
        for name in ("delay", "jitter", "backoff", "max_wait"):
            if getattr(self, name) < 0:
                raise ValueError(f"crawl setting {name} must be 0 or more, not {getattr(self, name)!r}")
        for name in ("timeout", "request_seconds", "max_seconds"):
            if getattr(self, name) <= 0:
                raise ValueError(f"crawl setting {name} must be positive, not {getattr(self, name)!r}")
        for name in ("max_pages", "max_depth", "max_files", "max_redirects", "retries", "max_page_bytes",
                     "max_file_bytes"):  # fmt: skip
            if getattr(self, name) < 0:
                raise ValueError(f"crawl setting {name} must be 0 or more, not {getattr(self, name)!r}")

    @property
    def user_agent(self) -> str:
        """An honest User-Agent: who we are, what we do, how to reach us."""
        return f"Yusuan/{PARSER_VERSION} (budget disclosure crawler; +{self.contact})"
