"""Figures the narrative states, each with its sentence and page.

A sentence is read figure by figure: the words printed since the previous
figure name it (rules in vocab/facts.toml), `占 x%` is the share of the
figure before it, and `增加/减少 x 万元`, `增长/下降 x%` are changes of the
subject named before them in their clause, else of the figure before them
(`收入预算 A 万元，比上年执行数减少 B 万元`), whatever the connective (比上年,
与上年相比, 较上年, 同比). A change records its basis: last year's budget
(`比上年预算数`) or actual outturn (`比上年执行数`, `决算数`), None where the
text names neither; a basis holds for the changes after it until the next
connective. The first statement of a key wins; restatements later in
the text are left to the checks, which compare them with the tables.

A final account (决算) sets each figure against its budget: `年初预算为A万元，
支出决算为B万元，完成年初预算的C%` gives KEY.budget (A; 调整预算 → KEY.adjusted),
KEY (B, the money spent) and KEY.execution_rate (C); `决算数较预算数减少D万元`
gives KEY.difference. KEY is what the words name, else the numbered item
heading the figures follow (`1、…（类）…（款）…（项）。主要用于：…。年初预算为…`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources

from pipeline.normalize.amounts import UNIT_FACTORS
from pipeline.normalize.codebook import Codebook, split_prefixed
from schemas.patterns import LIST_ITEM, NUMBERED_HEADING
from schemas.records import ChangeBasis, Fact, Section

MENTION = re.compile(
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*"
    r"(?P<unit>万元|亿元|千元|元|万(?![\u4e00-\u9fff])|%|％|辆|台（套）|台\(套\)|套|台|个)"
)
_SENTENCE = re.compile(r"[^。！？]+[。！？]?")
# Words before a figure name it only within their clause: `图2：基本支出…（三）年终结转结余资金0万元`.
_CLAUSE = re.compile(r"[，,；;：:]|[（(][一二三四五六七八九十]+[)）]")
_CHANGE = re.compile(r"(增加|减少|增长|下降|上升|降低)[^，,；;]*$")
_DOWN = re.compile(r"(减少|下降|降低)[^，,；;]*$")
_SHARE = re.compile(r"占[^，,；;]*$")
_CLASS = re.compile(r"([\u4e00-\u9fff、]+?)[（(]\d*类[)）]")
_SPLITS = frozenset({"expenditure.basic", "expenditure.project", "expenditure.basic.personnel", "expenditure.basic.public"})
_OTHER_MONEY = frozenset({"general_budget.total", "appropriation.total", "income.general_budget", "fund_budget.total"})
_INITIAL = re.compile(r"年初结转")  # in a final account: money carried in, not the year's
# In a final account: the budget a figure is set against, the share of it spent, a printed difference.
_AGAINST = (("adjusted", re.compile(r"调整后?预算")), ("budget", re.compile(r"年初预算|全年预算|(?<!公共)预算数?为?\s*$")))
_RATE = re.compile(r"完成(?:年初|调整)?预算(?:数)?的|预算(?:完成|执行)率")
_SPENT = re.compile(r"决算(?:数)?为?\s*$")
_DIFFERENCE = re.compile(r"决算数?(?:较|比)(?:年初|调整)?预算数?(增加|减少|多|少)")
_SET_AGAINST = (".budget", ".adjusted", ".difference")  # keys of a figure's budget, not of a figure
_CODED = re.compile(r"([\u4e00-\u9fff]+)[（(](\d{7}|\d{5}|\d{3})[)）]")  # 小学教育（2050202）
_ITEMIZED = frozenset({"operating_costs"})  # wholes whose 其中 parts are cost items, not figures of their own
# The words that set a change against a base, and the base they name.
_CONNECTIVE = re.compile(r"(?<![占对])比(?![例重率])|较(?![多少大高低好])")
_BASIS = re.compile(
    r"(?:上年|上一年度?|去年|20\d{2}\s*年度?)(?:年初|当年)?"
    r"(?:(?P<actual>预算执行数?|执行数?|决算数?|实际(?:数|支出|收入)?)|(?P<budget>预算数?))"
)
_PREVIOUS = re.compile(r"执行数|上年(?!结转|结余)|去年|上一年度")
_ITEM = re.compile(
    r"(?P<cls>[\u4e00-\u9fff、]+?)[（(]类[)）]\s*(?P<kuan>[^（）()“”\"，,]+?)[（(]款[)）]"
    r"\s*(?:(?P<xiang>(?:[^（）()“”\"，,]|[（(][^（）()项]{1,4}[)）])+?)[（(]项[)）])?"  # 中医（民族）医院（项）
)
# A 款 (and its 项) named without their 类, which a heading above names (`（一）一般公共服务支出（类）` over
# `1.统计信息事务（款）行政运行（项）支出 1,429.11 万元`) or the codebook knows from the 款's name.
_KUAN_ITEM = re.compile(
    r"(?P<kuan>[\u4e00-\u9fff、]+?)[（(]款[)）]"
    r"(?:(?P<xiang>(?:[^（）()“”\"，,]|[（(][^（）()项]{1,4}[)）])+?)[（(]项[)）])?"
)
_BELOW_CLASS = re.compile(r"[（(][^（）()]*[款项][)）]")
# `收入、支出预算总计`, `收、支总预算`, `收入和支出` name both sides: 收支.
_BOTH_SIDES = re.compile(r"收入?\s*[、和与及]\s*支出?")
_SPACE = re.compile(r"\s+")
_LABEL = re.compile(r"^(?:[（(][一二三四五六七八九十]+[)）])?([^，,。：:（(]{2,12})[：:]")  # （一）收入预算：
_MAX_TOPIC = 30  # a figure-less sentence this short is a heading naming what follows
_COUNT_UNITS = {"辆", "台（套）", "台(套)", "套", "台", "个"}


@dataclass(frozen=True)
class FactRule:
    key: str
    any: tuple[str, ...]
    not_: tuple[str, ...]
    unit: str
    all: tuple[str, ...] = ()
    within: tuple[str, ...] = ()


@dataclass(frozen=True)
class FactVocabulary:
    rules: tuple[FactRule, ...]
    changes: dict[str, str]
    shares: tuple[str, ...]
    scopes: dict[str, tuple[str, ...]]


@cache
def vocabulary() -> FactVocabulary:
    text = resources.files("pipeline.normalize").joinpath("vocab/facts.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    rules = []
    for spec in data["rule"]:
        unknown = set(spec) - {"key", "any", "not", "unit", "all", "within"}
        if unknown:
            raise ValueError(f"facts.toml: rule {spec.get('key')!r} has unknown keys {sorted(unknown)}")
        rules.append(FactRule(spec["key"], tuple(spec["any"]), tuple(spec.get("not", ())), spec.get("unit", "money"),
                              tuple(spec.get("all", ())), tuple(spec.get("within", ()))))
    scopes = {scope: tuple(terms) for scope, terms in data["scopes"].items()}
    return FactVocabulary(tuple(rules), dict(data["changes"]), tuple(data["shares"]), scopes)


def heading_scope(heading: str) -> str | None:
    """The money a heading says its section is about (`三、财政拨款收支预算总体情况` → appropriation)."""
    text = both_sides(heading)
    return next((scope for scope, terms in vocabulary().scopes.items() if any(t in text for t in terms)), None)


def section_scopes(sections: list[Section]) -> list[str | None]:
    """Each section's scope: its own heading's, else its parent's (the nearest section above of a higher level)."""
    scopes: list[str | None] = []
    for index, section in enumerate(sections):
        scope = heading_scope(section.heading)
        if scope is None:
            parent = next((j for j in range(index - 1, -1, -1) if sections[j].level < section.level), None)
            scope = scopes[parent] if parent is not None else None
        scopes.append(scope)
    return scopes


