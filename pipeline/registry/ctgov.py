"""Read ClinicalTrials.gov exports into registry records, one per NCT id, in the trial table's codes.

Two formats, told apart by content (not by the file name):

* the CSV of the search page's "Download" button. The classic site's export has the columns
  `NCT Number`, `Title`, `Acronym`, `Status`, `Conditions`, `Sponsor/Collaborators`, `Phases`,
  `Enrollment`, `Other IDs`, `Start Date`, ... with list cells joined by `|`, statuses and phases
  spelled out ("Active, not recruiting", "Phase 1|Phase 2") and dates as "June 2020" or
  "May 19, 2011". The newer site's export names some columns differently (`Study Title`,
  `Study Status`, `Sponsor` + `Collaborators`) and prints codes and ISO dates; `CSV_COLUMNS` lists
  both spellings. The CSV holds no date of its own: the export date is a `YYYY-MM(-DD)` in the file
  name, else the file's modification date.
* ClinicalTrials.gov API v2 JSON: one study, a list of studies, or a page `{"studies": [...]}`.
  A study's date is its `lastUpdatePostDateStruct` (else the file's date, as for the CSV).

Values are mapped as the papers' values are: phases through the `registry_phase` vocabulary (data,
in pipeline/vocab/), statuses through the `status` vocabulary, conditions through the `conditions`
vocabulary where it matches (else the condition lower-cased as printed), start dates to `YYYY-MM`
(or `YYYY`), enrollment to an integer; titles and sponsors are kept as printed. A value the trial
table has no code for (an expanded-access status such as "Available", an unreadable date) is left
empty and named in a warning.

Public functions (no state; files are only read):

    load_registry(paths)          -> Registry      every file, merged; raises RegistryError (E130-E133)
    read_export(path)             -> ExportFile    one file
    parse_export(text, source, file_date) -> ExportFile   the same, from text (the tests' entry point)
    phase_codes(printed) / status_code(printed) / month_date(printed) / condition_values(printed)
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Mapping, Optional, Union

from pipeline import vocab as vocabularies
from pipeline.errors import RegistryError, message
from pipeline.extract.registry_ids import canonical_id, find_registry_ids, registry_of
from pipeline.extract.vocab_match import matcher
from pipeline.fields import field as declared_field

# Columns a record fills: our column -> the export's column(s) that hold it. Every listed column
# present in the file contributes (the newer CSV splits sponsors into `Sponsor` and `Collaborators`;
# only one of `Title` / `Study Title` is ever present).
CSV_COLUMNS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "trial_id": ("NCT Number",),
    "title": ("Title", "Study Title"),
    "acronym": ("Acronym",),
    "status": ("Status", "Study Status"),
    "conditions": ("Conditions",),
    "phase": ("Phases",),
    "enrollment": ("Enrollment",),
    "start_date": ("Start Date",),
    "sponsors": ("Sponsor/Collaborators", "Sponsor", "Collaborators"),
    "other_ids": ("Other IDs",),
})
CSV_LIST_SEP = "|"

# The same for API v2 JSON: our column -> the key path in a study (as named in snippets).
JSON_PATHS: Mapping[str, str] = MappingProxyType({
    "trial_id": "protocolSection.identificationModule.nctId",
    "title": "protocolSection.identificationModule.briefTitle",
    "official_title": "protocolSection.identificationModule.officialTitle",
    "acronym": "protocolSection.identificationModule.acronym",
    "status": "protocolSection.statusModule.overallStatus",
    "start_date": "protocolSection.statusModule.startDateStruct.date",
    "last_update": "protocolSection.statusModule.lastUpdatePostDateStruct.date",
    "conditions": "protocolSection.conditionsModule.conditions",
    "phase": "protocolSection.designModule.phases",
    "enrollment": "protocolSection.designModule.enrollmentInfo.count",
    "lead_sponsor": "protocolSection.sponsorCollaboratorsModule.leadSponsor.name",
    "collaborators": "protocolSection.sponsorCollaboratorsModule.collaborators",
    "org_study_id": "protocolSection.identificationModule.orgStudyIdInfo.id",
    "secondary_ids": "protocolSection.identificationModule.secondaryIdInfos",
})

# the columns of a record's fields (the trial's ids apart), and those that hold several values
RECORD_COLUMNS = tuple(c for c in CSV_COLUMNS if c not in ("trial_id", "other_ids"))
LIST_COLUMNS = tuple(c for c in RECORD_COLUMNS if declared_field(c).is_list)
_MONTHS = {m: i for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"), start=1)}
_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{1,2}))?(?:-\d{1,2})?")
_NAMED_DATE = re.compile(r"([A-Za-z]+)\.?\s+(?:\d{1,2},?\s+)?(\d{4})")
_NAME_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?(?!\d)")


@dataclass(frozen=True)
class RegistryValue:
    """One value of a record with its provenance: the registry's name of the field and the text."""

    field: str  # our column
    value: Any  # in our codes: a phase/status code, a condition label, an int enrollment, ...
    raw: str  # as printed in the export
    label: str  # the export's column name (CSV) or key path (JSON)


