"""What every output file shares: atomic writes (a temporary name moved into place with
`os.replace`), cell formats and Arrow types of the declared columns, the data package, and safe
file names for papers' texts. `stream.py` writes the run's tables with these."""
from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.schema import EVIDENCE_COLUMNS, LIST_SEP, PAPER_COLUMNS, TRIAL_COLUMNS

if TYPE_CHECKING:
    import pyarrow as pa


def arrow_schema(columns) -> pa.Schema:
    """The Arrow schema of declared columns (`pipeline.schema`): list columns are lists of strings,
    integers int64 (null when missing) with pandas metadata saying `Int64`, so that pandas reads
    them as integers, not floats. (pyarrow is imported here, not with the module: atomic writes and
    file names are needed before a run's workers start, pyarrow only after.)"""
    import json

    import pyarrow as pa

    types = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64()}
    pandas_types = {"string": ("unicode", "object"), "integer": ("int64", "Int64"), "number": ("float64", "float64")}
    fields, described = [], []
    for name, ftype, is_list, *_ in columns:
        fields.append(pa.field(name, pa.list_(pa.string()) if is_list else types[ftype]))
        pandas_type, numpy_type = ("list[unicode]", "object") if is_list else pandas_types[ftype]
        described.append({"name": name, "field_name": name, "pandas_type": pandas_type,
                          "numpy_type": numpy_type, "metadata": None})
    pandas_meta = {"index_columns": [], "column_indexes": [], "columns": described, "creator": {"library": "pyarrow"}}
    return pa.schema(fields, metadata={b"pandas": json.dumps(pandas_meta).encode()})


_UMASK = os.umask(0)
os.umask(_UMASK)
FILE_MODE = 0o666 & ~_UMASK  # what open() would give: temporary files start private


