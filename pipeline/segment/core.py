"""Split a paper's normalized text into the segments the extractors read.

- the numbered reference list (after a 'References' heading) -> `reference` segments;
- tables (caption + header + rows + legend; see `tables.py`) -> `caption`, `row`, `legend`;
- everything else -> paragraphs (blank-line blocks; a block that starts in lower case continues
  the previous one) -> `sentence` segments with their paragraph index, cut as spaCy cuts them
  (`spacy.blank("en")`, scispaCy's tokenizer, a sentencizer; see `sentences.py`).
Abbreviations the paper defines (as scispaCy's AbbreviationDetector finds them) and table legends
are collected so the extractors can extend the vocabularies for this paper.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

import regex

from pipeline.extract.citations import Reference, find_citation_anchors, find_reference_section, parse_references
from pipeline.extract.registry_ids import find_registry_ids
from pipeline.models import Cell, Segment, Table, TableCells
from pipeline.segment.cells import OTHER, column_code, glue_pieces, glued, id_column_of, row_cells, split_cells
from pipeline.segment.sentences import analyze
from pipeline.segment.tables import (
    MAX_HEADER_LINES, MAX_TABLE_LINES, Line, header_columns, is_caption, is_legend, is_prose, legend_pairs, split_lines,
)


@dataclass(frozen=True)
class Anchor:
    """A place that names a trial: a registry id or a citation of a trial's publication."""

    kind: str  # "registry" | "citation"
    key: str  # canonical id, or the reference number
    start: int
    end: int
    raw: str
    registry: str = ""
    confidence: float = 1.0  # the reader's (lower for an id read with digits glued after it)


@dataclass
class Segmentation:
    segments: list[Segment] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    references: dict[int, Reference] = field(default_factory=dict)
    abbreviations: list[tuple[str, str, int]] = field(default_factory=list)  # (short, long, offset)
    row_anchors: dict[tuple[int, int], list[Anchor]] = field(default_factory=dict)  # row span -> anchors


def registry_anchors(text: str, start: int = 0, end: int | None = None) -> list[Anchor]:
    end = len(text) if end is None else end
    return [
        Anchor("registry", m.value, m.start + start, m.end + start, m.raw, m.get("registry", ""), m.confidence)
        for m in find_registry_ids(text[start:end])
    ]


def citation_anchors(text: str, start: int, end: int) -> list[Anchor]:
    return [Anchor("citation", m.value, m.start + start, m.end + start, m.raw) for m in find_citation_anchors(text[start:end])]


# ---------------------------------------------------------------- tables
def _header_lines(lines: list[Line], k: int) -> list[tuple[int, list[str]]]:
    """From caption line k, the header's lines (blank lines between them skipped), each as its
    index and the column codes it names: the text lines, up to MAX_HEADER_LINES of them, mostly
    column names."""
    found: list[tuple[int, list[str]]] = []
    j, seen = k + 1, 0
    while j < len(lines) and seen < MAX_HEADER_LINES:
        ln = lines[j]
        j += 1
        if ln.blank:
            continue
        seen += 1
        codes, share = header_columns(ln.text)
        # (a short line may say more than its column's name: "Dose levels", "Patients (n)")
        if codes and share >= (0.5 if len(ln.text.split()) <= 3 else 0.6) and not (_ID_HINT.search(ln.text) and find_registry_ids(ln.text)):  # "Trial registration: ISRCTN..." names a trial
            found.append((j - 1, codes))
        elif found or seen > HEADER_REACH:
            break
    if found:
        # a short line just before the first named column is a column the vocabulary does not name
        # ("Trial" over the ids): a header line too, read for nothing
        j = found[0][0] - 1
        while j > k and lines[j].blank:
            j -= 1
        if j > k and _UNNAMED_COLUMN.fullmatch(lines[j].text):
            found.insert(0, (j, []))
    return found


_UNNAMED_COLUMN = regex.compile(r"[ \t]*\p{L}[\p{L}'’./-]*(?:[ \t]+\p{L}[\p{L}'’./-]*){0,2}[ \t]*")


def _find_header(lines: list[Line], k: int) -> tuple[int, int, list[str], list[tuple[int, list[str]]]]:
    """From caption line k, the header's first and last line index, its column codes and its
    lines (`_header_lines`)."""
    found = _header_lines(lines, k)
    if not found:
        return -1, -1, [], []
    codes, _ = header_columns(" ".join(lines[j].text for j, _ in found))
    return found[0][0], found[-1][0], codes, found


