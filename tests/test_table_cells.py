"""Tables read by their header: each layout's reader on tables written for these tests, each header
name and each cell form a case of its own."""
import pytest

from conftest import tied
from pipeline import extract_text
from pipeline.extract.cells import header_unit, read_cell
from pipeline.segment.cells import column_code, glue_pieces, record_label, split_cells




@pytest.mark.parametrize("header,code", [
    ("Clinical trial ID", "id"), ("Identifier", "id"), ("Trial number", "id"), ("NCT number", "id"),
    ("Registration No.", "id"), ("Phase", "phase"), ("Phase/status", "phase_status"), ("Stage", "phase"),
    ("Patients", "enrollment"), ("Patients Enrolled", "enrollment"), ("No. enrolled", "enrollment"),
    ("No. of patients", "enrollment"), ("Participants", "enrollment"), ("n", "enrollment"),
    ("Dose", "dose"), ("Dosage", "dose"), ("Cell dose", "dose"), ("Cell number", "dose"),
    ("Cell dose (×10^7 cells)", "dose"), ("Frequency", "frequency"), ("Doses", "frequency"),
    ("Administrations", "frequency"), ("Route", "route"), ("Injection", "route"), ("Delivery", "route"),
    ("Delivery route", "route"), ("Administration", "route"), ("Mode of delivery", "route"),
    ("Source", "cell_source"), ("MSC type", "cell_source"), ("MSC source", "cell_source"),
    ("Cell type", "cell_source"), ("Origin", "cell_source"), ("Status", "status"), ("Recruitment", "status"),
    ("Name of clinical trial", "title"), ("Title", "title"), ("Study", "title"), ("Sponsor", "sponsor"),
    ("Sponsor/Collaborators", "sponsor"), ("Funding source", "sponsor"), ("Start date", "start_date"),
    ("Year started", "start_date"), ("Disease", "condition"), ("Condition", "condition"),
    ("Target disease", "condition"), ("Timing of delivery", "timing"), ("Follow-up", "follow_up"),
    ("Age (yr)", "population"), ("Outcomes", "outcome"), ("Country", "country"), ("Favourite colour", "other"),
])
def test_a_header_names_its_column_by_its_words(header, code):
    assert column_code(header) == code


def test_split_cells_with_and_without_outer_bars():
    for line in ("| a | bb | c |", "a | bb | c |", "a | bb | c"):
        assert [line[s:e] for s, e in split_cells(line, 0, len(line))] == ["a", "bb", "c"]


@pytest.mark.parametrize("cell,field,value", [
    ("20(10/10)", "enrollment", "20"), ("60 (placebo: 20)", "enrollment", "60"), ("n = 12", "enrollment", "12"),
    ("12 patients", "enrollment", "12"), ("41; 20 MSC, 21 control", "enrollment", "41"),
    ("2/10/50×106 AD-MSCs 18", "enrollment", "18"), ("40 × 106 cells 12", "enrollment", "12"),
    ("Recruiting—Phase 2", "phase", "PHASE2"), ("Active, not recruiting—Early Phase 1", "phase", "EARLY_PHASE1"),
    ("once", "dose_count", "1"), ("Single", "dose_count", "1"), ("twice", "dose_count", "2"),
    ("4 times", "dose_count", "4"), ("Three doses of 1 × 10^6 cells/kg", "dose_count", "3"),
    ("at days 0, 3, 6", "dose_count", "3"), ("Intra arterial (1 time) Intravenous (3 times)", "dose_count", "4"),
    ("Phase2a", "phase", "PHASE2"), ("I & II", "phase", "PHASE1"), ("Recruiting—Phase 2", "status", "RECRUITING"),
    ("Completed, no results to date", "status", "COMPLETED"), ("2016-04-03, 1395/01/15", "start_date", "2016-04"),
    ("March 2016", "start_date", "2016-03"), ("i.v.", "route", "intravenous"), ("Allo BM", "cell_source", "bone_marrow"),
    ("1 × 106/kg", "dose", "1e+06..1e+06 cells/kg"), ("2 X 10E6/kg", "dose", "2e+06..2e+06 cells/kg"),
    ("NCT01234567 “RESTORE-3” Spain", "acronym", "RESTORE-3"),
    # a start-date column's year alone; a registry's day/month/year
    ("2018", "start_date", "2018"), ("15/06/2021", "start_date", "2021-06"), ("1/03/2022", "start_date", "2022-03"),
    ("06/15/2021", "start_date", "2021-06"),
    # a name column's cell that is the acronym alone is both the title and the acronym
    ("START", "acronym", "START"), ("START", "title", "START"), ("HOPE-2", "acronym", "HOPE-2"),
    ("Cord cells in lung injury (LUNG-ARDS)", "acronym", "LUNG-ARDS"), ("Cord cells in lung injury (LUNG-ARDS)", "title", "Cord cells in lung injury (LUNG-ARDS)"),
])
def test_each_cell_form(cell, field, value):
    assert value in [m.value for m in read_cell(field, cell)]


