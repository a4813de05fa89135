"""The fast mapping gives exactly what the plain pandas mapping gives.

`reference_frame` is the mapping as first written (a frame of the records, then column
by column with pandas); `EntityMapping.to_frame` must match it on any records: clean
pages, drifted types, impossible dates, odd offsets, absent fields.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import orjson
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.api.types import infer_dtype

from connectors import ioffice, lris, ndxp, tthc
from connectors.mapping import (
    RECORD_COLUMN,
    DateFormat,
    EntityMapping,
    IsoOffsetDateFormat,
    LocalDateFormat,
)

_ISO_OFFSET = r"(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$"


def reference_parse(fmt: DateFormat, text: pd.Series) -> pd.Series:
    if isinstance(fmt, LocalDateFormat):
        return pd.to_datetime(text, format=fmt.pattern, errors="coerce").astype("datetime64[us]")
    assert isinstance(fmt, IsoOffsetDateFormat)
    has_offset = text.str.contains(_ISO_OFFSET, regex=True, na=False)
    parsed = pd.to_datetime(text.where(has_offset), format="ISO8601", utc=True, errors="coerce")
    return (parsed.dt.tz_convert(None) + pd.Timedelta(hours=7)).astype("datetime64[us]")


def _as_given(values: pd.Series) -> pd.Series:
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
        pass
    return values


def _codes_to_words(values: pd.Series, words: Mapping[str, str]) -> pd.Series:
    try:
        mapped = values.map(words)
    except TypeError:
        return values
    return mapped.astype(object).where(mapped.notna(), values)


def _dates(values: pd.Series, fmt: DateFormat) -> pd.Series:
    present = values.notna()
    if not present.any():
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    if infer_dtype(values, skipna=True) in ("string", "empty"):
        text = values
    else:
        text = values.where(values.map(lambda value: isinstance(value, str)))
    parsed = reference_parse(fmt, text.astype(object))
    unparsed = present & parsed.isna()
    if not unparsed.any():
        return parsed
    return parsed.astype(object).where(~unparsed, values)


def reference_frame(mapping: EntityMapping, records: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    raw = pd.DataFrame(list(records), columns=list(mapping.columns), dtype=object)
    out: dict[str, pd.Series] = {}
    for source_field, ours in mapping.columns.items():
        values = raw[source_field]
        if ours in mapping.dates:
            out[ours] = _dates(values, mapping.date_format)
        elif ours in mapping.enums:
            out[ours] = _as_given(_codes_to_words(values, mapping.enums[ours]))
        else:
            out[ours] = _as_given(values)
    out[RECORD_COLUMN] = pd.Series(
        [orjson.dumps(record).decode() for record in records], dtype="str"
    )
    return pd.DataFrame(out, index=pd.RangeIndex(len(raw)))


def assert_same(mapping: EntityMapping, records: list[dict[str, Any]]) -> None:
    expected = reference_frame(mapping, records)
    actual = mapping.to_frame(records)
    pd.testing.assert_frame_equal(actual, expected, check_exact=True)
    for column in expected.columns:  # None and NaN are told apart too
        if expected[column].dtype == object:
            assert [type(v) for v in actual[column]] == [type(v) for v in expected[column]]


MAPPINGS = {
    "tthc": tthc.MAPPINGS["dossier"],
    "ioffice": ioffice.MAPPINGS["incoming_document"],
    "lris": lris.MAPPINGS["report_submission"],
    "ndxp": ndxp.MAPPINGS["population_snapshot"],
}

LOCAL_DATES = [
    "31/12/2024 23:30:00",
    "29/02/2024 00:00:00",
    "29/02/2023 00:00:00",
    "31/04/2024 10:00:00",
    "00/01/2024 10:00:00",
    "01/13/2024 10:00:00",
    "01/00/2024 10:00:00",
    "01/01/2024 24:00:00",
    "01/01/2024 23:60:00",
    "01/01/2024 23:59:60",
    "1/1/2024 7:05:09",
    "01/01/0999 10:00:00",
    "01/01/1000 10:00:00",
    "01/01/9999 23:59:59",
    "01/01/2024 10:00:00 ",
    " 01/01/2024 10:00:00",
    "01/01/2024T10:00:00",
    "01/01/2024",
    "2024-12-31 10:00:00",
    "١٢/٠١/٢٠٢٤ 10:00:00",
    "",
]
ISO_DATES = [
    "2023-12-19T14:52:29+07:00",
    "2023-12-19T14:52:29Z",
    "2023-12-19T14:52:29z",
    "2023-12-19T14:52:29-05:30",
    "2023-12-19T14:52:29+23:59",
    "2023-12-19T14:52:29+24:00",
    "2023-12-19T14:52:29+07:60",
    "2023-12-19T14:52:29+0700",
    "2023-12-19T14:52:29+07",
    "2023-12-19T14:52:29",
    "2023-12-19 14:52:29+07:00",
    "2023-12-19T14:52:29.123+07:00",
    "2024-02-30T10:00:00+07:00",
    "2024-02-29T23:59:59-12:00",
    "2024-01-01T00:00:00+14:00",
    "0999-01-01T00:00:00Z",
    "2024-13-01T00:00:00Z",
    "2024-01-01T24:00:00Z",
    "2024-01-01T23:59:60Z",
    "",
]
YMD_DATES = ["2024-01-31", "2024-02-30", "2024-1-5", "2024-01-31 00:00:00", "99-01-01"]


@pytest.mark.parametrize("source", list(MAPPINGS))
def test_clean_pages_map_alike(source: str) -> None:
    mapping = MAPPINGS[source]
    fields = list(mapping.columns)
    dates = {f for f, ours in mapping.columns.items() if ours in mapping.dates}
    sample = {"tthc": LOCAL_DATES[0], "ioffice": ISO_DATES[0], "lris": "2024-01-02 03:04:05"}
    records = [
        {f: (sample.get(source, "2024-01-31") if f in dates else f"v{i}") for f in fields}
        for i in range(50)
    ]
    assert_same(mapping, records)
    assert_same(mapping, [])


@pytest.mark.parametrize(
    ("source", "values"),
    [("tthc", LOCAL_DATES), ("ioffice", ISO_DATES), ("ndxp", YMD_DATES)],
)
def test_every_odd_date_maps_alike(source: str, values: list[str]) -> None:
    mapping = MAPPINGS[source]
    field = next(f for f, ours in mapping.columns.items() if ours in mapping.dates)
    for value in values:  # alone, then among good ones, with nulls and drift
        assert_same(mapping, [{field: value}])
    records: list[dict[str, Any]] = [{field: v} for v in values]
    records += [{field: None}, {}, {field: 20241231}]
    assert_same(mapping, records)
    assert_same(mapping, [{field: values[0]}] * 3 + [{field: None}])


def test_drifted_values_map_alike() -> None:
    mapping = tthc.MAPPINGS["dossier"]
    odd: list[Any] = [
        None,
        1,
        0,
        False,
        True,
        2.5,
        float("nan"),
        "x",
        "",
        [1, 2],
        {"a": 1},
        2**64 - 1,
        -(2**63),
        "truc_tiep",
    ]
    for field in mapping.columns:
        for value in odd:
            assert_same(mapping, [{field: value}, {field: "truc_tuyen"}, {}])
        assert_same(mapping, [{field: value} for value in odd])


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
    | st.sampled_from(LOCAL_DATES + ISO_DATES + YMD_DATES + ["truc_tuyen", "da_giai_quyet"]),
    lambda inner: (
        st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=3), inner, max_size=2)
    ),
    max_leaves=3,
)


@settings(max_examples=150, deadline=None)
@given(
    source=st.sampled_from(list(MAPPINGS)),
    data=st.data(),
)
def test_any_records_map_alike(source: str, data: st.DataObject) -> None:
    mapping = MAPPINGS[source]
    fields = st.sampled_from([*mapping.columns, "Other"])
    records = data.draw(st.lists(st.dictionaries(fields, JSON, max_size=6), max_size=6))
    assert_same(mapping, records)


def test_values_fast_path_keeps_nan_for_absent_fields() -> None:
    frame = tthc.MAPPINGS["unit"].to_frame([{"MaDonVi": "1"}])
    assert frame["parent_code"].dtype == object
    assert isinstance(frame["parent_code"][0], float) and np.isnan(frame["parent_code"][0])
