import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.extract import citations, fields
from pipeline.extract.citations import parse_references, publication_id
from pipeline.extract.fields import find_acronyms, find_enrollment, find_start_dates, find_status


@pytest.mark.parametrize(
    "text, code, in_table",
    [
        ("Not yet recruiting", "NOT_YET_RECRUITING", True), ("Not yet Recruiting", "NOT_YET_RECRUITING", True),
        ("Recruiting", "RECRUITING", True), ("Enrolling by invitation", "ENROLLING_BY_INVITATION", True),
        ("Active, not recruiting", "ACTIVE_NOT_RECRUITING", True), ("Active not Recruiting", "ACTIVE_NOT_RECRUITING", True),
        ("Completed", "COMPLETED", True), ("Unknown status", "UNKNOWN", True),
        ("this completed, open-label, single-arm phase 1/2a study", "COMPLETED", False),
        ("the study is completed", "COMPLETED", False), ("trials in recruiting status", "RECRUITING", False),
    ],
)
def test_status(text, code, in_table):
    assert [m.value for m in find_status(text, in_table=in_table)] == [code]


@pytest.mark.parametrize("text", ["the data are still being evaluated", "an ongoing trial", "currently randomizing patients"])
def test_no_status(text):
    assert find_status(text) == []


@pytest.mark.parametrize(
    "text, value", [("Sep-2020", "2020-09"), ("April 2020", "2020-04"), ("July 2020", "2020-07"), ("June-2019", "2019-06"), ("2019-03", "2019-03")]
)
def test_table_dates(text, value):
    assert [m.value for m in find_start_dates(text, in_table=True)] == [value]


def test_sentence_date_needs_start_word():
    assert find_start_dates("Between 2015 and 2018, 48 patients were enrolled") == []
    assert [m.value for m in find_start_dates("The trial started in March 2019.")] == ["2019-03"]


@pytest.mark.parametrize(
    "text, n",
    [("enrolled 162 patients", 162), ("Eighteen patients participated", 18), ("Approximately 27 subjects will be recruited", 27),
     ("Fifty-nine patients were randomized", 59), ("6 of 12 patients received dose A", 12), ("In six patients, cells were given", 6),
     # a sentence glued to the one before it (a page saved without its spaces)
     ("the treatment any subject is receiving.40 patients will be enrolled", 40), ("blinded.Thirty children were included", 30)],
)
def test_enrollment(text, n):
    assert [int(m.value) for m in find_enrollment(text)] == [n]


@pytest.mark.parametrize("text", [
    "the remaining 30 patients", "half of the patients", "over 2.3 million people",
    "three groups (six patients each) received", "10 patients per arm were treated", "dose levels of 3 subjects per cohort",
    "4 participants in each group", "five children apiece", "a ratio of 1.20 patients per bed", "see p.12 patients",
])
def test_not_enrollment(text):
    assert find_enrollment(text) == []


@pytest.mark.parametrize(
    "title, acronym",
    [
        ("Stromal Cells For Lung Injury (BREATHE)", "BREATHE"),
        ("Marrow cells in heart failure (MARROW-HF): a randomised phase I/II trial", "MARROW-HF"),
        ("Wharton's Jelly Cells in Knee Osteoarthritis (WJ-KNEE)", "WJ-KNEE"),
        ("Cord cells in sepsis (SEPSIS-UC)", "SEPSIS-UC"),
        ("GROWTH: Safety of Cells in Cartilage Lesions", "GROWTH"),
        ("Cell Injection Effects in Failing Hearts (The HEART-Pilot Study)", "HEART-Pilot"),
        ("Autologous Cells in Chronic Stroke (CS-LEM2)", "CS-LEM2"),
        ("Repair of Lung Injury by Cells (RELIEF) (COVID19) (RELIEF)", "RELIEF"),
        ("Therapy in Type I Diabetes Mellitus (T1DM)", None),
        ("Red Blood Cell (RBC) Disorders", None),
        ("Stem Cell-derived Vesicles (UNEX-42) in Neonates", None),
    ],
)
def test_title_acronyms(title, acronym):
    found = [m.value for m in find_acronyms(title, in_title=True)]
    assert found == ([acronym] if acronym else [])


