"""Layout classes that broke on publishers never seen before (issue 11), one minimal PDF each.

`fixtures/classes/*.pdf` are made by `fixtures/generate/classes.py` the way publishers make
theirs (Word or a spreadsheet, converted by LibreOffice); `expected.json` holds what each must
parse to, written from the generator's data. Each class has its own table-driven test; the
rules beneath them are tested on hand-built records below.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from pipeline.api import parse
from pipeline.checks.rows import row_totals
from pipeline.checks.units import unit_scale
from pipeline.normalize.codes import CodeResolver
from pipeline.normalize.line_items import Column, code_column_groups
from schemas.records import Document, DocumentMeta, Fact, LineItem, ThreePublic

CLASSES = Path(__file__).resolve().parent.parent / "fixtures" / "classes"
EXPECTED: dict[str, dict[str, Any]] = json.loads((CLASSES / "expected.json").read_text(encoding="utf-8"))


@cache
def _parsed(name: str) -> Document:
    return parse([str(CLASSES / f"{name}.pdf")])


def _of(key: str) -> list[str]:
    return [name for name, expected in EXPECTED.items() if key in expected]


@pytest.mark.parametrize("name", _of("codes"))
def test_split_codes_are_assembled_from_their_cells_positions(name: str) -> None:
    """`类 | 款 | 项` heading their own columns; a row may print only its own level."""
    doc = _parsed(name)
    codes = {i.row_label: i.functional_code for i in doc.line_items if not i.is_total}
    assert codes == EXPECTED[name]["codes"]
    assert [c.detail for c in doc.checks if c.status == "fail"] == []


@pytest.mark.parametrize("name", _of("rows"))
def test_a_table_continued_overleaf_is_one_table(name: str) -> None:
    """Header repeated with other line breaks, letter-spaced, not at all, or under `（续表）`."""
    doc = _parsed(name)
    assert len(doc.tables) == EXPECTED[name]["tables"]
    table = doc.tables[0]
    assert (table.kind, table.unit, len(table.rows), len(table.pages)) == (
        "general_budget_expenditure", "万元", EXPECTED[name]["rows"], 2)
    assert all(r[0] in (None, "208") for r in table.rows), "a header row was read as a body row"
    assert [c.detail for c in doc.checks if c.status == "fail"] == []


@pytest.mark.parametrize("name", _of("last_indicator"))
def test_a_forms_last_rows_overleaf_stay_in_the_form(name: str) -> None:
    """A form's last rows carried onto the next page, one label each but one, in the form's columns."""
    doc = _parsed(name)
    assert len(doc.tables) == EXPECTED[name]["tables"]
    table = doc.tables[0]
    assert (table.kind, len(table.rows), len(table.pages)) == ("project_performance", EXPECTED[name]["form_rows"], 2)
    assert len(doc.indicators) == EXPECTED[name]["indicators"]
    last = doc.indicators[-1]
    assert [last.level1, last.level2, last.level3, last.target_raw] == EXPECTED[name]["last_indicator"]
    assert last.page == table.pages[-1]


@pytest.mark.parametrize("name", _of("three_public_total"))
def test_a_unit_printed_apart_from_its_table_applies(name: str) -> None:
    """`单位：万元` in a spreadsheet cell of its own, above or inside the grid, or only on the
    document's other table: the 三公 amounts are 万元 all the same."""
    doc = _parsed(name)
    assert doc.three_public.total == Decimal(EXPECTED[name]["three_public_total"])
    assert all(i.unit_source == "万元" for i in doc.line_items)


@pytest.mark.parametrize("name", _of("line_items"))
def test_narrow_columns_pair_every_figure_with_its_own_column(name: str) -> None:
    """Eight narrow amount columns (合计 | 基本支出 › 4 | 项目支出 › 3) whose headings wrap onto
    up to three lines, centred in cells their figures fill; ruled, or ruled only above, under
    the header and below: every figure under its own column, and every row identity and
    column sum compared and agreeing."""
    doc = _parsed(name)
    cells: dict[str, dict[str, Decimal]] = {}
    for item in doc.line_items:
        cells.setdefault(item.row_label, {})["/".join(item.column_path)] = item.amount
    expected = {row: {path: Decimal(v) for path, v in by_path.items()}
                for row, by_path in EXPECTED[name]["line_items"].items()}
    assert cells == expected
    compared = {c.rule: c.covered for c in doc.checks if c.status == "pass"}
    assert compared["row_total"] == 15 and compared["column_total"] == 8
    assert [c.detail for c in doc.checks if c.status == "fail"] == []


