"""The reviewer's spot-check report: one self-contained HTML file (`report.html`).

    render_report(trials, evidence, papers, *, rejected=(), problems=(), registry=None, meta=None) -> str
    write_report(out_dir, trials, evidence, papers, ...same keywords...) -> Path   (atomic)

`trials` are rows as `pipeline.merge.merge_trials` returns them (dicts keyed by
`schema.TRIAL_FIELDS`, list columns as lists, plus `registry_status`, `registry_conflicts`,
`reviewed`); `evidence` dicts keyed by `schema.EVIDENCE_FIELD_NAMES`; `papers` dicts keyed by
`schema.PAPER_FIELD_NAMES`; `rejected` dicts (trial_id, field, value, reviewer, note) for values a
reviewer rejected; `problems` messages about corrections that were not applied; `registry` maps
trial_id -> {field: registry value} (shown beside the papers' value where `registry_conflicts`
names the field); `meta` is shown in the header (pipeline version, run time, corpus, corrections).

What is where:

* Python draws everything that is static: the overview (counts, failed papers, coverage per field),
  the charts (inline SVG), the papers table. Every string is passed through `html.escape`.
* The trial table and each trial's evidence are drawn by the inline script from a JSON data block
  (`<script type="application/json">`, with `<`, `>`, `&`, U+2028 and U+2029 written as `\\uXXXX`
  so no text can close the block), using DOM APIs and `textContent` only. A trial's evidence is
  built when it is expanded. Snippets, paper ids and extractor names are stored once and referenced
  by index, so 20,000 evidence rows stay a few megabytes.
* A Content-Security-Policy meta tag forbids every network load (`default-src 'none'`); the one
  inline script is allowed by its SHA-256 hash, so even a string that escaped escaping would not
  run; styles are inline; images only `data:`.
* The reviewer marks values (accept / reject per value, set per field) by clicking; the marks are
  kept in the browser's local storage for this report and exported as the corrections CSV that
  `pipeline.corrections` reads (`window.reportExportCsv()` returns its text; the button saves it
  through a Blob download).

Pure functions used by the page, tested on their own: `highlight_span` (where `raw` is inside a
snippet; evidence offsets point into the paper, not the snippet), `record_url` (a registry's record
page for a trial id, from `pipeline/vocab/registries.yaml`), `embed_json`, the SVG chart functions.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Mapping, Optional, Sequence

import yaml

from pipeline import fields
from pipeline.errors import VocabularyError
from pipeline.extract.registry_ids import registry_of
from pipeline.schema import (
    EVIDENCE_FIELDS, LIST_FIELDS, LIST_SEP, PHASES, REGISTRIES, TRIAL_FIELDS,
)
from pipeline.write.report_assets import REPORT_CSS, REPORT_JS
from pipeline.write.tables import atomic_path

__all__ = [
    "render_report", "write_report", "highlight_span", "snippet_start", "record_url", "registry_links", "parse_registry_links",
    "embed_json", "bar_chart", "dose_histogram", "dose_value", "format_dose", "CSP", "REPORT_FILE",
]

REPORT_FILE = "report.html"
CORRECTION_COLUMNS = ("trial_id", "field", "action", "value", "reviewer", "note")  # = pipeline.corrections
# fields a reviewer may correct (pipeline.corrections.CORRECTABLE_FIELDS: a trial's id is its key)
CORRECTABLE_FIELDS = fields.correctable_fields()
# fields whose coverage the overview shows (share of trials with a value): the values a trial has
COVERAGE_FIELDS = fields.value_fields()
# charts of the overview: (field, title, at most this many bars; the rest are summed as "other")
CHARTS = (
    ("phase", "Trials per phase", 8),
    ("cell_source", "Cell source", 12),
    ("route", "Route of administration", 12),
    ("registry", "Registry", 12),
)
CHART_NOUNS = {"phase": "phases (Phase 1/2)", "cell_source": "cell sources", "route": "routes"}
# fields the table can be filtered by value: the coded columns of the papers' values, then the run's
FILTER_FIELDS = fields.coded_columns(evidence=True) + ("sources", "conflicts", "registry_conflicts", "registry_status")

# The page may load nothing: no network, no other file. The script is allowed by its hash (filled in
# by `_csp`), styles inline, images only as data: URLs (none are used today).
CSP = (
    "default-src 'none'; script-src {script}; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)


# --------------------------------------------------------------------------------------------------
# Registries: label and record-page template per registry code (pipeline/vocab/registries.yaml)
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RegistryLink:
    code: str
    label: str
    url: str  # template with {id}


_REGISTRY_FILE_KEYS = frozenset({"field", "description", "entries"})
_REGISTRY_ENTRY_KEYS = frozenset({"code", "label", "url"})


def parse_registry_links(data: Mapping, source: str = "<data>") -> dict[str, RegistryLink]:
    """Validate the registries file's data: known keys only, codes from `schema.REGISTRIES`, each
    once, and an https URL template holding `{id}` exactly once."""
    if not isinstance(data, Mapping) or set(data) - _REGISTRY_FILE_KEYS or not isinstance(data.get("entries"), list):
        raise VocabularyError("V001", f"{source}: a mapping with 'entries' (a list) and optional "
                                      f"'field', 'description'; found {sorted(data) if isinstance(data, Mapping) else type(data).__name__}")
    links: dict[str, RegistryLink] = {}
    for k, e in enumerate(data["entries"]):
        where = f"{source} entry {k + 1}"
        if not isinstance(e, Mapping):
            raise VocabularyError("V002", f"{where}: must be a mapping")
        if set(e) - _REGISTRY_ENTRY_KEYS:
            raise VocabularyError("V002", f"{where}: unknown keys {sorted(set(e) - _REGISTRY_ENTRY_KEYS)}")
        code, label, url = e.get("code"), e.get("label"), e.get("url")
        if code not in REGISTRIES or code == "publication":
            raise VocabularyError("V002", f"{where}: {code!r} is not a registry code of the trials table")
        if code in links:
            raise VocabularyError("V003", f"{where}: duplicate code {code!r}")
        if not isinstance(label, str) or not label.strip():
            raise VocabularyError("V002", f"{where}: missing 'label'")
        if not isinstance(url, str) or not url.startswith("https://") or url.count("{id}") != 1 \
                or re.search(r"\{(?!id\})|(?<!\{id)\}", url) or re.search(r"\s", url):
            raise VocabularyError("V002", f"{where}: 'url' must be an https address with '{{id}}' once")
        links[code] = RegistryLink(code, label.strip(), url)
    return links


@lru_cache(maxsize=1)
def registry_links() -> dict[str, RegistryLink]:
    """The packaged registries file, validated (cached; the mapping must not be changed)."""
    text = resources.files("pipeline.vocab").joinpath("registries.yaml").read_text(encoding="utf-8")
    return parse_registry_links(yaml.safe_load(text), source="registries.yaml")


def record_url(trial_id: str, registry: Optional[str] = None) -> Optional[str]:
    """The address of a trial's public record page, or None (a `ref:` trial, an unknown registry).

    `registry` defaults to the registry the id's format names. The id is percent-encoded as one
    path or query component ("CTRI/2020/05/012345" -> "CTRI%2F2020%2F05%2F012345").
    """
    if not trial_id or not isinstance(trial_id, str):
        return None
    code = registry or registry_of(trial_id)
    link = registry_links().get(code or "")
    if link is None:
        return None
    return link.url.replace("{id}", urllib.parse.quote(trial_id, safe=""))


# --------------------------------------------------------------------------------------------------
# Small pure helpers
# --------------------------------------------------------------------------------------------------
def _utf16_len(text: str) -> int:
    """Length in UTF-16 code units: what JavaScript string offsets count."""
    return len(text.encode("utf-16-le")) // 2


def _boundaries(pattern: str, raw: str) -> str:
    """`pattern` that may not start or end inside a word where `raw` starts or ends with one."""
    left = r"(?<!\w)" if raw[:1].isalnum() else ""
    right = r"(?!\w)" if raw[-1:].isalnum() else ""
    return left + pattern + right


def _find(snippet: str, raw: str) -> Optional[tuple[int, int]]:
    """The best match of `raw` in `snippet` (code points): as a whole word first ("10" in
    "[109] ... I 10" is the second one), exact before case-insensitive before any white space."""
    words = raw.split()
    exact = re.escape(raw)
    spaced = r"\s+".join(re.escape(w) for w in words)
    joined = r"\s*".join(re.escape(w) for w in words)  # "NCT 0428 8102" printed, "NCT04288102" shown
    for pattern, flags in ((exact, 0), (exact, re.IGNORECASE), (spaced, re.IGNORECASE), (joined, re.IGNORECASE)):
        for bounded in (_boundaries(pattern, raw), pattern):
            m = re.search(bounded, snippet, flags)
            if m:
                return m.span()
    return None


def highlight_span(snippet: str, raw: str, at: Optional[int] = None) -> Optional[tuple[int, int]]:
    """Where the printed value `raw` is inside `snippet`, as (start, end) in UTF-16 code units (the
    page slices JavaScript strings), or None when it is not there (e.g. a value read from a table's
    caption, shown with the table row).

    `at` is where `raw` is expected (a code-point index in `snippet`, from the evidence offsets and
    `snippet_start`); it wins when `raw` is really there. Otherwise the first whole-word match,
    then any match; case and the layout of white space are ignored as a last resort.
    """
    if not snippet or not raw or not raw.strip():
        return None
    span = None
    if at is not None and 0 <= at and snippet[at:at + len(raw)].lower() == raw.lower():
        span = (at, at + len(raw))
    if span is None:
        span = _find(snippet, raw)
    if span is None:
        return None
    return _utf16_len(snippet[:span[0]]), _utf16_len(snippet[:span[1]])


def snippet_start(rows: Iterable[tuple[str, object]], snippet: str) -> Optional[int]:
    """Where `snippet` starts in its paper's normalized text, estimated from evidence rows sharing
    it: `rows` are (raw, char_start) pairs. Each place `raw` occurs in the snippet votes for
    `char_start - place`; the offset with most votes wins (None without votes). Evidence offsets
    point into the paper, not into the snippet; this turns them into snippet positions."""
    votes: Counter = Counter()
    for raw, start in rows:
        start = _num(start)
        if not raw or start is None:
            continue
        i = snippet.find(raw)
        while i >= 0:
            votes[int(start) - i] += 1
            i = snippet.find(raw, i + 1)
    if not votes:
        return None
    best = max(votes.values())
    return min(k for k, v in votes.items() if v == best)


def _num(value) -> Optional[float]:
    if value is None or value == "":
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _as_list(value) -> list:
    """A list column's value as a list (also from a CSV cell joined with '|')."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [v for v in value.split(LIST_SEP) if v]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [v for v in value if v is not None and v != ""]
    return [value]


