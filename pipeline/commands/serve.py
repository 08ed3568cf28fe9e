"""`yusuan serve`: browse, search and chart a SQLite database with Datasette."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

from db.engine import masked, normalize_url, open_engine
from pipeline.commands.options import db_option
from pipeline.serve.site import build_datasette, listen
from pipeline.serve.site import serve as run_site


def sqlite_file(db_url: str) -> Path:
    """The SQLite file a `--db` URL (or bare path) names; a one-line error for anything else."""
    try:
        url = make_url(normalize_url(db_url))
    except ArgumentError as exc:
        raise click.UsageError(f"--db {db_url}: not a database URL") from exc
    if url.get_backend_name() != "sqlite" or not url.database:
        raise click.UsageError(
            f"--db {masked(db_url)}: serve reads a SQLite file; copy the database first with"
            " `yusuan export --db URL --format sqlite -o FILE`"
        )
    path = Path(url.database)
    if not path.is_file():
        raise click.ClickException(f"{path}: no such database file")
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size:
        raise click.ClickException(f"{path}: still being written (its -wal file holds changes); serve it when ingest ends")
    return path


@click.command()
@db_option
@click.option("--port", type=int, default=8001, show_default=True, help="Port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--pdfs", "pdf_dirs", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder holding the ingested PDFs, when they moved since ingest (repeatable).",
)  # fmt: skip
def serve(db_url: str, port: int, host: str, pdf_dirs: tuple[Path, ...]) -> None:
    """Serve the database read-only (immutable) as a website (Datasette) named `yusuan`.

    Stored queries (search, department_history, top_changes, three_public,
    execution_rate, failed_checks), department pages, charts under
    /-/dashboards, and the source PDFs, each page number a link to its page.
    PostgreSQL users: copy the database first with `yusuan export --format
    sqlite -o FILE`.
    """
    path = sqlite_file(db_url)
    open_engine(str(path), write=False).dispose()  # a database it cannot serve: one line, exit 2
    try:
        sock = listen(host, port)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    ds = build_datasette(path, pdf_dirs)
    click.echo(f"serving {path} on http://{host}:{port}/", err=True)
    run_site(ds, sock)
