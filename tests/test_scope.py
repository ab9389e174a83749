"""Scopes wider than a sentence: the document's own trial, passages about one trial, registry
records as text. Texts written for these tests."""
import pytest

from conftest import tied
from pipeline import extract_text
from pipeline.extract.registry_ids import find_registry_ids
from pipeline.link.scope import find_own_trials, group_registrations




PROTOCOL = """Umbilical cord mesenchymal stromal cells for knee cartilage defects: an open-label phase 2a study

Background
Earlier phase 3 trials of bone marrow cells (NCT09999999) were inconclusive.

Methods
Forty patients will receive one intra-articular injection of allogeneic umbilical cord MSCs. A sample size of 40 was chosen.
The study is currently recruiting.

Funding
This work was funded by the Cartilage Research Council.

Trial registration
This trial is registered with ClinicalTrials.gov, number NCT01234567, and with EudraCT, 2014-001234-12.
"""


def test_a_protocol_whose_registration_line_is_last():
    ev = extract_text(PROTOCOL)
    own = "NCT01234567"
    assert tied(ev, own, "phase") == ["PHASE2"]
    assert tied(ev, own, "route") == ["intra_articular"]
    assert tied(ev, own, "cell_source") == ["umbilical_cord"]
    assert tied(ev, own, "donor") == ["allogeneic"]
    assert tied(ev, own, "enrollment") == ["40"]
    assert tied(ev, own, "status") == ["RECRUITING"]
    assert tied(ev, own, "sponsors") == ["Cartilage Research Council"]
    assert tied(ev, own, "other_ids") == ["2014-001234-12"]
    assert not [e for e in ev if e.trial_id == "2014-001234-12"]
    # the background's trial is cited, not the paper's own: it keeps only what its sentence says
    assert tied(ev, "NCT09999999", "phase") == ["PHASE3"]
    assert "PHASE3" not in tied(ev, own, "phase")
    assert all(e.extractor.endswith("@document") for e in ev if e.trial_id == own and e.field == "route")


def test_an_abstract_citing_a_second_trial_in_its_background():
    text = ("Background: A previous trial (NCT07777777) used adipose cells intravenously.\n\n"
            "Methods: In this randomized study, 12 patients received autologous bone marrow MSCs intrathecally.\n\n"
            "Trial registration: NCT01234567.\n")
    ev = extract_text(text)
    assert tied(ev, "NCT01234567", "route") == ["intrathecal"]
    assert tied(ev, "NCT01234567", "cell_source") == ["bone_marrow"]
    assert tied(ev, "NCT07777777", "cell_source") == ["adipose_tissue"]


def test_a_review_paragraph_about_one_trial_then_another():
    text = ("A phase 1 trial (NCT01111111) treated spinal cord injury. Patients received autologous bone "
            "marrow MSCs. The cells were given intrathecally. "
            "A second trial (NCT02222222) gave umbilical cord cells intravenously.\n")
    ev = extract_text(text)
    assert tied(ev, "NCT01111111", "route") == ["intrathecal"]
    assert tied(ev, "NCT01111111", "cell_source") == ["bone_marrow"]
    assert tied(ev, "NCT02222222", "route") == ["intravenous"]
    assert "bone_marrow" not in tied(ev, "NCT02222222", "cell_source")
    assert any(e.extractor.endswith("@passage") for e in ev if e.trial_id == "NCT01111111")


def test_a_review_without_registration_statement_has_no_own_trial():
    text = ("Several trials gave MSCs intravenously (NCT01111111, NCT02222222). "
            "Most used bone marrow cells.\n")
    ev = extract_text(text)
    assert not [e for e in ev if e.trial_id and e.field == "cell_source"]


RECORD = """Registration number
ACTRN12600000000001
Public title
Cord blood stromal cells for cerebral palsy
Recruitment status: Recruiting
Date of first enrolment: 2019-11
Target sample size
30
Description of intervention(s) / exposure
Cells 2 X 10E6/kg given intravenously, once.
Primary sponsor
Children's Research Institute
"""


