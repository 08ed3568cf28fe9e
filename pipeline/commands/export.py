"""`yusuan export`: documents as contract JSON, rows as CSV / XLSX / Parquet, a Data Package, or a SQLite copy."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import IO, Any

import click
from sqlalchemy.orm import Session

from db.copy import copy_to_sqlite
from db.datapackage import write_datapackage
from db.engine import open_engine
from db.export import (
    CODE_FILTERED,
    WHATS,
    Filters,
    contract_objects,
    table_rows,
    write_csv,
    write_json,
    write_xlsx,
)
from db.frames import read_frame, write_parquet
from pipeline.commands.options import db_option


@click.command()
@db_option
@click.option(
    "--format", "fmt", type=click.Choice(["json", "csv", "xlsx", "parquet", "sqlite", "datapackage"]), default="json",
    show_default=True,
)
@click.option("--excel", is_flag=True, help="CSV for Excel: UTF-8 with a byte-order mark.")
@click.option(
    "--what", type=click.Choice(WHATS), default="line_items", show_default=True,
    help="Rows for csv/xlsx/parquet.",
)
@click.option("--year", type=int, help="Fiscal year.")
@click.option("--region", help="Part of the region name.")
@click.option("--department", help="Part of the department name.")
@click.option("--code", help="Functional or economic code prefix (line items, budget_vs_actual, spending).")
@click.option("--sha", help="One document by sha256 (json: a single object instead of an array).")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path),
    help="File to write [default: stdout]; a folder for datapackage.",
)
def export(
    db_url: str, fmt: str, excel: bool, what: str, year: int | None, region: str | None, department: str | None,
    code: str | None, sha: str | None, output: Path | None,
) -> None:  # fmt: skip
    """Write what the database holds: JSON per the export contract, CSV, XLSX or Parquet rows,
    (`--format datapackage -o DIR`) every kind of row as a Frictionless Data Package,
    or (`--format sqlite`) the whole database as a new SQLite file for `yusuan serve`."""
    filters = Filters(year=year, region=region, department=department, code=code, sha256=sha)
    if fmt in ("xlsx", "parquet", "sqlite", "datapackage") and output is None:
        raise click.UsageError(f"--format {fmt} needs -o FILE")
    if code and (fmt in ("json", "datapackage") or what not in CODE_FILTERED):
        raise click.UsageError(f"--code filters {', '.join(CODE_FILTERED)} only (not json or datapackage)")
    if excel and fmt != "csv":
        raise click.UsageError("--excel applies to --format csv")
    if fmt == "sqlite" and output is not None:
        try:
            counts = copy_to_sqlite(db_url, output)
        except FileExistsError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"copied {sum(counts.values())} rows into {output}", err=True)
        return
    if fmt == "parquet" and output is not None:
        write_parquet(read_frame(db_url, what, **asdict(filters)), output)
        return
    engine = open_engine(db_url, write=False)
    try:
        with Session(engine) as session:
            if fmt == "datapackage" and output is not None:
                try:
                    counts = write_datapackage(session, output, filters)
                except FileExistsError as exc:
                    raise click.ClickException(str(exc)) from exc
                click.echo(f"wrote {len(counts)} resources, {sum(counts.values())} rows into {output}", err=True)
                return
            if fmt == "json":
                with _text_output(output) as stream:
                    found = write_json(contract_objects(session, filters), stream, single=sha is not None)
                if sha and not found:
                    raise click.ClickException(f"no document with sha256 {sha}")
                return
            columns, rows = table_rows(session, what, filters)
            if output is not None and fmt == "xlsx":
                write_xlsx(columns, rows, output, sheet=what)
            else:
                with _text_output(output) as stream:
                    write_csv(columns, rows, stream, excel=excel)
    finally:
        engine.dispose()


def _text_output(output: Path | None) -> IO[Any]:
    """The -o file, or stdout (left open) when there is none."""
    return click.open_file(str(output) if output else "-", "w", encoding="utf-8", lazy=False)
