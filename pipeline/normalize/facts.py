"""Figures the narrative states, each with its sentence and page.

A sentence is read figure by figure: the words printed since the previous
figure name it (`fact_names.py`, rules in vocab/facts.toml), `占 x%` is the
share of the figure before it, and `增加/减少 x 万元`, `增长/下降 x%` are changes
of the subject named before them in their clause, else of the figure before
them (`收入预算 A 万元，比上年执行数减少 B 万元`), whatever the connective (比上年,
与上年相比, 较上年, 同比), signed: a decrease is negative. A change records its
basis: last year's budget (`比上年预算数`) or actual outturn (`比上年执行数`,
`决算数`), None where the text names neither; a basis holds for the changes
after it until the next connective. A figure of the year before stated beside
this year's (`上年:25.77万元`, `2025年当年预算执行数为118.46万元`) is the subject's
`.previous`, with the same basis.

A sentence naming nothing of its own continues the one before: in
`1.“…（项）”2.63万元，主要用于统计管理。2022年当年预算执行数为1.48万元，2023年预算
安排2.63万元，比2022年预算执行数增加77.70%。` the last year's figure, the year's
restated and the change are the item's. A list of a whole's parts by name
(`项目支出142,220.85万元，具体包括：1.人力资源综合管理2,858.27万元，主要包括：综合
管理服务1,763.95万元…`) names each part `project.NAME`; the 机关运行经费's parts
(`其中：办公经费41.47万元`) `operating_costs.item.NAME`. A section about one unit of
the department (`二、深圳市劳动人事争议仲裁院`, its text opening with that name)
keys its figures `unit.NAME.KEY`. The first statement of a key wins; restatements
later in the text are left to the checks, which compare them with the tables.

A final account (决算) sets each figure against its budget: `年初预算为A万元，
支出决算为B万元，完成年初预算的C%` gives KEY.budget (A; 调整预算 → KEY.adjusted),
KEY (B, the money spent) and KEY.execution_rate (C); `决算数较预算数减少D万元`
gives KEY.difference. KEY is what the words name, else the numbered item
heading the figures follow (`1、…（类）…（款）…（项）。主要用于：…。年初预算为…`),
else a project's self-assessment it opens (`3.…考试考务费项目绩效自评综述：全年
预算数A万元，执行数B万元，完成预算的C%`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from pipeline.normalize.amounts import UNIT_FACTORS
from pipeline.normalize.fact_names import (
    MAX_NAME,
    class_key,
    coded_key,
    item_key,
    list_name,
    name_figure,
    part_key,
    rule_key,
    vocabulary,
)
from pipeline.normalize.fact_sections import section_scopes, section_units, unit_name
from schemas.patterns import LIST_ITEM, NUMBERED_HEADING
from schemas.records import ChangeBasis, Fact, Section

MENTION = re.compile(
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*"
    r"(?P<unit>万元|亿元|千元|元|万(?![\u4e00-\u9fff])|%|％|辆|台（套）|台\(套\)|套|台|个)"
)
_SENTENCE = re.compile(r"[^。！？]+[。！？]?")
# Words before a figure name it only within their clause: `图2：基本支出…（三）年终结转结余资金0万元`.
_CLAUSE = re.compile(r"[，,；;：:]|[（(][一二三四五六七八九十]+[)）]")
_CHANGE = re.compile(r"(增加|减少|增长|下降|上升|降低|提高)[^，,；;]*$")
_DOWN = re.compile(r"(减少|下降|降低)[^，,；;]*$")
_SHARE = re.compile(r"占[^，,；;]*$")
# `单价100万元（含）以上设备`, `400.00万元以上基本建设项目`: a bound a rule's wording sets, no figure of the budget.
_THRESHOLD = re.compile(r"\s*(?:[（(]含[)）])?\s*及?(?:以上|以下)")
_SPLITS = frozenset({"expenditure.basic", "expenditure.project", "expenditure.basic.personnel", "expenditure.basic.public"})
# Money other than all funds, and the stem its own 基本支出/项目支出 split takes (`general_budget.basic`).
_OTHER_MONEY = {"general_budget.total": "general_budget", "appropriation.total": "appropriation",
                "income.general_budget": "general_budget", "fund_budget.total": "fund_budget"}
# In a final account: the budget a figure is set against, the share of it spent, a printed difference.
_AGAINST = (("adjusted", re.compile(r"调整后?预算")), ("budget", re.compile(r"年初预算|全年预算|(?<!公共)预算数?为?\s*$")))
_RATE = re.compile(r"完成(?:年初|调整)?预算(?:数)?的|预算(?:完成|执行)率")
_SPENT = re.compile(r"(?:决算|执行)(?:数)?为?\s*$")  # in a final account 执行数 is the year's own spending
_DIFFERENCE = re.compile(r"决算数?(?:较|比)(?:年初|调整)?预算数?(增加|减少|多|少)")
_SET_AGAINST = (".budget", ".adjusted", ".difference", ".previous")  # keys of a figure's other years, not of a figure
# The words that set a change against a base, and the base they name.
_CONNECTIVE = re.compile(r"(?<![占对])比(?![例重率])|较(?![多少大高低好])")
_BASIS = re.compile(
    r"(?:上年|上一年度?|去年|20\d{2}\s*年度?)(?:年初|当年)?"
    r"(?:(?P<actual>预算执行数?|执行数?|决算数?|实际(?:数|支出|收入)?)|(?P<budget>预算数?))"
)
# Last year's figure: in a budget 执行数 is last year's outturn; in a final account the year's own.
_PREVIOUS = re.compile(r"执行数|上年(?!结转|结余)|去年|上一年度?")
_PREVIOUS_IN_FINAL = re.compile(r"上年(?!结转|结余)|去年|上一年度?")
_YEAR = re.compile(r"(20\d{2})\s*年(?!\s*\d{1,2}\s*月)")
_AS_OF = re.compile(r"截[至止]|结转|结余")  # 截至2024年8月31日, 截至上年底: a stock's date; 结转2025年…: carried over
# A part a figure includes of money carried over from last year: `120万元（含结转2025年采购经费6.9万元）`.
_CARRIED_IN = re.compile(r"[（(]含[^（）()]*结转[^（）()]*$")
# A change stated as its two levels: `…项目由2025年177万元增加至237万元`.
_FROM = re.compile(r"([\u4e00-\u9fff“”（）()]{2,40}?(?:项目|资金|经费))由\s*(?:20\d{2}\s*年度?)?\s*$")
_TO_LEVEL = re.compile(r"(?:增加|减少|增长|下降|降低|提高|上升)(?:到|至)\s*$")
# Words that only restate the year's budget of the subject before (`2023年预算安排`, `2026年预算数为`).
_BARE = re.compile(r"^(?:其中)?(?:20\d{2}\s*年度?)?(?:当年|年初)?(?:预算)?(?:安排|数)?(?:为|是)?$")
_LABEL = re.compile(r"^(?:[（(][一二三四五六七八九十]+[)）])?([^，,。：:（(]{2,12})[：:]")  # （一）收入预算：
# `12.…考试考务费项目绩效自评综述：`: a project's self-assessment, its figures the project's.
_ASSESSED = re.compile(r"(?:^|[：:。])\s*(?:\d+[.、．])?\s*(?P<name>[^：:。]{2,80}?)绩效自评(?:综述|情况)?[：:]")
# Words after a figure that list its parts: `项目支出…，具体包括：`, `…2,858.27万元，主要包括：`.
_ITEMIZING = re.compile(r"\s*[，,]?\s*(?:具体包括|主要包括|包括|其中)\s*[：:]")
_LISTS_PARTS = frozenset({"expenditure.project", "performance.amount"})  # wholes whose named parts are projects
_SCOPED = ("general_budget.class.", "general_budget.item.")  # keys whose money the section's scope says
_BUDGETED = re.compile(r"年度预算安排")  # a project description's part stating its money
_ITEMIZED = frozenset({"operating_costs"})  # wholes whose 其中 parts are cost items, not figures of their own
_PROJECT = "project."
_MAX_TOPIC = 30  # a figure-less sentence this short is a heading naming what follows
_COUNT_UNITS = {"辆", "台（套）", "台(套)", "套", "台", "个"}


@dataclass
class Reading:
    """What the text read so far says of the figures of the next sentence."""

    carried: str | None = None
    """The subject of the sentences before, which a change, last year's figure or the year's
    restated figure naming nothing belongs to."""
    last: str | None = None
    """The subject the sentence just read ends with (`工资福利支出（301）7804.52万元` after
    `一般公共预算支出181716.56万元，其中：`): the next sentence's `carried`."""
    parts: str | None = None
    """The key prefix of the parts a list names (`project.` after `项目支出…具体包括：`)."""
    unnamed: str | None = None
    """The key prefix of the figures no rule names, in a project description's 年度预算安排:
    its parts (`信息化系统日常维护费166.66万元，中介机构服务费418.80万元`)."""


