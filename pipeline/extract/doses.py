"""Doses per administration and number of administrations, read from one normalized string.

The input is one sentence or one table row whose LaTeX has already been turned into plain text
(``$2 \\times 10^6$`` -> ``2 × 10^6``, ``$10^{7}$`` -> ``10^7``, ``10⁶`` -> ``10^6``). Everything here
is a pure function of the string; offsets are relative to it and ``text[m.start:m.end] == m.raw``.

Public functions
----------------
``find_doses(text)``
    One ``Mention(field="dose", extractor="doses")`` per dose phrase, ``value`` is
    ``f"{low:g}..{high:g} {unit}"`` and ``data`` is ``(("low", float), ("high", float), ("unit", str))``.
    Units are exactly one of ``cells, cells/kg, ug, ug/kg, mg, mL, particles``.
``combine_doses(mentions, text=None)``
    Merges the doses of one trial (e.g. the cohorts of one sentence) into one range mention.
``find_dose_counts(text)``
    Administrations per patient: ``Mention(field="dose_count", extractor="dose_count")``,
    ``value`` is ``str(n)`` and ``data`` is ``(("count", n),)``.

Dose rules
----------
1. A *quantity* is ``m × 10^e`` (also ``x``, ``*``, ``10^{e}``, ``10(e)``, ``10e6``, ``10E6``,
   ``10**e``), a bare power ``10^e``, ``N million|billion|thousand`` (N in digits or words), a
   plain number, or ``2e6``.  PDF forms whose superscript lost its caret (``2 × 10 6``,
   ``2 × 106``) are read as exponents only when a cell / per-kg / particle unit follows
   (confidence 0.8).  ``a-b × 10^e``, ``a to b million``, ``between A and B``, ``10^7 to 10^8``
   are ranges (the bare first mantissa takes the multiplier of the second).
2. The unit is read right after the quantity:
   ``/kg`` or ``per kg`` -> cells/kg; up to four modifiers (autologous, bone marrow-derived, BM,
   UC, viable, ...) then a cell word (cells, MSCs, hMSCs, UC-MSCs, ADSCs, MSC-coated, ...) ->
   cells, followed by ``/kg`` -> cells/kg; particles / exosomes / EVs -> particles; µg, ug, mcg
   -> ug (``/kg`` -> ug/kg); mg -> mg (mg/kg is not a contract unit: skipped); mL -> mL
   (only when nothing else in the string is a dose and it is not a vehicle: ``in 3 mL``).
   Plain numbers need a mass/volume unit, or a cell word when >= 10,000 (``500,000 cells/kg``).
3. Concentrations and densities are never doses: ``/L``, ``/mL``, ``/µL``, ``/well``, ``/cm2``,
   ``/dish``, ... after the number or after the cell word (``10 × 10^9/L``, ``cells/mL``).
   Money (``$20 million``, ``20 million USD``) is skipped, and so are in-vitro counts
   (``seeded at a density of 5 × 10^5 cells``, ``5 × 10^5 cells were plated``).
4. A scaled quantity with no unit (``mid-dose (2.0 × 10^7)``, ``target dose: 150 million``) is a
   dose only when it is not followed by a noun and it stands in dose context (a dose/cohort word
   just before it, a cell word with ``(`` or ``:``, or a list right after another dose).  It
   inherits the unit of the nearest sibling dose in the string, or ``cells`` when the string
   mentions cells (confidence 0.8).  ``2.3 million people`` is therefore not a dose.
5. Caps (``up to a maximum of 100 million cells``, ``not exceeding``, ``at most``) get
   confidence 0.3; ``combine_doses`` drops everything below 0.5.

``combine_doses`` keeps one unit: the most frequent, ties broken per-kg first, then
cells/kg > cells > particles > ug/kg > ug > mg > mL; the result spans all kept mentions with
low = min, high = max and the lowest confidence.

Dose-count rules
----------------
* ``on days 0, 3, and 6`` / ``on days 0 and 7`` / ``at weeks 0 and 4``: number of listed days
  (at least two; skipped when the list is about assessments or follow-up).
* frequency × duration: ``twice per week for 4 weeks`` (8), ``four times a day, for 14 days``
  (56), ``weekly for 12 weeks`` (12), ``every 2 weeks for 8 weeks`` (4, conf 0.7),
  ``every other day for 3 doses`` (3).
* ``repeated 3 times``, ``administered twice``, ``injected once``.
* ``N [route] infusions|doses|injections|administrations|...`` (only route/adjective words in
  between, so ``8 mice received injections`` is skipped; not after a site adjective such
  as transendocardial/intramyocardial, not more than 10 injections, not ``two doses:`` or ``two
  different doses`` which are dose levels).
* ``a single dose|infusion|injection``, ``one-time infusion`` -> 1.
Overlapping candidates: the more specific pattern, then the longer span, wins.

Numbers may be digits or words (``NUMBER_WORDS``, plus once/twice/thrice).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from typing import Iterable, Optional

from pipeline.extract.prechecks import fold_case as _fold
from pipeline.extract.prechecks import has_any as _has_any  # (a module name: tests switch it off)
from pipeline.models import Mention

__all__ = ["find_doses", "combine_doses", "find_dose_counts", "NUMBER_WORDS", "DOSE_UNITS"]

DOSE_UNITS = ("cells", "cells/kg", "ug", "ug/kg", "mg", "mL", "particles")

# --------------------------------------------------------------------------------------------
# number words (the one table)
# --------------------------------------------------------------------------------------------
NUMBER_WORDS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
TIMES_WORDS: dict[str, int] = {"once": 1, "twice": 2, "thrice": 3}

_NUMW = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_NUMW_RE = rf"(?:{_NUMW})"


def word_key(word: str) -> str:
    """A word matched by a case-insensitive pattern, as the lower-case ASCII key of a table.

    `re` and `regex` with IGNORECASE also match `ſ` (long s) for s, `ı` and `İ` for i and the
    Kelvin sign for k, which `str.lower` keeps: "MİLLION".lower() is not "million" (it raised
    KeyError in `_parse_quant`). Casefold, then fold the two Turkish i's.
    """
    return word.casefold().replace("\u0131", "i").replace("i\u0307", "i")


def _word_or_int(s: str) -> Optional[int]:
    s = word_key(s.strip())
    if s.isdecimal():
        return int(s)
    if s in NUMBER_WORDS:
        return NUMBER_WORDS[s]
    return TIMES_WORDS.get(s)


# --------------------------------------------------------------------------------------------
# doses: quantities
# --------------------------------------------------------------------------------------------
_NUM = r"(?:\d{1,3}(?:,\d{3})+(?![\d,])|\d+,\d{1,2}(?=\s*[×xX✕✖*⋅∙]\s*10)|\d+(?:[.·]\d+)?|\.\d+)"
_TIMES = r"\s*[×xX✕✖*⋅∙]\s*"
_LB = r"(?<![\w.,^/·])(?<![A-Za-z]-)"  # no digit, letter, decimal point, caret or slash just before


def _pow_strong(p: str) -> str:
    return (
        rf"10\s*\^\s*(?:\{{\s*\+?\s*(?P<{p}6>\d{{1,2}})\s*\}}|\(\s*\+?\s*(?P<{p}7>\d{{1,2}})\s*\)"
        rf"|\+?\s*(?P<{p}1>\d{{1,2}})(?!\d))"
        rf"|10\s*\*\*\s*(?P<{p}2>\d{{1,2}})(?!\d)"
        rf"|10[eE]\+?(?P<{p}3>\d{{1,2}})(?!\d|\.\d)"
        rf"|10\s*\(\s*(?P<{p}4>\d{{1,2}})\s*\)"
        rf"|10\s*<sup>\s*(?P<{p}5>\d{{1,2}})\s*</sup>"
    )


_POW_WEAK = r"10(?P<w6>\d{1,2})(?!\d|[.,]\d)|10(?:[ \t]{1,2}|[ \t]*\n[ \t]*)(?P<w7>\d{1,2})(?!\d|[.,]\d|\s*[×xX✕✖*⋅∙]|\s*\^)"

_QUANT = re.compile(
    rf"{_LB}(?P<m1>{_NUM}){_TIMES}(?:{_pow_strong('a')}|{_POW_WEAK})"
    rf"|{_LB}(?P<m2>\d+(?:\.\d+)?)[eE]\+?0?(?P<e8>\d{{1,2}})(?!\w|\.\d)"
    rf"|(?:{_LB}(?P<m3>{_NUM})|\b(?P<m3w>(?i:{_NUMW})))[ \t]*-?[ \t]*"
    rf"(?P<sc>(?i:millions?|billions?|thousand)|Mio\b\.?)"
    rf"|(?<![\w.,^/·])(?:{_pow_strong('b')})"
    rf"|{_LB}(?P<m4>{_NUM})(?!\s*\^|{_TIMES}10|[\d,])"
)
_A_EXP = ("a1", "a2", "a3", "a4", "a5", "a6", "a7")
_B_EXP = ("b1", "b2", "b3", "b4", "b5", "b6", "b7")
_SCALE = {"million": 6, "millions": 6, "billion": 9, "billions": 9, "thousand": 3, "mio": 6, "mio.": 6}

_CONN = re.compile(r"\s*(?:[-–—−~]|to|and|or)\s*", re.I)
_BETWEEN = re.compile(r"(?:between|from)\s+$", re.I)

_PRECHECK_DOSE = re.compile(r"\d|illion", re.I)  # find_doses runs `_may_have_dose`, the same test
_DIGIT = re.compile(r"\d")

# Fast path of `_QUANT.finditer` (see `_quant_matches`).  Without a scale word in the string the
# `m3` branch (which ends in `sc`) cannot match, and every other branch starts with `\d` or with
# `.` (`\.\d+`) right after `(?<![\w.,^/·])`: these are the only places a match can begin.
# The character class comes first so that `re` skips to candidates in C.
_QUANT_START = re.compile(r"[\d.](?<![\w.,^/·][\d.])")


class _Q:
    __slots__ = ("start", "end", "low", "high", "mant", "exp", "kind", "weak")

    def __init__(self, start, end, low, high, mant, exp, kind, weak):
        self.start, self.end, self.low, self.high = start, end, low, high
        self.mant, self.exp, self.kind, self.weak = mant, exp, kind, weak


def _mant(s: str) -> Optional[str]:
    """Mantissa text -> a float literal ("1,138" -> "1138", "2,5" -> "2.5", "two" -> "2")."""
    if s.isalpha():  # (a digit string cannot be a number word: skip the lookup)
        w = NUMBER_WORDS.get(word_key(s))
        if w is not None:
            return str(w)
    s = s.replace("·", ".")
    if "," in s:
        head, _, tail = s.rpartition(",")
        s = s.replace(",", "") if len(tail) == 3 else head.replace(",", "") + "." + tail
    return s


def _parse_quant(m: re.Match) -> Optional[_Q]:
    g = m.group
    try:
        if m.lastgroup == "m4":
            # the plain-number branch, the most common one; it has no other group, so the tests
            # below would all find None until `m4` (re clears the groups of failed branches)
            mant = _mant(g("m4"))
            v = float(mant)
            return _Q(m.start(), m.end(), v, v, mant, 0, "plain", False)
        if g("m1") is not None:
            mant = _mant(g("m1"))
            e = next((g(n) for n in _A_EXP if g(n) is not None), None)
            weak = False
            if e is None:
                e = g("w6") if g("w6") is not None else g("w7")
                weak = True
                if not 3 <= int(e) <= 13:
                    return None
            v = float(f"{mant}e{int(e)}")
            return _Q(m.start(), m.end(), v, v, mant, int(e), "sci", weak)
        if g("m2") is not None:
            mant, e = g("m2"), int(g("e8"))
            if mant == "10":  # biomedical "10e6" means 10^6
                mant = "1"
            v = float(f"{mant}e{e}")
            return _Q(m.start(), m.end(), v, v, mant, e, "sci", True)
        if g("sc") is not None:
            mant = _mant(g("m3") if g("m3") is not None else g("m3w"))
            e = _SCALE.get(word_key(g("sc")))
            if e is None:
                return None
            v = float(f"{mant}e{e}")
            return _Q(m.start(), m.end(), v, v, mant, e, "word", False)
        e = next((g(n) for n in _B_EXP if g(n) is not None), None)
        if e is not None:
            v = float(f"1e{int(e)}")
            return _Q(m.start(), m.end(), v, v, "1", int(e), "pow", False)
        if g("m4") is not None:
            mant = _mant(g("m4"))
            v = float(mant)
            return _Q(m.start(), m.end(), v, v, mant, 0, "plain", False)
    except ValueError:
        return None
    return None


def _may_have_dose(text: str, folded: str) -> bool:
    """``bool(_PRECHECK_DOSE.search(text))`` (`folded` is ``_fold(text)``), in two cheap scans."""
    return "illion" in folded or _DIGIT.search(text) is not None


def _quant_matches(text: str, folded: str) -> list[re.Match]:
    """``list(_QUANT.finditer(text))``; `folded` is ``_fold(text)``."""
    if "illion" in folded or "thousand" in folded or "Mio" in text:
        return list(_QUANT.finditer(text))  # rare: number words may start a match
    # finditer tries each position from the end of the last match on; a match can only begin at a
    # `_QUANT_START` position, so trying those alone gives the same matches.  `match(text, p)`
    # sees the text before p for the lookbehinds.
    out = []
    end = 0
    match = _QUANT.match
    for c in _QUANT_START.finditer(text):
        p = c.start()
        if p >= end:
            m = match(text, p)
            if m is not None:
                out.append(m)
                end = m.end()  # never empty: every branch consumes a digit
    return out


def _quantities(text: str, folded: Optional[str] = None) -> list[_Q]:
    if folded is None:
        folded = _fold(text)
    qs = [q for q in map(_parse_quant, _quant_matches(text, folded)) if q is not None]
    out: list[_Q] = []
    i = 0
    while i < len(qs):
        q = qs[i]
        if i + 1 < len(qs):
            r = qs[i + 1]
            if _CONN.fullmatch(text, q.end, r.start):
                low = None
                if q.kind == "plain" and r.kind in ("sci", "word") and q.low < 1000:
                    try:
                        low = float(f"{q.mant}e{r.exp}")
                    except ValueError:
                        low = None
                elif q.kind != "plain" and r.kind != "plain":
                    low = q.low
                elif q.kind == "plain" and r.kind == "plain":
                    low = q.low
                if low is not None:
                    start = q.start
                    b = _BETWEEN.search(text, max(0, start - 10), start)
                    if b:
                        start = b.start()
                    lo, hi = min(low, r.low), max(low, r.high)
                    out.append(_Q(start, r.end, lo, hi, r.mant, r.exp, r.kind, q.weak or r.weak))
                    i += 2
                    continue
        out.append(q)
        i += 1
    return out


# --------------------------------------------------------------------------------------------
# doses: units
# --------------------------------------------------------------------------------------------
_MOD = (
    r"(?:(?i:autologous|allogene?ic|allogenic|xenogene?ic|viable|human|living|total|fresh|frozen"
    r"|cryopreserved|thawed|cultured|expanded|culture-expanded|ex\s+vivo|bone|marrow|cord|cord-blood"
    r"|umbilical|adipose|tissue|placental?|amniotic|menstrual|blood|mesenchymal|stromal|stem"
    r"|progenitor|mononuclear|precursor|wharton'?s|jelly|dental|pulp|derived|gingival|synovial"
    r"|intravenous|intrathecal|intra-articular|of)"
    r"|[\w'-]+-(?i:derived|expanded|treated|modified|primed|engineered|based|isolated|cultured|seeded)"
    r"|h?[A-Z]{1,6}\d?|CD\d{1,3}\+?)"
)
_CELLHEAD = (
    r"(?:(?i:cells?)(?![A-Za-z])"
    r"|[A-Za-z0-9+]*(?:-[A-Za-z0-9+]+)*-?(?:MSC|SC|MNC|MPC|EPC|MAPC|BMC)s?(?![A-Za-z])(?:-[A-Za-z]+)*)"
)
_DENS = (
    r"(?:m[lL]|L|l|[µμu][lL]|d[lL]|mm\^?[23²³]|cm\^?[23²³]|mm|cm|well|wells|dish|flask|plate|g|gram"
    r"|milliliters?|millilitres?|liters?|litres?|microliters?|HPF|hpf|field)(?![A-Za-z0-9])"
)
_PER = r"(?:\s*/\s*|\s+per\s+)"
_PERKG = rf"{_PER}(?:kg|kilogram)(?![A-Za-z])(?:\s+(?:of\s+)?(?:body\s*weight|BW|b\.w\.))?"
_EXTRA = (
    rf"(?:{_PER}(?:person|patient|subject|participant|infusion|injection|dose|administration|eye"
    r"|knee|joint|session|day|drop|lesion|side|time))*"
)

_RE_DENS_DIRECT = re.compile(rf"{_PER}{_DENS}")
_RE_PERKG = re.compile(_PERKG)
_RE_CELL = re.compile(rf"[ \t]*(?:(?:{_MOD}),?[ \t]+){{0,4}}?{_CELLHEAD}")
_RE_CELL_NEAR = re.compile(rf"[ \t]*(?:(?:{_MOD})[ \t]+){{0,2}}?{_CELLHEAD}")
_RE_PARTICLE = re.compile(
    rf"[ \t]*(?:(?:{_MOD})[ \t]+){{0,3}}?(?i:particles|exosomes?|s?EVs?|extracellular\s+vesicles|vesicles)(?![A-Za-z])"
)
_RE_MASS = re.compile(r"[ \t]*(?:(?P<ug>[µμu]g|mcg|micrograms?)|(?P<mg>mg|milligrams?))(?![A-Za-z])")
_RE_ML = re.compile(r"[ \t]*(?:mL|ml|milliliters?|millilitres?)(?![A-Za-z])")
_RE_EXTRA = re.compile(_EXTRA)
_RE_ANY_PER = re.compile(r"\s*/\s*\w")
_RE_LINE_BREAK = re.compile(r"[ \t]*\n[ \t]*")

_RE_CELL_ANY = re.compile(r"(?i:\bcells?\b)|(?:MSC|[A-Z]SC|MNC|MPC|EPC)s?(?![A-Za-z])")
_RE_MONEY_BEFORE = re.compile(r"(?:[$€£¥]|US\$?|USD|EUR|GBP|dollars?)\s*$")
_RE_MONEY_AFTER = re.compile(r"\s*(?:US\s*)?(?:dollars|USD|euros?|EUR|GBP|pounds)\b")
_RE_CAP = re.compile(
    r"(?:maxim(?:um|al)|max\.?|exceed(?:ing)?|no\s+more\s+than|at\s+most|capped\s+at|cap\s+of|limit\s+of)"
    r"(?:\s+(?:dose|total))?(?:\s*(?:of|is|was|at|to|:|=))?\s*(?:a\s+)?$",
    re.I,
)
_RE_DOSE_CTX = re.compile(
    r"(?:\b(?:dos(?:e|es|age|ing)|target|cohort|group|arm|level)(?:\s+(?:level|group|cohort|arm|[A-Z1-9]))?"
    r"\s*(?:[:=(]|of|was|were|is|at|,)?"
    rf"|{_CELLHEAD}\s*[(:]|\b(?:received?|infused|injected|administered|given))"
    r"\s*(?:approximately|about|around|~|≈)?\s*\(?\s*$",
    re.I,
)
_RE_LIST_CTX = re.compile(r"[\s,;)]*(?:(?:or|and)\s+)?(?:[\w-]+\s+){0,2}?\(?\s*$", re.I)
_RE_LAB_CTX = re.compile(r"(?i:platelet|neutrophil|leukocyte|lymphocyte|count|WBC|ANC|titer|/L\b)")
_RE_UNITLESS_END = re.compile(
    r"\s*(?:$|[),;.\]|]|(?:or|and|respectively|each|per|via|by|through|into|in|on|at|for|was|were|with|\w+ly)\b)",
    re.I,
)
_RE_VEHICLE_BEFORE = re.compile(
    r"(?:\b(?:in|within|into|with|diluted|suspended|resuspended)\s+(?:a\s+)?(?:total\s+)?(?:volume\s+of\s+)?)$",
    re.I,
)
_RE_VEHICLE_AFTER = re.compile(
    r"\s+(?:of\s+)?(?:(?:normal|physiological|sterile|preservative-free|isotonic|0\.9\s*%)\s+)*(?:saline|NaCl|PBS|vehicle|plasma-lyte|albumin|buffer)",
    re.I,
)

_RE_INVITRO_BEFORE = re.compile(
    r"(?:seeded|plated|cultured|cultivated|density|densities|passaged)\s+(?:\w+\s+){0,2}?(?:at|of|with)\s+(?:a\s+)?$", re.I
)
_RE_INVITRO_AFTER = re.compile(
    r"\s+(?:were|was|are|is)\s+(?:then\s+)?(?:seeded|plated|cultured|co-?cultured|incubated|counted|harvested"
    r"|isolated|obtained|expanded|yielded|generated|recovered|stained|sorted|labell?ed|treated\s+in\s+vitro)\b",
    re.I,
)

_SKIP = "skip"

# `_unit_after` gives a plain number below 10^4 a unit only through `_RE_MASS` or `_RE_ML` (after a
# cell word it needs >= 10^4, after a particle word >= 10^6), and both of these patterns start with
# spaces/tabs and then µ, μ, u or m.
_RE_SMALL_UNIT_START = re.compile(r"[ \t]*[µμum]")


def _unit_after(text: str, q: _Q):
    """(unit, end, confidence) for the unit after `q`; _SKIP for a density/concentration; None."""
    pos = q.end
    if _RE_DENS_DIRECT.match(text, pos):
        return _SKIP
    plain = q.kind == "plain"
    if not plain:  # a table flattened to one cell a line: the unit on the line under the number ("0.5 × 10" / "6" / "UC-MSCs")
        nl = _RE_LINE_BREAK.match(text, pos)
        pos = nl.end() if nl else pos
    m = _RE_PERKG.match(text, pos)
    if m:
        if plain:
            return None
        end = m.end()
        c = _RE_CELL.match(text, end)
        if c:
            end = c.end()
        end = _RE_EXTRA.match(text, end).end()
        return ("cells/kg", end, 0.8 if q.weak else 1.0)
    m = (_RE_CELL_NEAR if plain else _RE_CELL).match(text, pos)
    if m:
        end = m.end()
        if _RE_DENS_DIRECT.match(text, end):
            return _SKIP
        if plain and q.low < 1e4:
            return None
        k = _RE_PERKG.match(text, end)
        unit = "cells"
        if k:
            unit, end = "cells/kg", k.end()
        end = _RE_EXTRA.match(text, end).end()
        conf = 0.8 if q.weak else (0.9 if plain else 1.0)
        return (unit, end, conf)
    m = _RE_PARTICLE.match(text, pos)
    if m:
        end = m.end()
        if _RE_ANY_PER.match(text, end) and not _RE_EXTRA.match(text, end).end() > end:
            return _SKIP
        if plain and q.low < 1e6:
            return None
        end = _RE_EXTRA.match(text, end).end()
        return ("particles", end, 0.8 if q.weak else 1.0)
    if q.weak:
        return None
    m = _RE_MASS.match(text, pos)
    if m:
        end = m.end()
        k = _RE_PERKG.match(text, end)
        if k:
            if m.group("mg"):
                return _SKIP  # mg/kg is not a unit of the contract
            end = _RE_EXTRA.match(text, k.end()).end()
            return ("ug/kg", end, 0.9)
        if _RE_DENS_DIRECT.match(text, end):
            return _SKIP
        end = _RE_EXTRA.match(text, end).end()
        return ("mg", end, 0.8) if m.group("mg") else ("ug", end, 0.9)
    m = _RE_ML.match(text, pos)
    if m:
        end = m.end()
        if _RE_ANY_PER.match(text, end):
            return _SKIP  # mL/kg, mL/min, mL/h
        if _RE_VEHICLE_BEFORE.search(text, max(0, q.start - 30), q.start) or _RE_VEHICLE_AFTER.match(text, end):
            return _SKIP
        return ("mL", end, 0.5)
    return None


def _mention(text: str, start: int, end: int, low: float, high: float, unit: str, conf: float) -> Mention:
    return Mention(
        field="dose",
        value=f"{low:g}..{high:g} {unit}",
        start=start,
        end=end,
        raw=text[start:end],
        extractor="doses",
        confidence=conf,
        data=(("low", low), ("high", high), ("unit", unit)),
    )


def find_doses(text: str) -> list[Mention]:
    """Every dose per administration printed in `text` (one Mention per number or range)."""
    if not text:
        return []
    if ("10" in text or "illion" in text) and _LIST_HINT.search(text) and any(c in text for c in _LIST_MARKS):
        listed = _listed_doses(text)
        if listed:
            plain = [m for m in _find_doses(text) if not any(m.start < d.end and d.start < m.end for d in listed)]
            return sorted(plain + listed, key=lambda m: (m.start, m.end))
    return _find_doses(text)


def _find_doses(text: str) -> list[Mention]:
    if not text:
        return []
    folded = _fold(text)
    if not _may_have_dose(text, folded):
        return []
    found: list[tuple[int, int, float, float, str, float]] = []  # start, end, low, high, unit, conf
    pending: list[_Q] = []
    for q in _quantities(text, folded):
        # All tests below are pure, so their order is free: the unit first, because a plain
        # number without unit (most numbers) is dropped whatever the money tests say.
        if q.kind == "plain" and q.low < 1e4 and not _RE_SMALL_UNIT_START.match(text, q.end):
            continue  # no unit possible (see _RE_SMALL_UNIT_START)
        res = _unit_after(text, q)
        if res is _SKIP or (res is None and q.kind == "plain"):
            continue
        before = text[max(0, q.start - 45):q.start]
        if _RE_MONEY_BEFORE.search(before) or _RE_MONEY_AFTER.match(text, q.end):
            continue
        if res is not None and res[0] in ("cells", "cells/kg", "particles") and (
            _RE_INVITRO_BEFORE.search(before) or _RE_INVITRO_AFTER.match(text, res[1])
        ):
            continue
        if res is None:
            if q.kind != "plain" and not q.weak and _RE_UNITLESS_END.match(text, q.end):
                pending.append(q)
            continue
        unit, end, conf = res
        if _RE_CAP.search(before):
            conf = 0.3
        found.append((q.start, end, q.low, q.high, unit, conf))

    if pending:
        has_cells = _RE_CELL_ANY.search(text) is not None
        known = sorted((f for f in found if f[4] != "mL"), key=lambda f: f[1])
        known_ends = [f[1] for f in known]
        for q in pending:
            before = text[max(0, q.start - 45):q.start]
            if _RE_LAB_CTX.search(text, max(0, q.start - 30), q.start):
                continue
            k = bisect_right(known_ends, q.start)  # known[:k] end before q
            prev = known[k - 1] if k else None
            sib = prev if prev is not None else (known[0] if known else None)
            listed = prev is not None and _RE_LIST_CTX.match(text, prev[1], q.start) is not None
            dose_ctx = _RE_DOSE_CTX.search(before) is not None
            if not (dose_ctx or listed):
                continue
            if sib is not None:
                unit = sib[4]
            elif has_cells:
                unit = "cells"
            else:
                continue
            conf = 0.3 if _RE_CAP.search(before) else 0.8
            found.append((q.start, q.end, q.low, q.high, unit, conf))
        found.sort()

    if any(f[4] != "mL" for f in found):
        found = [f for f in found if f[4] != "mL"]
    return [_mention(text, s, e, lo, hi, u, c) for s, e, lo, hi, u, c in found]


# Cohorts printed as a list before one multiplier: "1,5,10 × 10^6/kg", "300/900 million",
# "1 & 5 × 10^6", "25/50/75 × 10^6", "(2.0–2.5) × 10^7"; a mean with its spread: "2.6 ± 1.2 × 10^6".
_LIST = re.compile(
    r"(?<![\w.,/^⁰¹²³⁴⁵⁶⁷⁸⁹])(?P<open>\()?(?P<nums>\d+(?:\.\d+)?(?:\s*(?:,|/|&|\band\b|\bor\b|∼|~|±|(?(open)[–-]|(?!)))\s*\d+(?:\.\d+)?)+)"
    r"(?(open)\s*\))\s*(?=[×x*]\s*10|million|billion)"
)
_LIST_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_LIST_HINT = re.compile(r"[×x*]\s*10|illion")  # what `_LIST` needs after its numbers (so "10" or "illion" is in the text)
_LIST_MARKS = (",", "/", "&", "∼", "~", "±", " and ", " or ", "(")


_NOT_COHORTS_BEFORE = re.compile(
    r"\b(?:days?|weeks?|months?|years?|aged?|patients?|groups?|cohorts?|arms?|tables?|figs?|figures?|refs?|at|on)\s*$|[×x*]\s*10\s*\^?\s*$", re.I
)


def _decimal_comma(nums: str) -> bool:
    """Two numbers joined by a bare comma ("2,5"): a decimal comma. "1,5,10" and "1, 5" are lists."""
    return nums.count(",") == 1 and ", " not in nums and not any(c in nums for c in "/&∼~±–-") and " and " not in nums and " or " not in nums


def _listed_doses(text: str) -> list[Mention]:
    """Doses whose multiplier follows a list of cohort numbers, as the list's range (after '±',
    the mean). The multiplier and unit are read from `1` and what follows the list."""
    out = []
    for m in _LIST.finditer(text):
        if _NOT_COHORTS_BEFORE.search(text, max(0, m.start() - 12), m.start()):
            continue  # "on days 1, 2 × 10^6 cells": a list of something else
        nums = m.group("nums")
        if _decimal_comma(nums):
            continue  # "2,5 × 10^6": a decimal comma, not two cohorts
        rest = _find_doses("1 " + text[m.end():])
        if not rest or rest[0].start != 0 or float(rest[0].get("low")) != float(rest[0].get("high")):
            continue
        d = rest[0]
        factor = float(d.get("low"))
        nums = m.group("nums")
        values = [float(x) for x in _LIST_NUMBER.findall(nums)]
        if "±" in nums:
            values = values[:1]
        out.append(_mention(text, m.start(), m.end() + d.end - 2, min(values) * factor, max(values) * factor, d.get("unit"), d.confidence))
    return out


_UNIT_RANK = {u: i for i, u in enumerate(("cells/kg", "cells", "particles", "ug/kg", "ug", "mg", "mL"))}


def combine_doses(mentions: Iterable[Mention], text: Optional[str] = None) -> Optional[Mention]:
    """Merge the doses of one trial into one range [min, max] of a single unit.

    Mentions below confidence 0.5 (caps) and other fields are dropped; the unit is the most
    frequent one, ties going to per-kg units, then cells/kg > cells > particles > ug/kg > ug >
    mg > mL.  The result spans the kept mentions; pass `text` (the string their offsets refer to)
    to get ``raw == text[start:end]``; without it a multi-mention raw is the raws joined by " … ".
    """
    ds = [m for m in mentions if m.field == "dose" and m.confidence >= 0.5 and m.get("unit") in _UNIT_RANK]
    if not ds:
        return None
    counts = Counter(m.get("unit") for m in ds)
    unit = min(counts, key=lambda u: (-counts[u], not u.endswith("/kg"), _UNIT_RANK[u]))
    kept = sorted((m for m in ds if m.get("unit") == unit), key=lambda m: (m.start, m.end))
    low = min(float(m.get("low")) for m in kept)
    high = max(float(m.get("high")) for m in kept)
    start, end = kept[0].start, max(m.end for m in kept)
    conf = min(m.confidence for m in kept)
    if text is not None and 0 <= start <= end <= len(text):
        raw = text[start:end]
    elif len(kept) == 1:
        raw = kept[0].raw
    else:
        raw = " … ".join(m.raw for m in kept)
    return Mention(
        field="dose",
        value=f"{low:g}..{high:g} {unit}",
        start=start,
        end=end,
        raw=raw,
        extractor="doses",
        confidence=conf,
        data=(("low", low), ("high", high), ("unit", unit)),
    )


# --------------------------------------------------------------------------------------------
# dose counts
# --------------------------------------------------------------------------------------------
_N = rf"(?:(?<![\w.,])\d{{1,3}}(?![\d.,]\d)|\b{_NUMW_RE}\b)"
_PRECHECK_COUNT = re.compile(
    r"day|week|month|time|once|twice|thrice|every|infusion|injection|dose|administ|transplant"
    r"|transfus|applicat|instillation|implant|cycle|round|single",
    re.I,
)
_PRECHECK_COUNT_WORDS = tuple(_PRECHECK_COUNT.pattern.split("|"))


def _count_precheck(folded: str) -> bool:
    """``bool(_PRECHECK_COUNT.search(text))`` for ``folded = _fold(text)`` (see `_fold`).  It must be
    exact, not only necessary: it is a rule ("3 x a year for 2 years" has no word of it and gives no
    count), so it is kept apart from `_has_any`, which tests switch off."""
    for w in _PRECHECK_COUNT_WORDS:
        if w in folded:
            return True
    return False


_RE_DAYLIST = re.compile(
    r"\b(?:on|at)\s+(?:study\s+)?(?P<u>days?|weeks?)\s+[+-]?\d{1,3}(?!\d|\.\d)"
    # (a number that starts a dose is not a day: "at weeks 0, 4 and 8, 1 × 106 cells/kg")
    r"(?P<rest>(?:\s*(?:,\s*(?:and\s+|&\s*)?|(?:,\s*)?(?:and|&)\s+)(?:(?:day|week)\s+)?[+-]?\d{1,3}(?!\d|\.\d|\s*[×xX*]\s*10))+)",
    re.I,
)
_DAYLIST_WORDS = ("day", "week")  # every `_RE_DAYLIST` match has one (in group u)
_RE_DIGITS = re.compile(r"\d{1,3}")
_RE_ASSESS_BEFORE = re.compile(
    r"(?:assess|evaluat|measur|follow|visit|collect|sampl|examin|monitor|outcome|endpoint|record"
    r"|score|analy[sz]|obtain|scan|imag|test|observ)\w*",
    re.I,
)
_RE_ASSESS_AFTER = re.compile(r"\s*(?:after|post|following|of\s+follow)", re.I)

_GAPW = (
    r"(?:intravenous(?:ly)?|i\.?v\.?|IV|intrathecal(?:ly)?|subcutaneous(?:ly)?|intranasal(?:ly)?|topical(?:ly)?"
    r"|orally|intra-?articular(?:ly)?|infusions?|injections?|administrations?|doses?|dosing|treatment"
    r"|applied|given|administered|injected|infused|instilled|each|and|of|MSCs?|cells|exosomes?|drops?)"
)
_DURATION = (
    r"(?:for|over|during)\s+(?:a\s+(?:total|period)\s+of\s+|up\s+to\s+|another\s+)?"
    rf"(?P<dn>{_N})\s+(?:consecutive\s+|successive\s+|additional\s+|more\s+|further\s+)?"
    r"(?P<du>days?|weeks?|months?|years?|doses|infusions|injections|administrations|cycles|treatments)\b"
)
_RE_FREQ_DUR = re.compile(
    r"(?:"
    rf"(?P<f1n>{_N}|\bonce\b|\btwice\b|\bthrice\b)(?P<tx>\s*(?:times?|x|×))?\s*(?:a|an|per|each|every|/)\s*(?P<f1p>day|week|month|year|wk|d)\b"
    rf"|(?P<f2n>\bonce\b|\btwice\b|\bthrice\b|{_N}\s*(?:times|x|×))\s*(?P<f2p>daily|weekly|monthly|yearly)\b"
    r"|\b(?P<f3p>daily|weekly|monthly|biweekly|fortnightly|bimonthly|yearly|annually)\b"
    rf"|\bevery\s+(?:(?P<f4n>other|second|third|{_N})\s+)?(?P<f4p>day|week|month|year)s?\b"
    r")"
    rf"(?:\s*,?\s*{_GAPW}){{0,3}}\s*,?\s*"
    + _DURATION,
    re.I,
)
# Prechecks for `_RE_FREQ_DUR`: every match has one word of each tuple (the group du and
# `for|over|during`), and it ends with a match of `_RE_DURATION` (a rarer phrase that is much
# faster to search for than the frequencies at the start).
_FREQ_DUR_WORDS = ("day", "week", "month", "year", "doses", "infusions", "injections", "administrations",
                   "cycles", "treatments")
_FREQ_DUR_FOR = ("for", "over", "during")
_RE_DURATION = re.compile(_DURATION, re.I)
_RE_TIMES = re.compile(
    r"\b(?P<v>repeated|administered|given|injected|infused|applied|delivered|transplanted|performed|received"
    r"|implanted|treated|dosed|instilled)\b(?:\s+(?!(?:for|than|more|less|about|after|before|at|on|in)\b)[A-Za-z-]+){0,3}?"
    rf"\s+(?:(?P<n>{_N})\s+(?:times|x)\b|(?P<t>once|twice|thrice)\b)",
    re.I,
)
_TIMES_WORDS = ("repeated", "administered", "given", "injected", "infused", "applied", "delivered",
                "transplanted", "performed", "received", "implanted", "treated", "dosed", "instilled")  # group v
_RE_FREQ_AFTER = re.compile(
    r"\s*(?:a|an|per|each|every|/|daily|weekly|monthly|yearly|higher|lower|more|less|greater|as|the)\b", re.I
)
_RE_FREQ_AFTER_REPEATED = re.compile(r"\s*(?:a|an|per|/|daily|weekly|monthly)\s*(?:day|week|month)?\b", re.I)
_RE_NOUNS = re.compile(
    rf"(?P<n>{_N})\s+(?P<mods>(?:[A-Za-z][\w.'-]*\s+){{0,2}}?)"
    r"(?P<noun>infusions?|injections?|doses?|administrations?|transplantations?|transfusions?|applications?"
    r"|instillations?|implantations?|cycles?|rounds?)\b",
    re.I,
)
_NOUNS_WORDS = ("infusion", "injection", "dose", "administration", "transplantation", "transfusion",
                "application", "instillation", "implantation", "cycle", "round")  # group noun
_RE_SINGLE = re.compile(
    r"\b(?:(?:a|one)\s+)?(?:single|one[- ]time|one[- ]off)[\s-]+(?:[a-z][\w-]*\s+){0,2}?"
    r"(?:dose|infusion|injection|administration|application|transplantation|transfusion|instillation"
    r"|implantation|course|bolus)s?\b",
    re.I,
)
_SINGLE_WORDS = ("single", "one-time", "one time", "one-off", "one off")  # single|one[- ]time|one[- ]off
_STOP = frozenset(
    "of the these those and or to per in with more less fewer than other a an patients participants"
    " subjects people each every additional further weeks days months years".split()
) | frozenset(NUMBER_WORDS)
_SITE = frozenset(
    "transendocardial transendocardially intramyocardial endomyocardial epicardial intramuscular"
    " intradermal intralesional perilesional submucosal periurethral intracavernous".split()
)
_LEVEL = frozenset("different distinct escalating increasing dose dose-level levels cellular".split())
# words allowed between a number and "infusions": routes, adjectives, cell words ("3 separate i.v. infusions")
_RE_MOD_OK = re.compile(
    r"(?:intra|trans|sub|peri|endo|epi|extra)[\w-]+|i\.?v\.?|iv|it|ia|im|sc|separate|consecutive|successive"
    r"|repeated|sequential|additional|further|monthly|weekly|daily|cell|cellular|msc|mscs|stem|booster|bolus"
    r"|local|systemic|planned|total|[\w-]+(?:ous|al|ic|ive|ar|ed)|[\w-]+-(?:guided|based|derived|msc|mscs)"
)
# "two doses of X (300 and 150 ng/kg/min)": the dose levels listed, not how often each patient is dosed
_RE_LEVELS_AFTER = re.compile(
    r"\s*(?:of\s+[\w-]+(?:\s+[\w-]+)?\s*)?\(\s*\d[\d.,]*\s*(?:[^\W\d][\w/.]*\s*)?(?:,|and|or|&)\s*\d", re.I
)
_RE_NOUN_BEFORE = re.compile(
    r"(?:day|week|month|phase|group|grade|stage|visit|cohort|arm|type|level|dose)\s*$", re.I
)

_PERIOD_UNIT = {"d": "day", "day": "day", "daily": "day", "wk": "week", "week": "week", "weekly": "week",
                "month": "month", "monthly": "month", "year": "year", "yearly": "year", "annually": "year"}
# (from, to): how many `from` units in one `to` unit, and whether the conversion is exact
_CONV = {
    ("day", "day"): (1, True), ("week", "week"): (1, True), ("month", "month"): (1, True),
    ("year", "year"): (1, True), ("day", "week"): (7, True), ("month", "year"): (12, True),
    ("week", "month"): (4, False), ("day", "month"): (30, False), ("week", "year"): (52, False),
    ("day", "year"): (365, False),
}


def _count_mention(text: str, start: int, end: int, n: int, conf: float) -> Mention:
    return Mention(
        field="dose_count",
        value=str(n),
        start=start,
        end=end,
        raw=text[start:end],
        extractor="dose_count",
        confidence=conf,
        data=(("count", n),),
    )


def _freq_count(m: re.Match) -> Optional[tuple[int, float]]:
    g = m.group
    dn = _word_or_int(g("dn"))
    if not dn:
        return None
    per = 1  # administrations per `every` periods
    every = 1
    if g("f1n") is not None:
        n = _word_or_int(g("f1n"))
        if n is None or (word_key(g("f1n")) not in TIMES_WORDS and not g("tx")):
            return None
        per, period = n, _PERIOD_UNIT.get(word_key(g("f1p")))
    elif g("f2n") is not None:
        n = _word_or_int(re.sub(r"\s*(?:times|x|×)$", "", g("f2n"), flags=re.I))
        if n is None:
            return None
        per, period = n, _PERIOD_UNIT.get(word_key(g("f2p")))
    elif g("f3p") is not None:
        w = word_key(g("f3p"))
        if w in ("biweekly", "fortnightly"):
            period, every = "week", 2
        elif w == "bimonthly":
            period, every = "month", 2
        else:
            period = _PERIOD_UNIT.get(w)
    else:
        period = word_key(g("f4p"))
        k = word_key(g("f4n") or "")
        every = {"": 1, "other": 2, "second": 2, "third": 3}.get(k) or (_word_or_int(k) or 0)
        if every <= 0:
            return None
    if period is None:
        return None
    du = word_key(g("du")).rstrip("s")
    if du not in ("day", "week", "month", "year"):
        return dn, 1.0  # "for 3 doses"
    conv = _CONV.get((period, du))
    if conv is None:
        return None
    factor, exact = conv
    total = per * dn * factor / every
    n = int(round(total))
    if n < 1 or n > 500:
        return None
    conf = 1.0 if exact and abs(total - n) < 1e-9 and every == 1 else 0.7
    return n, conf


def find_dose_counts(text: str) -> list[Mention]:
    """Administrations per patient stated in `text` (e.g. "twice weekly for 4 weeks" -> 8)."""
    if not text:
        return []
    folded = _fold(text)
    if not _count_precheck(folded):
        return []
    cands: list[tuple[int, int, int, int, float]] = []  # priority, start, end, count, conf

    # Each pattern runs only when `folded` has the words that every one of its matches contains
    # (a pattern without a match gives no candidate).
    if _has_any(folded, _FREQ_DUR_WORDS) and _has_any(folded, _FREQ_DUR_FOR) and _RE_DURATION.search(text):
        for m in _RE_FREQ_DUR.finditer(text):
            r = _freq_count(m)
            if r:
                cands.append((4, m.start(), m.end(), r[0], r[1]))

    for m in (_RE_DAYLIST.finditer(text) if _has_any(folded, _DAYLIST_WORDS) else ()):
        if _RE_ASSESS_BEFORE.search(text, max(0, m.start() - 60), m.start()):
            continue
        if _RE_ASSESS_AFTER.match(text, m.end()):
            continue
        n = 1 + len(_RE_DIGITS.findall(m.group("rest")))
        cands.append((3, m.start(), m.end(), n, 1.0))

    for m in (_RE_TIMES.finditer(text) if _has_any(folded, _TIMES_WORDS) else ()):
        if m.group("v").lower() == "repeated":
            if _RE_FREQ_AFTER_REPEATED.match(text, m.end()):
                continue
        elif _RE_FREQ_AFTER.match(text, m.end()):
            continue
        n = _word_or_int(m.group("n") or m.group("t"))
        if n and n <= 50:
            cands.append((2, m.start(), m.end(), n, 0.9))

    for m in (_RE_SINGLE.finditer(text) if _has_any(folded, _SINGLE_WORDS) else ()):
        cands.append((2, m.start(), m.end(), 1, 1.0))

    for m in (_RE_NOUNS.finditer(text) if _has_any(folded, _NOUNS_WORDS) else ()):
        n = _word_or_int(m.group("n"))
        if not n or n > 50:
            continue
        noun = m.group("noun").lower()
        if n > 1 and not noun.endswith("s"):
            continue
        mods = m.group("mods").lower().split()
        if any(w in _STOP or w in _SITE or not _RE_MOD_OK.fullmatch(w) for w in mods):
            continue
        if noun.startswith("dose") and (any(w in _LEVEL for w in mods) or text.startswith(":", m.end())
                                        or (n > 1 and _RE_LEVELS_AFTER.match(text, m.end()))):
            continue
        if noun.startswith("injection") and n > 10:
            continue
        if _RE_NOUN_BEFORE.search(text, max(0, m.start() - 12), m.start()):
            continue
        cands.append((1, m.start(), m.end(), n, 0.9))

    cands.sort(key=lambda c: (-c[0], -(c[2] - c[1]), c[1]))
    kept: list[tuple[int, int, int, int, float]] = []
    for c in cands:
        if all(c[2] <= k[1] or c[1] >= k[2] for k in kept):
            kept.append(c)
    kept.sort(key=lambda c: c[1])
    return [_count_mention(text, s, e, n, conf) for _, s, e, n, conf in kept]
