"""Merge evidence across papers into one row per trial."""
from pipeline.merge.core import merge_trials

__all__ = ["merge_trials"]
