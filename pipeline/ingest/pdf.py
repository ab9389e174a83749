"""Read a PDF into a `Document`: one `Page` of plain text per PDF page, in reading order.

The text layer is read with pypdfium2 at the level of PDF *text objects* (one `Tj`/`TJ` run each:
usually a line, a word or a cell, in one font size), not character by character, which keeps the
reader at a few milliseconds per page (`pdf_pages_per_second`). pdfplumber is not used; no OCR is
done. Errors are `PdfError` with a stable code (pdf-encrypted, pdf-truncated, pdf-no-pages,
pdf-no-text, pdf-unreadable).

What a page's text looks like, and the rules that make it, in the order they run:

1. Spans. Each text object gives a span: its text (pdfium's Unicode and word spaces), ink box,
   baseline and font size (size x text-matrix scale; objects inside form XObjects are mapped to
   the page). Coordinates go into a reading frame (x right, y down) for the page's dominant text
   direction, so sideways (landscape) pages read like upright ones. Text in another direction
   (a rotated running header, axis labels) comes after the page's text, one line per piece.
   On a page with a table caption ("Table 2 ..."), an object that runs over several cells is cut
   at its wide inner gaps (looking only at the characters next to its spaces).
2. Rows. Spans whose baselines agree within `ROW_TOLERANCE` x size form a row. A small span
   (<= `SCRIPT_SIZE_RATIO` x the row's size) raised by `SUPERSCRIPT_MIN_RISE`..`SUPERSCRIPT_MAX_RISE`
   x size next to a span of the row is a superscript, written "^" + its text with no space before:
   "1 × 10" + raised "6" -> "1 × 10^6"; "kg/m^2"; raised citations "shown^12"; footnote marks
   "years^a". Consecutive raised spans share one "^". A lowered small span (subscript) is plain
   text ("CO2"). A spacing accent drawn as its own glyph is put on its letter ("Sim ´ on" -> "Simón").
3. Chunks. A row is cut where the gap between spans exceeds `CELL_GAP` x size: the pieces are the
   two columns' lines, or a table row's cells. Inside a chunk a space is written where the text has
   none and the gap is a word gap (measured from the characters' advance when in doubt).
4. Columns. A page is two-column when a gutter near the middle is crossed by as few long text
   lines as possible and each side holds column-filling lines. Rows with a chunk across the gutter
   (title, wide caption) are full width, and so are the rows of a wide table next to them, and a
   run of rows made of narrow pieces on both sides of the gutter (a wide table no cell of which
   crosses it: `ACROSS_CELL_MAX_FILL`). The page
   is cut into bands at full-width rows; a band is read left column fully, then right column;
   full-width rows are read in their place. The switch from left to right column is a plain line
   break (a paragraph may continue), not a blank line.
5. Tables. In a column (or full-width band), a run of at least `MIN_TABLE_ROWS` rows of two or more
   chunks is a table; one-cell lines inside it (a group label, a wrapped cell) stay in it. Its
   columns are the x ranges its cells cover. A line is merged into the row above when it is a
   wrapped cell: closer than a normal row gap (when the table spaces rows wider than lines in a
   cell), or with an empty first column and few cells; never when both hold a registry-like id.
   Each table row is one line, cells separated by `CELL_SEPARATOR` (" | "); every row of a table
   has the same number of cells, an empty cell being empty text ("NCT01234567 | Title |  | Active").
   The rows are also given as data: `Page.tables` holds each table as rows of cells, each cell the
   span of its text in the page's text, so that `segment` reads the cells the reader found (a cell
   that prints a bar of its own stays one cell) rather than splitting the lines again.
   The caption line comes right before the rows (no blank line between them); a blank line comes
   before the caption (or the table) and after the table. A cell's wrapped words are joined with a
   space, and a word hyphenated at the cell edge is joined keeping its hyphen ("Mesen-chymal").
6. Lines and paragraphs. Every other row is one line, as printed: no lines are joined, and a word
   broken at a line end keeps its hyphen and the line break ("Mesen-\nchymal"). A blank line
   separates blocks where the baseline gap exceeds `PARAGRAPH_GAP` x the column's usual pitch, and
   around full-width bands and tables.
7. Running headers and footers. Lines near the top or bottom edge (and rotated margin text) whose
   text, digits ignored, recurs on at least half of the pages (at least 2) are removed, as are bare
   page numbers ("7", "Page 7 of 19"). A header row made of pieces goes when every piece would.
8. Characters. Ligatures (U+FB00..FB06) are expanded; pdfium's end-of-line hyphen mark is written
   "-"; control characters are dropped. Everything else is left to the normalizer.
"""
from __future__ import annotations

import ctypes
import itertools
import math
import re
import statistics
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Optional, Sequence

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline.errors import InputError, message, summarize_numbers
from pipeline.models import Document, Page, TableCells

READ_WITH = "pypdfium2"

# --- layout constants (fractions of the font size unless stated) ---------------------------------
ROW_TOLERANCE = 0.3  # baselines closer than this are one row
SCRIPT_SIZE_RATIO = 0.85  # a span this much smaller than its row may be a super/subscript
SUPERSCRIPT_MIN_RISE = 0.12  # ...raised at least this much is a superscript
SUPERSCRIPT_MAX_RISE = 0.75
SUBSCRIPT_MAX_DROP = 0.5
SCRIPT_MAX_GAP = 0.6  # horizontal gap between a script and the text it belongs to
CELL_GAP = 0.8  # a wider horizontal gap cuts a row into chunks (columns, table cells)
SPACE_GAP = 0.25  # a wider gap between two spans is a word space
NO_SPACE_GAP = 0.1  # a narrower one is not; in between, the characters' advance widths decide
SPACE_GAP_ADVANCE = 0.12  # word-space threshold measured from the advance (pen) position
PARAGRAPH_GAP = 1.45  # baseline gap (x usual line pitch) that starts a new block
DEFAULT_PITCH = 1.2  # x font size: the line pitch assumed where too few lines show it
TABLE_CONTINUATION_GAP = 1.5  # a wrapped table line follows its row within this many sizes
TABLE_MAX_LINE_GAP = 3.0  # a table's consecutive lines are at most this many sizes apart
TABLE_INNER_LINE_GAP = 2.0  # a single-cell line inside a table follows within this many sizes
MIN_TABLE_ROWS = 2
ROW_SPACING_RATIO = 1.3  # line gaps jumping by this factor: lines in a cell vs. rows
INNER_GAP_TOLERANCE = 0.5  # pt: ...and lines no farther apart than the lower group are one row
MIN_LINE_PITCH = 0.9  # x size: lines closer than this are one row set at different heights
SUBROW_MAX_GAP = 1.8  # x size: a line with few cells and an empty first one may be a sub-row
TABLE_COLUMN_NOISE = 0.25  # x positions covered by at most this share of a table's lines are gaps
CELL_SEPARATOR = " | "

# --- two-column detection ---------------------------------------------------------------------
GUTTER_SEARCH = (0.3, 0.7)  # the gutter is looked for in this part of the text's width
GUTTER_MIN_WIDTH = 0.5  # x font size
GUTTER_CROSSING_SLACK = 0.05  # share of rows that may cross a gutter beyond its least-crossed point
GUTTER_LINE_MIN_WIDTH = 8.0  # x font size: only text lines this long decide where the gutter is
GUTTER_MAX_CROSSING = 0.7  # at most this share of rows cross the gutter (full-width elements)
MIN_COLUMN_LINES = 2  # a two-column page's columns have this many full lines each, on average
COLUMN_LINE_FILL = 0.75  # a column line covers this share of its column's width...
COLUMN_MIN_FULL_LINES = 0.25  # ...in this share of the rows with text on that side
COLUMN_EDGE_SLACK = 2.0  # x font size: a column line ends this close to the gutter
ACROSS_CELL_MAX_FILL = 0.5  # a table cell on one side of the gutter is narrower than this share of it

