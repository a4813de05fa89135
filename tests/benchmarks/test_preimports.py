"""Which libraries a measured run imports before its clock starts."""

from __future__ import annotations

from pathlib import Path

from benchmarks.jobs import Job, preimports


def _job(system: str, work: str) -> Job:
    return Job(system, work, Path("chiso.toml"), "http://127.0.0.1:1", Path("."))


def test_only_the_runs_with_a_quality_checkpoint_load_great_expectations_first() -> None:
    # A cold collect that never checks quality must not carry GX in its peak RSS.
    assert "great_expectations" not in preimports(_job("chiso", "cold"))
    assert "great_expectations" not in preimports(_job("chiso", "collect-full"))
    assert "great_expectations" in preimports(_job("chiso", "nightly"))
    assert "great_expectations" in preimports(_job("chiso-prefect", "rerun"))
    assert preimports(_job("floor", "cold")) == ("connectors.registry", "flows.collect")
