"""Layout variants: the same kinds of facts printed in many layouts, with other header words,
column orders, diseases, units and punctuation than the development papers use. Every trial here
is fictional and every text was written for these tests. A case is one field of one trial in one
text: what a careful reader records for it."""
from functools import lru_cache

import pytest

from conftest import tied
from pipeline import extract_text

TEXTS = {}


@lru_cache(maxsize=None)
def evidence(name):
    return extract_text(TEXTS[name])


# ------------------------------------------------------------------------ 1. pipe tables

TEXTS["pipe_knee"] = """Table 2. Registered trials of stromal cells in knee osteoarthritis
| Trial ID | Condition | MSC source | Phase | Participants | Dose | Route | Status |
|---|---|---|---|---|---|---|---|
| NCT09201234 | Knee osteoarthritis | Umbilical cord | II | 30 | 1 × 10^6 cells/kg | Intra-articular | Completed |
| NCT09201235 | Osteoarthritis | Adipose tissue | I/II | 18 | 50 × 10^6 cells | Intra-articular | Recruiting |
"""

TEXTS["pipe_header_unit"] = """Table 1 Clinical studies of MSCs in neurological disease
| Identifier | Year started | Stage | Origin | Enrolled | Delivery | Cell dose (×10^6 cells/kg) | Indication |
|---|---|---|---|---|---|---|---|
| NCT09201301 | 2018 | Phase 1 | Autologous bone marrow | 12 | Intrathecal | 1.5 | Amyotrophic lateral sclerosis |
| NCT09201302 | 2020 | Phase 2/3 | Wharton's jelly | 100 | Intravenous | 2 | Multiple sclerosis |
"""

TEXTS["pipe_phase_status"] = """Table 4. Ongoing trials in COVID-19
| Registration No. | Name of trial | Sponsor/Collaborators | Phase/status | n | Dosage | Administration |
|---|---|---|---|---|---|---|
| ChiCTR2100045678 | Cord MSCs for severe COVID-19 pneumonia (CORDIAL-19) | Northfield University Hospital | Phase 2/Recruiting | 40 | 1 × 10^6/kg | IV |
| NCT09201411 | Exosome inhalation in COVID-19 | Meridian Biotech Ltd | Phase 1/Completed | 24 | 2 × 10^8 particles | Nebulized |
"""

TEXTS["pipe_no_outer_bars"] = """Table 3 Trials of MSCs in heart failure
NCT number | Title | Recruitment | Cell type | No. of doses | Dose | Route
---|---|---|---|---|---|---
NCT09201501 | Allogeneic marrow cells in ischaemic heart failure | Active, not recruiting | Allogeneic BM-MSC | Single | 150 million cells | Transendocardial
NCT09201502 | Repeated cord cell infusions for dilated cardiomyopathy | Terminated | UC-MSC | 3 | 1 x 10^6 cells/kg | Intravenous
"""

TEXTS["pipe_eudract_late_id"] = """Table 5. European trials of adipose-derived cells
| Disease | Phase | Status | EudraCT number | Patients | Cells | Dose |
|---|---|---|---|---|---|---|
| Perianal fistula in Crohn's disease | III | Completed | 2019-001234-56 | 212 | Allogeneic adipose-derived MSCs | 120 × 10^6 cells |
| Critical limb ischaemia | II | Withdrawn | 2020-004321-11 | 0 | Autologous stromal vascular fraction | 10 mL |
"""

TEXTS["pipe_anzctr"] = """Table 2: Australian and New Zealand studies
| Trial | Start date | Condition | Source | Route | n | Sponsor |
|---|---|---|---|---|---|---|
| ACTRN12619000123456 | March 2019 | Cerebral palsy | Umbilical cord blood | Intravenous | 24 | Children's Research Foundation |
| ACTRN12620000654321 | 2020-08 | Knee osteoarthritis | Autologous adipose | Intra-articular | NR | Southern Orthopaedic Group |
"""

TEXTS["pipe_printed_ids"] = """Table 6 Trials of MSCs in type 1 diabetes
| No. | Clinical trial number | Phase | MSC type | Dose (cells/kg) | Frequency | Participants |
|---|---|---|---|---|---|---|
| 1 | NCT 0920 1777 | Phase 1/2 | Umbilical cord-derived | 2 × 10^6 | Twice, 3 months apart | 20 |
| 2 | NCT-09201778 | Phase 2 | Autologous bone marrow | 3.5 × 10^6 | Once | 16 |
"""

TEXTS["pipe_rare_codes"] = """Table 7. Registered trials in spinal cord injury and stroke
| Trial ID | Disease | Phase | Status | Source | Route |
|---|---|---|---|---|---|
| NCT09201601 | Spinal cord injury | Early Phase 1 | Not yet recruiting | Olfactory mucosa | Intrathecal |
| NCT09201602 | Ischemic stroke | N/A | Unknown status | Menstrual blood | Intracerebral |
| NCT09201603 | Stroke | Phase 4 | Enrolling by invitation | Dental pulp | Intranasal |
"""

TEXTS["pipe_cell_free"] = """Table 8 Cell-free MSC products in clinical trials
| Trial | Product | Dose | Route | Indication | Enrolment |
|---|---|---|---|---|---|
| NCT09201701 | MSC-derived exosomes | 100 µg | Inhalation | Acute respiratory distress syndrome | 30 |
| NCT09201702 | MSC secretome | 2 mL | Topical | Diabetic foot ulcer | 44 |
| NCT09201703 | Extracellular vesicles from Wharton's jelly MSCs | 50 µg/kg | Intravenous | Bronchopulmonary dysplasia | 12 |
"""

TEXTS["pipe_acronym_donor"] = """Table S1. Randomized trials of MSCs in acute GVHD
| Study ID | Acronym | Auto/allo | Cell source | Patients (n) | Phase | Start |
|---|---|---|---|---|---|---|
| NCT09201801 | GRAFT-2 | Allo | Bone marrow | 45 (23/22) | III | 2015 |
| ISRCTN92018021 | CALM-GVHD | Allo | Umbilical cord | 60 | II | 2017 |
"""

