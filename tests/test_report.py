"""The spot-check report (pipeline/write/report.py): pure-Python tests of the HTML and its data, then
tests in headless Chromium (tests/browser.py installs it): rows, filters, highlighted evidence,
the corrections export, hostile text shown as text, no network request."""
from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import re
from html.parser import HTMLParser

import pytest

import browser as browser_setup
from browser import (  # noqa: F401 (fixtures)
    browser, chromium_ready, download_dir, network_requests, open_page, report_inputs, screenshot,
)
from conftest import shared_path
from pipeline.corrections import CORRECTION_COLUMNS, parse_corrections
from pipeline.errors import VocabularyError
from pipeline.schema import EVIDENCE_FIELDS, REGISTRIES, TRIAL_FIELDS
from pipeline.write.report import (
    REPORT_FILE, bar_chart, dose_histogram, dose_value, embed_json, format_dose, highlight_span,
    parse_registry_links, record_url, registry_links, render_report, snippet_start, write_report,
)

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '"><img src=x onerror="window.__pwned=2">'
SVG = '<svg onload="window.__pwned=3">'
HOSTILE = (SCRIPT, IMG, SVG, "\u2028", "&amp;")


# --------------------------------------------------------------------------------------------------
# inputs built in the test
# --------------------------------------------------------------------------------------------------
def trial(trial_id: str, **values) -> dict:
    row = {f: None for f in TRIAL_FIELDS}
    for f in ("other_ids", "conditions", "phase", "cell_source", "donor", "product", "route", "sponsors",
              "sources", "conflicts", "registry_conflicts", "reviewed"):
        row[f] = []
    row["trial_id"] = trial_id
    row.update(values)
    return row


def evidence(trial_id: str, field: str, value: str, raw: str, snippet: str, paper_id: str = "p1",
             start: int | None = 0, **kw) -> dict:
    row = {"trial_id": trial_id, "field": field, "value": value, "raw": raw, "paper_id": paper_id, "page": None,
           "char_start": start, "char_end": None if start is None else start + len(raw), "snippet": snippet,
           "extractor": "test", "confidence": 1.0}
    row.update(kw)
    return row


def paper(paper_id: str, **kw) -> dict:
    row = {"paper_id": paper_id, "path": f"corpus/{paper_id}.txt", "kind": "text", "status": "ok", "message": "",
           "pages": None, "chars": 100, "read_with": "utf-8", "sha256": "0" * 64, "n_trials": 1, "n_evidence": 1,
           "warnings": []}
    row.update(kw)
    return row


