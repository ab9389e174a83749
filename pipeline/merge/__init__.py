"""Merge evidence across papers into one row per trial."""
from pipeline.merge.core import TrialMerger, merge_trials

__all__ = ["TrialMerger", "merge_trials"]
