"""Moving a run's files into place as one change: the output folder holds one run's files, the
previous run's or the new run's, never some of each.

A run writes every file it changes (the tables, the report, run.json and the papers' texts) to a
temporary name beside its place first (`pipeline.write.stream.Staged`). `commit` then:

1. keeps the file each move replaces under a second name (a hard link, `.<name>.<random>.tmp`);
2. writes the journal, `<out>/.commit.json` (fsynced): every move, and each replaced file's kept name;
3. moves the new files into place, one `os.replace` after another, run.json last;
4. removes the journal: from here on the folder is the new run's; then the kept files.

A move that fails (an `OSError`) undoes the moves before it: the kept files go back in place and
the journal is removed, and the error is raised. A run killed between 2 and 4 leaves the journal;
`settle`, which every run calls as soon as it holds the folder's lock (`pipeline.outdir.OutLock`),
before it reads or removes anything there, undoes what the journal lists, so that the folder is
the previous run's again. Undoing is idempotent: a run killed while it undoes is undone again.

This module imports nothing heavy: the lock settles the folder before a run's workers start.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path

from pipeline.write.tables import atomic_path

JOURNAL = ".commit.json"
LAST = "run.json"  # says what the files beside it came from: moved after every other file


def commit(out: Path, moves: list[tuple[str, Path]]) -> None:
    """Move each complete temporary file onto its place under `out` (see the module doc); a
    failure leaves the previous files in place and is raised."""
    out = Path(out)
    moves = sorted(moves, key=lambda m: Path(m[1]) == out / LAST)  # (stable: run.json last)
    entries: list[dict] = []
    try:
        for tmp, final in moves:
            entries.append({"tmp": _rel(out, tmp), "final": _rel(out, final), "kept": _keep(out, Path(final))})
        _sync_folders(out, entries)  # the kept files' names, before the journal that lists them
        with atomic_path(out / JOURNAL, "w", encoding="utf-8") as fh:
            json.dump({"moves": entries}, fh, indent=0)
        _sync_folders(out, [])
    except BaseException:
        for entry in entries:  # nothing moved yet: the kept names go, the new files stay staged
            if entry["kept"]:
                with contextlib.suppress(OSError):
                    os.unlink(out / entry["kept"])
        raise
    try:
        for entry in entries:
            _move(out / entry["tmp"], out / entry["final"])
        _sync_folders(out, entries)
    except BaseException:
        with contextlib.suppress(OSError):  # (undoing failed too: the journal stays, the next run undoes)
            _undo(out, entries)
        raise
    os.unlink(out / JOURNAL)  # the commit point
    _sync_folders(out, [])
    for entry in entries:
        if entry["kept"]:
            with contextlib.suppress(OSError):
                os.unlink(out / entry["kept"])


def settle(out: Path) -> bool:
    """Undo a commit that a killed run left half done (its journal is there); whether there was one."""
    out = Path(out)
    try:
        with open(out / JOURNAL, encoding="utf-8") as fh:
            journal = json.load(fh)
    except FileNotFoundError:
        return False
    except (OSError, ValueError):  # (written atomically: never seen cut short) nothing to act on
        journal = {}
    entries = [e for e in journal.get("moves", []) if isinstance(e, dict) and _safe(out, e)] if isinstance(journal, dict) else []
    _undo(out, entries)
    return True


def _move(tmp: Path, final: Path) -> None:
    os.replace(tmp, final)  # (one function, so that a test can fail or kill a move)


def _undo(out: Path, entries: list[dict]) -> None:
    """Put every replaced file back from its kept name, remove the files the commit added and the
    staged files not moved yet, then the journal. Safe to run again on what it leaves; a step that
    fails leaves the journal (the next run undoes again) and is raised once the others are done."""
    failed: list[OSError] = []
    for entry in reversed(entries):
        tmp, final = out / entry["tmp"], out / entry["final"]
        try:
            if entry["kept"]:
                kept = out / entry["kept"]
                if kept.exists():
                    os.replace(kept, final)  # (a no-op while final is still that file: kept stays)
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(kept)
            elif not tmp.exists():  # moved: a file the previous run did not have
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(final)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        except OSError as err:
            failed.append(err)
    _sync_folders(out, entries)
    if failed:
        raise failed[0]
    with contextlib.suppress(FileNotFoundError):
        os.unlink(out / JOURNAL)
    _sync_folders(out, [])


def _keep(out: Path, final: Path) -> str | None:
    """A second name for the file at `final`, beside it (relative to `out`); None when there is no
    file there (the commit adds it)."""
    kept = final.parent / f".{final.name}.{os.urandom(6).hex()}.tmp"
    try:
        os.link(final, kept)
    except FileNotFoundError:
        return None
    except OSError:  # a file system without hard links: a copy
        try:
            shutil.copy2(final, kept)
        except FileNotFoundError:
            return None
    return _rel(out, kept)


def _rel(out: Path, path) -> str:
    return Path(os.path.relpath(path, out)).as_posix()


def _safe(out: Path, entry: dict) -> bool:
    """A journal entry names files inside the output folder only."""
    kept = entry.get("kept")
    names = [entry.get("tmp"), entry.get("final")] + ([kept] if kept is not None else [])
    return all(isinstance(n, str) and n and not os.path.isabs(n) and ".." not in Path(n).parts for n in names)


def _sync_folders(out: Path, entries: list[dict]) -> None:
    """fsync the output folder and the folders of the entries' files (renames become durable)."""
    folders = {out} | {(out / e["final"]).parent for e in entries}
    for folder in folders:
        with contextlib.suppress(OSError):
            fd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
