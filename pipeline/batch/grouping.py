"""Which files of a batch are one disclosure: a narrative PDF and its tables PDF.

Some publishers (Beijing) put a disclosure in two PDFs: a narrative that ends
with "附件：北京市财政局 2026 年度部门预算报表" and contains no tables, and a
tables PDF that starts with "预算01表 收支总表" and never names the
department on its first pages. File names are not evidence (crawls rename
files); only what the documents say is. A tables PDF joins a narrative of the
same batch when

* the narrative announces an attachment of budget tables and has (almost) no
  tables of its own,
* the fiscal years agree (a tables PDF that states no year is accepted),
* the kinds agree (预算 tables with a 预算 narrative, 决算 with 决算), and
* the departments agree where the tables PDF names one (部门名称 …).

When several narratives could take a tables PDF and the department does not
single one out, or several tables PDFs claim one narrative, the files stay
apart and `Grouping.notes` says why. Every other file is a disclosure of its own.

Reading (`read_pages`, pypdfium2 text only) is separate from matching
(`profile`, `group_texts`), which works on plain page texts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from extractors.captions import is_page_number

HEAD_PAGES = 3
"""Pages read from the start of every file to classify it."""
TAIL_PAGES = 2
"""Pages read from the end (a narrative names its attachment on its last page)."""
MAX_PAGES = 600
"""A candidate file is read in full up to this many pages (department and year may be near its end)."""
FEW_TABLE_PAGES = 2
"""A narrative may carry this many pages with a table of its own and still be 'without tables'."""

Kind = Literal["narrative", "tables", "other"]

_SPACE = re.compile(r"\s+")
_TABLE_TITLE = re.compile(r"(?P<kind>[预决])算\s*\d+\s*表|(?P<kind2>[预决])算表\s*\d+")
_MAIN_TITLES = ("收支总表", "收入总表", "支出总表", "财政拨款收支总表")
_UNIT = re.compile(r"单位\s*[:：]\s*(万元|元|千元|亿元)")
_ATTACHMENT = re.compile(r"附\s*件\s*(?P<no>[0-9一二三四五六七八九十]*)\s*[:：]?\s*(?P<name>.*)$")
_TABLES_WORD = re.compile(r"报表|[预决]算表|公开表|总表|明细表")
_NARRATIVE_MARK = re.compile(r"目\s*录|情况说明|信息公开")
_NAMED_YEAR = re.compile(r"^(?P<dept>.*?)\s*(?P<year>20\d{2})\s*年")
_YEAR_LINE = re.compile(r"^[（(]\s*(20\d{2})\s*年度?\s*[）)]$")
_YEAR = re.compile(r"(20\d{2})\s*年")
_DEPARTMENT = re.compile(r"(?:部门名称|预算主管部门|主管部门名称)\s*[:：]?\s*(?P<name>[^\s:：]{2,40})")
_TITLE = re.compile(
    r"^(?P<dept>.*?)\s*(?P<year>20\d{2})\s*年度?\s*(?:部门|单位)?\s*(?:综合)?(?P<kind>[预决])算"
)
_DEPT_SUFFIXES = ("（本级）", "(本级)", "（汇总）", "(汇总)", "本级", "部门")


@dataclass(frozen=True)
class Profile:
    """What grouping needs to know about one file, read from its text."""

    kind: Kind
    years: frozenset[int] = frozenset()
    departments: tuple[str, ...] = ()
    doc_kind: str | None = None
    """预 (budget) or 决 (final accounts), where the file says."""
    attachment: str | None = None
    """The narrative's line naming its attachment (附件：…)."""


@dataclass(frozen=True)
class Merge:
    """Files grouped into one disclosure (narrative first) and why."""

    paths: tuple[Path, ...]
    reason: str

    def describe(self) -> str:
        return f"{' + '.join(map(str, self.paths))} ({self.reason})"


@dataclass
class Grouping:
    """The disclosures of a batch, in input order, with the merges made and the ones refused."""

    groups: list[list[Path]] = field(default_factory=list)
    merged: list[Merge] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Files that looked like parts of a disclosure but were left on their own, and why."""


# --- Reading ------------------------------------------------------------------------------------------


def read_pages(path: Path, sample: bool = False) -> list[str]:
    """The text of every page (up to MAX_PAGES), or with `sample` of the first and last
    pages only; [] when the file cannot be read (ingest fails it later with the reason)."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError, ValueError):
        return []
    try:
        count = len(pdf)
        wanted: Sequence[int] = range(min(count, MAX_PAGES))
        if sample:
            wanted = sorted({*range(min(count, HEAD_PAGES)), *range(max(0, count - TAIL_PAGES), count)})
        texts = []
        for index in wanted:
            page = pdf[index]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return texts
    except pdfium.PdfiumError:
        return []
    finally:
        pdf.close()


