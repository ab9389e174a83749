import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.extract import phases
from pipeline.extract.phases import find_bare_phases, find_phases
from pipeline.models import Mention


@pytest.mark.parametrize(
    "text, codes",
    [
        ("Phase 1/2a", ["PHASE1", "PHASE2"]),
        ("phase I/IIa", ["PHASE1", "PHASE2"]),
        ("Phase IIb", ["PHASE2"]),
        ("phase I-II", ["PHASE1", "PHASE2"]),
        ("Phase 1 and 2", ["PHASE1", "PHASE2"]),
        ("a phase 2-3 trial", ["PHASE2", "PHASE3"]),
        ("Phase II/III", ["PHASE2", "PHASE3"]),
        ("Early phase 1", ["EARLY_PHASE1"]),
        ("an open-label study in early phase I", ["EARLY_PHASE1"]),
        ("Phase 1\nPhase 2", ["PHASE1", "PHASE2"]),
        ("phase III", ["PHASE3"]),
        ("Phase 4", ["PHASE4"]),
        ("a phase I, open-label trial", ["PHASE1"]),
        ("Phase I or Phase II", ["PHASE1", "PHASE2"]),
        # a status and a phase joined by a dash (normalized to "-")
        ("Active, not recruiting-Early Phase 1", ["EARLY_PHASE1"]),
        ("Not yet recruiting-Phase 2", ["PHASE2"]),
        ("Completed-PHASE 3", ["PHASE3"]),
        ("a pre-phase 2 run-in", []),
        ("multi-phase 1 dosing", []),
    ],
)
def test_phase_spellings(text, codes):
    assert [m.value for m in find_phases(text)] == codes


@pytest.mark.parametrize(
    "text, codes",
    [
        ("2-3", ["PHASE2", "PHASE3"]),
        ("1 and 2", ["PHASE1", "PHASE2"]),
        ("1", ["PHASE1"]),
        ("I/II", ["PHASE1", "PHASE2"]),
        ("Early phase 1", ["EARLY_PHASE1"]),
        ("Not applicable", ["NOT_APPLICABLE"]),
        ("N/A", ["NOT_APPLICABLE"]),
        ("Phase 1 and Phase 2 N/A 2018", ["PHASE1", "PHASE2"]),  # the N/A is the next cell's (a dose not given)
        ("N/A 2018 Phase 3", ["PHASE3"]),
        # a digit that counts something else is no phase; the numeral beside it is
        ("40 3 months II", ["PHASE2"]),
        ("Intra arterial (1 time) Intravenous (3 times) II", ["PHASE2"]),
        ("2 doses, III", ["PHASE3"]),
        ("6 weeks", []),
        ("I and II safety study", ["PHASE1", "PHASE2"]),
        ("2 Recruiting", ["PHASE2"]),
    ],
)
def test_bare_phase_cells(text, codes):
    assert [m.value for m in find_bare_phases(text)] == codes


@pytest.mark.parametrize(
    "text",
    ["larger phase II and III trials are needed", "the chronic phase of stroke", "a lead-in phase", "phase contrast microscopy"],
)
def test_not_a_trial_phase(text):
    assert find_phases(text) == []


# ---------------------------------------------------------------- prechecks (fast paths)
# find_phases skips _FUTURE when the text lacks all of its words, starts _PHASE_WORD's scan at the
# first "early" or "phase", and skips _NA without "not", "n/a" or "na". The reference below runs the
# same patterns without any of that (as the code did before the prechecks).


def plain_find_phases(text, bare=False):
    out = []
    if "phase" in text.lower():
        if not bare and phases._FUTURE.search(text):
            return []
        for m in phases._PHASE_WORD.finditer(text):
            out.extend(phases._mentions(m, text, "phases", 1.0))
    if bare and not out:  # N/A beside a numbered phase is another cell's
        for m in phases._NA.finditer(text):
            if m.group(0) not in ("NA", "na"):
                out.append(Mention("phase", "NOT_APPLICABLE", m.start(), m.end(), m.group(0), "phases", 0.9))
    return out


