"""One HTTP request, bounded and checked: the crawl's only door to the network.

httpx does HTTP. Pages go through hishel's RFC 9111 cache: each is sent with
`Cache-Control: no-cache`, so hishel revalidates its stored copy with
If-None-Match / If-Modified-Since and a 304 comes back as the stored page,
marked `revalidated`. PDFs never enter that cache (they are kept once, under
`files/`): a PDF request carries the validators the crawl recorded for its
URL, and only while we hold the bytes they stand for.

Every request runs under one deadline for all of it (connect, headers, every
byte of the body), on a private asyncio loop: httpx's own timeouts bound each
read, and a server sending a byte every few seconds never trips them. Bodies
are decompressed here, a bounded piece at a time, so a page is capped by the
size it inflates to and a compression bomb never sits in memory whole; a body
that is refused (too large, not what its Content-Encoding says, cut by the
deadline) is never left in the cache. Redirects are not followed here (except
robots.txt's, as RFC 9309 asks): the runner queues each hop like a link, so
the same-site rule, the site's allow/deny, robots.txt and the delay apply to it.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Literal

import hishel
import httpx
from hishel.httpx import AsyncCacheClient

from pipeline.crawl.files import Part, looks_like_pdf
from pipeline.crawl.settings import CrawlSettings

CHUNK = 64 * 1024
ROBOTS_BYTES = 512 * 1024
"""robots.txt is read up to this size and the rest ignored (RFC 9309: at least 500 KiB)."""
ACCEPT_ENCODING = "gzip, deflate"
"""Only the codings decompressed here, a bounded piece at a time."""

Kind = Literal["page", "file", "robots"]


class FetchError(Exception):
    """A request that brought nothing usable; `transient` ones are worth another try."""

    def __init__(self, reason: str, detail: str, transient: bool, retry_after: float | None = None) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail, self.transient, self.retry_after = reason, detail, transient, retry_after


@dataclass(frozen=True)
class Validators:
    """What we hold of a URL's last answer, sent as If-None-Match / If-Modified-Since."""

    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class Fetched:
    """An answer: a page's body in memory, a PDF's in a scratch file (already hashed), or neither
    (a redirect, a 304 for a PDF we hold, a page link answering with a PDF)."""

    url: str
    status: int
    headers: httpx.Headers
    revalidated: bool
    """The server answered 304: what we stored is still current."""
    body: bytes | None = None
    file: Path | None = None
    size: int = 0
    sha256: str | None = None
    head: bytes = b""
    """The file's first bytes, to check its %PDF signature."""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def is_pdf_type(self) -> bool:
        return self.content_type in ("application/pdf", "application/x-pdf")

    def discard(self) -> None:
        if self.file:
            self.file.unlink(missing_ok=True)


def retry_after(value: str | None, now: float) -> float | None:
    """Seconds a `Retry-After` header asks us to wait (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError, OverflowError):
        return None


def cache_key(url: str) -> str:
    """The key a page is stored under in hishel's cache, so a refused one can be removed."""
    return hashlib.sha256(f"page {url}".encode()).hexdigest()


class _Inflater:
    """A body's Content-Encoding undone a bounded piece at a time (httpx's decoders inflate each
    network chunk whole, and a 64 KiB chunk of a deflate bomb is 64 MiB)."""

    def __init__(self, encoding: str) -> None:
        codings = [c.strip().lower() for c in encoding.split(",") if c.strip().lower() not in ("", "identity")]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise FetchError("bad_encoding", f"Content-Encoding {encoding!r} is not gzip or deflate", False)
        self.coding = codings[0] if codings else None
        self._z = self._decompressor(zlib.MAX_WBITS | 16 if self.coding in ("gzip", "x-gzip") else zlib.MAX_WBITS)
        self._started = False

    @staticmethod
    def _decompressor(wbits: int) -> zlib._Decompress:
        return zlib.decompressobj(wbits)

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self.coding is None:
            yield data
            return
        while data:
            try:
                out = self._z.decompress(data, CHUNK)
            except zlib.error as exc:
                if self.coding == "deflate" and not self._started:  # raw deflate, without the zlib wrapper
                    self._z, self._started = self._decompressor(-zlib.MAX_WBITS), True
                    continue
                raise FetchError("bad_encoding", f"body is not valid {self.coding} ({exc})", False) from exc
            self._started = True
            data = self._z.unconsumed_tail
            if out:
                yield out
            if self._z.eof:
                return

    def flush(self) -> bytes:
        return self._z.flush(CHUNK) if self.coding else b""


