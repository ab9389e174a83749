"""Reviewer corrections: reading the CSV, validating each line, applying it to the evidence."""
from __future__ import annotations

import pytest

from pipeline.api import extract_text
from pipeline.corrections import (
    CORRECTION_COLUMNS, REVIEWER_PAPER_ID, Correction, CorrectionPlan, apply_corrections, format_corrections,
    mark_reviewed, normalize_value, parse_corrections, read_corrections, write_corrections,
)
from pipeline.merge.core import merge_trials

TRIAL = "NCT01234567"
OTHER = "NCT07654321"
PAPER_A = (
    "The phase 2 trial NCT01234567 gave 1 × 10^6 umbilical cord MSCs/kg intravenously to 40 patients. "
    "The phase 1 trial NCT07654321 gave autologous bone marrow MSCs by intracoronary infusion to 20 patients."
)
PAPER_B = (
    "In the phase 1 trial NCT01234567, 60 patients with knee osteoarthritis received autologous "
    "bone marrow MSCs intra-articularly."
)
HEADER = ",".join(CORRECTION_COLUMNS)


@pytest.fixture(scope="module")
def evidence():
    return extract_text(PAPER_A, paper_id="a") + extract_text(PAPER_B, paper_id="b")


@pytest.fixture(scope="module")
def baseline(evidence):
    return merge_trials(evidence)


def corrections_of(*lines: str, header: str = HEADER):
    cs, problems = parse_corrections("\n".join((header,) + lines) + "\n", "corrections.csv")
    return cs, problems


def run(evidence, *lines: str):
    """Read `lines` as a corrections file, apply them; (trials by id, result, all problems)."""
    cs, problems = corrections_of(*lines)
    result = apply_corrections(evidence, cs)
    rows = mark_reviewed(merge_trials(result.merge_evidence), result.reviewed)
    return {r["trial_id"]: r for r in rows}, result, problems + result.problems


def by_id(rows):
    return {r["trial_id"]: r for r in rows}


# --- what the evidence looks like (guards the fixtures) -------------------------------------


def test_fixture_trial_has_two_sources(baseline):
    row = by_id(baseline)[TRIAL]
    assert row["route"] == ["intra_articular", "intravenous"]
    assert row["phase"] == ["PHASE1", "PHASE2"]
    assert "enrollment" in row["conflicts"]


# --- applying --------------------------------------------------------------------------------


def test_rejected_route_leaves_the_trial(evidence):
    rows, result, problems = run(evidence, f"{TRIAL},route,reject,intravenous,ann,wrong trial")
    assert problems == []
    assert rows[TRIAL]["route"] == ["intra_articular"]
    assert not any(e.trial_id == TRIAL and e.field == "route" and e.value == "intravenous" for e in result.evidence)
    [rejected] = result.rejected
    assert (rejected["trial_id"], rejected["field"], rejected["value"]) == (TRIAL, "route", "intravenous")
    assert (rejected["reviewer"], rejected["note"]) == ("ann", "wrong trial")
    assert [e.raw for e in rejected["evidence"]] == ["intravenously"]
    assert result.applied == 1


def test_set_phase_replaces_the_list(evidence):
    rows, result, problems = run(evidence, f"{TRIAL},phase,set,phase3,ann,")
    assert problems == []
    assert rows[TRIAL]["phase"] == ["PHASE3"]
    assert "phase" not in rows[TRIAL]["conflicts"]
    assert rows[OTHER]["phase"] == ["PHASE1"]  # other trials untouched
    # evidence.csv keeps what the papers say and adds the reviewer's row
    phases = sorted((e.value, e.extractor) for e in result.evidence if e.trial_id == TRIAL and e.field == "phase")
    assert phases == [("PHASE1", "phases"), ("PHASE2", "phases"), ("PHASE3", "reviewer")]


def test_set_list_with_several_values(evidence):
    rows, _, problems = run(evidence, f"{TRIAL},route,set,IV|intrathecal,ann,")
    assert problems == []
    assert rows[TRIAL]["route"] == ["intrathecal", "intravenous"]


