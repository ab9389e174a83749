"""Normalize a paper's raw text, keeping a map from every output character to its raw offset.

Passes, each a pure function `str -> (str, map)`, composed in `normalize_document`:

1. `drop_boilerplate`: web-page boilerplate (a run of two or more lines repeated three or more
   times, e.g. a newsletter box) and running headers/footers with a URL or DOI repeated on pages.
2. `clean_markup`: LaTeX math (`$2 \\times 10^6$` -> `2 × 10^6`, `$10^{7}$` -> `10^7`,
   `$\\leq 30\\%$` -> `≤ 30%`), HTML `<sup>` (`10<sup>6</sup>` -> `10^6`), Markdown emphasis.
3. `clean_unicode`: Roman numerals (Ⅰ -> I), ligatures, superscript digits (`10⁶` -> `10^6`),
   dashes and minus to `-`, odd spaces to a space, soft hyphens and zero-width characters removed.
4. `join_broken_words`: `Mesen-` + newline + `chymal` -> `Mesenchymal`; `Marrow-` + `Derived`
   keeps its hyphen (the next part is capitalized, or both parts are words of the paper and the
   joined form is not).

Line breaks are kept (the segmenter reads table layout from them).
"""
from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from functools import lru_cache

import numpy as np

from pipeline.models import Document, NormalizedText, TableCells

Edit = tuple[int, int, str]  # replace raw[start:end] with the string


def apply_edits(text: str, edits: list[Edit]) -> tuple[str, np.ndarray]:
    """Apply non-overlapping edits; return the new text and, per new char, its offset in `text`.

    The map has one extra entry (the end). A replacement's characters map to its span's start,
    or one to one when it has the span's length (spread monotonically over its span otherwise).
    """
    edits = sorted(e for e in edits if e[0] < e[1] or e[2])
    parts: list[str] = []
    # the text as segments: (start in `text`, length in `text`, length in the output)
    seg_start: list[int] = []
    seg_raw: list[int] = []
    seg_out: list[int] = []
    pos = 0
    for start, end, repl in edits:
        if start < pos:  # overlapping edit: keep the first
            continue
        if start > pos:
            parts.append(text[pos:start])
            seg_start.append(pos), seg_raw.append(start - pos), seg_out.append(start - pos)
        parts.append(repl)
        seg_start.append(start), seg_raw.append(end - start), seg_out.append(len(repl))
        pos = end
    parts.append(text[pos:])
    seg_start.append(pos), seg_raw.append(len(text) - pos), seg_out.append(len(text) - pos)
    out_len = np.array(seg_out, dtype=np.int64)
    first_out = np.cumsum(out_len) - out_len
    # an output char maps to its segment's start plus its offset in the segment...
    mapped = np.arange(int(out_len.sum()) + 1, dtype=np.int64)
    mapped[:-1] += np.repeat(np.array(seg_start, dtype=np.int64) - first_out, out_len)
    mapped[-1] = len(text)
    # ...except in a replacement of another length: start + i * raw_len // out_len
    for k, (raw, out) in enumerate(zip(seg_raw, seg_out)):
        if raw != out and out:
            i = first_out[k]
            mapped[i:i + out] = seg_start[k] + (np.arange(out, dtype=np.int64) * raw) // out
    return "".join(parts), mapped


# ---------------------------------------------------------------- 1. boilerplate
_URLISH = re.compile(r"(?:https?://|www\.|doi\.org|\bdoi:|\bVol\.\s*\d)", re.I)
MIN_REPEATS = 3
MIN_BLOCK_CHARS = 40


def drop_boilerplate(text: str) -> list[Edit]:
    """Edits deleting repeated boilerplate lines."""
    raw_lines = text.splitlines(keepends=True)
    stripped = [line.strip() for line in raw_lines]
    counts = Counter(stripped)
    # only a line seen MIN_REPEATS times or more can be dropped (a pair repeated that often is
    # made of such lines): most papers have none
    frequent = {s for s, n in counts.items() if n >= MIN_REPEATS and s}
    if not frequent:
        return []
    content = [i for i, s in enumerate(stripped) if s]
    drop: set[int] = set()
    # a run of >= 2 consecutive non-empty lines (blank lines between ignored) repeated >= 3 times
    pairs = [(a, b) for a, b in zip(content, content[1:]) if stripped[a] in frequent and stripped[b] in frequent]
    pair_counts = Counter((stripped[a], stripped[b]) for a, b in pairs)
    for a, b in pairs:
        key = (stripped[a], stripped[b])
        if pair_counts[key] >= MIN_REPEATS and len(key[0]) + len(key[1]) >= MIN_BLOCK_CHARS:
            if not (_has_digit(key[0]) or _has_digit(key[1])) or _URLISH.search(key[0] + key[1]):
                drop.update((a, b))
    # single lines with a URL/DOI/volume repeated on several pages: running headers/footers
    urlish = {s for s in frequent if len(s) < 200 and _URLISH.search(s)}
    if urlish:
        drop.update(i for i in content if stripped[i] in urlish)
    if not drop:
        return []
    starts = list(itertools.accumulate(map(len, raw_lines), initial=0))
    return [(starts[i], starts[i + 1], "") for i in sorted(drop)]


