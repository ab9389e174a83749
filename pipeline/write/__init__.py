"""Write the run's files atomically: trials, evidence, papers (CSV, Parquet), the data package,
and each paper's normalized text."""
from pipeline.write.tables import write_outputs

__all__ = ["write_outputs"]