def both_sides(text: str) -> str:
    """`收入、支出预算总计` → `收支预算总计`: the wording the rules name both sides by."""
    return _BOTH_SIDES.sub("收支", text)


def money_unit(mention: re.Match[str]) -> str | None:
    """The money unit of a MENTION (a bare `万` is 万元), None for a share or a count."""
    unit = mention.group("unit")
    return unit if unit.endswith("元") else "万元" if unit == "万" else None


def is_money(mention: re.Match[str]) -> bool:
    return money_unit(mention) is not None


def mention_yuan(mention: re.Match[str]) -> Decimal:
    """A money MENTION in yuan (`3,328.13万元` → 33,281,300)."""
    return Decimal(mention.group("num").replace(",", "")) * UNIT_FACTORS[money_unit(mention) or "元"]


def _rule_key(context: str, unit: str, wide: bool = False, sentence: str = "") -> tuple[str, str] | None:
    """(key, the term that named it) for the words before a figure; `wide` tries
    only the rules that also name `all` of their terms (for a sentence-wide context);
    a rule with `within` terms names a figure only in a sentence holding one."""
    context = both_sides(context)  # 财政拨款收、支总预算 is 财政拨款收支
    for rule in vocabulary().rules:
        if rule.unit != unit or any(n in context for n in rule.not_) or (wide and not rule.all):
            continue
        if rule.within and not any(t in sentence for t in rule.within):
            continue
        if not all(t in context for t in rule.all):
            continue
        term = next((t for t in rule.any if t in context), None)
        if term:
            return rule.key, term
    return None