_ANCHOR_JOINER = regex.compile(r"[\s,;/&]*(?:and)?[\s,;/&]*")
# A row number printed before its row's id, alone on the id's line before it ("2NCT07654321...", "2 NCT...")
_ROW_NUMBER = regex.compile(r"[ \t]*\d{1,3}[ \t]*")


def _row_start_at(text: str, line_start: int, anchor_start: int) -> int:
    """Where the row of an id starting at `anchor_start` starts on its line: before a row number that
    is all the line holds before the id, else at the id."""
    return line_start if _ROW_NUMBER.fullmatch(text, line_start, anchor_start) else anchor_start


def _group_anchors(text: str, anchors: list[Anchor]) -> list[list[Anchor]]:
    """Anchors printed next to each other (only spaces, commas or 'and' between) name one row."""
    groups: list[list[Anchor]] = []
    for a in anchors:
        if groups and _ANCHOR_JOINER.fullmatch(text, groups[-1][-1].end, a.start):
            groups[-1].append(a)
        else:
            groups.append([a])
    return groups


def _line_index(lines: list[Line], offset: int) -> int:
    lo, hi = 0, len(lines) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if lines[mid].start <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _block_end(lines: list[Line], j: int, limit: int) -> int:
    """Index of the last line of the blank-line block holding line j (stopping before prose)."""
    while j + 1 < limit and not lines[j + 1].blank and not is_prose(lines[j + 1]) and not is_legend(lines[j + 1]):
        j += 1
    return j


_TABLE_MARK = re.compile(r"\||Table|TABLE")


def _table_start_lines(text: str) -> list[int]:
    """The indices (in `split_lines(text)`) of the lines that may start a table: a line with a '|'
    (a row) or 'Table' or 'TABLE' (a caption). `parse_tables` steps over any other line doing
    nothing."""
    out, pos, index = [], 0, 0  # `index`: the line starting at `pos`
    while True:
        m = _TABLE_MARK.search(text, pos)
        if m is None:
            return out
        index += text.count("\n", pos, m.start())
        out.append(index)
        pos = text.find("\n", m.start()) + 1  # the next line
        if pos == 0:
            return out
        index += 1


