"""A final account's execution figures against the figures they are worked out from.

`年初预算为A万元，支出决算为B万元，完成年初预算的C%` must have C = B / A, and a
printed `决算数较预算数减少D万元` D = B − A, each at the precision printed (C
rounded or cut off, A and B themselves rounded). A and B are the text's own
figures (KEY and KEY.budget), which narrative.py compares with the tables.
"""

from __future__ import annotations

from decimal import Decimal

from pipeline.checks.common import quantum, summarized
from schemas.records import Check, Document, Fact

_HUNDRED = Decimal(100)


def _step(fact: Fact) -> Decimal:
    """Half the printed step of a money fact, in yuan (`54.53万元` → 50)."""
    source = fact.value_source
    number = source.rstrip("万亿千元")
    unit = "万元" if source.endswith("万") else source[len(number):] or "元"
    return quantum(number, unit) / 2


def _rate_fits(rate: Fact, spent: Fact, budget: Fact) -> bool:
    """C lies within the rates the rounded A and B allow, rounded or cut off to C's digits."""
    low = (spent.value - _step(spent)) / (budget.value + _step(budget)) * _HUNDRED
    high = (spent.value + _step(spent)) / (budget.value - _step(budget)) * _HUNDRED
    step = quantum(rate.value_source.rstrip("%％"), None)
    return low - step < rate.value <= high + step / 2


def _difference_fits(difference: Fact, spent: Fact, budget: Fact) -> bool:
    tolerance = _step(difference) + _step(spent) + _step(budget)
    return abs(difference.value - (spent.value - budget.value)) <= tolerance


def execution_figures(document: Document) -> list[Check]:
    facts = {f.key: f for f in document.facts}
    failures, compared, first_page = [], 0, None
    for fact in document.facts:
        base, _, suffix = fact.key.rpartition(".")
        if suffix not in ("execution_rate", "difference"):
            continue
        spent, budget = facts.get(base), facts.get(f"{base}.budget")
        if spent is None or budget is None or budget.sentence != fact.sentence or budget.value <= _step(budget):
            continue  # no budget stated beside it, or a budget of 0 (no rate to work out)
        compared += 1
        first_page = first_page or fact.page
        fits = _rate_fits if suffix == "execution_rate" else _difference_fits
        if not fits(fact, spent, budget):
            failures.append(Check("execution", "fail", (
                f"{fact.key}: the text on p{fact.page} says {fact.value_source}, but its figures are 预算 "
                f"{budget.value_source} and 决算 {spent.value_source}"), fact.page))
    return summarized("execution", failures, compared, first_page, "execution rates and differences")