PIPE = [
    ("pipe_knee", "NCT09201234", "conditions", ["knee osteoarthritis"]),
    ("pipe_knee", "NCT09201234", "cell_source", ["umbilical_cord"]),
    ("pipe_knee", "NCT09201234", "phase", ["PHASE2"]),
    ("pipe_knee", "NCT09201234", "enrollment", ["30"]),
    ("pipe_knee", "NCT09201234", "dose", ["1e+06..1e+06 cells/kg"]),
    ("pipe_knee", "NCT09201234", "route", ["intra_articular"]),
    ("pipe_knee", "NCT09201234", "status", ["COMPLETED"]),
    ("pipe_knee", "NCT09201235", "conditions", ["osteoarthritis"]),
    ("pipe_knee", "NCT09201235", "cell_source", ["adipose_tissue"]),
    ("pipe_knee", "NCT09201235", "phase", ["PHASE1", "PHASE2"]),
    ("pipe_knee", "NCT09201235", "enrollment", ["18"]),
    ("pipe_knee", "NCT09201235", "dose", ["5e+07..5e+07 cells"]),
    ("pipe_knee", "NCT09201235", "status", ["RECRUITING"]),
    ("pipe_header_unit", "NCT09201301", "phase", ["PHASE1"]),
    ("pipe_header_unit", "NCT09201301", "cell_source", ["bone_marrow"]),
    ("pipe_header_unit", "NCT09201301", "donor", ["autologous"]),
    ("pipe_header_unit", "NCT09201301", "enrollment", ["12"]),
    ("pipe_header_unit", "NCT09201301", "route", ["intrathecal"]),
    ("pipe_header_unit", "NCT09201301", "dose", ["1.5e+06..1.5e+06 cells/kg"]),
    ("pipe_header_unit", "NCT09201301", "conditions", ["amyotrophic lateral sclerosis"]),
    ("pipe_header_unit", "NCT09201302", "phase", ["PHASE2", "PHASE3"]),
    ("pipe_header_unit", "NCT09201302", "cell_source", ["wharton_jelly"]),
    ("pipe_header_unit", "NCT09201302", "enrollment", ["100"]),
    ("pipe_header_unit", "NCT09201302", "route", ["intravenous"]),
    ("pipe_header_unit", "NCT09201302", "dose", ["2e+06..2e+06 cells/kg"]),
    ("pipe_header_unit", "NCT09201302", "conditions", ["multiple sclerosis"]),
    ("pipe_phase_status", "ChiCTR2100045678", "title", ["Cord MSCs for severe COVID-19 pneumonia (CORDIAL-19)"]),
    ("pipe_phase_status", "ChiCTR2100045678", "acronym", ["CORDIAL-19"]),
    ("pipe_phase_status", "ChiCTR2100045678", "sponsors", ["Northfield University Hospital"]),
    ("pipe_phase_status", "ChiCTR2100045678", "phase", ["PHASE2"]),
    ("pipe_phase_status", "ChiCTR2100045678", "status", ["RECRUITING"]),
    ("pipe_phase_status", "ChiCTR2100045678", "enrollment", ["40"]),
    ("pipe_phase_status", "ChiCTR2100045678", "dose", ["1e+06..1e+06 cells/kg"]),
    ("pipe_phase_status", "ChiCTR2100045678", "route", ["intravenous"]),
    ("pipe_phase_status", "NCT09201411", "title", ["Exosome inhalation in COVID-19"]),
    ("pipe_phase_status", "NCT09201411", "sponsors", ["Meridian Biotech Ltd"]),
    ("pipe_phase_status", "NCT09201411", "phase", ["PHASE1"]),
    ("pipe_phase_status", "NCT09201411", "status", ["COMPLETED"]),
    ("pipe_phase_status", "NCT09201411", "enrollment", ["24"]),
    ("pipe_phase_status", "NCT09201411", "dose", ["2e+08..2e+08 particles"]),
    ("pipe_phase_status", "NCT09201411", "route", ["inhalation"]),
    ("pipe_phase_status", "NCT09201411", "product", ["exosomes"]),
    ("pipe_no_outer_bars", "NCT09201501", "title", ["Allogeneic marrow cells in ischaemic heart failure"]),
    ("pipe_no_outer_bars", "NCT09201501", "status", ["ACTIVE_NOT_RECRUITING"]),
    ("pipe_no_outer_bars", "NCT09201501", "cell_source", ["bone_marrow"]),
    ("pipe_no_outer_bars", "NCT09201501", "donor", ["allogeneic"]),
    ("pipe_no_outer_bars", "NCT09201501", "dose_count", ["1"]),
    ("pipe_no_outer_bars", "NCT09201501", "dose", ["1.5e+08..1.5e+08 cells"]),
    ("pipe_no_outer_bars", "NCT09201501", "route", ["transendocardial"]),
    ("pipe_no_outer_bars", "NCT09201502", "status", ["TERMINATED"]),
    ("pipe_no_outer_bars", "NCT09201502", "cell_source", ["umbilical_cord"]),
    ("pipe_no_outer_bars", "NCT09201502", "dose", ["1e+06..1e+06 cells/kg"]),
    ("pipe_no_outer_bars", "NCT09201502", "route", ["intravenous"]),
    ("pipe_eudract_late_id", "2019-001234-56", "conditions", ["crohn disease"]),
    ("pipe_eudract_late_id", "2019-001234-56", "phase", ["PHASE3"]),
    ("pipe_eudract_late_id", "2019-001234-56", "status", ["COMPLETED"]),
    ("pipe_eudract_late_id", "2019-001234-56", "enrollment", ["212"]),
    ("pipe_eudract_late_id", "2019-001234-56", "cell_source", ["adipose_tissue"]),
    ("pipe_eudract_late_id", "2019-001234-56", "donor", ["allogeneic"]),
    ("pipe_eudract_late_id", "2019-001234-56", "dose", ["1.2e+08..1.2e+08 cells"]),
    ("pipe_eudract_late_id", "2020-004321-11", "phase", ["PHASE2"]),
    ("pipe_eudract_late_id", "2020-004321-11", "status", ["WITHDRAWN"]),
    ("pipe_eudract_late_id", "2020-004321-11", "enrollment", ["0"]),
    ("pipe_eudract_late_id", "2020-004321-11", "donor", ["autologous"]),
    ("pipe_eudract_late_id", "2020-004321-11", "product", ["stromal_vascular_fraction"]),
    ("pipe_eudract_late_id", "2020-004321-11", "dose", ["10..10 mL"]),
    ("pipe_anzctr", "ACTRN12619000123456", "start_date", ["2019-03"]),
    ("pipe_anzctr", "ACTRN12619000123456", "conditions", ["cerebral palsy"]),
    ("pipe_anzctr", "ACTRN12619000123456", "cell_source", ["umbilical_cord_blood"]),
    ("pipe_anzctr", "ACTRN12619000123456", "route", ["intravenous"]),
    ("pipe_anzctr", "ACTRN12619000123456", "enrollment", ["24"]),
    ("pipe_anzctr", "ACTRN12619000123456", "sponsors", ["Children's Research Foundation"]),
    ("pipe_anzctr", "ACTRN12620000654321", "start_date", ["2020-08"]),
    ("pipe_anzctr", "ACTRN12620000654321", "conditions", ["knee osteoarthritis"]),
    ("pipe_anzctr", "ACTRN12620000654321", "cell_source", ["adipose_tissue"]),
    ("pipe_anzctr", "ACTRN12620000654321", "donor", ["autologous"]),
    ("pipe_anzctr", "ACTRN12620000654321", "route", ["intra_articular"]),
    ("pipe_anzctr", "ACTRN12620000654321", "enrollment", []),
    ("pipe_anzctr", "ACTRN12620000654321", "sponsors", ["Southern Orthopaedic Group"]),
    ("pipe_printed_ids", "NCT09201777", "phase", ["PHASE1", "PHASE2"]),
    ("pipe_printed_ids", "NCT09201777", "cell_source", ["umbilical_cord"]),
    ("pipe_printed_ids", "NCT09201777", "dose_count", ["2"]),
    ("pipe_printed_ids", "NCT09201777", "enrollment", ["20"]),
    ("pipe_printed_ids", "NCT09201778", "phase", ["PHASE2"]),
    ("pipe_printed_ids", "NCT09201778", "cell_source", ["bone_marrow"]),
    ("pipe_printed_ids", "NCT09201778", "donor", ["autologous"]),
    ("pipe_printed_ids", "NCT09201778", "dose_count", ["1"]),
    ("pipe_printed_ids", "NCT09201778", "enrollment", ["16"]),
    ("pipe_rare_codes", "NCT09201601", "conditions", ["spinal cord injury"]),
    ("pipe_rare_codes", "NCT09201601", "phase", ["EARLY_PHASE1"]),
    ("pipe_rare_codes", "NCT09201601", "status", ["NOT_YET_RECRUITING"]),
    ("pipe_rare_codes", "NCT09201601", "cell_source", ["olfactory_mucosa"]),
    ("pipe_rare_codes", "NCT09201601", "route", ["intrathecal"]),
    ("pipe_rare_codes", "NCT09201602", "conditions", ["stroke"]),
    ("pipe_rare_codes", "NCT09201602", "phase", ["NOT_APPLICABLE"]),
    ("pipe_rare_codes", "NCT09201602", "status", ["UNKNOWN"]),
    ("pipe_rare_codes", "NCT09201602", "cell_source", ["menstrual_blood"]),
    ("pipe_rare_codes", "NCT09201602", "route", ["intracerebral"]),
    ("pipe_rare_codes", "NCT09201603", "phase", ["PHASE4"]),
    ("pipe_rare_codes", "NCT09201603", "status", ["ENROLLING_BY_INVITATION"]),
    ("pipe_rare_codes", "NCT09201603", "cell_source", ["dental_pulp"]),
    ("pipe_rare_codes", "NCT09201603", "route", ["intranasal"]),
    ("pipe_cell_free", "NCT09201701", "product", ["exosomes"]),
    ("pipe_cell_free", "NCT09201701", "dose", ["100..100 ug"]),
    ("pipe_cell_free", "NCT09201701", "route", ["inhalation"]),
    ("pipe_cell_free", "NCT09201701", "conditions", ["acute respiratory distress syndrome"]),
    ("pipe_cell_free", "NCT09201701", "enrollment", ["30"]),
    ("pipe_cell_free", "NCT09201702", "product", ["secretome"]),
    ("pipe_cell_free", "NCT09201702", "dose", ["2..2 mL"]),
    ("pipe_cell_free", "NCT09201702", "route", ["topical"]),
    ("pipe_cell_free", "NCT09201702", "conditions", ["diabetic foot ulcer"]),
    ("pipe_cell_free", "NCT09201702", "enrollment", ["44"]),
    ("pipe_cell_free", "NCT09201703", "product", ["extracellular_vesicles"]),
    ("pipe_cell_free", "NCT09201703", "cell_source", ["wharton_jelly"]),
    ("pipe_cell_free", "NCT09201703", "dose", ["50..50 ug/kg"]),
    ("pipe_cell_free", "NCT09201703", "route", ["intravenous"]),
    ("pipe_cell_free", "NCT09201703", "conditions", ["bronchopulmonary dysplasia"]),
    ("pipe_cell_free", "NCT09201703", "enrollment", ["12"]),
    ("pipe_acronym_donor", "NCT09201801", "cell_source", ["bone_marrow"]),
    ("pipe_acronym_donor", "NCT09201801", "enrollment", ["45"]),
    ("pipe_acronym_donor", "NCT09201801", "phase", ["PHASE3"]),
    ("pipe_acronym_donor", "ISRCTN92018021", "acronym", ["CALM-GVHD"]),
    ("pipe_acronym_donor", "ISRCTN92018021", "cell_source", ["umbilical_cord"]),
    ("pipe_acronym_donor", "ISRCTN92018021", "enrollment", ["60"]),
    ("pipe_acronym_donor", "ISRCTN92018021", "phase", ["PHASE2"]),
    ('pipe_header_unit', 'NCT09201301', 'start_date', ['2018']),
    ('pipe_header_unit', 'NCT09201302', 'start_date', ['2020']),
    ('pipe_no_outer_bars', 'NCT09201502', 'dose_count', ['3']),
    ('pipe_eudract_late_id', '2020-004321-11', 'conditions', ['critical limb ischemia']),
    ('pipe_printed_ids', 'NCT09201777', 'dose', ['2e+06..2e+06 cells/kg']),
    ('pipe_printed_ids', 'NCT09201778', 'dose', ['3.5e+06..3.5e+06 cells/kg']),
    ('pipe_acronym_donor', 'NCT09201801', 'acronym', ['GRAFT-2']),
    ('pipe_acronym_donor', 'NCT09201801', 'start_date', ['2015']),
    ('pipe_acronym_donor', 'ISRCTN92018021', 'start_date', ['2017']),
]


@pytest.mark.parametrize("name,trial,field,expected", PIPE)
def test_pipe_tables(name, trial, field, expected):
    assert tied(evidence(name), trial, field) == expected


# ------------------------------------------------------------- 2. one cell a line

TEXTS["flat_liver"] = """Table 3 Trials of MSCs in liver cirrhosis

Trial ID

Phase

Cell source

Route

Patients

NCT09202101

II

Umbilical cord MSCs

Intravenous

50

NCT09202102

I

Autologous bone marrow MSCs

Hepatic artery

20
"""

TEXTS["flat_no_blank_lines"] = """Table 2. Cord cell trials in lupus
Condition
Registration No.
Status
Enrollment
Dose
Lupus nephritis
NCT09202201
Completed
40
1 × 10^6 cells/kg
Systemic lupus erythematosus
NCT09202202
Recruiting
120
2 × 10^6 cells/kg
"""

TEXTS["flat_other_registries"] = """Table 4 Trials registered outside ClinicalTrials.gov

No.

Trial number

Sponsor

Source

Participants

1

ISRCTN92023011

Northern Heart Institute

Adipose tissue

48

2

ChiCTR2000039876

Eastlake Medical University

Wharton's jelly

36
"""

TEXTS["flat_title_dates"] = """Table 5 Registered studies of perinatal cells

Registry ID

Title

Phase

Start date

NCT09202401

Placental MSCs for Crohn's disease (PLACID)

Phase I/IIa

2017-05

NCT09202402

Marrow stromal cells after myocardial infarction

Phase IIb

June 2021
"""

TEXTS["flat_cell_free"] = """Table 6 Cell-free trials

Identifier

Product

Dose

Administration

NCT09202501

Exosomes from adipose MSCs

8 × 10^8 particles

Nebulization

NCT09202502

Conditioned medium

5 mL

Eye drops
"""

TEXTS["flat_header_unit"] = """Table 2 Dosing in trials of cord MSCs for bronchopulmonary dysplasia

Trial

Cell dose (×10^6 cells/kg)

No. of doses

Delivery

NCT09202601

10

1

Intratracheal

NCT09202602

20

2

Intravenous
"""

TEXTS["flat_status_donor"] = """Table 7. Status of registered trials
NCT number
Recruitment
Donor
n
NCT09202701
Active, not recruiting
Autologous
15
NCT09202702
Terminated
Allogeneic
8
NCT09202703
Withdrawn
Allogeneic
0
"""

TEXTS["flat_id_last"] = """Table 8 Trials in musculoskeletal and muscle disorders

Indication

Origin

Route of administration

Stage

Clinical trial ID

Degenerative disc disease

Allogeneic bone marrow

Intradiscal

Phase 2

NCT09202801

Duchenne muscular dystrophy

Umbilical cord

Intramuscular

Phase 1

NCT09202802
"""

