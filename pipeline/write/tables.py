"""Writers for the contract's files. Every file is written to a temporary name in the output
folder and moved into place with `os.replace`, so an interrupted run leaves the previous file."""
from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.models import Evidence, PaperResult
from pipeline.schema import (
    EVIDENCE_COLUMNS, EVIDENCE_FIELD_NAMES, LIST_SEP, PAPER_COLUMNS, PAPER_FIELD_NAMES, TRIAL_COLUMNS, TRIAL_FIELDS,
)

_ARROW = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64()}


@contextlib.contextmanager
def atomic_path(path: Path, mode: str = "w", **kw):
    """Open a temporary file beside `path`; on success fsync and move it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, **kw) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _cell(value, is_list: bool):
    if value is None:
        return ""
    if is_list:
        return LIST_SEP.join(sorted(str(v) for v in value))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _typed(value, ftype: str, is_list: bool):
    if is_list:
        return LIST_SEP.join(sorted(str(v) for v in value)) if value else None
    if value is None or value == "":
        return None
    if ftype == "integer":
        return int(value)
    if ftype == "number":
        return float(value)
    return str(value)


def write_table(out: Path, name: str, columns, rows: list[dict]):
    """`name.csv` and `name.parquet` from dict rows, typed by the declared columns."""
    names = [c[0] for c in columns]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(names)
    for r in rows:
        w.writerow([_cell(r.get(c[0]), c[2]) for c in columns])
    with atomic_path(out / f"{name}.csv", "w", encoding="utf-8", newline="") as fh:
        fh.write(buf.getvalue())
    schema = pa.schema([(c[0], _ARROW[c[1]]) for c in columns])
    arrays = {c[0]: [_typed(r.get(c[0]), c[1], c[2]) for r in rows] for c in columns}
    table = pa.table(arrays, schema=schema)
    with atomic_path(out / f"{name}.parquet", "wb") as fh:
        pq.write_table(table, fh)


def evidence_rows(evidence: Iterable[Evidence]) -> list[dict]:
    return [{k: getattr(ev, k) for k in EVIDENCE_FIELD_NAMES} for ev in evidence]


def paper_rows(papers: Iterable[PaperResult]) -> list[dict]:
    return [{k: getattr(p, k) for k in PAPER_FIELD_NAMES} for p in papers]


def _schema(columns, primary_key=None) -> dict:
    fields = []
    for name, ftype, is_list, desc, enum in columns:
        f = {"name": name, "type": ftype, "description": desc}
        if is_list:
            f["description"] += f" (list, joined with '{LIST_SEP}', sorted)"
        if enum and not is_list:
            f["constraints"] = {"enum": list(enum)}
        fields.append(f)
    schema = {"fields": fields, "missingValues": [""]}
    if primary_key:
        schema["primaryKey"] = primary_key
    return schema


def datapackage(version: str) -> dict:
    def res(name, columns, pk=None, description=""):
        return {
            "name": name, "path": f"{name}.csv", "profile": "tabular-data-resource", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8", "description": description,
            "schema": _schema(columns, pk),
        }

    return {
        "profile": "tabular-data-package",
        "name": "msc-clinical-trials",
        "title": "Clinical trials of mesenchymal stem/stromal cell therapy, extracted from review papers",
        "version": version,
        "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "resources": [
            res("trials", TRIAL_COLUMNS, "trial_id", "One row per deduplicated trial"),
            res("evidence", EVIDENCE_COLUMNS, None, "One row per extracted value, with its provenance"),
            res("papers", PAPER_COLUMNS, "paper_id", "One row per input paper"),
        ],
    }


def write_outputs(out: Path, trials: list[dict], evidence: list[Evidence], papers: list[PaperResult], version: str):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    texts = out / "texts"
    texts.mkdir(exist_ok=True)
    for p in papers:
        if p.text:
            with atomic_path(texts / f"{p.paper_id}.txt", "w", encoding="utf-8", newline="") as fh:
                fh.write(p.text)
    write_table(out, "evidence", EVIDENCE_COLUMNS, evidence_rows(evidence))
    write_table(out, "papers", PAPER_COLUMNS, paper_rows(papers))
    write_table(out, "trials", TRIAL_COLUMNS, trials)
    with atomic_path(out / "datapackage.json", "w", encoding="utf-8") as fh:
        json.dump(datapackage(version), fh, indent=1)
        fh.write("\n")
