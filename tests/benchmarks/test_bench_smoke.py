"""The benchmark harness still runs and still times every stage (never how fast).

`python -m benchmarks run --sizes S --quick` (chiso only: dlt is not installed in CI)
must produce a result of the right shape; a seam the stage timers wrap that moved
fails here with its name.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.stages import SEAMS, STAGES, check_seams

REPO = Path(__file__).resolve().parents[2]


def test_every_stage_seam_is_where_the_benchmark_times_it() -> None:
    check_seams()
    assert {seam.stage for seam in SEAMS} == set(STAGES)


@pytest.mark.slow
def test_a_small_chiso_only_run_has_the_expected_shape(tmp_path: Path) -> None:
    out = tmp_path / "results"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "run", "--sizes", "S", "--quick",
         "--out", str(out), "--workdir", str(tmp_path)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    doc = json.loads((out / "S.json").read_text(encoding="utf-8"))

    assert {"schema", "size", "environment", "simulator", "gate", "valid", "summary",
            "ratios", "prefect_overhead", "runs"} <= set(doc)  # fmt: skip
    assert doc["size"] == "S" and doc["valid"] is True
    assert doc["gate"] == {"status": "skipped", "message": "chiso only"}
    versions = doc["environment"]["versions"]
    assert {"python", "duckdb", "pandas", "pyarrow", "prefect"} <= set(versions)
    assert doc["environment"]["machine"]["cpu_count"] >= 1
    assert doc["simulator"]["records"] > 0

    for key in ("cold/chiso", "incremental/chiso"):
        entry = doc["summary"][key]
        assert entry["ok"] is True
        assert entry["seconds"]["median"] > 0
        assert entry["rss_peak_bytes"]["median"] > 0
        assert entry["rows"] > 0
        assert set(STAGES) | {"other"} <= set(entry["stages"])
    cold = doc["summary"]["cold/chiso"]["stages"]
    assert all(cold[stage] > 0 for stage in STAGES), cold
    for run in doc["runs"]:  # chiso and the floor; no dlt
        assert run["system"] in ("chiso", "floor") and run["requests"] > 0
        assert run["import_seconds"] > 0  # imports happen before the clock starts

    ratios = {r["key"]: r for r in doc["ratios"]}
    assert ratios["incremental_vs_cold"]["value"] > 0
    assert ratios["cold_vs_dlt_parquet"]["value"] is None  # no dlt in a chiso-only run
    assert all(r["met"] in (True, False, None) for r in ratios.values())