TEXTS["flat_dose_ranges"] = """Table 9 Dose-escalation trials

NCT no.

Dose levels

Patients

Frequency

NCT09202901

0.5–1 × 10^6 cells/kg

18

Two infusions

NCT09202902

25, 50 and 100 million cells

27

Single
"""

TEXTS["flat_sponsor_year"] = """Table 10 Industry-sponsored trials

Trial identifier

Sponsor

Year

Status

NCT09203051

Helix Cell Therapeutics Inc.

2019

Completed

NCT09203052

Aurora Regenerative GmbH

2022

Not yet recruiting
"""

TEXTS['flat_header_unit_patients'] = 'Table 3 Cell doses and sample sizes\n\nTrial\n\nCell dose (×10^6 cells/kg)\n\nPatients\n\nNCT09202651\n\n10\n\n12\n\nNCT09202652\n\n5\n\n30\n'

TEXTS['flat_two_columns'] = 'Table 11 Sponsors\n\nTrial identifier\n\nSponsor\n\nNCT09203061\n\nHelix Cell Therapeutics Inc.\n\nNCT09203062\n\nAurora Regenerative GmbH\n'

FLAT = [
    ("flat_liver", "NCT09202101", "phase", ["PHASE2"]),
    ("flat_liver", "NCT09202101", "cell_source", ["umbilical_cord"]),
    ("flat_liver", "NCT09202101", "route", ["intravenous"]),
    ("flat_liver", "NCT09202101", "enrollment", ["50"]),
    ("flat_liver", "NCT09202102", "phase", ["PHASE1"]),
    ("flat_liver", "NCT09202102", "cell_source", ["bone_marrow"]),
    ("flat_liver", "NCT09202102", "donor", ["autologous"]),
    ("flat_liver", "NCT09202102", "route", ["intra_arterial"]),
    ("flat_liver", "NCT09202102", "enrollment", ["20"]),
    ("flat_no_blank_lines", "NCT09202201", "conditions", ["systemic lupus erythematosus"]),
    ("flat_no_blank_lines", "NCT09202201", "status", ["COMPLETED"]),
    ("flat_no_blank_lines", "NCT09202201", "enrollment", ["40"]),
    ("flat_no_blank_lines", "NCT09202201", "dose", ["1e+06..1e+06 cells/kg"]),
    ("flat_no_blank_lines", "NCT09202202", "conditions", ["systemic lupus erythematosus"]),
    ("flat_no_blank_lines", "NCT09202202", "status", ["RECRUITING"]),
    ("flat_no_blank_lines", "NCT09202202", "enrollment", ["120"]),
    ("flat_no_blank_lines", "NCT09202202", "dose", ["2e+06..2e+06 cells/kg"]),
    ("flat_other_registries", "ISRCTN92023011", "sponsors", ["Northern Heart Institute"]),
    ("flat_other_registries", "ISRCTN92023011", "cell_source", ["adipose_tissue"]),
    ("flat_other_registries", "ISRCTN92023011", "enrollment", ["48"]),
    ("flat_other_registries", "ChiCTR2000039876", "sponsors", ["Eastlake Medical University"]),
    ("flat_other_registries", "ChiCTR2000039876", "cell_source", ["wharton_jelly"]),
    ("flat_other_registries", "ChiCTR2000039876", "enrollment", ["36"]),
    ("flat_title_dates", "NCT09202401", "title", ["Placental MSCs for Crohn's disease (PLACID)"]),
    ("flat_title_dates", "NCT09202401", "acronym", ["PLACID"]),
    ("flat_title_dates", "NCT09202401", "phase", ["PHASE1", "PHASE2"]),
    ("flat_title_dates", "NCT09202401", "start_date", ["2017-05"]),
    ("flat_title_dates", "NCT09202402", "title", ["Marrow stromal cells after myocardial infarction"]),
    ("flat_title_dates", "NCT09202402", "phase", ["PHASE2"]),
    ("flat_title_dates", "NCT09202402", "start_date", ["2021-06"]),
    ("flat_cell_free", "NCT09202501", "product", ["exosomes"]),
    ("flat_cell_free", "NCT09202501", "cell_source", ["adipose_tissue"]),
    ("flat_cell_free", "NCT09202501", "dose", ["8e+08..8e+08 particles"]),
    ("flat_cell_free", "NCT09202501", "route", ["inhalation"]),
    ("flat_cell_free", "NCT09202502", "product", ["conditioned_medium"]),
    ("flat_cell_free", "NCT09202502", "dose", ["5..5 mL"]),
    ("flat_cell_free", "NCT09202502", "route", ["topical"]),
    ("flat_header_unit", "NCT09202601", "route", ["intratracheal"]),
    ("flat_header_unit", "NCT09202602", "route", ["intravenous"]),
    ("flat_status_donor", "NCT09202701", "status", ["ACTIVE_NOT_RECRUITING"]),
    ("flat_status_donor", "NCT09202701", "donor", ["autologous"]),
    ("flat_status_donor", "NCT09202701", "enrollment", ["15"]),
    ("flat_status_donor", "NCT09202702", "status", ["TERMINATED"]),
    ("flat_status_donor", "NCT09202702", "donor", ["allogeneic"]),
    ("flat_status_donor", "NCT09202702", "enrollment", ["8"]),
    ("flat_status_donor", "NCT09202703", "status", ["WITHDRAWN"]),
    ("flat_status_donor", "NCT09202703", "donor", ["allogeneic"]),
    ("flat_status_donor", "NCT09202703", "enrollment", ["0"]),
    ("flat_id_last", "NCT09202801", "conditions", ["degenerative disc disease"]),
    ("flat_id_last", "NCT09202801", "cell_source", ["bone_marrow"]),
    ("flat_id_last", "NCT09202801", "donor", ["allogeneic"]),
    ("flat_id_last", "NCT09202801", "route", ["intradiscal"]),
    ("flat_id_last", "NCT09202801", "phase", ["PHASE2"]),
    ("flat_id_last", "NCT09202802", "conditions", ["duchenne muscular dystrophy"]),
    ("flat_id_last", "NCT09202802", "cell_source", ["umbilical_cord"]),
    ("flat_id_last", "NCT09202802", "route", ["intramuscular"]),
    ("flat_id_last", "NCT09202802", "phase", ["PHASE1"]),
    ("flat_dose_ranges", "NCT09202901", "dose", ["500000..1e+06 cells/kg"]),
    ("flat_dose_ranges", "NCT09202902", "dose", ["2.5e+07..1e+08 cells"]),
    ("flat_sponsor_year", "NCT09203051", "status", ["COMPLETED"]),
    ("flat_sponsor_year", "NCT09203052", "sponsors", ["Aurora Regenerative GmbH"]),
    ("flat_sponsor_year", "NCT09203052", "status", ["NOT_YET_RECRUITING"]),
    ('flat_header_unit', 'NCT09202601', 'dose', ['1e+07..1e+07 cells/kg']),
    ('flat_header_unit', 'NCT09202601', 'dose_count', ['1']),
    ('flat_header_unit', 'NCT09202602', 'dose', ['2e+07..2e+07 cells/kg']),
    ('flat_header_unit', 'NCT09202602', 'dose_count', ['2']),
    ('flat_header_unit_patients', 'NCT09202651', 'dose', ['1e+07..1e+07 cells/kg']),
    ('flat_header_unit_patients', 'NCT09202651', 'enrollment', ['12']),
    ('flat_header_unit_patients', 'NCT09202652', 'dose', ['5e+06..5e+06 cells/kg']),
    ('flat_header_unit_patients', 'NCT09202652', 'enrollment', ['30']),
    ('flat_dose_ranges', 'NCT09202901', 'enrollment', ['18']),
    ('flat_dose_ranges', 'NCT09202901', 'dose_count', ['2']),
    ('flat_dose_ranges', 'NCT09202902', 'enrollment', ['27']),
    ('flat_dose_ranges', 'NCT09202902', 'dose_count', ['1']),
    ('flat_two_columns', 'NCT09203061', 'sponsors', ['Helix Cell Therapeutics Inc.']),
    ('flat_two_columns', 'NCT09203062', 'sponsors', ['Aurora Regenerative GmbH']),
    ('flat_sponsor_year', 'NCT09203051', 'sponsors', ['Helix Cell Therapeutics Inc.']),
    ('flat_sponsor_year', 'NCT09203051', 'start_date', []),
    ('flat_sponsor_year', 'NCT09203052', 'start_date', []),
]


@pytest.mark.parametrize("name,trial,field,expected", FLAT)
def test_one_cell_a_line_tables(name, trial, field, expected):
    assert tied(evidence(name), trial, field) == expected


# ------------------------------------------------------------ 3. run-together rows

TEXTS["glued_title_donor"] = ("Table 3 Trials of cord MSCs in osteoarthritis\n\n"
                              "Trial IDTitleStatusPhaseEnrolledDonorDose\n"
                              "NCT09203001Cord MSCs in knee osteoarthritisCompletedII30Allogeneic1 × 106 cells/kg\n"
                              "NCT09203002Fat-derived cells for hip osteoarthritisRecruitingI/II20Autologous5 × 107 cells\n")

TEXTS["glued_disease_route"] = ("Table 2 Trials in inflammatory bowel disease\n\n"
                                "IdentifierDiseaseRouteStagePatients\n"
                                "NCT09203101Crohn's diseaseIntralesionalIII212\n"
                                "NCT09203102Ulcerative colitisIntravenousII40\n")

TEXTS["glued_phase_words"] = ("Table 5 Registered trials in China\n\n"
                              "Registration No.SponsorPhaseStatusParticipantsRoute\n"
                              "ChiCTR2000034567Eastlake Medical UniversityPhase 2Recruiting40Intravenous\n"
                              "ChiCTR2100041234Westgate People's HospitalPhase 1Completed12Intrathecal\n")

TEXTS["glued_year"] = ("Table 4 Trials of MSCs in diabetes\n\n"
                       "NCT numberConditionStart yearSourcePatientsRoute\n"
                       "NCT09203301Type 1 diabetes2019Umbilical cord24Intravenous\n"
                       "NCT09203302Type 2 diabetes2021Bone marrow30Intrapancreatic\n")

TEXTS["glued_status_commas"] = ("Table 6 Cardiac trials\n\n"
                                "Trial IDConditionStatusPhaseSourceEnrolledRoute\n"
                                "NCT09203401Heart failureActive, not recruitingPhase 1Bone marrow60Transendocardial\n"
                                "NCT09203402Myocardial infarctionNot yet recruitingPhase 2Umbilical cord80Intracoronary\n")

TEXTS["glued_cell_free"] = ("Table 7 Cell-free products\n\n"
                            "Trial IDProductDoseRouteStatus\n"
                            "NCT09203501Exosomes100 µgInhalationCompleted\n"
                            "NCT09203502Secretome2 mLTopicalRecruiting\n")

