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
from pipeline.segment.sentences import MAX_INNER_TOKENS, check_against_spacy, prefetch

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
    # whitespace other than one space: piece boundaries, whitespace tokens
    "Bone marrow (BM) was used.\x0cThe next one.",
    "End.\u2003 Next (NX) one.  \tAnd a tab.\t\tTwo tabs.",
    " \u3000(MSC) at the start. Mesenchymal stem cells\u2009(MSCs) later.",
    "Cells.   Three spaces.\u00a0A no-break space. Line\u2028separator (LS).",
    "Trailing spaces (TS).   ",
    # punctuation outside ASCII: the full punct_chars pattern
    "First sentence。Second sentence. Third？ Fourth！ Done",
    "Word\u0589 Next one (NO). Café au lait (CAL) was served.",
    "Accented letters only, no odd full stop: résumé format (RF). Next.",
    # the first ')' that closes the '(' is the only one that can define
    "bone marrow (BM) x) and stem cells (SC)) here.",
    "bone marrow (BM (x) y) z and (BM) again.",
    "stem cells (a (SC) b c d) e, mesenchymal stromal cells (MSC (see below)) f.",
    "empty () and ( ) and (( )) and ((BM)) and bone marrow ((BM)).",
    # the ')' just within and just beyond reach of the '(' (MAX_INNER_TOKENS)
    "stromal vascular fraction (" + " ".join("w%d" % i for i in range(MAX_INNER_TOKENS - 1)) + ") here.",
    "stromal vascular fraction (" + " ".join("w%d" % i for i in range(MAX_INNER_TOKENS)) + ") here.",
    "stromal vascular fraction (" + " ".join("w%d" % i for i in range(MAX_INNER_TOKENS + 1)) + ") here.",
    "a (b c d e f g h i j k l) m (SVF) and stromal vascular fraction (SVF) n.",
    "SVF ( stromal vascular fraction of fat from liposuction here ) and SVF ( a b c d e f g h i ) x.",
    "BM (bone marrow (aspirate) cells) here, MSC (mesenchymal (stromal) (stem) cells) there.",
    # long forms: the first letter at a word start, non-ASCII long forms, several tokens a piece
    "xbone marrow (BM) and marrow bone (MB) bone marrow (BM).",
    "bbone marrow (BM) and aabc dabc (ADC) and the sstem ccells (SC).",
    "Σtem cells (SC) and İmmune cells (IC) and Kelvin \u212aelvin (KK).",
    "bone-marrow-derived(BMD) cells and adipose-derived stromal cells (ADSCs; n = 3).",
    "Platelet-rich plasma (PRP), bone marrow aspirate concentrate (BMAC) and (BMAC) again.",
]


@pytest.mark.parametrize("passage", PASSAGES)
def test_sentences_and_abbreviations_as_spacy(passage):
    ours, spacys, our_abbrevs, spacy_abbrevs = check_against_spacy(passage)
    assert ours == spacys
    assert our_abbrevs == spacy_abbrevs


def _random_passage(rnd, words, spaces, closers, max_words, paren_share):
    parts = []
    for _ in range(rnd.randint(1, max_words)):
        w = rnd.choice(words)
        if rnd.random() < paren_share:
            w = "(" + "".join(x[0].upper() for x in parts[-3:] if x) + (rnd.choice(closers) if len(closers) > 1 else closers[0])
        parts.append(w)
    return "".join(p + rnd.choice(spaces) for p in parts)


RANDOM_PASSAGES = {
    "plain": dict(
        seed=7, n=150, max_words=30, paren_share=0.1, closers=[")"], spaces=[" ", " ", "  ", ". ", "\t"],
        words="the cells were given to patients with bone marrow stem MSC BM EV e.g. al. vs. Fig. 2.5 U.S. [12]. ( ) (( ))".split()),
    "odd spaces and parentheses": dict(
        seed=11, n=200, max_words=25, paren_share=0.15, closers=[")", ")", ") x)", ""],
        spaces=[" ", " ", " ", "  ", "\t", "\u2009", "\x0c", " \u3000", ""],
        words=("the cells were given to bone marrow stem stromal MSC BM e.g. al. Fig. 2.5 ( ) (( )) ); "
               "x) (a (b c) d) \u3002 \uff01 caf\u00e9").split()),
}


@pytest.mark.parametrize("kind", RANDOM_PASSAGES)
def test_random_passages_as_spacy(kind):
    spec = dict(RANDOM_PASSAGES[kind])
    rnd, n = random.Random(spec.pop("seed")), spec.pop("n")
    for _ in range(n):
        passage = _random_passage(rnd, **spec)
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


def test_the_piece_tokenizer_takes_the_reference_models_punctuation_without_building_it():
    from spacy.attrs import IS_PUNCT

    from pipeline.segment.sentences import PieceTokenizer, nlp

    tokenizer, reference = PieceTokenizer(), nlp()
    assert tokenizer.punct_chars == frozenset(reference.get_pipe("sentencizer").punct_chars)
    assert tokenizer._is_punct is reference.vocab.lex_attr_getters[IS_PUNCT]


def test_a_readers_table_is_read_by_its_cells_not_by_the_bars_of_its_text():
    """A PDF's table comes as rows of cells; a cell may print a bar of its own ("1 | 2 doses")."""
    from pipeline.models import TableCells
    rows = [("Trial ID", "Dose", "Route"), ("NCT05200001", "1 | 2 × 10^6 cells/kg", "Intravenous"),
            ("NCT05200002", "5 × 10^6 cells/kg", "Intrathecal")]
    text, spans = "Table 2 Trials of cord cells\n", []
    for row in rows:
        at, line = len(text), []
        for cell in row:
            line.append((at, at + len(cell)))
            at += len(cell) + 3
        spans.append(tuple(line))
        text += " | ".join(row) + "\n"
    seg = segment(text, (TableCells(rows=tuple(spans)),))
    (table,) = seg.tables
    assert table.columns == ("id", "dose", "route")
    row = next(g for g in seg.segments if g.kind == "row")
    assert [text[c.start:c.end] for c in row.cells] == ["NCT05200001", "1 | 2 × 10^6 cells/kg", "Intravenous"]
    assert [c.column for c in row.cells] == [0, 1, 2]
    # the same text without the reader's cells does not give that row its dose cell
    row = next(g for g in segment(text).segments if g.kind == "row")
    assert "1 | 2 × 10^6 cells/kg" not in [text[c.start:c.end] for c in row.cells]
