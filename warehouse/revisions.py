"""Revisions: a built score or measure is never changed silently.

A build first copies the period's current rows aside (`remember`), replaces them,
then `record` writes one `marts.score_revision` row per score whose points or status
changed and one `marts.measure_revision` row per measure value that changed (an
override set or withdrawn included), each with the cause, the reason, the operator
and the run. A score built for the first time is not a revision; it keeps the time
it was first computed (`first_computed_at`), so "the scores as they stood on a date"
can be rebuilt from the current rows and the revisions after that date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

CAUSES = ("nightly", "build", "rerun", "override", "backfill", "framework_change")


@dataclass(frozen=True)
class Revision:
    """Why a build may change published figures."""

    cause: str
    reason: str
    operator: str

    def __post_init__(self) -> None:
        if self.cause not in CAUSES:
            raise ValueError(f"revision cause {self.cause!r} is not one of {', '.join(CAUSES)}")
        if not self.reason.strip() or not self.operator.strip():
            raise ValueError("a revision needs a reason and an operator")


NIGHTLY = Revision("nightly", "late data or corrections in the sources (nightly run)", "nightly")


def remember(con: duckdb.DuckDBPyConnection, period: str) -> None:
    """Copy the period's scores and measures aside before a build replaces them."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _score_before AS "
        "SELECT framework, framework_version, unit_code, criterion, points, status, "
        "coalesce(first_computed_at, computed_at) AS first_computed_at "
        "FROM marts.score WHERE period = $p",
        {"p": period},
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _measure_before AS "
        "SELECT unit_code, measure_key, origin, value_num, value_text "
        "FROM marts.measure WHERE period = $p",
        {"p": period},
    )


def _framework_versions(con: duckdb.DuckDBPyConnection, period: str) -> dict[str, str]:
    """Frameworks whose file version changed since the period was last built."""
    rows = con.execute(
        "SELECT DISTINCT b.framework, b.framework_version, s.framework_version "
        "FROM _score_before AS b JOIN marts.score AS s "
        "ON s.framework = b.framework AND s.period = $p AND s.unit_code = b.unit_code "
        "AND s.criterion = b.criterion "
        "WHERE s.framework_version IS DISTINCT FROM b.framework_version",
        {"p": period},
    ).fetchall()
    return {f: f"framework {f} changed from version {a} to {b}" for f, a, b in rows}