TEXTS["glued_million"] = ("Table 8 Trials in limb ischemia\n\n"
                          "NCT numberConditionDonorDoseRoutePhaseParticipants\n"
                          "NCT09203601Critical limb ischemiaAllogeneic20 million cellsIntramuscularII36\n"
                          "NCT09203602Peripheral arterial diseaseAutologous100 million cellsIntra-arterialI10\n")

TEXTS["glued_isrctn"] = ("Table 2 Trials registered with ISRCTN\n\n"
                         "NoTrial numberSourceNo. of patientsPhase\n"
                         "1ISRCTN92037011Adipose tissue24II\n"
                         "2ISRCTN92037022Bone marrow18I\n")

TEXTS["glued_sponsor"] = ("Table 9 Sponsors of completed trials\n\n"
                          "NCT numberSponsorStatusEnrollment\n"
                          "NCT09203801Northfield University HospitalCompleted64\n"
                          "NCT09203802Helix Cell Therapeutics Inc.Terminated9\n")

TEXTS["glued_phase_status"] = ("Table 10 Ongoing trials of perinatal cells\n\n"
                               "Trial IDCell typeRoutePhase/status\n"
                               "NCT09203901Wharton's jelly MSCsIntravenousRecruiting—Phase 2\n"
                               "NCT09203902Placenta-derived MSCsIntramuscularCompleted—Phase 1\n")

GLUED = [
    ("glued_title_donor", "NCT09203001", "title", ["Cord MSCs in knee osteoarthritis"]),
    ("glued_title_donor", "NCT09203001", "status", ["COMPLETED"]),
    ("glued_title_donor", "NCT09203001", "phase", ["PHASE2"]),
    ("glued_title_donor", "NCT09203001", "enrollment", ["30"]),
    ("glued_title_donor", "NCT09203001", "donor", ["allogeneic"]),
    ("glued_title_donor", "NCT09203001", "dose", ["1e+06..1e+06 cells/kg"]),
    ("glued_title_donor", "NCT09203002", "title", ["Fat-derived cells for hip osteoarthritis"]),
    ("glued_title_donor", "NCT09203002", "status", ["RECRUITING"]),
    ("glued_title_donor", "NCT09203002", "phase", ["PHASE1", "PHASE2"]),
    ("glued_title_donor", "NCT09203002", "enrollment", ["20"]),
    ("glued_title_donor", "NCT09203002", "donor", ["autologous"]),
    ("glued_title_donor", "NCT09203002", "dose", ["5e+07..5e+07 cells"]),
    ("glued_disease_route", "NCT09203101", "conditions", ["crohn disease"]),
    ("glued_disease_route", "NCT09203101", "route", ["intralesional"]),
    ("glued_disease_route", "NCT09203101", "phase", ["PHASE3"]),
    ("glued_disease_route", "NCT09203101", "enrollment", ["212"]),
    ("glued_disease_route", "NCT09203102", "conditions", ["ulcerative colitis"]),
    ("glued_disease_route", "NCT09203102", "route", ["intravenous"]),
    ("glued_disease_route", "NCT09203102", "phase", ["PHASE2"]),
    ("glued_disease_route", "NCT09203102", "enrollment", ["40"]),
    ("glued_phase_words", "ChiCTR2000034567", "phase", ["PHASE2"]),
    ("glued_phase_words", "ChiCTR2000034567", "status", ["RECRUITING"]),
    ("glued_phase_words", "ChiCTR2000034567", "enrollment", ["40"]),
    ("glued_phase_words", "ChiCTR2000034567", "route", ["intravenous"]),
    ("glued_phase_words", "ChiCTR2100041234", "phase", ["PHASE1"]),
    ("glued_phase_words", "ChiCTR2100041234", "status", ["COMPLETED"]),
    ("glued_phase_words", "ChiCTR2100041234", "enrollment", ["12"]),
    ("glued_phase_words", "ChiCTR2100041234", "route", ["intrathecal"]),
    ("glued_year", "NCT09203301", "conditions", ["type 1 diabetes"]),
    ("glued_year", "NCT09203301", "cell_source", ["umbilical_cord"]),
    ("glued_year", "NCT09203301", "enrollment", ["24"]),
    ("glued_year", "NCT09203301", "route", ["intravenous"]),
    ("glued_year", "NCT09203302", "conditions", ["type 2 diabetes"]),
    ("glued_year", "NCT09203302", "cell_source", ["bone_marrow"]),
    ("glued_year", "NCT09203302", "enrollment", ["30"]),
    ("glued_year", "NCT09203302", "route", ["intrapancreatic"]),
    ("glued_status_commas", "NCT09203401", "conditions", ["heart failure"]),
    ("glued_status_commas", "NCT09203401", "status", ["ACTIVE_NOT_RECRUITING"]),
    ("glued_status_commas", "NCT09203401", "phase", ["PHASE1"]),
    ("glued_status_commas", "NCT09203401", "cell_source", ["bone_marrow"]),
    ("glued_status_commas", "NCT09203401", "enrollment", ["60"]),
    ("glued_status_commas", "NCT09203401", "route", ["transendocardial"]),
    ("glued_status_commas", "NCT09203402", "conditions", ["myocardial infarction"]),
    ("glued_status_commas", "NCT09203402", "status", ["NOT_YET_RECRUITING"]),
    ("glued_status_commas", "NCT09203402", "phase", ["PHASE2"]),
    ("glued_status_commas", "NCT09203402", "cell_source", ["umbilical_cord"]),
    ("glued_status_commas", "NCT09203402", "enrollment", ["80"]),
    ("glued_status_commas", "NCT09203402", "route", ["intracoronary"]),
    ("glued_cell_free", "NCT09203501", "product", ["exosomes"]),
    ("glued_cell_free", "NCT09203501", "dose", ["100..100 ug"]),
    ("glued_cell_free", "NCT09203501", "route", ["inhalation"]),
    ("glued_cell_free", "NCT09203501", "status", ["COMPLETED"]),
    ("glued_cell_free", "NCT09203502", "product", ["secretome"]),
    ("glued_cell_free", "NCT09203502", "dose", ["2..2 mL"]),
    ("glued_cell_free", "NCT09203502", "route", ["topical"]),
    ("glued_cell_free", "NCT09203502", "status", ["RECRUITING"]),
    ("glued_million", "NCT09203601", "conditions", ["critical limb ischemia"]),
    ("glued_million", "NCT09203601", "donor", ["allogeneic"]),
    ("glued_million", "NCT09203601", "dose", ["2e+07..2e+07 cells"]),
    ("glued_million", "NCT09203601", "route", ["intramuscular"]),
    ("glued_million", "NCT09203601", "phase", ["PHASE2"]),
    ("glued_million", "NCT09203601", "enrollment", ["36"]),
    ("glued_million", "NCT09203602", "conditions", ["peripheral arterial disease"]),
    ("glued_million", "NCT09203602", "donor", ["autologous"]),
    ("glued_million", "NCT09203602", "dose", ["1e+08..1e+08 cells"]),
    ("glued_million", "NCT09203602", "route", ["intra_arterial"]),
    ("glued_million", "NCT09203602", "phase", ["PHASE1"]),
    ("glued_million", "NCT09203602", "enrollment", ["10"]),
    ("glued_isrctn", "ISRCTN92037011", "cell_source", ["adipose_tissue"]),
    ("glued_isrctn", "ISRCTN92037011", "enrollment", ["24"]),
    ("glued_isrctn", "ISRCTN92037011", "phase", ["PHASE2"]),
    ("glued_isrctn", "ISRCTN92037022", "cell_source", ["bone_marrow"]),
    ("glued_sponsor", "NCT09203801", "status", ["COMPLETED"]),
    ("glued_sponsor", "NCT09203801", "enrollment", ["64"]),
    ("glued_sponsor", "NCT09203802", "status", ["TERMINATED"]),
    ("glued_sponsor", "NCT09203802", "enrollment", ["9"]),
    ("glued_phase_status", "NCT09203901", "cell_source", ["wharton_jelly"]),
    ("glued_phase_status", "NCT09203901", "route", ["intravenous"]),
    ("glued_phase_status", "NCT09203901", "status", ["RECRUITING"]),
    ("glued_phase_status", "NCT09203901", "phase", ["PHASE2"]),
    ("glued_phase_status", "NCT09203902", "cell_source", ["placenta"]),
    ("glued_phase_status", "NCT09203902", "route", ["intramuscular"]),
    ("glued_phase_status", "NCT09203902", "status", ["COMPLETED"]),
    ("glued_phase_status", "NCT09203902", "phase", ["PHASE1"]),
]


@pytest.mark.parametrize("name,trial,field,expected", GLUED)
def test_run_together_rows(name, trial, field, expected):
    assert tied(evidence(name), trial, field) == expected


# ------------------------------------------------------ 4. space-separated rows

TEXTS["space_author_year"] = ("Table 2 Clinical trials of MSCs in spinal cord injury\n\n"
                              "No. Author Trial ID Start year Country Cell type Dose Patients Follow-up Phase\n"
                              "1 Smith et al. NCT09204001 2016 Spain Autologous BM-MSCs 40×106 cells 15 12 months I/II\n"
                              "2 Novak et al. NCT09204002 2018 Czechia Allogeneic UC-MSCs 1×106 cells/kg 10 6 months I\n")

TEXTS["space_id_last"] = ("Table 3 Trials by indication\n\n"
                          "Condition Source Route n Phase Identifier\n"
                          "Knee osteoarthritis Adipose Intra-articular 24 II NCT09204101\n"
                          "Stroke Bone marrow Intravenous 60 II/III NCT09204102\n")

TEXTS["space_chictr_status"] = ("Table 4 Trials in respiratory disease\n\n"
                                "Registration Disease Status Participants Route\n"
                                "ChiCTR2000040001 COVID-19 Completed 100 Intravenous\n"
                                "ChiCTR2100040002 ARDS Recruiting 60 Intratracheal\n")

TEXTS["space_multiword_status"] = ("Table 5 Neurological trials\n\n"
                                   "Trial ID Phase Status Enrolled\n"
                                   "NCT09204301 Phase 1 Not yet recruiting 20\n"
                                   "NCT09204302 Phase 2 Active, not recruiting 48\n"
                                   "NCT09204303 Phase 3 Terminated 7\n")

TEXTS["space_dose_units"] = ("Table 6 Doses in lupus trials\n\n"
                             "Trial Source Dose Route Patients\n"
                             "NCT09204401 UC-MSC 2.0 × 10^6/kg i.v. 40\n"
                             "NCT09204402 BM-MSC 1 x 10^8 cells IV 12\n")