def test_a_unit_in_the_header_applies_to_bare_numbers():
    unit = header_unit("Cell dose (×10^7 cells)")
    assert unit == (1e7, "cells")
    assert [m.value for m in read_cell("dose", "2.5", unit=unit)] == ["2.5e+07..2.5e+07 cells"]
    assert [m.value for m in read_cell("dose", "1–4", unit=unit)] == ["1e+07..4e+07 cells"]


def test_a_citation_cell_is_no_title():
    assert read_cell("title", "Larsen et al.14") == []
    assert read_cell("title", "Umbilical cord cells for lupus nephritis")[0].value == "Umbilical cord cells for lupus nephritis"


PIPE = """Table 3. Trials of MSCs in kidney disease
| Ref | Registration No. | Name of trial | Stage | Origin | Cell number | Doses | Injection | No. enrolled |
|---|---|---|---|---|---|---|---|---|
| Larsen et al.14 | NCT01234567 | Umbilical cord cells for lupus nephritis (LUNA) | Phase 1/2 | UC-MSC | 1 × 106/kg | twice | i.v. | 24(12/12) |
| Ortiz et al.15 | NCT07654321 | Bone marrow cells in diabetic nephropathy | Phase2b | BM-MSC | 2 × 107/kg | 4 times | intra-arterial | 40 |
"""


def test_pipe_table_each_cell_by_its_column():
    ev = extract_text(PIPE)
    assert tied(ev, "NCT01234567", "phase") == ["PHASE1", "PHASE2"]
    assert tied(ev, "NCT01234567", "enrollment") == ["24"]
    assert tied(ev, "NCT01234567", "dose_count") == ["2"]
    assert tied(ev, "NCT01234567", "route") == ["intravenous"]
    assert tied(ev, "NCT01234567", "cell_source") == ["umbilical_cord"]
    assert tied(ev, "NCT01234567", "acronym") == ["LUNA"]
    assert tied(ev, "NCT01234567", "title") == ["Umbilical cord cells for lupus nephritis (LUNA)"]
    assert tied(ev, "NCT01234567", "dose") == ["1e+06..1e+06 cells/kg"]
    assert tied(ev, "NCT07654321", "route") == ["intra_arterial"]
    assert tied(ev, "NCT07654321", "enrollment") == ["40"]
    assert tied(ev, "NCT07654321", "dose_count") == ["4"]


def test_an_unknown_column_is_not_read():
    text = """Table 1
| Trial | Colour | Phase |
|---|---|---|
| NCT01234567 | intravenous blue, 40 patients | Phase 3 |
"""
    ev = extract_text(text)
    assert tied(ev, "NCT01234567", "phase") == ["PHASE3"]
    assert tied(ev, "NCT01234567", "route") == [] and tied(ev, "NCT01234567", "enrollment") == []


def test_two_ids_of_different_registries_in_a_row_are_one_trial():
    text = """Table 2
| Identifier | Phase |
|---|---|
| NCT01234567; ChiCTR2000031234 | Phase 2 |
| NCT02345678 | Phase 1 |
"""
    ev = extract_text(text)
    assert tied(ev, "NCT01234567", "other_ids") == ["ChiCTR2000031234"]
    assert not [e for e in ev if e.trial_id == "ChiCTR2000031234"]