def money_unit(mention: re.Match[str]) -> str | None:
    """The money unit of a MENTION (a bare `万` is 万元), None for a share or a count."""
    unit = mention.group("unit")
    return unit if unit.endswith("元") else "万元" if unit == "万" else None


def is_money(mention: re.Match[str]) -> bool:
    return money_unit(mention) is not None


def is_threshold(text: str, mention: re.Match[str]) -> bool:
    """A money MENTION of `text` that is a bound, not an amount: `单价100万元（含）以上`."""
    return is_money(mention) and _THRESHOLD.match(text, mention.end()) is not None


def mention_yuan(mention: re.Match[str]) -> Decimal:
    """A money MENTION in yuan (`3,328.13万元` → 33,281,300)."""
    return Decimal(mention.group("num").replace(",", "")) * UNIT_FACTORS[money_unit(mention) or "元"]


def _against(context: str) -> str | None:
    """`budget` for the words before a 年初预算 figure, `adjusted` for a 调整预算 one."""
    return next((suffix for suffix, pattern in _AGAINST if pattern.search(context)), None)


def change_stem(key: str) -> str:
    """The stem a key's changes are keyed under (`STEM.change_amount`): the key itself unless
    `changes` says otherwise (`appropriation.total` → `appropriation`)."""
    return vocabulary().changes.get(key, key)


