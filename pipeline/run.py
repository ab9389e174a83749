"""A run over a corpus: discover, extract the papers that changed, merge, write.

1. Discover the corpus's files; hash each (the manifest skips files whose size and time are
   unchanged) and look its result up in the cache.
2. Extract the papers without a stored result on the engine (worker processes or a Dask
   cluster); each result is stored the moment it is made (by the worker itself, on this
   machine), so a killed run resumes where it was.
3. Stream every paper's stored result, in corpus order, through the merge and into
   evidence.csv/.parquet; memory holds a few papers' evidence and a batch of merge rows at a
   time, never the whole corpus's.
4. Write trials, papers and the data package, staged with the evidence and the papers' texts, and
   move them all into place as one change (`pipeline.write.commit`), run.json last.
"""
from __future__ import annotations

import copy
import json
import os
import sys
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

# only what the run needs before its workers start; pyarrow (and pandas, which pyarrow loads
# with its first table), the corrections, the merge, the writers and the report are imported on
# a thread while the workers' fork server warms up (`_import_the_rest`), so neither waits for them
from pipeline.cache import Cache, evidence_table, fingerprint
from pipeline.engine import DEFAULT_MAX_MEMORY_MB, Task, make_engine
from pipeline.errors import RegistryError, message
from pipeline.ingest.text import find_papers
from pipeline import pipeline_version
from pipeline.ingest.text import DEFAULT_MAX_BYTES, kind_of, paper_ids, printable
from pipeline.models import PaperResult
from pipeline.outdir import OutLock, check_corpus, check_options, check_out, inside, writing
from pipeline.schema import CODE_COLUMNS, PAPER_COLUMNS, PAPER_FIELD_NAMES, TRIAL_COLUMNS


DEFAULT_CORRECTIONS = "corrections.csv"  # looked for in the corpus folder


@lru_cache(maxsize=1)
def _empty_evidence():
    """An evidence table without rows (schema.empty_table() would import pandas)."""
    return evidence_table([])


@dataclass
class RunOptions:
    workers: int = 1
    engine: str = "local"
    scheduler: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: float = 120.0
    max_memory_mb: int = DEFAULT_MAX_MEMORY_MB
    corrections: str | None = None
    registries: list[str] = field(default_factory=list)
    progress: bool | None = None  # None: only on a terminal
    report: bool = True
    exclude: list[str] = field(default_factory=list)  # globs of corpus files not to read
    xlsx: bool = True  # write trials.xlsx


@dataclass
class RunSummary:
    papers: list[PaperResult]  # papers.csv rows (evidence and text are not kept)
    trials: list[dict]
    out: Path
    extracted: int = 0  # papers extracted in this run
    cached: int = 0  # papers whose stored result was used
    seconds: float = 0.0
    corrections: str | None = None  # the corrections file applied
    corrections_applied: int = 0
    correction_problems: list[str] = field(default_factory=list)
    registry_messages: list[str] = field(default_factory=list)  # exports not read, rows skipped
    registry_values: dict[str, dict] = field(default_factory=dict)  # trial -> registry's values, where they differ

    @property
    def n_errors(self) -> int:
        return sum(p.status == "error" for p in self.papers)

    @property
    def registry_errors(self) -> int:
        """Registry files that could not be read (E130-E133; warnings are W23x)."""
        return sum(m.startswith("[E") for m in self.registry_messages)


def _progress(items, total: int, enabled: bool | None):
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled or not total:
        return items
    from tqdm import tqdm

    return tqdm(items, total=total, unit="paper", desc="extracting", file=sys.stderr)


def _text_name(paper_id: str) -> str:
    """A paper's text under the output folder: `texts/<paper>.txt` (`text_file_name`)."""
    from pipeline.write.tables import text_file_name

    return f"texts/{text_file_name(paper_id)}"


def _stage_text(staged, name: str, data: bytes, key, cache: Cache) -> None:
    """texts/<paper>.txt, staged with the tables (moved into place by the same commit), unless
    the file there is already this content's text (the cache remembers which content each text
    file was written from): a text is never changed in place, so the evidence.csv beside it
    always points into the text it was made with."""
    path = staged.out / name
    try:
        if cache.text_written(path.name, key) and path.stat().st_size == len(data):
            return
    except OSError:
        pass
    with staged.open(name, "wb", durable=False) as fh:  # made again from the stored result
        fh.write(data)
    cache.note_text(path.name, key)


