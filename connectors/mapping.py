"""From a source's records to a DataFrame in our column names.

An `EntityMapping` is the one table that says, for one entity of one system, which
source field becomes which of our columns, which columns carry enum codes (and the
words they map to) and which are dates (and in which format). `EntityMapping.to_frame`
applies it with pandas, column by column:

- dates become naive local time (UTC+7) ``datetime64[us]``; if a value does not parse
  the column becomes ``object`` with that value kept as its original text, so the
  contract downstream can name it;
- enum codes become our words; an unknown code is kept as it came;
- everything else is passed as the JSON gave it (integers as ``Int64``, booleans as
  ``boolean``, strings as ``str``; a column mixing types stays ``object``);
- a field missing from the source gives a null column;
- ``_record`` holds each source record as a JSON string.
"""

from __future__ import annotations

import operator
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import Any

import numpy as np
import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.types import infer_dtype

LOCAL_OFFSET = timedelta(hours=7)
LOCAL_TZ = timezone(LOCAL_OFFSET)
"""The province's local time: UTC+7 (Vietnam keeps no daylight saving)."""

RECORD_COLUMN = "_record"
_DATETIME_DTYPE = "datetime64[us]"
_ISO_OFFSET = r"(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$"


def to_local_naive(moment: datetime) -> datetime:
    """`moment` as naive local time (UTC+7); naive input is taken as local already."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(LOCAL_TZ).replace(tzinfo=None)


class DateFormat(ABC):
    """How one system writes dates: parsing its values and writing filter values."""

    @abstractmethod
    def parse(self, text: pd.Series) -> pd.Series:
        """Strings (or nulls) → naive local ``datetime64[us]``, NaT where unparseable."""

    @abstractmethod
    def render(self, moment: datetime) -> str:
        """A naive local (or aware) datetime as this system writes it."""

    def parse_exact(
        self, text: pa.Array, values: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """The fast path of `parse`: moments (``datetime64[us]``) of the values written
        exactly in this system's usual shape, and a mask of those values (the others
        are left to `parse`); None when the format has no fast path. `text` is `values`
        (strings or nulls) as an Arrow array."""
        return None


@dataclass(frozen=True)
class LocalDateFormat(DateFormat):
    """Local time without offset, in a fixed ``strptime`` pattern."""

    pattern: str

    def parse(self, text: pd.Series) -> pd.Series:
        return _parse_fast_then_slow(text, self.parse_exact, self._slow)

    def _slow(self, text: pd.Series) -> pd.Series:
        parsed = pd.to_datetime(text, format=self.pattern, errors="coerce")
        return parsed.astype(_DATETIME_DTYPE)

    def parse_exact(
        self, text: pa.Array, values: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray] | None:
        return _exact_local(text, values, self.pattern)

    def render(self, moment: datetime) -> str:
        return to_local_naive(moment).strftime(self.pattern)


@dataclass(frozen=True)
class IsoOffsetDateFormat(DateFormat):
    """ISO 8601 with a UTC offset; any offset is converted to local time. A value
    without an offset is ambiguous and is not parsed."""

    def parse(self, text: pd.Series) -> pd.Series:
        return _parse_fast_then_slow(text, self.parse_exact, self._slow)

    def parse_exact(
        self, text: pa.Array, values: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray] | None:
        return _exact_iso_offset(text, values)

    def _slow(self, text: pd.Series) -> pd.Series:
        has_offset = text.str.contains(_ISO_OFFSET, regex=True, na=False)
        parsed = pd.to_datetime(text.where(has_offset), format="ISO8601", utc=True, errors="coerce")
        return (parsed.dt.tz_convert(None) + LOCAL_OFFSET).astype(_DATETIME_DTYPE)

    def render(self, moment: datetime) -> str:
        local = to_local_naive(moment).replace(tzinfo=LOCAL_TZ)
        return local.isoformat(timespec="seconds")


# --- the fast path of date parsing ---------------------------------------------------
#
# Values written exactly in a system's usual shape (fixed-width digit fields, a year
# from 1000) are read with numpy from their digits, and a value is taken only if its
# fields make a real moment (no 30 February, no 24:00). Everything else -- other
# shapes, impossible dates, nulls -- goes through pandas as before, value by value the
# same, so the fast path never changes a result: it only skips work.

_FIELD_WIDTHS = {"%Y": 4, "%m": 2, "%d": 2, "%H": 2, "%M": 2, "%S": 2}
_ISO_LOCAL = "%Y-%m-%dT%H:%M:%S"
_ISO_OFFSET_TAIL = r"[+-](?:[01]\d|2[0-3]):[0-5]\d"

Layout = tuple[tuple[str, int, int], ...]
"""Where each field of a fixed-width pattern is: (directive, start, width)."""


@dataclass(frozen=True)
class _Shape:
    regex: str
    layout: Layout
    width: int


@cache
def _fixed_shape(pattern: str, tail: str = "", tail_width: int = 0) -> _Shape | None:
    """The strict shape of `pattern` (plus a `tail` regex of `tail_width` characters),
    or None if it has a directive other than fixed-width digits, or text not ASCII."""
    if not pattern.isascii():
        return None
    regex, layout, position = [], [], 0
    for part in re.split(r"(%.)", pattern):
        if part.startswith("%") and len(part) == 2:
            width = _FIELD_WIDTHS.get(part)
            if width is None:
                return None
            regex.append(r"[1-9]\d{3}" if part == "%Y" else r"\d{2}")
            layout.append((part, position, width))
            position += width
        else:
            regex.append(re.escape(part))
            position += len(part)
    if not {"%Y", "%m", "%d"} <= {name for name, _, _ in layout}:
        return None
    return _Shape("^" + "".join(regex) + tail + "$", tuple(layout), position + tail_width)


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    """ASCII strings of exactly `width` characters as a (rows, width) matrix of ints."""
    return values.astype(f"S{width}").view(np.uint8).reshape(-1, width).astype(np.int64) - 48


def _number(digits: np.ndarray, start: int, width: int) -> np.ndarray:
    value = np.zeros(len(digits), dtype=np.int64)
    for column in range(start, start + width):
        value = value * 10 + digits[:, column]
    return value


def _read_fields(digits: np.ndarray, layout: Layout) -> tuple[np.ndarray, np.ndarray]:
    """Moments (``datetime64[us]``) of rows of digits, and which rows are real moments."""
    fields = {name: _number(digits, start, width) for name, start, width in layout}
    zero = np.zeros(len(digits), dtype=np.int64)
    year, month, day = fields["%Y"], fields["%m"], fields["%d"]
    hour, minute, second = (fields.get(name, zero) for name in ("%H", "%M", "%S"))
    real = (month >= 1) & (month <= 12) & (hour < 24) & (minute < 60) & (second < 60)
    months = ((year - 1970) * 12 + np.clip(month, 1, 12) - 1).astype("datetime64[M]")
    first = months.astype("datetime64[D]")
    length = ((months + 1).astype("datetime64[D]") - first).astype(np.int64)
    real &= (day >= 1) & (day <= length)
    seconds = (hour * 60 + minute) * 60 + second
    moments = (first + (day - 1).astype("timedelta64[D]")).astype(_DATETIME_DTYPE)
    return moments + seconds.astype("timedelta64[s]"), real


def _exact(
    text: pa.Array, values: np.ndarray, shape: _Shape
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """For the values in `shape`: their positions, moments and which are real."""
    strict = pc.match_substring_regex(text, shape.regex).fill_null(False)
    positions = np.flatnonzero(strict.to_numpy(zero_copy_only=False))
    if not len(positions):
        return None
    digits = _digits(values[positions], shape.width)
    moments, real = _read_fields(digits, shape.layout)
    return positions, moments, real


def _exact_local(
    text: pa.Array, values: np.ndarray, pattern: str
) -> tuple[np.ndarray, np.ndarray] | None:
    """Values in `pattern`'s strict shape, as naive local moments (None: no such shape)."""
    shape = _fixed_shape(pattern)
    if shape is None:
        return None
    moments = np.full(len(values), np.datetime64("NaT"), dtype=_DATETIME_DTYPE)
    done = np.zeros(len(values), dtype=bool)
    found = _exact(text, values, shape)
    if found is not None:
        positions, read, real = found
        moments[positions], done[positions] = read, real
    return moments, done


