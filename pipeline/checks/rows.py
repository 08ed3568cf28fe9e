"""Row identities: 合计 = 基本支出 + 项目支出, 基本支出 = its parts, income total = its sources.

The parts of a whole come from the measures of its columns, plus whatever the header puts
beside them: a column no measure names (事业单位经营支出) is a part too, and a heading's
小计 is the sum of the heading's columns whatever they are called."""

from __future__ import annotations

import re
from decimal import Decimal

from pipeline.checks.common import Row, Side, agree, rounding, sides, summarized, yuan
from pipeline.normalize.measures import generic_leaf
from schemas.records import Check, Document

_BASIC_PARTS = ("basic.wages", "basic.goods_services", "basic.transfers_to_individuals")
_INCOME_PARTS = ("income.carryover", "income.appropriation", "income.general_budget", "income.fund_budget",
                 "income.state_capital", "income.special_account", "income.business", "income.operating",
                 "income.other", "income.other_balance", "income.unit_funds", "income.superior_subsidy",
                 "income.affiliated_remittance")
_OTHER_MONEY = ("previous.", "change.")
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


def _parent(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def _leaf(path: str) -> str:
    return re.sub(r"\s", "", path.rsplit("/", 1)[-1])


def _is_whole(path: str) -> bool:
    """A 小计/合计 under a heading: the whole of the columns beside it (财政拨款收入/小计)."""
    return "/" in path and generic_leaf(_leaf(path))


def _column_of(side: Side, measure: str) -> str | None:
    """The one column of a measure; where a group's 小计 shares it with the group's own
    columns (财政拨款收入/小计 and 财政拨款收入/一般公共预算收入), the 小计 stands for the group."""
    paths = [p for p, m in side.columns.items() if m == measure]
    if len(paths) == 1:
        return paths[0]
    wholes = [p for p in paths if _is_whole(p) and all(q == p or q.startswith(_parent(p) + "/") for q in paths)]
    return wholes[0] if len(wholes) == 1 else None


def _covered(path: str, wholes: list[str]) -> bool:
    """A column inside a group whose 小计 is already counted."""
    return any(path != w and path.startswith(_parent(w) + "/") for w in wholes)


def _unnamed_siblings(side: Side, whole: str, parts: list[str]) -> list[str]:
    """Columns beside the parts that no measure names (事业单位经营支出 beside 基本支出 and
    项目支出): parts of the same whole, not a different money (其中…, prior year, change)."""
    levels = {_parent(_parent(p)) if _is_whole(p) else _parent(p) for p in parts}
    if len(levels) != 1:
        return []
    level = levels.pop()
    return [p for p, m in side.columns.items()
            if m is None and p != whole and p not in parts and _parent(p) == level
            and not _leaf(p).startswith("其中") and not _is_whole(p)]


def _direct(paths: list[str], whole: str) -> list[str]:
    """The columns right under a 小计's heading (a nested heading by its own 小计)."""
    group = _parent(whole) + "/"
    children = [p for p in paths if p != whole and p.startswith(group)]
    direct = [p for p in children if "/" not in p[len(group):] or (_is_whole(p) and p.count("/") == whole.count("/") + 1)]
    return [p for p in direct if not _covered(p, [w for w in direct if _is_whole(w)])]


def _group_identities(side: Side, printed: list[str]) -> list[tuple[str, list[str]]]:
    """Each 小计 under a heading = the heading's other columns, whatever they are named,
    unless a measure identity already states that group (基本支出/小计). The heading's
    columns are the ones its header prints (`printed`), so a 小计 is compared with its one
    filled column when the others are empty. Like the measure identities, these speak of the
    budget year's own money: a prior year's or a change column (measure `previous.…`,
    `change.…`) is left to the rules comparing years."""
    stated = {prefix + whole for prefix in _MONEY_PREFIXES for whole, _parts, _unless in IDENTITIES}
    out = []
    for path, measure in side.columns.items():
        if not _is_whole(path) or measure in stated or (measure or "").startswith(_OTHER_MONEY):
            continue
        direct, heading = _direct(list(side.columns), path), _direct(printed, path)
        if direct and max(len(direct), len(heading)) >= 2 and not any(_leaf(p).startswith("其中") for p in [*direct, *heading]):
            out.append((path, direct))
    return out


def _identities(side: Side, printed: list[str]) -> list[tuple[str, list[str]]]:
    """(whole column, part columns) for the rows of one table side; `printed` is every column
    path its table's header prints."""
    out = []
    for prefix, (whole, parts, unless) in ((p, i) for p in _MONEY_PREFIXES for i in IDENTITIES):
        if unless and _column_of(side, prefix + unless):
            continue
        whole_path = _column_of(side, prefix + whole)
        found = [p for m in parts if (p := _column_of(side, prefix + m)) and not _leaf(p).startswith("其中")]
        found = [p for p in found if not _covered(p, [w for w in found if _is_whole(w)])]
        if whole_path is None or len(found) < 2:
            continue
        out.append((whole_path, found + _unnamed_siblings(side, whole_path, found)))
    return out + _group_identities(side, printed)


def _check_row(side: Side, row: Row, whole_path: str, part_paths: list[str]) -> tuple[bool, Check | None]:
    if not any(p in row.cells for p in [whole_path, *part_paths]):
        return False, None
    items = [row.cells[p] for p in part_paths if p in row.cells]
    stated = row.cells[whole_path].amount if whole_path in row.cells else Decimal(0)
    added = sum((i.amount for i in items), Decimal(0))
    printed = [row.cells[p] for p in [whole_path, *part_paths] if p in row.cells]
    tolerance = rounding(printed, side.finest)
    if agree(stated, added, tolerance):
        return True, None
    detail = (f"table {side.table_index + 1} ({side.table_kind}) row {row.label!r}: {whole_path} = {yuan(stated)} "
              f"but the parts ({', '.join(part_paths)}) add up to {yuan(added)}")
    return True, Check("row_total", "fail", detail, row.page, tables=(side.table_index,))


def _printed_columns(document: Document, table_index: int) -> list[str]:
    """The column paths a table's header prints (none known for items given without their table)."""
    tables = document.tables
    return ["/".join(path) for path in tables[table_index].header] if table_index < len(tables) else []


def row_totals(document: Document) -> list[Check]:
    checks: list[Check] = []
    for side in sides(document.line_items):
        failures, compared = [], 0
        identities = _identities(side, _printed_columns(document, side.table_index))
        for row in side.rows:
            for whole, parts in identities:
                ran, failure = _check_row(side, row, whole, parts)
                compared += ran
                if failure:
                    failures.append(failure)
        page = side.rows[0].page if side.rows else None
        where = f"table {side.table_index + 1} ({side.table_kind})"
        checks += summarized("row_total", failures, compared, page, where, (side.table_index,))
    return checks
