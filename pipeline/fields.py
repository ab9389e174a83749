"""Every field of the trial table, declared once.

A `Field` says all the pipeline knows about one value of a trial: list or scalar, its output
column(s) and their types, description and allowed codes, the finder that reads it in running
text and the reader of a table cell holding it, which table columns (`pipeline/vocab/table_columns.yaml`
codes) hold it, whether a document states it once (document scope), how the merge folds its values,
how a reviewer's correction is normalized and checked, the label the report shows, and what a
registry export may fill or contradict. `FIELDS` lists them in the order of the `trials` columns.

The declared columns (`pipeline.schema`), the linker (`pipeline.link`), the cell readers
(`pipeline.extract.cells`), the header columns' reads (`pipeline.segment.cells`), the merge, the
corrections, the registry cross-check, the codes resource, the data package and the report all read
this module; none keeps a list of fields of its own.

Adding an output column: declare a `Field` here (and write its finder, in `pipeline/extract/`, and
its cell reader in `pipeline/extract/cells.py`, named here as `"module:function"`); every stage
picks it up. This module imports no stage: finders and readers are named, and imported when first
used, so the stages may import it.
"""
from __future__ import annotations

import functools
import importlib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Optional

REGISTRIES = (
    "ctgov", "euctr", "ctis", "isrctn", "chictr", "anzctr", "ctri", "drks", "irct", "jrct", "umin",
    "kct", "ntr", "pactr", "slctr", "tctr", "rebec", "rpcec", "repec", "lbctr", "itmctr", "publication",
)
PHASES = ("EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4", "NOT_APPLICABLE")
STATUSES = (
    "NOT_YET_RECRUITING", "RECRUITING", "ENROLLING_BY_INVITATION", "ACTIVE_NOT_RECRUITING",
    "COMPLETED", "SUSPENDED", "TERMINATED", "WITHDRAWN", "UNKNOWN",
)
DOSE_UNITS = ("cells", "cells/kg", "ug", "ug/kg", "mg", "mL", "particles")

BY_VOCABULARY = "vocabulary"  # a finder: the field's vocabulary terms in the text (all such fields in one scan)


# ---------------------------------------------------------------------------------------------
# how a reviewer's value is normalized (`pipeline.corrections`): each returns (value, data) or
# raises ValueError with what is allowed


def _fold(text: str) -> str:
    return re.sub(r"[\s_\-‐]+", "", text).upper()


def one_of(codes, limit: int = 30, where: str = "") -> str:
    codes = list(codes)
    if len(codes) <= limit:
        return "one of " + ", ".join(codes)
    return "one of " + ", ".join(codes[:10]) + f", ... ({len(codes)} codes{where})"


@dataclass(frozen=True)
class Codes:
    """One of the field's codes (case, spaces, `_` and `-` ignored), or a synonym of the vocabulary
    `synonyms` names (a phase as a registry prints it: "Phase 1", "N/A")."""

    synonyms: str = ""

    def __call__(self, field: "Field", text: str) -> tuple[str, tuple]:
        codes = field.codes
        code = {_fold(c): c for c in codes}.get(_fold(text))
        if code is None and self.synonyms:
            from pipeline import vocab

            code = vocab.load(self.synonyms).code_of(text)
        if code is None:
            raise ValueError(one_of(codes))
        return code, ()


@dataclass(frozen=True)
class VocabularyCode:
    """A code, label, synonym or abbreviation of the field's vocabulary; then one of the field's
    codes when it lists them (statuses); an open field (conditions) keeps other text, cleaned."""

    def __call__(self, field: "Field", text: str) -> tuple[str, tuple]:
        from pipeline import vocab

        name = field.vocabulary
        v = vocab.load(name)
        code = _vocab_code(v, text)
        if code is None and isinstance(field.codes, tuple):
            code = {_fold(s): s for s in field.codes}.get(_fold(text))
        if code is None and field.open:  # kept as printed, as the papers' conditions are
            from pipeline.extract.conditions import clean_condition

            code = clean_condition(text) or None
        if code is None:
            raise ValueError("a code of the " + name + " vocabulary: " + one_of(
                [e.code for e in v.entries], where=f" in pipeline/vocab/{name}.yaml"))
        return code, ()


