"""The org unit an operator names: one a framework scores in the period's org tree.

`chiso explain` and the dispute commands (rerun, history) check a unit the same way,
against the effective-dated hierarchy in `marts.org_unit` read with the rule
`chiso build` scores by (the units in force at the end of the period).
"""

from __future__ import annotations

import difflib

import duckdb

from flows.build import org_units_in
from scoring.framework import Framework
from transforms.periods import Period

_SHOWN = 8


class UnitError(ValueError):
    """A unit the framework does not score in the period; the message says why."""


def scored_unit(
    con: duckdb.DuckDBPyConnection, framework: Framework, unit: str, period: Period
) -> tuple[str, str]:
    """(name, level) of a unit in force at the end of the period at the framework's
    level; UnitError otherwise, naming close codes and the units it does score."""
    units = org_units_in(con, period)
    level = framework.unit_level
    found = next((u for u in units if u.code == unit), None)
    if found is not None and found.level == level:
        return found.name, level
    if found is not None:
        raise UnitError(
            f"unit {unit!r} ({found.name}) is a {found.level}; {framework.id} scores {level} units"
        )
    codes = [u.code for u in units if u.level == level]
    hint = difflib.get_close_matches(unit, codes, n=3, cutoff=0.75)
    did = f"; close codes: {', '.join(hint)}" if hint else ""
    shown = ", ".join(codes[:_SHOWN]) + (", …" if len(codes) > _SHOWN else "")
    label = period.label
    raise UnitError(
        f"unknown unit {unit!r}: it is not a unit of the province in {label}"
        f"{_other_times(con, unit)}{did} "
        f"({framework.id} scores {len(codes)} {level} units in {label}: {shown})"
    )


def _other_times(con: duckdb.DuckDBPyConnection, unit: str) -> str:
    """Whether the warehouse knows the code at all: a merged or dissolved unit is named
    with the spans it was in force, so the operator can pick the right period."""
    spans = con.execute(
        "SELECT valid_from, valid_to FROM marts.org_unit WHERE unit_code = $u ORDER BY valid_from",
        {"u": unit},
    ).fetchall()
    if not spans:
        return " and no org unit in the warehouse has this code"
    shown = ", ".join(f"from {start} until {end or 'now'}" for start, end in spans)
    return f" (the warehouse has it in force {shown})"