class Tags(HTMLParser):
    """Every start tag of a document with its attributes, and the text of each script."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self._in_script: dict | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)
            self.scripts.append((self._in_script, ""))

    def handle_data(self, data):
        if self._in_script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None


def parse(html_text: str) -> Tags:
    p = Tags()
    p.feed(html_text)
    p.close()
    return p


def report_data(html_text: str) -> dict:
    [(_, text)] = [(a, t) for a, t in parse(html_text).scripts if a.get("type") == "application/json"]
    return json.loads(text)


def hostile_report() -> str:
    """A report whose every paper-derived string is an injection attempt."""
    pid = f"paper {IMG} {SVG}"
    t = trial("NCT01234567", registry="ctgov", title=f"Title {SCRIPT}", acronym=SVG, conditions=[IMG],
              phase=["PHASE2"], sponsors=[f"Sponsor {SCRIPT}"], sources=[pid], conflicts=["title"],
              registry_conflicts=["status"], status="COMPLETED", other_ids=["ISRCTN12345678"])
    ev = [evidence("NCT01234567", "title", f"Title {SCRIPT}", SCRIPT, f"The trial NCT01234567 {SCRIPT} and {IMG}.",
                   paper_id=pid, start=22),
          evidence("NCT01234567", "conditions", IMG, IMG, f"In {IMG} \u2028 {SVG}", paper_id=pid)]
    return render_report(
        [t], ev, [paper(pid, status="warning", message=f"W {SCRIPT}", warnings=[f"W {SCRIPT}", IMG])],
        rejected=[{"trial_id": "NCT01234567", "field": "phase", "value": "PHASE3", "reviewer": SCRIPT, "note": IMG}],
        problems=[f"[C310] corrections.csv line 2: unknown trial {SCRIPT!r}"],
        registry={"NCT01234567": {"status": f"RECRUITING {SCRIPT}"}},
        meta={"pipeline_version": "0.1.0", "corpus": f"corpus/{SCRIPT}", "corrections": IMG},
    )


# --------------------------------------------------------------------------------------------------
# registries: labels and record pages
# --------------------------------------------------------------------------------------------------
def test_every_registry_code_has_a_record_page():
    links = registry_links()
    assert set(links) == set(REGISTRIES) - {"publication"}
    for link in links.values():
        assert link.url.startswith("https://") and link.url.count("{id}") == 1 and link.label


@pytest.mark.parametrize("trial_id, registry, url", [
    ("NCT04288102", None, "https://clinicaltrials.gov/study/NCT04288102"),
    ("NCT04288102", "ctgov", "https://clinicaltrials.gov/study/NCT04288102"),
    ("ISRCTN13837944", None, "https://www.isrctn.com/ISRCTN13837944"),
    ("2012-003741-15", None, "https://www.clinicaltrialsregister.eu/ctr-search/search?query=2012-003741-15"),
    ("ChiCTR2000029990", None, "https://www.chictr.org.cn/searchprojEN.html?regno=ChiCTR2000029990"),
    ("ACTRN12607000161426", None, "https://www.anzctr.org.au/ACTRN12607000161426.aspx"),
    ("CTRI/2020/05/012345", None, "https://trialsearch.who.int/Trial2.aspx?TrialID=CTRI%2F2020%2F05%2F012345"),
    ("UMIN000012345", None, "https://trialsearch.who.int/Trial2.aspx?TrialID=JPRN-UMIN000012345"),
    ("RBR-6s9t4q", None, "https://ensaiosclinicos.gov.br/rg/RBR-6s9t4q"),
    ("ref:garcia-2005", "publication", None),
    ("ref:garcia-2005", None, None),
    ("not an id", None, None),
    ("", None, None),
])
def test_record_url(trial_id, registry, url):
    assert record_url(trial_id, registry) == url


@pytest.mark.parametrize("entry, code", [
    ({"code": "ctgov", "label": "x", "url": "https://x/{id}", "extra": 1}, "V002"),
    ({"code": "nope", "label": "x", "url": "https://x/{id}"}, "V002"),
    ({"code": "publication", "label": "x", "url": "https://x/{id}"}, "V002"),
    ({"code": "ctgov", "label": "x", "url": "http://x/{id}"}, "V002"),
    ({"code": "ctgov", "label": "x", "url": "https://x/"}, "V002"),
    ({"code": "ctgov", "label": "x", "url": "https://x/{id}/{id}"}, "V002"),
    ({"code": "ctgov", "label": "x", "url": "https://x/{other}{id}"}, "V002"),
    ({"code": "ctgov", "label": "", "url": "https://x/{id}"}, "V002"),
])
def test_registry_file_is_validated(entry, code):
    with pytest.raises(VocabularyError) as err:
        parse_registry_links({"entries": [entry]})
    assert err.value.code == code


def test_registry_file_rejects_duplicates_and_unknown_keys():
    e = {"code": "ctgov", "label": "x", "url": "https://x/{id}"}
    with pytest.raises(VocabularyError, match="duplicate"):
        parse_registry_links({"entries": [e, e]})
    with pytest.raises(VocabularyError):
        parse_registry_links({"entries": [e], "urls": {}})


# --------------------------------------------------------------------------------------------------
# highlighting: offsets are in the paper, so `raw` is found inside the snippet
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("snippet, raw, at, span", [
    ("A phase 2 trial", "phase 2", None, (2, 9)),                         # exact
    ("Smith [109] I 10 Allo-BM", "10", None, (14, 16)),                   # a whole word before a part of one
    ("Smith [109] I 10 Allo-BM", "10", 7, (7, 9)),                        # where the offsets say it is
    ("MSCs or MSCs", "MSCs", 8, (8, 12)),
    ("MSCs or MSCs", "MSCs", 3, (0, 4)),                                  # a wrong hint: the first match
    ("given INTRAVENOUSLY", "intravenously", None, (6, 19)),              # case
    ("bone  marrow\nderived", "bone marrow derived", None, (0, 20)),      # white space laid out otherwise
    ("trial NCT04288102 was", "NCT 0428 8102", None, (6, 17)),            # printed with spaces
    ("no such thing here", "dose", None, None),                           # not found
    ("a snippet", "", None, None),
    ("", "x", None, None),
    ("\U0001d465 = 2 × 10^6 cells", "2 × 10^6", None, (5, 13)),          # UTF-16 offsets (JS strings)
])
def test_highlight_span(snippet, raw, at, span):
    assert highlight_span(snippet, raw, at) == span


def test_snippet_start_votes_for_the_offset_most_rows_agree_on():
    snippet = "Smith [109] I 10 Allo-BM"  # starts at 1000 in the paper
    rows = [("Smith [109]", 1000), ("10", 1014), ("Allo-BM", 1017), ("missing", 5), ("I", 1012)]
    assert snippet_start(rows, snippet) == 1000
    assert snippet_start([("x", None)], snippet) is None


def test_report_data_highlights_from_offsets():
    snippet = "Smith [109] I 10 Allo-BM"
    ev = [evidence("ref:smith-2001", "trial_id", "ref:smith-2001", "Smith [109]", snippet, start=1000),
          evidence("ref:smith-2001", "enrollment", "10", "10", snippet, start=1014),
          evidence("ref:smith-2001", "product", "cells", "mesenchymal stem cells", snippet, start=50)]
    data = report_data(render_report([trial("ref:smith-2001", enrollment=10)], ev, [paper("p1")]))
    rows = {r[1]: r for r in data["evidence"]["ref:smith-2001"]}
    assert rows["10"][6:8] == [14, 16]
    assert rows["cells"][6:8] == [-1, -1]  # not in the snippet: shown without a highlight
    assert data["snippets"][rows["10"][5]] == snippet


# --------------------------------------------------------------------------------------------------
# escaping, the data block, the security policy
# --------------------------------------------------------------------------------------------------
def test_embed_json_cannot_end_the_script_block():
    value = {"s": "</script><script>alert(1)</script> & \u2028\u2029 <!--"}
    text = embed_json(value)
    assert not set("<>&\u2028\u2029") & set(text)
    assert json.loads(text) == value


def test_hostile_strings_are_text_everywhere():
    page = hostile_report()
    doc = parse(page)
    names = [t for t, _ in doc.tags]
    assert names.count("script") == 2  # the data block and the report's own script
    assert "img" not in names
    assert all(not a.startswith("on") for _, attrs in doc.tags for a in attrs), "no event handler attributes"
    assert sum(1 for t, a in doc.tags if t == "svg" and "onload" in a) == 0
    # the static parts show them escaped
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page  # problems, messages, meta
    assert "&quot;&gt;&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;" in page
    # outside the data block no raw markup from the inputs
    outside = re.sub(r'<script type="application/json" id="report-data">.*?</script>', "", page, flags=re.S)
    for s in (SCRIPT, IMG, SVG):
        assert s not in outside
    # the data block carries them unchanged, for the page to show with textContent
    data = report_data(page)
    blob = json.dumps(data, ensure_ascii=False)
    for s in (SCRIPT, IMG, SVG, "\u2028"):
        assert s in blob or json.dumps(s, ensure_ascii=False)[1:-1] in blob
    raw_block = page.split('id="report-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in raw_block and "\u2028" not in raw_block


def test_script_never_writes_markup():
    from pipeline.write.report_assets import REPORT_JS

    for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert forbidden not in REPORT_JS


def test_content_security_policy_forbids_network_and_allows_only_our_script():
    page = hostile_report()
    doc = parse(page)
    [csp] = [a["content"] for t, a in doc.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert "default-src 'none'" in csp and "img-src data:" in csp and "style-src 'unsafe-inline'" in csp
    [(_, script)] = [(a, s) for a, s in doc.scripts if "type" not in a]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";")[0]
    # nothing on the page loads anything
    assert not any(t in ("link", "img", "iframe", "object", "embed") for t, _ in doc.tags)
    assert not any("src" in a for t, a in doc.tags)


def test_data_block_holds_the_table_links_and_marks_inputs():
    t = trial("NCT04288102", registry="ctgov", other_ids=["ISRCTN13837944"], phase=["PHASE1", "PHASE2"],
              dose_low=1e6, dose_high=2e6, dose_unit="cells/kg", registry_conflicts=["phase"], reviewed=["route"])
    ev = [evidence("NCT04288102", "phase", "PHASE1", "phase 1/2", "A phase 1/2 trial"),
          evidence("", "product", "cells", "MSCs", "Most trials used MSCs")]  # tied to no trial: not embedded
    data = report_data(render_report(
        [t], ev, [paper("p1")], registry={"NCT04288102": {"phase": ["PHASE3"]}, "NCT99999999": {"phase": []}},
        rejected=[{"trial_id": "NCT04288102", "field": "route", "value": "intravenous", "reviewer": "ann", "note": "n",
                   "line": 3, "evidence": [object()]}]))
    cols = data["columns"]
    [row] = data["rows"]
    get = dict(zip(cols, row))
    assert cols[:len(TRIAL_FIELDS)] == list(TRIAL_FIELDS)
    assert get["_url"] == "https://clinicaltrials.gov/study/NCT04288102"
    assert get["_other_links"] == [["ISRCTN13837944", "https://www.isrctn.com/ISRCTN13837944"]]
    assert get["_dose_value"] == "1e+06..2e+06 cells/kg"
    assert get["phase"] == ["PHASE1", "PHASE2"]
    assert list(data["evidence"]) == ["NCT04288102"]
    assert data["registry"] == {"NCT04288102": {"phase": ["PHASE3"]}}
    assert data["rejected"] == {"NCT04288102": [["route", "intravenous", "ann", "n"]]}
    assert data["fields"] == list(EVIDENCE_FIELDS)
    assert data["csvColumns"] == list(CORRECTION_COLUMNS)


def test_static_parts_overview_and_papers():
    trials = [trial("NCT00000001", registry="ctgov", phase=["PHASE1", "PHASE2"], cell_source=["bone_marrow"],
                    route=["intravenous"], dose_low=1e6, dose_high=1e6, dose_unit="cells/kg", conflicts=["phase"]),
              trial("ref:smith-2001", registry="publication", dose_low=1e7, dose_high=1e8, dose_unit="cells")]
    papers = [paper("good"), paper("bad", status="error", message="[E101] empty file: nothing to read")]
    page = render_report(trials, [], papers, problems=["[C307] c.csv line 2: unknown action 'ok'"])
    assert 'id="problems"' in page and "[C307] c.csv line 2" in page
    assert "could not be read" in page and "[E101] empty file" in page
    for chart in ("chart-phase", "chart-cell_source", "chart-route", "chart-registry", "dose-cells", "dose-cells-kg"):
        assert f'id="{chart}"' in page
    assert 'data-field="phase" data-value="PHASE2"' in page
    assert '<tr data-paper-id="bad">' in page


def test_bar_chart_escapes_labels_and_groups_the_rest():
    svg = bar_chart("T <b>", {SCRIPT: 3, "a": 2, "b": 1, "c": 1}, field="route", empty=4, limit=2)
    assert SCRIPT not in svg and "&lt;script&gt;" in svg
    assert "other (2)" in svg and "unknown" in svg


def test_dose_histogram_keeps_units_apart():
    trials = [trial("a", dose_low=1e6, dose_high=1e6, dose_unit="cells/kg"),
              trial("b", dose_low=1e6, dose_high=4e6, dose_unit="cells/kg"),
              trial("c", dose_low=1e8, dose_high=1e8, dose_unit="cells")]
    per_kg = dose_histogram(trials, "cells/kg")
    cells = dose_histogram(trials, "cells")
    assert "2 trials, from 10⁶ to 2 × 10⁶ cells/kg" in per_kg  # a range counts at its geometric mean
    assert "1 trial, from 10⁸ to 10⁸ cells" in cells
    assert "No trial" in dose_histogram(trials, "mL")


@pytest.mark.parametrize("low, high, unit, text, value", [
    (1e6, 1e6, "cells/kg", "10⁶ cells/kg", "1e+06..1e+06 cells/kg"),
    (1e6, 2e6, "cells/kg", "10⁶ – 2 × 10⁶ cells/kg", "1e+06..2e+06 cells/kg"),
    (3.61e6, 3.61e6, "cells", "3.61 × 10⁶ cells", "3.61e+06..3.61e+06 cells"),
    (10, 10, "ug", "10 ug", "10..10 ug"),
    (None, None, None, "", None),
])
def test_dose_formats(low, high, unit, text, value):
    assert format_dose(low, high, unit) == text
    assert dose_value({"dose_low": low, "dose_high": high, "dose_unit": unit}) == value


def test_write_report_is_atomic(tmp_path):
    path = write_report(tmp_path, [trial("NCT00000001")], [], [paper("p")], meta={"run_time": "now"})
    assert path == tmp_path / REPORT_FILE and path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    write_report(tmp_path, [], [], [])
    assert sorted(p.name for p in tmp_path.iterdir()) == [REPORT_FILE]  # no temporary file left behind


def test_large_run_stays_small():
    """1,000 trials and 20,000 evidence rows: snippets are stored once, the page stays a few MB."""
    trials, ev = [], []
    for i in range(1000):
        tid = f"NCT{i:08d}"
        trials.append(trial(tid, registry="ctgov", phase=["PHASE2"], sources=["p1"]))
        snippet = f"In {tid} a phase 2 trial gave 1 × 10^6 bone marrow MSCs/kg intravenously to patients " + "x" * 150
        for k in range(20):
            ev.append(evidence(tid, "product", "cells", "MSCs", snippet, start=100 * i + 60))
    page = render_report(trials, ev, [paper("p1")])
    assert len(page.encode()) < 4_000_000
    data = report_data(page)
    assert len(data["snippets"]) == 1000 and sum(len(v) for v in data["evidence"].values()) == 20_000


# --------------------------------------------------------------------------------------------------
# in the browser
# --------------------------------------------------------------------------------------------------
def js(driver, script: str, *args):
    return driver.execute_script(script, *args)


def row_ids(driver) -> list[str]:
    return js(driver, "return [...document.querySelectorAll('#trial-rows tr.trial')].map(r => r.dataset.trialId)")


def console_errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


@pytest.fixture(scope="module")
def shared_report(shared_run, tmp_path_factory):
    """The report the run over ../shared/corpus wrote, with the run's tables to check it against."""
    _summary, out = shared_run
    trials, ev, papers = report_inputs(out)
    return out / "report.html", trials, ev