def plain_find_bare_phases(text):
    out = plain_find_phases(text, bare=True)
    if out:
        return out
    for m in phases._BARE.finditer(text):
        out.extend(phases._mentions(m, text, "phases", 0.8))
    return out


FUTURE_SENTENCES = [
    "a phase III trial is needed", "phase 3 trials are necessary", "a phase II trial is warranted",
    "a phase 2 study is required", "future phase 3 trials", "a planned phase 2 trial", "we plan to run a phase 3 trial",
    "looking to a phase 3 trial", "a phase 3 trial will be conducted", "a phase 3 trial would be useful",
    "phase 3 trials should be done", "IS NEEDED: a Phase 3 trial",
    "a phase 2 study is requİred",  # İ is i to the case-insensitive pattern
    "phase 3 trials ſhould be done", "a phase 3 trial is necesſary", "loo\u212aing to a phase 3 trial",
]


@pytest.mark.parametrize("text", FUTURE_SENTENCES)
def test_future_precheck(text):
    assert phases._PHASE_WORD.search(text)  # a phase is there: only _FUTURE keeps it out
    assert plain_find_phases(text) == find_phases(text) == []


PHASE_CASES = [
    ("early phase I and phase 2", True), ("EARLY-phase 1", True), ("early results of a phase 2 trial", True),
    ("a phase 1 and an early phase 2", True), ("Phase 1/2a", True), ("pHaSe ii", True),
    ("-phase 2", False),  # the look-behind reads the hyphen before the scan's start
    ("xphase 2 and subphase 1", False), ("a phaſe 2 trial", False),  # no "phase" in text.lower()
    ("the early phase of the disease", False), ("phase contrast", False),
]


@pytest.mark.parametrize("text, found", PHASE_CASES)
def test_phase_word_scan_start(text, found):
    for bare in (False, True):
        plain = plain_find_phases(text, bare)
        assert find_phases(text, bare) == plain
        assert bool(plain) == found


# ("Phase 2 | N/A": a numbered phase beside it, the N/A is another cell's)
NA_CASES = [
    ("Not applicable", True), ("NOT  APPLICABLE", True), ("not\napplicable", True), ("N/A", True), ("n/a", True),
    ("Na", True), ("nA", True), ("Phase 2 | N/A", False), ("Design | N/A", True),
    ("NA", False), ("na", False), ("NAN", False), ("N/A/B", False), ("n / a", False), ("", False),
]


@pytest.mark.parametrize("text, found", NA_CASES)
def test_na_precheck(text, found):
    plain = plain_find_phases(text, bare=True)
    assert find_phases(text, bare=True) == plain
    assert find_bare_phases(text) == plain_find_bare_phases(text)
    assert any(m.value == "NOT_APPLICABLE" for m in plain) == found


_FRAGMENTS = [
    "phase", "Phase", "PHASE", "phaſe", "early", "Early", "I", "II", "ıı", "III", "IV", "1", "2", "3", "4", "0", "a", "b",
    "/", "-", "–", "and", "or", "to", "&", ",", " ", "", "\n", "needed", "requİred", "ſhould be", "plan to",
    "would be", "future", "trial", "chronic", "N/A", "n/a", "NA", "Na", "not applicable", "x", "(", ")",
]


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(_FRAGMENTS), st.sampled_from([" ", "", "-", "\n"])).map("".join), max_size=14).map("".join))
def test_phases_equal_their_plain_paths(text):
    assert find_phases(text) == plain_find_phases(text)
    assert find_phases(text, bare=True) == plain_find_phases(text, bare=True)
    assert find_bare_phases(text) == plain_find_bare_phases(text)


@pytest.mark.parametrize("text, codes", [
    ("into a phase two pragmatic pilot randomised controlled trial", ["PHASE2"]),
    ("a phase one/two study of cord stromal cells", ["PHASE1", "PHASE2"]),
    ("Phase Three trials of marrow cells are under way", ["PHASE3"]),
    ("In phase one of the project we interviewed nurses", []),
    ("phase two of the analysis used registry data", []),
])
def test_phase_spelled_as_a_word(text, codes):
    assert [m.value for m in find_phases(text)] == codes
