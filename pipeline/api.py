"""The library API: `extract_text` for one string, `run_corpus` for a folder.

    >>> from pipeline import extract_text
    >>> ev = extract_text("A phase 2 trial (NCT04288102) gave 2 × 10^6 MSCs/kg intravenously.")
    >>> sorted({(e.field, e.value) for e in ev if e.trial_id == "NCT04288102"})[:3]
    [('dose', '2e+06..2e+06 cells/kg'), ('phase', 'PHASE2'), ('product', 'cells')]
"""
from __future__ import annotations

import time
from pathlib import Path

from pipeline import pipeline_version  # noqa: F401  (part of this module's API)
from pipeline.errors import InputError, message
from pipeline.ingest import read_document
from pipeline.ingest.meta import describe
from pipeline.ingest.text import DEFAULT_MAX_BYTES, kind_of, paper_id_of
from pipeline.link import extract_paper
from pipeline.models import Document, Evidence, Page, PaperResult
from pipeline.normalize import normalize_document
from pipeline.segment import segment


def extract_document(doc: Document) -> tuple[list[Evidence], str]:
    """normalize -> segment -> extract and link, for one read document."""
    norm = normalize_document(doc)
    seg = segment(norm.text)
    return extract_paper(doc.paper_id, norm, seg), norm.text


def extract_text(text: str, paper_id: str = "text", kind: str = "text") -> list[Evidence]:
    """Every value the pipeline finds in `text`, with its provenance (one paper's evidence)."""
    doc = Document(paper_id=paper_id, path="", kind=kind, pages=(Page(None, text),))
    return extract_document(doc)[0]


def process_paper(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> PaperResult:
    """Read and extract one file. Never raises for a bad input: the result carries the error."""
    path = Path(path)
    t0 = time.perf_counter()
    result = PaperResult(paper_id=paper_id_of(path), path=str(path))
    try:
        doc = read_document(path, max_bytes=max_bytes)
        result.kind, result.read_with, result.sha256 = doc.kind, doc.read_with, doc.sha256
        result.pages = len(doc.pages) if doc.kind == "pdf" else None
        result.warnings.extend(doc.warnings)
        evidence, text = extract_document(doc)
        result.title, result.year, result.doi = describe(text, doc.kind, doc.metadata)
        result.evidence, result.text, result.chars = evidence, text, len(text)
        result.title, result.year, result.doi = describe(text, doc.kind, doc.metadata)
        result.n_evidence = len(evidence)
        result.n_trials = len({e.trial_id for e in evidence if e.trial_id})
        if not result.n_trials:
            result.warnings.append(message("W203"))
        result.status = "warning" if result.warnings else "ok"
        result.message = "; ".join(result.warnings)
    except InputError as err:
        result.status, result.message = "error", err.message
        result.kind = result.kind or kind_of(path)
    except MemoryError:
        result.status, result.message = "error", message("E120", limit=_memory_limit_mb())
        result.evidence, result.text = [], ""
    except Exception as err:  # a bug on one paper must not stop the batch: report it in papers.csv
        result.status, result.message = "error", message("E109", error=f"{type(err).__name__}: {err}")
        result.evidence, result.text = [], ""
    result.seconds = time.perf_counter() - t0
    return result


def _memory_limit_mb() -> str:
    import resource

    soft = resource.getrlimit(resource.RLIMIT_AS)[0]
    return "no" if soft == resource.RLIM_INFINITY else str(soft // (1024 * 1024))


def run_corpus(corpus: str | Path, out: str | Path = "extracted", **options):
    """Run the whole pipeline over a folder and write every output file. Returns the run summary."""
    from pipeline.run import RunOptions, run

    return run(Path(corpus), Path(out), RunOptions(**options))
