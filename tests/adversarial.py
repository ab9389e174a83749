"""Write an adversarial corpus: every kind of input a folder of "papers" may hold by mistake.

`write_corpus(folder)` fills `folder` and returns the `Case`s it wrote: the path of each input
(relative to the folder), the statuses and message codes `papers.csv` must give it, and the trial
ids it must yield. The good papers are short review texts written for these tests (fictional
trial ids NCT0900001x); nothing is copied from real papers.

Inputs that are not papers at all (a directory named `dir.txt`, a FIFO, broken and looping
symlinks) are listed too: each must get its own error row, and none may block or stop the run.

Run it by hand to look at the corpus:  python tests/adversarial.py /tmp/adversarial
"""
from __future__ import annotations

import codecs
import os
import random
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from pdf_fixtures import random_bytes_pdf, raw_pdf, truncated_pdf  # noqa: E402

MB = 1024 * 1024


@dataclass(frozen=True)
class Case:
    """One input of the corpus and what the run must say about it."""

    name: str  # path relative to the corpus folder
    statuses: frozenset  # allowed papers.csv statuses
    codes: tuple = ()  # every code the message must contain (one of `any_code` too, if given)
    any_code: tuple = ()  # at least one of these codes (when several outcomes are acceptable)
    trials: tuple = ()  # trial ids this input must yield (when read)
    why: str = ""
    needs_limits: bool = False  # only handled by the run's per-paper time/memory limits


OK = frozenset({"ok"})
WARN = frozenset({"warning"})
OK_OR_WARN = frozenset({"ok", "warning"})
ERROR = frozenset({"error"})

# --------------------------------------------------------------------------- good papers ----
# Short, realistic review prose written for these tests. Each names its trials by NCT id in a
# sentence that also gives a phase, so the extractors and the linker have something to tie.

GOOD_CARDIAC = """Mesenchymal stromal cells in ischaemic heart disease: a brief review

Abstract
Bone marrow-derived mesenchymal stromal cells (MSCs) have been tested in patients with heart
failure for more than fifteen years. We summarise three registered trials.

Clinical studies
The STROMA-HF trial (NCT09000011), a randomized phase 2 study, enrolled 48 patients with
ischaemic cardiomyopathy. Allogeneic bone marrow MSCs were given by transendocardial injection
at a dose of 1 × 10^8 cells. The trial has been completed.

A smaller phase 1 study (NCT09000012) gave autologous adipose-derived stromal cells
intracoronary to 12 patients at 2 × 10^6 cells/kg; it is currently recruiting.

References
1. Writer A, Tester B. A fictional reference written for the adversarial corpus. J Test Med 2031;1:1-5.
"""

GOOD_GVHD = """# Stromal cells for steroid-refractory graft-versus-host disease

Steroid-refractory acute graft-versus-host disease (GVHD) remains hard to treat. Umbilical cord
MSCs were infused intravenously in the phase 3 CORD-GVHD trial (NCT09000013), which randomized
120 patients; each received 2 × 10^6 cells/kg weekly for four weeks.

| NCT Number | Phase | Status | Enrollment |
|---|---|---|---|
| NCT09000014 | Phase 2 | Recruiting | 40 |

In the table above, the phase 2 trial NCT09000014 uses Wharton's jelly MSCs.
"""

# the same review written as a PDF and as text (two files, two readers, one paper)
TWIN_LINES = (
    "Stromal cells after spinal cord injury: a short review",
    "",
    "In a phase 1 trial (NCT09000015), 10 patients with chronic spinal cord injury",
    "received autologous bone marrow MSCs intrathecally at 1 × 10^6 cells/kg.",
    "The trial has been completed.",
)

# papers in other encodings, each with its own trial
LATIN1_TEXT = ("Revue: cellules stromales à Malmö et Köln\n\n"
               "In a phase 2 trial (NCT09000016) run in Malmö, 30 patients with Crohn's disease "
               "received intravenous MSCs; the trial is completed.\n")
UTF16_TEXT = ("Stromal cells in osteoarthritis — a review (UTF-16)\n\n"
              "A phase 1/2 trial (NCT09000017) injected adipose-derived MSCs intra-articularly "
              "in 24 patients with knee osteoarthritis (≥ 40 years).\n")
