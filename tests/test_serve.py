"""The query site (`yusuan serve`, pipeline/serve) and the views and exports behind it.

Stored queries run through Datasette's own client on real corpus disclosures
ingested once per session: the SWU 2023 budget and final accounts (a pair),
the Putuo Wanli 2023 and 2024 budgets (consecutive years) and the Chongqing
government office's and commerce commission's 2026 budgets (one year each).
Every figure asserted was read off the rendered page named beside it.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from sqlalchemy import text

from db import open_engine
from db.frames import read_frame
from db.loader import load, retire
from db.search import fold
from pipeline.commands.export import export
from pipeline.normalize.accounting import REASONS
from pipeline.serve.site import build_datasette, site_metadata
from schemas.records import Document, LineItem, ThreePublic

SWU_BUDGET = "swu-2023-department-budget.pdf"
SWU_FINAL = "swu-2023-department-final-accounts.pdf"
SWU_BUDGET_SHA = "810a3477d6e084f344a9374c49c7fa9eb81501267ae7acf00c297ca39c36ad42"
SWU_FINAL_SHA = "86287b24a9397e330ece5918aa4515793e33b2b7c66c2d0506e484ae8263fc8c"
WANLI = ("putuo-wanli-2023-department-budget.pdf", "putuo-wanli-2024-department-budget.pdf")
CHONGQING = ("chongqing-govoffice-2026-department-budget.pdf", "chongqing-commerce-2026-department-budget.pdf")
SITE_FILES = (SWU_BUDGET, SWU_FINAL, *WANLI, *CHONGQING)
CHONGQING_OFFICE_SHA = "3be48d9f27f232b0157092e831fae34632293490406c05befcddc288f3b1d1c7"
README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture(scope="session")
def site_db(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database holding the six corpus disclosures, ingested with `yusuan ingest`'s library."""
    from pipeline.batch.ingest import ingest

    path = tmp_path_factory.mktemp("site") / "yusuan.db"
    report = ingest([corpus / name for name in SITE_FILES], f"sqlite:///{path}", jobs=2, progress=False)
    assert report.ok and len(report.loaded) == 6, report
    return path


def document_id(db: Path, sha256: str) -> int:
    engine = open_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        found = conn.execute(text("SELECT id FROM documents WHERE sha256 = :s"), {"s": sha256}).scalar_one()
    engine.dispose()
    return int(found)


def fetch(db: Path, *paths: str, pdf_dirs: tuple[Path, ...] = ()) -> list[Any]:
    """GET each path from a fresh site over `db`; JSON bodies decoded, others as responses."""

    async def run() -> list[Any]:
        ds = build_datasette(db, pdf_dirs)
        await ds.invoke_startup()
        out = []
        for path in paths:
            response = await ds.client.get(path)
            assert response.status_code in (200, 400, 404, 405), (path, response.status_code, response.text[:500])
            out.append(response.json() if ".json" in path and response.status_code == 200 else response)
        return out

    return asyncio.run(run())


def query(db: Path, name: str, **params: str) -> list[dict[str, Any]]:
    args = "&".join(f"{k}={v}" for k, v in params.items())
    rows: list[dict[str, Any]] = fetch(db, f"/yusuan/{name}.json?_shape=array&{args}")[0]
    return rows


# --- budget_vs_actual on the real pair -----------------------------------------------------------


def test_budget_vs_actual_on_the_swu_pair(site_db: Path) -> None:
    engine = open_engine(f"sqlite:///{site_db}")
    with engine.connect() as conn:
        rows = {
            (r.scope, r.item): r
            for r in conn.execute(text("SELECT * FROM budget_vs_actual WHERE department = '西南大学'"))
        }
    engine.dispose()
    education = rows[("expenditure", "205")]  # 支出预算表 p9: 434,334.99 万元; 支出决算表 p12: 425,287.27 万元
    assert (education.name, education.budget_amount, education.final_amount) == (
        "教育支出", "4343349900.00", "4252872700.00",
    )  # fmt: skip
    assert (education.difference, education.execution_rate, education.budget_from) == ("-90477200.00", 97.92, "budget")
    assert (education.budget_sha256, education.budget_page) == (SWU_BUDGET_SHA, 9)
    assert (education.final_sha256, education.final_page, education.fiscal_year) == (SWU_FINAL_SHA, 12, 2023)
    total = rows[("expenditure", "total")]  # 合计 468,779.07 (p9) vs 457,676.75 (p13)
    assert (total.budget_amount, total.final_amount, total.execution_rate) == ("4687790700.00", "4576767500.00", 97.63)
    appropriation = rows[("general_budget", "2050205")]  # 财政拨款 高等教育: 181,866.03 (p10) vs 186,663.39 (p14)
    assert (appropriation.budget_amount, appropriation.final_amount) == ("1818660300.00", "1866633900.00")
    assert (appropriation.budget_page, appropriation.final_page, appropriation.execution_rate) == (10, 14, 102.64)


