"""Run the extractors over a paper's segments and tie each value to its trial(s)."""
from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

import regex

from pipeline import fields, vocab
from pipeline.extract.cells import count_alone, header_unit, printed_condition, read_cell
from pipeline.extract.citations import find_bracket_citations, publication_id
from pipeline.extract.conditions import condition_cell
from pipeline.extract.doses import combine_doses, find_dose_counts, find_doses
from pipeline.extract.fields import (
    find_acronyms, find_bare_counts, find_funders, find_start_dates, find_status,
)
from pipeline.extract.phases import find_bare_phases, find_phases
from pipeline.extract.registry_ids import find_registry_ids
from pipeline.extract.vocab_match import matcher, vocab_set
from pipeline.models import Evidence, Mention, NormalizedText, Segment
from pipeline.schema import SNIPPET_MAX
from pipeline.segment import Segmentation
from pipeline.segment.cells import OTHER, column_reads, record_label
from pipeline.segment.tables import split_lines
from pipeline.link.items import bind_items, leading_sentences, named_together, said_of_all, spots_of
from pipeline.link.scope import OwnTrials, Sections, find_own_trials, group_registrations

VOCAB_FIELDS = fields.vocabulary_fields()  # each field's finder and scope: `pipeline.fields`
TEXT_FINDERS = fields.text_finders()
SPECIFIC_PRODUCTS = frozenset({"exosomes", "extracellular_vesicles", "secretome", "conditioned_medium", "stromal_vascular_fraction", "engineered_cells"})
PASSAGE_CONFIDENCE = 0.7
PASSAGE_SENTENCES = 10
FRONT_MATTER = 1500  # the characters of a paper before its abstract that hold its title
_ABSTRACT_HEADING = regex.compile(r"(?im)^\s*(?:abstract|summary|background)\b")
RECORD_NAME_WORDS = 12  # a record's sponsor field longer than this is prose
RECORD_SCALAR_WORDS = 5  # a record's status, phase, count or date on the line under its label is this short
RECORD_SCALARS = fields.short_in_records_fields()
DOCUMENT_CONFIDENCE = 0.6  # a value tied by the document's scope (its own trial), not by its sentence
DOCUMENT_SINGLE = fields.document_fields()
SHARED_BY_OWN_TRIALS = fields.shared_by_own_trials_fields()
DOCUMENT_ONE_STATEMENT = fields.first_statement_fields()
# a dosing act, named in a count ("three intravenous infusions") or beside it
_DOSING_ACT = regex.compile(r"(?i)\b(?:inject|infus|administ|transplant|implant|instill|transfus|application|course|cycle)\w*")
# a sentence that states the field of the study itself (preferred at document scope)
DOCUMENT_CUES = {
    "enrollment": regex.compile(r"(?i)\b(?:randomi[sz]e[sd]?|randomly\s+assign(?:ed)?|enrol(?:l)?(?:ed|s)?|recruit(?:ed|s)?|includ(?:ed|e)|allocat(?:ed|e)|assign(?:ed)?|sample\s+size|aim(?:s|ed)?\s+to\s+(?:recruit|enrol)|were\s+treated|received|participat(?:ed|ing)|took\s+part|met\s+the\s+(?:eligibility|inclusion)\s+criteria)\b"),
    "status": regex.compile(r"(?i)\b(?:the|this|our)\s+(?:[\w-]+\s+)?(?:trial|study|research|investigation|project)\b|\brecruitment\b|\btrial\s+status\b|\bstatus\b"),
    "start_date": regex.compile(r"(?i)\b(?:recruitment|enrol(?:l)?ment|the\s+(?:[\w-]+\s+)?(?:trial|study))\s+(?:began|started|commenced|will\s+(?:begin|start)|is\s+(?:anticipated|expected|planned)\s+to\s+start)|\bstart(?:ed)?\b"),
    "acronym": regex.compile(r"(?i)\b(?:trial|study)\b"),
    "phase": regex.compile(r"(?i)\b(?:trials?|stud(?:y|ies)|RCTs?|design|open[\s-]label|randomi[sz]ed|controlled|double[\s-]blind|placebo|single[\s-]arm|multicent(?:er|re)|pilot)\b"),
    "dose_count": regex.compile(r"(?i)\b(?:dos(?:e|es|ed|ing)|given|received|receive|treatments?)\b|" + _DOSING_ACT.pattern),
}
PASSAGE_STATED = fields.passage_stated_fields()  # tied by a passage only where stated of the study
COUNT_CUE_REACH = 60  # characters either side of a dose count where its dosing word stands
_A_PART = regex.compile(r"(?i)\b(?:other|additional|further|more|remaining|extra)\b")  # "six other participants"
# "Total sample (N = 99)", "All patients (n = 120)", "Overall, N = 64" heading a table or standing alone
_TOTAL_SAMPLE = regex.compile(
    r"(?im)^[ \t|]*(?:total|overall|all\s+(?:patients|participants|subjects|randomi[sz]ed))\b[^\n=|]{0,30}?[(,]?\s*n\s*=\s*(?P<n>\d{1,5})\b"
)
_OTHER_STUDY = regex.compile(
    r"(?i)\b(?:previous(?:ly)?|prior|earlier|preceding|preliminary|we\s+(?:have\s+)?reported|reprinted|adapted\s+from|et\s+al)\b"
    r"|\[\d+(?:[,–-]\s*\d+)*\]|\((?:19|20)\d\d[a-z]?\)"
)  # a sentence about another study: a citation ("[12]", "Said et al. (2012)"), "our previous phase I study"
_HYPOTHETICAL = regex.compile(r"(?i)\b(?:if|whether|unless|should|may\s+be|prematurely\s+or)\b")  # how far a passage reaches after the sentence naming its trial
LIST_FIELDS_FOR_MANY = fields.shared_fields()
CAPTION_FIELDS = fields.caption_fields()  # a caption naming one value of these gives it to every row
BARE_PHASE_PIECE = 12  # the longest piece of a run-together row read as a bare phase
LEFTOVER_CELL_READS = fields.leftover_fields()
_VOCAB_COLUMN = {"cell_source": "cell_source", "route": "route", "conditions": "condition", "donor": "cell_source"}
_TIME_AFTER = regex.compile(r"\s*(?:months?|weeks?|years?|days?|wks?|mos?|hours?|h|yrs?|min)\b", regex.I)  # "6 months" after a number
_SPACES = regex.compile(r"\s+")
_YEAR_TOKEN = regex.compile(r"(?<![\w./()\[-])(?:19|20)\d\d(?![\w./()\]-])")
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
    return most_specific(vocab_set(VOCAB_FIELDS).find(chunk, extra), chunk)


