"""One HTTP request, made politely and checked: the crawl's only door to the network.

httpx does HTTP and hishel caches it (RFC 9111): every request is sent with
`Cache-Control: no-cache`, so hishel revalidates its stored copy with
If-None-Match / If-Modified-Since and a 304 comes back as the stored response,
marked `revalidated`. Redirects are not followed here: the runner queues their
target like any other link, so robots.txt and the per-host delay apply to it.
"""

from __future__ import annotations

import hashlib
import tempfile
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path

import hishel
import httpx
from hishel.httpx import CacheClient

from pipeline.crawl.settings import CrawlSettings

CHUNK = 64 * 1024


class FetchError(Exception):
    """A request that brought nothing usable; `transient` ones are worth another try."""

    def __init__(self, reason: str, detail: str, transient: bool, retry_after: float | None = None) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail, self.transient, self.retry_after = reason, detail, transient, retry_after


@dataclass(frozen=True)
class Fetched:
    """A response whose body (unless skipped) sits in a temporary file, already hashed."""

    url: str
    status: int
    headers: httpx.Headers
    revalidated: bool
    """The server answered 304: what we stored is still current."""
    body: Path | None
    size: int
    sha256: str | None

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def read(self) -> bytes:
        return self.body.read_bytes() if self.body else b""

    def discard(self) -> None:
        if self.body:
            self.body.unlink(missing_ok=True)


def open_client(cache_path: Path, settings: CrawlSettings) -> httpx.Client:
    """An httpx client whose responses are stored in an SQLite cache for revalidation next run."""
    cache_path.parent.mkdir(parents=True, exist_ok=True)
    return CacheClient(
        storage=hishel.SqliteStorage(database_path=cache_path),
        rfc=hishel.CacheOptions(shared=False),
        headers={"User-Agent": settings.user_agent, "Cache-Control": "no-cache"},
        timeout=httpx.Timeout(settings.timeout),
        follow_redirects=False,
    )


def retry_after(value: str | None, now: float) -> float | None:
    """Seconds a `Retry-After` header asks us to wait (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError):
        return None


def fetch(
    client: httpx.Client,
    url: str,
    scratch: Path,
    settings: CrawlSettings,
    body_if_revalidated: bool,
    follow_redirects: bool = False,
) -> Fetched:
    """GET `url` once. Raises `FetchError` for timeouts, broken connections, truncated or
    oversized bodies and error statuses; 3xx come back with their headers and no body
    (unless `follow_redirects`, which only robots.txt uses, as RFC 9309 asks)."""
    try:
        with client.stream("GET", url, follow_redirects=follow_redirects) as response:
            caching = response.extensions.get("caching") or {}
            revalidated = bool(caching.get("revalidated") and caching.get("from_cache"))
            _raise_for_status(response)
            if response.is_redirect or (revalidated and not body_if_revalidated):
                return Fetched(url, response.status_code, response.headers, revalidated, None, 0, None)
            return _download(url, response, revalidated, scratch, settings)
    except httpx.TimeoutException as exc:
        raise FetchError("timeout", f"{type(exc).__name__} after {settings.timeout:g} s", True) from exc
    except httpx.RemoteProtocolError as exc:
        raise FetchError("truncated", str(exc) or type(exc).__name__, True) from exc
    except httpx.TransportError as exc:
        raise FetchError("connection", str(exc) or type(exc).__name__, True) from exc


def _raise_for_status(response: httpx.Response) -> None:
    status = response.status_code
    if status >= 500 or status == 429:
        wait = retry_after(response.headers.get("retry-after"), time.time())
        raise FetchError(f"http_{status}", response.reason_phrase, True, wait)
    if status >= 400:
        raise FetchError(f"http_{status}", response.reason_phrase, False)


def _download(
    url: str, response: httpx.Response, revalidated: bool, scratch: Path, settings: CrawlSettings
) -> Fetched:
    """Stream the body to a scratch file, hashing it, and check it arrived whole."""
    scratch.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with tempfile.NamedTemporaryFile(dir=scratch, prefix="part-", delete=False) as out:
        path = Path(out.name)
        try:
            for chunk in response.iter_bytes(CHUNK):
                size += len(chunk)
                if size > settings.max_file_bytes:
                    raise FetchError("too_large", f"more than {settings.max_file_bytes} bytes", False)
                digest.update(chunk)
                out.write(chunk)
            expected = response.headers.get("content-length")
            if expected and expected.isdigit() and response.num_bytes_downloaded != int(expected):
                raise FetchError(
                    "truncated", f"{response.num_bytes_downloaded} of {expected} bytes (Content-Length)", True
                )
        except BaseException:
            path.unlink(missing_ok=True)
            raise
    return Fetched(url, response.status_code, response.headers, revalidated, path, size, digest.hexdigest())
