"""One validated settings object for a crawl: politeness, bounds and identity."""

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
    """HTML pages fetched per host in one run (list, pagination and detail pages)."""
    max_depth: int = 2
    """Links followed away from a start page (pagination does not count: it is the same list)."""
    timeout: float = 60.0
    """Seconds a request may take to connect or between two chunks of its body."""
    retries: int = 3
    """Further attempts after a timeout, a 5xx, a 429 or a truncated body; 4xx are never retried."""
    backoff: float = 1.0
    """First wait before a retry; it doubles with each attempt (a longer Retry-After wins)."""
    max_wait: float = 600.0
    """No single wait (backoff or Retry-After) is longer than this."""
    max_file_bytes: int = 500 * 1024 * 1024
    """A download larger than this is abandoned as failed."""
    contact: str = CONTACT

    def __post_init__(self) -> None:
        for name in ("delay", "jitter", "timeout", "backoff", "max_wait"):
            if getattr(self, name) < 0 or (name == "timeout" and self.timeout == 0):
                raise ValueError(f"crawl setting {name} must be positive, not {getattr(self, name)!r}")
        for name in ("max_pages", "max_depth", "retries", "max_file_bytes"):
            if getattr(self, name) < 0:
                raise ValueError(f"crawl setting {name} must be 0 or more, not {getattr(self, name)!r}")

    @property
    def user_agent(self) -> str:
        """An honest User-Agent: who we are, what we do, how to reach us."""
        return f"Yusuan/{PARSER_VERSION} (budget disclosure crawler; +{self.contact})"