def _vocab_code(v, text: str) -> Optional[str]:
    if text in v.by_code:
        return text
    code = v.code_of(text) or v.code_of(text.replace("_", " "))
    if code:
        return code
    lower = {c.lower(): c for c in v.by_code}
    if text.lower() in lower:
        return lower[text.lower()]
    for e in v.entries:
        if text in e.case_sensitive:
            return e.code
    return None


@dataclass(frozen=True)
class Count:
    """A whole number of at least `least`, digits only."""

    least: int = 0

    def __call__(self, field: "Field", text: str) -> tuple[str, tuple]:
        if not text.isdigit() or int(text) < self.least:
            raise ValueError(f"a whole number of at least {self.least}, digits only (e.g. 40)")
        return str(int(text)), ()


_DATE = re.compile(r"(\d{4})(?:-(\d{1,2}))?")


@dataclass(frozen=True)
class Month:
    """YYYY or YYYY-MM (the month written with two digits)."""

    def __call__(self, field: "Field", text: str) -> tuple[str, tuple]:
        m = _DATE.fullmatch(text)
        if not m or (m.group(2) and not 1 <= int(m.group(2)) <= 12):
            raise ValueError("YYYY or YYYY-MM (e.g. 2015 or 2015-03)")
        return m.group(1) + (f"-{int(m.group(2)):02d}" if m.group(2) else ""), ()


_NUMBER = r"(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)"
_DOSE = re.compile(rf"{_NUMBER}(?:\s*\.\.\s*{_NUMBER})?\s+(\S+)")


@dataclass(frozen=True)
class DoseRange:
    """`low..high unit` (or one number and a unit), as evidence writes a dose; data (low, high, unit)."""

    example: str = "1e+06..2e+06 cells/kg"

    def __call__(self, field: "Field", text: str) -> tuple[str, tuple]:
        allowed = "low..high unit, e.g. 1e+06..2e+06 cells/kg (or one number and a unit), unit " + ", ".join(DOSE_UNITS)
        m = _DOSE.fullmatch(text)
        unit = {u.lower(): u for u in DOSE_UNITS}.get(m.group(3).lower()) if m else None
        if not m or unit is None:
            raise ValueError(allowed)
        low = float(m.group(1))
        high = float(m.group(2)) if m.group(2) else low
        if not 0 < low <= high:
            raise ValueError(allowed + "; 0 < low <= high")
        return f"{low:g}..{high:g} {unit}", (("low", low), ("high", high), ("unit", unit))


@dataclass(frozen=True)
class RegistryId:
    """A registry id, read as a printed one (`nct 0123 4567` -> `NCT01234567`)."""

    def __call__(self, field: "Field", text: str) -> tuple[str, tuple]:
        from pipeline.extract.registry_ids import canonical_id

        canonical = canonical_id(text)
        if canonical is None:
            raise ValueError("a registry id, e.g. NCT01234567 or ISRCTN12345678")
        return canonical, ()


@dataclass(frozen=True)
class Text:
    """Free text, as written (spaces collapsed)."""

    def __call__(self, field: "Field", text: str) -> tuple[str, tuple]:
        return text, ()


# ---------------------------------------------------------------------------------------------
# the declarations


@dataclass(frozen=True)
class Column:
    """One output column of the trials table."""

    name: str
    type: str  # Table Schema type: string, integer, number
    description: str
    codes: object = None  # None (any value), a tuple of codes, or the name of the vocabulary whose codes are allowed
    is_list: bool = False
    source: str = ""  # of a field's several columns: the key of the value's data it holds, or "raw" (as printed)
    code_labels: tuple = ()  # ((code, label), ...) for codes no vocabulary labels

    def as_tuple(self) -> tuple:
        """(name, type, is_list, description, codes): the form `pipeline.schema` declares columns in."""
        return (self.name, self.type, self.is_list, self.description, self.codes)


@dataclass(frozen=True)
class Finder:
    """A function named `module:function`, imported when first called, with keyword arguments."""

    path: str
    kwargs: tuple = ()  # ((name, value), ...)

    def __call__(self, *args):
        return self.resolve()(*args)

    def resolve(self) -> Callable:
        """The function with its keyword arguments (imported on the first call)."""
        return _resolve(self.path, self.kwargs)


