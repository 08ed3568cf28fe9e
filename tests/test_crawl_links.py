"""Discovery on one page, and the sites file: what `yusuan crawl` follows, and what it leaves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.crawl.links import decode_page, page_links
from pipeline.crawl.robots import parse_robots, unreachable
from pipeline.crawl.sites import SHIPPED, Site, load_sites, parse_sites

BASE = "http://www.example.gov.cn/zwgk/ysjs/index.html"


def links(
    html: str,
    site: Site | None = None,
    encoding: str = "gbk",
    content_type: str | None = "text/html; charset=gbk",
) -> dict[str, tuple[str, str]]:
    found = page_links(BASE, html.encode(encoding), content_type, site or Site("t", (BASE,)))
    return {link.url: (link.role, link.text) for link in found}


def test_gbk_pages_are_decoded_by_meta_header_or_bom_and_gbk_is_read_as_gb18030() -> None:
    text = "2026年部门预算 𠮷"  # 𠮷 exists in GB18030 only
    meta = f'<meta charset="gbk"><a href="a.html">{text}</a>'.encode("gb18030")
    assert text in decode_page(meta, None)
    assert text in decode_page(f'<a href="a.html">{text}</a>'.encode("gb18030"), "text/html; charset=GB2312")
    assert "预算" in decode_page("\ufeff<p>预算</p>".encode("utf-8"), "text/html; charset=gbk")  # BOM wins


def test_files_pagination_and_disclosures_are_told_apart_and_the_rest_left() -> None:
    found = links("""
        <a href="/attach/%E9%99%84%E4%BB%B6.pdf">附件</a>
        <a href="download.jsp?id=7">2026年部门预算.pdf</a>
        <a href="t20260115_1.html">2026年市财政局部门预算</a>
        <a href="t20260115_2.html">关于印发安全检查计划的通知</a>
        <a href="index_1.html">下一页</a><a href="?page=3">3</a>
        <a href="form.doc">部门预算表格.doc</a>
        <a href="javascript:void(0)">预算</a>
        <a href="http://other.gov.cn/ysjs/x.html">2026年部门预算</a>
        <a href="http://cdn.other.gov.cn/a/b.pdf">b.pdf</a>
    """)
    assert found == {
        "http://www.example.gov.cn/attach/%E9%99%84%E4%BB%B6.pdf": ("file", "附件"),
        "http://www.example.gov.cn/zwgk/ysjs/download.jsp?id=7": ("file", "2026年部门预算.pdf"),
        "http://www.example.gov.cn/zwgk/ysjs/t20260115_1.html": ("detail", "2026年市财政局部门预算"),
        "http://www.example.gov.cn/zwgk/ysjs/index_1.html": ("pagination", "下一页"),
        "http://www.example.gov.cn/zwgk/ysjs/index.html?page=3": ("pagination", "3"),
        "http://cdn.other.gov.cn/a/b.pdf": ("file", "b.pdf"),
    }


def test_attachments_in_iframes_viewers_and_scripts_and_script_page_counts() -> None:
    found = links("""
        <iframe src="/pdfjs/web/viewer.html?file=/attach/P020260115.pdf"></iframe>
        <embed src="/attach/a.pdf">
        <script>var files = ['/attach/P020260116.pdf']; createPageHTML(3, 0, "index", "html");</script>
    """)
    assert found == {
        "http://www.example.gov.cn/attach/P020260115.pdf": ("file", ""),
        "http://www.example.gov.cn/attach/a.pdf": ("file", ""),
        "http://www.example.gov.cn/attach/P020260116.pdf": ("file", ""),
        "http://www.example.gov.cn/zwgk/ysjs/index_1.html": ("pagination", ""),
        "http://www.example.gov.cn/zwgk/ysjs/index_2.html": ("pagination", ""),
    }


def test_a_sites_file_selectors_and_patterns_add_to_discovery_and_restrict_it() -> None:
    site = Site(
        "t", (BASE,), list_items="ul.list a", attachments="div.fj a",
        deny=(re.compile(r"/old/"),),
    )  # fmt: skip
    found = links("""
        <ul class="list"><li><a href="t1.html">市财政局</a></li><li><a href="/old/t0.html">旧</a></li></ul>
        <div class="fj"><a href="/dl?id=9">市财政局</a></div>
        <a href="/old/2020年部门预算.pdf">2020年部门预算.pdf</a>
    """, site)  # fmt: skip
    assert found == {
        "http://www.example.gov.cn/dl?id=9": ("file", "市财政局"),
        "http://www.example.gov.cn/zwgk/ysjs/t1.html": ("detail", "市财政局"),
    }


def test_robots_rules_missing_file_and_unreachable_host() -> None:
    rules = parse_robots(200, b"User-agent: *\nDisallow: /private/\nCrawl-delay: 5\n")
    assert (
        not rules.allows("http://h/private/a.html")
        and rules.allows("http://h/ysjs/")
        and rules.crawl_delay() == 5
    )
    assert parse_robots(404, b"").allows("http://h/private/a.html")
    assert not parse_robots(503, b"").allows("http://h/ysjs/")
    assert not unreachable("connection", "refused").allows("http://h/ysjs/")
    assert unreachable("redirect_loop", "Exceeded maximum allowed redirects.").allows("http://h/ysjs/")


def test_the_shipped_sites_file_names_every_corpus_publisher() -> None:
    names = {site.name for site in load_sites(SHIPPED)}
    for city in (
        "普陀",
        "北京",
        "深圳",
        "广州",
        "西安",
        "重庆",
        "苏州",
        "杭州",
        "长沙",
        "烟台",
        "无锡",
        "福州",
        "湖州",
    ):
        assert any(city in name for name in names), city


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[[site]]\nstart = ["http://a.gov.cn/"]\nselector = "a"', "unknown key"),
        ('[[site]]\nname = "x"', "'start'"),
        ('[[site]]\nstart = ["http://a.gov.cn/"]\ndeny = ["("]', "bad pattern"),
        ('[[site]]\nstart = ["http://a.gov.cn/"]\ndelay = -1', "'delay'"),
    ],
)
def test_a_bad_sites_file_is_an_error_that_says_where(toml: str, message: str, tmp_path: Path) -> None:
    import tomllib

    with pytest.raises(ValueError, match=message):
        parse_sites(tomllib.loads(toml), "sites.toml")
