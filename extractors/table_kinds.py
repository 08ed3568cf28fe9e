"""Name a table's kind from its title, using the vocabulary in vocab/table_kinds.toml.

Kinds follow what the title says, never where the table sits, so a new
publisher's wording is one phrase in the data file.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

UNKNOWN = "unknown"
_NOISE = re.compile(r"[\s\"'“”‘’〝〞「」『』]")


@dataclass(frozen=True)
class KindPhrase:
    kind: str
    phrase: str
    final: bool


@cache
def _phrases() -> tuple[KindPhrase, ...]:
    text = resources.files("extractors").joinpath("vocab/table_kinds.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    out: list[KindPhrase] = []
    for kind, spec in data.items():
        unknown = set(spec) - {"titles", "final"}
        if unknown:
            raise ValueError(f"table_kinds.toml: kind {kind!r} has unknown keys {sorted(unknown)}")
        out.extend(KindPhrase(kind, normalize_title(p), bool(spec.get("final"))) for p in spec["titles"])
    return tuple(sorted(out, key=lambda p: -len(p.phrase)))


def normalize_title(title: str) -> str:
    """The title as compared: no white space, no quote marks."""
    return _NOISE.sub("", title)


def kind_of_title(title: str | None) -> str:
    """The kind a title names, or `unknown`.

    A budget kind named in a final-accounts title (决算) becomes `final_<kind>`,
    so final accounts never masquerade as budget tables.
    """
    if not title:
        return UNKNOWN
    text = normalize_title(title)
    for phrase in _phrases():
        if phrase.phrase in text:
            if "决算" in text and not phrase.final:
                return f"final_{phrase.kind}"
            return phrase.kind
    return UNKNOWN


def is_table_title(text: str) -> bool:
    """True when a text line reads as some table's title."""
    return kind_of_title(text) != UNKNOWN
