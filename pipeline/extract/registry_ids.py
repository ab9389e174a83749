"""Find clinical-trial registry ids printed in text and read them into their canonical form.

Covers ClinicalTrials.gov, the EU registers (EudraCT / EU CTR and CTIS), ISRCTN and the WHO primary
registries: ChiCTR, ANZCTR, CTRI, DRKS, IRCT, jRCT, UMIN-CTR, CRiS (KCT), the Netherlands Trial
Register (NTR / NL / NL-OMON), PACTR, SLCTR, TCTR, ReBEC, RPCEC, REPEC, LBCTR and ITMCTR.

Public functions (pure, no state):

    find_registry_ids(text) -> list[Mention]  every id printed in `text`, sorted by start
    canonical_id(printed)   -> str | None      one printed id (e.g. "NCT 0428 8102") -> "NCT04288102"
    registry_of(canonical)  -> str | None      "NCT04288102" -> "ctgov"

How it works. `FORMATS` is a table of frozen `IdFormat` records, one per printed form of an id. Each
record holds a regular expression for the id *as printed* (prefix variants, spaces, hyphens, Unicode
dashes and line breaks inside it), a template that assembles the canonical id from the pattern's
named groups, and a regular expression for the canonical id, which both validates what the template
built (lengths, year ranges) and answers `registry_of`. One function, `_scan`, applies the table.

Forms that are easily confused with other numbers (a bare EudraCT number with odd separators, the
Netherlands "NL 1234") are only accepted when printed in their strict shape or when a registry word is
near them (`strict` / `context` in the record).

Digits glued after an id. Tables printed by publishers run a reference number (a superscript lost in
extraction: "NCT01234567²" -> "NCT012345672") or the next cell's digits into the id. Where a registry's
ids end in a fixed count of digits (NCT 8, ISRCTN 8, DRKS 8, RPCEC 8, KCT 7, UMIN 9, jRCT 9, ChiCTR 10,
or 8 in the old form, TCTR 11, ACTRN 14, and the last group of CTRI and SLCTR ids), that number printed
unbroken and followed by 1 to MAX_TAIL more digits is read as its first digits (`_or_glued`, `glued` in
the record), with confidence GLUED_CONFIDENCE, only where the text says it is a table's (`_glued_at`):
the id is glued to a letter or digit before it (a run-together row: "4NCT0345678921 × 107"), or two
letters follow the digits (the next cell: "NCT0123456712Improved"), or the id and its digits fill a
cell (nothing else between a line end, a "|" or a tab on each side). In running prose
("registered as NCT012345678 in 2015") more digits than an id holds may be a typo just as well, and
are refused; so are 4 digits or more (no reference number), an id printed with breaks inside it, and
the registries whose ids have no fixed length (PACTR, LBCTR, ITMCTR, IRCT's sequence number, NTR/NL)
or no prefix (EudraCT, CTIS). A capital prefix glued to a lower-case word before it ("12 wkNCT...")
is read too (`_lead_cased`): the case change is where two cells meet.

Speed: every pattern starts with a literal (or a digit) and puts its left-boundary look-behind *after*
it, so `re` can jump between candidate positions with its fast prefix scan instead of trying the
look-behind at every character; case-insensitive patterns only run when their registry prefix occurs in
the text at all (`triggers`, a plain substring test on the lower-cased text). Before that, `_may_hold_id`
rejects with a few substring tests (and one short pattern) the texts in which no format can match,
which are most texts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from pipeline.extract.prechecks import has_any
from pipeline.models import Mention

__all__ = ["find_registry_ids", "canonical_id", "registry_of", "FORMATS", "IdFormat", "REGISTRY_CODES"]

EXTRACTOR = "registry_ids"
FIELD = "trial_id"

# Every registry code this module can emit (the `registry` column of the trials table, less "publication").
REGISTRY_CODES = (
    "ctgov", "euctr", "ctis", "isrctn", "chictr", "anzctr", "ctri", "drks", "irct", "jrct", "umin",
    "kct", "ntr", "pactr", "slctr", "tctr", "rebec", "rpcec", "repec", "lbctr", "itmctr",
)

# How far (characters, each side) to look for a registry word next to an id that needs one.
CONTEXT_CHARS = 60
# At most this many digits glued after an id's fixed-length number are read as a reference number or
# the next cell (see the module docstring); the confidence of an id read that way.
MAX_TAIL = 3
GLUED_CONFIDENCE = 0.8

# --------------------------------------------------------------------------------------------------
# Building blocks of the printed-id patterns. All patterns are compiled with re.ASCII, so \d is 0-9,
# \w is [A-Za-z0-9_] and IGNORECASE folds ASCII letters only (no Kelvin-sign or long-s surprises).
# Sub-patterns are written so that consecutive parts start with different characters: no nested
# ambiguity, hence no catastrophic backtracking on long runs of spaces.
# --------------------------------------------------------------------------------------------------
_DASH_CHARS = "\\-\u00ad\u2010\u2011\u2012\u2013\u2014\u2212"  # ASCII hyphen, soft hyphen, Unicode dashes
_D = f"[{_DASH_CHARS}]"  # one hyphen or dash
_HS = "[ \\t\u00a0\u2002\u2009\u202f]"  # one horizontal space (incl. no-break and thin spaces)
_EOL = "(?:\\r\\n|\\r|\\n)"  # one line end
_WRAP = f"(?:{_EOL}{_HS}*)"  # a line end and the indentation of the next line

# Optional break inside a fixed-length number: spaces, one hyphen/dash, one line end (any of them).
_GAP = f"(?:{_HS}*(?:{_D}{_HS}*)?{_WRAP}?)"
# Optional break inside a variable-length number: only a line end (maybe after a hyphen). A space is
# not allowed there, or "PACTR201509001193106 2 patients" would read as a 16-digit id.
_LINE_GAP = f"(?:{_D}?{_WRAP})"
# Mandatory separator between the groups of an EudraCT/CTIS number: a dash (maybe before a line end)
# or a line end. Spaces alone are not enough: "2019 123456 12" is more likely three numbers.
_BREAK = f"(?:{_HS}*{_D}{_HS}*{_WRAP}?|{_HS}*{_WRAP})"
# Between a registry prefix and its number: "NCT04288102", "NCT 0428", "NCT-04", "NCT#00", "NCT: 04",
# "ISRCTN identifier: 13837944", "UMIN:000000562", a line end after the prefix, the prefix as the
# abbreviation of the registry's name ("... Trial Number (ISRCTN): 13837944").
_PREFIX_GAP = (
    f"(?:\\)?{_HS}*(?:(?:identifier|number|no|id)\\.?{_HS}*)?"
    f"(?:(?:[#:]|{_D}){_HS}*)?{_WRAP}?)"
)
# "/" inside CTRI and SLCTR ids, with optional spaces and a possible line end after it.
_SLASH = f"(?:{_HS}*/{_HS}*{_WRAP}?)"
# A short separator for case-sensitive prefixes (NTR, NL): spaces, one of # : or a dash.
_SHORT_GAP = f"(?:{_HS}*(?:(?:[#:]|{_D}){_HS}*)?)"

_LETTER = "[^\\W\\d_]"  # a letter (ASCII under re.ASCII)
_WORD = "\\w"  # a letter, digit or underscore


def _fixed(n: int) -> str:
    """Exactly `n` digits, possibly broken by `_GAP`s ("0428 8102", "0428-\\n8102")."""
    return f"\\d(?:{_GAP}\\d){{{n - 1}}}(?!\\d)"


def _unbroken(n: int) -> str:
    """Exactly `n` digits, unbroken (the last group of a CTRI or SLCTR id)."""
    return f"\\d{{{n}}}(?!\\d)"


def _or_glued(digits: str, n: int) -> str:
    """`digits` (the pattern of an `n`-digit number, ending in `(?!\\d)`), or else `n` unbroken digits
    followed by 1..MAX_TAIL more, which the match leaves out: "01234567" of "0123456712". A match
    followed by a digit took the second way (see `_glued_at`)."""
    return f"(?:{digits}|\\d{{{n}}}(?=\\d{{1,{MAX_TAIL}}}(?!\\d)))"


# Any number of digits, possibly broken once by a line end; the length is checked by the canonical regex.
_VAR = f"\\d+(?:{_LINE_GAP}\\d+)?(?!\\d)"


def _lead(literal: str, before: str = _LETTER) -> str:
    """`literal` not preceded by a character of class `before`.

    The look-behind is placed after the literal (it re-reads the literal), so the compiled pattern
    starts with the literal and `re` can use its fast prefix scan.
    """
    return f"{literal}(?<!{before}{literal})"


def _lead_cased(literal: str) -> str:
    """`literal` (in a case-insensitive pattern) not preceded by a letter, except when it is printed
    as `literal` is spelled and starts with a capital glued to a lower-case letter: "wkNCT04288102",
    where the cells of a run-together row meet, but not "wknct04288102" nor "ANCT04288102"."""
    if not literal[:1].isupper():
        return _lead(literal)
    return f"{literal}(?:(?<!{_LETTER}{literal})|(?<=(?-i:[a-z]{literal})))"


# Registry words that make an odd-looking EudraCT/CTIS number (commas, en dashes, line breaks) credible.
_EU_CONTEXT = re.compile(
    r"eudra\s*ct|\beu[\s-]*ctr?\b|eu\s+clinical\s+trials?\s+regist|clinicaltrialsregister\.eu|\bctis\b",
    re.IGNORECASE,
)
# Words that make a Netherlands "NL 1234" credible (compact "NL1234" is accepted without them).
_NL_CONTEXT = re.compile(
    r"netherlands|dutch|trial\s*regist|trialregister|\bNTR\b|\bregist|\btrials?\b",
    re.IGNORECASE,
)

_EU_YEAR = f"(?P<year>\\d(?<![\\w./{_DASH_CHARS}]\\d)\\d{{3}})"  # 4 digits, not inside a longer token
_EU_SERIAL = "(?P<serial>\\d{6}|\\d{3}[,.\u2009\u202f ]\\d{3})"  # "003741" or "003,741"


# --------------------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class IdFormat:
    """One printed form of one registry's ids.

    `pattern` finds the id as printed; `template` (str.format over the pattern's named groups, each
    cleaned to its letters and digits; a group name ending in `_uc` / `_lc` is upper-/lower-cased)
    builds the canonical id, which must fullmatch `canonical`. If `strict` is set, a printed id that
    does not fullmatch it is only accepted with a `context` match within CONTEXT_CHARS; a strict one
    without context gets `bare_confidence`. `triggers` (lower-case) gate case-insensitive patterns:
    the pattern only runs if one of them occurs in the lower-cased text; empty means always run.
    `glued`: the pattern ends in an `_or_glued` number; a match followed by a digit is kept only where
    `_glued_at` holds, with GLUED_CONFIDENCE.
    """

    code: str
    pattern: re.Pattern
    template: str
    canonical: re.Pattern
    triggers: tuple[str, ...] = ()
    strict: Optional[re.Pattern] = None
    context: Optional[re.Pattern] = None
    bare_confidence: float = 1.0
    glued: bool = False


def _fmt(code: str, pattern: str, template: str, canonical: str, *, ci: bool = True,
         triggers: tuple[str, ...] = (), strict: Optional[str] = None,
         context: Optional[re.Pattern] = None, bare_confidence: float = 1.0,
         glued: bool = False) -> IdFormat:
    """An `IdFormat` from pattern sources; `ci` makes the printed pattern case-insensitive."""
    flags = re.ASCII | (re.IGNORECASE if ci else 0)
    return IdFormat(
        code=code,
        pattern=re.compile(pattern, flags),
        template=template,
        canonical=re.compile(canonical, re.ASCII),
        triggers=tuple(triggers),
        strict=re.compile(strict, re.ASCII) if strict else None,
        context=context,
        bare_confidence=bare_confidence,
        glued=glued,
    )


def _prefixed(code: str, prefix: str, digits: str, canonical_prefix: str,
              canonical_digits: str) -> IdFormat:
    """The common case: a case-insensitive registry prefix, a separator, then the number."""
    return _fmt(
        code,
        f"{_lead(prefix)}{_PREFIX_GAP}(?P<num>{digits})",
        canonical_prefix + "{num}",
        re.escape(canonical_prefix) + canonical_digits,
        triggers=(prefix.lower(),),
    )


def _prefixed_fixed(code: str, prefix: str, n: int) -> IdFormat:
    """A registry prefix (as the canonical id spells it), a separator, then `n` digits (`_or_glued`)."""
    return _fmt(
        code,
        f"{_lead_cased(prefix)}{_PREFIX_GAP}(?P<num>{_or_glued(_fixed(n), n)})",
        prefix + "{num}",
        re.escape(prefix) + f"\\d{{{n}}}",
        triggers=(prefix.lower(),),
        glued=True,
    )


FORMATS: tuple[IdFormat, ...] = (
    # ClinicalTrials.gov: NCT + 8 digits ("NCT 0428 8102", "nct04288102", "NCT#00379470"); glued:
    # "3NCT031234561Dose B" is NCT03123456, then the cell "1", then "Dose B".
    _prefixed_fixed("ctgov", "NCT", 8),
    # CTIS (EU CT number): YYYY-5NNNNN-NN-NN. Listed before EudraCT; the longer form wins overlaps.
    _fmt(
        "ctis",
        f"{_EU_YEAR}{_BREAK}{_EU_SERIAL}{_BREAK}(?P<cc>\\d{{2}}){_BREAK}(?P<nn>\\d{{2}})"
        f"(?!\\w|{_D}\\d)",
        "{year}-{serial}-{cc}-{nn}",
        r"20[2-3]\d-\d{6}-\d{2}-\d{2}",
        strict=r"\d{4}-\d{6}-\d{2}-\d{2}",
        context=_EU_CONTEXT,
        bare_confidence=0.9,
    ),
    # EudraCT: YYYY-NNNNNN-NN (1990..2039). "2012–003,741-\n15" needs a registry word nearby.
    # A trailing member-state code ("2020-001934-37-ES") is not part of the id.
    _fmt(
        "euctr",
        f"{_EU_YEAR}{_BREAK}{_EU_SERIAL}{_BREAK}(?P<cc>\\d{{2}})(?!\\w|{_D}\\d)",
        "{year}-{serial}-{cc}",
        r"(?:199\d|20[0-3]\d)-\d{6}-\d{2}",
        strict=r"\d{4}-\d{6}-\d{2}",
        context=_EU_CONTEXT,
        bare_confidence=0.9,
    ),
    # ISRCTN + 8 digits ("ISRCTN 13837944", "ISRCTN identifier: 13837944").
    _prefixed_fixed("isrctn", "ISRCTN", 8),
    # ChiCTR, current form: ChiCTR + 10 digits (ChiCTR2000029990).
    _prefixed_fixed("chictr", "ChiCTR", 10),
    # ChiCTR, old form: ChiCTR-<study type>-8 digits (ChiCTR-TRC-12001234, ChiCTR-IOR-15005943).
    _fmt(
        "chictr",
        f"{_lead_cased('ChiCTR')}{_HS}*{_D}{_HS}*(?P<kind_uc>[a-z]{{2,5}}){_HS}*{_D}?{_HS}*"
        f"(?P<num>{_or_glued(_fixed(8), 8)})",
        "ChiCTR-{kind_uc}-{num}",
        r"ChiCTR-[A-Z]{2,5}-\d{8}",
        triggers=("chictr",),
        glued=True,
    ),
    # ANZCTR: ACTRN + 14 digits; also the number after the registry name ("ANZCTR 12607000161426").
    _prefixed_fixed("anzctr", "ACTRN", 14),
    _fmt(
        "anzctr",
        f"{_lead_cased('ANZCTR')}{_PREFIX_GAP}(?P<num>{_or_glued(_fixed(14), 14)})",
        "ACTRN{num}",
        r"ACTRN\d{14}",
        triggers=("anzctr",),
        glued=True,
    ),
    # CTRI/YYYY/MM/NNNNNN (old form CTRI/YYYY/NNN/NNNNNN).
    _fmt(
        "ctri",
        f"{_lead_cased('CTRI')}{_HS}*(?:(?:/|:|{_D}){_HS}*)?(?P<year>\\d{{4}}){_SLASH}"
        f"(?P<month>\\d{{2,3}}){_SLASH}(?P<serial>{_or_glued(_unbroken(6), 6)})",
        "CTRI/{year}/{month}/{serial}",
        r"CTRI/20\d\d/\d{2,3}/\d{6}",
        triggers=("ctri",),
        glued=True,
    ),
    # DRKS + 8 digits.
    _prefixed_fixed("drks", "DRKS", 8),
    # IRCT + date and serial digits + N + a sequence number (IRCT201101185620N1, IRCT20181201041815N1;
    # early ids use Iranian-calendar years, IRCT1387...). "IRCT...N" without the number is not an id.
    _fmt(
        "irct",
        f"{_lead('IRCT')}{_PREFIX_GAP}(?P<num>\\d+(?:{_LINE_GAP}\\d+)?)N(?P<seq>\\d{{1,3}})(?!\\d)",
        "IRCT{num}N{seq}",
        r"IRCT\d{10,16}N\d{1,3}",
        triggers=("irct",),
    ),
    # jRCT + one letter (or 1/2) + 9 digits (jRCTs031180164, jRCT2031210083).
    _fmt(
        "jrct",
        f"{_lead('jRCT')}(?P<kind_lc>[a-z12])(?P<num>{_or_glued(_fixed(9), 9)})",
        "jRCT{kind_lc}{num}",
        r"jRCT[a-z12]\d{9}",
        triggers=("jrct",),
        glued=True,
    ),
    # UMIN-CTR: UMIN + 9 digits ("UMIN000012345", "UMIN:000000562", "UMIN-CTR 000012345").
    _fmt(
        "umin",
        f"{_lead_cased('UMIN')}(?:{_D}?CTR)?{_PREFIX_GAP}(?P<num>{_or_glued(_fixed(9), 9)})",
        "UMIN{num}",
        r"UMIN\d{9}",
        triggers=("umin",),
        glued=True,
    ),
    # CRiS (Korea): KCT + 7 digits.
    _prefixed_fixed("kct", "KCT", 7),
    # Netherlands Trial Register, old ids: NTR + digits (upper case only; NTR1 is a receptor, p75NTR
    # a gene, so at least 3 digits and no letter or digit before).
    _fmt(
        "ntr",
        f"{_lead('NTR', _WORD)}{_SHORT_GAP}(?P<num>\\d{{3,5}})(?!\\w|[.,/]\\d)",
        "NTR{num}",
        r"NTR\d{3,5}",
        ci=False,
    ),
    # Netherlands, ids since 2018: NL + 4-5 digits. Upper case only. Compact "NL9229" is accepted alone
    # (lower confidence); a spaced "NL 9229" needs a registry word nearby. Never part of a longer
    # token ("NL26560.042.09", "pNL4-3", "nl-2012-302759").
    _fmt(
        "ntr",
        f"NL(?<![\\w./{_DASH_CHARS}]NL){_SHORT_GAP}(?P<num>\\d{{4,5}})(?!\\w|[.,/{_DASH_CHARS}]\\d)",
        "NL{num}",
        r"NL\d{4,5}",
        ci=False,
        strict=r"NL\d{4,5}",
        context=_NL_CONTEXT,
        bare_confidence=0.8,
    ),
    # Netherlands, Overview of Medical Research ids: NL-OMON + digits.
    _fmt(
        "ntr",
        f"NL(?<!\\wNL){_D}OMON(?P<num>\\d{{4,6}})(?!\\d)",
        "NL-OMON{num}",
        r"NL-OMON\d{4,6}",
        ci=False,
    ),
    # PACTR + 15 digits (early ids have 16: PACTR2010020001429343).
    _prefixed("pactr", "PACTR", _VAR, "PACTR", r"\d{15,16}"),
    # SLCTR/YYYY/NNN.
    _fmt(
        "slctr",
        f"{_lead_cased('SLCTR')}{_HS}*(?:(?:/|:|{_D}){_HS}*)?(?P<year>\\d{{4}}){_SLASH}"
        f"(?P<num>{_or_glued(_unbroken(3), 3)})",
        "SLCTR/{year}/{num}",
        r"SLCTR/(?:19|20)\d\d/\d{3}",
        triggers=("slctr",),
        glued=True,
    ),
    # Thai Clinical Trials Registry: TCTR + 11 digits (TCTR20170313001).
    _prefixed_fixed("tctr", "TCTR", 11),
    # ReBEC (Brazil): RBR- + a digit and 5-7 letters/digits (RBR-6s9t4q). Prefix upper case only.
    _fmt(
        "rebec",
        f"{_lead('RBR', _WORD)}{_HS}*{_D}{_HS}*(?P<code_lc>\\d[0-9A-Za-z]{{5,7}})(?!\\w)",
        "RBR-{code_lc}",
        r"RBR-\d[0-9a-z]{5,7}",
        ci=False,
    ),
    # RPCEC (Cuba): RPCEC + 8 digits (RPCEC00000123).
    _prefixed_fixed("rpcec", "RPCEC", 8),
    # REPEC (Peru): PER-NNN-YY, upper case with dashes only ("per 100 000" is a rate).
    _fmt(
        "repec",
        f"{_lead('PER', _WORD)}{_D}(?P<num>\\d{{3}}){_D}(?P<year>\\d{{2}})(?!\\w|{_D}\\d)",
        "PER-{num}-{year}",
        r"PER-\d{3}-\d{2}",
        ci=False,
    ),
    # Lebanon: LBCTR + digits (LBCTR2019020190).
    _prefixed("lbctr", "LBCTR", _VAR, "LBCTR", r"\d{8,12}"),
    # International Traditional Medicine registry: ITMCTR + digits.
    _prefixed("itmctr", "ITMCTR", _VAR, "ITMCTR", r"\d{8,12}"),
)


# --------------------------------------------------------------------------------------------------
# Prechecks: most texts hold no id, and a few substring tests are far cheaper than 25 patterns.
# Each format gets a necessary condition for a match (`_prechecks` finds it, at import, or raises):
# a format with `triggers` only runs when one is in the lower-cased text; the others are compiled
# without IGNORECASE and start with a literal prefix, or with the EudraCT/CTIS year.
# --------------------------------------------------------------------------------------------------
_DIGITS = tuple("0123456789")  # every pattern has \d, which is [0-9] under re.ASCII
_TRIGGER_PARTS = ("nct", "rct", "ctr", "kct", "drks", "umin", "rpcec")  # each trigger holds one
_PREFIXES = ("NTR", "NL", "RBR", "PER")  # NL also starts NL-OMON
# EudraCT and CTIS numbers start with a year, a break and a serial, whose first 3 digits end this
# pattern (theirs without the year's look-behind; `\d\d\d\d` is scanned faster than `\d{4}`).
_EU_START = re.compile(f"\\d\\d\\d\\d{_BREAK}\\d\\d\\d", re.ASCII)


def _prechecks(formats: tuple[IdFormat, ...]) -> tuple[Optional[str], ...]:
    """Per format, None if it has triggers (each holding one of _TRIGGER_PARTS), else the literal of
    _PREFIXES that its pattern starts with, before its look-behind (see `_lead`); "" for the
    EudraCT/CTIS year; ValueError if neither."""
    out: list[Optional[str]] = []
    for fmt in formats:
        source = fmt.pattern.pattern
        if fmt.triggers:
            if not all(any(part in t for part in _TRIGGER_PARTS) for t in fmt.triggers):
                raise ValueError(f"registry_ids: a trigger of {fmt.code!r} holds none of _TRIGGER_PARTS")
            out.append(None)
        elif source.startswith(_EU_YEAR):
            out.append("")
        else:
            prefix = next((p for p in _PREFIXES if source.startswith(p + "(?<")), None)
            if prefix is None or fmt.pattern.flags & re.IGNORECASE:
                raise ValueError(f"registry_ids: format {fmt.code!r} has no precheck (see _may_hold_id)")
            out.append(prefix)
    return tuple(out)


_PREFIX_OF = _prechecks(FORMATS)
_NON_ALNUM = re.compile(r"[^0-9A-Za-z]")
# A registry name printed in front of an id, stripped by canonical_id ("EudraCT number: 2012-...").
_LEAD_LABEL = re.compile(
    r"^(?:eudra\s*ct|eu[\s-]*ctr?|ctis|clinicaltrials\.gov|anzctr|umin[\s-]*ctr"
    r"|[a-z ]*(?:trials?\s+regist(?:er|ry)|trial\s+number))"
    r"(?:[\s-]*(?:number|no\.?|identifier|id|registration\s+number))?[\s:#.(]*",
    re.IGNORECASE,
)
# A suffix after an EU CTR number naming the member state ("2020-001934-37-ES").
_EU_STATE_SUFFIX = re.compile(r"[-/][A-Z]{2}", re.ASCII)
_TRIM = " \t\r\n()[]{}.,;:"


# --------------------------------------------------------------------------------------------------
# The one function that applies the table
# --------------------------------------------------------------------------------------------------
def _build(fmt: IdFormat, m: re.Match) -> Optional[str]:
    """The canonical id for a match of `fmt.pattern`, or None if it fails `fmt.canonical`."""
    parts = {}
    for name, printed in m.groupdict().items():
        clean = _NON_ALNUM.sub("", printed or "")
        if name.endswith("_uc"):
            clean = clean.upper()
        elif name.endswith("_lc"):
            clean = clean.lower()
        parts[name] = clean
    value = fmt.template.format(**parts)
    return value if fmt.canonical.fullmatch(value) else None


_TAIL = re.compile(f"\\d{{1,{MAX_TAIL}}}", re.ASCII)
_ALNUM = re.compile("[0-9A-Za-z]", re.ASCII)
_TWO_LETTERS = re.compile(f"{_LETTER}{{2}}", re.ASCII)
_CELL_SPACE = " \u00a0\u2002\u2009\u202f"  # `_HS` less the tab, which separates cells
_CELL_EDGE = "|\t\r\n"


def _glued_at(text: str, start: int, end: int) -> bool:
    """Does the text say that the digits glued after the match `text[start:end]` of an `_or_glued`
    number are a table's reference number or next cell?

    Yes when the id is glued to a letter or digit before it (a run-together row; the lead allows only
    a digit, or a lower-case letter before a capital prefix), when two letters follow the digits (the
    next cell glued on), or when the id and its digits fill a cell: only spaces between them and a line
    end, "|" or tab (or the text's start or end) on each side.
    """
    if start and _ALNUM.match(text, start - 1):
        return True  # "4NCT0345678921 × 107", "wkNCT0123456712"
    tail_end = _TAIL.match(text, end).end()
    if _TWO_LETTERS.match(text, tail_end):
        return True  # "NCT0123456712Improved", "3NCT031234561Dose B"
    i = start
    while i and text[i - 1] in _CELL_SPACE:
        i -= 1
    j = tail_end
    while j < len(text) and text[j] in _CELL_SPACE:
        j += 1
    return (i == 0 or text[i - 1] in _CELL_EDGE) and (j == len(text) or text[j] in _CELL_EDGE)


def _may_hold_id(text: str, lower: str) -> bool:
    """False when no format can match `text` (`lower` is `text.lower()`): see the prechecks above."""
    return has_any(text, _DIGITS) and (
        has_any(lower, _TRIGGER_PARTS) or has_any(text, _PREFIXES) or _EU_START.search(text) is not None
    )


def _scan(text: str, use_context: bool = True) -> list[Mention]:
    if not text:
        return []
    lower = text.lower()  # for the substring tests only (its offsets are never used)
    if not _may_hold_id(text, lower):
        return []
    return _apply_formats(text, lower, use_context, _may_run(text, lower))


def _may_run(text: str, lower: str) -> tuple[bool, ...]:
    """Per format, whether its precheck passes (see _PREFIX_OF)."""
    eu = None
    out = []
    for fmt, prefix in zip(FORMATS, _PREFIX_OF):
        if prefix is None:
            out.append(has_any(lower, fmt.triggers))
        elif prefix:
            out.append(prefix in text)
        else:
            if eu is None:
                eu = _EU_START.search(text) is not None
            out.append(eu)
    return tuple(out)


def _apply_formats(text: str, lower: str, use_context: bool, run: tuple[bool, ...]) -> list[Mention]:
    """The mentions of the formats whose `run` flag (one per format) is true."""
    found: list[Mention] = []
    for fmt, may_match in zip(FORMATS, run):
        if not may_match:
            continue
        for m in fmt.pattern.finditer(text):
            value = _build(fmt, m)
            if value is None:
                continue
            start, end = m.span()
            confidence = 1.0
            if fmt.glued and _TAIL.match(text, end):
                if not _glued_at(text, start, end):
                    continue  # more digits than the id holds, in running text
                confidence = GLUED_CONFIDENCE
            if fmt.strict is not None and use_context:
                near = fmt.context.search(
                    text, max(0, start - CONTEXT_CHARS), min(len(text), end + CONTEXT_CHARS)
                )
                if near is None:
                    if not fmt.strict.fullmatch(m.group()):
                        continue  # odd-looking and nothing says it is an id
                    confidence = fmt.bare_confidence
            found.append(
                Mention(
                    field=FIELD,
                    value=value,
                    start=start,
                    end=end,
                    raw=m.group(),
                    extractor=EXTRACTOR,
                    confidence=confidence,
                    data=(("registry", fmt.code),),
                )
            )
    # Sorted by start, longest first; a mention overlapping an earlier kept one is dropped, so each
    # printed id yields one mention (e.g. a CTIS number is not also read as a EudraCT number).
    found.sort(key=lambda x: (x.start, -x.end))
    kept: list[Mention] = []
    last_end = -1
    for mention in found:
        if mention.start >= last_end:
            kept.append(mention)
            last_end = mention.end
    return kept


# --------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------
def find_registry_ids(text: str) -> list[Mention]:
    """Every registry id printed in `text`, as `trial_id` mentions sorted by start.

    `value` is the canonical id, `start:end` the id as printed (prefix, spaces, hyphens and line breaks
    inside it included), `raw == text[start:end]`, `data == (("registry", code),)`.
    """
    return _scan(text)


def canonical_id(printed: str) -> Optional[str]:
    """The canonical form of one printed id ("NCT 0428 8102" -> "NCT04288102"); None if not an id.

    The whole string must be one id, optionally after a registry name ("EudraCT number 2012-003741-15").
    The caller vouches that it is an id, so no context word is required.
    """
    if not isinstance(printed, str):
        return None
    text = printed.strip(_TRIM)
    candidates = (text, _LEAD_LABEL.sub("", text, count=1).strip(_TRIM))
    for candidate in candidates:
        for m in _scan(candidate, use_context=False):
            if m.start != 0:
                continue
            if m.end == len(candidate):
                return m.value
            if m.get("registry") == "euctr" and _EU_STATE_SUFFIX.fullmatch(candidate, m.end):
                return m.value
    return None


def registry_of(canonical: str) -> Optional[str]:
    """The registry code of a canonical id ("NCT04288102" -> "ctgov"); None if it is not one."""
    if not isinstance(canonical, str):
        return None
    for fmt in FORMATS:
        if fmt.canonical.fullmatch(canonical):
            return fmt.code
    return None
