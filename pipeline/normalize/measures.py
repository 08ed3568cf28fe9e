"""Column paths to the contract's measure keys, from the vocabulary in vocab/measures.toml."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

_NOISE = re.compile(r"[\s\"'“”‘’]")
_YEAR = re.compile(r"(20\d{2})年")


@dataclass(frozen=True)
class MeasureVocabulary:
    terms: tuple[tuple[str, str], ...]  # longest term first
    generic: frozenset[str]
    prefixes: tuple[tuple[str, str], ...]
    final_prefixes: tuple[tuple[str, str], ...]  # only in a final account (决算): the budget beside 决算数
    rows: tuple[tuple[str, str], ...]  # row labels naming a money rather than a classification item
    form_terms: tuple[tuple[str, str], ...]  # a form's labels and money headings (longest first)
    form_prefixes: tuple[tuple[str, str], ...]  # a 自评表's budget and spent columns


@cache
def vocabulary() -> MeasureVocabulary:
    text = resources.files("pipeline.normalize").joinpath("vocab/measures.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    unknown = set(data) - {"terms", "generic", "prefixes", "final_prefixes", "rows", "form_terms", "form_prefixes"}
    if unknown:
        raise ValueError(f"measures.toml: unknown sections {sorted(unknown)}")
    return MeasureVocabulary(
        terms=tuple(sorted(data["terms"].items(), key=lambda kv: -len(kv[0]))),
        generic=frozenset(data["generic"]["leaves"]),
        prefixes=tuple(sorted(data["prefixes"].items(), key=lambda kv: -len(kv[0]))),
        final_prefixes=_longest_first(data["final_prefixes"]),
        rows=_longest_first(data["rows"]),
        form_terms=_longest_first(data["form_terms"]),
        form_prefixes=_longest_first(data["form_prefixes"]),
    )


def _longest_first(pairs: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(pairs.items(), key=lambda kv: -len(kv[0])))


_RATE = re.compile(r"%|％|幅度|比例|增长率|百分比")
_BRACKETED = re.compile(r"[（(][^（）()]*[)）]")


def _term(text: str, pairs: tuple[tuple[str, str], ...]) -> str | None:
    """The measure of the longest term the text holds; of two as long, the one printed last (a
    Chinese noun phrase ends in its head: 财政拨款安排的三公经费 is 三公经费, paid by 财政拨款).
    A bracketed qualifier is read only when the rest names nothing (事业收入（不含教育收费）)."""
    bare = _BRACKETED.sub("", text)
    for candidate in dict.fromkeys((bare, text)):
        found = [(len(term), candidate.rfind(term) + len(term), value) for term, value in pairs if term in candidate]
        if found:
            return max(found)[2]
    return None


def generic_leaf(element: str) -> bool:
    """A leaf such as 小计 or 2022年预算数 that means "all of the parent"."""
    return any(re.fullmatch(rf"(\d{{4}}年度?|本年)?{re.escape(leaf)}", element) for leaf in vocabulary().generic)


def measure_of(path: list[str], year: int | None = None, final: bool = False) -> str | None:
    """The measure a column path names, or None when no term fits.

    A generic leaf (小计, 预算数) inherits its parent's measure; a specific leaf
    with no term (其中：财政拨款) names none. Carried-over, prior-year and
    change ancestors prefix the measure (`carryover.basic.total`); so does a
    column headed by a year before the fiscal `year` (2025年预算数 in a 2026 budget).
    In a final account (`final`) the 决算数 is the plain measure and the budget
    printed beside it takes its own prefix (年初预算数 → `budget.total`).
    """
    vocab = vocabulary()
    prefixes = tuple(sorted(vocab.final_prefixes + vocab.prefixes, key=lambda kv: -len(kv[0]))) if final else vocab.prefixes
    elements = [_NOISE.sub("", p) for p in path]
    if any(_term(e, prefixes) == "change." for e in elements):
        # the contract has two change measures: the amount and the rate
        return "change.percent" if any(_RATE.search(e) for e in elements) else "change.amount"
    measure, found_at = None, len(elements)
    for index in reversed(range(len(elements))):
        element = elements[index]
        measure = _term(element, vocab.terms)
        if measure:
            found_at = index
            break
        if not generic_leaf(element) and index == len(elements) - 1 and not _term(element, prefixes):
            return None
    prefix = next(
        (p for i, e in enumerate(elements) if i != found_at and (p := _term(e, prefixes))), ""
    )
    if not prefix and year and any(int(y) < year for e in elements for y in _YEAR.findall(e)):
        prefix = "previous."
    if measure is None:
        return f"{prefix}total" if prefix or (elements and generic_leaf(elements[-1])) else None
    if prefix == "carryover." and measure.startswith("income."):
        return "income.carryover"
    return prefix + measure


def row_measure(label: str) -> str | None:
    """The money a row with no code names by its label (`结转下年` → carryforward), or None."""
    return _term(_NOISE.sub("", label), vocabulary().rows) if label else None


def with_row(measure: str | None, row: str | None) -> str | None:
    """A `total` column's measure on a row naming its money: the row's (`previous.total` on a
    结转下年 row → `previous.carryforward`); a column naming a money of its own keeps it."""
    if row is None or measure is None or not (measure == "total" or measure.endswith(".total") and measure.count(".") == 1):
        return measure
    return measure[: -len("total")] + row


_SENTENCE = re.compile(r"[。，,；;]")
_MAX_HEADING = 16
_MAX_LABEL = 24


def names_money(heading: str) -> bool:
    """Whether a form's heading names money: a measure, a prefix or a generic leaf (金额, 预算数),
    in a heading's few words (a sentence mentioning 财政资金 heads nothing)."""
    vocab = vocabulary()
    text = _NOISE.sub("", heading)
    if len(text) > _MAX_HEADING or _SENTENCE.search(text):
        return False
    pairs = vocab.form_terms + vocab.terms + vocab.form_prefixes + vocab.prefixes + vocab.final_prefixes
    return _term(text, pairs) is not None or any(leaf in text for leaf in vocab.generic)


def form_measure(label: str, path: list[str]) -> str | None:
    """The measure of a form's money: its headings' terms leaf first (a 合计 or 小计 leaf takes its
    parent's), else its label's, else `total` under a generic heading alone (金额); the headings'
    other words prefix it (年初预算数 → `budget.`,
    全年预算数 → `adjusted.`, 上年执行数 → `previous.`). None when nothing names it."""
    vocab = vocabulary()
    terms = vocab.form_terms + vocab.terms
    prefixes = tuple(sorted(vocab.form_prefixes + vocab.prefixes, key=lambda kv: -len(kv[0])))
    headings = [_NOISE.sub("", e) for e in path if e != label]
    words = _NOISE.sub("", label)
    # leaf first, the label last; a sentence (a task's description) names no money
    order = [*reversed(headings), "" if len(words) > _MAX_LABEL or _SENTENCE.search(words) else words]
    found = next(((i, m) for i, e in enumerate(order) if not (generic_leaf(e) and i < len(headings) - 1)
                  and (m := _term(e, terms))), None)
    if found is None and headings and generic_leaf(headings[-1]):
        found = (0, "total")  # 金额, 预算数 alone: the whole of the row's money
    if found is None:
        return None
    at, measure = found
    prefix = next((p for i, e in enumerate(order) if i != at and (p := _term(e, prefixes)) is not None), "")
    if prefix == "carryover." and measure.startswith("income."):
        return "income.carryover"
    if prefix == "previous." and measure.startswith("previous."):
        return measure
    return prefix + measure
