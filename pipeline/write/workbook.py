"""trials.xlsx: the run's tables as one workbook for spreadsheet users.

One sheet per table (trials, evidence, papers, codes), in the declared column order
(`pipeline.schema`): integers and numbers are number cells, text is text cells (a value starting
with `=` stays text: no cell is ever a formula), list columns are `|`-joined text as in the CSV,
a missing value is an empty cell. The header row is frozen and filterable. The evidence sheet
holds the first EVIDENCE_ROWS rows (a spreadsheet is for reading, and a workbook cell costs ten
times a CSV cell to write); a longer table's sheet ends with a row saying where the rest is (the
CSV and Parquet files have every row). `--no-xlsx` skips the workbook.
"""
from __future__ import annotations

import os

from pipeline.schema import CODE_COLUMNS, EVIDENCE_COLUMNS, LIST_SEP, PAPER_COLUMNS, TRIAL_COLUMNS

WORKBOOK = "trials.xlsx"
MAX_ROWS = 1_048_576 - 2  # what Excel holds, less the header and the row saying the sheet is cut
EVIDENCE_ROWS = 10_000
_WIDTH = {"string": 18, "integer": 10, "number": 11}
_WIDE = {"title": 48, "snippet": 60, "dose_text": 28, "message": 40, "sponsors": 30, "conditions": 30, "path": 30,
         "raw": 24, "value": 22, "label": 30}


def _rows_of(columns, rows):
    for r in rows:
        yield [r.get(c[0]) for c in columns]


def _sheet(book, name: str, columns, rows, header_fmt, limit: int = MAX_ROWS) -> None:
    ws = book.add_worksheet(name)
    for j, (col, ftype, *_rest) in enumerate(columns):
        ws.set_column(j, j, _WIDE.get(col, _WIDTH[ftype]))
        ws.write_string(0, j, col, header_fmt)
    ws.freeze_panes(1, 0)
    n = 0
    for i, values in enumerate(rows, start=1):
        if i > limit:
            ws.write_string(i, 0, f"... more rows: {name}.csv and {name}.parquet have them all")
            break
        for j, ((_, ftype, is_list, *_r), v) in enumerate(zip(columns, values)):
            if v is None or v == "" or (is_list and not v):
                continue
            if is_list:
                ws.write_string(i, j, LIST_SEP.join(sorted(str(x) for x in v)))
            elif ftype in ("integer", "number"):
                ws.write_number(i, j, v)
            else:
                ws.write_string(i, j, str(v))
        n = i
    ws.autofilter(0, 0, max(n, 1), len(columns) - 1)


def write_workbook(path: str, trials: list[dict], evidence_parquet: str, papers: list[dict], codes: list[dict]) -> None:
    """Write the workbook to `path` (a temporary file the caller moves into place); the evidence
    sheet is read from the run's evidence Parquet, a row group at a time."""
    import pyarrow.parquet as pq
    import xlsxwriter

    def evidence_rows(limit: int):
        # the sheet takes `limit` rows and one more (to say it is cut): only those are read from
        # the Parquet and made Python values (a whole 65,536-row group cost a second a run)
        for batch in pq.ParquetFile(evidence_parquet).iter_batches(batch_size=min(65536, limit + 1)):
            yield from zip(*(batch.column(c[0]).to_pylist() for c in EVIDENCE_COLUMNS))

    book = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                      "strings_to_urls": False, "strings_to_numbers": False})
    header = book.add_format({"bold": True, "bg_color": "#E8EEF4", "bottom": 1})
    _sheet(book, "trials", TRIAL_COLUMNS, _rows_of(TRIAL_COLUMNS, trials), header)
    _sheet(book, "evidence", EVIDENCE_COLUMNS, evidence_rows(EVIDENCE_ROWS), header, EVIDENCE_ROWS)
    _sheet(book, "papers", PAPER_COLUMNS, _rows_of(PAPER_COLUMNS, papers), header)
    _sheet(book, "codes", CODE_COLUMNS, _rows_of(CODE_COLUMNS, codes), header)
    book.close()
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())