def test_run_together_rows_split_where_cells_meet():
    text = ("Table 4 Trials in lung fibrosis\n\n"
            "NCT numberTitleStatusPhaseNo of patientsDose\n"
            "NCT01234567Cord cells for idiopathic pulmonary fibrosisRecruitingI/II24Allogeneic-MSCs1 × 106 cells/kg\n"
            "NCT07654321Marrow cells in fibrotic lung diseaseCompletedII60Autologous-MSCs2 × 106 cells/kg\n")
    ev = extract_text(text)
    assert tied(ev, "NCT01234567", "status") == ["RECRUITING"]
    assert tied(ev, "NCT01234567", "phase") == ["PHASE1", "PHASE2"]
    assert tied(ev, "NCT01234567", "enrollment") == ["24"]
    assert tied(ev, "NCT07654321", "donor") == ["autologous"]
    assert tied(ev, "NCT07654321", "dose") == ["2e+06..2e+06 cells/kg"]
    assert tied(ev, "NCT07654321", "title") == ["Marrow cells in fibrotic lung disease"]


def test_glue_pieces():
    t = "NCT01234567Cord cells for fibrosisRecruitingI/II24Allogeneic-MSCs1 × 106 cells/kg"
    assert [t[c.start:c.end] for c in glue_pieces(t, 0, len(t))] == [
        "NCT01234567", "Cord cells for fibrosis", "Recruiting", "I/II", "24", "Allogeneic-MSCs", "1 × 106 cells/kg"]


@pytest.mark.parametrize("t, pieces", [
    # an id's digits are never cut, even where a dose's number would start ("NCT…45" + "11 × 10…")
    ("3NCT0234567811 × 106/kgIVIICompleted12", ["3", "NCT02345678", "11 × 106/kg", "IV", "II", "Completed", "12"]),
    # a status glued to a count, a unit glued to the next cell, the route IV glued to a phase
    ("NCT01234567Recruiting3650-70", ["NCT01234567", "Recruiting", "3650-70"]),
    ("NCT012345675 × 107 cellsIntrathecalIIIActive", ["NCT01234567", "5 × 107 cells", "Intrathecal", "III", "Active"]),
    ("NCT012345672 mLIVIRecruiting", ["NCT01234567", "2 mL", "IV", "I", "Recruiting"]),
    # IVIG is no route and phase
    ("NCT01234567IVIG and MSCsCompleted", ["NCT01234567", "IVIG and MSCs", "Completed"]),
])
def test_glue_pieces_keep_ids_whole(t, pieces):
    ids = ((t.index("NCT"), t.index("NCT") + 11),)
    assert [t[c.start:c.end] for c in glue_pieces(t, 0, len(t), ids)] == pieces


def test_run_together_rows_with_row_numbers_and_a_route_column():
    text = ("Table 2 Cord cell trials in lung fibrosis\n\n"
            "NoTrial IDDose (cells/kg)RoutePhaseStatusPatients\n"
            "1NCT012345672 × 106/kgIVIICompleted30\n"
            "2NCT076543211 × 107IVIRecruiting12\n")
    ev = extract_text(text)
    assert tied(ev, "NCT01234567", "route") == ["intravenous"]
    assert tied(ev, "NCT01234567", "phase") == ["PHASE2"]
    assert tied(ev, "NCT01234567", "status") == ["COMPLETED"]
    assert tied(ev, "NCT07654321", "phase") == ["PHASE1"]
    assert tied(ev, "NCT07654321", "status") == ["RECRUITING"]


@pytest.mark.parametrize("line,code,value", [
    ("Recruitment status: Recruiting", "status", "Recruiting"),
    ("Sponsor organisation", "sponsor", None),
    ("Date of first enrolment: 2019-11", "start_date", "2019-11"),
    ("Target sample size: 40", "enrollment", "40"),
])
def test_record_labels(line, code, value):
    got, span = record_label(line)
    assert got == code
    assert (line[span[0]:span[1]] if span else None) == value