@pytest.mark.parametrize(
    "text, acronym",
    [("This study, named ORBIT (Outcomes of ...), enrolled", "ORBIT"), ("CARDIO-X (Cells in hearts—NCT01234567) is", "CARDIO-X"),
     ("KNEESTEM (NCT01234567) is a trial", "KNEESTEM")],
)
def test_text_acronyms(text, acronym):
    assert acronym in [m.value for m in find_acronyms(text)]


def test_reference_list_and_publication_ids():
    text = (
        "Body text.\n\nREFERENCES\n\n"
        "1. Smith AB, Jones CD. A study. J Med 2001;5:1-5.\n\n"
        "2. Le Blanc K, Other A, et al. Fetal cells in a pa-\ntient. Transplantation 2005;79:1607-1614.\n\n"
        "3. von Bonin M, Stolzel F. Treatment. Bone Marrow Transplant 2009;43:245-251.\n"
        "4. Duijvestein, M., Vos, A. C. (2010). Autologous cells. Gut, 59, 1662.\n"
    )
    refs = parse_references(text)
    assert {n: (r.surname, r.year) for n, r in refs.items()} == {
        1: ("Smith", "2001"), 2: ("Le Blanc", "2005"), 3: ("von Bonin", "2009"), 4: ("Duijvestein", "2010"),
    }
    assert publication_id("Le Blanc", "2005") == "ref:le-blanc-2005"
    assert publication_id("von Bonin", "2009") == "ref:von-bonin-2009"
    assert publication_id("Müller", "2010") == "ref:muller-2010"


# ---------------------------------------------------------------- prechecks (fast paths)
# Each finder returns [] at once when its text lacks a word every match needs (see "prechecks" in
# pipeline/extract/fields.py). These tests compare each finder with its plain path (the pattern run
# on every text) on cases at the edge of its precheck; the positive cases must find something, so a
# precheck that skips too much fails them.


_ALL_CHARS = "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000)


def test_fold_case_keeps_offsets_and_folds_every_case_variant_of_an_ascii_letter():
    folded = fields.fold_case(_ALL_CHARS)
    assert len(folded) == len(_ALL_CHARS)
    others = set()
    for letter in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ":
        for m in regex.finditer(letter, _ALL_CHARS, regex.I):
            assert folded[m.start()] == letter.lower(), (letter, hex(ord(m.group())))
            if not m.group().isascii():
                others.add(m.group())
    assert others == {"\u0130", "\u0131", "\u017f", "\u212a"}  # what fold_case's docstring names
    assert fields.fold_case("İſıK x") == "isik x" and fields.fold_case("AB") == "ab"


def test_str_isspace_holds_for_every_regex_space():
    # _may_name_people reads a space before 'men' with str.isspace
    assert all(c.isspace() for c in regex.findall(r"\s", _ALL_CHARS))


PEOPLE_CASES = [
    ("enrolled 12 patİents", True),  # İ is i to the pattern: the precheck must see "patients"
    ("Twelve ſubjects were treated", True),
    ("12 men were enrolled", True),
    ("12\u00a0men and 3\u2003women", True),
    ("in the treatment arm, 12\nmen", True),  # 'men' inside a word first, then after a space
    ("after recruitment, 12 men", True),
    ("12 MEN", True),
    ("12-men", False),
    ("men: 12", False),
    ("12 treatments", False),
    ("12\x1cmen", False),  # str.isspace but not regex's \s: the precheck passes, the pattern does not match
    ("twelve", False),
    ("", False),
]


@pytest.mark.parametrize("text, found", PEOPLE_CASES + [(f"we enrolled 12 {w}", True) for w in fields._PEOPLE_WORDS]
                         + [(f"Twelve {w.upper()} were included", True) for w in fields._PEOPLE_WORDS])
def test_enrollment_precheck(text, found):
    plain = fields._enrollment(text)
    assert fields.find_enrollment(text) == plain
    assert bool(plain) == found


STATUS_CASES = [
    ("the trial was terminated early", True),
    ("it has been Suspended", True),
    ("trials in recruiting status", True),
    # the pattern matches these, but the status table has no such spelling: nothing either way
    ("the trial was termİnated early", False),
    ("it has been ſuſpended", False),
    ("Not Yet Recruiting", True),  # a status of several words, looked up by its folded key ("notyetrecruiting")
    ("Withdrawn? It was WITHDRAWN", True),
    ("a completed, randomized trial", True),
    ("they are still recruiting", True),
    ("it was complete", False),
    ("recruitment is ongoing", False),
    ("the study is running", False),
]


