"""The output files as other tools load them: pandas (defaults), Parquet, DuckDB, frictionless and a
spreadsheet read the same values and types; the data package's codes, keys and enums; corpus
hygiene (README-like, hidden and excluded files); the CLI's --version, sizes and name."""
from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from conftest import ROOT
from pipeline import vocab
from pipeline.codes import CODED_FIELDS, allowed, code_rows, codes
from pipeline.schema import (
    CODE_COLUMNS, EVIDENCE_COLUMNS, PAPER_COLUMNS, PHASES, STATUSES, TRIAL_COLUMNS,
)

TABLES = {"trials": TRIAL_COLUMNS, "evidence": EVIDENCE_COLUMNS, "papers": PAPER_COLUMNS, "codes": CODE_COLUMNS}

# written for these tests: made-up trials and ids
NA_PAPER = """Devices and cells without a phase: a made-up review

Table 1. Registered studies
NCT number | Condition | Phase | Status | Patients
NCT09200001 | Lung adenocarcinoma | Not applicable | Recruiting | 30
NCT09200002 | Knee osteoarthritis | Phase 1/2 | Completed | 24

In the phase 2 trial NCT09200003, 1 × 10^6 cells/kg of allogeneic umbilical cord MSCs were given
intravenously to 40 patients with ARDS.
"""
HAND_WRITTEN_README = """# My corpus

Papers for the MSC review. Trials I am following: NCT09299991 (phase 2), NCT09299992 (phase 3,
intravenous bone marrow MSCs), NCT09299993.
"""


