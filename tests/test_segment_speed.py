"""The segmenter's fast paths find exactly what the slower definitions find: sentences and
abbreviation definitions against spaCy's pipeline (whitespace other than a space, punctuation
outside ASCII, parentheses near the limits of the abbreviation detector), and the cheaper scans
of `core.py` and `tables.py` against the patterns and loops they replace."""
from __future__ import annotations

import re

import pytest

from pipeline.models import Segment
from pipeline.segment import core, segment
from pipeline.segment.sentences import OTHER_SPACES, abbreviation_definitions, analyze, sentence_spans
from pipeline.segment.tables import Line, split_lines
from test_fast_paths import PASSAGES


def test_other_spaces_are_every_space_but_the_space():
    every = "".join(c for c in map(chr, range(0x110000)) if c.isspace() and c != " ")
    assert OTHER_SPACES == every


# ---------------------------------------------------------------- sentences and abbreviations
# (compared with spaCy in tests/test_fast_paths.py, whose PASSAGES include these)
def test_analyze_is_each_passage_alone():
    passages = PASSAGES + ["", " ", "No parenthesis and no full stop"]
    assert analyze(passages) == [(sentence_spans(p), abbreviation_definitions(p)) for p in passages]


# ---------------------------------------------------------------- core.py
CHUNKS = [
    "", "plain words only", "as shown (MSCs) here", "a ( MSCs ) b", "(n = 12)", "(bm)", "(Phase-II/III)",
    "NCT01234567", "xNCT01234567", "the NCTs", "NCT-12", "Smith et al. reported", "Smith et\u00a0al.", "Smith et\u2009al.", "Smith et\x1cal.",
    "Smith\u0301et al", "wet al", "[12]", "[a]", "[ 1]", "final (A)", "é(B)", "(ABs)", "(AB s)",
]


@pytest.mark.parametrize("chunk", CHUNKS)
def test_needs_nlp_is_the_pattern(chunk):
    assert core._needs_nlp(chunk) == (core._NEEDS_NLP.search(chunk) is not None)


def _simple_sentences_reference(chunk):
    spans, pos = [], 0
    for m in core._SIMPLE_SPLIT.finditer(chunk):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(chunk)))
    return [(a, b) for a, b in spans if chunk[a:b].strip()]


@pytest.mark.parametrize("chunk", [
    "One. Two! Three? four. 5. Six.  Seven.\nEight. [9] ten. (Eleven) 12%. Thirteen",
    "a.\x1cB and a.\u2009B and a.\u00a0B and a.\tB and e.g. C and A. B",
    "...   ", ". A", "x.)A", "x). A", "x]. [A", "",
])
def test_simple_sentences_are_the_pattern(chunk):
    assert core._simple_sentences(chunk) == _simple_sentences_reference(chunk)


@pytest.mark.parametrize("text", [
    "", "Table 1", "no marks\nat all\n", "a | b\nTable 2 x\nTABLE III\nTabled\n| x |\n", "x\n\n|\n", "|||\nTable|TABLE\n",
    "Table\n", "\nTABLE", "tablE table\n|",
])
def test_table_start_lines_are_the_lines_with_marks(text):
    expected = [i for i, ln in enumerate(split_lines(text)) if "|" in ln.text or "Table" in ln.text or "TABLE" in ln.text]
    assert core._table_start_lines(text) == expected


def _split_lines_reference(text, start=0, end=None):
    end = len(text) if end is None else end
    out, pos = [], start
    while pos <= end:
        nl = text.find("\n", pos, end)
        if nl == -1:
            out.append((pos, end, text[pos:end]))
            break
        out.append((pos, nl, text[pos:nl]))
        pos = nl + 1
    return out


@pytest.mark.parametrize("text", ["", "\n", "a", "a\n", "a\nb", "\n\nx\n", "é\n\u2028x\r\ny"])
def test_split_lines(text):
    for start in range(len(text) + 2):
        for end in [None, *range(len(text) + 1)]:
            lines = split_lines(text, start, end)
            assert all(type(ln) is Line for ln in lines)
            assert [tuple(ln) for ln in lines] == _split_lines_reference(text, start, end)


def test_sentence_segment_is_a_segment():
    made = core.sentence_segment(3, 9, 2)
    assert made == Segment("sentence", 3, 9, paragraph=2)
    assert vars(made) == vars(Segment("sentence", 3, 9, paragraph=2))
    assert not hasattr(Segment, "__post_init__") and not hasattr(Segment, "__slots__")


def test_tables_are_found_past_lines_without_marks():
    text = (
        "Intro text. NCT00000001 is named in prose.\n\n"
        "Table 1 Trials of stromal cells\nTrial ID | Phase | Route\nNCT05100001 | I | Intravenous\n"
        "NCT05100002 | II | Intrathecal\n\nMore prose here.\n\n| ID | Phase |\n|---|---|\n| NCT05100003 | I |\n"
    )
    seg = segment(text)
    assert [t.caption for t in seg.tables] == ["Table 1 Trials of stromal cells", ""]
    rows = [text[g.start:g.end] for g in seg.segments if g.kind == "row"]
    assert rows == ["NCT05100001 | I | Intravenous", "NCT05100002 | II | Intrathecal", "| NCT05100003 | I |"]



@pytest.mark.parametrize("text", [
    "", "2011-000123-45", "EudraCT 2011-000123-45; NCT01234567", "x2011-000123-45", "_2011-000123-45", "é2011-000123-45",
    "12011-000123-45", "(2011-000123-45)", "1999-123456-12 and 2000-123456-12 and 2100-123456-12", "19-1", "2019-12345-12",
    "NCT\n2019-001234-12", "NCT 2019-001234-12", "ISRCTN12 ChiCTR-1 ACTRN1 IRCT2 DRKS UMIN CTRI/2 jRCT KCT0 PACTR",
    "\u0661\u0669\u0669\u0669-123456-12 ١2019-123456-12", "a 2020-000001-01\n2019-000002-02",
])
def test_the_id_hint_finds_what_its_plain_pattern_finds(text):
    plain = re.compile(core.ID_HINT_PLAIN)
    assert [m.span() for m in core._ID_HINT.finditer(text)] == [m.span() for m in plain.finditer(text)]
