"""Find a row's classification codes, however the table prints them.

Codes come split over 类/款/项 cells (`201 | 32 | 01`), joined (`2013201`),
prefixed to names (`50501-工资福利支出 30102-津贴补贴`), or not at all (an
indented or ordinal name: `一、一般公共服务`, then `行政运行` under the
款 above it). The leading digit says the system: 2 functional, 3 the
departmental economic set, 5 the government economic set. A printed code is
kept even when the year's codebook lacks it: the checks report it, the
normalizer never invents a replacement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.normalize.codebook import SYSTEMS, Code, Codebook, split_prefixed

SYSTEM_BY_DIGIT = {"2": "functional", "3": "economic_department", "5": "economic_government"}
_DIGITS = re.compile(r"^\d+$")


@dataclass
class ResolvedCode:
    code: str
    name: str
    known: bool


@dataclass
class RowCodes:
    """The codes of one row, by system."""

    by_system: dict[str, ResolvedCode] = field(default_factory=dict)

    def get(self, system: str) -> ResolvedCode | None:
        return self.by_system.get(system)

    def __bool__(self) -> bool:
        return bool(self.by_system)


class CodeResolver:
    """Resolves the rows of one table side in order, remembering the 类 and 款 above."""

    def __init__(self, year: int | None, default_system: str, by_name: bool = True) -> None:
        self.year = year
        self.default_system = default_system
        self.by_name = by_name
        self._parents: dict[str, list[str]] = {}
        self._last_system: str | None = None

    def _book(self, system: str) -> Codebook:
        return Codebook.load(system, self.year)

    def _remember(self, system: str, code: str) -> None:
        chain = [c for c in self._parents.get(system, []) if code.startswith(c) and c != code]
        self._parents[system] = [*chain, code]
        self._last_system = system

    def _printed(self, system: str, code: str, name: str) -> ResolvedCode:
        book = self._book(system)
        found = book.get(code)
        self._remember(system, code)
        if found is not None:
            return ResolvedCode(code, found.name, True)
        return ResolvedCode(code, book.canonical_name(name) if name else "", False)

    def _by_name(self, name: str) -> tuple[str, ResolvedCode] | None:
        """A name printed without its code: under the 类 and 款 above it, else alone; in the
        table's own system first, then in the others (an overview lists its expenditure by
        economic class, `(1)工资福利支出`; a 基本支出 table its rows by function)."""
        for system in (self.default_system, *(s for s in SYSTEMS if s != self.default_system)):
            book = self._book(system)
            found: Code | None = None
            for parent in reversed(self._parents.get(system, [])):
                found = book.find(name, parent=parent)
                if found is not None:
                    break
            found = found or book.find(name)
            if found is not None and self._parents.get(system, [])[-1:] == [found.code]:
                found = self._below_itself(book, found, name)
            if found is not None:
                self._remember(system, found.code)
                return system, ResolvedCode(found.code, found.name, True)
        return None

    @staticmethod
    def _below_itself(book: Codebook, item: Code, name: str) -> Code | None:
        """A row named as the row above it is that item's child, never the item again (援助其他地区支出
        › 其他支出 › 其他支出): the child of that name, else a leaf 款's own 项 level (`2199900`)."""
        return book.find(name, parent=item.code) or book.leaf_below(item.code)

    def _complete(self, digits: str) -> str:
        """A 款 printed with its own two digits (`40 信访事务` under 201) gets its 类 back."""
        if len(digits) not in (2, 4) or not digits.isdigit():
            return digits
        classes = [c for c in self._parents.get(self.default_system, []) if len(c) == 3]
        return classes[-1] + digits if classes else digits

    def _assemble(self, cells: list[str]) -> str:
        """类 | 款 | 项 cells as one code, each level from its own cell's position: a row
        printing only its 项 (`| | 03`) takes the 类 and 款 from the rows above it, whether
        they sit under a merged 科目编码 heading or head their columns alone."""
        parts = [(c or "").strip() for c in cells]
        filled = [i for i, p in enumerate(parts) if p]
        own_digits = all(parts[i].isdigit() and len(parts[i]) <= 2 for i in filled)
        if len(parts) < 2 or not filled or filled[0] == 0 or not own_digits:
            return self._complete(_join_split(cells))  # a whole code, wherever its cell
        prefix_length = 3 + 2 * (filled[0] - 1)  # the 类 (3 digits), then 2 per level
        for system in (self._last_system, self.default_system):
            above = [c for c in self._parents.get(system or "", []) if len(c) == prefix_length]
            if above:
                return above[-1] + "".join(p.zfill(2) for p in parts[filled[0]:] if p)
        return _join_split(cells)

    def resolve(self, code_groups: list[list[str]], labels: list[str]) -> RowCodes:
        """Codes of one row from its code cells (one group per printed code: 类 | 款 | 项
        under one heading) and its name cells."""
        out = RowCodes()
        name = labels[-1] if labels else ""
        for index, group in enumerate(code_groups):
            digits = self._assemble(group)
            own_name = labels[index] if len(labels) == len(code_groups) else name
            if digits and _DIGITS.match(digits) and (system := SYSTEM_BY_DIGIT.get(digits[0])):
                out.by_system.setdefault(system, self._printed(system, digits, own_name))
        code_cells = [c for group in code_groups for c in group]
        for label in labels:
            for code, printed_name in split_prefixed(label):
                if (system := SYSTEM_BY_DIGIT.get(code[0])) and system not in out.by_system:
                    out.by_system[system] = self._printed(system, code, printed_name)
        if not out and name and self.by_name and not code_cells_present(code_cells):
            resolved = self._by_name(name)
            if resolved is not None:
                out.by_system[resolved[0]] = resolved[1]
        return out


def _join_split(code_cells: list[str]) -> str:
    """类 | 款 | 项 cells as one code; a 款 or 项 printed without its leading zero (`301 | 2`) is padded."""
    parts = [c.strip() for c in code_cells if c and c.strip()]
    if len(parts) > 1 and all(p.isdigit() for p in parts):
        return parts[0] + "".join(p.zfill(2) for p in parts[1:])
    return "".join(parts)


def code_cells_present(code_cells: list[str]) -> bool:
    """True when the row prints something in its code columns (a code or text)."""
    return any(c and c.strip() for c in code_cells)
