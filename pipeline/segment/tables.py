"""Flattened tables: captions, header columns, rows, legends.

PDF text extraction flattens a table: a row's cells spread over several lines, cells of one row
interleave with blank lines, a page break may fall inside a row. The rows are found from their
anchors, the cell that names the trial (a registry id or `Surname et al. [n]`):

- the header tells which column holds the anchor; when it is the first column (or, without a
  header, anchors start their lines) a row runs from its anchor's line to the next anchor's line;
- otherwise (the id in a middle or last column) a row runs from the end of the previous row to
  the end of the blank-line block holding its anchor.
The last row ends at a legend, the next caption, or the first line of running prose.
Markdown/pipe tables (`| a | b |`) are read one row a line.
"""
from __future__ import annotations

import itertools
from typing import NamedTuple

import regex

from pipeline.extract.vocab_match import matcher
from pipeline.segment.cells import spaced

CAPTION = regex.compile(
    r"(?m)^[ \t]*(?:\*\*)?(?P<label>Table|TABLE)[ \t]+(?P<num>\d{1,2}|[IVX]{1,4})(?P<rest>[^\n]*)$"
)
_PROSE_VERB = regex.compile(r"^\s*(?:lists|shows|summari[sz]es|presents|gives|describes|illustrates|displays|provides|compares|reports|contains)\b", regex.I)
LEGEND_PAIR = regex.compile(r"(?P<short>[\w/+\-]{1,20}(?:\s[\w\-]{1,10})?),\s+(?P<long>[^;,\n]{3,80}?)(?=;|\.\s*$|\.\s*\n|$)", regex.M)
_NON_LETTERS = regex.compile(r"[\W_]+")
_HYPHEN_END = regex.compile(r"[a-z]-$")
_BRACKET_CITATION = regex.compile(r"\[\d{1,3}(?:[,\-–]\s*\d{1,3})*\]")
_SHORT_FIRST = regex.compile(r"^\s*[A-Z/]{1,6},\s")
MAX_HEADER_LINES = 12  # text lines (a header printed one column name a line)
MAX_TABLE_LINES = 400


class Line(NamedTuple):  # a tuple: one is made for every line of a paper, far faster than a dataclass
    start: int
    end: int  # end of text, before the newline
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()


_new_line = tuple.__new__  # Line(...) without the Python-level __new__ of a NamedTuple


def split_lines(text: str, start: int = 0, end: int | None = None) -> list[Line]:
    end = len(text) if end is None else end
    if start > end:
        return []
    parts = text[start:end].split("\n")
    starts = itertools.accumulate(map(len, parts), lambda at, length: at + length + 1, initial=start)
    return [_new_line(Line, (at, at + len(p), p)) for at, p in zip(starts, parts)]


def is_caption(line: Line) -> regex.Match | None:
    m = CAPTION.match(line.text)
    if not m:
        return None
    if _PROSE_VERB.match(m.group("rest")):
        return None
    return m


def header_columns(text: str) -> tuple[list[str], float]:
    """Column codes printed in a header line, in order, and the share of the line they cover."""
    found = matcher("table_columns").find(spaced(text))  # a run-together header too ("NCT numberTitleStatus")
    covered = sum(m.end - m.start for m in found)
    letters = len(_NON_LETTERS.sub("", text)) or 1
    share = sum(len(_NON_LETTERS.sub("", m.raw)) for m in found) / letters
    codes = []
    for m in found:
        if not codes or codes[-1] != m.value:
            codes.append(m.value)
    return codes, share if covered else 0.0


def is_prose(line: Line) -> bool:
    """A line of running text (not a table cell): used to find where a flattened table ends."""
    t = line.text
    s = t.strip()
    words = len(s.split())
    if words < 5:
        return False
    if t.startswith(" ") and not t.startswith("  ") and words >= 6:
        return True
    if len(s) >= 35 and s[0].islower():
        return True
    if len(s) >= 40 and words >= 6 and _HYPHEN_END.search(s):
        return True
    if words >= 6 and _BRACKET_CITATION.search(s):
        return True
    return False


def is_legend(line: Line) -> bool:
    pairs = LEGEND_PAIR.findall(line.text)
    return len(pairs) >= 2 or (len(pairs) == 1 and line.text.strip().endswith(".") and len(line.text) < 60 and ";" not in line.text and _SHORT_FIRST.match(line.text) is not None)


def legend_pairs(text: str) -> list[tuple[str, str]]:
    return [(m.group("short").strip(), m.group("long").strip()) for m in LEGEND_PAIR.finditer(text)]
