"""Figures a journalist can add up, year-on-year changes, and a search that ignores punctuation.

Revision ID: 0011
Revises: 0010

- `printed_figures` (both dialects): for each document and scope (all funds
  `expenditure`, `general_budget`, `fund_budget`) the rows of ONE table, the
  first of the kind that prints that money (部门支出总体情况表, 一般公共预算支出情况表,
  政府性基金预算支出表, or their 决算 twins): its 合计 and every coded row, with the
  row's level (合计/类/款/项), whether it is a leaf, the amount exactly (yuan),
  in whole fen (an integer: sums are exact on SQLite too) and in 万元, and the
  row's 基本支出, 项目支出, 上年 and (final accounts) 年初预算数 cells.
- `spending`: its coded rows with the document's identity. One table per
  figure, so `sum(amount_fen) … WHERE level = '类'` (or `is_leaf`) counts each
  yuan once; the 合计 row stays in `printed_figures`.
- `changes`: each document's totals, 类 and 三公 items beside the year before,
  from the previous year's disclosure when it is loaded, else from the same
  table's printed 上年 column, else from the change the narrative states;
  `change_from` says which.
- SQLite's `search_index` is rebuilt on folded text (`db.search.fold_sql`:
  no quotes, brackets, punctuation or spaces), so `三公经费` finds `“三公”经费`.
"""

from __future__ import annotations

from types import ModuleType

from alembic import op

from db.migrate import revision_module
from db.search import fold_sql

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# Amounts are NUMERIC on PostgreSQL and decimal text on SQLite (db/types.py): on SQLite the
# arithmetic is done in whole fen (exact 64-bit integers) and printed back as decimal text.
_DIALECT = {
    "postgresql": {
        "fen": "CAST(ROUND({x} * 100) AS BIGINT)",
        "yuan": "ROUND(({x}) / 100.0, 2)",
        "wan": "ROUND(({x}) / 1000000.0, 6)",
        "percent": "ROUND(100.0 * ({x}) / NULLIF({y}, 0), 2)",
    },
    "sqlite": {
        "fen": "CAST(ROUND(CAST({x} AS REAL) * 100) AS INTEGER)",
        "yuan": "printf('%.2f', ({x}) / 100.0)",
        "wan": "printf('%.6f', ({x}) / 1000000.0)",
        "percent": "ROUND(100.0 * ({x}) / NULLIF({y}, 0), 2)",
    },
}

# scope, the budget's table kind, the final account's; the first such table of a document is its figure.
_SCOPES = (
    ("expenditure", "department_expenditure", "final_expenditure"),
    ("general_budget", "general_budget_expenditure", "final_general_budget_expenditure"),
    ("fund_budget", "fund_budget_expenditure", "final_fund_budget"),
)
# The cells of a row beside its 合计 (measure `total`), as columns of the view.
_CELLS = (
    ("amount", "total"),
    ("basic_amount", "basic.total"),
    ("project_amount", "project.total"),
    ("previous_amount", "previous.total"),
    ("budget_amount", "budget.total"),
)


def _cell(measure: str) -> str:
    return (
        "(SELECT c.amount FROM line_items c WHERE c.document_id = r.document_id"
        " AND c.table_index = r.table_index AND c.row_index = r.row_index"
        f" AND c.measure = '{measure}' ORDER BY c.id LIMIT 1)"
    )


def _printed_figures(sql: dict[str, str]) -> str:
    scopes = ",\n           ".join(f"('{s}', '{b}', '{f}')" for s, b, f in _SCOPES)
    cells = ",\n       ".join(f"{_cell(measure)} AS {name}" for name, measure in _CELLS)
    return f"""
CREATE VIEW printed_figures AS
WITH scopes(scope, budget_kind, final_kind) AS (
    VALUES {scopes}
),
figure_tables AS (
    SELECT li.document_id, s.scope, MIN(li.table_index) AS table_index
    FROM line_items li
    JOIN documents d ON d.id = li.document_id
    JOIN scopes s ON li.table_kind = CASE d.doc_kind WHEN 'final_accounts' THEN s.final_kind ELSE s.budget_kind END
    GROUP BY li.document_id, s.scope
),
figure_rows AS (
    SELECT li.document_id, t.scope, li.table_index, li.functional_code AS code, MIN(li.row_index) AS row_index
    FROM line_items li
    JOIN figure_tables t ON t.document_id = li.document_id AND t.table_index = li.table_index
    WHERE li.functional_code IS NOT NULL OR li.is_total
    GROUP BY li.document_id, t.scope, li.table_index, li.functional_code
),
figures AS (
    SELECT r.document_id, r.scope, r.table_index, r.row_index, r.code,
           {cells}
    FROM figure_rows r
)
SELECT f.document_id, f.scope, x.table_kind, f.table_index, f.row_index, x.page, x.row_label,
       f.code AS functional_code, x.functional_name,
       CASE WHEN f.code IS NULL THEN '合计' WHEN length(f.code) = 3 THEN '类' WHEN length(f.code) = 5 THEN '款'
            ELSE '项' END AS level,
       f.code IS NOT NULL AND NOT EXISTS (
           SELECT 1 FROM figure_rows o
           WHERE o.document_id = f.document_id AND o.table_index = f.table_index
             AND length(o.code) > length(f.code) AND substr(o.code, 1, length(f.code)) = f.code
       ) AS is_leaf,
       f.amount, {sql['fen'].format(x='f.amount')} AS amount_fen,
       {sql['wan'].format(x=sql['fen'].format(x='f.amount'))} AS amount_wan,
       f.basic_amount, f.project_amount, f.previous_amount, f.budget_amount
FROM figures f
JOIN line_items x ON x.id = (
    SELECT MIN(c.id) FROM line_items c
    WHERE c.document_id = f.document_id AND c.table_index = f.table_index AND c.row_index = f.row_index
)
WHERE f.amount IS NOT NULL
"""


