"""Ingest: find the papers of a corpus and read each into a `Document`.

Text and Markdown are decoded as UTF-8 (with or without BOM), UTF-16 or UTF-32 with a BOM,
UTF-16 without a BOM (recognized by its NUL bytes, with a warning), or, failing that,
Windows-1252/Latin-1 with a warning. Stray NUL bytes in otherwise valid UTF-8 are removed with a
warning; line ends become "\\n". PDFs go to `pipeline.ingest.pdf`. Every problem is an
`InputError` with a code and a message for `papers.csv`.

Only regular files are opened. A directory named like a paper, a broken or looping symlink and a
named pipe, socket or device each get their own error, decided from `stat` alone: a FIFO is never
opened (opening one blocks until something writes to it).
"""
from __future__ import annotations

import codecs
import errno
import hashlib
import os
import re
import stat
import unicodedata
from pathlib import Path

from pipeline.errors import InputError, message
from pipeline.models import Document, Page

SUPPORTED_SUFFIXES = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown", ".pdf": "pdf"}
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
IGNORED_NAMES = {"corrections.csv", ".gitkeep"}
OUTPUT_MARKERS = ("run.json", "datapackage.json")  # a folder holding both is a run's output
SAMPLE = 65536  # bytes looked at to tell text from binary
MAX_NUL_SHARE = 0.05  # more NUL bytes than this share (and not UTF-16): binary
MAX_CONTROL_SHARE = 0.01  # more control characters than this share of the text: binary
_TEXT_CONTROLS = frozenset("\t\n\v\f\r")  # \v: a manual line break in text copied from Word
# the characters below " " that are not in _TEXT_CONTROLS (counted by a regex: one C loop)
_OTHER_CONTROLS = re.compile("[" + "".join(re.escape(chr(c)) for c in range(32) if chr(c) not in _TEXT_CONTROLS) + "]")


def kind_of(path: Path) -> str:
    """How a file is read: "text", "markdown" or "pdf"; an unsupported file, by its extension."""
    suffix = Path(path).suffix.lower()
    return SUPPORTED_SUFFIXES.get(suffix, suffix.lstrip("."))


def paper_id_of(path: Path, corpus: Path | None = None) -> str:
    """A paper's id: its file name without the extension, or, given the `corpus` folder, its path
    below the corpus without the extension ("2020/smith" for `corpus/2020/smith.pdf`).

    The id is printable text: control characters (a newline in a file name) become a space and
    bytes of a name that is not UTF-8 are written as `\\xff`, so every id can go into a CSV file
    and a JSON document. It may still hold `/`, quotes or HTML: see
    `pipeline.write.tables.text_file_name` for the file name made from it.
    """
    path = Path(path)
    if corpus is not None:
        try:
            rel = path.relative_to(corpus)
        except ValueError:
            rel = Path(path.name)
        parts = [*rel.parts[:-1], rel.stem] if rel.parts else [path.stem]
        raw = "/".join(parts)
    else:
        raw = path.stem
    return printable(raw) or "_"


def printable(name: str) -> str:
    """`name` with undecodable bytes as `\\xNN` and control characters as spaces."""
    name = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(" " if unicodedata.category(c) == "Cc" else c for c in name)


def paper_ids(paths: list[Path], corpus: Path) -> list[str]:
    """One unique id per path, in order: `paper_id_of(path, corpus)`, or, when several files
    share that id (`smith.pdf` and `smith.txt`), their path with the extension; `~2`, `~3`...
    are added only if even those collide."""
    base = [paper_id_of(p, corpus) for p in paths]
    counts: dict[str, int] = {}
    for b in base:
        counts[b] = counts.get(b, 0) + 1
    out: list[str] = []
    taken: set[str] = set()
    for p, b in zip(paths, base):
        pid = b
        if counts[b] > 1:
            pid = b + printable(Path(p).suffix)
        k = 1
        candidate = pid
        while candidate in taken or (candidate != b and candidate in counts):
            k += 1
            candidate = f"{pid}~{k}"
        taken.add(candidate)
        out.append(candidate)
    return out


IGNORE_FILE = ".msc-trials-ignore"  # in the corpus folder: one glob a line, `#` comments
# files that come with a folder of papers and are not papers: README.md, LICENSE.txt, CHANGELOG, ...
NOT_A_PAPER = re.compile(
    r"(?:readme|read[\s_-]?me|licen[cs]e|copying|changelog|changes|history|news|authors|contributors|"
    r"contributing|notice|code[_-]of[_-]conduct|security|citation|todo)(?:\.\w+)*", re.I)  # the word, then extensions


