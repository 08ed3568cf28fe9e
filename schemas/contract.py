"""The export contract: one `Document` as JSON, and back.

Field names are fixed by ../shared/export-contract.md; amounts travel as
strings of exact decimals in yuan. `validate` checks an object against the
JSON Schema kept beside this module, so every export is tested against it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

from schemas.records import (
    Check,
    Document,
    DocumentMeta,
    Fact,
    Indicator,
    LineItem,
    Project,
    Section,
    SourceTable,
    ThreePublic,
)


def amount_text(value: Decimal | None) -> str | None:
    """Render an exact amount as the contract's plain decimal string."""
    if value is None:
        return None
    text = format(value, "f")
    return text


def _amount(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _plain(obj: Any) -> dict[str, Any]:
    out = asdict(obj)
    for key, value in out.items():
        if isinstance(value, Decimal):
            out[key] = amount_text(value)
    return out


def to_contract(doc: Document) -> dict[str, Any]:
    """The contract object for one document."""
    meta = asdict(doc.meta)
    meta["published_on"] = doc.meta.published_on.isoformat() if doc.meta.published_on else None
    three = _plain(doc.three_public)
    return {
        "document": meta,
        "sections": [asdict(s) for s in doc.sections],
        "tables": [asdict(t) for t in doc.tables],
        "line_items": [_plain(li) for li in doc.line_items],
        "three_public": three,
        "projects": [_plain(p) for p in doc.projects],
        "indicators": [_plain(i) for i in doc.indicators],
        "facts": [_plain(f) for f in doc.facts],
        "checks": [asdict(c) for c in doc.checks],
    }


def _known(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    """Keep the keys a record knows, so extra contract fields are tolerated."""
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in data.items() if k in names}


def _with_amounts(cls: type, data: dict[str, Any], keys: tuple[str, ...]) -> Any:
    values = _known(cls, data)
    for key in keys:
        if key in values:
            values[key] = _amount(values[key])
    return cls(**values)


def from_contract(data: dict[str, Any]) -> Document:
    """Rebuild a `Document` from its contract object (ground truth, exports)."""
    meta = _known(DocumentMeta, data["document"])
    if meta.get("published_on"):
        meta["published_on"] = date.fromisoformat(meta["published_on"])
    meta.setdefault("parser_version", "")
    meta.setdefault("sha256", "")
    meta.setdefault("source", "")
    meta.setdefault("page_count", 0)
    return Document(
        meta=DocumentMeta(**meta),
        sections=[Section(**_known(Section, s)) for s in data.get("sections", [])],
        tables=[SourceTable(**_known(SourceTable, t)) for t in data.get("tables", [])],
        line_items=[
            _with_amounts(LineItem, {"table_index": 0, "row_index": 0, **li}, ("amount",))
            for li in data.get("line_items", [])
        ],
        three_public=_with_amounts(
            ThreePublic,
            data.get("three_public") or {},
            ("total", "outbound_travel", "reception", "vehicles", "vehicle_purchase", "vehicle_operation"),
        ),
        projects=[_with_amounts(Project, p, ("amount", "previous_amount")) for p in data.get("projects", [])],
        indicators=[_with_amounts(Indicator, i, ("value",)) for i in data.get("indicators", [])],
        facts=[_with_amounts(Fact, f, ("value",)) for f in data.get("facts", [])],
        checks=[Check(**_known(Check, c)) for c in data.get("checks", [])],
    )


@cache
def contract_schema() -> dict[str, Any]:
    """The JSON Schema of the export contract."""
    text = resources.files("schemas").joinpath("contract.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def validate(obj: dict[str, Any]) -> None:
    """Raise `jsonschema.ValidationError` when `obj` breaks the contract."""
    jsonschema.validate(obj, contract_schema())


def dumps(doc: Document) -> str:
    """The contract JSON text of a document, CJK kept readable."""
    return json.dumps(to_contract(doc), ensure_ascii=False, indent=2)
