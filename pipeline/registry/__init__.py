"""Cross-check the trial table against a registry export (`--registry PATH`, repeatable).

`ctgov` reads ClinicalTrials.gov exports (the search page's CSV download, API v2 JSON) into
`RegistryRecord`s in the trial table's codes; `crosscheck` compares merged trial rows with them
(`registry_status`, `registry_conflicts`) and turns what the papers are silent on into evidence
with extractor `registry`. The caller (the run) does:

    registry = load_registry(paths)
    rows = cross_check(merge(paper evidence), registry)
    then merges registry_evidence(rows, registry) into the same trials (silent columns only);
    or `rows, evidence = apply_registry(merged_rows, registry)` does both.
"""
from pipeline.registry.crosscheck import (
    COMPARED_FIELDS,
    FILL_FIELDS,
    apply_registry,
    conflicts,
    cross_check,
    record_of,
    registry_evidence,
    registry_values,
    same_title,
)
from pipeline.registry.ctgov import (
    ExportFile,
    Registry,
    RegistryRecord,
    RegistryValue,
    build_registry,
    load_registry,
    parse_export,
    read_export,
)

__all__ = [
    "COMPARED_FIELDS", "FILL_FIELDS", "apply_registry", "ExportFile", "Registry", "RegistryRecord", "RegistryValue",
    "build_registry", "conflicts", "cross_check", "load_registry", "parse_export", "read_export",
    "record_of", "registry_evidence", "registry_values", "same_title",
]
