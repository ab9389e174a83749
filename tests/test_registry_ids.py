"""Tests for pipeline.extract.registry_ids: one line per printed form, peer cases, offsets, real files.

All example strings are written for these tests; the real papers are only read from ../shared.
"""
from __future__ import annotations

import csv
import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.extract import registry_ids as _rid
from pipeline.extract.registry_ids import (
    FORMATS,
    REGISTRY_CODES,
    canonical_id,
    find_registry_ids,
    registry_of,
)

# The folder `shared` beside the repository root (real inputs, gold, peer tests).
SHARED = Path(__file__).resolve().parents[2] / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared; skip the test if missing (fail under CI=true)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"{path} not found (expected the shared folder beside the repository)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def _registry(mention) -> str:
    return mention.get("registry")


def _check_invariants(text: str, mentions) -> None:
    """What must hold for any output: exact offsets, sorted, no overlaps, valid codes and values."""
    last_end = -1
    for m in mentions:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.raw
        assert m.start >= last_end, "mentions overlap or are not sorted"
        last_end = m.end
        assert m.field == "trial_id"
        assert m.extractor == "registry_ids"
        assert m.data == (("registry", _registry(m)),)
        assert _registry(m) in REGISTRY_CODES
        assert registry_of(m.value) == _registry(m)
        assert 0.0 < m.confidence <= 1.0


