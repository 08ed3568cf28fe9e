"""Datasette plugin shipped with `yusuan serve`: cited PDFs, readable figures, and a site that stays safe.

- `/-/pdf/{sha256}.pdf` serves the ingested file with that content hash, and
  only the files `pipeline.serve.pdfs` matched to the database's documents.
- A page column (`page`, `budget_page`, `页码`, `上年页码`, ...) beside its
  document column (`document_id`, `budget_document_id`, `文件`, `上年文件`)
  renders as a link opening that file at `#page=N`; a document column links to
  the document's row; a department links to its page (`/department?name=`).
- Amount columns (`yusuan-site.amounts` in metadata.yaml) read as 万元 with
  separators beside the exact yuan; the JSON and CSV keep the exact text.
- Safety: the SQL connection may not list the database's file
  (`pragma_database_list`) and reads stored file paths as NULL; `/-/databases`
  names no path; any error is a 4xx or 500 page (never a traceback), and
  every response of 400 or more is one line on stderr.
- CSV is Excel-ready (UTF-8 with a byte-order mark); a table or view's CSV
  streams every row, a stored query's CSV holds every row the query returns.
- Templates get `yusuan`: the home page's counts and a department's page.
"""

from __future__ import annotations

import contextvars
import csv
import io
import sqlite3
import sys
from collections.abc import Awaitable, Callable
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.plugins import pm
from datasette.utils import derive_named_parameters
from datasette.utils.asgi import AsgiFileDownload, Base400, NotFound, Response
from datasette.views.base import DatasetteError
from markupsafe import Markup, escape

from db.search import fold
from pipeline.serve.pdfs import index_for

DATABASE = "yusuan"
BOM = "\ufeff".encode()
HIDDEN_COLUMNS = {("ingest_runs", "path"), ("crawl_files", "path")}  # absolute paths on the server
NOT_PUBLISHED = "本文件未公开 / not published in this disclosure"
ASGI = Callable[..., Awaitable[None]]

# This plugin answers every error itself (one log line, no traceback): Datasette's own handler goes.
if pm.has_plugin("datasette.handle_exception"):
    pm.unregister(name="datasette.handle_exception")

_reason: contextvars.ContextVar[str | None] = contextvars.ContextVar("yusuan_error", default=None)


def _log(line: str) -> None:
    sys.stderr.write(f"yusuan serve: {line}\n")
    sys.stderr.flush()


# --- the SQL connection ------------------------------------------------------------------------


def _authorize(action: int, arg1: str | None, arg2: str | None, _db: str | None, _source: str | None) -> int:
    if action == sqlite3.SQLITE_PRAGMA and arg1 == "database_list":
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_READ and (arg1, arg2) in HIDDEN_COLUMNS:
        return sqlite3.SQLITE_IGNORE
    return sqlite3.SQLITE_OK


@hookimpl
def prepare_connection(conn: sqlite3.Connection, database: str) -> None:
    if database != DATABASE:
        return
    conn.create_function("yusuan_fold", 1, fold, deterministic=True)
    conn.set_authorizer(_authorize)


# --- routes: PDFs, a path-free database list, stored queries' CSV --------------------------------


async def _serve_pdf(request: Any, datasette: Any) -> AsgiFileDownload:
    sha256 = request.url_vars["sha256"]
    path = index_for(datasette).path(sha256)
    if path is None:
        raise NotFound(f"no ingested PDF has sha256 {sha256}")
    return AsgiFileDownload(str(path), content_type="application/pdf", headers={"content-disposition": "inline"})


async def _databases(request: Any, datasette: Any) -> Response:
    listed = [
        {"name": name, "route": db.route, "is_mutable": db.is_mutable, "is_memory": db.is_memory, "hash": db.hash}
        for name, db in datasette.databases.items() if name != "_internal"
    ]  # fmt: skip
    return Response.json(listed)


async def _query_csv(request: Any, datasette: Any) -> Response:
    """A stored query's rows as CSV, all of them (Datasette's own stops at max_returned_rows)."""
    name = request.url_vars["query"]
    query = await datasette.get_canned_query(DATABASE, name, request.actor)
    if query is None:
        raise NotFound(f"no stored query {name}")
    database = datasette.get_database(DATABASE)
    params = {p: request.args.get(p, "") for p in await derive_named_parameters(database, query["sql"])}
    results = await database.execute(query["sql"], params)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(results.columns)
    writer.writerows(results.rows)
    headers = {"content-disposition": f'attachment; filename="{name}.csv"'} if request.args.get("_dl") else {}
    return Response(buffer.getvalue(), content_type="text/csv; charset=utf-8", headers=headers)


def _query_names(datasette: Any) -> list[str]:
    return list(datasette.metadata("queries", database=DATABASE, fallback=False) or {})