# --- running headers / footers ----------------------------------------------------------------
EDGE_ZONE = 0.1  # top/bottom share of the page height where running lines live
EDGE_LINES = 3  # at most this many lines from each edge are candidates
RUNNING_MIN_SHARE = 0.5  # a running line recurs on at least this share of pages (and >= 2)
PAGE_NUMBER = re.compile(r"^\s*(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\s*$", re.I)

UNMAPPED = "\ufffd"
GARBLED_SHARE = 0.2  # a page with more unmapped characters than this share gets a warning
CHARACTER_FIXES = str.maketrans({
    **{chr(c): "" for c in range(32)},  # control characters (glyphs without a Unicode mapping)
    "\x02": "-",  # pdfium's mark for a hyphen at a line end: keep it as printed
    "\t": " ", "\n": " ",
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st",
})
TABLE_CAPTION = re.compile(r"\s*(?:Table|TABLE)\s*(?:S?\d+|[IVX]+)\b")  # a page with one may hold a table
IDENTIFIER = re.compile(r"\b[A-Za-z]{2,8}[-/ ]?\d{6,}")  # a registry-like id starts a table row
SPACING_ACCENTS = {  # spacing accent -> combining mark
    "\u00b4": "\u0301", "\u02dd": "\u030b", "\u00a8": "\u0308", "\u02dc": "\u0303", "\u02c6": "\u0302",
    "\u02c7": "\u030c", "\u02da": "\u030a", "\u00b8": "\u0327", "\u00af": "\u0304", "\u02d8": "\u0306",
    "\u02d9": "\u0307", "\u02cb": "\u0300",
}
MAX_GENERATED_CHARS = 3  # spaces/line breaks pdfium may insert between two objects' characters
ACCENT_REACH = 0.7  # x font size: an accent sits over a letter this close to a span's edge
TEXT_BUFFER_UNITS = 1 << 14
MAX_FORM_DEPTH = 8
ENCRYPT_ENTRY = re.compile(rb"/Encrypt\b")
EMPTY_PAGE_TREE = re.compile(rb"/Type\s*/Pages\b[^>]*?/Count\s+0\b|/Count\s+0\b[^>]*?/Type\s*/Pages\b")
PAGE_OBJECT = re.compile(rb"/Type\s*/Page\b(?!s)")
NO_TEXT_MESSAGE = "no text layer (scanned/image-only PDF); OCR is not supported"


class PdfError(InputError):
    """A PDF that cannot be read. `code` is stable: pdf-encrypted, pdf-truncated, pdf-no-pages,
    pdf-no-text, pdf-unreadable."""


# ================================================================================= public API ==

def read_pdf(path: str | Path, paper_id: str, sha256: str = "") -> Document:
    """Read every page of the PDF at `path` as plain text in reading order (see module doc).

    A page pdfium cannot load (a page tree that loops, a page cut off by a truncated download)
    is left empty and counted in one warning; when no page can be read, or pdfium fails on the
    document itself, the error is a `PdfError` (E107) saying why. Page warnings are summarized:
    one message per kind, with the count and the pages ("2,999 of 3,000 pages have no text layer")."""
    path = Path(path)
    warnings = list(_check_file(path))
    truncated = any(w.startswith("[W209]") for w in warnings)
    try:
        pdf = _open(path)
    except PdfError as err:
        pdf = _open_cut(path) if truncated else None
        if pdf is None and truncated:
            raise PdfError("pdf-truncated", f"the file ends before the PDF trailer (truncated download?) and "
                           f"pdfium cannot open what is there ({err.message}): re-download it") from err
        if pdf is None:
            raise
    failed: list[int] = []
    reason = ""
    try:
        try:
            n_pages = len(pdf)
        except pdfium.PdfiumError as err:
            raise PdfError("pdf-unreadable", f"pdfium cannot read the page tree ({err}): repair or re-export it") from err
        if n_pages == 0:
            raise PdfError("pdf-no-pages", "the PDF has no pages")
        buffer = (ctypes.c_ushort * TEXT_BUFFER_UNITS)()
        laid_out = []
        for i in range(n_pages):
            try:
                laid_out.append(_read_page(pdf, i, buffer))
            except pdfium.PdfiumError as err:  # a page tree that loops, a page object that is not there
                failed.append(i + 1)
                reason = reason or str(err)
                laid_out.append(_PageLayout(0.0, unreadable=True))
        metadata = _metadata(pdf)
    finally:
        pdf.close()
    if len(failed) == n_pages:
        code = "pdf-truncated" if truncated else "pdf-unreadable"
        raise PdfError(code, f"pdfium cannot load any of its {n_pages:,} page(s) ({reason}): repair or re-export it")
    if not any(page.lines for page in laid_out):
        if truncated:
            raise PdfError("pdf-truncated", "the file ends before the PDF trailer (truncated download?) and no "
                           "page before the cut has text: re-download it")
        raise PdfError("pdf-no-text", NO_TEXT_MESSAGE)
    _drop_running_lines(laid_out)
    pages = tuple(Page(i + 1, *page.render_with_tables()) for i, page in enumerate(laid_out))
    warnings.extend(_page_warnings(pages, laid_out, failed, reason))
    return Document(paper_id=paper_id, path=str(path), kind="pdf", pages=pages, sha256=sha256,
                    read_with=READ_WITH, warnings=tuple(warnings), metadata=metadata)


def _page_warnings(pages: Sequence[Page], layouts: Sequence["_PageLayout"], failed: list[int], reason: str) -> list[str]:
    """One summarized warning per kind of page problem (W206 unreadable, W207 no text layer, W208
    garbled), each with the count and the page numbers."""
    total = len(pages)
    blank, garbled = [], []
    for page, layout in zip(pages, layouts):
        if layout.unreadable:
            continue
        if not layout.lines:
            blank.append(page.number)
            continue
        visible = len("".join(page.text.split()))
        if visible and page.text.count(UNMAPPED) > GARBLED_SHARE * visible:
            garbled.append(page.number)
    out = []
    for code, numbers, extra in (("W206", failed, {"reason": reason}), ("W207", blank, {}), ("W208", garbled, {})):
        if numbers:
            out.append(message(code, count=len(numbers), total=total, pages=summarize_numbers(numbers), **extra))
    return out


def pdf_pages_per_second(paths: Iterable[str | Path]) -> float:
    """Pages per second of `read_pdf` over `paths` (one process, one core); for the benchmark."""
    pages, start = 0, time.perf_counter()
    for p in paths:
        pages += len(read_pdf(p, Path(p).stem).pages)
    elapsed = time.perf_counter() - start
    return pages / elapsed if elapsed > 0 else 0.0


# ================================================================================ opening ====

