"""Registry cross-check (pipeline/registry/): reading ClinicalTrials.gov exports (CSV download and
API v2 JSON) into our codes, comparing them with trial rows, filling what the papers are silent on.

Exports are small files written by the tests; every title, condition and sponsor in them is made up.
One test reads the real export in ../shared/registry."""
from __future__ import annotations

import csv
import io
import json
import os

import pytest

from pipeline.errors import PipelineError, RegistryError
from pipeline.merge import merge_trials
from pipeline.models import Evidence
from pipeline.registry import (
    apply_registry,
    build_registry,
    cross_check,
    load_registry,
    parse_export,
    read_export,
    registry_evidence,
    registry_values,
    same_title,
)
from pipeline.registry.ctgov import month_date, phase_codes, secondary_registry_id, status_code
from pipeline.schema import PHASES, STATUSES, TRIAL_FIELDS
from tests.conftest import shared_path

# the classic download's columns (all 27, in its order)
CLASSIC_HEADER = [
    "Rank", "NCT Number", "Title", "Acronym", "Status", "Study Results", "Conditions", "Interventions",
    "Outcome Measures", "Sponsor/Collaborators", "Gender", "Age", "Phases", "Enrollment", "Funded Bys",
    "Study Type", "Study Designs", "Other IDs", "Start Date", "Primary Completion Date", "Completion Date",
    "First Posted", "Results First Posted", "Last Update Posted", "Locations", "Study Documents", "URL",
]

ALPHA = {  # NCT00000101
    "NCT Number": "NCT00000101", "Title": "Stromal Cells for Imaginary Lung Disease", "Acronym": "ALPHA",
    "Status": "Active, not recruiting", "Conditions": "COVID-19 Pneumonia|Made-up Syndrome",
    "Sponsor/Collaborators": "Example University|Example Biotech Ltd.", "Phases": "Phase 1|Phase 2",
    "Enrollment": "40", "Other IDs": "EX-001|EudraCT Number: 2012-002553-38", "Start Date": "June 2020",
}
BETA = {  # NCT00000202: the fields a paper often gets wrong
    "NCT Number": "NCT00000202", "Title": "Umbilical Cord MSCs in Fictional Knee Disease", "Status": "Unknown status",
    "Conditions": "Knee Osteoarthritis", "Sponsor/Collaborators": "Somewhere Hospital", "Phases": "Phase 2",
    "Enrollment": "90", "Start Date": "May 19, 2011", "Other IDs": "NL43712.000.13",
}


def csv_text(rows, header=CLASSIC_HEADER) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=header, quoting=csv.QUOTE_ALL, lineterminator="\n")
    w.writeheader()
    for k, row in enumerate(rows, start=1):
        w.writerow({"Rank": k, **row} if "Rank" in header else row)
    return buf.getvalue()


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def study(nct="NCT00000303", phases=("PHASE2",), status="RECRUITING", **extra) -> dict:
    """An API v2 study with the modules the reader uses."""
    s = {
        "protocolSection": {
            "identificationModule": {
                "nctId": nct, "briefTitle": "Invented Cells for Pretend Colitis",
                "officialTitle": "A Phase 2 Study of Invented Cells in Adults With Pretend Colitis",
                "acronym": "GAMMA", "orgStudyIdInfo": {"id": "ORG-7"},
                "secondaryIdInfos": [{"id": "2019-001234-56", "type": "EUDRACT_NUMBER"}, {"id": "GRANT 12"}],
            },
            "statusModule": {
                "overallStatus": status, "startDateStruct": {"date": "2021-03-15", "type": "ACTUAL"},
                "lastUpdatePostDateStruct": {"date": "2022-08-01", "type": "ACTUAL"},
            },
            "sponsorCollaboratorsModule": {
                "leadSponsor": {"name": "Pretend Pharma", "class": "INDUSTRY"},
                "collaborators": [{"name": "Imaginary Institute", "class": "OTHER"}],
            },
            "conditionsModule": {"conditions": ["Crohn's Disease", "Pretend Colitis"]},
            "designModule": {"studyType": "INTERVENTIONAL", "phases": list(phases),
                             "enrollmentInfo": {"count": 24, "type": "ESTIMATED"}},
        }
    }
    s["protocolSection"].update(extra)
    return s


