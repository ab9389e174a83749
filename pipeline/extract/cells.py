"""Each field's reader for one table cell (or one labelled field of a registry record).

A cell holds the value of its column: the column's header says which fields it holds (each field
declares its header columns, `pipeline.fields`), and each of those fields is read from the cell by
its reader, written here and named by the field's declaration (`cell_reader`): each takes the
cell's text, the paper's own abbreviations (`extra`) and the unit its header prints (`unit`).
Cells are read more freely than sentences (a bare `II` is a phase under a Phase header, a bare `20`
the enrollment under a Patients header) because the header says what they are.
"""
from __future__ import annotations

import regex

from pipeline import fields
from pipeline.extract.conditions import MAX_WORDS as MAX_CONDITION_WORDS
from pipeline.extract.conditions import clean_condition
from pipeline.extract.doses import NUMBER_WORDS, find_dose_counts, find_doses
from pipeline.extract.fields import ACRONYM, find_acronyms, find_bare_counts, find_enrollment, find_start_dates, find_status, plausible_acronym
from pipeline.extract.phases import find_bare_phases, find_phases
from pipeline.extract.vocab_match import matcher
from pipeline.models import Mention

_SPACES = regex.compile(r"\s+")
# a surname in lower case after its capital ("Zheng 9", "Pers YM et al."): "START" alone is a trial's name
_CITATION_CELL = regex.compile(r"^\s*[A-Z][\p{Ll}'’\-][\p{L}'’\-]*(?:\s+[A-Z]{1,3})?(?:\s+et\s+al\.?)?\s*[\[(]?\d{0,3}[\])]?\s*$")
_WHOLE_ACRONYM = regex.compile(r"\s*(?P<a>" + ACRONYM + r")\s*")
_QUOTED = regex.compile(r"[\"“”„«»]\s*(?P<a>[A-Za-z][A-Za-z0-9]*(?:[\-–][A-Za-z0-9]+)*)\s*[\"“”„«»]")
_SCALED = regex.compile(r"\d\s*(?:[×x]\s*10|million|billion)", regex.I)
_NUMBER_CELL = regex.compile(r"^\s*(?P<lo>\d+(?:[.,]\d+)?)(?:\s*(?:[-–∼~]|to)\s*(?P<hi>\d+(?:[.,]\d+)?))?\s*$")
_HEADER_UNIT = regex.compile(r"[×x]\s*10\s*\^?\s*(?P<exp>\d{1,2})\s*(?P<unit>cells?\s*/\s*kg|cells?)?", regex.I)
_HEADER_PER_KG = regex.compile(r"(?i)\b(?:cells?|MSCs?)\s*/\s*kg\b|\bper\s+kg\b")
_ABBREVIATION_END = regex.compile(r"(?i)\b(?:inc|ltd|co|corp|llc|plc|s\.a|s\.l|b\.v|n\.v|ag|e\.v)\.$")
_COUNT_WORDS = {"once": 1, "single": 1, "one": 1, "twice": 2, "two": 2, "thrice": 3, "three": 3, "four": 4, "five": 5, "six": 6}
_COUNT_ALONE = regex.compile(r"\s*(?P<c>\d{1,2}|[A-Za-z]+)\s*")
MAX_COUNT_ALONE = 30  # a larger number alone in a doses column is no count of administrations
_DMY = regex.compile(r"(?<![\d/])(?P<a>[0-3]?\d)/(?P<b>[01]?\d)/(?P<y>(?:19|20)\d\d)(?![\d/])")
_YEAR_ALONE = regex.compile(r"\s*(?P<y>(?:19|20)\d\d)\s*")
_CELL_COUNT = regex.compile(
    r"(?i)(?<![\w.])(?:(?P<word>once|single(?![\s-]+(?:blind|group|cent|arm|site|patient|case|donor|masked))|twice|thrice)\b|(?P<n>\d{1,2}|one|two|three|four|five|six)\s*(?:x\s*)?(?:times?|doses?|injections?|infusions?|administrations?)\b)"
)


def is_citation_cell(text: str) -> bool:
    """A cell that only cites a publication (`Zheng et al.9`, `Pers YM et al.`): not a title."""
    return _CITATION_CELL.match(text) is not None or bool(regex.search(r"\bet\s+al\b", text)) and len(text) < 40