class _Behind:
    """Runs calls in order on one thread, at most `limit` calls behind the caller: the run's
    writes (evidence.csv and .parquet, the papers' staged texts) go on while it reads and merges
    the next papers. An error comes back at the next call or at `finish`."""

    def __init__(self, limit: int = 32):
        from collections import deque
        from concurrent.futures import ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(1, thread_name_prefix="writer")
        self._pending: deque = deque()
        self.limit = limit

    def submit(self, fn, *args) -> None:
        self._pending.append(self._pool.submit(fn, *args))
        while self._pending and (len(self._pending) > self.limit or self._pending[0].done()):
            self._pending.popleft().result()

    def finish(self) -> None:
        try:
            while self._pending:
                self._pending.popleft().result()
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def abort(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pending.clear()


def _import_the_rest() -> None:
    """What the merge and the writers need, imported while the workers' fork server warms up
    (about a second, on one core): the run's own process would otherwise import it after the
    extraction, with every worker done."""
    import importlib

    for name in ("pipeline.corrections", "pipeline.merge", "pipeline.write.report", "pipeline.write.sample",
                 "pipeline.write.stream"):
        importlib.import_module(name)
    _empty_evidence()  # pyarrow's first table loads pandas


def _file_size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _extract(paths: list[Path], cache: Cache, options: RunOptions):
    """Extract what is not stored yet. Returns each path's cache key (content hash and kind; None
    for what is not a regular file), the results that could not be stored (by index), the index
    each key was extracted under, and how many papers were extracted."""
    engine = make_engine(options.engine, options.workers, options.scheduler)
    if hasattr(engine, "start") and any(cache.needs_hash(p) for p in paths):
        engine.start()  # new or changed files: there will be work for the workers
    keys = []
    for p in paths:
        sha = cache.content_hash(p)
        keys.append((sha, kind_of(p)) if sha else None)
    tasks, planned = [], {}
    for i, (p, key) in enumerate(zip(paths, keys)):
        if key and (cache.has(key) or key in planned):
            continue  # stored, or the same content under another name: read once
        if key:
            planned[key] = i
        store = (str(cache.dir), key[1]) if key else None
        tasks.append(Task(i, str(p), options.max_bytes, options.timeout, options.max_memory_mb, store))
    # the largest files first, so that no worker is left with a long paper while the others wait
    tasks.sort(key=lambda t: -_file_size(t.path))
    unstored: dict[int, PaperResult] = {}
    if tasks:
        import threading

        threading.Thread(target=_import_the_rest, name="imports", daemon=True).start()
    for index, result in _progress(engine.run(tasks), len(tasks), options.progress):
        if result.sha256 and keys[index] and result.sha256 != keys[index][0]:  # changed while we read
            keys[index] = (result.sha256, keys[index][1])
        if not cache.store(keys[index], result):
            result.evidence = []  # an error row: nothing else to keep
            unstored[index] = result
        result.stored = None
    return keys, unstored, planned, len(tasks)


def _extract_again(i: int, path: Path, key, cache: Cache, options: RunOptions, paper_id: str, shown_path: str):
    """A paper extracted alone during the merge: its stored result could not be read, or the
    file changed while it was read. Returns (result, evidence table, csv lines) and the key of
    the content read."""
    from pipeline.cache import read_stored

    task = Task(i, str(path), options.max_bytes, options.timeout, options.max_memory_mb)  # (bytes come back)
    engine = make_engine(options.engine, options.workers, options.scheduler)
    for _, result in engine.run([task]):
        if key and result.sha256:
            key = (result.sha256, key[1])
        if result.stored is None:  # failed before a result was made (time or memory limit)
            return (result, _empty_evidence(), None), key
        cache.store(key, result)
        return read_stored(result.stored, paper_id, shown_path), key
    raise AssertionError("the engine returned no result")  # pragma: no cover


def run(corpus: Path, out: Path, options: RunOptions) -> RunSummary:
    """Check the arguments and the output folder (`pipeline.outdir`: a `RunError` before anything
    is extracted), lock the output folder, and run."""
    corpus, out = Path(corpus), Path(out)
    check_options(options)
    check_corpus(corpus)
    check_out(out, corpus)
    with OutLock(out), writing(out):
        return _run(corpus, out, options)


def _run(corpus: Path, out: Path, options: RunOptions) -> RunSummary:
    t0 = time.perf_counter()
    paths, skipped = find_papers(corpus, options.exclude)
    paths = [p for p in paths if not inside(p, out)]  # (an output folder inside the corpus)
    skipped = [(p, why) for p, why in skipped if not inside(p, out)]
    _remove_stale_temps(out)
    cache = Cache(out)
    ids = paper_ids(paths, corpus)
    keys, unstored, planned, n_extracted = _extract(paths, cache, options)

    from pipeline.corrections import mark_reviewed
    from pipeline.merge import TrialMerger
    from pipeline.write.report import REPORT_FILE, render_report
    from pipeline.write.stream import EvidenceSink, Staged, write_table
    from pipeline.codes import code_rows
    from pipeline.write.tables import datapackage
    from pipeline.write.workbook import WORKBOOK, write_workbook
    from pipeline.write.sample import ReportSample

    corrections_path, plan, read_problems = _corrections(corpus, options)
    staged = Staged(out)
    sink = EvidenceSink(staged)
    merger = TrialMerger()
    sample = ReportSample() if options.report else None
    papers: list[PaperResult] = []
    first_by_key: dict[tuple, str] = {}
    texts: set[Path] = set()
    again: dict[tuple, tuple] = {}  # key -> (result, table, lines, key read) extracted during the merge
    behind = _Behind()
    stored = {i for i, key in enumerate(keys) if i not in unstored and key and cache.has(key)}
    loads = _read_ahead(lambda i: cache.load_table(keys[i], ids[i], printable(str(paths[i]))), sorted(stored))
    try:
        for i, path in enumerate(paths):
            key, paper_id, shown_path = keys[i], ids[i], printable(str(path))
            table, lines = _empty_evidence(), None
            loaded = None
            if i in unstored:
                result = unstored[i]
            elif i in stored and (loaded := next(loads)) is not None:
                result, table, lines = loaded
            elif i not in stored and key in planned and planned[key] in unstored:
                # the same content as a paper whose result could not be stored: the same row
                result = copy.copy(unstored[planned[key]])
            else:
                # unreadable (the cache removed it), or its content's result is not stored after
                # all (the file changed while it was read): extracted now, once per content
                if key not in again:
                    loaded, read_key = _extract_again(i, path, key, cache, options, paper_id, shown_path)
                    again[key] = (*loaded, read_key)
                    n_extracted += 1
                result, table, lines, key = again[key]
                result = copy.copy(result)
            result.paper_id, result.path = paper_id, shown_path
            if key and result.status != "error":
                if key in first_by_key:
                    table, result.n_evidence, result.n_trials = _empty_evidence(), 0, 0
                    result.status = "warning"
                    result.warnings = [*result.warnings, message("W202", other=first_by_key[key])]
                    result.message = "; ".join(result.warnings)
                else:
                    first_by_key[key] = result.paper_id
            for_merge, for_file = plan.filter_table(table)
            behind.submit(sink.write_table, for_file, lines if for_file is table else None)
            merger.add_table(for_merge)
            if sample:
                sample.add_table(for_file)
            if result.text:
                texts.add(out / (text_name := _text_name(result.paper_id)))
                behind.submit(_stage_text, staged, text_name, result.text.encode("utf-8"), key, cache)
            result.evidence, result.text = [], ""  # keep only the papers.csv row
            papers.append(result)
        loads.close()
        papers = _with_skipped(papers, skipped, corpus)
        corrected = plan.finish()
        reviewer = evidence_table(corrected.reviewer_evidence)
        behind.submit(sink.write_table, reviewer)
        merger.add_table(reviewer)
        if sample:
            sample.add_table(reviewer)
        trials = mark_reviewed(merger.rows(), corrected.reviewed)
        registry, registry_messages = _registry(options.registries)
        compared: dict[str, dict] = {}
        if registry is not None:
            from pipeline.registry import apply_registry, registry_values

            trials, registry_evidence = apply_registry(trials, registry)
            registry_table = evidence_table(registry_evidence)
            behind.submit(sink.write_table, registry_table)
            if sample:
                sample.add_table(registry_table)
            compared = {t["trial_id"]: registry_values(t["trial_id"], registry) for t in trials if t["registry_conflicts"]}
        behind.finish()
        sink.close()
        paper_rows = [{k: getattr(p, k) for k in PAPER_FIELD_NAMES} for p in papers]
        paper_rows += _evidence_sources(paper_rows, registry, corrections_path, corrected.applied)
        write_table(staged, "papers", PAPER_COLUMNS, paper_rows)
        write_table(staged, "trials", TRIAL_COLUMNS, trials)
        codes = code_rows()
        write_table(staged, "codes", CODE_COLUMNS, codes)
        if options.xlsx:
            fd, workbook = staged.temp(WORKBOOK)
            os.close(fd)
            write_workbook(workbook, trials, sink.parquet_file, paper_rows, codes)
            staged.add(workbook, WORKBOOK)
        with staged.open("datapackage.json", "w", encoding="utf-8") as fh:
            json.dump(datapackage(pipeline_version(), _package_sources(papers)), fh, indent=1)
            fh.write("\n")
        summary = RunSummary(papers, trials, out, extracted=n_extracted, cached=len(paths) - n_extracted,
                             corrections=corrections_path, corrections_applied=corrected.applied,
                             correction_problems=read_problems + corrected.problems,
                             registry_messages=registry_messages, registry_values=compared)
        summary.seconds = time.perf_counter() - t0
        if sample:
            html = render_report(
                trials, sample.rows, [{k: getattr(p, k) for k in PAPER_FIELD_NAMES} for p in papers],
                rejected=corrected.rejected, problems=summary.correction_problems,
                registry=compared, counts=(sample.total, sample.untied), meta=_report_meta(corpus, options, summary),
            )
            with staged.open(REPORT_FILE, "w", encoding="utf-8", newline="") as fh:
                fh.write(html)
        with staged.open("run.json", "w", encoding="utf-8") as fh:
            json.dump(_run_record(corpus, summary), fh, indent=1, sort_keys=True)
            fh.write("\n")
        staged.commit()
    except BaseException:
        loads.close()
        behind.abort()
        sink.discard()
        staged.abort()
        raise
    cache.save_manifest()
    cache.prune()
    _remove_stale_texts(out, texts)
    return summary


def _with_skipped(papers: list[PaperResult], skipped, corpus: Path) -> list[PaperResult]:
    """The papers' rows and a row for each file skipped as not a paper, in path order (a skipped
    file's id never takes a paper's)."""
    from pipeline.ingest.text import paper_id_of

    if not skipped:
        return papers
    taken = {p.paper_id for p in papers}
    rows = []
    for path, why in skipped:
        pid, k = paper_id_of(path, corpus), 1
        while pid in taken:
            k += 1
            pid = f"{paper_id_of(path, corpus)}~{k}"
        taken.add(pid)
        rows.append(PaperResult(paper_id=pid, path=printable(str(path)), kind="folder" if path.is_dir() else kind_of(path),
                                status="skipped", message=why))
    return sorted(papers + rows, key=lambda p: p.path)


def _evidence_sources(paper_rows: list[dict], registry, corrections_path, applied: int) -> list[dict]:
    """papers.csv rows for the other files evidence points to (its `paper_id`): each registry
    export and the corrections file, so that every evidence row's paper_id names a papers row."""
    from pipeline.corrections import REVIEWER_PAPER_ID

    taken = {r["paper_id"] for r in paper_rows}
    rows = []
    for export in (registry.files if registry is not None else ()):
        export_id = Path(export.path).stem  # (as `RegistryRecord.export_id`)
        if export_id not in taken:
            taken.add(export_id)
            rows.append({"paper_id": export_id, "path": printable(export.path), "kind": "registry", "status": "ok",
                         "message": f"registry export ({export.kind}, {len(export.records)} records)"})
    if corrections_path and applied and REVIEWER_PAPER_ID not in taken:
        rows.append({"paper_id": REVIEWER_PAPER_ID, "path": printable(corrections_path), "kind": "corrections",
                     "status": "ok", "message": "reviewer corrections"})
    return rows


def _package_sources(papers: list[PaperResult]) -> list[dict]:
    """The data package's `sources`: the papers values were taken from."""
    out = []
    for p in papers:
        if p.status == "error" or p.status == "skipped":
            continue
        source = {"title": p.title or p.paper_id, "path": p.path}
        if p.doi:
            source["doi"] = p.doi
        out.append(source)
    return out


def _read_ahead(load, items, ahead: int = 8):
    """`load(item)` for each item, in order, computed a few items ahead on a thread: reading and
    decompressing a stored result (Arrow releases the GIL) overlaps the merge of the one before."""
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor
    from itertools import islice

    items, end = iter(items), object()
    with ThreadPoolExecutor(1, thread_name_prefix="read-ahead") as pool:
        pending = deque(pool.submit(load, item) for item in islice(items, ahead))
        try:
            while pending:
                future = pending.popleft()
                if (item := next(items, end)) is not end:
                    pending.append(pool.submit(load, item))
                yield future.result()
        finally:  # closed early (the run failed): what has not started need not
            for future in pending:
                future.cancel()


def _corrections(corpus: Path, options: RunOptions):
    """The corrections file (given, or `<corpus>/corrections.csv` when present), ready to apply."""
    from pipeline.corrections import CorrectionPlan, read_corrections

    path = options.corrections
    if path is None:
        default = Path(corpus) / DEFAULT_CORRECTIONS
        path = str(default) if default.is_file() else None
    if path is None:
        return None, CorrectionPlan(()), []
    corrections, problems = read_corrections(path)
    return str(path), CorrectionPlan(corrections), problems


def _report_meta(corpus: Path, options: RunOptions, summary: "RunSummary") -> dict:
    meta = {
        "corpus": str(corpus), "pipeline": pipeline_version(),
        "run": time.strftime("%Y-%m-%d %H:%M"),
        "papers": f"{summary.extracted} extracted, {summary.cached} unchanged",
    }
    if summary.corrections:
        meta["corrections"] = f"{summary.corrections} ({summary.corrections_applied} applied)"
    if options.registries:
        meta["registry"] = "; ".join([", ".join(options.registries), *summary.registry_messages])
    return meta


def _registry(paths: list[str]):
    """The registry exports given, read into one index; a file that cannot be read is reported
    and left out (the run goes on with the others)."""
    if not paths:
        return None, []
    from pipeline.registry import build_registry, read_export

    exports, messages = [], []
    for path in paths:
        try:
            exports.append(read_export(path))
        except RegistryError as err:
            messages.append(err.message)
        except (RecursionError, ValueError, TypeError, AttributeError, KeyError) as err:
            # a shape no check above foresaw: that export is reported, the run goes on
            messages.append(message("E132", path=path, reason=f"unexpected content ({type(err).__name__}: {err})"))
    if not exports:
        return None, messages
    registry = build_registry(exports)
    return registry, messages + list(registry.warnings)


def _run_record(corpus: Path, summary: RunSummary) -> dict:
    """run.json: what the files beside it came from (written last, with them)."""
    return {
        "corpus": str(corpus), "pipeline_version": pipeline_version(), "fingerprint": fingerprint(),
        "papers": len(summary.papers), "errors": summary.n_errors,
        "skipped": sum(p.status == "skipped" for p in summary.papers), "trials": len(summary.trials),
        "extracted": summary.extracted, "cached": summary.cached,
        "registry_messages": summary.registry_messages,
        "corrections": {"path": summary.corrections, "applied": summary.corrections_applied,
                        "problems": summary.correction_problems},
    }


def _remove_stale_temps(out: Path) -> None:
    """Temporary files left by a run that was killed (they are never read)."""
    for pattern in (".*.tmp", "texts/.*.tmp", ".cache/.*.tmp", ".cache/*/.*.tmp"):
        for tmp in out.glob(pattern):
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _remove_stale_texts(out: Path, keep: set[Path]) -> None:
    """A paper removed from the corpus leaves no text behind."""
    folder = out / "texts"
    if not folder.is_dir():
        return
    for path in folder.glob("*.txt"):
        if path not in keep:
            try:
                os.unlink(path)
            except OSError:
                pass