def _check_file(path: Path) -> tuple[str, ...]:
    """Refuse what is not a whole PDF before pdfium sees it; return warnings for what is odd."""
    try:
        head, tail, size = _head_and_tail(path)
    except OSError as err:
        raise PdfError("pdf-unreadable", f"cannot read the file: {err.strerror or err}") from err
    if size == 0:
        raise PdfError("pdf-unreadable", "the file is empty (0 bytes)")
    if b"%PDF-" not in head:
        raise PdfError("pdf-unreadable", "not a PDF (no %PDF- header): check the file type or re-download it")
    if b"%%EOF" not in tail:  # the pages before the cut may still be read
        return (message("W209"),)
    return ()


def _metadata(pdf: pdfium.PdfDocument) -> tuple[tuple[str, str], ...]:
    """The document information dictionary's non-empty text entries (Title, Subject, ...)."""
    try:
        info = pdf.get_metadata_dict(skip_empty=True)
    except Exception:  # a damaged information dictionary costs the paper nothing else
        return ()
    return tuple((k, " ".join(str(v).split())) for k, v in sorted(info.items()) if str(v).strip())


def _open(path: Path) -> pdfium.PdfDocument:
    """Open with pdfium; turn a failure into a `PdfError` with an actionable message."""
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as err:
        raise _open_error(path, err) from err


OBJECT_START = re.compile(rb"(?<![0-9])(\d{1,9})\s+(\d{1,5})\s+obj\b")
CATALOG = re.compile(rb"/Type\s*/Catalog\b")


def _open_cut(path: Path) -> Optional[pdfium.PdfDocument]:
    """A truncated PDF opened from its complete objects: the objects before the cut, with a
    cross-reference table and trailer made for them (the file lost its own). None if that fails."""
    data = path.read_bytes()
    starts = [(m.start(), int(m.group(1)), int(m.group(2))) for m in OBJECT_START.finditer(data)]
    ends = [m.end() for m in re.finditer(rb"\bendobj\b", data)]
    offsets, root = {}, None
    for start, number, generation in starts:
        end = next((e for e in ends if e > start), None)
        if end is None:
            break  # the object the file was cut in
        offsets[number] = (start, generation)
        if root is None and CATALOG.search(data, start, end):
            root = number
    if root is None or not offsets:
        return None
    body = data[: max(next(e for e in ends if e > s) for s, _ in offsets.values())] + b"\n"
    size = max(offsets) + 1
    xref = [b"xref\n0 %d\n0000000000 65535 f \n" % size]
    for number in range(1, size):
        start, generation = offsets.get(number, (0, 0))
        xref.append(b"%010d %05d n \n" % (start, generation) if number in offsets else b"0000000000 65535 f \n")
    repaired = body + b"".join(xref) + b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, len(body))
    try:
        return pdfium.PdfDocument(repaired)
    except pdfium.PdfiumError:
        return None


def _open_error(path: Path, err: Exception) -> PdfError:
    """Say why pdfium refused the file. pdfium's own error code is not reliable here (it is not
    reset between documents, and an empty page tree fails with "success"), so look at the file."""
    data = path.read_bytes()
    if ENCRYPT_ENTRY.search(data):
        return PdfError("pdf-encrypted", "the PDF is password-protected: save an unprotected copy")
    if EMPTY_PAGE_TREE.search(data) and not PAGE_OBJECT.search(data):
        return PdfError("pdf-no-pages", "the PDF has no pages")
    return PdfError("pdf-unreadable", f"pdfium cannot parse the file ({err}): repair or re-export it")


def _head_and_tail(path: Path, n: int = 2048) -> tuple[bytes, bytes, int]:
    with path.open("rb") as f:
        head = f.read(n)
        size = f.seek(0, 2)
        f.seek(max(size - n, 0))
        return head, f.read(), size


# ================================================================================== spans ====

@dataclass(slots=True)
class Span:
    """One text object in reading-frame coordinates (y grows downwards)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    base: float  # baseline y
    size: float
    pen: float  # x of the pen (origin) where the object starts
    raw_box: Optional[tuple[float, float, float, float]] = None  # page-space ink box (upright pages)
    script: int = 0  # +1 superscript, -1 subscript

    @property
    def chars(self) -> int:
        return len(self.text)


@dataclass
class _PageLayout:
    """A page's output lines before running headers are removed."""

    height: float
    lines: list["_Line"] = field(default_factory=list)
    unreadable: bool = False  # pdfium could not load the page

    def render(self) -> str:
        return self.render_with_tables()[0]

    def render_with_tables(self) -> tuple[str, tuple[TableCells, ...]]:
        """The page's text, and its tables as rows of cells (each cell's span in that text)."""
        out: list[str] = []
        pos = 0  # offset in the text of the next line appended
        tables: list[list] = []
        inherited: Optional[bool] = None  # a line after dropped ones takes the first one's break
        for line in self.lines:
            if line.dropped:
                inherited = line.blank_before if inherited is None else inherited
                continue
            blank = line.blank_before if inherited is None else inherited
            inherited = None
            if blank and out and out[-1] != "":
                out.append("")
                pos += 1
            if line.cells is not None:
                if line.table_first or not tables:
                    tables.append([])
                tables[-1].append(_cell_spans(line.cells, pos))
            out.append(line.text)
            pos += len(line.text) + 1
        while out and out[-1] == "":
            out.pop()
        return "\n".join(out), tuple(TableCells(rows=tuple(rows)) for rows in tables)


@dataclass(slots=True)
class _Line:
    text: str
    top: float
    bottom: float
    blank_before: bool = False
    margin: bool = False  # text in another direction (rotated margin text)
    table: bool = False  # a table row (never a running header)
    dropped: bool = False
    parts: tuple[str, ...] = ()  # the texts of the row's chunks (a running header's pieces)
    cells: Optional[tuple[str, ...]] = None  # a table row's cells (the line's text joins them)
    table_first: bool = False  # the first row of a table


def _cell_spans(cells: tuple[str, ...], at: int) -> tuple[tuple[int, int], ...]:
    """Where each cell stands in its row's line (the cells joined by CELL_SEPARATOR) starting at `at`."""
    spans = []
    for cell in cells:
        spans.append((at, at + len(cell)))
        at += len(cell) + len(CELL_SEPARATOR)
    return tuple(spans)


def _read_page(pdf: pdfium.PdfDocument, index: int, buffer) -> _PageLayout:
    page = pdf[index]
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        try:
            if textpage.count_chars() <= 0:
                layout = _PageLayout(height)
            else:
                spans, others, frame_height = _page_spans(page, textpage, width, height, buffer)
                layout = _PageLayout(frame_height)
                layout.lines = _layout(spans, textpage) + _margin_lines(others, textpage)
            layout.lines += _annotation_lines(page.raw)
            return layout
        finally:
            textpage.close()
    finally:
        page.close()


_NOT_TEXT_ANNOTATIONS = (pdfium_c.FPDF_ANNOT_LINK, pdfium_c.FPDF_ANNOT_POPUP)


def _annotation_lines(page_raw) -> list[_Line]:
    """The text of the page's annotations (a note's or free-text box's contents) and form fields
    (a field's value), one block each after the page's text: a PDF whose text is only there is
    not a scan. (Kept by the running-header rule, like table rows.)"""
    lines = []
    for i in range(pdfium_c.FPDFPage_GetAnnotCount(page_raw)):
        annot = pdfium_c.FPDFPage_GetAnnot(page_raw, i)
        if not annot:
            continue
        try:
            if pdfium_c.FPDFAnnot_GetSubtype(annot) in _NOT_TEXT_ANNOTATIONS:
                continue
            keys = (b"Contents", b"V") if pdfium_c.FPDFAnnot_GetSubtype(annot) == pdfium_c.FPDF_ANNOT_WIDGET else (b"Contents",)
            for key in keys:
                text = _annotation_string(annot, key)
                for k, part in enumerate(p for p in text.split("\n") if p.strip()):
                    lines.append(_Line(part.translate(CHARACTER_FIXES).strip(), -1.0, -1.0, blank_before=k == 0, table=True))
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annot)
    return lines