@lru_cache(maxsize=None)
def _resolve(path: str, kwargs: tuple = ()) -> Callable:
    module, _, name = path.partition(":")
    function = getattr(importlib.import_module(module), name)
    return functools.partial(function, **dict(kwargs)) if kwargs else function


@dataclass(frozen=True)
class Field:
    """One field of a trial (see the module docstring)."""

    name: str
    description: str
    type: str = "string"  # the type of its one column (a field of several declares `columns`)
    is_list: bool = False  # several values (merged as their union) or one (the best-supported value)
    codes: object = None  # allowed codes: None, a tuple of codes, or a vocabulary name
    columns: tuple = ()  # its output columns, when not one column named like the field (dose)
    evidence: bool = True  # a value read from the papers (an `evidence.field`); False: computed by the run
    identity: bool = False  # part of the trial's identity (its id, registry, other ids), not a value it has
    vocabulary: str = ""  # the vocabulary of its values (matching text, a correction's synonyms, code labels)
    open: bool = False  # values no vocabulary entry names are kept too (conditions): no enum
    labels: str = ""  # the vocabulary that labels its codes when they are a tuple here (phase, status)
    code_labels: tuple = ()  # ((code, label), ...) for codes no vocabulary labels
    finder: object = None  # in running text: a `Finder`, or BY_VOCABULARY
    cell_reader: object = None  # in a table cell or a record's labelled field: a `Finder` (text, extra, unit)
    header_columns: tuple = ()  # `table_columns` codes whose cells hold it
    leftover: bool = False  # a table cell of no column is read for it (its printed form says what it is)
    caption: bool = False  # a caption naming one value of it gives the value to every row that states none
    shared: bool = False  # a sentence naming several trials gives it to each
    document_scope: bool = False  # a document states it once: at document scope only the best statement counts
    first_statement: bool = False  # at document scope the values of its first statement about the study
    # ("phase I/II"): a later one is most often an earlier study's ("our phase I study [12]")
    shared_by_own_trials: bool = False  # a report of several own trials gives each its one value (a consortium's acronym)
    passage_stated: bool = False  # a passage about a trial ties it only where a sentence states it of the study
    short_in_records: bool = False  # a registry record prints it in a few words (the line under its label)
    set_conflicts: bool = False  # two places giving different sets of values are a conflict
    correct: object = None  # how a reviewer's value is normalized and checked (None: not correctable)
    registry_fill: bool = False  # a registry export fills it when the papers are silent
    registry_compare: bool = False  # a registry export's value is compared with the papers'
    label: str = ""  # as the report names it (default: the name with spaces)
    after: str = ""  # its column stands after this column of an earlier field (the contract's order), not at the end

    def __post_init__(self):
        if not self.label:
            object.__setattr__(self, "label", self.name.replace("_", " "))
        if not self.columns:
            column = Column(self.name, self.type, self.description, self.codes, self.is_list,
                            code_labels=self.code_labels)
            object.__setattr__(self, "columns", (column,))

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def normalize(self, text: str) -> tuple[str, tuple]:
        """A reviewer's value as the evidence holds it: (value, data); ValueError(what is allowed)."""
        text = " ".join(text.split())
        if not text:
            raise ValueError("a non-empty value")
        if self.correct is None:
            raise ValueError(f"{self.name} is not corrected")
        return self.correct(self, text)

    def parse(self, value):
        """An evidence value (text) as its one column holds it: integers as int."""
        if value is None or len(self.columns) != 1:
            return value
        if self.columns[0].type == "integer":
            return int(value)
        if self.columns[0].type == "number":
            return float(value)
        return value


def _f(path: str, **kwargs) -> Finder:
    return Finder(path, tuple(kwargs.items()))


_CELLS = "pipeline.extract.cells:"

