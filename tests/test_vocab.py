import pytest

from pipeline import vocab
from pipeline.errors import VocabularyError
from pipeline.extract.vocab_match import build_matcher, matcher


@pytest.mark.parametrize("field", vocab.VOCAB_FIELDS)
def test_packaged_vocabularies_load(field):
    v = vocab.load(field)
    assert v.entries and all(e.code for e in v.entries)


def test_unknown_key_is_an_error():
    with pytest.raises(VocabularyError, match="unknown keys"):
        vocab.parse_vocabulary({"field": "x", "entries": [{"code": "a", "synonym": ["b"]}]})


def test_duplicate_synonym_is_an_error():
    data = {"field": "x", "entries": [{"code": "a", "synonyms": ["same"]}, {"code": "b", "synonyms": ["same"]}]}
    with pytest.raises(VocabularyError, match="already names"):
        vocab.parse_vocabulary(data)


def test_bad_pattern_is_an_error():
    with pytest.raises(VocabularyError, match="bad pattern"):
        vocab.parse_vocabulary({"field": "x", "entries": [{"code": "a", "patterns": ["(unclosed"]}]})


@pytest.mark.parametrize(
    "text, code",
    [
        ("BM-MSCs", "bone_marrow"), ("hBM-MSC", "bone_marrow"), ("Allo-BM", "bone_marrow"),
        ("bone marrow-derived MSCs", "bone_marrow"), ("hUC-MSCs", "umbilical_cord"), ("UC-MSCs", "umbilical_cord"),
        ("umbilical cord-derived", "umbilical_cord"), ("AD-MSCs", "adipose_tissue"), ("ADSCs", "adipose_tissue"),
        ("HB-adMSCs", "adipose_tissue"), ("Auto adipose-tissue", "adipose_tissue"), ("adipose tissue-derived", "adipose_tissue"),
        ("WJ-MSCs", "wharton_jelly"), ("Wharton's jelly", "wharton_jelly"), ("Wharton’s Jelly", "wharton_jelly"),
        ("Allo-UCB", "umbilical_cord_blood"), ("umbilical cord blood", "umbilical_cord_blood"),
        ("Allo-placental", "placenta"), ("Allo-fetal", "fetal_tissue"), ("dental pulp", "dental_pulp"),
        ("olfactory mucosa", "olfactory_mucosa"), ("iPSC-derived", "ipsc"), ("PDLSCs", "periodontal_ligament"),
        ("Autologous BMAC", "bone_marrow"), ("bone marrow aspirate concentrate", "bone_marrow"),
    ],
)
def test_cell_sources(text, code):
    assert [m.value for m in matcher("cell_source").find(text)] == [code]


@pytest.mark.parametrize("text", ["bone marrow transplantation", "umbilical cord blood transplantation", "Intra-BM"])
def test_not_cell_sources(text):
    assert matcher("cell_source").find(text) == []


@pytest.mark.parametrize(
    "text, code",
    [
        ("IV", "intravenous"), ("i.v.", "intravenous"), ("intravenously", "intravenous"),
        ("intravenous transfusion", "intravenous"), ("intrathecally", "intrathecal"), ("Subarachnoid", "intrathecal"),
        ("aerosol inhalation", "inhalation"), ("Nebulizer", "inhalation"), ("intra-articular", "intra_articular"),
        ("Intra-articular cartilage", "intra_articular"), ("Intrafistula", "intralesional"), ("Intra-BM", "intra_bone_marrow"),
        ("In utero transplantation", "in_utero"), ("intracoronary", "intracoronary"), ("transendocardial", "transendocardial"),
        ("intramyocardial", "intramyocardial"), ("Intraperitoneal", "intraperitoneal"), ("Intravitreal", "intravitreal"),
        ("intratracheal", "intratracheal"), ("intranasal", "intranasal"), ("eye drops", "topical"),
        ("collagen scaffold", "implantation"), ("vesicles at 5 µg/drop", "topical"), ("exosomes at 10ug/drop", "topical"),
        ("120 mg / drop", "topical"),
    ],
)
def test_routes(text, code):
    assert code in [m.value for m in matcher("route").find(text)]


@pytest.mark.parametrize("text", ["laser stimulation of transcranial IV", "stage IV cancer", "grade III-IV GVHD", "infusion", "injection"])
def test_not_routes(text):
    assert matcher("route").find(text) == []