SPENDING = """
CREATE VIEW spending AS
SELECT p.document_id, d.sha256, d.source, d.region, d.department, d.fiscal_year, d.reporting_level, d.doc_kind,
       p.scope, p.table_kind, p.table_index, p.row_index, p.page, p.functional_code, p.functional_name,
       p.level, p.is_leaf, p.amount, p.amount_fen, p.amount_wan,
       p.basic_amount, p.project_amount, p.previous_amount, p.budget_amount
FROM printed_figures p
JOIN documents d ON d.id = p.document_id
WHERE p.functional_code IS NOT NULL
"""

_THREE_PUBLIC_ITEMS = (
    ("total", "“三公”经费合计"),
    ("outbound_travel", "因公出国（境）费"),
    ("reception", "公务接待费"),
    ("vehicles", "公务用车购置及运行费"),
    ("vehicle_purchase", "公务用车购置费"),
    ("vehicle_operation", "公务用车运行维护费"),
)
# The changes a narrative states (facts.key) and the figure each is the change of.
_NARRATIVE_CHANGES = (
    ("expenditure.change_amount", "expenditure", "total", 1),
    ("total.change_amount", "expenditure", "total", 2),
    ("general_budget.change_amount", "general_budget", "total", 1),
    ("fund_budget.change_amount", "fund_budget", "total", 1),
    ("three_public.change_amount", "three_public", "three_public.total", 1),
)


def _changes(sql: dict[str, str]) -> str:
    fen = sql["fen"].format
    items = ", ".join(f"('{k}', '{n}')" for k, n in _THREE_PUBLIC_ITEMS)
    narrative = ", ".join(f"('{k}', '{s}', '{i}', {p})" for k, s, i, p in _NARRATIVE_CHANGES)
    item_cell = "CASE k.item " + " ".join(f"WHEN '{k}' THEN t.{k}" for k, _ in _THREE_PUBLIC_ITEMS) + " END"
    previous = (
        "CASE WHEN p.fen IS NOT NULL THEN p.fen WHEN c.previous_fen IS NOT NULL THEN c.previous_fen"
        " WHEN n.fen IS NOT NULL THEN c.fen - n.fen END"
    )
    return f"""
CREATE VIEW changes AS
WITH three_items(item, name) AS (VALUES {items}),
narrative_keys(key, scope, item, preference) AS (VALUES {narrative}),
current_figures AS (
    SELECT document_id, scope, COALESCE(functional_code, 'total') AS item,
           CASE WHEN functional_code IS NULL THEN '合计' ELSE functional_name END AS name, level,
           amount_fen AS fen, {fen(x='previous_amount')} AS previous_fen, page
    FROM printed_figures WHERE level IN ('合计', '类')
    UNION ALL
    SELECT t.document_id, 'three_public', 'three_public.' || k.item, k.name, NULL, {fen(x=item_cell)},
           CASE WHEN k.item = 'total' THEN (
               SELECT MAX({fen(x='li.amount')}) FROM line_items li
               WHERE li.document_id = t.document_id AND li.table_kind IN ('three_public', 'final_three_public')
                 AND li.measure = 'previous.total'
           ) END,
           t.page
    FROM three_public t CROSS JOIN three_items k
    WHERE t.measure = 'total' AND {item_cell} IS NOT NULL
),
previous_documents AS (
    SELECT c.id AS document_id,
           (SELECT MAX(p.id) FROM documents p
            WHERE p.doc_kind = c.doc_kind AND p.department = c.department
              AND COALESCE(p.region, '') = COALESCE(c.region, '') AND p.fiscal_year = c.fiscal_year - 1)
               AS previous_id
    FROM documents c
),
narrative AS (
    SELECT f.document_id, k.scope, k.item, {fen(x='f.value')} AS fen, f.page, f.sentence, f.basis,
           ROW_NUMBER() OVER (PARTITION BY f.document_id, k.scope, k.item ORDER BY k.preference, f.id) AS n
    FROM facts f JOIN narrative_keys k ON k.key = f.key
    WHERE f.unit = 'yuan'
)
SELECT d.id AS document_id, d.region, d.department, d.fiscal_year, d.doc_kind, c.scope, c.item, c.name, c.level,
       {sql['yuan'].format(x='c.fen')} AS amount,
       {sql['yuan'].format(x=previous)} AS previous_amount,
       {sql['yuan'].format(x=f'c.fen - ({previous})')} AS change_amount,
       {sql['percent'].format(x=f'c.fen - ({previous})', y=f'({previous})')} AS change_percent,
       CASE WHEN p.fen IS NOT NULL THEN 'previous_disclosure' WHEN c.previous_fen IS NOT NULL THEN 'printed_previous_year'
            WHEN n.fen IS NOT NULL THEN 'narrative' END AS change_from,
       c.page,
       CASE WHEN p.fen IS NOT NULL THEN pd.previous_id WHEN c.previous_fen IS NOT NULL OR n.fen IS NOT NULL
            THEN d.id END AS previous_document_id,
       CASE WHEN p.fen IS NOT NULL THEN p.page WHEN c.previous_fen IS NOT NULL THEN c.page ELSE n.page END
           AS previous_page,
       CASE WHEN p.fen IS NULL AND c.previous_fen IS NULL THEN n.sentence END AS sentence,
       CASE WHEN p.fen IS NULL AND c.previous_fen IS NULL THEN n.basis END AS basis
FROM current_figures c
JOIN documents d ON d.id = c.document_id
JOIN previous_documents pd ON pd.document_id = c.document_id
LEFT JOIN current_figures p ON p.document_id = pd.previous_id AND p.scope = c.scope AND p.item = c.item
LEFT JOIN narrative n ON n.document_id = c.document_id AND n.scope = c.scope AND n.item = c.item AND n.n = 1
"""


