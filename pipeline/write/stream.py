"""Writing a run's files so that an interrupted run never leaves a half-written or mixed set.

`Staged` writes every file of a run (the tables, the report, run.json, the papers' texts) to a
temporary name in the output folder and only when all are complete moves them into place as one
change (`pipeline.write.commit`: a journal, run.json last; a failed move, or a run killed while
moving, is undone). A run killed before that leaves the previous run's files untouched.

`EvidenceSink` streams evidence rows, paper by paper, into `evidence.csv` and `evidence.parquet`,
so a run never holds every paper's evidence in memory.
"""
from __future__ import annotations

import contextlib
import csv
import io
import os
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.schema import EVIDENCE_COLUMNS, EVIDENCE_FIELD_NAMES, LIST_SEP
from pipeline.write import commit as _commit
from pipeline.write.tables import _typed, arrow_schema, make_temp



class Staged:
    """Files of one run, moved into place together by `commit`."""

    def __init__(self, out: Path):
        self.out = Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        self._pending: list[tuple[str, Path]] = []

    def temp(self, name: str) -> tuple[int, str]:
        """A temporary file beside `name` (a path under the output folder, e.g. `texts/a.txt`)."""
        path = self.out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return make_temp(path)

    @contextlib.contextmanager
    def open(self, name: str, mode: str = "w", durable: bool = True, **kw):
        """A file of the run, written to a temporary name and moved into place by `commit`.
        `durable` fsyncs it (files the run can make again, a paper's text, skip it)."""
        fd, tmp = self.temp(name)
        try:
            with os.fdopen(fd, mode, **kw) as fh:
                yield fh
                if durable:
                    fh.flush()
                    os.fsync(fh.fileno())
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        self._pending.append((tmp, self.out / name))

    def add(self, tmp: str, name: str) -> None:
        """A temporary file written by someone else (already complete and fsynced)."""
        self._pending.append((tmp, self.out / name))

    def commit(self) -> None:
        """Every staged file into place, as one change (`pipeline.write.commit.commit`)."""
        pending, self._pending = self._pending, []
        try:
            _commit.commit(self.out, pending)
        except BaseException:
            self._pending = pending  # (undone: `abort` removes what is left)
            raise

    def abort(self) -> None:
        for tmp, _ in self._pending:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        self._pending = []


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _csv_module_text(value: str) -> str:
    """One value as Python's csv module prints it in a row (quoted only when it must be)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([value, ""])
    return buf.getvalue()[:-2]


# the characters that make the csv module quote a cell (QUOTE_MINIMAL, lineterminator "\n"); asked
# of the module itself, since Python versions differ on a carriage return
_QUOTE_IF = "[" + "".join("\\" + c if c in "\\]^-" else c for c in ',"\n\r' if _csv_module_text(c) != c) + "]"

# The CSV rule for spreadsheets: a text cell that starts with one of these characters would be
# run as a formula (or start one) when the file is opened in a spreadsheet, so the CSV files
# write it with an apostrophe before it ("=1+1" -> "'=1+1"), which a spreadsheet shows as text.
# Only CSV cells: the Parquet files keep the exact value (the data package says so).
FORMULA_START = "=+-@\t\r"
FORMULA_PREFIX = "'"
_FORMULA_IF = "^[" + "".join("\\" + c if c in "\\]^-" else c for c in FORMULA_START) + "]"


def _csv_cells(column: pa.ChunkedArray, floats: bool = False) -> pa.ChunkedArray:
    """A column's cells as the CSV files hold them, computed by Arrow: what the csv module writes
    for them, after the spreadsheet rule (`FORMULA_START`) for text cells. Every CSV file of a
    run is made by this one function (`render_csv`, `csv_cell_text`)."""
    if floats:
        return _float_cells(column)
    if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):  # a list column: its items joined
        column = pc.binary_join(column, LIST_SEP)
    if not pa.types.is_string(column.type):
        return pc.fill_null(pc.cast(column, pa.string()), "")
    column = pc.fill_null(column, "")
    # the prefixed and the quoted forms are made only for a column that has such cells (most
    # columns have none: ids, field names, extractors)
    formula = pc.match_substring_regex(column, _FORMULA_IF)
    if pc.any(formula).as_py():
        column = pc.if_else(formula, pc.binary_join_element_wise(FORMULA_PREFIX, column, ""), column)
    quote = pc.match_substring_regex(column, _QUOTE_IF)
    if not pc.any(quote).as_py():
        return column
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(column, '"', '""'), '"', "")
    return pc.if_else(quote, quoted, column)


def _float_cells(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A number column's cells: "%g", as the other writers print numbers (`_csv_cell`), each
    distinct value formatted once (a column holds a few: the confidences). Arrow's dictionary
    keeps apart what prints apart (0.0 and -0.0); a missing value is an empty cell."""
    encoded = pc.dictionary_encode(column.combine_chunks())
    printed = pa.array([_csv_cell(v) for v in encoded.dictionary.to_pylist()], pa.string())
    return pa.chunked_array([pc.fill_null(pc.take(printed, encoded.indices), "")])