def test_a_sentence_is_no_record_label():
    assert record_label("The patients received cells by the intravenous route over two weeks.") == (None, None)


@pytest.mark.parametrize("text,value", [
    ("1,5,10 × 106/kg", "1e+06..1e+07 cells/kg"),
    ("300/900 million cells", "3e+08..9e+08 cells"),
    ("1∼10 × 107 cells/kg", "1e+07..1e+08 cells/kg"),
    ("(2.0–2.5) × 107 cells", "2e+07..2.5e+07 cells"),
    ("2.6 ± 1.2 × 106 cells", "2.6e+06..2.6e+06 cells"),
    ("1 & 5 ×106 cells/ kg BW", "1e+06..5e+06 cells/kg"),
    ("25/50/75/150×106 cells", "2.5e+07..1.5e+08 cells"),
    ("doses of 1, 2 and 4 million cells/kg", "1e+06..4e+06 cells/kg"),
    ("the dose was 2,5 × 10^6 cells/kg", "2.5e+06..2.5e+06 cells/kg"),
    ("On days 1, 2 × 10^6 cells were given", "2e+06..2e+06 cells"),
])
def test_cohort_lists_before_one_multiplier(text, value):
    from pipeline.extract.doses import find_doses
    assert [m.value for m in find_doses(text)] == [value]


@pytest.mark.parametrize("cell,value", [
    ("100 × 106", "1e+08..1e+08 cells"), ("300/900million", "3e+08..9e+08 cells"), ("0.5–0.6 × 108", "5e+07..6e+07 cells"),
])
def test_a_dose_cell_without_unit_counts_cells(cell, value):
    assert [m.value for m in read_cell("dose", cell)] == [value]


ONE_CELL_A_LINE = """Table 2 Trials of stromal cells in lupus

Cell origin

Dose

Registry number

Ref.

Autologous adipose MSCs

2 × 106 cells/kg

NCT01234567

(phase II)

[12]

Umbilical cord MSCs

1 × 106 cells/kg

–

[13]

Allogeneic bone marrow MSCs

5 × 107 cells

NCT07654321

[14]
"""


def test_one_cell_a_line_rows_follow_from_the_header_and_the_ids():
    ev = extract_text(ONE_CELL_A_LINE)
    assert tied(ev, "NCT01234567", "cell_source") == ["adipose_tissue"]
    assert tied(ev, "NCT01234567", "donor") == ["autologous"]
    assert tied(ev, "NCT01234567", "phase") == ["PHASE2"]  # a cell more than the header has columns
    assert tied(ev, "NCT01234567", "dose") == ["2e+06..2e+06 cells/kg"]
    # the row with no id is no trial's: its umbilical cord cells are not the next trial's
    assert tied(ev, "NCT07654321", "cell_source") == ["bone_marrow"]
    assert tied(ev, "NCT07654321", "donor") == ["allogeneic"]
    assert tied(ev, "NCT07654321", "dose") == ["5e+07..5e+07 cells"]


def test_run_together_rows_without_phase_column():
    text = ("Table 4 Ongoing trials\n\nTrialConditionSourceDeliveryEnrolledStatus\n"
            "NCT01234567Amyotrophic lateral sclerosisAutologous adiposeIntrathecal27Recruiting\n"
            "NCT07654321Multiple sclerosisUmbilical cordIntravenous24Not yet recruiting\n")
    ev = extract_text(text)
    assert tied(ev, "NCT01234567", "route") == ["intrathecal"]
    assert tied(ev, "NCT01234567", "enrollment") == ["27"]
    assert tied(ev, "NCT07654321", "status") == ["NOT_YET_RECRUITING"]
    assert tied(ev, "NCT07654321", "enrollment") == ["24"]