def test_a_registry_record_read_by_its_labels():
    ev = extract_text(RECORD)
    own = "ACTRN12600000000001"
    assert tied(ev, own, "title") == ["Cord blood stromal cells for cerebral palsy"]
    assert tied(ev, own, "status") == ["RECRUITING"]
    assert tied(ev, own, "start_date") == ["2019-11"]
    assert tied(ev, own, "enrollment") == ["30"]
    assert tied(ev, own, "route") == ["intravenous"]
    assert tied(ev, own, "dose") == ["2e+06..2e+06 cells/kg"]
    assert tied(ev, own, "sponsors") == ["Children's Research Institute"]


def test_group_registrations():
    assert group_registrations([("2011-001295-19", "euctr"), ("NCT01854957", "ctgov")]) == [
        [("NCT01854957", "ctgov"), ("2011-001295-19", "euctr")]]
    assert group_registrations([("NCT01111111", "ctgov"), ("NCT02222222", "ctgov")]) == [
        [("NCT01111111", "ctgov")], [("NCT02222222", "ctgov")]]


def test_forms_of_single_trial_texts():
    from pipeline.extract.fields import find_acronyms, find_enrollment, find_funders
    assert [m.value for m in find_enrollment("we randomised 2,212 women")] == ["2212"]
    assert [m.value for m in find_enrollment("ten patients were treated")] == ["10"]
    assert [m.value for m in find_acronyms("Results of the TRACE trial are")] == ["TRACE"]
    assert [m.value for m in find_acronyms("the BRIDGE-2 study enrolled")] == ["BRIDGE-2"]
    assert [m.value for m in find_funders("funded by the National Institute for Health Research (NIHR) under its programme")] == [
        "National Institute for Health Research (NIHR)"]



@pytest.mark.parametrize("sentence,status", [
    ("The study is open for recruitment.", "RECRUITING"),
    ("The trial is currently recruiting patients.", "RECRUITING"),
    ("The trial was terminated early.", "TERMINATED"),
    ("It was withdrawn before enrolment.", "WITHDRAWN"),
    ("The LUNA study is anticipated to start early 2026.", "NOT_YET_RECRUITING"),
    ("The trial is not yet recruiting.", "NOT_YET_RECRUITING"),
])
def test_status_forms_of_single_trial_texts(sentence, status):
    from pipeline.extract.fields import find_status
    assert [m.value for m in find_status(sentence)] == [status]


@pytest.mark.parametrize("sentence,date", [
    ("Recruitment began in March 2016.", "2016-03"),
    ("The study is expected to start in 2026.", "2026"),
    ("Date of first enrolment: 2019-11", None),  # a record's field: read by its label, not as a sentence
])
def test_start_date_forms(sentence, date):
    from pipeline.extract.fields import find_start_dates
    assert [m.value for m in find_start_dates(sentence)] == ([date] if date else [])


def test_a_trial_status_section_belongs_to_the_own_trial():
    text = ("Cord cells for ulcers: a protocol\n\nMethods\nThirty patients will receive cells topically.\n\n"
            "Trial status\nThe HEAL-2 study is anticipated to start early 2026.\n\n"
            "Trial registration\nISRCTN12345678, registered on 1 May 2025.\n")
    ev = extract_text(text)
    assert tied(ev, "ISRCTN12345678", "status") == ["NOT_YET_RECRUITING"]
    assert tied(ev, "ISRCTN12345678", "start_date") == ["2026"]
    assert tied(ev, "ISRCTN12345678", "route") == ["topical"]


@pytest.mark.parametrize("sentence,funders", [
    ("This study was funded by the Wellcome Trust.", ["Wellcome Trust"]),
    ("The trial is receiving funding from the Canadian Institutes of\nHealth Research (ID: 1).", ["Canadian Institutes of Health Research"]),
    ("The Arthritis Foundation, the Lupus Council, and the Stem Cell Network provided grant support for the trial.",
     ["Arthritis Foundation", "Lupus Council", "Stem Cell Network"]),
    ("It was funded by a two-year project grant from the NHMRC, Australia.", ["NHMRC"]),
    ("LJM is supported by a Heart Foundation Fellowship.", []),
    ("Funded by the National Institute for Health Research (NIHR) Health Technology Assessment (HTA) programme (project 1).",
     ["National Institute for Health Research (NIHR) Health Technology Assessment (HTA) programme"]),
])
def test_funding_statements(sentence, funders):
    from pipeline.extract.fields import find_funders
    assert [m.value for m in find_funders(sentence)] == funders


