"""`yusuan ingest PATH...`: parse and load a batch of disclosures."""

from __future__ import annotations

from functools import partial

import click

from extractors.settings import ExtractSettings
from pipeline.api import parse
from pipeline.batch.executor import Executor, ExecutorUnavailable
from pipeline.batch.ingest import DEFAULT_DB_WAIT, DEFAULT_TIMEOUT, RunReport
from pipeline.batch.ingest import ingest as run_ingest
from pipeline.commands.options import db_option


def summary_lines(report: RunReport) -> list[str]:
    lines = [f"loaded {len(report.loaded)}, skipped {len(report.skipped)}, failed {len(report.failed)}"]
    if report.database_down:
        lines.append(f"stopped: the database is unavailable: {report.database_down}; "
                     "what was loaded is whole: run the same command again when it is back")  # fmt: skip
    lines += [f"  {' + '.join(f.paths)}: {f.reason}: {f.detail}" for f in report.failed]
    lines += [f"superseded: {line}" for line in report.superseded]
    lines += [f"grouped: {merge}" for merge in report.grouped]
    lines += [f"not grouped: {note}" for note in report.ungrouped]
    return lines


def chosen_executor(
    executor: str, jobs: int | None, scheduler: str | None, workers: int | None
) -> Executor | None:
    """The executor the options name; None for the default process pool of `--jobs`."""
    if executor == "pool":
        if scheduler or workers:
            raise click.UsageError("--scheduler and --workers go with --executor dask; the pool takes --jobs")
        return None
    if jobs:
        raise click.UsageError("--jobs sizes the process pool; with --executor dask use --workers")
    if scheduler and workers:
        raise click.UsageError("--workers sizes a local cluster; a --scheduler has its own workers")
    from pipeline.batch.dask_executor import DaskExecutor  # imports distributed: only when asked for

    return DaskExecutor(scheduler, workers)


@click.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), default=None, help="Parsing processes [default: all cores]."
)
@click.option("--force", is_flag=True, help="Parse and replace documents that are already loaded.")
@click.option("--no-progress", is_flag=True, help="Hide the progress bar.")
@click.option("--no-ocr", is_flag=True, help="Refuse scanned pages (image_only) instead of OCR'ing them.")
@click.option(
    "--timeout", type=click.FloatRange(min=1), default=DEFAULT_TIMEOUT, show_default=True,
    help="Seconds one disclosure may take to parse before it is failed.",
)  # fmt: skip
@click.option(
    "--db-wait", type=click.FloatRange(min=0), default=DEFAULT_DB_WAIT, show_default=True,
    help="Seconds to keep retrying a database that went away mid-batch before failing the rest.",
)  # fmt: skip
@click.option(
    "--executor", type=click.Choice(["pool", "dask"]), default="pool", show_default=True,
    help="What runs the parses: worker processes on this machine, or a Dask cluster.",
)  # fmt: skip
@click.option(
    "--scheduler", metavar="ADDRESS", default=None,
    help="Dask scheduler to use (tcp://host:8786) [default: a local cluster].",
)  # fmt: skip
@click.option(
    "--workers", type=click.IntRange(min=1), default=None,
    help="Worker processes of the local Dask cluster [default: all cores].",
)  # fmt: skip
def ingest(
    paths: tuple[str, ...], db_url: str, jobs: int | None, force: bool, no_progress: bool, no_ocr: bool,
    timeout: float, db_wait: float, executor: str, scheduler: str | None, workers: int | None,
) -> None:  # fmt: skip
    """Load PDFs (files, folders searched recursively, globs) into the database.

    Each disclosure is written in its own transaction; files already loaded
    (same sha256, same parser version) are skipped, so an interrupted batch
    can simply be run again. Exits 1 when any file failed (also when the database
    went away mid-batch: the rest fail as database_unavailable), 2 when the database
    cannot be opened.
    """
    runner = chosen_executor(executor, jobs, scheduler, workers)
    parse_fn = partial(parse, settings=ExtractSettings(ocr=False)) if no_ocr else None
    try:
        report = run_ingest(
            paths, db_url, jobs=jobs, force=force, progress=not no_progress, timeout=timeout, executor=runner,
            parse_fn=parse_fn, db_wait=db_wait,
        )
    except ExecutorUnavailable as exc:
        click.echo(f"yusuan: {exc}", err=True)
        raise SystemExit(2) from None
    click.echo("\n".join(summary_lines(report)))
    if not report.ok:
        raise SystemExit(1)
