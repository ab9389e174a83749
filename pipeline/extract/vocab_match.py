"""Find vocabulary terms in text: a matcher built from a `Vocabulary` (synonyms, abbreviations,
patterns), returning one `Mention` per non-overlapping match with the entry's code as value.

Every search is defined by a pattern of the `regex` module (`(?i)` synonyms, exact abbreviations,
exclusions, the paper's own terms). The synonym and abbreviation alternations are also compiled
for the standard library's `re`, grouped by first character (`b(?:one marrow|lood)|a(?:...)`),
and the case-insensitive ones run on lower-cased text: several times faster, and the same
matches whenever the text has no character on which the two engines could disagree (`_plain`);
a text that has one is searched with the `regex` patterns. Entry `patterns` always use `regex`,
skipped when a literal every match contains (`required_literals`) is absent.
Matchers are built once per process (`matcher`) and never change.
"""
from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Mapping, Optional

import regex

from pipeline import vocab as vocabularies
from pipeline.models import Mention
from pipeline.vocab import Vocabulary, fold

_LEFT = r"(?<![\w])"
_RIGHT = r"(?![\w])"
_NOT_PRINTABLE_ASCII = re.compile(r"[^\x20-\x7e\n]")
_META = frozenset("[](){}.*+?^$|\\")


def synonym_pattern(synonym: str) -> str:
    """A regex for a synonym: words joined by flexible space/hyphen; apostrophes optional."""
    words = regex.split(r"[\s\-]+", synonym.strip())
    parts = [regex.escape(w).replace("'", "['’]?").replace(r"\'", "['’]?") for w in words if w]
    return r"[\s\-]*".join(parts)


def _ordered(items) -> list[str]:
    """Alternatives longest first (ties by text, so the order does not depend on hashing)."""
    return sorted(set(items), key=lambda p: (-len(p), p))


def _alternation(items) -> str:
    return "|".join(_ordered(items))


def _first_atom(pattern: str) -> Optional[str]:
    """The literal character a pattern starts with (escaped or not); None if it starts otherwise."""
    if pattern[:1] == "\\" and len(pattern) > 1 and not pattern[1].isalnum():
        return pattern[:2]
    if pattern and pattern[0] not in _META:
        return pattern[0]
    return None


def factored_alternation(items) -> str:
    """The alternation `_alternation(items)` with alternatives grouped by their first character.

    Only alternatives that start with the same character can match at the same place, and inside
    a group they keep their order, so a backtracking engine finds the same match at every
    position; it just stops trying the other groups' alternatives at the first character."""
    ordered = _ordered(items)
    atoms = [_first_atom(p) for p in ordered]
    if None in atoms:
        return "|".join(ordered)
    groups: dict[str, tuple[str, list[str]]] = {}  # the character -> (its atom as written, rests)
    for atom, p in zip(atoms, ordered):
        groups.setdefault(atom[-1], (atom, []))[1].append(p[len(atom):])
    return "|".join(atom + "(?:" + "|".join(rests) + ")" if rests != [""] else atom for atom, rests in groups.values())


# ---------------------------------------------------------------- when `re` finds what `regex` finds
@lru_cache(maxsize=None)
def _plain_char(c: str) -> bool:
    """Do `re` (on `c` and on `c.lower()`) and `regex` (on `c`, ignoring case) agree on `c`:
    the same `\\w` and `\\s`, and `c.lower()` equal to an ASCII letter exactly when `regex`
    matches `c` to that letter ignoring case?"""
    low = c.lower()
    if len(low) != 1:
        return False
    for cls in (r"\w", r"\s"):
        if not (re.match(cls, c) is not None) == (regex.match(cls, c) is not None) == (re.match(cls, low) is not None):
            return False
    return all((regex.fullmatch(a, c, regex.I) is not None) == (low == a) for a in string.ascii_lowercase)


@dataclass(frozen=True)
class _Prepared:
    """A text the fast patterns find in what the `regex` patterns find: lower-cased."""

    lowered: str


@lru_cache(maxsize=16)
def _prepare(text: str) -> Optional[_Prepared]:
    """The text prepared for the fast `re` patterns, or None when it has a character on which
    they could find something else than the `regex` patterns (see `_plain_char`)."""
    odd = _NOT_PRINTABLE_ASCII.findall(text)
    if odd and not all(_plain_char(c) for c in set(odd)):
        return None
    return _Prepared(text.lower())


@lru_cache(maxsize=None)
def _regex_compile(pattern: str):
    return regex.compile(pattern)