UTF16BE_TEXT = ("Stromal cells in lupus nephritis — a review (UTF-16 big-endian)\n\n"
                "A phase 2 trial (NCT09000018) gave umbilical cord MSCs intravenously to 40 patients.\n")
NUL_TEXT = ("Stromal cells in ALS: a review with stray NUL bytes\n\n"
            "In a phase 2 trial (NCT09000019), 20 patients with amyotrophic lateral sclerosis "
            "received intrathecal bone marrow MSCs.\n")
NAMED_TEXT = "A phase 1 trial (NCT0900{n:04d}) gave intravenous umbilical cord MSCs to 10 patients.\n"

# hostile file names, each holding a small good paper with its own trial id
HOSTILE_NAMES = (
    "<img src=x onerror=alert(1)>.txt",
    "line\nbreak.txt",
    "tab\tin name.txt",
    "quote\"s and 'apostrophes', commas.txt",
    "-rf --help.txt",
    "Müller–Lüdenscheidt 2021 ☃ レビュー.txt",
    "=cmd()+1.txt",  # a spreadsheet formula if pasted into a sheet
    "x" * 200 + ".txt",  # long, but a legal name
    "review\u202etxt.exe.txt",  # a right-to-left override: shows as "review" + "exe.txt" reversed
)


def _sentences(n_bytes: int) -> bytes:
    """`n_bytes` of plausible prose: a few sentences written here, repeated, in lines."""
    block = (
        "Mesenchymal stromal cells were infused in many small studies over the last decade. "
        "Most of them reported that the infusions were well tolerated by the patients. "
        "Larger randomized trials are needed before firm conclusions can be drawn.\n"
    ).encode()
    reps = n_bytes // len(block) + 1
    return (block * reps)[:n_bytes]


