"""The output columns, declared once. Writers, the data package and the tests all read this."""
from __future__ import annotations

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

# (name, frictionless type, is_list, description, codes): codes is None (any value), a tuple of the
# allowed codes, or the name of the vocabulary (pipeline/vocab/<name>.yaml) whose codes are allowed
# (`pipeline.codes.allowed`; conditions also keep text no entry matches)
TRIAL_COLUMNS = (
    ("trial_id", "string", False, "Canonical registry id, or ref:<surname>-<year> for a trial known by its publication", None),
    ("registry", "string", False, "Registry of trial_id", REGISTRIES),
    ("other_ids", "string", True, "Further registry ids seen for the same trial", None),
    ("title", "string", False, "Title as printed in a source table", None),
    ("acronym", "string", False, "Trial acronym", None),
    ("conditions", "string", True, "Conditions: a code of the conditions vocabulary (see the codes resource for its label and ontology id), else the condition as printed, cleaned and lower-case", "conditions"),
    ("phase", "string", True, "ClinicalTrials.gov v2 phase codes", PHASES),
    ("status", "string", False, "Overall recruitment status", STATUSES),
    ("start_date", "string", False, "YYYY-MM or YYYY", None),
    ("enrollment", "integer", False, "Patients enrolled or planned", None),
    ("cell_source", "string", True, "Tissue the cells come from", "cell_source"),
    ("donor", "string", True, "autologous, allogeneic, xenogeneic", "donor"),
    ("product", "string", True, "What is given: cells, exosomes, ...", "product"),
    ("route", "string", True, "Route of administration", "route"),
    ("dose_low", "number", False, "Lowest dose per administration, in dose_unit", None),
    ("dose_high", "number", False, "Highest dose per administration, in dose_unit", None),
    ("dose_unit", "string", False, "Unit of dose_low/dose_high", DOSE_UNITS),
    ("dose_count", "integer", False, "Administrations per patient", None),
    ("dose_text", "string", False, "The dose phrase as printed", None),
    ("sponsors", "string", True, "Sponsors as printed", None),
    ("sources", "string", True, "Ids of the papers that mention the trial", None),
    ("conflicts", "string", True, "Columns where sources disagree", None),
    ("registry_status", "string", False, "found / not_in_export when a registry export was given", ("found", "not_in_export")),
    ("registry_conflicts", "string", True, "Columns where the papers and the registry export disagree", None),
    ("reviewed", "string", True, "Columns a reviewer accepted", None),
)
TRIAL_FIELDS = tuple(c[0] for c in TRIAL_COLUMNS)
LIST_FIELDS = tuple(c[0] for c in TRIAL_COLUMNS if c[2])
SCALAR_FIELDS = tuple(c[0] for c in TRIAL_COLUMNS if not c[2])

# evidence fields a value may belong to: trials columns, with the four dose columns as one "dose"
EVIDENCE_FIELDS = (
    "trial_id", "registry", "other_ids", "title", "acronym", "conditions", "phase", "status", "start_date",
    "enrollment", "cell_source", "donor", "product", "route", "dose", "dose_count", "sponsors",
)
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
