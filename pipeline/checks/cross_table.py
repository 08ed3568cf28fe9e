"""The same total stated by several tables, and income = expenditure in the overviews."""

from __future__ import annotations

from pipeline.checks.common import TOTAL_LABEL, Side, agree, quantum, sides, status, yuan
from schemas.records import Check, Document, LineItem

# Groups of (table kind, measure) whose totals rows must agree.
SAME_TOTALS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("department total", (("overview", "total"), ("department_income", "total"), ("department_expenditure", "total"))),
    ("general public budget", (("general_budget_expenditure", "total"), ("appropriation_overview", "income.general_budget"))),
    ("general public budget, basic", (("general_budget_basic", "total"), ("general_budget_expenditure", "basic.total"))),
)


def table_total(document: Document, kind: str, measure: str) -> LineItem | None:
    """The amount of a kind's first totals row in the column of `measure` (expenditure side last)."""
    candidates = [s for s in sides(document.line_items) if s.table_kind == kind]
    for side in sorted(candidates, key=lambda s: (s.table_index, -s.side)):
        total = _total_item(side, measure)
        if total is not None:
            return total
    return None


def _total_item(side: Side, measure: str) -> LineItem | None:
    for row in side.rows:
        if row.is_total and TOTAL_LABEL.search(row.label) and not row.code:
            items = [i for i in row.cells.values() if i.measure == measure]
            if items:
                return items[0]
    return None


def cross_table_totals(document: Document) -> list[Check]:
    checks: list[Check] = []
    for name, members in SAME_TOTALS:
        found = [(kind, item) for kind, measure in members if (item := table_total(document, kind, measure))]
        if len(found) < 2:
            continue
        first_kind, first = found[0]
        for kind, item in found[1:]:
            tolerance = max(quantum(first.amount_source, first.unit_source), quantum(item.amount_source, item.unit_source))
            checks.append(Check("cross_table_total", status(agree(first.amount, item.amount, tolerance)), (
                f"{name}: {first_kind} p{first.page} {yuan(first.amount)} vs {kind} p{item.page} {yuan(item.amount)}"),
                item.page))
    return checks


def income_equals_expenditure(document: Document) -> list[Check]:
    """收入总计 = 支出总计 in each two-sided overview table."""
    checks: list[Check] = []
    by_table: dict[int, list[Side]] = {}
    for side in sides(document.line_items):
        if side.table_kind in ("overview", "appropriation_overview"):
            by_table.setdefault(side.table_index, []).append(side)
    for table_sides in by_table.values():
        if len(table_sides) < 2:
            continue
        income = _grand_total(table_sides[0])
        spending = _grand_total(table_sides[-1])
        if income is None or spending is None:
            continue
        tolerance = max(quantum(income.amount_source, income.unit_source),
                        quantum(spending.amount_source, spending.unit_source))
        ok = agree(income.amount, spending.amount, tolerance)
        checks.append(Check("income_equals_expenditure", status(ok), (
            f"table {income.table_index + 1} ({income.table_kind}): income {yuan(income.amount)} "
            f"({income.row_label}) vs expenditure {yuan(spending.amount)} ({spending.row_label})"), spending.page))
    return checks


def _grand_total(side: Side) -> LineItem | None:
    """The side's last totals row (收入总计 after 本年收入合计), in its total column."""
    for row in reversed(side.rows):
        if row.is_total and TOTAL_LABEL.search(row.label):
            items = [i for i in row.cells.values() if i.measure == "total"] or list(row.cells.values())
            return items[0]
    return None
