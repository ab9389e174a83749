"""Check the merged trial table against registry records, and fill what the papers are silent on.

The run uses these in three steps: merge the papers' evidence into trial rows; `cross_check` those
rows (adds `registry_status` and `registry_conflicts`); merge `registry_evidence` into the same
trials, which only fills columns the papers left empty (the table keeps the papers' values).

`registry_status`: `found` when the trial's id (or one of its `other_ids`) has a record;
`not_in_export` when the trial has an NCT id and no record; empty (None) when the export could not
hold it: a trial known by its publication (`ref:...`) or only by another registry's id that no
record lists as a secondary id. A CT.gov record often lists the trial's EudraCT, IRCT, ... number,
so such a trial is `found` through it, but the export's absence says nothing about it.

`registry_conflicts` compares, in normalized form, only the columns where a difference means
something:

* `phase`: the sets of codes (EARLY_PHASE1 counts as PHASE1: a paper's "phase 1" for an early
  phase 1 trial is less precise, not a contradiction; "phase 1" vs "phase 1/2" is a conflict).
* `status`: the codes, except that UNKNOWN on either side conflicts with nothing (ClinicalTrials.gov's
  "Unknown status" means the last known status was not verified for two years: it asserts nothing).
* `start_date`: at the precision both give (`2020` agrees with `2020-06`).
* `enrollment`: the numbers.
* `title`: only when the titles share too little to be the same study (`same_title`): papers
  abbreviate, re-case, drop hyphens and quote a registry title that has since been edited, so
  wording differences are not conflicts; a title about another study points at a wrong id.

* `sponsors`: each sponsor the papers name must be one of the record's sponsors and collaborators,
  compared by `sponsor_key` (case, accents, punctuation and legal forms such as "Inc.", "Ltd.",
  "GmbH" ignored; one name containing the other's words, "Mesoblast" and "Mesoblast Limited",
  agrees). A sponsor the record does not list conflicts.

`conditions` are not compared. Registry conditions are free text chosen by the sponsor, often
MeSH-like and several per trial ("Stem Cell Transplantation|Ventricular Dysfunction, Left" for a
heart-failure trial), while a paper names the disease area: disjoint labels are the rule, not a
disagreement. They are filled from the registry when the papers give none, and `registry_values`
returns them for the report to show beside the papers' values.

All functions are pure: they return new rows and evidence, and never change their arguments.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any, Iterable, Optional

from pipeline import fields
from pipeline.extract.registry_ids import registry_of
from pipeline.extract.vocab_match import matcher
from pipeline.models import Evidence
from pipeline.registry.ctgov import Registry, RegistryRecord
from pipeline.schema import LIST_SEP, SNIPPET_MAX

EXTRACTOR = "registry"
CONFIDENCE = 1.0  # the registry's own record of itself; it only fills columns the papers leave empty
# Columns a record may fill when the papers are silent, and the columns compared (`pipeline.fields`).
FILL_FIELDS = fields.registry_fill_fields()
LIST_FILL_FIELDS = tuple(f for f in FILL_FIELDS if fields.field(f).is_list)
COMPARED_FIELDS = fields.registry_compared_fields()
FOUND, NOT_IN_EXPORT = "found", "not_in_export"

# Title comparison: the Dice coefficient of the two titles' words at which they name the same study,
# and the vocabularies whose terms count as one word (their code).
TITLE_MIN_DICE = 0.5
TITLE_VOCABULARIES = ("conditions", "cell_source", "product")
_STOP_WORDS = frozenset(
    "a an and as at by for from in into of on or the to with without versus vs study trial patients "
    "patient subjects clinical phase randomized randomised controlled".split()
)


# --------------------------------------------------------------------------------------------------
# Looking up a trial row
# --------------------------------------------------------------------------------------------------
def trial_ids(row: dict) -> list[str]:
    """The row's trial_id, then its other_ids (a list, or a `|`-joined cell as read from CSV)."""
    others = row.get("other_ids") or []
    if isinstance(others, str):
        others = [o for o in others.split(LIST_SEP) if o]
    return [row["trial_id"]] + [o for o in others if o != row["trial_id"]]


