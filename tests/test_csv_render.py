"""evidence.csv rows are rendered by Arrow column by column; they must be the bytes Python's csv
module writes for the same rows (after the spreadsheet rule: an apostrophe before a text cell that
starts with = + - @ tab or CR), for every character that makes it quote and for numbers."""
from __future__ import annotations

import csv
import io

import pyarrow as pa
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.cache import evidence_table
from pipeline.models import Evidence
from pipeline.schema import EVIDENCE_FIELD_NAMES
from pipeline.write.stream import render_csv


def reference(evidence: list[Evidence]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for ev in evidence:
        cells = [getattr(ev, k) for k in EVIDENCE_FIELD_NAMES]
        writer.writerow(["" if v is None else f"{v:g}" if isinstance(v, float) else
                         "'" + v if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r") else v for v in cells])
    return buf.getvalue().encode("utf-8")


TEXT = st.lists(st.sampled_from(list('ab ,"\n\r;\t\'é\u2028\u00a0x\x00=+-@') + ["NCT01", "×10^6"]), max_size=8).map("".join)


def _ev(text: str, raw: str, page, confidence: float, start: int) -> Evidence:
    return Evidence(trial_id=text[:4], field="phase", value=text, raw=raw, paper_id="p,1" if start % 2 else "p",
                    page=page, char_start=start, char_end=start + len(raw), snippet=f"{raw} {text}",
                    extractor="table", confidence=confidence)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(TEXT, TEXT, st.one_of(st.none(), st.integers(1, 999)),
                          st.sampled_from([1.0, 0.9, 0.333, 0.5, 0.001, 0.1 + 0.2, 1 / 3, 0.0, -0.0, 2.5e6, 1e-5, float("nan")]),
                          st.integers(0, 10**6)), max_size=8))
@example([('"', "a,b", None, 0.1 + 0.2, 0), ("", "\r\n", 3, 1.0, 1)])
@example([("a", "b", 1, 0.0, 0), ("c", "d", 2, -0.0, 1), ("e", "f", 3, 0.0, 2)])  # each number printed once: 0 and -0 apart
def test_rows_are_the_bytes_the_csv_module_writes(rows):
    evidence = [_ev(*r) for r in rows]
    assert render_csv(evidence_table(evidence)) == reference(evidence)


def test_a_table_of_several_chunks_renders_like_one():
    evidence = [_ev(f"v{k},x", "r", k, 0.9, k) for k in range(5)]
    table = pa.concat_tables([evidence_table(evidence[:2]), evidence_table(evidence[2:])])
    assert table.column("value").num_chunks == 2
    assert render_csv(table) == reference(evidence)