def read_profiles(paths: Sequence[Path]) -> dict[Path, Profile]:
    """Profile each file cheaply; candidates for merging are read in full."""
    profiles = {}
    for path in paths:
        found = profile(read_pages(path, sample=True))
        if found.kind != "other":
            found = profile(read_pages(path))
        profiles[path] = found
    return profiles


def plan_groups(paths: Sequence[Path]) -> Grouping:
    """Read the files and group them (see the module docstring)."""
    return match(list(paths), read_profiles(paths))


def group_disclosures(paths: list[Path]) -> list[list[Path]]:
    """The files of each disclosure together, narrative first, in input order."""
    return plan_groups(paths).groups


# --- Classifying one file from its page texts ------------------------------------------------------------


def _lines(text: str) -> list[str]:
    return [s for s in (line.strip() for line in text.splitlines()) if s and not is_page_number(s)]


def _squash(text: str) -> str:
    return _SPACE.sub("", text)


def normalize_department(name: str) -> str:
    """北京市信访办公室部门 and 北京市信访办公室（本级） are 北京市信访办公室."""
    name = _squash(name)
    changed = True
    while changed:
        changed = False
        for suffix in _DEPT_SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix) + 2:
                name, changed = name[: -len(suffix)], True
    return name


def _table_kind(line: str) -> str | None:
    found = _TABLE_TITLE.search(line)
    return (found.group("kind") or found.group("kind2")) if found else None


def _is_table_title(line: str) -> bool:
    squashed = _squash(line)
    return _table_kind(line) is not None or any(squashed.endswith(t) for t in _MAIN_TITLES)


def _attachment(lines: list[str]) -> str | None:
    """The line (joined with the next when the name runs on) announcing tables in an attachment."""
    for i, line in enumerate(lines):
        found = _ATTACHMENT.search(line)
        if not found:
            continue
        name = found.group("name") or (lines[i + 1] if i + 1 < len(lines) else "")
        if _TABLES_WORD.search(name):
            return _squash(f"附件{found.group('no')}：{name}")
    return None


def _starts_with_table(first_page: list[str]) -> bool:
    """The first page opens on a table title (or '附件2' over a title of tables), not a narrative title."""
    if not first_page or any(_NARRATIVE_MARK.search(line) for line in first_page[:6]):
        return False
    head = first_page[0]
    if _is_table_title(head):
        return True
    attached = _ATTACHMENT.match(head)
    if attached:
        name = attached.group("name") or (first_page[1] if len(first_page) > 1 else "")
        return bool(_TABLES_WORD.search(name))
    return False


def profile(pages: Sequence[str]) -> Profile:
    """Classify one file from the text of its pages (all of them, or a sample)."""
    page_lines = [_lines(text) for text in pages]
    lines = [line for page in page_lines for line in page]
    if not lines:
        return Profile("other")
    if _starts_with_table(page_lines[0]):
        titles = [line for line in lines if _is_table_title(line)] + page_lines[0][:2]
        years = {int(y) for line in titles for y in _YEAR.findall(line)}
        years |= {int(m.group(1)) for line in lines if (m := _YEAR_LINE.match(_squash(line)))}
        kinds = {k for line in titles if (k := _table_kind(line))}
        departments = dict.fromkeys(
            d
            for line in lines
            for m in _DEPARTMENT.finditer(line)
            if (d := normalize_department(m.group("name")))
        )
        return Profile(
            "tables", frozenset(years), tuple(departments), kinds.pop() if len(kinds) == 1 else None
        )
    attachment = _attachment(lines)
    own_table_pages = sum(
        1 for page in page_lines if any(_UNIT.search(line) or _table_kind(line) for line in page)
    )
    if attachment is None or own_table_pages > FEW_TABLE_PAGES:
        return Profile("other")
    dept, year, kind = _narrative_identity(attachment, page_lines[0])
    return Profile("narrative", frozenset([year] if year else []), (dept,) if dept else (), kind, attachment)


def _narrative_identity(attachment: str, first_page: list[str]) -> tuple[str | None, int | None, str | None]:
    """Department, year and kind (预/决) from the attachment's name, else from the title."""
    name = attachment.split("：", 1)[1]
    dept: str | None = None
    year: int | None = None
    named = _NAMED_YEAR.match(name)
    if named:
        dept, year = normalize_department(named.group("dept")) or None, int(named.group("year"))
    kind = "决" if "决算" in name else "预" if "预算" in name else None
    title = _TITLE.match(_squash("".join(first_page[:3])))
    if title:
        dept = dept or normalize_department(title.group("dept")) or None
        year = year or int(title.group("year"))
        kind = kind or title.group("kind")
    return dept, year, kind