def _g(x: float) -> str:
    return f"{x:g}"


def dose_value(row: Mapping) -> Optional[str]:
    """A trial's dose as evidence writes it: '{low:g}..{high:g} {unit}', or None."""
    low, high, unit = _num(row.get("dose_low")), _num(row.get("dose_high")), row.get("dose_unit")
    if low is None and high is None:
        return None
    low = high if low is None else low
    high = low if high is None else high
    return f"{_g(low)}..{_g(high)} {unit or ''}".strip()


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _sci(x: float) -> str:
    """1500000 -> '1.5 × 10⁶'; small numbers as they are."""
    if x == 0 or 1e-3 <= abs(x) < 1e4:
        return _g(x)
    exp = math.floor(math.log10(abs(x)))
    mant = round(x / 10 ** exp, 3)
    if abs(mant) >= 10:  # rounding carried over
        mant, exp = mant / 10, exp + 1
    text = "10" + str(exp).translate(_SUPERSCRIPT)
    return text if mant == 1 else f"{_g(mant)} × {text}"


def format_dose(low, high, unit) -> str:
    """'1 × 10⁶ – 2 × 10⁶ cells/kg' for the table; '' when unknown."""
    low, high = _num(low), _num(high)
    if low is None and high is None:
        return ""
    low = high if low is None else low
    high = low if high is None else high
    text = _sci(low) if low == high else f"{_sci(low)} – {_sci(high)}"
    return f"{text} {unit}" if unit else text


