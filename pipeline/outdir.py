"""What a run checks before it extracts anything, and the lock it holds on its output folder.

`check_run` validates the arguments (the library and the command line share it) and the output
folder: a folder, not a file; writable (a small file is written, fsynced and removed there, so a
read-only or full file system is found before any paper is read); not the corpus folder itself
(a folder inside the corpus is fine: the run leaves it out of the papers, `inside`). Each problem
is a `RunError` with its code and exit code.

`OutLock` is an exclusive `flock` on `<out>/.lock` for the whole run: a second run on the same
output folder stops at once with E147 (exit code 6) and touches nothing, so it never removes the
temporary files of the run that is writing. The lock goes with the process (even `kill -9`).
Holding it, a run first settles what a killed run may have left half done: a commit whose moves
had begun is undone (`pipeline.write.commit.settle`), before anything in the folder is read.

`writing` turns an `OSError` of the output folder into a `RunError`: disk full (or over quota)
is E146 (`DiskFullError`, exit code 5), a read-only or forbidden folder E144.
"""
from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

from pipeline.errors import DiskFullError, OutputError, RunError

LOCK_FILE = ".lock"
_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_FORBIDDEN = {errno.EACCES, errno.EPERM, errno.EROFS}


def check_options(options) -> None:
    """The per-run numbers the command line also refuses (one rule for both)."""
    rules = (
        ("workers", options.workers, isinstance(options.workers, int) and options.workers >= 1, "a whole number, at least 1"),
        ("timeout", options.timeout, _number(options.timeout) and options.timeout > 0, "a number of seconds above 0"),
        ("max_bytes", options.max_bytes, isinstance(options.max_bytes, int) and options.max_bytes >= 1, "a whole number of bytes, at least 1"),
        ("max_memory_mb", options.max_memory_mb, isinstance(options.max_memory_mb, int) and options.max_memory_mb >= 0,
         "a whole number of MB, 0 or more (0: no limit)"),
        ("engine", options.engine, options.engine in ("local", "dask"), "'local' or 'dask'"),
    )
    for name, value, ok, rule in rules:
        if not ok:
            raise RunError("E148", option=name, rule=rule, value=value)
    if options.engine == "dask" and not options.scheduler:
        raise RunError("E148", option="scheduler", rule="a Dask scheduler address with engine 'dask'", value=options.scheduler)


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def check_corpus(corpus: Path) -> None:
    try:
        info = os.stat(corpus)
    except OSError as err:
        if err.errno == errno.ENAMETOOLONG:
            raise RunError("E142", length=len(os.fsencode(corpus))) from None
        raise RunError("E140", path=str(corpus)) from None
    if not stat.S_ISDIR(info.st_mode):
        raise RunError("E141", path=str(corpus))


def check_out(out: Path, corpus: Path) -> None:
    """The output folder can hold a run's files (created if missing); see the module doc."""
    if out.exists() and not out.is_dir():
        raise RunError("E143", path=str(out))
    if os.path.realpath(out) == os.path.realpath(corpus):
        raise RunError("E145", path=str(out))
    with writing(out):
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".probe-{os.getpid()}.tmp"
        try:
            with open(probe, "wb") as fh:
                fh.write(b"\0" * 4096)
                fh.flush()
                os.fsync(fh.fileno())
        finally:
            with contextlib.suppress(OSError):
                os.unlink(probe)


def inside(path: Path, folder: Path) -> bool:
    """Whether `path` is `folder` or below it (both as the file system resolves them)."""
    real, top = os.path.realpath(path), os.path.realpath(folder)
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


@contextlib.contextmanager
def writing(out: Path):
    """An `OSError` while writing the outputs as a `RunError` (see the module doc)."""
    try:
        yield
    except RunError:
        raise
    except OSError as err:
        if err.errno in _FULL:
            raise DiskFullError(errno=err.errno, path=str(out), error=err.strerror or str(err)) from err
        if err.errno in _FORBIDDEN or isinstance(err, (NotADirectoryError, FileExistsError)):
            raise OutputError(errno=err.errno, path=str(out), error=_what(err)) from err
        raise


def _what(err: OSError) -> str:
    name = f" ({os.fsdecode(err.filename)})" if err.filename else ""
    return (err.strerror or str(err)) + name


class OutLock:
    """An exclusive lock on the output folder for one run (see the module doc)."""

    def __init__(self, out: Path):
        self.out = Path(out)
        self._fd: int | None = None

    def __enter__(self) -> "OutLock":
        import fcntl

        path = self.out / LOCK_FILE
        with writing(self.out):
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
            os.close(fd)
            raise RunError("E147", exit_code=6, path=str(self.out), holder=f" (process {holder})" if holder.isdigit() else "") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd
        try:
            from pipeline.write.commit import settle

            with writing(self.out):
                settle(self.out)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            os.close(self._fd)  # releases the lock (the file stays: removing it would race a new run)
            self._fd = None