FIELDS: tuple[Field, ...] = (
    Field("trial_id", "Canonical registry id, or ref:<surname>-<year> for a trial known by its publication",
          identity=True),
    Field("registry", "Registry of trial_id", codes=REGISTRIES, identity=True, correct=Codes(),
          code_labels=(("publication", "Publication only (no registry id)"),)),  # the others: registries.yaml
    Field("other_ids", "Further registry ids seen for the same trial", is_list=True, identity=True,
          correct=RegistryId()),
    Field("title", "Title as printed in a source table", cell_reader=_f(_CELLS + "title_cell"),
          header_columns=("title",), document_scope=True, correct=Text(), registry_fill=True, registry_compare=True),
    Field("acronym", "Trial acronym", finder=_f("pipeline.extract.fields:find_acronyms"),
          cell_reader=_f(_CELLS + "acronym_cell"), header_columns=("id", "acronym", "title"), document_scope=True,
          shared_by_own_trials=True, correct=Text()),
    Field("conditions", "Conditions: a code of the conditions vocabulary (see the codes resource for its label and "
          "ontology id), else the condition as printed, cleaned and lower-case", is_list=True, codes="conditions",
          vocabulary="conditions", open=True, finder=BY_VOCABULARY, header_columns=("title", "condition"),
          correct=VocabularyCode(), registry_fill=True),
    Field("phase", "ClinicalTrials.gov v2 phase codes", is_list=True, codes=PHASES, labels="registry_phase",
          finder=_f("pipeline.extract.phases:find_phases"), cell_reader=_f(_CELLS + "phase_cell"),
          header_columns=("phase_status", "phase", "design"), leftover=True, set_conflicts=True,
          first_statement=True, short_in_records=True,
          correct=Codes(synonyms="registry_phase"), registry_fill=True, registry_compare=True),
    Field("status", "Overall recruitment status", codes=STATUSES, vocabulary="status", labels="status",
          finder=_f("pipeline.extract.fields:find_status", in_table=False), cell_reader=_f(_CELLS + "status_cell"),
          header_columns=("phase_status", "status"), leftover=True, document_scope=True, passage_stated=True,
          short_in_records=True, correct=VocabularyCode(),
          registry_fill=True, registry_compare=True),
    Field("start_date", "YYYY-MM or YYYY", finder=_f("pipeline.extract.fields:find_start_dates", in_table=False),
          cell_reader=_f(_CELLS + "start_date_cell"), header_columns=("start_date",), document_scope=True,
          short_in_records=True, correct=Month(), registry_fill=True, registry_compare=True),
    Field("enrollment", "Patients enrolled or planned", type="integer",
          finder=_f("pipeline.extract.fields:find_enrollment"), cell_reader=_f(_CELLS + "enrollment_cell"),
          header_columns=("enrollment",), document_scope=True, passage_stated=True, short_in_records=True,
          correct=Count(least=0), registry_fill=True,
          registry_compare=True),
    Field("cell_source", "Tissue the cells come from", is_list=True, codes="cell_source", vocabulary="cell_source",
          finder=BY_VOCABULARY, header_columns=("title", "intervention", "cell_source"), leftover=True, caption=True,
          set_conflicts=True, correct=VocabularyCode()),
    Field("donor", "autologous, allogeneic, xenogeneic", is_list=True, codes="donor", vocabulary="donor",
          finder=BY_VOCABULARY, header_columns=("title", "intervention", "donor", "cell_source"), leftover=True,
          caption=True, set_conflicts=True, correct=VocabularyCode()),
    Field("product", "What is given: cells, exosomes, ...", is_list=True, codes="product", vocabulary="product",
          finder=BY_VOCABULARY, header_columns=("title", "intervention", "cell_source"), leftover=True, shared=True,
          correct=VocabularyCode()),
    Field("route", "Route of administration", is_list=True, codes="route", vocabulary="route", finder=BY_VOCABULARY,
          header_columns=("title", "route", "intervention"), leftover=True, caption=True, set_conflicts=True,
          correct=VocabularyCode()),
    Field("dose", "Dose per administration", columns=(
        Column("dose_low", "number", "Lowest dose per administration, in dose_unit", source="low"),
        Column("dose_high", "number", "Highest dose per administration, in dose_unit", source="high"),
        Column("dose_unit", "string", "Unit of dose_low/dose_high", DOSE_UNITS, source="unit", code_labels=(
            ("cells", "cells"), ("cells/kg", "cells per kg"), ("ug", "µg"), ("ug/kg", "µg per kg"), ("mg", "mg"),
            ("mL", "mL"), ("particles", "particles"))),
        Column("dose_text", "string", "The dose phrase as printed", source="raw"),
    ), finder=_f("pipeline.extract.doses:find_doses"), cell_reader=_f(_CELLS + "dose_cell"),
        header_columns=("dose", "intervention", "cell_source"), leftover=True, correct=DoseRange()),
    Field("dose_count", "Administrations per patient", type="integer",
          finder=_f("pipeline.extract.doses:find_dose_counts"), cell_reader=_f(_CELLS + "dose_count_cell"),
          header_columns=("frequency", "dose", "route", "intervention"), document_scope=True, passage_stated=True,
          short_in_records=True, correct=Count(least=1),
          after="dose_unit"),
    Field("sponsors", "Sponsors as printed", is_list=True, finder=_f("pipeline.extract.fields:find_funders"),
          cell_reader=_f(_CELLS + "sponsors_cell"), header_columns=("sponsor",), correct=Text(), registry_fill=True,
          registry_compare=True),
    Field("sources", "Ids of the papers that mention the trial", is_list=True, evidence=False),
    Field("conflicts", "Columns where sources disagree", is_list=True, evidence=False),
    Field("registry_status", "found / not_in_export when a registry export was given",
          codes=("found", "not_in_export"), evidence=False,
          code_labels=(("found", "Found in the registry export"), ("not_in_export", "Not in the registry export"))),
    Field("registry_conflicts", "Columns where the papers and the registry export disagree", is_list=True,
          evidence=False),
    Field("reviewed", "Columns a reviewer accepted", is_list=True, evidence=False),
)


