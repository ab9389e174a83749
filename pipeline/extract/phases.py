"""Trial phases in every printed spelling, mapped to ClinicalTrials.gov v2 codes.

`find_phases(text)` reads phrases with the word "phase": `Phase 1/2a`, `phase I/IIa`, `Phase IIb`,
`phase I-II`, `Phase 1 and 2`, `phase 2-3`, `Phase II/III`, `early phase 1`, `Phase 0`; and
`Not applicable` / `N/A` only with `bare=True` (a table's phase column).
`find_bare_phases(text)` reads a phase column's cell without the word: `1`, `2-3`, `1 and 2`,
`I/II`, `Early phase 1`, `Not applicable`.
A phase in a sentence about future work ("a phase III trial is needed") is not a trial's phase.
"""
from __future__ import annotations

import regex

from pipeline.extract.doses import word_key
from pipeline.extract.prechecks import fold_case, has_any
from pipeline.models import Mention

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "0": 0, "1": 1, "2": 2, "3": 3, "4": 4}
_NUM = r"(?:IV|I{1,3}|[0-4])(?:[abcABC](?![a-zA-Z]))?"
_JOIN = r"\s*(?:/|-|–|—|and|or|to|&|,)\s*(?:phase\s*)?"
# after a hyphen only as the next cell of a dash-joined one ("Recruiting—Phase 2", "Completed—Early
# Phase 1": the dash became "-"), never as a word's part ("pre-phase", "multi-phase")
_PHASE_WORD = regex.compile(
    r"(?:(?<![\w-])|(?<=\w-)(?=early|(?-i:Phase|PHASE)))(?P<early>early[\s-]+)?phase[\s-]*(?P<nums>" + _NUM + r"(?:" + _JOIN + _NUM + r")*)(?![\w])",
    regex.I,
)
# "a phase two pragmatic pilot randomised trial": a phase spelled as a word, only before the trial it is
# the phase of ("phase one of the project" is a stage of work)
_WORD_NUMBERS = {"one": "1", "two": "2", "three": "3", "four": "4"}
_PHASE_SPELLED = regex.compile(
    r"(?<![\w-])phase[\s-]+(?P<nums>one|two|three|four)(?:\s*(?:/|-|–|and|or|to)\s*(?P<nums2>two|three|four))?"
    r"(?=(?:[\s,]+[\w-]+){0,4}?[\s,]+(?:trials?|stud(?:y|ies)|RCTs?)\b)",
    regex.I,
)
_NA = regex.compile(r"(?<![\w/])(?:not\s+applicable|N/A|NA)(?![\w/])", regex.I)
# each form of _NA starts with one of these, lower-cased ('n', 'a', 'o', 't' and '/' have no other
# case under `regex`'s IGNORECASE, so `str.lower` suffices)
_NA_STARTS = ("not", "n/a", "na")
# a numeral alone (a phase column's cell); a digit followed by a word in lower case counts something
# else ("3 months", "(1 time)", "2 doses"): a roman numeral may be ("II safety study")
_BARE = regex.compile(
    r"(?<![\w.,/-])(?P<early>early[\s-]+phase[\s-]*)?(?P<nums>" + _NUM + r"(?:\s*(?:/|-|–|and|&)\s*" + _NUM + r")*)(?![\w.,/%-])"
    r"(?!(?<=\d)\s*(?-i:[a-z]))",
    regex.I,
)
_FUTURE = regex.compile(
    r"\b(?:needed|necessary|warranted|required|future|planned|plan to|looking to|will be conducted|would be|are needed|is needed|should be)\b",
    regex.I,
)
# Prechecks (see pipeline.extract.fields): each branch of _FUTURE holds one of these words, and a
# match of _PHASE_WORD starts with "early" or "phase"
_FUTURE_WORDS = ("needed", "necessary", "warranted", "required", "future", "plan", "looking", "conducted", "would", "should")


_NUMERAL = regex.compile(r"IV|I{1,3}|[0-4]", regex.I)
_RANGE = regex.compile(r"-|–|to")


def _numerals(nums: str) -> list[int]:
    """The phase numbers in `nums`; the pattern is case-insensitive, so "ıı" (dotless i) is II."""
    found = (_ROMAN.get(word_key(t)) for t in _NUMERAL.findall(nums))
    return [n for n in found if n is not None]


def _codes(nums: str, early: bool) -> list[str]:
    out: list[str] = []
    nums_only = _numerals(nums)
    for n in nums_only:
        code = "EARLY_PHASE1" if (early and n == 1 and not out) else ("EARLY_PHASE1" if n == 0 else f"PHASE{n}")
        if code not in out:
            out.append(code)
    # "1-3" means 1, 2 and 3
    if len(nums_only) == 2 and _RANGE.search(nums) and nums_only[1] - nums_only[0] == 2:
        out.insert(1, f"PHASE{nums_only[0] + 1}")
    return out


def _mentions(m, text: str, extractor: str, confidence: float) -> list[Mention]:
    codes = _codes(m.group("nums"), bool(m.group("early")))
    return [Mention("phase", c, m.start(), m.end(), text[m.start():m.end()], extractor, confidence) for c in codes]


def _is_future(text: str) -> bool:
    return has_any(fold_case(text), _FUTURE_WORDS) and _FUTURE.search(text) is not None


def _phase_word_start(text: str) -> int:
    """Where _PHASE_WORD can first match: at the first "early" or "phase" (0 if neither occurs). Passed
    as `pos`, it spares the scan of the text before it; `regex` still reads a look-behind before `pos`."""
    folded = fold_case(text)
    starts = [i for i in (folded.find("early"), folded.find("phase")) if i >= 0]
    return min(starts, default=0)


def find_phases(text: str, bare: bool = False) -> list[Mention]:
    """Phase mentions with the word 'phase' (and N/A forms when `bare`)."""
    lowered = text.lower()  # (so "phaſe", which _PHASE_WORD would match, is not read)
    out: list[Mention] = []
    if "phase" in lowered:
        if not bare and _is_future(text):
            return []
        for m in _PHASE_WORD.finditer(text, _phase_word_start(text)):
            out.extend(_mentions(m, text, "phases", 1.0))
        for m in _PHASE_SPELLED.finditer(text):
            nums = "/".join(_WORD_NUMBERS[w.lower()] for w in (m.group("nums"), m.group("nums2")) if w)
            out.extend(Mention("phase", c, m.start(), m.end(), m.group(0), "phases", 0.9) for c in _codes(nums, False))
    if bare and not out and has_any(lowered, _NA_STARTS):  # (a numbered phase beside it: the N/A is another cell's)
        for m in _NA.finditer(text):
            if m.group(0) == "NA" or m.group(0) == "na":
                continue
            out.append(Mention("phase", "NOT_APPLICABLE", m.start(), m.end(), m.group(0), "phases", 0.9))
    return out


def find_bare_phases(text: str) -> list[Mention]:
    """Phases printed without the word 'phase' (a phase column's cell)."""
    out = find_phases(text, bare=True)
    if out:
        return out
    for m in _BARE.finditer(text):
        out.extend(_mentions(m, text, "phases", 0.8))
    return out