def embed_json(data) -> str:
    """JSON for a `<script type="application/json">` block: nothing in it can end the block or
    start markup (`<`, `>`, `&` escaped), and U+2028/U+2029 are escaped for old parsers."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _e(value) -> str:
    """Any value as escaped HTML text (quotes too: safe in attributes)."""
    return html.escape("" if value is None else str(value), quote=True)


def _script_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def _csp(script: str) -> str:
    return CSP.format(script=_script_hash(script))


# --------------------------------------------------------------------------------------------------
# Charts: inline SVG drawn here, every label escaped
# --------------------------------------------------------------------------------------------------
def _count_values(trials: Sequence[Mapping], field: str) -> tuple[Counter, int]:
    """How many trials have each value of `field` (a list field counts a trial once per value), and
    how many have none."""
    counts: Counter = Counter()
    empty = 0
    for t in trials:
        values = set(_as_list(t.get(field))) if field in LIST_FIELDS else ({t.get(field)} - {None, ""})
        if not values:
            empty += 1
        counts.update(str(v) for v in values)
    return counts, empty


def bar_chart(title: str, counts: Mapping[str, int], *, field: str = "", empty: int = 0, limit: int = 12,
              order: Sequence[str] = (), labels: Optional[Mapping[str, str]] = None,
              tooltips: Optional[Mapping[str, str]] = None, chart_id: str = "", note: str = "") -> str:
    """A horizontal bar chart as an inline `<figure>` with SVG. Bars are sorted by `order` when
    given, else by count; beyond `limit` bars the rest are summed into "other"; `empty` trials
    (no value) get a pale bar. Bars carry data-field/data-value so the page can filter on click."""
    labels, tooltips = labels or {}, tooltips or {}
    if order:
        items = [(k, counts[k]) for k in order if counts.get(k)] + sorted(
            ((k, n) for k, n in counts.items() if k not in order), key=lambda kv: (-kv[1], kv[0]))
    else:
        items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    rest = items[limit:]
    items = items[:limit]
    bars = [(k, labels.get(k, k), n, "bar") for k, n in items]
    if rest:
        bars.append(("", f"other ({len(rest)})", sum(n for _, n in rest), "bar other"))
    if empty:
        bars.append(("", "unknown", empty, "bar unknown"))
    cid = _e(chart_id or f"chart-{field}")
    if not bars:
        return (f'<figure class="chart" id="{cid}"><figcaption>{_e(title)}</figcaption>'
                f'<p class="muted">No values.</p></figure>')
    row_h, label_w, bar_w, pad = 22, 170, 210, 6
    width, height = label_w + bar_w + 60, len(bars) * row_h + pad * 2
    top = max(n for *_, n, _c in bars) or 1
    parts = []
    summary = ", ".join(f"{label}: {n}" for _, label, n, _ in bars)
    for i, (value, label, n, cls) in enumerate(bars):
        y = pad + i * row_h
        w = max(1.0, bar_w * n / top)
        short = label if len(label) <= 24 else label[:23] + "…"
        attrs = f' data-field="{_e(field)}" data-value="{_e(value)}"' if value and field else ""
        parts.append(
            f'<g class="{cls}"{attrs}><title>{_e(tooltips.get(value, label))}: {n}</title>'
            f'<text class="label" x="{label_w - 8}" y="{y + 15}" text-anchor="end">{_e(short)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" rx="2"></rect>'
            f'<text class="count" x="{label_w + w + 5:.1f}" y="{y + 15}">{n}</text></g>'
        )
    return (
        f'<figure class="chart" id="{cid}"><figcaption>{_e(title)}</figcaption>'
        + (f'<p class="muted small chart-note">{_e(note)}</p>' if note else "") +
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{_e(title)}: {_e(summary)}">{"".join(parts)}</svg></figure>'
    )


def _dose_of(t: Mapping) -> Optional[float]:
    """One number per trial for the dose histogram: the geometric mean of a range."""
    low, high = _num(t.get("dose_low")), _num(t.get("dose_high"))
    low = high if low is None else low
    high = low if high is None else high
    if low is None or low <= 0 or high <= 0:
        return None
    return math.sqrt(low * high)


def dose_histogram(trials: Sequence[Mapping], unit: str, *, bins_per_decade: int = 2) -> str:
    """Histogram of the trials' doses in `unit` on a log10 axis (a range counts at its geometric
    mean), as an inline `<figure>` with SVG."""
    values = [d for t in trials if t.get("dose_unit") == unit and (d := _dose_of(t)) is not None]
    title = f"Dose per administration, {unit} (log scale)"
    cid = "dose-" + re.sub(r"[^a-z]+", "-", unit.lower()).strip("-")
    if not values:
        return (f'<figure class="chart" id="{_e(cid)}"><figcaption>{_e(title)}</figcaption>'
                f'<p class="muted">No trial with a dose in {_e(unit)}.</p></figure>')
    logs = [math.log10(v) for v in values]
    lo = math.floor(min(logs))
    hi = max(math.floor(max(logs)) + 1, lo + 2)
    nbins = (hi - lo) * bins_per_decade
    counts = [0] * nbins
    for x in logs:
        counts[min(nbins - 1, int((x - lo) * bins_per_decade))] += 1
    left, bottom, plot_w, plot_h, top_pad = 34, 30, 360, 120, 14
    width, height = left + plot_w + 14, top_pad + plot_h + bottom
    top = max(counts)
    bw = plot_w / nbins
    parts = [f'<line class="axis" x1="{left}" y1="{top_pad + plot_h}" x2="{left + plot_w}" y2="{top_pad + plot_h}"></line>']
    for i, n in enumerate(counts):
        a, b = lo + i / bins_per_decade, lo + (i + 1) / bins_per_decade
        label = f"{_sci(10 ** a)} to {_sci(10 ** b)} {unit}: {n} trial{'s' if n != 1 else ''}"
        if n:
            h = plot_h * n / top
            x, y = left + i * bw, top_pad + plot_h - h
            parts.append(f'<g class="bar"><title>{_e(label)}</title><rect x="{x + 1:.1f}" y="{y:.1f}" '
                         f'width="{bw - 2:.1f}" height="{h:.1f}" rx="1"></rect>'
                         f'<text class="count" x="{x + bw / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle">{n}</text></g>')
    for d in range(lo, hi + 1):
        x = left + (d - lo) * bins_per_decade * bw
        parts.append(f'<line class="tick" x1="{x:.1f}" y1="{top_pad + plot_h}" x2="{x:.1f}" y2="{top_pad + plot_h + 4}"></line>'
                     f'<text class="label" x="{x:.1f}" y="{top_pad + plot_h + 18}" text-anchor="middle">'
                     f'{_e("10" + str(d).translate(_SUPERSCRIPT))}</text>')
    summary = f"{len(values)} trial{_s(len(values))}, from {_sci(min(values))} to {_sci(max(values))} {unit}"
    return (
        f'<figure class="chart" id="{_e(cid)}"><figcaption>{_e(title)}</figcaption>'
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{_e(title)}: {_e(summary)}">{"".join(parts)}</svg>'
        f'<p class="muted small">{_e(summary)}; a range counts at its geometric mean.</p></figure>'
    )


# --------------------------------------------------------------------------------------------------
# The data block the page's script reads
# --------------------------------------------------------------------------------------------------
class _Table:
    """Strings stored once, referenced by index."""

    def __init__(self):
        self.items: list[str] = []
        self._index: dict[str, int] = {}

    def __call__(self, value) -> int:
        value = "" if value is None else str(value)
        i = self._index.get(value)
        if i is None:
            i = self._index[value] = len(self.items)
            self.items.append(value)
        return i


def _jsonable(value):
    """A trials cell as JSON: lists stay lists, numbers stay numbers, NaN becomes null."""
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, (int, str, bool)):
        return value
    return str(value)


_EXTRA_COLUMNS = ("_url", "_other_links", "_dose", "_dose_value", "_n_evidence", "_n_rejected")


def _report_data(trials, evidence, rejected, registry, meta, links) -> dict:
    snippets, papers, extractors = _Table(), _Table(), _Table()
    field_index = {f: i for i, f in enumerate(EVIDENCE_FIELDS)}
    by_trial: dict[str, list] = defaultdict(list)
    shared: dict[tuple, list] = defaultdict(list)  # (paper, snippet) -> (raw, char_start) of every row
    for ev in evidence:
        shared[(ev.get("paper_id"), ev.get("snippet") or "")].append((str(ev.get("raw") or ""), ev.get("char_start")))
    starts = {key: snippet_start(rows, key[1]) for key, rows in shared.items()}
    for ev in evidence:
        tid = ev.get("trial_id")
        if not tid:
            continue
        field = ev.get("field") or ""
        snippet = "" if ev.get("snippet") is None else str(ev.get("snippet"))
        raw = "" if ev.get("raw") is None else str(ev.get("raw"))
        page = _num(ev.get("page"))
        conf = _num(ev.get("confidence"))
        start, end = _num(ev.get("char_start")), _num(ev.get("char_end"))
        offset = starts.get((ev.get("paper_id"), snippet))
        at = None if offset is None or start is None else int(start) - offset
        span = highlight_span(snippet, raw, at)
        by_trial[str(tid)].append([
            field_index.get(field, field),  # an unknown field name is kept as its name
            "" if ev.get("value") is None else str(ev.get("value")),
            raw, papers(ev.get("paper_id")),
            None if page is None else int(page),
            snippets(snippet),
            span[0] if span else -1, span[1] if span else -1,
            extractors(ev.get("extractor")),
            None if conf is None else round(conf, 3),
            None if start is None else int(start), None if end is None else int(end),
        ])
    rejected_by_trial: dict[str, list] = defaultdict(list)
    for r in rejected:
        rejected_by_trial[str(r.get("trial_id") or "")].append(
            [str(r.get(k) or "") for k in ("field", "value", "reviewer", "note")])
    rows = []
    for t in trials:
        tid = str(t.get("trial_id") or "")
        row = [_jsonable(t.get(f)) for f in TRIAL_FIELDS]
        others = [[o, record_url(o)] for o in _as_list(t.get("other_ids"))]
        row += [record_url(tid, t.get("registry")), others,
                format_dose(t.get("dose_low"), t.get("dose_high"), t.get("dose_unit")), dose_value(t),
                len(by_trial.get(tid, ())), len(rejected_by_trial.get(tid, ()))]
        rows.append(row)
    trial_ids = {str(t.get("trial_id") or "") for t in trials}
    reg = {}
    for tid, values in (registry or {}).items():
        if tid in trial_ids and isinstance(values, Mapping):
            reg[tid] = {str(k): _jsonable(v) for k, v in values.items()}
    report_id = hashlib.sha256(
        json.dumps([sorted(trial_ids), {str(k): str(v) for k, v in (meta or {}).items()}]).encode("utf-8")
    ).hexdigest()[:16]
    return {
        "reportId": report_id,
        "columns": list(TRIAL_FIELDS) + list(_EXTRA_COLUMNS),
        "rows": rows,
        "fields": list(EVIDENCE_FIELDS),
        "listFields": list(LIST_FIELDS),
        "correctable": list(CORRECTABLE_FIELDS),
        "fieldLabels": fields.labels(),
        "filterFields": list(FILTER_FIELDS),
        "csvColumns": list(CORRECTION_COLUMNS),
        "phases": list(PHASES),
        "registryLabels": {code: link.label for code, link in links.items()},
        "codeLabels": _code_labels(),
        "papers": papers.items,
        "snippets": snippets.items,
        "extractors": extractors.items,
        "evidence": {tid: by_trial[tid] for tid in sorted(by_trial) if tid in trial_ids},
        "rejected": {tid: v for tid, v in rejected_by_trial.items() if tid in trial_ids},
        "registry": reg,
    }


# --------------------------------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------------------------------
_META_LABELS = {
    "pipeline_version": "Pipeline", "version": "Pipeline", "run_time": "Run", "generated": "Run",
    "corpus": "Corpus", "corrections": "Corrections", "registries": "Registry exports", "out": "Output",
}


def _meta_html(meta: Mapping) -> str:
    items = []
    for key, value in meta.items():
        if value is None or value == "" or value == []:
            continue
        if isinstance(value, (list, tuple)):
            value = ", ".join(str(v) for v in value)
        label = _META_LABELS.get(key, str(key).replace("_", " ").capitalize())
        items.append(f"<div><dt>{_e(label)}</dt><dd>{_e(value)}</dd></div>")
    return f'<dl class="meta">{"".join(items)}</dl>' if items else ""


def _problems_html(problems: Sequence[str]) -> str:
    if not problems:
        return ""
    items = "".join(f"<li>{_e(p)}</li>" for p in problems)
    n = len(problems)
    return (f'<section id="problems" class="problems" role="alert" aria-labelledby="problems-h">'
            f'<h2 id="problems-h">{n} correction{"s" if n != 1 else ""} not applied</h2>'
            f'<p>These lines of the corrections file changed nothing. Fix them and run again.</p>'
            f'<ul>{items}</ul></section>')


def _has(t: Mapping, field: str) -> bool:
    columns = fields.field(field).columns
    if len(columns) > 1:  # a value held in several columns (the dose): its numbers
        return any(_num(t.get(c.name)) is not None for c in columns if c.type == "number")
    value = t.get(field)
    return bool(_as_list(value)) if field in LIST_FIELDS else value not in (None, "")


def _coverage_html(trials: Sequence[Mapping]) -> str:
    n = len(trials)
    rows = []
    for f in COVERAGE_FIELDS:
        k = sum(_has(t, f) for t in trials)
        pct = 100 * k / n if n else 0
        rows.append(
            f'<tr><th scope="row">{_e(fields.field(f).label)}</th><td class="num">{k}</td>'
            f'<td class="num">{pct:.0f}%</td><td class="barcell"><span class="meter" '
            f'style="width:{pct:.1f}%"></span></td></tr>'
        )
    return ('<table class="coverage"><caption>Coverage: trials with a value</caption>'
            '<thead><tr><th scope="col">field</th><th scope="col" class="num">trials</th>'
            '<th scope="col" class="num">share</th><th scope="col"><span class="sr-only">bar</span></th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _stat(value, label: str, cls: str = "") -> str:
    return f'<div class="stat {cls}"><span class="value">{_e(value)}</span><span class="label">{_e(label)}</span></div>'


def _code_labels() -> dict[str, dict[str, str]]:
    """field -> {code: label} for the codes whose label says more than the code."""
    from pipeline.codes import CODED_FIELDS, labels

    out = {}
    for field in CODED_FIELDS:
        named = {c: lb for c, lb in labels(field).items() if lb != c}
        if named:
            out[field] = named
    return out


def _overview_html(trials, evidence, papers, rejected, problems, n_evidence: int, untied: Mapping[str, int]) -> str:
    n_papers = len(papers)
    by_status = Counter(str(p.get("status") or "") for p in papers)
    failed = [p for p in papers if p.get("status") == "error"]
    n_conf = sum(bool(_as_list(t.get("conflicts"))) for t in trials)
    n_conf_fields = sum(len(_as_list(t.get("conflicts"))) for t in trials)
    n_reg = sum(bool(_as_list(t.get("registry_conflicts"))) for t in trials)
    n_reviewed = sum(bool(_as_list(t.get("reviewed"))) for t in trials)
    n_untied = sum(untied.values())
    stats = [
        _stat(n_papers - by_status.get("skipped", 0),
              f"papers read ({by_status.get('ok', 0)} ok, {by_status.get('warning', 0)} with warnings, "
              f"{by_status.get('error', 0)} failed" + (f"; {by_status['skipped']} files skipped as not papers"
                                                       if by_status.get("skipped") else "") + ")",
              "bad" if failed else ""),
        _stat(len(trials), f"trial{_s(len(trials))} found"),
        _stat(n_conf, f"trial{_s(n_conf)} with conflicting values ({n_conf_fields} field{_s(n_conf_fields)})",
              "warn" if n_conf else ""),
    ]
    if any(t.get("registry_status") for t in trials):
        not_in = sum(t.get("registry_status") == "not_in_export" for t in trials)
        stats.append(_stat(n_reg, f"trial{_s(n_reg)} that differ from the registry ({not_in} not in the export)",
                           "warn" if n_reg else ""))
    stats += [
        _stat(n_evidence, f"values with evidence ({n_untied} not tied to a trial)"),
        _stat(n_reviewed, f"trial{_s(n_reviewed)} reviewed, {len(rejected)} value{_s(len(rejected))} rejected"),
    ]
    if problems:
        stats.append(_stat(len(problems), f"correction{_s(len(problems))} not applied", "bad"))
    fails = ""
    if failed:
        items = "".join(f"<li><strong>{_e(p.get('paper_id'))}</strong>: {_e(p.get('message'))}</li>" for p in failed)
        fails = (f'<div class="failures" role="alert"><h3>{len(failed)} paper{"s" if len(failed) != 1 else ""} '
                 f'could not be read</h3><ul>{items}</ul></div>')
    charts = []
    for field, title, limit in CHARTS:
        counts, empty = _count_values(trials, field)
        order = PHASES if field == "phase" else ()
        names = _code_labels().get(field, {})
        tooltips = {c: f"{names[c]} (code {c})" for c in counts if c in names}
        note = (f"A trial with several {CHART_NOUNS[field]} counts in each of its bars, so the bars add up "
                f"to more than the trials." if field in LIST_FIELDS else "")
        charts.append(bar_chart(title, counts, field=field, empty=empty, limit=limit, order=order, labels=names,
                                tooltips=tooltips, note=note))
    charts.append(dose_histogram(trials, "cells"))
    charts.append(dose_histogram(trials, "cells/kg"))
    other_units = Counter(t.get("dose_unit") for t in trials
                          if t.get("dose_unit") not in (None, "", "cells", "cells/kg") and _dose_of(t) is not None)
    other = ""
    if other_units:
        other = ('<p class="muted small">Doses in other units (not charted): '
                 + _e(", ".join(f"{u}: {n}" for u, n in sorted(other_units.items()))) + ".</p>")
    return (
        '<section id="overview" aria-labelledby="overview-h"><h2 id="overview-h">Overview</h2>'
        f'<div class="stats">{"".join(stats)}</div>{fails}'
        f'<div class="overview-grid"><div>{_coverage_html(trials)}</div>'
        f'<div class="charts">{"".join(charts)}{other}'
        '<p class="muted small">Click a bar to filter the trial table by that value.</p></div></div></section>'
    )


def _status_badge(status) -> str:
    s = str(status or "")
    cls = {"ok": "ok", "warning": "warn", "error": "bad", "skipped": "muted"}.get(s, "")
    return f'<span class="badge {cls}">{_e(s or "?")}</span>'


def _papers_html(papers: Sequence[Mapping], untied: Mapping[str, int]) -> str:
    rows = []
    for p in papers:
        warnings = _as_list(p.get("warnings"))
        msg = str(p.get("message") or "")
        notes = [w for w in warnings]
        if msg and msg != "; ".join(str(w) for w in warnings):
            notes = [msg] + [w for w in warnings if w not in msg]
        note_html = "<ul class=\"plain\">" + "".join(f"<li>{_e(w)}</li>" for w in notes) + "</ul>" if notes else ""
        pid = str(p.get("paper_id") or "")
        title = str(p.get("title") or "")
        doi = str(p.get("doi") or "")
        doi_html = (f'<a class="mono" href="https://doi.org/{_e(urllib.parse.quote(doi, safe="/:;()._-"))}" target="_blank" '
                    f'rel="noopener noreferrer">{_e(doi)}</a>') if doi else ""
        rows.append(
            f'<tr data-paper-id="{_e(pid)}"><th scope="row"><span class="mono">{_e(pid)}</span>'
            + (f'<div class="paper-title">{_e(title)}</div>' if title else "") + "</th>"
            f'<td class="num">{_e(p.get("year"))}</td><td>{doi_html}</td>'
            f'<td>{_status_badge(p.get("status"))}</td><td>{_e(p.get("kind"))}</td>'
            f'<td>{_e(p.get("read_with"))}</td><td class="num">{_e(p.get("pages"))}</td>'
            f'<td class="num">{_e(p.get("chars"))}</td><td class="num">{_e(p.get("n_trials"))}</td>'
            f'<td class="num">{_e(p.get("n_evidence"))}</td><td class="num">{untied.get(pid, 0)}</td>'
            f'<td>{note_html}</td></tr>'
        )
    return (
        '<section id="papers" aria-labelledby="papers-h"><h2 id="papers-h">Papers</h2>'
        '<div class="scroll"><table class="papers"><thead><tr>'
        '<th scope="col">paper (title as it states it)</th><th scope="col" class="num">year</th>'
        '<th scope="col">DOI</th><th scope="col">status</th><th scope="col">kind</th><th scope="col">read with</th>'
        '<th scope="col" class="num">pages</th><th scope="col" class="num">characters</th>'
        '<th scope="col" class="num">trials</th><th scope="col" class="num">values</th>'
        '<th scope="col" class="num" title="values not tied to one trial">untied</th>'
        '<th scope="col">warnings and messages</th></tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table></div></section>'
    )


_TRIALS_HTML = """<section id="trials" aria-labelledby="trials-h">
<h2 id="trials-h">Trials</h2>
<div class="toolbar" role="search" aria-label="Filter the trials">
 <label>Search <input type="search" id="f-text" placeholder="id, title, condition, sponsor…" autocomplete="off"></label>
 <label>Field <select id="f-field"><option value="">(any field)</option></select></label>
 <label>Value <select id="f-value" disabled><option value="">(any value)</option></select></label>
 <label class="check"><input type="checkbox" id="f-conflicts"> conflicts only</label>
 <label class="check"><input type="checkbox" id="f-unreviewed"> unreviewed only</label>
 <button type="button" id="f-clear">Clear filters</button>