NARROWER_REACH = 40  # how near a narrower term stands to the broader one it refines
_JOINS_TWO = regex.compile(r"(?i)\b(?:and|or|versus|vs|then|plus|followed\s+by)\b|[,;/+&]")


def most_specific(ms: list[Mention], text: str) -> list[Mention]:
    """Each value as the most specific code the text gives: a term that a narrower one refines side
    by side ("Intravenous (portal vein)", "umbilical cord Wharton's jelly MSCs") is dropped; two
    values joined ("intravenous and intraportal") are both kept (vocabulary key `broader`)."""
    narrower = [(m, broader_code(m.field, m.value)) for m in ms]
    if not any(b for _, b in narrower):
        return ms
    drop = set()
    for n, b in narrower:
        if not b:
            continue
        for k, m in enumerate(ms):
            if m.field != n.field or m.value != b:
                continue
            lo, hi = (m.end, n.start) if m.end <= n.start else (n.end, m.start)
            if 0 <= hi - lo <= NARROWER_REACH and not _JOINS_TWO.search(text, lo, hi):
                drop.add(k)
    return [m for k, m in enumerate(ms) if k not in drop]


@lru_cache(maxsize=None)
def broader_code(field: str, code: str) -> str:
    if field not in VOCAB_FIELDS:
        return ""
    entry = vocab.load(field).by_code.get(code)
    return entry.broader if entry else ""


