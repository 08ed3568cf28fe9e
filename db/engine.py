"""Engines for SQLite and PostgreSQL URLs, set up for one writer and many readers.

SQLite gets WAL (readers never block the writer), foreign keys, a long busy
timeout and `BEGIN IMMEDIATE` transactions, so that two processes writing the
same file wait for each other instead of failing with "database is locked".
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

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


class DatabaseUnavailable(Exception):
    """A database that cannot be opened: the URL (password masked) and why, in one line."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"cannot open database {url}: {reason}")
        self.url = url
        self.reason = reason


def masked(url: str) -> str:
    """The URL as it may be printed: its password replaced by ***."""
    try:
        return make_url(normalize_url(url)).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _reason(exc: BaseException) -> str:
    """The driver's own words, first line only (`connection refused`, `unable to open database file`)."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    if "connection refused" in text.lower():
        return "connection refused"
    first = next((line.strip() for line in text.splitlines() if line.strip()), type(exc).__name__)
    return first.removeprefix("connection failed: ")


def open_engine(url: str = DEFAULT_URL) -> Engine:
    """An engine whose database is migrated to the newest schema.

    Raises `DatabaseUnavailable` when the URL is malformed, the server
    unreachable or the file cannot be opened.
    """
    from db.migrate import migrate

    try:
        engine = create(url)
        migrate(engine)
    except (SQLAlchemyError, OSError) as exc:
        raise DatabaseUnavailable(masked(url), _reason(exc)) from exc
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
