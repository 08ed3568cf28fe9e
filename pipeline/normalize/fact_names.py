"""What the words printed before a narrative figure say it is: its fact key.

The words since the previous figure, within their clause, name it: a rule of
vocab/facts.toml (`机关运行经费` → operating_costs), a classification item the
codebook knows (`一般公共服务支出（类）统计信息事务（款）专项普查活动（项）`,
`行政运行（2010601）`, `“一般公共服务支出-…-行政运行”科目`, `2050202-小学教育`, a
类 by its bare name in a list: `包括一般公共服务支出12,868.19万元、公共安全支出…`),
or, where the text lists a whole's parts by name (`项目支出…具体包括：1.人力资源综合
管理2,858.27万元，主要包括：综合管理服务1,763.95万元…`), the part's own name.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from pipeline.normalize.codebook import Codebook, split_prefixed
from pipeline.normalize.codes import SYSTEM_BY_DIGIT

_CLASS = re.compile(r"([\u4e00-\u9fff][\u4e00-\u9fff、]*?)[（(]\d*类[)）]")
_CODED = re.compile(r"([\u4e00-\u9fff、]+)[（(](\d{7}|\d{5}|\d{3})[)）]")  # 小学教育（2050202）, 工资福利支出（301）
_ITEM = re.compile(
    r"(?P<cls>[\u4e00-\u9fff][\u4e00-\u9fff、]*?)[（(]\d*类[)）]\s*(?P<kuan>[^（）()“”\"，,]+?)[（(]\d*款[)）]"
    r"\s*(?:(?P<xiang>(?:[^（）()“”\"，,]|[（(][^（）()项]{1,4}[)）])+?)[（(]\d*项[)）])?"  # 中医（民族）医院（项）
)
# A 款 (and its 项) named without their 类, which a heading above names (`（一）一般公共服务支出（类）` over
# `1.统计信息事务（款）行政运行（项）支出 1,429.11 万元`) or the codebook knows from the 款's name.
_KUAN_ITEM = re.compile(
    r"(?P<kuan>[\u4e00-\u9fff][\u4e00-\u9fff、]*?)[（(]\d*款[)）]"
    r"(?:(?P<xiang>(?:[^（）()“”\"，,]|[（(][^（）()项]{1,4}[)）])+?)[（(]\d*项[)）])?"
)
_CODED_END = re.compile(r"[\u4e00-\u9fff、]+[（(](?:\d{7}|\d{5}|\d{3})[)）](?:支出)?(?:为|是)?[：:，,]*$")
_BELOW_CLASS = re.compile(r"[（(][^（）()]*[款项][)）]")
# `“一般公共服务支出-政府办公厅（室）及相关机构事务-行政运行”科目`: 类, 款 and 项 joined by dashes.
_DASHED = re.compile(r"[“\"]?(?P<cls>[\u4e00-\u9fff、]+)-(?P<kuan>[^-“”\"，,]+)(?:-(?P<xiang>[^-“”\"，,]+?))?[”\"]?(?:科目)?(?:支出)?$")
# Words around a name in a list that are not the name: `包括一般公共服务支出`, `、公共安全支出`, `其中：教育支出为`.
_LIST_LEAD = re.compile(r"^[\s、，,；;：:]*(?:其中|具体包括|主要包括|包括|主要是|分别为|分别是)?[：:\s]*(?:\d+[.、．](?!\d)|[（(]\d+[)）])?")
_LIST_TAIL = re.compile(r"(?:预算数|预算|安排|共计|合计|共|计|为|是)+$")
_SPACE = re.compile(r"\s+")
_NAME = re.compile(r"[\u4e00-\u9fff]")
MAX_NAME = 40
"""Characters of a part's name kept in its key: keys stay short enough to store (facts.key is 100)."""


@dataclass(frozen=True)
class FactRule:
    key: str
    any: tuple[str, ...]
    not_: tuple[str, ...]
    unit: str
    all: tuple[str, ...] = ()
    within: tuple[str, ...] = ()
    near: tuple[str, ...] = ()


