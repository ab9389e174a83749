"""Evidence tables gathered a paper at a time and folded a batch at a time, with Arrow.

The merge (`TrialMerger`) and the report's sample (`pipeline.write.sample`) both keep a table of
records that each batch is folded into. A batch is due once the pending rows reach `batch` and
the number of records kept: refolding the records then costs no more than the rows, so a run
stays linear however large the corpus.
"""
from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc


class Batches:
    def __init__(self, columns):
        self.columns = list(columns)
        self._tables: list[pa.Table] = []
        self._rows = 0

    def add(self, table: pa.Table, batch: int, kept: pa.Table | None) -> bool:
        """Keep a paper's evidence table (its `columns`); whether a batch is due."""
        if not table.num_rows:
            return False
        self._tables.append(table.select(self.columns))
        self._rows += table.num_rows
        return self._rows >= max(batch, kept.num_rows if kept is not None else 0)

    def take(self) -> pa.Table | None:
        """The pending rows as one table (None when there are none), and none pending after."""
        if not self._tables:
            return None
        table = pa.concat_tables(self._tables)
        self._tables, self._rows = [], 0
        return table


def tied(table: pa.Table) -> pa.ChunkedArray:
    """Which rows belong to a trial (an empty or missing trial id: none)."""
    return pc.fill_null(pc.not_equal(table.column("trial_id"), ""), False)