def header_unit(header: str) -> tuple[float, str] | None:
    """A unit printed in a header (`Cell dose (×10^7 cells)`): the factor and unit its bare numbers
    take; a header naming a per-kg unit alone (`Dose (cells/kg)`) gives factor 0 (bare numbers are
    not scaled by it) and its unit to the scaled numbers under it (`2 × 10^6`)."""
    m = _HEADER_UNIT.search(header)
    if not m:
        return (0.0, "cells/kg") if _HEADER_PER_KG.search(header) else None
    unit = "cells/kg" if m.group("unit") and "kg" in m.group("unit").lower() else "cells"
    return 10.0 ** int(m.group("exp")), unit


def phase_cell(text: str, extra=None, unit=None) -> list[Mention]:
    return find_phases(text, bare=True) or find_bare_phases(text)


def status_cell(text: str, extra=None, unit=None) -> list[Mention]:
    return find_status(text, in_table=True)[:1]


def enrollment_cell(text: str, extra=None, unit=None) -> list[Mention]:
    """The first count of the cell: `20(10/10)`, `60 (placebo: 20)`, `n = 12`, `41; 20 MSC, 21 control`."""
    found = find_enrollment(text) or find_bare_counts(text)
    return found[:1]


def dose_count_cell(text: str, extra=None, unit=None) -> list[Mention]:
    """`once`, `Single`, `4 times`, `Three doses of ...`; several counts in one cell (`Intra arterial
    (1 time) Intravenous (3 times)`) add up."""
    found = find_dose_counts(text)
    if found:
        return found[:1]
    counts = list(_CELL_COUNT.finditer(text))
    if not counts:
        return []
    total = 0
    for m in counts:
        w = (m.group("word") or m.group("n")).lower()
        total += _COUNT_WORDS[w] if w in _COUNT_WORDS else int(w)
    s, e = counts[0].start(), counts[-1].end()
    return [Mention("dose_count", str(total), s, e, text[s:e], "table_count", 0.85)]


_ISO_DATE = regex.compile(r"(?<![\d/.-])(?P<y>(?:19|20)\d\d)-(?P<m>0[1-9]|1[0-2])(?:-\d\d)?(?![\d/-])")


def count_alone(text: str) -> list[Mention]:
    """A Frequency / No. of doses column's cell that holds the count alone: `3`, `Three`."""
    alone = _COUNT_ALONE.fullmatch(text)
    if alone:
        w = alone.group("c").lower()
        n = _COUNT_WORDS.get(w) or NUMBER_WORDS.get(w) or (int(w) if w.isdecimal() else 0)
        if 1 <= n <= MAX_COUNT_ALONE:
            return [Mention("dose_count", str(n), alone.start("c"), alone.end("c"), alone.group("c"), "table_count", 0.8)]
    return []


def start_date_cell(text: str, extra=None, unit=None) -> list[Mention]:
    """`March 2016`, `2019-11`, `2016-04-03` (a record's ISO date), a year alone (`2018` under
    `Year started`)."""
    found = find_start_dates(text, in_table=True)
    if not found:
        m = _ISO_DATE.search(text)
        if m:
            found = [Mention("start_date", f"{m.group('y')}-{m.group('m')}", m.start(), m.end(), m.group(0), "start_date", 0.9)]
    if not found:  # a registry's day/month/year ("15/06/2021"; "01/03/2022": the day first, as the registries print it)
        m = _DMY.search(text)
        if m:
            a, b = int(m.group("a")), int(m.group("b"))
            month = b if b <= 12 else a if a <= 12 else 0
            if month:
                found = [Mention("start_date", f"{m.group('y')}-{month:02d}", m.start(), m.end(), m.group(0), "start_date", 0.85)]
    if not found:
        m = _YEAR_ALONE.fullmatch(text)
        if m:
            found = [Mention("start_date", m.group("y"), m.start("y"), m.end("y"), m.group("y"), "start_date", 0.85)]
    return found[:1]


def acronym_cell(text: str, extra=None, unit=None) -> list[Mention]:
    found = find_acronyms(text, in_title=True)
    if found:
        return found[:1]
    whole = _WHOLE_ACRONYM.fullmatch(text)
    if whole and plausible_acronym(whole.group("a")):  # a name column's cell that is the acronym alone ("START")
        return [Mention("acronym", whole.group("a"), whole.start("a"), whole.end("a"), whole.group("a"), "table_acronym", 0.85)]
    m = _QUOTED.search(text)
    if m and sum(c.isupper() for c in m.group("a")) >= 2:
        return [Mention("acronym", m.group("a"), m.start("a"), m.end("a"), m.group("a"), "table_acronym", 0.85)]
    return []