@dataclass(frozen=True)
class _Alternation:
    """Alternatives searched at word starts: a `regex` pattern, and the same as a fast `re`
    pattern (run on the lower-cased text when `on_lowered`)."""

    slow_pattern: str  # for `regex`, compiled when a text needs it (`slow`)
    fast: object
    on_lowered: bool
    alternatives: tuple[str, ...]  # as given (the `regex` syntax `re` reads too)

    @classmethod
    def build(cls, alternatives: list[str], ignore_case: bool) -> "_Alternation":
        slow = ("(?i)" if ignore_case else "") + _LEFT + "(?:" + _alternation(alternatives) + ")" + _RIGHT
        fast_alternatives = [p.lower() for p in alternatives] if ignore_case else list(alternatives)
        fast = re.compile(_LEFT + "(?:" + factored_alternation(fast_alternatives) + ")" + _RIGHT)
        return cls(slow, fast, ignore_case, tuple(alternatives))

    @property
    def slow(self):
        return _regex_compile(self.slow_pattern)

    def finditer(self, text: str, prepared: Optional[_Prepared], starts: Optional[list[int]] = None):
        """The matches of `slow.finditer(text)`. With `starts` (ascending; every place a match may
        start, from `VocabSet`), the fast pattern is tried only there, as `finditer` would."""
        if prepared is None:
            return self.slow.finditer(text)
        string = prepared.lowered if self.on_lowered else text
        if starts is None:
            return self.fast.finditer(string)
        return _matches_at(self.fast, string, starts)


def _matches_at(rx: re.Pattern, string: str, starts: list[int]):
    """What `rx.finditer(string)` yields when `rx` can match only at `starts`: left to right,
    no match starting inside the previous one."""
    end = -1
    for p in starts:
        if p >= end:
            m = rx.match(string, p)
            if m is not None:
                yield m
                end = m.end()


# ---------------------------------------------------------------- required literals of a pattern
def required_literals(pattern: str) -> tuple[tuple[str, ...], bool]:
    """Runs of literal characters at the top level of `pattern` (not optional, not inside a
    group or a class): every match contains each of them. Returns (literals, ignore_case);
    no literals when the pattern cannot be read by `re`'s parser."""
    try:
        from re import _parser as sre_parse  # Python >= 3.11
    except ImportError:  # pragma: no cover
        import sre_parse  # type: ignore
    try:
        parsed = sre_parse.parse(pattern)
    except Exception:
        return (), False
    literal = sre_parse.LITERAL
    runs, cur = [], []
    for op, arg in list(parsed) + [(None, None)]:
        if op is literal and chr(arg) not in "{}":  # braces: maybe `regex` syntax `re` reads as text
            cur.append(chr(arg))
        elif cur:
            runs.append("".join(cur))
            cur = []
    ignore_case = bool(parsed.state.flags & re.IGNORECASE)
    if ignore_case:
        runs = [r.lower() for r in runs]
    return tuple(sorted(set(runs), key=len, reverse=True)), ignore_case


@dataclass(frozen=True)
class _Pattern:
    """An entry pattern (`regex`), with the literals its every match contains."""

    rx: object
    code: str
    literals: tuple[str, ...]
    ignore_case: bool

    def finditer(self, text: str, prepared: Optional[_Prepared]):
        """`rx.finditer(text)`, or nothing when a required literal is missing. Ignoring case, the
        literals are looked for in the lower-cased text only when it is plain (`_prepare`)."""
        haystack = text if not self.ignore_case else prepared.lowered if prepared is not None else None
        if haystack is not None:
            for literal in self.literals:
                if literal not in haystack:
                    return ()
        return self.rx.finditer(text)


# ---------------------------------------------------------------- the matcher
@dataclass(frozen=True)
class VocabMatcher:
    field: str
    extractor: str
    insensitive: Optional[_Alternation]  # synonyms, ignoring case
    sensitive: Optional[_Alternation]  # case-sensitive abbreviations
    patterns: tuple  # _Pattern
    exact: Mapping  # case-sensitive synonym -> code
    folded: Mapping  # folded synonym -> code
    excludes: tuple  # (_Alternation, code)

    def find(self, text: str, extra: dict | None = None) -> list[Mention]:
        """Every match in `text`; `extra` maps further (paper-defined) case-sensitive terms to codes."""
        return self._find(text, _prepare(text), extra)

    def _find(self, text: str, prepared: Optional[_Prepared], extra: dict | None,
              starts: tuple[Optional[list[int]], Optional[list[int]]] = (None, None)) -> list[Mention]:
        found: list[tuple[int, int, str]] = []
        if self.insensitive is not None:
            for m in self.insensitive.finditer(text, prepared, starts[0]):
                code = self.folded.get(fold(m.group(0)))
                if code:
                    found.append((m.start(), m.end(), code))
        if self.sensitive is not None:
            for m in self.sensitive.finditer(text, prepared, starts[1]):
                found.append((m.start(), m.end(), self.exact[m.group(0)]))
        for p in self.patterns:
            for m in p.finditer(text, prepared):
                if m.end() > m.start():
                    found.append((m.start(), m.end(), p.code))
        if extra:
            for m in _extra_alternation(tuple(sorted(extra))).finditer(text, prepared):
                found.append((m.start(), m.end(), extra[m.group(0)]))
        if not found:
            return []
        if self.excludes:
            codes = {f[2] for f in found}
            blocked = [
                (m.start(), m.end(), code)
                for alternation, code in self.excludes if code in codes
                for m in alternation.finditer(text, prepared)
            ]
            if blocked:
                found = [f for f in found if not any(b[2] == f[2] and b[0] < f[1] and f[0] < b[1] for b in blocked)]
        # keep the longest of overlapping matches, leftmost first
        found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
        out: list[Mention] = []
        last_end = -1
        for start, end, code in found:
            if start < last_end:
                continue
            out.append(Mention(self.field, code, start, end, text[start:end], self.extractor))
            last_end = end
        return out


