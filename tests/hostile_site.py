"""Hostile web servers on loopback, for the crawler's robustness tests.

Each `Host` is one HTTP server on its own port (so one host to the crawler:
its own robots.txt, delay and queue) whose paths answer as the worst of the
web does: a body that says gzip and is not, a gzip bomb, one byte every few
tenths of a second, a Content-Length of gigabytes, redirects without end, in
a loop or off the site, 429 with a Retry-After of an hour, a robots.txt that
redirects to itself or fails. Answers are written to the socket by hand, so
they can lie about themselves. Every request is logged by path.
"""

from __future__ import annotations

import gzip
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

Answer = Callable[[BaseHTTPRequestHandler, str], None]
"""Writes the whole answer to a request for the path given."""


@dataclass
class Host:
    routes: dict[str, Answer] = field(default_factory=dict)
    prefixes: dict[str, Answer] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)
    base: str = ""
    closing: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return self.base + path

    def put(self, path: str, answer: Answer) -> None:
        self.routes[path] = answer

    def put_prefix(self, prefix: str, answer: Answer) -> None:
        self.prefixes[prefix] = answer

    def html(self, path: str, body: str) -> None:
        self.put(path, send(200, body.encode("utf-8"), "text/html; charset=utf-8"))

    def requests_to(self, path: str) -> int:
        return sum(1 for hit in self.hits if hit == path)

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = unquote(urlsplit(handler.path).path)
        self.hits.append(path)
        found = self.routes.get(path) or next(
            (a for prefix, a in self.prefixes.items() if path.startswith(prefix)), None
        )
        (found or send(404, b""))(handler, path)


def _head(handler: BaseHTTPRequestHandler, status: int, headers: dict[str, str]) -> None:
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.end_headers()


def send(status: int, body: bytes, content_type: str = "text/html", **headers: str) -> Answer:
    """An honest answer."""

    def answer(handler: BaseHTTPRequestHandler, _path: str) -> None:
        extra = {k.replace("_", "-"): v for k, v in headers.items()}
        _head(handler, status, {"Content-Type": content_type, "Content-Length": str(len(body)), **extra})
        handler.wfile.write(body)

    return answer


def pdf(body: bytes) -> Answer:
    return send(200, body, "application/pdf")


def lying_gzip(body: bytes) -> Answer:
    """`Content-Encoding: gzip` on a body that is not gzip."""
    return send(200, body, "text/html; charset=utf-8", Content_Encoding="gzip")


def gzip_bomb(inflated: int) -> Answer:
    """An HTML page of `inflated` bytes once decompressed, a few hundred KB on the wire."""
    packed = gzip.compress(b"<html>" + b" " * inflated, compresslevel=9)
    return send(200, packed, "text/html; charset=utf-8", Content_Encoding="gzip")


def deflate_bomb(inflated: int) -> Answer:
    packed = zlib.compress(b"<html>" + b"0" * inflated, 9)
    return send(200, packed, "text/html", Content_Encoding="deflate")


def redirect(location: str, status: int = 302) -> Answer:
    def answer(handler: BaseHTTPRequestHandler, _path: str) -> None:
        _head(handler, status, {"Location": location, "Content-Length": "0"})

    return answer


def endless_redirects(prefix: str) -> Answer:
    """/prefix/N redirects to /prefix/N+1, for ever."""

    def answer(handler: BaseHTTPRequestHandler, path: str) -> None:
        n = int(path.rsplit("/", 1)[1] or 0)
        redirect(f"{prefix}{n + 1}")(handler, path)

    return answer


def drip(host: Host, every: float, size: int = 10_000, content_type: str = "text/html") -> Answer:
    """Promise `size` bytes and send one every `every` seconds: no read ever times out."""

    def answer(handler: BaseHTTPRequestHandler, _path: str) -> None:
        _head(handler, 200, {"Content-Type": content_type, "Content-Length": str(size)})
        for _ in range(size):
            if host.closing.wait(every):
                return
            handler.wfile.write(b" ")
            handler.wfile.flush()

    return answer


def slow_headers(host: Host, every: float) -> Answer:
    """Headers one byte at a time, for ever: the answer never even begins."""

    def answer(handler: BaseHTTPRequestHandler, _path: str) -> None:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
        while not host.closing.wait(every):
            handler.wfile.write(b"X")
            handler.wfile.flush()

    return answer


def huge(claimed: int, content_type: str = "application/pdf") -> Answer:
    """A Content-Length of `claimed` bytes, then `%PDF` and zeros for as long as the client reads."""

    def answer(handler: BaseHTTPRequestHandler, _path: str) -> None:
        _head(handler, 200, {"Content-Type": content_type, "Content-Length": str(claimed)})
        handler.wfile.write(b"%PDF-1.4\n")
        block = b"\0" * 65536
        sent = 0
        while sent < claimed:
            handler.wfile.write(block)
            sent += len(block)

    return answer


def _handler(host: Host) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            try:
                host.answer(self)
            except OSError:  # the crawler gave up and hung up: what a hostile server shrugs at
                self.close_connection = True

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client hanging up on a hostile answer is the point, not news


@contextmanager
def hosts() -> Iterator[Callable[[], Host]]:
    """A factory of hosts, each on its own loopback port, all stopped at the end."""
    started: list[tuple[Host, ThreadingHTTPServer]] = []

    def new() -> Host:
        host = Host()
        server = _Server(("127.0.0.1", 0), _handler(host))
        host.base = f"http://127.0.0.1:{server.server_port}"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        started.append((host, server))
        return host

    try:
        yield new
    finally:
        for host, server in started:
            host.closing.set()
            server.shutdown()
            server.server_close()


def elapsed(since: float) -> float:
    return time.monotonic() - since