def read_ignore_file(corpus: Path) -> list[str]:
    """The glob patterns of the corpus folder's ignore file (none when it has none)."""
    try:
        lines = (Path(corpus) / IGNORE_FILE).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


def excluded_by(rel: str, is_dir: bool, patterns) -> str | None:
    """The first pattern that excludes the corpus-relative path `rel` (posix): a pattern with a
    `/` is matched against the whole path, one without against each part of it (a file's name,
    or a folder's name at any depth); a pattern ending in `/` matches folders only."""
    import fnmatch

    for pattern in patterns:
        folder_only = pattern.endswith("/")
        pat = pattern.rstrip("/").lstrip("/")
        if not pat or (folder_only and not is_dir):
            continue
        if "/" in pat:
            if fnmatch.fnmatchcase(rel, pat):
                return pattern
        elif fnmatch.fnmatchcase(rel.rsplit("/", 1)[-1], pat):
            return pattern
    return None


def discover(corpus: Path, exclude=()) -> list[Path]:
    """The corpus's entries that are read as papers (see `find_papers`)."""
    return find_papers(corpus, exclude)[0]


def find_papers(corpus: Path, exclude=()) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Every entry of the corpus folder (recursively) that looks like a paper, sorted, and the
    entries skipped as not papers, each with its papers.csv message.

    Unsupported files are returned as papers too (they get an error row), and so are directories
    named like a paper, subfolders that cannot be listed, broken and looping symlinks, and pipes
    (each gets its own error row). Skipped, with a row saying why: hidden files and folders (a
    name starting with `.`), files named like a folder's own files (README, LICENSE, CHANGELOG,
    ... with any extension) and what matches an `exclude` glob or a line of the corpus's ignore
    file. Skipped without a row: the corrections file, the ignore file, data files (.csv,
    .json, .yaml) and a previous run's output folder inside the corpus. Symlinked folders are
    followed once: a link back up the tree is not walked again.
    """
    out: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    seen_dirs = set()
    from_file = read_ignore_file(corpus)
    patterns = [*exclude, *from_file]
    origin = {**{p: IGNORE_FILE for p in from_file}, **{p: "--exclude" for p in exclude}}

    def unreadable(err: OSError) -> None:  # a subfolder that cannot be listed gets a row (E106)
        if err.filename and os.path.abspath(err.filename) != os.path.abspath(corpus):
            out.append(Path(err.filename))

    def skip_reason(path: Path, is_dir: bool) -> str | None:
        rel = path.relative_to(corpus).as_posix()
        pattern = excluded_by(rel, is_dir, patterns)
        if pattern is not None:
            return message("S142", pattern=pattern, source=origin[pattern])
        if path.name.startswith("."):
            return message("S141", what="folder" if is_dir else "file")
        if not is_dir and NOT_A_PAPER.fullmatch(path.name):
            return message("S140", name=printable(path.name))
        return None

    for root, dirs, files in os.walk(corpus, followlinks=True, onerror=unreadable):
        real = os.path.realpath(root)
        if real in seen_dirs:
            dirs[:] = []
            continue
        seen_dirs.add(real)
        kept = []
        for d in sorted(dirs):
            p = Path(root) / d
            if _is_output_folder(p):
                continue
            reason = skip_reason(p, True)
            if reason:
                skipped.append((p, reason))
                continue
            kept.append(d)
            if p.suffix.lower() in SUPPORTED_SUFFIXES:  # a directory named like a paper
                out.append(p)
        dirs[:] = kept
        for name in sorted(files):
            if name in IGNORED_NAMES or name == IGNORE_FILE or name.endswith((".csv", ".json", ".yaml", ".yml")):
                continue
            p = Path(root) / name
            reason = skip_reason(p, False)
            if reason:
                skipped.append((p, reason))
            else:
                out.append(p)
    return sorted(out, key=lambda p: str(p)), sorted(skipped, key=lambda s: str(s[0]))


def _is_output_folder(folder: Path) -> bool:
    return all((folder / name).is_file() for name in OUTPUT_MARKERS)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)


def decode(data: bytes) -> tuple[str, str, list[str]]:
    """Text, the encoding used and warnings. Raises E102 for what is not text.
    Line ends in the text are "\\n" whatever the file used."""
    text, encoding, warnings = _decode(data)
    sample = text[:SAMPLE]
    controls = len(_OTHER_CONTROLS.findall(sample))
    if controls > len(sample) * MAX_CONTROL_SHARE:
        raise InputError("E102", message("E102"))
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, encoding, warnings


def _decode(data: bytes) -> tuple[str, str, list[str]]:
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(codec, errors="replace"), name, []
    sample = data[:SAMPLE]
    if b"\x00" in sample:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16
        nuls = data.count(b"\x00")
        if nuls <= len(data) * MAX_NUL_SHARE:
            try:
                text = data.replace(b"\x00", b"").decode("utf-8")
            except UnicodeDecodeError:
                raise InputError("E102", message("E102")) from None
            return text, "utf-8", [message("W204", count=nuls)]
        raise InputError("E102", message("E102"))
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    if controls > len(sample) * MAX_CONTROL_SHARE:
        raise InputError("E102", message("E102"))
    try:
        return data.decode("cp1252"), "cp1252", [message("W201", encoding="cp1252")]
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1", [message("W201", encoding="latin-1")]


def _utf16_without_bom(data: bytes) -> tuple[str, str, list[str]] | None:
    """UTF-16 text without a BOM: mostly-ASCII text has a NUL in every other byte."""
    sample = data[: SAMPLE - SAMPLE % 2]
    half = len(sample) // 2
    if half < 8:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    for codec, zeros, others in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros >= 0.3 * half and others <= 0.02 * half:
            try:
                text = data[: len(data) - len(data) % 2].decode(codec)
            except UnicodeDecodeError:
                return None
            return text, codec, [message("W201", encoding=f"{codec} without a byte-order mark")]
    return None


def _check_entry(path: Path) -> os.stat_result:
    """The `stat` of a regular file at `path`; an `InputError` for anything else, decided without
    opening it."""
    try:
        info = os.stat(path)
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise InputError("E112", message("E112")) from err
        if err.errno == errno.ENOENT and os.path.islink(path):
            raise InputError("E111", message("E111", target=_link_target(path))) from err
        raise InputError("E106", message("E106", error=err.strerror or str(err))) from err
    if stat.S_ISDIR(info.st_mode):
        try:
            os.listdir(path)
        except OSError as err:  # discover() lists a folder it could not walk
            raise InputError("E106", message("E106", error=f"cannot list the folder: {err.strerror or err}")) from err
        raise InputError("E110", message("E110"))
    if not stat.S_ISREG(info.st_mode):
        raise InputError("E113", message("E113", kind=_special_kind(info.st_mode)))
    return info


def _link_target(path: Path) -> str:
    try:
        return printable(os.readlink(path))
    except OSError:
        return "?"


def _special_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes. Opened without blocking and checked again once open, so a file swapped
    for a pipe after `_check_entry` cannot hang the run; at most `max_bytes` are read."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as err:
        raise InputError("E106", message("E106", error=err.strerror or str(err))) from err
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError("E113", message("E113", kind=_special_kind(info.st_mode)))
        if info.st_size > max_bytes:
            raise InputError("E103", message("E103", size=info.st_size, limit=max_bytes))
        chunks, total = [], 0
        while True:
            block = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not block:
                break
            chunks.append(block)
            total += len(block)
            if total > max_bytes:  # grew while being read
                raise InputError("E103", message("E103", size=total, limit=max_bytes))
        return b"".join(chunks)
    except OSError as err:
        raise InputError("E106", message("E106", error=err.strerror or str(err))) from err
    finally:
        os.close(fd)


def read_document(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, paper_id: str | None = None) -> Document:
    """Read one input file. Raises `InputError` on anything that is not a readable paper."""
    path = Path(path)
    paper_id = paper_id or paper_id_of(path)
    info = _check_entry(path)
    suffix = path.suffix.lower()
    kind = SUPPORTED_SUFFIXES.get(suffix)
    if kind is None:
        raise InputError("E105", message("E105", suffix=printable(suffix or path.name)))
    if info.st_size == 0:
        raise InputError("E101", message("E101"))
    if info.st_size > max_bytes:
        raise InputError("E103", message("E103", size=info.st_size, limit=max_bytes))
    data = _read_bytes(path, max_bytes)
    if not data:
        raise InputError("E101", message("E101"))
    digest = sha256_of(data)
    if kind == "pdf":
        try:
            from pipeline.ingest.pdf import PdfError, read_pdf
        except ImportError as err:
            raise InputError("E107", message("E107", reason="pdf-unsupported", error=f"PDF reading is not available ({err})")) from err

        try:
            return read_pdf(path, paper_id, sha256=digest)
        except PdfError as err:
            raise InputError("E107", message("E107", reason=err.code, error=err.message)) from err
    text, encoding, warnings = decode(data)
    if not text.strip():
        raise InputError("E101", message("E101"))
    return Document(
        paper_id=paper_id, path=str(path), kind=kind, pages=(Page(None, text),),
        sha256=digest, read_with=encoding, warnings=tuple(warnings),
    )