def record_of(row: dict, registry: Registry) -> Optional[RegistryRecord]:
    """The registry record of a trial row, through its id or one of its other ids."""
    return registry.find(trial_ids(row))


def registry_values(trial_id: str, registry: Registry) -> dict:
    """What the registry says about one trial (our column -> value in our codes; list columns as
    sorted lists), for the report to show beside the papers' values; {} when it has no record."""
    rec = registry.get(trial_id)
    if rec is None:
        return {}
    return {f: (list(v) if isinstance(v, tuple) else v) for f, v in rec.fields.items()}


# --------------------------------------------------------------------------------------------------
# Comparing
# --------------------------------------------------------------------------------------------------
def _empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, (list, tuple, set)) and not value)


def _as_list(value: Any) -> list:
    if isinstance(value, str):
        return [v for v in value.split(LIST_SEP) if v]
    return list(value)


def _title_words(title: str) -> tuple[str, set]:
    """(compact form, words) of a title. Terms of the condition, cell source and product
    vocabularies count as their code ("2019 novel coronavirus" and "COVID-19" are one word, so are
    "MSCs" and "Mesenchymal Stem Cells"); the rest is NFKC, case-folded, with hyphens dropped inside
    words ("UC-MSCs" = "UCMSCs"), other punctuation and symbols (®) as spaces, stop words left out
    and a plural "s" dropped."""
    text = unicodedata.normalize("NFKC", title)
    compact = "".join(re.findall(r"[^\W_]+", text.casefold()))
    words = set()
    chars = list(text)
    for column in TITLE_VOCABULARIES:
        for m in matcher(column).find(text):
            words.add(f"{column}:{m.value}")
            chars[m.start:m.end] = " " * (m.end - m.start)
    rest = re.sub(r"(?<=\w)[-‐‑–](?=\w)", "", "".join(chars).casefold())
    words |= {w[:-1] if len(w) > 3 and w.endswith("s") else w for w in re.findall(r"\w+", rest) if w not in _STOP_WORDS}
    return compact, words


def same_title(paper: str, registry_titles: Iterable[str]) -> bool:
    """Whether a paper's title can name the same study as one of the registry's titles: equal or
    one containing the other once compacted (a truncated title), or words in common by a Dice
    coefficient of at least TITLE_MIN_DICE. (On the real corpus the paper and registry titles of
    the same trial score 0.70 or more; titles of two different MSC trials score below 0.5 in 95% of
    pairs: similar-sounding trials are not told apart, only a clearly different study is.)"""
    p_compact, p_words = _title_words(paper)
    for title in registry_titles:
        r_compact, r_words = _title_words(title)
        if not p_compact or not r_compact or p_compact in r_compact or r_compact in p_compact:
            return True
        if 2 * len(p_words & r_words) / (len(p_words) + len(r_words) or 1) >= TITLE_MIN_DICE:
            return True
    return False


def _phase_set(values) -> frozenset:
    return frozenset("PHASE1" if v == "EARLY_PHASE1" else v for v in values)


def _differs(column: str, paper: Any, rec: RegistryRecord) -> bool:
    """Whether the papers' value of `column` and the registry's disagree (both must be given)."""
    reg = rec.fields.get(column)
    if _empty(paper) or _empty(reg):
        return False
    if column == "phase":
        return _phase_set(_as_list(paper)) != _phase_set(reg)
    if column == "status":
        return "UNKNOWN" not in (paper, reg) and paper != reg
    if column == "start_date":
        n = min(len(str(paper)), len(reg))
        return str(paper)[:n] != reg[:n]
    if column == "enrollment":
        try:
            return int(float(paper)) != int(reg)
        except (TypeError, ValueError):
            return True
    if column == "title":
        return not same_title(str(paper), rec.titles or (reg,))
    if column == "sponsors":
        listed = [sponsor_key(r) for r in reg]
        return any(not any(_same_sponsor(sponsor_key(p), r) for r in listed) for p in _as_list(paper))
    return False


_LEGAL_FORMS = frozenset(
    "inc incorporated ltd limited llc plc corp corporation co company gmbh ag sa sas srl spa bv nv pty kk "
    "oy ab as".split())


