"""The export contract: one `Document` as JSON.

Field names are fixed by ../shared/export-contract.md; amounts travel as
strings of exact decimals in yuan. `validate` checks an object against the
JSON Schema kept beside this module, so every export is tested against it.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

from schemas.records import Document


def amount_text(value: Decimal | None) -> str | None:
    """Render an exact amount as the contract's plain decimal string."""
    if value is None:
        return None
    text = format(value, "f")
    return text


def _plain(obj: Any) -> dict[str, Any]:
    out = asdict(obj)
    for key, value in out.items():
        if isinstance(value, Decimal):
            out[key] = amount_text(value)
    return out


def _json_lists(value: Any) -> Any:
    """Tuples (frozen records' sequences) as the JSON arrays the schema expects."""
    if isinstance(value, dict):
        return {k: _json_lists(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_lists(v) for v in value]
    return value


def to_contract(doc: Document) -> dict[str, Any]:
    """The contract object for one document."""
    meta = asdict(doc.meta)
    meta["published_on"] = doc.meta.published_on.isoformat() if doc.meta.published_on else None
    meta["listed_tables"] = [asdict(t) for t in doc.listed_tables]
    meta["pages_without_text"] = list(doc.pages_without_text)
    meta["pages_with_unmapped_glyphs"] = list(doc.pages_with_unmapped_glyphs)
    meta["amounts"] = {"printed": doc.amounts_printed, "accounted": doc.amounts_printed - len(doc.unaccounted)}
    meta["unaccounted"] = [asdict(u) for u in doc.unaccounted]
    return {
        "document": meta,
        "sections": [asdict(s) for s in doc.sections],
        "tables": [_json_lists(asdict(t)) for t in doc.tables],
        "line_items": [_plain(li) for li in doc.line_items],
        "three_public": _plain(doc.three_public),
        "budgeted_three_public": _plain(doc.budgeted_three_public),
        "projects": [_plain(p) for p in doc.projects],
        "indicators": [_plain(i) for i in doc.indicators],
        "facts": [_plain(f) for f in doc.facts],
        "checks": [_json_lists(asdict(c)) for c in doc.checks],
    }


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
