"""`yusuan serve`: browse, search and chart a SQLite database with Datasette."""

from __future__ import annotations

from pathlib import Path

import click

from db.engine import open_engine
from pipeline.serve.site import serve as run_site


@click.command()
@click.option(
    "--db", "db_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default="yusuan.db",
    show_default=True, envvar="YUSUAN_SERVE_DB", help="SQLite file (from ingest or export --format sqlite).",
)  # fmt: skip
@click.option("--port", type=int, default=8001, show_default=True, help="Port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--pdfs", "pdf_dirs", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder holding the ingested PDFs, when they moved since ingest (repeatable).",
)  # fmt: skip
def serve(db_path: Path, port: int, host: str, pdf_dirs: tuple[Path, ...]) -> None:
    """Serve the database read-only as a website (Datasette) named `yusuan`.

    Stored queries (search, department_history, top_changes, three_public,
    execution_rate, failed_checks), charts under /-/dashboards, and the source
    PDFs, each page number a link to its page. PostgreSQL users: copy the
    database first with `yusuan export --format sqlite -o FILE`.
    """
    open_engine(str(db_path), write=False).dispose()  # a database it cannot serve: one line, exit 2
    click.echo(f"serving {db_path} on http://{host}:{port}/yusuan", err=True)
    run_site(db_path, host, port, pdf_dirs)