@pytest.mark.parametrize("text, found", STATUS_CASES + [(f"the trial was {w}", True) for w in ("completed", "terminated", "withdrawn", "suspended")]
                         + [("they are recruiting", True), ("it was COMPLETED", True)])
def test_status_precheck(text, found):
    plain = fields._status_in_sentence(text)
    assert fields.find_status(text) == plain
    assert bool(plain) == found


DATE_CASES = [
    ("The trial ſtarted in March 2019.", True, True),
    ("It STARTED in 2019-03", True, True),
    ("it was inİtiated in Jan 1999", True, True),
    ("began in Sep. 2001", True, True),
    ("commenced: December, 2015", True, True),
    ("started in March 2118", False, False),  # no year starting 19 or 20
    ("started in March 1899", False, False),
    ("In March 2019 it was published", False, True),  # a date, no start word: only in a table
    ("2019-03", False, True),
    ("Mar 2020 to Jun 2021", False, True),
]


@pytest.mark.parametrize("text, in_sentence, in_table", DATE_CASES + [
    (f"it {w} in March 2019", True, True)
    for w in ("start", "started", "starting", "began", "begun", "initiated", "commenced", "launched", "LAUNCHED")
])
def test_start_date_precheck(text, in_sentence, in_table):
    for table, found in ((False, in_sentence), (True, in_table)):
        plain = fields._start_dates(text, table)
        assert fields.find_start_dates(text, in_table=table) == plain
        assert bool(plain) == found


ACRONYM_CASES = [
    ("a trial named ORBIT enrolled", True),
    ("it is known as\nREPAIR-HF here", True),
    ("the acronymed CARDIA-X trial", True),
    ("a trial, named after its founder", False),
    ("PERISCOPE (cells in hearts, NCT01234567)", True),
    ("KNEESTEM (ISRCTN12345678) is a trial", True),
    ("KNEESTEM NCT01234567 without a parenthesis", False),
    ("KNEESTEM (nct01234567)", False),  # the patterns are case-sensitive
    ("a trial NAMED ORBIT", False),
]


@pytest.mark.parametrize("text, found", ACRONYM_CASES + [
    (f"a trial {w} ORBIT", True) for w in ("named", "called", "termed", "dubbed", "acronym", "acronymed", "known as")
])
def test_acronym_precheck(text, found):
    plain = fields._acronyms(text, False, fields._SENTENCE_ACRONYMS)
    assert fields.find_acronyms(text) == plain
    assert bool(plain) == found


# Fragments near the prechecks' edges, glued at random; a letter may be swapped for a character the
# case-insensitive patterns also match (İ, ı, ſ, the Kelvin sign).
_FRAGMENTS = [
    "12", "2019", "1999", "20", "19", "Twenty-one", "eighteen", "one hundred and", "patients", "patİents", "men", "MEN",
    "women", "treatment", "children", "ſubjects", "people", "were", "was", "is", "are", "has been", "not yet", "now",
    "currently", "completed", "Completed", "terminated", "withdrawn", "suspended", "recruiting", "in", "status", "study",
    "trial", "started", "STARTED", "began", "begun", "initiated", "commenced", "launched", "March", "Sep.", "ſept",
    "2020-03", "2019/12", "named", "called", "known as", "acronym", "the", "ORBIT", "CARDIO-X", "(", ")",
    "NCT01234567", "ISRCTN12345678", "of", "n =", " ", " ", "\u00a0", "\n", "\x1c", ",", ".", "-", "/",
]
_SWAPS = {"i": "İ", "I": "ı", "s": "ſ", "k": "\u212a", "K": "\u212a"}


def _text(parts, swap_at):
    text = "".join(parts)
    spots = [i for i, c in enumerate(text) if c in _SWAPS]
    for k in swap_at:
        if spots:
            i = spots[k % len(spots)]
            text = text[:i] + _SWAPS.get(text[i], text[i]) + text[i + 1:]
    return text


_PIECES = st.tuples(st.sampled_from(_FRAGMENTS), st.sampled_from([" ", " ", " ", "", "\n", ", "])).map("".join)
TEXTS = st.builds(_text, st.lists(_PIECES, max_size=20), st.lists(st.integers(0, 99), max_size=2))


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_finders_equal_their_plain_paths(text):
    assert fields.find_enrollment(text) == fields._enrollment(text)
    assert fields.find_status(text) == fields._status_in_sentence(text)
    assert fields.find_start_dates(text) == fields._start_dates(text, False)
    assert fields.find_start_dates(text, in_table=True) == fields._start_dates(text, True)
    assert fields.find_acronyms(text) == fields._acronyms(text, False, fields._SENTENCE_ACRONYMS)


