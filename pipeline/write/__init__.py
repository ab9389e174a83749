"""Writers: staged output files, streamed evidence, the data package, the report."""
from pipeline.write.stream import EvidenceSink, Staged, write_table
from pipeline.write.tables import atomic_path, datapackage, text_file_name

__all__ = ["EvidenceSink", "Staged", "atomic_path", "datapackage", "text_file_name", "write_table"]
