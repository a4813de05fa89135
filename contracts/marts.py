"""Contracts of the mart rows chiso computes: ``marts.measure`` and ``marts.score``.

These rows are our own output, so a broken row is a bug upstream: the validators raise
`MartContractError` naming every failing row instead of splitting the frame. Numbers are
checked as given (``Decimal``, int or float) and never cast: the frame is returned as is.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pandera.errors as pa_errors
import pandera.pandas as pa
from pandera.typing import Series

from contracts._quick_check import column_check_holds, frame_check_holds
from contracts._readable import Issues, RowExplainer, add_pandera_failures, show

PERIOD_PATTERN = r"^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$"
MEASURE_ORIGINS = ("collected", "declared", "override")
COUNT_TYPES = ("count",)
SCORE_STATUSES = ("scored", "missing_input", "incomplete", "not_applicable", "survey")
_SHOWN_REASONS = 10


class MartContractError(ValueError):
    """Rows computed for a mart table break its contract; `reasons` by row position."""

    def __init__(self, table: str, reasons: pd.Series) -> None:
        self.table = table
        self.reasons = reasons
        first = reasons.head(_SHOWN_REASONS)
        shown = "; ".join(f"row {row}: {reason}" for row, reason in first.items())
        more = f" (and {len(reasons) - len(first)} more)" if len(reasons) > len(first) else ""
        super().__init__(f"{table}: {len(reasons)} rows break the contract: {shown}{more}")


def _numbers(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values.astype(object), errors="coerce")


def _is_text(values: pd.Series) -> pd.Series:
    if isinstance(values.dtype, pd.StringDtype):  # every value present is a str
        return (values.notna() & (values.str.len() > 0)).fillna(False).astype(bool)
    return values.map(lambda v: isinstance(v, str) and v != "").astype(bool)


def _number_at_least_zero(values: pd.Series) -> pd.Series:
    return values.isna() | (_numbers(values) >= 0).astype(bool)


def _nonempty_text() -> Any:
    return pa.Field(nullable=False)


class MartModel(pa.DataFrameModel):
    """Mart rows are checked as given: no casting, extra columns are the table's."""

    class Config:
        coerce = False
        strict = False


class MeasureRow(MartModel):
    """One ``marts.measure`` row."""

    unit_code: Series[Any] = _nonempty_text()
    period: Series[Any] = _nonempty_text()
    measure_key: Series[Any] = _nonempty_text()
    value_num: Series[Any] = pa.Field(nullable=True)
    value_type: Series[Any] = _nonempty_text()
    origin: Series[Any] = pa.Field(nullable=False)
    record_count: Series[Any] = pa.Field(nullable=True)
    computed_at: Series[Any] = pa.Field(nullable=False)

    @pa.check("unit_code", "measure_key", "value_type", error="is not a non-empty text")
    def _texts(cls, values: pd.Series) -> pd.Series:
        return _is_text(values)

    @pa.check("period", error="is not a period (2024, 2024-Q1, 2024-01)")
    def _period(cls, values: pd.Series) -> pd.Series:
        return values.astype(str).str.fullmatch(PERIOD_PATTERN).fillna(False).astype(bool)

    @pa.check("origin", error=f"is not one of {', '.join(MEASURE_ORIGINS)}")
    def _origin(cls, values: pd.Series) -> pd.Series:
        return values.isin(MEASURE_ORIGINS)

    @pa.check("value_num", error="is not a number")
    def _value_is_number(cls, values: pd.Series) -> pd.Series:
        return values.isna() | _numbers(values).notna()

    @pa.check("record_count", error="is not a count ≥ 0")
    def _record_count(cls, values: pd.Series) -> pd.Series:
        return _number_at_least_zero(values)

    @pa.dataframe_check(name="count_not_negative")
    def _count_not_negative(cls, df: pd.DataFrame) -> pd.Series:
        is_count = df["value_type"].isin(COUNT_TYPES)
        return ~is_count | _number_at_least_zero(df["value_num"])


