import pytest

from pipeline.extract.phases import find_bare_phases, find_phases


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
        ("Not applicable", ["NA"]),
        ("N/A", ["NA"]),
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
