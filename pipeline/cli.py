"""Command line: `python -m pipeline --corpus corpus/ --out extracted/`.

Exit codes: 0 the run completed (bad papers are listed in papers.csv); 2 wrong usage, a corpus
or output folder that cannot be used; 3 the run completed but no paper could be read; 4 with
--strict, some paper, correction or registry file had an error; 5 the disk filled up while writing
(the previous outputs are kept); 6 another run is writing to the output folder; 1 an unexpected
failure (a bug: please report it with the traceback).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

EXIT_OK, EXIT_BUG, EXIT_USAGE, EXIT_NOTHING_READ, EXIT_STRICT = 0, 1, 2, 3, 4  # 5 disk full, 6 OUT in use (RunError)
_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "kib": 1024, "m": 1024 ** 2, "mb": 1024 ** 2, "mib": 1024 ** 2,
          "g": 1024 ** 3, "gb": 1024 ** 3, "gib": 1024 ** 3}


def size(text: str) -> int:
    """A size as a user writes it: `20MB`, `20 MB`, `512k`, `1.5GB` or bytes (`20971520`);
    KB, MB and GB are 1024, 1024² and 1024³ bytes."""
    import re

    m = re.fullmatch(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*([a-zA-Z]*)\s*", text)
    if not m or m.group(2).lower() not in _UNITS:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size: write e.g. 20MB, 512KB or a number of bytes")
    return int(float(m.group(1)) * _UNITS[m.group(2).lower()])


def _prog() -> str:
    """How the user started the program: the installed script's name, or `python -m pipeline`."""
    name = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    return "python -m pipeline" if name in ("", "__main__.py", "-c") else name


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog=_prog(),
        description="Extract a deduplicated, provenance-backed table of MSC clinical trials from "
        "review papers (.txt, .md, .pdf). Writes trials, evidence and papers (CSV and Parquet), "
        "datapackage.json, report.html and each paper's normalized text to --out.",
        epilog="Exit codes: 0 done; 1 unexpected failure; 2 usage error, or a corpus or output folder "
        "that cannot be used; 3 no paper could be read; 4 (--strict) some paper, correction or registry "
        "file had an error; 5 disk full (previous outputs kept); 6 another run is writing to --out.",
    )
    p.add_argument("--corpus", default="corpus", help="folder of papers (default: corpus)")
    p.add_argument("--out", default="extracted", help="output folder (default: extracted)")
    p.add_argument("--corrections", default=None, help="reviewer corrections CSV (default: <corpus>/corrections.csv if present)")
    p.add_argument("--registry", action="append", default=[], metavar="PATH", help="ClinicalTrials.gov CSV export or API v2 JSON to cross-check against (repeatable)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="worker processes (default: number of cores)")
    p.add_argument("--engine", choices=("local", "dask"), default="local", help="where per-paper work runs")
    p.add_argument("--scheduler", default=None, help="Dask scheduler address, e.g. tcp://127.0.0.1:8786 (with --engine dask)")
    p.add_argument("--max-bytes", type=size, default=20 * 1024 * 1024, metavar="SIZE", help="largest input file read, e.g. 20MB, 512KB or bytes (default 20MB)")
    p.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="skip corpus files matching GLOB (repeatable; also read from <corpus>/.msc-trials-ignore), e.g. 'drafts/' or '*-supplement.pdf'")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds allowed per paper (default 120)")
    p.add_argument("--max-memory", type=int, default=4096, metavar="MB", help="address space allowed per paper's worker process, in MB (default 4096; 0: no limit)")
    p.add_argument("--strict", action="store_true", help="exit 4 when any paper had an error, a correction could not be applied or a --registry file could not be read")
    p.add_argument("--no-report", action="store_true", help="do not write report.html")
    p.add_argument("--no-xlsx", action="store_true", help="do not write trials.xlsx (the tables as a workbook)")
    p.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--progress", dest="progress", action="store_true", default=None, help="always show the progress bar")
    g.add_argument("--quiet", dest="progress", action="store_false", help="never show the progress bar")
    a = p.parse_args(argv)
    if a.engine == "dask" and not a.scheduler:
        p.error("--engine dask needs --scheduler tcp://HOST:PORT")
    return a


def _version() -> str:
    from pipeline import pipeline_version

    return pipeline_version()


def main(argv=None) -> int:
    a = parse_args(argv)
    corpus = Path(a.corpus)
    from pipeline.errors import RunError
    from pipeline.run import RunOptions, run

    options = RunOptions(
        workers=a.workers, engine=a.engine, scheduler=a.scheduler, max_bytes=a.max_bytes, timeout=a.timeout, max_memory_mb=a.max_memory,
        corrections=a.corrections, registries=a.registry, progress=a.progress, report=not a.no_report, exclude=a.exclude,
        xlsx=not a.no_xlsx,
    )
    try:
        summary = run(corpus, Path(a.out), options)
    except RunError as err:  # wrong arguments, an unusable output folder, a full disk, a locked folder
        print(f"error: {err.message}", file=sys.stderr)
        return err.exit_code
    ok = sum(p.status in ("ok", "warning") for p in summary.papers)
    skipped = sum(p.status == "skipped" for p in summary.papers)
    if summary.corrections:
        print(f"corrections {summary.corrections}: {summary.corrections_applied} applied, "
              f"{len(summary.correction_problems)} not applied", file=sys.stderr)
    for note in summary.registry_messages:
        print(f"registry: {note}", file=sys.stderr)
    for problem in summary.correction_problems:
        print(f"correction not applied: {problem}", file=sys.stderr)
    print(
        f"{len(summary.papers)} papers ({summary.extracted} extracted, {summary.cached} unchanged, "
        f"{summary.n_errors} with errors{f', {skipped} skipped as not papers' if skipped else ''}), {len(summary.trials)} trials -> {a.out}/ in {summary.seconds:.1f} s",
        file=sys.stderr,
    )
    if any(p.status != "skipped" for p in summary.papers) and ok == 0:
        return EXIT_NOTHING_READ
    if a.strict and (summary.n_errors or summary.correction_problems or summary.registry_errors):
        return EXIT_STRICT
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