# --- budget_vs_actual and the search index on fixtures, SQLite and PostgreSQL ---------------------------


def final_account(budget: Document, sha256: str, with_budget_column: bool) -> Document:
    """The final account of `budget`'s department and year: each amount spent at 90%, optionally with
    年初预算数 (twice the budget's), its 三公 too."""
    meta = replace(budget.meta, sha256=sha256, source="final.pdf", files=["final.pdf"], doc_kind="final_accounts")
    items: list[LineItem] = []
    for item in budget.line_items:
        spent = replace(item, table_kind="final_general_budget_expenditure", amount=item.amount * Decimal("0.9"), page=7)
        items.append(spent)
        if with_budget_column:
            items.append(replace(spent, measure="budget.total", amount=item.amount * 2, page=7))
    three = budget.three_public
    spent_three = replace(three, total=three.total * Decimal("0.9"), reception=None, page=8)
    planned_three = replace(three, total=three.total * 2, reception=None, page=8) if with_budget_column else ThreePublic()
    return replace(budget, meta=meta, line_items=items, three_public=spent_three, budgeted_three_public=planned_three)


def test_budget_vs_actual_prefers_the_budget_disclosure(db_url: str, make_document: Callable[..., Document]) -> None:
    budget = make_document()
    final = final_account(budget, "f" * 64, with_budget_column=True)
    engine = open_engine(db_url)
    load(engine, final)
    sql = text("SELECT * FROM budget_vs_actual WHERE item = '20106'")
    with engine.connect() as conn:
        alone = conn.execute(sql).one()  # only the final account: its own 年初预算数 column
    load(engine, budget)
    with engine.connect() as conn:
        paired = conn.execute(sql).one()
    engine.dispose()
    assert alone.budget_from == "final_accounts" and alone.budget_sha256 == "f" * 64
    assert Decimal(alone.budget_amount) == Decimal("246913578024.68")
    assert Decimal(alone.execution_rate) == Decimal("45.00")
    assert paired.budget_from == "budget" and paired.budget_sha256 == "a" * 64 and paired.budget_page == 5
    assert Decimal(paired.budget_amount) == Decimal("123456789012.34")
    assert Decimal(paired.final_amount) == Decimal("111111110111.106")
    # SQLite takes the difference in whole fen; PostgreSQL keeps the sub-fen digits of this made-up amount
    assert Decimal(paired.difference).quantize(Decimal("0.01")) == Decimal("-12345678901.23")
    assert Decimal(paired.execution_rate) == Decimal("90.00") and paired.final_page == 7


def test_budget_vs_actual_three_public_falls_back_to_the_final_accounts_budget(
    db_url: str, make_document: Callable[..., Document]
) -> None:
    """三公 pairs like the codes: the budget disclosure's figure first, else the final account's 预算数."""
    budget = make_document()  # 三公 合计 1,234,500.00 on p9
    engine = open_engine(db_url)
    load(engine, final_account(budget, "f" * 64, with_budget_column=True))
    sql = text("SELECT * FROM budget_vs_actual WHERE item = 'three_public.total'")
    with engine.connect() as conn:
        alone = conn.execute(sql).one()
        stored = conn.execute(text("SELECT measure, total FROM three_public ORDER BY measure")).all()
    load(engine, budget)
    with engine.connect() as conn:
        paired = conn.execute(sql).one()
    engine.dispose()
    assert [(m, Decimal(t)) for m, t in stored] == [("budget.total", Decimal("2469000")), ("total", Decimal("1111050"))]
    assert (alone.scope, alone.budget_from, alone.budget_sha256, alone.budget_page) == ("three_public", "final_accounts", "f" * 64, 8)
    assert Decimal(alone.budget_amount) == Decimal("2469000") and Decimal(alone.final_amount) == Decimal("1111050")
    assert Decimal(alone.execution_rate) == Decimal("45.00")
    assert (paired.budget_from, paired.budget_sha256, paired.budget_page) == ("budget", "a" * 64, 9)
    assert Decimal(paired.budget_amount) == Decimal("1234500") and Decimal(paired.execution_rate) == Decimal("90.00")