@pytest.mark.parametrize(
    "text, codes",
    [
        ("Auto/allo adipose-tissue", ["autologous", "allogeneic"]),
        ("Autologous/ Allogenic", ["autologous", "allogeneic"]),
        ("Allo-BM", ["allogeneic"]),
        ("allogenic", ["allogeneic"]),
        ("Allo-HCT", []),
    ],
)
def test_donor(text, codes):
    assert [m.value for m in matcher("donor").find(text)] == codes


@pytest.mark.parametrize(
    "text, code",
    [("MSC-EVs", "extracellular_vesicles"), ("microvesicles", "extracellular_vesicles"), ("Exosomes", "exosomes"),
     ("MSC-Exos", "exosomes"), ("Secretome", "secretome"), ("stromal vascular fraction", "stromal_vascular_fraction"),
     ("genetically modified", "engineered_cells"), ("BM-MSCs", "cells"), ("Autologous ADSCs", "cells"),
     ("hASCs were injected", "cells"), ("MultiStem", "cells"), ("multipotent adult progenitor cells", "cells"),
     ("donor modified BM-derived MSCs", "engineered_cells"), ("modified MSC", "engineered_cells")],
)
def test_products(text, code):
    assert code in [m.value for m in matcher("product").find(text)]


def test_paper_defined_abbreviation_extends_matching():
    m = build_matcher(vocab.load("cell_source"))
    assert m.find("the XQ-cells were given") == []
    assert [x.value for x in m.find("the XQ-cells were given", {"XQ": "dental_pulp"})] == ["dental_pulp"]


# ---------------------------------------------------------------- fast paths of the search
import random  # noqa: E402
import re  # noqa: E402

from pipeline.extract.vocab_match import (  # noqa: E402
    VocabSet, _alternation, _lowered, _pattern_gates, factored_alternation, vocab_set,
)

FIELDS = ("cell_source", "donor", "product", "route", "conditions")


def reference(vs: VocabSet, text: str, extra: dict) -> list:
    """What the `regex` patterns alone find: each matcher's search with no fast path."""
    return [m for mt in vs.matchers for m in mt._find(text, None, extra.get(mt.field))]


def assert_finds_as_reference(vs: VocabSet, text: str, extra: dict) -> None:
    found = vs.find(text, extra)
    assert found == [m for mt in vs.matchers for m in mt.find(text, extra.get(mt.field))], text
    if _lowered(text) is not None:  # a text the fast patterns may search
        assert found == reference(vs, text, extra), text


@pytest.mark.parametrize(
    "items",
    [
        ["b?cd", "bx", "c"],  # a quantified first character: the alternative may start with `c`
        ["ab", "a[\\s\\-]*c", "ad", "a"],
        ["axxxxxxxxxxx", "a[\\s]*b[c]*", "ab"],  # a class between two `a`s: `ab` may not move before it
        ["one", "on", "o", "ones", "onerous", "two", "tw"],
        ["x\\-y", "x\\-", "\\-y", "-", "x"],
        ["a|b", "ab"],  # not one alternative each: left alone
    ],
)
def test_trie_alternation_finds_what_the_alternation_finds(items):
    flat, trie = re.compile(_alternation(items)), re.compile(factored_alternation(items))
    for text in ["cd bcd bx c", "ab a c a-c ad a abcc", "onerous ones one on o two tw", "x-y x- -y - x", "ab a b"]:
        assert [m.span() for m in trie.finditer(text)] == [m.span() for m in flat.finditer(text)]


def test_trie_alternation_nests():
    assert factored_alternation(["bone marrow", "blood", "bone"]) == "b(?:one(?: marrow|)|lood)"


def test_random_trie_alternations():
    rnd = random.Random(11)
    atoms = ["a", "b", "c", "\\-", "[\\s\\-]*", "b?", "['’]?"]
    for _ in range(300):
        items = ["".join(rnd.choice(atoms) for _ in range(rnd.randint(1, 4))) for _ in range(rnd.randint(1, 8))]
        flat, trie = re.compile(_alternation(items)), re.compile(factored_alternation(items))
        text = "".join(rnd.choice("abc- ’'") for _ in range(40))
        assert [m.span() for m in trie.finditer(text)] == [m.span() for m in flat.finditer(text)], items


