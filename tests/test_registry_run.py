"""`--registry` end to end on the shared corpus and the real ClinicalTrials.gov export."""
from __future__ import annotations

import csv
import subprocess
import sys

import pytest

from conftest import ROOT, shared_path


def _rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def registry_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("registry-run")
    export = shared_path("registry") / "ctgov-export-msc-2022-09.csv"
    cmd = [sys.executable, "-m", "pipeline", "--corpus", str(shared_path("corpus")), "--out", str(out), "--quiet",
           "--registry", str(export), "--registry", str(out / "missing-export.csv")]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    export_ids = {r["NCT Number"] for r in _rows(export)}
    return out, done.stderr, export_ids


def test_paper_and_registry_disagree_on_phase(registry_run):
    out, _, _ = registry_run
    trials = {r["trial_id"]: r for r in _rows(out / "trials.csv")}
    row = trials["NCT04315987"]
    assert row["phase"] == "PHASE1"  # the table keeps the paper's value
    assert "phase" in row["registry_conflicts"].split("|")
    assert row["registry_status"] == "found"


def test_every_nct_id_the_export_holds_gets_registry_fields(registry_run):
    out, _, export_ids = registry_run
    trials = {r["trial_id"]: r for r in _rows(out / "trials.csv")}
    evidence = _rows(out / "evidence.csv")
    from_registry = {e["trial_id"] for e in evidence if e["extractor"] == "registry"}
    papers_of = {tid: set(r["sources"].split("|")) for tid, r in trials.items()}
    checked = [tid for tid, srcs in papers_of.items() if tid.startswith("NCT") and srcs & {"002_a2338971ffe56640", "003_b7d85293f6f733d7"}]
    assert len(checked) > 40
    for tid in checked:
        if tid in export_ids:
            assert trials[tid]["registry_status"] == "found", tid
            # the registry always has a title: a trial the papers give no title gets the registry's
            assert trials[tid]["title"], tid
        else:
            assert trials[tid]["registry_status"] == "not_in_export", tid
    assert {tid for tid in checked if tid in export_ids and not trials[tid]["title"]} == set()
    assert from_registry & set(checked)
    # registry rows never count as a paper mentioning the trial
    assert all("ctgov-export" not in r["sources"] for r in trials.values())
    assert all(r["registry_status"] == "" for tid, r in trials.items() if tid.startswith("ref:"))


def test_unreadable_export_is_reported_and_the_run_goes_on(registry_run):
    _, stderr, _ = registry_run
    assert "[E130]" in stderr and "missing-export.csv" in stderr