@pytest.mark.browser
@pytest.mark.shared
def test_shared_report_lists_every_gold_trial(browser, shared_report, tmp_path):
    path, trials, _ = shared_report
    open_page(browser, path)
    assert network_requests(browser) == []
    ids = row_ids(browser)
    assert sorted(ids) == sorted(t["trial_id"] for t in trials)
    gold = shared_path("gold", "trials.jsonl")
    wanted = {json.loads(line)["trial_id"] for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()}
    assert wanted and not wanted - set(ids)
    # conflicts first by default
    scores = [len(t["conflicts"]) + len(t["registry_conflicts"]) > 0 for t in sorted(trials, key=lambda t: ids.index(t["trial_id"]))]
    assert scores == sorted(scores, reverse=True)
    assert console_errors(browser) == []
    shot = screenshot(browser, tmp_path / "report-overview.png", max_height=2600)
    print(f"screenshot: {shot}")


@pytest.mark.browser
@pytest.mark.shared
def test_filters_narrow_the_rows(browser, shared_report):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    path, trials, _ = shared_report
    open_page(browser, path)
    total = len(trials)
    some = sorted(t["trial_id"] for t in trials)[len(trials) // 2]
    search = browser.find_element(By.ID, "f-text")
    search.send_keys(some)
    WebDriverWait(browser, 5).until(lambda d: len(row_ids(d)) < total)
    assert some in row_ids(browser) and len(row_ids(browser)) <= 2
    browser.find_element(By.ID, "f-clear").click()
    assert len(row_ids(browser)) == total

    Select(browser.find_element(By.ID, "f-field")).select_by_value("phase")
    Select(browser.find_element(By.ID, "f-value")).select_by_value("PHASE2")
    assert sorted(row_ids(browser)) == sorted(t["trial_id"] for t in trials if "PHASE2" in t["phase"])
    browser.find_element(By.ID, "f-clear").click()

    browser.find_element(By.ID, "f-conflicts").click()
    conflicted = sorted(t["trial_id"] for t in trials if t["conflicts"] or t["registry_conflicts"])
    assert conflicted and sorted(row_ids(browser)) == conflicted and len(conflicted) < total
    browser.find_element(By.ID, "f-unreviewed").click()  # nothing is reviewed in this run
    assert sorted(row_ids(browser)) == conflicted
    browser.find_element(By.ID, "f-clear").click()

    # sorting by enrollment, largest first, unknown last
    browser.find_element(By.CSS_SELECTOR, "#trial-head th[data-key=enrollment] button").click()
    by_id = {t["trial_id"]: t["enrollment"] for t in trials}
    shown = [by_id[i] for i in row_ids(browser)]
    known = [n for n in shown if n is not None]
    assert known == sorted(known, reverse=True) and shown[:len(known)] == known
    assert network_requests(browser) == []


@pytest.mark.browser
@pytest.mark.shared
def test_evidence_is_highlighted(browser, shared_report, tmp_path):
    path, trials, ev = shared_report
    open_page(browser, path)
    # a trial with a value whose printed form is in its snippet
    target = next(e for e in ev if e["trial_id"] and e["field"] == "phase" and e["raw"] and e["raw"] in e["snippet"])
    tid = target["trial_id"]
    js(browser, "document.querySelector(`#trial-rows tr.trial[data-trial-id='${arguments[0]}'] button.expand`).click()", tid)
    marks = js(browser, """
        const d = document.querySelector(`#trial-rows tr.detail[data-trial-id='${arguments[0]}']`);
        return [...d.querySelectorAll('.field[data-field=phase] mark')].map(m => m.textContent);""", tid)
    wanted = {e["raw"] for e in ev if e["trial_id"] == tid and e["field"] == "phase" and e["raw"] in e["snippet"]}
    assert marks and set(marks) <= {w for w in wanted} | {w.lower() for w in wanted}
    assert set(marks) & wanted
    js(browser, "document.querySelector(`#trial-rows tr.detail[data-trial-id='${arguments[0]}']`).scrollIntoView()", tid)
    shot = tmp_path / "report-evidence.png"
    browser.save_screenshot(str(shot))
    print(f"screenshot: {shot}")


def _expand(driver, tid):
    js(driver, "document.querySelector(`#trial-rows tr.trial[data-trial-id='${arguments[0]}'] button.expand`).click()", tid)
    return f"#trial-rows tr.detail[data-trial-id='{tid}']"


@pytest.mark.browser
def test_marks_export_as_corrections(browser, tmp_path, download_dir):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    t = trial("NCT04288102", registry="ctgov", phase=["PHASE1", "PHASE2"], route=["intravenous"], sources=["p1"])
    snippet = "A phase 1/2 trial (NCT04288102) gave MSCs intravenously"
    ev = [evidence("NCT04288102", "phase", "PHASE1", "phase 1/2", snippet, start=2),
          evidence("NCT04288102", "phase", "PHASE2", "phase 1/2", snippet, start=2),
          evidence("NCT04288102", "route", "intravenous", "intravenously", snippet, start=42)]
    path = write_report(tmp_path, [t], ev, [paper("p1")], meta={"run_time": str(tmp_path)})
    open_page(browser, path)
    assert js(browser, "return window.reportExportCsv()") == ",".join(CORRECTION_COLUMNS) + "\n"
    detail = _expand(browser, "NCT04288102")
    box = browser.find_element(By.CSS_SELECTOR, detail)
    box.find_element(By.CSS_SELECTOR, ".field[data-field=phase] button.reject[title*=PHASE2]").click()
    accept = box.find_element(By.CSS_SELECTOR, ".field[data-field=route] button.accept")
    accept.click()
    accept.click()  # a second click takes the mark back
    assert accept.get_attribute("aria-pressed") == "false"
    form = box.find_element(By.CSS_SELECTOR, "form.setform")
    Select(form.find_element(By.TAG_NAME, "select")).select_by_value("status")
    form.find_element(By.CSS_SELECTOR, "input[aria-label='Value to set']").send_keys("completed")
    form.find_element(By.CSS_SELECTOR, "input[aria-label=Note]").send_keys('per registry, "2021"')
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    who = browser.find_element(By.ID, "reviewer")
    who.clear()
    who.send_keys("Ann Reviewer")
    text = js(browser, "return window.reportExportCsv()")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["trial_id"], r["field"], r["action"], r["value"], r["reviewer"], r["note"]) for r in rows] == [
        ("NCT04288102", "phase", "reject", "PHASE2", "Ann Reviewer", ""),
        ("NCT04288102", "status", "set", "completed", "Ann Reviewer", 'per registry, "2021"'),
    ]
    corrections, problems = parse_corrections(text)
    assert problems == [] and [c.action for c in corrections] == ["reject", "set"]
    assert "2 marks" in browser.find_element(By.ID, "mark-count").text
    # the button saves the same text through a Blob download
    browser.find_element(By.ID, "export").click()
    saved = download_dir / "corrections.csv"
    WebDriverWait(browser, 15).until(lambda d: saved.exists() and saved.read_text(encoding="utf-8") == text)
    assert network_requests(browser) == []


