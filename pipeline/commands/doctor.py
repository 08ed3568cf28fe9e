"""`yusuan doctor FILE...`: how far to trust the parse of PDFs without truth files."""

from __future__ import annotations

import json
from pathlib import Path

import click

from pipeline.api import parse
from pipeline.batch.grouping import group_disclosures
from pipeline.doctor import as_dict, diagnose_files, format_report
from schemas.errors import RejectedInput


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the diagnoses as JSON.")
def doctor(files: tuple[Path, ...], as_json: bool) -> None:
    """Per document: failed checks grouped by likely cause, with page and numbers, and a verdict.

    A narrative PDF and the tables PDF it announces are diagnosed as one disclosure.
    """
    groups = [[str(p) for p in group] for group in group_disclosures(list(files))]
    diagnoses = diagnose_files(groups, parse, RejectedInput)
    if as_json:
        click.echo(json.dumps([as_dict(d) for d in diagnoses], ensure_ascii=False, indent=2))
    else:
        click.echo(format_report(diagnoses))
