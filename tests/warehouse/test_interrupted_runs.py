"""A run killed with SIGKILL never finishes its `meta.run` row; the next run, holding the
run lock (so no other run is alive), marks it failed instead of leaving it `running`."""

from __future__ import annotations

from pathlib import Path

from warehouse.connection import open_reader, open_writer, run_lock
from warehouse.ledger import finish_run, start_run


def runs(db_path: Path) -> list[tuple[str, str, str | None, bool]]:
    with open_reader(db_path) as con:
        return [
            (str(run_id), str(status), message, finished)
            for run_id, status, message, finished in con.execute(
                "SELECT run_id, status, message, finished_at IS NOT NULL FROM meta.run "
                "ORDER BY started_at, run_id"
            ).fetchall()
        ]


def test_the_next_run_marks_a_killed_run_failed_and_leaves_finished_runs_alone(
    db_path: Path,
) -> None:
    with run_lock(db_path), open_writer(db_path) as con:
        start_run(con, "done", "nightly", {})
        finish_run(con, "done", "completed", "ok")
    with run_lock(db_path), open_writer(db_path) as con:
        start_run(con, "killed", "nightly", {})  # and the process dies: no finish_run

    with run_lock(db_path), open_writer(db_path) as con:
        start_run(con, "next", "build", {})

    assert runs(db_path) == [
        ("done", "completed", "ok", True),
        ("killed", "failed",
         "interrupted: the process ended without finishing (found by run next)", False),
        ("next", "running", None, False),
    ]  # fmt: skip


def test_a_run_that_finds_nothing_interrupted_changes_no_other_row(db_path: Path) -> None:
    with run_lock(db_path), open_writer(db_path) as con:
        start_run(con, "first", "nightly", {})
        finish_run(con, "first", "failed", "tthc/dossier failed")
        start_run(con, "second", "nightly", {})

    assert runs(db_path) == [
        ("first", "failed", "tthc/dossier failed", True),
        ("second", "running", None, False),
    ]