def row(trial_id, **values) -> dict:
    """A merged trial row as `merge` makes it: every column, lists empty."""
    r = {f: None for f in TRIAL_FIELDS}
    for f in ("other_ids", "conditions", "phase", "cell_source", "donor", "product", "route", "sponsors",
              "sources", "conflicts", "registry_conflicts", "reviewed"):
        r[f] = []
    r["trial_id"] = trial_id
    r["registry"] = "publication" if trial_id.startswith("ref:") else "ctgov"
    r.update(values)
    return r


@pytest.fixture
def registry(tmp_path):
    return load_registry([write(tmp_path, "ctgov-export-test-2022-09.csv", csv_text([ALPHA, BETA]))])


# --------------------------------------------------------------------------------------------------
# Value spellings: one case each
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("printed, codes", [
    ("Early Phase 1", ("EARLY_PHASE1",)), ("Phase 1", ("PHASE1",)), ("Phase 2", ("PHASE2",)),
    ("Phase 3", ("PHASE3",)), ("Phase 4", ("PHASE4",)), ("Not Applicable", ("NOT_APPLICABLE",)),
    ("Phase 1|Phase 2", ("PHASE1", "PHASE2")), ("Phase 2|Phase 3", ("PHASE2", "PHASE3")),
])
def test_csv_phase_spellings(tmp_path, printed, codes):
    rec = parse_export(csv_text([{**BETA, "Phases": printed}])).records[0]
    assert rec.fields["phase"] == codes and set(codes) <= set(PHASES)


@pytest.mark.parametrize("printed, codes", [
    ("EARLY_PHASE1", ("EARLY_PHASE1",)), ("PHASE1", ("PHASE1",)), ("PHASE2", ("PHASE2",)), ("PHASE3", ("PHASE3",)),
    ("PHASE4", ("PHASE4",)), ("NA", ("NOT_APPLICABLE",)), ("N/A", ("NOT_APPLICABLE",)), ("NOT_APPLICABLE", ("NOT_APPLICABLE",)), ("Phase 1/Phase 2", ("PHASE1", "PHASE2")),
    ("Phase II", ("PHASE2",)), ("Phase 7", ()), ("", ()),
])
def test_phase_codes(printed, codes):
    assert phase_codes(printed) == codes


def test_csv_without_phase_has_no_phase():
    rec = parse_export(csv_text([{**BETA, "Phases": ""}])).records[0]
    assert "phase" not in rec.fields


@pytest.mark.parametrize("printed, code", [
    ("Not yet recruiting", "NOT_YET_RECRUITING"), ("Recruiting", "RECRUITING"),
    ("Enrolling by invitation", "ENROLLING_BY_INVITATION"), ("Active, not recruiting", "ACTIVE_NOT_RECRUITING"),
    ("Completed", "COMPLETED"), ("Suspended", "SUSPENDED"), ("Terminated", "TERMINATED"), ("Withdrawn", "WITHDRAWN"),
    ("Unknown status", "UNKNOWN"),
    # API v2 and the newer CSV print the codes
    ("NOT_YET_RECRUITING", "NOT_YET_RECRUITING"), ("ACTIVE_NOT_RECRUITING", "ACTIVE_NOT_RECRUITING"),
    ("ENROLLING_BY_INVITATION", "ENROLLING_BY_INVITATION"), ("UNKNOWN", "UNKNOWN"), ("COMPLETED", "COMPLETED"),
])
def test_status_spellings(printed, code):
    assert status_code(printed) == code and code in STATUSES


@pytest.mark.parametrize("printed", ["Available", "No longer available", "Temporarily not available", "AVAILABLE"])
def test_expanded_access_status_has_no_code_and_is_named_in_a_warning(printed):
    export = parse_export(csv_text([{**BETA, "Status": printed}]), source="x.csv")
    assert "status" not in export.records[0].fields
    assert any(w.startswith("[W231]") and printed in w for w in export.warnings)


