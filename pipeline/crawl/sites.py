"""The sites file: which 预决算公开 columns to crawl, and how, as data (TOML).

[[site]]
name = "广州市"                       # optional, defaults to the first start URL's host
start = ["https://www.gz.gov.cn/zwgk/zdly/czxx/bmczyjs/"]
list_items = "ul.news_list li a"      # optional CSS: links on a list page to its disclosures
attachments = "div.attachment a"      # optional CSS: links on a detail page to its files
allow = ['/bmczyjs/']                 # optional regexes: a followed URL must match one
deny = ['/video/']                    # optional regexes: a URL matching one is never fetched
delay = 5.0                           # optional: seconds between requests, when above --delay
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from w3lib.url import safe_url_string

SHIPPED = Path(__file__).with_name("sites.toml")
"""The publishers of the corpus, crawled when `yusuan crawl` is given no URL and no sites file."""

_KEYS = {"name", "start", "list_items", "attachments", "allow", "deny", "delay"}


@dataclass(frozen=True)
class Site:
    name: str
    start: tuple[str, ...]
    list_items: str | None = None
    attachments: str | None = None
    allow: tuple[re.Pattern[str], ...] = ()
    deny: tuple[re.Pattern[str], ...] = ()
    delay: float | None = None

    def permits(self, url: str) -> bool:
        """The allow/deny patterns' verdict on a URL found by following links."""
        if any(p.search(url) for p in self.deny):
            return False
        return not self.allow or any(p.search(url) for p in self.allow)


def host_of(url: str) -> str:
    try:
        return urlsplit(url).netloc.lower()
    except ValueError:  # `http://[::1/`: the text where the host would be
        return url.split("//", 1)[-1].split("/", 1)[0].lower()


_DEFAULT_PORTS = {"http": 80, "https": 443}


def site_of(url: str) -> str:
    """The site a URL belongs to: its host without a leading `www.`, and its port unless it is
    the scheme's own (so http://gz.gov.cn and https://www.gz.gov.cn are one site)."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").removeprefix("www.")
        port = parts.port
    except ValueError:
        return host_of(url)
    return host if port in (None, _DEFAULT_PORTS.get(parts.scheme)) else f"{host}:{port}"


def same_site(url: str, other: str) -> bool:
    """The rule every page link and every redirect hop of a page obeys: it stays on its site."""
    return site_of(url) == site_of(other)


def start_url(url: str) -> str:
    """A start URL made safe (percent-encoded), or ValueError saying why it is not one."""
    try:
        safe = safe_url_string(url.strip())
    except ValueError as exc:
        raise ValueError(f"bad start URL {url!r}: {exc}") from exc
    if urlsplit(safe).scheme not in _DEFAULT_PORTS or not urlsplit(safe).hostname:
        raise ValueError(f"bad start URL {url!r}: not an http(s) URL with a host")
    return safe


def site_for_url(url: str) -> Site:
    """A site with no configuration: one start URL, discovery by the built-in vocabulary."""
    url = start_url(url)
    return Site(name=host_of(url), start=(url,))


def parse_sites(data: dict[str, object], source: str = "sites file") -> list[Site]:
    """Sites from a parsed TOML document; unknown keys and bad values are errors."""
    entries = data.get("site", [])
    if not isinstance(entries, list) or set(data) - {"site"}:
        raise ValueError(f"{source}: expected only [[site]] tables")
    sites = []
    for i, entry in enumerate(entries):
        where = f"{source}: site {i + 1}"
        if unknown := set(entry) - _KEYS:
            raise ValueError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        start = entry.get("start")
        if not start or not isinstance(start, list) or not all(isinstance(u, str) for u in start):
            raise ValueError(f"{where}: 'start' must be a non-empty list of URLs")
        delay = entry.get("delay")
        if delay is not None and (not isinstance(delay, int | float) or delay < 0):
            raise ValueError(f"{where}: 'delay' must be a number of seconds")
        try:
            allow = tuple(re.compile(p) for p in entry.get("allow", []))
            deny = tuple(re.compile(p) for p in entry.get("deny", []))
        except re.error as exc:
            raise ValueError(f"{where}: bad pattern: {exc}") from exc
        try:
            urls = tuple(start_url(u) for u in start)
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from exc
        sites.append(
            Site(
                name=entry.get("name") or host_of(urls[0]),
                start=urls,
                list_items=entry.get("list_items"),
                attachments=entry.get("attachments"),
                allow=allow,
                deny=deny,
                delay=float(delay) if delay is not None else None,
            )
        )
    return sites


def load_sites(path: Path = SHIPPED) -> list[Site]:
    with path.open("rb") as f:
        return parse_sites(tomllib.load(f), str(path))
