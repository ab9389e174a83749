"""A table row's condition cell when no entry of the conditions vocabulary names it.

A row of a table with a condition column whose text the vocabulary does not match still prints
the condition ("Lung adenocarcinoma"): it is the row's one cell (text between blank lines, `|` or tabs)
that holds no other value found in the row (a parenthesis alone, such as "(EudraCT number)"
beside an id, does not count). It is kept as cleaned, lower-case text: one line,
spaces collapsed, without surrounding punctuation.
"""
from __future__ import annotations

import regex

from pipeline.models import Mention

CONFIDENCE = 0.7
MAX_WORDS = 8
# a cell: text between blank lines, `|` or tabs (a flattened table row's cell separators)
_BLOCK = regex.compile(r"[^\s|](?:[^|\t\n]|\n(?![ \t]*\n))*")
_LETTERS = regex.compile(r"\p{L}{3}")
_ASIDE = regex.compile(r"\s*\([^()]*\)\s*")  # "(EudraCT number)" left beside a masked id
_EDGES = " \t\n.,;:|*-–—"


def clean_condition(text: str) -> str:
    """The form a printed condition is kept in: lower case, one line, no surrounding punctuation."""
    return " ".join(text.split()).strip(_EDGES).lower()


def condition_cell(row: str, found: list[Mention]) -> list[Mention]:
    """The row's condition, when exactly one block of `row` holds none of the `found` mentions
    (offsets in `row`) and reads as a condition: a few words, letters, no digits only."""
    free = []
    for m in _BLOCK.finditer(row):
        if not m.group(0).strip():
            continue
        if any(f.start < m.end() and m.start() < f.end for f in found) or _ASIDE.fullmatch(m.group(0)):
            continue
        free.append(m)
    if len(free) != 1:
        return []
    m = free[0]
    value = clean_condition(m.group(0))
    if not _LETTERS.search(value) or len(value.split()) > MAX_WORDS:
        return []
    return [Mention("conditions", value, m.start(), m.end(), m.group(0), "table_condition", CONFIDENCE)]