TEXTS["space_acronym"] = ("Table 7 Named trials in heart disease\n\n"
                          "Acronym NCT number Phase Patients Route\n"
                          "HEART-CELL NCT09204501 II 90 Intracoronary\n"
                          "REPAIR-MI NCT09204502 I 30 Intramyocardial\n")

TEXTS["space_exosome"] = ("Table 8 Exosome trials\n\n"
                          "Trial ID Product Dose Route Enrolled\n"
                          "NCT09204601 Exosomes 2×10^8 particles Nebulized 24\n"
                          "NCT09204602 Exosomes 200 µg Intravenous 50\n")

TEXTS["space_frequency"] = ("Table 9 Repeated dosing\n\n"
                            "Trial ID Source Doses Dose Phase\n"
                            "NCT09204701 Wharton's jelly 3 1×10^6 cells/kg II\n"
                            "NCT09204702 Placenta 2 2×10^6 cells/kg I\n")

TEXTS["space_stage_enrolled"] = ("Table 10 Trials in liver disease\n\n"
                                 "Ref Identifier Stage Enrolled Origin\n"
                                 "[21] NCT09204801 II 120 Umbilical cord\n"
                                 "[22] NCT09204802 I/II 45 Bone marrow\n")

TEXTS["space_eudract"] = ("Table 11 European trials\n\n"
                          "EudraCT Phase Patients Donor\n"
                          "2017-003456-21 III 180 Allogeneic\n"
                          "2018-005678-32 II 40 Autologous\n")

SPACE = [
    ("space_author_year", "NCT09204001", "donor", ["autologous"]),
    ("space_author_year", "NCT09204001", "cell_source", ["bone_marrow"]),
    ("space_author_year", "NCT09204001", "dose", ["4e+07..4e+07 cells"]),
    ("space_author_year", "NCT09204001", "enrollment", ["15"]),
    ("space_author_year", "NCT09204002", "donor", ["allogeneic"]),
    ("space_author_year", "NCT09204002", "cell_source", ["umbilical_cord"]),
    ("space_author_year", "NCT09204002", "dose", ["1e+06..1e+06 cells/kg"]),
    ("space_author_year", "NCT09204002", "enrollment", ["10"]),
    ("space_author_year", "NCT09204002", "phase", ["PHASE1"]),
    ("space_id_last", "NCT09204101", "conditions", ["knee osteoarthritis"]),
    ("space_id_last", "NCT09204101", "cell_source", ["adipose_tissue"]),
    ("space_id_last", "NCT09204101", "route", ["intra_articular"]),
    ("space_id_last", "NCT09204101", "enrollment", ["24"]),
    ("space_id_last", "NCT09204101", "phase", ["PHASE2"]),
    ("space_id_last", "NCT09204102", "conditions", ["stroke"]),
    ("space_id_last", "NCT09204102", "cell_source", ["bone_marrow"]),
    ("space_id_last", "NCT09204102", "route", ["intravenous"]),
    ("space_id_last", "NCT09204102", "enrollment", ["60"]),
    ("space_id_last", "NCT09204102", "phase", ["PHASE2", "PHASE3"]),
    ("space_chictr_status", "ChiCTR2000040001", "conditions", ["covid-19"]),
    ("space_chictr_status", "ChiCTR2000040001", "status", ["COMPLETED"]),
    ("space_chictr_status", "ChiCTR2000040001", "enrollment", ["100"]),
    ("space_chictr_status", "ChiCTR2000040001", "route", ["intravenous"]),
    ("space_chictr_status", "ChiCTR2100040002", "conditions", ["acute respiratory distress syndrome"]),
    ("space_chictr_status", "ChiCTR2100040002", "status", ["RECRUITING"]),
    ("space_chictr_status", "ChiCTR2100040002", "enrollment", ["60"]),
    ("space_chictr_status", "ChiCTR2100040002", "route", ["intratracheal"]),
    ("space_multiword_status", "NCT09204301", "phase", ["PHASE1"]),
    ("space_multiword_status", "NCT09204301", "status", ["NOT_YET_RECRUITING"]),
    ("space_multiword_status", "NCT09204302", "phase", ["PHASE2"]),
    ("space_multiword_status", "NCT09204303", "phase", ["PHASE3"]),
    ("space_dose_units", "NCT09204401", "cell_source", ["umbilical_cord"]),
    ("space_dose_units", "NCT09204401", "dose", ["2e+06..2e+06 cells/kg"]),
    ("space_dose_units", "NCT09204401", "route", ["intravenous"]),
    ("space_dose_units", "NCT09204401", "enrollment", ["40"]),
    ("space_dose_units", "NCT09204402", "cell_source", ["bone_marrow"]),
    ("space_dose_units", "NCT09204402", "dose", ["1e+08..1e+08 cells"]),
    ("space_dose_units", "NCT09204402", "route", ["intravenous"]),
    ("space_dose_units", "NCT09204402", "enrollment", ["12"]),
    ("space_acronym", "NCT09204501", "phase", ["PHASE2"]),
    ("space_acronym", "NCT09204501", "enrollment", ["90"]),
    ("space_acronym", "NCT09204501", "route", ["intracoronary"]),
    ("space_acronym", "NCT09204502", "phase", ["PHASE1"]),
    ("space_acronym", "NCT09204502", "enrollment", ["30"]),
    ("space_acronym", "NCT09204502", "route", ["intramyocardial"]),
    ("space_exosome", "NCT09204601", "product", ["exosomes"]),
    ("space_exosome", "NCT09204601", "dose", ["2e+08..2e+08 particles"]),
    ("space_exosome", "NCT09204601", "route", ["inhalation"]),
    ("space_exosome", "NCT09204601", "enrollment", ["24"]),
    ("space_exosome", "NCT09204602", "product", ["exosomes"]),
    ("space_exosome", "NCT09204602", "dose", ["200..200 ug"]),
    ("space_exosome", "NCT09204602", "route", ["intravenous"]),
    ("space_exosome", "NCT09204602", "enrollment", ["50"]),
    ("space_frequency", "NCT09204701", "cell_source", ["wharton_jelly"]),
    ("space_frequency", "NCT09204701", "dose", ["1e+06..1e+06 cells/kg"]),
    ("space_frequency", "NCT09204702", "cell_source", ["placenta"]),
    ("space_frequency", "NCT09204702", "dose", ["2e+06..2e+06 cells/kg"]),
    ("space_stage_enrolled", "NCT09204801", "phase", ["PHASE2"]),
    ("space_stage_enrolled", "NCT09204801", "enrollment", ["120"]),
    ("space_stage_enrolled", "NCT09204801", "cell_source", ["umbilical_cord"]),
    ("space_stage_enrolled", "NCT09204802", "phase", ["PHASE1", "PHASE2"]),
    ("space_stage_enrolled", "NCT09204802", "enrollment", ["45"]),
    ("space_stage_enrolled", "NCT09204802", "cell_source", ["bone_marrow"]),
    ("space_eudract", "2017-003456-21", "phase", ["PHASE3"]),
    ("space_eudract", "2017-003456-21", "enrollment", ["180"]),
    ("space_eudract", "2017-003456-21", "donor", ["allogeneic"]),
    ("space_eudract", "2018-005678-32", "phase", ["PHASE2"]),
    ("space_eudract", "2018-005678-32", "enrollment", ["40"]),
    ("space_eudract", "2018-005678-32", "donor", ["autologous"]),
    ('space_author_year', 'NCT09204001', 'start_date', ['2016']),
    ('space_author_year', 'NCT09204001', 'phase', ['PHASE1', 'PHASE2']),
    ('space_author_year', 'NCT09204002', 'start_date', ['2018']),
    ('space_multiword_status', 'NCT09204301', 'enrollment', ['20']),
    ('space_multiword_status', 'NCT09204302', 'status', ['ACTIVE_NOT_RECRUITING']),
    ('space_multiword_status', 'NCT09204302', 'enrollment', ['48']),
    ('space_multiword_status', 'NCT09204303', 'status', ['TERMINATED']),
    ('space_multiword_status', 'NCT09204303', 'enrollment', ['7']),
    ('space_frequency', 'NCT09204701', 'phase', ['PHASE2']),
    ('space_frequency', 'NCT09204702', 'phase', ['PHASE1']),
]


@pytest.mark.parametrize("name,trial,field,expected", SPACE)
def test_space_separated_rows(name, trial, field, expected):
    assert tied(evidence(name), trial, field) == expected


# --------------------------------------------------------------- 5. abstracts

TEXTS["abs_colitis"] = """Intravenous umbilical cord mesenchymal stromal cells in moderate ulcerative colitis: a randomised, double-blind phase II trial

Background: An earlier open-label study of adipose-derived cells (NCT09100001) suggested benefit after local injection.
Methods: We randomly assigned 48 adults with moderate ulcerative colitis to two intravenous infusions of allogeneic umbilical cord MSCs (1 × 10^6 cells/kg) or placebo, four weeks apart.
Results: Clinical remission at week 12 was more frequent with cells than with placebo.
Conclusions: Cord MSCs were safe and may induce remission.
Trial registration: ClinicalTrials.gov NCT09205001.
"""

TEXTS["abs_registration_first"] = """Trial registration: ISRCTN92051234.

Autologous bone marrow MSCs for chronic heart failure (MARROW-HF): a randomised phase I/II trial

Background
Heart failure after infarction remains common despite modern drugs.
Methods
Sixty patients received transendocardial injections of 100 million autologous bone marrow MSCs or a sham procedure.
Results
Ejection fraction rose by 4% in the cell group.
Conclusions
Transendocardial marrow cells were safe.
"""

TEXTS["abs_eudract"] = """Allogeneic adipose-derived stromal cells for complex perianal fistulas in Crohn's disease: a phase 3 randomised trial

Abstract
Background: Perianal fistulas are hard to treat.
Methods: Patients were randomly assigned to a single local injection of 120 million allogeneic adipose-derived MSCs or saline. In total, 204 patients were treated.
Results: Combined remission at week 24 was higher with cells.
Interpretation: The trial was completed as planned.
Trial registration: EudraCT 2016-002345-17.
"""

TEXTS["abs_chictr_breakdown"] = """Umbilical cord MSCs in severe COVID-19: a multicentre randomised phase 2 trial

Background: Cell therapy may calm the cytokine storm.
Methods: We enrolled 100 patients (50 to cells, 50 to placebo). Patients received three intravenous infusions of hUC-MSCs, 4 × 10^7 cells each, on days 0, 3 and 6.
Results: Lung lesions resolved faster with cells.
Conclusions: Cord MSCs were well tolerated.
Clinical trial registration: ChiCTR2000029990.
"""

TEXTS["abs_exosome"] = """Nebulised MSC-derived exosomes in acute lung injury: an open-label phase 1 study

Background: Exosomes carry the paracrine effects of stromal cells.
Methods: Twenty-four patients inhaled 2 × 10^8 exosome particles once daily for five days.
Results: No dose-limiting toxicity was seen.
Trial registration: ClinicalTrials.gov identifier NCT09205101.
"""

