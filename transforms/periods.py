"""Reporting periods: a year (`2024`), a quarter (`2024-Q1`) or a month (`2024-01`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2])))?$")


class PeriodError(ValueError):
    """A period label that is not `YYYY`, `YYYY-Qn` or `YYYY-MM`."""


def _quoted(label: object) -> str:
    # A refusal quotes what was given; a pasted page of text is cut to its beginning.
    text = str(label)
    return repr(label) if len(text) <= 60 else f"{text[:60]!r}… ({len(text):,} characters)"


@dataclass(frozen=True)
class Period:
    """A reporting period in local time: records count when start <= t < end."""

    label: str
    period_type: str
    start: datetime
    end: datetime

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def starts_on(self) -> date:
        return self.start.date()

    @property
    def ends_on(self) -> date:
        """The last day of the period (inclusive)."""
        return date.fromordinal(self.end.toordinal() - 1)


def _month_start(year: int, month: int) -> datetime:
    return datetime(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def parse_period(label: str) -> Period:
    """Parse a period label; raise PeriodError with the label when it is not one."""
    match = _PERIOD.match(label.strip()) if isinstance(label, str) else None
    if match is None:
        raise PeriodError(
            f"period {_quoted(label)} is not a year (2024), a quarter (2024-Q1) "
            "or a month (2024-01)"
        )
    year = int(match["year"])
    if not 2000 <= year <= 2100:
        raise PeriodError(f"period {_quoted(label)}: year {year} is outside 2000-2100")
    if match["quarter"]:
        first = (int(match["quarter"]) - 1) * 3 + 1
        return Period(label, "quarter", _month_start(year, first), _month_start(year, first + 3))
    if match["month"]:
        month = int(match["month"])
        return Period(label, "month", _month_start(year, month), _month_start(year, month + 1))
    return Period(label, "year", datetime(year, 1, 1), datetime(year + 1, 1, 1))


def months_of(year: int) -> list[Period]:
    """The twelve monthly periods of a year."""
    return [parse_period(f"{year}-{m:02d}") for m in range(1, 13)]


def period_range(first: str, last: str) -> list[Period]:
    """Every period of the same type from `first` to `last` inclusive."""
    start, stop = parse_period(first), parse_period(last)
    if start.period_type != stop.period_type:
        raise PeriodError(f"{first!r} and {last!r} are not periods of the same type")
    if stop.start < start.start:
        raise PeriodError(f"{last!r} comes before {first!r}")
    periods = [start]
    while periods[-1].end <= stop.start:
        nxt = periods[-1].end
        if start.period_type == "year":
            label = f"{nxt.year}"
        elif start.period_type == "quarter":
            label = f"{nxt.year}-Q{(nxt.month - 1) // 3 + 1}"
        else:
            label = f"{nxt.year}-{nxt.month:02d}"
        periods.append(parse_period(label))
    return periods
