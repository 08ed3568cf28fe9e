"""A form's money as line items: 项目总金额, 其中：财政拨款, a 部门整体 form's 部门预算总额, a
自评表's 年初预算数 | 全年预算数 | 全年执行数.

Every money figure a performance form prints outside its indicator blocks is a line item of
the form's table kind: `row_label` the label as printed (or the row's name under headings
that name money), `column_path` those headings or [label], `measure` from them through the
measure vocabulary (`[form_terms]`), no codes. A unit its label or headings state
(`项目资金（万元）`) beats the table's. Identifiers, dates and points (分值, 得分) are no money
(`form_layout.role`). A project keeps its own `amount` beside these.
"""

from __future__ import annotations

from pipeline.normalize.amounts import parse_amount, to_yuan
from pipeline.normalize.form_layout import Field, field, indicator_blocks, plain, role
from pipeline.normalize.measures import form_measure
from pipeline.normalize.performance import label_unit
from schemas.patterns import TOTAL
from schemas.records import LineItem, SourceTable
from schemas.text import squash


def _unit(found: Field, table_unit: str | None) -> str | None:
    """The unit a field's label, headings or block label state, else the table's."""
    for text in (found.label, *reversed(found.path), found.block or ""):
        if unit := label_unit(text):
            return unit
    return table_unit


def form_line_items(table: SourceTable, table_index: int, default_unit: str | None) -> list[LineItem]:
    """The line items of one form, in row then column order."""
    blocks = indicator_blocks(table)
    items: list[LineItem] = []
    for r, row in enumerate(table.rows):
        page = table.row_pages[r] if r < len(table.row_pages) else table.page
        for c, text in enumerate(row):
            value = parse_amount(plain(text))
            if value is None or role(table, blocks, r, c) != "field":
                continue
            found = field(table, r, c)
            unit = _unit(found, table.unit or default_unit)
            items.append(LineItem(
                table_kind=table.kind, table_index=table_index, row_index=r, page=page, row_label=found.label,
                column_path=found.path, amount=to_yuan(value, unit), amount_source=plain(text) or "",
                unit_source=unit, measure=form_measure(found.label, found.path),
                is_total=bool(TOTAL.search(squash(found.label))), column_index=c,
            ))
    return items
