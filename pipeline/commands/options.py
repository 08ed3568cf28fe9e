"""Options shared by the database commands, as reusable decorators."""

from __future__ import annotations

import click

from db.engine import DEFAULT_URL

db_option = click.option(
    "--db",
    "db_url",
    default=DEFAULT_URL,
    show_default=True,
    envvar="YUSUAN_DB",
    help="Database URL (sqlite:///FILE or postgresql+psycopg://USER@HOST/DB) or a SQLite file path.",
)
