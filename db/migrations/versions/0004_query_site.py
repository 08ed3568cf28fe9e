"""Views and full-text search for the query site (`yusuan serve`).

- `budget_vs_actual` (both dialects): each final account's figures beside the
  budget they are measured against, with both documents and pages.
- `search_source` (both dialects): one row per searchable text (section,
  fact, project, indicator, printed line-item row), over the base tables.
- `search_index` (SQLite only): an FTS5 table with the `trigram` tokenizer,
  filled from `search_source` and kept in step by triggers, so every load,
  replace and delete changes it in the same transaction.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# kind, rowid code, table, title expression, body expression, condition ({r} is the row).
# A line item is one cell; its printed row is indexed once, by its first cell.
SEARCH_SOURCES = (
    ("section", 1, "sections", "{r}.heading", "{r}.text", None),
    ("fact", 2, "facts", "{r}.label", "{r}.sentence", None),
    ("project", 3, "projects", "{r}.name", "COALESCE({r}.purpose, '')", None),
    (
        "indicator", 4, "indicators", "{r}.level3",
        "COALESCE({r}.project, '') || ' ' || COALESCE({r}.level1, '') || ' ' || COALESCE({r}.level2, '')"
        " || ' ' || {r}.target_raw",
        None,
    ),
    (
        "line_item", 5, "line_items", "{r}.row_label",
        "COALESCE({r}.functional_name, '') || ' ' || COALESCE({r}.economic_name, '')",
        "NOT EXISTS (SELECT 1 FROM line_items o WHERE o.document_id = {r}.document_id"
        " AND o.table_index = {r}.table_index AND o.row_index = {r}.row_index AND o.id < {r}.id)",
    ),
)  # fmt: skip
KIND_CODES = 8  # search_index.rowid = record id * KIND_CODES + kind code


def _source_select(kind: str, code: int, table: str, title: str, body: str, cond: str | None, r: str) -> str:
    where = f" WHERE {cond.format(r=r)}" if cond else ""
    return (
        f"SELECT {r}.id * {KIND_CODES} + {code} AS key, '{kind}' AS kind, {r}.id AS record_id,"
        f" {r}.document_id, {r}.page, {title.format(r=r)} AS title, {body.format(r=r)} AS body"
        f" FROM {table} {r}{where}"
    )


SEARCH_SOURCE_VIEW = "CREATE VIEW search_source AS\n" + "\nUNION ALL\n".join(
    _source_select(kind, code, table, title, body, cond, r="s")
    for kind, code, table, title, body, cond in SEARCH_SOURCES
)

FTS_COLUMNS = "rowid, title, body, kind, document_id, page, record_id"


def _triggers() -> list[str]:
    statements = []
    for kind, code, table, title, body, cond in SEARCH_SOURCES:
        where = f" WHERE {cond.format(r='NEW')}" if cond else ""
        add = (
            f"INSERT INTO search_index({FTS_COLUMNS}) SELECT NEW.id * {KIND_CODES} + {code},"
            f" {title.format(r='NEW')}, {body.format(r='NEW')}, '{kind}', NEW.document_id, NEW.page, NEW.id"
            f"{where};"
        )
        drop = f"DELETE FROM search_index WHERE rowid = OLD.id * {KIND_CODES} + {code};"
        statements += [
            f"CREATE TRIGGER search_{table}_insert AFTER INSERT ON {table} BEGIN {add} END",
            f"CREATE TRIGGER search_{table}_delete AFTER DELETE ON {table} BEGIN {drop} END",
            f"CREATE TRIGGER search_{table}_update AFTER UPDATE ON {table} BEGIN {drop} {add} END",
        ]
    return statements


# The pairs of tables compared: a budget's table and the final account's table of the same money.
BUDGET_VS_ACTUAL_VIEW = """
CREATE VIEW budget_vs_actual AS
WITH pairs(scope, budget_kind, final_kind) AS (
    VALUES ('expenditure', 'department_expenditure', 'final_expenditure'),
           ('general_budget', 'general_budget_expenditure', 'final_general_budget_expenditure')
),
three_items(item, name) AS (
    VALUES ('total', '"三公"经费合计'), ('outbound_travel', '因公出国（境）费'), ('reception', '公务接待费'),
           ('vehicles', '公务用车购置及运行费'), ('vehicle_purchase', '公务用车购置费'),
           ('vehicle_operation', '公务用车运行维护费')
),
ranked AS (
    SELECT li.document_id, p.scope, COALESCE(li.functional_code, 'total') AS item,
           CASE WHEN li.functional_code IS NULL THEN '合计' ELSE COALESCE(li.functional_name, li.row_label) END
               AS name,
           li.measure, li.amount, li.page,
           ROW_NUMBER() OVER (
               PARTITION BY li.document_id, p.scope, COALESCE(li.functional_code, 'total'), li.measure
               ORDER BY li.id
           ) AS n
    FROM line_items li
    JOIN documents d ON d.id = li.document_id
    JOIN pairs p ON li.table_kind = CASE d.doc_kind WHEN 'budget' THEN p.budget_kind ELSE p.final_kind END
    WHERE li.measure IN ('total', 'budget.total', 'adjusted.total')
      AND (li.functional_code IS NOT NULL OR li.is_total)
),
cells AS (
    SELECT document_id, scope, item, name, measure, amount, page FROM ranked WHERE n = 1
    UNION ALL
    SELECT t.document_id, 'three_public', 'three_public.' || k.item, k.name, 'total',
           CASE k.item WHEN 'total' THEN t.total WHEN 'outbound_travel' THEN t.outbound_travel
                       WHEN 'reception' THEN t.reception WHEN 'vehicles' THEN t.vehicles
                       WHEN 'vehicle_purchase' THEN t.vehicle_purchase
                       ELSE t.vehicle_operation END,
           t.page
    FROM three_public t CROSS JOIN three_items k
),
matched AS (
    SELECT f.id AS final_id,
           (SELECT max(b.id) FROM documents b
            WHERE b.doc_kind = 'budget' AND b.department = f.department AND b.fiscal_year = f.fiscal_year
              AND COALESCE(b.region, '') = COALESCE(f.region, '')) AS budget_id
    FROM documents f WHERE f.doc_kind = 'final_accounts'
),
joined AS (
    SELECT m.final_id, a.scope, a.item, a.name, a.amount AS final_amount, a.page AS final_page,
           CASE WHEN bb.amount IS NOT NULL THEN bb.amount ELSE fb.amount END AS budget_amount,
           CASE WHEN bb.amount IS NOT NULL THEN 'budget' WHEN fb.amount IS NOT NULL THEN 'final_accounts' END
               AS budget_from,
           CASE WHEN bb.amount IS NOT NULL THEN m.budget_id WHEN fb.amount IS NOT NULL THEN m.final_id END
               AS budget_document_id,
           CASE WHEN bb.amount IS NOT NULL THEN bb.page ELSE fb.page END AS budget_page,
           fa.amount AS adjusted_amount
    FROM matched m
    JOIN cells a ON a.document_id = m.final_id AND a.measure = 'total'
    LEFT JOIN cells bb ON bb.document_id = m.budget_id AND bb.scope = a.scope AND bb.item = a.item
        AND bb.measure = 'total'
    LEFT JOIN cells fb ON fb.document_id = m.final_id AND fb.scope = a.scope AND fb.item = a.item
        AND fb.measure = 'budget.total'
    LEFT JOIN cells fa ON fa.document_id = m.final_id AND fa.scope = a.scope AND fa.item = a.item
        AND fa.measure = 'adjusted.total'
    WHERE a.amount IS NOT NULL
)
SELECT f.region, f.department, f.fiscal_year, j.scope, j.item,
       CASE WHEN j.item = 'total' OR j.scope = 'three_public' THEN NULL ELSE j.item END AS functional_code,
       j.name, j.budget_amount, j.adjusted_amount, j.final_amount,
       {difference} AS difference,
       {rate} AS execution_rate,
       j.budget_from,
       j.budget_document_id, bd.sha256 AS budget_sha256, bd.source AS budget_source, j.budget_page,
       f.id AS final_document_id, f.sha256 AS final_sha256, f.source AS final_source, j.final_page