# --------------------------------------------------------------------------------------------------
# 1. One line per printed form: (text, the id as printed in it, canonical value, registry)
# --------------------------------------------------------------------------------------------------
VARIANTS = [
    # ClinicalTrials.gov
    ("Registered as NCT04288102.", "NCT04288102", "NCT04288102", "ctgov"),
    ("trial NCT 0428 8102 enrolled", "NCT 0428 8102", "NCT04288102", "ctgov"),
    ("(NCT-04288102)", "NCT-04288102", "NCT04288102", "ctgov"),
    ("id nct04288102 here", "nct04288102", "NCT04288102", "ctgov"),
    ("see NCT#00379470;", "NCT#00379470", "NCT00379470", "ctgov"),
    ("NCT: 04288102 was", "NCT: 04288102", "NCT04288102", "ctgov"),
    ("registry NCT0428-\n8102 phase", "NCT0428-\n8102", "NCT04288102", "ctgov"),
    ("registry NCT04\n288102 phase", "NCT04\n288102", "NCT04288102", "ctgov"),
    ("number NCT 042 881 02 reported", "NCT 042 881 02", "NCT04288102", "ctgov"),
    ("the NCT\u201304288102 study", "NCT\u201304288102", "NCT04288102", "ctgov"),
    ("ClinicalTrials.gov NCT\n04288102", "NCT\n04288102", "NCT04288102", "ctgov"),
    ("12 wkNCT04288102Completed", "NCT04288102", "NCT04288102", "ctgov"),  # cells run together
    ("see NCT04288102[7] and", "NCT04288102", "NCT04288102", "ctgov"),  # a bracketed reference
    ("see NCT04288102^7 and", "NCT04288102", "NCT04288102", "ctgov"),  # a superscript, as the PDF reader writes it
    # EU Clinical Trials Register (EudraCT)
    ("A trial 2012-003741-15 of cells", "2012-003741-15", "2012-003741-15", "euctr"),
    ("EudraCT number 2012-003741-15.", "2012-003741-15", "2012-003741-15", "euctr"),
    ("EU Clinical Trials Register, 2012\u2013003,741-15", "2012\u2013003,741-15", "2012-003741-15", "euctr"),
    ("EudraCT 2012\u2013003,741-\n15 ongoing", "2012\u2013003,741-\n15", "2012-003741-15", "euctr"),
    ("Completed 2012\u2013003,741-\n15 (EudraCT \nnumber)", "2012\u2013003,741-\n15", "2012-003741-15", "euctr"),
    ("EudraCT 2004-002714-11", "2004-002714-11", "2004-002714-11", "euctr"),
    ("site 2020-001934-37-ES opened", "2020-001934-37", "2020-001934-37", "euctr"),
    ("EudraCT: 2016 \u2212 004117 \u2212 22", "2016 \u2212 004117 \u2212 22", "2016-004117-22", "euctr"),
    # CTIS (EU CT number)
    ("EU CT number 2023-503456-21-00", "2023-503456-21-00", "2023-503456-21-00", "ctis"),
    # ISRCTN
    ("ISRCTN13837944", "ISRCTN13837944", "ISRCTN13837944", "isrctn"),
    ("ISRCTN 13837944", "ISRCTN 13837944", "ISRCTN13837944", "isrctn"),
    ("(ISRCTN identifier: 13837944)", "ISRCTN identifier: 13837944", "ISRCTN13837944", "isrctn"),
    ("ISRCTN: 13837944.", "ISRCTN: 13837944", "ISRCTN13837944", "isrctn"),
    # ChiCTR
    ("ChiCTR2000029990", "ChiCTR2000029990", "ChiCTR2000029990", "chictr"),
    ("(ChiCTR-2000029990)", "ChiCTR-2000029990", "ChiCTR2000029990", "chictr"),
    ("ChiCTR-TRC-12001234", "ChiCTR-TRC-12001234", "ChiCTR-TRC-12001234", "chictr"),
    ("6 moChiCTR2000029990", "ChiCTR2000029990", "ChiCTR2000029990", "chictr"),
    ("no. ChiCTR-ior-15005943,", "ChiCTR-ior-15005943", "ChiCTR-IOR-15005943", "chictr"),
    # ANZCTR
    ("ACTRN12607000161426", "ACTRN12607000161426", "ACTRN12607000161426", "anzctr"),
    ("ACTRN 12607000161426", "ACTRN 12607000161426", "ACTRN12607000161426", "anzctr"),
    ("ANZCTR ACTRN12607000161426", "ACTRN12607000161426", "ACTRN12607000161426", "anzctr"),
    (
        "Australian New Zealand Clinical Trials Registry (ACTRN12607000161426)",
        "ACTRN12607000161426",
        "ACTRN12607000161426",
        "anzctr",
    ),
    ("ANZCTR 12607000161426", "ANZCTR 12607000161426", "ACTRN12607000161426", "anzctr"),
    # CTRI
    ("CTRI/2017/05/008553", "CTRI/2017/05/008553", "CTRI/2017/05/008553", "ctri"),
    ("CTRI/2009/091/000123", "CTRI/2009/091/000123", "CTRI/2009/091/000123", "ctri"),
    ("(CTRI/2020/ 06/\n025557)", "CTRI/2020/ 06/\n025557", "CTRI/2020/06/025557", "ctri"),
    # DRKS
    ("DRKS00005115", "DRKS00005115", "DRKS00005115", "drks"),
    ("DRKS 00003170", "DRKS 00003170", "DRKS00003170", "drks"),
    # IRCT
    ("IRCT201101185620N1", "IRCT201101185620N1", "IRCT201101185620N1", "irct"),
    ("IRCT2015052322416N1", "IRCT2015052322416N1", "IRCT2015052322416N1", "irct"),
    ("IRCT20181201041815N3.", "IRCT20181201041815N3", "IRCT20181201041815N3", "irct"),
    # jRCT
    ("jRCTs031180164", "jRCTs031180164", "jRCTs031180164", "jrct"),
    ("JRCTB031190000", "JRCTB031190000", "jRCTb031190000", "jrct"),
    ("jRCT2031210083", "jRCT2031210083", "jRCT2031210083", "jrct"),
    # UMIN-CTR
    ("UMIN000012345", "UMIN000012345", "UMIN000012345", "umin"),
    ("(UMIN:000000562,", "UMIN:000000562", "UMIN000000562", "umin"),
    ("UMIN-CTR: UMIN000012045", "UMIN000012045", "UMIN000012045", "umin"),
    ("UMIN-CTR 000012045", "UMIN-CTR 000012045", "UMIN000012045", "umin"),
    # CRiS
    ("KCT0001234", "KCT0001234", "KCT0001234", "kct"),
    # Netherlands Trial Register
    ("NTR1234", "NTR1234", "NTR1234", "ntr"),
    ("NTR 2789)", "NTR 2789", "NTR2789", "ntr"),
    ("NL9229", "NL9229", "NL9229", "ntr"),
    ("Netherlands Trial Register NL 7853", "NL 7853", "NL7853", "ntr"),
    ("registered (NL-OMON54321)", "NL-OMON54321", "NL-OMON54321", "ntr"),
    # PACTR
    ("PACTR201509001193106", "PACTR201509001193106", "PACTR201509001193106", "pactr"),
    ("PACTR 2010020001429343", "PACTR 2010020001429343", "PACTR2010020001429343", "pactr"),
    # SLCTR
    ("SLCTR/2010/005", "SLCTR/2010/005", "SLCTR/2010/005", "slctr"),
    # TCTR
    ("TCTR20170313001", "TCTR20170313001", "TCTR20170313001", "tctr"),
    # ReBEC
    ("RBR-6s9t4q", "RBR-6s9t4q", "RBR-6s9t4q", "rebec"),
    ("(RBR-2bc3xz).", "RBR-2bc3xz", "RBR-2bc3xz", "rebec"),
    # RPCEC
    ("RPCEC00000123", "RPCEC00000123", "RPCEC00000123", "rpcec"),
    # REPEC
    ("PER-012-19", "PER-012-19", "PER-012-19", "repec"),
    # LBCTR
    ("LBCTR2019020190", "LBCTR2019020190", "LBCTR2019020190", "lbctr"),
    # ITMCTR
    ("ITMCTR2023000012", "ITMCTR2023000012", "ITMCTR2023000012", "itmctr"),
]


