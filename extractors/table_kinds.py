"""Name a table's kind from its title or header, using vocab/table_kinds.toml.

Kinds follow what the title says, never where the table sits, so a new
publisher's wording is one phrase in the data file. A table printed without a
title of its own (the project lists and meeting tables inside a narrative, a
contents page, a project form continued on the next page) is named by the
terms its header holds.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

UNKNOWN = "unknown"
_NOISE = re.compile(r"[\s\"'“”‘’〝〞「」『』]")


@dataclass(frozen=True)
class KindPhrase:
    kind: str
    phrase: str
    final: bool


@dataclass(frozen=True)
class HeaderTerms:
    kind: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Refinement:
    """A title of one of `kinds` holding one of `terms` is of kind `into`."""

    into: str
    kinds: frozenset[str]
    terms: tuple[str, ...]


@cache
def _vocabulary() -> dict[str, dict[str, Any]]:
    text = resources.files("extractors").joinpath("vocab/table_kinds.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    for kind, spec in data.items():
        unknown = set(spec) - {"titles", "headers", "final", "refines", "budget"}
        if unknown:
            raise ValueError(f"table_kinds.toml: kind {kind!r} has unknown keys {sorted(unknown)}")
    return data


@cache
def _phrases() -> tuple[KindPhrase, ...]:
    out = [
        KindPhrase(kind, normalize_title(p), bool(spec.get("final")))
        for kind, spec in _vocabulary().items() for p in spec.get("titles", [])
    ]
    return tuple(sorted(out, key=lambda p: -len(p.phrase)))


@cache
def _header_terms() -> tuple[HeaderTerms, ...]:
    out = [
        HeaderTerms(kind, tuple(terms))
        for kind, spec in _vocabulary().items() for terms in spec.get("headers", [])
    ]
    return tuple(sorted(out, key=lambda h: -sum(len(t) for t in h.terms)))


@cache
def _refinements() -> tuple[Refinement, ...]:
    return tuple(
        Refinement(kind, frozenset(spec["refines"]["kinds"]), tuple(spec["refines"]["terms"]))
        for kind, spec in _vocabulary().items() if "refines" in spec
    )


def _refined(phrase: KindPhrase, text: str) -> KindPhrase:
    """The phrase's kind, or the kind a qualifier in the title turns it into (按经济分类)."""
    for refinement in _refinements():
        if phrase.kind in refinement.kinds and any(t in text for t in refinement.terms):
            return KindPhrase(refinement.into, phrase.phrase, phrase.final)
    return phrase


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
            phrase = _refined(phrase, text)
            if "决算" in text and not phrase.final:
                return f"final_{phrase.kind}"
            return phrase.kind
    return UNKNOWN


def kind_of_header(cells: list[str]) -> str:
    """The kind whose header terms all appear among a header's cells, or `unknown`.

    The group with the most characters of terms wins, as the longest title
    phrase does.
    """
    text = "|".join(normalize_title(c) for c in cells)
    for group in _header_terms():
        if all(term in text for term in group.terms):
            return group.kind
    return UNKNOWN


def is_budget_kind(kind: str) -> bool:
    """Whether a table of this kind shows that its document is a budget or final account
    (a contents page or a list of units does not: any document may hold one)."""
    spec = _vocabulary().get(kind) or _vocabulary().get(kind.removeprefix("final_"))
    return spec is not None and spec.get("budget", True)


def is_table_title(text: str) -> bool:
    """True when a text line reads as some table's title."""
    return kind_of_title(text) != UNKNOWN