def _owns_change(key: str) -> bool:
    """Whether a breakdown's part keeps the change printed after it (`其中：基本支出…，比上年增加…`):
    a total, a split of spending, a 类/款/项, a 三公 part, a project; a source of income leaves it with the whole
    (`财政拨款收入A万元，其中：一般公共预算拨款收入A万元，较上年减少B万元`)."""
    return (key in vocabulary().changes or key in ("total", "operating_costs")
            or key.startswith(("expenditure.", "three_public.", "general_budget.", _PROJECT))
            or key.endswith((".basic", ".project")))


def change_basis(span: str, current: ChangeBasis | None) -> ChangeBasis | None:
    """The basis of the changes after `span` (the words since the previous figure):
    a new connective names its own (or none), else the one before holds (`，增长5%`)."""
    if not _CONNECTIVE.search(span):
        return current
    found = _BASIS.search(span)
    if found is None:
        return None
    return "actual" if found.group("actual") else "budget"


def _previous_basis(context: str) -> ChangeBasis | None:
    """What last year's figure is: its outturn (执行数, 决算数) or its budget, None where unsaid."""
    found = _BASIS.search(context)
    return None if found is None else "actual" if found.group("actual") else "budget"


def _is_previous(context: str, year: int | None, final: bool) -> bool:
    """Words naming the year before (`上年`, `去年预算数为`, `2025年预算` in a 2026 budget; in a final
    account not its own 执行数), not a stock counted at a date (`截至2025年8月31日`) nor money carried
    over (`上年结转`)."""
    if _AS_OF.search(context):
        return False
    if final:
        return bool(_PREVIOUS_IN_FINAL.search(context))
    years = [int(y) for y in _YEAR.findall(context)]
    return bool(_PREVIOUS.search(context) or (year and years and years[-1] == year - 1))


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


def _sentence_topic(sentence: str, topic: str | None) -> str | None:
    """What names a sentence's first figure when its own words do not: the heading before
    (`topic`), a label it opens with (`（一）收入预算：…`) or the project it assesses."""
    if topic:
        return topic
    label = _LABEL.match(sentence)
    if label and (labelled := rule_key(label.group(1), "money")):
        return labelled[0]
    assessed = _ASSESSED.search(sentence)
    if assessed and (name := list_name(assessed.group("name"))):
        return f"{_PROJECT}{name[:MAX_NAME]}"
    return None


