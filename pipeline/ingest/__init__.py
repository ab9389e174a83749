"""Read an input file into a `Document` (pages of raw text)."""
from pipeline.ingest.text import SUPPORTED_SUFFIXES, discover, read_document

__all__ = ["SUPPORTED_SUFFIXES", "discover", "read_document"]
