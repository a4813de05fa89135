"""Entity contracts: what passes, and the reason a rejected row carries."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.entities import (
    DATE_COLUMNS,
    ENTITY_MODELS,
    NATURAL_KEYS,
    ROW_RULES,
    cursor_column,
    entity_columns,
    entity_schema,
    validate_page,
)
from tests.contracts.samples import VALID_ROWS, frame_of, rows_of, valid_frame


def reasons_of(frame: pd.DataFrame, entity: str) -> list[str]:
    return validate_page(entity, frame).rejected["_reason"].tolist()


@pytest.mark.parametrize("entity", sorted(ENTITY_MODELS))
def test_a_valid_page_of_every_entity_passes_typed(entity: str) -> None:
    result = validate_page(entity, valid_frame(entity, 4))

    assert result.rejected.empty
    assert list(result.valid.columns) == [*entity_columns(entity), "_record"]
    assert len(result.valid) == 4
    for column in DATE_COLUMNS[entity]:
        assert pd.api.types.is_datetime64_dtype(result.valid[column].dtype), column


def test_registry_agrees_with_the_models() -> None:
    assert set(NATURAL_KEYS) == set(ENTITY_MODELS) == set(VALID_ROWS)
    for entity, keys in NATURAL_KEYS.items():
        schema = entity_schema(entity)
        for key in keys:
            assert schema.columns[key].nullable is False, (entity, key)
    assert cursor_column("dossier") == "updated_at"
    assert cursor_column("data_service") is None


def test_every_cross_field_check_has_a_readable_explanation() -> None:
    for model in ENTITY_MODELS.values():
        for check in model.to_schema().checks:
            assert check.name in ROW_RULES, (model.__name__, check.name)


def test_text_in_an_amount_is_rejected_by_name() -> None:
    frame = frame_of(rows_of("payment", 2, amount="N/A"))
    result = validate_page("payment", frame)

    assert result.valid.empty
    assert result.rejected["_reason"].tolist() == ["amount: 'N/A' is not a number"] * 2
    assert result.rejected["amount"].tolist() == ["N/A", "N/A"]  # the original value


def test_a_negative_amount_is_rejected() -> None:
    frame = frame_of([*rows_of("payment", 1, "A"), *rows_of("payment", 1, "B", amount=-5)])

    assert reasons_of(frame, "payment") == ["amount: -5 < 0"]


def test_a_dossier_resolved_before_it_was_received_is_rejected() -> None:
    row = {
        **VALID_ROWS["dossier"],
        "received_at": pd.Timestamp("2024-01-05"),
        "resolved_at": pd.Timestamp("2024-01-02"),
    }

    assert reasons_of(frame_of([row]), "dossier") == [
        "resolved_at 2024-01-02 is before received_at 2024-01-05"
    ]


def test_a_due_date_before_receipt_and_a_resolved_dossier_without_date() -> None:
    early_due = {**VALID_ROWS["dossier"], "due_at": pd.Timestamp("2024-01-01 08:00")}
    no_date = {**VALID_ROWS["dossier"], "dossier_id": "H2", "resolved_at": None}

    assert reasons_of(frame_of([early_due, no_date]), "dossier") == [
        "due_at 2024-01-01 08:00:00 is before received_at 2024-01-05 09:00:00",
        "resolved_at: missing although status is 'resolved'",
    ]


def test_an_open_dossier_needs_no_resolved_date() -> None:
    row = {**VALID_ROWS["dossier"], "status": "in_progress", "resolved_at": None}

    assert validate_page("dossier", frame_of([row])).rejected.empty


def test_a_renamed_key_field_absent_from_the_page_rejects_every_row() -> None:
    frame = valid_frame("dossier", 3).drop(columns=["dossier_id"])
    result = validate_page("dossier", frame)

    assert result.valid.empty
    assert set(result.rejected["_reason"]) == {
        "dossier_id: column absent from the page (source field renamed or absent)"
    }


def test_a_renamed_key_field_arriving_as_nulls_is_named() -> None:
    frame = valid_frame("dossier", 2, dossier_id=None)

    assert (
        reasons_of(frame, "dossier") == ["dossier_id: missing (source field renamed or absent)"] * 2
    )


def test_an_absent_optional_column_still_rejects_every_row() -> None:
    frame = valid_frame("unit", 2).drop(columns=["valid_to"])

    assert (
        reasons_of(frame, "unit")
        == ["valid_to: column absent from the page (source field renamed or absent)"] * 2
    )


def test_several_failures_of_one_row_are_all_named_in_column_order() -> None:
    row = {
        **VALID_ROWS["dossier"],
        "channel": "fax",
        "received_at": "31/02/2024 10:00:00",
        "digitised": "x",
        "status": "resolved",
        "resolved_at": None,
    }

    assert reasons_of(frame_of([row]), "dossier") == [
        "channel: 'fax' is not one of offline, online, postal; "
        "received_at: '31/02/2024 10:00:00' is not a date; "
        "digitised: 'x' is not true/false; "
        "resolved_at: missing although status is 'resolved'"
    ]


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("received_at", pd.Timestamp("1999-12-31"), "received_at: 1999-12-31 is before 2000-01-01"),
        ("due_at", pd.Timestamp("2100-01-01"), "due_at: 2100-01-01 is not before 2100-01-01"),
        (
            "updated_at",
            pd.Timestamp("2500-01-01"),
            "updated_at: 2500-01-01 is not before 2100-01-01",
        ),
        ("received_at", "1500-01-01", "received_at: 1500-01-01 is before 2000-01-01"),
        ("digitised", 1, "digitised: 1 is not true/false"),
        (
            "status",
            "dang_xu_ly",
            "status: 'dang_xu_ly' is not one of in_progress, resolved, returned, withdrawn",
        ),
        ("dossier_id", "", "dossier_id: empty"),
        ("updated_at", 20240101, "updated_at: 20240101 is not a date"),
        ("unit_code", ["883"], "unit_code: ['883'] is not text"),
    ],
)
def test_single_cell_failures_read_well(column: str, value: object, reason: str) -> None:
    good = rows_of("dossier", 1, "A")
    bad = rows_of("dossier", 1, "B")
    bad[0][column] = value
    frame = frame_of(good + bad)
    result = validate_page("dossier", frame)

    assert result.rejected["_reason"].tolist() == [reason]
    assert result.valid["dossier_id"].tolist() == ["A0000"]


def test_report_period_must_be_a_period() -> None:
    frame = frame_of(rows_of("report_submission", 1, report_period="2024-13"))

    assert reasons_of(frame, "report_submission") == [
        "report_period: '2024-13' is not a period (2024, 2024-Q1 or 2024-01)"
    ]


def test_lenient_reads_numbers_as_text_ids_and_iso_text_as_dates() -> None:
    row = {
        **VALID_ROWS["payment"],
        "payment_id": 123,
        "amount": "150000",
        "paid_at": "2024-01-06T11:00:00+07:00",
    }
    result = validate_page("payment", frame_of([row]))

    assert result.rejected.empty
    typed = result.valid.iloc[0]
    assert typed["payment_id"] == "123"
    assert typed["amount"] == 150000.0
    assert typed["paid_at"] == pd.Timestamp("2024-01-06 11:00:00")


def test_aware_datetimes_become_local_time() -> None:
    frame = valid_frame("work_file", 1)
    frame["opened_at"] = pd.Series([pd.Timestamp("2024-03-01 01:00:00", tz="UTC")])
    result = validate_page("work_file", frame)

    assert result.valid["opened_at"].iloc[0] == pd.Timestamp("2024-03-01 08:00:00")


def test_a_page_without_record_gets_one_built_from_its_values() -> None:
    frame = valid_frame("unit", 1).drop(columns=["_record"])
    frame.loc[0, "unit_level"] = "tinh"
    result = validate_page("unit", frame)

    assert '"unit_level":"tinh"' in result.rejected["_record"].iloc[0]


def test_an_empty_page_is_valid_and_empty() -> None:
    result = validate_page("dossier", valid_frame("dossier", 0))

    assert result.valid.empty and result.rejected.empty
    assert result.rejected_share == 0.0


def test_positions_in_the_page_index_both_halves() -> None:
    rows = rows_of("payment", 5)
    rows[3]["amount"] = -1
    frame = frame_of(rows)
    frame.index = [10, 11, 12, 13, 14]
    result = validate_page("payment", frame)

    assert result.rejected.index.tolist() == [3]
    assert result.valid.index.tolist() == [0, 1, 2, 4]


def test_an_unknown_entity_is_refused() -> None:
    with pytest.raises(KeyError, match="unknown entity"):
        validate_page("dossiers; DROP TABLE x", valid_frame("dossier", 1))


def test_models_are_pandera_models_with_coercion() -> None:
    for model in ENTITY_MODELS.values():
        assert issubclass(model, pa.DataFrameModel)
        assert model.to_schema().coerce is True


_CORRUPTIONS = {
    "amount": "N/A",
    "paid_at": "not a date",
    "payment_channel": "cash",
    "payment_id": None,
}


@settings(max_examples=60, deadline=None)
@given(
    bad=st.lists(st.tuples(st.integers(0, 29), st.sampled_from(sorted(_CORRUPTIONS))), max_size=40)
)
def test_every_row_is_either_valid_or_rejected_and_only_bad_rows_are_rejected(
    bad: list[tuple[int, str]],
) -> None:
    rows = rows_of("payment", 30)
    for position, column in bad:
        rows[position][column] = _CORRUPTIONS[column]
    result = validate_page("payment", frame_of(rows))
    corrupted = {position for position, _ in bad}

    assert set(result.rejected.index) == corrupted
    assert set(result.valid.index) == set(range(30)) - corrupted
    for position, column in bad:
        assert result.rejected.loc[position, "_reason"].count(column) >= 1
    assert (result.valid["amount"] == 150000.0).all()
