"""Grow pipeline/vocab/conditions.yaml from the conditions of a ClinicalTrials.gov CSV export.

    .venv/bin/python scripts/conditions_from_export.py EXPORT.csv [--min-count 2]

Appends one entry per condition the vocabulary does not match yet: its most frequent printed
form, lower-cased, as code and label; the other spellings of the same condition (plural,
hyphens, MeSH's inverted "Osteoarthritis, Knee") as synonyms. Names of interventions or cells
("Mesenchymal Stem Cells", "Umbilical Cord"), healthy volunteers and abbreviations only (case-sensitive matches
are added by hand) are left out. Entries get no ontology id: add one by hand where known.
Run it once per export; the entries are data, reviewed like any other vocabulary change.
"""
from __future__ import annotations

import argparse
import csv
import re
from collections import Counter, defaultdict
from pathlib import Path

VOCAB = Path(__file__).resolve().parents[1] / "pipeline" / "vocab" / "conditions.yaml"
NOT_CONDITIONS = re.compile(
    r"\b(?:stem|stromal|mesenchymal|cells?|cellular|therapy|therapies|transplant\w*|treatment|healthy|volunteers?|"
    r"exosomes?|vesicles?|secretome|msc|mscs|safety|efficacy|feasibility|drug|injection|infusion|surgery|"
    r"regenerat\w*|tissue engineering|quality of life|pain management)\b", re.I)
MAX_WORDS = 5
DROP_QUALIFIERS = {"human"}


def canonical(printed: str) -> str:
    """'Osteoarthritis, Knee' -> 'knee osteoarthritis'; 'ARDS, Human' -> 'ards'; spaces collapsed."""
    text = " ".join(printed.split()).strip(" .;")
    parts = [p.strip() for p in text.split(",")]
    if len(parts) == 2 and parts[1] and len(parts[1].split()) <= 2:
        text = parts[0] if parts[1].lower() in DROP_QUALIFIERS else f"{parts[1]} {parts[0]}"
    return text.lower()


def key(name: str) -> str:
    k = re.sub(r"[\s\-'’]+", "", name)
    return re.sub(r"(?:ies|es|s)$", "", k)


def main() -> None:
    import sys

    sys.path.insert(0, str(VOCAB.parents[2]))
    from pipeline import vocab
    from pipeline.extract.vocab_match import matcher

    known = vocab.load("conditions").by_synonym

    ap = argparse.ArgumentParser()
    ap.add_argument("export")
    ap.add_argument("--min-count", type=int, default=2, help="trials a condition must name (default 2)")
    a = ap.parse_args()
    with open(a.export, encoding="utf-8-sig", newline="") as fh:
        printed = [c.strip() for row in csv.DictReader(fh) for c in row["Conditions"].split("|") if c.strip()]
    groups: dict[str, Counter] = defaultdict(Counter)
    for p in printed:
        name = canonical(p)
        if (len(name.split()) > MAX_WORDS or NOT_CONDITIONS.search(name) or not re.search(r"[a-z]{3}", name)
                or p.isupper() or re.search(r"[^\w\s\-'’]", name) or matcher("conditions").find(p)
                or vocab.fold(name) in known or any(matcher(f).find(name) for f in ("cell_source", "product", "route"))):
            continue
        groups[key(name)][name] += 1
    entries = []
    for forms in groups.values():
        if sum(forms.values()) < a.min_count:
            continue
        code = forms.most_common(1)[0][0]
        entries.append((code, sorted(forms)))
    entries.sort()
    with VOCAB.open("a", encoding="utf-8") as fh:
        fh.write(f"  # from the conditions of {Path(a.export).name} (scripts/conditions_from_export.py)\n")
        for code, forms in entries:
            fh.write(f"  - code: {code}\n    label: {code}\n    synonyms: [{', '.join(forms)}]\n")
    print(f"{len(entries)} entries added to {VOCAB}")


if __name__ == "__main__":
    main()