def parse_tables(text: str, lines: list[Line], stop: int, given: tuple[TableCells, ...] = ()) -> tuple[list[Table], list[Segment], dict, set[int]]:
    """Tables in `text` before offset `stop`: the reader's own (`given`: a PDF's tables, as rows of
    cells), then those the text prints (pipe tables, cell rows, headers over rows). Returns tables,
    their segments, row anchors and the indices of lines the tables use (the rest is running text)."""
    tables, segments, row_anchors, used = [], [], {}, set()
    for table in given:
        _reader_table(text, lines, table, stop, tables, segments, row_anchors, used)
    k = 0
    n_lines = len(lines)
    starts = sorted(set(_table_start_lines(text)) | set(_header_candidates(text, lines)))  # the loop visits only these lines
    next_start = 0
    while k < n_lines:
        while next_start < len(starts) and starts[next_start] < k:
            next_start += 1
        if next_start == len(starts):
            break
        k = starts[next_start]
        ln = lines[k]
        if ln.start >= stop:
            break
        if k in used:  # a line of the reader's tables
            k += 1
            continue
        if "|" in ln.text and k + 1 < n_lines and _PIPE_RULE.match(lines[k + 1].text):
            k = _pipe_table(text, lines, k, tables, segments, row_anchors, used)
            continue
        cell_end = _cell_rows_end(lines, k, stop)
        if cell_end > k and (_cell_header(lines[k]) or _caption_before(lines, k)):
            k = _cell_table(text, lines, k, cell_end, tables, segments, row_anchors, used)
            continue
        cap = is_caption(ln)
        pipe_head = _pipe_header_after(lines, k) if cap else -1
        if pipe_head > k:
            k = pipe_head  # the caption of the pipe table below: read with it
            continue
        if cap and _cell_rows_end(lines, k + 1, stop) > k + 1:
            k += 1  # the caption of the cell rows below: read with them
            continue
        if not cap and not _leads_rows(lines, k):
            k += 1
            continue
        # a caption line, or a header with no caption above it: the lines before it that say what
        # every row is ("Intravenous infusion of MSCs was performed in the listed trials")
        h_first, h_last, columns, header = _find_header(lines, k if cap else k - 1)
        if h_first < 0 or h_first in used:  # (the caption of a table the reader gave)
            k += 1
            continue
        cap_first, cap_last = (k, max([k] + [j for j in range(k + 1, h_first) if _describes_rows(lines[j])])) if cap else _lines_above(lines, k)
        # the body: until the next caption, a references heading or the limit; trimmed below
        limit = min(n_lines, h_last + 1 + MAX_TABLE_LINES)
        for j in range(h_last + 1, limit):
            if is_caption(lines[j]) or lines[j].start >= stop:
                limit = j
                break
        body_start = lines[h_last].end
        body_end = lines[limit - 1].end if limit - 1 > h_last else body_start
        anchors = registry_anchors(text, body_start, body_end)
        if any(c == "reference" for c in columns) or not anchors:
            anchors = sorted(anchors + citation_anchors(text, body_start, body_end), key=lambda a: a.start)
        # the table ends at the first line of running prose that names no trial
        anchored_lines = {_line_index(lines, a.start) for a in anchors}
        for j in range(h_last + 1, limit - 1):
            if j not in anchored_lines and is_prose(lines[j]) and (j + 1) not in anchored_lines and is_prose(lines[j + 1]):
                limit = j
                break
        if limit - 1 > h_last:
            cut = lines[limit - 1].end
            anchors = [a for a in anchors if a.start < cut]
        else:
            anchors = []
        # legend lines between caption and header ("N/A, not applicable")
        legend = []
        for j in range(k + 1, h_first) if cap else ():
            if not lines[j].blank and is_legend(lines[j]):
                legend.extend(legend_pairs(lines[j].text))
        per_line = _one_column_a_line(lines, header)
        registered = [a for a in anchors if a.kind == "registry"]
        if per_line and registered and "id" not in per_line and per_line[0] in (OTHER, "title"):
            # a first column named by no id word ("Trial", "Study") whose cells are the ids: the id column
            first = next((j for j in range(h_last + 1, limit) if not lines[j].blank), None)
            if first is not None and text[lines[first].start:lines[first].end].strip() == text[registered[0].start:registered[0].end]:
                per_line = ["id"] + per_line[1:]
        if per_line and registered and "id" in per_line:
            # a table flattened to one cell a line, under one column name a line
            cap_start, cap_end = lines[cap_first].start, lines[cap_last].end
            table = Table(
                number=cap.group("num") if cap else "", caption=text[cap_start:cap_end].strip(),
                start=cap_start, end=lines[limit - 1].end, columns=tuple(per_line), id_column=per_line.index("id"),
                legend=tuple(legend), headers=tuple(lines[j].text.strip() for j, _ in header),
                caption_start=cap_start, caption_end=cap_end,
            )
            tables.append(table)
            segments.append(Segment("caption", cap_start, cap_end, table=table))
            segments.append(Segment("header", lines[h_first].start, lines[h_last].end, table=table))
            for row_start, row_end, group, cells in _cell_line_rows(lines, h_last + 1, limit, len(per_line), table.id_column, _group_anchors(text, registered)):
                segments.append(Segment("row", row_start, row_end, table=table, cells=cells))
                row_anchors[(row_start, row_end)] = group
            used.update(range(cap_first, limit))
            k = limit
            continue
        if not anchors:
            # a table of no trial (e.g. genes, outcomes): its cells are not running text either
            j = h_last + 1
            while j < limit and not is_prose(lines[j]) and not registry_anchors(text, lines[j].start, lines[j].end):
                j += 1  # (a line naming a trial is not this table's: "Trial registration: ISRCTN...")
            used.update(range(k, j))
            k = max(j, h_last + 1)
            continue
        id_col = next((i for i, c in enumerate(columns) if c in ("id", "reference")), -1)
        groups = _group_anchors(text, anchors)
        first_mode = id_col == 0 or (id_col < 0 and sum(
            text[lines[_line_index(lines, g[0].start)].start: g[0].start].strip() == "" for g in groups) > len(groups) / 2)
        # one row a line with the id last ("... Phase 1 2019 NCT03863002"): a row ends on its id's line
        line_rows = not first_mode and sum(
            not text[g[-1].end:lines[_line_index(lines, g[-1].end)].end].strip(" \t.;,)")
            and len(text[lines[_line_index(lines, g[0].start)].start:g[0].start].split()) >= 4 for g in groups) > len(groups) / 2
        # ...or one row a line with the id inside it ("1 Smith et al. NCT01234567 2016 Spain ... I/II"): each
        # id on the line after the one before (a row that wraps puts its next row's id further down)
        line_rows = line_rows or (not first_mode and len(groups) >= 2 and sum(
            _line_index(lines, b[0].start) - _line_index(lines, a[-1].end) == 1 for a, b in zip(groups, groups[1:])) > (len(groups) - 1) / 2)
        rows: list[tuple[int, int, list[Anchor]]] = []
        prev_end_line = h_last
        last_line = h_last
        for gi, g in enumerate(groups):
            a_line = _line_index(lines, g[0].start)
            z_line = _line_index(lines, g[-1].end)
            if first_mode:
                start_line = a_line
                if gi + 1 < len(groups):
                    end_line = _line_index(lines, groups[gi + 1][0].start) - 1
                else:
                    end_line = z_line
                    j = z_line + 1
                    while j < limit and not is_prose(lines[j]) and not is_legend(lines[j]):
                        end_line = j
                        j += 1
                # a row starts at its anchor's line even when the anchor is not at the line start
                row_start = lines[start_line].start if text[lines[start_line].start:g[0].start].strip() == "" else g[0].start
            else:
                # the row's cells before the anchor: everything since the previous row (which may
                # end on this anchor's own line: then the row starts where that one ended)
                start_line = min(prev_end_line + 1, a_line)
                while start_line < a_line and lines[start_line].blank:
                    start_line += 1
                end_line = z_line if line_rows else _block_end(lines, z_line, limit)
                row_start = max(lines[start_line].start, rows[-1][1] if rows else 0)
            while end_line > start_line and lines[end_line].blank:
                end_line -= 1
            row_end = max(lines[end_line].end, g[-1].end)
            if gi + 1 < len(groups):
                nxt = groups[gi + 1][0].start  # the next row starts at its id, or at its row number
                row_end = min(row_end, max(g[-1].end, _row_start_at(text, lines[_line_index(lines, nxt)].start, nxt)))
            rows.append((row_start, row_end, g))
            prev_end_line = end_line
            last_line = max(last_line, end_line)
        # legend after the rows
        j = last_line + 1
        legend_end = last_line
        while j < limit:
            if lines[j].blank:
                j += 1
                continue
            if is_legend(lines[j]):
                legend.extend(legend_pairs(lines[j].text))
                legend_end = j
                j += 1
                continue
            break
        cap_start, cap_end = (lines[cap_first].start, lines[cap_last].end) if cap_first >= 0 else (-1, -1)
        table = Table(
            number=cap.group("num") if cap else "", caption=text[cap_start:cap_end].strip() if cap_first >= 0 else "",
            start=lines[cap_first if cap_first >= 0 else h_first].start, end=lines[legend_end].end,
            columns=tuple(columns), id_column=id_col, legend=tuple(legend), caption_start=cap_start, caption_end=cap_end,
        )
        tables.append(table)
        if cap_first >= 0:
            segments.append(Segment("caption", cap_start, cap_end, table=table))
        segments.append(Segment("header", lines[h_first].start, lines[h_last].end, table=table))
        for row_start, row_end, g in rows:
            # a row printed with its cells run together is split where its cells meet (a digit right
            # after an id is glued on: an id's number is never followed by one)
            id_glued = any(a.kind == "registry" and (text[a.start - 1:a.start].isalnum() or text[a.end:a.end + 1].isalnum()) for a in g)
            ids = tuple((a.start, a.end) for a in g if a.kind == "registry")
            pieces = glue_pieces(text, row_start, row_end, ids) if id_glued and glued(text[row_start:row_end]) else ()
            segments.append(Segment("row", row_start, row_end, table=table, cells=pieces))
            row_anchors[(row_start, row_end)] = g
        if legend:
            segments.append(Segment("legend", lines[last_line].end, lines[legend_end].end, table=table))
        used.update(range(cap_first if cap_first >= 0 else h_first, legend_end + 1))
        k = legend_end + 1
    return tables, segments, row_anchors, used


