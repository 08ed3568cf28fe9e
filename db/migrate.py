"""Bring a database to the newest schema with Alembic, without an alembic.ini.

The loader calls this on open, so `yusuan ingest --db new.db` creates the file.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine) -> Config:
    """An Alembic config that runs the migrations on `engine`'s database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade `engine`'s database to `revision` (a no-op when already there)."""
    config = alembic_config(engine)
    heads = set(ScriptDirectory.from_config(config).get_heads())
    with engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    if revision == "head" and current == heads:
        return
    command.upgrade(config, revision)


def revision_module(filename: str) -> ModuleType:
    """An earlier migration file loaded as a module, for a revision that reuses its SQL."""
    path = MIGRATIONS / "versions" / filename
    spec = importlib.util.spec_from_file_location(f"yusuan_revision_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
