"""Property tests: the normalizer and every extractor take any string without raising, and every
offset they give points into the string they were given.

Strings mix random text (a broad alphabet with the characters papers are made of: LaTeX, `$`,
`^`, `×`, Roman numerals Ⅰ-Ⅻ, hyphen + newline, ligatures, odd spaces, zero-width characters,
`<sup>`) with realistic fragments (registry ids, doses, phases, statuses, dates, enrollments,
acronyms, citations and references inside sentences and table rows), so the examples reach the
extractors' code paths and not only their "nothing here" exits.

Each test runs 1000 examples (`SETTINGS`); the file runs in about a minute on one core.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline.api import extract_document, extract_text
from pipeline.errors import InputError
from pipeline.extract import citations, doses, fields, phases, registry_ids
from pipeline.extract.vocab_match import matcher
from pipeline.ingest.text import decode, paper_ids
from pipeline.models import Document, Page
from pipeline.normalize import normalize_document, normalize_string
from pipeline.write.tables import text_file_name

SETTINGS = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ------------------------------------------------------------------------------ strategies ----
ROMAN = "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫⅰⅱⅲⅳ"
ODD = (
    "$^_{}\\×xX·⋅∙*–—−‐‑-/|()[]<>&;:,.%≥≤±~#\n\n\r\t "
    "\u00a0\u2002\u2009\u202f\u200b\u200c\u200d\u2060\ufeff\u00ad"  # odd spaces, zero-width, soft hyphen
    "ﬁﬂﬀﬃﬄ"  # ligatures
    "⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂µμé​ü"
) + ROMAN
ALPHABET = st.one_of(
    st.sampled_from(ODD),
    st.characters(min_codepoint=32, max_codepoint=126),
    st.characters(blacklist_categories=("Cs",)),  # anything else (no lone surrogates: ingest never makes them)
)
FRAGMENTS = (
    # registry ids, well and badly printed
    "NCT09000011", "NCT0900001", "(NCT09000012)", "NCT 0900 0013", "NCT-09000014", "NCT0900-\n0015", "nct09000016",
    "ISRCTN12345678", "ISRCTN 12345678", "EudraCT 2012-003741-15", "2012-003741-15", "ChiCTR2000029990",
    "ChiCTR-IPR-15006311", "ACTRN12615000123456", "JPRN-UMIN000012345", "UMIN000012345", "KCT0001234",
    "IRCT20120215009014N1", "CTRI/2019/03/017987", "DRKS00012345", "NTR1234", "EUCTR2012-003741-15-GB",
    "jRCT2033200001", "PACTR201905716511911",
    # doses
    "2 × 10^6 cells/kg", "1×10^8 MSCs", "$2 \\times 10^6$ cells/kg", "10^{7} cells", "1-2 × 10^6/kg", "10⁶",
    "10<sup>6</sup>", "between 1 and 5 million cells", "500,000 cells/kg", "2.5 x 10(6) cells per kg",
    "1 × 10 6 cells/kg", "10 × 10^9/L", "100 µg/kg", "5 mg", "in 3 mL", "2e6 cells/kg", "$20 million",
    "1,2 × 10^6 MSC/kg", "four infusions", "two doses one week apart", "weekly for 4 weeks", "twice",
    "at a density of 5 × 10^5 cells", "low dose (1 × 10^6)", "1.5 × 10^{8} UC-MSCs", "2 billion cells",
    "3 thousand cells", "2 mio. cells", "twice a week for 4 weeks", "three times weekly for 2 months",
    "every other day for 10 days", "once daily for seven days", "biweekly for 3 months", "for 3 doses",
    "every second week for 1 year", "2 infusions", "a single dose",
    # phases
    "phase I", "phase ii", "phase i/ii", "Phase II/III", "phase 1/2a", "Phase Ⅱ", "phase Ⅰ/Ⅱ", "Phase III", "phase IV", "Phase 0",
    "Phase 1-2", "phase I and II", "N/A", "not applicable", "early phase 1", "acute phase", "Phase 2b",
    # statuses, dates, enrollment, acronyms
    "Recruiting", "is currently recruiting", "has been completed", "Completed", "Active, not recruiting",
    "Terminated", "Withdrawn", "started in March 2019", "began in 2018", "Jan 2020", "2019-05", "Sept. 2017", "started in sep 2019", "initiated in September 2016",
    "started in December, 2015", "commenced in Aug 2021",
    "enrolled 24 patients", "120 participants were randomized", "n = 40", "twenty patients", "in 12 subjects",
    "the CORDIAL-HF trial", "(STROMA-HF)", "named MESEMS", "TRIAL:", "known as REMEDY",
    # vocabulary terms
    "bone marrow", "umbilical cord", "adipose-derived", "Wharton's jelly", "autologous", "allogeneic",
    "intravenous", "intravenously", "intrathecal", "IV", "exosomes", "MSC-EVs", "GVHD", "Crohn's disease",
    "knee osteoarthritis", "ARDS", "COVID-19", "spinal cord injury",
    # citations, references, layout
    "Smith et al. [12]", "van der Berg et al.\n[3]", "[3-5]", "[87,88]", "[1]", "[\U00011f51]", "\u0661\u0662",
    "\U00011f53 patients",
    "\nReferences\n", "\n1. Smith AB, Jones CD. A title. J Med 2020;1:1-5.\n",
    "\n[2] Le Blanc, K. (2008). A title. Lancet.\n", "\nTable 1 Registered trials\n", " | ", "\n\n", "-\n",
    "Mesen-\nchymal", "Marrow-\nDerived", "$\\leq 30\\%$", "\\textbf{x}", "**bold**", "# Heading\n",
)
# letters that match ASCII letters under a case-insensitive regex but do not lower() to them
# (long s, dotless i, dotted capital I, Kelvin sign): a fragment with one of them swapped in
CONFUSABLES = (("s", "ſ"), ("i", "ı"), ("I", "İ"), ("k", "\u212a"), ("K", "\u212a"), ("ss", "ß"))


def _swap(fragment: str, pair, index: int) -> str:
    old, new = pair
    spots = [i for i in range(len(fragment)) if fragment.startswith(old, i)]
    if not spots:
        return fragment
    i = spots[index % len(spots)]
    return fragment[:i] + new + fragment[i + len(old):]


CONFUSED = st.builds(_swap, st.sampled_from(FRAGMENTS), st.sampled_from(CONFUSABLES), st.integers(0, 20))
CHUNK = st.one_of(st.sampled_from(FRAGMENTS), CONFUSED, st.text(ALPHABET, max_size=12))
TEXT = st.one_of(
    st.text(ALPHABET, max_size=80),
    st.lists(CHUNK, max_size=24).map("".join),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), CONFUSED, st.sampled_from((" ", " ", ", ", ". ", "\n", " the trial "))),
             max_size=30).map("".join),
)


def _sentence(parts) -> str:
    return "In a " + " ".join(parts) + "."


# sentences built like a review's, to reach the linker
SENTENCE = st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=8).map(_sentence)
PAPER = st.lists(st.one_of(SENTENCE, CHUNK), max_size=14).map(" ".join)


# ------------------------------------------------------------------------------ assertions ----
def assert_mentions_point_into(text: str, mentions) -> None:
    for m in mentions:
        assert 0 <= m.start <= m.end <= len(text), (m, len(text))
        assert text[m.start:m.end] == m.raw, m
        assert isinstance(m.value, str) and m.value, m


def assert_offset_map(raw: str, text: str, to_raw) -> None:
    to_raw = np.asarray(to_raw)
    assert to_raw.shape == (len(text) + 1,)
    assert to_raw[-1] == len(raw)
    assert (to_raw >= 0).all() and (to_raw <= len(raw)).all()
    assert (np.diff(to_raw) >= 0).all(), "the offset map goes backwards"


# ------------------------------------------------------------------------------ normalize -----
@SETTINGS
@given(TEXT)
@example("Mesen-\nchymal $2 \\times 10^{6}$ Phase Ⅰ/Ⅱ ﬁbrosis\u00a0\u200b 10<sup>6</sup>")
def test_normalize_string_never_raises_and_maps_monotonically(raw):
    text, to_raw = normalize_string(raw)
    assert isinstance(text, str)
    assert_offset_map(raw, text, to_raw)


@SETTINGS
@given(st.lists(TEXT, min_size=1, max_size=4), st.booleans())
def test_normalize_document_pages(pages, numbered):
    doc = Document("p", "", "pdf" if numbered else "text",
                   tuple(Page(i + 1 if numbered else None, t) for i, t in enumerate(pages)))
    norm = normalize_document(doc)
    raw = "\n\n".join(pages)
    assert_offset_map(raw, norm.text, norm.to_raw)
    assert list(norm.page_starts) == sorted(norm.page_starts)
    assert all(0 <= s <= len(norm.text) for s in norm.page_starts)
    for offset in (0, len(norm.text) // 2, len(norm.text)):
        assert norm.page_at(offset) in {p.number for p in doc.pages}


# ------------------------------------------------------------------------------ extractors ----
EXTRACTORS = {
    "registry_ids": registry_ids.find_registry_ids,
    "doses": doses.find_doses,
    "dose_counts": doses.find_dose_counts,
    "phases": phases.find_phases,
    "phases_bare": lambda t: phases.find_phases(t, bare=True),
    "bare_phases": phases.find_bare_phases,
    "status": fields.find_status,
    "status_in_table": lambda t: fields.find_status(t, in_table=True),
    "start_dates": fields.find_start_dates,
    "start_dates_in_table": lambda t: fields.find_start_dates(t, in_table=True),
    "enrollment": fields.find_enrollment,
    "enrollment_in_table": lambda t: fields.find_enrollment(t, in_table=True),
    "bare_counts": fields.find_bare_counts,
    "acronyms": fields.find_acronyms,
    "acronyms_in_title": lambda t: fields.find_acronyms(t, in_title=True),
    "citation_anchors": citations.find_citation_anchors,
}


@pytest.mark.parametrize("name", sorted(EXTRACTORS))
@SETTINGS
@given(text=TEXT)
def test_extractor_offsets_point_into_the_text(name, text):
    assert_mentions_point_into(text, EXTRACTORS[name](text))


@pytest.mark.parametrize("field", ["cell_source", "conditions", "donor", "product", "route", "status", "table_columns"])
@SETTINGS
@given(text=TEXT)
def test_vocabulary_matcher_offsets_point_into_the_text(field, text):
    assert_mentions_point_into(text, matcher(field).find(text))


@SETTINGS
@given(TEXT)
def test_combine_doses(text):
    found = doses.find_doses(text)
    combined = doses.combine_doses(found, text)
    if combined is not None:
        assert 0 <= combined.start <= combined.end <= len(text)
        assert text[combined.start:combined.end] == combined.raw
        assert combined.get("low") <= combined.get("high")


@SETTINGS
@given(TEXT)
def test_citations(text):
    for start, end, numbers, single in citations.find_bracket_citations(text):
        assert 0 <= start < end <= len(text) and text[start] == "[" and text[end - 1] == "]"
        assert numbers and single == (len(numbers) == 1)
    section = citations.find_reference_section(text)
    assert section is None or 0 <= section <= len(text)
    for number, ref in citations.parse_references(text).items():
        assert ref.number == number and ref.surname and len(ref.year) == 4
        assert 0 <= ref.start < ref.end <= len(text)
        assert citations.publication_id(ref.surname, ref.year).startswith("ref:")


@SETTINGS
@given(TEXT)
def test_canonical_id_is_a_fixed_point(text):
    value = registry_ids.canonical_id(text)
    if value is not None:
        assert registry_ids.canonical_id(value) == value
        assert registry_ids.registry_of(value) is not None


# ------------------------------------------------------------------------------ end to end ---
@SETTINGS
@given(PAPER)
def test_extract_document_evidence_points_into_the_normalized_text(raw):
    doc = Document("p", "", "text", (Page(None, raw),))
    evidence, text = extract_document(doc)
    for ev in evidence:
        assert 0 <= ev.char_start <= ev.char_end <= len(text), ev
        assert " ".join(text[ev.char_start:ev.char_end].split()) == ev.raw, ev
        assert ev.paper_id == "p" and ev.page is None


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
# two id groups on one line of a table whose rows start before their ids (the second row's cells
# began after the last line)
@example("\nTable 1 Registered trials\nphase I\n1. Smith AB, Jones CD. A title. J Med 2020;1:1-5.\n"
         "NCT09000011NCT0900001NCT09000011")
def test_extract_text_never_raises(raw):
    for ev in extract_text(raw):
        assert ev.field and isinstance(ev.value, str)


# ------------------------------------------------------------------------------ ingest -------
@SETTINGS
@given(st.binary(max_size=400))
def test_decode_reads_text_or_says_binary(data):
    try:
        text, encoding, warnings = decode(data)
    except InputError as err:
        assert err.code == "E102"
        return
    assert "\r" not in text and isinstance(encoding, str)
    assert all(w.startswith("[W20") for w in warnings)


@SETTINGS
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\t"), max_size=200),
       st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_decode_round_trips_unicode_text(text, codec):
    data = text.encode(codec)
    if codec == "utf-8" and text.startswith("\ufeff"):
        text = text[1:]  # a leading BOM is a BOM
    assert decode(data)[0] == text


@SETTINGS
@given(st.text(max_size=300))
def test_text_file_name_is_safe_and_stable(paper_id):
    name = text_file_name(paper_id)
    assert name == text_file_name(paper_id) and name.endswith(".txt")
    assert not set(name) & set('/\\:*?"<>|') and not name.startswith((".", "-", " "))
    assert all(unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Zl", "Zp") for c in name)
    assert len(name.encode("utf-8")) <= 130


@SETTINGS
@given(st.lists(st.text(min_size=1, max_size=8), min_size=2, max_size=6, unique=True))
def test_text_file_names_of_distinct_ids_differ(ids):
    assert len({text_file_name(i) for i in ids}) == len(ids)


@SETTINGS
@given(st.lists(st.tuples(st.lists(st.sampled_from(["a", "b", "twin", "x.y"]), max_size=2),
                          st.sampled_from(["a", "b", "twin", "twin.pdf", "x.y", "a~2"]),
                          st.sampled_from([".txt", ".pdf", ".md", ".TXT"])), max_size=8))
def test_paper_ids_are_unique(entries):
    corpus = Path("corpus")
    paths = sorted({corpus.joinpath(*dirs, stem + suffix) for dirs, stem, suffix in entries})
    ids = paper_ids(paths, corpus)
    assert len(set(ids)) == len(ids) == len(paths)


# ------------------------------------------------------------------- regressions found here ---
# Each was a KeyError: a case-insensitive pattern matched a letter that `str.lower` does not turn
# into the ASCII letter the lookup table has (see `pipeline.extract.doses.word_key`).

@pytest.mark.parametrize("text, values", [
    ("0MİLLION", []),  # the example hypothesis found: a scale word with a dotted capital I
    ("2 mİllion cells were infused", ["2e+06..2e+06 cells"]),
    ("2 millionſ cells", ["2e+06..2e+06 cells"]),
    ("2 thouſand MSCs per kg", ["2000..2000 cells/kg"]),
])
def test_dose_scale_word_with_a_confusable_letter(text, values):
    assert [m.value for m in doses.find_doses(text)] == values


@pytest.mark.parametrize("text", ["given twice daıly for 7 days", "once a weeK for 4 weeks", "every ſecond day for 10 days",
                                  "three times weekly for 2 monthſ"])
def test_dose_count_period_with_a_confusable_letter(text):
    assert_mentions_point_into(text, doses.find_dose_counts(text))


def test_phase_with_dotless_i():
    assert [m.value for m in phases.find_phases("a phase ıı trial")] == ["PHASE2"]
    assert [m.value for m in phases.find_bare_phases("ıı/ııı")] == ["PHASE2", "PHASE3"]


def test_start_date_month_with_long_s():
    assert [m.value for m in fields.find_start_dates("The trial started in ſep 2019.")] == ["2019-09"]
    assert [m.value for m in fields.find_start_dates("started in ſeptember 2019")] == ["2019-09"]


def test_number_value_of_a_superscript_digit_is_none():
    assert fields.number_value("²") is None and fields.number_value("١٢") == 12


@pytest.mark.parametrize("text", ["Smith et al. [\U00011f51]", "[\U00011f51]", "[1,\U00011f52]",
                                  "References\n\U00011f51. Smith AB, Jones C. A title. J Med 2020;1:1.\n"])
def test_citation_number_in_a_digit_script_newer_than_python(text):
    # U+11F50.. (Kawi digits, Unicode 15) are \d to the `regex` module but not to int()
    assert citations.find_citation_anchors(text) == [] and citations.find_bracket_citations(text) == []
    assert citations.parse_references(text) == {}


def test_bare_count_in_a_digit_script_newer_than_python():
    assert fields.find_bare_counts("| \U00011f50 |") == []
    assert [m.value for m in fields.find_bare_counts("| \u0661\u0662 |")] == ["12"]  # Arabic-Indic 12
