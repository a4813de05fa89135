"""Small helpers every generator of the synthetic province shares: the registry of
random streams, time arithmetic in int64 seconds (naive local time), and typed columns.

Each entity (and year) draws from its own stream, `_rng(seed, stream, year)`; a new
kind of record gets a new stream, so adding it never changes what was drawn before.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from simulator import names

_STREAMS = {
    "units": 1,
    "procedures": 2,
    "dossiers": 3,
    "payments": 4,
    "incoming": 5,
    "outgoing": 6,
    "work_files": 7,
    "regimes": 8,
    "submissions": 9,
    "ndxp": 10,
    "apps": 11,
    "added_dossiers": 12,
    # Streams of the records added for ITA-2018 (simulator/extended.py): new ids only.
    "traits": 13,
    "procedure_links": 14,
    "dossier_status": 15,
    "added_dossier_status": 16,
    "unit_procedures": 17,
    "one_stop": 18,
    "feedback": 19,
    "transfers": 20,
    "incoming_flow": 21,
    "outgoing_flow": 22,
    "edms_units": 23,
    "edms_usage": 24,
    "statistics": 25,
    "it_reports": 26,
    "platform_links": 27,
    "population_db": 28,
}
_HOLIDAYS = np.array(names.HOLIDAYS, dtype="datetime64[D]")
_DAY_S = 86_400
_HOUR_S = 3_600


def _rng(seed: int, stream: str, year: int = 0) -> np.random.Generator:
    return np.random.default_rng([seed, _STREAMS[stream], year])


def _seconds(ts: pd.Timestamp | np.datetime64) -> np.int64:
    return np.datetime64(pd.Timestamp(ts).to_datetime64(), "s").astype(np.int64)


def _as_dt(seconds: np.ndarray) -> np.ndarray:
    """int64 seconds since epoch → datetime64[s]; negative sentinel → NaT."""
    return seconds.astype("datetime64[s]")


def _cat(codes: np.ndarray, categories: Sequence[str]) -> pd.Categorical:
    return pd.Categorical.from_codes(codes.astype(np.int32), categories=list(categories))


def _uniform_between(rng: np.random.Generator, lo: float, hi: float, n: int) -> np.ndarray:
    return lo + (hi - lo) * rng.random(n)


def _str_series(values: np.ndarray | pd.Series) -> pd.Series:
    return pd.Series(values).astype(str)


def _zero_pad(values: np.ndarray, width: int) -> pd.Series:
    return _str_series(values).str.zfill(width)


def _yyyymmdd(seconds: np.ndarray) -> np.ndarray:
    """int64 seconds → the calendar day as an int yyyymmdd."""
    day = seconds.astype("datetime64[s]").astype("datetime64[D]")
    year = day.astype("datetime64[Y]")
    month = day.astype("datetime64[M]")
    return (
        (year.astype(np.int64) + 1970) * 10_000
        + (month - year).astype(np.int64) * 100
        + 100
        + (day - month).astype(np.int64)
        + 1
    )


def _touched(
    rng: np.random.Generator, at: np.ndarray, lag: np.ndarray, now_s: np.int64
) -> np.ndarray:
    """Last-update times `lag` seconds after `at`; a lag that would pass the clock is
    redrawn within what is left (clipping would pile records up on `now`)."""
    late = at + lag > now_s
    left = np.maximum(now_s - at, 0)
    return np.where(late, at + (rng.random(len(at)) * left).astype(np.int64), at + lag)


def _sample_instants(
    rng: np.random.Generator,
    n: int,
    start: pd.Timestamp,
    end: pd.Timestamp,
    anytime: np.ndarray,
) -> np.ndarray:
    """`n` instants in [start, end) as int64 seconds: office hours on working days,
    except rows flagged `anytime` (online submissions, system events), which fall on
    any day between 06:00 and 23:00."""
    first = np.datetime64(start.date(), "D")
    last = np.datetime64(end.date(), "D")  # exclusive: the clock's own day is left out
    days = np.arange(first, max(last, first + 1))
    work = days[np.is_busday(days, holidays=_HOLIDAYS)]
    if len(work) == 0:
        work = days
    any_day = days[rng.integers(0, len(days), n)]
    work_day = work[rng.integers(0, len(work), n)]
    day = np.where(anytime, any_day, work_day).astype("datetime64[s]").astype(np.int64)
    # Office hours: 07:30-11:30 and 13:30-17:00 (27,000 s in all).
    s = rng.integers(0, 27_000, n)
    office = np.where(s < 14_400, 27_000 + s, 48_600 + (s - 14_400))
    free = rng.integers(6 * _HOUR_S, 23 * _HOUR_S, n)
    return day + np.where(anytime, free, office)
