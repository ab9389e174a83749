"""Citations and the numbered reference list: trials known only by their publication.

`parse_references(text, start)` reads a numbered reference list (`65. Horwitz EM, ... 1999;5:309`,
`[12] Le Blanc, K., ... (2008).`) into {number: Reference(surname, year)}.
`find_citation_anchors(text)` finds `Surname et al. [65]` (also broken over lines).
`publication_id(surname, year)` gives the contract's `ref:<surname>-<year>` slug.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import regex

from pipeline.models import Mention


@dataclass(frozen=True)
class Reference:
    number: int
    surname: str
    year: str
    start: int
    end: int


# Reference numbers and years are ASCII digits: `regex`'s \d also matches digits of scripts newer
# than Python's Unicode tables, which int() rejects (a ValueError on "[\U00011f51]").
_REF_START = regex.compile(r"(?m)^[ \t]*(?:\[(?P<n1>[0-9]{1,4})\]|(?P<n2>[0-9]{1,4})\.)[ \t]+(?=\S)")
_HEADING = regex.compile(r"(?mi)^[ \t]*#*[ \t]*(?:references|bibliography|literature cited|reference list)[ \t]*:?[ \t]*$")
_YEAR_VANCOUVER = regex.compile(r"(?<!\d)((?:19|20)[0-9][0-9])[a-z]?\s*(?:;|:\s*\d|\.\s*(?:doi|https?))")
_YEAR_APA = regex.compile(r"\(((?:19|20)[0-9][0-9])[a-z]?\)")
_YEAR_ANY = regex.compile(r"(?<![\d/.-])((?:19|20)[0-9][0-9])(?![\d/-])")
_PARTICLE = r"(?:(?:van|von|der|den|de|del|della|di|da|du|le|la|dos|das|ten|ter|st\.?)\s+)"
_SURNAME_VANC = regex.compile(r"^\s*(?P<s>" + _PARTICLE + r"*[\p{Lu}][\p{L}'’\-]+(?:[ -][\p{Lu}][\p{L}'’\-]+)?)\s+(?:[\p{Lu}]{1,3})\b[,.]")
_SURNAME_APA = regex.compile(r"^\s*(?P<s>" + _PARTICLE + r"*[\p{Lu}][\p{L}'’\-]+(?:\s[\p{Lu}][\p{L}'’\-]+)?),\s+[\p{Lu}]\.")


def find_reference_section(text: str) -> int | None:
    """Offset where the reference list starts (after a 'References' heading), or None."""
    heads = list(_HEADING.finditer(text))
    if heads:
        return heads[-1].end()
    return None


_LINE_BREAK_HYPHEN = regex.compile(r"-\s*\n\s*")
_SPACE_RUN = regex.compile(r"\s+")


def parse_references(text: str, start: int | None = None) -> dict[int, Reference]:
    if start is None:
        start = find_reference_section(text)
    if start is None:
        return {}
    starts = [m for m in _REF_START.finditer(text, start)]
    refs: dict[int, Reference] = {}
    expected = None
    for k, m in enumerate(starts):
        n = int(m.group("n1") or m.group("n2"))
        if expected is not None and n != expected and n in refs:
            continue
        end = starts[k + 1].start() if k + 1 < len(starts) else len(text)
        body = _LINE_BREAK_HYPHEN.sub("", text[m.end():end])
        body = _SPACE_RUN.sub(" ", body).strip()
        sm = _SURNAME_APA.match(body) or _SURNAME_VANC.match(body)
        if sm and (_YEAR_VANCOUVER.search(body) or _YEAR_APA.search(body) or _YEAR_ANY.search(body)):
            refs[n] = Reference(n, sm.group("s"), _pick_year(body), m.start(), end)
        expected = n + 1
    return refs


def _pick_year(body: str) -> str:
    m = _YEAR_APA.search(body)
    if m:
        return m.group(1)
    v = list(_YEAR_VANCOUVER.finditer(body))
    if v:
        return v[0].group(1)
    a = list(_YEAR_ANY.finditer(body))
    return a[-1].group(1) if a else ""


def slug(name: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    return regex.sub(r"[^a-z0-9]+", "-", ascii_).strip("-")


def publication_id(surname: str, year: str) -> str:
    return f"ref:{slug(surname)}-{year}"


_ANCHOR = regex.compile(
    r"(?P<name>(?:" + _PARTICLE + r")*[\p{Lu}][\p{L}'’\-]+(?:[ \t]+[\p{Lu}][\p{L}'’\-]+)?)[ \t]*\n?[ \t]*"
    r"et[ \t]*\n?[ \t]*al\.?,?[ \t]*\n*[ \t]*\[(?P<num>[0-9]{1,4})\]"
)


def find_citation_anchors(text: str) -> list[Mention]:
    """`Surname et al. [n]` anchors (a table's reference cell). value = the reference number."""
    return [
        Mention("citation", m.group("num"), m.start(), m.end(), m.group(0), "citations", 1.0, (("name", m.group("name")),))
        for m in _ANCHOR.finditer(text)
    ]


_BRACKET = regex.compile(r"\[(?P<body>[0-9]{1,4}(?:\s*[,–-]\s*[0-9]{1,4})*)\]")
_NUMBER = regex.compile(r"[0-9]+")


def find_bracket_citations(text: str) -> list[tuple[int, int, tuple[int, ...], bool]]:
    """Bracketed citations: (start, end, numbers, is_single). `[73-76]` and `[87,88]` are not single."""
    out = []
    if "[" not in text:  # _BRACKET starts with "[": most sentences cite nothing
        return out
    for m in _BRACKET.finditer(text):
        body = m.group("body")
        nums = tuple(int(x) for x in _NUMBER.findall(body))
        out.append((m.start(), m.end(), nums, len(nums) == 1))
    return out
