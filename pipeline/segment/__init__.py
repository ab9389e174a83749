"""Segment normalized text into sentences, table rows, captions, legends and references."""
from pipeline.segment.core import Segmentation, segment

__all__ = ["Segmentation", "segment"]
