"""One row per trial from every paper's evidence, fed paper by paper.

List columns take the union of their values; single-valued columns take the value with the most
support (summed confidence, then the number of papers, then the first seen); `conflicts` names
each column where two sources disagree: two different single values, or two places that give
different non-empty sets of phases, donors, cell sources or routes. `evidence` keeps every value.

`TrialMerger` holds one small record per (trial, column, value), never the evidence itself, so a
run can stream each paper's evidence through it and memory grows with the trials, not the text.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from pipeline.models import Evidence
from pipeline.schema import LIST_SEP, TRIAL_FIELDS

LIST_VALUE_FIELDS = ("other_ids", "conditions", "phase", "cell_source", "donor", "product", "route", "sponsors")
SCALAR_VALUE_FIELDS = ("registry", "title", "acronym", "status", "start_date", "enrollment", "dose_count")
SET_CONFLICT_FIELDS = ("phase", "donor", "cell_source", "route")
# values that do not come from a paper: they fill the table but are not a paper's mention
NON_PAPER_EXTRACTORS = ("registry", "reviewer")


@dataclass
class _Support:
    confidence: float
    papers: set
    first: int  # order first seen in the stream: the last tie-break
    raw: str = ""
    data: tuple | str | None = ()  # the dose's (key, value) pairs, or the same as JSON


@dataclass
class _Trial:
    values: dict = field(default_factory=lambda: defaultdict(dict))  # column -> value -> _Support
    place_sets: dict = field(default_factory=lambda: defaultdict(set))  # column -> {frozenset}
    sources: set = field(default_factory=set)


class TrialMerger:
    """Feed evidence with `add` (one paper's evidence per call), then read `rows()`."""

    def __init__(self):
        self._trials: dict[str, _Trial] = {}
        self._seq = 0

    def add(self, evidence: Iterable[Evidence]) -> None:
        self.add_rows((ev.trial_id, ev.field, ev.value, ev.confidence, ev.paper_id, ev.snippet, ev.extractor,
                       ev.raw, ev.data) for ev in evidence)

    def add_table(self, table) -> None:
        """One paper's evidence as an Arrow table (`pipeline.cache.evidence_table`; `data` as JSON)."""
        names = ("trial_id", "field", "value", "confidence", "paper_id", "snippet", "extractor", "raw", "data")
        # to_numpy: strings come back as Python str objects, many times faster than to_pylist
        self.add_rows(zip(*(table.column(n).to_numpy(zero_copy_only=False) for n in names)))

    def add_rows(self, rows) -> None:
        """Rows of (trial_id, field, value, confidence, paper_id, snippet, extractor, raw, data)."""
        places: dict[tuple, set] = defaultdict(set)  # (trial, column, paper, snippet) -> values
        trials = self._trials
        for tid, column, value, confidence, paper, snippet, extractor, raw, data in rows:
            if not tid:
                continue
            t = trials.get(tid)
            if t is None:
                t = trials[tid] = _Trial()
            if extractor not in NON_PAPER_EXTRACTORS:
                t.sources.add(paper)
            s = t.values[column].get(value)
            if s is None:
                t.values[column][value] = _Support(confidence, {paper}, self._seq, raw, data)
            else:
                s.confidence += confidence
                s.papers.add(paper)
            self._seq += 1
            if column in SET_CONFLICT_FIELDS:
                # one "place": a table row or a sentence, identified by its snippet within a paper
                places[(tid, column, paper, snippet)].add(value)
        for (tid, column, _paper, _snippet), values in places.items():
            trials[tid].place_sets[column].add(frozenset(values))

    def rows(self) -> list[dict]:
        """Trials as dicts keyed by the `trials` columns (lists as sorted Python lists), by trial id."""
        return [self._row(tid, self._trials[tid]) for tid in sorted(self._trials)]

    @staticmethod
    def _ranked(values: dict) -> list[str]:
        return sorted(values, key=lambda v: (-values[v].confidence, -len(values[v].papers), values[v].first))

    def _row(self, tid: str, t: _Trial) -> dict:
        row: dict = {f: None for f in TRIAL_FIELDS}
        row["trial_id"] = tid
        conflicts = set()
        for f in LIST_VALUE_FIELDS:
            row[f] = sorted(t.values.get(f, {}))
        for f in SET_CONFLICT_FIELDS:
            if len(t.place_sets.get(f, ())) > 1:
                conflicts.add(f)
        for f in SCALAR_VALUE_FIELDS:
            values = t.values.get(f)
            if not values:
                continue
            ranked = self._ranked(values)
            row[f] = ranked[0]
            if len(ranked) > 1:
                conflicts.add(f)
        doses = t.values.get("dose")
        if doses:
            ranked = self._ranked(doses)
            best = doses[ranked[0]]
            data = dict(json.loads(best.data) if isinstance(best.data, str) else best.data or ())
            row["dose_low"], row["dose_high"], row["dose_unit"] = data.get("low"), data.get("high"), data.get("unit")
            row["dose_text"] = best.raw
            if len(ranked) > 1:
                conflicts.add("dose")
        if row["enrollment"] is not None:
            row["enrollment"] = int(row["enrollment"])
        if row["dose_count"] is not None:
            row["dose_count"] = int(row["dose_count"])
        if not row["registry"]:
            row["registry"] = "publication" if tid.startswith("ref:") else None
        row["sources"] = sorted(t.sources)
        row["conflicts"] = sorted(conflicts)
        for f in ("registry_conflicts", "reviewed"):
            row[f] = []
        return row


def merge_trials(evidence: Iterable[Evidence]) -> list[dict]:
    """Trials as dicts keyed by the `trials` columns (lists as sorted Python lists)."""
    merger = TrialMerger()
    by_paper: dict[str, list[Evidence]] = defaultdict(list)
    for ev in evidence:
        by_paper[ev.paper_id].append(ev)
    for paper in by_paper:  # in first-seen order, so ties break as in the stream
        merger.add(by_paper[paper])
    return merger.rows()


def list_cell(values) -> str:
    return LIST_SEP.join(sorted(str(v) for v in values)) if values else ""
