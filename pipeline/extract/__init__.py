"""Extractors: pure functions `find_*(text) -> list[Mention]`, one module per field family."""
