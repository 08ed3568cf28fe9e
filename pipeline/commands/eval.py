"""`yusuan eval PDF_DIR [--truth DIR]`: score parses against ground truth."""

from __future__ import annotations

import json
from pathlib import Path

import click

from pipeline.api import parse
from pipeline.evaluation import as_dict, evaluate, format_report, total


@click.command(name="eval")
@click.argument("pdf_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--truth", "truth_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of truth files NAME.json (default: beside the PDFs).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def eval_(pdf_dir: Path, truth_dir: Path | None, as_json: bool) -> None:
    """Compare parses of PDF_DIR with ground truth: table kinds, cells, records, checks."""
    scores = evaluate(pdf_dir, truth_dir, parse)
    if as_json:
        click.echo(json.dumps({"documents": [as_dict(s) for s in scores], "overall": as_dict(total(scores))},
                              ensure_ascii=False, indent=2))
    else:
        click.echo(format_report(scores))
