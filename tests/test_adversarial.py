"""The run on an adversarial corpus (`tests/adversarial.py`): it completes with a documented exit
code, never blocks or prints a traceback, lists every input once in papers.csv with a status and a
coded message a user can act on, still extracts the good papers' trials, and writes valid CSV.

The flate-bomb PDF (`bomb.pdf`) is only stopped by the run's per-paper limits (`--timeout`,
`--max-memory`, in `pipeline/engine.py`); the run here passes both, and the test expects E108 or
E120 for it (or a clean read). Everything else is decided by `pipeline/ingest`.
"""
from __future__ import annotations

import csv
import errno
import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from adversarial import write_corpus, write_name_corpus
from conftest import ROOT
from pipeline.errors import MESSAGES, InputError
from pipeline.ingest.text import decode, discover, paper_id_of, paper_ids, read_document
from pipeline.write.tables import text_file_name

DOCUMENTED_EXIT_CODES = {0, 3, 4}  # README "Exit codes" (1 is a bug, 2 a usage error)
RUN_TIMEOUT = 600  # seconds: a run that takes longer is blocked (e.g. on a FIFO)
CODE = re.compile(r"\[([EW]\d{3})\]")
TRACEBACK = b"Traceback (most recent call last)"


def _run(corpus: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    args = [sys.executable, "-m", "pipeline", "--corpus", str(corpus), "--out", str(out), "--quiet", *extra]
    try:
        return subprocess.run(args, capture_output=True, cwd=ROOT, timeout=RUN_TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as err:
        pytest.fail(f"the run did not finish in {RUN_TIMEOUT} s (blocked on an input?): {err.stderr!r}")


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def adversarial(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("adversarial") / "corpus"
    cases = write_corpus(corpus)
    out = corpus.parent / "out"
    # the per-paper limits are what stop bomb.pdf (run-level limits, pipeline/engine.py)
    res = _run(corpus, out, "--workers", "2", "--timeout", "60", "--max-memory", "1024")
    return cases, corpus, out, res


def shown(path: Path) -> str:
    """A path as papers.csv shows it: printable (control characters as spaces)."""
    from pipeline.ingest.text import printable

    return printable(str(path))


def _by_path(out: Path) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {}
    for r in _rows(out / "papers.csv"):
        rows.setdefault(r["path"], []).append(r)
    return rows


def test_the_run_completes_with_a_documented_exit_code(adversarial):
    _, _, out, res = adversarial
    assert res.returncode in DOCUMENTED_EXIT_CODES, res.stderr.decode(errors="replace")[-3000:]
    assert res.returncode == 0  # good papers were read and --strict was not given
    assert (out / "papers.csv").exists() and (out / "trials.csv").exists()


def test_no_traceback_in_the_output_or_any_file(adversarial):
    _, _, out, res = adversarial
    assert TRACEBACK not in res.stdout and TRACEBACK not in res.stderr, res.stderr[-3000:]
    for root, _, files in os.walk(out):
        for name in files:
            assert TRACEBACK not in (Path(root) / name).read_bytes(), Path(root) / name


def test_every_input_has_exactly_one_row(adversarial):
    cases, corpus, out, _ = adversarial
    rows = _by_path(out)
    expected = {shown(corpus / c.name) for c in cases}
    assert {p for p, r in rows.items() if len(r) > 1} == set()
    assert set(rows) - expected == set(), "rows for files that are not inputs"
    assert expected - set(rows) == set(), "inputs without a row"


def test_each_input_gets_its_status_and_code(adversarial):
    cases, corpus, out, _ = adversarial
    rows = {p: r[0] for p, r in _by_path(out).items()}
    wrong = []
    for c in cases:
        r = rows.get(shown(corpus / c.name))
        if r is None or c.needs_limits:
            continue  # reported by test_every_input_has_exactly_one_row / test_a_pdf_bomb_...
        msg, codes = r["message"], CODE.findall(r["message"])
        problems = []
        if r["status"] not in c.statuses:
            problems.append(f"status {r['status']} not in {sorted(c.statuses)}")
        problems += [f"no {code}" for code in c.codes if code not in codes]
        if c.any_code and r["status"] != "ok" and not set(c.any_code) & set(codes):
            problems.append(f"none of {c.any_code}")
        if r["status"] != "ok" and not codes:
            problems.append("a message without a code")
        problems += [f"unknown code {code}" for code in codes if code not in MESSAGES]
        if problems:
            wrong.append(f"{c.name!r} ({c.why}): {'; '.join(problems)}: {r['status']} {msg!r}")
    assert not wrong, "\n".join(wrong)


def test_a_pdf_bomb_is_stopped_by_the_run_limits(adversarial):
    """bomb.pdf inflates to 400 MB of text operators: pdfium needs gigabytes and minutes for it.
    Only the run's per-paper limits (pipeline/engine.py: --timeout, --max-memory, passed by the
    `adversarial` fixture) stop it: the row must say so (E108 timed out, E120 out of memory), not
    E109 "the worker failed", which tells the user to report a bug. A clean read is fine too."""
    cases, corpus, out, _ = adversarial
    rows = {p: r[0] for p, r in _by_path(out).items()}
    for c in (c for c in cases if c.needs_limits):
        r = rows[shown(corpus / c.name)]
        codes = set(CODE.findall(r["message"]))
        assert r["status"] != "error" or codes & {"E107", "E108", "E120"}, (c.name, r["status"], r["message"])


def test_messages_are_the_documented_ones(adversarial):
    """Each message is `[code] text` with the catalogue's text: no exception text or repr."""
    _, _, out, _ = adversarial
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for r in _rows(out / "papers.csv"):
        for part in filter(None, re.split(r"; (?=\[[EW]\d{3}\])", r["message"])):
            m = re.match(r"\[([EW]\d{3})\] (.*)", part, re.S)
            assert m, (r["path"], part)
            code = m.group(1)
            template = re.escape(MESSAGES[code])
            template = re.sub(r"\\\{[^}]*\\\}", ".*", template)  # placeholders
            assert re.fullmatch(template, m.group(2), re.S), (r["path"], part)
            assert f"`{code}`" in readme, f"{code} is not in README.md's list of codes"


def test_the_duplicates_are_read_once(adversarial):
    _, corpus, out, _ = adversarial
    rows = {p: r[0] for p, r in _by_path(out).items()}
    pair = [rows[str(corpus / "good_cardiac.txt")], rows[str(corpus / "good_cardiac copy.txt")]]
    assert sorted(r["status"] for r in pair) == ["ok", "warning"]
    assert sum("[W202]" in r["message"] for r in pair) == 1
    assert "[W202]" in rows[str(corpus / "sub" / "link_to_gvhd.md")]["message"]  # a link to a paper: read once


def test_the_good_papers_trials_come_out(adversarial):
    cases, _, out, _ = adversarial
    trials = {r["trial_id"]: r for r in _rows(out / "trials.csv")}
    expected = {t for c in cases for t in c.trials}
    assert expected - set(trials) == set()
    assert trials["NCT09000011"]["phase"] == "PHASE2"
    assert trials["NCT09000013"]["phase"] == "PHASE3"
    assert "Malmö" in (out / "texts" / text_file_name("latin1")).read_text(encoding="utf-8")


@pytest.mark.parametrize("table", ["papers", "trials", "evidence"])
def test_tables_are_valid_csv(adversarial, table):
    _, _, out, _ = adversarial
    _assert_valid_csv(out, table)


def _assert_valid_csv(out: Path, table: str) -> None:
    import pandas as pd

    raw = (out / f"{table}.csv").read_bytes()
    text = raw.decode("utf-8")  # strict: the file is UTF-8
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = rows[0]
    assert len(set(header)) == len(header)
    bad = [(i, len(r)) for i, r in enumerate(rows[1:], start=2) if len(r) != len(header)]
    assert not bad, f"{table}.csv: rows with the wrong number of cells (line, cells): {bad[:5]}"
    parquet = pd.read_parquet(out / f"{table}.parquet") if (out / f"{table}.parquet").exists() else None
    if parquet is not None:
        assert len(parquet) == len(rows) - 1


def test_html_in_a_file_name_is_escaped_in_the_report(adversarial):
    _, _, out, _ = adversarial
    report = out / "report.html"
    if not report.exists():
        pytest.skip("no report.html written")
    html = report.read_text(encoding="utf-8")
    assert "onerror=alert(1)" in html  # the paper is listed...
    assert "<img src=x onerror=alert(1)>" not in html  # ...escaped (&lt;img or \u003cimg)


def test_paper_ids_are_unique(adversarial):
    """papers.csv's primary key (datapackage.json) is paper_id: twin.pdf/twin.txt and the three
    `empty.*` files must not share one. `pipeline.ingest.text.paper_ids` gives unique ids; the run
    must use them."""
    _, _, out, _ = adversarial
    ids = [r["paper_id"] for r in _rows(out / "papers.csv")]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    assert not dup, f"paper ids used by several inputs: {dup}"


def test_texts_stay_in_the_output_folder_under_safe_names(adversarial):
    _, _, out, _ = adversarial
    texts = out / "texts"
    import pyarrow.parquet as pq

    # (the exact ids: papers.csv writes "=cmd()+1" as "'=cmd()+1", the CSV rule for spreadsheets)
    expected = {text_file_name(r["paper_id"]) for r in pq.read_table(out / "papers.parquet").to_pylist() if r["chars"]}
    names = set(os.listdir(texts))
    assert names == expected
    for name in names:
        assert (texts / name).resolve().parent == texts.resolve()


def test_names_the_tables_must_survive(tmp_path):
    """A carriage return in a file name (csv.writer with lineterminator "\\n" leaves a bare CR
    unquoted, which ends the row for a CSV reader) and a name that is not UTF-8 (a lone surrogate
    in Python cannot be written as UTF-8) must not break papers.csv or the run."""
    corpus = tmp_path / "corpus"
    cases = write_name_corpus(corpus)
    res = _run(corpus, tmp_path / "out", "--workers", "1")
    assert res.returncode == 0 and TRACEBACK not in res.stderr, res.stderr.decode(errors="replace")[-3000:]
    for table in ("papers", "trials", "evidence"):
        _assert_valid_csv(tmp_path / "out", table)
    rows = _rows(tmp_path / "out" / "papers.csv")
    assert len(rows) == len(cases) and {r["status"] for r in rows} == {"ok"}
    trials = {r["trial_id"] for r in _rows(tmp_path / "out" / "trials.csv")}
    assert {t for c in cases for t in c.trials} <= trials


# -- ingest, directly ------------------------------------------------------------------------

def test_fifo_is_an_error_without_blocking(tmp_path):
    fifo = tmp_path / "x.txt"
    os.mkfifo(fifo)
    t0 = time.perf_counter()
    with pytest.raises(InputError) as err:
        read_document(fifo)
    assert err.value.code == "E113" and "named pipe" in err.value.message
    assert time.perf_counter() - t0 < 5


@pytest.mark.parametrize("make, code", [
    (lambda d: os.symlink("missing.txt", d / "a.txt"), "E111"),
    (lambda d: os.symlink("a.txt", d / "a.txt"), "E112"),
    (lambda d: (d / "a.txt").mkdir(), "E110"),
], ids=["dangling-symlink", "symlink-loop", "directory"])
def test_not_a_file_has_its_own_code(tmp_path, make, code):
    make(tmp_path)
    with pytest.raises(InputError) as err:
        read_document(tmp_path / "a.txt")
    assert err.value.code == code


@pytest.mark.parametrize("data, text, encoding, warning", [
    (b"\xef\xbb\xbfNCT09000011 \xc3\xa9", "NCT09000011 é", "utf-8-sig", None),
    ("\ufeffNCT09000011 é ≥ 2".encode("utf-16-le"), "NCT09000011 é ≥ 2", "utf-16", None),
    ("\ufeffNCT09000011 é ≥ 2".encode("utf-16-be"), "NCT09000011 é ≥ 2", "utf-16", None),
    ("\ufeffNCT09000011 é ≥ 2".encode("utf-32-le"), "NCT09000011 é ≥ 2", "utf-32", None),
    ("A phase 2 trial NCT09000011 é".encode("utf-16-le"), "A phase 2 trial NCT09000011 é", "utf-16-le", "W201"),
    ("A phase 2 trial NCT09000011 é".encode("utf-16-be"), "A phase 2 trial NCT09000011 é", "utf-16-be", "W201"),
    (b"A phase 2\x00 trial NCT09000011 in Malm\xc3\xb6, with 5 patients.", "A phase 2 trial NCT09000011 in Malmö, with 5 patients.", "utf-8", "W204"),
    (b"line one\r\nline two\rline three\n", "line one\nline two\nline three\n", "utf-8", None),
    ("Malmö".encode("latin-1"), "Malmö", "cp1252", "W201"),
], ids=["utf8-bom", "utf16le-bom", "utf16be-bom", "utf32le-bom", "utf16le-no-bom", "utf16be-no-bom",
        "stray-nul", "cr-and-crlf", "latin1"])
def test_decode(data, text, encoding, warning):
    got, enc, warnings = decode(data)
    assert (got, enc) == (text, encoding)
    assert [w[1:5] for w in warnings] == ([warning] if warning else [])


@pytest.mark.parametrize("data", [
    bytes(range(256)) * 10, b"\x00" * 1000, b"\x00\x01\x02\x03" * 100, b"PK\x03\x04" + bytes(200),
    ("\ufeff" + "".join(map(chr, range(1, 32))) * 20).encode("utf-16-le"), b"text\x1b[31m" + b"\x01\x02\x03\x04" * 50,
], ids=["all-bytes", "nuls", "low-bytes", "zip", "utf16-controls", "utf8-controls"])
def test_binary_is_e102(data):
    with pytest.raises(InputError) as err:
        decode(data)
    assert err.value.code == "E102"


def test_a_file_larger_than_max_bytes_is_e103_without_reading_it(tmp_path):
    p = tmp_path / "big.txt"
    with p.open("wb") as fh:
        fh.truncate(30 * 1024 * 1024)  # sparse: no 30 MB written
    with pytest.raises(InputError) as err:
        read_document(p)
    assert err.value.code == "E103" and "--max-bytes" in err.value.message


def test_paper_id_of_is_printable():
    assert paper_id_of(Path("c/line\nbreak.txt")) == "line break"
    assert paper_id_of(Path(os.fsdecode(b"c/not-utf8-\xff.txt"))) == "not-utf8-\\xff"
    assert paper_id_of(Path("c/2020/smith.pdf"), Path("c")) == "2020/smith"
    assert paper_id_of(Path("c/smith.pdf"), Path("c")) == "smith"


def test_paper_ids_are_unique_for_one_stem_in_several_files():
    corpus = Path("c")
    paths = [corpus / n for n in ("twin.pdf", "twin.txt", "a/x.txt", "x.txt", "twin.pdf.md", "empty.md", "empty.txt")]
    ids = paper_ids(paths, corpus)
    # "twin.pdf" is the id of twin.pdf.md already, so the PDF's longer id gets a counter
    assert ids == ["twin.pdf~2", "twin.txt", "a/x", "x", "twin.pdf", "empty.md", "empty.txt"]
    assert len(set(ids)) == len(ids)


def test_discover_recurses_once_and_skips_output_folders(tmp_path):
    (tmp_path / "a.txt").write_text("a", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text("b", encoding="utf-8")
    os.symlink("..", tmp_path / "sub" / "up")  # a loop
    out = tmp_path / "extracted"  # a previous run's output inside the corpus
    (out / "texts").mkdir(parents=True)
    for name in ("run.json", "datapackage.json", "texts/a.txt"):
        (out / name).write_text("{}", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("h", encoding="utf-8")
    found = [p.relative_to(tmp_path).as_posix() for p in discover(tmp_path)]
    assert found == ["a.txt", "sub/b.md"]


@pytest.mark.parametrize("paper_id", [
    "smith-2020", "2020/smith", "../../etc/passwd", "..", ".", "", "line\nbreak", "<img src=x onerror=alert(1)>",
    "-rf", "NUL", "con.txt", "x" * 300, "é" * 200, "a\u202eb", "x\udcff", "quote\"d", "a:b", "back\\slash",
], ids=repr)
def test_text_file_name_is_safe(paper_id):
    name = text_file_name(paper_id)
    assert name.endswith(".txt") and "/" not in name and "\\" not in name and "\x00" not in name
    assert not name.startswith((".", "-", " ")) and len(name.encode("utf-8")) <= 130
    assert not any(ord(c) < 32 or 0xD800 <= ord(c) < 0xE000 for c in name)
    assert text_file_name(paper_id) == name  # the same id, the same file


def test_text_file_names_of_distinct_ids_differ():
    ids = ["a/b", "a_b", "a\nb", "a b", "x" * 300, "x" * 301, "2020/smith", "2020_smith", "a_b~0123456789"]
    names = [text_file_name(i) for i in ids]
    assert len(set(names)) == len(names)


def test_a_folder_that_cannot_be_listed_is_e106(tmp_path, monkeypatch):
    """discover() lists a subfolder os.walk could not enter; its row says why (not E110)."""
    import pipeline.ingest.text as text_module

    (tmp_path / "locked").mkdir()

    def denied(path):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(text_module.os, "listdir", denied)
    with pytest.raises(InputError) as err:
        read_document(tmp_path / "locked")
    assert err.value.code == "E106" and "Permission denied" in err.value.message
