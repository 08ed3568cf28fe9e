"""The validate stage: consistency rules over one normalized document.

Each rule module returns `Check`s naming the rule, the page and the numbers
compared. A passing rule is reported once per table (with how many
comparisons agreed); each failing comparison is reported on its own. No
rule changes a value.
"""

from __future__ import annotations

from pipeline.checks import (
    codes,
    contents,
    cross_table,
    narrative,
    placeholders,
    rows,
    statements,
    sums,
    years,
)
from schemas.records import Check, Document

RULES = (rows.row_totals, sums.column_totals, sums.hierarchy_sums, cross_table.cross_table_totals,
         cross_table.income_equals_expenditure, narrative.three_public_parts, narrative.narrative_three_public_parts,
         narrative.narrative_vs_tables,
         narrative.projects_add_up,
         codes.unknown_codes, contents.contents_agree, contents.listed_tables_read,
         years.headings_name_the_year, years.assets_dated_in_the_year, placeholders.no_placeholders,
         statements.comparisons_fit_their_figures)


def run_checks(document: Document) -> list[Check]:
    """Every rule's outcome for the document, text-layer findings from extraction kept."""
    checks = [c for c in document.checks if c.rule == "text_layer"]
    for rule in RULES:
        checks.extend(rule(document))
    return checks
