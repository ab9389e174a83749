"""Extractors for status, start date, enrollment and acronyms.

Each is a pure function over a sentence or a table row. `in_table=True` relaxes what counts:
a table's status or date column holds the bare value, a sentence needs a context word.
"""
from __future__ import annotations

import regex

from pipeline.extract.doses import word_key
from pipeline.extract.prechecks import fold_case, has_any
from pipeline.extract.vocab_match import matcher
from pipeline.fields import vocabulary_fields
from pipeline.models import Mention
from pipeline.vocab import fold


# ---------------------------------------------------------------- numbers written as words
_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
NUMBER_WORD = (
    r"(?:(?:" + "|".join(_TENS) + r")(?:[\s-](?:" + "|".join(k for k, v in _UNITS.items() if v < 10) + r"))?"
    r"|" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r"|(?:one|two|three|four|five)\s+hundred(?:\s+and)?(?:\s+\w+)?)"
)


_NUMBER_SPLIT = regex.compile(r"[\s-]+")


def number_value(s: str) -> int | None:
    s = word_key(s.strip()).replace(",", "")
    if s.isdecimal():
        return int(s)
    total, current = 0, 0
    for w in _NUMBER_SPLIT.split(s):
        if w in _UNITS:
            current += _UNITS[w]
        elif w in _TENS:
            current += _TENS[w]
        elif w == "hundred":
            current = max(current, 1) * 100
        elif w == "and":
            continue
        else:
            return None
    total += current
    return total or None


# ---------------------------------------------------------------- status
_PEOPLE_WORDS = (
    "patients", "participants", "subjects", "children", "adults", "infants", "individuals", "volunteers", "men", "women",
    "cases", "neonates", "newborns", "recipients", "persons", "people", "outpatients", "inpatients",
)
_PEOPLE = r"(?:" + "|".join(_PEOPLE_WORDS) + r")"
# "No infants were enrolled": a trial that enrolled no one (enrollment 0, status WITHDRAWN)
_NO_ONE_ENROLLED = (r"\bno\s+(?:eligible\s+)?" + _PEOPLE + r"\s+(?:were|was|had\s+been|could\s+be|have\s+been)\s+"
                    r"(?:enroll?ed|recruited|randomi[sz]ed)\b")
_STATUS_SENTENCE = regex.compile(
    r"(?:\b(?:is|was|has\s+been|have\s+been|were)\s+(?:now\s+)?(?P<s1>completed|terminated|withdrawn|suspended)\b"
    # "completed the study" said of the participants ("45 participants (88%) completed the study") is no status
    r"|(?<!\b(?:" + _PEOPLE + r"|patient|participant|subject|child|one|each|all)\b[^.;:]{0,25})\b(?P<s2>completed)(?=[\s,]+(?:(?!\d+[\s,])[\w/-]+[\s,]+){0,5}(?:study|trial)\b(?!\s+(?:aerosol|drug|medication|visits?|products?|treatment|intervention|period|procedures?|questionnaires?|assessments?)\b))"
    r"|\bin\s+(?P<s3>recruiting)\s+status\b"
    r"|\b(?:is|are)\s+(?:currently\s+|still\s+)?(?P<s4>recruiting|not\s+yet\s+recruiting)\b"
    r"|\b(?P<s5>not\s+yet\s+recruiting)\b"
    r"|\b(?:is|are|was|remains?)\s+(?:currently\s+|now\s+|still\s+)?(?P<s6>open)\s+(?:for|to)\s+(?:recruitment|enrol?lment)\b"
    r"|\b(?P<s7>currently\s+recruiting)\b"
    r"|\b(?:is|are)\s+(?:anticipated|expected|planned|scheduled|due)\s+to\s+(?P<s8>start|begin|commence)\b"
    # stopped before anyone was enrolled: withdrawn; stopped early for its recruitment or futility: terminated
    r"|\b(?P<s9>(?:halted|stopped|closed|discontinued|abandoned|terminated)\b[^.;]{0,60}?\b(?:failure|failed|inability|unable)\s+to\s+"
    r"(?:enroll?|recruit|randomi[sz]e)\s+(?:a\s+single|any)\b|" + _NO_ONE_ENROLLED + r")"
    r"|\b(?P<s10>(?:halted|stopped|closed|discontinued)\s+(?:early\s+|prematurely\s+)?(?:for|due\s+to|because\s+of|owing\s+to)\s+"
    r"(?:[\w-]+\s+){0,3}?(?:futility|poor|slow|low|insufficient|inadequate|lack)\b))",
    regex.I,
)
# each branch of _STATUS_SENTENCE holds one of these words
_STATUS_WORDS = ("completed", "terminated", "withdrawn", "suspended", "recruiting", "open", "start", "begin", "commence",
                 "halted", "stopped", "closed", "discontinued", "abandoned", "enrolled", "enroled", "recruited", "randomi")