EDGE_TEXTS = [
    "",
    " ",
    "BM",  # an abbreviation that is the whole text
    "bone marrow",  # a synonym that is the whole text
    "IV.",
    "(BM) and bone marrow-derived cells given IV",  # ends with an abbreviation
    "bone marrow mesenchymal stem cells (BM-MSCs)",  # synonyms of two vocabularies overlap
    "umbilical cord blood and umbilical cord, cord blood-derived",  # a synonym inside a longer one
    "bm, Bm, bM, BM and iv, Iv, IV",  # case-sensitive abbreviations
    "bone marrow transplantation; allogeneic HSCT; stage IV; transcranial IV",  # excludes
    "hBM-MSCs, WJ-MSC-EVs, AD-MSCs and Auto/allo adipose-tissue; allo-BM",  # entry patterns
    "MSC-EVs: 10 µg/drop eye drops",
    "x\nBM\n(IV)/[UC-MSCs]{WJ}-ADSCs",  # starts after all kinds of non-word characters
    "BMs BM_ _BM 2BM BM2 aBM",  # word characters around an abbreviation
    "Müller cells from bone marrow – not from fat tissue ≥ 2 × 10^6 café",  # non-ASCII, plain
    "ΣBM and BMΣ and bone marrowΣ",  # a letter whose lower case depends on context
    "Übone marrow and éBM, BMé",  # non-ASCII word characters around terms
    "\u017ftromal bone marrow",  # long s: the `regex` path
    "XQ-cells and XQ, XQs, the XQ. I-V or I-VI",  # the paper's own terms
    "XQ",
    "XQ XQ",
]
EXTRA = {"cell_source": {"XQ": "dental_pulp", "XQ-cells": "placenta"}, "route": {"I-V": "intravenous"}}


@pytest.mark.parametrize("text", EDGE_TEXTS)
@pytest.mark.parametrize("extra", [{}, EXTRA])
def test_vocab_set_finds_what_the_regex_patterns_find(text, extra):
    assert_finds_as_reference(vocab_set(FIELDS), text, extra)


@pytest.mark.parametrize("text", ["Intra-BM-X", "BM-X", "X BM-X X", "BM-XBM-X"])
def test_paper_terms_inside_a_paper_term(text):
    # `X` inside `BM-X` is not a match of its own, even when `BM-X` is then excluded (`Intra-BM`)
    assert_finds_as_reference(vocab_set(FIELDS), text, {"cell_source": {"BM-X": "bone_marrow", "X": "placenta"}})


def test_vocab_set_finds_something():
    # the equivalence tests above would pass if nothing were found
    found = vocab_set(FIELDS).find("(BM) and bone marrow-derived cells given IV", {})
    assert [(m.field, m.value, m.raw) for m in found] == [
        ("cell_source", "bone_marrow", "BM"), ("cell_source", "bone_marrow", "bone marrow-derived"),
        ("product", "cells", "cells"), ("route", "intravenous", "IV"),
    ]
    assert [m.value for m in vocab_set(FIELDS).find("the XQ. I-V", EXTRA)] == ["dental_pulp", "intravenous"]


def _terms(field):
    v = vocab.load(field)
    for e in v.entries:
        yield from (e.label,) + e.synonyms + e.case_sensitive + e.exclude


def test_random_texts_of_vocabulary_terms():
    rnd = random.Random(5)
    terms = sorted({t for f in FIELDS for t in _terms(f)}) + ["XQ", "XQ-cells", "I-V", "hBM-MSC", "Auto", "allo", "µg/drop"]
    cases = [str.lower, str.upper, str.title, lambda s: s, lambda s: s, lambda s: s]
    seps = [" ", " ", ", ", "-", "/", "(", ")", "\n", "", "é", " – ", "’s ", "Σ "]
    vs = vocab_set(FIELDS)
    for _ in range(400):
        text = "".join(rnd.choice(cases)(rnd.choice(terms)) + rnd.choice(seps) for _ in range(rnd.randint(1, 8)))
        extra = EXTRA if rnd.random() < 0.5 else {}
        assert_finds_as_reference(vs, text, extra)


def _vocabulary(field, entries):
    return vocab.parse_vocabulary({"field": field, "entries": entries})


