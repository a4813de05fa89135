"""Whether pandera would find nothing, decided with plain vectorised operations.

Validating a clean frame through pandera costs far more than the checks themselves;
these functions run a schema's checks on whole columns and answer True only when every
one holds. Anything they do not recognise, or that fails, answers False: pandera then
runs and words every failure as before, so a quick check only ever saves work.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

_QUIET = (TypeError, ValueError, KeyError, AttributeError)


def column_check_holds(check: pa.Check, values: pd.Series) -> bool:
    """Whether `check` holds on every value of `values` that pandera would check (nulls
    are skipped when the check ignores them)."""
    if check.groupby is not None:
        return False
    missing = values.isna()
    present = values[~missing] if check.ignore_na else values
    if len(present) == 0:
        return True
    try:
        holds = _builtin_outcome(check, present)
        if holds is None:
            holds = _own_outcome(check, present)
        return _all_true(holds, len(present))
    except _QUIET:
        return False


def frame_check_holds(check: pa.Check, frame: pd.DataFrame) -> bool:
    """Whether a schema-wide check of the model's own holds on every row of `frame`."""
    if check.groupby is not None:
        return False
    try:
        return _all_true(_own_outcome(check, frame), len(frame))
    except _QUIET:
        return False


def _builtin_outcome(check: pa.Check, values: pd.Series) -> pd.Series | None:
    """The outcome of one of pandera's built-in checks the contracts use, or None."""
    stats = check.statistics or {}
    if check.name == "isin":
        return values.isin(list(stats["allowed_values"]))
    if check.name == "greater_than_or_equal_to":
        return values >= stats["min_value"]
    if check.name == "less_than":
        return values < stats["max_value"]
    if check.name == "str_length":
        lengths = values.str.len()
        holds = pd.Series(True, index=values.index)
        if stats.get("exact_value") is not None:
            holds &= lengths == stats["exact_value"]
        if stats.get("min_value") is not None:
            holds &= lengths >= stats["min_value"]
        if stats.get("max_value") is not None:
            holds &= lengths <= stats["max_value"]
        return holds
    return None


def _own_outcome(check: pa.Check, data: pd.Series | pd.DataFrame) -> Any:
    """A model's own vectorised check, called on the whole column or frame; None when
    the check is not one (element-wise, or built with arguments of pandera's)."""
    function = getattr(check, "_check_fn", None)
    if function is None or check.element_wise or getattr(check, "_check_kwargs", None) != {}:
        return None
    return function(data)


def _all_true(outcome: Any, rows: int) -> bool:
    """Whether an outcome (one boolean per row, or one boolean) is true throughout."""
    if isinstance(outcome, pd.Series):
        if len(outcome) != rows or (outcome.dtype != bool and str(outcome.dtype) != "boolean"):
            return False
        return bool(outcome.fillna(False).astype(bool).all())
    return isinstance(outcome, bool | np.bool_) and bool(outcome)