# a token that may start a registry id (a cheap test for the lines below a header with no caption)
ID_HINT_PLAIN = r"NCT\s?\d|ISRCTN|ChiCTR|ACTRN|IRCT\d|DRKS|UMIN|CTRI/|jRCT|KCT\d|PACTR|EudraCT|\b(?:19|20)\d\d-\d{6}-\d\d"
# the same, with the word boundary before a EudraCT number's year tested after the year's first
# digit: every alternative then starts with a literal character, and `re` skips to the places
# where one of those stands instead of trying each alternative at every character (a paper's whole
# text is searched: five times as fast)
_ID_HINT = re.compile(r"NCT\s?\d|ISRCTN|ChiCTR|ACTRN|IRCT\d|DRKS|UMIN|CTRI/|jRCT|KCT\d|PACTR|EudraCT"
                      r"|1(?<=\b1)9\d\d-\d{6}-\d\d|2(?<=\b2)0\d\d-\d{6}-\d\d")
HEADER_MIN_COLUMNS = 3
HEADER_REACH = 3  # a header starts within this many text lines after its caption


_SOURCE_LINE = regex.compile(r"^\s*(?:From|Source|Adapted\s+from|Reproduced\s+from)\s*:", regex.I)


def _describes_rows(line: Line) -> bool:
    """A text line between a caption's label and its header that is part of the caption (not the
    'From: <the article's title>' line of a table page)."""
    return not line.blank and not _SOURCE_LINE.match(line.text) and not (_ID_HINT.search(line.text) and find_registry_ids(line.text))