@pytest.mark.parametrize("printed, date", [
    ("June 2020", "2020-06"), ("May 19, 2011", "2011-05"), ("September 1, 2020", "2020-09"), ("Sept 2020", None),
    ("2020-06-15", "2020-06"), ("2020-06", "2020-06"), ("2020", "2020"), ("2020-13", None), ("Spring 2020", None),
])
def test_dates(printed, date):
    assert month_date(printed) == date


@pytest.mark.parametrize("printed, canonical", [
    ("2013-005407-14", "2013-005407-14"), ("EudraCT Number:2012-002553-38", "2012-002553-38"),
    ("Eudra-CT 2009-017405-11", "2009-017405-11"), ("IRCT2015110524890N1", "IRCT2015110524890N1"),
    ("jRCT2043200002", "jRCT2043200002"), ("NL43712.000.13", None), ("2018-MSC/CSU/PS", None), ("HOPE", None),
    ("NCT01234567", None),  # another NCT id names a related study, not this one
])
def test_secondary_ids(printed, canonical):
    assert secondary_registry_id(printed) == canonical


# --------------------------------------------------------------------------------------------------
# Reading files
# --------------------------------------------------------------------------------------------------
def test_csv_record(registry):
    rec = registry.get("NCT00000101")
    assert dict(rec.fields) == {
        "title": "Stromal Cells for Imaginary Lung Disease", "acronym": "ALPHA", "status": "ACTIVE_NOT_RECRUITING",
        "conditions": ("covid-19", "made-up syndrome"),  # vocabulary code where it matches, else lower-cased
        "phase": ("PHASE1", "PHASE2"), "enrollment": 40, "start_date": "2020-06",
        "sponsors": ("Example Biotech Ltd.", "Example University"),
    }
    assert rec.other_ids == ("2012-002553-38",)
    assert rec.export_date == "2022-09" and rec.export_id == "ctgov-export-test-2022-09" and rec.kind == "csv"
    assert registry.get("2012-002553-38") is rec  # found through its secondary id
    assert registry.get("NCT00000202").fields["start_date"] == "2011-05"


def test_csv_export_date_from_file_date_without_a_date_in_the_name(tmp_path):
    p = write(tmp_path, "export.csv", csv_text([BETA]))
    os.utime(p, (1_600_000_000, 1_600_000_000))  # 2020-09-13 UTC
    assert read_export(p).records[0].export_date.startswith("2020-09")


def test_newer_csv_download(tmp_path):
    header = ["NCT Number", "Study Title", "Study URL", "Acronym", "Study Status", "Conditions", "Sponsor",
              "Collaborators", "Phases", "Enrollment", "Other IDs", "Start Date"]
    text = csv_text([{"NCT Number": "NCT00000404", "Study Title": "Pretend Cells", "Study Status": "ACTIVE_NOT_RECRUITING",
                      "Conditions": "Made-up Syndrome", "Sponsor": "Lead Co", "Collaborators": "Helper Org",
                      "Phases": "PHASE1|PHASE2", "Enrollment": "12", "Start Date": "2021-02-03"}], header)
    rec = parse_export(text).records[0]
    assert rec.fields["status"] == "ACTIVE_NOT_RECRUITING" and rec.fields["phase"] == ("PHASE1", "PHASE2")
    assert rec.fields["sponsors"] == ("Helper Org", "Lead Co") and rec.fields["start_date"] == "2021-02"
    assert rec.fields["title"] == "Pretend Cells"


def test_csv_with_a_byte_order_mark(tmp_path):
    p = tmp_path / "bom.csv"
    p.write_bytes(b"\xef\xbb\xbf" + csv_text([BETA]).encode("utf-8"))
    assert [r.trial_id for r in read_export(p).records] == ["NCT00000202"]


def test_rows_without_an_nct_number_are_skipped_with_a_warning():
    export = parse_export(csv_text([BETA, {**ALPHA, "NCT Number": "not an id"}]), source="x.csv")
    assert [r.trial_id for r in export.records] == ["NCT00000202"]
    assert any(w.startswith("[W230]") and "x.csv" in w for w in export.warnings)