CTGOV_RECORD = """Cord Cells for Knee Cartilage Repair (CORD-KNEE)

ClinicalTrials.gov Identifier: NCT01234567

Recruitment Status : Recruiting
First Posted : May 20, 2019

Sponsor:
Metropolitan Hospital

Study Description
Brief Summary:
This phase 2 study gives one intra-articular injection of allogeneic umbilical cord MSCs in knee osteoarthritis.

Study Design
Study Type : Interventional (Clinical Trial)
Estimated Enrollment : 60 participants
Actual Study Start Date : March 3, 2019
Estimated Primary Completion Date : December 2022
"""


def test_a_clinicaltrials_gov_record_as_text():
    ev = extract_text(CTGOV_RECORD)
    own = "NCT01234567"
    assert tied(ev, own, "status") == ["RECRUITING"]
    assert tied(ev, own, "enrollment") == ["60"]
    assert tied(ev, own, "start_date") == ["2019-03"]  # not the completion date
    assert tied(ev, own, "sponsors") == ["Metropolitan Hospital"]
    assert tied(ev, own, "acronym") == ["CORD-KNEE"]
    assert tied(ev, own, "phase") == ["PHASE2"]
    assert tied(ev, own, "route") == ["intra_articular"]


def test_an_abstract_of_labelled_lines_citing_another_trial_in_its_background():
    text = ("Cord cells for liver cirrhosis: a randomized phase I/II trial\n\nAbstract\n"
            "Background: Marrow cells were tried before (NCT07777777).\n"
            "Methods: 120 patients were randomly assigned to three intravenous infusions of allogeneic hUC-MSCs.\n"
            "Results: Survival improved.\n"
            "Clinical trial registration: ChiCTR-ONC-12002342.\n"
            "Funding: Liver Research Council.\n")
    ev = extract_text(text)
    own = "ChiCTR-ONC-12002342"
    assert tied(ev, own, "route") == ["intravenous"]
    assert tied(ev, own, "enrollment") == ["120"]
    assert tied(ev, own, "dose_count") == ["3"]
    assert tied(ev, own, "sponsors") == ["Liver Research Council"]
    assert tied(ev, "NCT07777777", "route") == []  # a passage does not cross into the next section


TWO_LABELLED = """Nebulised stromal cell secretome for neonatal lung injury: two pilot randomised trials

Abstract
Methods
Two pilot phase II trials are reported. In the first pilot, preterm infants were randomly assigned to nebulised secretome or saline. The first pilot was stopped after five months for failure to enrol a single infant.
In a redesigned second pilot, infants on high-frequency ventilation were eligible.
Results
No infants were enrolled in the first pilot. Nine infants were enrolled in the second pilot. The study was halted for slow recruitment after eight months.

Trial registration
Pilot one: ClinicalTrials.gov identifier: NCT01111111
Pilot two: ClinicalTrials.gov identifier: NCT02222222
"""


def test_a_report_of_two_labelled_trials_gives_each_what_its_passages_say():
    ev = extract_text(TWO_LABELLED)
    first, second = "NCT01111111", "NCT02222222"
    assert tied(ev, first, "status") == ["WITHDRAWN"]
    assert tied(ev, first, "enrollment") == ["0"]
    assert tied(ev, second, "enrollment") == ["9"]
    assert tied(ev, second, "status") == ["TERMINATED"]
    # what the report says of both goes to both
    assert tied(ev, first, "phase") == tied(ev, second, "phase") == ["PHASE2"]
    assert tied(ev, first, "route") == tied(ev, second, "route") == ["inhalation"]


