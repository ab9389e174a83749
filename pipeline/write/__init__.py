"""Writers: staged output files, streamed evidence, the data package, the report."""
__all__ = ["EvidenceSink", "Staged", "atomic_path", "datapackage", "text_file_name", "write_table"]
_MODULES = {"EvidenceSink": "stream", "Staged": "stream", "write_table": "stream",
            "atomic_path": "tables", "datapackage": "tables", "text_file_name": "tables"}


def __getattr__(name):  # lazy: `tables` is needed without pyarrow, which `stream` imports
    if name in _MODULES:
        from importlib import import_module

        return getattr(import_module(f"pipeline.write.{_MODULES[name]}"), name)
    raise AttributeError(name)
