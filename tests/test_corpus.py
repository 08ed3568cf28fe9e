"""The real corpus (../shared/corpus): parses scored against hand-written truth.

Truth files live in tests/corpus_truth/ (see its README.md); each was read off
the PDF by hand, never copied from Yusuan's output. Tests skip where the
corpus is absent and fail instead under CI (the `corpus` fixture decides).
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pipeline.evaluation import score_document
from schemas.contract import to_contract
from schemas.errors import Reason, RejectedInput
from schemas.records import Document

TRUTH_DIR = Path(__file__).resolve().parent / "corpus_truth"
SCANNED = "beijing-govservice-2026-department-budget-scanned.pdf"
_SPACE = re.compile(r"\s+")


# These disclosures do not yet match their truth (issue 20). Each entry says what is
# still wrong; strict xfail makes a fixed document fail here until its entry is removed.
KNOWN_GAPS: dict[str, str] = {}


def truth_names() -> list[Any]:
    return [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[name])) if name in KNOWN_GAPS
        else name
        for name in sorted(p.stem for p in TRUTH_DIR.glob("*.json"))
    ]


def load_truth(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((TRUTH_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return data


def truth_files(name: str, truth: dict[str, Any]) -> list[str]:
    return list(truth["document"].get("files") or [f"{name}.pdf"])


@pytest.mark.parametrize("name", truth_names())
def test_corpus_document_matches_truth(
    name: str, corpus: Path, parsed_corpus: Callable[..., Document]
) -> None:
    truth = load_truth(name)
    doc = parsed_corpus(*truth_files(name, truth))
    score = score_document(name, doc, to_contract(doc), truth)

    problems: list[str] = []
    problems += [f"document field: {e}" for e in score.field_errors]
    problems += [f"table kind: {e}" for e in score.kind_errors]
    if score.kind_accuracy != 1.0:
        problems.append(
            f"table kind accuracy {score.kind_accuracy:.3f}: {score.tables_kind_correct}/{score.tables_truth} right, "
            f"{score.tables_extra} tables found that the truth does not list"
        )
    for kind in ("three_public", "facts", "line_items", "projects", "indicators"):
        if kind in truth:
            result = score.records[kind]
            if result.recall != 1.0:
                problems.append(f"{kind} recall {result.recall:.3f} ({result.fn} of {result.tp + result.fn} missed)")
    problems += [f"unexpected failed check: {c}" for c in score.unexpected_failures]
    assert problems == [], f"{name}:\n  " + "\n  ".join(problems)


def test_scanned_pdf_is_refused_by_name_without_ocr(corpus: Path) -> None:
    from extractors.settings import ExtractSettings
    from pipeline.api import parse

    with pytest.raises(RejectedInput) as caught:
        parse([corpus / SCANNED], ExtractSettings(ocr=False))
    assert caught.value.reason == Reason.IMAGE_ONLY
    assert SCANNED in str(caught.value)


def _line_item_multiset(doc: Document) -> Counter[tuple[str, str, str, Decimal]]:
    """Figures of named rows, zeros left out (an empty cell and a printed 0 say the same)."""
    items = to_contract(doc)["line_items"]
    return Counter(
        (
            i["table_kind"],
            _SPACE.sub("", i["row_label"]),
            "/".join(_SPACE.sub("", p) for p in i["column_path"]),
            Decimal(str(i["amount"])).normalize(),
        )
        for i in items
        if i["row_label"].strip() and Decimal(str(i["amount"])) != 0
    )


def test_renditions_agree(corpus: Path, parsed_corpus: Callable[..., Document]) -> None:
    """The drafts agree with the published budget on every figure of every named row.

    Read off the PDFs: the drafts leave empty some cells the published one prints
    as 0, and draft 1 and 2 print an extra unlabelled line of totals (189,767,551.46)
    under the header of the 财政拨款收支预算总表 on p18; neither is a disagreement.
    """
    published = _line_item_multiset(parsed_corpus("putuo-wanli-2025-department-budget.pdf"))
    assert published, "the published rendition yields no line items"
    for draft in ("putuo-wanli-2025-department-budget-draft1.pdf", "putuo-wanli-2025-department-budget-draft2.pdf"):
        got = _line_item_multiset(parsed_corpus(draft))
        only_published = sorted((published - got).elements())[:10]
        only_draft = sorted((got - published).elements())[:10]
        assert got == published, f"{draft} differs: only in published {only_published}; only in draft {only_draft}"


def corpus_budgets(folder: Path) -> list[tuple[str, ...]]:
    """Every budget disclosure in MANIFEST.tsv (kind …预算), two-PDF ones as one, the scanned one
    (a narrative with no tables, read by OCR) left to tests/test_ocr.py."""
    with (folder / "MANIFEST.tsv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t") if r["kind"].endswith("预算") and r["file"] != SCANNED]
    groups: dict[str, list[str]] = {}
    for row in rows:
        stem = re.sub(r"-(narrative|tables)\.pdf$", "", row["file"])
        groups.setdefault(stem, []).append(row["file"])
    return [tuple(sorted(files, key=lambda f: "tables" in f)) for files in groups.values()]


def expected_failures(stem: str) -> Counter[tuple[str, int]]:
    """(rule, page) of each check the PDF's own disagreement makes fail: from its truth
    file where it has one, else from tests/corpus_source_failures.json."""
    truth = TRUTH_DIR / f"{stem}.json"
    if truth.exists():
        listed = load_truth(stem).get("checks", [])
    else:
        listed = json.loads((TRUTH_DIR.parent / "corpus_source_failures.json").read_text(encoding="utf-8")).get(stem, [])
    return Counter((c["rule"], c["page"]) for c in listed)


@pytest.mark.slow
def test_every_corpus_budget_parses_clean(corpus: Path, parsed_corpus: Callable[..., Document]) -> None:
    """Every budget: tables of known kinds, checks run, and no check fails but the confirmed
    source disagreements (each of which must still be found)."""
    problems: list[str] = []
    for files in corpus_budgets(corpus):
        problems += unclean(files, parsed_corpus)
    assert problems == [], "\n".join(problems)


def unclean(files: tuple[str, ...], parsed_corpus: Callable[..., Document], min_tables: int = 5) -> list[str]:
    """What keeps one disclosure from the corpus standard: too few tables or checks, a table of
    unknown kind, a failed check its PDF does not confirm, or a confirmed one not reported."""
    name = " + ".join(files)
    try:
        doc = parsed_corpus(*files)
    except Exception as exc:  # noqa: BLE001 - every failure is reported, not just the first
        return [f"{name}: {type(exc).__name__}: {exc}"]
    problems = []
    unknown = [t.pages for t in doc.tables if t.kind == "unknown"]
    failed = Counter((c.rule, c.page) for c in doc.checks if c.status == "fail")
    expected = expected_failures(re.sub(r"-(narrative|tables)$", "", Path(files[0]).stem))
    if len(doc.tables) < min_tables or len(doc.checks) < 5:
        problems.append(f"{name}: only {len(doc.tables)} tables and {len(doc.checks)} checks")
    if unknown:
        problems.append(f"{name}: tables of unknown kind on pages {unknown}")
    if failed - expected:
        details = [c.detail for c in doc.checks if c.status == "fail" and (c.rule, c.page) in failed - expected]
        problems.append(f"{name}: unexpected failures {details}")
    if expected - failed:
        problems.append(f"{name}: confirmed source failures not reported {sorted((expected - failed).elements())}")
    return problems


def test_contents_page_confirms_which_tables_are_empty(corpus: Path, parsed_corpus: Callable[..., Document]) -> None:
    """Xi'an 2019's 报表目录 (p2) says 表9 政府性基金收支表 and 表15 are empty, the rest not."""
    doc = parsed_corpus("xian-safety-2019-department-budget-tables.pdf")
    assert [t.page for t in doc.tables if t.kind == "contents"] == [2]
    fund = next(t for t in doc.tables if t.kind == "fund_budget_expenditure")
    assert fund.empty and fund.page == 24
    checks = [c for c in doc.checks if c.rule == "contents"]
    assert [(c.status, c.detail) for c in checks] == [("pass", "contents p2: 14 comparisons agree")]


def test_projects_printed_as_lists(corpus: Path, parsed_corpus: Callable[..., Document]) -> None:
    """Hangzhou's 项目支出绩效表 lists the 31 一级项目 its narrative counts, one row each;
    Changsha's list gives each project's name and amount once, its indicators under it,
    the operator in its own 指标值类型 column, and repeats both on a page it runs over."""
    hangzhou = parsed_corpus("hangzhou-justice-2026-department-budget.pdf")
    assert len(hangzhou.projects) == 31
    assert (hangzhou.projects[0].name, hangzhou.projects[0].amount, hangzhou.projects[0].page) == (
        "法治杭州建设", Decimal("690000"), 39)
    changsha = parsed_corpus("changsha-petitions-2026-department-budget.pdf")
    assert [(p.name, p.amount) for p in changsha.projects] == [
        ("基层及其他信访业务工作经费专项", Decimal("357800")), ("人民来访接待中心及特护期运行专项", Decimal("102200")),
        ("人民来访接待中心业务专项", Decimal("1028000")), ("信访业务工作专项", Decimal("1381100"))]
    first = next(i for i in changsha.indicators if i.project == "基层及其他信访业务工作经费专项")
    assert (first.level1, first.level3, first.operator, first.value, first.unit) == (
        "成本指标", "总成本", "<=", Decimal("35.78"), "万元")


def test_projects_described_in_prose(corpus: Path, parsed_corpus: Callable[..., Document]) -> None:
    """Putuo justice's p23 `人民调解项目经费情况说明` is its only project: 795万元 over 2025
    (as printed in the 2026 budget); Wanli 2023's unnamed p30 description is of the p31 form,
    which already states its amount and dates."""
    justice = parsed_corpus("putuo-justice-2026-department-budget.pdf")
    assert [(p.name, p.amount, p.start, p.end, p.page) for p in justice.projects] == [
        ("人民调解", Decimal("7950000"), "2025年1月1日", "2025年12月31日", 23)]
    wanli = parsed_corpus("putuo-wanli-2023-department-budget.pdf")
    assert len(wanli.projects) == 5 and wanli.projects[0].amount == Decimal("4100000")


def corpus_final_accounts(folder: Path) -> list[dict[str, str]]:
    with (folder / "MANIFEST.tsv").open(encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh, delimiter="\t") if r["kind"].endswith("决算")]


@pytest.mark.slow
def test_final_accounts_are_recognised_and_loaded(
    corpus: Path, parsed_corpus: Callable[..., Document], tmp_path: Path
) -> None:
    """Every final account: kind, year and department as the manifest says, tables of final_*
    kinds (or the narrative's own lists), loaded into a database; sentences read as printed."""
    from db.engine import open_engine
    from db.loader import load

    engine = open_engine(f"sqlite:///{tmp_path / 'finals.db'}")
    problems: list[str] = []
    for row in corpus_final_accounts(corpus):
        doc = parsed_corpus(row["file"])
        meta = doc.meta
        if (meta.doc_kind, meta.fiscal_year) != ("final_accounts", int(row["year"])):
            problems.append(f"{row['file']}: {meta.doc_kind} {meta.fiscal_year}")
        department = re.sub(r"[（(](汇总|本级)[)）]", "", row["department"])
        if not row["department"].startswith("(") and meta.department != department:
            problems.append(f"{row['file']}: department {meta.department!r}")
        odd = [t.kind for t in doc.tables if not t.kind.startswith("final_") and t.kind not in ("unit_list", "contents")]
        if odd or not doc.tables:
            problems.append(f"{row['file']}: table kinds {odd or 'none'}")
        load(engine, doc)
    assert problems == [], "\n".join(problems)
    putuo = parsed_corpus("putuo-finance-2024-department-final-accounts.pdf")
    text = "".join(s.heading + s.text for s in putuo.sections)
    assert "机关运行经费支出184.65万元" in text  # digits on their own baseline (p24) rejoined


def test_a_narrative_ingested_alone_is_superseded_by_its_disclosure(corpus: Path, tmp_path: Path) -> None:
    """Beijing's narrative PDF loaded on its own, then with its tables PDF: one document remains."""
    from sqlalchemy import func, select

    from db.engine import open_engine
    from db.models import DocumentRow, FactRow
    from pipeline.batch.ingest import ingest

    db = f"sqlite:///{tmp_path / 'pair.db'}"
    narrative = corpus / "beijing-petitions-2026-department-budget-narrative.pdf"
    tables = corpus / "beijing-petitions-2026-department-budget-tables.pdf"
    assert ingest([narrative], db, jobs=1, progress=False).ok
    report = ingest([narrative, tables], db, jobs=1, progress=False)
    assert report.ok and len(report.loaded) == 1
    engine = open_engine(db)
    with engine.connect() as conn:
        files = conn.execute(select(DocumentRow.files)).scalars().all()
        orphans = conn.scalar(select(func.count()).select_from(FactRow).where(
            FactRow.document_id.not_in(select(DocumentRow.id))))
    engine.dispose()
    assert [len(f) for f in files] == [2]
    assert orphans == 0


@pytest.mark.slow
def test_final_accounts_misprints_are_reported(corpus: Path, parsed_corpus: Callable[..., Document]) -> None:
    """Putuo finance's published 2024 final account says 财政拨款收入支出总计 0.3万元 (p21) where its
    table totals 2,961.68万元; the rendition with planted problems says 收入支出总计 0万元 (p18),
    lacks a table its contents list, names last year twice, keeps a template placeholder and
    misstates three comparisons."""
    def failures(name: str) -> list[tuple[str, int | None, str]]:
        return [(c.rule, c.page, c.detail) for c in parsed_corpus(name).checks if c.status == "fail"]

    published = failures("putuo-finance-2024-department-final-accounts.pdf")
    assert [(r, p) for r, p, d in published if r == "narrative_vs_table"] == [("narrative_vs_table", 21)]
    assert "0.3万元" in next(d for r, _, d in published if r == "narrative_vs_table")
    planted = failures("putuo-finance-2024-final-accounts-planted-errors.pdf")
    assert ("narrative_vs_table", 18) in [(r, p) for r, p, _ in planted]
    assert "says 0万元" in next(d for r, p, d in planted if (r, p) == ("narrative_vs_table", 18))
    # its 目录 (p2) lists 三、支出决算表, which the rendition leaves out
    assert [d for r, _, d in planted if r == "contents"] == [
        "the contents on p2 list 支出决算表 (final_expenditure), but no such table was read"]
    # its 第三部分 heading names last year, and so does its count of vehicles (截至2023年12月31日)
    assert [(r, p) for r, p, _ in planted if r == "year"] == [("year", 18), ("year", 24)]
    # its 第二部分 heading keeps the template's 上海市普陀区XX局
    assert [(r, p) for r, p, _ in planted if r == "placeholder"] == [("placeholder", 7)]
    # three items explain a 决算数 below its 预算数 as 大于 or 等于 it (p19, p20, p21)
    assert [(r, p) for r, p, _ in planted if r == "statement"] == [("statement", 19), ("statement", 20), ("statement", 21)]
    # and the coverage check misses the same 支出决算表
    assert [d for r, _, d in planted if r == "coverage"] == ["no final_expenditure table was found (every budget prints one)"]
    assert len(planted) == 9
    assert not [r for r, _, _ in published if r in ("year", "placeholder", "contents", "statement")]


@pytest.mark.slow
def test_a_basic_table_printed_in_three_column_groups_adds_up(
    corpus: Path, parsed_corpus: Callable[..., Document]
) -> None:
    """Xi'an health's 基本支出决算表 (pp. 157-158) prints 301 | 302 | 310 side by side; its
    公用经费合计 (2,093.08万元) closes the middle and last groups together."""
    doc = parsed_corpus("xian-health-2022-department-final-accounts.pdf")
    basic = [c for c in doc.checks if c.rule == "column_total" and "final_general_budget_basic" in c.detail]
    assert [c.status for c in basic] == ["pass", "pass"]
    # p8 is a chart image, read by OCR; p167 is blank (no text, no image), which is no scan; the one
    # failure is the PDF's own (p46: item 54 prints 完成预算的35% for 21143.98 of 21143.98万元)
    assert Counter((c.rule, c.page) for c in doc.checks if c.status == "fail") == expected_failures(
        "xian-health-2022-department-final-accounts") == Counter({("execution", 46): 1})
    assert doc.meta.ocr_pages == [8]


@pytest.mark.slow
def test_every_corpus_final_account_parses_clean(corpus: Path, parsed_corpus: Callable[..., Document]) -> None:
    """Every final account, the blank template included, meets the budgets' standard: tables of
    known kinds and no failed check but those its PDF confirms (the template's XX局, the planted
    rendition's problems, Putuo finance's 0.3万元; Xi'an's chart image is read by OCR). SWU's final account
    attaches four tables (its 目录 lists 表1-表4), so four is its least."""
    problems: list[str] = []
    for row in corpus_final_accounts(corpus):
        problems += unclean((row["file"],), parsed_corpus, min_tables=4)
    assert problems == [], "\n".join(problems)


@pytest.mark.slow
def test_final_accounts_measure_the_budget_beside_the_spending(
    corpus: Path, parsed_corpus: Callable[..., Document]
) -> None:
    """Putuo planning's 三公 决算表 (p17) prints 预算数 | 决算数 under each field: 合计 2.85 | 0.39万元,
    公务接待费 2.85 | 0.39; the 决算数 is the plain measure, the 预算数 `budget.` it (`budget.total`, and
    for the 公务接待费 column `budget.three_public.reception`)."""
    doc = parsed_corpus("putuo-planning-2024-department-final-accounts.pdf")
    three = {(tuple(i.column_path[-2:]), i.measure): i.amount for i in doc.line_items if i.table_kind == "final_three_public"}
    assert three[(("合计", "预算数"), "budget.total")] == Decimal("28500")
    assert three[(("合计", "决算数"), "total")] == Decimal("3900")
    assert three[(("公务接待费", "预算数"), "budget.three_public.reception")] == Decimal("28500")
    assert three[(("公务接待费", "决算数"), "three_public.reception")] == Decimal("3900")
    assert not [i for i in doc.line_items if i.measure is None and any("预算" in e for e in i.column_path)]


@pytest.mark.slow
def test_final_accounts_narrative_budgets_and_execution(corpus: Path, parsed_corpus: Callable[..., Document]) -> None:
    """The 决算 narrative's figures set against their budgets, as printed."""
    def facts(name: str) -> dict[str, tuple[Decimal, int]]:
        return {f.key: (f.value, f.page) for f in parsed_corpus(name).facts}

    planning = facts("putuo-planning-2024-department-final-accounts.pdf")
    # p21: 一般公共预算财政拨款支出年初预算为10210.34万元，支出决算为9746.50万元，完成年初预算的95.45%
    assert planning["general_budget.total.budget"] == (Decimal("102103400"), 21)
    assert planning["general_budget.total.execution_rate"] == (Decimal("95.45"), 21)
    # p22 item 3: 机关事业单位基本养老保险缴费支出（项）年初预算为452.40万元，支出决算为446.11万元，98.61%
    assert planning["general_budget.item.2080505.budget"] == (Decimal("4524000"), 22)
    assert planning["general_budget.item.2080505"] == (Decimal("4461100"), 22)
    assert planning["general_budget.item.2080505.execution_rate"] == (Decimal("98.61"), 22)
    # p25: 三公 年初预算2.85万元, 决算0.39万元, 完成预算的13.68%; 公务接待费 0.39, 13.68%
    assert planning["three_public.total.budget"] == (Decimal("28500"), 25)
    assert planning["three_public.total"] == (Decimal("3900"), 25)
    assert planning["three_public.reception.execution_rate"] == (Decimal("13.68"), 25)
    # p27: 机关运行经费支出142.80万元; 政府采购2319.21万元 (货物122.43, 工程1387.72, 服务809.07)
    assert planning["operating_costs"] == (Decimal("1428000"), 27)
    assert [planning[f"procurement.{k}"][0] for k in ("total", "goods", "works", "services")] == [
        Decimal("23192100"), Decimal("1224300"), Decimal("13877200"), Decimal("8090700")]
    assert planning["assets.vehicles"] == (Decimal(0), 28)
    xian = facts("xian-health-2022-department-final-accounts.pdf")
    # p21: 三公 预算593.46万元，支出决算587.55万元，完成预算的99%，决算数较预算数减少5.91万元
    assert xian["three_public.total.budget"][0] == Decimal("5934600")
    assert xian["three_public.total"][0] == Decimal("5875500")
    assert xian["three_public.total.difference"][0] == Decimal("-59100")
    # p22: 机关运行经费预算627.62万元，支出决算627.62万元，完成预算的100%
    assert xian["operating_costs.budget"][0] == xian["operating_costs"][0] == Decimal("6276200")
    checks = parsed_corpus("xian-health-2022-department-final-accounts.pdf").checks
    # the one rate that does not fit is the PDF's own: p46 item 54 prints 35% for 21143.98 of 21143.98万元
    assert [(c.status, c.page) for c in checks if c.rule == "execution"] == [("fail", 46)]
