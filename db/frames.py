"""pandas DataFrames of any record type or view, for notebooks.

The same rows and filters as `yusuan export` (`db.export.table_rows`); amounts
stay `Decimal` objects (object dtype), never floats, so sums are exact:
`df["amount"].sum()` adds Decimals.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from db.engine import open_engine
from db.export import Filters, table_rows

if TYPE_CHECKING:
    import pandas as pd


def read_frame(url: str, what: str, **filters: Any) -> pd.DataFrame:
    """Rows of `what` (`db.export.WHATS`) from the database at `url` as a DataFrame.

    Filters as for export: `year`, `region`, `department` (parts of names),
    `code` (a code prefix: line items and budget_vs_actual), `sha256`.
    """
    import pandas as pd

    engine = open_engine(url, write=False)
    try:
        with Session(engine) as session:
            columns, rows = table_rows(session, what, Filters(**filters))
            return pd.DataFrame.from_records([tuple(r) for r in rows], columns=columns)
    finally:
        engine.dispose()


def write_parquet(frame: pd.DataFrame, path: Path) -> int:
    """A Parquet file of `frame`: Decimal columns become decimal128, lists stay lists."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    return len(frame)