TEXTS["abs_protocol_recruiting"] = """Wharton's jelly MSCs for bronchopulmonary dysplasia in preterm infants: protocol for a phase II randomised trial

Abstract
Introduction: Preterm infants often develop chronic lung disease.
Methods and analysis: Sixty infants will receive one intratracheal dose of allogeneic Wharton's jelly MSCs (1 × 10^7 cells/kg) or placebo. Recruitment began in January 2022 and the trial is currently recruiting.
Ethics and dissemination: Results will be published.
Trial registration number: NCT09205201.
"""

TEXTS["abs_cited_phase3"] = """Dental pulp stem cells after ischaemic stroke: a first-in-human phase 1 trial

Background: A large phase 3 trial of bone marrow MSCs in 200 patients (NCT09100002) was neutral.
Methods: Ten patients received a single intravenous infusion of allogeneic dental pulp MSCs within 72 hours of stroke onset.
Results: There were no serious adverse events.
Trial registration: NCT09205301.
"""

TEXTS["abs_anzctr_children"] = """Intrathecal cord blood cells for children with cerebral palsy: a phase I/II trial

Objective: To test feasibility and safety.
Methods: Thirty children aged 2 to 10 years received two intrathecal injections of autologous umbilical cord blood cells, three months apart.
Results: All injections were given as planned.
Conclusion: Repeated intrathecal dosing is feasible.
Trial registration: Australian New Zealand Clinical Trials Registry ACTRN12618000456789.
"""

TEXTS["abs_two_ids"] = """Allogeneic marrow MSCs in steroid-refractory acute graft-versus-host disease: a phase II trial

Methods: Forty patients received 2 × 10^6 cells/kg intravenously once weekly for four weeks.
Results: The overall response at day 28 was 65%.
Trial registration: ClinicalTrials.gov NCT09205401; EudraCT 2015-004567-89.
"""

TEXTS["abs_funding"] = """Adipose-derived MSCs for systemic sclerosis hand dysfunction: a randomised phase 2 trial

Methods: Thirty-eight patients received subcutaneous injections of autologous adipose-derived MSCs in both hands.
Results: Hand function improved at six months.
Funding: Scleroderma Research Trust.
Trial registration: ISRCTN92054321.
"""

ABSTRACTS = [
    ("abs_colitis", "NCT09205001", "phase", ["PHASE2"]),
    ("abs_colitis", "NCT09205001", "route", ["intravenous"]),
    ("abs_colitis", "NCT09205001", "cell_source", ["umbilical_cord"]),
    ("abs_colitis", "NCT09205001", "donor", ["allogeneic"]),
    ("abs_colitis", "NCT09205001", "enrollment", ["48"]),
    ("abs_colitis", "NCT09205001", "dose", ["1e+06..1e+06 cells/kg"]),
    ("abs_colitis", "NCT09205001", "dose_count", ["2"]),
    ("abs_colitis", "NCT09205001", "conditions", ["ulcerative colitis"]),
    ("abs_colitis", "NCT09100001", "cell_source", ["adipose_tissue"]),
    ("abs_colitis", "NCT09100001", "phase", []),
    ("abs_colitis", "NCT09100001", "enrollment", []),
    ("abs_colitis", "NCT09100001", "dose", []),
    ("abs_registration_first", "ISRCTN92051234", "phase", ["PHASE1", "PHASE2"]),
    ("abs_registration_first", "ISRCTN92051234", "enrollment", ["60"]),
    ("abs_registration_first", "ISRCTN92051234", "route", ["transendocardial"]),
    ("abs_registration_first", "ISRCTN92051234", "dose", ["1e+08..1e+08 cells"]),
    ("abs_registration_first", "ISRCTN92051234", "cell_source", ["bone_marrow"]),
    ("abs_registration_first", "ISRCTN92051234", "donor", ["autologous"]),
    ("abs_registration_first", "ISRCTN92051234", "conditions", ["heart failure"]),
    ("abs_eudract", "2016-002345-17", "phase", ["PHASE3"]),
    ("abs_eudract", "2016-002345-17", "cell_source", ["adipose_tissue"]),
    ("abs_eudract", "2016-002345-17", "donor", ["allogeneic"]),
    ("abs_eudract", "2016-002345-17", "route", ["intralesional"]),
    ("abs_eudract", "2016-002345-17", "dose", ["1.2e+08..1.2e+08 cells"]),
    ("abs_eudract", "2016-002345-17", "dose_count", ["1"]),
    ("abs_eudract", "2016-002345-17", "enrollment", ["204"]),
    ("abs_eudract", "2016-002345-17", "conditions", ["crohn disease"]),
    ("abs_chictr_breakdown", "ChiCTR2000029990", "phase", ["PHASE2"]),
    ("abs_chictr_breakdown", "ChiCTR2000029990", "enrollment", ["100"]),
    ("abs_chictr_breakdown", "ChiCTR2000029990", "route", ["intravenous"]),
    ("abs_chictr_breakdown", "ChiCTR2000029990", "cell_source", ["umbilical_cord"]),
    ("abs_chictr_breakdown", "ChiCTR2000029990", "dose", ["4e+07..4e+07 cells"]),
    ("abs_chictr_breakdown", "ChiCTR2000029990", "dose_count", ["3"]),
    ("abs_chictr_breakdown", "ChiCTR2000029990", "conditions", ["covid-19"]),
    ("abs_exosome", "NCT09205101", "phase", ["PHASE1"]),
    ("abs_exosome", "NCT09205101", "product", ["exosomes"]),
    ("abs_exosome", "NCT09205101", "route", ["inhalation"]),
    ("abs_exosome", "NCT09205101", "enrollment", ["24"]),
    ("abs_exosome", "NCT09205101", "dose", ["2e+08..2e+08 particles"]),
    ("abs_exosome", "NCT09205101", "conditions", ["acute lung injury"]),
    ("abs_protocol_recruiting", "NCT09205201", "phase", ["PHASE2"]),
    ("abs_protocol_recruiting", "NCT09205201", "cell_source", ["wharton_jelly"]),
    ("abs_protocol_recruiting", "NCT09205201", "conditions", ["bronchopulmonary dysplasia"]),
    ("abs_cited_phase3", "NCT09205301", "phase", ["PHASE1"]),
    ("abs_cited_phase3", "NCT09205301", "enrollment", ["10"]),
    ("abs_cited_phase3", "NCT09205301", "route", ["intravenous"]),
    ("abs_cited_phase3", "NCT09205301", "cell_source", ["dental_pulp"]),
    ("abs_cited_phase3", "NCT09205301", "donor", ["allogeneic"]),
    ("abs_cited_phase3", "NCT09205301", "dose_count", ["1"]),
    ("abs_cited_phase3", "NCT09205301", "conditions", ["stroke"]),
    ("abs_cited_phase3", "NCT09100002", "phase", ["PHASE3"]),
    ("abs_cited_phase3", "NCT09100002", "enrollment", ["200"]),
    ("abs_cited_phase3", "NCT09100002", "cell_source", ["bone_marrow"]),
    ("abs_cited_phase3", "NCT09100002", "route", []),
    ("abs_anzctr_children", "ACTRN12618000456789", "phase", ["PHASE1", "PHASE2"]),
    ("abs_anzctr_children", "ACTRN12618000456789", "route", ["intrathecal"]),
    ("abs_anzctr_children", "ACTRN12618000456789", "enrollment", ["30"]),
    ("abs_anzctr_children", "ACTRN12618000456789", "dose_count", ["2"]),
    ("abs_anzctr_children", "ACTRN12618000456789", "donor", ["autologous"]),
    ("abs_anzctr_children", "ACTRN12618000456789", "cell_source", ["umbilical_cord_blood"]),
    ("abs_anzctr_children", "ACTRN12618000456789", "conditions", ["cerebral palsy"]),
    ("abs_two_ids", "NCT09205401", "other_ids", ["2015-004567-89"]),
    ("abs_two_ids", "NCT09205401", "phase", ["PHASE2"]),
    ("abs_two_ids", "NCT09205401", "enrollment", ["40"]),
    ("abs_two_ids", "NCT09205401", "dose", ["2e+06..2e+06 cells/kg"]),
    ("abs_two_ids", "NCT09205401", "dose_count", ["4"]),
    ("abs_two_ids", "NCT09205401", "route", ["intravenous"]),
    ("abs_two_ids", "NCT09205401", "donor", ["allogeneic"]),
    ("abs_two_ids", "NCT09205401", "conditions", ["acute graft versus host disease"]),
    ("abs_two_ids", "2015-004567-89", "enrollment", []),
    ("abs_funding", "ISRCTN92054321", "phase", ["PHASE2"]),
    ("abs_funding", "ISRCTN92054321", "enrollment", ["38"]),
    ("abs_funding", "ISRCTN92054321", "route", ["subcutaneous"]),
    ("abs_funding", "ISRCTN92054321", "cell_source", ["adipose_tissue"]),
    ("abs_funding", "ISRCTN92054321", "donor", ["autologous"]),
    ("abs_funding", "ISRCTN92054321", "sponsors", ["Scleroderma Research Trust"]),
    ("abs_funding", "ISRCTN92054321", "conditions", ["systemic sclerosis"]),
    ('abs_registration_first', 'ISRCTN92051234', 'acronym', ['MARROW-HF']),
    ('abs_protocol_recruiting', 'NCT09205201', 'donor', ['allogeneic']),
    ('abs_protocol_recruiting', 'NCT09205201', 'route', ['intratracheal']),
    ('abs_protocol_recruiting', 'NCT09205201', 'enrollment', ['60']),
    ('abs_protocol_recruiting', 'NCT09205201', 'dose', ['1e+07..1e+07 cells/kg']),
    ('abs_protocol_recruiting', 'NCT09205201', 'dose_count', ['1']),
    ('abs_protocol_recruiting', 'NCT09205201', 'status', ['RECRUITING']),
    ('abs_protocol_recruiting', 'NCT09205201', 'start_date', ['2022-01']),
]


@pytest.mark.parametrize("name,trial,field,expected", ABSTRACTS)
def test_abstracts_of_one_trial(name, trial, field, expected):
    assert tied(evidence(name), trial, field) == expected


# ------------------------------------------------------- 6. registry records

TEXTS["rec_ctgov_new"] = """Wharton's Jelly Stromal Cells in Knee Osteoarthritis (WJ-KNEE)

ClinicalTrials.gov ID: NCT09206001
Sponsor: Riverside Orthopaedic Centre
Recruitment Status: Completed
Study Start: 2017-09
Phase: Phase 1, Phase 2
Enrollment: 32 (Actual)
Conditions: Knee Osteoarthritis
Intervention: Biological: WJ-MSCs. A single intra-articular injection of 2 × 10^7 cells.
"""