# the words of the branches whose printed word is not the status's own name
_STATUS_OF_GROUP = {"s6": "recruiting", "s7": "recruiting", "s8": "not yet recruiting", "s9": "withdrawn", "s10": "terminated"}
_STATUS_GROUPS = tuple(f"s{k}" for k in range(1, 11))


def find_status(text: str, in_table: bool = False) -> list[Mention]:
    if in_table:
        return [
            Mention("status", m.value, m.start, m.end, m.raw, "status", 0.95)
            for m in matcher("status").find(text)
            if not (m.value == "COMPLETED" and m.raw.lower() == "complete")
        ]
    if not has_any(fold_case(text), _STATUS_WORDS):
        return []
    return _status_in_sentence(text)


def _status_in_sentence(text: str) -> list[Mention]:
    out = []
    for m in _STATUS_SENTENCE.finditer(text):
        group = next(g for g in _STATUS_GROUPS if m.group(g))
        word = _STATUS_OF_GROUP.get(group, m.group(group))
        code = matcher("status").folded.get(fold(word))
        if code:
            s, e = m.span()
            out.append(Mention("status", code, s, e, text[s:e], "status", 0.8))
    return out


# ---------------------------------------------------------------- start date
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DATE = regex.compile(
    r"(?<![\w])(?:" + _MONTH + r"[\s\-/,]*(?:[0-3]?\d(?:st|nd|rd|th)?[\s,]+)?(?P<year>(?:19|20)[0-9][0-9])"
    r"|(?P<year2>(?:19|20)[0-9][0-9])[-/](?P<month2>0[1-9]|1[0-2])(?![\d/-]))(?![\w])",
    regex.I,
)
_START_CONTEXT = regex.compile(r"\b(?:start(?:ed|ing|s)?|began|begun|begin|initiated|commenced?|launched)\b", regex.I)
_START_WORDS = ("start", "began", "begun", "begin", "initiated", "commence", "launched")  # each branch holds one


def find_start_dates(text: str, in_table: bool = False) -> list[Mention]:
    """Month-year dates: in a table's date column as they stand; in a sentence only after 'started' etc."""
    # both forms of _DATE hold a year starting 19 or 20 (ASCII digits: no other case); a sentence
    # also needs a word of _START_CONTEXT
    if "19" not in text and "20" not in text:
        return []
    if not in_table and not has_any(fold_case(text), _START_WORDS):
        return []
    return _start_dates(text, in_table)


_START_YEAR = regex.compile(
    r"\b(?:start(?:ed|s|ing)?|began|begin|commenc(?:ed|e|es)|initiated|launched)\s+(?:in\s+)?(?:(?:early|mid|late)[\s-]+)?(?P<y>(?:19|20)\d\d)\b(?![-/]\d)",
    regex.I,
)


def _start_dates(text: str, in_table: bool) -> list[Mention]:
    if not in_table and not _START_CONTEXT.search(text):
        return []
    out = []
    if not in_table and not _DATE.search(text):  # "anticipated to start early 2015": the year alone
        return [Mention("start_date", m.group("y"), m.start("y"), m.end("y"), m.group("y"), "start_date", 0.6)
                for m in _START_YEAR.finditer(text)][:1]
    for m in _DATE.finditer(text):
        if m.group("year"):
            month = _MONTHS.get(word_key(m.group("month"))[:3])  # "ſep" (long s) too: see word_key
            if month is None:
                continue
            value = f"{m.group('year')}-{month:02d}"
        else:
            value = f"{m.group('year2')}-{m.group('month2')}"
        out.append(Mention("start_date", value, m.start(), m.end(), m.group(0), "start_date", 0.9 if in_table else 0.7))
    return out