@dataclass(frozen=True)
class RegistryRecord:
    """What the registry says about one trial, in the trial table's codes.

    `fields` maps our column to its value: a sorted tuple for list columns (`conditions`, `phase`,
    `sponsors`), a str or int otherwise; a column the registry leaves empty is absent. `values`
    keeps each value with the text it was read from. `titles` are every title the registry gives
    (brief, and official in JSON): a paper may print either.
    """

    trial_id: str
    fields: Mapping[str, Any]
    values: tuple[RegistryValue, ...]
    other_ids: tuple[str, ...]
    titles: tuple[str, ...]
    source: str  # the file as given
    kind: str  # "csv" | "json"
    export_date: str  # YYYY-MM or YYYY-MM-DD

    @property
    def export_id(self) -> str:
        """The export's name in `evidence.paper_id`: the file name without its extension."""
        return Path(self.source).stem


@dataclass(frozen=True)
class ExportFile:
    """One export as read: its records (in file order) and what was skipped, as warnings."""

    path: str
    kind: str  # "csv" | "json"
    export_date: str
    records: tuple[RegistryRecord, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Registry:
    """Records of every export given, by NCT id; `aliases` maps a secondary registry id that a
    record lists (EudraCT, IRCT, ...; only ids naming one record) to that record's NCT id."""

    records: Mapping[str, RegistryRecord]
    aliases: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    files: tuple[ExportFile, ...] = ()
    warnings: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.records)

    def __contains__(self, trial_id: str) -> bool:
        return self.get(trial_id) is not None

    def get(self, trial_id: str) -> Optional[RegistryRecord]:
        """The record of an NCT id, or of a secondary id one record lists; None if absent."""
        nct = self.aliases.get(trial_id, trial_id)
        return self.records.get(nct)

    def find(self, ids: Iterable[str]) -> Optional[RegistryRecord]:
        """The record of the first of `ids` the export holds."""
        for i in ids:
            rec = self.get(i)
            if rec is not None:
                return rec
        return None


# --------------------------------------------------------------------------------------------------
# Value mapping (pure functions of one printed value)
# --------------------------------------------------------------------------------------------------
def phase_codes(printed: str) -> tuple[str, ...]:
    """One printed phase value -> phase codes: "Phase 2" -> ("PHASE2",), "EARLY_PHASE1" ->
    ("EARLY_PHASE1",), "Phase 1/Phase 2" -> ("PHASE1", "PHASE2"), "Not Applicable" and "NA" -> ("NOT_APPLICABLE",).
    Empty tuple when a part has no code."""
    v = vocabularies.load("registry_phase")
    text = printed.strip().replace("_", " ")
    code = v.code_of(text)
    if code:
        return (code,)
    parts = [p for p in re.split(r"\s*/\s*", text) if p]
    codes = tuple(v.code_of(p) for p in parts)
    return codes if len(parts) > 1 and all(codes) else ()


def status_code(printed: str) -> Optional[str]:
    """A printed overall status ("Active, not recruiting", "UNKNOWN", "Unknown status") -> code."""
    return vocabularies.load("status").code_of(printed.strip().replace("_", " "))


def month_date(printed: str) -> Optional[str]:
    """A registry date -> `YYYY-MM` (or `YYYY`): "June 2020", "May 19, 2011", "2020-06-15", "2020"."""
    text = printed.strip()
    m = _ISO_DATE.fullmatch(text)
    if m:
        year, month = m.group(1), m.group(2)
        if month is None:
            return year
        return f"{year}-{int(month):02d}" if 1 <= int(month) <= 12 else None
    m = _NAMED_DATE.fullmatch(text)
    if m and m.group(1).lower() in _MONTHS:
        return f"{m.group(2)}-{_MONTHS[m.group(1).lower()]:02d}"
    return None


