"""One row per trial from every paper's evidence, fed paper by paper.

List columns take the union of their values; single-valued columns take the value with the most
support (summed confidence, then the number of papers, then the first seen); `conflicts` names
each column where two sources disagree: two different single values, or two places that give
different non-empty sets of phases, donors, cell sources or routes. `evidence` keeps every value.

`TrialMerger` keeps one small record per (trial, column, value), never the evidence itself, so a
run can stream each paper's evidence through it and memory grows with the trials, not the text.
The records are Arrow tables, folded with Arrow's group-by a batch of papers at a time (a run of
a thousand papers has over half a million evidence rows; a Python loop over them took a second).
Confidences are summed in thousandths, as integers, so the sums and the ties between them do not
depend on the order in which papers come.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline import fields
from pipeline.merge.batches import Batches, tied
from pipeline.models import Evidence
from pipeline.schema import TRIAL_FIELDS

# how each field merges is declared with it (`pipeline.fields`)
LIST_VALUE_FIELDS = fields.list_fields()
SCALAR_VALUE_FIELDS = fields.scalar_fields()
SPLIT_FIELDS = fields.split_fields()  # one value in several columns (the dose)
SET_CONFLICT_FIELDS = fields.set_conflict_fields()
_PARSED = tuple((f.name, f.parse) for f in map(fields.field, SCALAR_VALUE_FIELDS) if f.columns[0].type != "string")
# values that do not come from a paper: they fill the table but are not a paper's mention
NON_PAPER_EXTRACTORS = ("registry", "reviewer")


_MERGE_COLUMNS = ("trial_id", "field", "value", "confidence", "paper_id", "snippet", "extractor", "raw", "data")
_SEP = "\x1f"  # joins a place's set of values into one key
_FIRST = pc.ScalarAggregateOptions(skip_nulls=False)  # the first row's value, even when it is missing


@dataclass
class _Support:
    confidence: int  # thousandths
    papers: int
    first: int  # order first seen in the stream: the last tie-break
    raw: str = ""
    data: str | None = None  # the dose's (key, value) pairs as JSON


def _unique(tables: list, keys: list[str]):
    """The distinct rows of `keys` over tables of the same columns (None when there are none)."""
    tables = [t for t in tables if t is not None and t.num_rows]
    if not tables:
        return None
    return pa.concat_tables(tables).group_by(keys, use_threads=False).aggregate([])


class TrialMerger:
    """Feed evidence with `add_table` or `add` (one paper's evidence per call: a paper's rows are
    never split between calls), then read `rows()`."""

    BATCH = 65536  # rows folded at a time (`pipeline.merge.batches`)

    def __init__(self):
        self._seq = 0
        self._pending = Batches(_MERGE_COLUMNS)
        self._values = None  # trial_id, field, value, milli, papers, first, raw, data
        self._sources = None  # trial_id, paper_id: the papers that mention each trial
        self._places = None  # trial_id, field, set: the distinct sets of values one place gives

    def add(self, evidence: Iterable[Evidence]) -> None:
        from pipeline.cache import evidence_table

        self.add_table(evidence_table(list(evidence)))

    def add_table(self, table) -> None:
        """One paper's evidence as an Arrow table (`pipeline.cache.evidence_table`; `data` as JSON)."""
        if self._pending.add(table, self.BATCH, self._values):
            self._fold()

    def _fold(self) -> None:
        """Fold the pending papers' rows into the records."""
        batch = self._pending.take()
        if batch is None:
            return
        batch = batch.filter(tied(batch))
        n = batch.num_rows
        if not n:
            return
        milli = pc.cast(pc.round(pc.multiply(batch.column("confidence"), 1000)), pa.int64())
        batch = batch.set_column(batch.schema.get_field_index("confidence"), "milli", milli)
        batch = batch.append_column("seq", pa.array(np.arange(self._seq, self._seq + n, dtype=np.int64)))
        self._seq += n
        keys = ["trial_id", "field", "value"]
        # per (value, paper), then per value: summed support, papers, the first row
        per_paper = batch.group_by([*keys, "paper_id"], use_threads=False).aggregate([("milli", "sum"), ("seq", "min")])
        per_value = per_paper.group_by(keys, use_threads=False).aggregate(
            [("milli_sum", "sum"), ("paper_id", "count"), ("seq_min", "min")])
        first = per_value.column("seq_min_min")
        at = pc.subtract(first, batch.column("seq")[0])
        found = pa.table({
            "trial_id": per_value.column("trial_id"), "field": per_value.column("field"),
            "value": per_value.column("value"), "milli": per_value.column("milli_sum_sum"),
            "papers": per_value.column("paper_id_count"), "first": first,
            "raw": batch.column("raw").take(at), "data": batch.column("data").take(at),
        })
        if self._values is None:
            self._values = found
        else:  # kept records come first, so "first" keeps the earliest raw text and data
            both = pa.concat_tables([self._values, found.cast(self._values.schema)])
            g = both.group_by(keys, use_threads=False).aggregate(
                [("milli", "sum"), ("papers", "sum"), ("first", "min"), ("raw", "first", _FIRST), ("data", "first", _FIRST)])
            self._values = g.rename_columns([*keys, "milli", "papers", "first", "raw", "data"])
        from_papers = pc.invert(pc.is_in(batch.column("extractor"), pa.array(NON_PAPER_EXTRACTORS)))
        self._sources = _unique([self._sources, batch.filter(from_papers).select(["trial_id", "paper_id"])],
                                ["trial_id", "paper_id"])
        # one "place": a table row or a sentence, identified by its snippet within a paper
        placed = batch.filter(pc.is_in(batch.column("field"), pa.array(SET_CONFLICT_FIELDS)))
        if placed.num_rows:
            place = ["trial_id", "field", "paper_id", "snippet"]
            # each place's distinct values, sorted, joined into one string: a set as a key
            placed = placed.group_by([*place, "value"], use_threads=False).aggregate([])
            placed = placed.sort_by([(c, "ascending") for c in (*place, "value")])
            sets = placed.group_by(place, use_threads=False).aggregate([("value", "list")])  # keeps the order
            found_sets = pa.table({"trial_id": sets.column("trial_id"), "field": sets.column("field"),
                                   "set": pc.binary_join(sets.column("value_list"), _SEP)})
            self._places = _unique([self._places, found_sets], ["trial_id", "field", "set"])

    def rows(self) -> list[dict]:
        """Trials as dicts keyed by the `trials` columns (lists as sorted Python lists), by trial id."""
        self._fold()
        trials: dict[str, dict] = {}
        if self._values is not None:
            for r in self._values.to_pylist():
                values = trials.setdefault(r["trial_id"], {}).setdefault(r["field"], {})
                values[r["value"]] = _Support(r["milli"], r["papers"], r["first"], r["raw"], r["data"])
        sources: dict[str, list] = defaultdict(list)
        if self._sources is not None:
            for tid, paper in zip(*(self._sources.column(c).to_pylist() for c in ("trial_id", "paper_id"))):
                sources[tid].append(paper)
        place_sets: dict[str, Counter] = defaultdict(Counter)
        if self._places is not None:
            for tid, column in zip(*(self._places.column(c).to_pylist() for c in ("trial_id", "field"))):
                place_sets[tid][column] += 1
        return [self._row(tid, trials[tid], sources[tid], place_sets[tid]) for tid in sorted(trials)]

    @staticmethod
    def _ranked(values: dict) -> list[str]:
        return sorted(values, key=lambda v: (-values[v].confidence, -values[v].papers, values[v].first))

    def _row(self, tid: str, values: dict, sources: list, place_sets: Counter) -> dict:
        row: dict = {f: None for f in TRIAL_FIELDS}
        row["trial_id"] = tid
        conflicts = set()
        for f in LIST_VALUE_FIELDS:
            row[f] = sorted(values.get(f, {}))
        for f in SET_CONFLICT_FIELDS:
            if place_sets[f] > 1:
                conflicts.add(f)
        for f in SCALAR_VALUE_FIELDS:
            found = values.get(f)
            if not found:
                continue
            ranked = self._ranked(found)
            row[f] = ranked[0]
            if len(ranked) > 1:
                conflicts.add(f)
        for f in SPLIT_FIELDS:  # the best value's data (low, high, unit) and raw text in its columns
            found = values.get(f.name)
            if not found:
                continue
            ranked = self._ranked(found)
            best = found[ranked[0]]
            data = dict(json.loads(best.data) if best.data else ())
            for c in f.columns:
                row[c.name] = best.raw if c.source == "raw" else data.get(c.source)
            if len(ranked) > 1:
                conflicts.add(f.name)
        for f, parse in _PARSED:  # integers as int
            if row[f] is not None:
                row[f] = parse(row[f])
        if not row["registry"]:
            row["registry"] = "publication" if tid.startswith("ref:") else None
        row["sources"] = sorted(sources)
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
