"""The library API: `extract_text` for one string, `run_corpus` for a folder.

    >>> from pipeline import extract_text
    >>> ev = extract_text("A phase 2 trial (NCT04288102) gave 2 × 10^6 MSCs/kg intravenously.")
    >>> sorted({(e.field, e.value) for e in ev if e.trial_id == "NCT04288102"})[:3]
    [('dose', '2e+06..2e+06 cells/kg'), ('phase', 'PHASE2'), ('product', 'cells')]
"""
from __future__ import annotations

from pathlib import Path

from pipeline import pipeline_version  # noqa: F401  (part of this module's API)
from pipeline.paper import extract_document, extract_text, process_paper  # noqa: F401  (the library's)


def run_corpus(corpus: str | Path, out: str | Path = "extracted", **options):
    """Run the whole pipeline over a folder and write every output file. Returns the run summary.

    Raises `pipeline.errors.RunError` (with `code` and `exit_code`) before extracting anything
    when an argument is wrong (a corpus that does not exist or is a file, `workers=0`, a timeout
    of 0 or less, an unknown option) or the output folder cannot be used or is in use by another
    run; `DiskFullError` (a `RunError` and an `OSError`) when the disk fills up while writing,
    with the previous outputs kept."""
    from dataclasses import fields

    from pipeline.errors import RunError
    from pipeline.run import RunOptions, run

    known = {f.name for f in fields(RunOptions)}
    for name in options:
        if name not in known:
            raise RunError("E148", option=name, rule=f"one of {', '.join(sorted(known))}", value=options[name])
    return run(Path(corpus), Path(out), RunOptions(**options))
