"""Copy a database (PostgreSQL or SQLite) into a new SQLite file that `yusuan serve` opens.

The target is created by the migrations, so it has the views and the SQLite
full-text index; its triggers fill the index as the rows arrive.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import insert, select

from db.engine import open_engine
from db.models import Base

BATCH = 2000


def copy_to_sqlite(source_url: str, target: Path) -> dict[str, int]:
    """Copy every table of `source_url` into the new SQLite file `target`; rows per table."""
    if target.exists():
        raise FileExistsError(f"{target} exists; choose a new file")
    source, destination = open_engine(source_url, write=False), open_engine(f"sqlite:///{target}")
    counts: dict[str, int] = {}
    try:
        with source.connect() as reader, destination.begin() as writer:
            for table in Base.metadata.sorted_tables:
                result = reader.execution_options(yield_per=BATCH).execute(select(table))
                counts[table.name] = 0
                for batch in result.partitions():
                    writer.execute(insert(table), [row._asdict() for row in batch])
                    counts[table.name] += len(batch)
    finally:
        source.dispose()
        destination.dispose()
    return counts