def _item_key(context: str, year: int | None, within: str | None = None) -> tuple[str, str] | None:
    """`一般公共服务支出（类）统计信息事务（款）专项普查活动（项）` → general_budget.item.2010508;
    `统计信息事务（款）专项普查活动（项）` too, its 类 `within` (the heading's) or the one whose
    款 of that name holds such a 项."""
    context = _SPACE.sub("", context)  # 职业年金缴费支 出 （ 项 ）
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


def _prefixed_key(context: str, year: int | None) -> tuple[str, str] | None:
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


def _class_key(context: str, year: int | None) -> tuple[str, str] | None:
    found = _CLASS.search(context)
    if not found or _BELOW_CLASS.search(context):
        return None  # 社会保障和就业支出（类）…（款）…（项）0.39万元 is an item's figure
    code = Codebook.load("functional", year).find(found.group(1))
    return (f"general_budget.class.{code.code}", found.group(0)) if code and code.level == 1 else None


def _against(context: str) -> str | None:
    """`budget` for the words before a 年初预算 figure, `adjusted` for a 调整预算 one."""
    return next((suffix for suffix, pattern in _AGAINST if pattern.search(context)), None)


def _coded_item(text: str, year: int | None) -> tuple[str, str] | None:
    """The last `name（code）` of `text` whose code the year's codebook holds (`小学教育（2050202）`)."""
    book = Codebook.load("functional", year)
    for found in reversed(list(_CODED.finditer(text))):
        code = book.get(found.group(2))
        if code is not None:
            level = "class" if code.level == 1 else "item"
            return f"general_budget.{level}.{code.code}", found.group(0)
    return None


def _change_base(key: str | None) -> str | None:
    return vocabulary().changes.get(key) if key else None


def change_basis(span: str, current: ChangeBasis | None) -> ChangeBasis | None:
    """The basis of the changes after `span` (the words since the previous figure):
    a new connective names its own (or none), else the one before holds (`，增长5%`)."""
    if not _CONNECTIVE.search(span):
        return current
    found = _BASIS.search(span)
    if found is None:
        return None
    return "actual" if found.group("actual") else "budget"


