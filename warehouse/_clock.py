"""Timestamps as the warehouse stores them.

Source times (``updated_at``, ``since``, watermarks) are naive local time (UTC+7), as the
contracts give them; the warehouse's own times (fetched, loaded, started) are naive UTC.
DuckDB ``TIMESTAMP`` has no zone, and binding an aware datetime would convert it through
the session's time zone, so every datetime is made naive here first.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

LOCAL_TZ = timezone(timedelta(hours=7))


def utc_now() -> datetime:
    """Now, as naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def as_utc_naive(moment: datetime) -> datetime:
    """An aware datetime as naive UTC; a naive one is taken as UTC already."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def as_local_naive(moment: datetime) -> datetime:
    """An aware datetime as naive local time (UTC+7); a naive one is local already."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(LOCAL_TZ).replace(tzinfo=None)
