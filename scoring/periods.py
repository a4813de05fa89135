"""Period labels: a year (`2024`), a quarter (`2024-Q1`) or a month (`2024-01`)."""

from __future__ import annotations

import re

PERIOD_TYPES = ("year", "quarter", "month")

_PERIOD = re.compile(r"^(?P<year>[0-9]{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2])))?$")


def period_type(label: str) -> str:
    """The type of a period label (`year`, `quarter`, `month`); ValueError if malformed."""
    match = _PERIOD.match(label) if isinstance(label, str) else None
    if match is None:
        raise ValueError(
            f"period {label!r} is not a year (2024), a quarter (2024-Q1) or a month (2024-01)"
        )
    if not 2000 <= int(match["year"]) <= 2100:
        raise ValueError(f"period {label!r}: the year is outside 2000-2100")
    if match["quarter"]:
        return "quarter"
    return "month" if match["month"] else "year"
