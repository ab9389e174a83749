"""Shared fixtures. Real inputs come from ../shared beside the repository; under CI=true a
missing ../shared is a failure, elsewhere a skip."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    p = SHARED.joinpath(*parts)
    if not p.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{p} is missing: CI needs ../shared beside the repository")
        pytest.skip(f"{p} not available")
    return p


@pytest.fixture(scope="session")
def shared_run(tmp_path_factory):
    """One pipeline run over ../shared/corpus, shared by the end-to-end tests."""
    from pipeline.run import RunOptions, run

    corpus = shared_path("corpus")
    out = tmp_path_factory.mktemp("shared-run")
    summary = run(corpus, out, RunOptions(progress=False))
    return summary, out


@pytest.fixture(scope="session")
def gold_papers_run(tmp_path_factory):
    """A run over only the papers the development gold annotates: the merged table is judged
    against the gold merged across those papers (a held-back paper's values would count as extra)."""
    import json
    import shutil

    from pipeline.run import RunOptions, run

    gold = shared_path("gold", "trials.jsonl")
    ids = {json.loads(l)["paper_id"] for l in gold.read_text().splitlines() if l.strip()}
    corpus = tmp_path_factory.mktemp("gold-corpus")
    for p in shared_path("corpus").iterdir():
        if p.stem in ids:
            shutil.copy(p, corpus / p.name)
    out = tmp_path_factory.mktemp("gold-run")
    return run(corpus, out, RunOptions(progress=False)), out


def tied(evidence, trial, field):
    """The values of one field that the evidence ties to one trial, sorted."""
    return sorted({e.value for e in evidence if e.trial_id == trial and e.field == field})
