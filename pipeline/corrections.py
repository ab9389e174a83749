"""Reviewer corrections: a CSV that accepts, rejects or sets trial values, applied on the next run.

The file (``corpus/corrections.csv`` by default; the caller chooses the path) has the columns
`CORRECTION_COLUMNS`, in any order: ``trial_id``, ``field`` and ``action`` are required, ``value``,
``reviewer`` and ``note`` optional, other columns ignored. UTF-8 (a BOM is tolerated), blank lines
skipped. The HTML report exports the reviewer's marks in the same format (`write_corrections`,
`format_corrections`).

Actions, for one trial and one field (a trials column; the four dose columns are the one field
``dose``, written ``1e+06..2e+06 cells/kg``):

* ``reject VALUE``: the value leaves the trial. Its evidence rows are dropped from the merge and
  from evidence.csv; `CorrectionResult.rejected` keeps them so the report can show them struck
  through. The trial must have the value. One value per line.
* ``set VALUE``: the reviewer's value replaces the paper values. For a list field (phase,
  conditions, cell_source, donor, product, route, sponsors, other_ids) ``A|B`` replaces the whole
  list with A and B; a scalar field takes exactly one value. The merge reads only the reviewer's
  rows for that field; evidence.csv keeps the superseded paper rows (they are still what the paper
  says) and gains the reviewer rows.
* ``accept [VALUE]``: the field is marked reviewed (the trials table's ``reviewed`` column). With
  a value, the trial must have it; with an empty value the field as a whole is accepted (also when
  it is empty: the reviewer confirms it is unknown).

Decisions:

* Reviewer evidence rows: ``paper_id`` is ``"reviewer"`` (`REVIEWER_PAPER_ID`; the reviewer's name
  would look like a paper id), ``extractor`` ``"reviewer"``, ``confidence`` 1.0, ``page`` None,
  offsets 0, ``raw`` the value as written, ``snippet`` ``"set by <reviewer>[: <note>]"``. A dose
  row carries ``data`` (low, high, unit) as the dose extractor's rows do.
* A ``set`` field is reviewed too: ``reviewed`` lists the fields accepted or set.
* Values are compared normalized: codes case- and space-insensitively (``phase1`` -> ``PHASE1``,
  ``Umbilical Cord`` -> ``umbilical_cord``), vocabulary labels, synonyms and abbreviations accepted
  (``IV`` -> ``intravenous``; the vocabularies' regex patterns are not tried), registry ids in canonical form, free text (title, acronym, sponsors) with
  spaces collapsed and case ignored. The normalized code is what is stored.
* Trial ids are read like printed ids (``nct 0123 4567`` -> ``NCT01234567``; ``ref:`` ids lower case).
* Exact duplicates (same trial, field, action and value) are applied once, without a problem.
  Contradictions are problems and none of the contradicting lines is applied (a CSV exported from
  the report has no meaningful order, so "the later line wins" would be a guess): accept and reject
  of one value; two different ``set`` lines for one field; ``reject V`` beside a ``set`` that
  keeps V; ``accept V`` beside a ``set`` that drops V.
* Every line that is not applied yields exactly one problem (``[C3xx] <file> line <n>: ...``,
  codes in `pipeline.errors`); lines with a problem change nothing. ``applied`` counts the lines
  that took effect (duplicates included).

Use `read_corrections` then `apply_corrections` on a list of evidence. A run that streams
evidence paper by paper uses `CorrectionPlan`: ``filter`` each paper's evidence, then ``finish``
and add ``result.reviewer_evidence`` to both the merge and evidence.csv.
"""
from __future__ import annotations

import csv
import difflib
import io
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Optional

from pipeline import fields
from pipeline.errors import message, summarize_numbers
from pipeline.extract.registry_ids import canonical_id
from pipeline.models import Evidence
from pipeline.schema import LIST_SEP, SNIPPET_MAX, TRIAL_FIELDS

