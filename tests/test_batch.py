"""Batch runs: only changed papers are extracted, any number of workers gives the same files,
a Dask cluster gives the same files, per-paper limits, and a run killed with -9 loses nothing."""
from __future__ import annotations

import csv
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import ROOT, shared_path
from pipeline.api import run_corpus
from pipeline.cache import Cache, fingerprint_of

OUTPUT_FILES = ("trials.csv", "trials.parquet", "evidence.csv", "evidence.parquet", "papers.csv", "papers.parquet",
                "datapackage.json", "run.json")
TABLE_FILES = OUTPUT_FILES[:-1]  # run.json also records how many papers were extracted

PAPER_A = """Cell therapy for knee osteoarthritis: a short review

The phase 2 trial NCT09100001 injected 4 × 10^7 autologous adipose-derived MSCs into the knee
joint of 24 patients. It was completed in 2019.
"""
PAPER_B = """Stromal cells after stroke

In the phase 1 study NCT09100002, allogeneic bone marrow MSCs were given intravenously at
1 × 10^6 cells/kg to 12 patients; the trial is recruiting.
"""
PAPER_C = """Lung injury

NCT09100003, a phase 1/2 trial of umbilical cord MSCs in ARDS, enrolled 40 patients.
"""


def _corpus(tmp_path: Path, papers: dict[str, str]) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    for name, text in papers.items():
        (corpus / name).write_text(text, encoding="utf-8")
    return corpus


def _read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _trial_ids(out: Path) -> set[str]:
    return {r["trial_id"] for r in _read_csv(out / "trials.csv")}


def _same_files(a: Path, b: Path, names=TABLE_FILES) -> None:
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


# -- incremental runs ---------------------------------------------------------------------------
def test_rerun_extracts_nothing_and_rebuilds_the_table(tmp_path):
    corpus = _corpus(tmp_path, {"a.txt": PAPER_A, "b.txt": PAPER_B})
    out = tmp_path / "out"
    first = run_corpus(corpus, out, progress=False)
    assert (first.extracted, first.cached) == (2, 0)
    before = {n: (out / n).read_bytes() for n in TABLE_FILES}
    (out / "trials.csv").unlink()  # the table is rebuilt even when nothing changed
    second = run_corpus(corpus, out, progress=False)
    assert (second.extracted, second.cached) == (0, 2)
    assert {n: (out / n).read_bytes() for n in TABLE_FILES} == before


def test_new_paper_is_extracted_alone_and_removed_paper_leaves(tmp_path):
    corpus = _corpus(tmp_path, {"a.txt": PAPER_A, "b.txt": PAPER_B})
    out = tmp_path / "out"
    run_corpus(corpus, out, progress=False)
    assert _trial_ids(out) == {"NCT09100001", "NCT09100002"}
    (corpus / "c.txt").write_text(PAPER_C, encoding="utf-8")
    added = run_corpus(corpus, out, progress=False)
    assert (added.extracted, added.cached) == (1, 2)
    assert _trial_ids(out) == {"NCT09100001", "NCT09100002", "NCT09100003"}
    (corpus / "a.txt").unlink()
    removed = run_corpus(corpus, out, progress=False)
    assert removed.extracted == 0
    assert _trial_ids(out) == {"NCT09100002", "NCT09100003"}
    assert [r["paper_id"] for r in _read_csv(out / "papers.csv")] == ["b", "c"]
    assert not (out / "texts" / "a.txt").exists()


