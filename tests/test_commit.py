"""One commit for a run: the output folder holds the previous run's files or the new run's, never a
mix. A run over a corpus whose papers changed (a paper edited so that its offsets move, one added,
one removed) is failed or killed (`kill -9`) while its files are moved into place, and at random
moments of the run; then every evidence row must point into the text beside it and run.json must
count the tables beside it. Papers are short texts written here (fictional ids NCT0920xxxx)."""
from __future__ import annotations

import csv
import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.outdir import OutLock
from pipeline.write.tables import text_file_name

ROOT = Path(__file__).resolve().parents[1]
JOURNAL = ".commit.json"  # (pipeline.write.commit.JOURNAL; named here so that the kill tests run on any version)
A = ("Stromal cells for knee osteoarthritis\n\n"
     "In a phase 2 trial (NCT09200001), 30 patients received intra-articular adipose MSCs. "
     "The trial was completed.\n")
B = ("Stromal cells for heart failure\n\n"
     "The phase 1 trial NCT09200002 gave intravenous bone marrow MSCs to 12 patients.\n")
C = ("Stromal cells for Crohn's disease\n\n"
     "A phase 3 trial (NCT09200003) randomised 212 patients to umbilical cord MSCs.\n")
# the edited paper: a paragraph before what it said (every offset moves) and one trial more
A_EDITED = ("Stromal cells for knee osteoarthritis, revised\n\n"
            "This revision adds a paragraph at the start, so that every value moves further on. "
            "In a phase 1 trial (NCT09200004), 10 patients received bone marrow MSCs intra-articularly.\n\n"
            + A.split("\n\n", 1)[1])
COMPARED = ("trials.csv", "trials.parquet", "evidence.csv", "evidence.parquet", "papers.csv", "papers.parquet",
            "codes.csv", "datapackage.json")  # (trials.xlsx records when it was written)

# a run of the command line whose k-th file move (os.replace) during the commit kills it, or fails
DRIVER = """
import os, signal, sys

from pipeline.write import stream
from pipeline.cli import main

if __name__ == "__main__":
    k, how = int(sys.argv[1]), sys.argv[2]
    real_replace, real_commit, count = os.replace, stream.Staged.commit, [0, False]

    def commit(self):
        count[1] = True
        return real_commit(self)

    def replace(src, dst, **kw):
        if count[1]:
            count[0] += 1
            if count[0] == k:
                if how == "kill":
                    os.kill(os.getpid(), signal.SIGKILL)
                raise OSError(5, "Input/output error (a failing disk)", str(dst))
        return real_replace(src, dst, **kw)

    stream.Staged.commit = commit
    os.replace = replace
    sys.exit(main(sys.argv[3:]))
"""


def _write(corpus: Path, files: dict[str, str]) -> None:
    corpus.mkdir(exist_ok=True)
    for old in corpus.iterdir():
        if old.name not in files:
            old.unlink()
    for name, text in files.items():
        (corpus / name).write_text(text, encoding="utf-8")


def _cli_args(corpus: Path, out: Path) -> list[str]:
    return ["--quiet", "--workers", "1", "--corpus", str(corpus), "--out", str(out)]


def _run(corpus: Path, out: Path) -> None:
    from pipeline import run_corpus

    run_corpus(corpus, out, progress=False, workers=1)


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _snapshot(out: Path) -> dict:
    files = {n: (out / n).read_bytes() for n in COMPARED}
    files.update({f"texts/{p.name}": p.read_bytes() for p in (out / "texts").glob("*.txt")})
    return files


def _check_consistent(out: Path) -> None:
    """Every evidence row's span in the text file beside it holds its raw text; run.json counts
    the papers and trials beside it; the Parquet files hold the CSV's rows; nothing half-done left."""
    import pyarrow.parquet as pq

    assert not (out / JOURNAL).exists()
    evidence = _rows(out / "evidence.csv")
    assert evidence
    for row in evidence:
        text = (out / "texts" / text_file_name(row["paper_id"])).read_text(encoding="utf-8")
        start, end = int(row["char_start"]), int(row["char_end"])
        assert 0 <= start <= end <= len(text), row
        assert " ".join(text[start:end].split()) == row["raw"], (row, text[start:end])
    papers, trials = _rows(out / "papers.csv"), _rows(out / "trials.csv")
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert (record["papers"], record["trials"]) == (len(papers), len(trials)), (record, papers, trials)
    assert {r["paper_id"] for r in evidence} <= {r["paper_id"] for r in papers}
    assert {r["trial_id"] for r in evidence if r["trial_id"]} == {r["trial_id"] for r in trials}
    # (temporary files, `.<name>.<random>.tmp`, are never read; the next run removes them)
    assert sorted(p.name for p in (out / "texts").glob("*.txt")) == sorted(text_file_name(r["paper_id"]) for r in papers)
    for name, rows in (("evidence", evidence), ("papers", papers), ("trials", trials)):
        assert pq.read_table(out / f"{name}.parquet").num_rows == len(rows), name


