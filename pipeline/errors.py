"""Every error and warning a user can see, with a code to search for. One place."""
from __future__ import annotations


class PipelineError(Exception):
    """An error with a stable code (e.g. `E101`) and a message a user can act on."""

    def __init__(self, code: str, message: str):
        super().__init__(f"[{code}] {message}")
        self.code = code
        self.message = message


class InputError(PipelineError):
    """A paper that cannot be read."""


class VocabularyError(PipelineError):
    """A vocabulary file that is not valid."""


class CorrectionError(PipelineError):
    """A reviewer's correction that cannot be applied."""


# messages for input files (papers.csv `message`)
MESSAGES = {
    "E101": "empty file: nothing to read",
    "E102": "binary file (NUL bytes or control characters): not a text paper",
    "E103": "file too large ({size} bytes; limit {limit}): split it or raise --max-bytes",
    "E104": "a line of {length} characters (limit {limit}): not a paper's text layout",
    "E105": "unsupported file type {suffix!r}: use .txt, .md or .pdf",
    "E106": "cannot read the file: {error}",
    "E107": "PDF could not be read ({reason}): {error}",
    "E108": "timed out after {seconds:g} s while reading or extracting",
    "E109": "the worker reading this file failed: {error}",
    "E110": "not a file (a directory or a broken link)",
    "W201": "not UTF-8: read as {encoding}; check special characters",
    "W202": "duplicate of {other} (same content): read once",
    "W203": "no trial found",
}


def message(code: str, **kw) -> str:
    return f"[{code}] " + MESSAGES[code].format(**kw)