def test_space_joined_rows_with_the_id_in_the_middle():
    text = ("Table 3 Completed trials of MSCs for spinal cord injury\n\n"
            "Author Registration No. Source Route Patients Phase\n"
            "Kumar et al. NCT01234567 Autologous BM Intrathecal 40 I/II\n"
            "Vaquero et al. NCT07654321 Autologous BM Subarachnoid 10 II\n")
    ev = extract_text(text)
    assert tied(ev, "NCT01234567", "enrollment") == ["40"]
    assert tied(ev, "NCT01234567", "phase") == ["PHASE1", "PHASE2"]
    assert tied(ev, "NCT07654321", "route") == ["intrathecal"]
    assert tied(ev, "NCT07654321", "donor") == ["autologous"]


def test_a_bare_numeral_in_a_dose_piece_is_no_phase():
    text = ("Table 1\n\nNCT numberTitleStatusPhaseNo of patientsDose\n"
            "NCT01234567Cord blood cells for graft failureCompletedI/II10UCB-MSCs5 doses of 1 × 106 cells/kg\n"
            "NCT07654321Marrow cells for GVHDRecruitingIII40Allogeneic-MSCs2 × 106 cells/kg\n")
    ev = extract_text(text)
    assert tied(ev, "NCT01234567", "phase") == ["PHASE1", "PHASE2"]
    assert tied(ev, "NCT01234567", "enrollment") == ["10"]
    assert tied(ev, "NCT01234567", "dose_count") == ["5"]
    assert tied(ev, "NCT07654321", "phase") == ["PHASE3"]


def test_pipe_cells_that_wrap_onto_the_next_line():
    text = """Table 5
| Trial ID | Title | Phase | Route |
|---|---|---|---|
| NCT01234567 | Cord cells for severe | Phase 2 | IV |
| | lupus nephritis (LUNA-2) | | |
| NCT07654321 | Marrow cells for | Phase 1 | intrathecal |
amyotrophic lateral sclerosis
| Note: doses per kg | | | |
| | continued note | subcutaneous | |
"""
    ev = extract_text(text)
    assert tied(ev, "NCT01234567", "acronym") == ["LUNA-2"]
    assert tied(ev, "NCT01234567", "route") == ["intravenous"]
    assert tied(ev, "NCT07654321", "route") == ["intrathecal"]  # the note's lines are no trial's
    assert tied(ev, "NCT07654321", "conditions") == []  # a title's words are no printed condition


@pytest.mark.parametrize("line", [
    "Trial registration: ISRCTN identifier: 61849305",
    "Registration number: NCT09999993",
    "Clinical trial registration: ChiCTR2000012345",
])
def test_a_registration_line_after_a_table_of_no_trial_stays_running_text(line):
    text = f"Table 2 Baseline characteristics\nAge, mean (SD) | 64 (7)\nWomen, n (%) | 12 (40)\n\n{line}\n"
    ids = [e.value for e in extract_text(text) if e.field == "trial_id"]
    assert len(ids) == 1


# Reference numbers (superscripts lost in extraction) and neighbouring cells glued to a table's ids.
def test_run_together_rows_with_row_numbers_and_references_glued_to_the_ids():
    text = ("Table 2 Trials of cord MSCs in lung fibrosis\n\n"
            "NoTrial IDTitleStatusPhaseNo of patients\n"
            "1NCT0123456712Cord cells for idiopathic pulmonary fibrosisRecruitingI/II24\n"
            "2NCT0765432113Marrow cells in fibrotic lung diseaseCompletedII60\n")
    ev = extract_text(text)
    assert sorted({e.trial_id for e in ev if e.field == "trial_id"}) == ["NCT01234567", "NCT07654321"]
    assert {e.confidence for e in ev if e.field == "trial_id"} == {0.8}  # read with digits glued after it
    assert tied(ev, "NCT01234567", "title") == ["Cord cells for idiopathic pulmonary fibrosis"]
    assert tied(ev, "NCT01234567", "phase") == ["PHASE1", "PHASE2"]  # the next row's number "2" is not a phase
    assert tied(ev, "NCT01234567", "enrollment") == ["24"]
    assert tied(ev, "NCT07654321", "status") == ["COMPLETED"]
    assert tied(ev, "NCT07654321", "enrollment") == ["60"]


