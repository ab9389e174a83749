"""`pipeline.ingest.pdf.read_pdf`: layout rules on generated PDFs, clean errors on broken files,
and the real publisher PDFs of ../shared/pdfs."""
from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pytest

import pdf_fixtures as fx
from pipeline.ingest.pdf import PdfError, pdf_pages_per_second, read_pdf

SHARED_PDFS = Path(__file__).resolve().parents[2] / "shared" / "pdfs"
SHARED_FILES = sorted(SHARED_PDFS.glob("*.pdf")) if SHARED_PDFS.is_dir() else []


# ------------------------------------------------------------------------ generated review ----

@pytest.fixture(scope="module")
def review(tmp_path_factory):
    path = fx.review_pdf(tmp_path_factory.mktemp("pdf") / "review.pdf")
    return read_pdf(path, "review", sha256="abc")


@pytest.fixture(scope="module")
def page1(review):
    return review.pages[0].text


def test_document_fields(review):
    assert review.kind == "pdf"
    assert review.paper_id == "review"
    assert review.sha256 == "abc"
    assert review.read_with == "pypdfium2"
    assert [p.number for p in review.pages] == [1, 2]
    assert review.warnings == ()


def test_left_column_is_read_before_right_column(page1):
    left = fx.plain_lines(fx.LEFT_PAGE1)
    right = fx.plain_lines(fx.RIGHT_PAGE1)
    positions = [page1.index(line) for line in left + right]
    assert positions == sorted(positions)


def test_column_lines_are_kept_whole_and_consecutive(page1):
    lines = page1.splitlines()
    first = fx.plain_lines(fx.LEFT_PAGE1)[:4]
    start = lines.index(first[0])
    assert lines[start:start + 4] == first


def test_second_page_columns(review):
    text = review.pages[1].text
    assert text.splitlines() == fx.plain_lines(fx.LEFT_PAGE2) + fx.plain_lines(fx.RIGHT_PAGE2)


def test_full_width_title_comes_first_and_table_after_columns(page1):
    assert page1.splitlines()[0] == fx.TITLE
    last_right_line = fx.plain_lines(fx.RIGHT_PAGE1)[-1]
    assert page1.index(last_right_line) < page1.index(fx.TABLE_CAPTION)


def test_running_header_and_page_numbers_are_removed(review):
    for page in review.pages:
        assert fx.HEADER not in page.text
        assert not any(re.fullmatch(r"\s*\d+\s*", line) for line in page.text.splitlines())


def test_superscript_exponent(page1):
    assert "2 × 10^6 cells/kg" in page1
    assert "106 cells" not in page1


def test_raised_citation_becomes_caret(page1):
    assert "as shown^12 by pooled" in page1


def test_line_end_hyphen_and_break_are_kept(page1):
    assert "Mesen-\nchymal" in page1


def test_paragraphs_are_separated_by_a_blank_line(page1):
    assert "small trials.\n\nMesenchymal stromal cells" in page1
    assert "umbilical cord.\n\nThe final left paragraph" in page1


def test_column_switch_is_a_plain_line_break(page1):
    assert "ends with this line.\nThe right column starts" in page1


@pytest.mark.skipif(not fx.HAS_DEJAVU, reason="needs DejaVuSans for U+FB01")
def test_ligature_is_expanded(page1):
    assert "with fibrosis and graft" in page1
    assert "\ufb01" not in page1


def test_roman_numeral_phase_is_kept(page1):
    assert f"reports that {fx.ROMAN_I_II} designs" in page1


def test_table_caption_then_one_line_per_row(page1):
    lines = page1.splitlines()
    caption = lines.index(fx.TABLE_CAPTION)
    assert lines[caption + 1] == " | ".join(fx.TABLE_HEADER)
    rows = lines[caption + 2:caption + 2 + len(fx.TRIALS)]
    for line, trial in zip(rows, fx.TRIALS):
        assert line == " | ".join((trial.nct, trial.title, trial.phase, trial.status))


def test_the_table_is_given_as_rows_of_cells(review):
    page = review.pages[0]
    (table,) = page.tables
    cells = [[page.text[a:b] for a, b in row] for row in table.rows]
    assert cells[0] == list(fx.TABLE_HEADER)
    assert cells[1:] == [[t.nct, t.title, t.phase, t.status] for t in fx.TRIALS]  # a wrapped title is one cell


def test_the_tables_cells_are_carried_into_the_normalized_text(review):
    from pipeline.normalize.text import normalize_document
    norm = normalize_document(review)
    (table,) = norm.tables
    assert [[norm.text[a:b] for a, b in row] for row in table.rows][1][0] == fx.TRIALS[0].nct


@pytest.mark.parametrize("trial", fx.TRIALS, ids=lambda t: t.nct)
def test_table_row_values_are_in_order_on_one_line(page1, trial):
    line = next(l for l in page1.splitlines() if trial.nct in l)
    positions = [line.index(value) for value in (trial.nct, trial.title, trial.phase, trial.status)]
    assert positions == sorted(positions)