def sponsor_key(name: str) -> tuple[str, ...]:
    """A sponsor's name as compared: its words, NFKD without accents, case-folded, punctuation
    dropped ("Co., Ltd." and "Co Ltd" alike) and legal forms left out."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold().replace("&", " and ")
    words = re.findall(r"[^\W_]+", re.sub(r"(?<=\w)[.'’](?=\w)", "", text))
    return tuple(w for w in words if w not in _LEGAL_FORMS)


def _same_sponsor(a: tuple, b: tuple) -> bool:
    if not a or not b:
        return not a and not b
    short, long = sorted((a, b), key=len)
    n = len(short)
    return any(long[i:i + n] == short for i in range(len(long) - n + 1))


def conflicts(row: dict, rec: RegistryRecord) -> list[str]:
    """The compared columns where the row's (papers') value and the record disagree, sorted."""
    return sorted(c for c in COMPARED_FIELDS if _differs(c, row.get(c), rec))


def _can_be_in_export(row: dict) -> bool:
    return any(registry_of(i) == "ctgov" for i in trial_ids(row))


def cross_check(trials: list[dict], registry: Registry) -> list[dict]:
    """Copies of the trial rows with `registry_status` and `registry_conflicts` set (see above)."""
    out = []
    for row in trials:
        new = dict(row)
        rec = record_of(row, registry)
        if rec is not None:
            new["registry_status"] = FOUND
            new["registry_conflicts"] = conflicts(row, rec)
        else:
            new["registry_status"] = NOT_IN_EXPORT if _can_be_in_export(row) else None
            new["registry_conflicts"] = []
        out.append(new)
    return out


# --------------------------------------------------------------------------------------------------
# Filling silent columns
# --------------------------------------------------------------------------------------------------
def _snippet(rec: RegistryRecord, label: str, raw: str) -> str:
    where = "export" if rec.kind == "csv" else "record updated"
    text = f"ClinicalTrials.gov {where} {rec.export_date}, {rec.trial_id}: {label} = {raw}"
    return text if len(text) <= SNIPPET_MAX else text[: SNIPPET_MAX - 1] + "…"


def registry_evidence(trials: list[dict], registry: Registry) -> list[Evidence]:
    """Evidence rows (extractor `registry`) for every FILL_FIELDS column a trial row leaves empty
    and its record gives: one per value, `paper_id` the export's file name without extension."""
    out: list[Evidence] = []
    for row in trials:
        rec = record_of(row, registry)
        if rec is None:
            continue
        silent = {c for c in FILL_FIELDS if _empty(row.get(c))}
        seen: set = set()
        for v in rec.values:
            if v.field not in silent or (v.field, v.value) in seen:
                continue
            if not isinstance(rec.fields[v.field], tuple) and v.value != rec.fields[v.field]:
                continue  # a scalar column fills with the record's one value
            seen.add((v.field, v.value))
            out.append(Evidence(
                trial_id=row["trial_id"], field=v.field, value=str(v.value), raw=v.raw,
                paper_id=rec.export_id, page=None, char_start=0, char_end=0,
                snippet=_snippet(rec, v.label, v.raw), extractor=EXTRACTOR, confidence=CONFIDENCE,
            ))
    return out


def apply_registry(trials: list[dict], registry: Registry) -> tuple[list[dict], list[Evidence]]:
    """Both steps at once, for a caller that does not re-merge: the rows of `cross_check` with
    the silent columns filled as merging `registry_evidence` into them would fill them (list
    columns: the sorted values; enrollment: an int), and that evidence, for evidence.csv.

    (Re-merging instead, with `merge.TrialMerger`, rebuilds the rows and resets `registry_status`
    and `registry_conflicts`: copy them over from `cross_check`'s rows by trial_id.)"""
    checked = cross_check(trials, registry)
    evidence = registry_evidence(checked, registry)
    filled: dict[tuple[str, str], list] = {}
    for ev in evidence:
        filled.setdefault((ev.trial_id, ev.field), []).append(ev.value)
    for row in checked:
        for column in FILL_FIELDS:
            values = filled.get((row["trial_id"], column))
            if not values:
                continue
            if column in LIST_FILL_FIELDS:
                row[column] = sorted(set(values))
            else:
                row[column] = fields.field(column).parse(values[0])
    return checked, evidence