def test_run_together_rows_with_references_glued_to_the_ids():
    text = ("Table 4 Trials in lung fibrosis\n\n"
            "NCT numberTitleStatusPhaseNo of patientsDose\n"
            "NCT0123456712Cord cells for idiopathic pulmonary fibrosisRecruitingI/II24Allogeneic-MSCs1 × 106 cells/kg\n"
            "NCT0765432113Marrow cells in fibrotic lung diseaseCompletedII60Autologous-MSCs2 × 106 cells/kg\n")
    ev = extract_text(text)
    assert tied(ev, "NCT01234567", "title") == ["Cord cells for idiopathic pulmonary fibrosis"]  # not "12Cord ..."
    assert tied(ev, "NCT01234567", "enrollment") == ["24"]
    assert tied(ev, "NCT07654321", "donor") == ["autologous"]
    assert tied(ev, "NCT07654321", "dose") == ["2e+06..2e+06 cells/kg"]


def test_digits_run_into_a_glued_id_are_read_as_no_value():
    # "2NCT0345678911 × 107/kg": the row number 2, the id, then a frequency 1 and a dose 1 × 10^7/kg
    # run together: where the id's digits end and the next cell's begin is not printed, so neither is read
    text = ("Table 1 Trials\n\nNoTrial IDFrequencyDose (cells)StatusPatients\n"
            "1NCT031234561Two dosesRecruiting30\n"
            "2NCT0345678911 × 107/kgCompleted12\n")
    ev = extract_text(text)
    assert tied(ev, "NCT03456789", "status") == ["COMPLETED"]
    assert tied(ev, "NCT03456789", "enrollment") == ["12"]
    assert tied(ev, "NCT03456789", "dose") == [] and tied(ev, "NCT03456789", "dose_count") == []
    assert tied(ev, "NCT03123456", "enrollment") == ["30"]


def test_pipe_table_with_references_glued_to_the_ids():
    text = """Table 3. Trials of MSCs in kidney disease
| Registration No. | Stage | Origin | No. enrolled |
|---|---|---|---|
| NCT0123456712 | Phase 1/2 | UC-MSC | 24 |
| ISRCTN1383794413 | Phase2b | BM-MSC | 40 |
"""
    ev = extract_text(text)
    assert tied(ev, "NCT01234567", "phase") == ["PHASE1", "PHASE2"]
    assert tied(ev, "NCT01234567", "enrollment") == ["24"]
    assert tied(ev, "ISRCTN13837944", "cell_source") == ["bone_marrow"]
    assert tied(ev, "ISRCTN13837944", "enrollment") == ["40"]


def test_one_cell_a_line_with_references_glued_to_the_ids():
    text = ONE_CELL_A_LINE.replace("NCT01234567\n", "NCT0123456712\n").replace("NCT07654321\n", "NCT076543214\n")
    ev = extract_text(text)
    assert tied(ev, "NCT01234567", "cell_source") == ["adipose_tissue"]
    assert tied(ev, "NCT01234567", "dose") == ["2e+06..2e+06 cells/kg"]
    assert tied(ev, "NCT07654321", "cell_source") == ["bone_marrow"]
    assert tied(ev, "NCT07654321", "dose") == ["5e+07..5e+07 cells"]


def test_an_id_with_more_digits_in_a_sentence_names_no_trial():
    ev = extract_text("The trial was registered as NCT012345678 in 2015 and enrolled 30 patients.")
    assert not [e for e in ev if e.field == "trial_id"]


@pytest.mark.parametrize("cell", ["Zheng et al.9", "Pers YM et al.", "WANG et al.", "Okafor 12", "GVHD", "BM-MSCs"])
def test_a_citation_or_a_vocabulary_term_is_no_acronym(cell):
    assert read_cell("acronym", cell) == []


@pytest.mark.parametrize("header, cell, count", [
    ("No. of doses", "3", "3"), ("Frequency", "Three", "3"), ("Doses", "12", "12"), ("Administrations", "two", "2"),
])
def test_a_count_alone_under_a_frequency_header(header, cell, count):
    text = f"Table 1. Trials\n| Trial ID | {header} | Phase |\n|---|---|---|\n| NCT09201234 | {cell} | Phase 2 |\n"
    assert tied(extract_text(text), "NCT09201234", "dose_count") == [count]


