"""Corrections end to end: a reviewer's file changes the next run's trials.csv; bad lines are reported."""
from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys

from conftest import ROOT


def _trials(out):
    with open(out / "trials.csv", encoding="utf-8", newline="") as fh:
        return {r["trial_id"]: r for r in csv.DictReader(fh)}


def _evidence(out):
    with open(out / "evidence.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _run(corpus, out, *args):
    cmd = [sys.executable, "-m", "pipeline", "--corpus", str(corpus), "--out", str(out), "--quiet", *args]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)


CORRECTIONS = """trial_id,field,action,value,reviewer,note
NCT09000001,donor,reject,allogeneic,ana,the table row is about the comparator arm
NCT09000002,phase,set,PHASE2,ana,registry record says phase 2
NCT09000003,cell_source,accept,umbilical_cord,ana,
NCT09999999,phase,set,PHASE1,ana,no such trial
NCT09000004,route,set,intravenus,ana,misspelt code
"""


def test_corrections_change_the_next_run_and_bad_lines_are_reported(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    out = tmp_path / "out"
    first = _run(corpus, out)
    assert first.returncode == 0, first.stderr
    before = _trials(out)
    assert before["NCT09000001"]["donor"] == "allogeneic"
    assert before["NCT09000002"]["phase"] == "PHASE1|PHASE2"

    (corpus / "corrections.csv").write_text(CORRECTIONS, encoding="utf-8")
    second = _run(corpus, out)
    assert second.returncode == 0, second.stderr
    after = _trials(out)
    assert after["NCT09000001"]["donor"] == ""  # rejected: left the trial
    assert after["NCT09000002"]["phase"] == "PHASE2"  # set: replaces both paper values
    assert after["NCT09000002"]["reviewed"] == "phase"
    assert after["NCT09000003"]["reviewed"] == "cell_source"
    assert "NCT09999999" not in after
    assert after["NCT09000004"]["route"] == before["NCT09000004"]["route"]  # the bad line changed nothing
    for tid in set(before) - {"NCT09000001", "NCT09000002", "NCT09000003"}:
        assert after[tid] == before[tid], tid
    evidence = _evidence(out)
    reviewer = [e for e in evidence if e["extractor"] == "reviewer"]
    assert [(e["trial_id"], e["field"], e["value"]) for e in reviewer] == [("NCT09000002", "phase", "PHASE2")]
    assert not [e for e in evidence if e["trial_id"] == "NCT09000001" and e["field"] == "donor"]
    # the paper's own phase rows stay in the evidence: they are what the paper says
    assert {e["value"] for e in evidence if e["trial_id"] == "NCT09000002" and e["field"] == "phase"} >= {"PHASE1", "PHASE2"}

    # both bad lines are reported on the terminal and in run.json, with their line numbers
    assert "line 5" in second.stderr and "NCT09999999" in second.stderr and "[C310]" in second.stderr
    assert "line 6" in second.stderr and "intravenus" in second.stderr and "[C312]" in second.stderr
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["corrections"]["applied"] == 3 and len(record["corrections"]["problems"]) == 2
    # nothing was extracted again: corrections apply at the merge
    assert record["extracted"] == 0
    strict = _run(corpus, tmp_path / "strict", "--strict")
    assert strict.returncode == 4


def test_corrections_file_given_explicitly_and_missing(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    given = tmp_path / "mine.csv"
    given.write_text("trial_id,field,action,value\nNCT09000005,enrollment,set,56\n", encoding="utf-8")
    done = _run(corpus, tmp_path / "out", "--corrections", str(given))
    assert done.returncode == 0, done.stderr
    assert _trials(tmp_path / "out")["NCT09000005"]["enrollment"] == "56"
    missing = _run(corpus, tmp_path / "out2", "--corrections", str(tmp_path / "nope.csv"))
    assert missing.returncode == 0 and "[C301]" in missing.stderr
