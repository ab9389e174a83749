"""Where the per-paper stages run: worker processes on this machine, or a Dask cluster.

Both engines take the same `Task`s and yield `(index, PaperResult)` as papers finish; the run
puts the results back in corpus order, so the output does not depend on the engine or the
number of workers.

Each paper runs in a worker process with a time limit (the worker is killed and replaced when a
paper takes longer; the paper gets an E108 row) and an address-space limit (a paper that needs
more gets an E120 row instead of taking the machine's memory). Process pools come from `pebble`,
the cluster from `dask.distributed`.
"""
from __future__ import annotations

import contextlib
import tempfile
import uuid
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from pipeline.errors import message
from pipeline.ingest.text import kind_of, paper_id_of
from pipeline.models import PaperResult

DEFAULT_MAX_MEMORY_MB = 4096


@dataclass(frozen=True)
class Task:
    index: int
    path: str
    max_bytes: int
    timeout: float
    max_memory_mb: int
    store: tuple[str, str] | None = None  # (cache folder, kind): the worker stores the result there


def _limit_memory(max_memory_mb: int) -> None:
    """Cap this process's address space, so a runaway parse raises MemoryError here."""
    if not max_memory_mb:
        return
    import resource

    limit = max_memory_mb * 1024 * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _init_worker(max_memory_mb: int) -> None:
    _limit_memory(max_memory_mb)


def _process_pool(**kw):
    """A pebble ProcessPool whose workers are stopped before the pool unlinks its channel locks.

    pebble (5.2) closes the channels, unlinking their named semaphores, and only then stops the
    workers; a worker that is still starting at that moment (a replacement for one killed on a
    timeout or the memory cap) fails to open the semaphore and prints a traceback to the run's
    stderr. Stopping the workers first removes the race."""
    from pebble import ProcessPool

    class Pool(ProcessPool):
        def _stop_pool(self):
            loop = getattr(self, "_pool_manager_loop", None)
            workers = getattr(getattr(self, "_pool_manager", None), "worker_manager", None)
            if loop is not None and hasattr(workers, "force_stop_workers"):
                loop.join()  # no more replacement workers
                workers.force_stop_workers()
            super()._stop_pool()

    return Pool(**kw)


def _process(path: str, max_bytes: int, store: tuple[str, str] | None = None) -> PaperResult:
    """One paper, in a worker: its result is serialized for the cache, so the workers do all the
    per-paper work. With `store` (a local run: the cache folder and the paper's kind) the worker
    writes the cache file itself (`stored_as`), under the hash of the content it read; otherwise
    the bytes come back (`stored`)."""
    from pipeline.paper import process_paper
    from pipeline.cache import result_bytes, result_file_name, storable, write_result

    result = process_paper(path, max_bytes)
    result.stored = result_bytes(result)
    if store and result.sha256 and storable(result):
        name = result_file_name((result.sha256, store[1]))
        try:
            write_result(Path(store[0]) / name, result)
        except OSError:  # the bytes go back: the run stores them, or fails saying why
            pass
        else:
            result.stored, result.stored_as = None, name
    result.evidence, result.text = [], ""
    return result


def _failed(task: Task, code: str, **kw) -> PaperResult:
    path = Path(task.path)
    return PaperResult(
        paper_id=paper_id_of(path), path=task.path, kind=kind_of(path),
        status="error", message=message(code, **kw),
    )


def _outcome(task: Task, future) -> PaperResult:
    from pebble import ProcessExpired

    try:
        return future.result()
    except FutureTimeout:
        return _failed(task, "E108", seconds=task.timeout)
    except MemoryError:
        return _failed(task, "E120", limit=task.max_memory_mb)
    except ProcessExpired as err:  # killed by the system (e.g. out of memory) or crashed
        if task.max_memory_mb and err.exitcode in (-6, -9):
            # a native parser aborts (SIGABRT) when an allocation fails under the cap; the kernel's
            # out-of-memory killer sends SIGKILL
            return _failed(task, "E120", limit=task.max_memory_mb)
        return _failed(task, "E109", error=f"worker process ended with exit code {err.exitcode}")
    except Exception as err:  # the result could not come back (e.g. not picklable): a bug
        return _failed(task, "E109", error=f"{type(err).__name__}: {err}")