def sentence_facts(
    sentence: str, page: int, year: int | None, subject: str | None = None, topic: str | None = None,
    final: bool = False, within: str | None = None, reading: Reading | None = None,
) -> list[Fact]:
    """Every named figure of one sentence.

    `subject` is what a sentence opening 其中 continues; `topic` names the first
    figure when its own words do not (the sentence before was a bare heading,
    or the sentence opens with a label: `（一）收入预算：2026年年初预算数…`);
    `within` is the 类 its section's heading names, for a 款 named without one;
    `reading` what the sentences before it say (`Reading`), updated as it is read.
    """
    reading = reading or Reading()
    topic = _sentence_topic(sentence, topic)
    whole = subject  # the money a 其中 breaks down
    facts: list[Fact] = []
    start, money_start, last = 0, 0, None
    basis: ChangeBasis | None = None
    for mention in MENTION.finditer(sentence):
        if is_threshold(sentence, mention):
            continue  # 单价100万元以上设备: part of the words that name the next figure
        span = sentence[start:mention.start()]
        context = _CLAUSE.split(span)[-1]
        basis = change_basis(span, basis)
        start = mention.end()
        unit = mention.group("unit")
        value = Decimal(mention.group("num").replace(",", ""))
        printed = mention.group(0)
        if unit in ("%", "％"):
            money_start = mention.end()
            if final and _RATE.search(context) and last:
                facts.append(Fact(f"{last}.execution_rate", context.strip("，,"), value, "percent", page, sentence, printed))
            elif _SHARE.search(context):
                if whole := _share_of(context, last):
                    facts.append(Fact(f"{whole}.share", f"{whole}占", value, "percent", page, sentence, printed))
            elif _CHANGE.search(context):
                subject = _rule_or(context, subject) or reading.carried
                if subject:
                    facts.append(_change(subject, context, value, "percent", page, sentence, printed, basis))
            continue
        if unit in _COUNT_UNITS:
            if not _CHANGE.search(context):  # 比上年增加2辆: a change of a count, not the count
                facts.extend(_count_fact(sentence, mention, context, value, page))
            continue
        money_span = sentence[money_start:mention.start()]
        money_context = _clause_before(money_span)
        money_start = mention.end()
        yuan = mention_yuan(mention)
        if final and (difference := _DIFFERENCE.search(money_context)) and subject:
            signed = -yuan if difference.group(1) in ("减少", "少") else yuan
            facts.append(Fact(f"{subject}.difference", money_context.strip("，,"), signed, "yuan", page, sentence, printed))
            continue
        if _TO_LEVEL.search(money_context) and subject:  # …由2025年177万元增加至237万元: the year's level
            facts.append(Fact(subject, money_context.strip("，,"), yuan, "yuan", page, sentence, printed))
            continue
        if _CHANGE.search(money_context):
            subject = _rule_or(money_context, subject) or reading.carried
            if subject:
                facts.append(_change(subject, money_context, yuan, "yuan", page, sentence, printed, basis))
            continue
        if (carried_in := _CARRIED_IN.search(money_span)) and last:  # 120万元（含结转2025年采购经费6.9万元）
            facts.append(Fact(f"{last}.carryover", carried_in.group(0).strip("（("), yuan, "yuan", page, sentence, printed))
            continue
        if _is_previous(money_context, year, final):
            base = _rule_or(money_context, subject) or _changed_from(money_context) or reading.carried
            if base:
                facts.append(Fact(f"{base}.previous", money_context.strip("，,"), yuan, "yuan", page, sentence, printed,
                                  basis=_previous_basis(money_context)))
            subject, last = base or subject, None
            continue
        named = _money_name(sentence, mention.start(), money_context, money_span, year, within, subject, reading)
        if final and (against := _against(money_context)):
            base = named[0] if named else topic if _first_money(facts) else None
            spoken = rule_key(money_span, "money", sentence=sentence, span=money_span)  # `部门整体支出自评得分99.5，全年预算数`
            base = base or (spoken[0] if spoken else subject) or reading.carried
            if base:
                facts.append(Fact(f"{base}.{against}", money_context.strip("，,"), yuan, "yuan", page, sentence, printed))
            subject, last = base or subject, base
            continue
        if final and named is None and _SPENT.search(money_context):  # 支出决算为B万元: of what the sentence is about
            about = subject or (topic if _first_money(facts) else None) or reading.carried
            named = coded_key(sentence[:mention.start()], year) or ((about, about) if about else None)
        if named is None and topic and _first_money(facts):
            named = (topic, topic)  # `（一）因公出国（境）费用。2026年预算数14.85万元`
        if named is None and reading.carried and not final and _BARE.match(re.sub(r"\s+", "", money_context.strip("，,、"))):
            named = (reading.carried, reading.carried)  # `2023年预算安排2.63万元` after the item's own sentence
        if named is None and reading.unnamed:
            named = part_key(reading.unnamed, money_context)
        if named and named[0] in _SPLITS and whole in _OTHER_MONEY:  # 其中：基本支出 of the general budget
            named = (f"{_OTHER_MONEY[whole]}.{named[0].removeprefix('expenditure.')}", named[1])
        if named:
            facts.append(Fact(named[0], named[1], yuan, "yuan", page, sentence, printed))
            last = named[0]
            if named[0] in _OTHER_MONEY or "其中" not in sentence[:mention.start()]:
                whole = named[0]
            if "其中" not in sentence[:mention.start()] or _owns_change(named[0]):
                subject = named[0]  # a breakdown's part (其中：…) leaves the change with the whole
            if named[0] in _LISTS_PARTS and _ITEMIZING.match(sentence, mention.end()):
                reading.parts = _PROJECT  # 项目支出…，具体包括：1.…
        else:
            last = None
    reading.last = subject
    return facts


