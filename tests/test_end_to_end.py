"""End-to-end runs: the shared corpus against the hand-checked gold, the sample corpus, the CLI,
bad inputs, and the data package."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT, shared_path

THRESHOLDS = {
    "trial_id": 1.0, "phase": 0.95, "registry": 0.95, "status": 0.95, "enrollment": 0.95, "start_date": 0.95,
    "cell_source": 0.90, "donor": 0.90, "product": 0.90, "route": 0.90, "dose": 0.90,
    "dose_count": 0.85, "title": 0.85, "acronym": 0.85,
}


def _score(out: Path, table: bool) -> dict:
    score = shared_path("tools", "score.py")
    gold = shared_path("gold", "trials.jsonl")
    args = [sys.executable, str(score), "--out", str(out), "--gold", str(gold), "--json"] + (["--table"] if table else [])
    res = subprocess.run(args, capture_output=True, text=True, check=True)
    return json.loads(res.stdout)


@pytest.mark.parametrize("table", [False, True], ids=["evidence", "merged-table"])
@pytest.mark.parametrize("field", sorted(THRESHOLDS))
def test_shared_corpus_meets_thresholds(shared_run, gold_papers_run, field, table):
    _, out = gold_papers_run if table else shared_run
    rows = _score(out, table)
    r = rows[field]
    assert r["f1"] >= THRESHOLDS[field], f"{field}: F1 {r['f1']:.3f}; missed {r['missed'][:5]} extra {r['extra'][:5]}"


def test_every_gold_trial_is_in_the_table(shared_run):
    _, out = shared_run
    gold = {json.loads(line)["trial_id"] for line in shared_path("gold", "trials.jsonl").read_text().splitlines() if line.strip()}
    trials = {r["trial_id"] for r in csv.DictReader((out / "trials.csv").open(encoding="utf-8"))}
    assert gold <= trials


def test_every_paper_is_listed_ok(shared_run):
    summary, out = shared_run
    papers = list(csv.DictReader((out / "papers.csv").open(encoding="utf-8")))
    assert len(papers) == 5
    assert {p["status"] for p in papers} <= {"ok", "warning"}
    assert all((out / "texts" / f"{p['paper_id']}.txt").exists() for p in papers)


def test_evidence_offsets_point_into_the_written_text(shared_run):
    _, out = shared_run
    texts = {}
    for r in csv.DictReader((out / "evidence.csv").open(encoding="utf-8")):
        t = texts.setdefault(r["paper_id"], (out / "texts" / f"{r['paper_id']}.txt").read_text(encoding="utf-8"))
        s, e = int(r["char_start"]), int(r["char_end"])
        assert 0 <= s <= e <= len(t)
        assert " ".join(t[s:e].split()) == r["raw"], r


def test_csv_and_parquet_agree_and_lists_are_sorted(shared_run):
    _, out = shared_run
    pq = pd.read_parquet(out / "trials.parquet")
    rows = list(csv.DictReader((out / "trials.csv").open(encoding="utf-8")))
    assert len(pq) == len(rows)
    assert pq["enrollment"].dtype.name in ("Int64", "int64", "float64")
    for r in rows:
        for col in ("phase", "cell_source", "route", "sources"):
            items = [x for x in r[col].split("|") if x]
            assert items == sorted(items)


def test_datapackage_validates(shared_run):
    frictionless = pytest.importorskip("frictionless")
    _, out = shared_run
    report = frictionless.validate(out / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_sample_corpus_gives_a_useful_table(tmp_path):
    res = subprocess.run(
        [sys.executable, "-m", "pipeline", "--corpus", str(ROOT / "corpus"), "--out", str(tmp_path), "--quiet"],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert res.returncode == 0, res.stderr
    trials = {r["trial_id"]: r for r in csv.DictReader((tmp_path / "trials.csv").open(encoding="utf-8"))}
    assert len(trials) >= 10
    t = trials["NCT09000005"]
    assert (t["phase"], t["route"], t["dose_low"], t["dose_unit"], t["dose_count"]) == ("PHASE3", "intravenous", "2e+06", "cells/kg", "8")
    assert trials["ref:van-der-berg-2011"]["donor"] == "autologous"
    assert trials["NCT09000003"]["acronym"] == "CORDIAL-HF"


def test_cli_help_and_exit_codes(tmp_path):
    res = subprocess.run([sys.executable, "-m", "pipeline", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0 and "--corpus" in res.stdout and "Exit codes" in res.stdout
    res = subprocess.run([sys.executable, "-m", "pipeline", "--corpus", str(tmp_path / "nope"), "--out", str(tmp_path / "o")],
                         capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 2 and "does not exist" in res.stderr


def test_bad_inputs_are_reported_and_the_run_goes_on(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "good.txt").write_text("A phase 2 trial (NCT01234567) gave intravenous MSCs to 20 patients.", encoding="utf-8")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 10)
    (corpus / "latin1.txt").write_bytes("Phase 1 trial NCT07654321 in Malm\xf6, with 5 patients.".encode("latin-1"))
    (corpus / "big.txt").write_bytes(b"x" * 300_000)
    (corpus / "notes.docx").write_bytes(b"PK\x03\x04 not a paper")
    (corpus / "copy.txt").write_text("A phase 2 trial (NCT01234567) gave intravenous MSCs to 20 patients.", encoding="utf-8")
    from pipeline.run import RunOptions, run

    summary = run(corpus, tmp_path / "out", RunOptions(progress=False))
    papers = {p["paper_id"]: p for p in csv.DictReader((tmp_path / "out" / "papers.csv").open(encoding="utf-8"))}
    assert set(papers) == {"good", "empty", "binary", "latin1", "big", "notes", "copy"}
    assert sorted([papers["good"]["status"], papers["copy"]["status"]]) == ["ok", "warning"]
    assert papers["empty"]["status"] == "error" and "E101" in papers["empty"]["message"]
    assert papers["binary"]["status"] == "error" and "E102" in papers["binary"]["message"]
    assert papers["latin1"]["status"] == "warning" and "W201" in papers["latin1"]["message"]
    assert papers["big"]["status"] == "warning" and papers["big"]["message"] == "[W203] no trial found"  # one long line: read
    assert papers["notes"]["status"] == "error" and "E105" in papers["notes"]["message"]
    assert "W202" in papers["good"]["message"] + papers["copy"]["message"]  # the same paper twice: read once
    trials = {t["trial_id"] for t in summary.trials}
    assert trials == {"NCT01234567", "NCT07654321"}


def test_library_api(tmp_path):
    from pipeline import extract_text, run_corpus

    ev = extract_text("In a phase I trial (NCT01234567), 12 patients received 1 × 10^6 cells/kg intrathecally.")
    got = {(e.field, e.value) for e in ev if e.trial_id == "NCT01234567"}
    assert {("phase", "PHASE1"), ("route", "intrathecal"), ("enrollment", "12"), ("dose", "1e+06..1e+06 cells/kg")} <= got
    summary = run_corpus(ROOT / "corpus", tmp_path, progress=False)
    assert summary.trials and (tmp_path / "trials.parquet").exists()


TWO_IDS_TABLE = """Table 2  Trials in knee cartilage

NCT Number Title Phase Sponsor

NCT09000011
NCT09000012

Pretend Autologous/ Allogeneic Mesen-
chymal Cells for Knee Cartilage

Phase 1
Phase 2

Imaginary University

NCT09000013 Invented Stromal Cells in Hip Cartilage

Phase 2

Example Hospital
"""


def test_ids_that_end_their_block_take_the_title_of_the_rows_next_block():
    from pipeline.api import extract_text

    titles = {(ev.trial_id, ev.value) for ev in extract_text(TWO_IDS_TABLE, paper_id="t") if ev.field == "title"}
    assert titles == {
        ("NCT09000011", "Pretend Autologous/ Allogeneic Mesenchymal Cells for Knee Cartilage"),
        ("NCT09000012", "Pretend Autologous/ Allogeneic Mesenchymal Cells for Knee Cartilage"),
        ("NCT09000013", "Invented Stromal Cells in Hip Cartilage"),
    }
