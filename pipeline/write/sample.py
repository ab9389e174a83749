"""The evidence the report shows: every value of every trial with at most `per_value` of its
places (a value printed in 500 papers shows 10 and says 500), and counts of the rest.

Papers' evidence tables come in corpus order and are taken a batch at a time: Arrow sorts a
batch by value, numbers each row within its value, and keeps the rows whose number, added to
what earlier batches showed, is under `per_value`. Only the kept rows become Python dicts.
"""
from __future__ import annotations

from collections import Counter

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.merge.batches import Batches, tied
from pipeline.schema import EVIDENCE_FIELD_NAMES

_KEY = ("trial_id", "field", "value")
_NULL = "\x00"  # stands for a missing value in a key (Arrow joins never match nulls)


def _codes(column: pa.ChunkedArray) -> np.ndarray:
    """Integers equal where the strings are equal (nulls share one)."""
    return pc.dictionary_encode(pc.fill_null(column, _NULL)).combine_chunks().indices.to_numpy()


class ReportSample:
    BATCH = 65536  # rows taken at a time (`pipeline.merge.batches`)

    def __init__(self, per_value: int = 10):
        self.per_value = per_value
        self._rows: list[dict] = []
        self._total = 0
        self._untied: Counter = Counter()
        self._shown = None  # trial_id, field, value, shown: places shown so far, per value
        self._pending = Batches(EVIDENCE_FIELD_NAMES)

    def add_table(self, table) -> None:
        """One paper's evidence table (`pipeline.cache.evidence_table`), in corpus order."""
        if self._pending.add(table, self.BATCH, self._shown):
            self._take()

    @property
    def rows(self) -> list[dict]:
        """The rows to show, as evidence dicts, in corpus order."""
        self._take()
        return self._rows

    @property
    def total(self) -> int:
        """Evidence rows seen."""
        self._take()
        return self._total

    @property
    def untied(self) -> Counter:
        """Per paper, its rows tied to no trial."""
        self._take()
        return self._untied

    def _take(self) -> None:
        batch = self._pending.take()
        if batch is None:
            return
        batch = batch.combine_chunks()
        self._total += batch.num_rows
        is_tied = tied(batch)
        untied = batch.filter(pc.invert(is_tied)).group_by("paper_id", use_threads=False).aggregate([("paper_id", "count")])
        for paper, n in zip(untied.column("paper_id").to_pylist(), untied.column("paper_id_count").to_pylist()):
            self._untied[paper] += n
        batch = batch.filter(is_tied)
        n = batch.num_rows
        if not n:
            return
        # each row's number among its value's rows, in order (0 for the first)
        codes = [_codes(batch.column(k)) for k in _KEY]
        order = np.lexsort((np.arange(n), *reversed(codes)))  # by trial, field, value, then position
        starts = np.ones(n, dtype=bool)
        starts[1:] = np.any([c[order][1:] != c[order][:-1] for c in codes], axis=0)
        group_of_sorted = np.cumsum(starts) - 1
        first_of_group = np.flatnonzero(starts)
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n) - first_of_group[group_of_sorted]
        group = np.empty(n, dtype=np.int64)
        group[order] = group_of_sorted
        # what earlier batches showed of each value
        heads = order[first_of_group]
        keys = pa.table({k: pc.fill_null(batch.column(k), _NULL).take(pa.array(heads)) for k in _KEY})
        keys = keys.append_column("group", pa.array(np.arange(len(heads))))
        before = np.zeros(len(heads), dtype=np.int64)
        if self._shown is not None:
            joined = keys.join(self._shown, list(_KEY), join_type="inner")
            before[joined.column("group").to_numpy()] = joined.column("shown").to_numpy()
        keep = np.flatnonzero(rank + before[group] < self.per_value)
        counts = np.bincount(group, minlength=len(heads))
        shown = np.minimum(before + counts, self.per_value)
        update = keys.drop_columns(["group"]).append_column("shown", pa.array(shown))
        if self._shown is not None:
            update = pa.concat_tables([self._shown, update]).group_by(list(_KEY)).aggregate([("shown", "max")])
            update = update.rename_columns([*_KEY, "shown"])
        self._shown = update
        if len(keep):
            self._rows.extend(batch.take(pa.array(keep)).to_pylist())
