"""Row identities: 合计 = 基本支出 + 项目支出, 基本支出 = its parts, income total = its sources."""

from __future__ import annotations

from decimal import Decimal

from pipeline.checks.common import Row, Side, agree, outcome, quantum, sides, yuan
from schemas.records import Check, Document

_BASIC_PARTS = ("basic.wages", "basic.goods_services", "basic.transfers_to_individuals")
_INCOME_PARTS = ("income.carryover", "income.general_budget", "income.fund_budget", "income.state_capital",
                 "income.special_account", "income.business", "income.operating", "income.other",
                 "income.other_balance", "income.unit_funds")
# (whole, parts, only when this measure is absent): tried in order on every row.
IDENTITIES: tuple[tuple[str, tuple[str, ...], str | None], ...] = (
    ("total", ("basic.total", "project.total"), None),
    ("basic.total", _BASIC_PARTS, None),
    ("project.total", ("project.general", "project.special"), None),
    ("total", (*_BASIC_PARTS, "project.total"), "basic.total"),
    ("total", _INCOME_PARTS, "basic.total"),
)
# A final account's budget columns (年初预算数, 调整预算数) answer to the same identities.
_MONEY_PREFIXES = ("", "budget.", "adjusted.")


def _column_of(side: Side, measure: str) -> str | None:
    paths = [p for p, m in side.columns.items() if m == measure]
    return paths[0] if len(paths) == 1 else None


def _check_row(side: Side, row: Row, whole: str, parts: tuple[str, ...]) -> tuple[bool, Check | None]:
    whole_path = _column_of(side, whole)
    part_paths = [p for m in parts if (p := _column_of(side, m))]
    if whole_path is None or len(part_paths) < 2 or not any(p in row.cells for p in [whole_path, *part_paths]):
        return False, None
    items = [row.cells[p] for p in part_paths if p in row.cells]
    stated = row.cells[whole_path].amount if whole_path in row.cells else Decimal(0)
    added = sum((i.amount for i in items), Decimal(0))
    printed = [row.cells[p] for p in [whole_path, *part_paths] if p in row.cells]
    tolerance = max(quantum(i.amount_source, i.unit_source) for i in printed) * len(printed) / 2
    if agree(stated, added, tolerance):
        return True, None
    detail = (f"table {side.table_index + 1} ({side.table_kind}) row {row.label!r}: {whole_path} = {yuan(stated)} "
              f"but the parts ({', '.join(part_paths)}) add up to {yuan(added)}")
    return True, Check("row_total", "fail", detail, row.page)


def row_totals(document: Document) -> list[Check]:
    checks: list[Check] = []
    for side in sides(document.line_items):
        failures, compared = [], 0
        for row in side.rows:
            for (whole, parts, unless), prefix in ((i, p) for p in _MONEY_PREFIXES for i in IDENTITIES):
                if unless and _column_of(side, prefix + unless):
                    continue
                ran, failure = _check_row(side, row, prefix + whole, tuple(prefix + p for p in parts))
                compared += ran
                if failure:
                    failures.append(failure)
        page = side.rows[0].page if side.rows else None
        checks += outcome("row_total", failures, compared, page, f"table {side.table_index + 1} ({side.table_kind})")
    return checks
