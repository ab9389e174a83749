"""The field declarations (`pipeline.fields`) are the one source of what each field is: the columns,
the merge, the corrections, the registry cross-check, the codes, the data package, the report and
the cell readers all read them; a field declared there flows to every output without other edits."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pipeline import codes, fields, schema, vocab
from pipeline.corrections import CORRECTABLE_FIELDS, LIST_FIELDS as CORRECTION_LIST_FIELDS, normalize_value
from pipeline.extract.cells import read_cell
from pipeline.link import core as link
from pipeline.merge import core as merge
from pipeline.registry import crosscheck
from pipeline.segment.cells import column_reads
from pipeline.write import report
from pipeline.write.tables import datapackage

ROOT = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------------------------------
# one source
# --------------------------------------------------------------------------------------------------
def test_the_trials_columns_are_the_fields_columns_in_the_contracts_order():
    names = [c.name for c in fields.trial_columns()]
    assert list(schema.TRIAL_FIELDS) == names
    assert names[names.index("dose_unit") + 1:names.index("dose_text") + 1] == ["dose_count", "dose_text"]
    assert schema.TRIAL_COLUMNS == tuple(c.as_tuple() for c in fields.trial_columns())


def test_the_data_package_describes_the_declared_columns():
    package = datapackage("test")
    trials = next(r for r in package["resources"] if r["name"] == "trials")
    assert [f["name"] for f in trials["schema"]["fields"]] == list(schema.TRIAL_FIELDS)
    evidence = next(r for r in package["resources"] if r["name"] == "evidence")
    field_enum = next(f for f in evidence["schema"]["fields"] if f["name"] == "field")["constraints"]["enum"]
    assert field_enum == list(fields.evidence_fields())


def test_every_stage_reads_its_field_lists_from_the_declarations():
    assert merge.LIST_VALUE_FIELDS == fields.list_fields() == CORRECTION_LIST_FIELDS
    assert merge.SCALAR_VALUE_FIELDS == fields.scalar_fields()
    assert merge.SET_CONFLICT_FIELDS == fields.set_conflict_fields()
    assert CORRECTABLE_FIELDS == report.CORRECTABLE_FIELDS == fields.correctable_fields()
    assert report.COVERAGE_FIELDS == fields.value_fields()
    assert crosscheck.FILL_FIELDS == fields.registry_fill_fields()
    assert crosscheck.COMPARED_FIELDS == fields.registry_compared_fields()
    assert codes.CODED_FIELDS == fields.coded_columns()
    assert link.VOCAB_FIELDS == fields.vocabulary_fields()
    assert link.DOCUMENT_SINGLE == fields.document_fields()
    assert link.CAPTION_FIELDS == fields.caption_fields()
    assert link.LEFTOVER_CELL_READS == fields.leftover_fields()
    assert link.DOCUMENT_ONE_STATEMENT == fields.first_statement_fields() == {"phase"}
    assert link.SHARED_BY_OWN_TRIALS == fields.shared_by_own_trials_fields() == {"acronym"}
    assert link.PASSAGE_STATED == fields.passage_stated_fields() == {"enrollment", "status", "dose_count"}
    assert link.RECORD_SCALARS == fields.short_in_records_fields()
    assert schema.EVIDENCE_FIELDS == fields.evidence_fields()


def test_a_field_is_declared_once_and_every_list_of_fields_is_drawn_from_them():
    names = [f.name for f in fields.FIELDS]
    assert len(names) == len(set(names))
    columns = [c.name for c in fields.trial_columns()]
    assert len(columns) == len(set(columns))
    declared = set(names) | set(columns)
    for derived in (fields.evidence_fields(), fields.list_fields(), fields.scalar_fields(), fields.correctable_fields(),
                    fields.value_fields(), fields.coded_columns(), fields.registry_fill_fields(),
                    fields.registry_compared_fields(), report.FILTER_FIELDS):
        assert set(derived) <= declared


@pytest.mark.parametrize("f", fields.FIELDS, ids=lambda f: f.name)
def test_each_declaration_names_what_exists(f):
    """Finders and readers import, vocabularies load, header columns are codes of table_columns."""
    header_codes = set(vocab.load("table_columns").by_code)
    assert set(f.header_columns) <= header_codes
    for finder in (f.finder, f.cell_reader):
        if isinstance(finder, fields.Finder):
            assert callable(finder.resolve())
    if f.vocabulary:
        assert vocab.load(f.vocabulary).entries
    if isinstance(f.codes, str):
        assert vocab.load(f.codes).entries
    if f.header_columns:
        assert fields.cell_reader(f.name) is not None
    if f.evidence and f.name != "trial_id":
        assert f.correct is not None


def test_the_header_columns_read_the_fields_that_declare_them():
    assert column_reads("phase") == ("phase",)
    assert column_reads("phase_status") == ("phase", "status")
    assert set(column_reads("intervention")) == {"route", "dose", "dose_count", "cell_source", "donor", "product"}
    assert column_reads("title")[0] == "title"
    assert column_reads("outcome") == () and column_reads("other") == ()


def test_the_vocabulary_file_of_header_words_no_longer_says_what_a_column_reads():
    from pipeline.errors import VocabularyError

    with pytest.raises(VocabularyError):
        vocab.parse_vocabulary({"field": "table_columns", "entries": [{"code": "x", "reads": ["phase"]}]})


# --------------------------------------------------------------------------------------------------
# each field's correction: normalized and checked as its declaration says (one case a line)
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("field, written, value", [
    ("registry", "CTGOV", "ctgov"),
    ("registry", "eu ctr", "euctr"),
    ("other_ids", "nct 0123 4567", "NCT01234567"),
    ("other_ids", "ISRCTN12345678", "ISRCTN12345678"),
    ("title", "  A   randomised  trial ", "A randomised trial"),
    ("acronym", "TAC-HFT", "TAC-HFT"),
    ("conditions", "Graft-vs-host disease", "graft versus host disease"),
    ("conditions", "COVID19", "covid-19"),
    ("conditions", "Some  Rare Thing", "some rare thing"),
    ("phase", "phase1", "PHASE1"),
    ("phase", "Phase 1", "PHASE1"),
    ("phase", "N/A", "NOT_APPLICABLE"),
    ("phase", "early_phase1", "EARLY_PHASE1"),
    ("status", "recruiting", "RECRUITING"),
    ("status", "Active, not recruiting", "ACTIVE_NOT_RECRUITING"),
    ("status", "not yet recruiting", "NOT_YET_RECRUITING"),
    ("start_date", "2015", "2015"),
    ("start_date", "2015-3", "2015-03"),
    ("enrollment", "040", "40"),
    ("enrollment", "0", "0"),
    ("cell_source", "Umbilical Cord", "umbilical_cord"),
    ("cell_source", "BM", "bone_marrow"),
    ("donor", "Allogeneic", "allogeneic"),
    ("product", "exosomes", "exosomes"),
    ("route", "IV", "intravenous"),
    ("route", "intra-articular", "intra_articular"),
    ("dose", "1e6..2e6 cells/kg", "1e+06..2e+06 cells/kg"),
    ("dose", "5 ML", "5..5 mL"),
    ("dose_count", "3", "3"),
    ("sponsors", "Mesoblast,  Ltd.", "Mesoblast, Ltd."),
])
def test_a_correction_value_is_normalized_by_its_fields_declaration(field, written, value):
    assert normalize_value(field, written)[0] == value
    assert fields.field(field).normalize(written)[0] == value


def test_a_dose_correction_carries_its_low_high_and_unit():
    assert normalize_value("dose", "1e6 cells") == ("1e+06..1e+06 cells", (("low", 1e6), ("high", 1e6), ("unit", "cells")))


@pytest.mark.parametrize("field, written, allowed", [
    ("registry", "clinicaltrials", "one of ctgov,"),
    ("other_ids", "not an id", "a registry id"),
    ("phase", "phase 9", "one of EARLY_PHASE1"),
    ("status", "paused", "a code of the status vocabulary"),
    ("start_date", "2015-13", "YYYY or YYYY-MM"),
    ("start_date", "March 2015", "YYYY or YYYY-MM"),
    ("enrollment", "-4", "at least 0"),
    ("enrollment", "12.5", "digits only"),
    ("dose_count", "0", "at least 1"),
    ("cell_source", "moon rock", "a code of the cell_source vocabulary"),
    ("donor", "neighbour", "a code of the donor vocabulary"),
    ("product", "tea", "a code of the product vocabulary"),
    ("route", "by post", "a code of the route vocabulary"),
    ("dose", "1e6 furlongs", "low..high unit"),
    ("dose", "2e6..1e6 cells", "0 < low <= high"),
    ("title", "   ", "a non-empty value"),
])
def test_an_invalid_correction_value_says_what_its_field_allows(field, written, allowed):
    with pytest.raises(ValueError) as err:
        normalize_value(field, written)
    assert allowed in str(err.value)


# --------------------------------------------------------------------------------------------------
# a field declared in the declarations alone flows to every output
# --------------------------------------------------------------------------------------------------
def test_a_declared_cell_reader_reads_its_column_without_other_edits(monkeypatch):
    extra = fields.Field("masking", "Who is blinded", codes=("open_label", "double_blind"), header_columns=("design",),
                         cell_reader=fields.Finder(f"{__name__}:masking_cell"), correct=fields.Codes())
    monkeypatch.setattr(fields, "FIELDS", fields.FIELDS + (extra,))
    assert column_reads("design") == ("phase", "masking")
    assert [m.value for m in read_cell("masking", "Randomised, double-blind")] == ["double_blind"]
    assert normalize_value("masking", "Double Blind") == ("double_blind", ())


def masking_cell(text, extra=None, unit=None):
    from pipeline.models import Mention

    i = text.lower().find("double-blind")
    return [Mention("masking", "double_blind", i, i + 12, text[i:i + 12], "masking", 0.9)] if i >= 0 else []


_EXTRA_FIELD_RUN = textwrap.dedent('''
    import json, re, sys
    from pathlib import Path

    from pipeline import fields
    from pipeline.models import Mention

    def find_masking(text):
        return [Mention("masking", "double_blind", m.start(), m.end(), m.group(0), "masking", 0.9)
                for m in re.finditer(r"(?i)\\bdouble[- ]blind(?:ed)?\\b", text)]

    # declared here, before any stage is imported: nothing else is edited
    fields.FIELDS = fields.FIELDS + (fields.Field(
        "masking", "Who is blinded", codes=("open_label", "single_blind", "double_blind"),
        finder=fields.Finder("__main__:find_masking"), correct=fields.Codes(), label="blinding"),)

    from pipeline.api import extract_text
    from pipeline.corrections import CorrectionPlan, parse_corrections
    from pipeline.merge.core import merge_trials
    from pipeline.schema import EVIDENCE_COLUMNS, TRIAL_COLUMNS
    from pipeline.write.report import render_report
    from pipeline.write.stream import Staged, write_table
    from pipeline.write.tables import datapackage

    out = Path(sys.argv[1])
    evidence = extract_text("In the double-blind phase 2 trial NCT01234567, 40 patients received MSCs.", paper_id="p")
    rows = merge_trials(evidence)
    staged = Staged(out)
    write_table(staged, "trials", TRIAL_COLUMNS, rows)
    staged.commit()
    package = datapackage("test")
    trials_schema = next(r for r in package["resources"] if r["name"] == "trials")["schema"]["fields"]
    cs, _ = parse_corrections("trial_id,field,action,value\\nNCT01234567,masking,set,Single Blind\\n"
                              "NCT01234567,masking,set,triple\\n", "c.csv")
    plan = CorrectionPlan(cs)
    plan.filter(evidence)
    result = plan.finish()
    html = render_report(rows, [{c[0]: getattr(e, c[0]) for c in EVIDENCE_COLUMNS} for e in evidence], [])
    json.dump({
        "row": rows[0].get("masking"),
        "header": (out / "trials.csv").read_text().splitlines()[0],
        "csv_row": (out / "trials.csv").read_text().splitlines()[1],
        "schema": next((f for f in trials_schema if f["name"] == "masking"), None),
        "reviewer": [(e.field, e.value) for e in result.reviewer_evidence],
        "problems": result.problems,
        "coverage": '<th scope="row">blinding</th>' in html,
    }, sys.stdout)
''')


def test_a_field_declared_only_in_the_declarations_reaches_the_table_package_corrections_and_report(tmp_path):
    """The best proof that the declarations are the one source: declare a field there alone (in a
    fresh interpreter, before the stages are imported) and see its finder's value in the trials
    table, its column in the data package, its codes checked in corrections and its label in the report."""
    script = tmp_path / "extra_field.py"
    script.write_text(_EXTRA_FIELD_RUN, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), str(tmp_path / "out")], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["row"] == "double_blind"
    assert found["header"].endswith(",reviewed,masking")
    assert found["csv_row"].endswith(",double_blind")
    assert found["schema"] == {"name": "masking", "type": "string", "description": "Who is blinded",
                               "constraints": {"enum": ["open_label", "single_blind", "double_blind"]}}
    assert found["reviewer"] == [["masking", "single_blind"]]
    assert any("[C312]" in p and "'triple' is not a valid masking value" in p for p in found["problems"])
    assert found["coverage"]


def test_labels_no_vocabulary_holds_are_declared_with_their_columns():
    assert codes.labels("dose_unit") == dict(fields.column("dose_unit").code_labels)
    assert codes.labels("registry_status") == dict(fields.field("registry_status").code_labels)
    assert codes.labels("registry")["publication"] == "Publication only (no registry id)"
    assert codes.labels("phase")["PHASE1"] == "Phase 1"  # labelled by the vocabulary the field names


def test_a_field_declared_after_a_column_stands_right_after_it(monkeypatch):
    extra = fields.Field("dose_route", "Route of the dose", after="dose_high")
    monkeypatch.setattr(fields, "FIELDS", fields.FIELDS + (extra,))
    names = [c.name for c in fields.trial_columns()]
    assert names[names.index("dose_high") + 1] == "dose_route"
    assert names[-1] == "reviewed"


@pytest.mark.parametrize("field, value, parsed", [
    ("enrollment", "40", 40),
    ("dose_count", "3", 3),
    ("status", "COMPLETED", "COMPLETED"),
    ("enrollment", None, None),
])
def test_an_evidence_value_is_parsed_as_its_column_holds_it(field, value, parsed):
    assert fields.field(field).parse(value) == parsed
