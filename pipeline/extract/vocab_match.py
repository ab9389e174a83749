"""Find vocabulary terms in text: a matcher built from a `Vocabulary` (synonyms, abbreviations,
patterns), returning one `Mention` per non-overlapping match with the entry's code as value.

Every search is defined by a pattern of the `regex` module (`(?i)` synonyms, exact abbreviations,
exclusions, the paper's own terms). The synonym and abbreviation alternations are also compiled
for the standard library's `re`, as tries (`b(?:one(?: marrow|)|lood)|a(?:...)`), and the
case-insensitive ones run on lower-cased text: several times faster, and the same matches
whenever the text has no character on which the two engines could disagree (`_plain_char`); a
text that has one is searched with the `regex` patterns. Entry `patterns` always use `regex`,
skipped when a literal every match contains (`required_literals`) is absent.
Matchers are built once per process (`matcher`) and never change. `VocabSet` searches several
vocabularies at once, with one scan of the text for all their synonyms and abbreviations.
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
    """The literal character a pattern starts with (escaped or not); None if it starts otherwise,
    or if the character is quantified (`s?`: the pattern may start with something else)."""
    if pattern[:1] == "\\" and len(pattern) > 1 and not pattern[1].isalnum():
        atom = pattern[:2]
    elif pattern and pattern[0] not in _META:
        atom = pattern[0]
    else:
        return None
    return None if pattern[len(atom):len(atom) + 1] in ("?", "*", "+", "{") else atom


_BAR = re.compile(r"(?<!\\)(?:\\\\)*\|")  # a `|` not escaped


def factored_alternation(items) -> str:
    """The alternation `_alternation(items)` as a trie: alternatives grouped by their first
    character, and the rest of each group's alternatives grouped the same way, recursively.

    A backtracking engine tries alternatives in order and takes the first that lets the whole
    pattern match. Alternatives starting with different literal characters never match at the
    same place, so moving one before another changes nothing; within a group they keep their
    order. An alternative that does not start with a literal (`[\\s\\-]*x`, or the empty rest of a
    shorter one) might match wherever any other does: it stays in place, and no alternative
    after it joins a group from before it. So the engine finds the same match at every
    position; it just stops trying most alternatives at their first characters."""
    ordered = _ordered(items)
    if any(_BAR.search(p) for p in ordered):  # not one alternative each: leave them alone
        return "|".join(ordered)
    return "|".join(_trie(ordered))


def _trie(ordered: list[str]) -> list[str]:
    """The alternatives of `factored_alternation(ordered)`, none with a `|` outside a group."""
    parts: list = []  # an alternative kept in place (str), or [atom as written, rests]
    groups: dict[str, list] = {}  # the groups alternatives may still join: character -> part
    for p in ordered:
        atom = _first_atom(p) if p else None
        if atom is None:
            parts.append(p)
            groups = {}
            continue
        group = groups.get(atom[-1])
        if group is None:
            group = groups[atom[-1]] = [atom, []]
            parts.append(group)
        group[1].append(p[len(atom):])
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        else:
            atom, rests = part
            inner = _trie(rests) if len(rests) > 1 else rests
            out.append(atom + inner[0] if len(inner) == 1 else atom + "(?:" + "|".join(inner) + ")")
    return out


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


def _lowered(text: str) -> Optional[str]:
    """The text lower-cased for the fast `re` patterns, or None when it has a character on which
    they could find something else than the `regex` patterns (see `_plain_char`). A plain text
    and its lower-cased form have the same length, character for character."""
    if _NOT_PRINTABLE_ASCII.search(text) is not None:
        odd = set(_NOT_PRINTABLE_ASCII.findall(text))
        if not all(_plain_char(c) for c in odd):
            return None
    return text.lower()


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
    fast_alternation: str  # `fast` without its word boundaries
    literals: tuple[str, ...]  # in every match of `fast` (of a single alternative; see `required_literals`)

    @classmethod
    def build(cls, alternatives: list[str], ignore_case: bool) -> "_Alternation":
        slow = ("(?i)" if ignore_case else "") + _LEFT + "(?:" + _alternation(alternatives) + ")" + _RIGHT
        fast_alternatives = [p.lower() for p in alternatives] if ignore_case else list(alternatives)
        fast_alternation = factored_alternation(fast_alternatives)
        fast = re.compile(_LEFT + "(?:" + fast_alternation + ")" + _RIGHT)
        literals, ignoring_case = required_literals(fast_alternatives[0]) if len(set(fast_alternatives)) == 1 else ((), False)
        return cls(slow, fast, ignore_case, tuple(alternatives), fast_alternation, () if ignoring_case else literals)

    @property
    def slow(self):
        return _regex_compile(self.slow_pattern)

    def finditer(self, text: str, lowered: Optional[str]):
        """The matches of `slow.finditer(text)`; `lowered` is `_lowered(text)`."""
        if lowered is None:
            return self.slow.finditer(text)
        string = lowered if self.on_lowered else text
        for literal in self.literals:
            if literal not in string:
                return ()  # `fast` needs it
        return self.fast.finditer(string)


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

    def finditer(self, text: str, lowered: Optional[str]):
        """`rx.finditer(text)`, or nothing when a required literal is missing. Ignoring case, the
        literals are looked for in the lower-cased text only when it is plain (`_lowered`)."""
        haystack = lowered if self.ignore_case else text
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
    excluded: Mapping  # code -> its `excludes` alternations

    def find(self, text: str, extra: dict | None = None) -> list[Mention]:
        """Every match in `text`; `extra` maps further (paper-defined) case-sensitive terms to codes."""
        return self._find(text, _lowered(text), extra)

    def _find(self, text: str, lowered: Optional[str], extra: dict | None) -> list[Mention]:
        found: list[tuple[int, int, str]] = []
        if self.insensitive is not None:
            for m in self.insensitive.finditer(text, lowered):
                code = self.folded.get(fold(m.group(0)))
                if code:
                    found.append((m.start(), m.end(), code))
        if self.sensitive is not None:
            for m in self.sensitive.finditer(text, lowered):
                found.append((m.start(), m.end(), self.exact[m.group(0)]))
        for p in self.patterns:
            for m in p.finditer(text, lowered):
                if m.end() > m.start():
                    found.append((m.start(), m.end(), p.code))
        if extra:
            found += _extra_matches(text, lowered, extra)
        return self._mentions(text, lowered, found)

    def _mentions(self, text: str, lowered: Optional[str], found: list[tuple[int, int, str]]) -> list[Mention]:
        """The mentions of the matches `found` (in the order `_find` finds them): without those
        inside an exclusion, the longest of overlapping ones."""
        if not found:
            return []
        if self.excluded:
            blocked = [
                (m.start(), m.end(), code)
                for code in {f[2] for f in found} for alternation in self.excluded.get(code, ())
                for m in alternation.finditer(text, lowered)
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


def _extra_matches(text: str, lowered: Optional[str], extra: Mapping[str, str]) -> list[tuple[int, int, str]]:
    """The matches of a paper's own terms `extra` (term -> code)."""
    alternation = _extra_alternation(tuple(sorted(extra)))
    if lowered is None or "" in extra:
        return [(m.start(), m.end(), extra[m.group(0)]) for m in alternation.finditer(text, lowered)]
    # The terms are literals, so `fast` matches only where one of them is: trying it there, left to
    # right and never inside the last match, finds what `fast.finditer` finds (no match is empty).
    starts = set()
    for term in extra:
        k = text.find(term)
        while k >= 0:
            starts.add(k)
            k = text.find(term, k + 1)
    found, end, match = [], -1, alternation.fast.match
    for start in sorted(starts):
        if start >= end:
            m = match(text, start)
            if m is not None:
                end = m.end()
                found.append((start, end, extra[m.group(0)]))
    return found