def make_temp(path: Path) -> tuple[int, str]:
    """A temporary file beside `path`, with the permissions a plain open() would give."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.fchmod(fd, FILE_MODE)
    return fd, tmp


@contextlib.contextmanager
def atomic_path(path: Path, mode: str = "w", durable: bool = True, **kw):
    """Open a temporary file beside `path`; on success (fsync and) move it into place.

    Either way a killed run leaves the old file or the new one, never half of one. `durable`
    also survives a power cut; files the run can make again (a paper's stored result or text)
    skip it, since an fsync per paper costs the run a second per thousand papers."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = make_temp(path)
    try:
        with os.fdopen(fd, mode, **kw) as fh:
            yield fh
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _typed(value, ftype: str, is_list: bool):
    """A cell as Parquet holds it: lists as sorted lists of strings, None for what is missing."""
    if is_list:
        return sorted(str(v) for v in value) if value else None
    if value is None or value == "":
        return None
    if ftype == "integer":
        return int(value)
    if ftype == "number":
        return float(value)
    return str(value)


def _field(column) -> dict:
    from pipeline.codes import allowed

    name, ftype, is_list, desc, _ = column
    f = {"name": name, "type": ftype, "description": desc}
    codes = allowed(column)
    if is_list:
        f.update(type="list", delimiter=LIST_SEP, itemType=ftype)
        f["description"] += f" (a list: items joined with '{LIST_SEP}', sorted)"
        if codes:  # Table Schema has no enum for list items: the allowed items, for tools to check
            f["itemEnum"] = list(codes)
            f["description"] += "; every item is one of itemEnum (labels in the codes resource)"
    elif codes:
        f["constraints"] = {"enum": list(codes)}
    return f


CSV_RULE = (
    "In the CSV files, a text cell that starts with =, +, -, @, a tab or a carriage return is written "
    "with an apostrophe (') before it, so that a spreadsheet shows it as text instead of running it "
    "as a formula; the Parquet files hold every value exactly as extracted."
)


def _resources() -> dict:
    """resource -> (columns, primary key, foreign keys, description); its file is `<name>.csv`."""
    from pipeline.schema import CODE_COLUMNS

    return {
        "trials": (TRIAL_COLUMNS, ["trial_id"], [],
                   "One row per deduplicated trial (also trials.parquet, and a sheet of trials.xlsx)"),
        "evidence": (EVIDENCE_COLUMNS, None, [
            {"fields": ["trial_id"], "reference": {"resource": "trials", "fields": ["trial_id"]}},
            {"fields": ["paper_id"], "reference": {"resource": "papers", "fields": ["paper_id"]}},
        ], "One row per extracted value, with its provenance (also evidence.parquet); trial_id is empty "
           "for a value the text ties to no one trial"),
        "papers": (PAPER_COLUMNS, ["paper_id"], [],
                   "One row per input file: papers, files skipped as not papers, and the registry exports "
                   "and corrections file that gave evidence (also papers.parquet)"),
        "codes": (CODE_COLUMNS, ["field", "code"], [],
                  "Every code of a coded trials column, with its label and ontology id, from the "
                  "vocabularies in pipeline/vocab/ (join on field and code; also codes.parquet)"),
    }


def datapackage(version: str, sources=()) -> dict:
    """datapackage.json: the CSV tables with their schemas, keys and codes. `sources` names the
    papers read ({"title", "path"}): values and snippets are taken from them, under their own
    licences, so the package claims no licence."""
    resources = []
    for name, (columns, pk, fks, description) in _resources().items():
        schema = {"fields": [_field(c) for c in columns], "missingValues": [""]}
        if pk:
            schema["primaryKey"] = pk
        if fks:
            schema["foreignKeys"] = fks
        resources.append({
            "name": name, "path": f"{name}.csv", "profile": "tabular-data-resource", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8", "description": description, "schema": schema,
        })
    return {
        "profile": "tabular-data-package",
        "name": "msc-clinical-trials",
        "title": "Clinical trials of mesenchymal stem/stromal cell therapy, extracted from review papers",
        "description": "Values, titles and snippets are taken from the papers listed in `sources`, which "
                       "keep their own licences and copyright: this package grants no licence for them. "
                       "Beside this file: <table>.parquet for each table (typed: list columns are lists "
                       "of strings, missing values null), trials.xlsx (the tables as a workbook), "
                       "report.html, run.json and texts/<paper>.txt. " + CSV_RULE,
        "version": version,
        "sources": list(sources),
        "resources": resources,
    }


# -- the file name of a paper's normalized text ---------------------------------------------------
_UNSAFE_CHARS = frozenset('/\\:*?"<>|')
_UNSAFE_CATEGORIES = ("Cc", "Cf", "Cs", "Zl", "Zp", "Co", "Cn")  # controls, bidi marks, surrogates
_WINDOWS_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))})
_HASHED = re.compile(r"~[0-9a-f]{10}$")
MAX_NAME_BYTES = 120  # well under NAME_MAX (255 bytes), leaving room for temporary-file affixes


def _safe_as_is(name: str) -> bool:
    return (
        bool(name) and len(name.encode("utf-8", "surrogatepass")) <= MAX_NAME_BYTES
        and name[0] not in ".- " and name[-1] not in ". "
        and not any(c in _UNSAFE_CHARS or unicodedata.category(c) in _UNSAFE_CATEGORIES for c in name)
        and name.split(".")[0].upper() not in _WINDOWS_RESERVED
        and not _HASHED.search(name)
    )


def text_file_name(paper_id: str, suffix: str = ".txt") -> str:
    """The file name under `texts/` for a paper id: the id itself when it is a safe file name
    (no `/`, `\\`, quotes, `<>:*?|`, control or invisible format characters, no leading `.`,
    `-` or space, at most `MAX_NAME_BYTES` bytes, not a Windows device name); otherwise the id
    cleaned of those characters and shortened, plus `~` and 10 hex digits of its SHA-256, so two
    ids never share a file. The same id always gives the same name.

        >>> text_file_name("smith-2020"), text_file_name("2020/smith")
        ('smith-2020.txt', '2020_smith~50c7721ef9.txt')
    """
    if _safe_as_is(paper_id):
        return paper_id + suffix
    cleaned = "".join(
        "_" if c in _UNSAFE_CHARS or unicodedata.category(c) in _UNSAFE_CATEGORIES else c for c in paper_id
    )
    cleaned = re.sub(r"_+", "_", cleaned).strip(" ._-")
    data = cleaned.encode("utf-8")[: MAX_NAME_BYTES - 12]
    cleaned = data.decode("utf-8", "ignore").rstrip(" .") or "paper"
    digest = hashlib.sha256(paper_id.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{cleaned}~{digest}{suffix}"
