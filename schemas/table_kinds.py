"""What each table kind means, declared once in `vocab/table_kinds.toml`.

Every stage asks the catalog instead of keeping its own list: extract reads a
kind's `shape` and title phrases, normalize whether it has line items, which
codes its rows carry and which records it yields, validate which totals it
shares and which budget kind a final account's table mirrors. The file is
checked as it is loaded, so a misspelt attribute or a kind referenced but not
declared fails at start-up instead of silently doing nothing.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any, Literal

UNKNOWN = "unknown"

Shape = Literal["grid", "form", "list", "contents"]
Codes = Literal["functional", "economic", "none"]
SHAPES: tuple[Shape, ...] = ("grid", "form", "list", "contents")
CODES: tuple[Codes, ...] = ("functional", "economic", "none")
YIELDS = frozenset({"projects", "indicators", "three_public", "project_amounts"})
_ATTRIBUTES = frozenset(
    {"titles", "headers", "refines", "shape", "line_items", "codes", "yields", "sides", "final", "final_of", "budget"}
)


@dataclass(frozen=True)
class Refinement:
    """A title of one of `kinds` holding one of `terms` is of the refining kind."""

    kinds: frozenset[str]
    terms: tuple[str, ...]


@dataclass(frozen=True)
class KindSpec:
    """One table kind and what it means to every stage."""

    name: str
    shape: Shape = "grid"
    line_items: bool = False
    codes: Codes = "functional"
    yields: frozenset[str] = frozenset()
    sides: int = 1
    final: bool = False
    final_of: str | None = None
    budget: bool = True
    """A table of this kind is evidence that its document is a budget or final account."""
    titles: tuple[str, ...] = ()
    headers: tuple[tuple[str, ...], ...] = ()
    refines: Refinement | None = None

    @property
    def is_form(self) -> bool:
        return self.shape == "form"


@dataclass(frozen=True)
class SharedTotal:
    """A total several tables state: every member (kind, measure, where) must agree with the first."""

    name: str
    members: tuple[tuple[str, str, str], ...]
    budgets_only: bool = False
    finals_only: bool = False


@dataclass(frozen=True)
class KindCatalog:
    kinds: dict[str, KindSpec]
    shared_totals: tuple[SharedTotal, ...]

    def spec(self, kind: str) -> KindSpec:
        """The kind's spec; an undeclared `final_<kind>` is the final twin of a budget kind."""
        if kind in self.kinds:
            return self.kinds[kind]
        if kind.startswith("final_") and kind[len("final_") :] in self.kinds:
            budget = self.kinds[kind[len("final_") :]]
            return replace(budget, name=kind, final=True, final_of=budget.name, titles=(), headers=(), refines=None)
        return KindSpec(UNKNOWN)

    def final_twin(self, kind: str) -> str:
        """The final-accounts kind a budget kind becomes in a 决算 title."""
        declared = next((s.name for s in self.kinds.values() if s.final_of == kind), None)
        return declared or f"final_{kind}"

    def mirrors(self, table_kind: str, kind: str) -> bool:
        """A table of `kind`, or a final account's table mirroring it: it answers to the same rules."""
        return table_kind == kind or self.spec(table_kind).final_of == kind


def _fail(message: str) -> ValueError:
    return ValueError(f"table_kinds.toml: {message}")


def _kind(name: str, data: dict[str, Any]) -> KindSpec:
    unknown = set(data) - _ATTRIBUTES
    if unknown:
        raise _fail(f"kind {name!r} has unknown attributes {sorted(unknown)}")
    shape, codes, yields = data.get("shape", "grid"), data.get("codes", "functional"), frozenset(data.get("yields", []))
    if shape not in SHAPES:
        raise _fail(f"kind {name!r}: shape {shape!r} is not one of {SHAPES}")
    if codes not in CODES:
        raise _fail(f"kind {name!r}: codes {codes!r} is not one of {CODES}")
    if yields - YIELDS:
        raise _fail(f"kind {name!r}: unknown records {sorted(yields - YIELDS)} in yields")
    if data.get("sides", 1) not in (1, 2):
        raise _fail(f"kind {name!r}: sides must be 1 or 2")
    refines = data.get("refines")
    return KindSpec(
        name=name,
        shape=shape,
        line_items=bool(data.get("line_items", False)),
        codes=codes,
        yields=yields,
        sides=int(data.get("sides", 1)),
        final=bool(data.get("final", False) or data.get("final_of")),
        final_of=data.get("final_of"),
        budget=bool(data.get("budget", True)),
        titles=tuple(data.get("titles", [])),
        headers=tuple(tuple(group) for group in data.get("headers", [])),
        refines=Refinement(frozenset(refines["kinds"]), tuple(refines["terms"])) if refines else None,
    )


def _shared_total(data: dict[str, Any]) -> SharedTotal:
    unknown = set(data) - {"name", "members", "budgets_only", "finals_only"}
    if unknown:
        raise _fail(f"shared total {data.get('name')!r} has unknown attributes {sorted(unknown)}")
    members = tuple((m[0], m[1], m[2]) for m in data["members"])
    return SharedTotal(data["name"], members, bool(data.get("budgets_only")), bool(data.get("finals_only")))


def parse_catalog(text: str) -> KindCatalog:
    """The catalog a vocabulary file declares, or ValueError naming what is wrong."""
    data = tomllib.loads(text)
    unknown = set(data) - {"kinds", "shared_totals"}
    if unknown:
        raise _fail(f"unknown top-level keys {sorted(unknown)}")
    kinds = {name: _kind(name, spec) for name, spec in data.get("kinds", {}).items()}
    totals = tuple(_shared_total(t) for t in data.get("shared_totals", []))
    referenced = [(s.name, s.final_of) for s in kinds.values() if s.final_of]
    referenced += [(s.name, k) for s in kinds.values() if s.refines for k in s.refines.kinds]
    referenced += [(t.name, m[0]) for t in totals for m in t.members]
    for where, kind in referenced:
        if kind not in kinds:
            raise _fail(f"{where!r} refers to kind {kind!r}, which is not declared")
    return KindCatalog(kinds, totals)


@cache
def catalog() -> KindCatalog:
    """The catalog Yusuan ships, loaded once per process."""
    return parse_catalog(resources.files("schemas").joinpath("vocab/table_kinds.toml").read_text(encoding="utf-8"))


def spec(kind: str) -> KindSpec:
    return catalog().spec(kind)