@dataclass(frozen=True)
class VocabSet:
    """Several vocabularies searched together, finding exactly what each matcher's `find` finds.

    In a plain text (`_lowered`), one scan of the lower-cased text (`scan`) finds every word start
    where a synonym or an abbreviation of any of them may start, and there tells which
    vocabulary's synonyms match (with where the match ends) and whose abbreviations may; an
    entry pattern runs only when the literals it needs are in the text (`_pattern_gates`). Most
    sentences have no such place: nothing else is searched for them."""

    matchers: tuple[VocabMatcher, ...]
    scan: Optional[re.Pattern]  # `\W` then a candidate start, on lower-cased text (see `_scan`)
    scan_at_start: Optional[re.Pattern]  # the same for position 0, which no character precedes
    groups: tuple[tuple[int, int], ...]  # per matcher: the scan's groups of its synonyms, abbreviations (0: none)
    text_gates: tuple  # (literal, (((matcher, pattern), its other literals), ...)), see `_pattern_gates`
    lowered_gates: tuple  # the same for the patterns ignoring case, in the lower-cased text

    @classmethod
    def build(cls, matchers) -> "VocabSet":
        matchers = tuple(matchers)
        scan, scan_at_start, groups = _scan(matchers)
        gates = _pattern_gates(matchers)
        return cls(matchers, scan, scan_at_start, groups,
                   tuple(g[::2] for g in gates if not g[1]), tuple(g[::2] for g in gates if g[1]))

    def find(self, text: str, extra: Mapping[str, dict] | None = None) -> list[Mention]:
        """Each vocabulary's matches in `text`, vocabulary by vocabulary; `extra` maps a field to
        its paper-defined terms."""
        extra = extra or {}
        lowered = _lowered(text)
        if lowered is None:
            return [m for matcher in self.matchers for m in matcher._find(text, None, extra.get(matcher.field))]
        hits = []  # the scan's matches, in order (see `_scan`)
        if self.scan is not None:
            first = self.scan_at_start.match(lowered)
            hits = list(self.scan.finditer(lowered)) if first is None else [first, *self.scan.finditer(lowered)]
        runnable = []  # (matcher, pattern) whose every literal is in the text
        for gates, haystack in ((self.text_gates, text), (self.lowered_gates, lowered)):
            for literal, members in gates:
                if literal in haystack:
                    for key, others in members:
                        for x in others:
                            if x not in haystack:
                                break
                        else:
                            runnable.append(key)
        if not hits and not runnable and not extra:
            return []  # nothing can match
        runnable.sort()
        out: list[Mention] = []
        for i, matcher in enumerate(self.matchers):
            terms = extra.get(matcher.field)
            if not hits and not runnable and not terms:
                continue
            found: list[tuple[int, int, str]] = []
            ins_group, sens_group = self.groups[i]
            # what `_find` finds, in its order: synonyms, abbreviations, patterns, the paper's terms;
            # `finditer` of an alternation is its matches at the hits, none starting inside the last
            if hits and ins_group:
                end = -1
                for h in hits:
                    start, stop = h.span(ins_group)
                    if start >= end and start >= 0:  # the group holds `insensitive.fast.match(lowered, start)`
                        code = matcher.folded.get(fold(lowered[start:stop]))
                        if code:
                            found.append((start, stop, code))
                        end = stop
            if hits and sens_group:
                end, match = -1, matcher.sensitive.fast.match
                for h in hits:
                    start = h.end()
                    if start >= end and h.start(sens_group) >= 0:  # an abbreviation may start here
                        m = match(text, start)
                        if m is not None:
                            end = m.end()
                            found.append((start, end, matcher.exact[m.group(0)]))
            for k, j in runnable:
                if k == i:
                    p = matcher.patterns[j]
                    for m in p.rx.finditer(text):
                        if m.end() > m.start():
                            found.append((m.start(), m.end(), p.code))
            if terms:
                for t in terms:
                    if t in text:  # else none of these literals matches
                        found += _extra_matches(text, lowered, terms)
                        break
            if found:
                out += matcher._mentions(text, lowered, found)
        return out


