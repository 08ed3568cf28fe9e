"""Grouping the files of one disclosure: on plain page texts, on the real corpus, and through ingest."""

from __future__ import annotations

import random
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import open_engine
from db.models import DocumentRow
from extractors.pdf_open import disclosure_sha256
from pipeline.batch.grouping import group_disclosures, group_texts, plan_groups, profile
from pipeline.batch.ingest import ingest
from pipeline.commands.ingest import summary_lines

# --- Matching on plain texts ------------------------------------------------------------------------


def narrative(department: str, year: int = 2026) -> list[str]:
    """A Beijing-style narrative: title, table of contents, prose, and an attachment line at the end."""
    return [
        f"- 1 -\n{department} {year} 年度部门预算信息公开\n目 录\n第一部分 {year} 年度部门预算情况说明\n"
        f"第二部分 {year} 年度部门预算报表\n一、收支总表\n二、收入总表\n",
        f"一、部门情况说明\n{department}贯彻落实党中央关于工作的方针政策。\n"
        f"二、收入预算情况说明\n{year} 年度收入预算 9626.78 万元。\n",
        f"六、名词解释\n基本支出：指为保障机构正常运转。\n第二部分 {year} 年度部门预算报表\n"
        f"附件：{department} {year} 年度部门预算报表\n- 7 -",
    ]


def tables(department: str | None = None, year: int | None = 2026) -> list[str]:
    """A tables-only PDF: starts on 预算01表, names its department only in 预算13表, if at all."""
    pages = [
        "预算01表 收支总表\n金额单位：万元\n收 入 支 出\n项 目 预算数 项 目 预算数\n一、一般公共预算拨款收入 9,616.338314",
        "预算02表 收入总表\n金额单位：万元\n合计 本年收入\n9,626.777589 9,616.338314",
    ]
    last = "预算13表 部门整体支出绩效目标表\n"
    last += f"（{year}年度）\n" if year else ""
    last += f"部门名称 {department}\n" if department else ""
    return [*pages, last + "年度主要任务\n任务名称 主要内容"]


def single_budget(department: str, year: int = 2026) -> list[str]:
    """An ordinary one-file budget: it mentions 附件 tables but carries them itself."""
    table = "单位：万元\n项目 预算数\n合计 100.00"
    return [
        f"{department}\n{year} 年部门预算公开\n目 录\n附件：{year}年部门预算公开表\n",
        "一、部门主要职责\n负责全区司法行政工作。",
        f"收支总表\n{table}",
        f"收入总表\n{table}",
        f"支出总表\n{table}",
    ]


def P(name: str) -> Path:
    return Path(name)


def test_narrative_and_tables_pair_by_department_in_any_order() -> None:
    texts = {
        P("x-tables.pdf"): tables("北京市信访办公室"),
        P("a.pdf"): narrative("北京市财政局"),
        P("y-tables.pdf"): tables("北京市财政局"),
        P("b.pdf"): narrative("北京市信访办公室部门"),
    }
    grouping = group_texts(texts)
    assert grouping.groups == [[P("a.pdf"), P("y-tables.pdf")], [P("b.pdf"), P("x-tables.pdf")]]
    assert [m.reason for m in grouping.merged] == [
        "tables PDF 2026, attachment named in narrative, department 北京市财政局",
        "tables PDF 2026, attachment named in narrative, department 北京市信访办公室",
    ]
    assert grouping.merged[0].describe() == (
        "a.pdf + y-tables.pdf (tables PDF 2026, attachment named in narrative, department 北京市财政局)"
    )
    assert grouping.notes == []


def test_profiles_read_what_the_documents_say() -> None:
    n = profile(narrative("北京市信访办公室部门"))
    assert (n.kind, n.years, n.departments, n.doc_kind) == ("narrative", {2026}, ("北京市信访办公室",), "预")
    assert n.attachment == "附件：北京市信访办公室部门2026年度部门预算报表"
    t = profile(tables("北京市财政局"))
    assert (t.kind, t.years, t.departments, t.doc_kind) == ("tables", {2026}, ("北京市财政局",), "预")
    assert profile(tables(None, None)).years == frozenset()
    assert profile(single_budget("上海市普陀区司法局")).kind == "other"
    assert profile([]).kind == "other"


def test_tables_without_department_or_year_join_the_only_narrative() -> None:
    grouping = group_texts({P("n.pdf"): narrative("北京市财政局"), P("t.pdf"): tables(None, None)})
    assert grouping.groups == [[P("n.pdf"), P("t.pdf")]]
    assert grouping.merged[0].reason == (
        "tables PDF states no year, attachment named in narrative, tables PDF names no department"
    )


def test_a_mismatched_year_stays_apart() -> None:
    grouping = group_texts(
        {P("n.pdf"): narrative("北京市财政局", 2026), P("t.pdf"): tables("北京市财政局", 2025)}
    )
    assert grouping.groups == [[P("n.pdf")], [P("t.pdf")]]
    assert grouping.merged == []
    assert any("t.pdf" in note and "2025" in note for note in grouping.notes)
    assert any(note.startswith("n.pdf: narrative names an attachment") for note in grouping.notes)


def test_a_mismatched_department_stays_apart() -> None:
    grouping = group_texts({P("n.pdf"): narrative("北京市财政局"), P("t.pdf"): tables("北京市信访办公室")})
    assert grouping.groups == [[P("n.pdf")], [P("t.pdf")]]


