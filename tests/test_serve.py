"""The query site (`yusuan serve`, pipeline/serve) and the views and exports behind it.

Stored queries run through Datasette's own client on real corpus disclosures
ingested once per session: the SWU 2023 budget and final accounts (a pair)
and the Putuo Wanli 2023 and 2024 budgets (consecutive years).
"""

from __future__ import annotations

import asyncio
import csv
import io
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
from pipeline.commands.export import export
from pipeline.serve.site import build_datasette, site_metadata
from schemas.records import Document, LineItem, ThreePublic

SWU_BUDGET = "swu-2023-department-budget.pdf"
SWU_FINAL = "swu-2023-department-final-accounts.pdf"
SWU_BUDGET_SHA = "810a3477d6e084f344a9374c49c7fa9eb81501267ae7acf00c297ca39c36ad42"
SWU_FINAL_SHA = "86287b24a9397e330ece5918aa4515793e33b2b7c66c2d0506e484ae8263fc8c"
WANLI = ("putuo-wanli-2023-department-budget.pdf", "putuo-wanli-2024-department-budget.pdf")
SITE_FILES = (SWU_BUDGET, SWU_FINAL, *WANLI)


@pytest.fixture(scope="session")
def site_db(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database holding the four corpus disclosures, ingested with `yusuan ingest`'s library."""
    from pipeline.batch.ingest import ingest

    path = tmp_path_factory.mktemp("site") / "yusuan.db"
    report = ingest([corpus / name for name in SITE_FILES], f"sqlite:///{path}", jobs=2, progress=False)
    assert report.ok and len(report.loaded) == 4, report
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
            assert response.status_code in (200, 404), (path, response.status_code, response.text[:500])
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
        assert first == sorted(tuple(r) for r in conn.execute(text("SELECT key, kind, title, page FROM search_source")))
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
    assert {"search", "department_history", "top_changes", "three_public", "execution_rate", "failed_checks"} <= set(queries)


def test_search_two_and_four_characters(site_db: Path) -> None:
    final_id = document_id(site_db, SWU_FINAL_SHA)
    short = query(site_db, "search", q="教育")  # below the trigram's 3: LIKE on the base tables
    assert {"section", "line_item", "indicator"} <= {r["kind"] for r in short}
    assert {"department": "西南大学", "fiscal_year": 2023, "doc_kind": "final_accounts", "kind": "line_item",
            "title": "教育支出", "page": 10, "document_id": final_id} in [
        {k: v for k, v in r.items() if k != "excerpt"} for r in short
    ]  # fmt: skip
    long = query(site_db, "search", q="高等教育")  # FTS5 trigram
    pages = {(r["document_id"], r["page"]) for r in long if r["title"] == "高等教育" and r["kind"] == "line_item"}
    assert {(final_id, 10), (final_id, 12), (final_id, 14)} <= pages
    assert all("高等教育" in (r["title"] + r["excerpt"]) for r in long)
    assert query(site_db, "search", q="不存在的词语") == []


def test_department_history_top_changes_three_public(site_db: Path) -> None:
    history = query(site_db, "department_history", department="万里街道")
    by_year = {(r["fiscal_year"], r["item"]): r["amount"] for r in history}
    assert by_year[(2024, "208 社会保障和就业支出")] == "19604064"
    assert by_year[(2023, "208 社会保障和就业支出")] == "27073236"
    assert by_year[(2024, "“三公”经费")] == "479100.00"
    changes = query(site_db, "top_changes", year="2024")
    assert (changes[0]["functional_code"], changes[0]["change"], changes[0]["change_percent"]) == ("208", "-7469172.00", -27.59)
    assert (changes[0]["previous_page"], changes[0]["page"]) == (16, 17)
    three = query(site_db, "three_public", year="2024")
    assert [(r["doc_kind"], r["total"], r["reception"], r["vehicles"], r["page"]) for r in three] == [
        ("budget", "479100.00", "13500.00", "465600.00", 31)
    ]


def test_execution_rate_lowest_first_and_failed_checks(site_db: Path) -> None:
    rates = query(site_db, "execution_rate", year="2023")
    assert [r["execution_rate"] for r in rates] == sorted(r["execution_rate"] for r in rates)
    education = next(r for r in rates if (r["scope"], r["item"]) == ("expenditure", "205"))
    assert education["execution_rate"] == 97.92 and education["final_page"] == 12
    assert query(site_db, "execution_rate", year="2022") == []
    failed = query(site_db, "failed_checks")
    assert any(r["rule"] == "narrative_vs_table" and r["page"] == 29 and r["fiscal_year"] == 2023 for r in failed)


def test_pages_link_to_the_served_pdf(site_db: Path, corpus: Path) -> None:
    final_id = document_id(site_db, SWU_FINAL_SHA)
    page, pdf, missing, table = fetch(
        site_db, "/yusuan/search?q=高等教育", f"/-/pdf/{final_id}/0.pdf", "/-/pdf/999/0.pdf",
        "/yusuan/budget_vs_actual?item=205", pdf_dirs=(corpus,),
    )  # fmt: skip
    assert f'href="/-/pdf/{final_id}/0.pdf#page=12"' in page.text
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert missing.status_code == 404
    budget_id = document_id(site_db, SWU_BUDGET_SHA)
    assert f'href="/-/pdf/{budget_id}/0.pdf#page=9"' in table.text
    assert f'href="/-/pdf/{final_id}/0.pdf#page=12"' in table.text


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
    assert {(r["item"], r["execution_rate"]) for r in rates} >= {("20106", 90.0), ("total", 90.0)}
    hits = query(target, "search", q="信息化")
    assert {(r["kind"], r["title"], r["page"]) for r in hits} == {("project", "财政信息化建设", 10), ("indicator", "系统上线数", 11)}
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
    process = subprocess.Popen(
        [yusuan, "serve", "--db", str(site_db), "--port", str(port), "--host", "127.0.0.1", "--pdfs", str(corpus)],
        stdout=log, stderr=subprocess.STDOUT,
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


def test_browser_searches_follows_a_page_link_and_sees_charts(served: str, browser: Any, site_db: Path) -> None:
    import urllib.request

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    wait = WebDriverWait(browser, 60)
    browser.get(f"{served}/yusuan/search")
    box = browser.find_element(By.NAME, "q")
    box.send_keys("高等教育")
    box.submit()
    links = wait.until(ec.presence_of_all_elements_located((By.CSS_SELECTOR, "a.pdf-page")))
    browser.save_screenshot(str(SCREENSHOTS / "search.png"))
    final_id = document_id(site_db, SWU_FINAL_SHA)
    hrefs = [a.get_attribute("href") for a in links]
    assert f"{served}/-/pdf/{final_id}/0.pdf#page=12" in hrefs
    href = hrefs[0]
    assert href.rsplit("#page=", 1)[1].isdigit()
    with urllib.request.urlopen(href.split("#")[0]) as response:
        assert response.headers["content-type"] == "application/pdf"
        assert response.read(5) == b"%PDF-"
    browser.get(f"{served}/yusuan/execution_rate?year=2023")
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "a.pdf-page")))
    browser.save_screenshot(str(SCREENSHOTS / "execution_rate.png"))
    browser.get(f"{served}/-/dashboards/department?department=西南大学")
    charts = wait.until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#card-history svg, #card-history canvas")
        and d.find_elements(By.CSS_SELECTOR, "#card-execution svg, #card-execution canvas")
    )
    assert charts
    browser.save_screenshot(str(SCREENSHOTS / "dashboard.png"))
