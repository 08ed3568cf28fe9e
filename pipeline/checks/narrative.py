"""The narrative against the tables, and the 三公 total against its parts."""

from __future__ import annotations

import re
from decimal import Decimal

from pipeline.checks.common import agree, of_kind, quantum, sides, status, yuan
from pipeline.checks.cross_table import table_total
from pipeline.normalize.facts import MENTION, is_money, mention_yuan, money_unit
from schemas.records import Check, Document, Fact, ThreePublic

# fact key → the totals (table kind, measure, where) that may state the same figure;
# the first is the usual reading. A narrative's 支出预算 is the expenditure table's
# total, or, where the text counts 结转下年 in (as SWU's does), the overview's 支出总计;
# its 收入总计 may be the overview's 收入总计 or, in SWU's final account, 本年收入合计.
FACT_TABLE: dict[str, tuple[tuple[str, str, str], ...]] = {
    "total": (("overview", "total", "income"), ("overview", "total", "first")),
    "income.total": (("department_income", "total", "first"),),
    "expenditure.total": (("department_expenditure", "total", "first"), ("overview", "total", "spending_all")),
    "expenditure.basic": (("department_expenditure", "basic.total", "first"),),
    "expenditure.project": (("department_expenditure", "project.total", "first"),),
    "general_budget.total": (("general_budget_expenditure", "total", "first"),),
    "appropriation.total": (("appropriation_overview", "total", "income"),),
    "fund_budget.total": (("fund_budget_expenditure", "total", "first"),),
}
# A section's scope (Fact.scope) decides the table: a 类's figure in a section on all funds
# is the expenditure table's, on the government fund budget the fund table's, on 财政拨款
# (general budget and fund money) the appropriation overview's; a 收入/支出 total in a section
# on 财政拨款 is the appropriation overview's.
CLASS_TABLE = {"all": "department_expenditure", "fund_budget": "fund_budget_expenditure",
               "appropriation": "appropriation_overview"}
_DEFAULT_CLASS_TABLE = "general_budget_expenditure"
SCOPED_TOTALS: dict[tuple[str, str], tuple[tuple[str, str, str], ...]] = {
    ("appropriation", key): (("appropriation_overview", "total", "income"),)
    for key in ("total", "income.total", "expenditure.total")
}
_THREE_PUBLIC = ("total", "outbound_travel", "reception", "vehicles", "vehicle_purchase", "vehicle_operation")
# A final account's `KEY.budget` (年初预算) and `KEY.adjusted` facts: the table columns of that money.
_AGAINST = {"budget": "budget.", "adjusted": "adjusted."}


def fact_quantum(fact: Fact) -> Decimal:
    source = fact.value_source
    number = source.rstrip("万亿千元")
    unit = "万元" if source.endswith("万") else source[len(number):] or "元"
    return quantum(number, unit)


def _class_amount(
    document: Document, code: str, kind: str = _DEFAULT_CLASS_TABLE, measure: str = "total"
) -> tuple[Decimal, int] | None:
    """A 类's (款's, 项's) amount of `measure` in a table by functional code: its own row,
    else the sum of its top rows."""
    for side in sides(document.line_items):
        if not of_kind(side.table_kind, kind):
            continue
        rows = [r for r in side.rows if r.code and r.code.startswith(code)]
        if not rows:
            continue
        top = min(len(r.code or "") for r in rows)
        items = [i for r in rows if len(r.code or "") == top for i in r.cells.values() if i.measure == measure]
        if items:
            return sum((i.amount for i in items), Decimal(0)), items[0].page
    return None


def _at_printed_precision(printed: Decimal, amount: Decimal, quantum: Decimal) -> bool:
    """The text's figure is the table's rounded, or cut off (截尾: 877,080元 as 87.70万元), to
    the digits the text prints."""
    cut = abs(amount) - abs(printed)
    return agree(printed, amount, quantum / 2) or (printed * amount >= 0 and Decimal(0) <= cut < quantum)


