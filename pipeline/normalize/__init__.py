"""The normalize stage: an `Extraction`'s tables and text become `Records`.

Which tables yield which records is the table kinds' business
(`schemas/vocab/table_kinds.toml`): line items, projects, indicators, 三公; a
form's money is line items of its own kind (`form_items.py`).
Last, the accounting (`accounting.py`) lists every printed amount the records
leave without a meaning.
"""

from __future__ import annotations

from collections import Counter

from pipeline.normalize.accounting import account
from pipeline.normalize.facts import first_statements, stated_facts
from pipeline.normalize.form_items import form_line_items
from pipeline.normalize.line_items import table_to_line_items
from pipeline.normalize.performance import form_name, table_to_indicators, table_to_project
from pipeline.normalize.project_descriptions import join_descriptions, read_descriptions
from pipeline.normalize.project_lists import list_columns, list_to_projects, projects_with_amounts
from pipeline.normalize.three_public import budgeted_three_public, items_to_three_public, spending_tables
from schemas.records import Extraction, Records
from schemas.table_kinds import spec


def normalize(extraction: Extraction) -> Records:
    """Every record the contract asks for, read from the extraction's tables and text.

    Pure: the extraction is not changed, and the same extraction gives equal records.
    """
    year = extraction.meta.fiscal_year
    units = Counter(t.unit for t in extraction.tables if t.unit)
    default_unit = units.most_common(1)[0][0] if units else None
    records = Records()
    for index, table in enumerate(extraction.tables):
        if table.empty:
            continue
        kind = spec(table.kind)
        if kind.line_items:
            records.line_items.extend(table_to_line_items(table, index, year))
        elif kind.is_form:
            records.line_items.extend(form_line_items(table, index, default_unit))
        columns = list_columns(table) if "projects" in kind.yields else None
        if columns is not None:
            projects, indicators = list_to_projects(table, columns, default_unit, index)
            records.projects.extend(projects)
            records.indicators.extend(indicators)
            continue
        project = table_to_project(table, default_unit, index) if "projects" in kind.yields else None
        if project is not None:
            records.projects.append(project)
        if "indicators" in kind.yields:
            records.indicators.extend(table_to_indicators(table, project.name if project else form_name(table), index))
    records.projects = projects_with_amounts(records.projects, extraction.tables, default_unit)
    records.projects = join_descriptions(records.projects, read_descriptions(extraction.sections))
    records.three_public = items_to_three_public(records.line_items, year, spending_tables(extraction.tables))
    records.budgeted_three_public = budgeted_three_public(records.line_items, year)
    statements = stated_facts(extraction.sections, year, extraction.meta.doc_kind == "final_accounts")
    records.facts = first_statements(statements)
    accounts = account(extraction, records, statements)
    records.unaccounted, records.coverage, records.amounts_printed = accounts.unaccounted, accounts.coverage, accounts.printed
    return records
