"""Imported by the worker processes' fork server, so that every worker starts warm.

A worker's first paper used to cost about a second more than the others: building the
vocabulary matchers, compiling patterns, setting up the tokenizer, importing pyarrow (and the
pandas it loads) to store the result. The fork server does that once here, on a small text of
its own, and each worker forked from it inherits the result.

A process that forks should have no threads of its own making: pyarrow's allocator would start
one (turned off here, for the fork server and its workers), and storing a result uses no thread
pool (`pipeline.cache.result_bytes`).
"""
from __future__ import annotations

import gc
import os

os.environ.setdefault("JE_ARROW_MALLOC_CONF", "background_thread:false")  # read when pyarrow loads

SAMPLE = (
    "Results\n\nA phase 1/2 trial (NCT09000001) gave 2 × 10^6 bone marrow MSCs/kg intravenously "
    "to 20 patients with Crohn's disease (CD) twice, 4 weeks apart [1]. The trial, sponsored by "
    "Example University, started in March 2019 and is recruiting.\n\n"
    "Table 1 Trials\nNCT number | Phase | Source | Route\nNCT09000002 | Ⅱ | umbilical cord | intrathecal\n\n"
    "References\n\n1. Doe J, Roe R. A trial. J Example. 2019;1:1-9.\n"
)


def warm() -> None:
    try:
        from pipeline.paper import extract_text
        from pipeline.cache import result_bytes
        from pipeline.models import PaperResult

        evidence = extract_text(SAMPLE, paper_id="warm")
        result_bytes(PaperResult(paper_id="warm", path="warm", evidence=evidence, text=SAMPLE))
    except Exception:  # pragma: no cover - warming is only a speed-up; the worker does it again
        pass


warm()
# what the fork server holds now (modules, compiled patterns, vocabularies) lives as long as the
# workers: out of the garbage collector's reach, a worker's collections go through only what its
# papers make (a full collection went through all of it, about 0.07 s, every fifty papers or so)
gc.freeze()
