"""Run the extractors over a paper's segments and tie each value to its trial(s)."""
from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

import regex

from pipeline.extract.conditions import condition_cell
from pipeline.extract.citations import find_bracket_citations, publication_id
from pipeline.extract.doses import combine_doses, find_dose_counts, find_doses
from pipeline.extract.fields import (
    find_acronyms, find_bare_counts, find_enrollment, find_start_dates, find_status,
)
from pipeline.extract.phases import find_bare_phases, find_phases
from pipeline.extract.registry_ids import find_registry_ids
from pipeline.extract.vocab_match import matcher, vocab_set
from pipeline.models import Evidence, Mention, NormalizedText, Segment
from pipeline.schema import SNIPPET_MAX
from pipeline.segment import Segmentation

VOCAB_FIELDS = ("cell_source", "donor", "product", "route", "conditions")
SPECIFIC_PRODUCTS = frozenset({"exosomes", "extracellular_vesicles", "secretome", "conditioned_medium", "stromal_vascular_fraction", "engineered_cells"})
PASSAGE_CONFIDENCE = 0.7
PASSAGE_SENTENCES = 10  # how far a passage reaches after the sentence naming its trial
LIST_FIELDS_FOR_MANY = ("product",)
_SPACES = regex.compile(r"\s+")
_THREE_LETTERS = regex.compile(r"[A-Za-z]{3}")
_AUTHOR_ET_AL = regex.compile(r"\b(?P<name>[A-Z][\p{L}'’-]+(?:\s[A-Z][\p{L}'’-]+)?)\s+et\s+al\.?(?:,?\s*\(?(?P<year>(?:19|20)\d\d)\)?)?")
_SOURCE_YEAR = regex.compile(r"(?m)^\s*Source:[^\n]*?\b((?:19|20)\d\d)\b")


def paper_synonyms(seg: Segmentation) -> dict[str, dict[str, str]]:
    """Short forms this paper defines (abbreviations in text, table legends) mapped to codes."""
    extra: dict[str, dict[str, str]] = defaultdict(dict)
    pairs = [(s, l) for s, l, _ in seg.abbreviations]
    for t in seg.tables:
        pairs.extend(t.legend)
    for short, long in pairs:
        short = short.strip()
        if len(short) < 2 or len(short) > 20:
            continue
        for field in VOCAB_FIELDS:
            if matcher(field).find(short):
                continue  # the vocabulary knows it already
            ms = matcher(field).find(long)
            found = {m.value for m in ms}
            covered = sum(m.end - m.start for m in ms)
            # the long form must be mostly the term ("BM, bone marrow"), not contain it in passing
            # ("HSCT, hematopoietic stem cell transplantation")
            if len(found) == 1 and covered >= 0.6 * len(long.strip()):
                extra[field][short] = found.pop()
    return extra


def _snippet(text: str, seg_start: int, seg_end: int, m_start: int, m_end: int) -> str:
    s, e = seg_start, seg_end
    if e - s > SNIPPET_MAX:
        half = (SNIPPET_MAX - (m_end - m_start)) // 2
        s = max(seg_start, m_start - max(half, 0))
        e = min(seg_end, s + SNIPPET_MAX)
    return _SPACES.sub(" ", text[s:e]).strip()[:SNIPPET_MAX]


@lru_cache(maxsize=1024)
def _author_pattern(name: str):
    """'Surname et al' (or "Surname's et al") for a trial known by its first author."""
    return regex.compile(r"\b" + regex.escape(name) + r"(?:'s)?\s+et\s+al\b", regex.I)


def _shifted(ms: list[Mention], by: int) -> list[Mention]:
    """`m.shifted(by)` for each mention, at half the cost of `dataclasses.replace`."""
    return [Mention(**{**vars(m), "start": m.start + by, "end": m.end + by}) for m in ms]


