"""Sentences that name several trials, and sentences that lead up to the one naming a trial.

A sentence naming several trials ties a value to none of them (it may be any one's, or all of
theirs) unless its own structure pairs them:

- a bracket holding one trial's id and the value: "AMAS-2 (allogeneic adipose MSCs, NCT01234567)";
- a list whose items vary the field: "cells from cords (NCT01111111), olfactory mucosa (NCT02222222)
  and bone marrow (NCT03333333)": each value goes with the id that closes its item (or opens it:
  "NCT01111111 (cord cells) and NCT02222222 (marrow cells)");
- "respectively": "NCT01111111 and NCT02222222 gave cord and marrow cells, respectively";
- a status said of the trials together: "the trials listed are recruiting", "three trials in
  recruiting status: A (NCT…), B (NCT…)".

A run of sentences about one trial may open before the sentence that names it: a sentence naming
an author ("Kim et al. gave allogeneic cord cells …") and, before one that refers back ("The study
was registered as NCT01234567"), the sentence it refers to. `leading_sentences` finds them.

Each function takes plain offsets and mentions and returns which trial each value goes with.
"""
from __future__ import annotations

import regex

from pipeline.models import Mention

ITEM_REACH = 200  # the longest bracket or list item read as one trial's part of a sentence
LEAD_SENTENCES = 3  # how far before the naming sentence an author's sentence opens its passage
_RESPECTIVELY = regex.compile(r"(?i)\brespectively\b")
# a status said of several trials: a plural subject ("the trials ... are recruiting") or verb
_TRIALS = regex.compile(r"(?i)\b(?:trials|studies)\b")
_PLURAL_VERB = regex.compile(r"(?i)^(?:are|were|have\s+been)\b")
_REFERS_BACK = regex.compile(
    r"(?i)^\W*(?:the|this|that|these|our|such\s+a)\s+(?:[\w-]+\s+){0,2}?(?:trial|study|research|work|investigation|project)\b"
    r"|^\W*(?:it|they)\s+(?:was|were|is|are|has|had)\b"
)
_CITED = regex.compile(r"\[\d")
_AUTHOR = regex.compile(r"\b[A-Z][\p{L}'’-]+(?:\s+and\s+[A-Z][\p{L}'’-]+)?\s+et\s+al\b|\b[A-Z][\p{L}'’-]+['’]s\s+(?:team|group)\b")


def spots_of(anchors) -> list[tuple[int, int, str]]:
    """(start, end, trial) of each naming of a trial in a sentence, in order; the namings of one
    trial next to each other ("NCT01234567 (ref. 12)") count as one."""
    out: list[tuple[int, int, str]] = []
    for s, e, tid in sorted((a[2], a[3], a[0]) for a in anchors):
        if out and out[-1][2] == tid:
            out[-1] = (out[-1][0], e, tid)
        else:
            out.append((s, e, tid))
    return out


def bind_items(text: str, start: int, end: int, spots: list[tuple[int, int, str]], ms: list[Mention]) -> tuple[dict[int, str], list[Mention]]:
    """({index in ms + added: trial}, added) for the values the sentence text[start:end] pairs with
    one of the several trials it names (see the module doc); the other values are not in it.
    `added` are counts a "respectively" list prints that the finders read as one ("24 and 60 patients")."""
    if len({t for _, _, t in spots}) < 2 or len({t for _, _, t in spots}) != len(spots):
        return {}, []  # one trial, or a trial named twice apart: no list of items
    ms = list(ms)
    added: list[Mention] = []
    bound: dict[int, str] = {}
    for k, m in enumerate(ms):
        tid = _in_bracket_with(text, start, end, spots, m)
        if tid:
            bound[k] = tid
    by_field: dict[str, list[int]] = {}
    for k, m in enumerate(ms):
        if k not in bound:
            by_field.setdefault(m.field, []).append(k)
    respectively = _RESPECTIVELY.search(text, start, end)
    if respectively and len(by_field.get("enrollment", ())) < len(spots):
        counts = _counts_listed(text, spots[-1][1], respectively.start(), len(spots))
        if counts:  # "enrolled 24 and 60 patients, respectively"
            added = counts
            ms.extend(counts)
            by_field["enrollment"] = list(range(len(ms) - len(counts), len(ms)))
    for field, ks in by_field.items():
        if respectively and len(ks) == len(spots) and all(ms[k].end <= respectively.start() for k in ks) and \
                all(ms[k].start > spots[-1][1] for k in ks):
            bound.update({k: spots[n][2] for n, k in enumerate(sorted(ks, key=lambda k: ms[k].start))})
            continue
        items = _items(start, spots, ms[ks[0]].start < spots[0][0])
        placed = {k: tid for k in ks for lo, hi, tid in items if lo <= ms[k].start and ms[k].end <= hi}
        if len(set(placed.values())) >= 2:  # the field varies along the list
            bound.update(placed)
    return bound, added