def _compare(fact: Fact, amount: Decimal, page: int, where: str) -> Check:
    ok = _at_printed_precision(fact.value, amount, fact_quantum(fact))
    return Check("narrative_vs_table", status(ok), (
        f"{fact.key}: the text on p{fact.page} says {fact.value_source} ({yuan(fact.value)}), "
        f"{where} p{page} says {yuan(amount)}"), fact.page, covered=1)


_ITEM_KEY = re.compile(r"general_budget\.(?:class|item)\.(\d+)$")


def _names_an_item(fact: Fact) -> bool:
    """A figure of a numbered 类/款/项 (`general_budget.class.205`), not its share, change or last year's."""
    return _ITEM_KEY.match(fact.key) is not None


def table_amounts(document: Document, fact: Fact) -> list[tuple[Decimal, int, str]]:
    """The table figures (amount, page, table kind) a narrative fact may state, usual reading first.

    The section's scope (`Fact.scope`) decides the table: a 类's figure in a section on
    all funds is the expenditure table's, falling back to the general-budget table.
    """
    three = document.three_public
    if fact.unit != "yuan" or not fact.value_source:
        return []
    tables = SCOPED_TOTALS.get((fact.scope or "", fact.key)) or FACT_TABLE.get(fact.key)
    if tables:
        found = [(item.amount, item.page, kind) for kind, measure, where in tables
                 if (item := table_total(document, kind, measure, where)) is not None]
        kind = tables[0][0]
        if not found and kind == "fund_budget_expenditure":
            empty = next((t.page for t in document.tables if t.kind == kind and t.empty), None)
            found = [(Decimal(0), empty, kind)] if empty is not None else []
        return found
    if _names_an_item(fact):
        code = fact.key.rsplit(".", 1)[1]
        for table in dict.fromkeys((CLASS_TABLE.get(fact.scope or "", _DEFAULT_CLASS_TABLE), _DEFAULT_CLASS_TABLE)):
            if (amount := _class_amount(document, code, table)) is not None:
                return [(amount[0], amount[1], table)]
        return []
    if fact.key.startswith("three_public.") and fact.key.split(".", 1)[1] in _THREE_PUBLIC and three.page:
        value = getattr(three, fact.key.split(".", 1)[1])
        return [(value if value is not None else Decimal(0), three.page, "three_public")]
    return []


def _budgeted(document: Document, key: str, prefix: str) -> tuple[Decimal, int, str] | None:
    """What a final account's tables print as the budget (`prefix` budget. or adjusted.) of `key`."""
    if key in FACT_TABLE:
        for kind, measure, where in FACT_TABLE[key]:
            if (item := table_total(document, kind, prefix + measure, where)) is not None:
                return item.amount, item.page, kind
    elif key.startswith(("general_budget.class.", "general_budget.item.")):
        if found := _class_amount(document, key.rsplit(".", 1)[1], measure=prefix + "total"):
            return found[0], found[1], "general_budget_expenditure"
    elif key.startswith("three_public.") and prefix == "budget.":
        planned = document.budgeted_three_public
        field = key.split(".", 1)[1]
        if planned.page is not None and field in _THREE_PUBLIC:
            return getattr(planned, field) or Decimal(0), planned.page, "three_public 预算数"
    return None


def narrative_vs_tables(document: Document) -> list[Check]:
    checks: list[Check] = []
    for fact in document.facts:
        if fact.unit != "yuan" or not fact.value_source:
            continue
        base, _, suffix = fact.key.rpartition(".")
        if suffix in _AGAINST:
            if (budgeted := _budgeted(document, base, _AGAINST[suffix])) is not None:
                checks.append(_compare(fact, *budgeted))
            continue
        if suffix == "difference":
            continue  # the text's own arithmetic: checks/execution.py
        compared = [_compare(fact, amount, page, where) for amount, page, where in table_amounts(document, fact)]
        if compared:
            checks.append(next((c for c in compared if c.status == "pass"), compared[0]))
        elif (_names_an_item(fact) and fact.value != 0  # a table prints no row for an item of 0万元
              and any(of_kind(i.table_kind, _DEFAULT_CLASS_TABLE) for i in document.line_items)):
            checks.append(Check("coverage", "fail", (
                f"{fact.key}: the text on p{fact.page} names {fact.label} ({fact.value_source}), "
                f"but no row of code {fact.key.rsplit('.', 1)[1]} was read in the tables"), fact.page, covered=0))
    return checks


