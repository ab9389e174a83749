"""Per-paper results kept between runs, so a run only extracts new or changed papers.

A paper's result is stored as one Arrow IPC file, `<out>/.cache/<fingerprint>/<sha256>.<kind>.arrow`:
its evidence rows as the table, its papers.csv row and normalized text in the schema metadata.
The key is the file's content hash; the folder is the fingerprint of the pipeline's code and
vocabularies, so changing either re-extracts every paper (old folders are removed after a run).

A manifest (`<out>/.cache/manifest.json`: path -> size, mtime, sha256) saves hashing files whose
size and modification time have not changed. Every file here is written atomically, and each
paper's result as soon as it is extracted: a run killed half-way resumes where it stopped.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from dataclasses import fields as dc_fields
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import __version__
from pipeline.models import Evidence, PaperResult
from pipeline.schema import EVIDENCE_COLUMNS
from pipeline.write.tables import arrow_schema, atomic_path

if TYPE_CHECKING:
    import pyarrow as pa

CACHE_DIR = ".cache"
FORMAT = 4  # bump when the stored layout changes
# papers.csv fields that belong to the content, not to the file's name or place
_CONTENT_FIELDS = ("kind", "title", "year", "doi", "status", "message", "pages", "chars", "read_with", "sha256", "n_trials", "n_evidence", "warnings", "seconds")
# errors that depend on the run's limits or on a bug, not on the file: tried again next run
UNCACHED_ERRORS = ("[E108]", "[E109]", "[E120]")


def result_file_name(key: tuple[str, str]) -> str:
    """The cache file of a result's key: (content hash, how the file is read)."""
    return f"{key[0]}.{key[1] or 'none'}.arrow"


def storable(result: PaperResult) -> bool:
    """Whether a result may be kept: not errors that depend on the run's limits or on a bug."""
    return not result.message.startswith(UNCACHED_ERRORS)