def test_budget_vs_actual_three_public_of_a_final_account_alone(
    db_url: str, parsed_corpus: Callable[..., Document]
) -> None:
    """Putuo planning 2024 has no budget disclosure in the corpus; its 三公 决算表 (p17) prints
    预算数 | 决算数: 合计 2.85 | 0.39万元, 公务接待费 2.85 | 0.39 (p25: 完成预算的13.68%)."""
    engine = open_engine(db_url)
    load(engine, parsed_corpus("putuo-planning-2024-department-final-accounts.pdf"))
    with engine.connect() as conn:
        rows = {r.item: r for r in conn.execute(text("SELECT * FROM budget_vs_actual WHERE scope = 'three_public'"))}
    engine.dispose()
    for item in ("three_public.total", "three_public.reception"):
        row = rows[item]
        assert (Decimal(row.budget_amount), Decimal(row.final_amount)) == (Decimal("28500"), Decimal("3900")), item
        assert (row.budget_from, row.budget_page, row.final_page) == ("final_accounts", 17, 17), item
        assert Decimal(str(row.execution_rate)) == Decimal("13.68") and Decimal(row.difference) == Decimal("-24600")


def search_rows(conn: Any) -> list[tuple[Any, ...]]:
    return sorted(tuple(r) for r in conn.execute(text("SELECT rowid, kind, title, page FROM search_index")))


def test_search_index_follows_every_load_replace_and_delete(tmp_path: Path, make_document: Callable[..., Document]) -> None:
    engine = open_engine(f"sqlite:///{tmp_path / 'y.db'}")
    doc = make_document()
    load(engine, doc)
    with engine.connect() as conn:
        first = search_rows(conn)
        source = conn.execute(text("SELECT key, kind, title, page FROM search_source"))
        assert first == sorted((key, kind, fold(title), page) for key, kind, title, page in source)  # folded: 一、→ 一
        kinds = {row[1] for row in first}
        hits = conn.execute(text("SELECT title FROM search_index WHERE search_index MATCH '财政信息'")).scalars().all()
    assert kinds == {"section", "fact", "project", "indicator", "line_item"}
    assert sorted(hits) == ["系统上线数", "财政信息化建设"]
    changed = replace(doc, projects=[replace(doc.projects[0], name="预算一体化系统")])
    load(engine, changed, force=True)
    with engine.connect() as conn:
        titles = {row[2] for row in search_rows(conn)}
    assert "预算一体化系统" in titles and "财政信息化建设" not in {t for t in titles if t.startswith("财政信息化")}
    from sqlalchemy.orm import Session

    with Session(engine) as session, session.begin():
        retire(session, ["a" * 64], keep=-1)
    with engine.connect() as conn:
        assert search_rows(conn) == []
    engine.dispose()


# --- the site: metadata, stored queries, links to pages ------------------------------------------------


def test_metadata_describes_every_table_view_and_column(site_db: Path) -> None:
    metadata = site_metadata(site_db)
    tables = metadata["databases"]["yusuan"]["tables"]
    assert {"budget_vs_actual", "line_items_view", "search_source", "documents"} <= set(tables)
    for name, table in tables.items():
        assert table["title"] and table["description"], name
        assert all(table["columns"].values()), name
    assert tables["line_items_view"]["facets"] == ["region", "fiscal_year", "doc_kind", "functional_class_name"]
    assert "元" in tables["budget_vs_actual"]["columns"]["final_amount"]
    queries = metadata["databases"]["yusuan"]["queries"]
    assert {"search", "department_history", "top_changes", "three_public", "execution_rate", "failed_checks",
            "unaccounted", "accounting"} <= set(queries)


def test_search_two_and_four_characters(site_db: Path) -> None:
    final_id = document_id(site_db, SWU_FINAL_SHA)
    short = query(site_db, "search", q="教育")  # below the trigram's 3: a scan of the folded index
    assert {"说明", "表格行", "绩效指标"} <= {r["类别"] for r in short}
    education = [r for r in short if (r["类别"], r["标题"], r["页码"], r["文件"]) == ("表格行", "教育支出", 10, final_id)]
    assert education and education[0]["部门"] == "西南大学" and education[0]["文件类型"] == "决算"
    long = query(site_db, "search", q="高等教育")  # FTS5 trigram
    rows = {(r["文件"], r["页码"]): r for r in long if r["标题"] == "高等教育" and r["类别"] == "表格行"}
    assert {(final_id, 10), (final_id, 12), (final_id, 14)} <= set(rows)
    assert rows[(final_id, 14)]["金额"] == "1866633900.00"  # 财政拨款支出决算表 p14: 186,663.39 万元
    assert all("高等教育" in (r["标题"] + r["摘录"]) for r in long)
    assert query(site_db, "search", q="不存在的词语") == []


def test_search_ignores_quotes_and_punctuation_is_literal_and_gives_one_hit_per_sentence(site_db: Path) -> None:
    plain, quoted = query(site_db, "search", q="三公经费"), query(site_db, "search", q="“三公”经费")
    assert plain == quoted and len(plain) >= 6
    assert query(site_db, "search", q="%22三公%22 经费") == plain
    office = [r for r in plain if r["部门"] == "重庆市人民政府办公厅" and r["摘录"].startswith("2026年“三公”经费预算394.49万元")]
    assert len(office) == 1 and office[0]["金额"] == "3944900.00" and office[0]["页码"] == 3  # p3: 394.49万元
    keys = [(r["文件"], r["页码"], r["摘录"]) for r in plain]
    assert len(keys) == len(set(keys))  # one hit per sentence
    percent = query(site_db, "search", q="%25")
    assert percent and all("%" in r["标题"] + r["摘录"] for r in percent)
    assert query(site_db, "search", q="_") == []


