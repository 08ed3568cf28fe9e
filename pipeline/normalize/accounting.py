"""Accounting for every printed amount (the export contract's "Accounting" section).

An amount a page prints is accounted for when a record gives it a meaning: a line
item with a measure (and, in a coded table, a code), a field of a 三公, project or
indicator record, or a fact. `printed.py` lists every amount the document prints,
each with the reason it would be unaccounted; the records claim theirs, and what
no record claims becomes an `Unaccounted` entry. A parse that reports its own gaps
this way can be trusted where it is clean and read where it is not.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.normalize.measures import row_measure
from pipeline.normalize.printed import Figure, note_figures, section_figures, table_figures
from pipeline.normalize.three_public import three_public_field
from schemas.patterns import ORGANIZATION, TOTAL_OR_SUBTOTAL
from schemas.records import Coverage, Extraction, Fact, LineItem, Records, Unaccounted
from schemas.table_kinds import spec
from schemas.text import squash

REASONS = {
    "column_without_measure": "a line item whose column names no measure: its header is outside the measure vocabulary",
    "row_without_code": "a line item of a coded table whose row got no classification code",
    "cell_not_read": "a figure in a table of amounts that no line item took",
    "cell_text_not_read": "a money figure written inside a text cell of a table of amounts",
    "table_of_unknown_kind": "a figure in a table of no known kind",
    "table_not_read": "a figure in a table whose kind yields no records",
    "form_value_not_read": "a form's figure that no project or indicator field took",
    "form_text_not_read": "a money figure in a form's prose",
    "target_not_read": "a performance target that no indicator took",
    "sentence_not_read": "a money figure (or the share or change of one) that the narrative grammar does not name",
    "figure_without_unit": "a figure printed in prose without a unit: a line of a table no table took, or an unread sentence",
    "note_not_read": "a figure in a table's note",
}
"""Why an amount is unaccounted: every `Unaccounted.reason` is one of these."""


@dataclass(frozen=True)
class Accounts:
    """The accounting of one document."""

    unaccounted: list[Unaccounted]
    coverage: list[Coverage]
    printed: int


def account(extraction: Extraction, records: Records, statements: list[Fact]) -> Accounts:
    """What the records leave unaccounted of everything the document prints.

    `statements` are every fact the narrative states, restatements of a key included
    (`records.facts` keeps the first of each): a restated figure has its meaning too.
    """
    figures = [f for i, t in enumerate(extraction.tables) for f in table_figures(t, i)]
    figures += section_figures(extraction.sections) + note_figures(extraction.tables)
    claimed, reasons = _line_item_claims(figures, records.line_items)
    claimed |= _project_claims(figures, records, claimed)
    claimed |= _indicator_claims(figures, records)
    claimed |= _fact_claims(figures, statements)
    unaccounted = [
        Unaccounted(f.page, f.text, reasons.get(f.key, f.reason), f.location, f.table_index, f.row_index,
                    f.column_index, f.sentence)
        for f in figures if f.key not in claimed
    ]
    return Accounts(unaccounted, _coverage(figures, claimed), len(figures))


def _coded(item: LineItem) -> bool:
    """Whether the item's row must carry a classification code to have a meaning: every row of
    a coded table but its totals (合计, 小计), the department's or a unit's own row (a table
    listing units), a row naming a money rather than an item (结转下年: `measures.row_measure`),
    and an income side's sources of money; never a form's. A row taken for a total only
    because it prints no code (`is_total`) and names no organization still needs one."""
    kind = spec(item.table_kind)
    if kind.codes == "none" or kind.is_form or item.income:
        return False  # a form's money (项目总金额, 部门预算总额) is no classification item
    label = squash(item.row_label)
    return not (TOTAL_OR_SUBTOTAL.search(label) or ORGANIZATION.search(label) or row_measure(label))


def _line_item_claims(figures: list[Figure], items: list[LineItem]) -> tuple[set[tuple[object, ...]], dict[tuple[object, ...], str]]:
    """The cells whose line item has a meaning, and why the others have none."""
    at: dict[tuple[object, ...], LineItem] = {("cell", i.table_index, i.row_index, i.column_index, 0): i for i in items}
    claimed: set[tuple[object, ...]] = set()
    reasons: dict[tuple[object, ...], str] = {}
    for figure in figures:
        item = at.get(figure.key)
        if item is None:
            continue
        three_public = "three_public" in spec(item.table_kind).yields and three_public_field(item) is not None
        if item.measure is None and not three_public:
            reasons[figure.key] = "column_without_measure"
        elif _coded(item) and not (item.functional_code or item.economic_code):
            reasons[figure.key] = "row_without_code"
        else:
            claimed.add(figure.key)
    return claimed, reasons


def _take(candidates: Iterable[Figure], text: str, claimed: set[tuple[object, ...]]) -> tuple[object, ...] | None:
    """The first figure not yet claimed that prints `text`."""
    want = squash(text)
    return next((f.key for f in candidates if f.key not in claimed and squash(f.text) == want), None)


def _project_claims(figures: list[Figure], records: Records, claimed: set[tuple[object, ...]]) -> set[tuple[object, ...]]:
    """A project's amounts: the cells of its table (or the sentence of its description) printing them."""
    by_table: dict[int | None, list[Figure]] = defaultdict(list)
    for figure in figures:
        by_table[figure.table_index if figure.key[0] == "cell" else None].append(figure)
    taken: set[tuple[object, ...]] = set()
    for project in records.projects:
        for source in (project.amount_source, project.previous_amount_source):
            if not source:
                continue
            candidates = by_table[project.table_index] if project.table_index is not None else sorted(
                by_table[None], key=lambda f: abs(f.page - project.page))
            key = _take(candidates, source, claimed | taken)
            if key is not None:
                taken.add(key)
    return taken


def _indicator_claims(figures: list[Figure], records: Records) -> set[tuple[object, ...]]:
    """An indicator's target: the figures of its row that its printed target holds."""
    targets: dict[tuple[int, int], list[str]] = defaultdict(list)
    for indicator in records.indicators:
        if indicator.table_index is not None and indicator.row_index is not None:
            targets[(indicator.table_index, indicator.row_index)].append(squash(indicator.target_raw))
    return {
        f.key for f in figures
        if f.key[0] == "cell" and f.table_index is not None and f.row_index is not None
        and any(squash(f.text) in target for target in targets.get((f.table_index, f.row_index), ()))
    }


def _fact_claims(figures: list[Figure], statements: list[Fact]) -> set[tuple[object, ...]]:
    """A fact's figure: the one its sentence prints as the fact was read."""
    stated: dict[tuple[int, str], Counter[str]] = defaultdict(Counter)
    for fact in statements:
        stated[(fact.page, fact.sentence)][squash(fact.value_source)] += 1
    taken: set[tuple[object, ...]] = set()
    for figure in figures:
        if figure.key[0] != "text" or figure.sentence is None:
            continue
        left = stated.get((figure.page, figure.sentence))
        text = squash(figure.text)
        if left and left[text] > 0:
            left[text] -= 1
            taken.add(figure.key)
    return taken


def _coverage(figures: list[Figure], claimed: set[tuple[object, ...]]) -> list[Coverage]:
    printed: Counter[int] = Counter()
    accounted: Counter[int] = Counter()
    for figure in figures:
        if figure.table_index is None:
            continue
        printed[figure.table_index] += 1
        accounted[figure.table_index] += figure.key in claimed
    return [Coverage(t, printed[t], accounted[t]) for t in sorted(printed)]
