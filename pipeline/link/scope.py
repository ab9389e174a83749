"""Scopes wider than a sentence: the document's own trial and the sections it speaks of it in.

A paper, abstract or registry record that states its own registration ("This trial is registered
with ClinicalTrials.gov, number NCT...", "Trial registration: ...", "ClinicalTrials.gov Identifier:",
a record's "Registration number" field) has an own trial; ids it merely cites do not. What its
title, abstract and methods state without naming a trial belongs to that trial (document scope),
but not what its background, introduction or discussion say (those speak of other studies).
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

import regex

from pipeline.extract.registry_ids import find_registry_ids

REGISTRATION_CUE = regex.compile(
    r"(?i)\b(?:(?:prospectively|retrospectively)\s+)?registered\s+(?:with|at|in|on|under|as|to)\b"
    r"|\b(?:clinical\s+)?trials?\s+registration\b|\bregistration\s+(?:number|no\b|id\b|numbers|details)"
    r"|\bclinicaltrials\.gov\s+(?:identifier|id\b|number|registration)|\bidentifier\s*:|\bregistry\s+(?:number|id\b|no\b)"
    r"|\beudract\s*(?:number|no\b|id\b)|\b(?:trial|study|protocol)\s+(?:id|number|no)\b\.?\s*:?|\bregistration\s*:"
    r"|\bregistered\s+(?:trial|under\s+the\s+number)"
    r"|\b(?:NCT|ISRCTN|ChiCTR|ACTRN|ANZCTR|CTRI|DRKS|IRCT|UMIN|jRCT|EudraCT|CTIS)\s+(?:number|no\b|id\b|identifier)"
)
# a document's one trial, named in a bracket with its study's name ("... received the vesicles once
# (MEXVT study, NCT04313647)"): its own, when the document names no other trial
OWN_NAME_BRACKET = regex.compile(r"(?i)\((?:the\s+)?[\w-]+\s+(?:study|trial)\s*[,;:]\s*$")
CUE_BEFORE = 200  # a cue this far before the id still counts (a record's label on the line above)
FRONT_SHARE = 0.4  # an own registration is stated in the first part of a paper...
FRONT_MIN = 6000  # ...or in its first characters
MAX_TRIALS_OF_A_REPORT = 4  # a paper naming more trials than this states its own registration up front

HEADING = regex.compile(
    r"(?im)^[ \t]*(?:\d{1,2}\.?[ \t]+)?(?:\*\*)?(?P<name>abstract|summary|background|introduction|objectives?|aims?"
    r"|methods?|methods?\s*/\s*design|methods?\s+and\s+(?:analysis|design)|materials\s+and\s+methods|patients\s+and\s+methods"
    r"|(?:study|trial)\s+design|design|participants|interventions?|setting|(?:main\s+)?outcome\s+measures?|outcomes?"
    r"|ethics\s+and\s+dissemination"
    r"|results|findings|discussion|conclusions?|interpretation|trial\s+registration|registration|(?:trial|study)\s+status|funding|acknowledge?ments?"
    r"|references|keywords?|limitations|rationale|research\s+summary|summary\s+of\s+research)(?:\*\*)?[ \t]*(?::|$)"
)
# sections that speak of other studies: nothing in them is the document's own trial's
OTHER_STUDIES = frozenset({
    "background", "introduction", "discussion", "conclusion", "conclusions", "interpretation", "references",
    "acknowledgments", "acknowledgements", "keywords", "keyword", "limitations", "rationale",
})


@dataclass
class OwnTrials:
    """The trials a document states as its own: primary ids in order, and each further id of one
    of them (`aliases`: an id printed with the trial's other registration, e.g. its EudraCT number)."""

    ids: list[str] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)  # other id -> primary id
    statements: list[tuple[int, int]] = field(default_factory=list)  # spans of the registration statements
    # a report of several trials names each by a label its registration line gives it ("Pilot one:
    # NCT...", "Study 2 (ISRCTN...)"): primary id -> the pattern of the names it goes by in the text
    # ("the first pilot", "pilot 1", "the second study")
    labels: dict[str, "regex.Pattern"] = field(default_factory=dict)


ORDINALS = (
    ("first", "one", "1", "i", "a", "1st"),
    ("second", "two", "2", "ii", "b", "2nd"),
    ("third", "three", "3", "iii", "c", "3rd"),
    ("fourth", "four", "4", "iv", "d", "4th"),
)
_LABEL_NOUNS = r"(?:pilot|study|trial|part|cohort|stage|arm|protocol|substudy|sub-study|experiment)s?"
_ORDINAL_WORD = "|".join(sorted({w for forms in ORDINALS for w in forms}, key=len, reverse=True))
# the label before an id on its registration line: "Pilot one:", "Study 2 -", "(Trial A)", "Part B, NCT number:"
_LABEL = regex.compile(
    r"(?i)\W*(?P<noun>" + _LABEL_NOUNS + r")\s+(?P<ord>" + _ORDINAL_WORD + r")\b"
    r"|\W*(?:the\s+)?(?P<ord2>first|second|third|fourth)\s+(?P<noun2>" + _LABEL_NOUNS + r")\b"
)


def _ordinal(word: str) -> int | None:
    word = word.lower()
    return next((k for k, forms in enumerate(ORDINALS) if word in forms), None)


