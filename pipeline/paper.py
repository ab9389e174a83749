"""One paper through the stages: read, normalize, segment, extract and link. What the workers run
(`pipeline.engine`) and what the library's `extract_text` calls; it imports neither the run nor
the engine, so `api` -> `run` -> `engine` -> `paper` import one way."""
from __future__ import annotations

import dataclasses
import re
import time
from pathlib import Path

from pipeline.errors import InputError, message
from pipeline.ingest import read_document
from pipeline.ingest.meta import describe
from pipeline.ingest.text import DEFAULT_MAX_BYTES, kind_of, paper_id_of
from pipeline.link import extract_paper
from pipeline.models import Document, Evidence, Page, PaperResult
from pipeline.normalize import normalize_document
from pipeline.segment import segment

# bidirectional controls (embeddings, overrides, isolates, marks): in a snippet they make the
# report show the words in another order than the extractor read them
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def strip_bidi(evidence: list[Evidence]) -> tuple[list[Evidence], int]:
    """The evidence with bidirectional controls removed from its snippets, and how many were."""
    out, removed = [], 0
    for e in evidence:
        if BIDI_CONTROLS.search(e.snippet):
            snippet, n = BIDI_CONTROLS.subn("", e.snippet)
            e, removed = dataclasses.replace(e, snippet=snippet), removed + n
        out.append(e)
    return out, removed


def extract_document(doc: Document) -> tuple[list[Evidence], str]:
    """normalize -> segment -> extract and link, for one read document."""
    norm = normalize_document(doc)
    seg = segment(norm.text, norm.tables)
    return extract_paper(doc.paper_id, norm, seg), norm.text


def extract_text(text: str, paper_id: str = "text", kind: str = "text") -> list[Evidence]:
    """Every value the pipeline finds in `text`, with its provenance (one paper's evidence).
    Raises `pipeline.errors.RunError` (E148) for arguments of the wrong type."""
    from pipeline.errors import RunError

    for name, value, ok in (("text", text, isinstance(text, str)), ("paper_id", paper_id, isinstance(paper_id, str) and paper_id),
                            ("kind", kind, kind in ("text", "markdown", "pdf"))):
        if not ok:
            raise RunError("E148", option=name, rule="'text', 'markdown' or 'pdf'" if name == "kind" else "a non-empty string" if name == "paper_id" else "a string", value=value)
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
        # (every snippet is cut from the text: a text without bidirectional controls has none to strip)
        evidence, removed = strip_bidi(evidence) if BIDI_CONTROLS.search(text) else (evidence, 0)
        if removed:
            result.warnings.append(message("W205", count=removed))
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
