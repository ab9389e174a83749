"""The fast paths find exactly what the reference finds: sentences and abbreviation definitions
against spaCy's pipeline, vocabulary search (`re`, grouped alternations, `VocabSet`) against the
`regex` patterns, the edit map of the normalizer against a per-character reference; and PDF
table rows (cells joined by " | ") read by column."""
from __future__ import annotations

import random

import numpy as np
import pytest

from pipeline.extract.vocab_match import _alternation, factored_alternation, matcher, vocab_set
from pipeline.normalize.text import apply_edits
from pipeline.segment import segment
from pipeline.segment.sentences import check_against_spacy, prefetch

PASSAGES = [
    "Mesenchymal stem cells (MSCs) were given. Bone marrow (BM) was the source.",
    "A first sentence.  A second one after two spaces.",
    " A passage that starts with a space. And ends with two.  ",
    "Smith et al. reported it. Jones et al. [12] did too.",
    "It worked, e.g. in mice (see Fig. 2). The end.",
    "Cells were infused.[12] Then nothing happened.",
    "(MSCs) at the very start. Then more.",
    "umbilical cord (UC (cord)) x) and (( a ) ) b.",
    "a long form inside: BM (bone marrow derived cells of adults) here.",
    "Tabs\tand\u2009thin\u3000spaces. Next\u2028line.",
    "Why? Because! Done... Next: yes; no.",
    "Adipose-derived stromal cells (AD-MSCs; ref 3) were used.",
    "IL-6(1) and (n = 12) and (Table 1) and (2010).",
]


@pytest.mark.parametrize("passage", PASSAGES)
def test_sentences_and_abbreviations_as_spacy(passage):
    ours, spacys, our_abbrevs, spacy_abbrevs = check_against_spacy(passage)
    assert ours == spacys
    assert our_abbrevs == spacy_abbrevs


def test_random_passages_as_spacy():
    words = "the cells were given to patients with bone marrow stem MSC BM EV e.g. al. vs. Fig. 2.5 U.S. [12]. ( ) (( ))".split()
    rnd = random.Random(7)
    for _ in range(150):
        parts = []
        for _ in range(rnd.randint(1, 30)):
            w = rnd.choice(words)
            if rnd.random() < 0.1:
                w = "(" + "".join(x[0].upper() for x in parts[-3:] if x) + ")"
            parts.append(w)
        passage = "".join(p + rnd.choice([" ", " ", "  ", ". ", "\t"]) for p in parts)
        ours, spacys, our_abbrevs, spacy_abbrevs = check_against_spacy(passage)
        assert (ours, our_abbrevs) == (spacys, spacy_abbrevs), passage


def test_prefetch_changes_nothing():
    before = [check_against_spacy(p)[::2] for p in PASSAGES]
    prefetch(PASSAGES)
    assert [check_against_spacy(p)[::2] for p in PASSAGES] == before


# ---------------------------------------------------------------- vocabularies
VOCAB_TEXTS = [
    "BM-MSCs from bone marrow-derived cells were given IV and i.v. to patients",
    "umbilical cord blood (not umbilical cord) and Wharton’s jelly; allo-BM and /auto",
    "\u017ftromal bone marrow",  # long s: folds to 's' ignoring case, so the `regex` path is used
    "\u212aELVIN bone marrow and \u0130ntravenous",  # Kelvin sign; dotted capital I
    "bone\u0301 marrow and adipose\u00b2 tissue",  # a combining mark, a superscript digit
    "umbilical\x1ccord and BONE MARROW",
]


@pytest.mark.parametrize("text", VOCAB_TEXTS)
def test_vocab_set_finds_what_each_matcher_finds(text):
    fields = ("cell_source", "donor", "product", "route", "conditions")
    extra = {"cell_source": {"XQ": "dental_pulp"}, "route": {"I-V": "intravenous"}}
    expected = [m for f in fields for m in matcher(f).find(text, extra.get(f))]
    assert vocab_set(fields).find(text, extra) == expected


@pytest.mark.parametrize("text", VOCAB_TEXTS)
def test_fast_alternation_finds_what_regex_finds(text):
    m = matcher("cell_source")
    slow = [x.span() for x in m.insensitive.slow.finditer(text)]
    fast = [x.span() for x in m.insensitive.fast.finditer(text.lower())]
    if len(text.lower()) == len(text) and "\u017f" not in text and "\x1c" not in text and "\u0301" not in text:
        assert fast == slow


@pytest.mark.parametrize("items", [["abc", "ab", "abd", "b"], ["x\\-y", "x", "\\-a", "-b"], ["a[\\s\\-]*b", "ab", "a"]])
def test_factored_alternation_is_the_alternation(items):
    import re

    flat, grouped = re.compile(_alternation(items)), re.compile(factored_alternation(items))
    for text in ["abc abd ab b", "x-y x -a -b", "a b ab a-b a"]:
        assert [m.span() for m in grouped.finditer(text)] == [m.span() for m in flat.finditer(text)]


# ---------------------------------------------------------------- normalizer edit map
def _reference_apply(text, edits):
    out, m, pos = [], [], 0
    for start, end, repl in sorted(edits):
        out.append(text[pos:start])
        m.extend(range(pos, start))
        out.append(repl)
        if len(repl) == end - start:
            m.extend(range(start, end))
        else:
            m.extend(start + (i * (end - start)) // max(len(repl), 1) for i in range(len(repl)))
        pos = end
    out.append(text[pos:])
    m.extend(range(pos, len(text) + 1))
    return "".join(out), m


@pytest.mark.parametrize(
    "edits", [[], [(2, 4, "")], [(0, 1, "xyz")], [(1, 4, "Q")], [(3, 3, "^")], [(0, 2, "ab"), (5, 9, "~"), (9, 10, "")]]
)
def test_apply_edits_map(edits):
    text = "0123456789"
    new, mapped = apply_edits(text, edits)
    ref_text, ref_map = _reference_apply(text, edits)
    assert new == ref_text
    assert np.array_equal(mapped, np.array(ref_map))


# ---------------------------------------------------------------- PDF table rows
PDF_TABLE = """Stromal cells were tested in three trials.

Table 1 Trials compared here
Trial ID | Phase | Cell source | Route | Enrollment
NCT05100001 | I | Bone marrow | Intravenous | 24
NCT05100002 | II |  | Intrathecal | 40

A last paragraph that names no trial at all.
"""


def test_pdf_table_rows_are_read_by_column():
    seg = segment(PDF_TABLE)
    (table,) = seg.tables
    assert table.columns == ("id", "phase", "cell_source", "route", "enrollment")
    assert table.caption == "Table 1 Trials compared here"
    rows = [PDF_TABLE[g.start:g.end] for g in seg.segments if g.kind == "row"]
    assert rows == ["NCT05100001 | I | Bone marrow | Intravenous | 24", "NCT05100002 | II |  | Intrathecal | 40"]
    sentences = [PDF_TABLE[g.start:g.end] for g in seg.segments if g.kind == "sentence"]
    assert "A last paragraph that names no trial at all." in sentences


def test_cell_rows_without_caption_or_header_stay_text():
    text = "A | b c d e f g\nh | i j k l m n\n"
    seg = segment(text)
    assert seg.tables == []
