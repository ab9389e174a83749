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

import re
import unicodedata
from collections import Counter
from functools import lru_cache

import numpy as np

from pipeline.models import Document, NormalizedText

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
    lines = []  # (start, end_incl_newline, stripped)
    pos = 0
    for line in text.splitlines(keepends=True):
        lines.append((pos, pos + len(line), line.strip()))
        pos += len(line)
    content = [i for i, l in enumerate(lines) if l[2]]
    counts = Counter(lines[i][2] for i in content)
    drop: set[int] = set()
    # a run of >= 2 consecutive non-empty lines (blank lines between ignored) repeated >= 3 times
    pairs = Counter()
    for a, b in zip(content, content[1:]):
        pairs[(lines[a][2], lines[b][2])] += 1
    for a, b in zip(content, content[1:]):
        key = (lines[a][2], lines[b][2])
        if pairs[key] >= MIN_REPEATS and len(key[0]) + len(key[1]) >= MIN_BLOCK_CHARS and counts[key[0]] >= MIN_REPEATS:
            if not any(ch.isdigit() for ch in key[0] + key[1]) or _URLISH.search(key[0] + key[1]):
                drop.update((a, b))
    # single lines with a URL/DOI/volume repeated on several pages: running headers/footers
    for i in content:
        s = lines[i][2]
        if counts[s] >= MIN_REPEATS and _URLISH.search(s) and len(s) < 200:
            drop.add(i)
    return [(lines[i][0], lines[i][1], "") for i in sorted(drop)]


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


def _latex_inner(s: str) -> str:
    s = _LATEX_CMD.sub(lambda m: _LATEX_CMDS.get(m.group(0), ""), s)
    s = re.sub(r"\^\s*\{\s*([^{}]*?)\s*\}", r"^\1", s)
    s = re.sub(r"_\s*\{\s*([^{}]*?)\s*\}", r"\1", s)
    s = s.replace("{", "").replace("}", "")
    return re.sub(r"\s+", " ", s).strip()


def clean_markup(text: str) -> list[Edit]:
    edits: list[Edit] = []
    if "$" in text:
        for m in _MATH.finditer(text):
            inner = m.group(1)
            # "$5 and $10" is money; math has LaTeX markup or is a bare (in)equation ("$n = 30$")
            if not (re.search(r"[\\^_{}]", inner) or re.fullmatch(r"\s*[A-Za-z]?\s*[=<>]?\s*[\d.,]+\s*%?\s*", inner)):
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
        for m in _MD_EMPH.finditer(text):
            mark = len(m.group(1))
            edits.append((m.start(), m.start() + mark, ""))
            edits.append((m.end() - mark, m.end(), ""))
    edits.extend((m.start(), m.end(), "") for m in _MD_HEADING.finditer(text))
    return edits


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


def clean_unicode(text: str) -> list[Edit]:
    edits: list[Edit] = []
    taken = set()
    for m in _SUPER_RUN.finditer(text):
        edits.append((m.start(), m.end(), "^" + m.group(0).translate(_SUPERSCRIPTS)))
        taken.update(range(m.start(), m.end()))
    for m in _NON_ASCII.finditer(text):
        i = m.start()
        if i in taken:
            continue
        repl = _char_repl(m.group(0))
        if repl is not None and repl != m.group(0):
            edits.append((i, i + 1, repl))
    return edits


# ---------------------------------------------------------------- 4. broken words
_BROKEN = re.compile(r"(?<!\w)(\w++)-[ \t]*\n[ \t]*(\w+)")  # a word start; a word is not retried shorter
_WORD = re.compile(r"[A-Za-z][A-Za-z']+")


def join_broken_words(text: str) -> list[Edit]:
    if "-\n" not in text and "- \n" not in text:
        return []
    words: Counter | None = None  # words of the paper, counted when first needed
    edits: list[Edit] = []
    for m in _BROKEN.finditer(text):
        left, right = m.group(1), m.group(2)
        hyphen_at = text.index("-", m.end(1) - 0, m.start(2))
        keep = right[0].isupper() or right[0].isdigit() or left[-1].isdigit()
        if not keep and len(left) > 2 and len(right) > 2:
            if words is None:
                words = _word_counts(text)
            keep = (words.get((left + right).lower(), 0) == 0
                    and words.get(left.lower(), 0) > 0 and words.get(right.lower(), 0) > 0)
        # keep the hyphen: only drop the line break; else drop hyphen and line break
        edits.append((hyphen_at + 1 if keep else hyphen_at, m.start(2), ""))
    return edits


def _word_counts(text: str) -> Counter:
    """Lower-cased words of the text, not counting the fragments of its broken words."""
    words: Counter = Counter()
    for w, n in Counter(_WORD.findall(_BROKEN.sub(" ", text))).items():
        words[w.lower()] += n
    return words


# ---------------------------------------------------------------- composition
PASSES = (drop_boilerplate, clean_markup, clean_unicode, join_broken_words)
PAGE_SEPARATOR = "\n\n"


def normalize_string(raw: str) -> tuple[str, np.ndarray]:
    """Run every pass over `raw`; return the text and its map to `raw` offsets."""
    text = raw
    to_raw = np.arange(len(raw) + 1, dtype=np.int64)
    for step in PASSES:
        edits = step(text)
        if not edits:
            continue
        text, m = apply_edits(text, edits)
        to_raw = to_raw[m]
    return text, to_raw


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
    return NormalizedText(text=text, to_raw=to_raw, page_starts=starts, page_numbers=numbers)