# case-sensitive terms with non-ASCII letters, patterns with and without required literals
ODD = [
    _vocabulary("odd", [
        {"code": "sigma", "label": "sigma cells", "case_sensitive": ["AΣ", "ΣA", "Éx", "ÜB-1"]},
        {"code": "plain", "label": "plain", "case_sensitive": ["AB", "ABC"], "patterns": ["AB\\d+", "[a-z]+-ABC"]},
        {"code": "anywhere", "label": "anywhere", "patterns": ["\\d+ units", "(?i)unit\\s+dose"]},
        {"code": "lit", "label": "literal", "patterns": ["xyz", "wxyz-\\d"], "exclude": ["not xyz"]},
        # a match starting inside an excluded one is not found at all
        {"code": "long", "label": "gh ij", "case_sensitive": ["AB-CD"], "exclude": ["AB-CD EF", "gh ij kl"]},
        {"code": "short", "label": "ij", "case_sensitive": ["CD"]},
        # two patterns matching the same text: the first one's code
        {"code": "zed", "label": "zed", "patterns": ["Z\\d"]},
        {"code": "seven", "label": "seven", "patterns": ["[A-Z][78]"]},  # needs no literal: runs first
    ]),
    _vocabulary("other", [{"code": "ab", "label": "abc", "synonyms": ["ab cd", "Σ ab"], "case_sensitive": ["AΣ"]}]),
]


@pytest.mark.parametrize(
    "text",
    ["AΣ ΣA Éx ÜB-1", "xAΣ AΣx (AΣ) AΣ.", "aσ aς ΑΣ", "ÉX éx Éx", "ÜB-1 üb-1 ÜB-12", "AB12 AB ABC x-ABC ab12",
     "12 units, Unit dose, UNIT  DOSE", "xyz wxyz-1 not xyz, not  xyz", "ab cd AB CD σ ab Σ AB", "",
     "AB-CD EF, AB-CD, gh ij kl, gh ij", "Z7 Z8 Y7"],
)
def test_vocab_set_of_other_vocabularies(text):
    vs = VocabSet.build([build_matcher(v) for v in ODD])
    assert_finds_as_reference(vs, text, {"odd": {"Ωx": "plain"}})


def test_pattern_gates_cover_each_pattern_once():
    ms = [build_matcher(v) for v in ODD] + [matcher(f) for f in FIELDS]
    gates = _pattern_gates(ms)
    keys = [k for _, _, members in gates for k, _ in members]
    assert sorted(keys) == sorted((i, j) for i, m in enumerate(ms) for j in range(len(m.patterns)))
    for literal, ignore_case, members in gates:
        for (i, j), others in members:
            p = ms[i].patterns[j]
            assert p.ignore_case == ignore_case
            # the gate's literal is in one of the pattern's, and the other checks are the rest
            assert literal == "" if not p.literals else any(literal in x for x in p.literals)
            assert set(others) == {x for x in p.literals if x not in literal}
    assert len(gates) < len(keys)  # they do group the patterns


@pytest.mark.parametrize("text, field, codes", [
    ("Intravenous (portal vein)", "route", ["intraportal"]),
    ("infused into the coronary artery (intra-arterial)", "route", ["intracoronary"]),
    ("intravenous and intraportal infusions", "route", ["intraportal", "intravenous"]),
    ("intra-arterial or intracoronary delivery", "route", ["intra_arterial", "intracoronary"]),
    ("umbilical cord-derived MSCs from Wharton's jelly", "cell_source", ["wharton_jelly"]),
    ("umbilical cord MSCs, cord blood MSCs", "cell_source", ["umbilical_cord", "umbilical_cord_blood"]),
    ("bone marrow MSCs (portal vein)", "route", ["intraportal"]),
])
def test_the_most_specific_code_the_text_gives(text, field, codes):
    from pipeline.link.core import _find_vocab
    assert sorted({m.value for m in _find_vocab(text, {}) if m.field == field}) == codes


def test_broader_must_name_another_code_of_the_vocabulary():
    from pipeline.errors import VocabularyError
    from pipeline.vocab import parse_vocabulary
    data = {"field": "route", "entries": [{"code": "a", "broader": "b"}]}
    with pytest.raises(VocabularyError):
        parse_vocabulary(data)
