"""Plain data passed between the stages. Nothing here does work."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional


@dataclass(frozen=True)
class TableCells:
    """A table as its reader found it (a PDF's table, from the page's geometry): rows of cells, each
    cell the span (start, end) of its text in the page's text (in a `Page`) or in the normalized
    text (in a `NormalizedText`); an empty cell is an empty span. The first row may be a header."""

    rows: tuple[tuple[tuple[int, int], ...], ...]


@dataclass(frozen=True)
class Page:
    """One page of an input as read (plain text files are one page with number None). `tables`:
    the tables the reader found on the page, as rows of cells (their text is in `text` too)."""

    number: Optional[int]
    text: str
    tables: tuple[TableCells, ...] = ()


@dataclass(frozen=True)
class Document:
    """An input paper as read by `ingest`: raw text per page, nothing normalized yet."""

    paper_id: str
    path: str
    kind: str  # "text" | "markdown" | "pdf"
    pages: tuple[Page, ...]
    sha256: str = ""
    read_with: str = ""  # how the file was read (e.g. "utf-8", "pdfplumber")
    warnings: tuple[str, ...] = ()
    metadata: tuple[tuple[str, str], ...] = ()  # a PDF's document information (Title, Subject, ...)


@dataclass(frozen=True, eq=False)
class NormalizedText:
    """Text after clean-up with a map back to the raw text.

    `to_raw[i]` is the offset in the raw (pages joined) text of normalized character i;
    `to_raw[len(text)]` is the raw length. `page_starts[k]` is the normalized offset where page k
    begins, `page_numbers[k]` its number (None for plain text).
    """

    text: str
    to_raw: Any  # numpy int64 array, len(text) + 1
    page_starts: tuple[int, ...] = (0,)
    page_numbers: tuple[Optional[int], ...] = (None,)
    tables: tuple[TableCells, ...] = ()  # the reader's tables, their cells' spans in `text`

    def page_at(self, offset: int) -> Optional[int]:
        from bisect import bisect_right

        k = bisect_right(self.page_starts, offset) - 1
        return self.page_numbers[max(k, 0)]


@dataclass(frozen=True)
class Mention:
    """One value found in a string. Offsets are relative to the string given to the finder."""

    field: str  # a trials column name, or "dose" (the four dose columns) or "trial_id"
    value: str  # normalized, one value
    start: int
    end: int
    raw: str
    extractor: str
    confidence: float = 1.0
    data: tuple = ()  # extra typed parts, e.g. dose (("low", 1e6), ("high", 2e6), ("unit", "cells/kg"))

    def shifted(self, by: int) -> "Mention":
        return Mention(self.field, self.value, self.start + by, self.end + by, self.raw, self.extractor, self.confidence, self.data)

    def get(self, key, default=None):
        for k, v in self.data:
            if k == key:
                return v
        return default


@dataclass(frozen=True)
class Cell:
    """One cell of a table row: its span in the normalized text and the column it stands in
    (an index into its table's `columns`; -1 when the row has more cells than the header)."""

    start: int
    end: int
    column: int = -1


@dataclass(frozen=True)
class Table:
    """A table found in the text: its caption, header columns and legend abbreviations.

    `columns` holds one code per header cell (`table_columns` vocabulary, `other` for a header
    that names none), `headers` the header cells as printed (a unit printed there, such as
    `Cell dose (x10^7 cells)`, applies to the column's cells)."""

    number: str
    caption: str
    start: int
    end: int
    columns: tuple[str, ...] = ()
    id_column: int = -1  # index in `columns` of the column holding the trial's id; -1 unknown
    legend: tuple[tuple[str, str], ...] = ()  # (abbreviation, expansion)
    headers: tuple[str, ...] = ()
    caption_start: int = -1  # span of the caption (or the lines above the header that describe every row)
    caption_end: int = -1


@dataclass(frozen=True)
class Segment:
    """A unit the extractors read: a sentence, a table row, a caption, a reference."""

    kind: str  # "sentence" | "row" | "caption" | "header" | "legend" | "reference" | "heading"
    start: int
    end: int
    paragraph: int = -1  # index of the paragraph a sentence belongs to
    section: str = ""
    table: Optional[Table] = None
    ref_number: Optional[int] = None  # for a numbered reference
    cells: tuple[Cell, ...] = ()  # a row's cells, where the layout separates them


@dataclass(frozen=True)
class Evidence:
    """One row of evidence.csv."""

    trial_id: str
    field: str
    value: str
    raw: str
    paper_id: str
    page: Optional[int]
    char_start: int
    char_end: int
    snippet: str
    extractor: str
    confidence: float
    data: tuple = ()


@dataclass
class PaperResult:
    """What one paper yields: its status row for papers.csv, its evidence and its normalized text."""

    paper_id: str
    path: str
    kind: str = ""
    title: str = ""  # as the paper states it (its text, or a PDF's metadata)
    year: Optional[int] = None
    doi: str = ""
    status: str = "ok"  # ok | warning | error | skipped
    message: str = ""
    pages: Optional[int] = None
    chars: int = 0
    read_with: str = ""
    sha256: str = ""
    n_trials: int = 0
    n_evidence: int = 0
    warnings: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    text: str = ""
    seconds: float = 0.0
    stored: Optional[bytes] = None  # evidence and text serialized for the cache, by the worker
    stored_as: Optional[str] = None  # or the cache file the worker wrote them to
