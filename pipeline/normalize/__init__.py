"""Text clean-up with an offset map back to the raw text (see `normalize_document`)."""
from pipeline.normalize.text import normalize_document, normalize_string

__all__ = ["normalize_document", "normalize_string"]
