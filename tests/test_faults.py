"""Faults and hostile input, round two: each test is one probe of the issue (an output folder that
cannot be used, two runs on one folder, library arguments, long lines, the --strict exit code...).
Papers are short texts written here (fictional trial ids NCT0900xxxx)."""
from __future__ import annotations

import contextlib
import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.errors import DiskFullError, RunError

ROOT = Path(__file__).resolve().parents[1]
PAPER = ("Stromal cells in knee osteoarthritis: a review\n\n"
         "In a phase 2 trial (NCT09000071), 30 patients received intra-articular adipose MSCs. "
         "The trial was completed.\n")
OUTPUTS = ("trials.csv", "evidence.csv", "papers.csv", "run.json", "datapackage.json")


def _corpus(tmp_path: Path, files: dict[str, str] | None = None) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    for name, text in (files or {"a.txt": PAPER}).items():
        (corpus / name).write_text(text, encoding="utf-8")
    return corpus


def _cli(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", "--quiet", "--workers", "1", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300, **kw)


def _outputs(out: Path) -> dict:
    return {n: (out / n).read_bytes() for n in OUTPUTS}


def _one_line_error(res, code: str) -> None:
    assert "Traceback" not in res.stderr, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and code in lines[0], res.stderr


# -- long lines ---------------------------------------------------------------------------------
def test_a_paper_on_one_long_line_is_read_with_its_trials(tmp_path):
    from pipeline import run_corpus

    sentences = [f"In a phase 2 trial (NCT0901{k:04d}), 20 patients received intravenous bone marrow MSCs."
                 for k in range(167)]
    filler = " Most of the studies reported that the infusions were well tolerated by the patients."
    text = "A review of stromal cell trials. " + " ".join(s + filler * 20 for s in sentences)
    assert len(text) > 290_000 and "\n" not in text
    corpus = _corpus(tmp_path, {"scraped.txt": text})
    summary = run_corpus(corpus, tmp_path / "out", progress=False, workers=1)
    assert [p.status for p in summary.papers] == ["ok"], summary.papers[0].message
    assert {t["trial_id"] for t in summary.trials} == {f"NCT0901{k:04d}" for k in range(167)}


# -- the library's and the command line's arguments -----------------------------------------------
@pytest.mark.parametrize("options, code", [
    ({"workers": 0}, "E148"), ({"timeout": -5}, "E148"), ({"timeout": 0}, "E148"), ({"max_memory_mb": -1}, "E148"),
])
def test_run_corpus_refuses_bad_options_before_writing_anything(tmp_path, options, code):
    from pipeline import run_corpus

    with pytest.raises(RunError) as err:
        run_corpus(_corpus(tmp_path), tmp_path / "out", progress=False, **options)
    assert err.value.code == code and err.value.exit_code == 2
    assert not (tmp_path / "out").exists()


def test_run_corpus_on_a_missing_corpus_raises_and_keeps_the_previous_outputs(tmp_path):
    from pipeline import run_corpus

    out = tmp_path / "out"
    run_corpus(_corpus(tmp_path), out, progress=False, workers=1)
    before = _outputs(out)
    with pytest.raises(RunError) as err:
        run_corpus(tmp_path / "no-such-folder", out, progress=False)
    assert err.value.code == "E140"
    assert _outputs(out) == before


def test_cli_negative_timeout_is_a_usage_error(tmp_path):
    res = _cli("--corpus", _corpus(tmp_path), "--out", tmp_path / "out", "--timeout", "-5")
    assert res.returncode == 2
    _one_line_error(res, "E148")
    assert not (tmp_path / "out").exists()


def test_a_corpus_that_is_a_file_has_its_own_message(tmp_path):
    paper = tmp_path / "paper.txt"
    paper.write_text(PAPER, encoding="utf-8")
    res = _cli("--corpus", paper, "--out", tmp_path / "out")
    assert res.returncode == 2
    _one_line_error(res, "E141")
    assert "is a file" in res.stderr and "does not exist" not in res.stderr


def test_a_corpus_path_longer_than_path_max_is_one_line(tmp_path):
    res = _cli("--corpus", str(tmp_path) + ("/" + "d" * 200) * 30, "--out", tmp_path / "out")
    assert res.returncode == 2
    _one_line_error(res, "E142")


# -- the output folder --------------------------------------------------------------------------
def test_an_output_folder_that_is_a_file_is_found_before_extracting(tmp_path, monkeypatch):
    import pipeline.run as run_module
    from pipeline import run_corpus

    out = tmp_path / "out"
    out.write_text("a file", encoding="utf-8")
    monkeypatch.setattr(run_module, "_extract", lambda *a, **k: pytest.fail("extracted before checking --out"))
    with pytest.raises(RunError) as err:
        run_corpus(_corpus(tmp_path), out, progress=False)
    assert err.value.code == "E143"
    res = _cli("--corpus", tmp_path / "corpus", "--out", out)
    assert res.returncode == 2
    _one_line_error(res, "E143")


def test_the_corpus_folder_as_output_folder_is_refused(tmp_path):
    corpus = _corpus(tmp_path)
    res = _cli("--corpus", corpus, "--out", corpus)
    assert res.returncode == 2
    _one_line_error(res, "E145")
    assert sorted(p.name for p in corpus.iterdir()) == ["a.txt"]


def test_an_output_folder_inside_the_corpus_is_never_read_as_papers(tmp_path):
    from pipeline import run_corpus

    corpus = _corpus(tmp_path)
    out = corpus / "extracted"
    (out / "texts").mkdir(parents=True)
    (out / "texts" / "left-over.txt").write_text(PAPER.replace("NCT09000071", "NCT09000072"), encoding="utf-8")
    for _ in range(2):
        summary = run_corpus(corpus, out, progress=False, workers=1)
        assert [p.paper_id for p in summary.papers] == ["a"]
        assert {t["trial_id"] for t in summary.trials} == {"NCT09000071"}


@contextlib.contextmanager
def _tmpfs(folder: Path, options: str):
    folder.mkdir(parents=True, exist_ok=True)
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True)
    if res.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {res.stderr.decode(errors='replace').strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def test_a_read_only_output_folder_is_one_line_and_exit_2(tmp_path):
    corpus = _corpus(tmp_path)
    with _tmpfs(tmp_path / "ro", "ro,size=1m") as out:
        res = _cli("--corpus", corpus, "--out", out)
    assert res.returncode == 2
    _one_line_error(res, "E144")


def test_a_full_disk_keeps_the_previous_outputs_and_exits_5(tmp_path):
    corpus = _corpus(tmp_path)
    with _tmpfs(tmp_path / "small", "size=4m") as out:
        assert _cli("--corpus", corpus, "--out", out).returncode == 0
        before = _outputs(out)
        (corpus / "b.txt").write_text(PAPER.replace("NCT09000071", "NCT09000073"), encoding="utf-8")
        with contextlib.suppress(OSError), open(out / "filler", "wb") as fh:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        res = _cli("--corpus", corpus, "--out", out)
        after = _outputs(out)
    assert res.returncode == 5
    _one_line_error(res, "E146")
    assert after == before


def test_disk_full_while_writing_is_a_disk_full_error(tmp_path, monkeypatch):
    """(Simulated: the trials table's write fails with ENOSPC.)"""
    import errno

    from pipeline import run_corpus
    from pipeline.write import stream

    corpus = _corpus(tmp_path)
    out = tmp_path / "out"
    run_corpus(corpus, out, progress=False, workers=1)
    before = _outputs(out)
    original = stream.write_table

    def full(staged, name, *args):
        if name == "trials":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return original(staged, name, *args)

    monkeypatch.setattr(stream, "write_table", full)
    (corpus / "a.txt").write_text(PAPER + "\nOne more line.\n", encoding="utf-8")
    with pytest.raises(DiskFullError) as err:
        run_corpus(corpus, out, progress=False, workers=1)
    assert err.value.exit_code == 5 and err.value.code == "E146"
    assert _outputs(out) == before
    assert not list(out.glob(".*.tmp"))


# -- two runs on one output folder --------------------------------------------------------------
def test_a_second_run_on_a_locked_output_folder_exits_6_and_deletes_nothing(tmp_path):
    import fcntl

    from pipeline.outdir import LOCK_FILE

    corpus = _corpus(tmp_path)
    out = tmp_path / "out"
    assert _cli("--corpus", corpus, "--out", out).returncode == 0
    before = _outputs(out)
    live_temp = out / ".trials.csv.live.tmp"  # a temporary file of the run that holds the lock
    live_temp.write_text("being written", encoding="utf-8")
    with open(out / LOCK_FILE, "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        lock.write(str(os.getpid()))
        lock.flush()
        res = _cli("--corpus", corpus, "--out", out)
    assert res.returncode == 6
    _one_line_error(res, "E147")
    assert live_temp.read_text(encoding="utf-8") == "being written"
    assert _outputs(out) == before
    assert _cli("--corpus", corpus, "--out", out).returncode == 0  # the lock went with its holder


def test_two_runs_started_together_on_one_folder(tmp_path):
    corpus = _corpus(tmp_path, {f"p{k}.txt": PAPER.replace("71", f"{10 + k}") for k in range(6)})
    out = tmp_path / "out"
    args = [sys.executable, "-m", "pipeline", "--quiet", "--workers", "1", "--corpus", str(corpus), "--out", str(out)]
    procs = [subprocess.Popen(args, cwd=ROOT, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    codes = sorted(code for code, _ in results)
    assert codes in ([0, 0], [0, 6]), results  # one after the other, or the second refused
    assert all("Traceback" not in err for _, err in results)
    with open(out / "trials.csv", encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == 6


# -- --strict ------------------------------------------------------------------------------------
def test_strict_exits_4_when_a_registry_file_is_missing(tmp_path):
    corpus = _corpus(tmp_path)
    res = _cli("--corpus", corpus, "--out", tmp_path / "out", "--strict", "--registry", tmp_path / "missing.json")
    assert res.returncode == 4, res.stderr
    assert "E130" in res.stderr


# -- the library from a script on standard input, a notebook, a thread ---------------------------
LIBRARY_SCRIPT = """
import sys
from pipeline import run_corpus
summary = run_corpus(sys.argv[1], sys.argv[2], progress=False, workers=2)
print(len(summary.trials), summary.n_errors)
"""


def _library_call(tmp_path: Path, how: str) -> subprocess.CompletedProcess:
    corpus = _corpus(tmp_path, {f"p{k}.txt": PAPER.replace("71", f"{20 + k}") for k in range(3)})
    args = [str(corpus), str(tmp_path / "out")]
    if how == "stdin":  # python - <<EOF
        return subprocess.run([sys.executable, "-", *args], input=LIBRARY_SCRIPT, capture_output=True, text=True,
                              cwd=tmp_path, timeout=300)
    if how == "notebook":  # a main module without a file, code run cell by cell in its namespace
        cells = LIBRARY_SCRIPT.strip().split("\n")
        driver = ("import sys, __main__\nsys.argv = [''] + %r\nns = __main__.__dict__\n"
                  "for cell in %r:\n    exec(compile(cell, '<ipython-input>', 'exec'), ns)\n") % (args, cells)
        return subprocess.run([sys.executable, "-c", driver], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    driver = ("import sys, threading\nsys.argv = [''] + %r\nerrors = []\n"
              "def call():\n    try:\n        exec(%r, {})\n    except BaseException as err:\n        errors.append(err)\n        raise\n"
              "t = threading.Thread(target=call)\nt.start()\nt.join()\nsys.exit(1 if errors else 0)\n") % (args, LIBRARY_SCRIPT)
    script = tmp_path / "threaded.py"
    script.write_text(driver, encoding="utf-8")
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=300)


@pytest.mark.parametrize("how", ["stdin", "notebook", "thread"])
def test_run_corpus_works_from_stdin_a_notebook_and_a_thread(tmp_path, how):
    res = _library_call(tmp_path, how)
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.split() == ["3", "0"], res.stdout + res.stderr[-2000:]


def test_extract_text_refuses_what_is_not_text():
    from pipeline import extract_text

    with pytest.raises(RunError) as err:
        extract_text(b"NCT09000071 phase 2")
    assert err.value.code == "E148"


def test_api_run_and_engine_import_one_way():
    """No module of the run's chain imports (even inside a function) one that leads back to it."""
    import ast

    names = ("api", "run", "engine", "paper", "outdir", "cache")
    graph = {}
    for name in names:
        tree = ast.parse((ROOT / "pipeline" / f"{name}.py").read_text(encoding="utf-8"))
        found = set()
        for node in ast.walk(tree):
            mods = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            for mod in mods:
                parts = mod.split(".")
                if parts[0] == "pipeline" and len(parts) > 1 and parts[1] in names:
                    found.add(parts[1])
        graph[name] = found - {name}

    def reaches(start, goal, seen=()):
        return any(n == goal or (n not in seen and reaches(n, goal, (*seen, n))) for n in graph[start])

    assert not [n for n in names if reaches(n, n)], graph


# -- snippets -----------------------------------------------------------------------------------
def test_bidi_controls_leave_the_snippets_and_are_counted(tmp_path):
    from pipeline import run_corpus

    text = PAPER.replace("adipose MSCs", "adipose \u202eSCSM evitan\u202c MSCs")
    summary = run_corpus(_corpus(tmp_path, {"a.txt": text}), tmp_path / "out", progress=False, workers=1)
    with open(tmp_path / "out" / "evidence.csv", encoding="utf-8") as fh:
        snippets = [r["snippet"] for r in csv.DictReader(fh)]
    assert snippets and not any(c in s for s in snippets for c in "\u202e\u202c")
    assert "W205" in summary.papers[0].message


# -- spreadsheet formulas in the CSV files ------------------------------------------------------
def test_cells_a_spreadsheet_would_run_are_neutralized_in_every_csv_and_kept_in_parquet(tmp_path):
    import json

    import pyarrow.parquet as pq

    from pipeline import run_corpus

    text = PAPER.replace("The trial was completed.", "The trial was sponsored by =HYPERLINK(\"http://x\") University.")
    corpus = _corpus(tmp_path, {"=cmd()+1.txt": text, "@sum.txt": PAPER.replace("71", "74"),
                                "-rf.txt": PAPER.replace("71", "75")})
    out = tmp_path / "out"
    run_corpus(corpus, out, progress=False, workers=1)
    for name in ("trials", "evidence", "papers"):
        with open(out / f"{name}.csv", encoding="utf-8", newline="") as fh:
            cells = [c for row in csv.reader(fh) for c in row]
        assert cells and not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], name
    with open(out / "papers.csv", encoding="utf-8", newline="") as fh:
        assert {r["paper_id"] for r in csv.DictReader(fh)} == {"'=cmd()+1", "'@sum", "'-rf"}
    assert set(pq.read_table(out / "papers.parquet").column("paper_id").to_pylist()) == {"=cmd()+1", "@sum", "-rf"}
    evidence = pq.read_table(out / "evidence.parquet").column("paper_id").to_pylist()
    assert "=cmd()+1" in evidence
    assert "apostrophe" in json.loads((out / "datapackage.json").read_text(encoding="utf-8"))["description"]
    run_corpus(corpus, out, progress=False, workers=1)  # stored results (their rendered lines) follow the rule too
    with open(out / "evidence.csv", encoding="utf-8", newline="") as fh:
        assert "'=cmd()+1" in {r["paper_id"] for r in csv.DictReader(fh)}


# -- registry exports of hostile shapes ---------------------------------------------------------
def _study(nct: str, **design) -> dict:
    return {"protocolSection": {"identificationModule": {"nctId": nct, "briefTitle": "A stromal cell trial"},
                                **design}}


@pytest.mark.parametrize("shape", ["deep", "collaborators", "secondary", "huge_enrollment", "huge_enrollment_csv"])
def test_a_hostile_registry_export_is_reported_and_the_run_goes_on(tmp_path, shape):
    import json

    from pipeline import run_corpus

    good = tmp_path / "good.json"
    good.write_text(json.dumps(_study("NCT09000071", statusModule={"overallStatus": "COMPLETED"})), encoding="utf-8")
    bad = tmp_path / ("bad.csv" if shape.endswith("csv") else "bad.json")
    if shape == "deep":
        bad.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    elif shape == "collaborators":
        bad.write_text(json.dumps(_study("NCT09000072", sponsorCollaboratorsModule={"collaborators": 5})), encoding="utf-8")
    elif shape == "secondary":
        bad.write_text(json.dumps(_study("NCT09000072")).replace('"briefTitle"', '"secondaryIdInfos": 7, "briefTitle"'),
                       encoding="utf-8")
    elif shape == "huge_enrollment":
        bad.write_text(json.dumps(_study("NCT09000072")).replace(
            '"identificationModule"', '"designModule": {"enrollmentInfo": {"count": %s}}, "identificationModule"' % ("9" * 5000)),
            encoding="utf-8")
    else:
        bad.write_text("NCT Number,Study Title,Enrollment\nNCT09000072,A trial," + "9" * 5000 + "\n", encoding="utf-8")
    summary = run_corpus(_corpus(tmp_path), tmp_path / "out", progress=False, workers=1,
                         registries=[str(bad), str(good)])
    trial = {t["trial_id"]: t for t in summary.trials}["NCT09000071"]
    assert trial["registry_status"] == "found"
    if shape in ("deep",):
        assert any(m.startswith("[E13") and "bad.json" in m for m in summary.registry_messages), summary.registry_messages


# -- corrections files --------------------------------------------------------------------------
def test_an_unclosed_quote_is_named_and_the_lines_after_it_are_read():
    from pipeline.corrections import parse_corrections

    text = ("trial_id,field,action,value\n"
            'NCT09000071,phase,set,"PHASE2\n'
            "NCT09000072,phase,set,PHASE1\n"
            "NCT09000073,route,reject,intravenous\n")
    corrections, problems = parse_corrections(text, "c.csv")
    assert [(c.trial_id, c.line) for c in corrections] == [("NCT09000072", 3), ("NCT09000073", 4)]
    assert len(problems) == 1 and "C317" in problems[0] and "c.csv line 2" in problems[0]


def test_a_quoted_value_over_several_lines_is_still_one_value():
    from pipeline.corrections import parse_corrections

    text = 'trial_id,field,action,value,note\nNCT09000071,phase,set,PHASE2,"two\nlines"\nNCT09000072,phase,set,PHASE1,\n'
    corrections, problems = parse_corrections(text, "c.csv")
    assert not problems and [(c.trial_id, c.line, c.note) for c in corrections] == [
        ("NCT09000071", 2, "two\nlines"), ("NCT09000072", 4, "")]


def test_a_long_list_of_line_numbers_is_summarized():
    from pipeline.errors import summarize_numbers

    text = summarize_numbers([2, *range(5, 1_000_005), 1_000_010])
    assert text == "2, 5-1,000,004, 1,000,010"
    many = summarize_numbers(range(2, 2_000_000, 2))
    assert len(many) < 200 and many.endswith("and 999,989 more")


def test_contradicting_lines_are_one_short_message(tmp_path):
    from pipeline.corrections import CorrectionPlan, parse_corrections

    rows = ["trial_id,field,action,value"] + [f"NCT09000071,phase,set,PHASE{1 + k % 2}" for k in range(5000)]
    corrections, problems = parse_corrections("\n".join(rows) + "\n", "c.csv")
    plan = CorrectionPlan(corrections)
    plan.filter_table  # (the plan is built from the lines)
    found = plan.finish().problems
    assert found and "C316" in found[0] and all(len(p) < 600 for p in found), [len(p) for p in found]


# -- PDFs ---------------------------------------------------------------------------------------
PDF_CONTENT = b"BT /F1 12 Tf 72 700 Td (In a phase 2 trial NCT09000071 patients received MSCs.) Tj ET"


def _pdf_objects(kids: bytes, count: int, extra: list[bytes] = ()) -> list[bytes]:
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(PDF_CONTENT) + PDF_CONTENT + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *extra,
    ]


def test_a_page_tree_that_loops_is_e107_or_its_readable_pages_never_e109(tmp_path):
    from pdf_fixtures import raw_pdf

    from pipeline.paper import process_paper

    looped = process_paper(raw_pdf(tmp_path / "loop.pdf", _pdf_objects(b"3 0 R 2 0 R", 2)))
    assert "E109" not in looped.message
    assert looped.status == "warning" and "W206" in looped.message and "1 of 2 pages" in looped.message
    only_loop = process_paper(raw_pdf(tmp_path / "only-loop.pdf", _pdf_objects(b"2 0 R", 1)))
    assert only_loop.status == "error" and only_loop.message.startswith("[E107]"), only_loop.message


def test_page_warnings_are_one_coded_summary(tmp_path):
    from pdf_fixtures import image_only_pdf

    from pipeline.ingest.pdf import read_pdf
    from reportlab.pdfgen import canvas

    path = tmp_path / "blank.pdf"
    c = canvas.Canvas(str(path))
    c.setFont("Helvetica", 11)
    c.drawString(72, 700, "In a phase 2 trial (NCT09000071), 30 patients received MSCs.")
    c.showPage()
    for _ in range(2999):
        c.rect(80, 300, 300, 200, fill=1)
        c.showPage()
    c.save()
    doc = read_pdf(path, "blank")
    assert len(doc.pages) == 3000
    assert doc.warnings == ("[W207] 2,999 of 3,000 pages have no text layer (scanned or blank): pages 2-3,000",)
    assert image_only_pdf  # (the all-blank file stays an E107 pdf-no-text: tests/test_pdf_ingest.py)


def test_a_truncated_pdf_gives_the_pages_before_the_cut(tmp_path):
    from pdf_fixtures import raw_pdf

    from pipeline.paper import process_paper

    second = b"BT /F1 12 Tf 72 700 Td (" + b"A second page that the download cut short. " * 40 + b") Tj ET"
    whole = raw_pdf(tmp_path / "whole.pdf", _pdf_objects(b"3 0 R 6 0 R", 2, [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 7 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(second) + second + b"\nendstream",
    ]))
    data = whole.read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: data.index(b"7 0 obj") + 40])
    result = process_paper(cut)
    assert result.status == "warning", result.message
    assert "W209" in result.message
    assert result.n_trials == 1


def test_text_only_in_annotations_and_form_fields_is_read(tmp_path):
    from reportlab.pdfgen import canvas

    from pipeline.paper import process_paper

    path = tmp_path / "annotated.pdf"
    c = canvas.Canvas(str(path))
    c.rect(80, 300, 300, 200, fill=1)  # no text drawn on the page itself
    c.textAnnotation("In a phase 2 trial (NCT09000076), 30 patients received intravenous MSCs.",
                     Rect=(72, 700, 300, 760))
    c.acroForm.textfield(name="registry", value="The phase 1 trial NCT09000077 gave bone marrow MSCs.",
                         x=72, y=600, width=400, height=20)
    c.showPage()
    c.save()
    result = process_paper(path)
    assert result.status != "error", result.message
    trials = {e.trial_id for e in result.evidence if e.trial_id} if result.evidence else None
    assert result.n_trials == 2, (result.message, trials)
