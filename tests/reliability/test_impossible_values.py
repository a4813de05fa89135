"""Impossible values in a hand-made measures file (`chiso score --measures`): a numerator
above its denominator is refused by line and column before anything is scored, where the
engine would otherwise cap the rate at 100% and score the row as if nothing were wrong."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from flows.cli import app
from tests.reliability.figures import FigureBook

FAULT = "impossible values (negative counts, numerator > denominator)"


def score(measures: Path) -> tuple[int, str]:
    result = CliRunner().invoke(
        app,
        ["score", "--framework", "par7-2024", "--period", "2024", "--measures", str(measures)],
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, " ".join(result.output.split())


def write_apps(path: Path, shared: int, via_lgsp: int) -> Path:
    path.write_text(
        "unit,period,measure,value\n"
        f"89,2024,apps_with_shared_data,{shared}\n"
        f"89,2024,apps_with_shared_data_via_lgsp,{via_lgsp}\n",
        encoding="utf-8",
    )
    return path


def test_a_measures_file_with_a_numerator_above_its_denominator_is_refused_by_line(
    tmp_path: Path, figures: FigureBook
) -> None:
    measures = write_apps(tmp_path / "measures.csv", shared=3, via_lgsp=5)

    code, text = score(measures)

    figures.record(FAULT, faults_injected=1)
    assert code == 2, text[:500]
    assert (
        f"error: {measures}: 1 problem(s) {measures}:3: column value: "
        "apps_with_shared_data_via_lgsp = 5 is greater than apps_with_shared_data = 3 "
        "(line 2) for unit 89, period 2024"
    ) in text
    assert "capped" not in text and "Traceback" not in text


def test_a_numerator_equal_to_its_denominator_is_scored(tmp_path: Path) -> None:
    code, text = score(write_apps(tmp_path / "measures.csv", shared=3, via_lgsp=3))

    assert code == 0, text[:500]
    assert "error:" not in text