def test_sideways_page_reads_in_text_direction(tmp_path):
    lines = ["the first line of a sideways page", "the second line follows it", "the third line ends it"]
    doc = read_pdf(fx.rotated_pdf(tmp_path / "rotated.pdf", lines), "rotated")
    assert doc.pages[0].text.splitlines() == lines


def test_rotated_page_reads_in_text_direction(tmp_path):
    lines = ["a landscape page stored with a rotation", "keeps its lines in order", "from first to last"]
    doc = read_pdf(fx.rotated_page_pdf(tmp_path / "rotate.pdf", lines), "rotate")
    assert doc.pages[0].text.splitlines() == lines


def test_text_inside_form_xobject_is_placed_by_its_matrix(tmp_path):
    left = ["the left column is drawn on the page itself and", "holds two lines of ordinary running text here"]
    right = ["the right column sits in a form object that is", "moved into place by a translation matrix now"]
    doc = read_pdf(fx.form_pdf(tmp_path / "form.pdf", left, right), "form")
    assert doc.pages[0].text.splitlines() == left + right


def test_page_without_text_gives_a_warning(tmp_path):
    doc = read_pdf(fx.mixed_pdf(tmp_path / "mixed.pdf"), "mixed")
    assert len(doc.pages) == 2
    assert doc.pages[1].text == ""
    assert doc.warnings == ("[W207] 1 of 2 pages have no text layer (scanned or blank): pages 2",)


# ------------------------------------------------------------------------------ bad files ----

def _truncated(path: Path) -> Path:
    return fx.truncated_pdf(path, fx.review_pdf(path.with_name("whole.pdf")))


BAD_FILES = [
    ("empty", fx.empty_pdf, "pdf-unreadable"),
    ("random-bytes", fx.random_bytes_pdf, "pdf-unreadable"),
    ("truncated", _truncated, "pdf-truncated"),
    ("encrypted", fx.encrypted_pdf, "pdf-encrypted"),
    ("image-only", fx.image_only_pdf, "pdf-no-text"),
    ("zero-pages", fx.zero_page_pdf, "pdf-no-pages"),
]


@pytest.mark.parametrize("name,build,code", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_pdf_raises_clean_error(tmp_path, name, build, code):
    path = build(tmp_path / f"{name}.pdf")
    with pytest.raises(PdfError) as caught:
        read_pdf(path, name)
    assert caught.value.code == code
    assert caught.value.message


def test_image_only_message(tmp_path):
    with pytest.raises(PdfError) as caught:
        read_pdf(fx.image_only_pdf(tmp_path / "scan.pdf"), "scan")
    assert caught.value.message == "no text layer (scanned/image-only PDF); OCR is not supported"


def test_missing_file_is_unreadable(tmp_path):
    with pytest.raises(PdfError) as caught:
        read_pdf(tmp_path / "absent.pdf", "absent")
    assert caught.value.code == "pdf-unreadable"


def test_pages_per_second_counts_pages(tmp_path):
    path = fx.review_pdf(tmp_path / "review.pdf")
    assert pdf_pages_per_second([path]) > 0


# ------------------------------------------------------------------------ real publisher PDFs ----

def _shared_missing() -> None:
    message = f"{SHARED_PDFS} is missing: the real-PDF tests need ../shared beside the repository"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.mark.shared
def test_shared_pdfs_are_present():
    if not SHARED_FILES:
        _shared_missing()


def _page_count(path: Path) -> int:
    import pdfplumber  # an independent parser (pdfminer) to count pages

    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


@pytest.mark.shared
@pytest.mark.parametrize("path", SHARED_FILES, ids=[p.name for p in SHARED_FILES])
def test_shared_pdf_reads(path):
    doc = read_pdf(path, path.stem)
    assert len(doc.pages) == _page_count(path)
    assert [p.number for p in doc.pages] == list(range(1, len(doc.pages) + 1))
    assert sum(len(p.text.strip()) for p in doc.pages) > 1000
    assert not any("\ufb01" in p.text or "\x02" in p.text for p in doc.pages)


def _truth_rows() -> list[tuple[str, str]]:
    truth = SHARED_PDFS / "truth-dev.csv"
    if not truth.exists():
        return []
    with truth.open(newline="", encoding="utf-8") as f:
        return [(row["paper_id"], rid) for row in csv.DictReader(f) for rid in row["registry_ids"].split("|") if rid]


@pytest.mark.shared
@pytest.mark.parametrize("paper_id,registry_id", _truth_rows(), ids=lambda v: v)
def test_shared_pdf_registry_ids_are_in_the_text(paper_id, registry_id):
    path = SHARED_PDFS / f"{paper_id}.pdf"
    if not path.exists():
        _shared_missing()
    text = "\n".join(p.text for p in read_pdf(path, paper_id).pages)
    expected = registry_id if registry_id.startswith("NCT") else re.sub(r"\D", "", registry_id)
    assert expected in text