def _change(
    subject: str, context: str, value: Decimal, unit: str, page: int, sentence: str, printed: str,
    basis: ChangeBasis | None,
) -> Fact:
    """The change of `subject` a figure states, negative where its words say it fell (减少, 下降, 降低)."""
    signed = -value if _DOWN.search(context) else value
    suffix = "change_percent" if unit == "percent" else "change_amount"
    return Fact(f"{change_stem(subject)}.{suffix}", context.strip("，,"), signed, unit, page, sentence, printed, basis=basis)


def _changed_from(context: str) -> str | None:
    """The project a `NAME由2025年A万元增加至B万元` names (`局机关养老服务发展资金项目`)."""
    found = _FROM.search(context)
    named = part_key(_PROJECT, found.group(1)) if found else None
    return named[0] if named else None


def _first_money(facts: list[Fact]) -> bool:
    """Whether no money figure of the sentence was named yet (a count before it names no money)."""
    return not any(f.unit == "yuan" for f in facts)


def _clause_before(span: str) -> str:
    """The words of a figure's clause; a label's where the clause is only its colon (`上年:25.77万元`)."""
    clauses = _CLAUSE.split(span)
    if len(clauses) > 1 and not clauses[-1].strip() and span.rstrip()[-1:] in "：:":
        return clauses[-2]
    return clauses[-1]


def _money_name(
    sentence: str, at: int, context: str, span: str, year: int | None, within: str | None, subject: str | None,
    reading: Reading,
) -> tuple[str, str] | None:
    """(key, the words that named it) for the money figure at `at` of a sentence, by its own words, or None."""
    if subject in _ITEMIZED and "其中" in sentence[:at]:
        return part_key(f"{subject}.item.", context)  # 机关运行经费…其中：公务用车运行维护费12万元 is a cost item, not 三公
    named = name_figure(context, year, within, sentence, span)
    if reading.parts and (part := part_key(reading.parts, context)):
        return named if named and named[1] == part[1] else part  # `其中：1.事业单位经营支出0万元` is no project
    return named


def _share_of(context: str, last: str | None) -> str | None:
    """The figure a `占 x%` is the share of: the one its clause names before 占, else the figure before it."""
    before = context[:context.rfind("占")]
    own = rule_key(before, "money") if re.search(r"[\u4e00-\u9fff]{2}", before) else None
    return own[0] if own else last


def _count_fact(sentence: str, mention: re.Match[str], context: str, value: Decimal, page: int) -> list[Fact]:
    """A count's fact: its noun may follow it (`共计31个一级项目`): failing its clause, the
    sentence up to the figure and the rest of the figure's clause name it."""
    after = _CLAUSE.split(sentence[mention.end():])[0]
    named = rule_key(context, "count", sentence=sentence) or rule_key(sentence[:mention.end()] + after, "count", wide=True)
    if not named:
        return []
    return [Fact(named[0], named[1], value, mention.group("unit"), page, sentence, mention.group(0))]


