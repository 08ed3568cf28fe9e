"""From a fetched page to the links worth following: files, pagination, disclosures.

Pages are decoded as browsers do (w3lib: BOM, HTTP header, <meta charset>,
GBK read as GB18030), so Chinese link texts are read right; links are found
with CSS selectors (parsel). What counts as relevant or as pagination is
data (`links.toml`); a sites file's selectors add to it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

from parsel import Selector
from w3lib.encoding import html_to_unicode
from w3lib.url import safe_url_string

from pipeline.crawl.sites import Site, same_site

Role = Literal["file", "pagination", "detail"]
"""A file to download; another page of the same list (same depth); a page one step further."""


@dataclass(frozen=True)
class Link:
    url: str
    text: str
    role: Role
    problem: str | None = None
    """Why the URL cannot be fetched (`Port out of range`): recorded on it, never requested."""


@dataclass(frozen=True)
class Vocabulary:
    relevant: tuple[str, ...]
    pagination_text: tuple[str, ...]
    pagination_url: tuple[re.Pattern[str], ...]
    page_count_script: tuple[re.Pattern[str], ...]
    skip_extensions: tuple[str, ...]


VOCABULARY = Path(__file__).with_name("links.toml")


@cache
def vocabulary(path: Path = VOCABULARY) -> Vocabulary:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return Vocabulary(
        relevant=tuple(data["relevant"]),
        pagination_text=tuple(data["pagination_text"]),
        pagination_url=tuple(re.compile(p, re.I) for p in data["pagination_url"]),
        page_count_script=tuple(re.compile(p) for p in data["page_count_script"]),
        skip_extensions=tuple(data["skip_extensions"]),
    )


_SPACE = re.compile(r"\s+")
_SCRIPT_PDF = re.compile(r"""["']([^"'<>\s]+?\.pdf)["']""", re.I)


def decode_page(body: bytes, content_type: str | None) -> str:
    """The page as text, decoded the way a browser would."""
    _encoding, text = html_to_unicode(content_type, body)
    return text


def _path(url: str) -> str:
    try:
        return unquote(urlsplit(url).path).lower()
    except ValueError:  # not a URL one can split: its text
        return unquote(url).lower()


def _query(url: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(urlsplit(url).query)
    except ValueError:
        return []


def looks_like_pdf(url: str, text: str = "") -> bool:
    """A PDF by its URL path, a query value naming a .pdf (viewer?file=x.pdf), or its link text."""
    if _path(url).endswith(".pdf") or text.strip().lower().endswith(".pdf"):
        return True
    return any(v.lower().endswith(".pdf") for _k, v in _query(url))


def _pdf_in_query(url: str) -> str | None:
    for _key, value in _query(url):
        if value.lower().endswith(".pdf"):
            return value
    return None


def resolve(base: str, href: str) -> tuple[str | None, str | None]:
    """The link as an absolute http(s) URL (None for anything else), and what is wrong with it
    when it cannot be requested (then the URL is the link as written, joined to the page's where it can)."""
    href = href.strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
        return None, None
    try:
        joined = urljoin(base, href).split("#", 1)[0]
        if urlsplit(joined).scheme not in ("http", "https"):
            return None, None
    except ValueError as exc:  # `http://[::1/`: not even split into parts
        return (href if href.lower().startswith(("http://", "https://")) else None), str(exc)
    try:
        url = safe_url_string(joined)
        urlsplit(url).port  # noqa: B018  (raises for a port out of range)
    except ValueError as exc:
        return joined, str(exc)
    if not urlsplit(url).hostname:
        return joined, "no host"
    return url, None


def _text(node: Selector) -> str:
    words = " ".join(node.css("::text").getall()) or node.attrib.get("title", "")
    return _SPACE.sub(" ", words).strip()


def classify(url: str, text: str, vocab: Vocabulary) -> Role | None:
    """What a plain link is, from its text and URL; None when it is not worth following."""
    path = _path(url)
    if looks_like_pdf(url, text):
        return "file"
    if path.endswith(vocab.skip_extensions):
        return None
    if text in vocab.pagination_text or any(p.search(url) for p in vocab.pagination_url):
        return "pagination"
    haystack = f"{text} {unquote(url)}"
    if any(word in haystack for word in vocab.relevant):
        return "detail"
    return None


def _script_pages(url: str, scripts: str, vocab: Vocabulary) -> list[str]:
    """index_1.html … index_{N-1}.html of a list whose page count sits in a script variable."""
    for pattern in vocab.page_count_script:
        found = pattern.search(scripts)
        if found:
            count = int(found.group(1))
            base = url if url.endswith("/") else url.rsplit("/", 1)[0] + "/"
            return [urljoin(base, f"index_{n}.html") for n in range(1, count)]
    return []


def page_links(url: str, body: bytes, content_type: str | None, site: Site) -> list[Link]:
    """Every link of a page worth following, in page order, without repeats.

    Pages (pagination, detail) are kept to the page's own host; files may be
    anywhere. The site's allow/deny patterns apply to all of them. A link that
    cannot be requested (a port out of range) comes back with its `problem`.
    """
    vocab = vocabulary()
    page = Selector(text=decode_page(body, content_type))
    base = page.css("base::attr(href)").get() or url
    if resolve(url, base)[1]:
        base = url
    found: dict[str, Link] = {}

    def add(href: str | None, text: str, role: Role | None) -> None:
        target, problem = resolve(base, href) if href else (None, None)
        if target is None or role is None or target in found or not site.permits(target):
            return
        if role != "file" and not same_site(target, url):
            return
        found[target] = Link(target, text, role, problem)

    if site.attachments:
        for node in page.css(site.attachments):
            add(node.attrib.get("href") or node.attrib.get("src"), _text(node), "file")
    if site.list_items:
        for node in page.css(site.list_items):
            add(node.attrib.get("href"), _text(node), "detail")
    for node in page.css("iframe[src], embed[src], object[data], frame[src]"):
        src = node.attrib.get("src") or node.attrib.get("data")
        inner = _pdf_in_query(src) if src else None
        title = node.attrib.get("title", "")
        add(inner or src, title, "file" if inner or looks_like_pdf(src or "") else "detail")
    for node in page.css("a[href]"):
        text = _text(node)
        href = node.attrib["href"]
        target, _problem = resolve(base, href)
        add(href, text, classify(target, text, vocab) if target else None)
    scripts = "\n".join(page.css("script::text").getall())
    for match in _SCRIPT_PDF.finditer(scripts):
        add(match.group(1), "", "file")
    for extra in _script_pages(url, scripts, vocab):
        add(extra, "", "pagination")
    return list(found.values())
