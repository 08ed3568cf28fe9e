"""Performance tables to indicators, and project forms to projects.

A performance table is a form: label cells (项目名称, 项目本年度金额 …) with their values
to the right, then indicator blocks under a row naming their columns (一级指标 / 二级指标 /
三级指标 / 指标值, `form_layout.indicator_blocks`). Every 三级指标 row with a target is an
indicator. Merged level cells carry down; a cell printing all three levels
(`产出指标数量指标评审项目数量`) is split by the level names; an operator or a unit printed
in a column of its own (指标值类型 | 计量单位, either way round) joins the target; rows
printed one cell off (the seed's last rows) are read by where their target stands, not by
the heading's column.
"""

from __future__ import annotations

import re
from decimal import Decimal

from pipeline.normalize.amounts import parse_amount, to_yuan
from pipeline.normalize.form_layout import IndicatorBlock, cell, indicator_blocks, is_heading_row, plain
from pipeline.normalize.targets import OPERATORS, looks_like_target, parse_target
from pipeline.normalize.vocabulary import vocabulary
from schemas.records import Indicator, Project, Scope, SourceTable
from schemas.table_kinds import spec
from schemas.text import squash

_SIGNS = tuple(sign for sign, _ in OPERATORS)
_QUALITATIVE = frozenset({"定性", "定量"})
_FORM_TITLE_TAIL = re.compile(r"(项目支出|项目)?绩效目标(申报|填报)?表.*$")
_LABEL_UNIT = re.compile(r"[（(](?:单位[:：])?(万元|元)[)）]")
_MAX_UNIT = 8


def first_block(table: SourceTable) -> IndicatorBlock | None:
    """The form's first indicator block: the fields are above it."""
    blocks = indicator_blocks(table)
    return blocks[0] if blocks else None


def _first(row: list[str | None], cols: tuple[int, ...], shift: int = 0) -> str | None:
    return next((text for c in cols if (text := cell(row, c + shift))), None)


def _target_at(row: list[str | None], block: IndicatorBlock) -> int | None:
    """Where a row's target stands: in the target column, else one cell off it (a shifted row)."""
    cols = block.at("target")
    at = next((c for c in cols if looks_like_target(cell(row, c))), None)
    if at is not None:
        return at
    levels = {c for role in ("level1", "level2") for c in block.at(role)}
    for candidate in (cols[-1] + 1, cols[0] - 1):
        if candidate not in levels and looks_like_target(cell(row, candidate)):
            return candidate
    return next((c for c in cols if cell(row, c)), None)


def _split_levels(text: str) -> tuple[str | None, str | None, str]:
    """Level 1, 2 and 3 of a cell printing all three (`产出指标数量指标财政评审项目数量`)."""
    level1_names, level2_names = vocabulary().level_names
    level1 = next((n for n in level1_names if text.startswith(n)), None)
    if level1 is None:
        return None, None, text
    rest = text[len(level1):]
    level2 = next((n for n in sorted(level2_names, key=len, reverse=True) if rest.startswith(n)), None)
    rest = rest[len(level2):] if level2 else rest
    return (level1, level2, rest) if rest else (None, None, text)


def _with_sign_and_unit(target: str, row: list[str | None], block: IndicatorBlock) -> str:
    """The target with the operator and the unit printed in columns of their own, whichever of
    the two columns each stands in (`≤` | `35.78` | `万元`)."""
    extra = [text for role in ("operator", "unit") for c in block.at(role) if (text := cell(row, c))]
    sign = next((t for t in extra if squash(t) in _SIGNS), None)
    unit = next((t for t in extra if squash(t) not in _SIGNS and t not in _QUALITATIVE and len(t) <= _MAX_UNIT), None)
    raw = target if not unit or unit in target else f"{target}{unit}"
    if sign and not squash(target).startswith(_SIGNS) and parse_target(raw).value is not None:
        raw = f"{squash(sign)}{raw}"
    return raw


def _block_indicators(table: SourceTable, block: IndicatorBlock, blocks: list[IndicatorBlock], project: str | None,
                      table_index: int | None, row_numbers: list[int] | None) -> list[Indicator]:
    scope: Scope = "project" if project is not None else "department"
    level1 = level2 = None
    out: list[Indicator] = []
    for row_index in range(block.header_row + 1, block.end):
        if is_heading_row(table, row_index, blocks):
            continue  # the block's headings printed again on top of a page
        row = table.rows[row_index]
        at = _target_at(row, block)
        cols = block.at("target")
        shift = 0 if at is None or at in cols else at - cols[-1] if at > cols[-1] else at - cols[0]
        new1 = _first(row, block.at("level1"), shift)
        new2 = _first(row, block.at("level2"), shift)
        if new1 and new1 != new2:
            level1, level2 = new1, None  # a new 一级 starts its own 二级 run
        if new2:
            level2 = new2
        level3 = _first(row, block.at("level3"), shift)
        target = cell(row, at) if at is not None else None
        if not level3 or not target:
            continue
        one1, one2, level3 = _split_levels(squash(level3)) if not block.at("level1") else (None, None, level3)
        raw = _with_sign_and_unit(target, row, block)
        parsed = parse_target(raw)
        page = table.row_pages[row_index] if row_index < len(table.row_pages) else table.page
        out.append(Indicator(
            scope=scope, project=project, level1=one1 or level1, level2=one2 or level2, level3=level3,
            target_raw=raw, operator=parsed.operator, value=parsed.value, unit=parsed.unit,  # type: ignore[arg-type]
            page=page, table_index=table_index, row_index=row_numbers[row_index] if row_numbers else row_index,
        ))
    return out


def table_to_indicators(
    table: SourceTable, project: str | None, table_index: int | None = None, row_numbers: list[int] | None = None,
) -> list[Indicator]:
    """Indicators of one performance table, block by block; each cites `table_index` and its
    row (`row_numbers[i]` for the table's row i when it is a cut of another)."""
    blocks = indicator_blocks(table)
    return [i for block in blocks for i in _block_indicators(table, block, blocks, project, table_index, row_numbers)]


def _form_fields(table: SourceTable) -> dict[str, tuple[str, int]]:
    """label → (value, page) for the form part above the indicator block."""
    block = first_block(table)
    # a block printed with no heading row starts right under the last field
    end = len(table.rows) if block is None else block.header_row + (0 if is_heading_row(table, block.header_row, [block]) else 1)
    fields: dict[str, tuple[str, int]] = {}
    for row_index, row in enumerate(table.rows[:end]):
        page = table.row_pages[row_index] if row_index < len(table.row_pages) else table.page
        cells = [plain(c) for c in row]
        for i, text in enumerate(cells):
            label = squash(text)
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


def form_name(table: SourceTable) -> str | None:
    """What a form for one project, fund or transfer names (项目名称, 专项名称, 转移支付名称, or
    its title); None for a department's own form (整体绩效目标表), whose indicators are the
    department's."""
    kind = spec(table.kind)
    if "department_performance" in (kind.name, kind.final_of):
        return None
    fields = _form_fields(table)
    name = _field(fields, vocabulary().project_form["name"]) or _titled_name(table, fields)
    return name[0] if name else None


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