CORRECTION_COLUMNS = ("trial_id", "field", "action", "value", "reviewer", "note")
REQUIRED_COLUMNS = ("trial_id", "field", "action")
ACTIONS = ("accept", "reject", "set")
REVIEWER = "reviewer"  # extractor of reviewer rows
REVIEWER_PAPER_ID = "reviewer"
# evidence fields a reviewer may correct (`pipeline.fields`: each says how its value is normalized);
# a trial's id is its key, not a value to correct
CORRECTABLE_FIELDS = fields.correctable_fields()
LIST_FIELDS = fields.list_fields()
# a column of a field held in several columns -> the field (dose_low -> dose)
SPLIT_COLUMNS = {c.name: f.name for f in fields.split_fields() for c in f.columns}


@dataclass(frozen=True)
class Correction:
    """One line of the corrections file, as written (stripped)."""

    trial_id: str
    field: str
    action: str
    value: str = ""
    reviewer: str = ""
    note: str = ""
    line: int = 0
    source: str = ""  # file name, for messages

    def as_row(self) -> dict:
        return {c: getattr(self, c) for c in CORRECTION_COLUMNS}


@dataclass
class CorrectionResult:
    merge_evidence: list[Evidence] = field(default_factory=list)  # what merge_trials reads
    evidence: list[Evidence] = field(default_factory=list)  # what evidence.csv holds
    reviewed: dict[str, set[str]] = field(default_factory=dict)  # trial_id -> fields accepted or set
    rejected: list[dict] = field(default_factory=list)  # one per applied reject, with its evidence rows
    problems: list[str] = field(default_factory=list)
    applied: int = 0
    reviewer_evidence: list[Evidence] = field(default_factory=list)  # the rows `set` adds


class _Invalid(Exception):
    """A correction that cannot be applied; carries its ready message."""


# ---------------------------------------------------------------------------------------------
# reading and writing the file


def read_corrections(path) -> tuple[list[Correction], list[str]]:
    """The corrections in `path` and the problems found reading it (lines with a problem are left out)."""
    path = Path(path)
    name = str(path)
    if not path.is_file():
        return [], [message("C301", path=name)]
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        return [], [message("C302", path=name, error=f"{type(err).__name__}: {err}")]
    return parse_corrections(text, name)


def parse_corrections(text: str, source: str = "<corrections>") -> tuple[list[Correction], list[str]]:
    """`read_corrections` on a string (e.g. an upload); `source` names it in messages."""
    text = text.lstrip("\ufeff")
    header, line = None, 0
    corrections, problems = [], []
    try:
        for line, cells in _records(text):
            if cells is None:
                problems.append(message("C317", where=f"{source} line {line}"))
                continue
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = [c.strip().lower() for c in cells]
                missing = [c for c in REQUIRED_COLUMNS if c not in header]
                if missing:
                    return [], [message("C304", path=source, missing=", ".join(missing),
                                        found=", ".join(h for h in header if h) or "none",
                                        required=", ".join(REQUIRED_COLUMNS))]
                continue
            where = f"{source} line {line}"
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
                problems.append(message("C305", where=where))
                continue
            row = {h: (cells[k].strip() if k < len(cells) else "") for k, h in enumerate(header) if h}
            try:
                corrections.append(_correction(row, line, source))
            except _Invalid as err:
                problems.append(str(err))
    except csv.Error as err:
        problems.append(message("C302", path=source, error=f"line {line}: {err}"))
    if header is None and not problems:
        problems.append(message("C303", path=source, columns=", ".join(CORRECTION_COLUMNS)))
    return corrections, problems


def _records(text: str):
    """(first line number, cells) of each CSV record of `text`. A record whose quote is never
    closed (it runs over several lines with an odd number of quotes) gives (line, None), and
    reading goes on at the line after that one: the quote does not swallow the lines after it."""
    physical = io.StringIO(text, newline="").readlines()
    offset = 0
    while True:
        reader = csv.reader(physical[offset:])
        previous = 0
        for cells in reader:
            first, last = offset + previous + 1, offset + reader.line_num
            previous = reader.line_num
            if last > first and "".join(physical[first - 1:last]).count('"') % 2:
                yield first, None
                offset = first
                break
            yield first, cells
        else:
            return