@pytest.mark.parametrize("first, second, name", [
    ("Pilot one", "Pilot two", "the first pilot"),
    ("Study 1", "Study 2", "in the first study"),
    ("Part A", "Part B", "In Part A, patients"),
    ("Cohort 1", "Cohort 2", "the first cohort"),
    ("Trial I", "Trial II", "trial I enrolled"),
    ("(First trial)", "(Second trial)", "the first trial"),
])
def test_registration_labels_name_their_trial(first, second, name):
    text = f"Trial registration\n{first}: NCT03333333\n{second}: NCT04444444\n"
    own = find_own_trials(text, [(0, len(text), find_registry_ids(text))])
    assert own.ids == ["NCT03333333", "NCT04444444"]
    assert own.labels["NCT03333333"].search(name)
    assert not own.labels["NCT04444444"].search(name)


def test_unlabelled_registrations_have_no_labels():
    text = "This trial is registered with ClinicalTrials.gov, NCT05555555 and NCT06666666.\n"
    assert find_own_trials(text, [(0, len(text), find_registry_ids(text))]).labels == {}


HEADINGS_OVER_PROSE = """Cord stromal cells for knee osteoarthritis: a phase I trial

Methods
Subjects
Adults aged 40 to 75 years with grade 2 or 3 knee osteoarthritis on radiographs were eligible for the study.
Recruitment
Alongside the clinics, we were recruiting from two community practices across the region at that time.
Results
Twelve patients received one intra-articular injection.

This trial is registered with ClinicalTrials.gov, NCT07777777.
"""


def test_a_heading_over_prose_is_no_record_field():
    ev = extract_text(HEADINGS_OVER_PROSE)
    own = "NCT07777777"
    assert tied(ev, own, "status") == []
    assert tied(ev, own, "enrollment") == ["12"]
    assert tied(ev, own, "phase") == ["PHASE1"]


FIRST_PHASE_STATEMENT = """Marrow stromal cells for ischaemic stroke: a randomised phase II trial

Methods
Our earlier phase I study [12] set the dose. Patients were assessed twice with the stroke scale. Patients received one intravenous infusion of autologous cells.

This trial is registered with ClinicalTrials.gov, NCT08888888.
"""


def test_document_phase_is_the_first_statement_and_counts_need_a_dosing_word():
    ev = extract_text(FIRST_PHASE_STATEMENT)
    own = "NCT08888888"
    assert tied(ev, own, "phase") == ["PHASE2"]
    assert tied(ev, own, "dose_count") == ["1"]
    assert tied(ev, own, "route") == ["intravenous"]


TOTAL_SAMPLE = """Recruiting older adults into a walking trial: lessons from a pilot randomised trial

Abstract
Methods: Adults were recruited through letters from four practices (48 participants) and a community register (20 participants).
Results: Only five participants were recruited through posters in libraries.

Table 2 Baseline characteristics
Total sample (N = 73)
Age, mean (SD) | 71 (6)

Trial registration: ISRCTN identifier: 61849305
"""


def test_a_total_sample_line_is_the_reports_enrollment_not_its_parts():
    ev = extract_text(TOTAL_SAMPLE)
    assert tied(ev, "ISRCTN61849305", "enrollment") == ["73"]


@pytest.mark.parametrize("sentence, n", [
    ("Sixty patients were randomised: 30 to cells and 30 to placebo.", "60"),
    ("We enrolled 41 patients; 20 received MSCs and 21 standard care.", "41"),
    ("Patients were recruited from clinics (30 patients) and wards (12 patients). Forty-two patients were treated.", "42"),
])
def test_a_total_with_its_breakdown_is_the_enrollment(sentence, n):
    text = f"Stromal cells for lupus nephritis\n\nMethods\n{sentence}\n\nThis trial is registered with ClinicalTrials.gov, NCT09999991.\n"
    assert tied(extract_text(text), "NCT09999991", "enrollment") == [n]


def test_an_acronym_before_a_line_break_then_trial():
    text = ("Methods\nWe report the Cord Cells After Stroke (CCAS)\ntrial of intravenous cells, registered with "
            "ClinicalTrials.gov, NCT09999992.\n")
    assert tied(extract_text(text), "NCT09999992", "acronym") == ["CCAS"]


