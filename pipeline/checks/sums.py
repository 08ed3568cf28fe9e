"""Column sums: the totals row = its items, and 类 = Σ款 = Σ项, per column."""

from __future__ import annotations

from decimal import Decimal

from pipeline.checks.common import TOTAL_LABEL, Row, Side, agree, rounding, sides, summarized, yuan
from schemas.records import Check, Document


def _compare(side: Side, whole: Row, parts: list[Row], rule: str) -> tuple[int, list[Check]]:
    compared, failures = 0, []
    for path, item in whole.cells.items():
        cells = [p.cells[path] for p in parts if path in p.cells]
        added = sum((c.amount for c in cells), Decimal(0))
        tolerance = rounding([item, *cells], side.finest)
        compared += 1
        if not agree(item.amount, added, tolerance):
            failures.append(Check(rule, "fail", (
                f"table {side.table_index + 1} ({side.table_kind}) column {path}: {whole.label!r} = {yuan(item.amount)} "
                f"but its {len(parts)} items add up to {yuan(added)}"), item.page, tables=(side.table_index,)))
    return compared, failures


def _unresolved(rows: list[Row]) -> bool:
    """Rows that cannot be placed in the hierarchy: a name the codebook lacks, or a row
    of a departmental × government code cross-tabulation."""
    return any((not r.code and not r.is_total) or r.crossed for r in rows)


def column_totals(document: Document) -> list[Check]:
    """The first totals row of a coded table side equals the sum of its top-level rows.

    A side with no totals row of its own is closed by the next side's: a final
    account's 基本支出决算表 prints 302 商品和服务支出 in its middle columns and
    310 资本性支出 in its last, under one 公用经费合计.
    """
    checks: list[Check] = []
    carried: list[Side] = []  # earlier sides of the table that no totals row closed
    for side in sorted(sides(document.line_items), key=lambda s: (s.table_index, s.side)):
        carried = [c for c in carried if c.table_index == side.table_index]
        total = next((r for r in side.rows if r.is_total and TOTAL_LABEL.search(r.label) and not r.code), None)
        if total is None:
            carried.append(side)
            continue
        # Only sides under the same column headers (a repeated column group) add up together.
        rows = [r for c in carried if c.columns.keys() == side.columns.keys() for r in c.rows] + side.rows
        carried = []
        coded = [r for r in rows if r.code]
        if not coded or _unresolved(rows):
            continue  # a row whose code is unknown cannot be placed: the sum cannot be checked
        codes = {r.code for r in coded}
        # Top rows: those no other row of the table is the parent of (a local 7-digit
        # economic code may stand beside 5-digit ones with no 款 row above it).
        items = [r for r in coded if not any(r.code != c and (r.code or "").startswith(c or "") for c in codes)]
        compared, failures = _compare(side, total, items, "column_total")
        checks += summarized("column_total", failures, compared, total.page,
                          f"table {side.table_index + 1} ({side.table_kind}) totals row", (side.table_index,))
    return checks


def hierarchy_sums(document: Document) -> list[Check]:
    """Each 类 (or 款) row equals the sum of the rows one level below it that follow it."""
    checks: list[Check] = []
    for side in sides(document.line_items):
        failures: list[Check] = []
        compared = 0
        for index, row in enumerate(side.rows):
            if not row.code or len(row.code) >= 7 or row.crossed:
                continue
            block = []
            for later in side.rows[index + 1:]:
                if later.is_total or (later.code and len(later.code) <= len(row.code)):
                    break
                block.append(later)
            children = [r for r in block if r.code and len(r.code) == len(row.code) + 2 and r.code.startswith(row.code)]
            if children and not _unresolved(block):
                done, found = _compare(side, row, children, "hierarchy_sum")
                compared += done
                failures += found
        page = side.rows[0].page if side.rows else None
        where = f"table {side.table_index + 1} ({side.table_kind})"
        checks += summarized("hierarchy_sum", failures, compared, page, where, (side.table_index,))
    return checks
