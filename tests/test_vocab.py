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
        ("collagen scaffold", "implantation"),
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
     ("genetically modified", "engineered_cells"), ("BM-MSCs", "cells")],
)
def test_products(text, code):
    assert code in [m.value for m in matcher("product").find(text)]


def test_paper_defined_abbreviation_extends_matching():
    m = build_matcher(vocab.load("cell_source"))
    assert m.find("the XQ-cells were given") == []
    assert [x.value for x in m.find("the XQ-cells were given", {"XQ": "dental_pulp"})] == ["dental_pulp"]