def test_a_report_of_several_trials_gives_none_of_them_its_pooled_count():
    text = ("Screening for three oncology trials: an audit\n\nMethods\nWe reviewed 286 patients discussed at tumour boards. "
            "All candidates received intravenous chemotherapy.\n\nTrial registration: the trials were registered with "
            "ClinicalTrials.gov (NCT01000001; NCT01000002; NCT01000003).\n")
    ev = extract_text(text)
    for tid in ("NCT01000001", "NCT01000002", "NCT01000003"):
        assert tied(ev, tid, "enrollment") == []
        assert tied(ev, tid, "route") == ["intravenous"]


def test_a_registration_wrapped_over_two_lines_is_one_trial_with_both_ids():
    text = ("Methods\nFifty patients will receive umbilical cord MSCs.\n\nTrial registration: Australian New Zealand Clinical "
            "Trials Registry ACTRN12613000000001 (registered 8 August 2013);\nClinicalTrials.gov Identifier NCT01900001.\n")
    ev = extract_text(text)
    assert tied(ev, "NCT01900001", "other_ids") == ["ACTRN12613000000001"]
    assert tied(ev, "ACTRN12613000000001", "enrollment") == []
    assert tied(ev, "NCT01900001", "enrollment") == ["50"]


AFFILIATION = """Inhaled cord stromal cells for bronchopulmonary dysplasia: a pilot trial

^3 Neonatal Research Unit, National Institute of Child Health, 6100 Executive Blvd., MSC 7510, Bethesda, MD 20892, USA

Methods
Infants received the study aerosol twice daily. Study medication was diluted in 4 ml sterile normal saline/hr.

Funding
This study was funded by the Medical Research Council, UK.

Trial registration: ClinicalTrials.gov identifier NCT05000001.
"""


def test_an_authors_address_gives_the_own_trial_nothing_but_a_funding_statement_does():
    ev = extract_text(AFFILIATION)
    own = "NCT05000001"
    assert [e.snippet for e in ev if e.trial_id == own and e.field == "product" and "Blvd" in e.snippet] == []
    assert tied(ev, own, "sponsors") == ["Medical Research Council"]
    assert tied(ev, own, "dose") == []  # the vehicle's volume is no dose
    assert tied(ev, own, "route") == ["inhalation"]


# ---------------------------------------------------------------- sentences naming several trials


@pytest.mark.parametrize("text, expected", [
    # values first, each item closed by its id
    ("Cells came from umbilical cords (NCT01111111), adipose tissue (NCT02222222) and allogeneic bone marrow (NCT03333333).",
     {"NCT01111111": ["umbilical_cord"], "NCT02222222": ["adipose_tissue"], "NCT03333333": ["bone_marrow"]}),
    ("Marrow MSCs were given intravenously in NCT01111111 and intrathecally in NCT02222222.",
     {"NCT01111111": ["intravenous"], "NCT02222222": ["intrathecal"]}),
    # the id opens its item
    ("Two trials continue: NCT01111111 (placenta-derived cells) and NCT02222222 (dental pulp cells).",
     {"NCT01111111": ["placenta"], "NCT02222222": ["dental_pulp"]}),
    # respectively
    ("NCT01111111 and NCT02222222 used Wharton's jelly and adipose MSCs, respectively.",
     {"NCT01111111": ["wharton_jelly"], "NCT02222222": ["adipose_tissue"]}),
    # a value that does not vary along the list is any trial's or all of theirs: no item takes it
    ("Bone marrow MSCs were tested in lupus (NCT01111111) and in Crohn's disease (NCT02222222).",
     {"NCT01111111": [], "NCT02222222": []}),
])
def test_a_list_of_trials_gives_each_its_own_item(text, expected):
    ev = extract_text(text)
    for tid, values in expected.items():
        assert tied(ev, tid, "cell_source") + tied(ev, tid, "route") == values, tid


def test_a_bracket_with_one_id_gives_that_trial_what_it_holds():
    ev = extract_text("Ongoing cardiac trials include HEART-2 (allogeneic adipose-derived MSCs, NCT01111111) and "
                      "CORD-HF (NCT02222222), both in heart failure.")
    assert tied(ev, "NCT01111111", "donor") == ["allogeneic"]
    assert tied(ev, "NCT01111111", "cell_source") == ["adipose_tissue"]
    assert tied(ev, "NCT02222222", "donor") == [] and tied(ev, "NCT02222222", "cell_source") == []