@pytest.mark.parametrize("name", _of("bordered"))
def test_double_thick_and_offset_rules_rule_the_same_table(name: str) -> None:
    """Double rules (Word, a spreadsheet, a browser's filled rectangles), thick-and-thin frames,
    a header whose column rules miss the body's by 0.5-2 pt, cells drawn as boxes apart: the
    plain ruled table's codes and figures, no empty row or column between the double lines,
    every row identity and column sum compared and agreeing."""
    doc = _parsed(name)
    expected = EXPECTED[name]["bordered"]
    assert [(t.kind, t.unit) for t in doc.tables] == [("general_budget_expenditure", "万元")]
    table = doc.tables[0]
    assert table.header == [[h] for h in expected["header"]]
    assert len(table.rows) == expected["rows"]
    assert all(len(row) == len(expected["header"]) and any(row) for row in table.rows)
    assert all(any(row[c] for row in table.rows) for c in range(len(expected["header"])))
    codes = {i.row_label: i.functional_code for i in doc.line_items if not i.is_total}
    assert codes == EXPECTED[name]["codes"]
    cells: dict[str, dict[str, str]] = {}
    for item in doc.line_items:
        cells.setdefault(item.row_label, {})["/".join(item.column_path)] = str(item.amount)
    assert cells == expected["line_items"]
    compared = {c.rule: c.covered for c in doc.checks if c.status == "pass"}
    assert (compared["row_total"], compared["column_total"]) == (expected["row_total"], expected["column_total"])
    assert [c.detail for c in doc.checks if c.status == "fail"] == []


def _rule(orientation: str, position: float, start: float, end: float, width: float = 0.5) -> dict[str, Any]:
    keys = ("top", "bottom", "x0", "x1") if orientation == "h" else ("x0", "x1", "top", "bottom")
    return {keys[0]: position, keys[1]: position, keys[2]: start, keys[3]: end, "orientation": orientation,
            "object_type": "line", "linewidth": width, "width": end - start if orientation == "h" else 0,
            "height": end - start if orientation == "v" else 0}


class _Page:
    def __init__(self, edges: list[dict[str, Any]], chars: list[dict[str, Any]] | None = None) -> None:
        self.edges, self.chars = edges, chars or []


_FRAME = [_rule("v", 100, 50, 300), _rule("v", 400, 50, 300), _rule("h", 50, 100, 400), _rule("h", 300, 100, 400)]
_GLYPH_BETWEEN = {"x0": 200, "x1": 209, "top": 146, "bottom": 155, "text": "合"}


@pytest.mark.parametrize(("edges", "chars", "horizontal"), [
    # no double rule: the page is read as drawn
    (_FRAME + [_rule("h", 150, 100, 400)], [], None),
    # a double rule 4.5 pt apart (Word's 2.25 pt `double`) is one rule along its middle
    (_FRAME + [_rule("h", 147.75, 100, 400, 2.25), _rule("h", 152.25, 100, 400, 2.25)], [], [50, 150, 300]),
    # rules closer than the edge tolerance are one line already: read as drawn
    (_FRAME + [_rule("h", 150, 100, 400), _rule("h", 150.5, 100, 400)], [], None),
    # a row of text between two rules close together is a row, not a double rule
    (_FRAME + [_rule("h", 145, 100, 400), _rule("h", 151.5, 100, 400)], [_GLYPH_BETWEEN], None),
    # an inner rule mitred short of a double frame (by about its breadth) is carried on to the frame's middle
    ([_rule("v", 97.75, 50, 300, 2.25), _rule("v", 102.25, 50, 300, 2.25), _rule("v", 400, 50, 300),
      _rule("h", 50, 100, 400), _rule("h", 150, 108, 400), _rule("h", 300, 100, 400)], [], [50, 150, 300]),
])
def test_parallel_rules_with_nothing_between_are_one_rule(
    edges: list[dict[str, Any]], chars: list[dict[str, Any]], horizontal: list[float] | None
) -> None:
    from extractors.rules import page_rules
    from extractors.settings import Layout

    rules = page_rules(_Page(edges, chars), Layout())
    if horizontal is None:
        assert rules is None
        return
    vertical, found = rules
    assert sorted(e["top"] for e in found) == horizontal
    assert {(e["x0"], e["x1"]) for e in found} == {(100, 400)}
    assert sorted(e["x0"] for e in vertical) == [100, 400]


