"""Assemble the Datasette site for a Yusuan SQLite database.

Everything the site says about the data is in `metadata.yaml` beside this
module: titles, the column vocabulary, facets, stored queries and the charts
(datasette-dashboards). This module only expands that file for the tables the
database has and wires in the plugins under `plugins/` and the templates
under `templates/` (the home page, the department page).

The database is opened immutable (`?immutable=1`, read-only at the file
level), so nothing the site runs can change it, and SQLite never looks for a
writer: serve a finished database, not one being ingested into.
"""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

DATABASE = "yusuan"
PLUGINS_DIR = Path(__file__).with_name("plugins")
TEMPLATES_DIR = Path(__file__).with_name("templates")
SETTINGS = {
    "sql_time_limit_ms": 10_000,
    "default_page_size": 100,
    "facet_time_limit_ms": 1_000,
    "max_returned_rows": 1_000,  # a page's rows; CSV streams every row (plugins/yusuan_site.py)
    "allow_csv_stream": True,
}


class MissingDescription(ValueError):
    """A table, view or column the metadata does not describe."""


def _shipped_metadata() -> dict[str, Any]:
    text = resources.files("pipeline.serve").joinpath("metadata.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def database_columns(db_path: Path) -> dict[str, list[str]]:
    """Every user-facing table and view of the database with its columns (FTS shadow tables left out)."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        names = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
                " AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'search_index_%' ORDER BY name"
            )
        ]
        return {name: [row[1] for row in conn.execute(f'PRAGMA table_info("{name}")')] for name in names}
    finally:
        conn.close()


def site_metadata(db_path: Path) -> dict[str, Any]:
    """Datasette metadata for `db_path`: the shipped file, its column vocabulary applied to each table."""
    shipped = _shipped_metadata()
    vocabulary: dict[str, str] = shipped.pop("columns")
    described: dict[str, dict[str, Any]] = shipped.pop("tables")
    tables: dict[str, Any] = {}
    for table, columns in database_columns(db_path).items():
        if table not in described:
            raise MissingDescription(f"table {table} has no entry in metadata.yaml")
        entry = dict(described[table])
        missing = [c for c in columns if c not in vocabulary and c not in entry.get("columns", {})]
        if missing:
            raise MissingDescription(f"columns of {table} without a description: {', '.join(missing)}")
        entry["columns"] = {c: entry.get("columns", {}).get(c, vocabulary.get(c)) for c in columns}
        tables[table] = entry
    return {
        **{k: v for k, v in shipped.items() if k not in ("queries", "dashboards", "yusuan-site")},
        "databases": {DATABASE: {"tables": tables, "queries": shipped["queries"]}},
        "plugins": {"datasette-dashboards": shipped["dashboards"], "yusuan-site": shipped["yusuan-site"]},
    }


def build_datasette(db_path: Path, pdf_dirs: Sequence[Path] = ()) -> Any:
    """An immutable Datasette serving `db_path` as `yusuan`, with its PDFs, queries and charts."""
    from datasette.app import Datasette
    from datasette.database import Database

    from pipeline.serve.pdfs import build_index, register

    db_path = Path(db_path).resolve()
    ds = Datasette(
        metadata=site_metadata(db_path), plugins_dir=str(PLUGINS_DIR), template_dir=str(TEMPLATES_DIR),
        settings=SETTINGS,
    )  # fmt: skip
    ds.add_database(Database(ds, path=str(db_path), is_mutable=False), name=DATABASE)
    if "_memory" in ds.databases:
        ds.remove_database("_memory")
    register(ds, build_index(db_path, pdf_dirs))
    return ds


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to host:port, or OSError (the port is busy, the address not ours)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def serve(ds: Any, sock: socket.socket) -> None:
    """Run the site on a bound socket until interrupted."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(ds.app(), log_level="warning", access_log=False))
    server.run(sockets=[sock])
