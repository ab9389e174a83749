"""What a paper says about itself: title, year and DOI, for papers.csv and the report.

Read from the start of the normalized text (a paper states them before its abstract) and, for a
PDF, its document information. Each is left empty when the paper does not state it plainly:
    - title: a PDF's `Title` entry when it reads as a title (words, not a file name such as
      `7245947.dvi`); else a Markdown file's first `#` heading, or the text's first paragraph when
      it is one short line, has a few words and does not end like a sentence;
    - DOI: the first `10.NNNN/...` in the first HEAD characters (or in a PDF's Title/Subject);
    - year: the year after "Published", "©" or "Copyright", "Accepted" or "Received" in the head,
      in that order of preference (a copyright is the year of publication; acceptance can be the
      year before).
"""
from __future__ import annotations

import re

HEAD = 5000
_DOI = re.compile(r"\b10\.\d{4,9}/[^\s\"'<>\]\[(){}]+")
_YEAR_AFTER = tuple(re.compile(p + r"[^\n\d]{0,40}?(?:\d{1,2}\s+\w+\s+)?\b((?:19|20)\d{2})\b", re.I) for p in (
    r"\bpublished(?:\s+online)?\b", r"(?:©|\(c\)|\bcopyright\b)", r"\baccepted\b", r"\breceived\b"))
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.M)
_MARKUP = re.compile(r"<[^>]+>|[*_`]+")
_FILE_NAME = re.compile(r"\.(?:dvi|docx?|pdf|tex|indd|rtf|odt|ps|eps|qxd)\b|^\s*untitled\s*$|^microsoft word", re.I)
_NOT_TITLES = frozenset({"abstract", "introduction", "review", "review article", "original article", "research",
                         "open access", "summary", "background"})
MAX_TITLE = 300


def _as_title(text: str) -> str:
    text = " ".join(_MARKUP.sub("", text).split()).strip(" .")
    words = re.findall(r"[^\W\d_]{2,}", text)
    if len(words) < 3 or len(text) > MAX_TITLE or _FILE_NAME.search(text) or text.lower() in _NOT_TITLES:
        return ""
    return text


def title_of(text: str, kind: str, metadata: dict) -> str:
    if metadata.get("Title") and (title := _as_title(metadata["Title"])):
        return title
    if kind == "pdf":
        return ""  # a PDF's first line is as often the journal's name as the paper's title
    head = text[:HEAD]
    m = _HEADING.search(head) if kind == "markdown" else None
    if m:
        return _as_title(m.group(1))
    paragraph = next((p.strip() for p in re.split(r"\n\s*\n", head) if p.strip()), "")
    first = paragraph.split("\n")[0]
    if first != paragraph or first.endswith((".", ":", ",", ";")) or len(first) > 200:
        return ""
    return _as_title(first)


def doi_of(text: str, metadata: dict) -> str:
    for source in (text[:HEAD], metadata.get("Subject", ""), metadata.get("Title", ""), metadata.get("Keywords", "")):
        m = _DOI.search(source)
        if m:
            return m.group(0).rstrip(".,;:")
    return ""


def year_of(text: str) -> int | None:
    head = text[:HEAD]
    for pattern in _YEAR_AFTER:
        m = pattern.search(head)
        if m:
            return int(m.group(1))
    return None


def describe(text: str, kind: str, metadata=()) -> tuple[str, int | None, str]:
    """(title, year, doi) of a paper from its normalized text and a PDF's metadata pairs."""
    info = dict(metadata)
    return title_of(text, kind, info), year_of(text), doi_of(text, info)