@pytest.mark.parametrize("shape", ["one study", "list of studies", "API page"])
def test_json_shapes(tmp_path, shape):
    s = study()
    data = {"one study": s, "list of studies": [s], "API page": {"studies": [s], "nextPageToken": "abc"}}[shape]
    reg = load_registry([write(tmp_path, "page.json", json.dumps(data))])
    rec = reg.get("NCT00000303")
    assert dict(rec.fields) == {
        "title": "Invented Cells for Pretend Colitis", "acronym": "GAMMA", "status": "RECRUITING",
        "conditions": ("crohn disease", "pretend colitis"), "phase": ("PHASE2",), "enrollment": 24,
        "start_date": "2021-03", "sponsors": ("Imaginary Institute", "Pretend Pharma"),
    }
    assert rec.titles[1].startswith("A Phase 2 Study")  # the official title is kept for comparison
    assert rec.kind == "json" and rec.export_date == "2022-08-01"  # the study's last update
    assert rec.other_ids == ("2019-001234-56",) and reg.get("2019-001234-56") is rec


def test_json_phases_and_statuses_are_codes(tmp_path):
    rec = parse_export(json.dumps(study(phases=("EARLY_PHASE1",), status="ACTIVE_NOT_RECRUITING"))).records[0]
    assert rec.fields["phase"] == ("EARLY_PHASE1",) and rec.fields["status"] == "ACTIVE_NOT_RECRUITING"
    rec = parse_export(json.dumps(study(phases=("NA",), status="UNKNOWN"))).records[0]
    assert rec.fields["phase"] == ("NOT_APPLICABLE",) and rec.fields["status"] == "UNKNOWN"


def test_several_files_the_later_export_wins(tmp_path):
    old = write(tmp_path, "ctgov-2021-01.csv", csv_text([{**BETA, "Status": "Recruiting"}]))
    new = write(tmp_path, "ctgov-2022-09.csv", csv_text([{**BETA, "Status": "Completed"}, ALPHA]))
    for order in ([old, new], [new, old]):
        reg = load_registry(order)
        assert reg.get("NCT00000202").fields["status"] == "COMPLETED" and len(reg) == 2
        assert any(w.startswith("[W232]") for w in reg.warnings)


def test_a_secondary_id_two_records_list_is_no_alias():
    export = parse_export(csv_text([{**BETA, "Other IDs": "2013-005407-14"},
                                    {**ALPHA, "Other IDs": "2013-005407-14"}]))
    assert build_registry([export]).get("2013-005407-14") is None


# --------------------------------------------------------------------------------------------------
# Files that cannot be read: a coded error naming the file
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, content, code", [
    ("empty.csv", b"", "E131"),
    ("blank.csv", b"  \n\n", "E131"),
    ("notes.csv", b"This is a note about trials, not an export.\nSecond line\n", "E132"),
    ("other.csv", b"id,name\n1,x\n", "E132"),
    ("binary.csv", b"%PDF-1.4\n\x00\x01\x02\xff\xfe", "E132"),
    ("latin1.csv", "\"NCT Number\",\"Title\"\n\"NCT00000101\",\"caf\u00e9\"\n".encode("latin-1"), "E132"),
    ("bad.json", b'{"studies": [', "E132"),
    ("nostudies.json", b'{"totalCount": 0, "items": []}', "E132"),
    ("numbers.json", b"[1, 2, 3]", "E132"),
    ("emptypage.json", b'{"studies": []}', "E133"),
    ("header_only.csv", ",".join(f'"{h}"' for h in CLASSIC_HEADER).encode() + b"\n", "E133"),
    ("no_nct.json", json.dumps({"studies": [{"protocolSection": {"identificationModule": {}}}]}).encode(), "E133"),
])
def test_bad_files_raise_a_coded_error(tmp_path, name, content, code):
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(RegistryError) as err:
        load_registry([p])
    assert err.value.code == code and isinstance(err.value, PipelineError)
    assert str(p) in err.value.message and str(err.value).startswith(f"[{code}]")


@pytest.mark.parametrize("what", ["missing", "directory"])
def test_unreadable_path(tmp_path, what):
    p = tmp_path / "x.csv"
    if what == "directory":
        p.mkdir()
    with pytest.raises(RegistryError) as err:
        load_registry([p])
    assert err.value.code == "E130" and str(p) in err.value.message