def condition_values(printed: str) -> tuple[str, ...]:
    """One registry condition -> condition labels: the `conditions` vocabulary's codes for the terms
    it finds ("COVID-19 Pneumonia" -> ("covid-19",)), else the condition lower-cased as printed."""
    codes = tuple(dict.fromkeys(m.value for m in matcher("conditions").find(printed)))
    return codes or (" ".join(printed.lower().split()),)


def secondary_registry_id(printed: str) -> Optional[str]:
    """A secondary id cell -> canonical id of another registry, if the cell is one ("2013-005407-14",
    "EudraCT Number: 2012-002553-38", "IRCT2015110524890N1"). Sponsor protocol numbers that merely
    contain an id-like run ("NL43712.000.13") are not: the id must end the cell and nothing before it
    may be a digit. NCT ids are left out: another NCT id names a related study, not this one."""
    cell = printed.strip().rstrip(".;,")
    for m in find_registry_ids(cell):
        if m.end == len(cell) and not re.search(r"\d", cell[:m.start]) and registry_of(m.value) != "ctgov":
            return m.value
    return None


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _file_date(path: Path) -> str:
    """The export date a file name states (YYYY-MM or YYYY-MM-DD), else its modification date."""
    m = _NAME_DATE.search(path.name)
    if m:
        return "-".join(g for g in m.groups() if g)
    try:
        return _dt.date.fromtimestamp(path.stat().st_mtime).isoformat()
    except OSError:
        return ""


# --------------------------------------------------------------------------------------------------
# Building a record from printed values (shared by both formats)
# --------------------------------------------------------------------------------------------------
class _Unmapped:
    """Printed values without a code, per column, collected over a file for one warning each."""

    def __init__(self):
        self.by_field: dict[str, dict[str, None]] = {}

    def add(self, column: str, raw: str) -> None:
        self.by_field.setdefault(column, {})[raw] = None

    def warnings(self, path: str) -> list[str]:
        return [message("W231", path=path, field=f, values=sorted(v)) for f, v in sorted(self.by_field.items())]


def _mapped(column: str, raw: str, label: str, unmapped: _Unmapped) -> list[RegistryValue]:
    """The values of one printed cell (one list element) of `column`."""
    raw = _one_line(raw)
    if not raw:
        return []
    if column == "phase":
        codes = phase_codes(raw)
    elif column == "status":
        code = status_code(raw)
        codes = (code,) if code else ()
    elif column == "start_date":
        date = month_date(raw)
        codes = (date,) if date else ()
    elif column == "enrollment":
        digits = raw.replace(",", "")
        codes = (int(digits),) if digits.isdigit() and len(digits) <= MAX_ENROLLMENT_DIGITS else ()
    elif column == "conditions":
        codes = condition_values(raw)
    else:  # title, acronym, sponsors: as printed
        codes = (raw,)
    if not codes:
        unmapped.add(column, raw)
    return [RegistryValue(column, c, raw, label) for c in codes]


def _record(trial_id: str, values: list[RegistryValue], other_ids: Iterable[str], titles: Iterable[str],
            source: str, kind: str, export_date: str) -> RegistryRecord:
    fields: dict[str, Any] = {}
    for v in values:
        if v.field in LIST_COLUMNS:
            fields.setdefault(v.field, set()).add(v.value)
        else:
            fields.setdefault(v.field, v.value)  # one value per scalar column; the first wins
    for c in LIST_COLUMNS:
        if c in fields:
            fields[c] = tuple(sorted(fields[c]))
    return RegistryRecord(
        trial_id=trial_id,
        fields=MappingProxyType(fields),
        values=tuple(values),
        other_ids=tuple(sorted(set(other_ids))),
        titles=tuple(dict.fromkeys(t for t in (_one_line(t) for t in titles) if t)),
        source=source,
        kind=kind,
        export_date=export_date,
    )