def _has_digit(s: str) -> bool:
    return any(map(str.isdigit, s))


# ---------------------------------------------------------------- 2. markup
_MATH = re.compile(r"\$\$?([^$\n]{1,200}?)\$\$?")
_LATEX_CMDS = {
    r"\times": "×", r"\cdot": "·", r"\leq": "≤", r"\le": "≤", r"\geq": "≥", r"\ge": "≥",
    r"\pm": "±", r"\sim": "~", r"\approx": "≈", r"\mu": "µ", r"\%": "%", r"\,": " ", r"\;": " ",
    r"\!": "", r"\ ": " ", r"\alpha": "α", r"\beta": "β", r"\gamma": "γ", r"\kappa": "κ",
    r"\circ": "°", r"\degree": "°", r"\textrm": "", r"\mathrm": "", r"\text": "", r"\mathbf": "",
    r"\rm": "", r"\left": "", r"\right": "", r"\to": "→", r"\rightarrow": "→", r"\times10": "× 10",
}
_LATEX_CMD = re.compile(r"\\[A-Za-z]+|\\[%,;! ]")
_SUP_TAG = re.compile(r"<sup>\s*([^<]{0,20}?)\s*</sup>", re.I)
_SUB_TAG = re.compile(r"</?sub>", re.I)
_MD_EMPH = re.compile(r"(?<![\w*])(\*{1,3}|_{2,3})(?=\S)(.+?)(?<=\S)\1(?![\w*])")
_MD_HEADING = re.compile(r"^(#{1,6})\s+", re.M)
_LATEX_SUP = re.compile(r"\^\s*\{\s*([^{}]*?)\s*\}")
_LATEX_SUB = re.compile(r"_\s*\{\s*([^{}]*?)\s*\}")
_SPACES = re.compile(r"\s+")
_LATEX_MARK = re.compile(r"[\\^_{}]")
_BARE_EQUATION = re.compile(r"\s*[A-Za-z]?\s*[=<>]?\s*[\d.,]+\s*%?\s*")


def _latex_inner(s: str) -> str:
    s = _LATEX_CMD.sub(lambda m: _LATEX_CMDS.get(m.group(0), ""), s)
    s = _LATEX_SUP.sub(r"^\1", s)
    s = _LATEX_SUB.sub(r"\1", s)
    s = s.replace("{", "").replace("}", "")
    return _SPACES.sub(" ", s).strip()


def clean_markup(text: str) -> list[Edit]:
    edits: list[Edit] = []
    if "$" in text:
        for m in _MATH.finditer(text):
            inner = m.group(1)
            # "$5 and $10" is money; math has LaTeX markup or is a bare (in)equation ("$n = 30$")
            if not (_LATEX_MARK.search(inner) or _BARE_EQUATION.fullmatch(inner)):
                continue
            edits.append((m.start(), m.end(), _latex_inner(inner)))
    if "<" in text:
        for m in _SUP_TAG.finditer(text):
            inner = m.group(1)
            before = text[max(m.start() - 1, 0): m.start()]
            repl = "^" + inner if inner.isdigit() and before.isdigit() else inner
            edits.append((m.start(), m.end(), repl))
        edits.extend((m.start(), m.end(), "") for m in _SUB_TAG.finditer(text))
    if "*" in text or "__" in text:
        for m in _matches_from(_MD_EMPH, text, _EMPH_START):
            mark = len(m.group(1))
            edits.append((m.start(), m.start() + mark, ""))
            edits.append((m.end() - mark, m.end(), ""))
    if "#" in text:
        edits.extend((m.start(), m.end(), "") for m in _matches_from(_MD_HEADING, text, _HEADING_START))
    return edits


