"""Turning pandera's failure cases into one readable reason per failing cell or row."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

MISSING = "missing (source field renamed or absent)"
_MAX_SHOWN = 80

RowExplainer = Callable[[pd.DataFrame], pd.Series]
"""Given the typed frame, the reason each row breaks a cross-field rule."""


def show(value: Any) -> str:
    """A value as a reason shows it: dates without a zero time, whole numbers without
    a decimal point, text quoted."""
    if isinstance(value, datetime | date | np.datetime64):
        moment = pd.Timestamp(value)
        if moment == moment.normalize():
            return moment.strftime("%Y-%m-%d")
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, str | bytes):
        text = repr(value)
    else:
        text = str(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


def show_column(values: pd.Series) -> pd.Series:
    """`show` for a whole column (dates vectorised: they are most of the work)."""
    if pd.api.types.is_datetime64_dtype(values.dtype):
        midnight = values == values.dt.normalize()
        full = values.dt.strftime("%Y-%m-%d %H:%M:%S")
        return full.where(~midnight, values.dt.strftime("%Y-%m-%d")).astype(object)
    return values.map(show).astype(object)


def _bound(check: pa.Check, key: str) -> str:
    return show((check.statistics or {}).get(key))


def explain_check(column: str, check: pa.Check | None, check_label: str, value: Any) -> str:
    """The reason a cell failed one column check."""
    shown = show(value)
    name = check.name if check is not None else check_label
    is_moment = isinstance(value, datetime | date | np.datetime64)
    if check is not None and name == "greater_than_or_equal_to":
        if is_moment:
            return f"{column}: {shown} is before {_bound(check, 'min_value')}"
        return f"{column}: {shown} < {_bound(check, 'min_value')}"
    if check is not None and name == "less_than":
        if is_moment:
            return f"{column}: {shown} is not before {_bound(check, 'max_value')}"
        return f"{column}: {shown} ≥ {_bound(check, 'max_value')}"
    if check is not None and name == "less_than_or_equal_to":
        return f"{column}: {shown} > {_bound(check, 'max_value')}"
    if check is not None and name == "isin":
        allowed = ", ".join(str(v) for v in (check.statistics or {}).get("allowed_values", []))
        return f"{column}: {shown} is not one of {allowed}"
    if name == "str_length" and value == "":
        return f"{column}: empty"
    if check is not None and name == "str_matches":
        return f"{column}: {shown} does not match {(check.statistics or {}).get('pattern')}"
    if check is not None and check.error:
        return f"{column}: {shown} {check.error}"
    return f"{column}: {shown} fails {check_label}"


@dataclass
class Issues:
    """Reasons collected for the rows of one frame, by row position."""

    rows: int
    _positions: list[np.ndarray] = field(default_factory=list)
    _reasons: list[np.ndarray] = field(default_factory=list)
    _orders: list[np.ndarray] = field(default_factory=list)

    def add(self, positions: np.ndarray, reasons: np.ndarray, order: int = 0) -> None:
        """Record one reason per position; a row's reasons are joined by `order`
        (the column's place in the contract), then as found."""
        if len(positions):
            self._positions.append(np.asarray(positions, dtype=np.int64))
            self._reasons.append(np.asarray(reasons, dtype=object))
            self._orders.append(np.full(len(positions), order, dtype=np.int64))

    def add_everywhere(self, reason: str, order: int = 0) -> None:
        """Record the same reason for every row."""
        self.add(np.arange(self.rows), np.full(self.rows, reason, dtype=object), order)

    def joined(self) -> pd.Series:
        """One reason text per failing row ("; "-joined, in the order found)."""
        if not self._positions:
            return pd.Series([], dtype=object, index=pd.Index([], dtype=np.int64))
        found = pd.DataFrame(
            {
                "row": np.concatenate(self._positions),
                "order": np.concatenate(self._orders),
                "reason": np.concatenate(self._reasons),
            }
        )
        found = found.drop_duplicates(["row", "reason"])
        found = found.sort_values(["row", "order"], kind="stable")
        return found.groupby("row", sort=True)["reason"].agg("; ".join)


def add_pandera_failures(
    issues: Issues,
    schema: pa.DataFrameSchema,
    failures: pd.DataFrame,
    typed: pd.DataFrame,
    explainers: Mapping[str, RowExplainer],
    already_reported: Mapping[str, np.ndarray],
    missing: str = MISSING,
) -> None:
    """Translate pandera's failure cases into reasons on `issues`.

    `already_reported` masks, per column, the cells whose missing value was already
    explained (unreadable value, absent column): their not-null failure is not repeated.
    `missing` is how a null in a required column is described.
    """
    without_row = failures[failures["index"].isna()]
    for _, failure in without_row.iterrows():
        issues.add_everywhere(
            f"{failure['column']}: contract check {failure['check']} could not run "
            f"({failure['failure_case']})"
        )
    located = failures[failures["index"].notna()]
    frame_level = located["schema_context"] == "DataFrameSchema"
    _add_column_failures(issues, schema, located[~frame_level], already_reported, missing)
    _add_row_rule_failures(issues, located[frame_level], typed, explainers, len(schema.columns))


def _add_row_rule_failures(
    issues: Issues,
    failures: pd.DataFrame,
    typed: pd.DataFrame,
    explainers: Mapping[str, RowExplainer],
    order: int,
) -> None:
    for check_name, group in failures.groupby("check", sort=False):
        positions = np.unique(group["index"].astype(np.int64).to_numpy())
        explain = explainers.get(str(check_name))
        if explain is None:
            reasons = np.full(len(positions), f"row fails {check_name}", dtype=object)
        else:
            reasons = explain(typed.iloc[positions]).to_numpy(dtype=object)
        issues.add(positions, reasons, order)


def _add_column_failures(
    issues: Issues,
    schema: pa.DataFrameSchema,
    failures: pd.DataFrame,
    already_reported: Mapping[str, np.ndarray],
    missing: str,
) -> None:
    order = {name: place for place, name in enumerate(schema.columns)}
    for (column, label, number), group in failures.groupby(
        ["column", "check", "check_number"], sort=False, dropna=False
    ):
        column = str(column)
        positions = group["index"].astype(np.int64).to_numpy()
        if label == "not_nullable":
            if column in already_reported:
                positions = positions[~already_reported[column][positions]]
            reasons = np.full(len(positions), f"{column}: {missing}", dtype=object)
            issues.add(positions, reasons, order.get(column, 0))
            continue
        checks = schema.columns[column].checks if column in schema.columns else []
        check = checks[int(number)] if pd.notna(number) and int(number) < len(checks) else None
        values = group["failure_case"].to_numpy(dtype=object)
        explained = [explain_check(column, check, str(label), value) for value in values]
        issues.add(positions, np.asarray(explained, dtype=object), order.get(column, 0))