def fingerprint_of(package: Path) -> str:
    """Hash of a package folder's code and data files (vocabularies included) and the cache format."""
    h = hashlib.sha256(f"{__version__}/{FORMAT}".encode())
    for path in sorted(Path(package).rglob("*")):
        if path.suffix in (".py", ".yaml", ".yml", ".csv", ".json") and "__pycache__" not in path.parts:
            h.update(path.relative_to(package).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """The installed pipeline's fingerprint: part of every stored result's key."""
    return fingerprint_of(Path(str(resources.files("pipeline"))))


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


class Cache:
    """Stored results under one output folder, for the current fingerprint."""

    def __init__(self, out: Path):
        self.root = Path(out) / CACHE_DIR
        self.dir = self.root / fingerprint()
        self.manifest_path = self.root / "manifest.json"
        try:
            self._manifest = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self._manifest = {}
        self._seen: dict[str, list] = {}
        self._texts_old: dict = self._manifest.pop("\0texts", {}) if isinstance(self._manifest.get("\0texts"), dict) else {}
        self._texts: dict[str, list] = {}

    # -- content hashes -------------------------------------------------------------------
    def content_hash(self, path: Path) -> str | None:
        """sha256 of a regular file, from the manifest when size and mtime are unchanged.
        None for anything that is not a regular file (the reader reports those)."""
        try:
            st = os.stat(path)
        except OSError:
            return None
        if not stat.S_ISREG(st.st_mode):
            return None
        key = str(path)
        digest = self._known(key, st)
        if digest is None:
            try:
                digest = sha256_file(path)
            except OSError:
                return None
        self._seen[key] = [st.st_size, st.st_mtime_ns, digest]
        return digest

    def _known(self, key: str, st: os.stat_result) -> str | None:
        """The manifest's hash of a file whose size and modification time are unchanged."""
        entry = self._manifest.get(key)
        return entry[2] if entry and entry[0] == st.st_size and entry[1] == st.st_mtime_ns else None

    def needs_hash(self, path: Path) -> bool:
        """Whether `content_hash` would read the file (new, or its size or time changed)."""
        try:
            st = os.stat(path)
        except OSError:
            return False
        return self._known(str(path), st) is None

    def text_written(self, name: str, key) -> bool:
        """Whether texts/<name> was written from this content by an earlier run."""
        return bool(key) and self._texts_old.get(name) == [*key, fingerprint()]

    def note_text(self, name: str, key) -> None:
        if key:
            self._texts[name] = [*key, fingerprint()]

    def save_manifest(self) -> None:
        texts = {**{k: v for k, v in self._texts_old.items()}, **self._texts}
        with atomic_path(self.manifest_path, "w", encoding="utf-8") as fh:
            json.dump({**self._seen, "\0texts": texts}, fh, sort_keys=True)

    # -- results ----------------------------------------------------------------------------
    # a result's key: (content hash, how the file is read: "text", "markdown", "pdf", ...), since
    # the same bytes named .md and .txt, or .pdf, are read differently
    def _file(self, key: tuple[str, str]) -> Path:
        return self.dir / result_file_name(key)

    def has(self, key: tuple[str, str] | None) -> bool:
        return bool(key) and self._file(key).exists()

    def store(self, key: tuple[str, str] | None, result: PaperResult) -> bool:
        """Keep a finished paper's result (unless the worker already wrote it to this key's file);
        results that depend on the run's limits are not kept."""
        if not key or not storable(result) or result.sha256 != key[0]:
            return False  # (nor a result of other content: the file changed, or vanished, meanwhile)
        file = self._file(key)
        if result.stored_as != file.name:
            write_result(file, result)
        return True

    def load_table(self, key: tuple[str, str], paper_id: str, path: str) -> tuple[PaperResult, pa.Table, bytes | None] | None:
        """A stored result (`read_stored`), or None when its file cannot be read (cut short by a
        power cut, damaged, removed meanwhile): the file is removed and the paper is extracted again."""
        import pyarrow as pa

        file = self._file(key)
        try:
            return read_stored(file, paper_id, path)
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError, pa.ArrowException):  # not a stored result (any more)
            pass
        try:
            file.unlink()
        except OSError:
            pass
        return None

    def prune(self) -> None:
        """Remove the results of other pipeline versions."""
        if not self.root.is_dir():
            return
        for child in self.root.iterdir():
            if child.is_dir() and child.name != self.dir.name:
                shutil.rmtree(child, ignore_errors=True)


# pyarrow is imported by the functions below, not with the module: a run hashes its files and
# starts its workers first (the workers do not wait for it), and reads stored results after
@lru_cache(maxsize=1)
def evidence_schema() -> pa.Schema:
    """The Arrow schema of stored evidence: the evidence columns and the dose's `data` as JSON."""
    import pyarrow as pa

    return arrow_schema(EVIDENCE_COLUMNS).append(pa.field("data", pa.string()))


def evidence_table(evidence: list[Evidence]) -> pa.Table:
    """Evidence rows as an Arrow table (the `data` tuples as JSON)."""
    import pyarrow as pa

    cols = {c[0]: [getattr(ev, c[0]) for ev in evidence] for c in EVIDENCE_COLUMNS}
    cols["data"] = [json.dumps(ev.data) if ev.data else None for ev in evidence]
    return pa.table(cols, schema=evidence_schema())


_EVIDENCE_NAMES = tuple(f.name for f in dc_fields(Evidence))


def table_evidence(table: pa.Table) -> list[Evidence]:
    """The inverse of `evidence_table`."""
    cols = table.to_pydict()
    evidence = []
    for i in range(table.num_rows):
        row = {name: cols[name][i] for name in _EVIDENCE_NAMES if name in cols}
        data = row.pop("data", None)
        row["data"] = tuple(tuple(p) for p in json.loads(data)) if data else ()
        evidence.append(Evidence(**row))
    return evidence


