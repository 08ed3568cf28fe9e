"""Engines for SQLite and PostgreSQL URLs, set up for one writer and many readers.

SQLite gets WAL (readers never block the writer), foreign keys, a long busy
timeout and `BEGIN IMMEDIATE` transactions, so that two processes writing the
same file wait for each other instead of failing with "database is locked".
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import Engine, create_engine, event

DEFAULT_URL = "sqlite:///yusuan.db"
BUSY_TIMEOUT_MS = 60_000


def normalize_url(url: str) -> str:
    """Accept a bare file path as a SQLite database; pass URLs through."""
    return url if "://" in url else f"sqlite:///{url}"


def create(url: str = DEFAULT_URL) -> Engine:
    """An engine for `url`, without touching the schema."""
    url = normalize_url(url)
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


def open_engine(url: str = DEFAULT_URL) -> Engine:
    """An engine whose database is migrated to the newest schema."""
    from db.migrate import migrate

    engine = create(url)
    migrate(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let the "begin" hook below issue BEGIN itself
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