def _scan(matchers) -> tuple[Optional[re.Pattern], Optional[re.Pattern], tuple[tuple[int, int], ...]]:
    """A pattern for the lower-cased text: a non-word character, then a place where any of the
    matchers' synonyms or abbreviations may match, with a group per matcher's synonyms (their
    match there, as `insensitive.fast` finds it) and one per matcher's abbreviations (matched when
    one may start there); and the same without the first character, for the text's start.

    Searching for the non-word character first lets `re` skip the other characters without
    entering the pattern. The synonyms' pattern is the one `insensitive.fast` runs on the
    lower-cased text. An abbreviation matches the text where its lower-cased form (up to its first
    non-ASCII character, which lower-casing might change with its context) matches the
    lower-cased one, which has the same characters lower-cased at the same places (`_lowered`)."""
    full, prefixes, parts = [], [], []
    for n, m in enumerate(matchers):
        if m.insensitive is not None:
            full.extend(p.lower() for p in m.insensitive.alternatives)
            parts.append(f"(?:(?=(?P<s{n}>" + m.insensitive.fast_alternation + ")" + _RIGHT + ")|)")
        if m.sensitive is not None:
            whole, beginnings = _lowered_terms(m.exact)
            full.extend(whole)
            prefixes.extend(beginnings)
            parts.append("(?:(?=" + _gate(whole, beginnings) + f")(?P<a{n}>)|)")
    if not parts:
        return None, None, tuple((0, 0) for _ in matchers)
    rest = re.compile("(?=" + _gate(full, prefixes) + ")" + "".join(parts))
    groups = tuple((rest.groupindex.get(f"s{n}", 0), rest.groupindex.get(f"a{n}", 0)) for n in range(len(matchers)))
    # `[^a-z0-9_]` (no entry into the pattern at the letters of lower-cased text) then `\W`
    return re.compile(r"[^a-z0-9_](?<=\W)" + rest.pattern), rest, groups


