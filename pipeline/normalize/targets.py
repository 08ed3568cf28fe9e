"""Performance targets (指标值) to operator, value and unit.

`≥95%` is (>=, 95, %); `≧90%` the same with a full-width sign; `不少于2次`
is (>=, 2, 次); `140/人/天` has no operator but a value and unit `/人/天`;
`≥13459.00(平方米)` keeps 平方米 as its unit; qualitative targets (`有效`,
`完成率100%`) keep all three null.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

OPERATORS = (
    ("不低于", ">="), ("不少于", ">="), ("不高于", "<="), ("不超过", "<="),
    ("≥", ">="), ("≧", ">="), (">=", ">="), ("＞=", ">="), ("≤", "<="), ("≦", "<="), ("<=", "<="), ("＜=", "<="),
    ("＝", "="), ("=", "="), ("＞", ">"), (">", ">"), ("＜", "<"), ("<", "<"),
)
_NUMBER = re.compile(r"^([-−]?\d[\d,]*(?:\.\d+)?)(.*)$")
_MAX_UNIT = 8  # longer "units" are sentences that happen to start with a number
_BRACKETS = re.compile(r"^[（(](.*)[)）]$")


@dataclass(frozen=True)
class Target:
    operator: str | None
    value: Decimal | None
    unit: str | None


def parse_target(raw: str) -> Target:
    """Operator, value and unit of one printed target."""
    text = re.sub(r"\s+", "", raw)
    operator = None
    for sign, name in OPERATORS:
        if text.startswith(sign):
            operator, text = name, text[len(sign):]
            break
    number = _NUMBER.match(text)
    if number is None:
        return Target(None, None, None)
    value = Decimal(number.group(1).replace(",", "").replace("−", "-"))
    unit = number.group(2).strip()
    if bracketed := _BRACKETS.match(unit):
        unit = bracketed.group(1)
    return Target(operator, value, unit or None)


def looks_like_target(text: str | None) -> bool:
    """A cell that reads as a target value rather than an indicator's name."""
    if not text:
        return False
    squashed = re.sub(r"\s+", "", text)
    if any(squashed.startswith(sign) for sign, _ in OPERATORS):
        return True
    parsed = parse_target(squashed)
    return parsed.value is not None and len(parsed.unit or "") <= _MAX_UNIT