@pytest.mark.browser
def test_injected_markup_is_shown_as_text(browser, tmp_path):
    from pipeline.api import run_corpus

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    hostile_name = f"{IMG}.txt"
    (corpus / hostile_name).write_text(
        "Mesenchymal stromal cells in a hostile review\n\n"
        f"A phase 2 trial (NCT01234567) {SCRIPT} gave 1 × 10^6 bone marrow MSCs/kg intravenously to 20 patients.\n\n"
        f"In NCT07654321 {IMG} umbilical cord MSCs were injected in a phase 1 study.\n", encoding="utf-8")
    (corpus / "zz-copy.txt").write_bytes((corpus / hostile_name).read_bytes())  # its message names the paper
    (corpus / f"{SVG}.txt").write_text(f"The phase 3 trial NCT05555555 {SVG} used adipose tissue MSCs.\n",
                                       encoding="utf-8")
    # a reviewer's file naming a hostile trial: the run reports it, in the report too
    (corpus / "corrections.csv").write_text(
        f'trial_id,field,action,value\n"{SCRIPT}",phase,set,PHASE1\n', encoding="utf-8")
    out = tmp_path / "out"
    run_corpus(corpus, out, progress=False)
    trials, ev, papers = report_inputs(out)
    assert {p["paper_id"] for p in papers} == {IMG, SVG, "zz-copy"}
    path = out / "report.html"  # as the run wrote it
    open_page(browser, path)
    for tid in ("NCT01234567", "NCT07654321", "NCT05555555"):
        _expand(browser, tid)
    assert js(browser, "return typeof window.__pwned") == "undefined"
    assert js(browser, "return document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert js(browser, "return document.querySelectorAll('svg[onload], [onerror]').length") == 0
    body = js(browser, "return document.body.innerText")
    assert SCRIPT in body  # the snippet and the correction problem, as text
    assert IMG in body  # the paper id (papers table, trial sources) and the snippet
    assert SVG in body
    assert f"duplicate of {IMG}" in body
    assert network_requests(browser) == []
    js(browser, "document.querySelector('#trial-rows tr.detail').scrollIntoView()")
    shot = tmp_path / "report-injection.png"
    browser.save_screenshot(str(shot))
    print(f"screenshot: {shot}")


@pytest.mark.browser
def test_long_tables_draw_rows_in_pages(browser, tmp_path):
    trials = [trial(f"NCT{i:08d}", registry="ctgov", enrollment=i) for i in range(450)]
    path = write_report(tmp_path, trials, [], [paper("p1")])
    open_page(browser, path)
    assert len(row_ids(browser)) == 400
    js(browser, "document.getElementById('f-text').value = 'nct00000449';"
                "document.getElementById('f-text').dispatchEvent(new Event('input'))")
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 5).until(lambda d: row_ids(d) == ["NCT00000449"])  # filters see every trial
    js(browser, "document.getElementById('f-clear').click()")
    js(browser, "[...document.querySelectorAll('tr.more-rows button')].pop().click()")
    assert len(row_ids(browser)) == 450