def test_changes_with_one_year_loaded_say_where_the_previous_year_comes_from(site_db: Path) -> None:
    """Chongqing's 2026 budgets alone: 一般公共预算支出情况表 p15 prints 2025年预算数 (201: 12,679.50 → 15,146.48
    万元; 合计 15,635.80 → 18,417.70), the 三公 table p20 2025 | 2026 (396.97 | 394.49), and the commerce
    commission's narrative p4 states 三公 890.97万元, 比2025年减少1.22万元."""
    rows = {(r["部门"], r["口径"], r["项目"]): r for r in query(site_db, "top_changes", year="2026")}
    office = "重庆市人民政府办公厅"
    general = rows[(office, "一般公共预算", "201 一般公共服务支出")]
    assert (general["上年"], general["本年"], general["增减"]) == ("126795000.00", "151464800.00", "24669800.00")
    assert general["比较依据"] == "本表上年数 printed previous-year column" and general["上年页码"] == 15
    assert rows[(office, "一般公共预算", "合计")]["增减"] == "27819000.00"
    assert rows[(office, "“三公”经费", "“三公”经费合计")]["增减"] == "-24800.00"
    commerce = rows[("重庆市商务委员会", "“三公”经费", "“三公”经费合计")]
    assert (commerce["本年"], commerce["增减"], commerce["比较依据"]) == ("8909700.00", "-12200.00", "说明文字 narrative")
    assert commerce["上年页码"] == 4 and "1.22万元" in commerce["原句"]


def _readme_sql() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### Adding up: the view `spending`") : text.index("### The view `changes`")]
    return [block.split("```", 1)[0] for block in section.split("```sql\n")[1:]]


def test_readme_examples_give_the_printed_figures(site_db: Path) -> None:
    """Each SQL example of the README's `spending` section, run as printed, against hand-read figures:
    部门支出总体情况表 p12 of each Chongqing budget (201: 15,958.96 万元 and 23,103.76 万元; 合计 19,230.18
    and 174,900.64 万元); 三公 p20 (396.97 → 394.49) and the commerce narrative p4 (减少1.22万元)."""
    import sqlite3

    examples = _readme_sql()
    assert len(examples) == 3
    conn = sqlite3.connect(f"file:{site_db}?mode=ro", uri=True)
    try:
        results = [conn.execute(sql).fetchall() for sql in examples]
    finally:
        conn.close()
    assert results[0] == [
        ("重庆市人民政府办公厅", "159589600.00", "15958.960000", 12), ("重庆市商务委员会", "231037600.00", "23103.760000", 12),
    ]  # fmt: skip
    assert results[1] == [
        ("重庆市人民政府办公厅", "192301900.00", "192301800.00"), ("重庆市商务委员会", "1749006300.00", "1749006400.00"),
    ]  # fmt: skip
    assert results[2] == [
        ("重庆市人民政府办公厅", "3944900.00", "3969700.00", "-24800.00", "printed_previous_year", 20, 20),
        ("重庆市商务委员会", "8909700.00", "8921900.00", "-12200.00", "narrative", 23, 4),
    ]


def test_spending_counts_each_yuan_once_on_both_dialects(db_url: str, make_document: Callable[..., Document]) -> None:
    """The fixture's table prints 合计, 201, 20106 and 2010601: one level or the leaves, never all of them."""
    engine = open_engine(db_url)
    load(engine, make_document())
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT functional_code, level, is_leaf, amount, amount_fen, amount_wan FROM spending ORDER BY functional_code"
        )).all()  # fmt: skip
        total = conn.execute(text("SELECT level, amount FROM printed_figures WHERE level = '合计'")).one()
        leaves = conn.execute(text("SELECT sum(amount_fen) FROM spending WHERE is_leaf")).scalar_one()
    engine.dispose()
    assert [(r[0], r[1], bool(r[2])) for r in rows] == [("201", "类", False), ("20106", "款", False), ("2010601", "项", True)]
    assert Decimal(rows[1].amount) == Decimal("123456789012.34") and int(rows[1].amount_fen) == 12345678901234
    assert Decimal(rows[1].amount_wan) == Decimal("12345678.901234")
    assert (total.level, Decimal(total.amount)) == ("合计", Decimal("441566401.200000"))
    assert int(leaves) == -550