@hookimpl
def register_routes(datasette: Any) -> list[tuple[str, Any]]:
    routes: list[tuple[str, Any]] = [
        (r"^/-/pdf/(?P<sha256>[0-9a-f]{64})\.pdf$", _serve_pdf),
        (r"^/-/databases(\.json)?$", _databases),
    ]
    names = "|".join(_query_names(datasette))
    if names:
        routes.append((rf"^/{DATABASE}/(?P<query>{names})\.csv$", _query_csv))
    return routes


# --- errors and the request log -----------------------------------------------------------------


def _status(exception: Exception) -> tuple[int, str, str | None]:
    """Status, message and title of an exception raised while answering a request."""
    if isinstance(exception, Base400):
        return exception.status, str(exception.args[0] if exception.args else exception), None
    if isinstance(exception, DatasetteError):
        # Datasette raises these for what the request asked (an unknown sort column, bad SQL):
        # a client error, whatever status it defaulted to.
        status = exception.status if 400 <= exception.status < 500 else 400
        return status, str(exception.message), exception.title
    return 500, f"{type(exception).__name__}: {exception}", None


@hookimpl
def handle_exception(datasette: Any, request: Any, exception: Exception) -> Callable[[], Awaitable[Response]]:
    async def respond() -> Response:
        status, message, title = _status(exception)
        if request.method not in ("GET", "HEAD") and status == 500:  # a write to a read-only site
            status, message, title = 405, f"{request.method} is not answered here: the site is read-only", None
        _reason.set(message)
        info = {"ok": False, "error": message, "status": status, "title": title}
        if request.path.endswith(".json"):
            return Response.json(info, status=status)
        html = await datasette.render_template(["error.html"], info, request=request)
        return Response.html(html, status=status)

    return respond


@hookimpl
def asgi_wrapper(datasette: Any) -> Callable[[ASGI], ASGI]:
    """Every response of 400 or more logged in one line; CSV with a BOM, tables' CSV streamed."""
    queries = {f"/{DATABASE}/{name}.csv" for name in _query_names(datasette)}

    def wrap(app: ASGI) -> ASGI:
        async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            path, query = scope["path"], scope.get("query_string", b"")
            is_csv = path.endswith(".csv")
            if is_csv and path not in queries and b"_stream=" not in query:
                scope = dict(scope, query_string=query + (b"&" if query else b"") + b"_stream=on")
            status, bom = 0, is_csv
            _reason.set(None)

            async def sending(message: dict[str, Any]) -> None:
                nonlocal status, bom
                if message["type"] == "http.response.start":
                    status = message["status"]
                    bom = bom and status == 200
                    if bom:
                        headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"content-length"]
                        message = dict(message, headers=headers)
                elif message["type"] == "http.response.body" and bom:
                    message, bom = dict(message, body=BOM + message.get("body", b"")), False
                await send(message)

            await app(scope, receive, sending)
            if status >= 400:
                target = path + ("?" + query.decode("latin-1") if query else "")
                reason = _reason.get()
                _log(f"{status} {scope['method']} {target}" + (f": {reason}" if reason else ""))

        return wrapped

    return wrap


# --- cells: page links, documents, departments, amounts ------------------------------------------


def pdf_href(datasette: Any, document_id: int, page: int) -> str | None:
    """The URL opening a document's PDF at a page, or None when the PDF is not served."""
    place = index_for(datasette).locate(document_id, page)
    if place is None:
        return None
    pdf, local_page = place
    return datasette.urls.path(f"/-/pdf/{pdf.sha256}.pdf") + f"#page={local_page}"


def page_link(datasette: Any, document_id: Any, page: Any) -> Markup | None:
    if not isinstance(document_id, int) or not isinstance(page, int):
        return None
    href = pdf_href(datasette, document_id, page)
    return Markup(f'<a class="pdf-page" href="{escape(href)}">p. {page}</a>') if href else None


def department_href(datasette: Any, name: str) -> str:
    return datasette.urls.path("/department") + "?" + urlencode({"name": name})


def money(value: Any) -> Markup | None:
    """An amount in yuan as 万元 with separators, the exact yuan beside it."""
    if value is None or isinstance(value, bool):
        return None
    try:
        yuan = Decimal(str(value))
    except InvalidOperation:
        return None
    wan = yuan / 10000
    wan_text = f"{wan:,.2f}" if wan == wan.quantize(Decimal("0.01")) else f"{wan.normalize():,f}"
    return Markup(
        f'<span class="wan">{wan_text} 万元</span> <span class="yuan">{yuan:,.2f} 元</span>'
    )


