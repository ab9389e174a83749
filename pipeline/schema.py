"""The output columns, declared once. Writers, the data package and the tests all read this.

The trials columns come from the field declarations (`pipeline.fields`)."""
from __future__ import annotations

from pipeline import fields
from pipeline.fields import DOSE_UNITS, PHASES, REGISTRIES, STATUSES  # noqa: F401  (declared with the fields)

# (name, frictionless type, is_list, description, codes): codes is None (any value), a tuple of the
# allowed codes, or the name of the vocabulary (pipeline/vocab/<name>.yaml) whose codes are allowed
# (`pipeline.codes.allowed`; conditions also keep text no entry matches). Each field, with its
# columns, is declared in `pipeline.fields`.
TRIAL_COLUMNS = tuple(c.as_tuple() for c in fields.trial_columns())
TRIAL_FIELDS = tuple(c[0] for c in TRIAL_COLUMNS)
LIST_FIELDS = tuple(c[0] for c in TRIAL_COLUMNS if c[2])
SCALAR_FIELDS = tuple(c[0] for c in TRIAL_COLUMNS if not c[2])

# evidence fields a value may belong to: trials columns, with the four dose columns as one "dose"
EVIDENCE_FIELDS = fields.evidence_fields()
EVIDENCE_COLUMNS = (
    ("trial_id", "string", False, "Trial the value belongs to; empty when not tied to one trial", None),
    ("field", "string", False, "trials column (the four dose columns are 'dose')", EVIDENCE_FIELDS),
    ("value", "string", False, "Normalized value; dose: '{low:g}..{high:g} {unit}'", None),
    ("raw", "string", False, "As printed", None),
    ("paper_id", "string", False, "Input file name without extension", None),
    ("page", "integer", False, "1-based page (PDF); empty for plain text", None),
    ("char_start", "integer", False, "Offset in the paper's normalized text", None),
    ("char_end", "integer", False, "End offset in the paper's normalized text", None),
    ("snippet", "string", False, "Sentence or table row, at most 300 characters", None),
    ("extractor", "string", False, "Stage that found the value", None),
    ("confidence", "number", False, "0..1", None),
)
EVIDENCE_FIELD_NAMES = tuple(c[0] for c in EVIDENCE_COLUMNS)

PAPER_COLUMNS = (
    ("paper_id", "string", False, "Input file name without extension", None),
    ("path", "string", False, "Path as given", None),
    ("kind", "string", False, "text, markdown or pdf; registry (an export given with --registry) or corrections", None),
    ("title", "string", False, "The paper's title, as the text or the PDF's metadata states it", None),
    ("year", "integer", False, "Year of publication, when the paper states it", None),
    ("doi", "string", False, "The paper's DOI (10.xxxx/...), when it states one", None),
    ("status", "string", False, "ok, warning, error, or skipped (not a paper: see message)", ("ok", "warning", "error", "skipped")),
    ("message", "string", False, "What happened, for a user to act on", None),
    ("pages", "integer", False, "Page count (PDF)", None),
    ("chars", "integer", False, "Characters of normalized text", None),
    ("read_with", "string", False, "How the file was read", None),
    ("sha256", "string", False, "Content hash", None),
    ("n_trials", "integer", False, "Trials the paper mentions", None),
    ("n_evidence", "integer", False, "Evidence rows from the paper", None),
    ("warnings", "string", True, "Warnings", None),
)
PAPER_FIELD_NAMES = tuple(c[0] for c in PAPER_COLUMNS)

SNIPPET_MAX = 300
LIST_SEP = "|"

CODE_COLUMNS = (
    ("field", "string", False, "trials column the code belongs to", None),
    ("code", "string", False, "The code as the tables hold it", None),
    ("label", "string", False, "What the code means, as the report shows it", None),
    ("ontology_id", "string", False, "Ontology term (UBERON, NCIT, MONDO, ...), when the vocabulary gives one", None),
)
