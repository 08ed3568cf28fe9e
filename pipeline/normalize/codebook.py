"""Year-keyed codebooks of the Chinese budget classification systems.

Disclosures print codes split over cells, joined, or not at all (only an
indented or ordinal-labelled name, sometimes mistyped or with the 款 appended
in brackets). Normalizers resolve all of these against the official list of
the document's fiscal year, because the Ministry of Finance revises the list
every year. The data lives in ``pipeline/codebooks/*.csv`` (see its README).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

SYSTEMS = ("functional", "economic_department", "economic_government")

# 一、 / （一） / (一) / 1. / 1、 / 1．  -- ordinal labels of overview rows
_ORDINAL = re.compile(
    r"^(?:[一二三四五六七八九十百零〇]+[、．.]|[（(][一二三四五六七八九十百零〇\d]+[）)]|\d{1,2}(?:[、．]|\.(?!\d)))"
)
# the Chinese numerals of an ordinal printed without its 、
_LEADING_NUMERAL = re.compile(r"^[一二三四五六七八九十]+")
# a trailing bracketed qualifier such as （组织事务）
_TRAILING_BRACKET = re.compile(r"^(.+?)（([^（）]+)）$")
# "50501-工资福利支出 30102-津贴补贴": a code, a dash, then the name up to the next code
_PREFIXED = re.compile(r"(?<!\d)[\[【［]?(\d{7}|\d{5}|\d{3})(?:\s*[-－—–]|[\]】］])\s*")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Code:
    """One classification item as the official list names it."""

    system: str  # "functional" | "economic_department" | "economic_government"
    code: str  # digits
    name: str
    parent: str | None
    level: int


def _normalize(text: str) -> str:
    """Printed text to lookup form: no white space, full-width brackets, no empty bracket pairs,
    no list punctuation left at its end."""
    text = _WHITESPACE.sub("", text).replace("(", "（").replace(")", "）")
    return text.replace("（）", "").rstrip("、，,")


def _read_csv(name: str) -> list[dict[str, str]]:
    text = files("pipeline.normalize").joinpath("codebooks", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def _rows(system: str) -> tuple[dict[str, str], ...]:
    if system not in SYSTEMS:
        raise ValueError(f"unknown code system {system!r}; expected one of {SYSTEMS}")
    return tuple(_read_csv(f"{system}.csv"))


@cache
def _aliases(system: str) -> dict[str, tuple[str | None, str]]:
    """alias -> (code or None, canonical name) for one system."""
    return {
        _normalize(r["alias"]): (r["code"] or None, r["name"])
        for r in _read_csv("aliases.csv")
        if r["kind"] == system
    }


# The fiscal years the codebooks were compiled for (see codebooks/README.md, "Years"):
# each has a book of its own; years outside clamp to the nearest.
LIST_YEARS = range(2019, 2027)


@cache
def _build(system: str, year: int) -> Codebook:
    codes: dict[str, Code] = {}
    retired: dict[str, Code] = {}
    for r in _rows(system):
        first, last = int(r["first_year"]), int(r["last_year"]) if r["last_year"] else None
        printed_until = int(r["printed_until"]) if r.get("printed_until") else None
        code = Code(system, r["code"], r["name"], r["parent"] or None, int(r["level"]))
        if first <= year and (last is None or year <= last):
            codes[r["code"]] = code
        elif last is not None and printed_until is not None and last < year <= printed_until:
            retired[r["code"]] = code
    return Codebook(system, year, codes, _aliases(system), retired)


class Codebook:
    """All codes of one system valid in one fiscal year."""

    def __init__(
        self, system: str, year: int, codes: dict[str, Code], aliases: dict[str, tuple[str | None, str]],
        retired: dict[str, Code] | None = None,
    ) -> None:
        self.system = system
        self.year = year  # the list's fiscal year, after clamping to the data
        self._codes = codes
        self._aliases = aliases
        self._retired = retired or {}
        """Codes the list closed that budgets still print (`printed_until`): known when printed,
        never the answer to a name (their successors are)."""
        self._children: dict[str, list[Code]] = {}
        self._by_name: dict[str, list[Code]] = {}
        for c in codes.values():
            if c.parent:
                self._children.setdefault(c.parent, []).append(c)
            self._by_name.setdefault(c.name, []).append(c)

    @classmethod
    def load(cls, system: str, year: int | None) -> Codebook:
        """The (cached) book of `system` for fiscal `year`.

        None means the latest of `LIST_YEARS`; years outside them clamp to the
        nearest one, so a 2030 document still gets the newest list.
        """
        if system not in SYSTEMS:
            raise ValueError(f"unknown code system {system!r}; expected one of {SYSTEMS}")
        first, last = LIST_YEARS[0], LIST_YEARS[-1]
        year = last if year is None else min(max(year, first), last)
        return _build(system, year)

    def __repr__(self) -> str:
        return f"Codebook({self.system!r}, {self.year}, {len(self._codes)} codes)"

    def __len__(self) -> int:
        return len(self._codes)

    def __iter__(self) -> Iterator[Code]:
        return iter(sorted(self._codes.values(), key=lambda c: c.code))

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.get(code) is not None

    def get(self, code: str) -> Code | None:
        return self._codes.get(code) or self._retired.get(code) or self._padded(code)

    def _padded(self, code: str) -> Code | None:
        """A 款 with no 项 printed at the 项 level, padded with 00 (`2121100`, `2199900`), as budget
        systems print a leaf 款 in a table of 项: the 款 itself, one level down."""
        if len(code) != 7 or not code.endswith("00"):
            return None
        kuan = self._codes.get(code[:5])
        if kuan is None or kuan.level != 2 or self._children.get(kuan.code):
            return None
        return Code(self.system, code, kuan.name, kuan.code, 3)

    def leaf_below(self, code: str) -> Code | None:
        """The 项 level of a 款 that has none in the list (`_padded`), or None."""
        return self._padded(code + "00") if len(code) == 5 else None

    def children(self, code: str) -> list[Code]:
        return sorted(self._children.get(code, []), key=lambda c: c.code)

    def find(self, name: str, parent: str | None = None) -> Code | None:
        """Resolve a printed name to its code, or None when unknown or ambiguous.

        项 names repeat under many 款 (行政运行, 事业运行 …), so a bare name only
        resolves when it is unique; `parent` (a 类 or 款 code) narrows the search,
        and a trailing bracketed 款 name (行政运行（组织事务）) does the same.
        """
        text = _ORDINAL.sub("", _normalize(name), count=1)
        if not text:
            return None
        found = self._match(text, parent) or self._detached_ordinal(text, parent)
        if found is not None:
            return found
        m = _TRAILING_BRACKET.match(text)
        if m is None:
            return None
        base, qualifier = m.groups()
        kuan = [c for c in self._lookup(qualifier) if c.level == 2]
        if len(kuan) == 1:
            if parent and not kuan[0].code.startswith(parent):
                return None  # the bracket names another 款 than the caller's parent
            parent = kuan[0].code
        return self._match(base, parent)

    def _detached_ordinal(self, text: str, parent: str | None) -> Code | None:
        """A class label whose ordinal lost its 、 (`一一般公共服务支出、`, `六商业服务业等支出`:
        the 、 typeset apart and read at the end): the class the rest names."""
        if parent:
            return None
        leading = _LEADING_NUMERAL.match(text)
        for cut in range(1, min(len(leading.group(0)) if leading else 0, 3) + 1):  # 一一般…: the ordinal is the first 一 only
            found = self._match(text[cut:], None)
            if found is not None and found.level == 1:
                return found
        return None

    def named(self, printed: str) -> list[Code]:
        """Every code the printed name (ordinal label, white space and bracket variants aside) names."""
        text = _ORDINAL.sub("", _normalize(printed), count=1)
        return sorted(self._lookup(text), key=lambda c: c.code) if text else []

    def canonical_name(self, printed: str) -> str:
        """The official name for a printed one; the printed text (white space removed) if unknown.

        Works for names that repeat under many 款 too (行政运行（组织事务） → 行政运行),
        where find() alone would give up.
        """
        code = self.find(printed)
        if code is not None:
            return code.name
        text = _normalize(printed)
        m = _TRAILING_BRACKET.match(text)
        for candidate in (text, m.group(1) if m else None):
            if candidate in self._by_name:
                return candidate
            if candidate in self._aliases:
                return self._aliases[candidate][1]
        return _WHITESPACE.sub("", printed)

    def _lookup(self, text: str) -> list[Code]:
        """Codes named `text`, directly or through an alias."""
        hits = list(self._by_name.get(text, []))
        alias = self._aliases.get(text)
        if alias is not None:
            code, canonical = alias
            target = self._codes.get(code) if code else None
            hits += [target] if target else self._by_name.get(canonical, [])
        return list({c.code: c for c in hits}.values())

    def _match(self, text: str, parent: str | None) -> Code | None:
        hits = self._lookup(text)
        if parent:
            direct = [c for c in hits if c.parent == parent]
            hits = direct or [c for c in hits if c.code.startswith(parent) and c.code != parent]
        else:
            # Without a parent, a class label wins: overview tables print 类 by name
            # only, with or without 支出 (一、一般公共服务 is 201, not 21901 under 219).
            alt = text[: -len("支出")] if text.endswith("支出") else text + "支出"
            classes = list({c.code: c for c in hits + self._lookup(alt) if c.level == 1}.values())
            hits = classes or hits
        return hits[0] if len(hits) == 1 else None


def split_prefixed(text: str) -> list[tuple[str, str]]:
    """Split cells like "50501-工资福利支出 30102-津贴补贴" into (code, name) pairs.

    Beijing prints the government and departmental economic codes in one cell;
    other publishers write "2010601-行政运行". Text without such prefixes gives [].
    """
    matches = list(_PREFIXED.finditer(text))
    ends = [m.start() for m in matches[1:]] + [len(text)] if matches else []
    pairs = []
    for m, end in zip(matches, ends, strict=True):
        name = _WHITESPACE.sub("", text[m.end() : end])
        if name:
            pairs.append((m.group(1), name))
    return pairs