@pytest.fixture(scope="module")
def run_out(tmp_path_factory):
    """A run over the sample corpus plus a paper with a not-applicable phase, a README.md, a
    LICENSE, a hidden file and files excluded by --exclude and by the corpus's ignore file."""
    from pipeline.run import RunOptions, run

    corpus = tmp_path_factory.mktemp("corpus")
    for p in (ROOT / "corpus").iterdir():
        if p.is_file():
            shutil.copy(p, corpus / p.name)
    (corpus / "na_review.txt").write_text(NA_PAPER, encoding="utf-8")
    (corpus / "README.md").write_text(HAND_WRITTEN_README, encoding="utf-8")
    (corpus / "LICENSE.txt").write_text("Copyright: " + HAND_WRITTEN_README, encoding="utf-8")
    (corpus / ".notes.txt").write_text(HAND_WRITTEN_README, encoding="utf-8")
    (corpus / "drafts").mkdir()
    (corpus / "drafts" / "draft.txt").write_text(HAND_WRITTEN_README, encoding="utf-8")
    (corpus / "old-review.txt").write_text(HAND_WRITTEN_README, encoding="utf-8")
    (corpus / ".msc-trials-ignore").write_text("# not papers\nold-*.txt\n", encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    summary = run(corpus, out, RunOptions(progress=False, exclude=["drafts/"]))
    return summary, out


# -- codes ---------------------------------------------------------------------------------------
def _missing_tokens() -> set[str]:
    """pandas' default missing-value strings, and R's (read.csv: "NA"; readr adds "")."""
    from pandas._libs.parsers import STR_NA_VALUES

    return {t.casefold() for t in STR_NA_VALUES} | {"na"}


def _every_code() -> set[tuple[str, str]]:
    found = set()
    for path in (ROOT / "pipeline" / "vocab").glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        found |= {(path.name, str(e["code"])) for e in data["entries"]}
    for name, columns in TABLES.items():
        for c in columns:
            found |= {(f"{name}.{c[0]}", code) for code in (allowed(c) or ())}
    return found


def test_no_code_is_a_default_missing_value_token():
    tokens = _missing_tokens()
    assert "NOT_APPLICABLE" in PHASES and "NA" not in PHASES
    bad = sorted((where, code) for where, code in _every_code() if code.casefold() in tokens or not code.strip())
    assert bad == []


def test_the_check_sees_a_missing_value_token():
    assert "NA".casefold() in _missing_tokens() and "N/A".casefold() in _missing_tokens()
    assert ("registry_phase.yaml", "NOT_APPLICABLE") in _every_code()


def test_schema_codes_are_the_vocabularies_codes():
    assert tuple(c.code for c in codes("phase")) == PHASES
    assert {e.code for e in vocab.load("registry_phase").entries} == set(PHASES)
    assert {e.code for e in vocab.load("status").entries} == set(STATUSES)
    assert {c.label for c in codes("phase")} >= {"Phase 1", "Not applicable"}


def test_codes_rows_carry_labels_and_ontology_ids():
    rows = {(r["field"], r["code"]): r for r in code_rows()}
    assert {r["field"] for r in rows.values()} == set(CODED_FIELDS)
    assert rows[("route", "intra_articular")]["label"] == "Intra-articular"
    assert rows[("route", "intravenous")]["ontology_id"] == "NCIT:C38276"
    assert rows[("phase", "EARLY_PHASE1")]["label"] == "Early Phase 1"
    assert rows[("registry", "ctgov")]["label"] == "ClinicalTrials.gov"
    assert rows[("conditions", "multiple sclerosis")]["ontology_id"] == "MONDO:0005301"
    assert len(rows) == len(code_rows())  # (field, code) is the key


def test_conditions_vocabulary_holds_the_registry_export_conditions():
    v = vocab.load("conditions")
    for name in ("bronchopulmonary dysplasia", "liver cirrhosis", "critical limb ischemia", "lupus nephritis"):
        assert v.code_of(name), name
    assert v.code_of("Spinal Cord Injuries") == v.code_of("spinal cord injury")


# -- conditions ---------------------------------------------------------------------------------
def test_an_unmatched_printed_condition_is_kept_as_cleaned_text(run_out):
    summary, _ = run_out
    by_id = {t["trial_id"]: t for t in summary.trials}
    assert "lung adenocarcinoma" in by_id["NCT09200001"]["conditions"]  # no vocabulary entry
    assert by_id["NCT09200002"]["conditions"] == ["knee osteoarthritis"]  # the vocabulary's code
    assert by_id["NCT09200001"]["phase"] == ["NOT_APPLICABLE"]


def test_condition_cell_needs_one_free_block():
    from pipeline.extract.conditions import clean_condition, condition_cell
    from pipeline.models import Mention

    row = "Intravenous Somewhere Hospital\n\n Recurrent  Lung\nAdenocarcinoma,\n\nPhase 1/2"
    found = [Mention("route", "intravenous", 0, 11, "Intravenous", "vocab"),
             Mention("phase", "PHASE1", row.index("Phase"), len(row), "Phase 1/2", "phases")]
    [m] = condition_cell(row, found)
    assert m.value == "recurrent lung adenocarcinoma" and row[m.start:m.end].startswith("Recurrent")
    assert condition_cell(row, found[:1]) == []  # two blocks without a value: which one is unknown
    assert clean_condition(" Type 2\n diabetes; ") == "type 2 diabetes"


# -- loading the tables --------------------------------------------------------------------------
def _canon(value, ftype: str, is_list: bool):
    """One cell as a Python value, whatever reader gave it: lists as lists of str, None for missing."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if is_list:
        items = value.split("|") if isinstance(value, str) else [str(v) for v in value]
        return sorted(items) or None
    if ftype == "integer":
        assert float(value) == int(value)
        return int(value)
    if ftype == "number":
        return float(value)
    return str(value)


def _table(rows, columns) -> list[tuple]:
    return [tuple(_canon(r[c[0]], c[1], c[2]) for c in columns) for r in rows]


@pytest.mark.parametrize("name", list(TABLES))
def test_pandas_duckdb_and_frictionless_read_what_parquet_holds(run_out, name):
    duckdb = pytest.importorskip("duckdb")
    frictionless = pytest.importorskip("frictionless")
    _, out = run_out
    columns = TABLES[name]
    parquet = pd.read_parquet(out / f"{name}.parquet")
    csv = pd.read_csv(out / f"{name}.csv")  # pandas defaults
    expected = _table(parquet.to_dict("records"), columns)
    assert expected and _table(csv.to_dict("records"), columns) == expected
    con = duckdb.connect()
    for source in (f"read_parquet('{out / name}.parquet')", f"read_csv('{out / name}.csv')"):
        rel = con.sql(f"select * from {source}")
        rows = [dict(zip(rel.columns, r)) for r in rel.fetchall()]
        assert _table(rows, columns) == expected, source
    package = frictionless.Package(str(out / "datapackage.json"))
    rows = [r.to_dict() for r in package.get_resource(name).read_rows()]
    assert _table(rows, columns) == expected

    # the types: Parquet and DuckDB know integers and lists; pandas reads no code as missing
    pq_types = dict(con.sql(f"describe select * from read_parquet('{out / name}.parquet')").fetchall()[i][:2]
                    for i in range(len(columns)))
    for col, ftype, is_list, *_ in columns:
        if is_list:
            assert pq_types[col] == "VARCHAR[]", col
        elif ftype == "integer":
            assert str(parquet[col].dtype) == "Int64" and pq_types[col] == "BIGINT", col
            assert pd.api.types.is_numeric_dtype(csv[col]) or csv[col].isna().all(), col
        elif ftype == "number":
            assert pq_types[col] == "DOUBLE" and pd.api.types.is_float_dtype(parquet[col]), col
        else:
            assert pq_types[col] == "VARCHAR", col
    con.close()
    if name == "trials":
        assert (csv["phase"].dropna().str.contains("NOT_APPLICABLE")).any()
        assert parquet["phase"].isna().sum() == csv["phase"].isna().sum()


def test_missing_values_are_null_in_parquet(run_out):
    import pyarrow.parquet as pq

    _, out = run_out
    evidence = pq.read_table(out / "evidence.parquet")
    trial_id = evidence.column("trial_id").to_pylist()
    assert None in trial_id and "" not in trial_id  # a value tied to no trial
    for name in TABLES:
        table = pq.read_table(out / f"{name}.parquet")
        for column in table.columns:
            values = column.to_pylist()
            assert "" not in values and [] not in values, (name, column)


def test_the_workbook_has_each_table_typed_with_a_frozen_header(run_out):
    openpyxl = pytest.importorskip("openpyxl")
    _, out = run_out
    book = openpyxl.load_workbook(out / "trials.xlsx", read_only=False)
    assert book.sheetnames == list(TABLES)
    for name, columns in TABLES.items():
        ws = book[name]
        assert ws.freeze_panes == "A2"
        header = [c.value for c in ws[1]]
        assert header == [c[0] for c in columns]
        expected = _table(pd.read_parquet(out / f"{name}.parquet").to_dict("records"), columns)
        rows = [dict(zip(header, (c.value for c in r))) for r in ws.iter_rows(min_row=2)]
        assert _table(rows, columns) == expected, name
    trials = book["trials"]
    enrollment = [r[0].value for r in trials.iter_rows(min_row=2, min_col=10, max_col=10) if r[0].value is not None]
    assert enrollment and all(isinstance(v, int) for v in enrollment)


# -- the data package ------------------------------------------------------------------------------
def _validate(path: Path):
    frictionless = pytest.importorskip("frictionless")
    return frictionless.validate(str(path))


def test_the_data_package_validates_and_describes_codes_keys_and_files(run_out):
    _, out = run_out
    report = _validate(out / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    dp = json.loads((out / "datapackage.json").read_text())
    assert "licenses" not in dp and dp["sources"]
    assert {s["title"] for s in dp["sources"]} >= {"Devices and cells without a phase: a made-up review"}
    assert "own licences" in dp["description"]
    res = {r["name"]: r for r in dp["resources"]}
    assert set(res) == set(TABLES)
    fields = {f["name"]: f for f in res["trials"]["schema"]["fields"]}
    for col in ("registry", "status", "dose_unit", "registry_status"):
        assert fields[col]["constraints"]["enum"], col
    for col in ("phase", "route", "cell_source", "donor", "product"):
        assert fields[col]["type"] == "list" and fields[col]["delimiter"] == "|" and fields[col]["itemEnum"], col
    assert "NOT_APPLICABLE" in fields["phase"]["itemEnum"]
    assert fields["conditions"]["type"] == "list" and "itemEnum" not in fields["conditions"]
    assert res["trials"]["schema"]["primaryKey"] == ["trial_id"]
    fks = {fk["fields"][0]: fk["reference"]["resource"] for fk in res["evidence"]["schema"]["foreignKeys"]}
    assert fks == {"trial_id": "trials", "paper_id": "papers"}
    assert res["codes"]["schema"]["primaryKey"] == ["field", "code"]
    for written in ("<table>.parquet", "trials.xlsx", "report.html", "run.json", "texts/<paper>.txt"):
        assert written in dp["description"], written
    assert all(r["path"] == f"{r['name']}.csv" and (out / r["path"]).is_file() for r in dp["resources"])


def _edited_copy(out: Path, tmp_path: Path, table: str, column: str, value: str) -> Path:
    copy_dir = tmp_path / "edited"
    shutil.copytree(out, copy_dir, ignore=shutil.ignore_patterns(".cache", "texts"))
    frame = pd.read_csv(copy_dir / f"{table}.csv", dtype=str, keep_default_na=False)
    frame.loc[0, column] = value
    frame.to_csv(copy_dir / f"{table}.csv", index=False)
    return copy_dir / "datapackage.json"


@pytest.mark.parametrize("table, column, value, error", [
    ("trials", "status", "FINISHED", "constraint-error"),  # not a status code
    ("trials", "registry", "clinicaltrials", "constraint-error"),
    ("evidence", "trial_id", "NCT00000000", "foreign-key"),  # no such trial
    ("evidence", "paper_id", "no-such-paper", "foreign-key"),
    ("codes", "code", "intravenous", "primary-key"),  # a second (route, intravenous) row... or another field's
])
def test_a_wrong_value_in_an_edited_copy_fails_validation(run_out, tmp_path, table, column, value, error):
    _, out = run_out
    if table == "codes":  # make row 0 a duplicate of the route's intravenous row
        dp = _edited_copy(out, tmp_path, table, "field", "route")
        frame = pd.read_csv(dp.parent / "codes.csv", dtype=str, keep_default_na=False)
        frame.loc[0, column] = value
        frame.to_csv(dp.parent / "codes.csv", index=False)
    else:
        dp = _edited_copy(out, tmp_path, table, column, value)
    report = _validate(dp)
    assert not report.valid
    assert error in {e[0] for e in report.flatten(["type"])}
    assert _validate(out / "datapackage.json").valid  # the original is valid


def test_an_unedited_copy_validates(run_out, tmp_path):
    _, out = run_out
    assert _validate(_edited_copy(out, tmp_path, "trials", "status", "COMPLETED")).valid


# -- corpus hygiene ---------------------------------------------------------------------------------
def test_readme_license_hidden_and_excluded_files_are_skipped_with_a_row(run_out):
    summary, out = run_out
    papers = pd.read_csv(out / "papers.csv", keep_default_na=False).set_index("paper_id")
    assert papers.loc["README", "status"] == "skipped" and papers.loc["README", "message"].startswith("[S140]")
    assert papers.loc["LICENSE", "status"] == "skipped"
    assert papers.loc[".notes", "message"].startswith("[S141]")
    assert "drafts/" in papers.loc["drafts", "message"] and "--exclude" in papers.loc["drafts", "message"]
    assert ".msc-trials-ignore" in papers.loc["old-review", "message"]
    assert ".msc-trials-ignore" not in papers.index
    ids = {t["trial_id"] for t in summary.trials}
    assert not ids & {"NCT09299991", "NCT09299992", "NCT09299993"}  # the README's trials
    assert "NCT09200003" in ids
    sources = pd.read_csv(out / "evidence.csv", keep_default_na=False)["paper_id"]
    assert not set(sources) & {"README", "LICENSE", ".notes", "old-review"}
    record = json.loads((out / "run.json").read_text())
    assert record["skipped"] == 5


def test_exclusion_patterns():
    from pipeline.ingest.text import NOT_A_PAPER, excluded_by

    assert excluded_by("a/b/old-x.txt", False, ["old-*.txt"]) == "old-*.txt"
    assert excluded_by("a/drafts", True, ["drafts/"]) == "drafts/"
    assert excluded_by("drafts.txt", False, ["drafts/"]) is None  # a folder pattern
    assert excluded_by("x/y.pdf", False, ["x/*.pdf"]) == "x/*.pdf"
    assert excluded_by("z/x/y.pdf", False, ["x/*.pdf"]) is None
    for name in ("README.md", "readme.txt", "LICENSE", "LICENCE.txt", "CHANGELOG.md", "CONTRIBUTING.md"):
        assert NOT_A_PAPER.fullmatch(name), name
    for name in ("smith-2020.txt", "licensed-products-review.txt", "news-in-msc.txt", "history_of_msc.pdf"):
        assert not NOT_A_PAPER.fullmatch(name), name


# -- papers: title, year, DOI ---------------------------------------------------------------------
def test_papers_state_title_year_and_doi():
    from pipeline.ingest.meta import describe

    text = ("A made-up review of stromal cells in lung disease\n\nReceived: 3 March 2019 / Published online: "
            "16 August 2020\nhttps://doi.org/10.1234/abc.2020.55.\n\nAbstract text.")
    assert describe(text, "text") == ("A made-up review of stromal cells in lung disease", 2020, "10.1234/abc.2020.55")
    assert describe("An abstract sentence that goes on.\nAnd on.", "text") == ("", None, "")
    assert describe("Received 4 May 2015; Accepted 2 June 2015\nCopyright © 2016 A. Author", "text")[1] == 2016
    assert describe("Received 4 May 2015\nText", "text")[1] == 2015
    assert describe("x", "pdf", (("Title", "7245947.dvi"),))[0] == ""
    assert describe("x", "pdf", (("Title", "Stromal cells in knee disease"),))[0] == "Stromal cells in knee disease"
    assert describe("Journal of Things 2020\n\nA title line", "pdf")[0] == ""  # a PDF's first line: not read


def test_papers_csv_has_title_year_doi(run_out):
    _, out = run_out
    papers = pd.read_csv(out / "papers.csv").set_index("paper_id")
    assert papers.loc["na_review", "title"] == "Devices and cells without a phase: a made-up review"
    assert pd.isna(papers.loc["na_review", "doi"])


# -- CLI -----------------------------------------------------------------------------------------
def test_cli_version_sizes_and_name(tmp_path):
    from pipeline import pipeline_version
    from pipeline.cli import parse_args, size

    assert size("20MB") == size("20 MB") == 20 * 1024 * 1024 == size("20971520")
    assert size("512k") == 512 * 1024 and size("1.5GB") == int(1.5 * 1024 ** 3)
    assert parse_args(["--max-bytes", "2MB"]).max_bytes == 2 * 1024 * 1024
    with pytest.raises(SystemExit):
        parse_args(["--max-bytes", "20 parsecs"])
    script = Path(sys.executable).parent / "msc-trials"
    if script.exists():
        shown = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
        assert shown.stdout.startswith("usage: msc-trials ")
        version = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
        assert version.stdout.strip() == f"msc-trials {pipeline_version()}"
    module = subprocess.run([sys.executable, "-m", "pipeline", "--help"], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert module.stdout.startswith("usage: python -m pipeline ")
    assert "--exclude GLOB" in module.stdout and "--version" in module.stdout


# -- the report in headless Chromium ------------------------------------------------------------
from browser import browser, chromium_ready, download_dir, network_requests, open_page  # noqa: E402,F401 (fixtures)

_CELL = ("const r = document.querySelector(`#trial-rows tr.trial[data-trial-id='${arguments[0]}']`);"
         "const i = [...document.querySelectorAll('#trial-head th')].findIndex(h => h.dataset.key === arguments[1]);"
         "const td = r.children[i];"  # (the head has a cell for the expand buttons too)
         "return [td.textContent, [...td.querySelectorAll('span.code')].map(s => [s.dataset.code, s.title])];")


@pytest.mark.browser
def test_the_report_shows_labels_and_paper_titles(browser, run_out):
    _, out = run_out
    open_page(browser, out / "report.html")
    text, spans = browser.execute_script(_CELL, "NCT09200002", "phase")
    assert text == "Phase 1, Phase 2"
    assert spans == [["PHASE1", "Phase 1 (code PHASE1)"], ["PHASE2", "Phase 2 (code PHASE2)"]]
    text, spans = browser.execute_script(_CELL, "NCT09200001", "phase")
    assert text == "Not applicable" and spans[0][0] == "NOT_APPLICABLE"
    text, spans = browser.execute_script(_CELL, "NCT09200003", "route")
    assert text == "Intravenous" and spans == [["intravenous", "Intravenous (code intravenous)"]]
    text, _ = browser.execute_script(_CELL, "NCT09200001", "status")
    assert text == "Recruiting"
    text, _ = browser.execute_script(_CELL, "NCT09200003", "cell_source")
    assert text == "Umbilical cord"  # the label, not umbilical_cord
    assert "EARLY_PHASE1" not in browser.execute_script(
        "return document.querySelector('#trial-rows').textContent")

    papers = browser.execute_script("return document.querySelector('#papers').innerText")
    for title in ("Devices and cells without a phase: a made-up review",
                  "MSC products in graft-versus-host disease: a sample mini-review"):
        assert title in papers
    assert "skipped" in papers and "README" in papers
    charts = browser.execute_script("return document.querySelector('#overview').innerText")
    assert "counts in each of its bars" in charts
    bar_titles = browser.execute_script(
        "return [...document.querySelectorAll('#chart-phase g.bar title')].map(t => t.textContent)")
    assert "Not applicable (code NOT_APPLICABLE): 1" in bar_titles and "Early Phase 1 (code EARLY_PHASE1): 1" in bar_titles
    options = browser.execute_script(
        "const s = document.getElementById('f-field'); s.value = 'phase'; s.dispatchEvent(new Event('change'));"
        "return [...document.querySelectorAll('#f-value option')].map(o => [o.value, o.textContent])")
    assert ["NOT_APPLICABLE", "Not applicable (1)"] in options
    assert network_requests(browser) == []