</div>
<div class="review-bar">
 <label>Reviewer <input type="text" id="reviewer" autocomplete="name" placeholder="your name"></label>
 <span id="mark-count" aria-live="polite">No marks yet.</span>
 <button type="button" id="export" class="primary">Export corrections CSV</button>
 <button type="button" id="clear-marks">Clear marks</button>
 <span id="export-status" class="muted" aria-live="polite"></span>
</div>
<p class="muted small">Open a trial (▸) to see each value with its evidence. Mark values with
 <strong>accept</strong> or <strong>reject</strong>, or set a field; the export is the corrections file
 for the next run (<code>--corrections</code>). Marks are kept in this browser until cleared.</p>
<p id="row-count" aria-live="polite"></p>
<div class="scroll"><table id="trial-table" class="trials">
<thead><tr id="trial-head"></tr></thead>
<tbody id="trial-rows"></tbody>
</table></div>
</section>"""


def render_report(trials: list[dict], evidence: list[dict], papers: list[dict], *, rejected: Iterable[dict] = (),
                  problems: Iterable[str] = (), registry: Optional[dict[str, dict]] = None,
                  meta: Optional[dict] = None, counts: Optional[tuple[int, Mapping[str, int]]] = None) -> str:
    """The whole report as one HTML string (see the module docstring).

    `counts` = (evidence rows, {paper_id: rows not tied to a trial}) of the whole run, for a
    caller that passes only a sample of the evidence (a large run); by default they are counted
    from `evidence`."""
    trials, evidence, papers = list(trials), list(evidence), list(papers)
    if counts is None:
        counts = (len(evidence), Counter(str(ev.get("paper_id") or "") for ev in evidence if not ev.get("trial_id")))
    n_evidence, untied = counts
    rejected = [dict(r) for r in rejected]
    problems = [str(p) for p in problems]
    meta = dict(meta or {})
    links = registry_links()
    data = _report_data(trials, evidence, rejected, registry, meta, links)
    script = REPORT_JS
    return "".join((
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        f'<meta http-equiv="Content-Security-Policy" content="{_e(_csp(script))}">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        '<meta name="referrer" content="no-referrer">\n',
        "<title>MSC trials: spot-check report</title>\n",
        f"<style>{REPORT_CSS}</style>\n</head>\n<body>\n",
        '<a class="skip" href="#trials">Skip to the trial table</a>\n',
        '<header><h1>MSC clinical trials: spot-check report</h1>',
        _meta_html(meta),
        '<nav aria-label="Sections"><a href="#overview">Overview</a><a href="#trials">Trials</a>'
        '<a href="#papers">Papers</a></nav></header>\n<main>\n',
        _problems_html(problems),
        _overview_html(trials, evidence, papers, rejected, problems, n_evidence, untied), "\n",
        _TRIALS_HTML, "\n",
        _papers_html(papers, untied), "\n</main>\n",
        '<noscript><p class="problems">The trial table needs JavaScript; the overview and the papers '
        "table above work without it.</p></noscript>\n",
        f'<script type="application/json" id="report-data">{embed_json(data)}</script>\n',
        f"<script>{script}</script>\n</body>\n</html>\n",
    ))


def write_report(out_dir, trials: list[dict], evidence: list[dict], papers: list[dict], *,
                 rejected: Iterable[dict] = (), problems: Iterable[str] = (),
                 registry: Optional[dict[str, dict]] = None, meta: Optional[dict] = None) -> Path:
    """Write `out_dir/report.html` atomically (a temporary file moved into place). Returns its path."""
    path = Path(out_dir) / REPORT_FILE
    text = render_report(trials, evidence, papers, rejected=rejected, problems=problems, registry=registry, meta=meta)
    with atomic_path(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    return path