def _one_column_a_line(lines: list[Line], header: list[tuple[int, list[str]]]) -> list[str] | None:
    """The columns of a header (its lines and their codes, `_header_lines`) printed one column
    name a line (three or more; two when one is the id column: "Trial identifier" / "Sponsor"), or
    None. The first line may name a column no vocabulary entry names ("Trial")."""
    if len(header) < HEADER_MIN_COLUMNS and not (len(header) == 2 and any("id" in codes for _, codes in header)):
        return None
    if any(len(codes) != 1 for _, codes in header[1:]) or len(header[0][1]) > 1:
        return None
    return [column_code(lines[j].text.strip()) for j, _ in header]


def _cell_line_rows(lines: list[Line], first: int, limit: int, n_columns: int, id_column: int, groups) -> list:
    """The rows of a table flattened to one cell a line: (start, end, anchors, cells) per row. The
    rows follow from the number of columns and where each id falls: a row starts `id_column` cells
    before its id and holds at most one cell more than the header has columns (an id-less row
    after it is not its own). Cells before the id stand in the columns before it, from the left;
    cells after it in the last columns, from the right; a cell left over reads as a cell of no column."""
    cells = [ln for ln in lines[first:limit] if not ln.blank]
    starts = [c.start for c in cells]
    at = [bisect_right(starts, g[0].start) - 1 for g in groups]
    out = []
    prev_end = -1
    for r, (g, p) in enumerate(zip(groups, at)):
        if p < 0:
            continue
        start = max(p - id_column, prev_end + 1)
        nxt = at[r + 1] - id_column if r + 1 < len(at) else len(cells)
        end = min(nxt - 1, start + n_columns, len(cells) - 1)
        end = max(end, p)
        row: list[Cell] = []
        for q in range(start, end + 1):
            if q < p:
                column = id_column - (p - q)
            elif q == p:
                column = id_column
            else:
                column = n_columns - 1 - (end - q)
                column = column if column > id_column else -1
            row.append(Cell(cells[q].start, cells[q].end, column))
        out.append((cells[start].start, cells[end].end, g, tuple(row)))
        prev_end = end
    return out


def _header_candidates(text: str, lines: list[Line]) -> list[int]:
    """The lines right above a line that may hold a registry id: where a table's header with no
    caption may stand (`_leads_rows` decides)."""
    out, pos, index, last = [], 0, 0, -1  # `index`: the line starting at `pos`
    for m in _ID_HINT.finditer(text):
        index += text.count("\n", pos, m.start())
        pos = m.start()
        if index == last:
            continue
        last = index
        j = index - 1
        while j >= 0 and lines[j].blank and index - j <= 2:
            j -= 1
        if j >= 0 and not lines[j].blank:
            out.append(j)
    return out


def _leads_rows(lines: list[Line], k: int) -> bool:
    """Is line k a table's header with no caption above it: column names only (three or more),
    and the next text line starts the rows (it holds a registry id)?"""
    ln = lines[k]
    if len(ln.text) > 400 or _ID_HINT.search(ln.text) and find_registry_ids(ln.text) or is_prose(ln):
        return False
    j = k + 1
    while j < len(lines) and lines[j].blank:
        j += 1
    if j >= len(lines) or not _ID_HINT.search(lines[j].text):
        return False
    codes, share = header_columns(ln.text)
    return len(set(codes)) >= HEADER_MIN_COLUMNS and share >= 0.6


def _lines_above(lines: list[Line], k: int, reach: int = 3) -> tuple[int, int]:
    """The text lines right above line k (up to `reach`, stopping at a blank line): (first, last), or (-1, -1)."""
    first = -1
    j = k - 1
    while j >= 0 and lines[j].blank and k - j <= 2:
        j -= 1
    last = j
    while j >= 0 and not lines[j].blank and last - j < reach:
        first = j
        j -= 1
    return (first, last) if first >= 0 else (-1, -1)


_PIPE_ROW = regex.compile(r"^\s*\|.*\|\s*$")
_PIPE_BODY = regex.compile(r"^[^\n]*\|")  # a body row of a pipe table whose rows need not open with a bar
_PIPE_RULE = regex.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*$")


def _pipe_header_after(lines: list[Line], k: int, reach: int = 4) -> int:
    """The index of a pipe table's header line within `reach` lines after line k, or -1."""
    for j in range(k + 1, min(len(lines) - 1, k + 1 + reach)):
        if "|" in lines[j].text and _PIPE_RULE.match(lines[j + 1].text):
            return j
    return -1


