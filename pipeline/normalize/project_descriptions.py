"""Projects described in prose, joined to the projects the tables give.

Shanghai's template prints a page per project titled `<项目名称>项目经费情况说明`,
with numbered parts 项目概述 … 五、实施周期, 六、年度预算安排, 七、绩效目标. Its
period gives the dates and its budget part the amount where it states one
figure (a numbered part of the narrative, `四、“三公”经费情况说明`, is none). A
description naming a project already read from a form or list
fills what that source left out; one without a name describes the project
whose form is printed right after it; a named one with no table of its own is a project.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from pipeline.normalize.facts import MENTION, is_money, mention_yuan
from schemas.patterns import NUMBERED_HEADING
from schemas.records import Project, Section
from schemas.text import squash

_HEADING = re.compile(r"^(?P<name>.*?)(?:项目)?经费情况说明$")
_PERIOD_PART = "实施周期"
_BUDGET_PART = "年度预算安排"
_DAY = r"\d{4}\s*[年./-]\s*\d{1,2}\s*[月./-]\s*\d{1,2}\s*日?"
_PERIOD = re.compile(rf"(?P<start>{_DAY})\s*(?:-|—|－|–|~|～|至|到)\s*(?P<end>{_DAY})")
_MIN_NAME = 2


@dataclass(frozen=True)
class Description:
    name: str | None
    page: int
    last_page: int
    amount: Decimal | None
    amount_source: str | None
    start: str | None
    end: str | None


def _part(parts: list[Section], title: str) -> str:
    return next((s.text for s in parts if title in s.heading), "")


def _amount(text: str) -> tuple[Decimal | None, str | None]:
    """The budget part's figure in yuan and as printed, when it states exactly one."""
    money = [m for m in MENTION.finditer(text) if is_money(m)]
    return (mention_yuan(money[0]), money[0].group(0)) if len(money) == 1 else (None, None)


def read_descriptions(sections: list[Section]) -> list[Description]:
    """Every `…项目经费情况说明` with the parts printed under it."""
    out = []
    for index, section in enumerate(sections):
        heading = squash(section.heading)
        found = _HEADING.match(heading)
        if not found or NUMBERED_HEADING.match(heading):
            continue  # a numbered part of the narrative (四、“三公”经费情况说明) is no project's page
        parts = []
        for after in sections[index + 1:]:
            if after.level <= section.level:
                break
            parts.append(after)
        period = _PERIOD.search(_part(parts, _PERIOD_PART))
        last_page = parts[-1].page_at(len(parts[-1].text)) if parts else section.page
        amount, amount_source = _amount(_part(parts, _BUDGET_PART))
        out.append(Description(
            name=found.group("name") or None, page=section.page, last_page=last_page,
            amount=amount, amount_source=amount_source,
            start=period.group("start") if period else None, end=period.group("end") if period else None,
        ))
    return out


def _names_match(a: str, b: str) -> bool:
    a, b = squash(a), squash(b)
    return len(a) >= _MIN_NAME and len(b) >= _MIN_NAME and (a in b or b in a)


def _filled(project: Project, description: Description) -> Project:
    described = project.amount is None and description.amount is not None
    return replace(
        project,
        amount=description.amount if described else project.amount,
        amount_source=description.amount_source if described else project.amount_source,
        start=project.start or description.start,
        end=project.end or description.end,
    )


def join_descriptions(projects: list[Project], descriptions: list[Description]) -> list[Project]:
    """The projects with what their descriptions add, and the described projects no table gives."""
    out = list(projects)
    for description in descriptions:
        if description.name:
            at = next((i for i, p in enumerate(out) if _names_match(p.name, description.name)), None)
        else:  # the form printed right after it, on its last page or the next
            after = [i for i, p in enumerate(out) if description.last_page <= p.page <= description.last_page + 1
                     and p.page > description.page]
            at = min(after, key=lambda i: out[i].page) if after else None
        if at is not None:
            out[at] = _filled(out[at], description)
        elif description.name:
            out.append(Project(name=description.name, page=description.page, amount=description.amount,
                               amount_source=description.amount_source, start=description.start, end=description.end))
    return out
