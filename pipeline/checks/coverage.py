"""Silent omissions: a check that compares nothing is no evidence.

A document can pass every rule while whole parts of it were never read: a
table missing, a 三公 table that yields nothing, project forms that yield no
project, a general-budget table with no coded rows, a narrative 类/款/项 with
no table row to compare it with. These rules report each such gap (rule
`coverage`), and one passing check says how much was covered.
"""

from __future__ import annotations

from collections import Counter

from extractors.header import AMOUNT
from pipeline.checks.common import of_kind, sides, summarized
from pipeline.normalize.line_items import table_columns
from pipeline.normalize.performance import states_a_project
from schemas.records import Check, Document, SourceTable
from schemas.table_kinds import catalog, spec

# The tables every budget (and, as final_*, every final account) prints, whatever its
# template: overview, income, expenditure, and the appropriations (the national template's
# 财政拨款收支总表, or only the 财政拨款支出表 of a central unit's four-table set); 三公 as a
# table or, where there is none, in the text. The fund budget and basic-expenditure tables
# are left out of print when empty (checks/contents.py holds a document to its own 目录).
REQUIRED_KINDS: tuple[tuple[str, ...], ...] = (
    ("overview",), ("department_income",), ("department_expenditure",),
    ("appropriation_overview", "general_budget_expenditure"),  # a central unit's set may print only the latter
)
# Tables always listed by functional code: items other than totals must be coded. (The
# income and expenditure tables may list the department's units instead.)
CODED_KINDS = ("general_budget_expenditure", "fund_budget_expenditure")
# Rules that compare the rows of one table (each check names it in `Check.tables`).
_ROW_RULES = frozenset({"row_total", "column_total", "hierarchy_sum"})


def _final(kind: str, final: bool) -> str:
    return catalog().final_twin(kind) if final else kind


def _has_figures(table: SourceTable) -> bool:
    """Figures in the table's amount columns (a blank template prints codes, not figures)."""
    if table.empty:
        return False
    amounts = [c.index for c in table_columns(table) if c.role == "amount"]
    return any(i < len(row) and row[i] and AMOUNT.match(row[i] or "") for row in table.rows for i in amounts)


def _tables_found(document: Document) -> tuple[list[Check], int]:
    """Every table of the national template is there (only where the document prints tables at all)."""
    final = document.meta.doc_kind == "final_accounts"
    kinds = Counter(t.kind for t in document.tables)
    money = [t for t in document.tables if spec(t.kind).line_items]
    if len(money) < 2:
        return [], 0  # a narrative or a single form published alone: nothing to hold it to
    failures = []
    for alternatives in REQUIRED_KINDS:
        wanted = [_final(kind, final) for kind in alternatives]
        if not any(k in wanted or of_kind(k, kind) for k in kinds for kind in alternatives):
            failures.append(Check("coverage", "fail", f"no {' or '.join(wanted)} table was found "
                                  "(every budget prints one)", None))
    return failures, len(REQUIRED_KINDS)


def _tables_yield(document: Document) -> tuple[list[Check], int]:
    """Each table with figures yields line items; a table by functional code yields coded ones."""
    failures, covered = [], 0
    for index, table in enumerate(document.tables):
        if not spec(table.kind).line_items or not _has_figures(table):
            continue
        covered += 1
        items = [i for i in document.line_items if i.table_index == index]
        if not items:
            failures.append(Check("coverage", "fail", f"table {index + 1} ({table.kind}, {table.title}) prints "
                                  "figures but yielded no line item", table.page))
        elif any(of_kind(table.kind, k) for k in CODED_KINDS) and not any(i.functional_code for i in items) \
                and any(i.amount and not i.is_total for i in items):
            failures.append(Check("coverage", "fail", f"table {index + 1} ({table.kind}) yielded "
                                  f"{len(items)} line items but none with a functional code", table.page))
    return failures, covered


def _three_public_found(document: Document) -> tuple[list[Check], int]:
    """A 三公 table yields the 三公 figures, or is empty, or the text says they are zero."""
    tables = [t for t in document.tables if of_kind(t.kind, "three_public")]
    if not tables:
        if len([t for t in document.tables if spec(t.kind).line_items]) < 2 or \
                any(f.key.startswith("three_public.") for f in document.facts):
            return [], 0
        return [Check("coverage", "fail", "no 三公 table was found and the text states no 三公 figure", None)], 1
    if document.three_public.page is not None:
        return [], len(tables)
    if all(not _has_figures(t) for t in tables):
        return [], len(tables)  # printed empty (本表无数据) or with its note
    if any(f.key == "three_public.total" and f.value == 0 for f in document.facts):
        return [], len(tables)
    table = tables[0]
    return [Check("coverage", "fail", f"the 三公 table on p{table.page} ({table.title}) prints figures "
                  "but yielded no 三公 amounts", table.page)], len(tables)


def _forms_yield_projects(document: Document) -> tuple[list[Check], int]:
    """Every project performance form of a budget yields a project printed on its pages (a final
    account's 绩效自评表 are not read as projects yet: see README, not supported)."""
    failures, covered = [], 0
    for table in document.tables:
        if table.kind != "project_performance" or table.empty or not states_a_project(table):
            continue  # a page of indicator rows continuing the form before it is no form of its own
        covered += 1
        if not any(p.page in table.pages for p in document.projects):
            failures.append(Check("coverage", "fail", f"the project form on p{table.page} ({table.title}) "
                                  "yielded no project", table.page))
    return failures, covered


def _table_rows_compared(document: Document) -> tuple[list[Check], int]:
    """A coded table none of whose rows any row rule compared is reported: its checks prove nothing.
    (A blank template filled with zeros holds nothing to compare.)"""
    compared = {index for c in document.checks if c.rule in _ROW_RULES for index in c.tables}
    rows: dict[tuple[int, str], int] = {}  # (table index, kind) → rows with a code and a figure other than zero
    for side in sides(document.line_items):
        if any(of_kind(side.table_kind, k) for k in CODED_KINDS):
            counted = [r for r in side.rows if r.code and any(i.amount for i in r.cells.values())]
            key = (side.table_index, side.table_kind)
            rows[key] = rows.get(key, 0) + len(counted)
    failures = []
    for (index, kind), count in rows.items():
        if count and index not in compared:
            page = document.tables[index].page if index < len(document.tables) else None
            failures.append(Check("coverage", "fail", f"table {index + 1} ({kind}): none of "
                                  f"its {count} coded rows was compared by any rule", page))
    return failures, len([c for c in rows.values() if c])


def tables_covered(document: Document) -> list[Check]:
    """The template's tables found, each yielding records, 三公 and project forms read."""
    failures, covered = [], 0
    for part in (_tables_found, _tables_yield, _three_public_found, _forms_yield_projects):
        found, count = part(document)
        failures += found
        covered += count
    return summarized("coverage", failures, covered, None, "tables, 三公 and project forms")


def rows_compared(document: Document) -> list[Check]:
    """Run after the other rules: every coded table had some row compared."""
    failures, covered = _table_rows_compared(document)
    return summarized("coverage", failures, covered, None, "coded tables compared row by row")