TEXTS["rec_ctgov_classic"] = """Marrow Stromal Cells in Severe Sepsis

ClinicalTrials.gov Identifier: NCT09206101

Recruitment Status : Active, not recruiting
First Posted : February 2, 2020

Sponsor:
Lakeside Critical Care Network

Study Design
Study Type : Interventional (Clinical Trial)
Estimated Enrollment : 90 participants
Phase : Phase 3
Actual Study Start Date : June 1, 2020
Estimated Primary Completion Date : December 2023

Arms and Interventions
Biological: allogeneic bone marrow MSCs
Intravenous infusion of 2 million cells/kg on day 0 and day 7.
"""

TEXTS["rec_anzctr"] = """Trial ID
ACTRN12621000111222
Public title
Cord blood cells for hypoxic ischaemic encephalopathy in newborns
Health condition(s) or problem(s) studied
Hypoxic ischaemic encephalopathy
Description of intervention(s) / exposure
Allogeneic umbilical cord blood cells, 25 million cells/kg given intravenously on days 1 and 3.
Phase
Phase 1
Recruitment status
Not yet recruiting
Anticipated date of first participant enrolment
1/03/2022
Target sample size
20
Primary sponsor
Royal Southern Children's Hospital
"""

TEXTS["rec_isrctn"] = """ISRCTN92063333
Mesenchymal cells for digital ulcers in systemic sclerosis

Recruitment status: Recruiting
Overall trial status: Ongoing
Phase: Phase II
Condition: Digital ulcers in systemic sclerosis
Intervention: Autologous adipose-derived MSCs, 5 × 10^6 cells injected subcutaneously around each ulcer, as a single treatment.
Target number of participants: 36
Overall trial start date: 15/06/2021
Sponsor: University of Lakeland
"""

TEXTS["rec_chictr"] = """Registration number: ChiCTR2200061234
Public title: Human umbilical cord MSCs for acute-on-chronic liver failure
Recruiting status: Recruiting
Study phase: 2
Target disease: Acute-on-chronic liver failure
Intervention: hUC-MSCs 1.0 × 10^6 cells/kg by intravenous infusion, weekly for 4 weeks
Sample size: 120
Date of first enrolment: 2022-07-01
Primary sponsor: Eastlake University Affiliated Hospital
"""

TEXTS["rec_dashes"] = """NCT09206501 – Placental Cells for Premature Ovarian Insufficiency
Status – Recruiting
Phase – Phase 1/Phase 2
Enrollment (estimated) – 40
Start date – September 2021
Sponsor – Aurora Regenerative GmbH
Intervention – placenta-derived MSCs, 1 × 10^7 cells, injected into each ovary once
"""

TEXTS["rec_eudract"] = """EudraCT Number: 2018-002345-67
Full title of the trial: A randomised trial of allogeneic bone marrow MSCs in chronic obstructive pulmonary disease
Sponsor's name: Northfield University Hospital
Trial status: Completed
Phase: Phase II
Number of subjects planned: 64
Intervention: four intravenous infusions of 1 × 10^8 cells, one month apart
"""

TEXTS["rec_lowercase_labels"] = """registry id: NCT09206701
title: Exosomes from umbilical cord MSCs in dry eye disease
status: Not yet recruiting
phase: Early Phase 1
enrollment: 18
start date: 2024-02
sponsor: Harbour Eye Institute
intervention: MSC exosome eye drops, 10 µg, four times a day
"""

TEXTS["rec_terminated"] = """Official Title: Autologous Adipose Stromal Cells for Lumbar Degenerative Disc Disease
NCT Number: NCT09206801
Overall Status: Terminated (slow accrual)
Phase: Phase 2
Actual Enrollment: 11
Study Start Date: 2016-11
Lead Sponsor: Spine Health Partners
Interventions: a single intradiscal injection of 10 million autologous adipose-derived MSCs
"""

TEXTS["rec_withdrawn"] = """Study identifier: ISRCTN92069999
Scientific title: Intravenous Wharton's jelly MSCs for Parkinson's disease
Recruitment status: Withdrawn
Phase: Phase I
Target sample size: 0
Primary sponsor: Midlands Movement Disorders Unit
"""

RECORDS = [
    ("rec_ctgov_new", "NCT09206001", "sponsors", ["Riverside Orthopaedic Centre"]),
    ("rec_ctgov_new", "NCT09206001", "status", ["COMPLETED"]),
    ("rec_ctgov_new", "NCT09206001", "start_date", ["2017-09"]),
    ("rec_ctgov_new", "NCT09206001", "phase", ["PHASE1", "PHASE2"]),
    ("rec_ctgov_new", "NCT09206001", "enrollment", ["32"]),
    ("rec_ctgov_new", "NCT09206001", "conditions", ["knee osteoarthritis"]),
    ("rec_ctgov_new", "NCT09206001", "cell_source", ["wharton_jelly"]),
    ("rec_ctgov_new", "NCT09206001", "route", ["intra_articular"]),
    ("rec_ctgov_new", "NCT09206001", "dose", ["2e+07..2e+07 cells"]),
    ("rec_ctgov_new", "NCT09206001", "dose_count", ["1"]),
    ("rec_ctgov_classic", "NCT09206101", "status", ["ACTIVE_NOT_RECRUITING"]),
    ("rec_ctgov_classic", "NCT09206101", "sponsors", ["Lakeside Critical Care Network"]),
    ("rec_ctgov_classic", "NCT09206101", "enrollment", ["90"]),
    ("rec_ctgov_classic", "NCT09206101", "phase", ["PHASE3"]),
    ("rec_ctgov_classic", "NCT09206101", "start_date", ["2020-06"]),
    ("rec_ctgov_classic", "NCT09206101", "donor", ["allogeneic"]),
    ("rec_ctgov_classic", "NCT09206101", "cell_source", ["bone_marrow"]),
    ("rec_ctgov_classic", "NCT09206101", "route", ["intravenous"]),
    ("rec_ctgov_classic", "NCT09206101", "dose", ["2e+06..2e+06 cells/kg"]),
    ("rec_ctgov_classic", "NCT09206101", "dose_count", ["2"]),
    ("rec_anzctr", "ACTRN12621000111222", "title", ["Cord blood cells for hypoxic ischaemic encephalopathy in newborns"]),
    ("rec_anzctr", "ACTRN12621000111222", "donor", ["allogeneic"]),
    ("rec_anzctr", "ACTRN12621000111222", "cell_source", ["umbilical_cord_blood"]),
    ("rec_anzctr", "ACTRN12621000111222", "dose", ["2.5e+07..2.5e+07 cells/kg"]),
    ("rec_anzctr", "ACTRN12621000111222", "route", ["intravenous"]),
    ("rec_anzctr", "ACTRN12621000111222", "dose_count", ["2"]),
    ("rec_anzctr", "ACTRN12621000111222", "phase", ["PHASE1"]),
    ("rec_anzctr", "ACTRN12621000111222", "status", ["NOT_YET_RECRUITING"]),
    ("rec_anzctr", "ACTRN12621000111222", "enrollment", ["20"]),
    ("rec_anzctr", "ACTRN12621000111222", "sponsors", ["Royal Southern Children's Hospital"]),
    ("rec_isrctn", "ISRCTN92063333", "conditions", ["systemic sclerosis"]),
    ("rec_chictr", "ChiCTR2200061234", "title", ["Human umbilical cord MSCs for acute-on-chronic liver failure"]),
    ("rec_chictr", "ChiCTR2200061234", "status", ["RECRUITING"]),
    ("rec_chictr", "ChiCTR2200061234", "phase", ["PHASE2"]),
    ("rec_chictr", "ChiCTR2200061234", "conditions", ["acute-on-chronic liver failure"]),
    ("rec_chictr", "ChiCTR2200061234", "cell_source", ["umbilical_cord"]),
    ("rec_chictr", "ChiCTR2200061234", "dose", ["1e+06..1e+06 cells/kg"]),
    ("rec_chictr", "ChiCTR2200061234", "route", ["intravenous"]),
    ("rec_chictr", "ChiCTR2200061234", "dose_count", ["4"]),
    ("rec_chictr", "ChiCTR2200061234", "enrollment", ["120"]),
    ("rec_chictr", "ChiCTR2200061234", "start_date", ["2022-07"]),
    ("rec_chictr", "ChiCTR2200061234", "sponsors", ["Eastlake University Affiliated Hospital"]),
    ("rec_dashes", "NCT09206501", "phase", ["PHASE1", "PHASE2"]),
    ("rec_dashes", "NCT09206501", "start_date", ["2021-09"]),
    ("rec_dashes", "NCT09206501", "cell_source", ["placenta"]),
    ("rec_dashes", "NCT09206501", "dose", ["1e+07..1e+07 cells"]),
    ("rec_dashes", "NCT09206501", "dose_count", ["1"]),
    ("rec_eudract", "2018-002345-67", "status", ["COMPLETED"]),
    ("rec_eudract", "2018-002345-67", "phase", ["PHASE2"]),
    ("rec_eudract", "2018-002345-67", "route", ["intravenous"]),
    ("rec_eudract", "2018-002345-67", "dose", ["1e+08..1e+08 cells"]),
    ("rec_eudract", "2018-002345-67", "dose_count", ["4"]),
    ("rec_eudract", "2018-002345-67", "donor", ["allogeneic"]),
    ("rec_eudract", "2018-002345-67", "cell_source", ["bone_marrow"]),
    ("rec_lowercase_labels", "NCT09206701", "title", ["Exosomes from umbilical cord MSCs in dry eye disease"]),
    ("rec_lowercase_labels", "NCT09206701", "status", ["NOT_YET_RECRUITING"]),
    ("rec_lowercase_labels", "NCT09206701", "phase", ["EARLY_PHASE1"]),
    ("rec_lowercase_labels", "NCT09206701", "enrollment", ["18"]),
    ("rec_lowercase_labels", "NCT09206701", "start_date", ["2024-02"]),
    ("rec_lowercase_labels", "NCT09206701", "sponsors", ["Harbour Eye Institute"]),
    ("rec_lowercase_labels", "NCT09206701", "route", ["topical"]),
    ("rec_lowercase_labels", "NCT09206701", "dose", ["10..10 ug"]),
    ("rec_lowercase_labels", "NCT09206701", "cell_source", ["umbilical_cord"]),
    ("rec_lowercase_labels", "NCT09206701", "conditions", ["dry eye"]),
    ("rec_terminated", "NCT09206801", "phase", ["PHASE2"]),
    ("rec_terminated", "NCT09206801", "start_date", ["2016-11"]),
    ("rec_terminated", "NCT09206801", "route", ["intradiscal"]),
    ("rec_terminated", "NCT09206801", "dose", ["1e+07..1e+07 cells"]),
    ("rec_terminated", "NCT09206801", "dose_count", ["1"]),
    ("rec_terminated", "NCT09206801", "donor", ["autologous"]),
    ("rec_terminated", "NCT09206801", "cell_source", ["adipose_tissue"]),
    ("rec_withdrawn", "ISRCTN92069999", "title", ["Intravenous Wharton's jelly MSCs for Parkinson's disease"]),
    ("rec_withdrawn", "ISRCTN92069999", "status", ["WITHDRAWN"]),
    ("rec_withdrawn", "ISRCTN92069999", "phase", ["PHASE1"]),
    ("rec_withdrawn", "ISRCTN92069999", "enrollment", ["0"]),
    ("rec_withdrawn", "ISRCTN92069999", "sponsors", ["Midlands Movement Disorders Unit"]),
    ("rec_withdrawn", "ISRCTN92069999", "route", ["intravenous"]),
    ("rec_withdrawn", "ISRCTN92069999", "cell_source", ["wharton_jelly"]),
    ('rec_ctgov_new', 'NCT09206001', 'acronym', ['WJ-KNEE']),
    ('rec_anzctr', 'ACTRN12621000111222', 'conditions', ['hypoxic ischemic encephalopathy']),
    ('rec_anzctr', 'ACTRN12621000111222', 'start_date', ['2022-03']),
    ('rec_isrctn', 'ISRCTN92063333', 'status', ['RECRUITING']),
    ('rec_isrctn', 'ISRCTN92063333', 'phase', ['PHASE2']),
    ('rec_isrctn', 'ISRCTN92063333', 'donor', ['autologous']),
    ('rec_isrctn', 'ISRCTN92063333', 'cell_source', ['adipose_tissue']),
    ('rec_isrctn', 'ISRCTN92063333', 'dose', ['5e+06..5e+06 cells']),
    ('rec_isrctn', 'ISRCTN92063333', 'route', ['subcutaneous']),
    ('rec_isrctn', 'ISRCTN92063333', 'dose_count', ['1']),
    ('rec_isrctn', 'ISRCTN92063333', 'enrollment', ['36']),
    ('rec_isrctn', 'ISRCTN92063333', 'start_date', ['2021-06']),
    ('rec_isrctn', 'ISRCTN92063333', 'sponsors', ['University of Lakeland']),
    ('rec_dashes', 'NCT09206501', 'status', ['RECRUITING']),
    ('rec_dashes', 'NCT09206501', 'enrollment', ['40']),
    ('rec_dashes', 'NCT09206501', 'sponsors', ['Aurora Regenerative GmbH']),
    ('rec_eudract', '2018-002345-67', 'title', ['A randomised trial of allogeneic bone marrow MSCs in chronic obstructive pulmonary disease']),
    ('rec_eudract', '2018-002345-67', 'sponsors', ['Northfield University Hospital']),
    ('rec_eudract', '2018-002345-67', 'enrollment', ['64']),
    ('rec_terminated', 'NCT09206801', 'title', ['Autologous Adipose Stromal Cells for Lumbar Degenerative Disc Disease']),
    ('rec_terminated', 'NCT09206801', 'status', ['TERMINATED']),
    ('rec_terminated', 'NCT09206801', 'enrollment', ['11']),
    ('rec_terminated', 'NCT09206801', 'sponsors', ['Spine Health Partners']),
]