def test_a_pdf_is_served_by_the_hash_of_the_file_ingested(tmp_path: Path, corpus: Path) -> None:
    """Two ingested files named 预算公开.pdf each open as themselves; a symlink out of --pdfs, a file
    that is no document's and a file changed since ingest are never served."""
    import hashlib
    import shutil

    from pipeline.batch.ingest import ingest

    first, second = tmp_path / "a" / "预算公开.pdf", tmp_path / "b" / "预算公开.pdf"
    for target, name in ((first, WANLI[0]), (second, WANLI[1])):
        target.parent.mkdir()
        shutil.copy(corpus / name, target)
    db = tmp_path / "y.db"
    assert ingest([first, second], f"sqlite:///{db}", jobs=1, progress=False).ok
    shas = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (first, second)]
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "预算公开.pdf").symlink_to(Path("/etc/passwd"))
    linked = tmp_path / "pdfs"
    linked.mkdir()
    (linked / "预算公开.pdf").symlink_to(outside / "预算公开.pdf")
    passwd = hashlib.sha256(Path("/etc/passwd").read_bytes()).hexdigest()
    one, two, refused, history = fetch(
        db, f"/-/pdf/{shas[0]}.pdf", f"/-/pdf/{shas[1]}.pdf", f"/-/pdf/{passwd}.pdf",
        "/yusuan/department_history?department=万里街道", pdf_dirs=(linked,),
    )  # fmt: skip
    assert hashlib.sha256(one.content).hexdigest() == shas[0] and hashlib.sha256(two.content).hexdigest() == shas[1]
    assert refused.status_code == 404
    assert f"/-/pdf/{shas[0]}.pdf#page=" in history.text and f"/-/pdf/{shas[1]}.pdf#page=" in history.text
    first.write_bytes(first.read_bytes() + b"%changed")
    (changed,) = fetch(db, f"/-/pdf/{shas[0]}.pdf")
    assert changed.status_code == 404


