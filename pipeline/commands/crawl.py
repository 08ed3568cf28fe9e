"""`yusuan crawl [URL...]`: fetch new 预决算公开 PDFs politely, optionally ingest them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from pipeline.commands.options import db_option
from pipeline.crawl import SHIPPED, CrawlLocked, CrawlSettings, crawl, load_sites


@click.command(name="crawl")
@click.argument("urls", nargs=-1)
@click.option(
    "--sites", "sites_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
    help="Sites file (TOML). Without URLs or --sites, the shipped list of the corpus's publishers.",
)  # fmt: skip
@click.option(
    "--out", required=True, type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the PDFs (named by sha256), the HTTP cache and the lock.",
)  # fmt: skip
@db_option
@click.option("--ingest", "do_ingest", is_flag=True, help="Parse and load new and changed PDFs.")
@click.option(
    "--delay", type=click.FloatRange(min=0), default=2.0, show_default=True,
    help="Least seconds between two requests to one host (plus up to 50% jitter).",
)  # fmt: skip
@click.option(
    "--max-pages", type=click.IntRange(min=1), default=200, show_default=True,
    help="HTML pages fetched per host in one run.",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object on stdout.")
def crawl_cmd(
    urls: tuple[str, ...], sites_file: Path | None, out: Path, db_url: str, do_ingest: bool,
    delay: float, max_pages: int, as_json: bool,
) -> None:  # fmt: skip
    """Crawl 预决算公开 list pages (URLs, a sites file, or the shipped one): follow pagination and
    links about 预算/决算 to their PDFs, obeying robots.txt, one request at a time per host.

    Known URLs are revalidated (If-None-Match / If-Modified-Since), so an unchanged site downloads
    nothing. Exits 1 when a page or PDF failed for good or an ingest failed for a reason of Yusuan's
    own; what was fetched is kept either way.
    """
    sites = load_sites(sites_file) if sites_file else ([] if urls else load_sites(SHIPPED))
    settings = CrawlSettings(delay=delay, max_pages=max_pages)
    try:
        report = crawl(
            urls, sites, out, db_url, settings, ingest=do_ingest, progress=sys.stderr.isatty()
        )
    except CrawlLocked as exc:
        click.echo(f"yusuan crawl: {exc}", err=True)
        raise SystemExit(1) from exc
    if as_json:
        click.echo(json.dumps(report.as_json()))
    else:
        click.echo("\n".join(report.summary_lines()))
    if not report.ok:
        raise SystemExit(1)
