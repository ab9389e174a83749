"""Cells of a table row, and the column a header cell names.

A row whose layout separates its cells (a Markdown pipe table, a PDF table the reader wrote as
`a | b | c`) is split here into `Cell`s: spans in the normalized text, each with the index of its
column. A header cell names its column by its words (`column_code`), through the `table_columns`
vocabulary; the column that holds the rows' registry ids is the id column whatever its header says.
"""
from __future__ import annotations

from collections import Counter
from functools import lru_cache

import regex

from pipeline import fields
from pipeline.extract.vocab_match import matcher
from pipeline.models import Cell
from pipeline.vocab import load

OTHER = "other"  # a header that names no column: its cells are not read


@lru_cache(maxsize=1)
def _priority() -> dict[str, int]:
    return {e.code: i for i, e in enumerate(load("table_columns").entries)}


@lru_cache(maxsize=4096)
def column_code(header: str) -> str:
    """The column a header cell names: the code of the longest vocabulary term in it (on a tie,
    the entry listed first), or `other`."""
    found = matcher("table_columns").find(header)
    if not found:
        return OTHER
    priority = _priority()
    return max(found, key=lambda m: (len(m.raw), -priority[m.value])).value


def column_reads(code: str) -> tuple[str, ...]:
    """The fields read from the cells of a column (none for `other` and non-value columns): each
    field declares the columns that hold it (`pipeline.fields`)."""
    return fields.column_reads().get(code, ())


def split_cells(text: str, start: int, end: int, sep: str = "|") -> list[tuple[int, int]]:
    """The cells of one row line between `start` and `end`, split at `sep`, each span trimmed of
    spaces. A pipe row's outer bars (`| a | b |`) open and close it; they make no empty cell."""
    s, e = start, end
    while s < e and text[s] in " \t":
        s += 1
    while e > s and text[e - 1] in " \t":
        e -= 1
    if sep == "|" and s < e and text[s] == "|":
        s += 1
    if sep == "|" and e > s and text[e - 1] == "|":
        e -= 1
    spans, pos = [], s
    while True:
        k = text.find(sep, pos, e)
        cut = e if k < 0 else k
        a, b = pos, cut
        while a < b and text[a] in " \t":
            a += 1
        while b > a and text[b - 1] in " \t":
            b -= 1
        spans.append((a, b))
        if k < 0:
            return spans
        pos = k + len(sep)


def row_cells(spans: list[tuple[int, int]]) -> tuple[Cell, ...]:
    """Cells in column order: the k-th span stands in column k."""
    return tuple(Cell(a, b, k) for k, (a, b) in enumerate(spans))


def id_column_of(rows_cells: list[tuple[Cell, ...]], anchor_starts: list[list[int]]) -> int:
    """The column where most rows' first registry id falls (-1 when no row has one)."""
    votes: Counter = Counter()
    for cells, starts in zip(rows_cells, anchor_starts):
        if not starts:
            continue
        first = min(starts)
        for c in cells:
            if c.start <= first < max(c.end, c.start + 1):
                votes[c.column] += 1
                break
    return votes.most_common(1)[0][0] if votes else -1


_LETTERS = regex.compile(r"[\W\d_]+")
RECORD_LABEL_WORDS = 8
RECORD_LABEL_SHARE = 0.8  # of a label's letters, the share its vocabulary terms cover
_PROSE_MARK = regex.compile(r"[.!?]['’\"]|['’\"]\s|[;!?]")  # a quotation or a sentence's end: prose, not a label


# words a registry prints around a label's term ("Actual Enrollment", "Lead Sponsor", "Full title
# of the trial", "Number of subjects planned", "Sponsor's name"): they count as the label's own
_LABEL_WORDS = regex.compile(
    r"(?i)\b(?:actual|estimated|anticipated|expected|target|planned|lead|primary|overall|official|full|"
    r"scientific|public|brief|trial|of|the|number|name|s|total|final|first)\b")
_DASH_SEPARATOR = regex.compile(r"[ \t]+-[ \t]+")  # "Status – Recruiting" (the dash normalized to "-")


