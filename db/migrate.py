"""Bring a database to the newest schema with Alembic, without an alembic.ini.

The loader calls this on open, so `yusuan ingest --db new.db` creates the file.
Two processes opening a new database at once set it up one after the other:
on PostgreSQL the upgrade holds an advisory lock (the second waits, then finds
the schema current); on SQLite the upgrade's first statement takes the write
lock (`BEGIN IMMEDIATE`, `db.engine`), which serializes them the same way. A
database whose revision this yusuan does not know was written by a newer one
and is left untouched (`SchemaTooNew`).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from schemas.version import PARSER_VERSION

MIGRATIONS = Path(__file__).with_name("migrations")
SCHEMA_LOCK = 0x59555355
"""PostgreSQL advisory lock key ("YUSU") held while the schema is set up or upgraded."""


class SchemaTooNew(Exception):
    """The database's schema is at a revision this yusuan does not know."""


def alembic_config(engine: Engine) -> Config:
    """An Alembic config that runs the migrations on `engine`'s database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade `engine`'s database to `revision` (a no-op when already there).

    Raises `SchemaTooNew` for a revision newer than (or unknown to) this yusuan."""
    config = alembic_config(engine)
    script = ScriptDirectory.from_config(config)
    heads = set(script.get_heads())
    with engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    known = {r.revision for r in script.walk_revisions()}
    if unknown := current - known:
        raise SchemaTooNew(_too_new(engine, sorted(unknown), sorted(heads)))
    if revision == "head" and current == heads:
        return
    with _schema_lock(engine):
        command.upgrade(config, revision)


def revision_module(filename: str) -> ModuleType:
    """An earlier migration file loaded as a module, for a revision that reuses its SQL."""
    path = MIGRATIONS / "versions" / filename
    spec = importlib.util.spec_from_file_location(f"yusuan_revision_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextmanager
def _schema_lock(engine: Engine) -> Iterator[None]:
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": SCHEMA_LOCK})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SCHEMA_LOCK})
            conn.commit()


def _too_new(engine: Engine, unknown: list[str], heads: list[str]) -> str:
    """What to tell the user: the revision, this yusuan's, and which yusuan wrote the database."""
    writer = _newest_writer(engine)
    install = f"install yusuan {writer} or newer" if writer else "install a newer yusuan"
    return (f"its schema is at revision {', '.join(unknown)}, which this yusuan ({PARSER_VERSION}, schema "
            f"{', '.join(heads)}) does not know: a newer yusuan{f' ({writer})' if writer else ''} wrote it; "
            f"{install}, or open another database")  # fmt: skip


def _newest_writer(engine: Engine) -> str | None:
    """The newest parser (yusuan) version that loaded a document, if the database says."""
    from db.loader import version_key

    try:
        with engine.connect() as conn:
            versions = [v for (v,) in conn.execute(text("SELECT DISTINCT parser_version FROM ingest_runs"))]
    except SQLAlchemyError:
        return None
    try:
        return max(versions, key=version_key, default=None)
    except TypeError:
        return max(versions, default=None)
