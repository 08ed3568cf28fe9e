"""The wording of projects and 三公 parts, read once from `vocab/records.toml`.

Checked as it is loaded, so a misspelt section or field fails at start-up.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

_FORM_FIELDS = frozenset({"name", "unit_code", "purpose", "manager", "start", "end", "amount", "previous_amount"})
_THREE_PUBLIC_FIELDS = frozenset({"total", "outbound_travel", "reception", "vehicles", "vehicle_purchase", "vehicle_operation"})


@dataclass(frozen=True)
class RecordVocabulary:
    project_form: dict[str, tuple[str, ...]]
    """Project field → the form labels that name it."""
    list_name: re.Pattern[str]
    list_amount: re.Pattern[str]
    list_goal: re.Pattern[str]
    three_public_parts: tuple[tuple[str, re.Pattern[str]], ...]
    three_public_ignored: re.Pattern[str]


def _keys(section: str, data: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"records.toml: [{section}] has unknown keys {sorted(unknown)}")


def parse_vocabulary(text: str) -> RecordVocabulary:
    data = tomllib.loads(text)
    _keys("records.toml", data, frozenset({"project_form", "project_list", "three_public"}))
    form, listing, three = data["project_form"], data["project_list"], data["three_public"]
    _keys("project_form", form, _FORM_FIELDS)
    _keys("project_list", listing, frozenset({"name", "amount", "goal"}))
    _keys("three_public", three, frozenset({"parts", "ignored"}))
    parts = tuple((name, re.compile(pattern)) for name, pattern in three["parts"])
    _keys("three_public.parts", {name: 1 for name, _ in parts}, _THREE_PUBLIC_FIELDS)
    return RecordVocabulary(
        project_form={name: tuple(labels) for name, labels in form.items()},
        list_name=re.compile(listing["name"]),
        list_amount=re.compile(listing["amount"]),
        list_goal=re.compile(listing["goal"]),
        three_public_parts=parts,
        three_public_ignored=re.compile(three["ignored"]),
    )


@cache
def vocabulary() -> RecordVocabulary:
    text = resources.files("pipeline.normalize").joinpath("vocab/records.toml").read_text(encoding="utf-8")
    return parse_vocabulary(text)