def record_label(line: str) -> tuple[str | None, tuple[int, int] | None]:
    """A registry record's label line: (column code, span of the value on the same line after a
    colon or a spaced dash, or None when the value is on the next line); (None, None) when the
    line is no label. The label must be mostly the vocabulary term (`Recruitment status`,
    `Sponsor organisation:`), with the words registries print around it (`Actual Enrollment`)."""
    head, colon, rest = line.partition(":")
    if not colon:
        dash = _DASH_SEPARATOR.search(line)
        if dash:
            head, colon, rest = line[:dash.start()], line[dash.start():dash.end()], line[dash.end():]
    if len(head) > 60 or len(head.split()) > RECORD_LABEL_WORDS or not head.strip():
        return None, None
    code = column_code(head.strip())
    if not column_reads(code):
        return None, None
    found = matcher("table_columns").find(head)
    letters = len(_LETTERS.sub("", head)) or 1
    covered = sum(len(_LETTERS.sub("", m.raw)) for m in found)
    spans = [(m.start, m.end) for m in found]
    covered += sum(len(_LETTERS.sub("", w.group(0))) for w in _LABEL_WORDS.finditer(head)
                   if not any(a <= w.start() < b for a, b in spans))
    if covered < RECORD_LABEL_SHARE * letters or _PROSE_MARK.search(head):
        return None, None
    if colon and rest.strip():
        start = len(head) + len(colon) + (len(rest) - len(rest.lstrip()))
        return code, (start, len(line.rstrip()))
    return code, None


# Where a row printed with its cells run together ("NCT01956903Treatment of ...CompletedI/II15
# Allogeneic-MSCs0.7 × 106 cells/kg") changes cell: a capitalised word glued after a lower-case
# letter, a run of capitals or a digit; capitals glued after a lower-case word; a roman numeral
# glued after a word (CompletedI/II) or after the route IV (IVI); a count glued after a roman numeral
# (I/II15) or a number after a word (Intrathecal27, Recruiting18); a dose's number glued after a
# word (MSCs0.7 × 106).
GLUE = regex.compile(
    r"(?<=[a-z\)\]])(?=[A-Z][a-z])"  # ...CellCompleted
    r"|(?<=[A-Z]{2})(?=[A-Z][a-z]{3})"  # ...GVHDCompleted
    r"|(?<=[a-z]{3})(?=[A-Z]{2,}[a-z]?\b)"  # ...PatientsMSCs
    r"|(?<=[0-9])(?=[A-Z][a-z]|[A-Z]{2,})"  # ...15Allogeneic, NCT...Co-transplantation, 10UCB-MSCs
    r"|(?<=[a-z]{3})(?=[A-Z](?:[/\s&]|$))|(?<=[a-z]{3})(?=[IVX]+(?:[/\s&\d]|[A-Z][a-z]|$))"  # ...CompletedI/II, RecruitingIII
    r"|(?<=[IVX])(?=\d{1,5}(?!\d)(?:[A-Z]|\s|$))"  # ...I/II15
    r"|(?<=[a-z]{3})(?=\d)"  # ...Intrathecal27Recruiting, Recruiting1850-75
    r"|(?<=(?<![A-Z])IV|mLIV)(?=I{1,3}(?![a-zG]))"  # IVIRecruiting: the route IV, then phase I
    r"|(?<=(?<![A-Za-z])(?:kg|mL|ml|mg|µg|ug))(?=[A-Z])"  # ...106/kgIV: a unit, then the next cell
    r"|(?<=[A-Za-z]{2})(?=\d+(?:\.\d+)?\s*(?:[×x]\s*10|doses?\b|times\b|million\b))"  # ...MSCs0.7 × 106, UCB-MSCs5 doses
)


def glued(text: str) -> bool:
    """Does a row's text run its cells together (two or more glue points)?"""
    return len(GLUE.findall(text)) >= 2


def glue_pieces(text: str, start: int, end: int, keep: tuple[tuple[int, int], ...] = ()) -> tuple[Cell, ...]:
    """The pieces of a run-together row, split at its glue points (column unknown: -1); a span of
    `keep` (a registry id: `NCT0227714511 × 106` holds a glue point) is never cut, and is a piece
    of its own."""
    cuts = {c for c in (m.start() for m in GLUE.finditer(text, start, end)) if not any(a < c < b for a, b in keep)}
    cuts |= {c for span in keep for c in span}
    cuts = [start] + sorted(c for c in cuts if start < c < end) + [end]
    out = []
    for a, b in zip(cuts, cuts[1:]):
        while a < b and text[a] in " \t\n":
            a += 1
        while b > a and text[b - 1] in " \t\n":
            b -= 1
        if b > a:
            out.append(Cell(a, b, -1))
    return tuple(out)


def spaced(text: str) -> str:
    """`text` with a space at each glue point (to read a run-together header's names)."""
    return GLUE.sub(" ", text)
