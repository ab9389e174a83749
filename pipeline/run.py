"""A run over a corpus: discover, process each paper, merge, write."""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.api import pipeline_version, process_paper
from pipeline.errors import message
from pipeline.ingest import discover
from pipeline.ingest.text import DEFAULT_MAX_BYTES
from pipeline.merge import merge_trials
from pipeline.models import PaperResult
from pipeline.write import write_outputs


@dataclass
class RunOptions:
    workers: int = 1
    engine: str = "local"
    scheduler: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: float = 120.0
    corrections: str | None = None
    registries: list[str] = field(default_factory=list)
    progress: bool | None = None  # None: only on a terminal
    report: bool = True


@dataclass
class RunSummary:
    papers: list[PaperResult]
    trials: list[dict]
    out: Path

    @property
    def n_errors(self) -> int:
        return sum(p.status == "error" for p in self.papers)


def _progress(items, total: int, enabled: bool | None):
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, total=total, unit="paper", desc="papers", file=sys.stderr)


def _dedupe_by_content(results: list[PaperResult]) -> None:
    """The same file under two names: keep the first's evidence, mark the other."""
    seen: dict[str, str] = {}
    for r in results:
        if r.status == "error" or not r.sha256:
            continue
        if r.sha256 in seen:
            r.evidence, r.n_evidence, r.n_trials = [], 0, 0
            r.status = "warning"
            r.warnings.append(message("W202", other=seen[r.sha256]))
            r.message = "; ".join(r.warnings)
        else:
            seen[r.sha256] = r.paper_id


def run(corpus: Path, out: Path, options: RunOptions) -> RunSummary:
    paths = discover(corpus)
    results = [process_paper(p, options.max_bytes) for p in _progress(paths, len(paths), options.progress)]
    _dedupe_by_content(results)
    evidence = [ev for r in results for ev in r.evidence]
    trials = merge_trials(evidence)
    write_outputs(out, trials, evidence, results, pipeline_version())
    return RunSummary(results, trials, out)
