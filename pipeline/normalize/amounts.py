"""Printed amounts to exact yuan.

`500.9` in a 万元 table is exactly 5,009,000 yuan; `44,156.640120` 万元 is
441,566,401.20 yuan. Parsing never goes through float.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from extractors.header import AMOUNT

UNIT_FACTORS = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000), "亿元": Decimal(100000000)}


def parse_amount(text: str | None) -> Decimal | None:
    """The number a cell prints, or None when it prints none (blank, `-`, text)."""
    if not text:
        return None
    raw = re.sub(r"\s+", "", text)
    if not AMOUNT.match(raw):
        return None
    negative = raw.startswith(("-", "−", "(", "（"))
    digits = re.sub(r"[^\d.]", "", raw)
    try:
        value = Decimal(digits)
    except InvalidOperation:
        return None
    return -value if negative else value


def to_yuan(value: Decimal, unit: str | None) -> Decimal:
    """A printed value in yuan, given its table's unit (yuan when unknown)."""
    return value * UNIT_FACTORS.get(unit or "元", Decimal(1))
