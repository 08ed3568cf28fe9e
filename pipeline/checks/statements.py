"""What the narrative says of its own figures: `决算数大于预算数` must fit them.

A final account explains each item as `年初预算为A万元，支出决算为B万元。决算数
小于预算数的主要原因：…`. The comparison it states is checked against the two
figures printed just before it; a template sentence left unedited says
大于 where the figures say 小于.
"""

from __future__ import annotations

import re
from decimal import Decimal

from pipeline.checks.common import summarized
from schemas.records import Check, Document

_NUMBER = r"(\d[\d,]*(?:\.\d+)?)\s*万元"
_PAIR = re.compile(rf"年初预算(?:数)?为?\s*{_NUMBER}[，,、]\s*(?:支出)?决算(?:数)?为?\s*{_NUMBER}")
_CLAIM = re.compile(r"决算数(大于|小于|等于)(?:年初)?预算数")
_REACH = 80  # the claim follows its figures within the next sentence or two
_HOLDS = {"大于": lambda a, b: b > a, "小于": lambda a, b: b < a, "等于": lambda a, b: b == a}


def comparisons_fit_their_figures(document: Document) -> list[Check]:
    failures, compared, first_page = [], 0, None
    for section in document.sections:
        text = section.text
        for claim in _CLAIM.finditer(text):
            pairs = [p for p in _PAIR.finditer(text, max(0, claim.start() - _REACH - 60), claim.start())
                     if claim.start() - p.end() <= _REACH]
            if not pairs:
                continue
            budget, spent = (Decimal(g.replace(",", "")) for g in pairs[-1].groups())
            page = section.page_at(claim.start())
            first_page = first_page or page
            compared += 1
            if not _HOLDS[claim.group(1)](budget, spent):
                failures.append(Check("statement", "fail", (
                    f"p{page} says 决算数{claim.group(1)}预算数, but the figures before it are 年初预算 "
                    f"{budget}万元 and 决算 {spent}万元"), page))
    return summarized("statement", failures, compared, first_page, "决算数 against 预算数 claims")