# ---------------------------------------------------------------- enrollment
# (a period glued before the number ends a sentence, "receiving.20 patients", unless it is a decimal point)
_ENROLL = regex.compile(
    r"(?:(?<![\w.,/-])|(?<=\p{L}{3}\.))(?P<num>\d{1,3}(?:,\d{3})+|\d{1,5}|" + NUMBER_WORD + r")(?![\w.,/%-])"
    r"(?P<mid>(?:\s+(?!(?:of|in|with|per|from|to|and|or)\b)[\w'-]+){0,4}?)\s+" + _PEOPLE + r"\b",
    regex.I,
)
_ENROLL_VERB = regex.compile(r"\b(?:enroll?(?:ed|ing|ment)|recruit(?:ed|ing|ment)?|includ(?:ed|ing)|randomi[sz]ed|treated|participated|will\s+be\s+recruited|were\s+assigned|met\s+the)\b", regex.I)
_NOT_ENROLL_BEFORE = regex.compile(r"(?:\b(?:half|remaining|first|other|all|most|none|each|both|the|these|those)(?:\s+of(?:\s+the)?)?|(?<!\d\s)\bof|\bof\s+the|\bn\s*=)\s*$", regex.I)
_OF_IN = regex.compile(r"\b(?:of|in)\b")
# "three groups (six patients each)", "10 patients per arm": the size of a group, not the sample's
_GROUP_SIZE_AFTER = regex.compile(r"\s*(?:each|apiece|per\s+(?:group|arm|cohort|dose\s+level|level)|in\s+each(?:\s+(?:group|arm|cohort))?)\b", regex.I)
_PEOPLE_BUT_MEN = tuple(w for w in _PEOPLE_WORDS if w != "men")


def _may_name_people(folded: str) -> bool:
    r"""Whether `folded` (a `fold_case` text) holds a people word as _ENROLL needs it, after `\s+`.
    'men' is often inside other words ('treatment'), so it counts only after a space (`str.isspace`
    holds for every character `regex` calls \s)."""
    if has_any(folded, _PEOPLE_BUT_MEN):
        return True
    i = folded.find("men", 1)
    while i != -1:
        if folded[i - 1].isspace():
            return True
        i = folded.find("men", i + 1)
    return False


def find_enrollment(text: str, in_table: bool = False) -> list[Mention]:
    """'enrolled 162 patients', 'Eighteen patients', 'Approximately 27 subjects will be recruited'."""
    if not _may_name_people(fold_case(text)):
        return []
    return _enrollment(text)


_NONE_ENROLLED = regex.compile(_NO_ONE_ENROLLED, regex.I)


def _enrollment(text: str) -> list[Mention]:
    out = [Mention("enrollment", "0", m.start(), m.end(), m.group(0), "enrollment", 0.9) for m in _NONE_ENROLLED.finditer(text)]
    has_verb = None  # looked up at the first count only: most matches are dropped
    for m in _ENROLL.finditer(text):
        n = number_value(m.group("num"))
        if not n or n > 100000:
            continue
        before = text[max(0, m.start() - 12): m.start()]
        if _NOT_ENROLL_BEFORE.search(before):
            continue
        if _OF_IN.search(m.group("mid") or "") or _GROUP_SIZE_AFTER.match(text, m.end()):
            continue
        if has_verb is None:
            has_verb = bool(_ENROLL_VERB.search(text))
        conf = 0.9 if has_verb else 0.6
        out.append(Mention("enrollment", str(n), m.start(), m.end(), m.group(0), "enrollment", conf))
    return out


_BARE_INT = regex.compile(r"(?<![\w.,/\[\(^×*-])(?<!×\s)(\d{1,5})(?![\w.,/%\])^×-])(?!\s*[×x]\s*10)")  # not a dose's digits ("50×106", "40 × 106")


