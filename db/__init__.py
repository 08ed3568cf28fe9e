"""Storage: the SQLAlchemy models, Alembic migrations, loader and reader.

The same code runs on SQLite (the default, one file) and PostgreSQL.
`open_engine(url)` connects and upgrades the schema, so a fresh file just works.
"""

from db.engine import DEFAULT_URL, DatabaseUnavailable, create, normalize_url, open_engine
from db.migrate import migrate

__all__ = ["DEFAULT_URL", "DatabaseUnavailable", "create", "migrate", "normalize_url", "open_engine"]