def test_set_scalar_wins_over_paper_values(evidence):
    rows, _, problems = run(evidence, f"{TRIAL},enrollment,set,45,ann,")
    assert problems == []
    assert rows[TRIAL]["enrollment"] == 45
    assert "enrollment" not in rows[TRIAL]["conflicts"]
    assert rows[TRIAL]["sources"] == ["a", "b"]  # the reviewer is not a source


def test_set_dose_fills_the_four_columns(evidence):
    rows, _, problems = run(evidence, f"{TRIAL},dose,set,2e6..5e6 cells/KG,ann,")
    assert problems == []
    row = rows[TRIAL]
    assert (row["dose_low"], row["dose_high"], row["dose_unit"], row["dose_text"]) == (2e6, 5e6, "cells/kg", "2e6..5e6 cells/KG")


def test_reviewer_row_provenance(evidence):
    _, result, _ = run(evidence, f"{TRIAL},status,set,completed,ann,checked the registry")
    [row] = result.reviewer_evidence
    assert (row.trial_id, row.field, row.value, row.raw) == (TRIAL, "status", "COMPLETED", "completed")
    assert (row.paper_id, row.extractor, row.confidence, row.page) == (REVIEWER_PAPER_ID, "reviewer", 1.0, None)
    assert (row.char_start, row.char_end) == (0, 0)
    assert row.snippet == "set by ann: checked the registry"
    assert row in result.evidence and row in result.merge_evidence


def test_accept_marks_reviewed(evidence):
    rows, result, problems = run(
        evidence,
        f"{TRIAL},cell_source,accept,,ann,",
        f"{TRIAL},donor,accept,autologous,ann,",
        f"{OTHER},route,accept,intracoronary,ann,",
    )
    assert problems == []
    assert rows[TRIAL]["reviewed"] == ["cell_source", "donor"]
    assert rows[OTHER]["reviewed"] == ["route"]
    assert result.reviewed == {TRIAL: {"cell_source", "donor"}, OTHER: {"route"}}
    assert result.applied == 3
    assert rows[TRIAL]["cell_source"] == ["bone_marrow", "umbilical_cord"]  # accepting changes no value


def test_set_field_is_reviewed_too(evidence):
    rows, _, _ = run(evidence, f"{TRIAL},phase,set,PHASE2,ann,")
    assert rows[TRIAL]["reviewed"] == ["phase"]


def test_reject_one_value_and_set_another(evidence, baseline):
    rows, result, problems = run(
        evidence,
        f"{TRIAL},route,reject,intra-articular,ann,",
        f"{TRIAL},phase,set,PHASE1,ann,",
    )
    assert problems == []
    assert result.applied == 2
    expected = by_id(baseline)[TRIAL] | {
        "route": ["intravenous"], "phase": ["PHASE1"], "reviewed": ["phase"],
        "conflicts": ["cell_source", "enrollment"],  # the corrected columns no longer disagree
    }
    assert rows[TRIAL] == expected
    assert rows[OTHER] == by_id(baseline)[OTHER]


def test_reject_and_set_in_one_field(evidence):
    rows, result, problems = run(evidence, f"{TRIAL},route,reject,intravenous,,", f"{TRIAL},route,set,intrathecal,,")
    assert problems == []
    assert rows[TRIAL]["route"] == ["intrathecal"]
    routes = sorted(e.value for e in result.evidence if e.trial_id == TRIAL and e.field == "route")
    assert routes == ["intra_articular", "intrathecal"]  # the rejected row is gone, the superseded one kept


def test_trial_id_is_read_like_a_printed_id(evidence):
    rows, _, problems = run(evidence, "nct 0123 4567,Route,REJECT,intravenous,,")
    assert problems == []
    assert rows[TRIAL]["route"] == ["intra_articular"]


def test_exact_duplicates_apply_once(evidence):
    rows, result, problems = run(
        evidence, f"{TRIAL},route,reject,intravenous,ann,", f"{TRIAL},route,reject,IV,bob,",
    )
    assert problems == []
    assert rows[TRIAL]["route"] == ["intra_articular"]
    assert len(result.rejected) == 1 and result.applied == 2