def find_bare_counts(text: str) -> list[Mention]:
    """Integers standing alone in a table row (the 'No. of patients' column)."""
    return [
        Mention("enrollment", str(int(m.group(1))), m.start(1), m.end(1), m.group(1), "enrollment", 0.85)
        for m in _BARE_INT.finditer(text)
        # isdecimal: `regex`'s \d knows digits newer than Python's int() does (U+11F50)
        if m.group(1).isdecimal() and not (1900 <= int(m.group(1)) <= 2100)
    ]


# ---------------------------------------------------------------- acronyms
ACRONYM = r"[A-Z][A-Z0-9]{2,}(?:-[A-Z0-9][A-Za-z0-9]*)*"
_NAMED = regex.compile(r"\b(?:named|called|termed|dubbed|acronym(?:ed)?|known\s+as)\s+(?:the\s+)?(?P<a>" + ACRONYM + r")(?![\w-])")
_BEFORE_PAREN = regex.compile(r"(?<![\w-])(?P<a>" + ACRONYM + r")\s*\((?=[^()]{0,300}\b(?:NCT\d{8}|ISRCTN\d{8}))")
_ID_THEN = regex.compile(r"(?<![\w-])(?P<a>" + ACRONYM + r")\s*\((?:NCT\d{8}|ISRCTN\d{8})\)")
# "the TRACE trial", "(MESEMS) study", "BRIDGE-2 study": an acronym followed by the word trial or study
# (on the same line or the next: a PDF's text breaks lines anywhere)
_TRIAL_WORD = regex.compile(
    r"(?<![\w-])(?:\(\s*)?(?P<a>" + ACRONYM + r")(?:\s*\))?(?:[ \t]+\n?|\n)[ \t]*(?:pilot[ \t]+|phase[ \t]+\w+[ \t]+|randomi[sz]ed[ \t]+)?(?:study|trial)\b"
)
_TRIAL_WORDS = ("study", "trial")
_SENTENCE_ACRONYMS = (_NAMED, _BEFORE_PAREN, _ID_THEN, _TRIAL_WORD)  # all of them: the plain path
_TITLE_PAREN = regex.compile(r"\((?:The\s+)?(?P<a>[A-Z][A-Za-z0-9]*[A-Z0-9](?:-[A-Za-z0-9]+)*)(?:\s+(?:Study|Trial|study|trial))?\)")
_TITLE_COLON = regex.compile(r"^\s*(?P<a>" + ACRONYM + r")\s*:")
# Prechecks (these patterns are case-sensitive: plain substring tests on the text): _NAMED needs one
# of these words; _BEFORE_PAREN and _ID_THEN need "(" and "NCT" or "ISRCTN".
_NAMING_WORDS = ("named", "called", "termed", "dubbed", "acronym", "known")

_THREE_LETTERS = regex.compile(r"[A-Za-z]{3,}")
_STOP = frozenset({
    "MSC", "MSCS", "COVID", "COVID19", "COVID-19", "SARS", "ARDS", "FDA", "GMP", "USA", "NIH", "WHO", "HLA",
    "NCT", "ISCT", "EMA", "CRISPR", "GVHD", "HSCT", "DNA", "RNA", "PCR", "MRI", "EBMT", "NHLBI", "UK", "EU",
    "CT", "CTS", "II", "III", "IV", "VEGF", "TGF", "IL", "TNF", "IFN", "BMT", "SVF", "EVS", "ECM",
})


def plausible_acronym(a: str) -> bool:
    """Could `a` be a trial's acronym? Not a common abbreviation (`_STOP`), three capitals or more,
    and not a vocabulary term (`BM-MSCs`, `GVHD`): a term that covers most of it. A term inside a
    name does not count (`MUST-ARDS`, `WJ-KNEE`)."""
    core = a.split("-")[0]
    if a.upper() in _STOP or core.upper() in _STOP:
        return False
    if sum(c.isupper() for c in a) < 3:
        return False
    for field in vocabulary_fields():
        for m in matcher(field).find(a):
            if len(m.raw) >= 0.75 * len(a):
                return False
    return True




