"""Extract a deduplicated, provenance-backed table of MSC clinical trials from review papers.

Library API (stable):

    from pipeline import run_corpus, extract_text
    result = run_corpus("corpus/", "extracted/")       # writes every output file
    evidence = extract_text("... NCT04288102 ... phase 2 ...", paper_id="demo")
"""
__version__ = "0.1.0"
__all__ = ["run_corpus", "extract_text", "__version__", "pipeline_version"]


def pipeline_version() -> str:
    """Code and vocabulary version, as the data package states it."""
    from pipeline.vocab import vocabulary_version

    return f"{__version__}+{vocabulary_version()}"


def __getattr__(name):  # lazy: importing the package stays cheap for worker processes
    if name in ("run_corpus", "extract_text"):
        from pipeline import api

        return getattr(api, name)
    raise AttributeError(name)