def test_streaming_plan_matches_apply(evidence):
    cs, _ = corrections_of(f"{TRIAL},route,reject,intravenous,,", f"{TRIAL},phase,set,PHASE3,,", "NCT00000000,donor,accept,,,")
    plan = CorrectionPlan(cs)
    merge, keep = [], []
    for paper in ("a", "b"):
        m, k = plan.filter([e for e in evidence if e.paper_id == paper])
        merge += m
        keep += k
    streamed = plan.finish()
    whole = apply_corrections(evidence, cs)
    assert merge + streamed.reviewer_evidence == whole.merge_evidence
    assert keep + streamed.reviewer_evidence == whole.evidence
    assert streamed.problems == whole.problems and len(whole.problems) == 1


# --- validation: every bad line is one clear problem and changes nothing ----------------------

BAD_APPLY = [
    # (case id, lines, code, words the message must contain)
    ("unknown-trial", ["NCT01234568,route,reject,intravenous,,"], "C310", ["NCT01234568", "did you mean 'NCT01234567'"]),
    ("set-on-unknown-trial", ["ref:nobody-2020,phase,set,PHASE1,,"], "C310", ["ref:nobody-2020"]),
    ("unknown-field", [f"{TRIAL},colour,accept,,,"], "C311", ["'colour'", "route"]),
    ("misspelt-field", [f"{TRIAL},rout,reject,intravenous,,"], "C311", ["did you mean 'route'"]),
    ("dose-column", [f"{TRIAL},dose_low,set,5,,"], "C311", ["use 'dose'"]),
    ("computed-column", [f"{TRIAL},sources,reject,a,,"], "C311", ["computed"]),
    ("trial-id-field", [f"{TRIAL},trial_id,reject,{TRIAL},,"], "C311", ["key"]),
    ("bad-phase", [f"{TRIAL},phase,set,phase 5,,"], "C312", ["'phase 5'", "PHASE1"]),
    ("bad-status", [f"{TRIAL},status,set,running,,"], "C312", ["'running'", "COMPLETED"]),
    ("bad-route", [f"{TRIAL},route,set,teleported,,"], "C312", ["route vocabulary", "intravenous"]),
    ("bad-cell-source", [f"{TRIAL},cell_source,set,moon rock,,"], "C312", ["cell_source vocabulary"]),
    ("bad-donor", [f"{TRIAL},donor,set,borrowed,,"], "C312", ["donor vocabulary", "autologous"]),
    ("bad-product", [f"{TRIAL},product,set,pills,,"], "C312", ["product vocabulary"]),
    ("bad-enrollment", [f"{TRIAL},enrollment,set,forty,,"], "C312", ["whole number"]),
    ("bad-dose-count", [f"{TRIAL},dose_count,set,0,,"], "C312", ["at least 1"]),
    ("bad-start-date", [f"{TRIAL},start_date,set,2015-13,,"], "C312", ["YYYY-MM"]),
    ("bad-dose-unit", [f"{TRIAL},dose,set,1e6..2e6 cells/m2,,"], "C312", ["cells/kg", "mL"]),
    ("bad-dose-range", [f"{TRIAL},dose,set,2e6..1e6 cells,,"], "C312", ["low <= high"]),
    ("bad-registry", [f"{TRIAL},registry,set,clinicaltrials,,"], "C312", ["ctgov"]),
    ("bad-other-id", [f"{TRIAL},other_ids,set,not-an-id,,"], "C312", ["registry id"]),
    ("scalar-several", [f"{TRIAL},status,set,COMPLETED|RECRUITING,,"], "C313", ["status holds one value"]),
    ("reject-several", [f"{TRIAL},route,reject,intravenous|intra_articular,,"], "C314", ["one line per value"]),
    ("reject-absent", [f"{TRIAL},donor,reject,allogeneic,,"], "C315", ["'allogeneic'", "'autologous'"]),
    ("accept-absent", [f"{OTHER},route,accept,intravenous,,"], "C315", ["'intracoronary'"]),
    ("reject-on-empty-field", [f"{TRIAL},sponsors,reject,Acme,,"], "C315", ["none"]),
    ("accept-and-reject", [f"{TRIAL},route,accept,intravenous,,", f"{TRIAL},route,reject,IV,,"], "C316",
     ["line 2", "line(s) 3", "accepted and rejected"]),
    ("two-sets", [f"{TRIAL},phase,set,PHASE1,,", f"{TRIAL},phase,set,PHASE2|PHASE3,,"], "C316", ["different values set"]),
    ("reject-what-set-keeps", [f"{TRIAL},route,set,intravenous,,", f"{TRIAL},route,reject,intravenous,,"], "C316",
     ["rejected and set"]),
    ("accept-what-set-drops", [f"{TRIAL},route,set,intrathecal,,", f"{TRIAL},route,accept,intravenous,,"], "C316",
     ["set value replaces it"]),
]


