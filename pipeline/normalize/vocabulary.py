"""The wording of projects, indicator blocks and 三公 parts, read once from `vocab/records.toml`.

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
_BLOCK_COLUMNS = frozenset({"level1", "level2", "level3", "name", "target", "period_target", "operator", "unit", "scores", "actual"})
_THREE_PUBLIC_FIELDS = frozenset({"total", "outbound_travel", "reception", "vehicles", "vehicle_purchase", "vehicle_operation"})


@dataclass(frozen=True)
class RecordVocabulary:
    project_form: dict[str, tuple[str, ...]]
    """Project field → the form labels that name it."""
    indicator_block: dict[str, re.Pattern[str]]
    """Column of an indicator block (level1 … actual) → the headings that name it."""
    level_names: tuple[tuple[str, ...], tuple[str, ...]]
    """Level-1 and level-2 names, to split a cell printing all three levels."""
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
    sections = frozenset({"project_form", "indicator_block", "indicator_levels", "project_list", "three_public"})
    _keys("records.toml", data, sections)
    _keys("project_form", data.get("project_form", {}), _FORM_FIELDS)
    if missing := sections - set(data):
        raise ValueError(f"records.toml: lacks sections {sorted(missing)}")
    form, listing, three = data["project_form"], data["project_list"], data["three_public"]
    block, levels = data["indicator_block"], data["indicator_levels"]
    _keys("indicator_block", block, _BLOCK_COLUMNS)
    if missing := _BLOCK_COLUMNS - set(block):
        raise ValueError(f"records.toml: [indicator_block] lacks {sorted(missing)}")
    _keys("indicator_levels", levels, frozenset({"level1", "level2"}))
    _keys("project_list", listing, frozenset({"name", "amount", "goal"}))
    _keys("three_public", three, frozenset({"parts", "ignored"}))
    parts = tuple((name, re.compile(pattern)) for name, pattern in three["parts"])
    _keys("three_public.parts", {name: 1 for name, _ in parts}, _THREE_PUBLIC_FIELDS)
    return RecordVocabulary(
        project_form={name: tuple(labels) for name, labels in form.items()},
        indicator_block={name: re.compile(pattern) for name, pattern in block.items()},
        level_names=(tuple(levels["level1"]), tuple(levels["level2"])),
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
