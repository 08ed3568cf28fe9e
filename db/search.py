"""How searchable text is folded, so that a search ignores quotes, punctuation and spaces.

Publishers write the same words as `三公经费`, `“三公”经费`, `"三公"经费` or
`三公 经费` (a line break inside a cell). The full-text index (migration 0011)
stores every text folded by `fold_sql`, and the site folds the query with
`fold`, so both sides lose exactly the same characters: one definition here.
`%`, `_` and `.` are kept (they are literal search terms: `5%`, `1.5`).
"""

from __future__ import annotations

FOLDED = (
    " \u3000\n"  # spaces, the full-width space, line breaks inside cells
    "\"'\u201c\u201d\u2018\u2019\u300c\u300d\u300a\u300b"  # quotes, 《》 title marks
    "()\uff08\uff09\u3010\u3011"  # brackets
    ",\uff0c\u3001\uff1a\uff1b\u3002\u00b7"  # commas, colon, semicolon, full stop, middle dot
)
# SQLite's parser nests at most about 30 calls deep: `fold_sql` nests one replace() per character.
_TABLE = str.maketrans("", "", FOLDED)


def fold(text: str | None) -> str | None:
    """`text` without the characters a search ignores."""
    return None if text is None else text.translate(_TABLE)


def _literal(char: str) -> str:
    """A one-character SQLite string literal; control characters by code."""
    if char in "\t\r\n":
        return f"char({ord(char)})"
    return "''''" if char == "'" else f"'{char}'"


def fold_sql(expression: str) -> str:
    """SQLite SQL folding `expression` as `fold` does (a nested replace; the index is SQLite's)."""
    for char in FOLDED:
        expression = f"replace({expression}, {_literal(char)}, '')"
    return expression