@pytest.mark.parametrize("lines, code, words", [c[1:] for c in BAD_APPLY], ids=[c[0] for c in BAD_APPLY])
def test_bad_correction_is_one_problem_and_changes_nothing(evidence, baseline, lines, code, words):
    rows, result, problems = run(evidence, *lines)
    assert len(problems) == 1, problems
    [problem] = problems
    assert problem.startswith(f"[{code}] corrections.csv line 2: ")
    for word in words:
        assert word in problem
    assert sorted(rows.values(), key=lambda r: r["trial_id"]) == baseline
    assert result.evidence == evidence and result.merge_evidence == evidence
    assert result.applied == 0 and result.reviewed == {} and result.rejected == []


def test_bad_line_does_not_stop_good_ones(evidence):
    rows, result, problems = run(evidence, f"{TRIAL},route,reject,teleported,,", f"{TRIAL},route,reject,intravenous,,")
    assert len(problems) == 1 and "line 2" in problems[0]
    assert rows[TRIAL]["route"] == ["intra_articular"]
    assert result.applied == 1


# --- reading ----------------------------------------------------------------------------------

BAD_READ = [
    ("missing-column", "trial_id,action,value\nNCT01234567,accept,\n", "C304", ["field", "trial_id, action, value"]),
    ("no-header", "\n\n", "C303", ["trial_id, field, action"]),
    ("unknown-action", f"{HEADER}\n{TRIAL},route,delete,intravenous,,\n", "C307", ["'delete'", "accept, reject or set"]),
    ("set-without-value", f"{HEADER}\n{TRIAL},phase,set,,,\n", "C308", ["'set' needs a value"]),
    ("reject-without-value", f"{HEADER}\n{TRIAL},phase,reject,,,\n", "C308", ["'reject' needs a value"]),
    ("empty-trial", f"{HEADER}\n,phase,accept,,,\n", "C306", ["empty trial_id"]),
    ("too-many-cells", f"{HEADER}\n{TRIAL},dose,set,1e6,2e6 cells,ann,note\n", "C305", ["quote"]),
]


@pytest.mark.parametrize("text, code, words", [c[1:] for c in BAD_READ], ids=[c[0] for c in BAD_READ])
def test_bad_file_content_is_one_problem(text, code, words):
    corrections, problems = parse_corrections(text, "corrections.csv")
    assert corrections == []
    [problem] = problems
    assert problem.startswith(f"[{code}] corrections.csv")
    for word in words:
        assert word in problem


def test_missing_file_is_a_problem(tmp_path):
    path = tmp_path / "nope.csv"
    assert read_corrections(path) == ([], [f"[C301] {path}: corrections file not found"])


def test_file_not_utf8_is_a_problem(tmp_path):
    path = tmp_path / "corrections.csv"
    path.write_bytes(f"{HEADER}\n{TRIAL},sponsors,set,Universit\xe9,,\n".encode("latin-1"))
    corrections, [problem] = read_corrections(path)
    assert corrections == [] and problem.startswith("[C302]") and str(path) in problem