def test_ambiguous_tables_stay_apart_and_say_why() -> None:
    texts = {
        P("a.pdf"): narrative("北京市财政局"),
        P("b.pdf"): narrative("北京市信访办公室"),
        P("t.pdf"): tables(None),
    }
    grouping = group_texts(texts)
    assert grouping.groups == [[P("a.pdf")], [P("b.pdf")], [P("t.pdf")]]
    (note,) = [n for n in grouping.notes if n.startswith("t.pdf")]
    assert "2 narratives could take it (a.pdf, b.pdf)" in note


def test_a_department_settles_what_would_be_ambiguous() -> None:
    texts = {
        P("a.pdf"): narrative("北京市财政局"),
        P("b.pdf"): narrative("北京市信访办公室"),
        P("t.pdf"): tables("北京市信访办公室"),
    }
    assert group_texts(texts).groups == [[P("a.pdf")], [P("b.pdf"), P("t.pdf")]]


def test_two_tables_claiming_one_narrative_are_refused_unless_one_names_it() -> None:
    both = group_texts({P("n.pdf"): narrative("北京市财政局"), P("t1.pdf"): tables(), P("t2.pdf"): tables()})
    assert both.groups == [[P("n.pdf")], [P("t1.pdf")], [P("t2.pdf")]]
    assert sum("claimed by other tables" in note for note in both.notes) == 2
    named = group_texts(
        {P("n.pdf"): narrative("北京市财政局"), P("t1.pdf"): tables(), P("t2.pdf"): tables("北京市财政局")}
    )
    assert named.groups == [[P("n.pdf"), P("t2.pdf")], [P("t1.pdf")]]


def test_final_accounts_tables_do_not_join_a_budget_narrative() -> None:
    accounts = [page.replace("预算", "决算") for page in tables("北京市财政局")]
    grouping = group_texts({P("n.pdf"): narrative("北京市财政局"), P("t.pdf"): accounts})
    assert grouping.groups == [[P("n.pdf")], [P("t.pdf")]]


def test_an_ordinary_budget_stays_alone() -> None:
    texts = {
        P("putuo.pdf"): single_budget("上海市普陀区司法局"),
        P("other.pdf"): single_budget("长沙市信访局"),
    }
    grouping = group_texts(texts)
    assert grouping.groups == [[P("putuo.pdf")], [P("other.pdf")]]
    assert (grouping.merged, grouping.notes) == ([], [])


def test_files_that_are_not_pdfs_are_single(tmp_path: Path) -> None:
    files = [tmp_path / "empty.pdf", tmp_path / "html.pdf"]
    files[0].write_bytes(b"")
    files[1].write_text("<html>not found</html>")
    assert group_disclosures(files) == [[files[0]], [files[1]]]


# --- The real corpus -------------------------------------------------------------------------------

BEIJING = {
    "finance": (
        "beijing-finance-2026-department-budget-narrative.pdf",
        "beijing-finance-2026-department-budget-tables.pdf",
    ),
    "petitions": (
        "beijing-petitions-2026-department-budget-narrative.pdf",
        "beijing-petitions-2026-department-budget-tables.pdf",
    ),
}
SINGLES = ("putuo-justice-2026-department-budget.pdf", "changsha-petitions-2026-department-budget.pdf")


def test_the_beijing_pairs_group_and_other_budgets_stay_single(corpus: Path) -> None:
    names = [*BEIJING["finance"], *BEIJING["petitions"], *SINGLES]
    for seed in range(3):
        shuffled = names[:]
        random.Random(seed).shuffle(shuffled)
        grouping = plan_groups([corpus / n for n in shuffled])
        got = sorted(tuple(p.name for p in group) for group in grouping.groups)
        assert got == sorted([BEIJING["finance"], BEIJING["petitions"], *((s,) for s in SINGLES)])
        reasons = sorted(m.reason for m in grouping.merged)
        assert reasons == [
            "tables PDF 2026, attachment named in narrative, department 北京市信访办公室",
            "tables PDF 2026, attachment named in narrative, department 北京市财政局",
        ]
        assert grouping.notes == []


def test_ingest_loads_the_petitions_pair_as_one_document(corpus: Path, tmp_path: Path) -> None:
    narrative_pdf, tables_pdf = (corpus / n for n in BEIJING["petitions"])
    db_url = f"sqlite:///{tmp_path / 'y.db'}"
    report = ingest([tables_pdf, narrative_pdf], db_url, jobs=1, progress=False)
    assert report.ok, report.failed
    assert report.loaded == [f"{narrative_pdf} + {tables_pdf}"]
    assert report.grouped == [
        f"{narrative_pdf} + {tables_pdf} "
        "(tables PDF 2026, attachment named in narrative, department 北京市信访办公室)"
    ]
    assert f"grouped: {report.grouped[0]}" in summary_lines(report)
    engine = open_engine(db_url)
    with Session(engine) as session:
        (doc,) = session.scalars(select(DocumentRow))
        assert doc.files == list(BEIJING["petitions"])
        assert doc.sha256 == disclosure_sha256([narrative_pdf, tables_pdf])
    engine.dispose()
    again = ingest([narrative_pdf, tables_pdf], db_url, jobs=1, progress=False)
    assert (again.loaded, again.skipped) == ([], report.loaded)