def _pipe_table(text, lines, k, tables, segments, row_anchors, used) -> int:
    """A Markdown pipe table (`| a | b |`, a `|---|` rule, one row a line). Returns the next line."""
    j = k + 2
    # a body row, or a line of a cell wrapped between two rows
    while j < len(lines) and (_PIPE_BODY.match(lines[j].text) or (
            not lines[j].blank and j + 1 < len(lines) and _PIPE_BODY.match(lines[j + 1].text) and not is_caption(lines[j]))):
        j += 1
    _table_of_lines(text, lines, k, range(k + 2, j), 0, tables, segments, row_anchors, used)
    used.update(range(k, j))
    return j


# Tables printed as the PDF reader prints them: one line a row, cells joined by " | " (an empty
# cell is empty text), every row of a table with the same number of cells, the caption line right
# before the rows. Read like a Markdown pipe table: the header's cells name the columns. (A PDF's
# own tables come as data, `TableCells`, and are read by `_reader_table`; this reads a text file
# that prints such rows.)
CELL_SEPARATOR = " | "
MIN_CELL_ROWS = 2  # the reader's MIN_TABLE_ROWS


def _cell_count(line: Line) -> int:
    """Cells of a PDF table row (0: not one)."""
    t = line.text
    if CELL_SEPARATOR not in t or _PIPE_ROW.match(t):
        return 0
    return t.count("|") + 1


def _cell_rows_end(lines: list[Line], k: int, stop: int) -> int:
    """End (exclusive) of the run of PDF table rows with the same number of cells starting at
    line k, or k when fewer than MIN_CELL_ROWS rows start there."""
    if k >= len(lines) or lines[k].start >= stop:
        return k
    n = _cell_count(lines[k])
    j = k
    while n and j < len(lines) and lines[j].start < stop and _cell_count(lines[j]) == n:
        j += 1
    return j if j - k >= MIN_CELL_ROWS else k


def _cell_header(line: Line) -> bool:
    """Is this row the table's header: its words mostly column names, and no trial id?"""
    codes, share = header_columns(line.text.replace("|", " "))
    return bool(codes) and share >= 0.6 and not find_registry_ids(line.text)


def _caption_before(lines: list[Line], k: int) -> bool:
    return k > 0 and is_caption(lines[k - 1]) is not None


def _cell_table(text, lines, k, end, tables, segments, row_anchors, used) -> int:
    """The PDF table whose rows are lines k..end-1 (see CELL_SEPARATOR). Returns the next line."""
    if _cell_header(lines[k]):
        _table_of_lines(text, lines, k, range(k + 1, end), 0, tables, segments, row_anchors, used)
    else:  # no header: rows of unknown columns
        _table_of_lines(text, lines, None, range(k, end), -1, tables, segments, row_anchors, used, first=k)
    used.update(range(k, end))  # the caption stays running text too, as with a Markdown table
    return end


def _reader_table(text, lines, table: TableCells, stop, tables, segments, row_anchors, used) -> None:
    """A table the reader gives as rows of cells (a PDF's): its lines are its rows, its first row
    the header when its words are column names; read like a table of one row a line, with the
    reader's cells."""
    if not table.rows or not any(a < b for row in table.rows for a, b in row):
        return
    at = [_line_index(lines, next((a for a, b in row if b > a), row[0][0])) for row in table.rows]
    if lines[at[0]].start >= stop or any(j in used for j in at) or len(set(at)) != len(at):
        return
    if len(at) < MIN_CELL_ROWS or len(table.rows[0]) < 2 or not (_cell_header(lines[at[0]]) or _caption_before(lines, at[0])):
        return  # one column, or neither a header nor a caption says what its columns are: running text
    cells = dict(zip(at, table.rows))
    if _cell_header(lines[at[0]]):
        _table_of_lines(text, lines, at[0], at[1:], 0, tables, segments, row_anchors, used, given=cells)
    else:  # no header: rows of unknown columns
        _table_of_lines(text, lines, None, at, -1, tables, segments, row_anchors, used, first=at[0], given=cells)
    used.update(range(at[0], at[-1] + 1))


