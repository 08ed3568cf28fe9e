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

    @property
    def readable(self) -> bool:
        """False when the host is skipped this run: its robots.txt could not be read."""
        return self.rules is not None or self.allow_all

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


def parse_robots(status: int, body: bytes) -> Robots:
    """Rules from a robots.txt response: 2xx parsed; 4xx (none published) allows everything;
    a 5xx forbids everything for this run, as RFC 9309 asks."""
    if 200 <= status < 300:
        try:
            return Robots(Protego.parse(body.decode("utf-8", errors="replace")), allow_all=False)
        except Exception as exc:  # protego is lenient; whatever it still cannot read, we cannot obey
            return unreachable("unparsable", f"{type(exc).__name__}: {exc}")
    if 400 <= status < 500 and status != 429:
        return Robots(None, allow_all=True, note=f"no robots.txt (HTTP {status})")
    return unreachable(f"http_{status}", "robots.txt answered with an error")


def unreachable(reason: str, detail: str) -> Robots:
    """robots.txt that could not be fetched. More than five redirects means there is none
    (RFC 9309 2.3.1.2: allow everything); anything else (5xx, 429, no answer, a broken body)
    forbids the host for this run (2.3.1.4)."""
    if reason == "redirect_loop":
        return Robots(None, allow_all=True, note="robots.txt redirects more than 5 times: taken as none (RFC 9309)")
    if reason.startswith("http_4") and reason != "http_429":
        return parse_robots(int(reason[5:]), b"")
    return Robots(None, allow_all=False, note=f"robots.txt unreachable ({reason}: {detail}): the host is skipped this run")