def _rule_or(context: str, subject: str | None) -> str | None:
    named = rule_key(context, "money")
    return named[0] if named else subject


def _heading_item(sentence: str, year: int | None) -> tuple[str, str] | None:
    """The item a figure-less `其中：1、…（类）…（款）…（项）。` heading names."""
    return item_key(LIST_ITEM.sub("", re.sub(r"^其中[:：]", "", sentence)), year)


def _keeps_topic(sentence: str, topic: str | None, final: bool) -> bool:
    """In a final account a numbered item's heading names the figures after its
    figure-less `主要用于：…` sentence."""
    return bool(final and topic and topic.startswith("general_budget.item.") and not MENTION.search(sentence)
                and not NUMBERED_HEADING.match(sentence) and not LIST_ITEM.match(sentence))


def _in_unit(fact: Fact, unit: str | None) -> Fact:
    if unit:
        fact.key = f"unit.{unit}.{fact.key}"
    return fact


def stated_facts(sections: list[Section], year: int | None, final: bool = False) -> list[Fact]:
    """Every figure the narrative names, restatements of a key included, in reading order;
    in a final account (`final`) the year's 决算 figures, not the 年初预算 they are set against."""
    out: list[Fact] = []
    for section, scope, unit in zip(sections, section_scopes(sections), section_units(sections), strict=True):
        subject: str | None = None
        carried: str | None = None
        topic: str | None = None
        reading = Reading(unnamed=_PROJECT if _BUDGETED.search(section.heading) else None)
        heading_class = class_key(section.heading, year)
        within = heading_class[0].rsplit(".", 1)[1] if heading_class else None
        opens_unit = unit_name(section) is not None
        for sentence, page in sentences(section):
            if opens_unit and sentence == section.heading:
                topic = "total"  # the unit's heading: its own figure opens the text (`深圳市信访局预算4,684.30万元，包括…`)
                continue
            if sentence.startswith("其中") and subject in _LISTS_PARTS:
                reading.parts = _PROJECT  # 涉及项目预算资金598.46万元。其中：中介机构服务费418.80万元…
            if LIST_ITEM.match(sentence) or NUMBERED_HEADING.match(sentence):
                carried = None  # a new numbered item: what the one before said is not its (`5、…（项）。…`)
            reading.carried = carried
            found = sentence_facts(sentence, page, year, subject if sentence.startswith("其中") else None, topic, final,
                                   within, reading)
            money = [f.key for f in found if f.unit == "yuan" and "change" not in f.key and not f.key.endswith(_SET_AGAINST)]
            subject = money[0] if money else subject
            carried = (reading.last or money[0]) if money else carried
            named = rule_key(sentence, "money") if not MENTION.search(sentence) else None
            heading = len(sentence) <= _MAX_TOPIC and (NUMBERED_HEADING.match(sentence) or LIST_ITEM.match(sentence))
            item = _heading_item(sentence, year) if final and not MENTION.search(sentence) else None
            if item or not _keeps_topic(sentence, topic, final):
                topic = item[0] if item else named[0] if named and heading else None
            for fact in found:
                fact.scope = scope
                out.append(_in_unit(fact, unit))
    return out


def first_statements(facts: list[Fact]) -> list[Fact]:
    """The first statement of each key: restatements later in the text are left to the checks,
    which compare the figures with the tables. A 类's (款's, 项's) figure is one of the money its
    section is about (`Fact.scope`): of all funds (`支出预算…包括公共安全支出76,468.81万元`) and of
    the general budget (`一般公共预算…公共安全支出69,081.15万元`) it is two figures."""
    seen: set[tuple[str, str | None]] = set()
    out = []
    for fact in facts:
        identity = (fact.key, fact.scope if fact.key.startswith(_SCOPED) else None)
        if identity not in seen:
            seen.add(identity)
            out.append(fact)
    return out


def sections_to_facts(sections: list[Section], year: int | None, final: bool = False) -> list[Fact]:
    """The narrative's facts, the first statement of each key only."""
    return first_statements(stated_facts(sections, year, final))