def _annotation_string(annot, key: bytes) -> str:
    size = pdfium_c.FPDFAnnot_GetStringValue(annot, key, None, 0)
    if size <= 2:
        return ""
    buffer = (ctypes.c_ushort * (size // 2 + 1))()
    pdfium_c.FPDFAnnot_GetStringValue(annot, key, buffer, size)
    return ctypes.string_at(buffer, size - 2).decode("utf-16-le", "replace").replace("\r\n", "\n").replace("\r", "\n")


def _page_spans(page, textpage, width: float, height: float, buffer):
    """Spans of the page's dominant direction (in its reading frame) and the spans in other ones."""
    probe = _Probe()
    by_direction: dict[int, list[Span]] = {}
    weight: dict[int, int] = {}
    for obj, matrix in _text_objects(page.raw):
        text = _object_text(obj, textpage.raw, buffer)
        if text.strip():
            direction, span = _span_of(text, obj, matrix, width, height, probe)
            by_direction.setdefault(direction, []).append(span)
            weight[direction] = weight.get(direction, 0) + len(text)
    direction = max(weight, key=weight.get) if weight else 0
    spans = by_direction.pop(direction, [])
    if direction == 0 and any(TABLE_CAPTION.match(s.text) for s in spans):
        spans = _split_spans(spans, textpage)
    frame_height = height if direction in (0, 180) else width
    return spans, list(by_direction.values()), frame_height


def _split_spans(spans: list[Span], textpage) -> list[Span]:
    """`_split_at_cell_gaps` over a page's spans (in content order: each object's characters
    follow the previous one's in the text page, which helps find them)."""
    out, hint = [], -1
    for span in spans:
        pieces, hint = _split_at_cell_gaps(span, textpage, hint)
        out.extend(pieces)
    return out


def _split_at_cell_gaps(span: Span, textpage, hint: int = -1) -> tuple[list[Span], int]:
    """Cut a text object that runs over several table cells (one `TJ` for a whole row is common)
    at its wide inner gaps, and trim its box to its ink when it starts or ends with spaces (their
    advance counts in pdfium's object box). Looks at the characters next to spaces only."""
    core = span.text.strip()
    if (" " not in core and core == span.text) or span.raw_box is None:
        return [span], -1
    start = _first_char_index(span, textpage, hint)
    if start is None:
        return [span], -1
    first, last = _char_box(textpage, start), _char_box(textpage, start + len(core) - 1)
    x0 = first[0] if first else span.x0
    x1 = last[1] if last else span.x1
    pieces, piece_start = [], 0
    for match in re.finditer(r"\s+", core):
        left = _char_box(textpage, start + match.start() - 1)
        right = _char_box(textpage, start + match.end())
        if left is None or right is None or right[0] - left[1] <= CELL_GAP * span.size:
            continue
        pieces.append((core[piece_start:match.start()], x0, left[1]))
        piece_start, x0 = match.end(), right[0]
    pieces.append((core[piece_start:], x0, x1))
    lead, trail = span.text[: len(span.text) - len(span.text.lstrip())], span.text[len(span.text.rstrip()):]
    pieces[0] = (lead + pieces[0][0], *pieces[0][1:])
    pieces[-1] = (pieces[-1][0] + trail, *pieces[-1][1:])
    return [Span(text=t, x0=a, x1=b, top=span.top, bottom=span.bottom, base=span.base, size=span.size,
                 pen=a, raw_box=(a, span.raw_box[1], b, span.raw_box[3])) for t, a, b in pieces], start + len(core)


def _first_char_index(span: Span, textpage, hint: int = -1) -> Optional[int]:
    """Index in the text page of the span's first non-space character, or None. Tried: right
    after the previous object's characters (`hint`), then the character under the span's first
    and last ink; each guess is checked against the span's first and last characters."""
    core = span.text.strip()
    n = len(core)
    for start in _index_guesses(span, textpage, hint, n):
        if start >= 0 and _unicode_at(textpage, start) == core[0] and _unicode_at(textpage, start + n - 1) == core[-1]:
            return start
    return None


def _index_guesses(span: Span, textpage, hint: int, n: int) -> Iterator[int]:
    if hint >= 0:
        yield from range(hint, hint + MAX_GENERATED_CHARS + 1)
    left, bottom, right, top = span.raw_box
    y = (bottom + top) / 2
    for x, offset in ((left + 0.3, 0), (right - 0.3, n - 1)):
        index = pdfium_c.FPDFText_GetCharIndexAtPos(textpage.raw, x, y, 0.5 * span.size, 0.3 * span.size)
        if index >= 0:
            yield index - offset


def _unicode_at(textpage, index: int) -> str:
    code = pdfium_c.FPDFText_GetUnicode(textpage.raw, index)
    return chr(code) if 0 < code < 0x110000 else ""


def _char_box(textpage, index: int) -> Optional[tuple[float, float]]:
    """(left, right) of a character's ink box in page space, or None."""
    left, right, bottom, top = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    if not pdfium_c.FPDFText_GetCharBox(textpage.raw, index, left, right, bottom, top):
        return None
    return left.value, right.value


def _text_objects(page_raw) -> Iterator[tuple[object, Optional[tuple]]]:
    """Text objects of the page, with the matrix of the form XObjects they sit in (None: page)."""
    yield from _objects_in(page_raw, pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject, None, 0)


def _objects_in(parent, count, get, form_matrix, depth):
    for i in range(count(parent)):
        obj = get(parent, i)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
            yield obj, form_matrix
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < MAX_FORM_DEPTH:
            inner = _compose(_matrix_of(obj), form_matrix)
            yield from _objects_in(obj, pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject,
                                   inner, depth + 1)


def _object_text(obj, textpage_raw, buffer) -> str:
    n_bytes = pdfium_c.FPDFTextObj_GetText(obj, textpage_raw, buffer, ctypes.sizeof(buffer))
    if n_bytes > ctypes.sizeof(buffer):  # longer than the scratch buffer: ask again with room for it
        buffer = (ctypes.c_ushort * (n_bytes // 2 + 1))()
        n_bytes = pdfium_c.FPDFTextObj_GetText(obj, textpage_raw, buffer, ctypes.sizeof(buffer))
    if n_bytes <= 2:  # just the terminating NUL
        return ""
    text = ctypes.string_at(buffer, n_bytes - 2).decode("utf-16-le", "replace")
    return text.replace("\r\n", " ").translate(CHARACTER_FIXES)


def _matrix_of(obj) -> tuple:
    m = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFPageObj_GetMatrix(obj, m)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _compose(first: tuple, then: Optional[tuple]) -> tuple:
    """The matrix applying `first`, then `then` (PDF row-vector convention)."""
    if then is None:
        return first
    a, b, c, d, e, f = first
    A, B, C, D, E, F = then
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(m: Optional[tuple], x: float, y: float) -> tuple[float, float]:
    if m is None:
        return x, y
    return x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5]


class _Probe:
    """Reusable ctypes out-parameters for the per-object pdfium calls."""

    def __init__(self) -> None:
        self.left, self.bottom, self.right, self.top = (ctypes.c_float() for _ in range(4))
        self.font_size = ctypes.c_float()
        self.matrix = pdfium_c.FS_MATRIX()


def _span_of(text: str, obj, form_matrix: Optional[tuple], width: float, height: float,
             probe: _Probe) -> tuple[int, Span]:
    """The span of a text object and its direction (0, 90, 180, 270 degrees)."""
    pdfium_c.FPDFPageObj_GetBounds(obj, probe.left, probe.bottom, probe.right, probe.top)
    pdfium_c.FPDFTextObj_GetFontSize(obj, probe.font_size)
    pdfium_c.FPDFPageObj_GetMatrix(obj, probe.matrix)
    m = probe.matrix
    a, b, c, d, e, f = _compose((m.a, m.b, m.c, m.d, m.e, m.f), form_matrix)
    size = abs(probe.font_size.value) * (math.hypot(c, d) or 1.0) or 1.0
    direction = int(round(math.degrees(math.atan2(b, a)) / 90.0)) % 4 * 90
    x0, y0, x1, y1 = probe.left.value, probe.bottom.value, probe.right.value, probe.top.value
    if direction == 0 and form_matrix is None:  # the common case, without the general mapping
        span = Span(text=text, x0=x0, x1=x1, top=height - y1, bottom=height - y0, base=height - f, size=size,
                    pen=e, raw_box=(x0, y0, x1, y1))
        return direction, span
    frame = _frame(direction, width, height)
    points = [frame(*_apply(form_matrix, x, y)) for x, y in ((x0, y0), (x1, y1), (x0, y1), (x1, y0))]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    pen, base = frame(e, f)
    return direction, Span(text=text, x0=min(xs), x1=max(xs), top=min(ys), bottom=max(ys), base=base, size=size,
                           pen=pen)


def _frame(direction: int, width: float, height: float):
    """Map page space to a reading frame where text of `direction` runs left to right, y down."""
    if direction == 90:
        return lambda x, y: (y, x)
    if direction == 180:
        return lambda x, y: (width - x, y)
    if direction == 270:
        return lambda x, y: (height - y, width - x)
    return lambda x, y: (x, height - y)


# =================================================================================== rows =====

@dataclass(slots=True)
class Row:
    """Spans on one baseline (with their scripts), cut into chunks."""

    spans: list[Span]
    base: float = 0.0
    size: float = 0.0
    chunks: list["Chunk"] = field(default_factory=list)

    def settle(self) -> None:
        """Set the row's baseline and size from its largest-text spans."""
        main = [s for s in self.spans if s.script == 0] or self.spans
        self.size = _weighted_mode_size(main)
        self.base = max(main, key=lambda s: (s.chars, s.size)).base
        self.spans.sort(key=lambda s: s.x0)

    @property
    def top(self) -> float:
        return min(s.top for s in self.spans)

    @property
    def bottom(self) -> float:
        return max(s.bottom for s in self.spans)


@dataclass(slots=True)
class Chunk:
    """Horizontally contiguous spans of a row: a line of one column, or one table cell."""

    spans: list[Span]
    x0: float
    x1: float
    text: str = ""

    def add(self, span: Span) -> None:
        self.spans.append(span)
        self.x1 = max(self.x1, span.x1)


def _weighted_mode_size(spans: Sequence[Span]) -> float:
    if len(spans) == 1:
        return spans[0].size
    weights: dict[float, int] = {}
    for s in spans:
        key = round(s.size, 1)
        weights[key] = weights.get(key, 0) + s.chars
    return max(weights, key=weights.get)


def _rows(spans: list[Span]) -> list[Row]:
    """Group spans into rows by baseline, then fold small raised/lowered spans into their row."""
    spans.sort(key=lambda s: (s.base, s.x0))
    rows: list[Row] = []
    for span in spans:
        row = rows[-1] if rows else None
        if row is not None and span.base - row.spans[0].base <= ROW_TOLERANCE * min(span.size, row.spans[0].size):
            row.spans.append(span)
        else:
            rows.append(Row([span]))
    for row in rows:
        row.settle()
    rows, changed = _fold_scripts(rows)
    for row in rows:
        if id(row) in changed:
            row.settle()
        _mark_scripts(row)
    return rows


def _fold_scripts(rows: list[Row]) -> tuple[list[Row], set[int]]:
    """Move each small span of a row that sits just above (below) a row of bigger text, next to
    one of its spans, into that row as a superscript (subscript). Returns the rows left and the
    ids of the rows that changed."""
    changed: set[int] = set()
    for i, row in enumerate(rows):
        below = rows[i + 1] if i + 1 < len(rows) else None
        above = rows[i - 1] if i > 0 else None
        keep = []
        for span in row.spans:
            target = _script_target(span, below, above)
            if target is None:
                keep.append(span)
            else:
                target.spans.append(span)
                changed.add(id(target))
        if len(keep) != len(row.spans):
            row.spans = keep
            changed.add(id(row))
    return [row for row in rows if row.spans], changed


def _script_target(span: Span, below: Optional[Row], above: Optional[Row]) -> Optional[Row]:
    for row, raised in ((below, True), (above, False)):
        if row is None or not row.spans or span.size > SCRIPT_SIZE_RATIO * row.size:
            continue
        shift = (row.base - span.base) / row.size if raised else (span.base - row.base) / row.size
        fits = SUPERSCRIPT_MIN_RISE <= shift <= SUPERSCRIPT_MAX_RISE if raised else 0 < shift <= SUBSCRIPT_MAX_DROP
        if fits and _touches(span, row):
            return row
    return None


def _touches(span: Span, row: Row) -> bool:
    reach = SCRIPT_MAX_GAP * row.size
    return any(s.x0 - reach <= span.x1 and span.x0 <= s.x1 + reach for s in row.spans if s is not span)


def _mark_scripts(row: Row) -> None:
    for span in row.spans:
        if span.size > SCRIPT_SIZE_RATIO * row.size:
            span.script = 0
            continue
        rise = (row.base - span.base) / row.size
        span.script = 1 if rise >= SUPERSCRIPT_MIN_RISE else (-1 if rise < -NO_SPACE_GAP else 0)


# ================================================================================= chunks =====

def _merge_accents(row: Row) -> None:
    """Put a spacing accent drawn as its own glyph (TeX-made PDFs: "Sim ´ on") onto the letter
    under it ("Simón"), and drop the space pdfium set beside it."""
    accents = [s for s in row.spans if len(s.text.strip()) == 1 and s.text.strip() in SPACING_ACCENTS and not s.script]
    for accent in accents:
        center = (accent.x0 + accent.x1) / 2
        reach = ACCENT_REACH * row.size
        others = [s for s in row.spans if s is not accent and s.text.strip()]
        first = next((s for s in others if s.x0 - reach / 2 <= center <= s.x0 + reach), None)
        last = None if first else next((s for s in others if s.x1 - reach <= center <= s.x1 + reach / 2), None)
        target = first or last
        if target is None:
            continue
        mark = SPACING_ACCENTS[accent.text.strip()]
        if first:
            target.text = _accented(target.text.lstrip(), mark, first=True)
            before = [s for s in others if s.x1 <= target.x0 + reach / 2 and s is not target]
            if before:
                prev = max(before, key=lambda s: s.x1)
                if target.x0 - prev.x1 < SPACE_GAP * row.size:
                    prev.text = prev.text.rstrip()
        else:
            trailing = target.text[len(target.text.rstrip()):]
            target.text = _accented(target.text.rstrip(), mark, first=False) + trailing
        row.spans.remove(accent)


def _accented(text: str, mark: str, first: bool) -> str:
    i = 0 if first else len(text) - 1
    base = "i" if text[i] == "\u0131" else text[i]  # dotless i takes the accent as i
    letter = unicodedata.normalize("NFC", base + mark)
    return text[:i] + letter + text[i + 1:]


def _cut_chunks(row: Row, textpage) -> None:
    _merge_accents(row)
    chunks: list[Chunk] = []
    for span in row.spans:
        if chunks:
            last = chunks[-1]
            gap = span.x0 - last.x1
            if gap <= CELL_GAP * max(row.size, span.size if span.script == 0 else 0):
                last.add(span)
                continue
        chunks.append(Chunk([span], span.x0, span.x1))
    for chunk in chunks:
        chunk.text = _chunk_text(chunk.spans, row.size, textpage)
    row.chunks = [c for c in chunks if c.text]


def _chunk_text(spans: list[Span], row_size: float, textpage) -> str:
    parts: list[str] = []
    prev: Optional[Span] = None
    for span in spans:
        core = span.text.strip() if span.script == 1 else span.text
        if prev is not None and _needs_space(prev, span, row_size, textpage):
            parts.append(" ")
        if span.script == 1:
            if prev is not None and parts and span.x0 - prev.x1 < SPACE_GAP * row_size:
                parts[-1] = parts[-1].rstrip()  # "10 " + raised "6": the exponent is attached
            continuing = prev is not None and prev.script == 1 and parts and parts[-1] != " "
            parts.append(core if continuing else "^" + core)
            if span.text != span.text.rstrip():
                parts.append(" ")
        else:
            parts.append(core)
        prev = span
    return " ".join("".join(parts).split()) if parts else ""


def _needs_space(prev: Span, span: Span, row_size: float, textpage) -> bool:
    if span.script == 1 or prev.text[-1:].isspace() or span.text[:1].isspace():
        return False
    size = max(row_size, 1.0)
    gap = span.x0 - prev.x1
    if gap >= SPACE_GAP * size:
        return True
    if gap <= NO_SPACE_GAP * size or prev.script == 1:
        return False
    end = _advance_end(prev, textpage)
    return end is not None and span.pen - end >= SPACE_GAP_ADVANCE * size


def _advance_end(span: Span, textpage) -> Optional[float]:
    """The pen position after the span's last character (upright pages only), or None."""
    if span.raw_box is None:
        return None
    left, bottom, right, top = span.raw_box
    x, y = max(right - 0.3, left), (bottom + top) / 2
    index = pdfium_c.FPDFText_GetCharIndexAtPos(textpage.raw, x, y, 1.0, 1.0)
    last = span.text.rstrip()[-1:]
    if index < 0 or not last or _unicode_at(textpage, index) != last:
        return None
    box = pdfium_c.FS_RECTF()
    if not pdfium_c.FPDFText_GetLooseCharBox(textpage.raw, index, box):
        return None
    return box.right


# ================================================================================= layout =====

def _layout(spans: list[Span], textpage) -> list[_Line]:
    """Order the page's spans into output lines (columns, tables, paragraphs)."""
    if not spans:
        return []
    rows = _rows(spans)
    for row in rows:
        _cut_chunks(row, textpage)
    rows = [r for r in rows if r.chunks]
    if not rows:
        return []
    gutter = _find_gutter(rows)
    if gutter is None:
        return _region_lines(rows, blank_first=False)
    return _two_column_lines(rows, gutter)


def _line_pitch(rows: list[Row]) -> float:
    """The usual baseline distance of consecutive lines in a column (or band)."""
    gaps = [b.base - a.base for a, b in zip(rows, rows[1:]) if MIN_LINE_PITCH * a.size <= b.base - a.base < 3 * a.size]
    if len(gaps) >= 3:
        return statistics.median(gaps)
    return DEFAULT_PITCH * statistics.median(r.size for r in rows)


def _find_gutter(rows: list[Row]) -> Optional[float]:
    """The x of a two-column page's gutter, or None for a one-column page."""
    x_min = min(r.chunks[0].x0 for r in rows)
    x_max = max(c.x1 for r in rows for c in r.chunks)
    width = x_max - x_min
    size = statistics.median(r.size for r in rows)
    if width < 20 * size:
        return None
    lo, hi = x_min + GUTTER_SEARCH[0] * width, x_min + GUTTER_SEARCH[1] * width
    best = _widest_free_gap(rows, lo, hi)
    if best is None or best[1] - best[0] < GUTTER_MIN_WIDTH * size:
        return None
    gutter = (best[0] + best[1]) / 2
    return gutter if _looks_like_columns(rows, gutter, x_min, x_max, size) else None


def _widest_free_gap(rows: list[Row], lo: float, hi: float) -> Optional[tuple[float, float]]:
    """An interval as wide as the widest one in [lo, hi] crossed by at most a few more text lines
    than the least-crossed position, centred on the least-crossed part of it.

    Full-width elements (title, wide table rows) cross a two-column page's gutter too, so the bar
    is the least-crossed position, not zero. Short pieces (labels) are not counted."""
    n_bins = max(int(hi - lo), 1)  # 1 pt bins
    delta = [0] * (n_bins + 1)
    for row in rows:
        for c in row.chunks:
            if c.x1 - c.x0 < GUTTER_LINE_MIN_WIDTH * row.size:
                continue  # labels (of a figure, a table) do not make or break columns
            a, b = max(int(c.x0 - lo), 0), min(int(c.x1 - lo) + 1, n_bins)
            if a < b:
                delta[a] += 1
                delta[b] -= 1
    cover = list(itertools.accumulate(delta[:n_bins]))
    least = min(cover)
    loose = _widest_run(cover, least + max(1, GUTTER_CROSSING_SLACK * len(rows)), least)
    if loose is None:
        return None
    tight = _widest_run(cover[loose[0]:loose[1]], least, least)
    middle = lo + loose[0] + (tight[0] + tight[1]) / 2
    half = (loose[1] - loose[0]) / 2
    return middle - half, middle + half


def _widest_run(values: list[int], limit: float, must: int) -> Optional[tuple[int, int]]:
    """[start, end) of the widest run of values <= limit that holds the value `must`."""
    best, start, holds = None, None, False
    for k in range(len(values) + 1):
        if k < len(values) and values[k] <= limit:
            start = k if start is None else start
            holds = holds or values[k] == must
        elif start is not None:
            if holds and (best is None or k - start > best[1] - best[0]):
                best = (start, k)
            start, holds = None, False
    return best


def _looks_like_columns(rows: list[Row], gutter: float, x_min: float, x_max: float, size: float) -> bool:
    """Both sides of the gutter hold text lines that fill their column (not table cells), and
    enough rows do not cross it."""
    lines = [r for r in rows if any(c.x1 - c.x0 >= GUTTER_LINE_MIN_WIDTH * r.size for c in r.chunks)]
    crossing = sum(1 for r in lines if any(c.x0 < gutter < c.x1 for c in r.chunks))
    if crossing > GUTTER_MAX_CROSSING * len(lines):
        return False
    slack = COLUMN_EDGE_SLACK * size
    total = 0
    for side_lo, side_hi in ((x_min, gutter), (gutter, x_max)):
        fill = COLUMN_LINE_FILL * (side_hi - side_lo - slack)
        sides = [[c for c in r.chunks if c.x0 >= side_lo - slack and c.x1 <= side_hi + slack] for r in rows]
        used = [chunks for chunks, r in zip(sides, rows)
                if any(c.x1 - c.x0 >= GUTTER_LINE_MIN_WIDTH * r.size for c in chunks)]
        full = sum(1 for chunks in used if any(c.x1 - c.x0 >= fill for c in chunks))
        if full < max(2, COLUMN_MIN_FULL_LINES * len(used)):
            return False
        total += full
    return total >= 2 * MIN_COLUMN_LINES


def _two_column_lines(rows: list[Row], gutter: float) -> list[_Line]:
    wide = _full_width_rows(rows, gutter)
    lines: list[_Line] = []
    band: list[Row] = []

    def flush_band() -> None:
        left = _side(band, gutter, left=True)
        right = _side(band, gutter, left=False)
        lines.extend(_region_lines(left, blank_first=bool(lines)))
        lines.extend(_region_lines(right, blank_first=False))
        band.clear()

    k = 0
    while k < len(rows):
        if not wide[k]:
            band.append(rows[k])
            k += 1
            continue
        if band:
            flush_band()
        start = k
        while k < len(rows) and wide[k]:
            k += 1
        lines.extend(_region_lines(rows[start:k], blank_first=bool(lines)))
    if band:
        flush_band()
    return lines


def _full_width_rows(rows: list[Row], gutter: float) -> list[bool]:
    """Rows with a chunk across the gutter, and the rows of a wide table around them: table-like
    rows and short one-piece lines (a row label alone, a wrapped cell, a footnote) chained to them
    by small gaps. Short lines that only trail a table are given back to the columns."""
    wide = [any(c.x0 < gutter < c.x1 for c in r.chunks) for r in rows]
    x_min = min(r.chunks[0].x0 for r in rows)
    x_max = max(c.x1 for r in rows for c in r.chunks)
    cells = [_cells_across(r, gutter, x_min, x_max) for r in rows]
    k = 0
    while k < len(rows):  # a wide table with no cell across the gutter: a run of rows of cells
        j = k + 1 if cells[k] else k
        while j and j < len(rows) and cells[j] and rows[j].base - rows[j - 1].base <= TABLE_MAX_LINE_GAP * rows[j - 1].size:
            j += 1
        if j - k >= MIN_TABLE_ROWS:
            wide[k:j] = [True] * (j - k)
        k = max(j, k + 1)
    table_like = [_table_like_across(r, gutter, x_max) for r in rows]
    short = [_short_line(r, gutter, x_max) for r in rows]
    changed = True
    while changed:
        changed = False
        for k in range(len(rows)):
            if not wide[k] and (table_like[k] or short[k]) and _chained(rows, wide, k):
                wide[k] = changed = True
    for k in range(len(rows) - 1, -1, -1):
        if wide[k] and short[k] and not _wide_within(rows, wide, k, 1):
            wide[k] = False
    for k in range(len(rows)):  # a line squeezed between two parts of a wide table
        if not wide[k] and _wide_within(rows, wide, k, -1) and _wide_within(rows, wide, k, 1):
            wide[k] = True
    return wide


def _chained(rows: list[Row], wide: list[bool], k: int) -> bool:
    return _wide_within(rows, wide, k, -1) or _wide_within(rows, wide, k, 1)


def _wide_within(rows: list[Row], wide: list[bool], k: int, step: int) -> bool:
    """Is there a full-width row within TABLE_MAX_LINE_GAP sizes above (step -1) or below (+1)?"""
    reach = TABLE_MAX_LINE_GAP * rows[k].size
    j = k + step
    while 0 <= j < len(rows) and abs(rows[j].base - rows[k].base) <= reach:
        if wide[j]:
            return True
        j += step
    return False


def _short_line(row: Row, gutter: float, x_max: float) -> bool:
    """One piece, on one side, ending well before that side's edge: not a full column line."""
    if len(row.chunks) != 1:
        return False
    chunk, slack = row.chunks[0], 2 * COLUMN_EDGE_SLACK * row.size
    if chunk.x1 <= gutter:
        return chunk.x1 < gutter - slack
    return chunk.x0 >= gutter and chunk.x1 < x_max - slack


def _cells_across(row: Row, gutter: float, x_min: float, x_max: float) -> bool:
    """Three or more pieces on both sides of the gutter, each much narrower than its column: a
    row of a wide table, not two column lines."""
    left = [c for c in row.chunks if c.x1 <= gutter]
    right = [c for c in row.chunks if c.x0 >= gutter]
    if not left or not right or len(row.chunks) < 3 or len(left) + len(right) != len(row.chunks):
        return False
    return (all(c.x1 - c.x0 < ACROSS_CELL_MAX_FILL * (gutter - x_min) for c in left)
            and all(c.x1 - c.x0 < ACROSS_CELL_MAX_FILL * (x_max - gutter) for c in right))


def _table_like_across(row: Row, gutter: float, x_max: float) -> bool:
    """A row that looks like a wide table's row rather than two column lines."""
    left = [c for c in row.chunks if c.x1 <= gutter]
    right = [c for c in row.chunks if c.x0 >= gutter]
    if len(left) >= 2 or len(right) >= 2:
        return True
    if left and right:  # two short pieces: cells; a short and a full one: a paragraph's last line
        slack = 2 * COLUMN_EDGE_SLACK * row.size
        return left[0].x1 < gutter - slack and right[0].x1 < x_max - slack
    return False


def _side(band: list[Row], gutter: float, left: bool) -> list[Row]:
    out = []
    for row in band:
        chunks = [c for c in row.chunks if (c.x1 <= gutter) == left]
        if len(chunks) == len(row.chunks):
            out.append(row)
        elif chunks:
            out.append(_row_of(chunks))
    return out


def _row_of(chunks: list[Chunk]) -> Row:
    """A row made of some chunks of another (one column's part of a page-wide row)."""
    row = Row([s for c in chunks for s in c.spans], chunks=chunks)
    row.settle()
    return row


# ================================================================================= tables =====

def _region_lines(rows: list[Row], blank_first: bool) -> list[_Line]:
    """Lines of one column (or full-width band): tables as rows of cells, paragraphs by gaps."""
    if not rows:
        return []
    pitch = _line_pitch(rows)
    lines: list[_Line] = []
    k, prev, new_block = 0, None, blank_first
    while k < len(rows):
        end = _table_end(rows, k)
        if end > k:
            table = [_Line(CELL_SEPARATOR.join(cells), rows[k].top, rows[end - 1].bottom, table=True, cells=tuple(cells))
                     for cells in _table_cells(rows[k:end])]
            table[0].blank_before = not _after_caption(lines)
            table[0].table_first = True
            lines.extend(table)
            prev, k, new_block = rows[end - 1], end, True
            continue
        row = rows[k]
        blank = new_block or (prev is not None and _block_gap(prev, row, pitch))
        parts = tuple(c.text for c in row.chunks)
        lines.append(_Line(" ".join(parts), row.top, row.bottom, blank_before=blank, parts=parts))
        prev, k, new_block = row, k + 1, False
    return lines


def _after_caption(lines: list[_Line]) -> bool:
    """Does the current block (since the last blank line) start with a table caption?"""
    for line in reversed(lines):
        if line.blank_before:
            return bool(TABLE_CAPTION.match(line.text))
    return bool(lines) and bool(TABLE_CAPTION.match(lines[0].text))


def _block_gap(prev: Row, row: Row, pitch: float) -> bool:
    return row.base - prev.base > PARAGRAPH_GAP * max(pitch, 0.8 * prev.size)


def _table_end(rows: list[Row], k: int) -> int:
    """End (exclusive) of the table starting at rows[k], or k when rows[k] does not start one.

    A table is a run of rows of two or more cells; single-cell lines indented from the table's
    left edge (a wrapped cell) may sit between them."""
    if len(rows[k].chunks) < 2:
        return k
    left = rows[k].chunks[0].x0
    end, multi = k + 1, 1
    while end < len(rows):
        row, prev = rows[end], rows[end - 1]
        gap = row.base - prev.base
        if gap > TABLE_MAX_LINE_GAP * prev.size:
            break
        if len(row.chunks) >= 2:
            multi += 1
        elif not (gap <= TABLE_INNER_LINE_GAP * row.size and (_indented(row, left) or _heads_rows(rows, end))):
            break
        end += 1
    while end - 1 > k and len(rows[end - 1].chunks) < 2 and not _wraps(rows, end - 1, left):
        end -= 1
    return end if multi >= MIN_TABLE_ROWS else k


def _heads_rows(rows: list[Row], i: int) -> bool:
    """A one-cell line right above more table rows: a group label inside the table."""
    return i + 1 < len(rows) and len(rows[i + 1].chunks) >= 2 and (
        rows[i + 1].base - rows[i].base <= TABLE_INNER_LINE_GAP * rows[i].size)


def _indented(row: Row, left: float) -> bool:
    return row.chunks[0].x0 > left + 2 * row.size


def _wraps(rows: list[Row], i: int, left: float) -> bool:
    """A single-cell line right under the previous line, indented: a wrapped table cell."""
    return _indented(rows[i], left) and rows[i].base - rows[i - 1].base <= TABLE_CONTINUATION_GAP * rows[i].size


def _table_cells(rows: list[Row]) -> list[list[str]]:
    """The table's rows as cells: wrapped lines merged into their row, a cell's lines joined."""
    columns = _table_columns(rows)
    inner_gap = _inner_line_gap(rows)
    merged: list[list[str]] = []
    for k, row in enumerate(rows):
        cells = [""] * len(columns)
        for chunk in row.chunks:
            col = _column_of(chunk, columns)
            cells[col] = _join_cell(cells[col], chunk.text)
        if merged and _is_continuation(cells, merged[-1], row.base - rows[k - 1].base, row.size, inner_gap):
            merged[-1] = [_join_cell(a, b) for a, b in zip(merged[-1], cells)]
        else:
            merged.append(cells)
    return merged


def _inner_line_gap(rows: list[Row]) -> Optional[float]:
    """The widest baseline gap of lines inside one cell, when the table spaces its rows clearly
    wider (a jump of ROW_SPACING_RATIO between the two groups of gaps); else None."""
    gaps = sorted(b.base - a.base for a, b in zip(rows, rows[1:]) if b.base - a.base >= MIN_LINE_PITCH * a.size)
    if len(gaps) < 2:
        return None
    jump, k = max((gaps[i + 1] / gaps[i], i) for i in range(len(gaps) - 1))
    return gaps[k] if jump >= ROW_SPACING_RATIO else None


def _table_columns(rows: list[Row]) -> list[tuple[float, float]]:
    """x ranges covered by the table's cells; positions crossed by few lines are gaps."""
    events: list[tuple[float, int]] = []
    for row in rows:
        for c in row.chunks:
            events.append((c.x0, 1))
            events.append((c.x1, -1))
    events.sort()
    limit = max(TABLE_COLUMN_NOISE * len(rows), 1)
    columns, depth, start = [], 0, None
    for x, delta in events:
        depth += delta
        if depth >= limit and start is None:
            start = x
        elif depth < limit and start is not None:
            columns.append((start, x))
            start = None
    return columns or [(rows[0].chunks[0].x0, rows[0].chunks[-1].x1)]


def _column_of(chunk: Chunk, columns: list[tuple[float, float]]) -> int:
    def overlap(col):
        return min(chunk.x1, col[1]) - max(chunk.x0, col[0])
    return max(range(len(columns)), key=lambda i: (overlap(columns[i]), -i))


def _is_continuation(cells: list[str], previous: list[str], gap: float, size: float,
                     inner_gap: Optional[float]) -> bool:
    """Is this table line part of the row above (a wrapped cell, a sub-line of a tall cell)?"""
    if any(IDENTIFIER.search(c) for c in cells) and any(IDENTIFIER.search(c) for c in previous):
        return False  # two ids: two trials
    if gap < MIN_LINE_PITCH * size:
        return True  # lines of one row set at different heights
    if inner_gap is not None and gap <= inner_gap + INNER_GAP_TOLERANCE:
        return True
    if cells[0] or not previous[0]:
        return False
    if inner_gap is None:
        return gap <= TABLE_CONTINUATION_GAP * size
    filled = sum(1 for c in cells if c)
    return gap <= SUBROW_MAX_GAP * size and filled <= max(1, len(cells) // 3)


def _join_cell(left: str, right: str) -> str:
    if not left:
        return right
    if not right:
        return left
    if left.endswith("-") and left[-2:-1].isalpha():
        return left + right
    return left + " " + right


# ========================================================================= margin & running ====

def _margin_lines(groups: list[list[Span]], textpage) -> list[_Line]:
    """Text running in another direction than the page's (e.g. a rotated running header), one
    line per row of its own direction, put after the page's text."""
    lines = []
    for spans in groups:
        for row in _rows(spans):
            _cut_chunks(row, textpage)
            lines.extend(_Line(c.text, -1.0, -1.0, blank_before=True, margin=True) for c in row.chunks)
    return lines


def _running_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _edge_lines(page: _PageLayout) -> list[_Line]:
    """Lines that may be running headers/footers: near the top or bottom edge, or in the margin."""
    body = sorted((l for l in page.lines if not (l.margin or l.table) and l.text), key=lambda l: l.top)
    zone = EDGE_ZONE * page.height
    top = [l for l in body[:EDGE_LINES] if l.top <= zone]
    bottom = [l for l in body[-EDGE_LINES:] if l.bottom >= page.height - zone]
    margin = [l for l in page.lines if l.margin]
    return list({id(l): l for l in top + bottom + margin}.values())


def _drop_running_lines(pages: list[_PageLayout]) -> None:
    """Mark running headers/footers and page numbers (see module doc, rule 7) as dropped. A line
    made of pieces (left and right parts of a header row) goes when each piece would."""
    edges = [_edge_lines(p) for p in pages]
    seen: dict[str, int] = {}
    for lines in edges:
        for key in {_running_key(t) for l in lines for t in (l.text, *l.parts)}:
            seen[key] = seen.get(key, 0) + 1
    needed = max(2, math.ceil(RUNNING_MIN_SHARE * len(pages)))

    def running(text: str) -> bool:
        return bool(PAGE_NUMBER.match(text)) or seen.get(_running_key(text), 0) >= needed

    for lines in edges:
        for line in lines:
            if running(line.text) or (line.parts and all(running(t) for t in line.parts)):
                line.dropped = True