@pytest.mark.browser
def test_the_network_check_sees_requests(browser, tmp_path):
    """The check the other tests rely on: a page that loads an image does show up."""
    page = tmp_path / "loads.html"
    page.write_text('<!DOCTYPE html><img src="http://127.0.0.1:9/x.png"><p>x</p>', encoding="utf-8")
    browser.get_log("performance")
    browser.get(page.as_uri())
    assert "http://127.0.0.1:9/x.png" in network_requests(browser)


def test_setup_fails_under_ci_and_skips_elsewhere(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="required under CI=true: no apt"):
        browser_setup._unavailable("no apt")
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match="no apt"):
        browser_setup._unavailable("no apt")


def test_setup_installs_with_apt_and_updates_once_on_failure(monkeypatch, tmp_path):
    import subprocess

    monkeypatch.setattr(browser_setup, "CHROMIUM", tmp_path / "chromium")
    monkeypatch.setattr(browser_setup, "CHROMEDRIVER", tmp_path / "chromedriver")
    monkeypatch.setattr(browser_setup.shutil, "which", lambda name: "/usr/bin/apt-get")
    calls = []

    def apt(*args):
        calls.append(args)
        ok = args == ("update",) or len(calls) > 2
        if ok and args[0] == "install":
            (tmp_path / "chromium").touch()
            (tmp_path / "chromedriver").touch()
        return subprocess.CompletedProcess(args, 0 if ok else 100, "", "E: Unable to locate package chromium")

    monkeypatch.setattr(browser_setup, "_apt", apt)
    assert browser_setup.ensure_chromium() is None
    assert calls == [("install", "-y", "chromium", "chromium-driver"), ("update",),
                     ("install", "-y", "chromium", "chromium-driver")]
    assert browser_setup.ensure_chromium() is None and len(calls) == 3  # present: nothing to do

    (tmp_path / "chromium").unlink()
    monkeypatch.setattr(browser_setup, "_apt", lambda *a: subprocess.CompletedProcess(a, 100, "", "E: no network"))
    assert "failed (exit 100): E: no network" in browser_setup.ensure_chromium()


@pytest.mark.browser
def test_the_report_says_which_scope_tied_a_value(browser, tmp_path):
    t = trial("NCT04288102", registry="ctgov", route=["intravenous"], phase=["PHASE2"], sources=["p1"])
    ev = [evidence("NCT04288102", "route", "intravenous", "intravenously", "Cells were given intravenously.",
                   start=16, extractor="vocabulary@document", confidence=0.6),
          evidence("NCT04288102", "phase", "PHASE2", "phase 2", "A phase 2 trial (NCT04288102).", start=2,
                   extractor="phases")]
    path = write_report(tmp_path, [t], ev, [paper("p1")], meta={"run_time": str(tmp_path)})
    open_page(browser, path)
    detail = _expand(browser, "NCT04288102")
    metas = js(browser, """return Object.fromEntries([...document.querySelectorAll(arguments[0] + ' .field')]
        .map(f => [f.dataset.field, [...f.querySelectorAll('.evmeta')].map(m => m.textContent).join(' ')]));""", detail)
    assert "document's own trial" in metas["route"] and "vocabulary" in metas["route"] and "@" not in metas["route"]
    assert "tied by" not in metas["phase"]
