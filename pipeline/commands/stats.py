"""`yusuan stats`: what the database holds."""

from __future__ import annotations

import json
from typing import Any

import click
from sqlalchemy.orm import Session

from db.engine import open_engine
from db.stats import summarize
from pipeline.commands.options import db_option


def _group_lines(title: str, groups: list[dict[str, Any]]) -> list[str]:
    lines = [f"{title}:"]
    for group in groups:
        *keys, count = group.values()
        lines.append(f"  {' / '.join('-' if k is None else str(k) for k in keys):40} {count:>8}")
    return lines


def render(summary: dict[str, Any]) -> str:
    """The summary as text for a terminal."""
    lines = [f"documents: {summary['documents']}"]
    lines += _group_lines("by fiscal year", summary["by_year"])
    lines += _group_lines("by region", summary["by_region"])
    lines += _group_lines("by kind / level", summary["by_kind"])
    lines += ["rows:"] + [f"  {name:40} {count:>8}" for name, count in summary["rows"].items()]
    lines += _group_lines("failed checks by rule", summary["failed_checks"])
    lines += _group_lines("warnings by rule", summary["warned_checks"])
    lines += _amount_lines(summary["amounts"])
    lines.append(f"failed ingests: {len(summary['failed_ingests'])}")
    lines += [f"  {f['path']}: {f['reason']}: {f['detail']}" for f in summary["failed_ingests"]]
    lines += _crawl_lines(summary["crawl"])
    return "\n".join(lines)


def _amount_lines(amounts: dict[str, Any]) -> list[str]:
    lines = [f"printed amounts: {amounts['printed']}, accounted for {amounts['accounted']}; "
             f"documents with every amount accounted for: {amounts['documents_fully_accounted']}"]
    lines += _group_lines("unaccounted amounts by reason", amounts["unaccounted_by_reason"])
    lines += ["documents with most unaccounted amounts:"] + [
        f"  {d['source']:40} {d['unaccounted']:>8} of {d['printed']}" for d in amounts["most_unaccounted"]]
    return lines


def _crawl_lines(crawl: dict[str, Any]) -> list[str]:
    run = crawl["last_run"]
    if run is None:
        return ["crawl: never run"]
    lines = [f"crawl: last run {run['id']} {run['status']}, started {run['started_at']}"]
    if run["summary"]:
        s = run["summary"]
        files = ", ".join(f"{k} {v}" for k, v in s["files"].items())
        ingested = ", ".join(f"{k} {v}" for k, v in s["ingested"].items())
        lines.append(
            f"  pages {s['pages']}; files: {files}; robots_blocked {s['robots_blocked']}; ingested: {ingested}"
        )
    lines += _group_lines("crawl URLs by kind / status", crawl["urls"])
    lines += _group_lines("crawled files by ingest status", crawl["files"])
    lines.append(f"crawl problems: {len(crawl['problems'])}")
    lines += [f"  {p['url']}: {p['status']}: {p['reason']}: {p['detail']}" for p in crawl["problems"]]
    return lines


@click.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def stats(db_url: str, as_json: bool) -> None:
    """Summarize the database: documents by year, region and kind, rows per table,
    failed checks, printed amounts accounted for and the unaccounted by reason, files whose
    last ingest failed, and what `yusuan crawl` found."""
    engine = open_engine(db_url, write=False)
    with Session(engine) as session:
        summary = summarize(session)
    engine.dispose()
    click.echo(json.dumps(summary, ensure_ascii=False, indent=2) if as_json else render(summary))