@dataclass(frozen=True)
class FactVocabulary:
    rules: tuple[FactRule, ...]
    changes: dict[str, str]
    scopes: dict[str, tuple[str, ...]]


@cache
def vocabulary() -> FactVocabulary:
    text = resources.files("pipeline.normalize").joinpath("vocab/facts.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    rules = []
    for spec in data["rule"]:
        unknown = set(spec) - {"key", "any", "not", "unit", "all", "within", "near"}
        if unknown:
            raise ValueError(f"facts.toml: rule {spec.get('key')!r} has unknown keys {sorted(unknown)}")
        rules.append(FactRule(spec["key"], tuple(spec["any"]), tuple(spec.get("not", ())), spec.get("unit", "money"),
                              tuple(spec.get("all", ())), tuple(spec.get("within", ())), tuple(spec.get("near", ()))))
    scopes = {scope: tuple(terms) for scope, terms in data["scopes"].items()}
    return FactVocabulary(tuple(rules), dict(data["changes"]), scopes)


# `收入、支出预算总计`, `收、支总预算`, `收入和支出` name both sides: 收支.
_BOTH_SIDES = re.compile(r"收入?\s*[、和与及]\s*支出?")


def both_sides(text: str) -> str:
    """`收入、支出预算总计` → `收支预算总计`: the wording the rules name both sides by."""
    return _BOTH_SIDES.sub("收支", text)


def rule_key(
    context: str, unit: str, wide: bool = False, sentence: str = "", span: str = ""
) -> tuple[str, str] | None:
    """(key, the term that named it) for the words before a figure; `wide` tries
    only the rules that also name `all` of their terms (for a sentence-wide context);
    a rule with `within` terms names a figure only in a sentence holding one, a rule
    with `near` terms only after words (`span`, since the previous figure) holding one."""
    context = both_sides(context)  # 财政拨款收、支总预算 is 财政拨款收支
    for rule in vocabulary().rules:
        if rule.unit != unit or any(n in context for n in rule.not_) or (wide and not rule.all):
            continue
        if rule.within and not any(t in sentence for t in rule.within):
            continue
        if rule.near and not any(t in span for t in rule.near):
            continue
        if not all(t in context for t in rule.all):
            continue
        term = next((t for t in rule.any if t in context), None)
        if term:
            return rule.key, term
    return None


def item_key(context: str, year: int | None, within: str | None = None) -> tuple[str, str] | None:
    """`一般公共服务支出（类）统计信息事务（款）专项普查活动（项）` → general_budget.item.2010508;
    `统计信息事务（款）专项普查活动（项）` too, its 类 `within` (the heading's) or the one whose
    款 of that name holds such a 项; `公共安全支出（204类）司法（06款）普法宣传（05项）` alike."""
    context = _SPACE.sub("", context).replace("其它", "其他")  # 职业年金缴费支 出 （ 项 ）; 其它 for 其他
    book = Codebook.load("functional", year)
    found = _ITEM.search(context)
    if found:
        cls = book.find(found.group("cls"))
        classes = [cls] if cls is not None and cls.level == 1 else []
    else:
        found = _KUAN_ITEM.search(context)
        if not found:
            return None
        classes = [c for c in book if c.level == 1 and (within is None or c.code == within)]
    codes = {code for cls in classes if (code := _below(book, cls.code, found.group("kuan"), found.group("xiang")))}
    return (f"general_budget.item.{codes.pop()}", found.group(0)) if len(codes) == 1 else None


def _below(book: Codebook, cls: str, kuan: str, xiang: str | None) -> str | None:
    """The code of 款 `kuan` (and its 项 `xiang`) under class `cls`; the subject is the last
    level named, so a 项 that cannot be found is no 款's figure."""
    code = book.find(kuan, parent=cls)
    if code is None or code.level != 2:
        return None
    if xiang:
        code = book.find(xiang, parent=code.code)
        if code is None or code.level != 3:
            return None
    return code.code


def dashed_key(context: str, year: int | None) -> tuple[str, str] | None:
    """`“社会保障和就业支出-行政事业单位养老支出-行政单位离退休”科目`: 类, 款 and 项 by name."""
    found = _DASHED.search(_SPACE.sub("", context))
    if not found:
        return None
    book = Codebook.load("functional", year)
    cls = book.find(found.group("cls"))
    if cls is None or cls.level != 1:
        return None
    code = _below(book, cls.code, found.group("kuan"), found.group("xiang"))
    return (f"general_budget.item.{code}", found.group(0)) if code else None


def prefixed_key(context: str, year: int | None) -> tuple[str, str] | None:
    """`（一）2080501-行政单位离退休 178.51 万元`: a code, a dash and its name, the name agreeing with the code."""
    pairs = split_prefixed(context)
    if not pairs:
        return None
    printed, name = pairs[-1]
    book = Codebook.load("functional", year)
    code = book.get(printed)
    if code is None or (name != code.name and book.find(name, parent=code.parent) != code):
        return None
    level = "class" if code.level == 1 else "item"
    return f"general_budget.{level}.{code.code}", context.strip()


def class_key(context: str, year: int | None) -> tuple[str, str] | None:
    """`社会保障和就业支出（类）`, `公共安全（204类）`: the 类 itself, not one of its 款 or 项."""
    found = _CLASS.search(context)
    if not found or _BELOW_CLASS.search(context):
        return None  # 社会保障和就业支出（类）…（款）…（项）0.39万元 is an item's figure
    code = Codebook.load("functional", year).find(found.group(1))
    return (f"general_budget.class.{code.code}", found.group(0)) if code and code.level == 1 else None


def class_name_key(context: str, year: int | None) -> tuple[str, str] | None:
    """A 类 by its bare name as a list prints it (`包括一般公共服务支出`, `、公共安全支出`):
    the words, less the list's own, are exactly the name of one 类 of the year's book."""
    name = list_name(context)
    if name is None:
        return None
    codes = [c for c in Codebook.load("functional", year).named(name) if c.level == 1]
    return (f"general_budget.class.{codes[0].code}", name) if len(codes) == 1 else None


def coded_key(text: str, year: int | None) -> tuple[str, str] | None:
    """The last `name（code）` of `text` whose code the year's book holds: a 功能分类 item
    (`小学教育（2050202）`) or an 经济分类 one (`工资福利支出（301）`, `机关资本性支出（503）`)."""
    for found in reversed(list(_CODED.finditer(text))):
        printed = found.group(2)
        system = SYSTEM_BY_DIGIT.get(printed[0])
        code = Codebook.load(system, year).get(printed) if system else None
        if code is None:
            continue
        if system != "functional":
            return f"general_budget.economic.{code.code}", found.group(0)
        level = "class" if code.level == 1 else "item"
        return f"general_budget.{level}.{code.code}", found.group(0)
    return None


def coded_context(context: str, year: int | None) -> tuple[str, str] | None:
    """A `name（code）` the figure follows directly (`（1）一般行政管理事务（2011002）33.20万元`)."""
    found = _CODED_END.search(_SPACE.sub("", context))
    return coded_key(found.group(0), year) if found else None


def list_name(context: str) -> str | None:
    """The name a list gives a figure (`；政务服务管理工作经费711.86万元` → 政务服务管理工作经费),
    without the list's words and numbering; None where no name is printed."""
    name = _LIST_TAIL.sub("", _LIST_LEAD.sub("", _SPACE.sub("", context))).strip("“”\"：:，,、；;")
    return name if len(_NAME.findall(name)) >= 2 else None


def part_key(prefix: str, context: str) -> tuple[str, str] | None:
    """`project.人力资源综合管理` for a part a list names; its name cut to `MAX_NAME` characters."""
    name = list_name(context)
    return (f"{prefix}{name[:MAX_NAME]}", name) if name else None


def name_figure(
    context: str, year: int | None, within: str | None, sentence: str, span: str = ""
) -> tuple[str, str] | None:
    """The key the words before a money figure give it: a classification item the codebook
    knows, else a rule of the vocabulary; None where they name nothing."""
    return (item_key(context, year, within) or prefixed_key(context, year) or dashed_key(context, year)
            or coded_context(context, year) or class_key(context, year) or class_name_key(context, year)
            or rule_key(context, "money", sentence=sentence, span=span))