@pytest.mark.parametrize("name,trial,field,expected", RECORDS)
def test_registry_records_as_text(name, trial, field, expected):
    assert tied(evidence(name), trial, field) == expected


# ---------------------------------------------------------- 7. review passages

TEXTS["rev_one_trial_paragraph"] = (
    "In a phase II trial in knee osteoarthritis (NCT09207001), 40 patients were enrolled. They received a single "
    "intra-articular injection of allogeneic Wharton's jelly MSCs. The dose was 2 × 10^7 cells. The trial has been "
    "completed.\n")

TEXTS["rev_bracket_sources"] = (
    "Ongoing trials use adipose-derived MSCs (NCT09207101), umbilical cord MSCs (NCT09207102) and menstrual blood "
    "stromal cells (NCT09207103).\n")

TEXTS["rev_id_opens_item"] = (
    "Cell sources differed between the three studies: NCT09207201 (bone marrow), NCT09207202 (Wharton's jelly) "
    "and NCT09207203 (placenta).\n")

TEXTS["rev_respectively_route"] = (
    "NCT09207301 and NCT09207302 delivered autologous bone marrow MSCs intrathecally and intravenously, respectively.\n")

TEXTS["rev_author_then_id"] = (
    "Kim et al. gave three intravenous infusions of autologous adipose-derived MSCs to patients with multiple "
    "sclerosis. The study (NCT09207501) enrolled 16 patients.\n")

TEXTS["rev_author_then_registration"] = (
    "Haddad et al. injected allogeneic umbilical cord MSCs into the coronary arteries after acute myocardial "
    "infarction. This phase I trial was registered as ISRCTN92075022.\n")

TEXTS["rev_respectively_phase"] = (
    "ChiCTR2000070001 and ChiCTR2000070002 were phase I and phase II trials, respectively.\n")

TEXTS["rev_two_trials_in_turn"] = (
    "The first trial (NCT09207601) randomised 80 patients with Crohn's disease to local injection of adipose "
    "MSCs. Its results were positive. A second trial (NCT09207602) tested intravenous bone marrow MSCs in 30 "
    "patients with ulcerative colitis.\n")

TEXTS["rev_dose_range_items"] = (
    "Doses ranged from 1 × 10^6 cells/kg (NCT09207801) to 5 × 10^6 cells/kg (NCT09207802).\n")

TEXTS['rev_respectively_enrollment'] = 'The cord-cell trials NCT09207401 and NCT09207402 enrolled 24 and 60 patients, respectively.\n'

TEXTS['rev_status_items'] = 'Of the cord-blood trials, NCT09207901 (recruiting) and NCT09207902 (completed) target autism.\n'

REVIEWS = [
    ("rev_one_trial_paragraph", "NCT09207001", "phase", ["PHASE2"]),
    ("rev_one_trial_paragraph", "NCT09207001", "enrollment", ["40"]),
    ("rev_one_trial_paragraph", "NCT09207001", "route", ["intra_articular"]),
    ("rev_one_trial_paragraph", "NCT09207001", "donor", ["allogeneic"]),
    ("rev_one_trial_paragraph", "NCT09207001", "cell_source", ["wharton_jelly"]),
    ("rev_one_trial_paragraph", "NCT09207001", "dose", ["2e+07..2e+07 cells"]),
    ("rev_one_trial_paragraph", "NCT09207001", "dose_count", ["1"]),
    ("rev_one_trial_paragraph", "NCT09207001", "status", ["COMPLETED"]),
    ("rev_one_trial_paragraph", "NCT09207001", "conditions", ["knee osteoarthritis"]),
    ("rev_bracket_sources", "NCT09207101", "cell_source", ["adipose_tissue"]),
    ("rev_bracket_sources", "NCT09207102", "cell_source", ["umbilical_cord"]),
    ("rev_bracket_sources", "NCT09207103", "cell_source", ["menstrual_blood"]),
    ("rev_id_opens_item", "NCT09207201", "cell_source", ["bone_marrow"]),
    ("rev_id_opens_item", "NCT09207202", "cell_source", ["wharton_jelly"]),
    ("rev_id_opens_item", "NCT09207203", "cell_source", ["placenta"]),
    ("rev_respectively_route", "NCT09207301", "route", ["intrathecal"]),
    ("rev_respectively_route", "NCT09207302", "route", ["intravenous"]),
    ("rev_author_then_id", "NCT09207501", "dose_count", ["3"]),
    ("rev_author_then_id", "NCT09207501", "route", ["intravenous"]),
    ("rev_author_then_id", "NCT09207501", "donor", ["autologous"]),
    ("rev_author_then_id", "NCT09207501", "cell_source", ["adipose_tissue"]),
    ("rev_author_then_id", "NCT09207501", "conditions", ["multiple sclerosis"]),
    ("rev_author_then_id", "NCT09207501", "enrollment", ["16"]),
    ("rev_author_then_registration", "ISRCTN92075022", "donor", ["allogeneic"]),
    ("rev_author_then_registration", "ISRCTN92075022", "cell_source", ["umbilical_cord"]),
    ("rev_author_then_registration", "ISRCTN92075022", "conditions", ["myocardial infarction"]),
    ("rev_author_then_registration", "ISRCTN92075022", "phase", ["PHASE1"]),
    ("rev_respectively_phase", "ChiCTR2000070001", "phase", ["PHASE1"]),
    ("rev_respectively_phase", "ChiCTR2000070002", "phase", ["PHASE2"]),
    ("rev_two_trials_in_turn", "NCT09207601", "enrollment", ["80"]),
    ("rev_two_trials_in_turn", "NCT09207601", "route", ["intralesional"]),
    ("rev_two_trials_in_turn", "NCT09207601", "cell_source", ["adipose_tissue"]),
    ("rev_two_trials_in_turn", "NCT09207601", "conditions", ["crohn disease"]),
    ("rev_two_trials_in_turn", "NCT09207602", "enrollment", ["30"]),
    ("rev_two_trials_in_turn", "NCT09207602", "route", ["intravenous"]),
    ("rev_two_trials_in_turn", "NCT09207602", "cell_source", ["bone_marrow"]),
    ("rev_two_trials_in_turn", "NCT09207602", "conditions", ["ulcerative colitis"]),
    ("rev_dose_range_items", "NCT09207801", "dose", ["1e+06..1e+06 cells/kg"]),
    ("rev_dose_range_items", "NCT09207802", "dose", ["5e+06..5e+06 cells/kg"]),
    ('rev_respectively_route', 'NCT09207301', 'donor', ['autologous']),
    ('rev_respectively_route', 'NCT09207302', 'donor', ['autologous']),
    ('rev_respectively_route', 'NCT09207301', 'cell_source', ['bone_marrow']),
    ('rev_respectively_route', 'NCT09207302', 'cell_source', ['bone_marrow']),
    ('rev_respectively_enrollment', 'NCT09207401', 'enrollment', ['24']),
    ('rev_respectively_enrollment', 'NCT09207402', 'enrollment', ['60']),
    ('rev_author_then_registration', 'ISRCTN92075022', 'route', ['intracoronary']),
    ('rev_status_items', 'NCT09207901', 'conditions', ['autism']),
    ('rev_status_items', 'NCT09207902', 'conditions', ['autism']),
    ('rev_status_items', 'NCT09207901', 'cell_source', ['umbilical_cord_blood']),
    ('rev_status_items', 'NCT09207902', 'cell_source', ['umbilical_cord_blood']),
]


@pytest.mark.parametrize("name,trial,field,expected", REVIEWS)
def test_review_passages(name, trial, field, expected):
    assert tied(evidence(name), trial, field) == expected
