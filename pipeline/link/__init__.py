"""Attach values to trials: the stage between extraction and merging.

A value belongs to a trial only when the text ties it to that trial (the contract):
- a table row: every value of the row belongs to the row's trial(s);
- a sentence naming exactly one trial (registry id, a cited trial's reference number, or the
  author of a trial known by its publication): every value of the sentence;
- a sentence naming several trials: only the product (a list such as "MSC-EVs ... (NCT1) and
  (NCT2)") and acronyms printed right before an id's parenthesis;
- a sentence naming none, inside a paragraph that names exactly one trial: that trial
  (confidence lowered);
- anything else: written to evidence with an empty trial_id.
"""
from pipeline.link.core import extract_paper

__all__ = ["extract_paper"]
