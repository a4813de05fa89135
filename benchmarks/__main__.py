"""``python -m benchmarks run …`` / ``python -m benchmarks report``."""

from benchmarks.cli import app

app()