def record(
    con: duckdb.DuckDBPyConnection,
    period: str,
    revision: Revision,
    run_id: str,
    revised_at: datetime,
) -> tuple[int, int]:
    """Write the revisions of the period since `remember`; (scores, measures) revised.

    Call inside the build's transaction, after the new rows are in.
    """
    changed_frameworks = _framework_versions(con, period)
    con.execute(
        "UPDATE marts.score AS s SET first_computed_at = b.first_computed_at "
        "FROM _score_before AS b WHERE s.period = $p AND s.framework = b.framework "
        "AND s.unit_code = b.unit_code AND s.criterion = b.criterion",
        {"p": period},
    )
    con.execute(
        "UPDATE marts.score SET first_computed_at = computed_at "
        "WHERE period = $p AND first_computed_at IS NULL",
        {"p": period},
    )
    scores = con.execute(
        "SELECT b.framework, b.unit_code, b.criterion, b.points, s.points, b.status, s.status "
        "FROM _score_before AS b LEFT JOIN marts.score AS s "
        "ON s.period = $p AND s.framework = b.framework AND s.unit_code = b.unit_code "
        "AND s.criterion = b.criterion "
        "WHERE b.points IS DISTINCT FROM s.points OR b.status IS DISTINCT FROM s.status",
        {"p": period},
    ).df()
    if not scores.empty:
        scores.columns = [
            "framework", "unit_code", "criterion", "points_before", "points_after",
            "status_before", "status_after",
        ]  # fmt: skip
        framework_reason = scores["framework"].map(changed_frameworks)
        scores["reason"] = framework_reason.fillna(revision.reason)
        scores["cause"] = framework_reason.map(
            lambda r: revision.cause if pd.isna(r) else "framework_change"
        )
        scores["period"] = period
        scores["operator"] = revision.operator
        scores["run_id"] = run_id
        scores["revised_at"] = revised_at
        con.register("_score_revisions", scores)
        con.execute(
            "INSERT INTO marts.score_revision (framework, unit_code, period, criterion, "
            "points_before, points_after, status_before, status_after, reason, operator, "
            "run_id, revised_at, cause) SELECT framework, unit_code, period, criterion, "
            "points_before, points_after, status_before, status_after, reason, operator, "
            "run_id, revised_at, cause FROM _score_revisions"
        )
        con.unregister("_score_revisions")
    measures = con.execute(
        "INSERT INTO marts.measure_revision (unit_code, period, measure_key, origin, "
        "value_before, value_after, text_before, text_after, cause, reason, operator, "
        "run_id, revised_at) "
        "SELECT coalesce(b.unit_code, a.unit_code), $p, coalesce(b.measure_key, a.measure_key), "
        "coalesce(b.origin, a.origin), b.value_num, a.value_num, b.value_text, a.value_text, "
        "$cause, $reason, $operator, $run, $at "
        "FROM _measure_before AS b FULL JOIN "
        "(SELECT unit_code, measure_key, origin, value_num, value_text FROM marts.measure "
        " WHERE period = $p) AS a USING (unit_code, measure_key, origin) "
        "WHERE (b.unit_code IS NOT NULL OR a.origin = 'override') "
        "AND (b.value_num IS DISTINCT FROM a.value_num "
        "     OR b.value_text IS DISTINCT FROM a.value_text "
        "     OR b.unit_code IS NULL OR a.unit_code IS NULL)",
        {
            "p": period, "cause": revision.cause, "reason": revision.reason,
            "operator": revision.operator, "run": run_id, "at": revised_at,
        },
    ).fetchone()  # fmt: skip
    return len(scores), int(measures[0]) if measures else 0


def scores_as_of(
    con: duckdb.DuckDBPyConnection, framework: str, period: str, moment: datetime
) -> pd.DataFrame:
    """The scores of a framework and period as they stood at `moment`.

    Current rows, each rolled back to the value before its first revision after
    `moment`; rows first computed after `moment` are left out.
    """
    return con.execute(
        "SELECT s.unit_code, s.criterion, "
        "CASE WHEN r.revision_id IS NULL THEN s.points ELSE r.points_before END AS points, "
        "CASE WHEN r.revision_id IS NULL THEN s.status ELSE r.status_before END AS status "
        "FROM marts.score AS s LEFT JOIN ("
        "  SELECT * FROM marts.score_revision WHERE revised_at > $at "
        "  AND framework = $f AND period = $p "
        "  QUALIFY row_number() OVER (PARTITION BY unit_code, criterion "
        "                             ORDER BY revised_at, revision_id) = 1"
        ") AS r USING (framework, unit_code, period, criterion) "
        "WHERE s.framework = $f AND s.period = $p "
        "AND coalesce(s.first_computed_at, s.computed_at) <= $at "
        "ORDER BY s.unit_code, s.criterion",
        {"f": framework, "p": period, "at": moment},
    ).df()


def score_history(
    con: duckdb.DuckDBPyConnection, framework: str, criterion: str, unit: str, period: str
) -> pd.DataFrame:
    """Every revision of one score, oldest first."""
    return con.execute(
        "SELECT revision_id, revised_at, cause, points_before, points_after, status_before, "
        "status_after, reason, operator, run_id FROM marts.score_revision "
        "WHERE framework = $f AND criterion = $c AND unit_code = $u AND period = $p "
        "ORDER BY revised_at, revision_id",
        {"f": framework, "c": criterion, "u": unit, "p": period},
    ).df()
