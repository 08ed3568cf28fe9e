"""The same total stated by several tables, and income = expenditure in the overviews."""

from __future__ import annotations

from pipeline.checks.common import TOTAL_LABEL, Side, agree, of_kind, quantum, sides, status, yuan
from schemas.records import Check, Document, LineItem
from schemas.table_kinds import catalog, spec


def table_total(document: Document, kind: str, measure: str, where: str = "income") -> LineItem | None:
    """A kind's total in the column of `measure`.

    `where`: "first" totals row of a one-sided table, an overview's "income" side
    (its last totals row, 收入总计), its "income_current" (that side's first, 本年收入合计),
    its "spending" side (its first, 本年支出合计) or that side's last totals row,
    "spending_all" (支出总计, 结转下年 included).
    """
    candidates = sorted((s for s in sides(document.line_items) if of_kind(s.table_kind, kind)), key=lambda s: s.table_index)
    if where.startswith("spending"):
        candidates = sorted(candidates, key=lambda s: (s.table_index, -s.side))
    last = where in ("income", "spending_all") and spec(kind).sides == 2
    for side in candidates:
        rows = [r for r in side.rows if r.is_total and TOTAL_LABEL.search(r.label) and not r.code]
        for row in reversed(rows) if last else rows:
            items = [i for i in row.cells.values() if i.measure == measure]
            if items:
                return items[0]
    return None


def _agree(a: LineItem, b: LineItem) -> bool:
    tolerance = max(quantum(a.amount_source, a.unit_source), quantum(b.amount_source, b.unit_source))
    return agree(a.amount, b.amount, tolerance)


def cross_table_totals(document: Document) -> list[Check]:
    checks: list[Check] = []
    final = document.meta.doc_kind == "final_accounts"
    for shared in catalog().shared_totals:  # declared in schemas/vocab/table_kinds.toml
        if (final and shared.budgets_only) or (not final and shared.finals_only):
            continue
        name = shared.name
        found = [
            (kind, items) for kind, measure, wheres in shared.members
            if (items := [i for where in wheres.split("|") if (i := table_total(document, kind, measure, where))])
        ]
        if len(found) < 2:
            continue
        first_kind, firsts = found[0]
        for kind, (item, *_) in found[1:]:
            agreeing = [(f, _agree(f, item)) for f in firsts]
            first, ok = next(((f, ok) for f, ok in agreeing if ok), agreeing[0])
            checks.append(Check("cross_table_total", status(ok), (
                f"{name}: {first_kind} p{first.page} {yuan(first.amount)} vs {kind} p{item.page} {yuan(item.amount)}"),
                item.page, tables=(first.table_index, item.table_index)))
    return checks


def income_equals_expenditure(document: Document) -> list[Check]:
    """收入总计 = 支出总计 in each two-sided overview table."""
    checks: list[Check] = []
    by_table: dict[int, list[Side]] = {}
    for side in sides(document.line_items):
        if spec(side.table_kind).sides == 2:
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
            f"({income.row_label}) vs expenditure {yuan(spending.amount)} ({spending.row_label})"), spending.page,
            tables=(income.table_index,)))
    return checks


def _grand_total(side: Side) -> LineItem | None:
    """The side's last totals row (收入总计 after 本年收入合计), in its total column."""
    for row in reversed(side.rows):
        if row.is_total and TOTAL_LABEL.search(row.label):
            items = [i for i in row.cells.values() if i.measure == "total"] or list(row.cells.values())
            return items[0]
    return None
