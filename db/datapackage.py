"""A Frictionless Data Package of the database, for researchers (`yusuan export --format datapackage`).

One CSV per record type and view (the rows `yusuan export --format csv`
writes, `db.export.WHATS`) and a `datapackage.json` describing each with a
Table Schema: every field's type from its column, amounts as `number` fields
holding the exact decimal text (`bareNumber`, never a float), so a validator
or a loader reads them back exactly. OpenSpending's Fiscal Data Package builds
on this format.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Integer
from sqlalchemy.orm import Session

from db.export import WHATS, Filters, cell, table_query
from db.types import Amount
from schemas.version import PARSER_VERSION

PROFILE = "tabular-data-package"
DESCRIPTIONS = {
    "line_items": "表中每一个金额 / One amount per table cell, in yuan, with its codes, measure and page",
    "indicators": "绩效指标 / Performance indicators and their targets",
    "projects": "项目 / Projects and their money, in yuan",
    "facts": "说明中的数字 / Figures the narrative states, with their sentences",
    "three_public": "“三公”经费 / The three public costs, in yuan",
    "checks": "核对 / Consistency checks and their outcome",
    "budget_vs_actual": "预算与决算 / Final accounts beside their budgets",
    "spending": "支出（可加总）/ One authoritative table's rows per document and scope: sums count each yuan once",
    "changes": "同比变化 / Year-on-year changes and where each previous figure comes from",
}


def _field(name: str, column_type: Any) -> dict[str, Any]:
    """A Table Schema field for a column of the given SQLAlchemy type."""
    if isinstance(column_type, Amount):
        return {"name": name, "type": "number", "bareNumber": True, "description": "exact decimal"}
    if isinstance(column_type, Boolean):
        return {"name": name, "type": "boolean", "trueValues": ["True"], "falseValues": ["False"]}
    if isinstance(column_type, Integer):
        return {"name": name, "type": "integer"}
    if isinstance(column_type, DateTime):
        return {"name": name, "type": "datetime", "format": "any"}
    if isinstance(column_type, Date):
        return {"name": name, "type": "date"}
    if isinstance(column_type, JSON):
        return {"name": name, "type": "string", "format": "default", "description": "JSON text"}
    return {"name": name, "type": "string"}


def _cell(value: Any) -> Any:
    """`db.export.cell`, with datetimes in ISO 8601 as Table Schema reads them."""
    return value.isoformat() if isinstance(value, datetime) else cell(value)


def write_datapackage(session: Session, directory: Path, filters: Filters) -> dict[str, int]:
    """Write `directory/datapackage.json` and one CSV per resource; rows per resource.

    `directory` must be new or empty, so an old package's files never mix in."""
    if directory.exists() and any(directory.iterdir()):
        raise FileExistsError(f"{directory} is not empty; choose a new folder")
    directory.mkdir(parents=True, exist_ok=True)
    resources, counts = [], {}
    for what in WHATS:
        query = table_query(what, filters)
        fields = [_field(column.name, column.type) for column in query.selected_columns]
        path = directory / f"{what}.csv"
        with path.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow([f["name"] for f in fields])
            counts[what] = 0
            for row in session.execute(query.execution_options(yield_per=1000)):
                writer.writerow([_cell(v) for v in row])
                counts[what] += 1
        resources.append({
            "name": what.replace("_", "-"),
            "path": path.name,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "description": DESCRIPTIONS[what],
            "schema": {"fields": fields, "missingValues": [""]},
        })  # fmt: skip
    package = {
        "profile": PROFILE,
        "name": "yusuan",
        "title": "Yusuan 预算: Chinese government department budgets and final accounts",
        "description": "Figures from department budget (部门预算) and final-accounts (部门决算) PDFs, amounts in yuan, "
        "each row with the document (sha256) and page it was printed on.",
        "created": datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "version": PARSER_VERSION,
        "sources": [{"title": "Department budget and final-accounts disclosures (政府部门预决算公开)"}],
        "resources": resources,
    }
    (directory / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return counts