@pytest.mark.parametrize("damage", ["empty", "cut short", "garbage"])
def test_unreadable_stored_result_is_extracted_again(tmp_path, damage):
    """Stored results are not fsynced (they can be made again): one cut short by a power cut, or
    damaged otherwise, is extracted again and the tables come out the same."""
    corpus = _corpus(tmp_path, {"a.txt": PAPER_A, "b.txt": PAPER_B})
    out = tmp_path / "out"
    run_corpus(corpus, out, progress=False)
    before = {n: (out / n).read_bytes() for n in TABLE_FILES}
    stored = sorted((out / ".cache").glob("*/*.arrow"))
    assert len(stored) == 2
    data = stored[0].read_bytes()
    stored[0].write_bytes({"empty": b"", "cut short": data[: len(data) // 2], "garbage": b"\x00junk" * 50}[damage])
    again = run_corpus(corpus, out, progress=False)
    assert (again.extracted, again.cached) == (1, 1)
    assert {n: (out / n).read_bytes() for n in TABLE_FILES} == before
    assert run_corpus(corpus, out, progress=False).extracted == 0  # stored again


def test_a_damaged_result_shared_by_two_names_is_extracted_once(tmp_path):
    corpus = _corpus(tmp_path, {"a.txt": PAPER_A, "b.txt": PAPER_A, "c.txt": PAPER_B})
    out = tmp_path / "out"
    run_corpus(corpus, out, progress=False)
    before = {n: (out / n).read_bytes() for n in TABLE_FILES}
    cache = Cache(out)
    cache._file((cache.content_hash(corpus / "a.txt"), "text")).write_bytes(b"")
    again = run_corpus(corpus, out, progress=False)
    assert (again.extracted, again.cached) == (1, 2)
    assert {n: (out / n).read_bytes() for n in TABLE_FILES} == before


def _edit_keeping_size_and_time(path: Path, text: str) -> None:
    """An edit the manifest cannot see (coarse timestamps, or an edit within one tick)."""
    st = path.stat()
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_content_that_changed_unseen_is_stored_under_the_hash_read(tmp_path):
    same_size = PAPER_A.replace("phase 2", "phase 3")
    corpus = _corpus(tmp_path, {"a.txt": PAPER_A, "b.txt": PAPER_A})
    out = tmp_path / "out"
    run_corpus(corpus, out, progress=False)
    for name in ("a.txt", "b.txt"):  # both change; the manifest still gives the old hash
        _edit_keeping_size_and_time(corpus / name, same_size)
    for f in (out / ".cache").glob("*/*.arrow"):  # and the old content's result is gone
        f.unlink()
    again = run_corpus(corpus, out, progress=False)
    assert again.extracted == 2  # a by the workers; b, its duplicate by the old hash, during the merge
    rows = {r["trial_id"]: r for r in _read_csv(out / "trials.csv")}
    assert rows["NCT09100001"]["phase"] == "PHASE3"
    cache = Cache(out)
    new_hash = hashlib.sha256(same_size.encode("utf-8")).hexdigest()
    assert [f.name for f in (out / ".cache").glob("*/*.arrow")] == [f"{new_hash}.text.arrow"]
    assert cache.has((new_hash, "text"))


def test_a_paper_that_vanishes_before_it_is_read_is_not_stored_as_an_error(tmp_path, monkeypatch):
    import pipeline.run as run_module

    corpus = _corpus(tmp_path, {"a.txt": PAPER_A})
    moved = tmp_path / "a.bak"
    make_engine = run_module.make_engine

    def moved_away(*args):  # after the run hashed the paper, before a worker reads it
        if (corpus / "a.txt").exists():
            (corpus / "a.txt").rename(moved)
        return make_engine(*args)

    monkeypatch.setattr(run_module, "make_engine", moved_away)
    first = run_corpus(corpus, tmp_path / "out", progress=False)
    assert first.papers[0].message.startswith("[E106]")
    monkeypatch.setattr(run_module, "make_engine", make_engine)
    moved.rename(corpus / "a.txt")
    again = run_corpus(corpus, tmp_path / "out", progress=False)
    assert again.extracted == 1 and again.papers[0].status == "ok"


def test_a_cache_the_workers_cannot_write_fails_the_run_and_keeps_the_old_files(tmp_path):
    corpus = _corpus(tmp_path, {"a.txt": PAPER_A})
    out = tmp_path / "out"
    run_corpus(corpus, out, progress=False)
    before = {n: (out / n).read_bytes() for n in OUTPUT_FILES}
    folder = next(p for p in (out / ".cache").iterdir() if p.is_dir())
    shutil.rmtree(folder)
    folder.write_text("not a folder", encoding="utf-8")
    (corpus / "a.txt").write_text(PAPER_A + "\nOne more line.\n", encoding="utf-8")
    with pytest.raises(OSError):
        run_corpus(corpus, out, progress=False)
    assert {n: (out / n).read_bytes() for n in OUTPUT_FILES} == before


def test_changed_paper_is_extracted_again(tmp_path):
    corpus = _corpus(tmp_path, {"a.txt": PAPER_A, "b.txt": PAPER_B})
    out = tmp_path / "out"
    run_corpus(corpus, out, progress=False)
    (corpus / "b.txt").write_text(PAPER_B.replace("NCT09100002", "NCT09100009"), encoding="utf-8")
    changed = run_corpus(corpus, out, progress=False)
    assert (changed.extracted, changed.cached) == (1, 1)
    assert _trial_ids(out) == {"NCT09100001", "NCT09100009"}


def test_renamed_paper_reuses_its_result_under_the_new_name(tmp_path):
    corpus = _corpus(tmp_path, {"a.txt": PAPER_A})
    out = tmp_path / "out"
    run_corpus(corpus, out, progress=False)
    (corpus / "a.txt").rename(corpus / "renamed.txt")
    again = run_corpus(corpus, out, progress=False)
    assert again.extracted == 0
    assert {r["paper_id"] for r in _read_csv(out / "evidence.csv")} == {"renamed"}
    assert _read_csv(out / "trials.csv")[0]["sources"] == "renamed"
    assert (out / "texts" / "renamed.txt").exists()


def test_same_content_twice_is_extracted_once_and_both_listed(tmp_path):
    corpus = _corpus(tmp_path, {"a.txt": PAPER_A, "copy_of_a.txt": PAPER_A})
    summary = run_corpus(corpus, tmp_path / "out", progress=False)
    assert summary.extracted == 1
    rows = {r["paper_id"]: r for r in _read_csv(tmp_path / "out" / "papers.csv")}
    assert rows["a"]["status"] == "ok"
    assert rows["copy_of_a"]["status"] == "warning" and "[W202]" in rows["copy_of_a"]["message"]


def test_fingerprint_changes_with_a_vocabulary_file(tmp_path):
    package = tmp_path / "pipeline"
    shutil.copytree(ROOT / "pipeline", package, ignore=shutil.ignore_patterns("__pycache__"))
    before = fingerprint_of(package)
    assert fingerprint_of(package) == before
    route = package / "vocab" / "route.yaml"
    route.write_text(route.read_text(encoding="utf-8") + "\n# a reviewer's new synonym\n", encoding="utf-8")
    assert fingerprint_of(package) != before


def test_new_pipeline_version_extracts_again(tmp_path, monkeypatch):
    import pipeline.cache

    corpus = _corpus(tmp_path, {"a.txt": PAPER_A})
    out = tmp_path / "out"
    run_corpus(corpus, out, progress=False)
    monkeypatch.setattr(pipeline.cache, "fingerprint", lambda: "another-version")
    again = run_corpus(corpus, out, progress=False)
    assert again.extracted == 1
    assert [p.name for p in (out / ".cache").iterdir() if p.is_dir()] == ["another-version"]


# -- workers ------------------------------------------------------------------------------------
def _mixed_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "mixed"
    shutil.copytree(shared_path("corpus"), corpus)
    for p in (ROOT / "corpus").iterdir():
        if p.suffix in (".txt", ".md"):
            shutil.copy(p, corpus / p.name)
    return corpus


def test_two_workers_write_the_same_bytes_as_one(tmp_path):
    corpus = _mixed_corpus(tmp_path)
    run_corpus(corpus, tmp_path / "one", workers=1, progress=False)
    run_corpus(corpus, tmp_path / "two", workers=2, progress=False)
    _same_files(tmp_path / "one", tmp_path / "two")
    for name in os.listdir(tmp_path / "one" / "texts"):
        assert (tmp_path / "one" / "texts" / name).read_bytes() == (tmp_path / "two" / "texts" / name).read_bytes()


# -- per-paper limits ---------------------------------------------------------------------------
LONG_PAPER = (PAPER_A + PAPER_B + PAPER_C) * 4000  # 1.9 MB: seconds of work even for a warm worker


def test_paper_over_the_time_limit_is_an_error_row_and_the_run_goes_on(tmp_path):
    # (the limit is checked every tenth of a second: a short paper on a warm worker may finish first)
    corpus = _corpus(tmp_path, {"long.txt": LONG_PAPER, "a.txt": PAPER_A})
    summary = run_corpus(corpus, tmp_path / "out", progress=False, timeout=0.5, workers=1)
    rows = {r["paper_id"]: r for r in _read_csv(tmp_path / "out" / "papers.csv")}
    assert rows["long"]["status"] == "error" and rows["long"]["message"].startswith("[E108] timed out after 0.5 s")
    assert summary.extracted == 2
    assert "NCT09100001" in _trial_ids(tmp_path / "out")  # the run went on
    # a time-out is not stored: with a sensible limit the next run extracts the paper
    again = run_corpus(corpus, tmp_path / "out", progress=False)
    assert again.extracted == 1 and _trial_ids(tmp_path / "out") == {"NCT09100001", "NCT09100002", "NCT09100003"}


def test_paper_over_the_memory_limit_is_an_error_row(tmp_path):
    corpus = _corpus(tmp_path, {"a.txt": PAPER_A})
    run_corpus(corpus, tmp_path / "out", progress=False, max_memory_mb=100)
    (row,) = _read_csv(tmp_path / "out" / "papers.csv")
    assert row["status"] == "error"
    assert row["message"].startswith("[E120] ran out of memory") or row["message"].startswith("[E109]"), row["message"]


def test_workers_are_stopped_before_the_pool_unlinks_its_locks(tmp_path, monkeypatch):
    """A worker still starting when the pool's named semaphores are unlinked cannot open them
    and prints a traceback to the run's stderr; the pool must stop its workers first."""
    import multiprocessing

    from pebble.pool.channel import ChannelMutex

    alive_at_unlink = []
    unlink = ChannelMutex.unlink

    def watched(self):
        alive_at_unlink.append([p.pid for p in multiprocessing.active_children() if "pebble" in p.name])
        return unlink(self)

    monkeypatch.setattr(ChannelMutex, "unlink", watched)
    # a timed-out paper gets a replacement worker just before the pool closes
    corpus = _corpus(tmp_path, {"a.txt": PAPER_A, "b.txt": PAPER_A + "\n"})
    run_corpus(corpus, tmp_path / "out", progress=False, workers=2, timeout=0.001)
    assert alive_at_unlink and all(pids == [] for pids in alive_at_unlink), alive_at_unlink


# -- interruption -------------------------------------------------------------------------------
def test_a_write_that_fails_on_the_writer_thread_fails_the_run_and_keeps_the_old_files(tmp_path, monkeypatch):
    from pipeline.write.stream import EvidenceSink

    corpus = _corpus(tmp_path, {"a.txt": PAPER_A, "b.txt": PAPER_B, "c.txt": PAPER_C})
    out = tmp_path / "out"
    run_corpus(corpus, out, progress=False)
    before = {n: (out / n).read_bytes() for n in OUTPUT_FILES}
    calls = []
    original = EvidenceSink.write_table

    def failing(self, table, csv_rows=None):
        calls.append(table.num_rows)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return original(self, table, csv_rows)

    monkeypatch.setattr(EvidenceSink, "write_table", failing)
    (corpus / "a.txt").write_text(PAPER_A + "\nA new line.\n", encoding="utf-8")
    with pytest.raises(OSError, match="No space left"):
        run_corpus(corpus, out, progress=False)
    assert {n: (out / n).read_bytes() for n in OUTPUT_FILES} == before
    assert not list(out.glob(".*.tmp"))


def _consistent(out: Path) -> dict:
    """The files of one run agree with each other (a mixed or half-written set would not)."""
    import json

    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    papers = _read_csv(out / "papers.csv")
    trials = _read_csv(out / "trials.csv")
    evidence = _read_csv(out / "evidence.csv")
    assert record["papers"] == len(papers) == pq.read_table(out / "papers.parquet").num_rows
    assert record["trials"] == len(trials) == pq.read_table(out / "trials.parquet").num_rows
    assert len(evidence) == pq.read_table(out / "evidence.parquet").num_rows
    assert {r["paper_id"] for r in evidence} <= {r["paper_id"] for r in papers}
    return record


def test_kill_9_keeps_previous_outputs_and_the_next_run_resumes(tmp_path):
    corpus = tmp_path / "big"
    corpus.mkdir()
    originals = sorted(shared_path("corpus").glob("*.txt"))
    for k in range(8):  # distinct contents, so each copy is a paper of its own
        for p in originals:
            (corpus / f"{p.stem}_copy{k}.txt").write_text(p.read_text(encoding="utf-8") + f"\n\nCopy {k}.\n", encoding="utf-8")
    total = 8 * len(originals)
    out = tmp_path / "out"
    # a complete earlier run on part of the corpus: its outputs must survive the kill
    small = tmp_path / "small"
    small.mkdir()
    for p in sorted(corpus.iterdir())[:3]:
        shutil.copy(p, small / p.name)
    run_corpus(small, out, progress=False)
    before = {n: (out / n).read_bytes() for n in OUTPUT_FILES}

    cmd = [sys.executable, "-m", "pipeline", "--corpus", str(corpus), "--out", str(out), "--workers", "1", "--quiet"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    cache_files = lambda: list((out / ".cache").glob("*/*.arrow"))  # noqa: E731
    deadline = time.monotonic() + 300
    while len(cache_files()) < 3 + 5 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be killed: make the corpus larger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done = len(cache_files())
    assert 3 + 5 <= done < total + 3

    assert {n: (out / n).read_bytes() for n in OUTPUT_FILES} == before  # run.json too
    _consistent(out)

    resumed = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    assert "Traceback" not in resumed.stderr
    record = _consistent(out)
    assert record["papers"] == total
    # finished papers are not redone (the three of the earlier run are no longer in the corpus)
    assert record["extracted"] <= total - (done - 3)
    assert not list(out.glob(".*.tmp")) and not list((out / ".cache").glob("*/.*.tmp"))
    fresh = tmp_path / "fresh"
    run_corpus(corpus, fresh, progress=False)
    _same_files(out, fresh, TABLE_FILES)


# -- Dask ---------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def dask_cluster(tmp_path):
    """A scheduler and two single-threaded workers on 127.0.0.1, started as a user would."""
    dask = Path(sys.executable).parent / "dask"
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs = tmp_path / "dask-logs"
    logs.mkdir()
    procs = [subprocess.Popen([str(dask), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                              stdout=open(logs / "scheduler.log", "w"), stderr=subprocess.STDOUT, start_new_session=True)]
    for k in range(2):
        procs.append(subprocess.Popen(
            [str(dask), "worker", address, "--nthreads", "1", "--no-dashboard", "--no-nanny", "--name", f"w{k}"],
            stdout=open(logs / f"worker{k}.log", "w"), stderr=subprocess.STDOUT, start_new_session=True))
    try:
        from distributed import Client

        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for p in reversed(procs):
            with_group = os.getpgid(p.pid) if p.poll() is None else None
            if with_group:
                os.killpg(with_group, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)


def test_dask_cluster_writes_the_same_files_as_a_local_run(tmp_path, dask_cluster):
    corpus = _mixed_corpus(tmp_path)
    run_corpus(corpus, tmp_path / "local", workers=2, progress=False)
    cmd = [sys.executable, "-m", "pipeline", "--corpus", str(corpus), "--out", str(tmp_path / "dask"),
           "--engine", "dask", "--scheduler", dask_cluster, "--quiet"]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    _same_files(tmp_path / "local", tmp_path / "dask", TABLE_FILES)
    # the workers enforce the per-paper limits too: a paper that takes seconds, even on a warm
    # worker, gets its E108 row (the limit is checked every tenth of a second, so a short paper on
    # a warm worker may finish before its check)
    long = _corpus(tmp_path, {"long.txt": LONG_PAPER, "a.txt": PAPER_A})
    cmd[cmd.index(str(corpus))] = str(long)
    cmd[cmd.index(str(tmp_path / "dask"))] = str(tmp_path / "dask-timeout")
    done = subprocess.run(cmd + ["--timeout", "0.5"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode in (0, 3), done.stderr
    rows = {r["paper_id"]: r for r in _read_csv(tmp_path / "dask-timeout" / "papers.csv")}
    assert rows["long"]["message"].startswith("[E108] timed out after 0.5 s"), rows["long"]
    assert rows["long"]["kind"] == "text"


# -- start-up -----------------------------------------------------------------------------------
# modules the run's own process does not import on its way to starting the workers: pyarrow and
# pandas alone take about 0.4 s, and every worker would wait for that. A thread imports them
# while the workers' fork server warms up (replaced here by a recorder, to see it is started).
LATE_MODULES = ("pyarrow", "pyarrow.parquet", "pandas", "numpy", "yaml", "pipeline.corrections", "pipeline.merge",
                "pipeline.write.report", "pipeline.write.stream")
STARTUP_CHECK = """
import sys
from pathlib import Path

import pipeline.cli
import pipeline.engine
import pipeline.run
from pipeline.cache import Cache

late = {late!r}
print("imported:", [m for m in late if m in sys.modules])


class PoolStarts(Exception):
    pass


def pool(**kw):
    raise PoolStarts([m for m in late if m in sys.modules])


started_imports = []
pipeline.engine._process_pool = pool
pipeline.run._import_the_rest = lambda: started_imports.append(True)
try:
    pipeline.run.run(Path(sys.argv[1]), Path(sys.argv[2]), pipeline.run.RunOptions(progress=False))
except PoolStarts as started:
    print("before the pool:", started.args[0])
    import threading
    for thread in threading.enumerate():
        if thread.name == "imports":
            thread.join()
    print("imports started:", started_imports)
"""


def test_the_worker_pool_starts_before_pyarrow_is_imported(tmp_path):
    corpus = _corpus(tmp_path, {"a.txt": PAPER_A})
    code = STARTUP_CHECK.format(late=LATE_MODULES)
    done = subprocess.run([sys.executable, "-c", code, str(corpus), str(tmp_path / "out")], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["imported: []", "before the pool: []", "imports started: [True]"], done.stdout


# -- progress -----------------------------------------------------------------------------------
def test_progress_bar_on_request_and_quiet_when_not_a_terminal(tmp_path):
    corpus = _corpus(tmp_path, {"a.txt": PAPER_A, "b.txt": PAPER_B})
    base = [sys.executable, "-m", "pipeline", "--corpus", str(corpus), "--workers", "1"]
    shown = subprocess.run(base + ["--out", str(tmp_path / "o1"), "--progress"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert shown.returncode == 0, shown.stderr
    assert "extracting: 100%" in shown.stderr and "2/2" in shown.stderr and "paper/s" in shown.stderr
    quiet = subprocess.run(base + ["--out", str(tmp_path / "o2")], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert quiet.returncode == 0, quiet.stderr
    assert "extracting" not in quiet.stderr and "%" not in quiet.stderr
    assert "2 papers (2 extracted, 0 unchanged, 0 with errors)" in quiet.stderr


def test_the_fork_server_warms_up_without_starting_threads():
    """Workers are forked from the process that imported `pipeline.warm`: it runs the stages and
    stores a result once, and must not start threads of its own doing (numpy's are there before)."""
    code = (
        "import os, numpy\n"
        "before = sorted(os.listdir('/proc/self/task'))\n"
        "import pipeline.warm, pyarrow\n"
        "after = sorted(os.listdir('/proc/self/task'))\n"
        "print(len(before), len(after), [open(f'/proc/self/task/{t}/comm').read().strip() for t in after])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    before, after, names = done.stdout.split(" ", 2)
    assert before == after, names


def test_a_run_with_nothing_new_starts_no_workers(tmp_path):
    corpus = _corpus(tmp_path, {"a.txt": PAPER_A})
    run_corpus(corpus, tmp_path / "out", progress=False)
    code = (
        "import sys\nfrom multiprocessing import forkserver\nfrom pipeline.api import run_corpus\n"
        "s = run_corpus(sys.argv[1], sys.argv[2], progress=False)\n"
        "print(s.extracted, forkserver._forkserver._forkserver_pid)\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(corpus), str(tmp_path / "out")], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0", "None"]
    (corpus / "b.txt").write_text(PAPER_B, encoding="utf-8")  # something new: the workers start
    done = subprocess.run([sys.executable, "-c", code, str(corpus), str(tmp_path / "out")], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.stdout.split()[0] == "1" and done.stdout.split()[1] != "None", done.stdout + done.stderr