FROM joined j
JOIN documents f ON f.id = j.final_id
LEFT JOIN documents bd ON bd.id = j.budget_document_id
"""

# Amounts are NUMERIC on PostgreSQL and decimal text on SQLite (db/types.py): there the
# difference is taken in whole fen and printed back as exact decimal text.
_DIALECT_SQL = {
    "postgresql": {
        "difference": "j.final_amount - j.budget_amount",
        "rate": "ROUND(100 * j.final_amount / NULLIF(COALESCE(j.adjusted_amount, j.budget_amount), 0), 2)",
    },
    "sqlite": {
        "difference": "CASE WHEN j.budget_amount IS NOT NULL THEN printf('%.2f',"
        " (ROUND(CAST(j.final_amount AS NUMERIC) * 100) - ROUND(CAST(j.budget_amount AS NUMERIC) * 100)) / 100.0)"
        " END",
        "rate": "ROUND(100.0 * CAST(j.final_amount AS NUMERIC)"
        " / NULLIF(CAST(COALESCE(j.adjusted_amount, j.budget_amount) AS NUMERIC), 0), 2)",
    },
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_index("ix_line_items_printed_row", "line_items", ["document_id", "table_index", "row_index"])
    op.execute(BUDGET_VS_ACTUAL_VIEW.format(**_DIALECT_SQL[dialect]))
    op.execute(SEARCH_SOURCE_VIEW)
    if dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE search_index USING fts5(title, body, kind UNINDEXED,"
            " document_id UNINDEXED, page UNINDEXED, record_id UNINDEXED, tokenize = 'trigram')"
        )
        op.execute(
            f"INSERT INTO search_index({FTS_COLUMNS})"
            " SELECT key, title, body, kind, document_id, page, record_id FROM search_source"
        )
        for statement in _triggers():
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for _kind, _code, table, *_ in SEARCH_SOURCES:
            for event in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER search_{table}_{event}")
        op.execute("DROP TABLE search_index")
    op.execute("DROP VIEW search_source")
    op.execute("DROP VIEW budget_vs_actual")
    op.drop_index("ix_line_items_printed_row", "line_items")
