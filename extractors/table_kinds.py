"""Name a table's kind from its title or header, using the kinds declared in schemas/vocab/table_kinds.toml.

Kinds follow what the title says, never where the table sits, so a new
publisher's wording is one phrase in the data file. A table printed without a
title of its own (the project lists and meeting tables inside a narrative, a
contents page, a project form continued on the next page) is named by the
terms its header holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from schemas.table_kinds import UNKNOWN, catalog

__all__ = ["UNKNOWN", "is_budget_kind", "is_table_title", "kind_of_header", "kind_of_title", "normalize_title"]

_NOISE = re.compile(r"[\s\"'“”‘’〝〞「」『』]")


@dataclass(frozen=True)
class KindPhrase:
    kind: str
    phrase: str
    final: bool


@cache
def _phrases() -> tuple[KindPhrase, ...]:
    out = [KindPhrase(s.name, normalize_title(p), s.final) for s in catalog().kinds.values() for p in s.titles]
    return tuple(sorted(out, key=lambda p: -len(p.phrase)))


@cache
def _header_terms() -> tuple[tuple[str, tuple[str, ...]], ...]:
    out = [(s.name, group) for s in catalog().kinds.values() for group in s.headers]
    return tuple(sorted(out, key=lambda h: -sum(len(t) for t in h[1])))


def _refined(phrase: KindPhrase, text: str) -> KindPhrase:
    """The phrase's kind, or the kind a qualifier in the title turns it into (按经济分类)."""
    for spec in catalog().kinds.values():
        if spec.refines and phrase.kind in spec.refines.kinds and any(t in text for t in spec.refines.terms):
            return KindPhrase(spec.name, phrase.phrase, phrase.final)
    return phrase


def normalize_title(title: str) -> str:
    """The title as compared: no white space, no quote marks."""
    return _NOISE.sub("", title)


def kind_of_title(title: str | None) -> str:
    """The kind a title names, or `unknown`: the phrase it names first, the longest of
    those starting there.

    A budget kind named in a final-accounts title (决算) becomes `final_<kind>`,
    so final accounts never masquerade as budget tables.
    """
    if not title:
        return UNKNOWN
    text = normalize_title(title)
    found = [(text.find(p.phrase), -len(p.phrase), p) for p in _phrases() if p.phrase in text]
    if not found:
        return UNKNOWN
    # What the title names first decides: “三公”经费、会议费、培训费支出预算表 is a 三公 table,
    # 政府性基金预算财政拨款支出预算表 a fund table, whatever broader phrase follows.
    phrase = _refined(min(found, key=lambda f: (f[0], f[1]))[2], text)
    if "决算" in text and not phrase.final:
        return catalog().final_twin(phrase.kind)
    return phrase.kind


def kind_of_header(cells: list[str]) -> str:
    """The kind whose header terms all appear among a header's cells, or `unknown`.

    The group with the most characters of terms wins, as the longest title
    phrase does.
    """
    text = "|".join(normalize_title(c) for c in cells)
    for kind, terms in _header_terms():
        if all(term in text for term in terms):
            return kind
    return UNKNOWN


def is_budget_kind(kind: str) -> bool:
    """Whether a table of this kind shows that its document is a budget or final account
    (a contents page or a list of units does not: any document may hold one)."""
    spec = catalog().spec(kind)
    return spec.name != UNKNOWN and spec.budget


def is_table_title(text: str) -> bool:
    """True when a text line reads as some table's title."""
    return kind_of_title(text) != UNKNOWN