def _header_paths(printed: list[tuple[str, float, float]]) -> list[list[str]]:
    """Column paths of an unruled header given as (text, centre x, top) fragments, 9 pt type."""
    from extractors.grid import RawTable
    from extractors.header import column_paths
    from extractors.settings import Layout
    from extractors.text_header import header_cells, header_grid
    from extractors.text_tables import header_columns

    layout = Layout()
    words = [{"text": t, "x0": x - len(t) * 4.5, "x1": x + len(t) * 4.5, "top": top, "bottom": top + 9}
             for t, x, top in printed]
    cells = header_cells([[w] for w in words], layout)
    columns = header_columns(cells, [], layout)
    grid, _tops = header_grid(cells, columns, layout)
    return column_paths(RawTable(1, (0, 0, 1, 1), grid, col_edges=columns), len(grid))


@pytest.mark.parametrize(("printed", "paths"), [
    # a heading centred over the middle one of three single-line columns heads all three
    ([("基本支出", 200, 100), ("小计", 140, 112), ("人员经费", 200, 112), ("公用经费", 260, 112)],
     [["基本支出", "小计"], ["基本支出", "人员经费"], ["基本支出", "公用经费"]]),
    # a column heading wrapped onto three lines, its neighbours centred beside its middle line
    ([("基本支出", 200, 100), ("小计", 140, 124), ("工资", 200, 112), ("福利", 200, 124), ("支出", 200, 136),
      ("公用经费", 260, 124)],
     [["基本支出", "小计"], ["基本支出", "工资福利支出"], ["基本支出", "公用经费"]]),
    # the same, every heading at the top of its cell: the middle one's first line is not the heading's
    ([("基本支出", 200, 100), ("小计", 140, 112), ("工资", 200, 112), ("福利", 200, 124), ("支出", 200, 136),
      ("公用经费", 260, 112)],
     [["基本支出", "小计"], ["基本支出", "工资福利支出"], ["基本支出", "公用经费"]]),
    # headings wrapped at the top of their cells, under a heading over two of them
    ([("合计", 80, 100), ("基本支出", 170, 100), ("工资", 140, 112), ("福利", 140, 124),
      ("商品和", 200, 112), ("服务", 200, 124), ("项目支出", 260, 100)],
     [["合计"], ["基本支出", "工资福利"], ["基本支出", "商品和服务"], ["项目支出"]]),
    # a one-level column centred down a tall header stays out of the group beside it
    ([("合计", 80, 130), ("基本支出", 170, 100), ("小计", 140, 136), ("工资", 200, 124), ("福利", 200, 136),
      ("支出", 200, 148)],
     [["合计"], ["基本支出", "小计"], ["基本支出", "工资福利支出"]]),
])
def test_an_unruled_header_is_read_as_cells_with_spans(printed: list[tuple[str, float, float]],
                                                       paths: list[list[str]]) -> None:
    assert _header_paths(printed) == paths


def test_codes_split_over_rows_take_their_parents_from_the_rows_above() -> None:
    resolver = CodeResolver(2024, "functional")
    printed = [["201", "", ""], ["", "32", ""], ["", "", "01"], ["", "", "02"], ["208", "", ""], ["", "05", ""],
               ["", "", "05"]]
    assert [resolver.resolve([cells], ["x"]).by_system["functional"].code for cells in printed] == [
        "201", "20132", "2013201", "2013202", "208", "20805", "2080505"]


def test_a_departmental_and_a_government_code_side_by_side_stay_apart() -> None:
    paths = [["科目编码", "类"], ["科目编码", "款"], ["部门预算支出经济分类科目名称"], ["科目编码", "类"], ["科目编码", "款"],
             ["政府预算支出经济分类科目名称"], ["合计"]]
    roles = ["code", "code", "label", "code", "code", "label", "amount"]
    columns = [Column(i, role, 0, path) for i, (role, path) in enumerate(zip(roles, paths, strict=True))]
    assert [[c.index for c in g] for g in code_column_groups(columns)] == [[0, 1], [3, 4]]
    codes = CodeResolver(2026, "economic_department").resolve([["301", "01"], ["501", "01"]], ["基本工资", "工资奖金津补贴"])
    assert (codes.by_system["economic_department"].code, codes.by_system["economic_government"].code) == (
        "30101", "50101")


def _doc(items: list[LineItem], facts: list[Fact] | None = None, three: ThreePublic | None = None) -> Document:
    meta = DocumentMeta(sha256="0" * 64, source="x.pdf", page_count=1, parser_version="t", fiscal_year=2026)
    return Document(meta=meta, line_items=items, facts=facts or [], three_public=three or ThreePublic())


