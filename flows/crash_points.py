"""Crash points: places where the reliability tests make chiso die as `kill -9` would.

``CHISO_CRASH_AT=<point>`` (or ``<point>@<n>``: the n-th time the process reaches it)
makes the process send itself SIGKILL there: no ``finally``, no ``atexit``, no flush,
no rollback — what a power cut or the OOM killer does. The points:

- ``mid-fetch``: a page has arrived from a source and has not been added to its load
  (earlier pages of the same load are in its open transaction);
- ``mid-load``: a load is fully written (raw rows, staging merge, watermark, ledger
  row) and not yet committed;
- ``after-commit-before-publish``: every load and build of a nightly run is committed,
  the snapshot is not yet published.

Without the variable (always, outside those tests) a crash point does nothing.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

CRASH_ENV = "CHISO_CRASH_AT"
POINTS = ("mid-fetch", "mid-load", "after-commit-before-publish")

_arrivals: Counter[str] = Counter()


def crash_plan(value: str | None) -> tuple[str, int] | None:
    """The point and arrival number named by a ``CHISO_CRASH_AT`` value, or None."""
    if not value:
        return None
    point, _, nth = value.partition("@")
    if point not in POINTS:
        raise ValueError(f"{CRASH_ENV}={value!r}: the point must be one of {', '.join(POINTS)}")
    if nth and not (nth.isdigit() and int(nth) >= 1):
        raise ValueError(f"{CRASH_ENV}={value!r}: after '@' comes a count from 1")
    return point, int(nth or 1)


def crash_point(point: str) -> None:
    """Die here with SIGKILL if ``CHISO_CRASH_AT`` names this point and arrival."""
    if point not in POINTS:
        raise ValueError(f"unknown crash point {point!r}")
    plan = crash_plan(os.environ.get(CRASH_ENV))
    if plan is None or plan[0] != point:
        return
    _arrivals[point] += 1
    if _arrivals[point] >= plan[1]:
        os.kill(os.getpid(), signal.SIGKILL)
