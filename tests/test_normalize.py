import pytest

from pipeline.models import Document, Page
from pipeline.normalize import normalize_document, normalize_string


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("$2 \\times 10^6$ MSCs/kg", "2 × 10^6 MSCs/kg"),
        ("$10^{7}$ cells", "10^7 cells"),
        ("risk $\\leq 30\\%$ here", "risk ≤ 30% here"),
        ("dose of $1.0 \\times 10^{7}$", "dose of 1.0 × 10^7"),
        ("costs $5 and $10 each", "costs $5 and $10 each"),
        ("c-kit<sup>+</sup> cells", "c-kit+ cells"),
        ("10<sup>6</sup> cells", "10^6 cells"),
        ("Phase Ⅰ/Ⅱ", "Phase I/II"),
        ("Phase Ⅲ and Ⅳ", "Phase III and IV"),
        ("2 × 10⁶ cells", "2 × 10^6 cells"),
        ("ﬁbrosis and ﬂow", "fibrosis and flow"),
        ("phase 2–3 and 1—2", "phase 2-3 and 1-2"),
        ("minus −5", "minus -5"),
        ("non\u00a0breaking\u2009thin", "non breaking thin"),
        ("soft\u00adhyphen", "softhyphen"),
        ("*Phase I:* small group", "Phase I: small group"),
        ("Mesen-\nchymal cells", "Mesenchymal cells"),
        ("Bone Marrow-\nDerived cells", "Bone Marrow-Derived cells"),
        ("COVID-\n19 patients", "COVID-19 patients"),
        ("recruit-\ning now; recruiting", "recruiting now; recruiting"),
    ],
)
def test_normalize_variants(raw, expected):
    text, to_raw = normalize_string(raw)
    assert text == expected
    assert len(to_raw) == len(text) + 1


def test_offset_map_is_monotonic_and_points_back():
    raw = "A $2 \\times 10^6$ dose of Mesen-\nchymal cells (Phase Ⅱ)."
    text, to_raw = normalize_string(raw)
    assert all(a <= b for a, b in zip(to_raw, to_raw[1:]))
    i = text.index("Mesenchymal")
    assert raw[to_raw[i]:].startswith("Mesen")
    j = text.index("II")
    assert raw[to_raw[j]] == "Ⅱ"


def test_repeated_web_boilerplate_is_removed_once_per_block():
    box = "Request a brochure about our clinic today\n\nWe will send it to you for free, promise!\n\n"
    raw = "Real review text about MSC trials.\n\n" + box * 5 + "More real text."
    text, _ = normalize_string(raw)
    assert "brochure" not in text
    assert "Real review text" in text and "More real text." in text


def test_short_repeated_table_cells_are_kept():
    raw = "Phase 1\nPhase 2\n\nX\n\nPhase 1\nPhase 2\n\nY\n\nPhase 1\nPhase 2\n"
    text, _ = normalize_string(raw)
    assert text.count("Phase 2") == 3


def test_pages_keep_their_numbers():
    doc = Document("p", "p.pdf", "pdf", (Page(1, "first page text"), Page(2, "second page text")))
    norm = normalize_document(doc)
    assert norm.page_at(norm.text.index("first")) == 1
    assert norm.page_at(norm.text.index("second")) == 2