# --------------------------------------------------------------------------------------------------
# Cross-check
# --------------------------------------------------------------------------------------------------
def test_registry_status(registry):
    rows = [row("NCT00000101"), row("NCT09999999"), row("ref:smith-2020"), row("2012-002553-38", registry="euctr"),
            row("2015-000001-11", registry="euctr"), row("ISRCTN12345678", other_ids=["NCT09999998"])]
    got = {r["trial_id"]: r["registry_status"] for r in cross_check(rows, registry)}
    assert got == {"NCT00000101": "found", "NCT09999999": "not_in_export", "ref:smith-2020": None,
                   "2012-002553-38": "found",  # the record lists it as a secondary id
                   "2015-000001-11": None,  # the export cannot tell: not a ClinicalTrials.gov id
                   "ISRCTN12345678": "not_in_export"}  # it has an NCT id the export lacks


@pytest.mark.parametrize("values, expected", [
    ({"phase": ["PHASE1"]}, ["phase"]),
    ({"phase": ["PHASE1", "PHASE2"]}, []),
    ({"phase": ["EARLY_PHASE1", "PHASE2"]}, []),  # early phase 1 is a phase 1
    ({"phase": ["PHASE2"]}, ["phase"]),
    ({"status": "RECRUITING"}, ["status"]),
    ({"status": "ACTIVE_NOT_RECRUITING"}, []),
    ({"status": "UNKNOWN"}, []),
    ({"start_date": "2020"}, []),  # compared at the precision both give
    ({"start_date": "2020-06"}, []),
    ({"start_date": "2020-04"}, ["start_date"]),
    ({"start_date": "2019"}, ["start_date"]),
    ({"enrollment": 40}, []),
    ({"enrollment": 38}, ["enrollment"]),
    ({"title": "stromal cells for imaginary lung-disease"}, []),  # case, hyphen
    ({"title": "Stromal Cells for Imaginary Lung Disease (ALPHA)"}, []),
    ({"title": "Stromal Cells for Imaginary"}, []),  # truncated
    ({"title": "MSCs for imaginary lung disease"}, []),  # "MSCs" and "Stromal Cells": one product term
    ({"title": "Adipose Grafts in Chronic Wounds of the Foot"}, ["title"]),  # another study
    ({"conditions": ["asthma"]}, []),  # not compared
    ({"sponsors": ["Another Sponsor"]}, ["sponsors"]),  # the record lists other sponsors
    ({"sponsors": ["EXAMPLE BIOTECH, LTD"]}, []),  # case, punctuation and legal form
    ({"sponsors": ["Example Biotech Limited", "example university"]}, []),
    ({"sponsors": ["Example Biotech Inc."]}, []),
    ({"sponsors": ["Example Biotech"]}, []),  # the name without its legal form
    ({"sponsors": ["Example University", "Another Sponsor"]}, ["sponsors"]),  # one of them is not listed
    ({"sponsors": ["Example"]}, []),  # one's words within the other's
    ({"sponsors": ["Biotech University"]}, ["sponsors"]),  # words of both, in no one name
    ({"phase": ["PHASE3"], "status": "WITHDRAWN", "enrollment": 7}, ["enrollment", "phase", "status"]),
])
def test_conflicts(registry, values, expected):
    [checked] = cross_check([row("NCT00000101", **values)], registry)
    assert checked["registry_conflicts"] == expected


def test_unknown_status_in_the_registry_conflicts_with_nothing(registry):
    [checked] = cross_check([row("NCT00000202", status="RECRUITING", phase=["PHASE1"])], registry)
    assert checked["registry_conflicts"] == ["phase"]


@pytest.mark.parametrize("paper, registry_title, same", [
    ("Cells for COVID19 pneumonia", "Cells for COVID-19 Pneumonia", True),
    ("MSCs treatment for pneumonia of 2019 novel coronavirus", "Mesenchymal Stem Cell Treatment for COVID-19 Pneumonia", True),
    ("Nest Cell ®Therapy in Pretend Disease", "NestCell® Therapy in Pretend Disease", True),
    ("Bone marrow MSCs for knee osteoarthritis", "Exosomes for Dry Eye in Chronic GVHD", False),
])
def test_same_title(paper, registry_title, same):
    assert same_title(paper, [registry_title]) is same