def find_acronyms(text: str, in_title: bool = False) -> list[Mention]:
    """Trial acronyms: 'named SENECA', 'PERISCOPE (... NCT...)', 'JOINTSTEM (NCT...)'; in a title,
    a final parenthesis '(START)', '(The TRIDENT Study)' or a leading 'IMPACT:'."""
    if in_title:
        return _acronyms(text, True, (_TITLE_COLON,))
    rxs = (_NAMED,) if has_any(text, _NAMING_WORDS) else ()
    if "(" in text and ("NCT" in text or "ISRCTN" in text):
        rxs += (_BEFORE_PAREN, _ID_THEN)
    if has_any(fold_case(text), _TRIAL_WORDS):
        rxs += (_TRIAL_WORD,)
    return _acronyms(text, False, rxs) if rxs else []


def _acronyms(text: str, in_title: bool, rxs: tuple) -> list[Mention]:
    out = []
    for rx in rxs:
        for m in rx.finditer(text):
            a = m.group("a")
            if plausible_acronym(a):
                out.append(Mention("acronym", a, m.start("a"), m.end("a"), a, "acronym", 0.9))
    if in_title:
        parens = list(_TITLE_PAREN.finditer(text))
        # the title's last parenthesis (a run of final parentheses: the first plausible one)
        # (or the one before the title's colon: "... heart failure (MARROW-HF): a randomised phase I/II trial")
        tail = [p for p in parens if not _THREE_LETTERS.search(text[p.end():].replace("(", "").replace(")", "").replace("COVID19", ""))
                or text[p.end():p.end() + 3].lstrip().startswith(":")]
        for p in tail:
            a = p.group("a")
            if plausible_acronym(a) and not _is_abbreviation_of(text[: p.start()], a):
                out.append(Mention("acronym", a, p.start("a"), p.end("a"), a, "acronym", 0.9))
                break
    return out


_WORD = regex.compile(r"[A-Za-z][A-Za-z']*")
_SMALL_WORDS = frozenset({"of", "and", "the", "in", "for", "with", "on", "to"})


def _is_abbreviation_of(before: str, short: str) -> bool:
    """True when `short` is the initials of the words right before it (e.g. 'Red Blood Cell (RBC)')."""
    letters = [c.lower() for c in short if c.isalpha()]
    words = [w for w in _WORD.findall(before) if w.lower() not in _SMALL_WORDS]
    if len(words) < len(letters):
        return False
    initials = [w[0].lower() for w in words[-len(letters):]]
    return initials == letters


# ---------------------------------------------------------------- funders
# an institution's name: capitalised words, joined by 'of', 'for', 'and', 'the'...; an
# abbreviation in parentheses; it ends at the first word in lower case
_NAME = (r"[A-Z][\w'&.\-]*(?:\s+(?:(?:of|for|and|the|in|on|de|du|des|da|do|das|dos|di|del|della|der|den|la|le|y|e|à|al|van|von|und|&)\s+)*"
         r"(?:[A-Z][\w'&.\-]*|\([A-Z][\w&\-]*\)))*")
_NAME_TAIL = r"(?:\s+(?:programme|program|initiative|scheme|network))?"
_NAMES = (r"(?P<who>" + _NAME + _NAME_TAIL + r"(?:\s*,\s*(?:and\s+)?(?:by\s+)?(?:the\s+)?" + _NAME + _NAME_TAIL
          + r")*(?:\s*,?\s+and\s+(?:the\s+)?" + _NAME + _NAME_TAIL + r")?)")
