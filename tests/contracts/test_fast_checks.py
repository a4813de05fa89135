"""The vectorised pre-check that lets a clean page skip pandera never lets a bad row
through: whenever it says a page is clean, pandera finds nothing either, and the
page's result is the same as with pandera."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import contracts.entities as entities
from contracts._readable import Issues
from contracts.entities import ENTITY_MODELS, column_kinds, entity_schema, validate_page
from tests.contracts.samples import VALID_ROWS, frame_of, rows_of

T = pd.Timestamp
ODD_VALUES: list[Any] = [
    None,
    "",
    "x",
    "2024-01",
    "2024",
    "2024-Q5",
    "resolved",
    "online",
    "province",
    -1,
    0,
    10**7,
    True,
    2.5,
    T("1999-12-31"),
    T("2000-01-01"),
    T("2099-12-31 23:59:59"),
    T("2100-01-01"),
    T("2024-01-01"),
    T("2030-01-01"),
]


def _pandera_finds_nothing(entity: str, frame: pd.DataFrame) -> bool:
    kinds = column_kinds(entity)
    typed, _ = entities._typed_columns(frame.reset_index(drop=True), kinds, Issues(len(frame)))
    return entities._pandera_failures(entity_schema(entity), typed) is None


def _says_clean(entity: str, frame: pd.DataFrame) -> bool:
    kinds = column_kinds(entity)
    typed, _ = entities._typed_columns(frame.reset_index(drop=True), kinds, Issues(len(frame)))
    return entities._certainly_valid(entity_schema(entity), kinds, typed)


def _validate_with_pandera_only(
    monkeypatch: pytest.MonkeyPatch, entity: str, frame: pd.DataFrame
) -> entities.ContractResult:
    with monkeypatch.context() as patch:
        patch.setattr(entities, "_certainly_valid", lambda *args: False)
        return validate_page(entity, frame)


@pytest.mark.parametrize("entity", list(ENTITY_MODELS))
def test_a_valid_page_is_found_clean_and_left_as_pandera_leaves_it(
    entity: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame = frame_of(rows_of(entity, 5))
    assert _says_clean(entity, frame)
    assert _pandera_finds_nothing(entity, frame)
    fast = validate_page(entity, frame)
    slow = _validate_with_pandera_only(monkeypatch, entity, frame)
    pd.testing.assert_frame_equal(fast.valid, slow.valid)
    pd.testing.assert_frame_equal(fast.rejected, slow.rejected)


# One entity of each kind of check: keys, enums, ranges, own checks, cross-field rules.
VARIED = ["unit", "procedure", "dossier", "payment", "report_submission", "edms_usage"]


@pytest.mark.parametrize("entity", VARIED)
def test_one_odd_value_anywhere_is_never_let_through(entity: str) -> None:
    for column in VALID_ROWS[entity]:
        for value in ODD_VALUES:
            rows = rows_of(entity, 3)
            rows[1] = {**rows[1], column: value}
            frame = frame_of(rows)
            if _says_clean(entity, frame):
                assert _pandera_finds_nothing(entity, frame), (column, value)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), entity=st.sampled_from(list(ENTITY_MODELS)))
def test_random_changes_are_never_let_through(data: st.DataObject, entity: str) -> None:
    rows = rows_of(entity, 4)
    columns = list(VALID_ROWS[entity])
    for _ in range(data.draw(st.integers(1, 4))):
        row = data.draw(st.integers(0, 3))
        column = data.draw(st.sampled_from(columns))
        value = data.draw(st.sampled_from(ODD_VALUES))
        rows[row] = {**rows[row], column: value}
    frame = frame_of(rows)
    if _says_clean(entity, frame):
        assert _pandera_finds_nothing(entity, frame)


def test_an_empty_or_odd_frame_goes_to_pandera() -> None:
    assert not _says_clean("dossier", frame_of(rows_of("dossier", 3))[0:0])
    frame = frame_of(rows_of("dossier", 3))
    frame["resolved_at"] = frame["resolved_at"] - pd.Timedelta(days=30)  # before received
    assert not _says_clean("dossier", frame)
    assert not _pandera_finds_nothing("dossier", frame)
    assert np.all(validate_page("dossier", frame).rejected.index == [0, 1, 2])