def csv_cell_text(value: str) -> str:
    """One text value as the CSV files print it (`_csv_cells`)."""
    return _csv_cells(pa.chunked_array([pa.array([value], pa.string())]))[0].as_py()


def render_csv(table: pa.Table, names=EVIDENCE_FIELD_NAMES) -> bytes:
    """CSV lines (no header), UTF-8, for the rows of a table (by default an evidence table's
    columns): the bytes the csv module would write, made column by column (a Python CSV writer
    took a tenth of a paper's time), with the spreadsheet rule applied."""
    if not table.num_rows:
        return b""
    cells = [_csv_cells(table.column(k), pa.types.is_floating(table.schema.field(k).type)) for k in names]
    rows = pc.binary_join_element_wise(pc.binary_join_element_wise(*cells, ","), "", "\n").combine_chunks()
    _, offsets, data = rows.buffers()  # the rows' bytes lie end to end in the data buffer
    start, end = np.frombuffer(offsets, dtype=np.int32)[[rows.offset, rows.offset + len(rows)]]
    return data.to_pybytes()[start:end]


def _nulls_for_empty(table: pa.Table) -> pa.Table:
    """Empty strings (a value tied to no trial, a missing snippet) as nulls, as every other
    missing value in Parquet; the CSV prints both as an empty cell."""
    for i, column in enumerate(table.columns):
        if pa.types.is_string(column.type):
            table = table.set_column(i, table.field(i), pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column))
    return table


class EvidenceSink:
    """evidence.csv and evidence.parquet, appended paper by paper, staged on close."""

    ROW_GROUP = 65536

    def __init__(self, staged: Staged, name: str = "evidence"):
        self.staged, self.name = staged, name
        self.schema = arrow_schema(EVIDENCE_COLUMNS)
        fd, self._csv_tmp = staged.temp(f"{name}.csv")
        self._csv = os.fdopen(fd, "wb")  # UTF-8: stored papers' lines come as bytes
        self._csv.write((",".join(EVIDENCE_FIELD_NAMES) + "\n").encode("utf-8"))
        fd, self._pq_tmp = staged.temp(f"{name}.parquet")
        os.close(fd)
        self._pq = pq.ParquetWriter(self._pq_tmp, self.schema)
        self._buffer: list[pa.Table] = []
        self._buffered = 0
        self.rows = 0

    @property
    def parquet_file(self) -> str:
        """The evidence Parquet's temporary file (complete after `close`, until the commit)."""
        return self._pq_tmp

    def write_table(self, table: pa.Table, csv_rows: bytes | None = None) -> None:
        """Rows of an evidence table (`pipeline.cache.evidence_table`), in order; `csv_rows`, when
        given, is the same rows already rendered by `render_csv`, in UTF-8 (a stored paper's)."""
        if not table.num_rows:
            return
        self._csv.write(csv_rows if csv_rows is not None else render_csv(table))
        self._buffer.append(table.select(list(EVIDENCE_FIELD_NAMES)))  # cast once per row group
        self._buffered += table.num_rows
        self.rows += table.num_rows
        if self._buffered >= self.ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        if not self._buffer:
            return
        self._pq.write_table(_nulls_for_empty(pa.concat_tables(self._buffer)).cast(self.schema))
        self._buffer, self._buffered = [], 0

    def close(self) -> None:
        self._flush()
        if self.rows == 0:  # an empty file still has the schema
            self._pq.write_table(self.schema.empty_table())
        self._pq.close()
        self._csv.flush()
        os.fsync(self._csv.fileno())
        self._csv.close()
        with open(self._pq_tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        self.staged.add(self._csv_tmp, f"{self.name}.csv")
        self.staged.add(self._pq_tmp, f"{self.name}.parquet")

    def discard(self) -> None:
        with contextlib.suppress(Exception):
            self._pq.close()
        with contextlib.suppress(Exception):
            self._csv.close()
        for tmp in (self._csv_tmp, self._pq_tmp):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


def write_table(staged: Staged, name: str, columns, rows: list[dict]) -> None:
    """`name.csv` and `name.parquet` from dict rows, typed by the declared columns, staged; the
    CSV is rendered from the same typed table (`render_csv`)."""
    schema = arrow_schema(columns)
    arrays = {c[0]: [_typed(r.get(c[0]), c[1], c[2]) for r in rows] for c in columns}
    table = pa.table(arrays, schema=schema)
    with staged.open(f"{name}.csv", "wb") as fh:
        fh.write((",".join(c[0] for c in columns) + "\n").encode("utf-8"))
        fh.write(render_csv(table, [c[0] for c in columns]))
    with staged.open(f"{name}.parquet", "wb") as fh:
        pq.write_table(table, fh)
