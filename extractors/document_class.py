"""Is this PDF a budget or final account at all? (vocab/document_classes.toml)

A crawl of 预决算 columns brings back notices, work reports, inspection
plans and forms beside the disclosures. A document is a budget or final
account when its title says so, or when it holds a table whose title names
a budget table kind; anything else is refused as `not_budget` rather than
accepted as an empty budget.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from extractors.table_kinds import UNKNOWN, is_budget_kind, kind_of_title, normalize_title
from schemas.records import SourceTable

_TRAILING = re.compile(r"[\s（(][^（()）]*[)）]\s*$|[\s。.：:]+$")  # (2024年) or a colon after the genre word


@dataclass(frozen=True)
class DocumentClasses:
    budget_titles: tuple[str, ...]
    other_genres: tuple[str, ...]


@cache
def vocabulary() -> DocumentClasses:
    text = resources.files("extractors").joinpath("vocab/document_classes.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    unknown = set(data) - {"budget_titles", "other_genres"}
    if unknown:
        raise ValueError(f"document_classes.toml: unknown keys {sorted(unknown)}")
    return DocumentClasses(tuple(data["budget_titles"]), tuple(data["other_genres"]))


def genre_of(title: str | None) -> str | None:
    """The other genre a title ends with (`…的通知` → 通知), or None."""
    if not title:
        return None
    text = normalize_title(title)
    while (stripped := _TRAILING.sub("", text)) != text:
        text = stripped
    return next((g for g in vocabulary().other_genres if text.endswith(g)), None)


def title_names_budget(title: str | None) -> bool:
    """A title naming a budget or final account (部门预算, …决算表), and not another genre's."""
    if not title or genre_of(title):
        return False
    text = normalize_title(title)
    return any(phrase in text for phrase in vocabulary().budget_titles)


def budget_tables(tables: list[SourceTable]) -> list[SourceTable]:
    """Tables whose own title names a budget table kind (a header alone proves nothing)."""
    return [t for t in tables if kind_of_title(t.title) != UNKNOWN and is_budget_kind(t.kind)]


def not_budget_reason(title: str | None, cover_heading: str | None, tables: list[SourceTable]) -> str | None:
    """Why a document is no budget or final account, or None when it is one.

    `title` is the title the metadata reader found (the largest block naming
    预算/决算 on the first pages), `cover_heading` the largest block of the
    first page: a notice's heading decides, whatever budget words its body holds.
    """
    if budget_tables(tables):
        return None
    cover_genre = genre_of(cover_heading) if not title_names_budget(cover_heading) else None
    if title_names_budget(title) and cover_genre is None:
        return None
    if cover_genre:
        return f"its first page is headed as a {cover_genre} ({cover_heading}) and no table names a budget table"
    if title:
        return f"its title ({title}) names no budget or final account and no table names a budget table"
    return "neither a title nor a table names a budget (预算) or final accounts (决算)"
