"""Datasette plugin shipped with `yusuan serve`: source PDFs and links to their pages.

- `/-/pdf/{document_id}/{n}.pdf` serves file n of a stored document, and only
  the files `pipeline.serve.pdfs` found for the database.
- A `page` column (or `budget_page`, `final_page`, ...) beside the matching
  `document_id` column renders as a link opening that PDF at `#page=N`; a
  `document_id` renders as a link to the document's row.
"""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import AsgiFileDownload, NotFound
from markupsafe import Markup, escape

from pipeline.serve.pdfs import PdfIndex, build_index

DATABASE = "yusuan"
_indexes: weakref.WeakKeyDictionary[Any, PdfIndex] = weakref.WeakKeyDictionary()


def _index(datasette: Any) -> PdfIndex:
    return _indexes.get(datasette) or PdfIndex({})


@hookimpl
def startup(datasette: Any) -> None:
    config = datasette.plugin_config("yusuan-site") or {}
    database = datasette.databases.get(DATABASE)
    if database is None or database.path is None:
        return
    folders = [Path(folder) for folder in config.get("pdf_dirs", [])]
    _indexes[datasette] = build_index(Path(database.path), folders)


async def _serve_pdf(request: Any, datasette: Any) -> AsgiFileDownload:
    document_id, number = int(request.url_vars["document_id"]), int(request.url_vars["number"])
    path = _index(datasette).path(document_id, number)
    if path is None:
        raise NotFound("no such PDF")
    return AsgiFileDownload(
        str(path), content_type="application/pdf", headers={"content-disposition": "inline"}
    )


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [(r"^/-/pdf/(?P<document_id>\d+)/(?P<number>\d+)\.pdf$", _serve_pdf)]


def pdf_href(datasette: Any, document_id: int, page: int) -> str | None:
    """The URL opening a document's PDF at a page, or None when the PDF is not served."""
    place = _index(datasette).locate(document_id, page)
    if place is None:
        return None
    number, local_page = place
    return datasette.urls.path(f"/-/pdf/{document_id}/{number}.pdf") + f"#page={local_page}"


def _value(row: Any, column: str) -> Any:
    try:
        return row[column] if column in row.keys() else None
    except (AttributeError, IndexError, KeyError):
        return None


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    if database != DATABASE or not isinstance(value, int):
        return None
    if column.endswith("page"):
        document_id = _value(row, column.removesuffix("page") + "document_id")
        if not isinstance(document_id, int):
            return None
        href = pdf_href(datasette, document_id, value)
        if href is None:
            return None
        return Markup(f'<a class="pdf-page" href="{escape(href)}">p. {value}</a>')
    if column.endswith("document_id") and table != "documents":
        href = datasette.urls.row(DATABASE, "documents", str(value))
        return Markup(f'<a class="document" href="{escape(href)}">{value}</a>')
    return None