@pytest.mark.parametrize("text, each", [
    ("Three trials in recruiting status remain: ALPHA (NCT01111111), BETA (NCT02222222) and GAMMA (NCT03333333).", "RECRUITING"),
    ("The two cord-cell trials (NCT01111111, NCT02222222) were completed in 2020.", "COMPLETED"),
    ("NCT01111111 and NCT02222222 are recruiting.", "RECRUITING"),
])
def test_a_status_said_of_several_trials_goes_to_each(text, each):
    ev = extract_text(text)
    ids = [t for t in ("NCT01111111", "NCT02222222", "NCT03333333") if t in text]
    assert all(tied(ev, t, "status") == [each] for t in ids)


def test_a_status_of_one_of_several_trials_goes_to_none():
    ev = extract_text("NCT01111111 was completed, unlike NCT02222222.")
    assert tied(ev, "NCT01111111", "status") == [] and tied(ev, "NCT02222222", "status") == []


@pytest.mark.parametrize("text, tid, field, value", [
    # an author's sentence opens the passage about the trial the next sentence names
    ("Okafor et al. used allogeneic placenta-derived MSCs for knee osteoarthritis. Twenty patients were "
     "randomised in a phase II trial (NCT01111111).", "NCT01111111", "cell_source", ["placenta"]),
    ("Lindqvist et al. gave autologous cells by lumbar puncture. Patients were followed for a year. "
     "The trial was registered as NCT01111111.", "NCT01111111", "route", ["intrathecal"]),
    # a sentence that refers back takes the one before it
    ("Autologous dental pulp MSCs were also tried in stroke. The study was registered as NCT01111111.",
     "NCT01111111", "cell_source", ["dental_pulp"]),
    ("Allogeneic cord cells were infused in ten children. It was registered under NCT01111111.",
     "NCT01111111", "donor", ["allogeneic"]),
])
def test_the_sentences_leading_up_to_a_trial_are_its_passage(text, tid, field, value):
    ev = extract_text(text)
    assert tied(ev, tid, field) == value
    assert any(e.extractor.endswith("@passage") for e in ev if e.trial_id == tid and e.field == field)


@pytest.mark.parametrize("text", [
    # a general sentence before a trial's sentence is not its passage
    "Bone marrow MSCs are the most studied source. A phase II trial (NCT01111111) gave cord cells.",
    # an author cited by number is another study
    "Okafor et al. used placenta-derived MSCs [14]. A later phase II trial (NCT01111111) gave cord cells.",
    # another trial named in between
    "Okafor et al. used placenta-derived MSCs. NCT02222222 followed. The trial NCT01111111 gave cord cells.",
])
def test_no_passage_before_a_trial_without_a_lead(text):
    ev = extract_text(text)
    assert "placenta" not in tied(ev, "NCT01111111", "cell_source") and "bone_marrow" not in tied(ev, "NCT01111111", "cell_source")


@pytest.mark.parametrize("sentence, n", [
    ("In this study, 37 patients met the eligibility criteria.", "37"),
    ("Twenty-two children took part.", "22"),
    ("Overall, 48 adults participated in the two sites.", "48"),
])
def test_a_passage_states_its_trials_sample_in_more_words(sentence, n):
    text = f"The CARDIO-7 trial (NCT01111111) tested marrow cells in heart failure. {sentence} Outcomes improved."
    assert tied(extract_text(text), "NCT01111111", "enrollment") == [n]


def test_a_passage_count_not_said_of_the_sample_is_not_its_enrollment():
    text = ("The CARDIO-7 trial (NCT01111111) tested marrow cells in heart failure. "
            "Adverse events were seen in 12 patients. Outcomes improved.")
    assert tied(extract_text(text), "NCT01111111", "enrollment") == []


