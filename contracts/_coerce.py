"""Reading a page's columns as their contract types, cell by cell but vectorised.

pandera's own coercion, when one cell of a column fails, leaves the whole column
uncoerced and every later check on it errors without naming a row. So the contract
casts each column here first: a cell that cannot be read becomes null in the typed
column and is reported with its original value; pandera then checks typed data only.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

LOCAL_OFFSET = timedelta(hours=7)
"""The province's local time (UTC+7): aware datetimes are converted to it, naive ones
are taken as local already."""

TEXT_DTYPE = "str"
NUMBER_DTYPE = "float64"
FLAG_DTYPE = "boolean"
MOMENT_DTYPE = "datetime64[ns]"


class Kind(StrEnum):
    """What a contract column holds."""

    TEXT = "text"
    NUMBER = "number"
    FLAG = "flag"
    MOMENT = "moment"


NOT_READABLE = {
    Kind.TEXT: "is not text",
    Kind.NUMBER: "is not a number",
    Kind.FLAG: "is not true/false",
    Kind.MOMENT: "is not a date",
}


def kind_of(dtype: Any) -> Kind:
    """The kind of a pandera column dtype (as declared in a contract model)."""
    name = str(dtype)
    if name.startswith(("str", "string")):
        return Kind.TEXT
    if name.startswith("float"):
        return Kind.NUMBER
    if name in ("bool", "boolean"):
        return Kind.FLAG
    if name.startswith("datetime64"):
        return Kind.MOMENT
    raise TypeError(f"no contract kind for dtype {name}")


def null_column(kind: Kind, length: int) -> pd.Series:
    """An all-null column of `kind` (for a column the page does not have)."""
    dtype = {
        Kind.TEXT: TEXT_DTYPE,
        Kind.NUMBER: NUMBER_DTYPE,
        Kind.FLAG: FLAG_DTYPE,
        Kind.MOMENT: MOMENT_DTYPE,
    }[kind]
    return pd.Series([None] * length, dtype=dtype)


def coerce(kind: Kind, values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """`values` as `kind`, and a mask of the cells that held something unreadable."""
    readers = {
        Kind.TEXT: _as_text,
        Kind.NUMBER: _as_number,
        Kind.FLAG: _as_flag,
        Kind.MOMENT: _as_moment,
    }
    typed = readers[kind](values)
    failed = values.notna().to_numpy() & typed.isna().to_numpy()
    return typed, pd.Series(failed, index=values.index)


def _is_flag(value: object) -> bool:
    return isinstance(value, bool | np.bool_)


def _is_text_like(value: object) -> bool:
    return isinstance(value, str) or (isinstance(value, int | np.integer) and not _is_flag(value))


def _is_number_like(value: object) -> bool:
    return isinstance(value, int | float | str | Decimal | np.number) and not _is_flag(value)


def _is_moment_like(value: object) -> bool:
    return isinstance(value, str | datetime | date | np.datetime64)


def _nulls(values: pd.Series, dtype: str) -> pd.Series:
    return pd.Series([None] * len(values), index=values.index, dtype=dtype)


def _as_text(values: pd.Series) -> pd.Series:
    if ptypes.is_string_dtype(values.dtype) and values.dtype != object:
        return values
    if ptypes.is_integer_dtype(values.dtype):
        return values.astype(TEXT_DTYPE).where(values.notna())
    if values.dtype == object:
        readable = values.map(_is_text_like, na_action="ignore").fillna(False).astype(bool)
        return values.where(readable).astype(TEXT_DTYPE)
    return _nulls(values, TEXT_DTYPE)


def _as_number(values: pd.Series) -> pd.Series:
    if ptypes.is_bool_dtype(values.dtype):
        return _nulls(values, NUMBER_DTYPE)
    if ptypes.is_numeric_dtype(values.dtype):
        numbers = values.astype(NUMBER_DTYPE)
    elif values.dtype == object or ptypes.is_string_dtype(values.dtype):
        readable = values.map(_is_number_like, na_action="ignore").fillna(False).astype(bool)
        numbers = pd.to_numeric(values.where(readable).astype(object), errors="coerce")
        numbers = numbers.astype(NUMBER_DTYPE)
    else:
        return _nulls(values, NUMBER_DTYPE)
    return numbers.where(np.isfinite(numbers))


def _as_flag(values: pd.Series) -> pd.Series:
    if ptypes.is_bool_dtype(values.dtype):
        return values.astype(FLAG_DTYPE)
    if values.dtype == object:
        readable = values.map(_is_flag, na_action="ignore").fillna(False).astype(bool)
        return values.where(readable).astype(FLAG_DTYPE)
    return _nulls(values, FLAG_DTYPE)


def _as_moment(values: pd.Series) -> pd.Series:
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return _to_local_naive(values)
    if ptypes.is_datetime64_dtype(values.dtype):
        return values
    if values.dtype == object or ptypes.is_string_dtype(values.dtype):
        return _parse_moments(values)
    return _nulls(values, MOMENT_DTYPE)


def _to_local_naive(values: pd.Series) -> pd.Series:
    return values.dt.tz_convert("UTC").dt.tz_localize(None) + LOCAL_OFFSET


def _parse_moments(values: pd.Series) -> pd.Series:
    readable = values.map(_is_moment_like, na_action="ignore").fillna(False).astype(bool)
    candidates = values.where(readable).astype(object)
    try:
        parsed = pd.to_datetime(candidates, errors="coerce", format="ISO8601")
    except (TypeError, ValueError):  # e.g. offsets mixed with naive values
        parsed = candidates.map(_parse_one_moment)
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        return _to_local_naive(parsed)
    if not ptypes.is_datetime64_dtype(parsed.dtype):
        parsed = pd.to_datetime(candidates.map(_parse_one_moment), errors="coerce")
    return parsed


def _parse_one_moment(value: object) -> pd.Timestamp | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    try:
        moment = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    if moment is pd.NaT:
        return None
    if moment.tzinfo is not None:
        moment = moment.tz_convert("UTC").tz_localize(None) + LOCAL_OFFSET
    return moment