@pytest.fixture
def changed(tmp_path):
    """Outputs of a run over {a, b}, and the corpus changed to {a edited, c}."""
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    _write(corpus, {"a.txt": A, "b.txt": B})
    _run(corpus, out)
    _check_consistent(out)
    before = _snapshot(out)
    _write(corpus, {"a.txt": A_EDITED, "c.txt": C})
    return corpus, out, before


def _settle_and_check(corpus: Path, out: Path, before: dict) -> None:
    """What the next run does first (it takes the folder's lock), then the folder is one run's:
    the previous one, or the new one (as a clean run over the changed corpus writes it)."""
    with OutLock(out):
        pass
    _check_consistent(out)
    after = _snapshot(out)
    if after != before:
        _run(corpus, out)  # the changed corpus, from the stored results: the new run's files
        assert after == _snapshot(out), "the outputs are neither the previous run's nor the new run's"


@pytest.mark.parametrize("k", [1, 2, 5, 9, 15])
def test_a_run_killed_between_the_moves_of_its_commit_leaves_one_runs_outputs(tmp_path, changed, k):
    corpus, out, before = changed
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    res = subprocess.run([sys.executable, str(driver), str(k), "kill", *_cli_args(corpus, out)],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    if res.returncode != -signal.SIGKILL:
        assert res.returncode == 0, res.stderr  # (fewer moves than k: the run completed)
    _settle_and_check(corpus, out, before)


@pytest.mark.parametrize("k", [2, 8])
def test_a_move_that_fails_keeps_the_previous_outputs(tmp_path, changed, k):
    corpus, out, before = changed
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    res = subprocess.run([sys.executable, str(driver), str(k), "fail", *_cli_args(corpus, out)],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert res.returncode == 1 and "Input/output error" in res.stderr, res.stderr
    _check_consistent(out)  # as the failed run left it: no later run needed
    assert _snapshot(out) == before
    assert not [p for p in [*out.glob(".*.tmp"), *out.glob("texts/.*")]], "temporary files left"
    _run(corpus, out)
    _check_consistent(out)


def test_a_failing_move_in_the_library_raises_and_keeps_the_previous_outputs(changed, monkeypatch):
    from pipeline import run_corpus
    from pipeline.write import commit

    corpus, out, before = changed
    moves = []

    def failing(src, dst):
        moves.append(dst)
        if len(moves) == 6:
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(dst))
        os.replace(src, dst)

    monkeypatch.setattr(commit, "_move", failing)
    with pytest.raises(OSError) as err:
        run_corpus(corpus, out, progress=False, workers=1)
    assert err.value.errno == errno.EIO
    assert _snapshot(out) == before
    _check_consistent(out)
    assert Path(moves[0]).parent.name == "texts"  # the texts move with the tables


def test_run_json_is_moved_last(changed, monkeypatch):
    from pipeline import run_corpus
    from pipeline.write import commit

    corpus, out, _ = changed
    moves = []
    real = commit._move
    monkeypatch.setattr(commit, "_move", lambda src, dst: (moves.append(Path(dst).name), real(src, dst)))
    run_corpus(corpus, out, progress=False, workers=1)
    assert moves[-1] == "run.json" and {"a.txt", "c.txt", "evidence.csv", "trials.csv"} <= set(moves)
    assert "b.txt" not in os.listdir(out / "texts")  # the removed paper's text left after the commit
    _check_consistent(out)


def test_a_killed_run_is_undone_by_the_next_run_before_it_reads(tmp_path, changed):
    """The journal left by a run killed mid-commit is undone when the next run takes the lock, so
    that the next run's unchanged texts are judged against the files the old tables point to."""
    corpus, out, before = changed
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    res = subprocess.run([sys.executable, str(driver), "6", "kill", *_cli_args(corpus, out)],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert res.returncode == -signal.SIGKILL
    assert (out / JOURNAL).exists()
    _run(corpus, out)
    _check_consistent(out)
    assert {r["trial_id"] for r in _rows(out / "trials.csv")} == {"NCT09200001", "NCT09200003", "NCT09200004"}


def test_a_real_kill_at_any_moment_of_a_run_over_changed_papers(tmp_path):
    """SIGKILL at growing delays after the run starts writing; each time the folder is checked,
    and the corpus is changed again for the next try, until a run completes."""
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    versions = [{"a.txt": A, "b.txt": B}, {"a.txt": A_EDITED, "c.txt": C}]
    _write(corpus, versions[0])
    _run(corpus, out)
    cmd = [sys.executable, "-m", "pipeline", *_cli_args(corpus, out)]
    delay, kills, tries = 0.0, 0, 0
    while tries < 40:
        tries += 1
        version = versions[tries % 2]
        # an edit each time (a numbered line), so that the papers always differ from the outputs
        _write(corpus, {n: f"Revision {tries}.\n\n{t}" for n, t in version.items()})
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while proc.poll() is None and not list(out.glob(".evidence.csv.*.tmp")) and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        code = proc.wait(timeout=120)
        proc.stderr.close()
        if code == -signal.SIGKILL:
            kills += 1
            with OutLock(out):
                pass
            _check_consistent(out)
            delay += 0.03
        else:
            assert code == 0
            _check_consistent(out)
            if kills >= 3:
                break
            delay = max(0.0, delay - 0.1)
    assert kills >= 3, "the run was never killed while writing"
