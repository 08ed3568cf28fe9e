"""`yusuan crawl [URL...]`: fetch new 预决算公开 PDFs politely, optionally ingest them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from pipeline.commands.options import db_option
from pipeline.crawl import SHIPPED, CrawlLocked, CrawlSettings, DiskError, DiskFull, crawl, load_sites
from pipeline.crawl.sites import site_for_url

_DEFAULTS = CrawlSettings()


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
    "--delay", type=click.FloatRange(min=0), default=_DEFAULTS.delay, show_default=True,
    help="Least seconds between two requests to one host (plus up to 50% jitter).",
)  # fmt: skip
@click.option(
    "--max-pages", type=click.IntRange(min=1), default=_DEFAULTS.max_pages, show_default=True,
    help="HTML pages (and redirects) fetched per host in one run.",
)  # fmt: skip
@click.option(
    "--max-files", type=click.IntRange(min=1), default=_DEFAULTS.max_files, show_default=True,
    help="PDFs downloaded in one run; the rest wait for the next.",
)  # fmt: skip
@click.option(
    "--max-seconds", type=click.FloatRange(min=1), default=_DEFAULTS.max_seconds, show_default=True,
    help="The run's deadline: what is still queued then waits for the next run.",
)  # fmt: skip
@click.option(
    "--max-wait", type=click.FloatRange(min=0), default=_DEFAULTS.max_wait, show_default=True,
    help="Longest Crawl-delay or Retry-After obeyed; a host asking for more waits for the next run.",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object on stdout.")
def crawl_cmd(
    urls: tuple[str, ...], sites_file: Path | None, out: Path, db_url: str, do_ingest: bool,
    delay: float, max_pages: int, max_files: int, max_seconds: float, max_wait: float, as_json: bool,
) -> None:  # fmt: skip
    """Crawl 预决算公开 list pages (URLs, a sites file, or the shipped one): follow pagination and
    links about 预算/决算 to their PDFs, obeying robots.txt, one request at a time per host.

    Known URLs are revalidated (If-None-Match / If-Modified-Since), so an unchanged site downloads
    nothing. Every run ends by itself (--max-seconds). Exits 0 when the run did its work (limits
    may have left some for the next run), 1 when a URL failed for good, a host was skipped or
    deferred, the disk filled up or an ingest failed for a reason of Yusuan's own, 2 when the
    database cannot be used; 0 with a message when another crawl holds the folder.
    """
    try:
        sites = load_sites(sites_file) if sites_file else ([] if urls else load_sites(SHIPPED))
        for url in urls:
            site_for_url(url)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    settings = CrawlSettings(delay=delay, max_pages=max_pages, max_files=max_files, max_seconds=max_seconds,
                             max_wait=max_wait)  # fmt: skip
    try:
        report = crawl(
            urls, sites, out, db_url, settings, ingest=do_ingest, progress=sys.stderr.isatty()
        )
    except CrawlLocked as exc:
        click.echo(f"yusuan crawl: {exc} ({out}); this run does nothing", err=True)
        if as_json:
            click.echo(json.dumps({"ok": True, "locked": str(exc)}))
        return
    except DiskFull as exc:
        click.echo(f"yusuan crawl: the disk is full: {exc}", err=True)
        raise SystemExit(1) from exc
    except DiskError as exc:
        click.echo(f"yusuan crawl: {exc}", err=True)
        raise SystemExit(1) from exc
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        click.echo("\n".join(report.summary_lines()))
    raise SystemExit(report.exit_status)