# --------------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------------
def _parse_csv(text: str, source: str, export_date: str) -> ExportFile:
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = reader.fieldnames or []
    except csv.Error as err:
        raise RegistryError("E132", message("E132", path=source, reason=f"not CSV: {err}")) from err
    header = [h.strip() for h in header]
    reader.fieldnames = header
    if "NCT Number" not in header:
        seen = ", ".join(repr(h) for h in header[:6]) + (", ..." if len(header) > 6 else "")
        raise RegistryError("E132", message(
            "E132", path=source,
            reason=f"no 'NCT Number' column in the first line (found {seen or 'nothing'}); "
                   "use the CSV of the search page's Download button"))
    columns = {c: tuple(h for h in hs if h in header) for c, hs in CSV_COLUMNS.items()}
    records: list[RegistryRecord] = []
    unmapped = _Unmapped()
    skipped: list[int] = []
    try:
        for row in reader:
            nct = canonical_id(row.get("NCT Number") or "")
            if not nct or registry_of(nct) != "ctgov":
                skipped.append(reader.line_num)
                continue
            values: list[RegistryValue] = []
            for column in RECORD_COLUMNS:
                for name in columns[column]:
                    cell = row.get(name) or ""
                    parts = cell.split(CSV_LIST_SEP) if column in LIST_COLUMNS else [cell]
                    for part in parts:
                        values.extend(_mapped(column, part, name, unmapped))
            cells = [c for name in columns["other_ids"] for c in (row.get(name) or "").split(CSV_LIST_SEP)]
            others = [secondary_registry_id(c) for c in cells]
            titles = [row.get(name) or "" for name in columns["title"]]
            records.append(_record(nct, values, [o for o in others if o], titles, source, "csv", export_date))
    except csv.Error as err:
        reason = f"CSV error at line {reader.line_num}: {err}"
        raise RegistryError("E132", message("E132", path=source, reason=reason)) from err
    return _export_file(source, "csv", export_date, records, skipped, "line", "no row with an NCT number", unmapped)


def _export_file(source, kind, export_date, records, skipped, unit, empty_reason, unmapped) -> "ExportFile":
    """The records read from one export, or E133 when there are none; `skipped` (rows or
    studies without a usable NCT id, numbered by `unit`) and unmapped values become warnings."""
    if not records:
        raise RegistryError("E133", message("E133", path=source, reason=empty_reason))
    warnings = []
    if skipped:
        warnings.append(message("W230", path=source, count=len(skipped), where=f"{unit} {skipped[0]}"))
    warnings += unmapped.warnings(source)
    return ExportFile(source, kind, export_date, tuple(records), tuple(warnings))


# --------------------------------------------------------------------------------------------------
# API v2 JSON
# --------------------------------------------------------------------------------------------------
def _at(study: Any, path: str) -> Any:
    """The value at a dotted key path in a study, or None."""
    node = study
    for key in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _items(value: Any) -> list:
    """A JSON list, or nothing for any other value (`collaborators: 5`)."""
    return value if isinstance(value, list) else []


MAX_ENROLLMENT_DIGITS = 9  # a count with more digits is not an enrollment


