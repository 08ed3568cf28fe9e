"""robots.txt, read with protego, and what it means when it cannot be read (RFC 9309)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from protego import Protego

AGENT = "Yusuan"
"""The product token robots.txt groups are matched against."""


@dataclass(frozen=True)
class Robots:
    """The rules of one host. `rules` None with `allow_all` False: nothing may be fetched."""

    rules: Protego | None
    allow_all: bool
    note: str = ""

    def allows(self, url: str) -> bool:
        if self.rules is not None:
            return bool(self.rules.can_fetch(url, AGENT))
        return self.allow_all

    def crawl_delay(self) -> float | None:
        delay = self.rules.crawl_delay(AGENT) if self.rules is not None else None
        return float(delay) if delay is not None else None


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))


def parse_robots(status: int | None, body: bytes) -> Robots:
    """Rules from a robots.txt response: 2xx parsed; 4xx (none published) allows everything;
    a 5xx or no answer at all forbids everything for this run, as RFC 9309 asks."""
    if status is not None and 200 <= status < 300:
        return Robots(Protego.parse(body.decode("utf-8", errors="replace")), allow_all=False)
    if status is not None and 400 <= status < 500:
        return Robots(None, allow_all=True, note=f"no robots.txt (HTTP {status})")
    return Robots(None, allow_all=False, note="robots.txt unreachable: the host is skipped this run")
