"""From typed DataFrames to each system's wire format, one page at a time.

A `SortedTable` is an immutable snapshot of one entity in serving order (last update,
then natural key), with every column ready to slice. A page is formatted vectorised
(dates through numpy byte matrices, codes through category lookups); only the final
zip into JSON objects runs per record, on at most one page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

DateStyle = Literal["tthc", "iso", "lris", "date"]

_TTHC_COLUMNS = np.array([8, 9, 7, 5, 6, 4, 0, 1, 2, 3, 10, 11, 12, 13, 14, 15, 16, 17, 18])
_OFFSET = np.frombuffer(b"+07:00", dtype=np.uint8)


def format_datetimes(values: np.ndarray, style: DateStyle) -> list[str | None]:
    """Format datetime64 values (naive local time) in a system's date format:
    ``tthc`` dd/MM/yyyy HH:mm:ss, ``iso`` yyyy-MM-ddTHH:mm:ss+07:00,
    ``lris`` yyyy-MM-dd HH:mm:ss, ``date`` yyyy-MM-dd. NaT becomes None."""
    values = np.asarray(values).astype("datetime64[s]")
    n = len(values)
    if n == 0:
        return []
    text = np.datetime_as_string(values, unit="s").astype("S19")
    grid = text.view(np.uint8).reshape(n, 19)
    if style == "tthc":
        out = grid[:, _TTHC_COLUMNS].copy()
        out[:, 2] = out[:, 5] = ord("/")
        out[:, 10] = ord(" ")
    elif style == "iso":
        out = np.concatenate([grid, np.broadcast_to(_OFFSET, (n, 6))], axis=1)
    elif style == "lris":
        out = grid.copy()
        out[:, 10] = ord(" ")
    else:
        out = np.ascontiguousarray(grid[:, :10])
    width = out.shape[1]
    strings = np.ascontiguousarray(out).view(f"S{width}").ravel().astype(f"U{width}")
    result = strings.astype(object)
    result[np.isnat(values)] = None
    return result.tolist()


def parse_local(text: str, fmt: str) -> np.int64:
    """Parse a local time with a strptime format to int64 seconds (raises ValueError)."""
    stamp = pd.Timestamp(pd.to_datetime(text, format=fmt))
    return np.datetime64(stamp.to_datetime64(), "s").astype(np.int64)


_Formatter = Callable[[int, int], list[Any]]


@dataclass(frozen=True)
class SortedTable:
    """One entity in serving order, columns pre-sliced for fast pages."""

    fields: tuple[str, ...]
    key: str
    keys: pd.Series
    updated_s: np.ndarray | None
    formatters: tuple[_Formatter, ...]

    @classmethod
    def build(cls, frame: pd.DataFrame, key: str, updated: str | None,
              style: DateStyle) -> SortedTable:
        """Snapshot `frame` sorted by (`updated`, `key`), or by `key` when there is no
        update field. The snapshot does not change when `frame` is later mutated."""
        by = [updated, key] if updated else [key]
        ordered = frame.sort_values(by, kind="stable", ignore_index=True)
        formatters = tuple(_formatter(ordered[c], style) for c in ordered.columns)
        upd = (ordered[updated].to_numpy().astype("datetime64[s]").astype(np.int64)
               if updated else None)
        return cls(tuple(ordered.columns), key, ordered[key], upd, formatters)

    def __len__(self) -> int:
        return len(self.keys)

    def updated_range(self, since_s: int | None, until_s: int | None) -> tuple[int, int]:
        """Rows whose update time is in [since, until] (either bound optional)."""
        if self.updated_s is None:
            return 0, len(self)
        lo = 0 if since_s is None else int(np.searchsorted(self.updated_s, since_s, "left"))
        hi = len(self) if until_s is None else int(
            np.searchsorted(self.updated_s, until_s, "right"))
        return lo, max(lo, hi)

    def position_after(self, updated_s: int, key: str) -> int:
        """First row strictly after (updated_s, key) in serving order."""
        assert self.updated_s is not None
        lo = int(np.searchsorted(self.updated_s, updated_s, "left"))
        hi = int(np.searchsorted(self.updated_s, updated_s, "right"))
        ties = self.keys.iloc[lo:hi].to_numpy(dtype=object)
        return lo + int(np.searchsorted(ties, key, "right"))

    def cursor_at(self, row: int) -> tuple[int, str]:
        """(update time, key) of a row, to resume after it."""
        assert self.updated_s is not None
        return int(self.updated_s[row]), str(self.keys.iloc[row])

    def records(self, start: int, stop: int) -> list[dict[str, Any]]:
        """Rows [start, stop) as JSON-ready dicts with source field names."""
        if stop <= start:
            return []
        columns = [fmt(start, stop) for fmt in self.formatters]
        fields = self.fields
        return [dict(zip(fields, row, strict=True)) for row in zip(*columns, strict=True)]


def _formatter(column: pd.Series, style: DateStyle) -> _Formatter:
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        cats = np.asarray([*dtype.categories, None], dtype=object)
        codes = column.cat.codes.to_numpy()  # -1 (missing) picks the trailing None
        return lambda a, b: cats[codes[a:b]].tolist()
    if pd.api.types.is_datetime64_any_dtype(dtype):
        values = column.to_numpy().astype("datetime64[s]")
        return lambda a, b: format_datetimes(values[a:b], style)
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_integer_dtype(dtype):
        plain = column.to_numpy()
        return lambda a, b: plain[a:b].tolist()
    if pd.api.types.is_float_dtype(dtype):
        floats = column.to_numpy(dtype=object, na_value=None)
        return lambda a, b: floats[a:b].tolist()
    if column.isna().any():
        return lambda a, b: column.iloc[a:b].to_numpy(dtype=object, na_value=None).tolist()
    return lambda a, b: column.iloc[a:b].tolist()