def flate_bomb_pdf(path: Path, inflated: int = 400 * MB) -> Path:
    """A one-page PDF whose content stream inflates from ~0.4 MB to `inflated` bytes of text
    operators (millions of tiny text objects). Valid PDF; the reader must not take the machine."""
    op = b"BT /F1 1 Tf 10 10 Td (x) Tj ET\n"
    comp = zlib.compressobj(9)
    chunk = op * (MB // len(op))
    parts, done = [], 0
    while done < inflated:
        parts.append(comp.compress(chunk))
        done += len(chunk)
    parts.append(comp.flush())
    stream = b"".join(parts)
    return raw_pdf(path, [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def nested_pdf(path: Path, depth: int = 50_000) -> Path:
    """A PDF whose page dictionary holds `depth` nested arrays and dictionaries (a parser that
    recurses without a limit overflows its stack)."""
    nest = b"[<< /A " * depth + b"1" + b" >>]" * depth
    content = b"BT /F1 12 Tf 72 700 Td (Deeply nested page) Tj ET"
    return raw_pdf(path, [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Nest " + nest
        + b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def text_pdf(path: Path, lines, encrypt: str | None = None) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    c.setFont("Helvetica", 10)
    y = 780
    for line in lines:
        c.drawString(60, y, line.replace("×", "x"))
        y -= 14
    c.showPage()
    c.save()
    return path


def write_corpus(folder: Path, big: bool = True) -> list[Case]:
    """Fill `folder` with the adversarial corpus; return what each input must give.
    `big=False` leaves out the 50 MB file and the flate-bomb PDF (a quicker corpus)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []

    def add(name: str, data: bytes | str | None, *args, **kw) -> Path:
        p = folder / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            p.write_text(data, encoding="utf-8")
        elif data is not None:
            p.write_bytes(data)
        cases.append(Case(name, *args, **kw))
        return p

    # good papers
    # the same paper under two names: read once, the other is a W202 warning (which one depends
    # on the sort order, so both accept either; test_the_duplicates_are_read_once checks the pair)
    add("good_cardiac.txt", GOOD_CARDIAC, OK_OR_WARN, any_code=("W202",), trials=("NCT09000011", "NCT09000012"),
        why="a good paper")
    add("good_gvhd.md", GOOD_GVHD, OK, trials=("NCT09000013", "NCT09000014"), why="a good Markdown paper")
    add("good_cardiac copy.txt", GOOD_CARDIAC, OK_OR_WARN, any_code=("W202",), why="same bytes as good_cardiac.txt")
    # the same paper as PDF and as text: two different files, both read, one trial
    text_pdf(folder / "twin.pdf", TWIN_LINES)
    cases.append(Case("twin.pdf", OK_OR_WARN, trials=("NCT09000015",), why="the PDF of twin.txt"))
    add("twin.txt", "\n".join(TWIN_LINES) + "\n", OK, trials=("NCT09000015",), why="the text of twin.pdf")

    # empty and junk
    add("empty.txt", b"", ERROR, ("E101",), why="empty text file")
    add("empty.md", b"", ERROR, ("E101",), why="empty Markdown file")
    add("empty.pdf", b"", ERROR, ("E101",), why="empty PDF file")
    add("whitespace.txt", b" \n\t\r\n  \n", ERROR, ("E101",), why="only white space")
    add("junk.txt", random.Random(1).randbytes(8192), ERROR, ("E102",), why="random bytes named .txt")
    random_bytes_pdf(folder / "junk.pdf", 8192)
    cases.append(Case("junk.pdf", ERROR, ("E107",), why="random bytes named .pdf"))
    add("elf.txt", b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 64, ERROR, ("E102",), why="an executable named .txt")

    # broken PDFs
    good_pdf = text_pdf(folder / ".scratch-good.pdf", TWIN_LINES)
    truncated_pdf(folder / "truncated.pdf", good_pdf)
    good_pdf.unlink()
    cases.append(Case("truncated.pdf", ERROR, ("E107",), why="the first half of a PDF"))
    text_pdf(folder / "encrypted.pdf", TWIN_LINES, encrypt="secret")
    cases.append(Case("encrypted.pdf", ERROR, ("E107",), why="a password-protected PDF"))
    nested_pdf(folder / "nested.pdf")
    cases.append(Case("nested.pdf", ERROR | OK_OR_WARN, why="50,000 nested arrays/dicts in the page dictionary"))
    if big:
        flate_bomb_pdf(folder / "bomb.pdf")
        # pdfium expands the stream and makes millions of text objects: only the run's per-paper
        # time limit (--timeout, E108) or memory cap (--max-memory, E120) stops it
        cases.append(Case("bomb.pdf", ERROR | OK_OR_WARN, any_code=("E108", "E120", "E107", "W203"),
                          why="a content stream that inflates to 400 MB", needs_limits=True))

    # encodings
    add("latin1.txt", LATIN1_TEXT.encode("latin-1"), WARN, ("W201",), trials=("NCT09000016",), why="Latin-1 text")
    add("utf16le_bom.txt", codecs.BOM_UTF16_LE + UTF16_TEXT.encode("utf-16-le"), OK, trials=("NCT09000017",),
        why="UTF-16 little-endian with BOM")
    add("utf16be_bom.md", codecs.BOM_UTF16_BE + UTF16BE_TEXT.encode("utf-16-be"), OK, trials=("NCT09000018",),
        why="UTF-16 big-endian with BOM")
    add("utf16_nobom.txt", UTF16_TEXT.replace("NCT09000017", "NCT09000021").encode("utf-16-le"), WARN, ("W201",),
        trials=("NCT09000021",), why="UTF-16 without BOM (Windows 'Unicode' text)")
    nul = NUL_TEXT.encode()
    add("nul_bytes.txt", nul[:60] + b"\x00" + nul[60:120] + b"\x00\x00" + nul[120:], WARN, ("W204",),
        trials=("NCT09000019",), why="UTF-8 text with three stray NUL bytes")
    add("utf8_bom.txt", codecs.BOM_UTF8 + NAMED_TEXT.format(n=22).encode(), OK, trials=("NCT09000022",), why="UTF-8 with BOM")
    add("crlf.txt", NAMED_TEXT.format(n=23).replace("\n", "\r\n").encode(), OK, trials=("NCT09000023",), why="CRLF line ends")

    # size limits
    if big:
        add("huge_50mb.txt", _sentences(50 * MB), ERROR, ("E103",),
            why="50 MB of text: not one paper; refused by the default 20 MB --max-bytes")
    add("one_line_10mb.txt", _sentences(10 * MB).replace(b"\n", b" "), WARN, ("W203",), why="a 10 MB single line: read (no trial in it)")
    add("unsupported.docx", b"PK\x03\x04 a word file", ERROR, ("E105",), why="not a supported type")

    # things that are not regular files
    (folder / "dir.txt").mkdir()
    cases.append(Case("dir.txt", ERROR, ("E110",), why="a directory named like a paper"))
    (folder / "dir.txt" / "inside.txt").write_text(NAMED_TEXT.format(n=24), encoding="utf-8")
    cases.append(Case("dir.txt/inside.txt", OK, trials=("NCT09000024",), why="a paper in a subfolder"))
    os.mkfifo(folder / "x.txt")
    cases.append(Case("x.txt", ERROR, ("E113",), why="a named pipe: opening it would block the run"))
    os.symlink("does-not-exist.txt", folder / "dangling.txt")
    cases.append(Case("dangling.txt", ERROR, ("E111",), why="a symlink to nothing"))
    os.symlink("loop.txt", folder / "loop.txt")
    cases.append(Case("loop.txt", ERROR, ("E112",), why="a symlink to itself"))
    os.symlink("loop_b.md", folder / "loop_a.md")
    os.symlink("loop_a.md", folder / "loop_b.md")
    cases.append(Case("loop_a.md", ERROR, ("E112",), why="two symlinks pointing at each other"))
    cases.append(Case("loop_b.md", ERROR, ("E112",), why="two symlinks pointing at each other"))
    os.symlink("/dev/zero", folder / "zero.txt")  # reading it never ends
    cases.append(Case("zero.txt", ERROR, ("E113",), why="a symlink to /dev/zero"))
    os.symlink("/dev/urandom", folder / "random.pdf")
    cases.append(Case("random.pdf", ERROR, ("E113",), why="a symlink to /dev/urandom"))
    sock = folder / "socket.md"
    if len(os.fsencode(sock)) < 100:  # AF_UNIX paths are short
        import socket

        with socket.socket(socket.AF_UNIX) as s:
            s.bind(str(sock))
        cases.append(Case("socket.md", ERROR, ("E113",), why="a Unix socket"))
    (folder / "sub").mkdir()
    os.symlink("..", folder / "sub" / "up")  # a directory loop: the walk must not go round it
    os.symlink("../good_gvhd.md", folder / "sub" / "link_to_gvhd.md")
    cases.append(Case("sub/link_to_gvhd.md", OK_OR_WARN, any_code=("W202",), why="a symlink to another paper of the corpus"))
    unreadable = add("unreadable.txt", NAMED_TEXT.format(n=25), OK_OR_WARN | ERROR, trials=(),
                     why="mode 000 (root reads it anyway)")
    unreadable.chmod(0)

    # hostile names, each a good little paper
    for k, name in enumerate(HOSTILE_NAMES):
        add(name, NAMED_TEXT.format(n=30 + k), OK, trials=(f"NCT0900{30 + k:04d}",), why="a hostile file name")
    return cases


# names that break a run's tables rather than its reading: kept apart from the main corpus so
# that a crash on them does not hide the rest
CR_NAME = "carriage\rreturn.txt"  # a bare CR: csv.writer(lineterminator="\n") does not quote it
NON_UTF8_NAME = b"not-utf8-\xff\xfe.txt"  # bytes that are not UTF-8 (str: lone surrogates)


def write_name_corpus(folder: Path) -> list[Case]:
    """A small corpus of a good paper and two papers whose names the output must survive."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "good_cardiac.txt").write_text(GOOD_CARDIAC, encoding="utf-8")
    (folder / CR_NAME).write_text(NAMED_TEXT.format(n=41), encoding="utf-8")
    with open(os.fsencode(folder) + b"/" + NON_UTF8_NAME, "wb") as fh:
        fh.write(NAMED_TEXT.format(n=40).encode())
    return [
        Case("good_cardiac.txt", OK, trials=("NCT09000011", "NCT09000012"), why="a good paper"),
        Case(CR_NAME, OK, trials=("NCT09000041",), why="a carriage return in the file name"),
        Case(os.fsdecode(NON_UTF8_NAME), OK, trials=("NCT09000040",), why="a file name that is not UTF-8"),
    ]


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "adversarial-corpus")
    for case in write_corpus(target):
        print(f"{case.name!r:60} {'/'.join(sorted(case.statuses)):22} {' '.join(case.codes + case.any_code):12} {case.why}")
