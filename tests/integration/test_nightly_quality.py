"""A failed data-quality checkpoint is visible: the nightly run does not publish, its
result names the failed expectation, and `chiso run` prints it and exits 1.

The marts' own contracts refuse a broken row at write time, so the checkpoint is made
to fail here on a mart broken after the build: the expectation it derives from the
contract (rate between 0 and 1) must catch it on the warehouse it is given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

import flows.prefect_flows as prefect_flows
from flows.cli import app
from flows.settings import load_settings
from reports.quality import QualityResult, run_quality_checkpoint
from simulator import SimulatorHandle


def test_a_broken_mart_blocks_publication_and_is_reported(
    tmp_path: Path, sim: SimulatorHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.integration.conftest import write_config

    config = write_config(tmp_path, sim.base_url)
    settings = load_settings(config)

    monkeypatch.setattr(prefect_flows, "run_quality_checkpoint", broken_checkpoint(tmp_path))
    result = CliRunner().invoke(app, ["run", "--period", "2024", "--config", str(config)])

    assert result.exit_code == 1, result.output
    assert "Data quality checkpoint FAILED" in result.output
    assert "marts.score" in result.output and "rate" in result.output
    assert "Not published" in result.output
    assert not settings.warehouse.snapshot_path.exists()


def broken_checkpoint(tmp_path: Path) -> Any:
    """A checkpoint run on a copy of the warehouse whose PAR 7.3.6 rate is 125 %."""

    def checkpoint_on_a_broken_copy(
        source: Any, out_dir: Path, periods: Any = None
    ) -> QualityResult:
        broken = tmp_path / "broken.duckdb"
        broken.unlink(missing_ok=True)
        con = duckdb.connect(str(broken))
        con.execute(f"ATTACH '{source}' AS built (READ_ONLY)")
        con.execute("COPY FROM DATABASE built TO broken")
        con.execute("DETACH built")
        con.execute(
            "UPDATE marts.score SET rate = 1.25 WHERE framework = 'par7-2024' "
            "AND criterion = '7.3.6'"
        )
        con.close()
        return run_quality_checkpoint(broken, out_dir, periods)

    return checkpoint_on_a_broken_copy


def test_a_rerun_or_override_with_a_broken_mart_keeps_the_last_good_snapshot(
    tmp_path: Path, sim: SimulatorHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Operators' runs pass the same checkpoint as the night before they publish."""
    from tests.integration.conftest import write_config

    config = write_config(tmp_path, sim.base_url)
    settings = load_settings(config)
    runner = CliRunner()
    first = runner.invoke(app, ["run", "--period", "2024", "--config", str(config)])
    assert first.exit_code == 0, first.output
    published = settings.warehouse.snapshot_path.read_bytes()

    monkeypatch.setattr(prefect_flows, "run_quality_checkpoint", broken_checkpoint(tmp_path))
    rerun = runner.invoke(app, [
        "rerun", "--framework", "par7-2024", "--criterion", "7.3.6", "--unit", "89",
        "--period", "2024", "--reason", "disputed", "--config", str(config),
    ])  # fmt: skip
    override = runner.invoke(app, [
        "override", "set", "--measure", "apps_with_shared_data", "--unit", "89",
        "--period", "2024", "--value", "3", "--evidence", "CV 12/STTTT", "--reason", "test",
        "--config", str(config),
    ])  # fmt: skip

    for result in (rerun, override):
        text = " ".join(result.output.split())
        assert result.exit_code == 1, result.output
        assert "rebuilt, not published" in text and "data quality" in text, text
        assert "marts.score" in text and "rate" in text
    assert settings.warehouse.snapshot_path.read_bytes() == published
