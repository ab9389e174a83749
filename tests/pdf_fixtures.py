"""Generate small test PDFs with reportlab, from text written for these tests.

`review_pdf` draws a two-page, two-column review: a running header and a page number on both
pages, a full-width title, paragraphs in each column, a dose with a raised exponent, a raised
citation, a word broken at a line end, Roman-numeral phases and a ligature (with DejaVuSans when
it is installed), and a full-width trial table (with one wrapped title) under the columns. The
`REVIEW` constants hold what the tests look for. The other builders make broken or unusual files.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
HAS_DEJAVU = DEJAVU.exists()
if HAS_DEJAVU:
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(DEJAVU)))
BODY_FONT = "DejaVuSans" if HAS_DEJAVU else "Helvetica"
BODY_SIZE = 9.5
LEADING = 12.0
PARAGRAPH_SKIP = 9.0
LEFT_X, RIGHT_X = 50.0, 310.0
TOP_Y = 730.0
PAGE_WIDTH, PAGE_HEIGHT = A4

ROMAN_I_II = "Phase \u2160/\u2161" if HAS_DEJAVU else "Phase I/II"
ROMAN_II = "Phase \u2161" if HAS_DEJAVU else "Phase II"
ROMAN_III = "Phase \u2162" if HAS_DEJAVU else "Phase III"
LIGATURE_WORD = "\ufb01brosis" if HAS_DEJAVU else "fibrosis"


@dataclass(frozen=True)
class Trial:
    nct: str
    title_lines: tuple[str, ...]
    phase: str
    status: str

    @property
    def title(self) -> str:
        return " ".join(self.title_lines)


HEADER = "Imaginary Journal of Stromal Therapy 7 (2031) 101-118"
TITLE = "Stromal cell products in the clinic: a structured review"
AUTHORS = "A. Writer, B. Tester and C. Fixture"

# Each column is a list of paragraphs; each paragraph a list of printed lines. A line is either a
# string or a tuple of pieces (text, raised) where raised pieces are small superscripts.
LEFT_PAGE1 = [
    [
        "The left column opens the review with a short",
        "account of how stromal cells came to be tested",
        "in people, and of the questions that remain open",
        "for the field after two decades of small trials.",
    ],
    [
        "Mesenchymal stromal cells have been given to",
        (("patients at 2 × 10", False), ("6", True), (" cells/kg in most studies,", False)),
        (("as shown", False), ("12", True), (" by pooled analyses of the early", False)),
        "reports; the cells were thawed at the bedside.",
        "Most groups used marrow as the tissue source,",
        "while later groups preferred umbilical cord.",
    ],
    [
        "The final left paragraph ends with this line.",
    ],
]
RIGHT_PAGE1 = [
    [
        "The right column starts after the left one ends",
        f"and reports that {ROMAN_I_II} designs dominate,",
        f"with {LIGATURE_WORD} and graft failure among the",
        "conditions most often chosen for first studies.",
    ],
    [
        "Dose finding was rarely formal. Mesen-",
        "chymal cells were counted by flow cytometry",
        "before release, and viability was reported in",
        "fewer than half of the published protocols.",
    ],
]
LEFT_PAGE2 = [
    [
        "On the second page the left column describes",
        "how the registry records were matched to the",
        "published reports, one record at a time.",
    ],
]
RIGHT_PAGE2 = [
    [
        "The right column of the second page closes the",
        "review with a call for shared outcome sets and",
        "for complete reporting of cell doses.",
    ],
]
TABLE_CAPTION = "Table 2 Registered trials of stromal cells included in this review"
TABLE_HEADER = ("NCT number", "Title", "Phase", "Status")
TABLE_X = (50.0, 135.0, 395.0, 465.0)
TRIALS = (
    Trial("NCT01234567", ("Marrow stromal cells injected into the knee", "for early osteoarthritis"),
          ROMAN_I_II, "Completed"),
    Trial("NCT02345678", ("Cord-derived cells for acute lung injury",), ROMAN_II, "Recruiting"),
    Trial("NCT03456789", ("Adipose stromal cells for perianal fistula",), ROMAN_III, "Active"),
)


def _draw_line(c: canvas.Canvas, x: float, y: float, line) -> None:
    """Draw a line of text; pieces marked raised are drawn smaller and higher (superscripts)."""
    if isinstance(line, str):
        line = ((line, False),)
    for text, raised in line:
        size = BODY_SIZE * 0.7 if raised else BODY_SIZE
        c.setFont(BODY_FONT, size)
        c.drawString(x, y + (BODY_SIZE * 0.38 if raised else 0.0), text)
        x += pdfmetrics.stringWidth(text, BODY_FONT, size)


def _draw_column(c: canvas.Canvas, x: float, y: float, paragraphs) -> float:
    for k, paragraph in enumerate(paragraphs):
        if k:
            y -= PARAGRAPH_SKIP
        for line in paragraph:
            _draw_line(c, x, y, line)
            y -= LEADING
    return y


def _draw_running_lines(c: canvas.Canvas, page_number: int) -> None:
    c.setFont("Helvetica", 8)
    c.drawString(LEFT_X, PAGE_HEIGHT - 40, HEADER)
    c.drawCentredString(PAGE_WIDTH / 2, 30, str(page_number))


def _draw_table(c: canvas.Canvas, y: float) -> None:
    c.setFont("Helvetica-Bold", 9)
    c.drawString(TABLE_X[0], y, TABLE_CAPTION)
    y -= 6
    c.line(TABLE_X[0], y, PAGE_WIDTH - 50, y)
    y -= 11
    c.setFont("Helvetica-Bold", 8.5)
    for x, text in zip(TABLE_X, TABLE_HEADER):
        c.drawString(x, y, text)
    y -= 5
    c.line(TABLE_X[0], y, PAGE_WIDTH - 50, y)
    y -= 12
    for trial in TRIALS:
        c.setFont(BODY_FONT, 8.5)
        c.drawString(TABLE_X[0], y, trial.nct)
        c.drawString(TABLE_X[2], y, trial.phase)
        c.drawString(TABLE_X[3], y, trial.status)
        for k, part in enumerate(trial.title_lines):
            c.drawString(TABLE_X[1], y - k * 10, part)
        y -= 10 * (len(trial.title_lines) - 1) + 15
    c.line(TABLE_X[0], y + 8, PAGE_WIDTH - 50, y + 8)


def review_pdf(path: Path) -> Path:
    """The two-page, two-column review described in the module docstring."""
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    _draw_running_lines(c, 1)
    c.setFont("Helvetica-Bold", 15)
    c.drawString(LEFT_X, 780, TITLE)
    c.setFont("Helvetica", 10)
    c.drawString(LEFT_X, 762, AUTHORS)
    bottom = min(_draw_column(c, LEFT_X, TOP_Y, LEFT_PAGE1), _draw_column(c, RIGHT_X, TOP_Y, RIGHT_PAGE1))
    _draw_table(c, bottom - 20)
    c.showPage()
    _draw_running_lines(c, 2)
    _draw_column(c, LEFT_X, TOP_Y + 40, LEFT_PAGE2)
    _draw_column(c, RIGHT_X, TOP_Y + 40, RIGHT_PAGE2)
    c.showPage()
    c.save()
    return path


def plain_lines(paragraphs) -> list[str]:
    """The lines of a column as the reader should give them (superscripts as ^digits, the
    ligature spelled out)."""
    out = []
    for paragraph in paragraphs:
        for line in paragraph:
            if not isinstance(line, str):
                line = "".join(("^" + t) if raised else t for t, raised in line)
            out.append(line.replace("\ufb01", "fi"))
    return out


def rotated_pdf(path: Path, lines: list[str]) -> Path:
    """A page whose text runs bottom-to-top (a landscape table page printed sideways)."""
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.translate(PAGE_WIDTH - 80, 80)
    c.rotate(90)
    c.setFont("Helvetica", 11)
    for k, line in enumerate(lines):
        c.drawString(0, -k * 15, line)
    c.showPage()
    c.save()
    return path


def form_pdf(path: Path, left: list[str], right: list[str]) -> Path:
    """Two columns, the right one drawn inside a form XObject placed with a translation (text in
    forms is in the form's own coordinates)."""
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.beginForm("column")
    c.setFont("Helvetica", 10)
    for k, line in enumerate(right):
        c.drawString(0, -k * LEADING, line)
    c.endForm()
    c.setFont("Helvetica", 10)
    for k, line in enumerate(left):
        c.drawString(LEFT_X, TOP_Y - k * LEADING, line)
    c.saveState()
    c.translate(RIGHT_X, TOP_Y)
    c.doForm("column")
    c.restoreState()
    c.showPage()
    c.save()
    return path


def rotated_page_pdf(path: Path, lines: list[str]) -> Path:
    """A landscape page stored as a portrait page with /Rotate 90 (text drawn rotated in it)."""
    rotated_pdf(path, lines)
    import pypdfium2 as pdfium  # set /Rotate on the page, as scanners and typesetters do

    pdf = pdfium.PdfDocument(str(path))
    pdf[0].set_rotation(270)
    tmp = path.with_suffix(".tmp")
    pdf.save(str(tmp))
    pdf.close()
    tmp.replace(path)
    return path


def image_only_pdf(path: Path, pages: int = 2) -> Path:
    """Pages with only drawn shapes: no text layer at all (what a scan looks like to a reader)."""
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for _ in range(pages):
        c.setFillGray(0.4)
        c.rect(80, 300, 300, 200, fill=1)
        c.showPage()
    c.save()
    return path


def mixed_pdf(path: Path) -> Path:
    """A text page followed by a page with no text."""
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont("Helvetica", 11)
    c.drawString(72, 700, "Only the first page of this file has text on it.")
    c.showPage()
    c.rect(80, 300, 300, 200, fill=1)
    c.showPage()
    c.save()
    return path


def encrypted_pdf(path: Path, password: str = "pw") -> Path:
    c = canvas.Canvas(str(path), pagesize=A4, encrypt=password)
    c.setFont("Helvetica", 11)
    c.drawString(72, 700, "This page is locked behind a password.")
    c.showPage()
    c.save()
    return path


def truncated_pdf(path: Path, source: Path) -> Path:
    """The first half of a good PDF (an interrupted download)."""
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def random_bytes_pdf(path: Path, size: int = 4096) -> Path:
    path.write_bytes(random.Random(7).randbytes(size))
    return path


def empty_pdf(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def zero_page_pdf(path: Path) -> Path:
    """A well-formed PDF whose page tree is empty."""
    return raw_pdf(path, [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


def raw_pdf(path: Path, objects: list[bytes]) -> Path:
    """A PDF file of the given objects (numbered from 1, object 1 the catalog), with its xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path