def sponsors_cell(text: str, extra=None, unit=None) -> list[Mention]:
    """The sponsors a sponsor cell names, one a line or `;`; what is another column's (a registry
    id, a status, a phase: a flattened row's cells shifted into this one) is no sponsor."""
    out = []
    text = _blank_other_columns(text)
    for m in regex.finditer(r"[^;\n]+", text):
        s = m.group(0).strip()
        if not _ABBREVIATION_END.search(s):  # "Inc.", "Ltd.", "Co." keep their period
            s = s.rstrip(".")
        if len(regex.sub(r"[\W\d_]", "", s)) < 3 or _NO_NAME.fullmatch(" ".join(regex.findall(r"\p{L}+", s))):
            continue
        start = m.start() + m.group(0).find(s)
        out.append(Mention("sponsors", " ".join(s.split()), start, start + len(s), s, "table_sponsor", 0.85))
    return out


_REGISTRY_WORDS = regex.compile(r"(?i)\b(?:eudract|clinicaltrials\.gov|nct|isrctn|number|identifier|no\.)(?!\w)")
_NO_NAME = regex.compile(r"(?i)(?:clinical\s+)?(?:trials?|stud(?:y|ies))(?:\s+id)?")  # what is left of "Clinical trial NCT..."


def _blank_other_columns(text: str) -> str:
    """`text` with the registry ids, statuses, phases and registry words blanked (same offsets)."""
    from pipeline.extract.registry_ids import find_registry_ids

    spans = [(m.start, m.end) for m in find_registry_ids(text)]
    spans += [(m.start, m.end) for m in matcher("status").find(text)]
    spans += [(m.start, m.end) for m in find_phases(text, bare=True)]
    spans += [m.span() for m in _REGISTRY_WORDS.finditer(text)]
    for a, b in spans:
        text = text[:a] + " " * (b - a) + text[b:]
    return text


def vocabulary_cell(text: str, extra=None, unit=None, *, field: str) -> list[Mention]:
    """The terms of the field's vocabulary (and the paper's own abbreviations for it) in the cell."""
    return matcher(field).find(text, (extra or {}).get(field))


def title_cell(text: str, extra=None, unit=None) -> list[Mention]:
    """The cell's text, one line (not a citation such as `Zheng et al.9`)."""
    title = _SPACES.sub(" ", text).strip(" \t\n,;:|-*")
    if len(title) < 3 or is_citation_cell(title):
        return []
    s = text.find(title[:1])
    return [Mention("title", title, s, len(text.rstrip(" \t\n,;:|-*")), text[s:len(text.rstrip(" \t\n,;:|-*"))], "table_title", 0.95)]


def printed_condition(text: str) -> list[Mention]:
    """A condition column's cell that no vocabulary entry names: its printed text (cleaned, lower case)."""
    value = clean_condition(text)
    if not regex.search(r"\p{L}{3}", value) or len(value.split()) > MAX_CONDITION_WORDS:
        return []
    s = len(text) - len(text.lstrip())
    return [Mention("conditions", value, s, len(text.rstrip()), text[s:len(text.rstrip())], "table_condition", 0.7)]


def dose_cell(text: str, extra=None, unit=None) -> list[Mention]:
    """A dose cell; a bare number (or range) takes the unit its header prints (`Cell dose (×10^7
    cells)`: `2.5`); under a Dose header a scaled number with no unit (`100 × 106`, `300/900million`)
    counts cells."""
    if unit is not None and unit[0]:
        m = _NUMBER_CELL.match(text)
        if m:
            lo = float(m.group("lo").replace(",", ".")) * unit[0]
            hi = float((m.group("hi") or m.group("lo")).replace(",", ".")) * unit[0]
            return [Mention("dose", f"{lo:g}..{hi:g} {unit[1]}", m.start("lo"), m.end(), text[m.start("lo"):m.end()],
                            "doses", 0.85, (("low", lo), ("high", hi), ("unit", unit[1])))]
    found = find_doses(text)
    if found or not _SCALED.search(text):
        return found
    word = " cells/kg" if unit is not None and unit[1] == "cells/kg" else " cells"
    return [Mention(m.field, m.value, m.start, min(m.end, len(text)), text[m.start:min(m.end, len(text))], m.extractor, 0.8, m.data)
            for m in find_doses(text + word) if m.start < len(text)]


def read_cell(field: str, text: str, extra=None, unit: tuple[float, str] | None = None) -> list[Mention]:
    """The values of `field` in one cell's text (offsets relative to `text`), read by the field's
    declared reader (`pipeline.fields.cell_reader`); `unit` is the one its column's header prints."""
    reader = fields.cell_reader(field)
    return reader(text, extra, unit) if reader else []
