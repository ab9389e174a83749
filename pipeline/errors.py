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


class RegistryError(PipelineError):
    """A registry export (ClinicalTrials.gov CSV or API JSON) that cannot be read."""


class RunError(PipelineError):
    """A run that cannot start or cannot write its outputs: a wrong argument (a corpus that does
    not exist, `workers=0`, a negative timeout), an output folder that cannot be used, a full
    disk, or another run writing to the same output folder. Raised by `pipeline.run_corpus`
    before anything is extracted (or, for a full disk, with the previous outputs kept);
    `exit_code` is what the command line exits with (2 usage or environment, 5 disk full,
    6 output folder in use)."""

    def __init__(self, code: str, exit_code: int = 2, **kw):
        super().__init__(code, message(code, **kw))
        self.exit_code = exit_code


class OutputError(RunError, OSError):
    """The output folder cannot be written (E144, exit code 2): read-only, forbidden, a file in
    its way. Also an `OSError`, with the failed call's `errno`, as the failed write was."""

    def __new__(cls, *args, **kw):
        return OSError.__new__(cls)

    def __init__(self, code: str = "E144", exit_code: int = 2, errno: int | None = None, **kw):
        super().__init__(code, exit_code, **kw)
        self.errno = errno

    def __str__(self) -> str:
        return self.message


class DiskFullError(OutputError):
    """The disk (or quota) filled up while the run wrote its outputs (E146, exit code 5): the
    previous outputs are kept."""

    def __init__(self, code: str = "E146", exit_code: int = 5, errno: int | None = 28, **kw):
        super().__init__(code, exit_code, errno, **kw)


# messages for input files (papers.csv `message`)
MESSAGES = {
    "E101": "empty file: nothing to read",
    "E102": "binary file (NUL bytes or control characters): not a text paper",
    "E103": "file too large ({size:,} bytes; limit {limit:,}): a paper's text is far smaller; split it into papers or raise --max-bytes",
    "E105": "unsupported file type {suffix!r}: use .txt, .md or .pdf",
    "E106": "cannot read the file: {error}",
    "E107": "PDF could not be read ({reason}): {error}",
    "E108": "timed out after {seconds:g} s while reading or extracting",
    "E109": "the worker reading this file failed: {error}",
    "E110": "a directory named like a paper, not a file: the papers inside it are read on their own",
    "E111": "a broken symbolic link (it points to {target!r}, which does not exist): fix or remove the link",
    "E112": "a symbolic link loop (the link leads back to itself): fix or remove the link",
    "E113": "{kind}, not a regular file: not read; copy the paper into a regular file",
    "E120": "ran out of memory while reading or extracting (limit {limit} MB per paper; raise --max-memory)",
    "S140": "skipped: named like a folder's own file ({name}: README, LICENSE, CHANGELOG, ...), not a paper; rename it to read it",
    "S141": "skipped: a hidden {what} (its name starts with '.')",
    "S142": "skipped: matches the exclusion pattern {pattern!r} ({source})",
    "W201": "not UTF-8: read as {encoding}; check special characters",
    "W202": "duplicate of {other} (same content): read once",
    "W203": "no trial found",
    "W204": "{count} NUL byte(s) removed from the text: the file may be damaged; check it",
    "W206": "{count:,} of {total:,} pages could not be read ({reason}): pages {pages}",
    "W207": "{count:,} of {total:,} pages have no text layer (scanned or blank): pages {pages}",
    "W208": "{count:,} of {total:,} pages have many characters without a Unicode mapping (text may be garbled): pages {pages}",
    "W209": "the file does not end with %%EOF: it may be truncated (the pages that can be read are read)",
    "W205": "{count} bidirectional control character(s) (e.g. U+202E) removed from the snippets: they would show the text in another order",
    # reviewer corrections (pipeline/corrections.py); `where` is "<file> line <n>"
    "C301": "{path}: corrections file not found",
    "C302": "{path}: cannot read the corrections file: {error}",
    "C303": "{path}: no header line: the first line must name the columns {columns}",
    "C304": "{path}: missing column(s) {missing} in the header (found {found}); required: {required}",
    "C305": "{where}: more cells than header columns; quote a value that contains a comma",
    "C306": "{where}: empty {column}: every correction names a trial_id, a field and an action",
    "C307": "{where}: unknown action {action!r}: use accept, reject or set",
    "C308": "{where}: '{action}' needs a value ({hint})",
    "C310": "{where}: unknown trial {trial_id!r}: no paper in this run mentions it{hint}",
    "C311": "{where}: unknown field {field!r}{hint}; correctable fields: {allowed}",
    "C312": "{where}: {value!r} is not a valid {field} value: use {allowed}",
    "C313": "{where}: {field} holds one value, but {value!r} has several ('|' separates list values)",
    "C314": "{where}: '{action}' takes one value per line, but {value!r} has several: write one line per value",
    "C315": "{where}: cannot {action} {field} {value!r}: trial {trial_id} has no such value (it has: {values})",
    "C317": "{where}: a quote opened on this line is never closed: the line is not applied (the lines after it are read on their own); close the quote",
    "C316": "{where}: contradicts line(s) {others} ({why}); none of these lines is applied",
    # registry exports (pipeline/registry/); `path` is the file as given
    "E130": "registry file {path}: cannot read it: {error}",
    "E131": "registry file {path}: empty: download the search results again (CSV, or API v2 JSON)",
    "E132": "registry file {path}: not a ClinicalTrials.gov export: {reason}",
    "E133": "registry file {path}: no trials in it ({reason}): check the search that produced it",
    "W230": "registry file {path}: {count} row(s) without a valid NCT number skipped (first at {where})",
    "W231": "registry file {path}: {field} {values} has no code in the trial table: left empty",
    # the run itself (RunError): its arguments, its output folder
    "E140": "corpus folder {path!r} does not exist",
    "E141": "corpus {path!r} is a file, not a folder: pass the folder that holds the papers",
    "E142": "corpus path is too long for the system ({length:,} bytes): use a shorter path",
    "E143": "output folder {path!r} is a file: pass a folder (it is created if missing)",
    "E144": "output folder {path!r} cannot be written: {error}",
    "E145": "output folder {path!r} is the corpus folder: pass another --out (inside the corpus is fine: it is not read)",
    "E146": "disk full while writing to {path!r} ({error}): the previous outputs are kept; free some space and run again",
    "E147": "output folder {path!r} is in use by another run{holder}: wait for it to finish, or pass another --out",
    "E148": "{option} must be {rule}, not {value!r}",
    "W232": "registry file {path}: {count} trial(s) also in {other}: kept the record of the later export ({kept})",
}


def message(code: str, **kw) -> str:
    return f"[{code}] " + MESSAGES[code].format(**kw)


def summarize_numbers(numbers, shown: int = 10) -> str:
    """Numbers (line or page numbers) for a message: sorted, runs written as ranges, at most
    `shown` items and then how many more ("2, 5-9, 12 and 999,987 more")."""
    items: list[str] = []
    rest = 0
    run: list[int] = []
    for n in sorted(set(numbers)):
        if run and n == run[-1] + 1:
            run.append(n)
            continue
        if run:
            if len(items) < shown:
                items.append(_run_text(run))
            else:
                rest += len(run)
        run = [n]
    if run:
        if len(items) < shown:
            items.append(_run_text(run))
        else:
            rest += len(run)
    text = ", ".join(items)
    return f"{text} and {rest:,} more" if rest else text


def _run_text(run: list[int]) -> str:
    return f"{run[0]:,}" if len(run) == 1 else f"{run[0]:,}-{run[-1]:,}"
