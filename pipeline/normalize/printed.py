"""What a disclosure prints as amounts: the accounting's inventory.

Every amount a page prints must end up with a meaning or on the document's list
of unaccounted amounts (`accounting.py`), so what counts as an amount is decided
here, once, by explicit rules; each rule that leaves a number out is named in
`EXCLUSIONS` and tested.

- A table cell counts when it prints a figure in a column that holds amounts, or
  any figure in a column of names (a value printed in the wrong column); in a form
  (`form_layout.role`) a value counts unless its label or heading names an
  identifier or a date, or its column holds points (分值, 得分, 权重); a target
  counts where the table yields indicators (in a form whose indicator block was
  found, only in the block's target and unnamed columns: a 三级指标 name, an
  实施期 target beside the year's or a 自评表's 实际完成值 is none); and prose
  in a cell counts its money figures.
- A sentence of the narrative (headings and table notes too) counts its money
  figures (`万元`, `元`) but the bounds a rule's wording sets (`单价100万元以上设备`),
  its percentages where it states money, and the figures printed with neither a
  unit nor a date around them, nor a unit of something other than money
  (`84.71吨`, `88.75万人`, `得分99.5`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pipeline.normalize.amounts import parse_amount
from pipeline.normalize.facts import MENTION, is_threshold, money_unit, sentences
from pipeline.normalize.form_layout import IndicatorBlock, block_of, indicator_blocks, plain, role
from pipeline.normalize.line_items import table_columns
from pipeline.normalize.targets import looks_like_target
from schemas.records import Section, SourceTable
from schemas.table_kinds import spec
from schemas.text import squash

EXCLUSIONS = {
    "code_column": "a column of classification codes, identifiers or counts (类/款/项, 单位代码, 序号, 数量)",
    "identifier": "a form's code, telephone number, date or serial number (单位编码, 联系电话, 开始时间)",
    "date": "a date or a period (2021年4月7日, 2025.1.1-2025.12.31)",
    "count": "a count or quantity that is not money (1辆, 0个, 300人, 8,347亩, 84.71吨, 88.75万人, 1.5T, 得分99.5)",
    "threshold": "a bound a rule's wording sets, not an amount (单价100万元（含）以上设备, 400.00万元以上基本建设项目)",
    "bare_integer": "a whole number printed without a unit in prose: a year, an ordinal, a code or a count",
    "ratio_without_money": "a percentage in a sentence stating no money (a target or a rate)",
    "percent_cell": "a table cell printing a percentage (a rate computed from the table's amounts)",
    "contents": "a contents page's table numbers and pages",
    "empty_table": "a table its note calls empty (本表为空表) printing zeros",
    "score": "a performance form's points, not money: its 分值, 得分 and 权重 columns or fields (执行率分值（10）)",
    "period_target": "an indicator's target over the whole implementation period (实施期指标值) beside its year's",
    "indicator_actual": "what a 自评表 says an indicator achieved (实际完成值) beside its target, unless it is money",
    "indicator_remark": "a bare number in an indicator block's remark column (备注, 指标解释): a weight, no money",
}
"""Numbers the accounting leaves out, and why: nothing else is left out of the count."""

# A date, a month or a period: `2021年4月7日`, `2021-01-01`, `2025.1.1-2025.12.31`, `2024年度`,
# `2025.1-2025.12`. A year and a month alone, `2940.68`, are an amount.
_YEAR = r"(?:19|20)\d{2}"
_DATE = re.compile(
    rf"{_YEAR}\s*年度?"
    rf"|{_YEAR}\s*([./-])\s*\d{{1,2}}\s*\1\s*\d{{1,2}}(?![\d.])\s*日?"
    rf"|{_YEAR}\s*[./-]\s*\d{{1,2}}\s*(?:月|[-—~～至到]+\s*(?:{_YEAR}\s*[./-]\s*)?\d{{1,2}}(?![\d.]))"
    r"|(?<![\d.,])\d{1,2}\s*月\s*(?:\d{1,2}\s*日)?|(?<![\d.,])\d{1,2}\s*日"
)
# Any number as printed: digits with thousands separators and decimals.
_NUMBER = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\d.,])\d+(?:\.\d+)?")
# A number of something other than money: `55,000余人`, `8,347亩`, `84.71吨`, `88.75万人`, `1.5TMRI`; a score (`得分99.5`).
_QUANTITY = re.compile(
    r"\s*(?:余|多)?\s*(?:万|亿)?\s*(?:人次|人|名|户|家|所|个|项|亩|平方米|平方公里|公里|千米|米|吨|份|件|套|台|辆|次|期|批|分|岁"
    r"|天|小时|册|篇|张|间|床|株|头|只|条|[A-Za-z])"
)
_SCORE = re.compile(r"(?:得分|评分|分值)[为是:：“\"\s]*$")
_CODE_ROLES = frozenset({"code", "skip"})


@dataclass(frozen=True)
class Figure:
    """One printed amount, where it stands, and why it is unaccounted if no record takes it."""

    key: tuple[object, ...]
    """Identifies the figure among all the document prints: ("cell", table, row, column, n) or ("text", section, sentence, n)."""
    page: int
    text: str
    reason: str
    location: str
    table_index: int | None = None
    row_index: int | None = None
    column_index: int | None = None
    sentence: str | None = None


def _money_figures(text: str) -> list[re.Match[str]]:
    """The money figures of a text: `2,906.80万元`, `12 万元` (dates never)."""
    masked = _DATE.sub(lambda m: "#" * len(m.group(0)), text)
    return [m for m in MENTION.finditer(masked) if money_unit(m)]


def text_figures(text: str) -> Iterator[tuple[int, str]]:
    """(offset, printed text) of each amount one sentence prints.

    Money figures but bounds (`单价100万元以上`); percentages where the sentence states money;
    figures with a decimal point or thousands separators and no unit (a table's line that no
    table took, or money whose unit line stands apart); never dates, counts, quantities or
    whole numbers without a unit (`EXCLUSIONS`).
    """
    masked = _DATE.sub(lambda m: "#" * len(m.group(0)), text)
    mentions = list(MENTION.finditer(masked))
    money = any(money_unit(m) and not is_threshold(masked, m) for m in mentions)
    taken: list[tuple[int, int]] = []
    for m in mentions:
        taken.append((m.start(), m.end()))
        unit = m.group("unit")
        if (money_unit(m) and not is_threshold(masked, m)) or (unit in ("%", "％") and money):
            yield m.start(), text[m.start():m.end()]
    for m in _NUMBER.finditer(masked):
        if any(start <= m.start() < end for start, end in taken) or _is_quantity(masked, m):
            continue
        if "." in m.group(0) or "," in m.group(0):
            yield m.start(), m.group(0)


def _is_quantity(text: str, number: re.Match[str]) -> bool:
    """A number of people, land, weight … or a score: no amount of money (`EXCLUSIONS["count"]`)."""
    return bool(_QUANTITY.match(text, number.end()) or _SCORE.search(text, 0, number.start()))


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def table_figures(table: SourceTable, table_index: int) -> list[Figure]:
    """Every amount one table prints, each with the reason it would be unaccounted."""
    kind = spec(table.kind)
    if table.empty or kind.shape == "contents":
        return []
    roles = {c.index: c.role for c in table_columns(table)} if not kind.is_form else {}
    blocks = indicator_blocks(table) if kind.is_form else []
    figures: list[Figure] = []
    for r, row in enumerate(table.rows):
        page = table.row_pages[r] if r < len(table.row_pages) else table.page
        label = next((squash(c) for c in row if c and parse_amount(c) is None), "")
        for c, cell in enumerate(row):
            if not cell or not _has_digit(_DATE.sub("", cell)) or roles.get(c) in _CODE_ROLES:
                continue  # no figure but dates, or a code
            path = "/".join(table.header[c]) if c < len(table.header) else ""
            where = f"table {table_index} ({table.kind}) row {r} '{label}'" + (f", column {path}" if path else "")
            found = _form_figures(table, blocks, r, c, cell) if kind.is_form else _cell_figures(table, cell)
            for n, (text, reason) in enumerate(found):
                figures.append(Figure(("cell", table_index, r, c, n), page, text, reason, where, table_index, r, c))
    return figures


def _cell_figures(table: SourceTable, cell: str) -> list[tuple[str, str]]:
    """(printed text, reason if unaccounted) of the amounts one cell of a table of amounts prints."""
    if parse_amount(cell) is not None:
        reason = "cell_not_read" if spec(table.kind).line_items else (
            "table_of_unknown_kind" if table.kind == "unknown" else "table_not_read")
        return [(cell, reason)]
    return [(m.group(0), "cell_text_not_read") for m in _money_figures(cell)]


_NO_TARGET = frozenset({"level1", "level2", "level3", "unit", "operator", "period_target", "actual", "scores"})


def _form_figures(table: SourceTable, blocks: list[IndicatorBlock], r: int, c: int, cell: str) -> list[tuple[str, str]]:
    """(printed text, reason if unaccounted) of the amounts one cell of a form prints."""
    text = plain(cell) or ""
    found = role(table, blocks, r, c)
    if found in ("identifier", "score", "period_target") or (found == "actual" and not _money_figures(text)):
        return []
    if parse_amount(text) is not None:
        if found == "remark":
            return []  # a bare number remarked beside an indicator: a weight, no money

        return [(text, "target_not_read" if found == "target" else "form_value_not_read")]
    block = block_of(blocks, r, c)
    may_target = block.role_of(c) not in _NO_TARGET if block is not None else not blocks
    if "indicators" in spec(table.kind).yields and may_target and looks_like_target(text):
        return [(text, "target_not_read")]
    return [(m.group(0), "form_text_not_read") for m in _money_figures(text)]


def section_figures(sections: list[Section]) -> list[Figure]:
    """Every amount the narrative prints, sentence by sentence (headings included)."""
    figures: list[Figure] = []
    for s, section in enumerate(sections):
        for n, (sentence, page) in enumerate(sentences(section)):
            for k, (_, text) in enumerate(text_figures(sentence)):
                reason = "sentence_not_read" if money_unit_in(text) else "figure_without_unit"
                figures.append(Figure(("text", s, n, k), page, text, reason, f"sentence on p{page}", sentence=sentence))
    return figures


def note_figures(tables: list[SourceTable]) -> list[Figure]:
    """The amounts a table's note prints (`注：…`): no record reads notes, so each is listed."""
    figures: list[Figure] = []
    for t, table in enumerate(tables):
        if not table.note:
            continue
        page = table.pages[-1]
        for k, (_, text) in enumerate(text_figures(table.note)):
            figures.append(Figure(("note", t, k), page, text, "note_not_read", f"note of table {t} ({table.kind})",
                                  table_index=t, sentence=table.note))
    return figures


def money_unit_in(text: str) -> bool:
    """Whether a printed figure carries a money unit or a percent sign."""
    return bool(re.search(r"[元万%％]", text))