def _row(kind: str, row: int, label: str, cells: dict[tuple[str, ...], tuple[str, str | None]]) -> list[LineItem]:
    return [LineItem(kind, 0, row, 1, label, list(path), Decimal(v) * 10000, v, "万元", measure=m,
                     functional_code=None if label == "合计" else "2080505", is_total=label == "合计")
            for path, (v, m) in cells.items()]


@pytest.mark.parametrize(("cells", "failed"), [
    # 总计 = 基本支出 + 项目支出 + 事业单位经营支出: the column no measure names is a part too
    ({("合计",): ("10.00", "total"), ("基本支出",): ("5.00", "basic.total"), ("项目支出",): ("3.00", "project.total"),
      ("事业单位经营支出",): ("2.00", None)}, 0),
    ({("合计",): ("10.00", "total"), ("基本支出",): ("5.00", "basic.total"), ("项目支出",): ("3.00", "project.total"),
      ("事业单位经营支出",): ("1.00", None)}, 1),
    # a heading's 小计 stands for its columns, which are not counted again
    ({("合计",): ("10.00", "total"), ("财政拨款收入", "小计"): ("8.00", "income.general_budget"),
      ("财政拨款收入", "一般公共预算收入"): ("6.00", "income.general_budget"),
      ("财政拨款收入", "政府性基金预算收入"): ("2.00", "income.fund_budget"), ("其他收入",): ("2.00", "income.other")}, 0),
    ({("合计",): ("10.00", "total"), ("财政拨款收入", "小计"): ("8.00", "income.general_budget"),
      ("财政拨款收入", "一般公共预算收入"): ("5.00", "income.general_budget"),
      ("财政拨款收入", "政府性基金预算收入"): ("2.00", "income.fund_budget"), ("其他收入",): ("2.00", "income.other")}, 1),
])
def test_row_identities_take_every_part_the_header_puts_under_the_whole(
    cells: dict[tuple[str, ...], tuple[str, str | None]], failed: int
) -> None:
    checks = row_totals(_doc(_row("department_expenditure", 0, "行政运行", cells)))
    assert sum(c.status == "fail" for c in checks) == failed
    assert checks


@pytest.mark.parametrize(("printed", "failed"), [("4.10", 0), ("0.00041", 1)])
def test_unit_scale_reports_a_table_10000_times_off_the_narrative(printed: str, failed: int) -> None:
    fact = Fact(key="three_public.total", label="三公", value=Decimal("41000"), unit="yuan", page=2,
                sentence="三公经费4.10万元", value_source="4.10万元")
    doc = _doc([], [fact], ThreePublic(total=Decimal(printed) * 10000, page=5))
    checks = unit_scale(doc)
    assert [c.status for c in checks].count("fail") == failed
    assert checks


@pytest.mark.parametrize(("line", "department"), [
    ("部门：北京市信访局金额", "北京市信访局"),
    ("编制单位：北京市信访局 金额单位：万元", "北京市信访局"),
    ("部门：某区财政局 决算数（万元）", "某区财政局"),
    ("部门名称：某市金额管理中心", "某市金额管理中心"),
])
def test_a_column_word_on_the_department_line_is_not_its_name(line: str, department: str) -> None:
    from extractors.metadata import _DEPARTMENT_LABEL

    found = _DEPARTMENT_LABEL.match(line)
    assert found is not None and found.group(1).strip() == department


@pytest.mark.parametrize(("rows", "closed"), [
    ([["合计", "9.00"], ["行政运行", "9.00"]], False),  # 合计 above the items: more may follow overleaf
    ([["行政运行", "9.00"], ["合计", "9.00"]], True),  # 合计 under the items closes the table
    ([["一般公共预算拨款收入", "9.00", "一般公共服务支出", "9.00"], ["本年收入合计", "9.00", "本年支出合计", "9.00"]], False),
    ([["上年结转", None, "结转下年", None], ["收入总计", "9.00", "支出总计", "9.00"]], True),
])
def test_a_table_closed_by_its_grand_total_is_not_continued(rows: list[list[str | None]], closed: bool) -> None:
    from extractors.tables import _closed
    from schemas.records import SourceTable

    table = SourceTable(kind="overview", title="收支总表", unit="万元", pages=[1], header=[], rows=rows)
    assert _closed(table) is closed


def test_a_whole_code_printed_in_a_later_code_cell_is_kept_whole() -> None:
    resolver = CodeResolver(2023, "functional")
    resolver.resolve([["20602", "", ""]], ["基础研究"])
    assert resolver.resolve([["", "", "2060201"]], ["机构运行"]).by_system["functional"].code == "2060201"