# find_bracket_citations returns [] without a "[" (every match of its pattern starts with one)
def plain_bracket_citations(text):
    out = []
    for m in citations._BRACKET.finditer(text):
        nums = tuple(int(x) for x in regex.findall(r"[0-9]+", m.group("body")))
        out.append((m.start(), m.end(), nums, len(nums) == 1))
    return out


@pytest.mark.parametrize("text, found", [
    ("as shown [12].", True), ("[73-76] and [87, 88]", True), ("[1\u2013\n3]", True), ("[1]", True),
    ("(12)", False), ("[a]", False), ("12]", False), ("[", False), ("", False), ("[\U00011f51]", False),
])
def test_bracket_citation_precheck(text, found):
    plain = plain_bracket_citations(text)
    assert citations.find_bracket_citations(text) == plain
    assert bool(plain) == found


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["[", "]", "12", "3", ",", "-", "\u2013", " ", "\n", "a", "(", ")"]), max_size=16).map("".join))
def test_bracket_citations_equal_their_plain_path(text):
    assert citations.find_bracket_citations(text) == plain_bracket_citations(text)


@pytest.mark.parametrize("text, code", [
    ("The first cohort was halted after three months for failure to enrol a single patient.", "WITHDRAWN"),
    ("Recruitment stopped after a year for failure to recruit any participants.", "WITHDRAWN"),
    ("No patients were enrolled before the sponsor closed the study.", "WITHDRAWN"),
    ("No eligible children were randomised at either site.", "WITHDRAWN"),
    ("The trial was stopped early due to slow recruitment.", "TERMINATED"),
    ("The study was halted for recruitment futility after six months.", "TERMINATED"),
    ("Enrolment was discontinued because of insufficient accrual of donors.", "TERMINATED"),
    ("Enrollment was halted for lack of feasibility after approximately six months.", "TERMINATED"),
    ("We completed a randomised phase II trial of cord cells.", "COMPLETED"),
    ("The investigators completed the pilot trial in 2019.", "COMPLETED"),
    ("The research, which enrolled 20 patients, is completed.", "COMPLETED"),
])
def test_stopped_trials(text, code):
    assert [m.value for m in find_status(text)] == [code]


@pytest.mark.parametrize("text", [
    "Infants stayed on the study drug until they completed 72 hours of study aerosol administration.",
    "Patients completed 12 weeks of study treatment.",
    "The dressing was stopped after healing.",
    "Forty-five participants (88%) completed the study.",
    "All 30 patients completed the trial and its follow-up.",
    "Each patient completed the 12-month study visits and the trial questionnaire.",
    "Eight of the ten children completed the study.",
])
def test_no_stopped_status(text):
    assert find_status(text) == []


@pytest.mark.parametrize("text, n", [
    ("No infants were enrolled in the first pilot.", 0),
    ("no participants were recruited at the second centre", 0),
])
def test_no_one_enrolled(text, n):
    assert [int(m.value) for m in find_enrollment(text)] == [n]


@pytest.mark.parametrize("text, funders", [
    ("This project was funded by a project grant from the Heart Research Council.", ["Heart Research Council"]),
    ("AB holds a Senior Research Fellowship; a programme funded by the Kidney Foundation and the State Health Department.", []),
    ("Dr Smith has received research support from Acme Biologics for an unrelated research study.", []),
    ("CD was the site investigator for a clinical trial supported by Nordic Pharma.", []),
    ("The trial is supported by the Wellcome Trust and the Medical Research Council.", ["Wellcome Trust", "Medical Research Council"]),
    ("KP and NS provided support in the design of the intervention materials.", []),
    ("The study was funded by the NHS and the MRC.", ["NHS", "MRC"]),
    ("This work was supported by the Fundação de Amparo à Pesquisa do Estado de São Paulo (FAPESP).",
     ["Fundação de Amparo à Pesquisa do Estado de São Paulo (FAPESP)"]),
    ("The Wellcome Trust provided grant support.", ["Wellcome Trust"]),
])
def test_funders_of_a_person_or_another_study_are_not_the_trials(text, funders):
    assert [m.value for m in fields.find_funders(text)] == funders