def sentences(section: Section) -> Iterator[tuple[str, int]]:
    """(sentence, page) for one section, its heading first (`（一）因公出国（境）费用。2026年预算数14.85万元` is one).

    A heading line that runs on into a sentence it does not finish
    (`（一）基本支出。基本支出预算7485.22万元，占本年` over `支出预算77.75%。`)
    gives that sentence's start to the text; so does one naming the figure
    the text opens with or whose unit the text holds (`（五）2101201-…的补助 7.14` over `万元。`).
    """
    heading, tail = section.heading, ""
    ended = max(heading.rfind(mark) for mark in "。！？") + 1
    unfinished = heading[ended:]
    figure = MENTION.search(unfinished + section.text.lstrip())
    if unfinished and figure and figure.start() <= len(unfinished):
        heading, tail = heading[:ended], heading[ended:]
    for found in _SENTENCE.finditer(heading):
        if text := found.group(0).strip():
            yield text, section.page
    for found in _SENTENCE.finditer(tail + section.text):
        text = found.group(0).strip()
        if text:
            yield text, section.page_at(max(0, found.start() - len(tail)))


def sentence_facts(
    sentence: str, page: int, year: int | None, subject: str | None = None, topic: str | None = None,
    final: bool = False, within: str | None = None,
) -> list[Fact]:
    """Every named figure of one sentence.

    `subject` is what a sentence opening 其中 continues; `topic` names the first
    figure when its own words do not (the sentence before was a bare heading,
    or the sentence opens with a label: `（一）收入预算：2026年年初预算数…`);
    `within` is the 类 its section's heading names, for a 款 named without one.
    """
    label = _LABEL.match(sentence)
    if label and not topic and (labelled := _rule_key(label.group(1), "money")):
        topic = labelled[0]
    facts: list[Fact] = []
    start, last = 0, None
    basis: ChangeBasis | None = None
    for mention in MENTION.finditer(sentence):
        span = sentence[start:mention.start()]
        context = _CLAUSE.split(span)[-1]
        basis = change_basis(span, basis)
        start = mention.end()
        unit = mention.group("unit")
        value = Decimal(mention.group("num").replace(",", ""))
        printed = mention.group(0)
        if unit in ("%", "％"):
            if final and _RATE.search(context) and last:
                facts.append(Fact(f"{last}.execution_rate", context.strip("，,"), value, "percent", page, sentence, printed))
            elif _SHARE.search(context) and last and last.startswith(vocabulary().shares):
                facts.append(Fact(f"{last}.share", f"{last}占", value, "percent", page, sentence, printed))
            elif _CHANGE.search(context):
                subject = _rule_or(context, subject)
                if base := _change_base(subject):
                    signed = -value if _DOWN.search(context) else value
                    facts.append(Fact(f"{base}.change_percent", context.strip("，,"), signed, "percent", page,
                                      sentence, printed, basis=basis))
            continue
        if unit in _COUNT_UNITS and _CHANGE.search(context):
            continue  # 比上年增加2辆: a change of a count, not the count
        if unit in _COUNT_UNITS:
            # A count's noun may follow it (`共计31个一级项目`): failing its clause, the
            # sentence up to the figure and the rest of the figure's clause name it.
            after = _CLAUSE.split(sentence[mention.end():])[0]
            if named := _rule_key(context, "count") or _rule_key(sentence[:mention.end()] + after, "count", wide=True):
                facts.append(Fact(named[0], named[1], value, unit, page, sentence, printed))
            continue
        yuan = mention_yuan(mention)
        if final and (difference := _DIFFERENCE.search(context)) and subject:
            signed = -yuan if difference.group(1) in ("减少", "少") else yuan
            facts.append(Fact(f"{subject}.difference", context.strip("，,"), signed, "yuan", page, sentence, printed))
            continue
        if _CHANGE.search(context):
            subject = _rule_or(context, subject)
            if base := _change_base(subject):
                signed = -yuan if _DOWN.search(context) else yuan
                facts.append(Fact(f"{base}.change_amount", context.strip("，,"), signed, "yuan", page, sentence, printed,
                                  basis=basis))
            continue
        if _PREVIOUS.search(context) or (final and _INITIAL.search(context)):
            last = None
            continue  # last year's figure (2025年当年预算执行数为…)
        named = (_item_key(context, year, within) or _prefixed_key(context, year) or _class_key(context, year)
                 or _rule_key(context, "money", sentence=sentence))
        if final and (against := _against(context)):
            base = named[0] if named else topic if not facts else subject
            if base:
                facts.append(Fact(f"{base}.{against}", context.strip("，,"), yuan, "yuan", page, sentence, printed))
            subject, last = base or subject, base
            continue
        if final and named is None and _SPENT.search(context):  # 支出决算为B万元: of what the sentence is about
            named = _coded_item(sentence[:mention.start()], year) or ((subject, subject) if subject else None)
        if named is None and topic and not facts:
            named = (topic, topic)  # `（一）因公出国（境）费用。2026年预算数14.85万元`
        if named and named[0] in _SPLITS and subject in _OTHER_MONEY:
            named = None  # 其中：基本支出 of the general budget is not the department's split
        if named and subject in _ITEMIZED and "其中" in sentence[:mention.start()]:
            named = None  # 机关运行经费…其中：公务用车运行维护费12万元 is one office's cost item, not the 三公 figure
        if named:
            facts.append(Fact(named[0], named[1], yuan, "yuan", page, sentence, printed))
            last = named[0]
            if "其中" not in sentence[:mention.start()] or _change_base(named[0]):
                subject = named[0]  # a breakdown's part (其中：…) leaves the change with the whole
        else:
            last = None
    return facts