_FUNDING_STATEMENTS = (
    # "funded by the X", "supported by a grant from X, Y and the Z"
    regex.compile(
        r"\b(?i:funded|sponsored|supported|financed)\s+(?:in\s+part\s+|jointly\s+|mainly\s+|so\s+far\s+)?by\s+"
        r"(?:an?\s+(?:[\w\-]+\s+){0,3}(?:grant|award|fellowship)s?\s+from\s+)?(?:the\s+)?" + _NAMES
    ),
    # "is receiving funding from X", "received a grant from X"
    regex.compile(
        r"\b(?:receiv(?:ed|es|ing)|obtained|was\s+awarded)\s+(?:[\w\-]+\s+){0,2}(?:funding|support|grants?|a\s+grant)\s+from\s+(?:the\s+)?"
        + _NAMES
    ),
    # "X, Y and the Z provided grant support"
    regex.compile(r"(?:^|(?<=[.;:]\s))(?:The\s+)?" + _NAMES + r"\s+(?:provided|provides|gave)\s+(?:[\w\-]+\s+){0,2}(?:support|funding|grants?)\b"),
)
_FUNDER_SPLIT = regex.compile(r"\s*,\s*(?:and\s+)?(?:by\s+)?(?:the\s+)?|\s+and\s+(?:by\s+)?the\s+")
_FUNDING_WORDS = ("funded", "sponsored", "supported", "financed", "funding", "grant", "support")
_AUTHOR_FUNDED = regex.compile(r"\b[A-Z]{2,4}\s+(?:is|was|has\s+been|are|were)\s+(?:\w+\s+)?$")  # "LJM is supported by a fellowship"
# the funding of a person or of another study, said in the sentence before the statement (or after)
PERSONAL_REACH = 160
_PERSONAL_BEFORE = regex.compile(
    r"(?i)\b(?:fellowships?|scholarships?|studentships?|career\s+(?:award|development)|personal\s+(?:award|grant)|chair)\b"
    r"|\ban?\s+(?:[\w-]+\s+){0,2}(?:trials?|stud(?:y|ies))\s+$"
)
_UNRELATED_AFTER = regex.compile(r"(?i)^[^;]{0,80}?\b(?:for|of|in)\s+(?:an?\s+)?(?:unrelated|other|another|separate)\b")
_SUBJECT_STATEMENT = 2  # the statement of _FUNDING_STATEMENTS whose funders are its subject ("X provided support")
_INITIALS = regex.compile(r"[A-Z]{1,3}(?:\s*(?:,|and|&)\s*[A-Z]{1,3})*")  # "KP", "KP and NS": people's initials
_COUNTRIES = frozenset({
    "Australia", "USA", "UK", "Canada", "China", "Germany", "France", "Italy", "Spain", "Japan", "Korea", "India",
    "Iran", "Brazil", "Netherlands", "Sweden", "Denmark", "Switzerland", "Belgium", "Austria", "Norway", "Finland",
})
_NOT_FUNDER = regex.compile(r"^(?:[A-Z][a-z]+\s+)?(?:Department|Division|Unit|Health\s+Trainers?)\b|^(?:I|We|It|This|They|Dr|Prof)$")


def find_funders(text: str) -> list[Mention]:
    """Sponsors named by a funding statement: 'funded by the National Institute for Health Research
    (NIHR)', 'supported by a grant from X, Y and the Z'. Each institution is one value, as printed
    (its line breaks as spaces)."""
    if not has_any(fold_case(text), _FUNDING_WORDS):
        return []
    out = []
    for rx_index, m in ((i, m) for i, rx in enumerate(_FUNDING_STATEMENTS) for m in rx.finditer(text)):
        if _AUTHOR_FUNDED.search(text, max(0, m.start() - 30), m.start()):
            continue  # an author's fellowship, not the study's funding
        before = text[max(0, m.start() - PERSONAL_REACH):m.start()]
        before = before[max(before.rfind(". "), before.rfind(".\n")) + 1:]
        after = text[m.end():m.end() + PERSONAL_REACH].split(". ")[0]
        if _PERSONAL_BEFORE.search(before) or _UNRELATED_AFTER.search(after):
            continue  # "LJM holds a Fellowship; a programme funded by X", "a trial supported by X", "for an unrelated study"
        who, base, pos = m.group("who"), m.start("who"), 0
        for part in _FUNDER_SPLIT.split(who):
            at = who.find(part, pos)
            pos = at + len(part)
            part = part.rstrip(".")
            name = " ".join(part.split())
            if len(name) < 3 or len(name.split()) > 15 or _NOT_FUNDER.search(name) or name in _COUNTRIES:
                continue
            if rx_index == _SUBJECT_STATEMENT and _INITIALS.fullmatch(name):
                continue  # "KP and NS provided support in the design": authors, by their initials
            out.append(Mention("sponsors", name, base + at, base + at + len(part), part, "funders", 0.8))
    return out