# --- Matching -----------------------------------------------------------------------------------------------


def departments_agree(a: str, b: str) -> bool:
    """Equal, or one is the other without its region prefix (财政局 / 北京市财政局)."""
    a, b = normalize_department(a), normalize_department(b)
    return a == b or (min(len(a), len(b)) >= 3 and (a.endswith(b) or b.endswith(a)))


@dataclass(frozen=True)
class _Fit:
    narrative: Path
    by_department: str | None
    year: int | None
    reason: str


def _fit(narrative: Path, n: Profile, t: Profile) -> _Fit | str:
    """How a tables PDF fits a narrative, or why it does not."""
    if n.doc_kind and t.doc_kind and n.doc_kind != t.doc_kind:
        return f"{narrative.name} announces {n.doc_kind}算 tables, these are {t.doc_kind}算"
    if t.years and n.years and not (t.years & n.years):
        return f"{narrative.name} is for {'/'.join(map(str, sorted(n.years)))}, these tables for {'/'.join(map(str, sorted(t.years)))}"
    department = None
    if t.departments:
        if not n.departments:
            return f"{narrative.name} names no department, these tables name {t.departments[0]}"
        department = next(
            (d for d in t.departments if any(departments_agree(d, x) for x in n.departments)), None
        )
        if department is None:
            return f"{narrative.name} is {n.departments[0]}'s, these tables name {t.departments[0]}"
    year = min(t.years & n.years) if t.years & n.years else None
    parts = [
        f"tables PDF {year}"
        if year
        else "tables PDF states no year"
        if not t.years
        else "narrative states no year"
    ]
    parts.append("attachment named in narrative")
    parts.append(f"department {department}" if department else "tables PDF names no department")
    return _Fit(narrative, department, year, ", ".join(parts))


def match(paths: Sequence[Path], profiles: Mapping[Path, Profile]) -> Grouping:
    """Group `paths` given each file's profile; pure, so it can be tested on plain texts."""
    narratives = [p for p in paths if profiles[p].kind == "narrative"]
    tables = [p for p in paths if profiles[p].kind == "tables"]
    notes: list[str] = []
    choice: dict[Path, _Fit] = {}
    for t in tables:
        fits = [f for n in narratives if isinstance(f := _fit(n, profiles[n], profiles[t]), _Fit)]
        if not fits:
            why = [str(_fit(n, profiles[n], profiles[t])) for n in narratives[:3]]
            why += [f"{len(narratives) - 3} more"] if len(narratives) > 3 else []
            notes.append(f"{t}: tables PDF left on its own: no narrative in the batch fits it"
                         + (f" ({'; '.join(why)})" if why else ""))  # fmt: skip
            continue
        best = _best(fits)
        if len(best) > 1:
            names = ", ".join(str(f.narrative) for f in best)
            notes.append(f"{t}: tables PDF left on its own: {len(best)} narratives could take it ({names}) "
                         "and the department does not single one out")  # fmt: skip
            continue
        choice[t] = best[0]
    claims: dict[Path, list[Path]] = {}
    for t, fit in choice.items():
        claims.setdefault(fit.narrative, []).append(t)
    partner: dict[Path, Path] = {}
    for n, claimants in claims.items():
        best = _best([choice[t] for t in claimants])
        winners = [t for t in claimants if choice[t] in best]
        if len(winners) == 1:
            partner[n] = winners[0]
            losers = [t for t in claimants if t != winners[0]]
        else:
            losers = claimants
        for t in losers:
            others = ", ".join(str(x) for x in claimants if x != t)
            notes.append(f"{t}: tables PDF left on its own: {n} is claimed by other tables too ({others})")
    paired = set(partner.values())
    for n in narratives:
        if n not in partner:
            notes.append(f"{n}: narrative names an attachment ({profiles[n].attachment}) "
                         "but no tables PDF in the batch was matched to it")  # fmt: skip
    grouping = Grouping(notes=notes)
    for path in paths:
        if path in paired:
            continue
        if path in partner:
            group = [path, partner[path]]
            grouping.groups.append(group)
            grouping.merged.append(Merge(tuple(group), choice[partner[path]].reason))
        else:
            grouping.groups.append([path])
    return grouping


def _best(fits: list[_Fit]) -> list[_Fit]:
    """The fits the evidence prefers: a department match beats none, a stated year beats none."""

    def score(f: _Fit) -> tuple[bool, bool]:
        return (f.by_department is not None, f.year is not None)

    top = max(map(score, fits))
    return [f for f in fits if score(f) == top]


def group_texts(texts: Mapping[Path, Sequence[str]]) -> Grouping:
    """`match` on files given as page texts (in mapping order)."""
    return match(list(texts), {path: profile(pages) for path, pages in texts.items()})
