"""Cheap tests the finders run before their patterns.

The finders run on every sentence and most sentences hold none of their values, so each first
asks whether the text holds a word that every match of its pattern contains (plain substring
tests on `fold_case(text)`, far cheaper than a case-insensitive pattern) and returns [] at once
if not. A precheck only ever skips texts its pattern cannot match; the finders' tests check each
one against its pattern.
"""
from __future__ import annotations


def fold_case(text: str) -> str:
    """`text` lower-cased with the same offsets, where every character that a case-insensitive
    pattern (`re` or `regex`) matches for an ASCII letter is that letter in lower case.

    Under IGNORECASE both also match `İ` for i, `ı` for I, `ſ` for s and the Kelvin sign for k
    (tests/test_fields.py and tests/test_doses.py check this over all of Unicode). `str.lower`
    turns the Kelvin sign into k and keeps each other character one character except `İ`
    ("i" + a combining dot), replaced first; `ſ` and `ı`, which it keeps, are replaced after. So a
    case-insensitive match of an ASCII word in `text` is that word, lower-cased, at the same
    offsets in `fold_case(text)`.
    """
    if text.isascii():
        return text.lower()
    if "\u0130" in text:
        text = text.replace("\u0130", "i")
    return text.lower().replace("\u017f", "s").replace("\u0131", "i")


def has_any(text: str, words: tuple[str, ...]) -> bool:
    """Whether one of `words` occurs in `text` (a loop: faster than `any` over a generator)."""
    for w in words:
        if w in text:
            return True
    return False
