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

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import orjson
import pandas as pd
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


@dataclass(frozen=True)
class LocalDateFormat(DateFormat):
    """Local time without offset, in a fixed ``strptime`` pattern."""

    pattern: str

    def parse(self, text: pd.Series) -> pd.Series:
        parsed = pd.to_datetime(text, format=self.pattern, errors="coerce")
        return parsed.astype(_DATETIME_DTYPE)

    def render(self, moment: datetime) -> str:
        return to_local_naive(moment).strftime(self.pattern)


@dataclass(frozen=True)
class IsoOffsetDateFormat(DateFormat):
    """ISO 8601 with a UTC offset; any offset is converted to local time. A value
    without an offset is ambiguous and is not parsed."""

    def parse(self, text: pd.Series) -> pd.Series:
        has_offset = text.str.contains(_ISO_OFFSET, regex=True, na=False)
        parsed = pd.to_datetime(text.where(has_offset), format="ISO8601", utc=True, errors="coerce")
        return (parsed.dt.tz_convert(None) + LOCAL_OFFSET).astype(_DATETIME_DTYPE)

    def render(self, moment: datetime) -> str:
        local = to_local_naive(moment).replace(tzinfo=LOCAL_TZ)
        return local.isoformat(timespec="seconds")


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
        raw = pd.DataFrame(list(records), columns=list(self.columns), dtype=object)
        out: dict[str, pd.Series] = {}
        for source_field, ours in self.columns.items():
            values = raw[source_field]
            if ours in self.dates:
                out[ours] = _dates(values, self.date_format)
            elif ours in self.enums:
                out[ours] = _as_given(_codes_to_words(values, self.enums[ours]))
            else:
                out[ours] = _as_given(values)
        out[RECORD_COLUMN] = pd.Series(
            [orjson.dumps(record).decode() for record in records], dtype="str"
        )
        return pd.DataFrame(out, index=pd.RangeIndex(len(raw)))


def _as_given(values: pd.Series) -> pd.Series:
    """The JSON values with a pandas dtype that keeps them exactly; mixed stays object."""
    kind = infer_dtype(values, skipna=True)
    try:
        if kind == "boolean":
            return values.astype("boolean")
        if kind == "integer":
            return values.astype("Int64")
        if kind in ("floating", "mixed-integer-float"):
            return values.astype("float64")
        if kind == "string":
            return values.astype("str")
    except (OverflowError, TypeError, ValueError):
        pass  # e.g. an integer beyond 64 bits: keep the Python objects
    return values


def _codes_to_words(values: pd.Series, words: Mapping[str, str]) -> pd.Series:
    try:
        mapped = values.map(words)
    except TypeError:  # unhashable values (a list where a code belongs): leave as is
        return values
    return mapped.astype(object).where(mapped.notna(), values)


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
