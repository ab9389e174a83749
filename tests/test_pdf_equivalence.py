"""A review printed as a PDF and the same review as plain text give the same trial table.

The PDF is drawn with reportlab from text written for this test: a full-width title, two columns
of running text (doses with the exponent drawn raised in a smaller font, phases in Roman
numerals) and a full-width trial table whose phases are Roman numerals. The text version holds
the same words, its table as a Markdown pipe table and its exponents as superscript digits. Both
go through `pipeline.api.run_corpus` (two corpora); every column of trials.csv but `sources`
must agree.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

import pdf_fixtures as fx
from pipeline.api import run_corpus
from pipeline.schema import TRIAL_FIELDS

ROMAN_I = "\u2160" if fx.HAS_DEJAVU else "I"
ROMAN_II = "\u2161" if fx.HAS_DEJAVU else "II"
ROMAN_I_II = f"{ROMAN_I}/{ROMAN_II}"

TITLE = "Three stromal cell trials, side by side"
# Columns as printed lines; a line is a string or pieces (text, raised) with raised exponents.
LEFT = [
    [
        "Stromal cell products reach patients through",
        "small early trials, and this note compares",
        "three of them that share one design question.",
    ],
    [
        f"The first, NCT05100001, is a phase {ROMAN_I} trial",
        (("that gives 2 × 10", False), ("6", True), (" cells/kg of bone marrow", False)),
        "cells intravenously to adults with knee pain.",
    ],
]
RIGHT = [
    [
        f"The second, NCT05100002, a phase {ROMAN_II} trial,",
        (("gives 1 × 10", False), ("7", True), (" umbilical cord cells by", False)),
        "the intrathecal route in a single dose.",
    ],
    [
        f"The third, NCT05100003, is a phase {ROMAN_I_II}",
        "study of adipose tissue cells injected into",
        "the joint of patients with osteoarthritis.",
    ],
]
CAPTION = "Table 1 Trials of mesenchymal stromal cells compared here"
HEADER = ("Trial ID", "Phase", "Cell source", "Route", "Enrollment")
ROWS = (
    ("NCT05100001", ROMAN_I, "Bone marrow", "Intravenous", "24"),
    ("NCT05100002", ROMAN_II, "Umbilical cord", "Intrathecal", "40"),
    ("NCT05100003", ROMAN_I_II, "Adipose tissue", "Intra-articular", "18"),
)
TABLE_X = (50.0, 150.0, 230.0, 350.0, 470.0)


def draw_review(path: Path) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont("Helvetica-Bold", 15)
    c.drawString(fx.LEFT_X, 780, TITLE)
    bottom = min(fx._draw_column(c, fx.LEFT_X, fx.TOP_Y, LEFT), fx._draw_column(c, fx.RIGHT_X, fx.TOP_Y, RIGHT))
    y = bottom - 24
    c.setFont("Helvetica-Bold", 9)
    c.drawString(TABLE_X[0], y, CAPTION)
    y -= 6
    c.line(TABLE_X[0], y, fx.PAGE_WIDTH - 50, y)
    y -= 11
    c.setFont("Helvetica-Bold", 8.5)
    for x, text in zip(TABLE_X, HEADER):
        c.drawString(x, y, text)
    y -= 5
    c.line(TABLE_X[0], y, fx.PAGE_WIDTH - 50, y)
    y -= 12
    c.setFont(fx.BODY_FONT, 8.5)
    for row in ROWS:
        for x, text in zip(TABLE_X, row):
            c.drawString(x, y, text)
        y -= 14
    c.line(TABLE_X[0], y + 6, fx.PAGE_WIDTH - 50, y + 6)
    c.showPage()
    c.save()
    return path


def review_text() -> str:
    """The same review as plain text: a paragraph a line, superscript exponents, a pipe table."""
    superscripts = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")

    def line_text(line) -> str:
        if isinstance(line, str):
            return line
        return "".join(t.translate(superscripts) if raised else t for t, raised in line)

    paragraphs = [" ".join(line_text(line) for line in p) for p in LEFT + RIGHT]
    table = [
        CAPTION,
        "| " + " | ".join(HEADER) + " |",
        "|" + "|".join("---" for _ in HEADER) + "|",
        *("| " + " | ".join(row) + " |" for row in ROWS),
    ]
    return "\n\n".join([TITLE, *paragraphs, "\n".join(table)]) + "\n"


def trials(out: Path) -> dict[str, dict]:
    with (out / "trials.csv").open(newline="", encoding="utf-8") as f:
        return {row["trial_id"]: row for row in csv.DictReader(f)}


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    root = tmp_path_factory.mktemp("equivalence")
    (root / "pdf").mkdir()
    (root / "txt").mkdir()
    draw_review(root / "pdf" / "review.pdf")
    (root / "txt" / "review.txt").write_text(review_text(), encoding="utf-8")
    run_corpus(root / "pdf", root / "out_pdf", report=False)
    run_corpus(root / "txt", root / "out_txt", report=False)
    return trials(root / "out_pdf"), trials(root / "out_txt")


def test_the_same_trials(both):
    from_pdf, from_txt = both
    assert sorted(from_pdf) == sorted(from_txt) == ["NCT05100001", "NCT05100002", "NCT05100003"]


@pytest.mark.parametrize("field", [f for f in TRIAL_FIELDS if f != "sources"])
def test_the_same_values(both, field):
    from_pdf, from_txt = both
    for trial_id in from_txt:
        assert from_pdf[trial_id][field] == from_txt[trial_id][field], (trial_id, field)


@pytest.mark.parametrize(
    "trial_id, phase, cell_source, route, enrollment",
    [
        ("NCT05100001", "PHASE1", "bone_marrow", "intravenous", "24"),
        ("NCT05100002", "PHASE2", "umbilical_cord", "intrathecal", "40"),
        ("NCT05100003", "PHASE1|PHASE2", "adipose_tissue", "intra_articular", "18"),
    ],
)
def test_table_values_land_in_their_trial(both, trial_id, phase, cell_source, route, enrollment):
    from_pdf, _ = both
    row = from_pdf[trial_id]
    assert row["phase"] == phase
    assert cell_source in row["cell_source"].split("|")
    assert route in row["route"].split("|")
    assert row["enrollment"] == enrollment


@pytest.mark.parametrize("trial_id, dose, unit", [("NCT05100001", 2e6, "cells/kg"), ("NCT05100002", 1e7, "cells")])
def test_raised_exponents_are_read_as_doses(both, trial_id, dose, unit):
    from_pdf, _ = both
    row = from_pdf[trial_id]
    assert (float(row["dose_low"]), float(row["dose_high"]), row["dose_unit"]) == (dose, dose, unit)