@pytest.mark.parametrize("text,printed,value,registry", VARIANTS, ids=[v[0] for v in VARIANTS])
def test_printed_variant(text, printed, value, registry):
    mentions = find_registry_ids(text)
    _check_invariants(text, mentions)
    assert [(m.value, _registry(m)) for m in mentions] == [(value, registry)]
    m = mentions[0]
    assert text[m.start:m.end] == printed == m.raw
    assert canonical_id(printed) == value
    assert registry_of(value) == registry


def test_every_registry_has_an_example():
    assert {v[3] for v in VARIANTS} == set(REGISTRY_CODES)
    assert {f.code for f in FORMATS} == set(REGISTRY_CODES)


@pytest.mark.parametrize("value,registry", sorted({(v[2], v[3]) for v in VARIANTS}))
def test_canonical_ids_are_fixed_points(value, registry):
    assert canonical_id(value) == value
    assert registry_of(value) == registry
    assert [(m.value, m.raw) for m in find_registry_ids(value)] == [(value, value)]


# --------------------------------------------------------------------------------------------------
# 2. Strings that must yield nothing
# --------------------------------------------------------------------------------------------------
NEGATIVES = [
    "NCT123",
    "registered as NCT012345678 in 2015",  # 9 digits in running text (see GLUED_NEGATIVES)
    "NCT 0428810 (7 digits)",
    "NCT number Title Phase Sponsor/Collaborators",
    "doi: 10.1186/1745-6215-15-511",
    "Tel.: +1 301-594-5983, fax 2012-3456",
    "visits on 2012-03-15 and 2013-01-02",
    "pp. 2012-2019; vol. 2015(3):101-112",
    "funded by grant 2018YFA0108700 and R01-HL134567",
    "ISBN 978-3-16-148410-0",
    "see Figure 2012-3 and Table 10",
    "PMID: 32145678; PMCID: PMC7145678",
    "2012\u2013003,741-15",  # odd separators and no registry word nearby
    "200400600800 and 201201801201",
    "about 3 per 100 000 and per 100 00 or per 100,00",
    "per41515 and per842 (82",
    "nl-2012-302759; NL26560.042.09; nL6118; nl11",
    "NL 9229",  # spaced NL needs a registry word nearby
    "ISCRTN06180958",
    "IRCT20181201041815N",
    "ZINC000052955",
    "p75NTR and NTR1 receptors",
    "ChiCTR12345 and DRKS0000511",
    "the ISRCTN register, 1383794",
    "EudraCT 1985-003741-15",  # year outside 1990..2039
    "EudraCT: 2016 004117 22",  # spaces alone do not separate an EudraCT number
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_no_false_positive(text):
    assert find_registry_ids(text) == []


@pytest.mark.parametrize(
    "text", ["", "NCT", "NCT number", "12345678", "not an id", "NCT04288102 and more", "NCT0123456712"]
)
def test_canonical_id_rejects_non_ids(text):
    assert canonical_id(text) is None


@pytest.mark.parametrize("text", ["", "NCT0428810", "nct04288102", "2012-003741", "hello", None, 42])
def test_registry_of_rejects_non_canonical(text):
    assert registry_of(text) is None


# --------------------------------------------------------------------------------------------------
# 2b. Digits glued after an id's fixed-length number: a reference number (a superscript lost in
#     extraction) or the next cell. Read as the id's own digits where the text is a table's: the id is
#     glued to the cell before it, two letters follow the digits, or the id fills its cell.
#     (text, the id as printed, canonical value, registry)
# --------------------------------------------------------------------------------------------------
GLUED = [
    # ClinicalTrials.gov
    ("| 3 | NCT0123456712 | Phase I |", "NCT01234567", "NCT01234567", "ctgov"),  # reference 12 in a cell
    ("| 3 | NCT01234567123 | Phase I |", "NCT01234567", "NCT01234567", "ctgov"),  # reference 123
    ("| NCT0123456712   |", "NCT01234567", "NCT01234567", "ctgov"),  # spaces before the bar
    ("| NCT: 0123456712 |", "NCT: 01234567", "NCT01234567", "ctgov"),  # a separator after the prefix
    ("Phase I\tNCT0123456712\tRecruiting", "NCT01234567", "NCT01234567", "ctgov"),  # tab-separated cells
    ("Trial ID\nNCT012345672\nPhase II", "NCT01234567", "NCT01234567", "ctgov"),  # "NCT01234567²", one cell a line
    # A text holding only the id is a cell too (tables are read line by line, so a line's edges count
    # as a cell's): an NCT id never has 9 digits, and with no prose around it the ninth is a reference.
    ("NCT012345678", "NCT01234567", "NCT01234567", "ctgov"),
    ("NCT0123456712Improved walking", "NCT01234567", "NCT01234567", "ctgov"),  # the next cell glued on
    ("3NCT031234561Dose B: 2.0 × 107", "NCT03123456", "NCT03123456", "ctgov"),  # row number, frequency, dose
    ("4NCT0345678921 × 107 cells", "NCT03456789", "NCT03456789", "ctgov"),  # row number before the id
    ("12 wkNCT0123456712Improved", "NCT01234567", "NCT01234567", "ctgov"),  # glued on both sides
    # the other registries whose ids end in a fixed count of digits
    ("| ISRCTN1383794412 |", "ISRCTN13837944", "ISRCTN13837944", "isrctn"),
    ("| ChiCTR200002999014 |", "ChiCTR2000029990", "ChiCTR2000029990", "chictr"),
    ("ChiCTR-TRC-120012347\nPhase I", "ChiCTR-TRC-12001234", "ChiCTR-TRC-12001234", "chictr"),
    ("ACTRN126070001614263Completed", "ACTRN12607000161426", "ACTRN12607000161426", "anzctr"),
    ("| ANZCTR 1260700016142631 |", "ANZCTR 12607000161426", "ACTRN12607000161426", "anzctr"),
    ("| CTRI/2017/05/00855319 |", "CTRI/2017/05/008553", "CTRI/2017/05/008553", "ctri"),
    ("DRKS0000511522\nRecruiting", "DRKS00005115", "DRKS00005115", "drks"),
    ("| jRCTs03118016421 |", "jRCTs031180164", "jRCTs031180164", "jrct"),
    ("| UMIN00001234516 |", "UMIN000012345", "UMIN000012345", "umin"),
    ("| KCT00012347 |", "KCT0001234", "KCT0001234", "kct"),
    ("| SLCTR/2010/00511 |", "SLCTR/2010/005", "SLCTR/2010/005", "slctr"),
    ("| TCTR2017031300125 |", "TCTR20170313001", "TCTR20170313001", "tctr"),
    ("2RPCEC0000012318Phase II", "RPCEC00000123", "RPCEC00000123", "rpcec"),
]


@pytest.mark.parametrize("text,printed,value,registry", GLUED, ids=[v[0] for v in GLUED])
def test_glued_digits_after_an_id(text, printed, value, registry):
    mentions = find_registry_ids(text)
    _check_invariants(text, mentions)
    assert [(m.value, _registry(m), m.raw) for m in mentions] == [(value, registry, printed)]
    assert mentions[0].confidence == _rid.GLUED_CONFIDENCE < 1.0
    assert canonical_id(printed) == value
    assert canonical_id(text.strip("| ")) is None  # the id with its digits is not one id


GLUED_NEGATIVES = [
    "registered as NCT012345672 in 2015",  # running text: a typo as likely as a reference
    "Registered: NCT012345672.",
    "(NCT012345678)",
    "trials NCT0123456712, NCT0234567813 and others",
    "| NCT0123456789012 |",  # 4 more digits: no reference number
    "NCT01234567890123Improved",
    "| NCT 0123 456712 |",  # an id with breaks inside it
    "| NCT0123-456712 |",
    "wknct0123456712",  # a lower-case prefix after a word
    "ANCT0123456712Improved",  # a capital before the prefix
    "| PACTR20150900119310612 |",  # PACTR ids have no fixed length
    "| LBCTR201902019012345 |",
    "| EudraCT 2012-003741-1512 |",  # no prefix of its own: the digits may be a longer number
    "| 2012-003741-1512 |",
]


@pytest.mark.parametrize("text", GLUED_NEGATIVES)
def test_glued_digits_in_running_text_are_no_id(text):
    assert find_registry_ids(text) == []


# --------------------------------------------------------------------------------------------------
# 3. Behaviour in context
# --------------------------------------------------------------------------------------------------
def test_many_ids_in_one_text_are_sorted_with_exact_offsets():
    text = (
        "Trials: NCT04288102, ISRCTN 13837944; EudraCT 2012-003741-15 and\n"
        "ChiCTR2000029990 (phase 2), then NCT0428-\n8103."
    )
    mentions = find_registry_ids(text)
    _check_invariants(text, mentions)
    assert [m.value for m in mentions] == [
        "NCT04288102", "ISRCTN13837944", "2012-003741-15", "ChiCTR2000029990", "NCT04288103",
    ]


def test_same_id_twice_gives_two_mentions():
    text = "NCT04288102 ... NCT04288102"
    assert [(m.start, m.end) for m in find_registry_ids(text)] == [(0, 11), (16, 27)]


def test_ctis_number_is_not_also_a_eudract_number():
    assert [(m.value, _registry(m)) for m in find_registry_ids("CTIS 2023-503456-21-00")] == [
        ("2023-503456-21-00", "ctis")
    ]


def test_bare_forms_get_lower_confidence():
    (bare,) = find_registry_ids("code 2012-003741-15")
    (named,) = find_registry_ids("EudraCT 2012-003741-15")
    assert bare.confidence < named.confidence == 1.0
    (nl,) = find_registry_ids("NL9229")
    assert nl.confidence < 1.0


def test_eudract_context_may_follow_within_window():
    assert find_registry_ids("2012\u2013003,741-15 " + "x" * 30 + " EudraCT")
    assert not find_registry_ids("2012\u2013003,741-15 " + "x" * 80 + " EudraCT")


def test_one_megabyte_of_text():
    """A megabyte of repeated text: every id in every repeat (speed is measured by the benchmark)."""
    block = (
        "Mesenchymal stromal cells were given intravenously in a phase 2 trial (NCT04288102) "
        "between 2019-2020; 1,234 patients per 100 000 received 2 x 10^6 cells/kg. "
        "See doi 10.1186/1745-6215-15-511 and EudraCT 2012-003741-15, controls were analysed.\n"
    )
    text = block * (1_000_000 // len(block) + 1)
    mentions = find_registry_ids(text)
    assert len(mentions) == 2 * (1_000_000 // len(block) + 1)
    assert {m.value for m in mentions} == {"NCT04288102", "2012-003741-15"}


# --------------------------------------------------------------------------------------------------
# 4. Properties (hypothesis)
# --------------------------------------------------------------------------------------------------
@settings(max_examples=1000, deadline=None)
@given(st.text())
def test_never_raises_and_offsets_inside(text):
    _check_invariants(text, find_registry_ids(text))
    canonical_id(text)
    registry_of(text)


# Id-like fragments glued with separators: exercises the patterns far more than random text does.
_FRAGMENTS = [
    "NCT", "nct", "ISRCTN", "EudraCT", "ACTRN", "ANZCTR", "ChiCTR", "-TRC-", "CTRI/", "DRKS", "IRCT",
    "N1", "jRCTs", "UMIN", "KCT", "NTR", "NL", "NL-OMON", "PACTR", "SLCTR/", "TCTR", "RBR-", "RPCEC",
    "PER-", "LBCTR", "ITMCTR", "2012", "003741", "003,741", "15", "0428", "8102", "04288102",
    "12607000161426", "000012345", "/", "-", "\u2013", ",", " ", "\n", ":", "#", "(", ")", "0", "9",
    "registered", "trial", "12", "|", "\t", "wk", "Improved",
]


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=25).map("".join))
def test_id_like_strings_keep_invariants(text):
    mentions = find_registry_ids(text)
    _check_invariants(text, mentions)
    for m in mentions:
        # Reading the printed id again gives the same canonical id.
        assert canonical_id(m.raw) == m.value


# --------------------------------------------------------------------------------------------------
# 5. The peer project's cases (ctregistries), read as data
# --------------------------------------------------------------------------------------------------
# Their registry names -> our codes. JapicCTI / JMACCT are not registries this project emits.
PEER_REGISTRY = {
    "ClinicalTrials.gov": "ctgov", "EudraCT": "euctr", "ISRCTN": "isrctn", "ChiCTR": "chictr",
    "ANZCTR": "anzctr", "CTRI": "ctri", "DRKS": "drks", "IRCT": "irct", "jRCT": "jrct",
    "UMIN-CTR": "umin", "CRiS": "kct", "NTR": "ntr", "PACTR": "pactr", "SLCTR": "slctr",
    "TCTR": "tctr", "ReBec": "rebec", "RPCEC": "rpcec", "REPEC": "repec", "LBCTR": "lbctr",
}
PEER_CASES = SHARED / "peer-tests" / "ctregistries-trn-cases.csv"


def _peer_params():
    if not PEER_CASES.exists():
        return [pytest.param(None, id="peer-cases-missing")]
    with PEER_CASES.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [
        pytest.param(row, id=f"{i:02d}-{row['registry']}-{row['expected_match']}-{row['text']!r}")
        for i, row in enumerate(rows)
    ]


@pytest.mark.shared
@pytest.mark.parametrize("row", _peer_params())
def test_peer_case(row):
    if row is None:
        shared_path("peer-tests", "ctregistries-trn-cases.csv")  # skips, or fails under CI
    registry = PEER_REGISTRY[row["registry"]]
    text = row["text"]
    mentions = find_registry_ids(text)
    _check_invariants(text, mentions)
    hits = [m for m in mentions if _registry(m) == registry]
    if row["expected_match"].upper() == "TRUE":
        assert hits, f"expected a {registry} id in {text!r}"
        expect = re.match(r"exact extraction: expect (.+)", row["case_type"])
        if expect:
            assert expect.group(1) in [m.raw for m in hits]
    else:
        assert not hits, f"expected no {registry} id in {text!r}, got {hits}"


# --------------------------------------------------------------------------------------------------
# 6. Real papers
# --------------------------------------------------------------------------------------------------
def _corpus_ids(name: str) -> set[str]:
    text = shared_path("corpus", name).read_text(encoding="utf-8")
    mentions = find_registry_ids(text)
    _check_invariants(text, mentions)
    return {m.value for m in mentions}


@pytest.mark.shared
def test_paper_002_ids_equal_gold():
    gold_file = shared_path("gold", "trials.jsonl")
    gold = set()
    with gold_file.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                obj = json.loads(line)
                if obj["paper_id"].startswith("002_"):
                    gold.add(obj["trial_id"])
    found = _corpus_ids("002_a2338971ffe56640.txt")
    assert found == gold
    assert len(found) == 73
    assert sum(v.startswith("NCT") for v in found) == 72
    assert "2012-003741-15" in found


@pytest.mark.shared
@pytest.mark.parametrize("name", ["000_54979e0e75967278.txt", "004_2e4cac8720eda1b3.txt"])
def test_papers_without_registry_ids(name):
    assert _corpus_ids(name) == set()


@pytest.mark.shared
def test_paper_003_every_printed_nct_is_found():
    text = shared_path("corpus", "003_b7d85293f6f733d7.txt").read_text(encoding="utf-8")
    printed = set(re.findall(r"NCT\d{8}", text))
    assert printed
    assert printed <= _corpus_ids("003_b7d85293f6f733d7.txt")


# --------------------------------------------------------------------------------------------------
# 6. Prechecks: `_scan` skips a text (or a format) whose precheck fails; the plain path runs every
#    format whose trigger is in the text (every untriggered format always), as before the prechecks.
# --------------------------------------------------------------------------------------------------


def _plain_scan(text, use_context=True):
    lower = text.lower()
    run = tuple(not f.triggers or any(t in lower for t in f.triggers) for f in FORMATS)
    return _rid._apply_formats(text, lower, use_context, run)


PRECHECK_CASES = [
    # one case per precheck: an untriggered format with its prefix, the EU year, each trigger part
    ("NTR1234", True), ("NL9229", True), ("Dutch trial register NL 9229", True), ("NL-OMON12345", True),
    ("RBR-6s9t4q", True), ("PER-123-45", True), ("code 2012-003741-15", True), ("2023-503456-21-00", True),
    ("EudraCT 2012\u2013003,741-\n15", True), ("EudraCT 2012 \n003741-15", True), ("nct04288102", True),
    ("IRCT201101185620N1", True), ("CTRI/2019/03/017987", True), ("KCT0001234", True), ("DRKS00012345", True),
    ("UMIN000012345", True), ("RPCEC00000123", True), ("jRCTs031180164", True), ("ISRCTN13837944", True),
    # near misses
    ("ntr1234 and nl9229 and rbr-6s9t4q and per-123-45", False),  # those prefixes are case-sensitive
    ("NCT0428810", False), ("in 2012-03 and 2013-0037", False), ("EudraCT 2012 003741 15", False),
    ("NCT\uff10\uff14\uff12\uff18\uff18\uff11\uff10\uff12", False),  # full-width digits are not [0-9]
    ("CTR\u0130/2019/03/017987", False),  # "ctri" is in its lower(), but CTRI is ASCII-only
    ("\u212aCT0001234", False), ("", False), ("no digits, NCT, RBR, NL, PER", False),
]


@pytest.mark.parametrize("text, found", PRECHECK_CASES)
def test_prechecks(text, found):
    for use_context in (True, False):
        plain = _plain_scan(text, use_context)
        assert _rid._scan(text, use_context) == plain
    assert bool(_plain_scan(text)) == found


@pytest.mark.parametrize("text", [v[0] for v in VARIANTS + GLUED] + NEGATIVES + GLUED_NEGATIVES)
def test_prechecks_on_the_examples(text):
    assert _rid._scan(text) == _plain_scan(text)


def test_a_format_without_a_precheck_is_refused():
    IdFormat = _rid.IdFormat
    untriggered = IdFormat("x", re.compile(r"XY(?<!\wXY)\d+", re.ASCII), "XY{0}", re.compile(r"XY\d+"))
    with pytest.raises(ValueError):
        _rid._prechecks((untriggered,))
    case_insensitive = IdFormat("x", re.compile(r"NTR(?<!\wNTR)\d+", re.ASCII | re.I), "NTR{0}", re.compile(r"NTR\d+"))
    with pytest.raises(ValueError):
        _rid._prechecks((case_insensitive,))
    odd_trigger = IdFormat("x", re.compile(r"ABC\d+", re.ASCII | re.I), "ABC{0}", re.compile(r"ABC\d+"), triggers=("abc",))
    with pytest.raises(ValueError):
        _rid._prechecks((odd_trigger,))
    assert _rid._prechecks(FORMATS) == _rid._PREFIX_OF


def _with_dotted_i(parts, k):
    """The fragments glued, every third example with one character made "İ" (its lower() is "i̇")."""
    text = "".join(parts)
    if text and k % 3 == 0:
        i = k % len(text)
        text = text[:i] + "\u0130" + text[i + 1:]
    return text


_MORE = ["ntr", "nl", "rbr-", "per-", "2023", "503456", "\uff10", "\u212a"]
_SWAPPED = st.builds(_with_dotted_i, st.lists(st.sampled_from(_FRAGMENTS + _MORE), max_size=25), st.integers(0, 99))


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_SWAPPED)
def test_scan_equals_its_plain_path(text):
    assert _rid._scan(text) == _plain_scan(text)
    assert _rid._scan(text, use_context=False) == _plain_scan(text, use_context=False)
