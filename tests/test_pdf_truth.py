"""The real PDFs through the whole pipeline: every registry id of truth-dev.csv is found in its
paper, and a paper with none yields none; every PDF reads without an error."""
from __future__ import annotations

import csv
import shutil

import pytest

from conftest import shared_path
from pipeline.api import run_corpus


@pytest.fixture(scope="module")
def pdf_run(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("pdfs")
    for pdf in shared_path("pdfs").glob("*.pdf"):
        shutil.copy(pdf, corpus / pdf.name)
    out = tmp_path_factory.mktemp("pdf-run")
    run_corpus(corpus, out, workers=2, progress=False)
    with open(out / "evidence.csv", encoding="utf-8", newline="") as fh:
        evidence = list(csv.DictReader(fh))
    with open(out / "papers.csv", encoding="utf-8", newline="") as fh:
        papers = list(csv.DictReader(fh))
    return evidence, papers


def _truth() -> dict[str, set[str]]:
    with open(shared_path("pdfs", "truth-dev.csv"), encoding="utf-8", newline="") as fh:
        return {r["paper_id"]: {i for i in r["registry_ids"].split("|") if i} for r in csv.DictReader(fh)}


def test_every_truth_id_found_and_none_extra(pdf_run):
    evidence, _ = pdf_run
    found: dict[str, set[str]] = {}
    for e in evidence:
        ids = found.setdefault(e["paper_id"], set())
        if e["trial_id"] and not e["trial_id"].startswith("ref:"):
            ids.add(e["trial_id"])
        if e["field"] == "other_ids":
            ids.add(e["value"])
    truth = _truth()
    assert len(truth) == 10
    assert {p: found.get(p, set()) for p in truth} == truth


def test_every_pdf_is_read_with_pages(pdf_run):
    _, papers = pdf_run
    assert len(papers) == len(list(shared_path("pdfs").glob("*.pdf")))
    for p in papers:
        assert p["status"] in ("ok", "warning"), p
        assert p["kind"] == "pdf" and int(p["pages"]) > 0 and p["read_with"]
    evidence, _ = pdf_run
    assert evidence and all(e["page"] for e in evidence if e["trial_id"])
