import pytest

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
     ("Fifty-nine patients were randomized", 59), ("6 of 12 patients received dose A", 12), ("In six patients, cells were given", 6)],
)
def test_enrollment(text, n):
    assert [int(m.value) for m in find_enrollment(text)] == [n]


@pytest.mark.parametrize("text", ["the remaining 30 patients", "half of the patients", "over 2.3 million people"])
def test_not_enrollment(text):
    assert find_enrollment(text) == []


@pytest.mark.parametrize(
    "title, acronym",
    [
        ("Stromal Cells For Lung Injury (BREATHE)", "BREATHE"),
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
