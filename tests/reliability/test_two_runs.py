"""Two runs at once on one warehouse, in two processes: the one that holds the warehouse
keeps it; `chiso run` started beside it stops at once, names the holder, and writes
nothing (no run row, no load, no snapshot)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from flows.cli import app
from flows.settings import load_settings
from tests.reliability.conftest import reliability_config
from tests.reliability.figures import FigureBook

REPO = Path(__file__).resolve().parents[2]
# The first run: holds the warehouse for a whole run, as `nightly_flow` does, until told.
HOLDER = """
import sys, time
from pathlib import Path
from warehouse.connection import open_writer, run_lock
from warehouse.ledger import start_run

db, stop = sys.argv[1], Path(sys.argv[2])
with run_lock(db):
    with open_writer(db) as con:
        start_run(con, "the-first-run", "nightly", {})
    print("holding", flush=True)
    while not stop.exists():
        time.sleep(0.05)
"""


def test_a_second_run_in_another_process_stops_at_once_and_writes_nothing(
    prefect_api: str, tmp_path: Path, figures: FigureBook
) -> None:
    config = reliability_config(tmp_path, "http://127.0.0.1:9")  # never reached
    settings = load_settings(config)
    db, stop = settings.warehouse.path, tmp_path / "stop"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db), str(stop)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
        second = CliRunner().invoke(app, ["run", "--period", "2024", "--config", str(config)])
    finally:
        stop.touch()
        _, err = holder.communicate(timeout=60)

    with duckdb.connect(str(db), read_only=True) as con:
        runs = con.execute("SELECT run_id FROM meta.run").fetchall()
        loads = con.execute("SELECT count(*) FROM meta.load").fetchall()
    figures.record(
        "two runs at once on one warehouse",
        faults_injected=1,
        duplicate_keys=0 if loads == [(0,)] else None,
        kept_previous=runs == [("the-first-run",)],
    )
    assert holder.returncode == 0, err[-2000:]
    text = " ".join(second.output.split())
    assert second.exit_code == 2, text[:500]
    assert f"error: another chiso run holds the warehouse {db} (pid {holder.pid}, since" in text
    assert runs == [("the-first-run",)] and loads == [(0,)]
    assert not settings.warehouse.snapshot_path.exists()
