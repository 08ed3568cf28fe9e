"""Performance tables to indicators, and project forms to projects.

A performance table is a form: label cells (项目名称, 项目本年度金额 …) with
their values to the right, then an indicator block under a row naming
一级指标 / 二级指标 / 三级指标 / 指标值. Merged level cells carry down.
Rows printed one cell off (the seed's last rows) are read by where their
target value stands, not by the header's column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from pipeline.normalize.amounts import parse_amount, to_yuan
from pipeline.normalize.targets import looks_like_target, parse_target
from pipeline.normalize.vocabulary import vocabulary
from schemas.records import Indicator, Project, Scope, SourceTable
from schemas.text import squash

_LEVEL1 = re.compile(r"^一级指标")
_LEVEL2 = re.compile(r"^二级指标")
_LEVEL3 = re.compile(r"^三级指标")
_TARGET = re.compile(r"(指标值|目标值)")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_UNIT_COL = re.compile(r"(度量单位|计量单位)")
_OPERATOR_COL = re.compile(r"指标值类型")
_OPERATORS = frozenset({"≥", "≤", ">", "<", "=", "＞", "＜", "＝", ">=", "<="})
_FORM_TITLE_TAIL = re.compile(r"(项目支出|项目)?绩效目标(申报|填报)?表.*$")
_LABEL_UNIT = re.compile(r"[（(](?:单位[:：])?(万元|元)[)）]")


@dataclass(frozen=True)
class IndicatorColumns:
    header_row: int
    level1: int
    level2: int
    level3: int
    target: int
    unit: int | None
    operator: int | None = None


def _column(cells: list[str], pattern: re.Pattern[str]) -> int | None:
    return next((i for i, c in enumerate(cells) if pattern.search(c)), None)


def find_indicator_columns(table: SourceTable) -> IndicatorColumns | None:
    """Where the indicator block starts and which column holds what."""
    for index, row in enumerate(table.rows):
        cells = [squash(_plain(c)) for c in row]
        l1, l2, l3, target = (_column(cells, p) for p in (_LEVEL1, _LEVEL2, _LEVEL3, _TARGET))
        if l3 is not None and target is not None and l2 is not None:
            return IndicatorColumns(index, l1 if l1 is not None else l2, l2, l3, target, _column(cells, _UNIT_COL),
                                    _column(cells, _OPERATOR_COL))
    return None


def _plain(text: str | None) -> str | None:
    """Cell text without the HTML paragraph tags some exporters print literally."""
    return _TAG.sub("", text).strip() or None if text else None


def _cell(row: list[str | None], index: int) -> str | None:
    return _plain(row[index]) if 0 <= index < len(row) else None


def table_to_indicators(
    table: SourceTable, project: str | None, table_index: int | None = None, row_numbers: list[int] | None = None,
) -> list[Indicator]:
    """Indicators of one performance table, levels carried down merged cells; each cites
    `table_index` and its row (`row_numbers[i]` for the table's row i when it is a cut of another)."""
    cols = find_indicator_columns(table)
    if cols is None:
        return []
    scope: Scope = "project" if project is not None else "department"
    level1 = level2 = None
    out: list[Indicator] = []
    for row_index in range(cols.header_row + 1, len(table.rows)):
        row = table.rows[row_index]
        # Find where the target stands: normally in its column, one off in shifted rows.
        at = cols.target
        if not looks_like_target(_cell(row, at)):
            for candidate in (cols.target + 1, cols.target - 1):
                if candidate > cols.level2 and looks_like_target(_cell(row, candidate)):
                    at = candidate
                    break
        shift = at - cols.target
        if cols.level1 != cols.level2 and (new1 := _cell(row, cols.level1 + shift)):
            level1, level2 = new1, None  # a new 一级 starts its own 二级 run
        if new2 := _cell(row, cols.level2 + shift):
            level2 = new2
        level3, target = _cell(row, cols.level3 + shift), _cell(row, at)
        if not level3 or not target:
            continue
        unit_cell = _cell(row, cols.unit) if cols.unit is not None else None
        raw = target if not unit_cell or unit_cell in target else f"{target}{unit_cell}"
        operator_cell = _cell(row, cols.operator) if cols.operator is not None else None
        if operator_cell in _OPERATORS and not target.startswith(tuple(_OPERATORS)):
            raw = f"{operator_cell}{raw}"  # Changsha prints ≤ in its own 指标值类型 column
        parsed = parse_target(raw)
        page = table.row_pages[row_index] if row_index < len(table.row_pages) else table.page
        out.append(Indicator(
            scope=scope, project=project, level1=level1, level2=level2, level3=level3, target_raw=raw,
            operator=parsed.operator, value=parsed.value, unit=parsed.unit, page=page,  # type: ignore[arg-type]
            table_index=table_index, row_index=row_numbers[row_index] if row_numbers else row_index,
        ))
    return out


def _form_fields(table: SourceTable) -> dict[str, tuple[str, int]]:
    """label → (value, page) for the form part above the indicator block."""
    cols = find_indicator_columns(table)
    end = cols.header_row if cols else len(table.rows)
    fields: dict[str, tuple[str, int]] = {}
    for row_index, row in enumerate(table.rows[:end]):
        page = table.row_pages[row_index] if row_index < len(table.row_pages) else table.page
        cells = [_plain(c) for c in row]
        for i, cell in enumerate(cells):
            label = squash(cell)
            if not label:
                continue
            value = next((c for c in cells[i + 1:] if c), None)
            if value is not None and label not in fields:
                fields[label] = (value, page)
    return fields


def _field(fields: dict[str, tuple[str, int]], names: tuple[str, ...]) -> tuple[str, int] | None:
    for name in names:
        for label, value in fields.items():
            if label.startswith(name):
                return value
    return None


def label_unit(label: str) -> str | None:
    """The unit a money label states (`资金金额(万元)`, `预算数（单位：万元）`): it beats the page's."""
    found = _LABEL_UNIT.search(label)
    return found.group(1) if found else None


def _unit_in_labels(fields: dict[str, tuple[str, int]]) -> str | None:
    return next((unit for label in fields if (unit := label_unit(label))), None)


def states_a_project(table: SourceTable) -> bool:
    """Whether a form prints a project's name or money label (a page of indicator rows
    continuing the form before it does not)."""
    labels = vocabulary().project_form["name"] + vocabulary().project_form["amount"]
    cells = [squash(c) for row in table.rows for c in row if c] + [squash(c) for path in table.header for c in path]
    return any(c.startswith(labels) for c in cells)


def _titled_name(table: SourceTable, fields: dict[str, tuple[str, int]]) -> tuple[str, int] | None:
    """A form whose 项目名称 row was lost (printed alone at a page foot) is named by its own
    title (`236教育管理与改革专项绩效目标表`), where the title names a project and the form states its money."""
    name = _FORM_TITLE_TAIL.sub("", squash(table.title or ""))
    if len(name) < 4 or "表" in name or _field(fields, vocabulary().project_form["amount"]) is None:
        return None
    return name, table.page


def table_to_project(table: SourceTable, default_unit: str | None, table_index: int | None = None) -> Project | None:
    """The project a form describes, amounts in yuan, each beside its printed text."""
    fields = _form_fields(table)
    name = _field(fields, vocabulary().project_form["name"]) or _titled_name(table, fields)
    if name is None:
        return None
    unit = _unit_in_labels(fields) or table.unit or default_unit

    def amount(key: str) -> tuple[Decimal | None, str | None]:
        found = _field(fields, vocabulary().project_form[key])
        value = parse_amount(found[0]) if found else None
        return (to_yuan(value, unit), found[0]) if value is not None and found else (None, None)

    def text(key: str) -> str | None:
        found = _field(fields, vocabulary().project_form[key])
        return found[0] if found else None

    (current, current_source), (previous, previous_source) = amount("amount"), amount("previous_amount")
    return Project(
        name=name[0], page=table.page, amount=current, previous_amount=previous,
        start=text("start"), end=text("end"), unit_code=text("unit_code"), purpose=text("purpose"),
        manager=text("manager"), table_index=table_index, amount_source=current_source,
        previous_amount_source=previous_source,
    )
