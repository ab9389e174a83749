import random
from collections import Counter

import numpy as np
import pytest

from pipeline.models import Document, Page
from pipeline.normalize import normalize_document, normalize_string
from pipeline.normalize import text as norm


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


# ---------------------------------------------------------------- fast passes against their definitions

def _join_broken_words_reference(text):
    """`join_broken_words` as defined: `_BROKEN` matches, and the paper's words counted with `_WORD`."""
    if "-\n" not in text and "- \n" not in text:
        return []
    counts = Counter()
    for w, n in Counter(norm._WORD.findall(norm._BROKEN.sub(" ", text))).items():
        counts[w.lower()] += n
    edits = []
    for m in norm._BROKEN.finditer(text):
        left, right = m.group(1), m.group(2)
        keep = right[0].isupper() or right[0].isdigit() or left[-1].isdigit()
        if not keep and len(left) > 2 and len(right) > 2:
            keep = counts[(left + right).lower()] == 0 and counts[left.lower()] > 0 and counts[right.lower()] > 0
        edits.append((m.end(1) + 1 if keep else m.end(1), m.start(2), ""))
    return edits


def _clean_unicode_reference(text):
    edits, taken = [], set()
    for m in norm._SUPER_RUN.finditer(text):
        edits.append((m.start(), m.end(), "^" + m.group(0).translate(norm._SUPERSCRIPTS)))
        taken.update(range(m.start(), m.end()))
    for m in norm._NON_ASCII.finditer(text):
        repl = norm._char_repl(m.group(0))
        if m.start() not in taken and repl is not None and repl != m.group(0):
            edits.append((m.start(), m.start() + 1, repl))
    return edits


def _drop_boilerplate_reference(text):
    lines, pos = [], 0
    for line in text.splitlines(keepends=True):
        lines.append((pos, pos + len(line), line.strip()))
        pos += len(line)
    content = [i for i, ln in enumerate(lines) if ln[2]]
    counts = Counter(lines[i][2] for i in content)
    pairs = Counter((lines[a][2], lines[b][2]) for a, b in zip(content, content[1:]))
    drop = set()
    for a, b in zip(content, content[1:]):
        key = (lines[a][2], lines[b][2])
        if pairs[key] >= 3 and len(key[0]) + len(key[1]) >= 40 and counts[key[0]] >= 3:
            if not any(ch.isdigit() for ch in key[0] + key[1]) or norm._URLISH.search(key[0] + key[1]):
                drop.update((a, b))
    for i in content:
        s = lines[i][2]
        if counts[s] >= 3 and norm._URLISH.search(s) and len(s) < 200:
            drop.add(i)
    return [(lines[i][0], lines[i][1], "") for i in sorted(drop)]


def _markup_reference(text):
    """The emphasis and heading edits of `clean_markup`, by `finditer`."""
    edits = []
    for m in norm._MD_EMPH.finditer(text):
        mark = len(m.group(1))
        edits += [(m.start(), m.start() + mark, ""), (m.end() - mark, m.end(), "")]
    return edits + [(m.start(), m.end(), "") for m in norm._MD_HEADING.finditer(text)]


TRICKY = [
    "Mesen-\nchymal Mesenchymal", "recruit-\ning recruit ing", "a-\nb-\nc", "abc-\ndef-\nghi abc def", "_x-\ny_z",
    "5-\n6 and x5-\nyz", "-\nword", "--\nword", " -\nword", "word-\t\n\tnext", "word- \n next", "word-\r\nnext",
    "\u212aelvin-\nscale kelvin scale", "İnter-\nval inter val", "caf\u00e9-\nbar café bar", "don't-\nstop don't stop",
    "'tis-\nthe ''tis the", "o'-\nclock o' clock", "ǅemal-\nlord ǅemal lord", "straße-\nbahn straße bahn",
    "x²³y ¹⁰ ⁻⁵ a²b³ ²", "–—−\u00a0\u2009\u00adﬁ Ⅻ\x0c\x1c\r…", "\ud800 text",
    "**bold** *it* a*b*c __u__ _v_ ***x*** **a\nb** * x *", "# H\n## H2\n####### seven\n#nospace\ntext # not\n#\n#\n",
    "#\tTab heading", "a\n# \n# b", "**a *b* c** and __a **b** c__",
    "Bone-\nmarrow bone marrow Bonemarrow", "Bone-\nmarrow bone marrow",  # the joined word only capitalized
    "".join("See https://journal.example.org/" + "a" * 120 + "\npage %d\n" % i for i in range(3)),  # a 150-character footer
    "A line of forty characters or a few more\nand one with 2 digits in it\n" * 3,  # a digit in the 2nd line only
]


def _random_texts(n, seed):
    atoms = ["word", "Word", "ab", "x", "-\n", "- \n", "-\t\n", "\n", "\n\n", " ", "'", "don't", "Mesen", "chymal", "recruit", "ing",
             "COVID", "19", "_", "__", "*", "**", "#", "## ", "²", "³", "⁻", "¹", "×", "–", "\u00a0", "\u212a", "İ", "é", "ﬁ", "Ⅲ",
             "\x0c", "\x1c", "http://x.org/a", "Request a brochure about our clinic today", "We will send it to you for free!"]
    rnd = random.Random(seed)
    for _ in range(n):
        text = "".join(rnd.choice(atoms) + rnd.choice(["", " ", "\n"]) for _ in range(rnd.randint(0, 50)))
        if rnd.random() < 0.3:
            text += rnd.choice(["Request a brochure about our clinic today\n\nWe will send it to you for free!\n\n", "www.x.org 2020\n"]) * 3
        yield text


@pytest.mark.parametrize("text", TRICKY + list(_random_texts(300, 5)))
def test_fast_passes_are_their_definitions(text):
    assert norm.join_broken_words(text) == _join_broken_words_reference(text)
    assert sorted(norm.clean_unicode(text)) == sorted(_clean_unicode_reference(text))  # (applied sorted)
    assert norm.drop_boilerplate(text) == _drop_boilerplate_reference(text)
    if "$" not in text and "<" not in text:
        assert sorted(norm.clean_markup(text)) == sorted(_markup_reference(text))


def test_nothing_to_edit_maps_one_to_one():
    text, to_raw = normalize_string("plain words\nand lines")
    assert text == "plain words\nand lines"
    assert to_raw.dtype == np.int64 and np.array_equal(to_raw, np.arange(len(text) + 1))


def test_superscript_characters_are_those_of_the_run_pattern():
    assert {c for c in map(chr, range(0x110000)) if norm._SUPER_RUN.fullmatch(c)} == norm._SUPER_CHARS


def test_a_space_between_ten_and_its_raised_exponent_goes():
    from pipeline.normalize import normalize_string

    text, to_raw = normalize_string("gave 2 × 10 ⁶ cells")
    assert text == "gave 2 × 10^6 cells"
    assert len(to_raw) == len(text) + 1
    assert normalize_string("x ⁶ y")[0] == "x ^6 y"  # no base 10: the space stays