def three_public_parts(document: Document) -> list[Check]:
    """三公 total = 出国 + 接待 + 公务用车; 公务用车 = 购置 + 运行."""
    return _parts_add_up(document.three_public, "")


def narrative_three_public_parts(document: Document) -> list[Check]:
    """The same sums over the figures the narrative states, where no table prints the
    三公 to check them against (a narrative published, or scanned, without its tables):
    a misread digit in one of them then shows."""
    if document.three_public.page is not None:
        return []
    stated = {f.key.split(".", 1)[1]: f for f in document.facts if f.key.startswith("three_public.")
              and f.key.split(".", 1)[1] in _THREE_PUBLIC and f.unit == "yuan"}
    if "total" not in stated:
        return []
    three = ThreePublic(page=stated["total"].page, **{k: f.value for k, f in stated.items()})
    if three.vehicles is None and (three.vehicle_purchase is not None or three.vehicle_operation is not None):
        # only its parts are stated: they stand in for it in the total's sum, and are not checked twice
        three.vehicles = (three.vehicle_purchase or Decimal(0)) + (three.vehicle_operation or Decimal(0))
        three.vehicle_purchase = three.vehicle_operation = None
    return _parts_add_up(three, " (as the text states them)")


def _parts_add_up(three: ThreePublic, where: str) -> list[Check]:
    if three.page is None:
        return []
    zero = Decimal(0)
    checks = []
    pairs = (
        ("total", three.total, (three.outbound_travel, three.reception, three.vehicles)),
        ("vehicles", three.vehicles, (three.vehicle_purchase, three.vehicle_operation)),
    )
    for name, whole, parts in pairs:
        if whole is None or all(p is None for p in parts):
            continue
        added = sum((p or zero for p in parts), zero)
        tolerance = Decimal("0.01") * len(parts) if whole == whole.quantize(Decimal("0.01")) else Decimal(1)
        checks.append(Check("three_public_parts", status(agree(whole, added, tolerance)),
                            f"三公 {name} = {yuan(whole)}, its parts add up to {yuan(added)}{where}", three.page))
    return checks


def projects_add_up(document: Document) -> list[Check]:
    """`编报绩效目标的项目5个，涉及项目预算资金3328.13万元` against the projects read
    (or, as some texts mean it, the whole 项目支出 of the expenditure table).

    Compared only where the text counts as many projects as were read, each
    with an amount: a text counting more describes projects printed nowhere.
    """
    count = next((f for f in document.facts if f.key == "performance.projects"), None)
    projects = document.projects
    if count is None or int(count.value) != len(projects) or any(p.amount is None for p in projects):
        return []
    # The money the counted projects involve (`涉及项目预算资金…`, `涉及一级预算项目10个，预算资金…`).
    end = count.sentence.find(count.value_source) + len(count.value_source)
    money = next((m for m in MENTION.finditer(count.sentence, end) if is_money(m)
                  and "涉及" in count.sentence[:m.start()]), None)
    if money is None:
        return []
    stated = mention_yuan(money)
    added = sum((p.amount or Decimal(0) for p in projects), Decimal(0))
    tolerance = quantum(money.group("num"), money_unit(money)) * (len(projects) + 1) / 2
    # Some texts give the department's whole 项目支出 instead (its forms show only some projects).
    whole = table_total(document, "department_expenditure", "project.total", "first")
    # Others give the projects' 一般公共预算 funding (the 项目支出表's column of that source).
    funded = table_total(document, "project_expenditure", "income.general_budget", "first")
    ok = agree(stated, added, tolerance) or any(
        t is not None and agree(stated, t.amount, tolerance) for t in (whole, funded))
    return [Check("narrative_vs_table", status(ok), (
        f"performance.projects: the text on p{count.page} says its {len(projects)} projects come to "
        f"{money.group(0)} ({yuan(stated)}); the projects read add up to {yuan(added)}"
        + (f", the 项目支出 total is {yuan(whole.amount)}" if whole is not None else "")), count.page)]