def _strings(value: Any) -> list[str]:
    """A JSON string or list of strings -> list of strings (anything else ignored)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _studies(data: Any, source: str) -> list:
    """The studies in a parsed API v2 JSON document: one study, a list of them, or a page."""
    if isinstance(data, dict) and isinstance(data.get("studies"), list):
        studies = data["studies"]
    elif isinstance(data, dict) and "protocolSection" in data:
        studies = [data]
    elif isinstance(data, list) and all(isinstance(s, dict) and "protocolSection" in s for s in data):
        studies = data
    else:
        raise RegistryError("E132", message(
            "E132", path=source,
            reason="JSON without studies: expected a ClinicalTrials.gov API v2 study (an object with "
                   "'protocolSection'), a list of studies, or a page {\"studies\": [...]}"))
    if not studies:
        raise RegistryError("E133", message("E133", path=source, reason="an empty list of studies"))
    return studies


def _study_record(study: dict, source: str, file_date: str, unmapped: _Unmapped) -> Optional[RegistryRecord]:
    nct = canonical_id(str(_at(study, JSON_PATHS["trial_id"]) or ""))
    if not nct or registry_of(nct) != "ctgov":
        return None
    values: list[RegistryValue] = []

    def read(column: str, key: str) -> None:
        raw = _at(study, JSON_PATHS[key])
        if isinstance(raw, int) and not isinstance(raw, bool):
            raw = str(raw) if abs(raw) < 10 ** MAX_ENROLLMENT_DIGITS else ""
        for text in _strings(raw):
            values.extend(_mapped(column, text, JSON_PATHS[key], unmapped))

    for column in ("title", "acronym", "status", "conditions", "phase", "enrollment", "start_date"):
        read(column, column)
    read("sponsors", "lead_sponsor")
    for c in _items(_at(study, JSON_PATHS["collaborators"])):
        if isinstance(c, dict) and isinstance(c.get("name"), str):
            values.extend(_mapped("sponsors", c["name"], JSON_PATHS["collaborators"] + ".name", unmapped))
    secondary = [s.get("id") for s in _items(_at(study, JSON_PATHS["secondary_ids"])) if isinstance(s, dict)]
    secondary.append(_at(study, JSON_PATHS["org_study_id"]))
    others = [secondary_registry_id(s) for s in secondary if isinstance(s, str)]
    titles = _strings(_at(study, JSON_PATHS["title"])) + _strings(_at(study, JSON_PATHS["official_title"]))
    updated = _at(study, JSON_PATHS["last_update"])
    export_date = updated if isinstance(updated, str) and _ISO_DATE.fullmatch(updated) else file_date
    return _record(nct, values, [o for o in others if o], titles, source, "json", export_date)


def _parse_json(text: str, source: str, file_date: str) -> ExportFile:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise RegistryError("E132", message(
            "E132", path=source, reason=f"invalid JSON at line {err.lineno} column {err.colno}: {err.msg}")) from err
    except RecursionError:
        raise RegistryError("E132", message("E132", path=source, reason="JSON nested too deeply to be an export")) from None
    except ValueError as err:  # e.g. an integer of thousands of digits
        raise RegistryError("E132", message("E132", path=source, reason=f"a JSON value that cannot be read ({err})")) from None
    unmapped = _Unmapped()
    records, skipped = [], []
    for k, study in enumerate(_studies(data, source)):
        rec = _study_record(study, source, file_date, unmapped) if isinstance(study, dict) else None
        if rec is None:
            skipped.append(k + 1)
        else:
            records.append(rec)
    return _export_file(source, "json", file_date, records, skipped, "study", "no study with an NCT id", unmapped)


# --------------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------------
def parse_export(text: str, source: str = "<export>", file_date: str = "") -> ExportFile:
    """An export's text -> its records. JSON if it starts with `{` or `[`, else CSV."""
    if "\x00" in text:
        raise RegistryError("E132", message("E132", path=source, reason="binary content (NUL bytes)"))
    body = text.lstrip("\ufeff \t\r\n")
    if not body:
        raise RegistryError("E131", message("E131", path=source))
    if body[0] in "{[":
        return _parse_json(body, source, file_date)
    return _parse_csv(body, source, file_date)


def read_export(path: Union[str, Path]) -> ExportFile:
    """One export file -> its records; raises `RegistryError` naming the file and the problem."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as err:
        raise RegistryError("E130", message("E130", path=str(path), error=err.strerror or err)) from err
    if not data.strip():
        raise RegistryError("E131", message("E131", path=str(path)))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise RegistryError("E132", message(
            "E132", path=str(path), reason=f"not UTF-8 text (byte {err.start}): a binary file or another encoding")) from err
    return parse_export(text, str(path), _file_date(p))


def build_registry(exports: Iterable[ExportFile]) -> Registry:
    """Index the records of several exports. A trial in more than one keeps the record with the
    latest export date (the later file on a tie); a secondary id is an alias only when it names
    one trial."""
    exports = tuple(exports)
    chosen: dict[str, tuple[tuple, RegistryRecord]] = {}
    overlaps: dict[tuple[int, int], int] = {}
    warnings: list[str] = [w for e in exports for w in e.warnings]
    for k, export in enumerate(exports):
        for rec in export.records:
            key = (rec.export_date, k)
            old = chosen.get(rec.trial_id)
            if old is not None and old[0][1] != k:
                pair = (old[0][1], k)
                overlaps[pair] = overlaps.get(pair, 0) + 1
            if old is None or key >= old[0]:
                chosen[rec.trial_id] = (key, rec)
    for (a, b), count in sorted(overlaps.items()):
        later = max(exports[a].export_date, exports[b].export_date)
        warnings.append(message("W232", path=exports[b].path, count=count, other=exports[a].path,
                                kept=later or "the later file"))
    records = {nct: rec for nct, (_, rec) in sorted(chosen.items())}
    named: dict[str, set] = {}
    for rec in records.values():
        for other in rec.other_ids:
            named.setdefault(other, set()).add(rec.trial_id)
    aliases = {other: next(iter(ncts)) for other, ncts in sorted(named.items()) if len(ncts) == 1}
    return Registry(MappingProxyType(records), MappingProxyType(aliases), exports, tuple(warnings))


def load_registry(paths: Iterable[Union[str, Path]]) -> Registry:
    """Read every export (`--registry PATH`, repeatable) into one `Registry`."""
    return build_registry(read_export(p) for p in paths)