def label_pattern(noun: str, k: int) -> "regex.Pattern":
    """The names of the k-th labelled trial (0-based) of a `noun` ("pilot"): "the first pilot", "the
    re-designed second pilot RCT", "pilot one", "Pilot 1", "Pilot II", "Study B" (a letter or a roman
    numeral in capitals)."""
    stem = regex.escape(noun.lower().rstrip("s"))
    word, number, digit, roman, letter, short = ORDINALS[k]
    return regex.compile(
        r"\b(?i:(?:" + word + "|" + short + r")\s+(?:[\w-]+\s+)?" + stem + r"s?|" + stem + r"\s+(?:" + number + "|" + digit + r"))\b(?![-/.]\w)"
        r"|\b(?i:" + stem + r")\s+(?:" + roman.upper() + "|" + letter.upper() + r")\b(?![-/.]\w)"
    )


def _primary_first(ids: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A trial's ids with its ClinicalTrials.gov id first, else as printed."""
    return sorted(ids, key=lambda x: x[1] != "ctgov")


def group_registrations(ids: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """Ids printed together as one statement (`(id, registry)` in order) grouped into trials: ids of
    different registries are one trial; two ids of one registry are two trials."""
    registries = [r for _, r in ids]
    if len(set(registries)) == len(registries):
        return [_primary_first(ids)] if ids else []
    return [[x] for x in ids]


def find_own_trials(text: str, sentences: list[tuple[int, int, list]]) -> OwnTrials:
    """The document's own trials, from the sentences that state a registration: (start, end, the
    registry ids the sentence prints, as `find_registry_ids` gives them)."""
    own = OwnTrials()
    front = max(FRONT_MIN, int(len(text) * FRONT_SHARE))
    late_ok = None  # may a statement stand after the front part? (not in a review naming many trials)
    labelled = []  # (primary id, label noun, ordinal) of each registration line that labels its trial
    head = len(text) - len(text.lstrip())  # where the document's first line starts
    for s, e, found in sentences:
        if not found:
            continue
        # a record headed by its id ("ISRCTN12345678" / "NCT01234567 – <title>" as its first line)
        heads = s <= head and not text[head:s + found[0].start].strip()
        if not heads and not REGISTRATION_CUE.search(text, max(0, s - CUE_BEFORE), e):
            continue
        if s > front:
            if late_ok is None:
                late_ok = len({m.value for m in find_registry_ids(text)}) <= MAX_TRIALS_OF_A_REPORT
            if not late_ok:
                break
        own.statements.append((s, e))
        # one line of a statement lists one trial's registrations ("Italy: EudraCT, 2011-..., and
        # ClinicalTrials.gov, NCT..."), when the statement names several trials of one registry; a
        # statement of one id per registry is one trial, even wrapped over lines ("ACTRN... (date);\n
        # ClinicalTrials.gov Identifier NCT...")
        registries = [m.get("registry", "") for m in {m.value: m for m in found}.values()]
        one_trial = len(set(registries)) == len(registries)
        by_line: dict[int, list] = {}  # a line (or the whole statement) -> its ids, in order
        for m in found:
            line_start = text.rfind("\n", 0, s + m.start) + 1
            label = _LABEL.match(text, line_start, s + m.start)
            key = 0 if one_trial and not label else line_start + 1
            by_line.setdefault(key, []).append((m, label))
        for key, printed in by_line.items():
            ids = [(m.value, m.get("registry", "")) for m, _ in printed]
            label = printed[0][1]
            groups = group_registrations(list(dict.fromkeys(ids)))
            if label and len(groups) == 1:
                k = _ordinal(label.group("ord") or label.group("ord2"))
                if k is not None:
                    labelled.append((groups[0][0][0], (label.group("noun") or label.group("noun2")), k))
            for group in groups:
                primary = group[0][0]
                primary = own.aliases.get(primary, primary)
                if primary not in own.ids:
                    own.ids.append(primary)
                for other, _ in group[1:]:
                    if other != primary and other not in own.ids:
                        own.aliases[other] = primary
    if not own.ids:
        _one_named_trial(text, sentences, own)
    if len({k for _, _, k in labelled}) >= 2:  # labels tell trials apart only when there are two or more
        for tid, noun, k in labelled:
            own.labels.setdefault(own.aliases.get(tid, tid), label_pattern(noun, k))
    return own


def _one_named_trial(text: str, sentences: list[tuple[int, int, list]], own: OwnTrials) -> None:
    """A document that names one trial only, in a bracket with its study's name, and states no
    registration: that trial is its own (an abstract: "24 volunteers received ... (MEXVT study,
    NCT04313647)")."""
    named = {m.value for _, _, found in sentences for m in found}
    if len(named) != 1:
        return
    for s, e, found in sentences:
        for m in found:
            if OWN_NAME_BRACKET.search(text, max(s, s + m.start - 60), s + m.start):
                own.statements.append((s, e))
                own.ids.append(m.value)
                return


class Sections:
    """The heading each offset of a text stands under (lower case, '' before the first): a heading
    line (`Methods`) or a label opening a line (`Methods: ...`)."""

    def __init__(self, text: str):
        self.starts: list[int] = []
        self.names: list[str] = []
        if "\n" not in text:
            return
        for m in HEADING.finditer(text):
            self.starts.append(m.start())
            self.names.append(regex.sub(r"\s+", " ", m.group("name").lower()))

    def at(self, offset: int) -> str:
        k = bisect_right(self.starts, offset) - 1
        return self.names[k] if k >= 0 else ""

    def speaks_of_own(self, offset: int) -> bool:
        return self.at(offset) not in OTHER_STUDIES

    def same(self, a: int, b: int) -> bool:
        """Do offsets a and b stand under one heading (a passage does not cross into the next section)?"""
        return bisect_right(self.starts, a) == bisect_right(self.starts, b)