def _correction(row: Mapping[str, str], line: int, source: str) -> Correction:
    where = f"{source} line {line}"
    for column in REQUIRED_COLUMNS:
        if not row.get(column):
            raise _Invalid(message("C306", where=where, column=column))
    action = row["action"].lower()
    if action not in ACTIONS:
        raise _Invalid(message("C307", where=where, action=row["action"]))
    value = row.get("value", "")
    if action in ("set", "reject") and not value:
        hint = "the value the field takes" if action == "set" else "the value to remove"
        raise _Invalid(message("C308", where=where, action=action, hint=hint))
    return Correction(trial_id=row["trial_id"], field=row["field"], action=action, value=value,
                      reviewer=row.get("reviewer", ""), note=row.get("note", ""), line=line, source=source)


def format_corrections(rows: Iterable) -> str:
    """CSV text of corrections (`Correction`s or mappings with `CORRECTION_COLUMNS` keys)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CORRECTION_COLUMNS)
    for r in rows:
        r = r.as_row() if isinstance(r, Correction) else r
        w.writerow(["" if r.get(c) is None else str(r.get(c)) for c in CORRECTION_COLUMNS])
    return buf.getvalue()


def write_corrections(rows: Iterable, path) -> Path:
    """Write corrections as the file `read_corrections` reads (UTF-8, header, `CORRECTION_COLUMNS`)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(format_corrections(rows), encoding="utf-8", newline="")
    return path


# ---------------------------------------------------------------------------------------------
# normalizing what a reviewer wrote


def _key(value: str) -> str:
    """How values are compared: spaces collapsed, case ignored."""
    return " ".join(value.split()).casefold()


def normalize_value(field_name: str, text: str) -> tuple[str, tuple]:
    """One value as the evidence holds it: (normalized value, data). ValueError(what is allowed) if
    invalid. Each field declares how (`pipeline.fields.Field.correct`)."""
    return fields.field(field_name).normalize(text)


def normalize_trial_id(text: str) -> str:
    """A trial id as written by a reviewer, in the table's form (evidence-independent)."""
    text = text.strip()
    if text.lower().startswith("ref:"):
        return text.lower()
    return canonical_id(text) or text


def _field_of(text: str) -> str:
    return text.strip().lower()


# ---------------------------------------------------------------------------------------------
# applying


@dataclass
class _Line:
    """A statically valid correction: normalized trial, field and values; its duplicate lines."""

    c: Correction
    trial_id: str
    field: str
    values: tuple  # ((normalized, data, raw), ...); () for accepting a whole field
    lines: list = field(default_factory=list)  # this line and its exact duplicates

    @property
    def keys(self) -> frozenset:
        return frozenset(_key(v[0]) for v in self.values)


def _where(c: Correction) -> str:
    return f"{c.source} line {c.line}" if c.source else f"line {c.line}"


