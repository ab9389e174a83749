"""One row per trial from every paper's evidence.

List columns take the union of their values; single-valued columns take the value with the most
support (summed confidence, then the number of papers, then the first seen); `conflicts` names
each column where two sources disagree: two different single values, or two places that give
different non-empty sets of phases, donors, cell sources or routes. `evidence` keeps every value.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from pipeline.models import Evidence
from pipeline.schema import LIST_SEP, TRIAL_FIELDS

LIST_VALUE_FIELDS = ("other_ids", "conditions", "phase", "cell_source", "donor", "product", "route", "sponsors")
SCALAR_VALUE_FIELDS = ("registry", "title", "acronym", "status", "start_date", "enrollment", "dose_count")
SET_CONFLICT_FIELDS = ("phase", "donor", "cell_source", "route")


def _best(values: list[Evidence]) -> tuple[str, list[str]]:
    support: dict[str, list] = {}
    for k, ev in enumerate(values):
        s = support.setdefault(ev.value, [0.0, set(), k])
        s[0] += ev.confidence
        s[1].add(ev.paper_id)
    ranked = sorted(support, key=lambda v: (-support[v][0], -len(support[v][1]), support[v][2]))
    return ranked[0], ranked


def _source_key(ev: Evidence):
    # one "place": a table row or a sentence, identified by its snippet within a paper
    return (ev.paper_id, ev.snippet)


def merge_trials(evidence: Iterable[Evidence]) -> list[dict]:
    """Trials as dicts keyed by the `trials` columns (lists as sorted Python lists)."""
    by_trial: dict[str, list[Evidence]] = defaultdict(list)
    for ev in evidence:
        if ev.trial_id:
            by_trial[ev.trial_id].append(ev)
    rows = []
    for tid in sorted(by_trial):
        evs = by_trial[tid]
        row: dict = {f: None for f in TRIAL_FIELDS}
        row["trial_id"] = tid
        conflicts = set()
        fields: dict[str, list[Evidence]] = defaultdict(list)
        for ev in evs:
            fields[ev.field].append(ev)
        for f in LIST_VALUE_FIELDS:
            row[f] = sorted({ev.value for ev in fields.get(f, [])})
        for f in SET_CONFLICT_FIELDS:
            per_place = defaultdict(set)
            for ev in fields.get(f, []):
                per_place[_source_key(ev)].add(ev.value)
            sets = {frozenset(v) for v in per_place.values() if v}
            if len(sets) > 1:
                conflicts.add(f)
        for f in SCALAR_VALUE_FIELDS:
            vals = fields.get(f, [])
            if not vals:
                continue
            best, ranked = _best(vals)
            row[f] = best
            if len(ranked) > 1:
                conflicts.add(f)
        doses = fields.get("dose", [])
        if doses:
            best, ranked = _best(doses)
            ev = next(e for e in doses if e.value == best)
            data = dict(ev.data)
            row["dose_low"], row["dose_high"], row["dose_unit"] = data.get("low"), data.get("high"), data.get("unit")
            row["dose_text"] = ev.raw
            if len(ranked) > 1:
                conflicts.add("dose")
        if row["enrollment"] is not None:
            row["enrollment"] = int(row["enrollment"])
        if row["dose_count"] is not None:
            row["dose_count"] = int(row["dose_count"])
        if not row["registry"]:
            row["registry"] = "publication" if tid.startswith("ref:") else None
        row["sources"] = sorted({ev.paper_id for ev in evs})
        row["conflicts"] = sorted(conflicts)
        for f in ("registry_conflicts", "reviewed"):
            row[f] = []
        rows.append(row)
    return rows


def list_cell(values) -> str:
    return LIST_SEP.join(sorted(str(v) for v in values)) if values else ""