def _lowered_terms(terms) -> tuple[list[str], list[str]]:
    """Patterns for the lower-cased forms of case-sensitive terms: whole ASCII ones, and the
    ASCII beginnings of the others."""
    whole, beginnings = [], []
    for t in terms:
        if t.isascii():
            whole.append(re.escape(t.lower()))
        else:
            beginnings.append(re.escape(t[:next(k for k, c in enumerate(t) if not c.isascii())].lower()))
    return whole, beginnings


def _gate(whole: list[str], beginnings: list[str]) -> str:
    """Where one of `whole` matches up to a word's end, or one of `beginnings` matches."""
    alternatives = ["(?:" + factored_alternation(whole) + ")" + _RIGHT] if whole else []
    if beginnings:
        alternatives.append("(?:" + factored_alternation(beginnings) + ")")
    return "|".join(alternatives) or "(?!)"


def _pattern_gates(matchers) -> tuple:
    """The matchers' entry patterns under a few literals: a pattern runs only when every literal
    it needs (`required_literals`) is in the text, so when a literal contained in one of them is
    not, it is skipped with all the others that literal covers. Chosen greedily, most patterns
    first; a pattern that needs no literal is under the empty one, always in the text."""
    pending = {(i, j): p for i, m in enumerate(matchers) for j, p in enumerate(m.patterns)}
    gates = []
    for ignore_case in (False, True):
        anywhere = tuple(k for k, p in pending.items() if p.ignore_case == ignore_case and not p.literals)
        if anywhere:
            gates.append(("", ignore_case, tuple((k, ()) for k in anywhere)))
    pending = {k: p for k, p in pending.items() if p.literals}
    while pending:
        cover = {(x, p.ignore_case): [] for p in pending.values() for x in p.literals}
        for (literal, ignore_case), members in cover.items():
            members.extend(
                k for k, p in pending.items() if p.ignore_case == ignore_case and any(literal in x for x in p.literals)
            )
        (literal, ignore_case), members = max(cover.items(), key=lambda c: (len(c[1]), len(c[0][0]), c[0][0]))
        # with the gate's literal in the text, so are its parts: check the pattern's other literals
        others = {k: tuple(x for x in pending.pop(k).literals if x not in literal) for k in members}
        gates.append((literal, ignore_case, tuple(sorted(others.items()))))
    return tuple(gates)


