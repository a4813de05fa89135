"""Analysts are never blocked and never read a half-built period.

An analyst's process holds a read-only connection to the published snapshot open
across a whole nightly run that changes the figures (late data arrived), reading all
the while; it also connects afresh on every read, as a colleague starting a notebook
mid-run would. The held connection must read the old snapshot, whole, every time; each
fresh one the old or the new snapshot, whole; the run must publish regardless.

DuckDB caches what it has read, so a held connection could look right even if the
file under it were rewritten; the analyst therefore also keeps the file itself open
and, at the end, hashes what that descriptor reads: the file it opened must be the
old snapshot byte for byte (the new one was swapped in beside it, not written over it).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.prefect_flows import nightly_flow
from simulator import SimulatorHandle, start_simulator
from tests.reliability.conftest import SEED, reliability_config

# The analyst: one connection held open, one fresh attachment per read; each read is
# one statement over the scores and measures of 2024. Lines of JSON on stdout.
ANALYST = """
import hashlib, json, sys, time
from pathlib import Path
import duckdb

snapshot, stop = sys.argv[1], Path(sys.argv[2])
READ = (
    "SELECT (SELECT count(*) FROM marts.score WHERE period = '2024') AS scores, "
    "(SELECT coalesce(sum(hash(framework, unit_code, criterion, points, status)::HUGEINT), 0)"
    " FROM marts.score WHERE period = '2024') AS score_hash, "
    "(SELECT count(*) FROM marts.measure WHERE period = '2024') AS measures, "
    "(SELECT coalesce(sum(hash(unit_code, measure_key, origin, value_num, value_text)"
    "::HUGEINT), 0) FROM marts.measure WHERE period = '2024') AS measure_hash"
)

def read(con):
    return [str(v) for v in con.execute(READ).fetchone()]

held = duckdb.connect(snapshot, read_only=True)
held_file = open(snapshot, "rb")
print(json.dumps({"ready": read(held)}), flush=True)
deadline = time.monotonic() + 600
while not stop.exists() and time.monotonic() < deadline:
    line = {}
    try:
        line["held"] = read(held)
        fresh = duckdb.connect()
        fresh.execute("ATTACH ? AS s (READ_ONLY)", [snapshot])
        fresh.execute("USE s")
        line["fresh"] = read(fresh)
        fresh.close()
    except Exception as error:
        line["error"] = f"{type(error).__name__}: {error}"
    print(json.dumps(line), flush=True)
    time.sleep(0.05)
held.close()
held_file.seek(0)
print(json.dumps({"held_file": hashlib.sha256(held_file.read()).hexdigest()}), flush=True)
"""


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorHandle]:
    with start_simulator(scale=0.002, seed=SEED) as handle:
        yield handle


def read_now(snapshot: Path, scratch: Path) -> list[str]:
    """One read of the snapshot, by a process that opens it afresh."""
    stop = scratch / "stop-at-once"
    stop.touch()
    done = subprocess.run(
        [sys.executable, "-c", ANALYST, str(snapshot), str(stop)],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    reading: list[str] = json.loads(done.stdout.splitlines()[0])["ready"]
    return reading


def test_an_open_reader_reads_whole_snapshots_throughout_a_nightly_run(
    prefect_api: str, sim: SimulatorHandle, tmp_path: Path
) -> None:
    config = str(reliability_config(tmp_path, sim.base_url))
    first = nightly_flow(periods=["2024"], config=config)
    assert first.snapshot is not None
    snapshot = first.snapshot
    old = read_now(snapshot, tmp_path)
    old_bytes, old_inode = hashlib.sha256(snapshot.read_bytes()).hexdigest(), snapshot.stat().st_ino
    # Late data: dossiers of 2024 closed, and new ones received.
    resolved = sim.province.dossiers.query("TrangThai == 'dang_xu_ly'")["MaHoSo"].head(20)
    for dossier_id in resolved:
        sim.update_dossier(str(dossier_id), status="resolved")
    sim.add_dossiers(30, received_between=("2024-03-01", "2024-11-30"))

    stop = tmp_path / "stop"
    analyst = subprocess.Popen(
        [sys.executable, "-c", ANALYST, str(snapshot), str(stop)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert analyst.stdout is not None
        assert json.loads(analyst.stdout.readline())["ready"] == old
        started = time.monotonic()
        second = nightly_flow(periods=["2024"], config=config)
        run_seconds = time.monotonic() - started
    finally:
        stop.touch()
        out, err = analyst.communicate(timeout=60)
    *reads, end = [json.loads(line) for line in out.splitlines()]
    new = read_now(snapshot, tmp_path)

    assert analyst.returncode == 0, err[-2000:]
    assert second.published, second.problems  # the reader never blocked the writer
    assert new != old  # the run did change the published figures
    assert [r["error"] for r in reads if "error" in r] == []
    assert len(reads) >= 10 and run_seconds > 1  # it read all through the run
    assert {tuple(r["held"]) for r in reads} == {tuple(old)}  # whole, and the old one
    assert {tuple(r["fresh"]) for r in reads} <= {tuple(old), tuple(new)}
    assert end == {"held_file": old_bytes}  # the file the analyst opened was never written
    assert snapshot.stat().st_ino != old_inode  # the new snapshot is another file
