"""A year-on-year change the narrative states against the two figures it is worked out from.

`2022年当年预算执行数为274.85万元，2023年预算安排441.25万元，比2022年预算执行数增加60.54%`
must have the change percent C = (441.25 − 274.85) / 274.85 and a printed change
amount D = 441.25 − 274.85, each at the precision printed. The year's figure is KEY,
last year's KEY.previous (stated in the sentence of the change), the change
`STEM.change_amount` / `STEM.change_percent` (signed: a decrease is negative).
"""

from __future__ import annotations

from decimal import Decimal

from pipeline.checks.common import quantum, summarized
from pipeline.checks.narrative import fact_quantum
from pipeline.normalize.facts import change_stem
from schemas.records import Check, Document, Fact

_HUNDRED = Decimal(100)


def _step(fact: Fact) -> Decimal:
    """Half the printed step of a money fact, in yuan (`54.53万元` → 50)."""
    return fact_quantum(fact) / 2


def _percent_fits(percent: Fact, current: Fact, previous: Fact) -> bool:
    """C lies within the changes the rounded figures allow, rounded or cut off to C's digits."""
    low = (current.value - _step(current)) / (previous.value + _step(previous)) * _HUNDRED - _HUNDRED
    high = (current.value + _step(current)) / (previous.value - _step(previous)) * _HUNDRED - _HUNDRED
    step = quantum(percent.value_source.rstrip("%％ "), None)
    return low - step < percent.value <= high + step / 2 or low - step / 2 <= percent.value < high + step


def _amount_fits(change: Fact, current: Fact, previous: Fact) -> bool:
    tolerance = _step(change) + _step(current) + _step(previous)
    return abs(change.value - (current.value - previous.value)) <= tolerance


def change_figures(document: Document) -> list[Check]:
    first: dict[tuple[str, str | None], Fact] = {}
    for fact in document.facts:
        first.setdefault((fact.key, fact.scope), fact)
    failures, compared, first_page = [], 0, None
    for previous in document.facts:
        if not previous.key.endswith(".previous") or previous.unit != "yuan":
            continue
        key = previous.key.removesuffix(".previous")
        current = first.get((key, previous.scope))
        if current is None or current.unit != "yuan":
            continue
        for suffix, fits in (("change_amount", _amount_fits), ("change_percent", _percent_fits)):
            change = first.get((f"{change_stem(key)}.{suffix}", previous.scope))
            if change is None or change.sentence != previous.sentence:
                continue
            if suffix == "change_percent" and previous.value <= _step(previous):
                continue  # last year's 0: no rate to work out
            compared += 1
            first_page = first_page or change.page
            if not fits(change, current, previous):
                failures.append(Check("change", "fail", (
                    f"{change.key}: the text on p{change.page} says {change.value_source}, but its figures are "
                    f"{previous.value_source} last year and {current.value_source} this year"), change.page))
    return summarized("change", failures, compared, first_page, "year-on-year changes against their figures")