def test_site_is_immutable_shows_no_server_path_and_answers_bad_requests_in_one_line(
    site_db: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = ("/nope", "/yusuan/nope", "/yusuan/line_items?_sort=nope", "/yusuan/line_items.json?_sort_desc=zzz")
    databases, metadata, runs, pragma, *errors = fetch(
        site_db, "/-/databases.json", "/-/metadata.json", "/yusuan/ingest_runs.json?_shape=array",
        "/yusuan.json?sql=select+*+from+pragma_database_list", *bad, pdf_dirs=(corpus,),
    )  # fmt: skip
    log = capsys.readouterr().err.splitlines()
    for shown in (databases, metadata, runs):
        text_shown = json.dumps(shown, ensure_ascii=False)
        assert str(site_db.parent) not in text_shown and str(corpus) not in text_shown
    assert [(d["name"], d["is_mutable"]) for d in databases] == [("yusuan", False)] and "path" not in databases[0]
    assert runs and all(r["path"] is None for r in runs)
    assert pragma.status_code == 400 and str(site_db) not in pragma.text
    assert [r.status_code for r in errors] == [404, 404, 400, 400]
    served = [line for line in log if line.startswith("yusuan serve: ")]
    assert "yusuan serve: 400 GET /yusuan/line_items?_sort=nope: Cannot sort table by nope" in served
    assert sum(line.startswith("yusuan serve: 404 GET /nope") for line in served) == 1

    async def post() -> tuple[int, str]:
        ds = build_datasette(site_db)
        await ds.invoke_startup()
        response = await ds.client.post("/yusuan/search", data={"q": "x"})
        write = await ds.client.get("/yusuan.json?sql=insert+into+codes+values(1,2,3)")
        return response.status_code, write.json()["error"]

    status, refused = asyncio.run(post())
    log = capsys.readouterr().err.splitlines()
    assert status == 405 and "SELECT" in refused
    assert [line for line in log if line.startswith("yusuan serve: 405")] == [
        "yusuan serve: 405 POST /yusuan/search: POST is not answered here: the site is read-only"
    ]
    assert not [line for line in log if "Traceback" in line]


def test_site_csv_is_excel_ready_and_holds_every_row(site_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.serve import site

    monkeypatch.setitem(site.SETTINGS, "max_returned_rows", 10)  # a page's cap, far below the rows asked for

    async def run() -> tuple[bytes, bytes, int]:
        ds = build_datasette(site_db)
        await ds.invoke_startup()
        table = await ds.client.get("/yusuan/line_items.csv?_size=5")
        search = await ds.client.get("/yusuan/search.csv?q=%25")
        page = await ds.client.get("/yusuan/search.json?q=%25&_shape=array")
        return table.content, search.content, len(page.json())

    table, search, page_rows = asyncio.run(run())
    engine = open_engine(f"sqlite:///{site_db}")
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM line_items")).scalar_one()
    engine.dispose()
    assert table.startswith(b"\xef\xbb\xbf") and search.startswith(b"\xef\xbb\xbf")
    assert len(list(csv.reader(io.StringIO(table.decode("utf-8-sig"))))) == count + 1 > 1001
    rows = list(csv.DictReader(io.StringIO(search.decode("utf-8-sig"))))
    assert page_rows == 10 and len(rows) > 10 and all("%" in r["标题"] + r["摘录"] for r in rows)


def test_serve_takes_the_shared_db_url_and_a_busy_port_is_one_line(site_db: Path) -> None:
    import socket

    from pipeline.commands.serve import serve

    refused = CliRunner().invoke(serve, ["--db", "postgresql+psycopg://me:secret@db/yusuan"])
    assert refused.exit_code == 2 and "serve reads a SQLite file" in refused.output and "secret" not in refused.output
    missing = CliRunner().invoke(serve, [], env={"YUSUAN_DB": "sqlite:////nonexistent/y.db"})
    assert missing.exit_code == 1 and missing.output.strip() == "Error: /nonexistent/y.db: no such database file"
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(serve, ["--db", f"sqlite:///{site_db}", "--port", str(port)])
    assert result.exit_code == 1 and "serving" not in result.output
    assert result.output.strip().splitlines() == [f"Error: cannot listen on 127.0.0.1:{port}: Address already in use"]


def test_home_and_department_pages_read_like_a_newspaper(site_db: Path, corpus: Path) -> None:
    home, swu, amounts, three = fetch(
        site_db, "/", "/department?name=西南大学", "/yusuan/spending?functional_code=201&scope=expenditure",
        "/yusuan/three_public?year=2023", pdf_dirs=(corpus,),
    )  # fmt: skip
    assert "<strong>6</strong> 份文件" in home.text and "<strong>4</strong> 个部门" in home.text
    assert "<strong>3</strong> 个年度" in home.text and 'name="q"' in home.text
    assert "/department?name=%E8%A5%BF%E5%8D%97%E5%A4%A7%E5%AD%A6" in home.text
    # 西南大学 2023: 支出决算表 合计 457,676.75 万元 (p13); its disclosures print no 三公
    assert "457,676.75 万元" in swu.text and "4,576,767,500.00 元" in swu.text
    assert f'href="/-/pdf/{SWU_FINAL_SHA}.pdf#page=13"' in swu.text
    assert swu.text.count("本文件未公开 / not published in this disclosure") >= 2
    checks = swu.text[swu.text.index("未通过的核对 Failed checks") :]
    assert "hierarchy_sum" in checks and f'href="/-/pdf/{SWU_BUDGET_SHA}.pdf#page=8"' in checks  # the PDF's own, p8
    assert "15,958.96 万元" in amounts.text  # 重庆市人民政府办公厅 201, p12
    assert "本文件未公开 / not published in this disclosure" in three.text and "西南大学" in three.text


def test_department_history_top_changes_three_public(site_db: Path) -> None:
    history = query(site_db, "department_history", department="万里街道")
    by_year = {(r["年度"], r["项目"]): r["金额"] for r in history}
    assert by_year[(2024, "208 社会保障和就业支出")] == "19604064"
    assert by_year[(2023, "208 社会保障和就业支出")] == "27073236"
    assert by_year[(2024, "“三公”经费")] == "479100.00"
    changes = {(r["部门"], r["口径"], r["项目"]): r for r in query(site_db, "top_changes", year="2024")}
    social = changes[("上海市普陀区人民政府万里街道办事处", "支出（全部资金）", "208 社会保障和就业支出")]
    assert (social["增减"], social["增减%"], social["比较依据"]) == ("-7469172.00", -27.59, "上年公开文件 previous disclosure")
    assert (social["上年页码"], social["页码"]) == (16, 17)
    three = query(site_db, "three_public", year="2024")
    assert [(r["项目"], r["金额"], r["上年"], r["页码"]) for r in three][:3] == [
        ("“三公”经费合计", "479100.00", "229100.00", 31), ("因公出国（境）费", "0.00", "0.00", 31),
        ("公务接待费", "13500.00", "13500.00", 31),
    ]  # fmt: skip


def test_execution_rate_lowest_first_and_failed_checks(site_db: Path) -> None:
    rates = query(site_db, "execution_rate", year="2023")
    assert [r["执行率%"] for r in rates] == sorted(r["执行率%"] for r in rates)
    education = next(r for r in rates if (r["口径"], r["科目"]) == ("支出（全部资金）", "205"))
    assert education["执行率%"] == 97.92 and education["决算页码"] == 12
    assert query(site_db, "execution_rate", year="2022") == []
    failed = query(site_db, "failed_checks")
    assert any(r["规则"] == "narrative_vs_table" and r["页码"] == 29 and r["年度"] == 2023 for r in failed)


def test_pages_link_to_the_served_pdf(site_db: Path, corpus: Path) -> None:
    page, pdf, missing, table = fetch(
        site_db, "/yusuan/search?q=高等教育", f"/-/pdf/{SWU_FINAL_SHA}.pdf", f"/-/pdf/{'0' * 64}.pdf",
        "/yusuan/budget_vs_actual?item=205", pdf_dirs=(corpus,),
    )  # fmt: skip
    assert f'href="/-/pdf/{SWU_FINAL_SHA}.pdf#page=12"' in page.text
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert missing.status_code == 404
    assert f'href="/-/pdf/{SWU_BUDGET_SHA}.pdf#page=9"' in table.text
    assert f'href="/-/pdf/{SWU_FINAL_SHA}.pdf#page=12"' in table.text


# --- exports ---------------------------------------------------------------------------------------


def test_csv_for_excel_starts_with_a_bom(tmp_path: Path, make_document: Callable[..., Document]) -> None:
    url = f"sqlite:///{tmp_path / 'y.db'}"
    engine = open_engine(url)
    load(engine, make_document())
    engine.dispose()
    out = tmp_path / "items.csv"
    CliRunner().invoke(export, ["--db", url, "--format", "csv", "--excel", "-o", str(out)], catch_exceptions=False)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[2]["functional_name"] == "财政事务" and rows[2]["amount"] == "123456789012.34"
    plain = tmp_path / "plain.csv"
    CliRunner().invoke(export, ["--db", url, "--format", "csv", "-o", str(plain)], catch_exceptions=False)
    assert plain.read_bytes().startswith(b"document_id,sha256,")


def test_frames_and_parquet_keep_amounts_exact(db_url: str, tmp_path: Path, make_document: Callable[..., Document]) -> None:
    budget = make_document()
    engine = open_engine(db_url)
    load(engine, budget)
    load(engine, final_account(budget, "f" * 64, with_budget_column=False))
    engine.dispose()
    items = read_frame(db_url, "line_items", year=2026, code="2010")
    assert list(items["amount"]) == [Decimal("123456789012.34"), Decimal("-5.50"), Decimal("111111110111.106"), Decimal("-4.950")]
    assert sum(items["amount"]) == Decimal("234567899112.996")
    vs = read_frame(db_url, "budget_vs_actual", code="201")
    assert list(vs["item"]) == ["201", "20106", "2010601"] and vs["final_amount"][1] == Decimal("111111110111.106")
    out = tmp_path / "items.parquet"
    result = CliRunner().invoke(
        export, ["--db", db_url, "--format", "parquet", "--what", "line_items", "--code", "2010", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    assert str(table.schema.field("amount").type).startswith("decimal")
    assert table.column("amount").to_pylist()[0] == Decimal("123456789012.34")


def test_export_sqlite_copies_a_database_that_serve_opens(db_url: str, tmp_path: Path, make_document: Callable[..., Document]) -> None:
    budget = make_document()
    engine = open_engine(db_url)
    load(engine, budget)
    load(engine, final_account(budget, "f" * 64, with_budget_column=False))
    engine.dispose()
    target = tmp_path / "copy.db"
    result = CliRunner().invoke(export, ["--db", db_url, "--format", "sqlite", "-o", str(target)])
    assert result.exit_code == 0, result.output
    rates = query(target, "execution_rate", year="2026")
    assert {(r["科目"], r["执行率%"]) for r in rates} >= {("20106", 90.0), ("total", 90.0)}
    hits = query(target, "search", q="信息化")
    assert {(r["类别"], r["标题"], r["页码"]) for r in hits} == {("项目", "财政信息化建设", 10), ("绩效指标", "系统上线数", 11)}
    again = CliRunner().invoke(export, ["--db", db_url, "--format", "sqlite", "-o", str(target)])
    assert again.exit_code != 0 and "exists" in again.output


# --- a real browser on the served site ---------------------------------------------------------------

SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


@pytest.fixture
def served(site_db: Path, corpus: Path, tmp_path: Path) -> Any:
    """`yusuan serve` as a subprocess on a free loopback port; its base URL."""
    import shutil
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    yusuan = shutil.which("yusuan", path=str(Path(sys.executable).parent)) or "yusuan"
    log = (tmp_path / "serve.log").open("w")
    import os

    process = subprocess.Popen(  # the database as every command takes it: a URL in $YUSUAN_DB
        [yusuan, "serve", "--port", str(port), "--host", "127.0.0.1", "--pdfs", str(corpus)],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "YUSUAN_DB": f"sqlite:///{site_db}"},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # wait until it answers (or died), not for a fixed time
            if process.poll() is not None:
                pytest.fail(f"yusuan serve exited: {(tmp_path / 'serve.log').read_text()}")
            try:
                urllib.request.urlopen(f"{base}/-/versions.json", timeout=5)
                break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.fixture
def browser(tmp_path: Path) -> Any:
    """Debian's chromium, headless, driven by selenium through /usr/bin/chromedriver."""
    if not Path("/usr/bin/chromedriver").exists():
        import os

        if os.environ.get("CI"):
            pytest.fail("chromium-driver is not installed (make system-deps)")
        pytest.skip("chromium-driver is not installed (make system-deps)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                 f"--user-data-dir={tmp_path / 'chromium'}"):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(120)
    try:
        yield driver
    finally:
        driver.quit()


def test_browser_from_a_question_to_a_cited_page(served: str, browser: Any, site_db: Path) -> None:
    """Home page (counts, search box) → search 三公经费 → a hit's page link opens its PDF; a department's
    page; 三公 "not published"; changes with their basis; charts. Each page screenshotted for the README."""
    import urllib.request

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    wait = WebDriverWait(browser, 60)
    browser.get(f"{served}/")
    assert browser.find_element(By.ID, "count-documents").text.startswith("6")
    assert browser.find_element(By.ID, "count-departments").text.startswith("4")
    browser.save_screenshot(str(SCREENSHOTS / "home.png"))
    box = browser.find_element(By.NAME, "q")
    box.send_keys("三公经费")
    box.submit()
    links = wait.until(ec.presence_of_all_elements_located((By.CSS_SELECTOR, "a.pdf-page")))
    assert "“三公”经费" in browser.page_source and "万元" in browser.find_element(By.CSS_SELECTOR, "span.wan").text
    browser.save_screenshot(str(SCREENSHOTS / "search.png"))
    hrefs = [a.get_attribute("href") for a in links]
    assert f"{served}/-/pdf/{CHONGQING_OFFICE_SHA}.pdf#page=3" in hrefs  # 2026年“三公”经费预算394.49万元, p3
    with urllib.request.urlopen(hrefs[0].split("#")[0]) as response:
        assert response.headers["content-type"] == "application/pdf" and response.read(5) == b"%PDF-"
    browser.find_element(By.CSS_SELECTOR, "a.department").click()
    wait.until(ec.presence_of_element_located((By.ID, "department-years")))
    assert browser.find_elements(By.CSS_SELECTOR, "#department-years a.pdf-page")
    browser.get(f"{served}/department?name=西南大学")
    wait.until(ec.presence_of_element_located((By.ID, "department-three-public")))
    assert "not published in this disclosure" in browser.find_element(By.ID, "department-three-public").text
    assert "457,676.75 万元" in browser.find_element(By.ID, "department-years").text
    browser.save_screenshot(str(SCREENSHOTS / "department.png"))
    browser.get(f"{served}/yusuan/top_changes?year=2026")
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "a.pdf-page")))
    assert "本表上年数" in browser.page_source and "说明文字" in browser.page_source
    browser.get(f"{served}/yusuan/execution_rate?year=2023")
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "a.pdf-page")))
    browser.save_screenshot(str(SCREENSHOTS / "execution_rate.png"))
    browser.get(f"{served}/yusuan/no-such-table")
    assert "404" in browser.title or "Error" in browser.page_source
    browser.get(f"{served}/-/dashboards/department?department=西南大学")
    charts = wait.until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#card-history svg, #card-history canvas")
        and d.find_elements(By.CSS_SELECTOR, "#card-execution svg, #card-execution canvas")
    )
    assert charts
    browser.save_screenshot(str(SCREENSHOTS / "dashboard.png"))


def test_accounting_per_document_and_the_unaccounted_amounts_with_their_pages(site_db: Path, corpus: Path) -> None:
    """What the parse left without a meaning is on the site: per document (worst first, printed =
    accounted + unaccounted) and amount by amount, each linking to its page."""
    per_document = query(site_db, "accounting")
    assert [r["未解读"] for r in per_document] == sorted((r["未解读"] for r in per_document), reverse=True)
    assert all(r["已解读"] + r["未解读"] == r["所印金额"] > 0 for r in per_document)
    amounts = query(site_db, "unaccounted")
    listed = Counter(r["文件"] for r in amounts)
    assert listed == {r["文件"]: r["未解读"] for r in per_document if r["未解读"]}
    assert all(r["原因"] in REASONS for r in amounts)
    page = fetch(site_db, "/yusuan/unaccounted", pdf_dirs=(corpus,))[0]
    first = amounts[0]
    engine = open_engine(f"sqlite:///{site_db}")
    with engine.connect() as conn:
        sha = conn.execute(text("SELECT sha256 FROM documents WHERE id = :i"), {"i": first["文件"]}).scalar_one()
    engine.dispose()
    assert f'href="/-/pdf/{sha}.pdf#page=' in page.text
