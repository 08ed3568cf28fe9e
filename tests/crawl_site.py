"""A government-style 预决算公开 site on loopback, for the crawler tests.

It serves what such portals serve: GBK list pages (charset only in a <meta>,
or only in the header) paginated as index.html, index_1.html with 下一页/尾页,
detail pages linking PDFs with Chinese (percent-encoded) names or showing one
in an iframe, robots.txt with a disallowed folder, ETag and Last-Modified
with 304s. Resources can misbehave: answer slowly, 503 with Retry-After,
truncate their body, or answer a .pdf link with an HTML challenge. Every
request is logged with its headers and the server's own start/end times.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

LAST_MODIFIED = formatdate(1_767_225_600, usegmt=True)  # 2026-01-01


@dataclass
class Resource:
    body: bytes
    content_type: str
    validators: bool = True
    """Send ETag and Last-Modified, and answer 304 when they match."""
    slow_first: float = 0.0
    """Seconds the first request waits before answering."""
    unavailable_first: int = 0
    """The first request gets 503 with this Retry-After (seconds)."""
    truncate: bool = False
    """Promise the whole body in Content-Length, send half, hang up."""
    hits: int = 0


@dataclass(frozen=True)
class Hit:
    path: str
    headers: dict[str, str]
    status: int
    start: float
    end: float


@dataclass
class FakeSite:
    resources: dict[str, Resource] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    started: list[str] = field(default_factory=list)
    """Paths in the order their requests arrived (a hit is logged only once answered)."""
    lock: threading.Lock = field(default_factory=threading.Lock)
    base: str = ""

    def put(self, path: str, resource: Resource) -> None:
        self.resources[path] = resource

    def html(self, path: str, body: str, charset: str = "gbk", in_header: bool = False, **kw: object) -> None:
        """A page encoded in `charset`, declared in the Content-Type header or only in a <meta>."""
        content_type = f"text/html; charset={charset}" if in_header else "text/html"
        if not in_header:
            body = f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}"></head>{body}</html>'
        self.put(path, Resource(body.encode(charset), content_type, **kw))  # type: ignore[arg-type]

    def requests_to(self, path: str) -> list[Hit]:
        return [h for h in self.hits if h.path == path]

    def since(self, mark: int) -> list[Hit]:
        return self.hits[mark:]


def _handler(site: FakeSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            start = time.monotonic()
            path = unquote(urlsplit(self.path).path)
            site.started.append(path)
            resource = site.resources.get(path)
            try:
                status = self._answer(resource)
            except OSError:  # the client gave up (a timeout) and hung up
                status = -1
            with site.lock:
                headers = {k.lower(): v for k, v in self.headers.items()}
                site.hits.append(Hit(path, headers, status, start, time.monotonic()))

        def _send(self, status: int, headers: dict[str, str], body: bytes = b"") -> int:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if body:
                self.wfile.write(body)
            return status

        def _answer(self, r: Resource | None) -> int:
            if r is None:
                return self._send(404, {"Content-Length": "0"})
            r.hits += 1
            if r.slow_first and r.hits == 1:
                time.sleep(r.slow_first)
            if r.unavailable_first and r.hits == 1:
                return self._send(503, {"Retry-After": str(r.unavailable_first), "Content-Length": "0"})
            etag = f'"{hashlib.sha256(r.body).hexdigest()[:16]}"'
            headers = {"Content-Type": r.content_type, "Content-Length": str(len(r.body))}
            if r.validators:
                headers |= {"ETag": etag, "Last-Modified": LAST_MODIFIED}
                if self.headers.get("If-None-Match") == etag or (
                    "If-None-Match" not in self.headers and self.headers.get("If-Modified-Since") == LAST_MODIFIED
                ):
                    return self._send(304, {"ETag": etag, "Last-Modified": LAST_MODIFIED})
            if r.truncate:
                self._send(200, headers, r.body[: len(r.body) // 2])
                self.close_connection = True
                return 200
            return self._send(200, headers, r.body)

    return Handler


def serve(site: FakeSite) -> tuple[ThreadingHTTPServer, threading.Thread]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


def overlapping(hits: list[Hit]) -> list[tuple[Hit, Hit]]:
    """Pairs of requests the server was answering at the same time."""
    ordered = sorted(hits, key=lambda h: h.start)
    return [(a, b) for a, b in zip(ordered, ordered[1:], strict=False) if b.start < a.end]


def gaps(hits: list[Hit]) -> list[float]:
    """Seconds between the starts of consecutive requests.

    A start is stamped while the crawler waits on its socket, so it is prompt; an
    end is stamped after the response is written, when the crawler (in this
    process) may already hold the GIL again, so under load it can be late by a
    tenth of a second. Start to start is the wait the crawler kept, plus the
    previous request's own time: at least the delay.
    """
    ordered = sorted(hits, key=lambda h: h.start)
    return [b.start - a.start for a, b in zip(ordered, ordered[1:], strict=False)]