def _rule_or(context: str, subject: str | None) -> str | None:
    named = _rule_key(context, "money")
    return named[0] if named else subject


def _heading_item(sentence: str, year: int | None) -> tuple[str, str] | None:
    """The item a figure-less `其中：1、…（类）…（款）…（项）。` heading names."""
    return _item_key(LIST_ITEM.sub("", re.sub(r"^其中[:：]", "", sentence)), year)


def _keeps_topic(sentence: str, topic: str | None, final: bool) -> bool:
    """In a final account a numbered item's heading names the figures after its
    figure-less `主要用于：…` sentence."""
    return bool(final and topic and topic.startswith("general_budget.item.") and not MENTION.search(sentence)
                and not NUMBERED_HEADING.match(sentence) and not LIST_ITEM.match(sentence))


def stated_facts(sections: list[Section], year: int | None, final: bool = False) -> list[Fact]:
    """Every figure the narrative names, restatements of a key included, in reading order;
    in a final account (`final`) the year's 决算 figures, not the 年初预算 they are set against."""
    out: list[Fact] = []
    for section, scope in zip(sections, section_scopes(sections), strict=True):
        subject: str | None = None
        topic: str | None = None
        heading_class = _class_key(section.heading, year)
        within = heading_class[0].rsplit(".", 1)[1] if heading_class else None
        for sentence, page in sentences(section):
            found = sentence_facts(sentence, page, year, subject if sentence.startswith("其中") else None, topic, final,
                                   within)
            money = [f.key for f in found if f.unit == "yuan" and "change" not in f.key and not f.key.endswith(_SET_AGAINST)]
            subject = money[0] if money else subject
            named = _rule_key(sentence, "money") if not MENTION.search(sentence) else None
            heading = len(sentence) <= _MAX_TOPIC and (NUMBERED_HEADING.match(sentence) or LIST_ITEM.match(sentence))
            item = _heading_item(sentence, year) if final and not MENTION.search(sentence) else None
            if item or not _keeps_topic(sentence, topic, final):
                topic = item[0] if item else named[0] if named and heading else None
            for fact in found:
                fact.scope = scope
            out.extend(found)
    return out


def first_statements(facts: list[Fact]) -> list[Fact]:
    """The first statement of each key: restatements later in the text are left to the checks,
    which compare the figures with the tables."""
    seen: set[str] = set()
    out = []
    for fact in facts:
        if fact.key not in seen:
            seen.add(fact.key)
            out.append(fact)
    return out


def sections_to_facts(sections: list[Section], year: int | None, final: bool = False) -> list[Fact]:
    """The narrative's facts, the first statement of each key only."""
    return first_statements(stated_facts(sections, year, final))