_EMPH_START = re.compile(r"[*_]")  # the first character of any match of _MD_EMPH
_HEADING_START = re.compile("#")  # ...of _MD_HEADING (at a line start)


def _matches_from(pattern: re.Pattern, text: str, start: re.Pattern):
    """`pattern.finditer(text)` (of a pattern that matches no empty string), tried only where
    `start` finds the first character of a match: the `re` engine tries every position, slowly
    for a pattern that begins with an assertion. `match` at a position still sees the text
    before it (lookbehind, '^')."""
    pos = 0
    for c in start.finditer(text):
        if c.start() < pos:
            continue
        m = pattern.match(text, c.start())
        if m:
            yield m
            pos = m.end()


# ---------------------------------------------------------------- 3. unicode
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", "0123456789+-")
_SPECIAL = {
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\ufe63": "-", "\uff0d": "-",
    "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2004": " ", "\u2005": " ", "\u2006": " ",
    "\u2007": " ", "\u2008": " ", "\u2009": " ", "\u200a": " ", "\u202f": " ", "\u205f": " ",
    "\u3000": " ", "\t": " ",
    "\u00ad": "", "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "",
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u00b5": "µ", "\u03bc": "µ", "\u2044": "/", "\u2215": "/", "\u00d7": "×",
    "\u2026": "...", "\u2022": "•", "\r": "",
}
_SUPER_RUN = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻]+")


@lru_cache(maxsize=4096)
def _char_repl(ch: str) -> str | None:
    if ch in _SPECIAL:
        return _SPECIAL[ch]
    decomposition = unicodedata.decomposition(ch)
    if decomposition.startswith(("<compat>", "<font>", "<wide>", "<narrow>", "<fraction>")) or "\u2160" <= ch <= "\u217f":
        return unicodedata.normalize("NFKC", ch)
    if unicodedata.category(ch) == "Cc" and ch not in "\n\f":
        return " "
    return None


_NON_ASCII = re.compile(r"[^\x20-\x7e\n]")
_SUPER_CHARS = frozenset("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻")  # those of `_SUPER_RUN`


def clean_unicode(text: str) -> list[Edit]:
    edits: list[Edit] = []
    # superscript runs (`_SUPER_RUN`) read from the same scan: their characters are non-ASCII
    run_start = run_end = -1
    for m in _NON_ASCII.finditer(text):
        i, ch = m.start(), m.group(0)
        if ch in _SUPER_CHARS:
            if i != run_end:
                if run_end >= 0:
                    edits.append(_superscript_edit(text, run_start, run_end))
                run_start = i
            run_end = i + 1
            continue
        repl = _char_repl(ch)
        if repl is not None and repl != ch:
            edits.append((i, i + 1, repl))
    if run_end >= 0:
        edits.append(_superscript_edit(text, run_start, run_end))
    return edits


def _superscript_edit(text: str, start: int, end: int) -> Edit:
    """`10⁶` -> `10^6`; a space a PDF put between the base and its exponent goes too (`10 ⁶`)."""
    at = start
    while at > 0 and text[at - 1] in " \t":
        at -= 1
    if at < start and text[max(0, at - 2):at] == "10":
        return at, end, "^" + text[start:end].translate(_SUPERSCRIPTS)
    return start, end, "^" + text[start:end].translate(_SUPERSCRIPTS)


# ---------------------------------------------------------------- 4. broken words
# what `join_broken_words` finds and counts (the definitions; it finds them faster, see below)
_BROKEN = re.compile(r"(?<!\w)(\w++)-[ \t]*\n[ \t]*(\w+)")  # a word start; a word is not retried shorter
_WORD = re.compile(r"[A-Za-z][A-Za-z']+")


# `_BROKEN` found from its hyphen, which `re` finds quickly (a pattern that starts with a
# lookbehind is tried at every position): the hyphen follows a word character, and the left word
# is the whole run of word characters before it (`\w++` after `(?<!\w)`), found by walking back.
# A tail holds no other hyphen, so no match hides one.
_BROKEN_TAIL = re.compile(r"-[ \t]*\n[ \t]*(\w+)")


def _broken_matches(text: str) -> list[tuple[int, int, int, int]]:
    """(start, end, hyphen, right word start) of each match of `_BROKEN.finditer(text)`."""
    out, pos = [], 0
    for m in _BROKEN_TAIL.finditer(text):
        hyphen = start = m.start()
        if not (hyphen and _is_word_char(text[hyphen - 1])):
            continue
        while start > 0 and _is_word_char(text[start - 1]):
            start -= 1
        if start < pos:
            continue  # its left word is the right word of the match before
        out.append((start, m.end(), hyphen, m.start(1)))
        pos = m.end()
    return out


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # `re`'s \w


