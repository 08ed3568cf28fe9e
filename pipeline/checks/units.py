"""Amounts read at the wrong scale: a table whose unit line was missed.

A spreadsheet export may print `单位：万元` apart from its table; read without
it, the table's amounts are 10,000 times too small (`4.10` for 41,000 yuan).
The narrative states the same figures in its own unit, so a table figure that
is off from the text's by exactly 10,000 (at the text's printed precision)
says the table's unit is wrong, not its numbers.
"""

from __future__ import annotations

from decimal import Decimal

from pipeline.checks.common import agree, yuan
from pipeline.checks.narrative import fact_quantum, table_amounts
from schemas.records import Check, Document

SCALE = Decimal(10000)


def _off_by_scale(stated: Decimal, amount: Decimal, quantum: Decimal) -> bool:
    if not stated or not amount or agree(stated, amount, quantum / 2):
        return False
    return agree(stated, amount * SCALE, quantum / 2) or agree(stated / SCALE, amount, quantum / 2 / SCALE)


def unit_scale(document: Document) -> list[Check]:
    """Each narrative figure whose table figure differs from it by a factor of 10,000."""
    failures, compared = [], 0
    for fact in document.facts:
        for amount, page, where in table_amounts(document, fact):
            compared += 1
            if _off_by_scale(fact.value, amount, fact_quantum(fact)):
                failures.append(Check("unit_scale", "fail", (
                    f"{fact.key}: the text on p{fact.page} says {fact.value_source} ({yuan(fact.value)}), "
                    f"{where} p{page} says {yuan(amount)}: 10,000 times apart, the table's unit is wrong"), page))
    if failures:
        return failures
    return [Check("unit_scale", "pass", f"{compared} narrative figures at the tables' scale", None)] if compared else []