def test_cross_check_does_not_change_its_input(registry):
    rows = [row("NCT00000101", phase=["PHASE1"])]
    cross_check(rows, registry)
    assert rows[0]["registry_status"] is None and rows[0]["registry_conflicts"] == []


# --------------------------------------------------------------------------------------------------
# Filling silent columns
# --------------------------------------------------------------------------------------------------
def test_registry_evidence_fills_only_silent_columns(registry):
    rows = cross_check([row("NCT00000101", phase=["PHASE1"], title="A paper's title", enrollment=38)], registry)
    ev = registry_evidence(rows, registry)
    assert {(e.field, e.value) for e in ev} == {
        ("status", "ACTIVE_NOT_RECRUITING"), ("start_date", "2020-06"), ("conditions", "covid-19"),
        ("conditions", "made-up syndrome"), ("sponsors", "Example University"), ("sponsors", "Example Biotech Ltd."),
    }
    status = next(e for e in ev if e.field == "status")
    assert status.raw == "Active, not recruiting" and status.extractor == "registry" and status.confidence == 1.0
    assert status.paper_id == "ctgov-export-test-2022-09" and status.page is None and (status.char_start, status.char_end) == (0, 0)
    assert status.snippet == "ClinicalTrials.gov export 2022-09, NCT00000101: Status = Active, not recruiting"
    assert next(e for e in ev if e.value == "covid-19").raw == "COVID-19 Pneumonia"


def test_registry_evidence_for_a_trial_found_by_secondary_id(registry):
    ev = registry_evidence([row("2012-002553-38", registry="euctr")], registry)
    assert {e.trial_id for e in ev} == {"2012-002553-38"} and ("phase", "PHASE2") in {(e.field, e.value) for e in ev}


def test_no_evidence_without_a_record(registry):
    assert registry_evidence([row("NCT09999999"), row("ref:smith-2020")], registry) == []


def test_apply_registry_matches_re_merging(registry):
    """The rows `apply_registry` fills equal those of merging the papers' and the registry's evidence."""
    paper = [Evidence("NCT00000202", f, v, v, "paper_a", None, 0, 5, "a row", "test", 1.0)
             for f, v in (("phase", "PHASE1"), ("title", "Cord cells in a fictional knee disease"))]
    rows = merge_trials(paper)
    filled, ev = apply_registry(rows, registry)
    remerged = merge_trials(paper + ev)
    for column in ("title", "conditions", "phase", "status", "enrollment", "start_date", "sponsors", "sources"):
        assert filled[0][column] == remerged[0][column], column
    assert filled[0]["phase"] == ["PHASE1"] and filled[0]["enrollment"] == 90 and filled[0]["sources"] == ["paper_a"]
    assert filled[0]["registry_status"] == "found" and filled[0]["registry_conflicts"] == ["phase"]


def test_registry_values(registry):
    assert registry_values("NCT00000202", registry) == {
        "title": "Umbilical Cord MSCs in Fictional Knee Disease", "status": "UNKNOWN", "conditions": ["knee osteoarthritis"],
        "phase": ["PHASE2"], "enrollment": 90, "start_date": "2011-05", "sponsors": ["Somewhere Hospital"],
    }
    assert registry_values("NCT09999999", registry) == {}


# --------------------------------------------------------------------------------------------------
# The real export
# --------------------------------------------------------------------------------------------------
def test_real_export():
    path = shared_path("registry", "ctgov-export-msc-2022-09.csv")
    reg = load_registry([path])
    assert len(reg) == 1389
    rec = reg.get("NCT04315987")
    assert rec.fields["phase"] == ("PHASE2",) and rec.fields["status"] == "UNKNOWN" and rec.export_date == "2022-09"
    # a paper's table says phase 1
    [checked] = cross_check([row("NCT04315987", phase=["PHASE1"])], reg)
    assert checked["registry_status"] == "found" and "phase" in checked["registry_conflicts"]
    # every record has a status code except the expanded-access ones, which a warning names
    assert sum("status" not in r.fields for r in reg.records.values()) == 24
    assert any(w.startswith("[W231]") and "No longer available" in w for w in reg.warnings)