@pytest.mark.parametrize("header", ["Dose (×10^6 cells/kg)", "Cell dose", "Patients"])
def test_a_number_alone_under_another_header_is_no_count(header):
    text = f"Table 1. Trials\n| Trial ID | {header} | Phase |\n|---|---|---|\n| NCT09201234 | 3 | Phase 2 |\n"
    assert tied(extract_text(text), "NCT09201234", "dose_count") == []


@pytest.mark.parametrize("header, cell, dose", [
    ("Dose (cells/kg)", "2 × 10^6", "2e+06..2e+06 cells/kg"),
    ("Dose per kg", "1-2 × 10^6", "1e+06..2e+06 cells/kg"),
    ("Dose (MSCs/kg)", "150 million", "1.5e+08..1.5e+08 cells/kg"),
    ("Dose (cells)", "2 × 10^6", "2e+06..2e+06 cells"),
])
def test_a_per_kg_header_gives_its_unit_to_scaled_numbers(header, cell, dose):
    text = f"Table 1. Trials\n| Trial ID | {header} | Phase |\n|---|---|---|\n| NCT09201234 | {cell} | Phase 2 |\n"
    assert tied(extract_text(text), "NCT09201234", "dose") == [dose]


@pytest.mark.parametrize("line, code, value", [
    ("Actual Enrollment: 11", "enrollment", "11"), ("Lead Sponsor: Spine Health Partners", "sponsor", "Spine Health Partners"),
    ("Sponsor's name: Northfield Hospital", "sponsor", "Northfield Hospital"), ("Number of subjects planned: 64", "enrollment", "64"),
    ("Status - Recruiting", "status", "Recruiting"), ("Target number of participants: 36", "enrollment", "36"),
    ("Overall trial start date: 15/06/2021", "start_date", "15/06/2021"), ("Full title of the trial: Cord cells in ALS", "title", "Cord cells in ALS"),
])
def test_record_labels_with_the_words_registries_print_around_them(line, code, value):
    found, span = record_label(line)
    assert found == code and line[span[0]:span[1]] == value


@pytest.mark.parametrize("line", ["Background - this study enrolled adults", "We saw: the cells engrafted", "Patients who received cells - 12"])
def test_prose_with_a_colon_or_dash_is_no_record_label(line):
    assert record_label(line) == (None, None)


@pytest.mark.parametrize("header, dates", [
    ("Start year", ["2016"]), ("Year started", ["2016"]), ("Start date", ["2016"]),
    ("Year", []), ("Date", []),  # a year of no stated meaning (registration, publication or start)
])
def test_a_year_alone_is_a_start_date_only_under_a_header_that_says_start(header, dates):
    pipe = f"Table 1. Trials\n| Trial ID | {header} | Phase |\n|---|---|---|\n| NCT09201234 | 2016 | Phase 2 |\n"
    space = (f"Table 2 Trials of cord cells\n\nNo. Trial ID {header} Country Phase\n"
             "1 NCT09201234 2016 Spain I/II\n2 NCT09201235 2018 Chile I\n")
    assert tied(extract_text(pipe), "NCT09201234", "start_date") == dates
    assert tied(extract_text(space), "NCT09201234", "start_date") == dates


def test_one_row_a_line_with_the_id_inside_it_keeps_the_next_rows_number():
    text = ("Table 2 Trials of cord cells\n\nNo. Author Trial ID Country Patients Phase\n"
            "1 Okafor et al. NCT09201234 Spain 15 I/II\n2 Lindqvist et al. NCT09201235 Chile 10 I\n")
    ev = extract_text(text)
    assert tied(ev, "NCT09201234", "phase") == ["PHASE1", "PHASE2"]
    assert tied(ev, "NCT09201234", "enrollment") == ["15"]
    assert tied(ev, "NCT09201235", "phase") == ["PHASE1"]


