"""The `yusuan` command: a thin click group over the Python API.

Each command lives in `pipeline/commands/NAME.py` and only parses options and
calls the library; adding a command is one module plus one line here.
"""

from __future__ import annotations

from typing import Any

import click

from db.engine import DatabaseUnavailable
from pipeline.commands import crawl as crawl_cmd
from pipeline.commands import doctor as doctor_cmd
from pipeline.commands import eval as eval_cmd
from pipeline.commands import export as export_cmd
from pipeline.commands import ingest as ingest_cmd
from pipeline.commands import parse as parse_cmd
from pipeline.commands import serve as serve_cmd
from pipeline.commands import stats as stats_cmd
from schemas.version import PARSER_VERSION


class _Yusuan(click.Group):
    """The command group; a database that cannot be opened ends any command with one line, exit 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DatabaseUnavailable as exc:
            click.echo(f"yusuan: {exc}", err=True)
            ctx.exit(2)


@click.group(cls=_Yusuan)
@click.version_option(PARSER_VERSION, prog_name="yusuan")
def main() -> None:
    """Turn Chinese budget and final-accounts PDFs into a queryable database."""


main.add_command(parse_cmd.parse)
main.add_command(eval_cmd.eval_)
main.add_command(ingest_cmd.ingest)
main.add_command(export_cmd.export)
main.add_command(stats_cmd.stats)
main.add_command(serve_cmd.serve)
main.add_command(crawl_cmd.crawl_cmd)
main.add_command(doctor_cmd.doctor)
