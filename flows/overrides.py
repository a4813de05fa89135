"""Operator overrides: a measure value corrected by hand, with evidence and a reason.

An override is a row of `marts.measure_override`. While it is active (not withdrawn)
every build writes it into `marts.measure` with origin `override`, where it beats
the collected and the declared value, so it survives the nightly run until it is
withdrawn. Setting and withdrawing are recorded as revisions by the build that
follows (flows/prefect_flows.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from flows.declarations import exact_decimals
from scoring.catalogue import CatalogueError, load_catalogue
from transforms.measures import MEASURE_COLUMNS
from transforms.periods import parse_period


class OverrideError(ValueError):
    """An override that cannot be set or withdrawn; the message says why."""


@dataclass(frozen=True)
class Override:
    override_id: int
    unit: str
    period: str
    measure: str
    value: str
    evidence: str
    reason: str
    operator: str
    created_at: datetime
    withdrawn_at: datetime | None = None
    withdraw_reason: str | None = None


def known_unit(con: duckdb.DuckDBPyConnection, unit: str) -> None:
    """OverrideError unless some org unit in the warehouse has this code."""
    row = con.execute("SELECT 1 FROM marts.org_unit WHERE unit_code = $u LIMIT 1", {"u": unit})
    if row.fetchone() is None:
        raise OverrideError(f"unit {unit!r} is not a unit of the province in the warehouse")


def required_text(text: str, what: str) -> str:
    """The text stripped; OverrideError when it is empty, holds a NUL or is too long."""
    if not text or not text.strip():
        raise OverrideError(f"an override needs {what}")
    if "\x00" in text or len(text) > 2000:
        raise OverrideError(f"{what} must be plain text of at most 2000 characters")
    return text.strip()


def set_override(
    con: duckdb.DuckDBPyConnection,
    *,
    measure: str,
    unit: str,
    period: str,
    value: str,
    evidence: str,
    reason: str,
    operator: str,
    now: datetime,
) -> Override:
    """Check and record an override; any active override of the same slot is withdrawn."""
    catalogue = load_catalogue()
    try:
        key = str(catalogue.validate_key(measure))
        typed = catalogue.coerce(key, value)
    except CatalogueError as exc:
        raise OverrideError(str(exc)) from None
    label = parse_period(period).label
    known_unit(con, unit)
    text = typed if isinstance(typed, str) else str(typed).lower()
    evidence, reason = required_text(evidence, "evidence"), required_text(reason, "a reason")
    operator = required_text(operator, "an operator")
    con.execute(
        "UPDATE marts.measure_override SET withdrawn_at = $now, withdrawn_by = $op, "
        "withdraw_reason = 'replaced by a newer override' "
        "WHERE unit_code = $u AND period = $p AND measure_key = $k AND withdrawn_at IS NULL",
        {"now": now, "op": operator, "u": unit, "p": label, "k": key},
    )
    row = con.execute(
        "INSERT INTO marts.measure_override (unit_code, period, measure_key, value_text, "
        "evidence, reason, operator, created_at) VALUES ($u, $p, $k, $v, $e, $r, $o, $now) "
        "RETURNING override_id",
        {"u": unit, "p": label, "k": key, "v": text, "e": evidence, "r": reason,
         "o": operator, "now": now},
    ).fetchone()  # fmt: skip
    assert row is not None
    return Override(int(row[0]), unit, label, key, text, evidence, reason, operator, now)


def withdraw_override(
    con: duckdb.DuckDBPyConnection, override_id: int, *, reason: str, operator: str, now: datetime
) -> Override:
    """Withdraw an active override; the next build restores the collected/declared value."""
    reason, operator = required_text(reason, "a reason"), required_text(operator, "an operator")
    found = active_overrides(con, override_id=override_id)
    if not found:
        raise OverrideError(f"no active override with id {override_id}")
    con.execute(
        "UPDATE marts.measure_override SET withdrawn_at = $now, withdrawn_by = $op, "
        "withdraw_reason = $r WHERE override_id = $id",
        {"now": now, "op": operator, "r": reason, "id": override_id},
    )
    return found[0]


def active_overrides(
    con: duckdb.DuckDBPyConnection, period: str | None = None, override_id: int | None = None
) -> list[Override]:
    """Active overrides, of one period or with one id (all when neither is given)."""
    rows = con.execute(
        "SELECT override_id, unit_code, period, measure_key, value_text, evidence, reason, "
        "operator, created_at FROM marts.measure_override WHERE withdrawn_at IS NULL "
        "AND ($p IS NULL OR period = $p) AND ($id IS NULL OR override_id = $id) "
        "ORDER BY override_id",
        {"p": period, "id": override_id},
    ).fetchall()
    return [Override(int(r[0]), *r[1:]) for r in rows]


def override_measure_rows(
    con: duckdb.DuckDBPyConnection, period: str, run_id: str, computed_at: datetime
) -> pd.DataFrame:
    """The period's active overrides shaped like marts.measure (origin `override`)."""
    catalogue = load_catalogue()
    records = []
    for o in active_overrides(con, period):
        spec = catalogue.spec(o.measure.split("{", 1)[0])
        numeric = spec.numeric
        records.append(
            {
                "unit_code": o.unit,
                "period": o.period,
                "measure_key": o.measure,
                "measure_name": spec.name,
                "value_num": o.value if numeric else None,
                "value_text": None if numeric else o.value,
                "value_type": spec.value_type,
                "origin": "override",
                "transform": None,
                "load_ids": None,
                "record_count": None,
                "evidence": json.dumps(
                    {"override_id": o.override_id, "evidence": o.evidence, "reason": o.reason},
                    ensure_ascii=False,
                ),
                "declared_by": o.operator,
                "computed_at": computed_at,
                "run_id": run_id,
            }
        )
    frame = pd.DataFrame.from_records(records, columns=MEASURE_COLUMNS)
    frame["value_num"] = exact_decimals(frame["value_num"])
    return frame