def _exact_iso_offset(text: pa.Array, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Values in ``yyyy-mm-ddThh:mm:ss`` with ``Z`` or a ``±hh:mm`` offset, in local time."""
    moments = np.full(len(values), np.datetime64("NaT"), dtype=_DATETIME_DTYPE)
    done = np.zeros(len(values), dtype=bool)
    with_z = _fixed_shape(_ISO_LOCAL, "Z", 1)
    with_offset = _fixed_shape(_ISO_LOCAL, _ISO_OFFSET_TAIL, 6)
    assert with_z is not None and with_offset is not None
    for shape in (with_z, with_offset):
        found = _exact(text, values, shape)
        if found is None:
            continue
        positions, read, real = found
        if shape is with_offset:
            digits = _digits(values[positions], shape.width)
            east = _number(digits, 20, 2) * 60 + _number(digits, 23, 2)
            east = np.where(digits[:, 19] == ord("-") - 48, -east, east)
            read = read - east.astype("timedelta64[m]")
        moments[positions] = read + np.timedelta64(LOCAL_OFFSET)
        done[positions] = real
    return moments, done


FastParse = Callable[[pa.Array, np.ndarray], "tuple[np.ndarray, np.ndarray] | None"]


def _parse_fast_then_slow(
    text: pd.Series, fast: FastParse, slow: Callable[[pd.Series], pd.Series]
) -> pd.Series:
    """`slow(text)`, computed by `fast` for the values it can read exactly and by
    `slow` for the rest."""
    values = text.to_numpy(dtype=object)
    try:
        arrow = pa.array(values, type=pa.string(), from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError):
        return slow(text)
    found = fast(arrow, values)
    if found is None:
        return slow(text)
    moments, done = found
    moments[~done] = np.datetime64("NaT")
    rest = ~done & text.notna().to_numpy()
    if rest.any():
        moments[rest] = slow(text[rest]).to_numpy(dtype=_DATETIME_DTYPE)
    return pd.Series(moments, index=text.index, dtype=_DATETIME_DTYPE)


@dataclass(frozen=True)
class EntityMapping:
    """Source field → our column for one entity, with its enum and date columns.

    `columns` is ordered as our columns should be; `dates` and `enums` are keyed by
    our column names.
    """

    columns: Mapping[str, str]
    date_format: DateFormat
    dates: frozenset[str] = frozenset()
    enums: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        ours = list(self.columns.values())
        if len(set(ours)) != len(ours) or RECORD_COLUMN in ours:
            raise ValueError(f"duplicate or reserved column in mapping: {ours}")
        unknown = (set(self.dates) | set(self.enums)) - set(ours)
        if unknown:
            raise ValueError(f"dates/enums name columns not in the mapping: {unknown}")

    @property
    def output_columns(self) -> list[str]:
        """Our columns, in order, followed by ``_record``."""
        return [*self.columns.values(), RECORD_COLUMN]

    def to_frame(self, records: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
        """Map a page of source records to a DataFrame of our columns + ``_record``."""
        rows = len(records)
        index = pd.RangeIndex(rows)
        out: dict[str, Any] = {}
        for ours, values in zip(
            self.columns.values(), _fields(records, list(self.columns)), strict=True
        ):
            if ours in self.dates:
                exact = _exact_dates(values, self.date_format)
                out[ours] = (
                    exact
                    if exact is not None
                    else _dates(pd.Series(values, index=index, copy=False), self.date_format)
                )
            elif ours in self.enums:
                out[ours] = _as_given(_codes_to_words(values, self.enums[ours]))
            else:
                out[ours] = _as_given(values)
        out[RECORD_COLUMN] = _text(
            np.fromiter([orjson.dumps(record).decode() for record in records], object, rows)
        )
        return pd.DataFrame(out, index=index)


def _fields(records: Sequence[Mapping[str, Any]], fields: list[str]) -> list[np.ndarray]:
    """The values of each field across `records` (object arrays), as a frame of the
    records would hold them: NaN where a record lacks the field."""
    rows = len(records)
    if len(fields) > 1 and rows:
        try:
            table = list(map(operator.itemgetter(*fields), records))
        except KeyError:
            pass  # a record lacks a field: take them one by one
        else:
            return [np.fromiter(column, object, rows) for column in zip(*table, strict=True)]
    return [
        np.fromiter([record.get(field, np.nan) for record in records], object, rows)
        for field in fields
    ]


_TEXT_DTYPE = pd.api.types.pandas_dtype("str")
_ARROW_TEXT = isinstance(_TEXT_DTYPE, pd.StringDtype) and _TEXT_DTYPE.storage == "pyarrow"


def _text(values: np.ndarray) -> Any:
    """Strings (or nulls) as pandas' ``str`` dtype, straight into Arrow when it is
    Arrow-backed (what ``astype("str")`` does, without its per-value checks)."""
    if _ARROW_TEXT:
        try:
            arrow = pa.array(values, type=pa.string(), from_pandas=True)
        except (pa.ArrowException, TypeError, ValueError):
            pass
        else:
            return pd.arrays.ArrowStringArray(arrow, dtype=_TEXT_DTYPE)
    return pd.Series(values, dtype=object).astype("str").array


def _as_given(values: np.ndarray) -> Any:
    """The JSON values with a pandas dtype that keeps them exactly; mixed stays object."""
    kind = infer_dtype(values, skipna=True)
    try:
        if kind == "boolean":
            return pd.array(values, dtype="boolean")
        if kind == "integer":
            return pd.array(values, dtype="Int64")
        if kind in ("floating", "mixed-integer-float"):
            return values.astype("float64")
        if kind == "string":
            return _text(values)
    except (OverflowError, TypeError, ValueError):
        pass  # e.g. an integer beyond 64 bits: keep the Python objects
    return values


def _codes_to_words(values: np.ndarray, words: Mapping[str, str]) -> np.ndarray:
    try:
        return np.fromiter([_word(value, words) for value in values], object, len(values))
    except TypeError:  # unhashable values (a list where a code belongs): leave as is
        return values


def _word(value: Any, words: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return words.get(value, value)
    hash(value)  # an unhashable value fails the lookup, as a dict lookup would
    return value


def _exact_dates(values: np.ndarray, date_format: DateFormat) -> np.ndarray | None:
    """The date column when every value is a string the format reads exactly (or
    null): what `_dates` gives then, without its general machinery. None otherwise."""
    if infer_dtype(values, skipna=True) != "string":
        return None
    try:
        text = pa.array(values, type=pa.string(), from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError):
        return None
    found = date_format.parse_exact(text, values)
    if found is None:
        return None
    moments, done = found
    if not (done | pd.isna(values)).all():
        return None
    moments[~done] = np.datetime64("NaT")
    return moments


def _dates(values: pd.Series, date_format: DateFormat) -> pd.Series:
    present = values.notna()
    if not present.any():
        return pd.Series(pd.NaT, index=values.index, dtype=_DATETIME_DTYPE)
    if infer_dtype(values, skipna=True) in ("string", "empty"):
        text = values
    else:  # schema drift: numbers or objects where a date belongs
        text = values.where(values.map(lambda value: isinstance(value, str)))
    parsed = date_format.parse(text.astype(object))
    unparsed = present & parsed.isna()
    if not unparsed.any():
        return parsed
    return parsed.astype(object).where(~unparsed, values)
