"""Ingest: find the papers of a corpus and read each into a `Document`.

Text and Markdown are decoded as UTF-8 (with or without BOM), UTF-16 with a BOM, or, failing
that, Windows-1252/Latin-1 with a warning. PDFs go to `pipeline.ingest.pdf`. Every problem is an
`InputError` with a code and a message for `papers.csv`.
"""
from __future__ import annotations

import codecs
import hashlib
import os
from pathlib import Path

from pipeline.errors import InputError, message
from pipeline.models import Document, Page

SUPPORTED_SUFFIXES = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown", ".pdf": "pdf"}
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_LINE = 200_000
IGNORED_NAMES = {"corrections.csv", "README", ".gitkeep"}


def paper_id_of(path: Path) -> str:
    return path.stem


def discover(corpus: Path) -> list[Path]:
    """Every entry of the corpus folder (recursively) that looks like a paper, sorted.

    Unsupported files are returned too (they get an error row); hidden files, the corrections
    file and symlink loops are skipped without following.
    """
    out: list[Path] = []
    seen_dirs = set()
    for root, dirs, files in os.walk(corpus, followlinks=True):
        real = os.path.realpath(root)
        if real in seen_dirs:
            dirs[:] = []
            continue
        seen_dirs.add(real)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or name in IGNORED_NAMES or name.endswith((".csv", ".json", ".yaml", ".yml")):
                continue
            out.append(Path(root) / name)
        for d in dirs:
            p = Path(root) / d
            if p.suffix.lower() in SUPPORTED_SUFFIXES:  # a directory named like a paper
                out.append(p)
    return sorted(out, key=lambda p: str(p))


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(data: bytes) -> tuple[str, str, list[str]]:
    """Text, the encoding used and warnings."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig", []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16", []
    if b"\x00" in data[:65536]:
        raise InputError("E102", message("E102"))
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    sample = data[:65536]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    if controls > len(sample) * 0.01:
        raise InputError("E102", message("E102"))
    try:
        return data.decode("cp1252"), "cp1252", [message("W201", encoding="cp1252")]
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1", [message("W201", encoding="latin-1")]


def read_document(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read one input file. Raises `InputError` on anything that is not a readable paper."""
    path = Path(path)
    suffix = path.suffix.lower()
    kind = SUPPORTED_SUFFIXES.get(suffix)
    if not path.is_file():
        raise InputError("E110", message("E110"))
    if kind is None:
        raise InputError("E105", message("E105", suffix=suffix or path.name))
    size = path.stat().st_size
    if size == 0:
        raise InputError("E101", message("E101"))
    if size > max_bytes:
        raise InputError("E103", message("E103", size=size, limit=max_bytes))
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError("E106", message("E106", error=err.strerror or str(err))) from err
    digest = sha256_of(data)
    if kind == "pdf":
        try:
            from pipeline.ingest.pdf import PdfError, read_pdf
        except ImportError as err:
            raise InputError("E107", message("E107", reason="pdf-unsupported", error=f"PDF reading is not available ({err})")) from err

        try:
            return read_pdf(path, paper_id_of(path), sha256=digest)
        except PdfError as err:
            raise InputError("E107", message("E107", reason=err.code, error=err.message)) from err
    text, encoding, warnings = decode(data)
    if not text.strip():
        raise InputError("E101", message("E101"))
    longest = max((len(line) for line in text.split("\n")), default=0)
    if longest > MAX_LINE:
        raise InputError("E104", message("E104", length=longest, limit=MAX_LINE))
    return Document(
        paper_id=paper_id_of(path), path=str(path), kind=kind, pages=(Page(None, text),),
        sha256=digest, read_with=encoding, warnings=tuple(warnings),
    )
