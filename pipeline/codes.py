"""The codes of every coded column, with label and ontology id, read from the vocabularies.

A declared column (`pipeline.schema`) names its codes in its last slot: a tuple of codes, or the
name of the vocabulary (`pipeline/vocab/<name>.yaml`) whose entries they are. `allowed(column)`
resolves it; `code_rows()` is the data package's `codes` resource and the report's labels.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from pipeline import fields, vocab
from pipeline.schema import EVIDENCE_COLUMNS, PAPER_COLUMNS, TRIAL_COLUMNS, TRIAL_FIELDS

# columns whose codes the codes resource lists (evidence.field and papers.status are plain words);
# a column whose codes are a tuple may name the vocabulary that labels them (`pipeline.fields`)
CODED_FIELDS = fields.coded_columns()


@dataclass(frozen=True)
class Code:
    field: str
    code: str
    label: str
    ontology: str = ""


@lru_cache(maxsize=1)
def _registry_labels() -> dict[str, str]:
    text = resources.files("pipeline.vocab").joinpath("registries.yaml").read_text(encoding="utf-8")
    return {e["code"]: e["label"] for e in yaml.safe_load(text)["entries"]}


def allowed(column: tuple) -> tuple[str, ...] | None:
    """The allowed codes of a declared column, None when it takes any text (`conditions` lists
    vocabulary codes but also keeps conditions no entry matches: it has no enum)."""
    enum = column[4]
    if enum is None or fields.is_open(column[0]):
        return None
    if isinstance(enum, str):
        return tuple(e.code for e in vocab.load(enum).entries)
    return tuple(enum)


def _column(field: str) -> tuple:
    for c in (*TRIAL_COLUMNS, *EVIDENCE_COLUMNS, *PAPER_COLUMNS):
        if c[0] == field:
            return c
    raise KeyError(field)


@lru_cache(maxsize=None)
def codes(field: str) -> tuple[Code, ...]:
    """The codes of a trials column with their labels and ontology ids."""
    enum = _column(field)[4]
    if isinstance(enum, str):
        return tuple(Code(field, e.code, e.label, e.ontology) for e in vocab.load(enum).entries)
    if fields.label_vocabulary(field):
        entries = vocab.load(fields.label_vocabulary(field)).by_code
        return tuple(Code(field, c, entries[c].label, entries[c].ontology) for c in enum)
    # labels no vocabulary file holds are declared with the column; a registry's are in registries.yaml
    labels = dict(fields.column(field).code_labels) if field in TRIAL_FIELDS else {}
    if field == "registry":
        labels = {**_registry_labels(), **labels}
    return tuple(Code(field, c, labels.get(c, c)) for c in enum)


def code_rows() -> list[dict]:
    """One row per (field, code): the `codes` table written beside the trials."""
    return [{"field": c.field, "code": c.code, "label": c.label, "ontology_id": c.ontology or None}
            for field in CODED_FIELDS for c in codes(field)]


def labels(field: str) -> dict[str, str]:
    return {c.code: c.label for c in codes(field)}