class LocalEngine:
    """`workers` processes on this machine."""

    def __init__(self, workers: int):
        self.workers = max(1, workers)

    @staticmethod
    def _context():
        import multiprocessing

        # forkserver: workers start from a clean process that has imported the pipeline once,
        # not from a copy of this one (which may hold threads of pyarrow or the progress bar)
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["pipeline.warm"])  # imports and warms up the stages once
        return ctx

    def start(self) -> None:
        """Start the fork server now: it warms up (about a second) while the run hashes files."""
        from multiprocessing import forkserver

        self._context()
        forkserver.ensure_running()

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[int, PaperResult]]:
        tasks = list(tasks)
        if not tasks:
            return
        with _main_without_a_missing_file():
            yield from self._run(tasks)

    def _run(self, tasks: list[Task]) -> Iterator[tuple[int, PaperResult]]:
        ctx = self._context()
        max_memory = tasks[0].max_memory_mb
        with _process_pool(max_workers=min(self.workers, len(tasks)), initializer=_init_worker,
                           initargs=(max_memory,), context=ctx) as pool:
            futures = {pool.schedule(_process, args=(t.path, t.max_bytes, t.store), timeout=t.timeout): t for t in tasks}
            from concurrent.futures import as_completed

            for future in as_completed(futures):
                task = futures[future]
                yield task.index, _outcome(task, future)


@contextlib.contextmanager
def _main_without_a_missing_file():
    """A worker process runs the caller's main script again from its file, unless the main module
    has none. The workers need nothing of it: a script read from standard input (`python - <<EOF`:
    `__file__` is "<stdin>", no file) would make every worker fail, and a script without an
    `if __name__ == "__main__"` guard would start its run again in each worker. So the name is
    hidden while the workers start (a notebook's or `python -c`'s main module has none anyway; a
    module run with `-m` is not run again by the workers)."""
    import sys

    main = sys.modules.get("__main__")
    name = getattr(main, "__file__", None)
    hide = isinstance(name, str) and getattr(main, "__spec__", None) is None
    if hide:
        del main.__file__
    try:
        yield
    finally:
        if hide:
            main.__file__ = name


# -- Dask ---------------------------------------------------------------------------------------
_WORKER_POOL = None


def _worker_pool(max_memory_mb: int):
    """One single-process pool per Dask worker process, so the per-paper limits hold there too.
    A Dask worker started by a nanny is a daemon process, which may not start children: then
    the paper runs in the worker itself (start workers with `--no-nanny` to keep the limits)."""
    global _WORKER_POOL
    if _WORKER_POOL is None:
        import multiprocessing

        if multiprocessing.current_process().daemon:
            _WORKER_POOL = False
        else:
            _WORKER_POOL = _process_pool(max_workers=1, initializer=_init_worker, initargs=(max_memory_mb,),
                                         context=multiprocessing.get_context("spawn"))
    return _WORKER_POOL


def _dask_task(task: Task, name: str, content: bytes) -> PaperResult:
    """Runs on a Dask worker: the paper's bytes travel with the task, so workers need no access
    to the client's files. The file is written under its own name (its id and type come from it)."""
    with tempfile.TemporaryDirectory(prefix="msc-paper-") as tmp:
        local = Path(tmp) / name
        local.write_bytes(content)
        path = str(local)
        pool = _worker_pool(task.max_memory_mb)
        if pool:
            result = _outcome(task, pool.schedule(_process, args=(path, task.max_bytes), timeout=task.timeout))
        else:
            result = _process(path, task.max_bytes)
    result.path = task.path
    return result


class DaskEngine:
    """The per-paper stages on an existing dask.distributed cluster."""

    def __init__(self, scheduler: str):
        self.scheduler = scheduler

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[int, PaperResult]]:
        tasks = list(tasks)
        if not tasks:
            return
        from distributed import Client, as_completed

        with Client(self.scheduler, timeout="30s") as client:
            futures = {}
            for t in tasks:
                content = _read_for_transfer(Path(t.path), t.max_bytes)
                if content is None:  # not a regular file or too large: the reader says so here
                    yield t.index, _process(t.path, t.max_bytes)
                    continue
                f = client.submit(_dask_task, t, Path(t.path).name, content, pure=False,
                                  key=f"paper-{t.index}-{uuid.uuid4().hex}")
                futures[f] = t
            for future in as_completed(futures):
                task = futures[future]
                try:
                    result = future.result()
                except Exception as err:  # the worker died or the task failed to run
                    result = _failed(task, "E109", error=f"{type(err).__name__}: {err}")
                future.release()
                yield task.index, result


def _read_for_transfer(path: Path, max_bytes: int) -> bytes | None:
    """The file's bytes, or None for anything the reader must judge itself (not a regular
    file, unreadable, too large: the reader gives the error without reading it)."""
    import stat as st

    try:
        info = path.stat()
        if not st.S_ISREG(info.st_mode) or info.st_size > max_bytes:
            return None
        return path.read_bytes()
    except OSError:
        return None


def make_engine(engine: str, workers: int, scheduler: str | None):
    if engine == "dask":
        return DaskEngine(scheduler)
    return LocalEngine(workers)
