"""The normalize stage: a `Document` of sections and tables gains its records.

Pure: it reads the extracted tables and text and returns the same document
with line items, 三公, projects, indicators and facts filled in.
"""

from __future__ import annotations

from collections import Counter

from pipeline.normalize.facts import sections_to_facts
from pipeline.normalize.line_items import has_line_items, table_to_line_items
from pipeline.normalize.performance import (
    INDICATOR_KINDS,
    PROJECT_KINDS,
    table_to_indicators,
    table_to_project,
)
from pipeline.normalize.project_descriptions import join_descriptions, read_descriptions
from pipeline.normalize.project_lists import list_columns, list_to_projects, projects_with_amounts
from pipeline.normalize.three_public import items_to_three_public, spending_tables
from schemas.records import Document


def normalize(document: Document) -> Document:
    """Fill every record the contract asks for from the document's tables and text."""
    year = document.meta.fiscal_year
    units = Counter(t.unit for t in document.tables if t.unit)
    default_unit = units.most_common(1)[0][0] if units else None
    for index, table in enumerate(document.tables):
        if table.empty:
            continue
        if has_line_items(table.kind):
            document.line_items.extend(table_to_line_items(table, index, year))
        columns = list_columns(table) if table.kind in PROJECT_KINDS else None
        if columns is not None:
            projects, indicators = list_to_projects(table, columns, default_unit)
            document.projects.extend(projects)
            document.indicators.extend(indicators)
            continue
        project = table_to_project(table, default_unit) if table.kind in PROJECT_KINDS else None
        if project is not None:
            document.projects.append(project)
        if table.kind in INDICATOR_KINDS:
            document.indicators.extend(table_to_indicators(table, project.name if project else None))
    document.projects = projects_with_amounts(document.projects, document.tables, default_unit)
    document.projects = join_descriptions(document.projects, read_descriptions(document.sections))
    document.three_public = items_to_three_public(document.line_items, year, spending_tables(document.tables))
    document.facts = sections_to_facts(document.sections, year, document.meta.doc_kind == "final_accounts")
    return document
