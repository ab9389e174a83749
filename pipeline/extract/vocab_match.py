"""Find vocabulary terms in text: a matcher built from a `Vocabulary` (synonyms, abbreviations,
patterns), returning one `Mention` per non-overlapping match with the entry's code as value."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from pipeline import vocab as vocabularies
from pipeline.models import Mention
from pipeline.vocab import Vocabulary, fold

_LEFT = r"(?<![\w])"
_RIGHT = r"(?![\w])"


def synonym_pattern(synonym: str) -> str:
    """A regex for a synonym: words joined by flexible space/hyphen; apostrophes optional."""
    words = regex.split(r"[\s\-]+", synonym.strip())
    parts = [regex.escape(w).replace("'", "['’]?").replace(r"\'", "['’]?") for w in words if w]
    return r"[\s\-]*".join(parts)


def _alternation(items) -> str:
    return "|".join(sorted(set(items), key=len, reverse=True))


@dataclass(frozen=True)
class VocabMatcher:
    field: str
    extractor: str
    insensitive: object  # compiled regex or None
    sensitive: object
    patterns: tuple  # (compiled, code)
    exact: dict  # case-sensitive synonym -> code
    folded: dict  # folded synonym -> code
    excludes: tuple  # (compiled, code)

    def find(self, text: str, extra: dict | None = None) -> list[Mention]:
        """Every match in `text`; `extra` maps further (paper-defined) case-sensitive terms to codes."""
        found: list[tuple[int, int, str]] = []
        if self.insensitive is not None:
            for m in self.insensitive.finditer(text):
                code = self.folded.get(fold(m.group(0)))
                if code:
                    found.append((m.start(), m.end(), code))
        if self.sensitive is not None:
            for m in self.sensitive.finditer(text):
                found.append((m.start(), m.end(), self.exact[m.group(0)]))
        for rx, code in self.patterns:
            for m in rx.finditer(text):
                if m.end() > m.start():
                    found.append((m.start(), m.end(), code))
        if extra:
            rx = _extra_regex(tuple(sorted(extra)))
            for m in rx.finditer(text):
                found.append((m.start(), m.end(), extra[m.group(0)]))
        if not found:
            return []
        if self.excludes:
            blocked = [(m.start(), m.end(), code) for rx, code in self.excludes for m in rx.finditer(text)]
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


@lru_cache(maxsize=256)
def _extra_regex(terms: tuple[str, ...]):
    return regex.compile(_LEFT + "(?:" + _alternation(regex.escape(t) for t in terms) + ")" + _RIGHT)


def build_matcher(v: Vocabulary, extractor: str | None = None) -> VocabMatcher:
    insens, exact, folded, patterns, excludes = [], {}, {}, [], []
    for e in v.entries:
        for syn in (e.label,) + e.synonyms:
            insens.append(synonym_pattern(syn))
            folded.setdefault(fold(syn), e.code)
        for syn in e.case_sensitive:
            exact[syn] = e.code
        for p in e.patterns:
            patterns.append((regex.compile(_LEFT + "(?:" + p + ")" + _RIGHT), e.code))
        for x in e.exclude:
            excludes.append((regex.compile(_LEFT + synonym_pattern(x) + _RIGHT, regex.I), e.code))
    ins = regex.compile(_LEFT + "(?:" + _alternation(insens) + ")" + _RIGHT, regex.I) if insens else None
    sens = regex.compile(_LEFT + "(?:" + _alternation(regex.escape(s) for s in exact) + ")" + _RIGHT) if exact else None
    return VocabMatcher(v.field, extractor or f"vocab:{v.field}", ins, sens, tuple(patterns), exact, folded, tuple(excludes))


@lru_cache(maxsize=None)
def matcher(field: str) -> VocabMatcher:
    """The matcher of a packaged vocabulary (cached)."""
    return build_matcher(vocabularies.load(field))