def test_read_tolerates_bom_order_extra_columns_and_blank_lines(tmp_path):
    path = tmp_path / "corrections.csv"
    text = (
        "\ufeffNote,Action,Extra,Trial_ID,Field,Value\n"
        "\n"
        f'"two\nlines",reject,x,{TRIAL},route,intravenous\n'
        ",,,,,\n"
        f"  ,  accept , , {OTHER} ,route,\n"
    )
    path.write_text(text, encoding="utf-8")
    corrections, problems = read_corrections(path)
    assert problems == []
    assert corrections == [
        Correction(TRIAL, "route", "reject", "intravenous", "", "two\nlines", 3, str(path)),
        Correction(OTHER, "route", "accept", "", "", "", 6, str(path)),
    ]


def test_problem_names_the_line_after_blank_and_multiline_rows(evidence):
    cs, problems = corrections_of("", f'{TRIAL},route,reject,intravenous,ann,"a\nb"', f"{TRIAL},route,frob,,,")
    assert problems == ["[C307] corrections.csv line 5: unknown action 'frob': use accept, reject or set"]


def test_write_then_read_round_trip(tmp_path):
    rows = [
        Correction(TRIAL, "phase", "set", "PHASE1|PHASE2", "ann", 'said "1/2", see p. 3'),
        {"trial_id": OTHER, "field": "route", "action": "accept", "reviewer": "bob"},
    ]
    path = write_corrections(rows, tmp_path / "out" / "corrections.csv")
    assert path.read_text(encoding="utf-8").splitlines()[0] == "trial_id,field,action,value,reviewer,note"
    corrections, problems = read_corrections(path)
    assert problems == []
    assert [c.as_row() for c in corrections] == [
        rows[0].as_row(), {"trial_id": OTHER, "field": "route", "action": "accept", "value": "", "reviewer": "bob", "note": ""},
    ]
    assert format_corrections(corrections) == path.read_text(encoding="utf-8")


# --- normalized values: one case per form ------------------------------------------------------


@pytest.mark.parametrize(
    "field, text, value",
    [
        ("phase", "phase1", "PHASE1"),
        ("phase", "Phase 2", "PHASE2"),
        ("phase", "early-phase-1", "EARLY_PHASE1"),
        ("phase", "na", "NOT_APPLICABLE"),
        ("phase", "NOT_APPLICABLE", "NOT_APPLICABLE"),
        ("phase", "Not Applicable", "NOT_APPLICABLE"),
        ("phase", "N/A", "NOT_APPLICABLE"),
        ("status", "completed", "COMPLETED"),
        ("status", "active not recruiting", "ACTIVE_NOT_RECRUITING"),
        ("route", "IV", "intravenous"),
        ("route", "intra-articular", "intra_articular"),
        ("route", "INTRAVENOUS", "intravenous"),
        ("cell_source", "Umbilical Cord", "umbilical_cord"),
        ("cell_source", "Wharton's jelly", "wharton_jelly"),
        ("cell_source", "Bone-Marrow", "bone_marrow"),
        ("donor", "Autologous", "autologous"),
        ("product", "exosomes", "exosomes"),
        ("conditions", "Knee Osteoarthritis", "knee osteoarthritis"),
        ("conditions", " Made-up  Syndrome. ", "made-up syndrome"),  # no entry: kept as cleaned text
        ("registry", "CTGOV", "ctgov"),
        ("enrollment", "040", "40"),
        ("dose_count", "3", "3"),
        ("start_date", "2015-3", "2015-03"),
        ("start_date", "2015", "2015"),
        ("dose", "1e6..2e6 cells/kg", "1e+06..2e+06 cells/kg"),
        ("dose", "1000000 cells", "1e+06..1e+06 cells"),
        ("dose", "2.5 ml", "2.5..2.5 mL"),
        ("other_ids", "nct 0428 8102", "NCT04288102"),
        ("title", "  A  trial of\ncells ", "A trial of cells"),
    ],
)
def test_normalize_value(field, text, value):
    assert normalize_value(field, text)[0] == value