# stands for the paper id in a stored result's pre-rendered evidence.csv lines
PAPER_SLOT = "paper-id-slot-8f3a1c"  # (no character that the CSV rule or quoting would change)
_SLOT_BYTES = PAPER_SLOT.encode("ascii")


# stored results are compressed: a paper's evidence repeats each snippet for every value in it, so
# LZ4 makes the file about 3.5 times smaller. zstd gives 5 times, but every run reads every stored
# result back, and LZ4 reads three times as fast (0.2 s rather than 0.6 s for 1000 papers).
CODEC = "lz4"


def _pack(data: bytes) -> bytes:
    import pyarrow as pa

    return len(data).to_bytes(8, "little") + pa.compress(data, codec=CODEC, asbytes=True)


def _unpack(data: bytes) -> bytes:
    import pyarrow as pa

    size = int.from_bytes(data[:8], "little")
    return pa.decompress(data[8:], decompressed_size=size, codec=CODEC, asbytes=True) if size else b""


def result_bytes(result: PaperResult) -> bytes:
    """A paper's result as the stored file's bytes (made in the worker that extracted it): an
    Arrow IPC file of its evidence (LZ4-compressed buffers) whose metadata holds the papers.csv
    fields, the normalized text and the evidence.csv lines (those two compressed)."""
    import pyarrow as pa

    from pipeline.write.stream import render_csv

    table = evidence_table(result.evidence)
    paper = {k: getattr(result, k) for k in _CONTENT_FIELDS}
    meta = {b"paper": json.dumps(paper).encode(), b"text": _pack(result.text.encode("utf-8"))}
    # the paper's evidence.csv lines, so an unchanged paper costs a string replace, not a CSV writer
    slotted = table.set_column(table.schema.get_field_index("paper_id"), "paper_id",
                               pa.array([PAPER_SLOT] * table.num_rows, pa.string()))
    lines = render_csv(slotted)
    if lines.count(_SLOT_BYTES) == table.num_rows:  # (a text that contains the slot: render per run)
        meta[b"csv"] = _pack(lines)
    table = table.replace_schema_metadata(meta)
    sink = pa.BufferOutputStream()
    # (no thread pool: the workers are the parallelism, and the fork server runs this before forking)
    options = pa.ipc.IpcWriteOptions(compression=CODEC, use_threads=False)
    with pa.ipc.new_file(sink, table.schema, options=options) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def write_result(file: Path, result: PaperResult) -> None:
    data = result.stored if result.stored is not None else result_bytes(result)
    file.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(file, "wb", durable=False) as fh:  # unreadable after a power cut: extracted again
        fh.write(data)


def read_stored(source, paper_id: str, path: str) -> tuple[PaperResult, pa.Table, bytes | None]:
    """A stored result (a file's path, a memory map or `result_bytes`) under the paper's current
    name (the same content may have been renamed): its papers.csv row and text, its evidence as an
    Arrow table (no metadata) and the evidence's evidence.csv lines as UTF-8 (None when not stored)."""
    import pyarrow as pa

    if isinstance(source, (str, Path)):
        with pa.memory_map(str(source)) as mapped:
            return read_stored(mapped, paper_id, path)
    table = pa.ipc.open_file(source).read_all()
    meta = table.schema.metadata or {}
    result = PaperResult(paper_id=paper_id, path=path, **json.loads(meta[b"paper"]))
    result.text = _unpack(meta[b"text"]).decode("utf-8") if b"text" in meta else ""
    table = table.replace_schema_metadata(None)
    i = table.schema.get_field_index("paper_id")
    table = table.set_column(i, "paper_id", pa.repeat(pa.scalar(paper_id, pa.string()), table.num_rows))
    lines = meta.get(b"csv")
    if lines is not None:  # kept as UTF-8 bytes: they go to the file as they are
        from pipeline.write.stream import csv_cell_text

        lines = _unpack(lines).replace(_SLOT_BYTES, csv_cell_text(paper_id).encode("utf-8"))
    return result, table, lines