def join_broken_words(text: str) -> list[Edit]:
    if "-\n" not in text and "- \n" not in text:
        return []
    words: set[bytes] | None = None  # words of the paper, found when first needed
    edits: list[Edit] = []
    broken = _broken_matches(text)
    for start, end, hyphen_at, right_start in broken:
        left, right = text[start:hyphen_at], text[right_start:end]
        keep = right[0].isupper() or right[0].isdigit() or left[-1].isdigit()
        if not keep and len(left) > 2 and len(right) > 2:
            if words is None:
                words = _words(text, broken)
            keep = (not _is_word((left + right).lower(), words)
                    and _is_word(left.lower(), words) and _is_word(right.lower(), words))
        # keep the hyphen: only drop the line break; else drop hyphen and line break
        edits.append((hyphen_at + 1 if keep else hyphen_at, right_start, ""))
    return edits


# bytes: ASCII letters lower-cased, apostrophes kept, any other byte a space
_WORD_BYTES = bytes(c + 32 if 65 <= c <= 90 else c if 97 <= c <= 122 or c == 39 else 32 for c in range(256))


def _words(text: str, broken: list[tuple[int, int, int, int]]) -> set[bytes]:
    """The text's words (`_WORD`), lower-cased, not counting the fragments of its broken words
    (as `_WORD.findall(_BROKEN.sub(" ", text))`), as ASCII bytes: every other character becomes
    '?', no word character either.

    A `_WORD` match is a run of letters and apostrophes from its first letter: the set holds the
    runs without their leading apostrophes (and so runs of 1 letter, no `_WORD`, but
    `join_broken_words` only asks about words of 3 letters or more)."""
    parts, pos = [""], 0
    for start, end, _, _ in broken:
        parts.append(text[pos:start])
        pos = end
    parts.append(text[pos:])
    runs = " ".join(parts).encode("ascii", "replace").translate(_WORD_BYTES)  # a space first
    while b" '" in runs:
        runs = runs.replace(b" '", b" ")
    return set(runs.split())


def _is_word(word: str, words: set[bytes]) -> bool:
    return word.isascii() and word.encode() in words


# ---------------------------------------------------------------- composition
PASSES = (drop_boilerplate, clean_markup, clean_unicode, join_broken_words)
PAGE_SEPARATOR = "\n\n"


def normalize_string(raw: str) -> tuple[str, np.ndarray]:
    """Run every pass over `raw`; return the text and its map to `raw` offsets."""
    text = raw
    to_raw = None  # the identity until a pass edits
    for step in PASSES:
        edits = step(text)
        if not edits:
            continue
        text, m = apply_edits(text, edits)
        to_raw = m if to_raw is None else to_raw[m]
    return text, np.arange(len(raw) + 1, dtype=np.int64) if to_raw is None else to_raw


def normalize_document(doc: Document) -> NormalizedText:
    """Join the pages and normalize; page starts are carried into normalized offsets."""
    raw_starts, parts, pos = [], [], 0
    for k, page in enumerate(doc.pages):
        if k:
            parts.append(PAGE_SEPARATOR)
            pos += len(PAGE_SEPARATOR)
        raw_starts.append(pos)
        parts.append(page.text)
        pos += len(page.text)
    raw = "".join(parts)
    text, to_raw = normalize_string(raw)
    starts = tuple(int(np.searchsorted(to_raw, s, side="left")) for s in raw_starts) or (0,)
    numbers = tuple(p.number for p in doc.pages) or (None,)
    tables = tuple(_normalized_table(table, at, to_raw) for page, at in zip(doc.pages, raw_starts) for table in page.tables)
    return NormalizedText(text=text, to_raw=to_raw, page_starts=starts, page_numbers=numbers, tables=tables)


def _normalized_table(table: TableCells, page_start: int, to_raw) -> TableCells:
    """A page's table with its cells' spans carried into the normalized text (the first normalized
    character at or after each raw offset)."""
    def at(raw: int) -> int:
        return int(np.searchsorted(to_raw, page_start + raw, side="left"))
    return TableCells(rows=tuple(tuple((at(s), at(e)) for s, e in row) for row in table.rows))