@lru_cache(maxsize=None)
def vocab_set(fields: tuple[str, ...]) -> VocabSet:
    """The packaged vocabularies of `fields`, searched together (cached)."""
    return VocabSet.build(matcher(f) for f in fields)


@lru_cache(maxsize=256)
def _extra_alternation(terms: tuple[str, ...]) -> _Alternation:
    """A paper's own case-sensitive terms."""
    return _Alternation.build([regex.escape(t) for t in terms], ignore_case=False)


# American spellings with their British forms ("ischemic" / "ischaemic", "edema" / "oedema"): a
# synonym holding one also matches the other (the vocabularies are written in one spelling)
SPELLINGS = (("ischem", "ischaem"), ("hemorrhag", "haemorrhag"), ("hematolog", "haematolog"), ("hemato", "haemato"),
             ("anemi", "anaemi"), ("leukemi", "leukaemi"), ("edema", "oedema"), ("esophag", "oesophag"),
             ("pediatric", "paediatric"), ("tumor", "tumour"), ("fetal", "foetal"), ("diarrhea", "diarrhoea"),
             ("orthopedic", "orthopaedic"), ("celiac", "coeliac"), ("estrogen", "oestrogen"))


def spelling_variants(syn: str) -> list[str]:
    """`syn` and its other spellings (`SPELLINGS`), in either direction."""
    out = [syn]
    low = syn.lower()
    for us, uk in SPELLINGS:
        for a, b in ((us, uk), (uk, us)):
            k = low.find(a)
            if k >= 0 and not low.startswith(b, k):
                out.append(syn[:k] + b + syn[k + len(a):])
    return list(dict.fromkeys(out))


def build_matcher(v: Vocabulary, extractor: str | None = None) -> VocabMatcher:
    insens, exact, folded, patterns, excludes, excluded = [], {}, {}, [], [], {}
    for e in v.entries:
        for syn in (s for t in ((e.label,) if e.label_matches else ()) + e.synonyms for s in spelling_variants(t)):
            insens.append(synonym_pattern(syn))
            folded.setdefault(fold(syn), e.code)
        for syn in e.case_sensitive:
            exact[syn] = e.code
        for p in e.patterns:
            literals, ignore_case = required_literals(p)
            patterns.append(_Pattern(regex.compile(_LEFT + "(?:" + p + ")" + _RIGHT), e.code, literals, ignore_case))
        for x in e.exclude:
            excludes.append((_Alternation.build([synonym_pattern(x)], ignore_case=True), e.code))
            excluded.setdefault(e.code, []).append(excludes[-1][0])
    ins = _Alternation.build(insens, ignore_case=True) if insens else None
    sens = _Alternation.build([regex.escape(s) for s in exact], ignore_case=False) if exact else None
    return VocabMatcher(
        v.field, extractor or f"vocab:{v.field}", ins, sens, tuple(patterns),
        MappingProxyType(exact), MappingProxyType(folded), tuple(excludes),
        MappingProxyType({code: tuple(a) for code, a in excluded.items()}),
    )


@lru_cache(maxsize=None)
def matcher(field: str) -> VocabMatcher:
    """The matcher of a packaged vocabulary (cached)."""
    return build_matcher(vocabularies.load(field))