def _table_of_lines(text, lines, header_index, rows, default_id_column, tables, segments, row_anchors, used, first=None, given=None) -> None:
    """A table of one row a line (Markdown pipe table or PDF table): the header's cells name
    the columns (table_columns vocabulary, by their words); each row that names a trial is a
    `row` segment with its cells. The column holding the rows' ids is the id column."""
    header = lines[header_index] if header_index is not None else None
    top = header_index if header_index is not None else first
    given = given or {}

    def cells_of(j: int) -> list[tuple[int, int]]:  # the reader's cells of line j, else its text's
        return list(given[j]) if j in given else split_cells(text, lines[j].start, lines[j].end)

    headers = tuple(text[a:b] for a, b in cells_of(header_index)) if header is not None else ()
    columns = [column_code(h) for h in headers]
    cap_index = next((j for j in range(top - 1, max(top - 4, -1), -1) if is_caption(lines[j])), None)
    cap_line = lines[cap_index] if cap_index is not None else None
    read = []  # every body line: (line, its anchors, its cells)
    for r in rows:
        ln = lines[r]
        anchors = registry_anchors(text, ln.start, ln.end) or citation_anchors(text, ln.start, ln.end)
        read.append((ln, anchors, row_cells(cells_of(r)) if r in given or "|" in ln.text else ()))
    found = [x for x in read if x[1]]
    id_col = id_column_of([c for _, _, c in found], [[a.start for a in anchors] for _, anchors, _ in found if anchors[0].kind == "registry"])
    if id_col < 0 or (0 <= id_col < len(columns) and columns[id_col] == "reference"):
        id_col = next((i for i, c in enumerate(columns) if c in ("id", "reference")), default_id_column)
    elif id_col < len(columns):
        columns[id_col] = "id"
    last = rows[-1] if len(rows) else top
    caption_end = (header or lines[top]).start
    table = Table(
        number=is_caption(cap_line).group("num") if cap_line else "", caption=cap_line.text.strip() if cap_line else "",
        start=(header or lines[top]).start, end=lines[last].end, columns=tuple(columns), id_column=id_col,
        headers=headers, caption_start=cap_line.start if cap_line else -1, caption_end=caption_end if cap_line else -1,
    )
    tables.append(table)
    if cap_line:
        segments.append(Segment("caption", cap_line.start, _caption_end(lines, cap_index, top), table=table))
    if header is not None:
        segments.append(Segment("header", header.start, header.end, table=table))
    for start, end, anchors, cells in _wrapped_rows(read, id_col):
        segments.append(Segment("row", start, end, table=table, cells=cells if header is not None else ()))
        row_anchors[(start, end)] = anchors


def _wrapped_rows(read: list, id_col: int) -> list[tuple[int, int, list, tuple]]:
    """Rows of a table of one row a line, where a row's cells may wrap onto the lines after it:
    a line with no trial id whose id cell is empty (`| | wraps here | |`), or a line of text with no
    bar, continues the row above it (its cells keep their columns; a bare line continues the row's
    last cell). A line whose id cell holds something else is a row of no trial."""
    out: list[list] = []
    current = None  # the row a wrapped line continues
    for ln, anchors, cells in read:
        if anchors:
            current = [ln.start, ln.end, anchors, list(cells)]
            out.append(current)
            continue
        if current is None or ln.blank:
            continue
        if not cells:
            last = max((c.column for c in current[3] if c.end > c.start), default=-1)
            cells = (Cell(ln.start + len(ln.text) - len(ln.text.lstrip()), ln.end, last),)
        elif any(c.column == id_col and c.end > c.start for c in cells):
            current = None
            continue
        current[1] = ln.end
        current[3].extend(c for c in cells if c.end > c.start)
    return [(s, e, a, tuple(c)) for s, e, a, c in out]


def _caption_end(lines: list[Line], cap_index: int, top: int) -> int:
    """End of a caption: its own line and the text lines after it, up to the table's first line
    (`Table 4.` then a line saying what every row is)."""
    end = lines[cap_index].end
    for j in range(cap_index + 1, top):
        if not lines[j].blank:
            if not _describes_rows(lines[j]):
                break
            end = lines[j].end
    return end


# ---------------------------------------------------------------- running text
_SENT_END = regex.compile(r"[.!?:;)\]\"']\s*$")
_NEEDS_NLP = regex.compile(r"\(\s*[\w\-/]*[A-Z][\w\-/]*s?\s*\)|\bNCT|\bet\s+al|\[\d")
# _NEEDS_NLP's alternatives, each with a substring any match of it holds: tried one by one, and
# only where that substring is (a scan for the alternation is slower)
_NEEDS_NLP_PARTS = tuple(
    (needle, regex.compile(pattern))
    for needle, pattern in (("[", r"\[\d"), ("NCT", r"\bNCT"), ("(", r"\(\s*[\w\-/]*[A-Z][\w\-/]*s?\s*\)"), ("al", r"\bet\s+al"))
)
_SIMPLE_SPLIT = regex.compile(r"(?<=[a-z0-9%)\]][.!?])\s+(?=[A-Z\[(])")
# _SIMPLE_SPLIT's matches, each with the punctuation before it: the scan starts at a character
# class, not a lookbehind, which is faster
_SIMPLE_SPLIT_AT = regex.compile(r"(?<=[a-z0-9%)\]])[.!?]\s+(?=[A-Z\[(])")


