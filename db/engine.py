"""Engines for SQLite and PostgreSQL URLs, set up for one writer and many readers.

SQLite gets WAL (readers never block the writer), foreign keys, a long busy
timeout and `BEGIN IMMEDIATE` transactions, so that two processes writing the
same file wait for each other instead of failing with "database is locked".
"""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path
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
    # a pooled connection a server restart or pg_terminate_backend killed is replaced, not used
    engine = create_engine(url, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


class DatabaseUnavailable(Exception):
    """A database that cannot be used: the URL (password masked) and why, in one line.

    Every command ends with this line and exit status 2 (`pipeline.commands.cli`)."""

    def __init__(self, url: str, reason: str, action: str = "open") -> None:
        super().__init__(f"cannot {action} database {url}: {reason}")
        self.url = url
        self.reason = reason


# user:password@ up to the last '@' (an unescaped '@' in a password must not leave half of it printed)
_USERINFO = re.compile(r"^(?P<head>[A-Za-z][A-Za-z0-9+.\-]*://[^:/?#@]*):(?P<password>.*)@(?P<rest>[^@]*)$")
_QUERY_PASSWORD = re.compile(r"((?:^|&)password=)[^&]*", re.I)


def masked(url: str) -> str:
    """The URL as it may be printed: its password replaced by ***, in any form (in the user info,
    also holding an unescaped '@' or '/', or as a `password=` query parameter)."""
    head, sep, query = url.partition("?")
    if found := _USERINFO.match(head):
        head = f"{found['head']}:***@{found['rest']}"
    return head + sep + _QUERY_PASSWORD.sub(r"\1***", query)


def _secrets(url: str) -> list[str]:
    """Every piece of the URL's password a driver's message might repeat."""
    head, _sep, query = url.partition("?")
    found = _USERINFO.match(head)
    secrets = [found["password"], *found["password"].split("@")] if found else []
    secrets += [m.group(0).split("=", 1)[1] for m in _QUERY_PASSWORD.finditer(query)]
    return sorted({s for s in secrets if len(s) > 1}, key=len, reverse=True)


def _unescaped_at(url: str) -> bool:
    found = _USERINFO.match(url.partition("?")[0])
    return bool(found and "@" in found["password"])


def reason_of(exc: BaseException, url: str = "") -> str:
    """The driver's own words, first line only (`connection refused`, `the database is read-only`),
    with no piece of the URL's password in them."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    lowered = text.lower()
    if "connection refused" in lowered:
        return "connection refused"
    if "readonly database" in lowered or "read-only" in lowered:
        return _read_only(url, text)
    first = next((line.strip() for line in text.splitlines() if line.strip()), type(exc).__name__)
    first = first.removeprefix("connection failed: ")
    for secret in _secrets(url):
        first = first.replace(secret, "***")
    return first


def _read_only(url: str, text: str) -> str:
    """Why a database refuses writes, in the user's terms."""
    path = _sqlite_path(url)
    if path is None:
        return f"the database is read-only ({text.splitlines()[0]})"
    if not os.access(path.parent, os.W_OK):
        return (f"the database is read-only: its folder {path.parent} cannot be written "
                "(SQLite keeps its -wal and -shm files beside the database)")  # fmt: skip
    return f"the database is read-only: {path} cannot be written (ingest and crawl write to it)"


def _sqlite_path(url: str) -> Path | None:
    try:
        parsed = make_url(normalize_url(url))
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def open_engine(url: str = DEFAULT_URL, write: bool = True) -> Engine:
    """An engine whose database is migrated to the newest schema.

    Raises `DatabaseUnavailable` when the URL is malformed, the server
    unreachable, the file cannot be opened, the schema is newer than this
    yusuan knows, or (`write`) the database refuses writes. With `write` False
    (stats, export, serve) a read-only database at the newest schema opens.
    """
    from db.migrate import SchemaTooNew, migrate

    if _unescaped_at(url):
        raise DatabaseUnavailable(masked(url), "the password holds an unescaped '@': write it as %40")
    engine: Engine | None = None
    try:
        engine = create(url)
        migrate(engine)
        if write and not _writable(engine):
            raise DatabaseUnavailable(masked(url), "the database is read-only")
    except SchemaTooNew as exc:
        _dispose(engine)
        raise DatabaseUnavailable(masked(url), str(exc)) from exc
    except (SQLAlchemyError, OSError) as exc:
        _dispose(engine)
        raise DatabaseUnavailable(masked(url), reason_of(exc, url)) from exc
    return engine


def _dispose(engine: Engine | None) -> None:
    if engine is not None:
        engine.dispose()


def _writable(engine: Engine) -> bool:
    """Whether the database takes writes, found before any work is done for it. SQLite is given
    a write that changes nothing, rolled back (a read-only file raises); PostgreSQL says whether
    its transactions are read-only (a standby, a read-only database or role)."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            read_only = conn.exec_driver_sql("SHOW transaction_read_only").scalar() == "on"
        else:
            conn.exec_driver_sql("UPDATE alembic_version SET version_num = version_num")
            read_only = False
        conn.rollback()
    return not read_only


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let the "begin" hook below issue BEGIN itself
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            try:
                cursor.execute("PRAGMA journal_mode = WAL")
            except sqlite3.OperationalError:  # read-only: it stays as it is, and writes say so
                pass
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