_JOINED = regex.compile(r"\s*(?:,|;|and|&|or)?\s*(?:and\s+)?")
_AFTER_ID = regex.compile(r"\s*\([^()]{0,60}\)")  # "NCT01111111 (recruiting) and NCT02222222 (completed)"


def named_together(text: str, spots: list[tuple[int, int, str]]) -> bool:
    """Do the sentence's trials stand together, as one subject or object ("NCT01111111 and
    NCT02222222 delivered ...", "Of the cord-blood trials, NCT01111111 (recruiting) and NCT02222222
    (completed) target autism")? Then what the sentence says of no single item is said of each."""
    if len({t for _, _, t in spots}) < 2:
        return False
    for (_, e, _), (s, _, _) in zip(spots, spots[1:]):
        at = e
        after = _AFTER_ID.match(text, at)
        if after and after.end() <= s:
            at = after.end()
        joined = _JOINED.match(text, at)
        if joined.end() != s:
            return False
    return True


def said_of_all(text: str, start: int, m: Mention) -> bool:
    """Is status m said of every trial the sentence names ("the trials below are recruiting",
    "trials in recruiting status: ...")?"""
    return bool(_PLURAL_VERB.match(m.raw) or _TRIALS.search(text, max(start, m.start - 80), m.start))


def leading_sentences(texts: list[str], named: list[list[str]]) -> dict[int, str]:
    """{sentence index: trial} for the sentences of a paragraph that open the passage about the
    trial a later sentence names: the sentence before one that refers back to it ("The study was
    registered as ..."), and the run from a sentence naming an author ("Kim et al. used ...") up to
    it. `texts` are the paragraph's sentences, `named[i]` the trials sentence i names; a sentence
    naming a trial is never taken."""
    out: dict[int, str] = {}
    for j, trials in enumerate(named):
        if len(set(trials)) != 1 or j == 0:
            continue
        tid = trials[0]
        if _REFERS_BACK.match(texts[j]) and not named[j - 1]:
            out.setdefault(j - 1, tid)
        for i in range(j - 1, max(-1, j - 1 - LEAD_SENTENCES), -1):
            if named[i]:
                break
            if _AUTHOR.search(texts[i]):
                if _CITED.search(texts[i]) or any(_AUTHOR.search(texts[k]) for k in range(i + 1, j)):
                    break  # a study cited by number, or another author between: not this trial's run
                for k in range(i, j):
                    out.setdefault(k, tid)
                break
    return out


_LISTED_COUNTS = regex.compile(
    r"(?i)(?<![\w.,])(?P<list>\d{1,5}(?:\s*,\s*\d{1,5})*\s*,?\s*(?:and|&)\s*\d{1,5})\s+(?:[\w-]+\s+){0,2}?"
    r"(?:patients|participants|subjects|children|adults|infants|individuals|volunteers|women|men|cases)\b")


def _counts_listed(text: str, lo: int, hi: int, n: int) -> list[Mention]:
    """The counts of "24 and 60 patients" (as many as the trials named), each its own enrollment."""
    m = _LISTED_COUNTS.search(text, lo, hi)
    if not m:
        return []
    nums = list(regex.finditer(r"\d{1,5}", m.group("list")))
    if len(nums) != n:
        return []
    base = m.start("list")
    return [Mention("enrollment", str(int(x.group(0))), base + x.start(), base + x.end(), x.group(0), "enrollment", 0.85)
            for x in nums]


def _items(start: int, spots, values_first: bool) -> list[tuple[int, int, str]]:
    """(lo, hi, trial): each list item's span; an item ends with its id when the values come
    first ("cord cells (NCT1), marrow cells (NCT2)"), else starts with it."""
    out = []
    if values_first:
        lo = start
        for s, e, tid in spots:
            out.append((max(lo, s - ITEM_REACH), e, tid))
            lo = e
    else:
        for n, (s, e, tid) in enumerate(spots):
            hi = spots[n + 1][0] if n + 1 < len(spots) else s + ITEM_REACH
            out.append((s, min(hi, s + ITEM_REACH), tid))
    return out


def _in_bracket_with(text: str, start: int, end: int, spots, m: Mention) -> str:
    """The trial whose id stands with m in one bracket that names no other trial, else ''."""
    depth, lo = 0, None
    for k in range(m.start - 1, max(start, m.start - ITEM_REACH) - 1, -1):
        c = text[k]
        if c in ")]":
            depth += 1
        elif c in "([":
            if depth == 0:
                lo = k
                break
            depth -= 1
    if lo is None:
        return ""
    depth, hi = 0, None
    for k in range(m.end, min(end, lo + ITEM_REACH)):
        c = text[k]
        if c in "([":
            depth += 1
        elif c in ")]":
            if depth == 0:
                hi = k
                break
            depth -= 1
    if hi is None:
        return ""
    inside = {tid for s, e, tid in spots if lo < s and e <= hi}
    return inside.pop() if len(inside) == 1 else ""