def _find_vocab(chunk: str, extra: dict) -> list[Mention]:
    return vocab_set(VOCAB_FIELDS).find(chunk, extra)


def _resolve_products(ms: list[Mention], defaults: list[Mention] = ()) -> list[Mention]:
    """A specific product (exosomes, EVs, SVF...) in the same segment replaces plain `cells`."""
    prods = [m for m in ms if m.field == "product"]
    specific = [m for m in prods if m.value in SPECIFIC_PRODUCTS]
    caption_specific = [m for m in defaults if m.value in SPECIFIC_PRODUCTS]
    if caption_specific and not specific:
        # a table of one specific product ("Engineered MSCs ..."): every row gives that product
        ms = ms + caption_specific
        specific = caption_specific
    elif not prods and defaults:
        ms = ms + list(defaults)
    if specific:
        ms = [m for m in ms if not (m.field == "product" and m.value == "cells")]
    return ms


class PaperLinker:
    def __init__(self, paper_id: str, norm: NormalizedText, seg: Segmentation):
        self.paper_id = paper_id
        self.norm = norm
        self.text = norm.text
        self.seg = seg
        self.extra = paper_synonyms(seg)
        self.evidence: list[Evidence] = []
        self.ref_ids: dict[int, str] = {}
        self.pub_names: dict[str, str] = {}  # surname (lower) -> ref id, for papers without a reference list
        self._snippets: dict[tuple[int, int], str] = {}  # a short segment's snippet (the same for all its values)
        self._raws: dict[str, str] = {}  # printed value -> with its whitespace runs as single spaces
        # plain text is one page: every value's page is that page's number (None)
        self._page = norm.page_numbers[0] if len(norm.page_starts) == 1 else False

    # -------------------------------------------------------------- output
    def emit(self, trial_id: str, m: Mention, seg_start: int, seg_end: int, confidence: float | None = None):
        if m.field == "citation":
            return
        raw = self._raws.get(m.raw)
        if raw is None:
            raw = self._raws[m.raw] = _SPACES.sub(" ", m.raw).strip()
        page = self._page if self._page is not False else self.norm.page_at(m.start)
        self.evidence.append(Evidence(
            trial_id=trial_id, field=m.field, value=m.value, raw=raw,
            paper_id=self.paper_id, page=page, char_start=m.start, char_end=m.end,
            snippet=self.snippet(seg_start, seg_end, m), extractor=m.extractor,
            confidence=round(min(m.confidence, confidence) if confidence is not None else m.confidence, 3),
            data=m.data,
        ))

    def snippet(self, seg_start: int, seg_end: int, m: Mention) -> str:
        if seg_end - seg_start > SNIPPET_MAX:
            return _snippet(self.text, seg_start, seg_end, m.start, m.end)
        key = (seg_start, seg_end)
        snippet = self._snippets.get(key)
        if snippet is None:
            snippet = self._snippets[key] = _snippet(self.text, seg_start, seg_end, m.start, m.end)
        return snippet

    def emit_anchor(self, trial_id: str, registry: str, start: int, end: int, seg_start: int, seg_end: int, extractor: str):
        raw = self.text[start:end]
        self.emit(trial_id, Mention("trial_id", trial_id, start, end, raw, extractor), seg_start, seg_end)
        self.emit(trial_id, Mention("registry", registry, start, end, raw, extractor), seg_start, seg_end)

    # -------------------------------------------------------------- extraction over one span
    def mentions(self, start: int, end: int, kind: str) -> list[Mention]:
        chunk = self.text[start:end]
        ms: list[Mention] = []
        ms += _find_vocab(chunk, self.extra)
        ms += find_phases(chunk)
        ms += find_status(chunk, in_table=False) if kind == "sentence" else []
        ms += find_start_dates(chunk, in_table=False) if kind == "sentence" else []
        ms += find_enrollment(chunk) if kind == "sentence" else []
        ms += find_doses(chunk)
        ms += find_dose_counts(chunk)
        ms += find_acronyms(chunk) if kind == "sentence" else []
        return _shifted(ms, start)

    # -------------------------------------------------------------- tables
    def table_rows(self):
        refs = self.seg.references
        # publication ids for the cited rows, with -b, -c on collision, in reference order
        numbers = sorted({int(a.key) for anchors in self.seg.row_anchors.values() for a in anchors if a.kind == "citation"})
        taken: dict[str, int] = {}
        for n in numbers:
            ref = refs.get(n)
            if not ref or not ref.year:
                continue
            base = publication_id(ref.surname, ref.year)
            k = taken.get(base, 0)
            taken[base] = k + 1
            self.ref_ids[n] = base if k == 0 else f"{base}-{chr(ord('a') + k)}"
        captions = {}
        for g in self.seg.segments:
            if g.kind == "caption":
                captions[id(g.table)] = self._caption_products(g)
        for g in self.seg.segments:
            if g.kind != "row":
                continue
            anchors = self.seg.row_anchors.get((g.start, g.end), [])
            trials = []
            for a in anchors:
                if a.kind == "registry":
                    trials.append((a.key, a.registry, a))
                elif int(a.key) in self.ref_ids:
                    trials.append((self.ref_ids[int(a.key)], "publication", a))
            if not trials:
                continue
            ms = self.row_mentions(g, anchors)
            ms = _resolve_products(ms, captions.get(id(g.table), []))
            for tid, registry, a in trials:
                self.emit_anchor(tid, registry, a.start, a.end, g.start, g.end, "table_row")
                for m in ms:
                    self.emit(tid, m, g.start, g.end)

    def _caption_products(self, g: Segment) -> list[Mention]:
        chunk = self.text[g.start:g.end]
        ms = [m.shifted(g.start) for m in matcher("product").find(chunk, self.extra.get("product"))]
        ms = [Mention(m.field, m.value, m.start, m.end, m.raw, "caption", 0.8) for m in ms]
        specific = [m for m in ms if m.value in SPECIFIC_PRODUCTS]
        if len({m.value for m in specific}) > 1:
            return []  # "EVs or exosomes": each row says which
        return specific or [m for m in ms if m.value == "cells"][:1]

    def row_mentions(self, g: Segment, anchors) -> list[Mention]:
        text, table = self.text, g.table
        cols = list(table.columns)
        a_end = max(a.end for a in anchors)
        ms: list[Mention] = []
        chunk = text[g.start:g.end]
        # blank out the anchors so their digits are not read as values
        masked = chunk
        for a in anchors:
            s, e = a.start - g.start, a.end - g.start
            masked = masked[:s] + " " * (e - s) + masked[e:]
        title_span = self._title_span(g, anchors, cols)
        vocab = _find_vocab(masked, self.extra)
        ms += [m.shifted(g.start) for m in vocab]
        phases = find_phases(masked, bare=True)
        # where the cells after the title (or after a leading anchor) begin, relative to the row
        id_first = bool(cols) and cols[0] in ("id", "reference")
        after_title = (title_span[1] - g.start) if title_span else (a_end - g.start if id_first else 0)
        if title_span:
            # a title may contain words that look like values of other columns: read those
            # columns only outside the title, but keep the title's vocabulary terms
            rest = masked[:title_span[0] - g.start] + " " * (title_span[1] - title_span[0]) + masked[title_span[1] - g.start:]
            phases = find_phases(rest, bare=True)
        else:
            rest = masked
        if not phases and "phase" in cols:
            tail = rest[after_title:]
            bare = find_bare_phases(tail)
            if bare:
                first = bare[0].start
                phases = [m.shifted(after_title) for m in bare if m.start == first]
        ms += [m.shifted(g.start) for m in phases]
        if "status" in cols:
            ms += [m.shifted(g.start) for m in find_status(rest, in_table=True)]
        else:
            ms += [m.shifted(g.start) for m in find_status(rest)]
        if "start_date" in cols:
            ms += [m.shifted(g.start) for m in find_start_dates(rest, in_table=True)]
        if "enrollment" in cols:
            after = max((m.end for m in phases), default=after_title)
            counts = [m for m in find_bare_counts(rest[after:])]
            if counts:
                ms.append(counts[0].shifted(g.start + after))
        doses = find_doses(rest)
        ms += [m.shifted(g.start) for m in doses]
        ms += [m.shifted(g.start) for m in find_dose_counts(rest)]
        if title_span:
            ts, te = title_span
            title = _SPACES.sub(" ", text[ts:te]).strip()
            ms.append(Mention("title", title, ts, te, text[ts:te], "table_title", 0.95))
            ms += [m.shifted(ts) for m in find_acronyms(text[ts:te], in_title=True)]
        if "sponsor" in cols:
            ms += self._sponsors(g, rest, phases, title_span)
        if "condition" in cols and not any(m.field == "conditions" for m in ms):  # printed, not in the vocabulary
            ms += _shifted(condition_cell(masked, _shifted(ms, -g.start)), g.start)  # (anchors are masked)
        return ms

    def _title_span(self, g: Segment, anchors, cols) -> tuple[int, int] | None:
        if "title" not in cols:
            return None
        text = self.text
        ti = cols.index("title")
        id_i = next((i for i, c in enumerate(cols) if c in ("id", "reference")), -1)
        a_start = min(a.start for a in anchors)
        a_end = max(a.end for a in anchors)
        if id_i >= 0 and ti < id_i:
            s, e = g.start, a_start
        else:
            s = a_end
            # the title cell: the rest of the anchor's block (or, when the ids end their block, the
            # row's next block), cut where the next column's value begins
            while s < g.end and text[s] in " \t\n":
                s += 1
            block_end = text.find("\n\n", s, g.end)
            e = g.end if block_end < 0 else block_end
            cut = e
            chunk = text[s:e]
            candidates = [m.start for m in find_phases(chunk, bare=True)]
            if "status" in cols:
                candidates += [m.start for m in find_status(chunk, in_table=True)]
            if candidates:
                cut = s + min(candidates)
            e = cut
        while s < e and text[s] in " \t\n,;:|-":
            s += 1
        while e > s and text[e - 1] in " \t\n,;:|":
            e -= 1
        if e - s < 3:
            return None
        return s, e

    def _sponsors(self, g: Segment, rest: str, phases, title_span) -> list[Mention]:
        start = (title_span[1] - g.start) if title_span else 0
        start = max([start] + [m.end for m in phases])
        out = []
        pos = g.start + start
        for line in self.text[pos:g.end].split("\n"):
            s = line.strip()
            ls = pos + line.find(s) if s else pos
            pos += len(line) + 1
            if not s or not _THREE_LETTERS.search(s) or find_phases(s, bare=True) and len(s) < 12:
                continue
            out.append(Mention("sponsors", s, ls, ls + len(s), s, "table_sponsor", 0.8))
        return out

    # -------------------------------------------------------------- running text
    def sentence_anchors(self, g: Segment) -> list[tuple[str, str, int, int, str]]:
        """(trial_id, registry, start, end, extractor) for each trial a sentence names."""
        chunk = self.text[g.start:g.end]
        out = [(m.value, m.get("registry", ""), g.start + m.start, g.start + m.end, "registry_ids") for m in find_registry_ids(chunk)]
        for s, e, nums, single in find_bracket_citations(chunk):
            if single and nums[0] in self.ref_ids:
                out.append((self.ref_ids[nums[0]], "publication", g.start + s, g.start + e, "citation"))
        for name, tid in self.pub_names.items():
            for m in _author_pattern(name).finditer(chunk):
                out.append((tid, "publication", g.start + m.start(), g.start + m.end(), "author"))
        return out

    def find_publication_trials(self):
        """Papers without a numbered reference list (web pages): 'Surname et al. ... phase 1/2a
        study', with the year from the item's 'Source:' line or '(Surname et al., 2018)'."""
        if self.seg.references:
            return
        for g in self.seg.segments:
            if g.kind != "sentence":
                continue
            chunk = self.text[g.start:g.end]
            for m in _AUTHOR_ET_AL.finditer(chunk):
                if not find_phases(chunk) or find_registry_ids(chunk):
                    continue
                year = m.group("year")
                if not year:
                    src = _SOURCE_YEAR.search(self.text[g.end:g.end + 6000])
                    year = src.group(1) if src else None
                if year:
                    self.pub_names.setdefault(m.group("name").lower(), publication_id(m.group("name"), year))

    def sentences(self):
        by_para: dict[int, list[Segment]] = defaultdict(list)
        for g in self.seg.segments:
            if g.kind == "sentence":
                by_para[g.paragraph].append(g)
        for pi, sents in by_para.items():
            anchored = [(g, self.sentence_anchors(g)) for g in sents]
            para_trials = {a[0] for _, anchors in anchored for a in anchors}
            # a passage: the sentences after the first one naming the trial by its id or author
            strong = [i for i, (_, anchors) in enumerate(anchored) if any(a[4] != "citation" for a in anchors)]
            first_anchored = strong[0] if strong else len(anchored)
            for i, (g, anchors) in enumerate(anchored):
                ms = self.mentions(g.start, g.end, "sentence")
                ms = _resolve_products(ms)
                trial_ids = list(dict.fromkeys(a[0] for a in anchors))
                for tid, registry, s, e, ex in anchors:
                    self.emit_anchor(tid, registry, s, e, g.start, g.end, ex)
                if len(trial_ids) == 1:
                    targets, conf = trial_ids, None
                elif not trial_ids and len(para_trials) == 1 and first_anchored < i <= first_anchored + PASSAGE_SENTENCES:
                    targets, conf = list(para_trials), PASSAGE_CONFIDENCE
                else:
                    targets, conf = [], None
                for m in ms:
                    if m.field in ("dose",):
                        continue
                    if targets:
                        for tid in targets:
                            self.emit(tid, m, g.start, g.end, conf)
                    elif len(trial_ids) > 1 and m.field in LIST_FIELDS_FOR_MANY:
                        for tid in trial_ids:
                            self.emit(tid, m, g.start, g.end)
                    elif len(trial_ids) > 1 and m.field == "acronym":
                        near = [a for a in anchors if 0 <= a[2] - m.end <= 300]
                        if near:
                            self.emit(min(near, key=lambda a: a[2])[0], m, g.start, g.end)
                    else:
                        self.emit("", m, g.start, g.end)
                doses = [m for m in ms if m.field == "dose"]
                if doses:
                    combined = combine_doses(doses, self.text)
                    for tid in targets:
                        if combined:
                            self.emit(tid, combined, g.start, g.end, conf)
                    if not targets:
                        for m in doses:
                            self.emit("", m, g.start, g.end)

    def run(self) -> list[Evidence]:
        self.table_rows()
        self.find_publication_trials()
        self.sentences()
        return dedupe(self.evidence)


def dedupe(evidence: list[Evidence]) -> list[Evidence]:
    seen, out = set(), []
    for ev in evidence:
        key = (ev.trial_id, ev.field, ev.value, ev.char_start, ev.char_end)
        if key in seen:
            continue
        seen.add(key)
        out.append(ev)
    out.sort(key=lambda e: (e.char_start, e.char_end, e.trial_id, e.field, e.value))
    return out


def extract_paper(paper_id: str, norm: NormalizedText, seg: Segmentation) -> list[Evidence]:
    """Every value of one paper, tied to its trial(s) where the text ties it."""
    return PaperLinker(paper_id, norm, seg).run()
