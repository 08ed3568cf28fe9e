"""`yusuan parse FILE.pdf [MORE.pdf]`: print one disclosure as contract JSON."""

from __future__ import annotations

import sys

import click

from extractors.settings import ENGINES, ExtractSettings
from pipeline.api import parse as parse_files
from schemas.contract import dumps
from schemas.errors import RejectedInput


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--engine", type=click.Choice(ENGINES), default="pdfplumber", show_default=True,
              help="Table finder; camelot stays the fallback on pages pdfplumber misses.")
@click.option("--no-ocr", is_flag=True, help="Refuse pages with no text layer (image_only) instead of OCR'ing them.")
def parse(files: tuple[str, ...], engine: str, no_ocr: bool) -> None:
    """Parse the PDF(s) of ONE disclosure and print the export-contract JSON.

    Give two files when a disclosure is published as a narrative PDF and a
    tables PDF; they are parsed as one document.
    """
    try:
        document = parse_files(list(files), ExtractSettings(engine=engine, ocr=not no_ocr))
    except RejectedInput as exc:
        click.echo(f"yusuan: refused {exc.path}: {exc.reason.value}: {exc.detail}", err=True)
        sys.exit(2)
    click.echo(dumps(document))