class Fetcher:
    """The two httpx clients of a crawl (pages through the cache, files and robots.txt without)
    and the event loop they run on; `get` is synchronous for the runner."""

    def __init__(self, cache_path: Path, settings: CrawlSettings) -> None:
        self.settings = settings
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        self._loop = asyncio.Runner()
        self._pages, self._files, self._storage = self._loop.run(self._open(cache_path))

    async def _open(
        self, cache_path: Path
    ) -> tuple[httpx.AsyncClient, httpx.AsyncClient, hishel.AsyncSqliteStorage]:
        s = self.settings
        headers = {"User-Agent": s.user_agent, "Accept-Encoding": ACCEPT_ENCODING}
        timeout = httpx.Timeout(s.timeout)
        storage = hishel.AsyncSqliteStorage(database_path=cache_path, max_stream_size=s.max_page_bytes)
        pages = AsyncCacheClient(
            storage=storage, rfc=hishel.CacheOptions(shared=False), timeout=timeout,
            headers={**headers, "Cache-Control": "no-cache"}, follow_redirects=False,
        )  # fmt: skip
        files = httpx.AsyncClient(timeout=timeout, headers=headers, follow_redirects=False, max_redirects=5)
        return pages, files, storage

    def close(self) -> None:
        async def close() -> None:
            await self._pages.aclose()
            await self._files.aclose()

        try:
            self._loop.run(close())
        finally:
            self._loop.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(
        self, url: str, kind: Kind, scratch: Path, deadline: float, validators: Validators | None = None
    ) -> Fetched:
        """GET `url` once, all of it before `deadline` (a `time.monotonic()` instant).

        Raises `FetchError` for timeouts, broken connections, bad URLs, truncated, oversized or
        undecodable bodies and error statuses, and `files.DiskFull` when a PDF finds no room.
        3xx come back with their headers and no body (robots.txt's are followed)."""
        seconds = max(0.0, min(deadline - time.monotonic(), self.settings.request_seconds))
        try:
            return self._loop.run(asyncio.wait_for(self._get(url, kind, scratch, validators), seconds))
        except TimeoutError as exc:
            raise FetchError("deadline", f"no whole answer within {seconds:g} s", False) from exc
        except httpx.TimeoutException as exc:
            raise FetchError("timeout", f"{type(exc).__name__} after {self.settings.timeout:g} s", True) from exc
        except httpx.TooManyRedirects as exc:
            raise FetchError("redirect_loop", str(exc), False) from exc
        except httpx.UnsupportedProtocol as exc:
            raise FetchError("bad_url", str(exc), False) from exc
        except httpx.RemoteProtocolError as exc:
            raise FetchError("truncated", str(exc) or type(exc).__name__, True) from exc
        except httpx.TransportError as exc:
            raise FetchError("connection", str(exc) or type(exc).__name__, True) from exc
        except httpx.DecodingError as exc:
            raise FetchError("bad_encoding", str(exc), False) from exc
        except httpx.InvalidURL as exc:
            raise FetchError("bad_url", str(exc), False) from exc

    def forget(self, url: str) -> None:
        """Remove a page from the cache (its body was refused), so the next run fetches it afresh."""

        async def forget() -> None:
            for entry in await self._storage.get_entries(cache_key(url)):
                await self._storage.remove_entry(entry.id)

        self._loop.run(forget())

    async def _get(self, url: str, kind: Kind, scratch: Path, validators: Validators | None) -> Fetched:
        headers: dict[str, str] = {}
        if kind == "file" and validators:
            if validators.etag:
                headers["If-None-Match"] = validators.etag
            if validators.last_modified:
                headers["If-Modified-Since"] = validators.last_modified
        if kind == "page":
            request = self._pages.stream("GET", url, extensions={"caching": {"key": cache_key(url)}})
        else:
            request = self._files.stream("GET", url, headers=headers, follow_redirects=kind == "robots")
        async with request as response:
            caching = response.extensions.get("caching") or {}
            revalidated = bool(caching.get("revalidated") and caching.get("from_cache"))
            _raise_for_status(response)
            if response.is_redirect or response.status_code == 304:
                return Fetched(url, response.status_code, response.headers, revalidated or response.status_code == 304)
            fetched = Fetched(url, response.status_code, response.headers, revalidated)
            if kind == "page" and fetched.is_pdf_type:
                return fetched  # a PDF is asked again as a file: the page cache keeps no PDFs
            if kind == "file":
                return await self._download(fetched, response, scratch)
            limit = ROBOTS_BYTES if kind == "robots" else self.settings.max_page_bytes
            body = await self._read(response, limit, truncate=kind == "robots")
            if body is None:
                return fetched  # a PDF passed off as a page: asked again as a file, and never cached
            return Fetched(url, response.status_code, response.headers, revalidated, body=body, size=len(body))

    async def _read(self, response: httpx.Response, limit: int, truncate: bool) -> bytes | None:
        """A page's body, decompressed, at most `limit` bytes (more is refused, or cut for robots.txt);
        None for a body that starts like a PDF, left unread so that the cache drops it."""
        if not truncate:
            _refuse_declared(response, limit, "page")
        body = bytearray()
        inflater = _Inflater(response.headers.get("content-encoding", ""))
        async for raw in response.aiter_raw(CHUNK):
            for piece in inflater.feed(raw):
                body += piece
                if len(body) - len(piece) < 1024 and looks_like_pdf(bytes(body[:1024])):
                    return None
                if len(body) > limit:
                    if truncate:
                        return bytes(body[:limit])
                    raise FetchError("too_large", f"page larger than {limit} bytes once decompressed", False)
        body += inflater.flush()
        _check_complete(response)
        return bytes(body[:limit]) if truncate else bytes(body)

    async def _download(self, fetched: Fetched, response: httpx.Response, scratch: Path) -> Fetched:
        """Stream a file's body to a scratch file, hashing it, and check it arrived whole."""
        limit = self.settings.max_file_bytes
        _refuse_declared(response, limit, "file")
        inflater = _Inflater(response.headers.get("content-encoding", ""))
        part = Part(scratch)
        try:
            async for raw in response.aiter_raw(CHUNK):
                for piece in inflater.feed(raw):
                    part.write(piece)
                    if part.size > limit:
                        raise FetchError("too_large", f"more than {limit} bytes", False)
            part.write(inflater.flush())
            _check_complete(response)
            sha256 = part.close()
        except BaseException:
            part.discard()
            raise
        return Fetched(fetched.url, fetched.status, fetched.headers, fetched.revalidated, file=part.path,
                       size=part.size, sha256=sha256, head=part.head)  # fmt: skip


def _raise_for_status(response: httpx.Response) -> None:
    status = response.status_code
    if status >= 500 or status == 429:
        wait = retry_after(response.headers.get("retry-after"), time.time())
        raise FetchError(f"http_{status}", response.reason_phrase, True, wait)
    if status >= 400:
        raise FetchError(f"http_{status}", response.reason_phrase, False)


def _refuse_declared(response: httpx.Response, limit: int, what: str) -> None:
    """A Content-Length over the cap is refused before a byte of the body is read."""
    declared = response.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > limit:
        raise FetchError("too_large", f"Content-Length {declared} is more than the {limit} bytes a {what} may have", False)


def _check_complete(response: httpx.Response) -> None:
    expected = response.headers.get("content-length", "").strip()
    if expected.isdigit() and response.num_bytes_downloaded != int(expected):
        raise FetchError("truncated", f"{response.num_bytes_downloaded} of {expected} bytes (Content-Length)", True)
