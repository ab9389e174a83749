"""Vocabularies as data: `<field>.yaml` files in this folder, loaded and validated here.

Each file: `field`, `description`, `entries`: a list of {code, label, ontology, synonyms,
case_sensitive, patterns, exclude}. `synonyms` match case-insensitively with flexible space and
hyphen; `case_sensitive` synonyms match exactly (abbreviations such as `IV`); `patterns` are
regular expressions (case-sensitive unless they set `(?i)`); `exclude` lists phrases in which a
match does not count (e.g. `transcranial IV`); `label_matches: false` keeps the label from being
searched for as a term (a tissue word alone, "skin", is no cell source; "skin-derived" is);
`broader` names the code this one narrows: where both are read side by side ("Intravenous (portal
vein)", "umbilical cord Wharton's jelly"), the value is the narrower code alone.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import regex
import yaml

from pipeline.errors import VocabularyError

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed: the same data, faster
ALLOWED_FILE_KEYS = frozenset({"field", "description", "entries", "ontology_source"})
ALLOWED_ENTRY_KEYS = frozenset({"code", "label", "ontology", "synonyms", "case_sensitive", "patterns", "exclude", "note", "label_matches", "broader"})
VOCAB_FIELDS = ("cell_source", "donor", "product", "route", "status", "conditions", "table_columns")


@dataclass(frozen=True)
class Entry:
    code: str
    label: str
    ontology: str = ""
    synonyms: tuple[str, ...] = ()
    case_sensitive: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    label_matches: bool = True  # is the label itself a term found in text? ("Skin" is not: "skin-derived" is)
    broader: str = ""  # the code this one narrows ("Intravenous (portal vein)" is intraportal, not also intravenous)


@dataclass(frozen=True)
class Vocabulary:
    field: str
    entries: tuple[Entry, ...]
    by_code: dict
    by_synonym: dict  # folded synonym -> code

    def code_of(self, text: str) -> str | None:
        return self.by_synonym.get(fold(text))


_FOLD_DROP = regex.compile(r"[\s\-‐'’]+")


def fold(text: str) -> str:
    """The key synonyms are compared by: lower case, without spaces, hyphens and apostrophes
    (so "adipose-tissue", "adipose tissue" and a line-broken "adiposetissue" are one key)."""
    return _FOLD_DROP.sub("", text.lower())


def _as_tuple(value, what: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise VocabularyError("V002", f"{where}: '{what}' must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def parse_vocabulary(data: dict, source: str = "<data>") -> Vocabulary:
    """Validate a vocabulary mapping and index it. Unknown keys and duplicate synonyms are errors."""
    if not isinstance(data, dict):
        raise VocabularyError("V001", f"{source}: a vocabulary file must be a mapping")
    unknown = set(data) - ALLOWED_FILE_KEYS
    if unknown:
        raise VocabularyError("V001", f"{source}: unknown keys {sorted(unknown)}")
    field = data.get("field")
    entries_data = data.get("entries")
    if not field or not isinstance(entries_data, list):
        raise VocabularyError("V001", f"{source}: needs 'field' and a list of 'entries'")
    entries, by_code, by_synonym, exact = [], {}, {}, {}
    for k, e in enumerate(entries_data):
        where = f"{source} entry {k + 1}"
        if not isinstance(e, dict):
            raise VocabularyError("V002", f"{where}: must be a mapping")
        bad = set(e) - ALLOWED_ENTRY_KEYS
        if bad:
            raise VocabularyError("V002", f"{where}: unknown keys {sorted(bad)}")
        code = e.get("code")
        if not isinstance(code, str) or not code:
            raise VocabularyError("V002", f"{where}: missing 'code'")
        if code in by_code:
            raise VocabularyError("V003", f"{where}: duplicate code {code!r}")
        entry = Entry(
            code=code,
            label=str(e.get("label") or code),
            ontology=str(e.get("ontology") or ""),
            synonyms=_as_tuple(e.get("synonyms"), "synonyms", where),
            case_sensitive=_as_tuple(e.get("case_sensitive"), "case_sensitive", where),
            patterns=_as_tuple(e.get("patterns"), "patterns", where),
            exclude=_as_tuple(e.get("exclude"), "exclude", where),
            label_matches=e.get("label_matches", True) is not False,
            broader=str(e.get("broader") or ""),
        )
        for p in entry.patterns:
            try:
                regex.compile(p)
            except regex.error as err:
                raise VocabularyError("V004", f"{where}: bad pattern {p!r}: {err}") from err
        for syn in (code.replace("_", " "), entry.label) + entry.synonyms:
            key = fold(syn)
            other = by_synonym.get(key)
            if other is not None and other != code and syn in entry.synonyms:
                raise VocabularyError("V005", f"{where}: synonym {syn!r} already names {other!r}")
            by_synonym.setdefault(key, code)
        for syn in entry.case_sensitive:
            other = exact.get(syn)
            if other is not None and other != code:
                raise VocabularyError("V005", f"{where}: abbreviation {syn!r} already names {other!r}")
            exact[syn] = code
        by_code[code] = entry
        entries.append(entry)
    for entry in entries:
        if entry.broader and (entry.broader not in by_code or entry.broader == entry.code):
            raise VocabularyError("V004", f"{source}: {entry.code}: broader {entry.broader!r} is no other code of this vocabulary")
    return Vocabulary(field=field, entries=tuple(entries), by_code=by_code, by_synonym=by_synonym)


def vocabulary_text(field: str) -> str:
    return resources.files("pipeline.vocab").joinpath(f"{field}.yaml").read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def load(field: str) -> Vocabulary:
    """The packaged vocabulary for `field` (cached, read-only)."""
    text = vocabulary_text(field)
    return parse_vocabulary(yaml.load(text, Loader=_YAML_LOADER), source=f"{field}.yaml")


@lru_cache(maxsize=1)
def vocabulary_version() -> str:
    """A hash over every packaged vocabulary file: part of the cache key of per-paper results."""
    h = hashlib.sha256()
    for field in VOCAB_FIELDS:
        h.update(vocabulary_text(field).encode("utf-8"))
    return h.hexdigest()[:16]
