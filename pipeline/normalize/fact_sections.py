"""What a section of the narrative is about: the money (its scope) and the unit of the department.

A section's scope (`all` funds, `appropriation`, `general_budget`, `fund_budget`, …) comes
from its heading or its parent's and decides which table its figures are compared with.
A text that breaks the department down by unit heads each unit's part with its name
(`二、深圳市劳动人事争议仲裁院`) and opens it with that name; the figures there are that
unit's (`unit.NAME.KEY`).
"""

from __future__ import annotations

import re

from pipeline.normalize.fact_names import both_sides, vocabulary
from schemas.patterns import NUMBERED_HEADING, ORGANIZATION
from schemas.records import Section

# A heading naming one of the department's units, which the section's text opens with.
_NOT_A_UNIT = re.compile(r"部门|预算|决算|情况|说明|职能|职责|概况|构成|设置|编制|单位$")
_FIGURE = re.compile(r"\d[\d,.]*\s*(?:万元|亿元|元|万|%|％)")
MAX_UNIT = 24
"""Characters of a unit's name kept in its keys (`unit.NAME.…`)."""


def heading_scope(heading: str) -> str | None:
    """The money a heading says its section is about (`三、财政拨款收支预算总体情况` → appropriation)."""
    text = both_sides(heading)
    return next((scope for scope, terms in vocabulary().scopes.items() if any(t in text for t in terms)), None)


def _inherited(sections: list[Section], own: list[str | None]) -> list[str | None]:
    """Each section's own value, else its parent's (the nearest section above of a higher level)."""
    out: list[str | None] = []
    for index, section in enumerate(sections):
        value = own[index]
        if value is None:
            parent = next((j for j in range(index - 1, -1, -1) if sections[j].level < section.level), None)
            value = out[parent] if parent is not None else None
        out.append(value)
    return out


def section_scopes(sections: list[Section]) -> list[str | None]:
    """Each section's scope: its own heading's, else its parent's (the nearest section above of a higher level)."""
    return _inherited(sections, [heading_scope(s.heading) for s in sections])


def unit_name(section: Section) -> str | None:
    """The unit a section is about: its heading names an organization (`二、深圳市劳动人事争议
    仲裁院`, `一、深圳市人力资源和社会保障局（本级）`) and its text opens with that name."""
    name = NUMBERED_HEADING.sub("", section.heading).strip()
    if not (4 <= len(name) <= MAX_UNIT * 2) or _FIGURE.search(name) or _NOT_A_UNIT.search(name):
        return None
    if not ORGANIZATION.search(name) or not section.text.lstrip().startswith(name):
        return None
    return name[:MAX_UNIT]


def section_units(sections: list[Section]) -> list[str | None]:
    """Each section's unit (`unit_name`), else its parent's; none where the text names one unit
    only (`一、深圳市信访局`): a department of one unit states its own figures there."""
    units = [unit_name(s) for s in sections]
    return _inherited(sections, units) if len(set(units) - {None}) > 1 else [None] * len(sections)
