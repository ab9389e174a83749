"""`make bench`: speed and memory of whole runs, as a user runs them (the CLI, in a subprocess).

Corpora are grown by copying the shared example papers under new names, each copy made unique
(a line appended to a text, a comment after a PDF's end), so every copy is extracted as a paper
of its own. Reported, and written to `<out>/bench.json`:

- text: MB/s and papers/s per core (one worker), wall time with 1 and 2 workers, the speed-up;
  each text run is repeated (`--repeat`, alternating 1 and 2 workers, each time into a new output
  folder) and the fastest counts, as `timeit` does: the slower runs measure what else the machine
  was doing (all runs are in bench.json);
- PDF: pages/s per core (one worker);
- the no-change re-run over the largest corpus, and adding one paper to it (papers extracted);
- peak memory of each run: the largest summed resident memory of the run's processes.

    python -m pipeline.bench [--shared ../shared] [--sizes 100 1000] [--pdf-size 100] [--repeat 3] [--out extracted]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def grow(sources: list[Path], n: int, dest: Path, start: int = 0) -> Path:
    """`n` distinct papers in `dest`, copied round-robin from `sources` under new names."""
    dest.mkdir(parents=True, exist_ok=True)
    for k in range(start, start + n):
        src = sources[k % len(sources)]
        target = dest / f"{src.stem}__{k:05d}{src.suffix}"
        data = src.read_bytes()
        if src.suffix.lower() == ".pdf":
            data += f"\n%bench copy {k}\n".encode()  # after %%EOF: ignored by PDF readers
        else:
            data += f"\n\nBenchmark copy {k}.\n".encode()
        target.write_bytes(data)
    return dest


class PeakMemory:
    """Samples the summed RSS of a process and all its descendants (every 50 ms) until stopped."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @staticmethod
    def _tree_rss(root: int) -> int:
        parents: dict[int, int] = {}
        rss: dict[int, int] = {}
        page = os.sysconf("SC_PAGE_SIZE")
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    fields = fh.read().rsplit(b")", 1)[1].split()
                parents[int(entry)] = int(fields[1])
                rss[int(entry)] = int(fields[21]) * page
            except (OSError, IndexError, ValueError):
                continue
        total, todo = 0, [root]
        while todo:
            pid = todo.pop()
            total += rss.get(pid, 0)
            todo.extend(child for child, parent in parents.items() if parent == pid)
        return total

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self._tree_rss(self.pid))
            self._stop.wait(0.05)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def run_cli(corpus: Path, out: Path, *args: str) -> dict:
    """One run of the CLI; its wall time, peak memory and run.json."""
    cmd = [sys.executable, "-m", "pipeline", "--corpus", str(corpus), "--out", str(out), "--quiet", *args]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    memory = PeakMemory(proc.pid)
    _, stderr = proc.communicate()
    wall = time.perf_counter() - t0
    peak = memory.stop()
    if proc.returncode != 0:
        raise SystemExit(f"benchmark run failed ({proc.returncode}): {' '.join(cmd)}\n{stderr}")
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    return {"wall_s": round(wall, 3), "peak_memory_mb": round(peak / 2**20, 1), "extracted": record["extracted"],
            "papers": record["papers"], "trials": record["trials"]}


def _size(corpus: Path) -> int:
    return sum(p.stat().st_size for p in corpus.iterdir())


def _pages(out: Path) -> int:
    import csv

    with open(out / "papers.csv", encoding="utf-8", newline="") as fh:
        return sum(int(r["pages"] or 0) for r in csv.DictReader(fh))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline.bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"), help="folder with corpus/ and pdfs/ (default ../shared)")
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000], help="text corpus sizes in papers")
    ap.add_argument("--pdf-size", type=int, default=100, help="PDF corpus size in papers (0: skip)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each text corpus per worker count (the fastest counts)")
    ap.add_argument("--out", default="extracted", help="where bench.json goes")
    ap.add_argument("--keep", action="store_true", help="keep the generated corpora and outputs")
    a = ap.parse_args(argv)
    shared = Path(a.shared)
    texts = sorted(p for p in (shared / "corpus").iterdir() if p.suffix in (".txt", ".md"))
    pdfs = sorted((shared / "pdfs").glob("*.pdf"))
    if not texts:
        print(f"error: no papers in {shared / 'corpus'}", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="msc-bench-"))
    report: dict = {"machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}}
    try:
        for n in a.sizes:
            corpus = grow(texts, n, work / f"text{n}")
            mb = _size(corpus) / 1e6
            runs: dict[int, list[dict]] = {1: [], 2: []}
            for k in range(max(1, a.repeat)):
                for w in (1, 2):
                    runs[w].append(run_cli(corpus, work / f"out-text{n}-w{w}-{k}", "--workers", str(w)))
            one, two = (min(runs[w], key=lambda r: r["wall_s"]) for w in (1, 2))
            entry = {
                "papers": n, "mb": round(mb, 2), "workers_1": one, "workers_2": two,
                "mb_per_s_per_core": round(mb / one["wall_s"], 3), "papers_per_s_per_core": round(n / one["wall_s"], 2),
                "speedup_2_workers": round(one["wall_s"] / two["wall_s"], 2),
                "runs_wall_s": {f"workers_{w}": [r["wall_s"] for r in runs[w]] for w in (1, 2)},
            }
            print(f"text {n:>5} papers {mb:7.1f} MB: {entry['mb_per_s_per_core']:.2f} MB/s/core, "
                  f"{entry['papers_per_s_per_core']:.1f} papers/s/core; 1 worker {one['wall_s']:.1f} s, "
                  f"2 workers {two['wall_s']:.1f} s (x{entry['speedup_2_workers']}); peak "
                  f"{max(r['peak_memory_mb'] for w in (1, 2) for r in runs[w]):.0f} MB "
                  f"(runs: 1 worker {', '.join(str(r['wall_s']) for r in runs[1])} s; "
                  f"2 workers {', '.join(str(r['wall_s']) for r in runs[2])} s)")
            report[f"text_{n}"] = entry
        largest = max(a.sizes)
        corpus, out = work / f"text{largest}", work / f"out-text{largest}-w2-0"
        rerun = run_cli(corpus, out)
        grow(texts[:1], 1, work / "one-more", start=largest)
        new = next((work / "one-more").iterdir())
        shutil.copy(new, corpus / f"added_{new.name}")
        added = run_cli(corpus, out)
        report["no_change_rerun"] = {"papers": largest, **rerun}
        report["add_one_paper"] = {"papers": largest + 1, **added}
        print(f"no-change re-run over {largest} papers: {rerun['wall_s']:.2f} s ({rerun['extracted']} extracted); "
              f"one paper added: {added['wall_s']:.2f} s ({added['extracted']} extracted)")
        if a.pdf_size and pdfs:
            corpus = grow(pdfs, a.pdf_size, work / f"pdf{a.pdf_size}")
            out = work / f"out-pdf{a.pdf_size}"
            one = run_cli(corpus, out, "--workers", "1")
            pages = _pages(out)
            report[f"pdf_{a.pdf_size}"] = {"papers": a.pdf_size, "pages": pages, "workers_1": one,
                                           "pages_per_s_per_core": round(pages / one["wall_s"], 1)}
            print(f"pdf  {a.pdf_size:>5} papers {pages} pages: {pages / one['wall_s']:.1f} pages/s/core "
                  f"({one['wall_s']:.1f} s); peak {one['peak_memory_mb']:.0f} MB")
        target = Path(a.out) / "bench.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
        print(f"-> {target}")
    finally:
        if a.keep:
            print(f"corpora and outputs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