def _value(row: Any, column: str) -> Any:
    try:
        return row[column] if column in row.keys() else None
    except (AttributeError, IndexError, KeyError):
        return None


def _document_column(column: str) -> str | None:
    """The column naming the document of a page column."""
    if column.endswith("page"):
        return column.removesuffix("page") + "document_id"
    if column.endswith("页码"):
        return column.removesuffix("页码") + "文件"
    return None


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    if database != DATABASE:
        return None
    config = datasette.plugin_config("yusuan-site") or {}
    if column in config.get("amounts", ()):
        return money(value)
    if column in config.get("departments", ()) and isinstance(value, str) and value:
        return Markup(f'<a class="department" href="{escape(department_href(datasette, value))}">{escape(value)}</a>')
    if not isinstance(value, int):
        return None
    document_column = _document_column(column)
    if document_column is not None:
        return page_link(datasette, _value(row, document_column), value)
    if (column.endswith("document_id") or column.endswith("文件")) and table != "documents":
        href = datasette.urls.row(DATABASE, "documents", str(value))
        return Markup(f'<a class="document" href="{escape(href)}">{value}</a>')
    return None


# --- templates: the home page's counts, a department's page --------------------------------------


class SiteData:
    """What the home page and the department page show, read from the served database."""

    def __init__(self, datasette: Any) -> None:
        self.datasette = datasette
        self.not_published = NOT_PUBLISHED

    async def _rows(self, sql: str, **params: Any) -> list[dict[str, Any]]:
        results = await self.datasette.get_database(DATABASE).execute(sql, params)
        return [dict(r) for r in results.rows]

    async def counts(self) -> dict[str, Any]:
        rows = await self._rows(
            "SELECT count(*) AS documents, count(DISTINCT department) AS departments,"
            " count(DISTINCT region) AS regions, count(DISTINCT fiscal_year) AS years,"
            " min(fiscal_year) AS first_year, max(fiscal_year) AS last_year,"
            " sum(doc_kind = 'budget') AS budgets, sum(doc_kind = 'final_accounts') AS finals FROM documents"
        )
        return rows[0]

    async def departments(self) -> list[dict[str, Any]]:
        return await self._rows(
            "SELECT department, region, count(*) AS documents, group_concat(DISTINCT fiscal_year) AS years"
            " FROM documents WHERE department IS NOT NULL GROUP BY department, region ORDER BY region, department"
        )

    async def department(self, name: str | None) -> dict[str, Any]:
        """A department's years and totals, 三公, projects and failed checks, each with its document and page."""
        if not name:
            return {"name": None, "documents": []}
        documents = await self._rows(
            "SELECT d.id, d.region, d.fiscal_year, d.doc_kind, d.reporting_level, d.title, d.source,"
            " e.amount AS total, e.page AS total_page, g.amount AS general_budget, g.page AS general_budget_page,"
            " t.total AS three_public, t.outbound_travel, t.reception, t.vehicles, t.page AS three_public_page"
            " FROM documents d"
            " LEFT JOIN printed_figures e ON e.document_id = d.id AND e.scope = 'expenditure' AND e.level = '合计'"
            " LEFT JOIN printed_figures g ON g.document_id = d.id AND g.scope = 'general_budget' AND g.level = '合计'"
            " LEFT JOIN three_public t ON t.document_id = d.id AND t.measure = 'total' AND t.total IS NOT NULL"
            " WHERE d.department = :name ORDER BY d.fiscal_year DESC, d.doc_kind",
            name=name,
        )
        projects = await self._rows(
            "SELECT p.document_id, d.fiscal_year, d.doc_kind, p.name, p.amount, p.page FROM projects p"
            " JOIN documents d ON d.id = p.document_id WHERE d.department = :name"
            " ORDER BY d.fiscal_year DESC, p.document_id, p.ordinal",
            name=name,
        )
        checks = await self._rows(
            "SELECT c.document_id, d.fiscal_year, d.doc_kind, c.rule, c.detail, c.page FROM checks c"
            " JOIN documents d ON d.id = c.document_id WHERE d.department = :name AND c.status = 'fail'"
            " ORDER BY d.fiscal_year DESC, c.document_id, c.ordinal",
            name=name,
        )
        return {"name": name, "documents": documents, "projects": projects, "checks": checks}

    def link(self, document_id: Any, page: Any) -> Markup | None:
        return page_link(self.datasette, document_id, page)

    def money(self, value: Any) -> Markup | None:
        return money(value)

    def department_href(self, name: str) -> str:
        return department_href(self.datasette, name)

    def search_href(self) -> str:
        return str(self.datasette.urls.path(f"/{DATABASE}/search"))


@hookimpl
def extra_template_vars(datasette: Any) -> dict[str, Any]:
    return {"yusuan": SiteData(datasette)}
