"""What the rules share: tables as rows of measured amounts, and printed precision."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from pipeline.normalize.amounts import UNIT_FACTORS
from schemas.patterns import TOTAL
from schemas.records import Check, LineItem, Status
from schemas.table_kinds import catalog

TOTAL_LABEL = TOTAL


def quantum(source: str, unit: str | None) -> Decimal:
    """The smallest step a printed number can show, in yuan (`500.9` 万元 → 1000)."""
    decimals = len(source.split(".", 1)[1]) if "." in source else 0
    return Decimal(1).scaleb(-decimals) * UNIT_FACTORS.get(unit or "元", Decimal(1))


def rounding(cells: list[LineItem], finest: Decimal) -> Decimal:
    """How far printed figures may add up off their printed total by rounding alone: half the
    last printed digit of each. A printed 0 is exact where its table prints finer figures (a
    system printing 356.49 prints a zero as 0 or 0.00 alike), else as coarse as it looks."""
    return sum(((finest if c.amount == 0 else quantum(c.amount_source, c.unit_source)) / 2 for c in cells),
               Decimal(0))


def of_kind(table_kind: str, kind: str) -> bool:
    """A table of `kind`, or a final account's table mirroring it (`final_overview` for
    `overview`): a final account's tables answer to the same rules as a budget's."""
    return catalog().mirrors(table_kind, kind)


def agree(expected: Decimal, actual: Decimal, tolerance: Decimal) -> bool:
    return abs(expected - actual) <= tolerance


def status(ok: bool) -> Status:
    return "pass" if ok else "fail"


def yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


@dataclass
class Row:
    """One printed row of one side of a table: its amounts by column."""

    page: int
    label: str
    code: str | None
    is_total: bool
    cells: dict[str, LineItem] = field(default_factory=dict)  # column path → item
    crossed: bool = False
    """The row carries a departmental and a government economic code: a cross-tabulation,
    in which one code's class row is not the sum of the rows below it."""


@dataclass
class Side:
    table_index: int
    table_kind: str
    side: int
    rows: list[Row] = field(default_factory=list)
    columns: dict[str, str | None] = field(default_factory=dict)  # column path → measure
    finest: Decimal = Decimal(0)
    """The finest precision the side prints a figure in, in yuan (`rounding`'s zeros)."""


def sides(items: list[LineItem]) -> list[Side]:
    """Line items regrouped as table sides of rows, in printed order. A form's money is left
    out: its label | value fields are no rows of columns to add up."""
    grouped: dict[tuple[int, int], Side] = {}
    rows: dict[tuple[int, int, int], Row] = defaultdict(lambda: Row(0, "", None, False))
    measures: dict[tuple[int, int], dict[str, Counter[str | None]]] = defaultdict(lambda: defaultdict(Counter))
    for item in items:
        if catalog().spec(item.table_kind).is_form:
            continue
        key = (item.table_index, item.side)
        side = grouped.setdefault(key, Side(item.table_index, item.table_kind, item.side))
        row_key = (item.table_index, item.side, item.row_index)
        if row_key not in rows:
            row = Row(item.page, item.row_label, item.functional_code or item.economic_code, item.is_total,
                      crossed=bool(item.economic_code and item.government_economic_code
                                   and item.economic_code != item.government_economic_code))
            rows[row_key] = row
            side.rows.append(row)
        path = "/".join(item.column_path)
        rows[row_key].cells[path] = item
        measures[key][path][item.measure] += 1
    for key, side in grouped.items():  # a column's measure is its rows' (a 结转下年 row names its own)
        side.columns = {path: counts.most_common(1)[0][0] for path, counts in measures[key].items()}
        side.finest = min(quantum(i.amount_source, i.unit_source) for row in side.rows for i in row.cells.values())
    return list(grouped.values())


def summarized(
    rule: str, failures: list[Check], compared: int, page: int | None, where: str, tables: tuple[int, ...] = ()
) -> list[Check]:
    """The failures, or one passing check saying how many comparisons agreed (of `tables`)."""
    if failures:
        for failure in failures:
            failure.covered = 1 if failure.covered is None else failure.covered
        return failures
    if compared == 0:
        return []
    return [Check(rule, "pass", f"{where}: {compared} comparisons agree", page, tables=tables, covered=compared)]