class CorrectionPlan:
    """Corrections checked and ready to filter evidence in batches (e.g. one paper at a time).

    `filter(batch)` returns (merge_evidence, evidence) for the batch; `finish()` checks what
    depends on the whole evidence (unknown trials, values a trial does not have) and returns the
    `CorrectionResult` (its merge_evidence/evidence lists are empty: the caller kept the batches).
    """

    def __init__(self, corrections: Iterable[Correction]):
        self._problems: list[tuple[int, str]] = []
        lines = []
        for c in corrections:
            try:
                lines.append(self._check(c))
            except _Invalid as err:
                self._problems.append((c.line, str(err)))
        self._lines = self._without_contradictions(self._deduplicated(lines))
        self._rejects: dict[tuple, _Line] = {}
        self._sets: dict[tuple, _Line] = {}
        for ln in self._lines:
            if ln.c.action == "reject":
                self._rejects[(ln.trial_id, ln.field, next(iter(ln.keys)))] = ln
            elif ln.c.action == "set":
                self._sets[(ln.trial_id, ln.field)] = ln
        self._watched = {(ln.trial_id, ln.field) for ln in self._lines}
        self._removed: dict[int, list[Evidence]] = defaultdict(list)  # id(_Line) -> rows
        self._trials: set[str] = set()
        self._seen: dict[tuple, dict[str, str]] = defaultdict(dict)  # (trial, field) -> key -> value

    # -- static checks ------------------------------------------------------------------------

    @staticmethod
    def _check(c: Correction) -> _Line:
        where = _where(c)
        action = c.action.strip().lower()
        if action not in ACTIONS:
            raise _Invalid(message("C307", where=where, action=c.action))
        name = _field_of(c.field)
        if name not in CORRECTABLE_FIELDS:
            if name in SPLIT_COLUMNS:
                one = fields.field(SPLIT_COLUMNS[name])
                hint = f" (the {one.name} columns are one field: use {one.name!r} with a value like {one.correct.example})"
            elif name == "trial_id":
                hint = " (a trial's id is its key, not a value to correct)"
            elif name in TRIAL_FIELDS:
                hint = " (computed by the run, not read from a paper)"
            else:
                close = difflib.get_close_matches(name, CORRECTABLE_FIELDS, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
            allowed = ", ".join(CORRECTABLE_FIELDS)
            raise _Invalid(message("C311", where=where, field=c.field, hint=hint, allowed=allowed))
        value = c.value.strip()
        if action in ("set", "reject") and not value:
            raise _Invalid(message("C308", where=where, action=action,
                                   hint="the value the field takes" if action == "set" else "the value to remove"))
        parts = [p.strip() for p in value.split(LIST_SEP)] if value else []
        if len(parts) > 1:
            if action != "set":
                raise _Invalid(message("C314", where=where, action=action, value=value))
            if name not in LIST_FIELDS:
                raise _Invalid(message("C313", where=where, field=name, value=value))
        values, seen = [], set()
        for part in parts:
            try:
                norm, data = normalize_value(name, part)
            except ValueError as err:
                raise _Invalid(message("C312", where=where, value=part, field=name, allowed=str(err))) from None
            if _key(norm) not in seen:
                seen.add(_key(norm))
                values.append((norm, data, part))
        c = Correction(c.trial_id.strip(), name, action, value, c.reviewer.strip(), c.note.strip(), c.line, c.source)
        ln = _Line(c, normalize_trial_id(c.trial_id), name, tuple(values))
        ln.lines.append(c.line)
        return ln

    @staticmethod
    def _deduplicated(lines: list[_Line]) -> list[_Line]:
        first: dict[tuple, _Line] = {}
        for ln in lines:
            k = (ln.trial_id, ln.field, ln.c.action, ln.keys)
            if k in first:
                first[k].lines.append(ln.c.line)
            else:
                first[k] = ln
        return list(first.values())

    def _without_contradictions(self, lines: list[_Line]) -> list[_Line]:
        groups: dict[tuple, list[_Line]] = defaultdict(list)
        for ln in lines:
            groups[(ln.trial_id, ln.field)].append(ln)
        dropped: set[int] = set()
        for group in groups.values():
            sets = [ln for ln in group if ln.c.action == "set"]
            for conflict, why in self._contradictions(group, sets):
                dropped.update(id(ln) for ln in conflict)
                all_lines = sorted(n for ln in conflict for n in ln.lines)
                first = min(conflict, key=lambda ln: ln.c.line)
                self._problems.append((all_lines[0], message(
                    "C316", where=_where(first.c), others=summarize_numbers(all_lines[1:]), why=why)))
        return [ln for ln in lines if id(ln) not in dropped]

    @staticmethod
    def _contradictions(group: list[_Line], sets: list[_Line]):
        name = group[0].field
        if len(sets) > 1:
            yield sets, f"different values set for {name}"
        by_value: dict[str, list[_Line]] = defaultdict(list)
        for ln in group:
            if ln.c.action in ("accept", "reject") and ln.values:
                by_value[next(iter(ln.keys))].append(ln)
        for key, lns in by_value.items():
            actions = {ln.c.action for ln in lns}
            if actions == {"accept", "reject"}:
                yield lns, f"{name} {lns[0].values[0][0]!r} both accepted and rejected"
            elif len(sets) == 1 and "reject" in actions and key in sets[0].keys:
                yield lns + sets, f"{name} {lns[0].values[0][0]!r} rejected and set"
            elif len(sets) == 1 and "accept" in actions and key not in sets[0].keys:
                yield lns + sets, f"{name} {lns[0].values[0][0]!r} accepted, but the set value replaces it"

    # -- evidence -----------------------------------------------------------------------------

    def filter(self, batch: Iterable[Evidence]) -> tuple[list[Evidence], list[Evidence]]:
        """(rows the merge reads, rows evidence.csv keeps) for one batch of evidence."""
        merge, keep = [], []
        for ev in batch:
            if ev.trial_id:
                self._trials.add(ev.trial_id)
                pair = (ev.trial_id, ev.field)
                if pair in self._watched:
                    k = _key(ev.value)
                    self._seen[pair].setdefault(k, ev.value)
                    ln = self._rejects.get(pair + (k,))
                    if ln is not None:
                        self._removed[id(ln)].append(ev)
                        continue
                    if pair in self._sets:
                        keep.append(ev)
                        continue
            merge.append(ev)
            keep.append(ev)
        return merge, keep

    def filter_table(self, table):
        """`filter` for one paper's evidence as an Arrow table (`pipeline.cache.evidence_table`):
        (table the merge reads, table evidence.csv keeps). Without corrections, both are `table`."""
        if not self._watched:  # no corrections: nothing to filter, no trial ids to check them against
            return table, table
        from pipeline.cache import evidence_table, table_evidence

        merge, keep = self.filter(table_evidence(table))
        return evidence_table(merge), evidence_table(keep)

    def finish(self) -> CorrectionResult:
        result = CorrectionResult()
        problems = list(self._problems)
        for ln in sorted(self._lines, key=lambda ln: ln.c.line):
            c, where = ln.c, _where(ln.c)
            if ln.trial_id not in self._trials:
                close = difflib.get_close_matches(ln.trial_id, sorted(self._trials), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                problems.append((c.line, message("C310", where=where, trial_id=c.trial_id, hint=hint)))
                continue
            seen = self._seen.get((ln.trial_id, ln.field), {})
            if c.action in ("accept", "reject") and ln.values:
                k = next(iter(ln.keys))
                setting = self._sets.get((ln.trial_id, ln.field))
                if k not in seen and not (setting and k in setting.keys):
                    values = ", ".join(repr(v) for v in sorted(seen.values())) or "none"
                    problems.append((c.line, message("C315", where=where, action=c.action, field=ln.field,
                                                     value=c.value, trial_id=ln.trial_id, values=values)))
                    continue
            if c.action == "reject":
                result.rejected.append({
                    "trial_id": ln.trial_id, "field": ln.field, "value": ln.values[0][0],
                    "reviewer": c.reviewer, "note": c.note, "line": c.line,
                    "evidence": self._removed.get(id(ln), []),
                })
            else:
                result.reviewed.setdefault(ln.trial_id, set()).add(ln.field)
                if c.action == "set":
                    result.reviewer_evidence.extend(_reviewer_rows(ln))
            result.applied += len(ln.lines)
        result.problems = [p for _, p in sorted(problems, key=lambda p: p[0])]
        return result


def _reviewer_rows(ln: _Line) -> list[Evidence]:
    c = ln.c
    snippet = f"set by {c.reviewer or 'reviewer'}" + (f": {c.note}" if c.note else "")
    return [
        Evidence(
            trial_id=ln.trial_id, field=ln.field, value=norm, raw=raw, paper_id=REVIEWER_PAPER_ID, page=None,
            char_start=0, char_end=0, snippet=snippet[:SNIPPET_MAX], extractor=REVIEWER, confidence=1.0, data=data,
        )
        for norm, data, raw in ln.values
    ]


def apply_corrections(evidence: Iterable[Evidence], corrections: Iterable[Correction]) -> CorrectionResult:
    """Apply corrections to all of a run's evidence (see the module docstring for the rules)."""
    plan = CorrectionPlan(corrections)
    merge, keep = plan.filter(evidence)
    result = plan.finish()
    result.merge_evidence = merge + result.reviewer_evidence
    result.evidence = keep + result.reviewer_evidence
    return result


def mark_reviewed(rows: list[dict], reviewed: Mapping[str, set]) -> list[dict]:
    """Set the trials rows' `reviewed` column (a sorted list) from `CorrectionResult.reviewed`."""
    for row in rows:
        row["reviewed"] = sorted(reviewed.get(row["trial_id"], ()))
    return rows


__all__ = [
    "CORRECTION_COLUMNS", "CORRECTABLE_FIELDS", "Correction", "CorrectionPlan", "CorrectionResult",
    "apply_corrections", "format_corrections", "mark_reviewed", "normalize_value", "parse_corrections",
    "read_corrections", "write_corrections",
]
