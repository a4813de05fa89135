"""The performance benchmark (issue #8): chiso against dlt's REST API source and the
floor (downloading the same pages), on the same simulator data in the same run.

Not part of the product nor of the pytest suite (but for its smoke test); dlt comes only
with the ``bench`` extra. ``python -m benchmarks run --sizes S,M`` measures and writes
``benchmarks/results/<size>.json``; ``python -m benchmarks report`` writes
``docs/PERFORMANCE.md`` and its chart from them.
"""
