"""Only budgets and final accounts are parsed: everything else a crawl brings back is `not_budget`.

Each case is a minimal PDF drawn here (reportlab, with a CID font pdfplumber
reads as Unicode): headings in large type, body lines, and optionally a ruled
table under its title. The rule (extractors/vocab/document_classes.toml): a
title naming a budget, not another genre's; or a table whose title names a
budget table kind.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.document import extract
from extractors.document_class import genre_of, title_names_budget
from extractors.settings import ExtractSettings
from schemas.errors import Reason, RejectedInput

reportlab = pytest.importorskip("reportlab")
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

FONT = "STSong-Light"
Table = tuple[str, list[list[str]]]


def draw_pdf(path: Path, headings: list[str], body: list[str], table: Table | None = None) -> Path:
    """One A4 page: headings (18 pt, a document number first if given), body lines, a ruled table."""
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    page = canvas.Canvas(str(path))
    y = 780.0
    for heading in headings:
        page.setFont(FONT, 18)
        page.drawString(60, y, heading)
        y -= 34
    page.setFont(FONT, 11)
    for line in body:
        page.drawString(60, y, line)
        y -= 20
    if table:
        title, rows = table
        page.setFont(FONT, 14)
        page.drawString(60, y - 10, title)
        top, height, width = y - 30, 22.0, 130.0
        n_cols = len(rows[0])
        page.setFont(FONT, 10)
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                page.drawString(64 + c * width, top - (r + 1) * height + 7, cell)
        for r in range(len(rows) + 1):
            page.line(60, top - r * height, 60 + n_cols * width, top - r * height)
        for c in range(n_cols + 1):
            page.line(60 + c * width, top, 60 + c * width, top - len(rows) * height)
    page.save()
    return path


OVERVIEW: Table = ("部门收支总体情况表", [["项目", "预算数", "项目", "预算数"],
                                          ["一般公共预算拨款", "120.50", "一般公共服务支出", "120.50"],
                                          ["收入总计", "120.50", "支出总计", "120.50"]])

NOT_BUDGETS = {
    "notice naming 部门预算 in its title": (["关于做好2024年部门预算公开工作的通知"],
                                        ["各单位：请于2024年3月底前公开部门预算。", "部门预算公开包括收支总表。"], None),
    "numbered notice with a funds table named by its header": (
        ["闽财教〔2024〕12号", "关于下达2024年专项资金预算的通知"], ["各有关单位："],
        ("附件", [["项目名称", "主管部门", "资金"], ["校舍维修", "教育局", "35.00"]])),
    "work report": (["2023年度法治政府建设情况报告"], ["一、主要举措", "二、存在问题"], None),
    "inspection plan": (["2024年财政预算执行监督检查计划"], ["为加强预算管理，制定本计划。"], None),
    "information request form": (["政府信息公开申请表"], [],
                                 ("申请人信息", [["姓名", "证件号码"], ["", ""]])),
    "performance self-evaluation report": (["2023年度部门整体支出绩效自评报告"], ["自评得分95分。"],
                                           ("部门整体支出绩效自评表", [["指标", "分值", "得分"], ["产出", "50", "48"]])),
    "list of units only": (["2024年度先进单位名单公示"], [], ("名单", [["序号", "单位名称"], ["1", "某某局"]])),
}

BUDGETS = {
    "narrative naming 部门预算, no table": (["某某市档案局2024年部门预算"], ["一、部门职责"], None),
    "final account narrative": (["某某市档案局2023年度部门决算"], ["一、部门职责"], None),
    "untitled tables PDF with an overview table": ([], [], OVERVIEW),
    "notice-headed PDF attaching a budget table": (["关于公开2024年部门预算的通知"], [], OVERVIEW),
    "performance-target table alone": ([], [], ("部门整体支出绩效目标表", [["部门名称", "某某局"], ["年度预算", "100.00"]])),
}


@pytest.mark.parametrize("name", sorted(NOT_BUDGETS))
def test_non_budget_kinds_are_refused(name: str, tmp_path: Path) -> None:
    pdf = draw_pdf(tmp_path / "doc.pdf", *NOT_BUDGETS[name])
    with pytest.raises(RejectedInput) as refused:
        extract([str(pdf)], ExtractSettings())
    assert refused.value.reason == Reason.NOT_BUDGET


@pytest.mark.parametrize("name", sorted(BUDGETS))
def test_budget_titles_and_budget_tables_are_accepted(name: str, tmp_path: Path) -> None:
    pdf = draw_pdf(tmp_path / "doc.pdf", *BUDGETS[name])
    document = extract([str(pdf)], ExtractSettings())
    assert document.meta.page_count == 1


@pytest.mark.parametrize(("title", "genre"), [
    ("关于做好部门预算公开工作的通知", "通知"), ("某某局2024年工作报告（2024年）", "报告"),
    ("2026年某某局部门预算", None), ("关于报送决算的函：", "函"),
])
def test_genre_is_read_from_the_title_end(title: str, genre: str | None) -> None:
    assert genre_of(title) == genre


def test_a_notice_title_names_no_budget_even_with_budget_words() -> None:
    assert not title_names_budget("关于公开2024年部门预算的通知")
    assert title_names_budget("2026年度无锡市统计局部门预算公开")


@pytest.mark.parametrize("name", ["quanzhou-meteorology-2024-notice-not-budget.pdf",
                                  "zhuhai-education-2022-notice-not-budget.pdf"])
def test_corpus_crawl_results_that_are_no_budgets_are_refused(name: str, corpus: Path) -> None:
    with pytest.raises(RejectedInput) as refused:
        extract([str(corpus / name)], ExtractSettings())
    assert refused.value.reason == Reason.NOT_BUDGET


def test_corpus_performance_form_alone_is_accepted(corpus: Path) -> None:
    document = extract([str(corpus / "guangzhou-govservice-2026-department-performance-form.pdf")],
                                  ExtractSettings())
    assert any(t.kind == "department_performance" for t in document.tables)