def _needs_nlp(chunk: str) -> bool:
    """Does `_NEEDS_NLP` match in `chunk`?"""
    return any(needle in chunk and pattern.search(chunk) for needle, pattern in _NEEDS_NLP_PARTS)


def paragraphs(text: str, lines: list[Line], used: set[int], stop: int) -> list[tuple[int, int, int]]:
    """Blank-line blocks of running text as (paragraph index, start, end). A block that starts in
    lower case after a block with no final punctuation continues that paragraph (a page or a
    table interrupted it): it gets the same index, so a passage is not cut by a page break."""
    blocks: list[list[int]] = []
    cur: list[int] = []
    for i, ln in enumerate(lines):
        if ln.start >= stop:
            break
        if i in used or not ln.text.strip():  # a blank line (`ln.blank` without a property call)
            if cur:
                blocks.append(cur)
                cur = []
            continue
        cur.append(i)
    if cur:
        blocks.append(cur)
    spans: list[tuple[int, int, int]] = []
    for b in blocks:
        s, e = lines[b[0]].start, lines[b[-1]].end
        first = text[s:e].lstrip()[:1]
        if spans and first.islower() and not _SENT_END.search(text[spans[-1][1]:spans[-1][2]]):
            spans.append((spans[-1][0], s, e))
        else:
            spans.append((len(spans) and spans[-1][0] + 1, s, e))
    return spans


def sentences(text: str, paras: list[tuple[int, int, int]], abbreviations: list) -> list[Segment]:
    """Sentence segments of the paragraphs. A paragraph with an abbreviation, an id, a citation or
    'et al' is cut as spaCy's sentencizer cuts it (and its abbreviation definitions collected);
    any other at a period before a capital."""
    out: list[Segment] = []
    nlp_paras, passages = [], []
    for pi, s, e in paras:
        chunk = text[s:e]
        if _needs_nlp(chunk):
            nlp_paras.append((pi, s))
            passages.append(chunk.replace("\n", " "))
        else:
            for ss, ee in _simple_sentences(chunk):
                out.append(sentence_segment(s + ss, s + ee, pi))
    for (pi, s), passage, (spans, definitions) in zip(nlp_paras, passages, analyze(passages)):
        for ss, ee in spans:
            if passage[ss:ee].strip():
                out.append(sentence_segment(s + ss, s + ee, pi))
        abbreviations.extend((short, long, s + at) for short, long, at in definitions)
    out.sort(key=lambda g: g.start)
    return out


_SENTENCE_FIELDS = vars(Segment("sentence", 0, 0))
_new_object = object.__new__


def sentence_segment(start: int, end: int, paragraph: int) -> Segment:
    """`Segment("sentence", start, end, paragraph=paragraph)`, made 3 times faster: the frozen
    dataclass's __init__ sets each field with object.__setattr__, this sets them at once (the
    same fields, so an equal object; a test checks)."""
    seg = _new_object(Segment)
    seg.__dict__.update(_SENTENCE_FIELDS, start=start, end=end, paragraph=paragraph)
    return seg


def _simple_sentences(chunk: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for m in _SIMPLE_SPLIT_AT.finditer(chunk):
        spans.append((pos, m.start() + 1))  # the match of _SIMPLE_SPLIT starts after the punctuation
        pos = m.end()
    spans.append((pos, len(chunk)))
    return [(a, b) for a, b in spans if chunk[a:b].strip()]


def segment(text: str, tables: tuple[TableCells, ...] = ()) -> Segmentation:
    """Every segment of a paper's normalized text, in order; `tables`: the reader's own tables (a
    PDF's), rows of cells in the normalized text."""
    result = Segmentation()
    ref_start = find_reference_section(text)
    stop = ref_start if ref_start is not None else len(text)
    result.references = parse_references(text, ref_start) if ref_start is not None else {}
    lines = split_lines(text)
    tables, table_segments, row_anchors, used = parse_tables(text, lines, stop, tables)
    result.tables = tables
    result.row_anchors = row_anchors
    paras = paragraphs(text, lines, used, stop)
    result.segments = sorted(table_segments + sentences(text, paras, result.abbreviations), key=lambda g: (g.start, g.end))
    for ref in result.references.values():
        result.segments.append(Segment("reference", ref.start, ref.end, ref_number=ref.number))
    return result