@pytest.mark.parametrize("row, status, n", [
    ("NCT09201234 Phase 1 Not yet recruiting 20", "NOT_YET_RECRUITING", "20"),
    ("NCT09201234 Phase 2 Active, not recruiting 48", "ACTIVE_NOT_RECRUITING", "48"),
    ("NCT09201234 Phase 3 Terminated 7", "TERMINATED", "7"),
])
def test_a_phase_status_header_over_space_separated_rows(row, status, n):
    text = f"Table 5 Neurological trials\n\nTrial ID Phase Status Enrolled\n{row}\nNCT09201299 Phase 1 Completed 9\n"
    ev = extract_text(text)
    assert tied(ev, "NCT09201234", "status") == [status]
    assert tied(ev, "NCT09201234", "enrollment") == [n]


def test_the_phase_column_after_the_dose_column_is_read_after_the_dose():
    text = ("Table 9 Repeated dosing\n\nTrial ID Source Doses Dose Phase\n"
            "NCT09201234 Placenta 3 1×10^6 cells/kg II\nNCT09201235 Placenta 2 2×10^6 cells/kg I\n")
    ev = extract_text(text)
    assert tied(ev, "NCT09201234", "phase") == ["PHASE2"]
    assert tied(ev, "NCT09201235", "phase") == ["PHASE1"]


@pytest.mark.parametrize("first", ["Trial", "Study", "Registry"])
def test_a_flattened_table_whose_id_column_no_vocabulary_word_names(first):
    text = (f"Table 3 Cell doses and sample sizes\n\n{first}\n\nCell dose (×10^6 cells/kg)\n\nPatients\n\n"
            "NCT09201234\n\n10\n\n12\n\nNCT09201235\n\n5\n\n30\n")
    ev = extract_text(text)
    assert tied(ev, "NCT09201234", "enrollment") == ["12"]
    assert tied(ev, "NCT09201234", "dose") == ["1e+07..1e+07 cells/kg"]
    assert tied(ev, "NCT09201235", "enrollment") == ["30"]


def test_a_flattened_table_of_two_columns_with_the_ids():
    text = ("Table 11 Sponsors\n\nTrial identifier\n\nSponsor\n\nNCT09201234\n\nHelix Cell Therapeutics Inc.\n\n"
            "NCT09201235\n\nAurora Regenerative GmbH\n")
    ev = extract_text(text)
    assert tied(ev, "NCT09201234", "sponsors") == ["Helix Cell Therapeutics Inc."]
    assert tied(ev, "NCT09201235", "sponsors") == ["Aurora Regenerative GmbH"]


def test_a_flattened_header_line_saying_more_than_its_columns_name():
    text = ("Table 9 Dose-escalation trials\n\nNCT no.\n\nDose levels\n\nPatients\n\nFrequency\n\n"
            "NCT09201234\n\n0.5–1 × 10^6 cells/kg\n\n18\n\nTwo infusions\n\nNCT09201235\n\n25, 50 and 100 million cells\n\n27\n\nSingle\n")
    ev = extract_text(text)
    assert tied(ev, "NCT09201234", "enrollment") == ["18"] and tied(ev, "NCT09201234", "dose_count") == ["2"]
    assert tied(ev, "NCT09201235", "enrollment") == ["27"] and tied(ev, "NCT09201235", "dose_count") == ["1"]


@pytest.mark.parametrize("cell, sponsors", [
    # a flattened row's cells shifted into the sponsor column: another column's values are no sponsor
    ("Completed NCT09201234", []), ("Phase 1/2 Recruiting NCT09201234", []), ("Active, not recruiting", []),
    ("Clinical trial (NCT09201234),", []), ("EudraCT number", []),
    ("Mayo Clinic, Rochester MN", ["Mayo Clinic, Rochester MN"]),
    ("Clinical Trials Unit, University of Leeds", ["Clinical Trials Unit, University of Leeds"]),
    ("Aurora Regenerative GmbH; Helix Cell Therapeutics Inc.", ["Aurora Regenerative GmbH", "Helix Cell Therapeutics Inc."]),
])
def test_a_sponsor_cell_names_sponsors_only(cell, sponsors):
    assert [m.value for m in read_cell("sponsors", cell)] == sponsors