NAMED_ONCE = ("Inhaled allogeneic adipose MSC-derived vesicles in healthy volunteers\n\n"
              "We studied nebulized vesicles in a mouse model of lung injury. Twenty healthy volunteers "
              "received the vesicles once by inhalation (VESPA study, NCT09201234). No serious adverse events occurred.")


def test_a_document_naming_one_trial_in_a_bracket_with_its_studys_name_is_that_trials():
    ev = extract_text(NAMED_ONCE)
    assert tied(ev, "NCT09201234", "donor") == ["allogeneic"]
    assert tied(ev, "NCT09201234", "cell_source") == ["adipose_tissue"]
    assert tied(ev, "NCT09201234", "route") == ["inhalation"]


@pytest.mark.parametrize("text", [
    # a second trial named: neither is the document's
    NAMED_ONCE + " A larger trial (NCT09205678) is planned.",
    # the trial named without its study's name (a citation)
    NAMED_ONCE.replace("(VESPA study, NCT09201234)", "(NCT09201234)"),
])
def test_no_own_trial_from_a_bare_or_one_of_several_named_trials(text):
    ev = extract_text(text)
    assert "adipose_tissue" not in tied(ev, "NCT09201234", "cell_source")


@pytest.mark.parametrize("text, tid, field, value", [
    # a record headed by its id alone, its fields labelled
    ("ISRCTN92061111\nCord cells for lupus nephritis\n\nRecruitment status: Recruiting\nPhase: Phase II\n"
     "Target number of participants: 24\n", "ISRCTN92061111", "enrollment", ["24"]),
    ("NCT09206111 - Marrow cells in stroke\nStatus - Completed\nPhase - Phase 2\n", "NCT09206111", "status", ["COMPLETED"]),
    # a record whose id field is labelled by its registry's name
    ("Official Title: Fat cells for knee pain\nNCT Number: NCT09206112\nOverall Status: Terminated\nActual Enrollment: 11\n",
     "NCT09206112", "enrollment", ["11"]),
    # a protocol's "Methods and analysis" section speaks of its own trial
    ("Background: cord cells may help preterm lungs.\nMethods and analysis: Sixty infants will receive one intratracheal "
     "dose of cord MSCs.\nTrial registration number: NCT09206113.\n", "NCT09206113", "route", ["intratracheal"]),
])
def test_records_and_protocol_sections_of_the_own_trial(text, tid, field, value):
    assert tied(extract_text(text), tid, field) == value


def test_a_review_opening_with_a_cited_id_mid_sentence_has_no_own_trial():
    text = "Cord cells were tested in NCT09206114 and in NCT09206115.\nBoth trials reported safety.\n"
    own = find_own_trials(text, [(0, len(text), find_registry_ids(text))])
    assert own.ids == []


@pytest.mark.parametrize("text, field, each", [
    ("NCT01111111 and NCT02222222 delivered autologous bone marrow MSCs intrathecally and intravenously, respectively.",
     "donor", ["autologous"]),
    ("Of the cord-blood trials, NCT01111111 (recruiting) and NCT02222222 (completed) target autism.",
     "cell_source", ["umbilical_cord_blood"]),
    ("Both NCT01111111 and NCT02222222 gave allogeneic placenta cells.", "cell_source", ["placenta"]),
])
def test_what_a_sentence_says_of_trials_named_together_goes_to_each(text, field, each):
    ev = extract_text(text)
    assert tied(ev, "NCT01111111", field) == each and tied(ev, "NCT02222222", field) == each


@pytest.mark.parametrize("text", [
    "Unlike NCT01111111, the trial NCT02222222 gave allogeneic placenta cells.",
    "NCT01111111 was stopped; NCT02222222 gave allogeneic placenta cells after it.",
])
def test_trials_named_apart_share_nothing(text):
    ev = extract_text(text)
    assert tied(ev, "NCT01111111", "cell_source") == []


def test_counts_listed_respectively():
    ev = extract_text("The cord-cell trials NCT01111111 and NCT02222222 enrolled 24 and 60 patients, respectively.")
    assert tied(ev, "NCT01111111", "enrollment") == ["24"] and tied(ev, "NCT02222222", "enrollment") == ["60"]