def _query_site() -> ModuleType:
    """Revision 0004, whose search index and triggers this revision replaces (and restores on downgrade)."""
    return revision_module("0004_query_site.py")


def _drop_search_index(query_site: ModuleType) -> None:
    for _kind, _code, table, *_ in query_site.SEARCH_SOURCES:
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER search_{table}_{event}")
    op.execute("DROP TABLE search_index")


def _create_search_index(query_site: ModuleType, folded: bool) -> None:
    """0004's FTS5 table, filled and kept in step by triggers; its title and body folded if `folded`.

    The fold is applied to the plain columns of a subquery: nested into the sources' own
    expressions it would pass SQLite's parser depth."""
    fold = fold_sql if folded else str
    op.execute(
        "CREATE VIRTUAL TABLE search_index USING fts5(title, body, kind UNINDEXED,"
        " document_id UNINDEXED, page UNINDEXED, record_id UNINDEXED, tokenize = 'trigram')"
    )
    columns = query_site.FTS_COLUMNS
    values = f"key, {fold('title')}, {fold('body')}, kind, document_id, page, record_id"
    for kind, code, table, title, body, cond in query_site.SEARCH_SOURCES:
        source = query_site._source_select(kind, code, table, title, body, cond, r="s")
        op.execute(f"INSERT INTO search_index({columns}) SELECT {values} FROM ({source})")
        where = f" WHERE {cond.format(r='NEW')}" if cond else ""
        new = (
            f"SELECT NEW.id * {query_site.KIND_CODES} + {code} AS key, {title.format(r='NEW')} AS title,"
            f" {body.format(r='NEW')} AS body, '{kind}' AS kind, NEW.document_id AS document_id,"
            f" NEW.page AS page, NEW.id AS record_id{where}"
        )
        add = f"INSERT INTO search_index({columns}) SELECT {values} FROM ({new});"
        drop = f"DELETE FROM search_index WHERE rowid = OLD.id * {query_site.KIND_CODES} + {code};"
        op.execute(f"CREATE TRIGGER search_{table}_insert AFTER INSERT ON {table} BEGIN {add} END")
        op.execute(f"CREATE TRIGGER search_{table}_delete AFTER DELETE ON {table} BEGIN {drop} END")
        op.execute(f"CREATE TRIGGER search_{table}_update AFTER UPDATE ON {table} BEGIN {drop} {add} END")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    sql = _DIALECT[dialect]
    op.execute(_printed_figures(sql))
    op.execute(SPENDING)
    op.execute(_changes(sql))
    if dialect == "sqlite":
        query_site = _query_site()
        _drop_search_index(query_site)
        _create_search_index(query_site, folded=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        query_site = _query_site()
        _drop_search_index(query_site)
        _create_search_index(query_site, folded=False)
    op.execute("DROP VIEW changes")
    op.execute("DROP VIEW spending")
    op.execute("DROP VIEW printed_figures")