# ---------------------------------------------------------------------------------------------
# what the stages read (each a function: a test may declare other fields and see them flow)


_memo: dict = {}


def _derived(key: str, build: Callable):
    """`build()` once per declared `FIELDS` (rebuilt when a test declares others)."""
    entry = _memo.get(key)
    if entry is None or entry[0] is not FIELDS:
        entry = _memo[key] = (FIELDS, build())
    return entry[1]


def by_name() -> dict[str, Field]:
    return _derived("by_name", lambda: {f.name: f for f in FIELDS})


def field(name: str) -> Field:
    """The declared field `name` (KeyError when none)."""
    return by_name()[name]


def trial_columns() -> tuple[Column, ...]:
    """The `trials` columns, in order: each field's columns in field order, a field declared `after`
    a column right after it."""
    out: list[Column] = []
    for f in FIELDS:
        at = len(out)
        if f.after:
            at = next(k for k, c in enumerate(out) if c.name == f.after) + 1
        out[at:at] = f.columns
    return tuple(out)


def evidence_fields() -> tuple[str, ...]:
    """The fields an evidence row may give (`evidence.field`)."""
    return tuple(f.name for f in FIELDS if f.evidence)


def value_fields() -> tuple[str, ...]:
    """Evidence fields that are values a trial has (not its identity): the report's coverage."""
    return tuple(f.name for f in FIELDS if f.evidence and not f.identity)


def correctable_fields() -> tuple[str, ...]:
    return tuple(f.name for f in FIELDS if f.evidence and f.correct is not None)


def list_fields() -> tuple[str, ...]:
    """Evidence fields with several values (merged as their union)."""
    return tuple(f.name for f in FIELDS if f.evidence and f.is_list)


def scalar_fields() -> tuple[str, ...]:
    """Evidence fields of one value in one column of their name, other than the trial's id (the merge
    keeps the best-supported value)."""
    return tuple(f.name for f in FIELDS if f.evidence and not f.is_list and f.name != "trial_id"
                 and f.column_names == (f.name,))


def split_fields() -> tuple[Field, ...]:
    """Evidence fields of one value held in several columns (the dose: low, high, unit, text)."""
    return tuple(f for f in FIELDS if f.evidence and len(f.columns) > 1)


def vocabulary_fields() -> tuple[str, ...]:
    """Fields found in text by their vocabulary's terms."""
    return _derived("vocabulary_fields", lambda: tuple(f.name for f in FIELDS if f.finder == BY_VOCABULARY))