@dataclass(frozen=True)
class VocabSet:
    """Several vocabularies searched together, finding exactly what each matcher's `find` finds.

    One scan of the text finds every place where a synonym of any of them may start (a
    zero-width lookahead over all their alternatives, so no place is skipped), one more every
    place where an abbreviation may; each vocabulary's own pattern is then tried only there."""

    matchers: tuple[VocabMatcher, ...]
    insensitive_starts: object  # `re`, on lower-cased text
    sensitive_starts: object  # `re`

    @classmethod
    def build(cls, matchers) -> "VocabSet":
        matchers = tuple(matchers)
        ins = [a for m in matchers if m.insensitive is not None for a in m.insensitive.alternatives]
        sens = [a for m in matchers if m.sensitive is not None for a in m.sensitive.alternatives]
        return cls(matchers, _starts_pattern([a.lower() for a in ins]), _starts_pattern(sens))

    def find(self, text: str, extra: Mapping[str, dict] | None = None) -> list[Mention]:
        """Each vocabulary's matches in `text`, vocabulary by vocabulary; `extra` maps a field to
        its paper-defined terms."""
        extra = extra or {}
        prepared = _prepare(text)
        if prepared is None:
            return [m for matcher in self.matchers for m in matcher._find(text, None, extra.get(matcher.field))]
        starts = (
            [m.start() for m in self.insensitive_starts.finditer(prepared.lowered)] if self.insensitive_starts else [],
            [m.start() for m in self.sensitive_starts.finditer(text)] if self.sensitive_starts else [],
        )
        return [m for matcher in self.matchers for m in matcher._find(text, prepared, extra.get(matcher.field), starts)]


def _starts_pattern(alternatives: list[str]) -> Optional[re.Pattern]:
    if not alternatives:
        return None
    return re.compile(_LEFT + "(?=(?:" + factored_alternation(alternatives) + ")" + _RIGHT + ")")


@lru_cache(maxsize=None)
def vocab_set(fields: tuple[str, ...]) -> VocabSet:
    """The packaged vocabularies of `fields`, searched together (cached)."""
    return VocabSet.build(matcher(f) for f in fields)


@lru_cache(maxsize=256)
def _extra_alternation(terms: tuple[str, ...]) -> _Alternation:
    """A paper's own case-sensitive terms."""
    return _Alternation.build([regex.escape(t) for t in terms], ignore_case=False)


def build_matcher(v: Vocabulary, extractor: str | None = None) -> VocabMatcher:
    insens, exact, folded, patterns, excludes = [], {}, {}, [], []
    for e in v.entries:
        for syn in (e.label,) + e.synonyms:
            insens.append(synonym_pattern(syn))
            folded.setdefault(fold(syn), e.code)
        for syn in e.case_sensitive:
            exact[syn] = e.code
        for p in e.patterns:
            literals, ignore_case = required_literals(p)
            patterns.append(_Pattern(regex.compile(_LEFT + "(?:" + p + ")" + _RIGHT), e.code, literals, ignore_case))
        for x in e.exclude:
            excludes.append((_Alternation.build([synonym_pattern(x)], ignore_case=True), e.code))
    ins = _Alternation.build(insens, ignore_case=True) if insens else None
    sens = _Alternation.build([regex.escape(s) for s in exact], ignore_case=False) if exact else None
    return VocabMatcher(
        v.field, extractor or f"vocab:{v.field}", ins, sens, tuple(patterns),
        MappingProxyType(exact), MappingProxyType(folded), tuple(excludes),
    )


@lru_cache(maxsize=None)
def matcher(field: str) -> VocabMatcher:
    """The matcher of a packaged vocabulary (cached)."""
    return build_matcher(vocabularies.load(field))