def _resolve_products(ms: list[Mention], defaults: list[Mention] = ()) -> list[Mention]:
    """A specific product (exosomes, EVs, SVF...) in the same segment replaces plain `cells`."""
    prods = [m for m in ms if m.field == "product"]
    specific = [m for m in prods if m.value in SPECIFIC_PRODUCTS]
    caption_specific = [m for m in defaults if m.value in SPECIFIC_PRODUCTS]
    if caption_specific:
        # a table of one specific product ("Engineered MSCs ...", "... extracellular vesicles"):
        # every row gives that product, beside the one the row names ("exosomes")
        have = {m.value for m in specific}
        ms = ms + [m for m in caption_specific if m.value not in have]
        specific = specific + caption_specific
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
        self.own = OwnTrials()
        self._sentence_ids: dict[int, list[Mention]] = {}
        self._sections: Sections | None = None
        self._document_best: dict[str, tuple] = {}  # single-value field -> the document scope's value

    # -------------------------------------------------------------- output
    def emit(self, trial_id: str, m: Mention, seg_start: int, seg_end: int, confidence: float | None = None, scope: str = ""):
        """One evidence row. `scope` names the unit wider than the row or sentence that tied the
        value to its trial (`passage`, `document`); it is written after the extractor's name."""
        if m.field == "citation":
            return
        raw = self._raws.get(m.raw)
        if raw is None:
            raw = self._raws[m.raw] = _SPACES.sub(" ", m.raw).strip()
        page = self._page if self._page is not False else self.norm.page_at(m.start)
        self.evidence.append(Evidence(
            trial_id=trial_id, field=m.field, value=m.value, raw=raw,
            paper_id=self.paper_id, page=page, char_start=m.start, char_end=m.end,
            snippet=self.snippet(seg_start, seg_end, m), extractor=f"{m.extractor}@{scope}" if scope else m.extractor,
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

    def emit_anchor(self, trial_id: str, registry: str, start: int, end: int, seg_start: int, seg_end: int, extractor: str,
                    confidence: float = 1.0):
        raw = self.text[start:end]
        primary = self.own.aliases.get(trial_id)
        if primary is not None:  # a further registration of a trial: its other id
            self.emit(primary, Mention("other_ids", trial_id, start, end, raw, extractor, confidence), seg_start, seg_end)
            return
        self.emit(trial_id, Mention("trial_id", trial_id, start, end, raw, extractor, confidence), seg_start, seg_end)
        self.emit(trial_id, Mention("registry", registry, start, end, raw, extractor, confidence), seg_start, seg_end)

    # -------------------------------------------------------------- extraction over one span
    def mentions(self, start: int, end: int, kind: str) -> list[Mention]:
        chunk = self.text[start:end]
        ms: list[Mention] = list(_find_vocab(chunk, self.extra))
        for find in TEXT_FINDERS:  # each field's finder in running text (`pipeline.fields`)
            ms += find(chunk)
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
                captions[id(g.table)] = self._caption_defaults(g)
        for g in self.seg.segments:
            if g.kind != "row":
                continue
            anchors = self.seg.row_anchors.get((g.start, g.end), [])
            trials, others = [], []
            registered = [a for a in anchors if a.kind == "registry"]
            for group in group_registrations([(a.key, a.registry) for a in registered]):
                a = next(x for x in registered if x.key == group[0][0])
                trials.append((a.key, a.registry, a))
                others += [(a.key, next(x for x in registered if x.key == o)) for o, _ in group[1:]]
            for a in anchors:
                if a.kind != "registry" and int(a.key) in self.ref_ids:
                    trials.append((self.ref_ids[int(a.key)], "publication", a))
            if not trials:
                continue
            for tid, a in others:  # one trial's ids in several registries
                self.emit(tid, Mention("other_ids", a.key, a.start, a.end, a.raw, "table_row", a.confidence), g.start, g.end)
            if _reads_cells(g):
                ms = self.cell_mentions(g, anchors)
            elif g.cells:
                ms = self.piece_mentions(g, anchors)
            else:
                ms = self.row_mentions(g, anchors)
            defaults = captions.get(id(g.table), [])
            ms = _resolve_products(ms, [m for m in defaults if m.field == "product"])
            stated = {m.field for m in ms}
            ms += [m for m in defaults if m.field != "product" and m.field not in stated]
            for tid, registry, a in trials:
                self.emit_anchor(tid, registry, a.start, a.end, g.start, g.end, "table_row", a.confidence)
                for m in ms:
                    self.emit(tid, m, g.start, g.end)

    def _caption_defaults(self, g: Segment) -> list[Mention]:
        """What a caption says of every row (`...trials of umbilical cord MSCs`, `Intravenous infusion
        of MSCs was performed in the listed trials`): its product, and the one cell source, donor
        or route it names (a caption naming two of one field says nothing of each row)."""
        chunk = self.text[g.start:g.end]
        out = self._caption_products(g)
        for field in CAPTION_FIELDS:
            ms = [m.shifted(g.start) for m in most_specific(matcher(field).find(chunk, self.extra.get(field)), chunk)]
            if len({m.value for m in ms}) == 1:
                m = ms[0]
                out.append(Mention(m.field, m.value, m.start, m.end, m.raw, "caption", 0.8))
        return out

    def _caption_products(self, g: Segment) -> list[Mention]:
        chunk = self.text[g.start:g.end]
        ms = [m.shifted(g.start) for m in matcher("product").find(chunk, self.extra.get("product"))]
        ms = [Mention(m.field, m.value, m.start, m.end, m.raw, "caption", 0.8) for m in ms]
        specific = [m for m in ms if m.value in SPECIFIC_PRODUCTS]
        if len({m.value for m in specific}) > 1:
            return []  # "EVs or exosomes": each row says which
        return specific or [m for m in ms if m.value == "cells"][:1]

    def cell_mentions(self, g: Segment, anchors) -> list[Mention]:
        """A row whose cells are known: each cell read by its column's readers (the anchors'
        digits blanked out). The title is the first title cell that is not a citation."""
        text, table = self.text, g.table
        ms: list[Mention] = []
        have_title = False
        for c in g.cells:
            code = table.columns[c.column] if 0 <= c.column < len(table.columns) else OTHER
            # a cell of no column (a row with more cells than the header has names) is read for
            # the values whose printed form says what they are
            fields = column_reads(code) if c.column >= 0 else LEFTOVER_CELL_READS
            if not fields or c.end <= c.start:
                continue
            chunk = text[c.start:c.end]
            for a in anchors:
                if a.end > c.start and a.start < c.end:
                    s, e = max(a.start, c.start) - c.start, min(a.end, c.end) - c.start
                    chunk = chunk[:s] + " " * (e - s) + chunk[e:]
            unit = header_unit(table.headers[c.column]) if c.column < len(table.headers) else None
            for f in fields:
                if f == "title" and have_title:
                    continue
                found = _one_dose(read_cell(f, chunk, self.extra, unit), chunk)
                if f == "dose_count" and code == "frequency" and not found:
                    found = count_alone(chunk)
                if f == "conditions" and code == "condition" and not found:
                    found = printed_condition(chunk)
                have_title = have_title or (f == "title" and bool(found))
                ms += [m.shifted(c.start) for m in found]
        return ms

    def piece_mentions(self, g: Segment, anchors) -> list[Mention]:
        """A row whose cells were run together: each piece (see `glue_pieces`) read as a cell of
        unknown column; the header's columns say whether a title (the first long piece after the
        id) and an enrollment (the first bare count after the phase) are there to be read."""
        text, cols = self.text, g.table.columns
        ms: list[Mention] = []
        a_end = max(a.end for a in anchors)
        while a_end < len(text) and "0" <= text[a_end] <= "9":
            a_end += 1  # digits glued after the id (a reference number, or cells run into it) are not read
        seen_phase, have_title, have_count = False, "title" not in cols, "enrollment" not in cols
        # the enrollment is the first bare count after the phase when the phase is printed first
        phase_first = "phase" in cols and "enrollment" in cols and cols.index("phase") < cols.index("enrollment")
        for c in g.cells:
            start = max(c.start, a_end)
            if c.end <= start:
                continue  # the id's piece (with a row number glued before it), or a piece before it
            chunk = text[start:c.end]
            found = _find_vocab(chunk, self.extra)
            # a bare numeral is a phase only as a piece of its own ("I/II"), not in "1 × 10^6"
            phases = find_phases(chunk, bare=True) or (find_bare_phases(chunk) if len(chunk) <= BARE_PHASE_PIECE else [])
            if phases and "route" in cols and any(m.field == "route" and m.start == 0 and m.end == len(chunk) for m in found):
                phases = []  # "IV" under a header with a route column: the route, not phase 4
            status = read_cell("status", chunk)
            if not have_title and len(chunk.split()) >= 3 and not phases and not status:
                found += read_cell("title", chunk) + find_acronyms(chunk, in_title=True)
                have_title = True
            if not have_count and (seen_phase or not phase_first) and not phases:
                count = [m for m in find_bare_counts(chunk) if m.start == 0 and m.end == len(chunk)]
                if count:
                    found += count
                    have_count = True
            seen_phase = seen_phase or bool(phases)
            found += phases + status + _one_dose(find_doses(chunk), chunk) + read_cell("dose_count", chunk)
            ms += [m.shifted(start) for m in found]
        return ms

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
            tail_doses = find_doses(tail)
            for d in tail_doses:  # "1-2 × 10^6 cells/kg" holds no phase "1-2"
                tail = tail[:d.start] + " " * (d.end - d.start) + tail[d.end:]
            bare = find_bare_phases(tail)
            if bare and "dose" in cols and cols.index("dose") < cols.index("phase") and tail_doses:
                # the phase column after the dose column: a numeral before the dose is another column's ("3" doses)
                bare = [m for m in bare if m.start >= max(d.end for d in tail_doses)] or bare
            if bare:
                pick = bare[-1].start if cols[-1] == "phase" else bare[0].start  # the last column's: the row's last numeral
                phases = [m.shifted(after_title) for m in bare if m.start == pick]
        ms += [m.shifted(g.start) for m in phases]
        if "status" in cols or "phase_status" in cols:
            ms += [m.shifted(g.start) for m in find_status(rest, in_table=True)]
        else:
            ms += [m.shifted(g.start) for m in find_status(rest)]
        if "start_date" in cols:
            dates = find_start_dates(rest, in_table=True)
            if not dates:  # a year alone under a "Start year" header, after the id ("NCT... 2016 Spain ...")
                year = _YEAR_TOKEN.search(rest, a_end - g.start)
                dates = [Mention("start_date", year.group(0), year.start(), year.end(), year.group(0), "start_date", 0.8)] if year else []
            ms += [m.shifted(g.start) for m in dates]
        doses = find_doses(rest)
        if "enrollment" in cols:
            # the count between the values of the columns printed before the enrollment column
            # and those printed after it
            placed = [(c, m.start, m.end) for c, found in (("phase", phases), ("dose", doses)) for m in found]
            placed += [(_VOCAB_COLUMN.get(m.field, ""), m.start, m.end) for m in vocab]
            placed += [(c, a.start - g.start, a.end - g.start) for a in anchors for c in ("id", "reference")]
            # (a "Phase Status" / "Phase/status" column holds the phase)
            pcols = ["phase" if c == "phase_status" else c for c in cols]
            e_i = pcols.index("enrollment")
            # (a term of the vocabularies may stand in a later free-text cell: only ids, phases and
            # doses mark where the earlier columns end)
            before = [e for c, _, e in placed if c in pcols[:e_i] and c in ("phase", "dose", "id", "reference")]
            lo = max(before, default=max((m.end for m in phases), default=after_title) if "phase" not in pcols[e_i:] else after_title)
            lo = max(lo, after_title)
            hi = min((s_ for c, s_, _ in placed if c in pcols[e_i + 1:] and c not in pcols[:e_i] and s_ >= lo), default=len(rest))
            counts = [m for m in find_bare_counts(rest[lo:hi]) if not _TIME_AFTER.match(rest, lo + m.end)]
            if counts:
                ms.append(counts[0].shifted(g.start + lo))
        ms += [m.shifted(g.start) for m in doses]
        counts = find_dose_counts(rest)
        if not counts and "frequency" in cols:
            counts = read_cell("dose_count", rest)  # "Single", "Twice", "4 times" under a Frequency header
        ms += [m.shifted(g.start) for m in counts]
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
            # each line read as a sponsor cell: a status, an id or a phase on it is another column's
            out += [Mention("sponsors", m.value, ls + m.start, ls + m.end, m.raw, "table_sponsor", 0.8) for m in read_cell("sponsors", s)]
        return out

    # -------------------------------------------------------------- running text
    def _ids_in(self, g: Segment) -> list[Mention]:
        """The registry ids a sentence prints (found once: the own-trial search and the sentence pass both ask)."""
        found = self._sentence_ids.get(g.start)
        if found is None:
            found = self._sentence_ids[g.start] = find_registry_ids(self.text[g.start:g.end])
        return found

    def sentence_anchors(self, g: Segment) -> list[tuple[str, str, int, int, str]]:
        """(trial_id, registry, start, end, extractor) for each trial a sentence names."""
        chunk = self.text[g.start:g.end]
        out = [(m.value, m.get("registry", ""), g.start + m.start, g.start + m.end, "registry_ids") for m in self._ids_in(g)]
        for s, e, nums, single in find_bracket_citations(chunk):
            if single and nums[0] in self.ref_ids:
                out.append((self.ref_ids[nums[0]], "publication", g.start + s, g.start + e, "citation"))
        for name, tid in self.pub_names.items():
            for m in _author_pattern(name).finditer(chunk):
                out.append((tid, "publication", g.start + m.start(), g.start + m.end(), "author"))
        for tid, pattern in self.own.labels.items():  # "the first pilot" of a report of two labelled trials
            for m in pattern.finditer(chunk):
                out.append((tid, "", g.start + m.start(), g.start + m.end(), "label"))
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
        own = set(self.own.ids)
        for pi, sents in by_para.items():
            printed = {id(g): self.sentence_anchors(g) for g in sents}
            anchored = [(g, self._primary(printed[id(g)])) for g in sents]
            para_trials = {a[0] for _, anchors in anchored for a in anchors}
            # sentences leading up to the one naming their trial ("Kim et al. used ...", "... . The study was registered as NCT...")
            leads = leading_sentences([self.text[g.start:g.end] for g in sents], [[a[0] for a in anchors] for _, anchors in anchored])
            # a passage: the sentences after one naming a single trial by its id or author, until
            # a sentence names another trial
            current, since = None, 0
            for i, (g, anchors) in enumerate(anchored):
                ms = self.mentions(g.start, g.end, "sentence")
                ms = _resolve_products(ms)
                trial_ids = list(dict.fromkeys(a[0] for a in anchors))
                for tid, registry, s, e, ex in printed[id(g)]:
                    if ex != "label":
                        self.emit_anchor(tid, registry, s, e, g.start, g.end, ex)
                scope = ""
                if len(trial_ids) == 1:
                    targets, conf = trial_ids, None
                elif not trial_ids and i in leads:
                    targets, conf, scope = [leads[i]], PASSAGE_CONFIDENCE, "passage"
                elif not trial_ids and current is not None and i - since <= PASSAGE_SENTENCES and self._sections_of().same(anchored[since][0].start, g.start):
                    targets, conf, scope = [current], PASSAGE_CONFIDENCE, "passage"
                elif not trial_ids and own and self._only_own_near(anchored, g, para_trials, own) and self._speaks_of_own(g.start):
                    targets, conf, scope = self.own.ids, DOCUMENT_CONFIDENCE, "document"
                elif not trial_ids and own and self._only_own_near(anchored, g, para_trials, own):
                    # a background or a discussion speaks of other studies; a funding statement
                    # (often among the acknowledgements) still names the paper's own funders
                    for m in (m for m in ms if m.extractor == "funders"):
                        for tid in self.own.ids:
                            self.emit(tid, m, g.start, g.end, DOCUMENT_CONFIDENCE, "document")
                    ms = [m for m in ms if m.extractor != "funders"]
                    targets, conf = [], None
                else:
                    targets, conf = [], None
                if trial_ids:
                    strong = any(a[4] != "citation" for a in anchors)
                    current, since = (trial_ids[0], i) if len(trial_ids) == 1 and strong else (None, i)
                if scope == "document":
                    if _is_affiliation(self.text, g.start, g.end):
                        # an author's address ("... Executive Blvd., MSC 7510, Bethesda, MD 20892"), unless
                        # it is a funding statement ("funded by the Department of Health, UK")
                        ms = [m for m in ms if m.extractor == "funders"]
                    ms = self._document_values(g, ms)
                elif scope == "passage":  # a count or a status in a passage: only where the sentence says it of the study
                    ms = [m for m in ms if m.field not in PASSAGE_STATED or self._stated(g, m)]
                items, added = bind_items(self.text, g.start, g.end, spots_of(anchors), ms) if len(trial_ids) > 1 else ({}, [])
                ms = ms + added
                # trials named together ("NCT... and NCT... delivered autologous marrow cells"): what no item
                # pairs with one of them is said of each
                together = len(trial_ids) > 1 and named_together(self.text, spots_of(anchors))
                for k, m in enumerate(ms):
                    if k in items:  # one item of a list of trials: "cord cells (NCT...), marrow cells (NCT...)"
                        self.emit(items[k], m, g.start, g.end)
                        continue
                    if m.field in ("dose",):
                        continue
                    if targets:
                        for tid in targets:
                            self.emit(tid, m, g.start, g.end, conf, scope)
                    elif len(trial_ids) > 1 and (m.field in LIST_FIELDS_FOR_MANY or (together and m.field in VOCAB_FIELDS)
                                                 or (m.field == "status" and said_of_all(self.text, g.start, m))):
                        for tid in trial_ids:
                            self.emit(tid, m, g.start, g.end)
                    elif len(trial_ids) > 1 and m.field == "acronym":
                        near = [a for a in anchors if 0 <= a[2] - m.end <= 300]
                        if near:
                            self.emit(min(near, key=lambda a: a[2])[0], m, g.start, g.end)
                    else:
                        self.emit("", m, g.start, g.end)
                doses = [m for k, m in enumerate(ms) if m.field == "dose" and k not in items]
                if doses:
                    combined = combine_doses(msc_doses(doses, self.text, g.start), self.text)
                    for tid in targets:
                        if combined:
                            self.emit(tid, combined, g.start, g.end, conf, scope)
                    if not targets:
                        for m in doses:
                            self.emit("", m, g.start, g.end)

    def _primary(self, anchors):
        """Anchors with each further registration of a trial named by the trial's primary id."""
        aliases = self.own.aliases
        if not aliases:
            return anchors
        return [(aliases.get(a[0], a[0]),) + tuple(a[1:]) for a in anchors]

    def _only_own_near(self, anchored, g: Segment, para_trials: set, own: set) -> bool:
        """Does the part of the paragraph under the sentence's heading name no trial but the own?
        (An abstract's background citing another trial does not keep its methods from the own trial.)"""
        if para_trials <= own:
            return True
        sections = self._sections_of()
        return all(a[0] in own for h, anchors in anchored if sections.same(h.start, g.start) for a in anchors)

    def _sections_of(self) -> Sections:
        if self._sections is None:
            self._sections = Sections(self.text)
        return self._sections

    def _speaks_of_own(self, offset: int) -> bool:
        return self._sections_of().speaks_of_own(offset)

    def _document_values(self, g: Segment, ms: list[Mention]) -> list[Mention]:
        """At document scope a single-value field keeps one value: held back here, the best one
        (a sentence that says so of the study, else the first) is emitted after the pass."""
        keep = []
        chunk = self.text[g.start:g.end]
        for m in ms:
            if m.field in DOCUMENT_ONE_STATEMENT:
                if m.field not in self._document_best and DOCUMENT_CUES[m.field].search(chunk) and not _OTHER_STUDY.search(chunk):
                    # the first sentence stating it of a study (not another study's, nor "a phase II"
                    # ending a cited title): all its values
                    self._document_best[m.field] = (True, [x for x in ms if x.field == m.field], g.start, g.end)
                continue
            if m.field not in DOCUMENT_SINGLE:
                keep.append(m)
                continue
            if m.field in ("status", "start_date") and _HYPOTHETICAL.search(chunk):
                continue  # "if the trial is terminated ...", "will be recruited"
            stated = self._stated(g, m)
            if m.field == "enrollment" and stated and (_parts_only(ms) or _A_PART.search(m.raw)):
                stated = False  # "(62 participants) and ... (31 participants)", "six other participants": parts of the sample
            if m.field in ("status", "dose_count") and not stated:
                continue  # "questionnaires were completed", "assessed twice": not the study's status or doses
            best = self._document_best.get(m.field)
            if best is None or (stated and not best[0]):  # a record's field ("record") is never replaced
                self._document_best[m.field] = (stated, m, g.start, g.end)
        return keep

    def _stated(self, g: Segment, m: Mention) -> bool:
        """Does sentence g say value m of the study (DOCUMENT_CUES: "were randomised", "the trial is
        recruiting"; a dose count beside a dosing word: "assessed twice" is no dose count)?"""
        cue = DOCUMENT_CUES.get(m.field)
        if cue is None:
            return False
        if m.field == "dose_count":
            # a dosing act in the count ("three intravenous infusions") or a dosing word beside it; the
            # word "doses" alone is not enough ("the two doses were selected": two dose levels)
            return bool(_DOSING_ACT.search(self.text, m.start, m.end)
                        or cue.search(self.text, max(g.start, m.start - COUNT_CUE_REACH), m.start)
                        or cue.search(self.text, m.end, min(g.end, m.end + COUNT_CUE_REACH)))
        return bool(cue.search(self.text, g.start, g.end))

    def _own_acronym(self):
        """The acronym of the document's own trial: the one it uses most ("the REPOSE trial", even
        in its background), with a parenthesis in its title ("... Reduction then Stop (EARS)")
        counting twice; a record's acronym field wins."""
        best = self._document_best.get("acronym")
        if not self.own.ids or (best and best[0] == "record"):
            return
        votes: dict[str, list] = {}
        for ev in self.evidence:
            if ev.field == "acronym" and not ev.trial_id:
                votes.setdefault(ev.value, []).append(Mention("acronym", ev.value, ev.char_start, ev.char_end, ev.raw, ev.extractor, 0.6))
        front = self.text[:FRONT_MATTER]
        cut = _ABSTRACT_HEADING.search(front)
        front = front[:cut.start()] if cut else front
        at = 0
        for line in front.split("\n"):  # each line of the title block, as a title
            for m in find_acronyms(line, in_title=True):
                m = m.shifted(at)
                votes.setdefault(m.value, []).extend([m, m])
            at += len(line) + 1
        if best:
            votes.setdefault(best[1].value, []).append(best[1])
        if not votes:
            return
        value = max(votes, key=lambda v: (len(votes[v]), -min(m.start for m in votes[v])))
        if len(votes[value]) < 2:
            return
        m = min(votes[value], key=lambda m: m.start)
        s = self.text.rfind("\n", 0, m.start) + 1
        e = self.text.find("\n", m.end)
        self._document_best["acronym"] = (True, m, s, e if e >= 0 else len(self.text))

    def _emit_document_best(self):
        for stated, held, s, e in sorted(self._document_best.values(), key=lambda x: x[2]):
            if len(self.own.ids) > 1 and stated != "record" and not isinstance(held, list) and held.field not in SHARED_BY_OWN_TRIALS:
                continue  # a report of several trials: which one's enrollment or status? (their passages and rows say)
            for m in held if isinstance(held, list) else [held]:
                for tid in self.own.ids:
                    self.emit(tid, m, s, e, 0.85 if stated == "record" else DOCUMENT_CONFIDENCE, "document")

    def document_totals(self):
        """A report's total sample printed as a table's heading or a line of its own ("Total sample
        (N = 99)", "All participants (n = 120)"): the own trial's enrollment. It is said as a total,
        so it wins over the sentences (which often count a part: "only six were recruited through
        ..."); a registry record's field still wins."""
        best = self._document_best.get("enrollment")
        if not self.own.ids or "=" not in self.text or (best and best[0] == "record"):
            return
        m = _TOTAL_SAMPLE.search(self.text)
        if m:
            s = self.text.rfind("\n", 0, m.start()) + 1
            e = self.text.find("\n", m.end())
            mention = Mention("enrollment", str(int(m.group("n"))), m.start("n"), m.end("n"), m.group(0), "total_sample", 0.8)
            self._document_best["enrollment"] = (True, mention, s, e if e >= 0 else len(self.text))

    def record_fields(self):
        """A registry record as text (`Recruitment status: Recruiting`, `Public title` with its value
        on the next line): each labelled field read like a table cell under that header, for the
        document's own trial. A label names its field through the header vocabulary."""
        if not self.own.ids:
            return
        lines = [ln for ln in split_lines(self.text) if ln.text.strip()]
        for k, ln in enumerate(lines):
            label, value = record_label(ln.text)
            if label is None:
                continue
            below = False
            if value is not None:
                vs, ve = ln.start + value[0], ln.start + value[1]
            elif k + 1 < len(lines) and record_label(lines[k + 1].text)[0] is None:
                nxt = lines[k + 1]
                vs, ve = nxt.start + len(nxt.text) - len(nxt.text.lstrip()), nxt.end
                below = True
            else:
                continue
            chunk = self.text[vs:ve]
            if find_registry_ids(chunk):
                continue  # the record's id field: the trial itself
            for f in column_reads(label):
                if f == "title" and "title" not in ln.text.lower():
                    continue  # a record's title is labelled so ("Public title"), not "Study"
                if below and f != "title" and len(chunk.split()) > (RECORD_SCALAR_WORDS if f in RECORD_SCALARS else RECORD_NAME_WORDS):
                    continue  # a heading ("Subjects", "Recruitment") over a line of prose: no record field
                if f == "sponsors" and (len(chunk.split()) > RECORD_NAME_WORDS or find_funders(chunk) or _FUNDING_SENTENCE.search(chunk)):
                    continue  # a sentence under a "Funding" heading (its funders are read as a sentence's)
                for m in read_cell(f, chunk, self.extra):
                    m = Mention(m.field, m.value, m.start + vs, m.end + vs, m.raw, f"record_{m.extractor}", 0.85, m.data)
                    if m.field in DOCUMENT_SINGLE or m.field == "dose":
                        if m.field not in self._document_best or not self._document_best[m.field][0] == "record":
                            self._document_best[m.field] = ("record", m, ln.start, ve)
                    else:
                        for tid in self.own.ids:
                            self.emit(tid, m, ln.start, ve, 0.85, "document")

    def run(self) -> list[Evidence]:
        self.own = find_own_trials(self.text, [(g.start, g.end, self._ids_in(g)) for g in self.seg.segments if g.kind == "sentence"])
        self.table_rows()
        self.record_fields()
        self.find_publication_trials()
        self.sentences()
        self.document_totals()
        self._own_acronym()
        self._emit_document_best()
        return dedupe(self.evidence)


_FUNDING_SENTENCE = regex.compile(r"(?i)\b(?:was|were|is|are|has\s+been)\s+(?:\w+\s+)?(?:funded|supported|sponsored|financed)\b")
_INSTITUTION = regex.compile(r"(?i)\b(?:department|division|institute|university|hospital|school|faculty|cent(?:er|re)|laboratory|clinic)\b")
_ADDRESS = regex.compile(
    r"(?i)\b(?:blvd|boulevard|street|st\.|road|rd\.|avenue|ave\.|suite|rm|floor|p\.?\s?o\.?\s+box)\b|\b\d{5}(?:-\d{4})?\b|\S@\S"
    r"|,\s*(?:USA|UK|United\s+Kingdom|China|Canada|Australia|Germany|France|Italy|Spain|Japan|Korea|India|Iran|Brazil|Netherlands)\s*(?:[.;]|$)"
)


DOSE_HEAD_REACH = 60  # how far before a dose the cells it is a dose of are named
_CELL_NOUN = regex.compile(r"(?i)\bcells?\b|MSCs?\b")
_MSC_WORD = regex.compile(r"(?i)MSCs?\b|\bmesenchymal|\bstromal")


def msc_doses(doses: list[Mention], text: str, start: int) -> list[Mention]:
    """A sentence's doses of different cells ("autologous MSCs (target dose: 150 million) and cardiac
    stem cells (c-kit+) (target dose: 5 million)"): the MSCs' alone, where each dose follows the
    cells it is a dose of and only some of those are MSCs. Doses of one product ("1 and 5 million
    cells/kg", "cohort A ... cohort B") are all kept."""
    if len(doses) < 2:
        return doses
    doses = sorted(doses, key=lambda d: d.start)
    heads, prev = [], start
    for d in doses:
        before = text[max(prev, d.start - DOSE_HEAD_REACH):d.start]
        nouns = list(_CELL_NOUN.finditer(before))
        if not nouns:
            return doses  # a dose not after its cells: they are one product's
        heads.append(before)
        prev = d.end
    msc = [d for d, h in zip(doses, heads) if _MSC_WORD.search(h)]
    return msc if 0 < len(msc) < len(doses) else doses


def _is_affiliation(text: str, start: int, end: int) -> bool:
    """Is text[start:end] an author's affiliation (an institution and a postal address or e-mail)?"""
    return bool(_INSTITUTION.search(text, start, end) and _ADDRESS.search(text, start, end))


def _parts_only(ms: list[Mention]) -> bool:
    """Does a sentence print two or more counts of people none of which is the sum of the rest (parts
    of a sample: "62 from practices and 31 from the service"), rather than a total and its breakdown
    ("60 patients: 30 MSC and 30 placebo")?"""
    counts = [int(m.value) for m in ms if m.field == "enrollment" and m.value.isdigit()]
    if len(counts) < 2:
        return False
    return not any(2 * c == sum(counts) for c in counts)


def _one_dose(ms: list[Mention], chunk: str) -> list[Mention]:
    """The doses printed in one cell are one dose range (`0.7 × 10^6 cells/kg – 2.8 × 10^6 cells/kg`)."""
    doses = [m for m in ms if m.field == "dose"]
    if len(doses) < 2:
        return ms
    combined = combine_doses(doses, chunk)
    return [m for m in ms if m.field != "dose"] + ([combined] if combined else [])


def _reads_cells(g: Segment) -> bool:
    """Is the row read cell by cell: its cells are known and some column's header names a field?"""
    return any(c.column >= 0 for c in g.cells) and any(column_reads(c) for c in g.table.columns)


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