def text_finders() -> tuple[Callable, ...]:
    """The finders run on a sentence, in field order (the vocabulary fields are found apart),
    imported: call this where the finders run, not at the import of a module the finders import."""
    return tuple(f.finder.resolve() for f in FIELDS if isinstance(f.finder, Finder))


def document_fields() -> frozenset:
    """Fields a document states once (at document scope the best statement counts)."""
    return frozenset(f.name for f in FIELDS if f.document_scope)


def first_statement_fields() -> frozenset:
    """Fields whose first statement about the study counts at document scope (phase)."""
    return frozenset(f.name for f in FIELDS if f.first_statement)


def shared_by_own_trials_fields() -> frozenset:
    """Fields a report of several own trials gives each of them (an acronym)."""
    return frozenset(f.name for f in FIELDS if f.shared_by_own_trials)


def passage_stated_fields() -> frozenset:
    """Fields a passage ties only where a sentence states them of the study."""
    return frozenset(f.name for f in FIELDS if f.passage_stated)


def short_in_records_fields() -> frozenset:
    """Fields a registry record prints in a few words under their label."""
    return frozenset(f.name for f in FIELDS if f.short_in_records)


def caption_fields() -> tuple[str, ...]:
    return tuple(f.name for f in FIELDS if f.caption)


def leftover_fields() -> tuple[str, ...]:
    return tuple(f.name for f in FIELDS if f.leftover)


def shared_fields() -> tuple[str, ...]:
    return tuple(f.name for f in FIELDS if f.shared)


def set_conflict_fields() -> tuple[str, ...]:
    return tuple(f.name for f in FIELDS if f.set_conflicts)


def registry_fill_fields() -> tuple[str, ...]:
    return tuple(f.name for f in FIELDS if f.registry_fill)


def registry_compared_fields() -> tuple[str, ...]:
    return tuple(f.name for f in FIELDS if f.registry_compare)


def coded_columns(evidence: bool = False) -> tuple[str, ...]:
    """Columns with codes (the codes resource): those with a closed set in column order, then the
    open ones (conditions, whose vocabulary is long); `evidence`: only the columns of evidence fields."""
    coded = [(c.name, f.open) for f in FIELDS for c in f.columns if c.codes is not None and (f.evidence or not evidence)]
    return tuple(n for n, o in coded if not o) + tuple(n for n, o in coded if o)


def is_open(column: str) -> bool:
    """Does the column keep values no code names (no enum)?"""
    return any(f.open and column in f.column_names for f in FIELDS)


def column(name: str) -> Column:
    """The declared trials column `name` (KeyError when none)."""
    for c in trial_columns():
        if c.name == name:
            return c
    raise KeyError(name)


def label_vocabulary(column: str) -> str:
    """The vocabulary that labels a column's tuple of codes ('' when none)."""
    return next((f.labels for f in FIELDS if column in f.column_names), "")


def column_reads() -> dict[str, tuple[str, ...]]:
    """`table_columns` code -> the fields read from that column's cells, in field order."""
    return _derived("column_reads", _column_reads)


def _column_reads() -> dict[str, tuple[str, ...]]:
    reads: dict[str, list[str]] = {}
    for f in FIELDS:
        for code in f.header_columns:
            reads.setdefault(code, []).append(f.name)
    return {code: tuple(names) for code, names in reads.items()}


def labels() -> dict[str, str]:
    """Field and column name -> as the report names it (a field's one column: the field's label)."""
    out = {}
    for f in FIELDS:
        out[f.name] = f.label
        for c in f.columns:
            out.setdefault(c.name, c.name.replace("_", " "))
    return out


def cell_reader(name: str):
    """The reader of a table cell for field `name` (text, extra, unit) -> mentions, or None."""
    return _derived("cell_readers", _cell_readers).get(name)


def _cell_readers() -> dict:
    readers = {}
    for f in FIELDS:
        if f.cell_reader is not None:
            readers[f.name] = f.cell_reader.resolve()
        elif f.finder == BY_VOCABULARY:
            readers[f.name] = _f(_CELLS + "vocabulary_cell", field=f.name).resolve()
    return readers
