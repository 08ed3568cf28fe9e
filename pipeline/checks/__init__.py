"""The validate stage: consistency rules over one normalized document.

Each rule module returns `Check`s naming the rule, the page and the numbers
compared. A passing rule is reported once per table (with how many
comparisons agreed); each failing comparison is reported on its own. No
rule changes a value. Every check says how many rows, figures or tables it
covered (`Check.covered`); the coverage rules report what no rule compared.
"""

from __future__ import annotations

from dataclasses import replace

from pipeline.checks import (
    changes,
    codes,
    contents,
    coverage,
    cross_table,
    execution,
    identity,
    narrative,
    placeholders,
    rows,
    statements,
    sums,
    text_layer,
    units,
    years,
)
from schemas.records import Check, Document, Extraction, Records

RULES = (text_layer.pages_have_text, identity.ocr_identity, rows.row_totals, sums.column_totals, sums.hierarchy_sums, cross_table.cross_table_totals,
         cross_table.income_equals_expenditure, narrative.three_public_parts, narrative.narrative_three_public_parts,
         narrative.narrative_vs_tables, narrative.projects_add_up, units.unit_scale,
         codes.unknown_codes, contents.contents_agree, contents.listed_tables_read,
         years.headings_name_the_year, years.assets_dated_in_the_year, placeholders.no_placeholders,
         statements.comparisons_fit_their_figures, execution.execution_figures, changes.change_figures,
         coverage.tables_covered)


def validate(extraction: Extraction, records: Records) -> list[Check]:
    """Every rule's outcome for one disclosure; neither input is changed."""
    return run_checks(Document.assemble(extraction, records, []))


def run_checks(document: Document) -> list[Check]:
    """Every rule's outcome for an assembled document (also one read back from the database),
    then the tables none of them compared, and how much each check covered."""
    checks = [check for rule in RULES for check in rule(document)]
    checks += coverage.rows_compared(replace(document, checks=checks))
    return [c if c.covered is not None else replace(c, covered=_stated_alone(c)) for c in checks]


def _stated_alone(check: Check) -> int:
    """A check that states one finding compares one thing; a page without text compares nothing."""
    return 0 if check.rule == "text_layer" else 1