class ScoreRow(MartModel):
    """One ``marts.score`` row."""

    framework: Series[Any] = _nonempty_text()
    unit_code: Series[Any] = _nonempty_text()
    period: Series[Any] = _nonempty_text()
    criterion: Series[Any] = _nonempty_text()
    max_points: Series[Any] = pa.Field(nullable=False)
    points: Series[Any] = pa.Field(nullable=True)
    status: Series[Any] = pa.Field(nullable=False)
    rate: Series[Any] = pa.Field(nullable=True)
    numerator: Series[Any] = pa.Field(nullable=True)
    denominator: Series[Any] = pa.Field(nullable=True)
    computed_at: Series[Any] = pa.Field(nullable=False)

    @pa.check("framework", "unit_code", "criterion", error="is not a non-empty text")
    def _texts(cls, values: pd.Series) -> pd.Series:
        return _is_text(values)

    @pa.check("period", error="is not a period (2024, 2024-Q1, 2024-01)")
    def _period(cls, values: pd.Series) -> pd.Series:
        return values.astype(str).str.fullmatch(PERIOD_PATTERN).fillna(False).astype(bool)

    @pa.check("status", error=f"is not one of {', '.join(SCORE_STATUSES)}")
    def _status(cls, values: pd.Series) -> pd.Series:
        return values.isin(SCORE_STATUSES)

    @pa.check(
        "max_points", "points", "rate", "numerator", "denominator", error="is not a number ≥ 0"
    )
    def _not_negative(cls, values: pd.Series) -> pd.Series:
        return _number_at_least_zero(values)

    @pa.dataframe_check(name="points_within_max")
    def _points_within_max(cls, df: pd.DataFrame) -> pd.Series:
        points, most = _numbers(df["points"]), _numbers(df["max_points"])
        return (points.isna() | most.isna() | (points <= most)).astype(bool)

    @pa.dataframe_check(name="points_match_status")
    def _points_match_status(cls, df: pd.DataFrame) -> pd.Series:
        scored = df["status"] == "scored"
        unscored = df["status"].isin(("missing_input", "not_applicable"))
        has_points = df["points"].notna()
        return ~(scored & ~has_points) & ~(unscored & has_points)


def _explain_count(df: pd.DataFrame) -> pd.Series:
    return "value_num: " + df["value_num"].map(show).astype(str) + " < 0 for a count"


def _explain_points_within_max(df: pd.DataFrame) -> pd.Series:
    return (
        "points "
        + df["points"].map(show).astype(str)
        + " exceed max_points "
        + df["max_points"].map(show).astype(str)
    )


def _explain_points_status(df: pd.DataFrame) -> pd.Series:
    has_points = df["points"].notna()
    return pd.Series(
        np.where(
            has_points,
            "points given although status is " + df["status"].astype(str),
            "points: missing although status is scored",
        ),
        index=df.index,
    )


_EXPLAINERS: dict[str, RowExplainer] = {
    "count_not_negative": _explain_count,
    "points_within_max": _explain_points_within_max,
    "points_match_status": _explain_points_status,
}


def _certainly_valid(schema: pa.DataFrameSchema, rows: pd.DataFrame) -> bool:
    """Whether every check of `schema` holds on every row, found by calling the checks'
    own functions on the whole columns: then pandera would report nothing.

    Stricter than pandera, never looser: a null cell passes a column check only where
    pandera skips it too (the check ignores nulls), and anything unexpected (a check
    that is not a plain function of the column, an outcome that is not one boolean
    per row) answers False, so pandera runs and words every failure as before.
    """
    if schema.dtype is not None or schema.unique is not None:
        return False
    for name, column in schema.columns.items():
        values = rows[name]
        if column.dtype is not None or column.unique or column.regex:
            return False
        if not column.nullable and values.isna().any():
            return False
        if not all(column_check_holds(check, values) for check in column.checks):
            return False
    return all(frame_check_holds(check, rows) for check in schema.checks)


def _validate(table: str, model: type[MartModel], frame: pd.DataFrame) -> pd.DataFrame:
    schema = model.to_schema()
    rows = frame.reset_index(drop=True)
    issues = Issues(len(rows))
    missing = [c for c in schema.columns if c not in rows.columns]
    for column in missing:
        issues.add_everywhere(f"{column}: column absent")
    if not missing and _certainly_valid(schema, rows):
        return frame
    if not missing:
        try:
            schema.validate(rows, lazy=True)
        except pa_errors.SchemaErrors as errors:
            failures = errors.failure_cases
            add_pandera_failures(issues, schema, failures, rows, _EXPLAINERS, {}, "missing")
    reasons = issues.joined()
    if len(reasons) or (missing and len(rows)):
        raise MartContractError(table, reasons)
    return frame


def validate_marts_measure(frame: pd.DataFrame) -> pd.DataFrame:
    """Check ``marts.measure`` rows; return them unchanged or raise MartContractError."""
    return _validate("marts.measure", MeasureRow, frame)


def validate_marts_score(frame: pd.DataFrame) -> pd.DataFrame:
    """Check ``marts.score`` rows; return them unchanged or raise MartContractError."""
    return _validate("marts.score", ScoreRow, frame)
