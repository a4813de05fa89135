"""PAR7-2024 scored from measures CSV fixtures, against hand-computed points."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from scoring.engine import ScoringInputError, score_framework
from scoring.model import MeasureValue, OrgUnit, Status
from tests.scoring.support import (
    PERIOD,
    PROVINCE,
    d,
    mixed_measures,
    org_units,
    par7,
    par7_variant,
    perfect_measures,
    score,
    with_values,
    without,
)

# par7_mixed.csv, worked by hand (2 decimals, half-up per leaf, parents add the rounded leaves).
MIXED_EXPECTED = {
    "7.1.1": "0.50",  # egov architecture: true
    "7.1.2.a": "0.25",  # deployed, not fully compliant: 0.5 × 0.50
    "7.1.2.b": "0.00",  # not connected
    "7.1.2": "0.25",
    "7.1.3": "0.77",  # 23/30 = 0.766667
    "7.1.4": "0.71",  # 12/17 = 0.705882
    "7.1": "2.23",
    "7.2.1.a": "0.00",  # S03 at 790/1000 = 0.79 < 0.80
    "7.2.1.b": "0.25",  # 0.60, 0.50 (exactly at the bar), 0.70 ≥ 0.50
    "7.2.1": "0.25",
    "7.2.2.a": "0.25",  # 22/22
    "7.2.2.b": "0.00",  # 10/11
    "7.2.2.c": "0.50",  # 125/156 = 0.801282 ≥ 0.80
    "7.2.2": "0.75",
    "7.2.3.a": "0.50",
    "7.2.3.b": "0.93",  # 37/40 = 0.925 → 0.93 half-up (half-even would give 0.92)
    "7.2.3": "1.43",
    "7.2": "2.43",
    "7.3.1.a": "0.25",
    "7.3.1.b": "0.00",
    "7.3.1": "0.25",
    "7.3.3": "0.50",  # partial
    "7.3.4.a": "0.50",  # 6500/20000 = 0.325 ≥ 0.30
    "7.3.4.b": "0.00",  # 5999/30000 = 0.199967 < 0.20
    "7.3.4.c": "0.25",  # 6000/40000 = 0.15, exactly at the bar
    "7.3.4": "0.75",
    "7.3.5": "0.48",  # 950/1000 = 0.95 ≥ 0.90; × 0.50 = 0.475 → 0.48
    "7.3.6": "1.23",  # 1234/1500 × 1.50 = 1.234
    "7.3.7.a": "0.48",  # 380/400 × 0.50 = 0.475
    "7.3.7.b": "0.25",  # 190/380 × 0.50
    "7.3.7.c": "0.13",  # 3000/12000 × 0.50 = 0.125
    "7.3.7": "0.86",
    "7.3": "4.07",
    "7": "8.73",
}


def test_mixed_province_matches_the_hand_computed_table() -> None:
    rows = score(mixed_measures())
    got = {cid: str(r.points) for cid, r in rows.items() if r.points is not None}
    assert got == MIXED_EXPECTED
    assert rows["7.3.2"].status == Status.SURVEY and rows["7.3.2"].points is None


def test_mixed_detail_shows_the_arithmetic_and_the_rounding() -> None:
    rows = score(mixed_measures())
    assert rows["7.3.6"].detail == "b/a = 1234/1500 = 0.822667 × 1.50 = 1.234 → 1.23"
    assert rows["7.3.6"].numerator == 1234 and rows["7.3.6"].denominator == 1500
    assert rows["7.3.6"].inputs == {
        "dossiers_resolved{channel=online,service_level=full}": Decimal(1234),
        "dossiers_resolved{service_level=full}": Decimal(1500),
    }
    assert "S03 790/1000 = 0.79" in rows["7.2.1.a"].detail


def test_total_is_the_sum_of_rounded_leaves_not_the_rounded_sum(tmp_path: Path) -> None:
    rows = score(mixed_measures())
    leaves = [r for r in rows.values() if r.method not in ("sum", "survey")]
    assert sum((r.points for r in leaves if r.points is not None), Decimal(0)) == d("8.73")
    assert rows["7"].points == d("8.73")
    # The unrounded leaves add up to 8.706549…: the same file with round_of_sum says 8.71.
    variant = par7_variant(tmp_path, {"aggregate: sum_of_rounded": "aggregate: round_of_sum"})
    assert score(mixed_measures(), framework=variant)["7"].points == d("8.71")


def test_rounding_mode_is_data(tmp_path: Path) -> None:
    variant = par7_variant(tmp_path, {"mode: half_up": "mode: half_even"})
    assert score(mixed_measures(), framework=variant)["7.2.3.b"].points == d("0.92")


def test_perfect_province_scores_12_50_out_of_13_50_with_survey() -> None:
    rows = score(perfect_measures())
    root = rows["7"]
    assert (root.points, root.max_points, root.max_points_with_survey) == (
        d("12.50"),
        d("12.50"),
        d("13.50"),
    )
    assert root.status == Status.SCORED
    assert (rows["7.3"].points, rows["7.3"].max_points) == (d("6.00"), d("6.00"))
    assert rows["7.3"].max_points_with_survey == d("7.00")
    for cid, row in rows.items():
        expected = Status.SURVEY if cid == "7.3.2" else Status.SCORED
        assert row.status == expected, cid
        if row.points is not None:
            assert row.points == row.max_points, cid


@pytest.mark.parametrize(
    ("provided", "expected"),
    [(899, "0.00"), (900, "0.45"), (901, "0.45"), (950, "0.48"), (1000, "0.50")],
)
def test_7_3_5_floor_at_0_90(provided: int, expected: str) -> None:
    measures = with_values(perfect_measures(), {"dvc_fullonline_provided": Decimal(provided)})
    row = score(measures)["7.3.5"]
    assert (row.points, row.status) == (d(expected), Status.SCORED)
    assert row.rate == Decimal(provided) / 1000


def test_7_3_5_below_the_floor_says_so() -> None:
    row = score(with_values(perfect_measures(), {"dvc_fullonline_provided": d("899")}))["7.3.5"]
    assert row.detail == "b/a = 899/1000 = 0.899 < floor 0.90 → 0.00"


def test_half_up_at_the_xx5_boundary() -> None:
    # 149/300 × 1.50 = 0.745 exactly: half-up gives 0.75 (half-even would give 0.74).
    measures = with_values(
        perfect_measures(),
        {
            "dossiers_resolved{service_level=full}": d("300"),
            "dossiers_resolved{service_level=full,channel=online}": d("149"),
        },
    )
    row = score(measures)["7.3.6"]
    assert row.points == d("0.75")
    assert row.detail.endswith("× 1.50 = 0.745 → 0.75")


def test_zero_denominator_is_missing_input_not_zero_points() -> None:
    measures = with_values(
        perfect_measures(),
        {"apps_with_shared_data": d("0"), "apps_with_shared_data_via_lgsp": d("0")},
    )
    rows = score(measures)
    row = rows["7.1.3"]
    assert (row.status, row.points) == (Status.MISSING_INPUT, None)
    assert "denominator is 0" in row.detail
    assert (rows["7.1"].status, rows["7.1"].points) == (Status.INCOMPLETE, d("2.50"))


def test_missing_measure_marks_the_criterion_and_its_ancestors() -> None:
    rows = score(without(perfect_measures(), "ndxp_data_services_in_official_use"))
    row = rows["7.1.4"]
    assert (row.status, row.points) == (Status.MISSING_INPUT, None)
    assert "ndxp_data_services_in_official_use" in row.detail
    assert (rows["7.1"].status, rows["7.1"].points) == (Status.INCOMPLETE, d("2.50"))
    assert (rows["7"].status, rows["7"].points) == (Status.INCOMPLETE, d("11.50"))
    assert "7.1.4" in rows["7.1"].detail
    assert rows["7.2"].status == Status.SCORED


def test_parent_with_every_child_missing_is_missing_input() -> None:
    payment = [
        "tthc_fin_obligation",
        "tthc_fin_obligation_online_payment_enabled",
        "tthc_online_payment_enabled",
        "tthc_with_online_payment_txn",
        "payment_scope_dossiers_resolved",
        "payment_scope_dossiers_paid_online",
    ]
    rows = score(without(perfect_measures(), *payment))
    assert (rows["7.3.7"].status, rows["7.3.7"].points) == (Status.MISSING_INPUT, None)
    assert (rows["7.3"].status, rows["7.3"].points) == (Status.INCOMPLETE, d("4.50"))


@pytest.mark.parametrize(
    ("s02_online", "expected"),
    [(395, "0.00"), (400, "0.25"), (500, "0.25")],  # of 500: 0.79, exactly 0.80, 1.00
)
def test_7_2_1_a_every_department_at_0_80(s02_online: int, expected: str) -> None:
    measures = with_values(
        perfect_measures(), {"docs_workfiles_processed_online": Decimal(s02_online)}, unit="S02"
    )
    row = score(measures)["7.2.1.a"]
    assert (row.points, row.status) == (d(expected), Status.SCORED)
    assert row.denominator == 3


def test_7_2_1_needs_the_departments_in_the_org_units() -> None:
    province_only = [OrgUnit(PROVINCE, "Tỉnh An Giang", "province")]
    rows = score(perfect_measures(), units=province_only)
    for cid in ("7.2.1.a", "7.2.1.b"):
        assert rows[cid].status == Status.MISSING_INPUT
        assert "org-units file" in rows[cid].detail
    assert rows["7.2.1"].status == Status.MISSING_INPUT
    assert rows["7.1"].status == Status.SCORED


def test_7_2_1_a_department_without_figures_is_missing_input() -> None:
    measures = without(perfect_measures(), "docs_workfiles_processed_online", unit="S03")
    row = score(measures)["7.2.1.a"]
    assert row.status == Status.MISSING_INPUT
    assert "docs_workfiles_processed_online@S03" in row.detail


def test_7_2_1_a_department_with_no_documents_is_missing_input() -> None:
    measures = with_values(
        perfect_measures(),
        {"docs_workfiles_processed_online": d("0"), "docs_workfiles_processed_total": d("0")},
        unit="S01",
    )
    row = score(measures)["7.2.1.a"]
    assert row.status == Status.MISSING_INPUT and row.points is None
    assert "S01 has denominator 0" in row.detail


@pytest.mark.parametrize(
    ("connected", "expected"), [(159, "0.00"), (160, "0.50"), (161, "0.50"), (200, "0.50")]
)
def test_7_2_2_c_80_percent_of_communes(connected: int, expected: str) -> None:
    measures = with_values(
        perfect_measures(),
        {
            "units_total{level=commune}": d("200"),
            "units_connected_4level{level=commune}": Decimal(connected),
        },
    )
    assert score(measures)["7.2.2.c"].points == d(expected)


def test_7_2_2_a_needs_every_department() -> None:
    measures = with_values(perfect_measures(), {"units_connected_4level{level=province}": d("21")})
    assert score(measures)["7.2.2.a"].points == d("0.00")


@pytest.mark.parametrize(
    ("status", "expected"), [("full", "1.00"), ("partial", "0.50"), ("none", "0.00")]
)
def test_7_3_3_steps(status: str, expected: str) -> None:
    row = score(with_values(perfect_measures(), {"tthc_is_status": status}))["7.3.3"]
    assert (row.points, row.status) == (d(expected), Status.SCORED)
    assert row.detail == f"tthc_is_status = {status} → {expected}"


@pytest.mark.parametrize(
    ("deployed", "compliant", "expected"),
    [(True, True, "0.50"), (True, False, "0.25"), (False, False, "0.00"), (False, True, "0.00")],
)
def test_partial_credit(deployed: bool, compliant: bool, expected: str) -> None:
    values = {"lris_deployed": deployed, "lris_fully_compliant": compliant}
    row = score(with_values(perfect_measures(), values))["7.2.3.a"]
    assert (row.points, row.status) == (d(expected), Status.SCORED)


def test_partial_credit_not_deployed_needs_no_compliance_figure() -> None:
    measures = with_values(perfect_measures(), {"datacenter_deployed": False})
    row = score(without(measures, "datacenter_fully_compliant"))["7.1.2.a"]
    assert (row.points, row.status) == (d("0.00"), Status.SCORED)


def test_partial_credit_deployed_without_compliance_figure_is_missing() -> None:
    row = score(without(perfect_measures(), "datacenter_fully_compliant"))["7.1.2.a"]
    assert (row.points, row.status) == (None, Status.MISSING_INPUT)


@pytest.mark.parametrize(
    ("digitised", "expected"), [(5999, "0.00"), (6000, "0.50"), (6001, "0.50")]
)
def test_7_3_4_a_boolean_min_rate_0_30(digitised: int, expected: str) -> None:
    key = "dossiers_digitised_with_e_result{level=province}"
    row = score(with_values(perfect_measures(), {key: Decimal(digitised)}))["7.3.4.a"]
    assert row.points == d(expected)


def test_boolean_fact_false_scores_zero() -> None:
    row = score(with_values(perfect_measures(), {"portal_ipv6_enabled": False}))["7.3.1.b"]
    assert (row.points, row.status, row.detail) == (
        d("0.00"),
        Status.SCORED,
        "portal_ipv6_enabled = false → 0.00",
    )


def test_numerator_above_denominator_is_capped_at_max() -> None:
    row = score(with_values(perfect_measures(), {"apps_with_shared_data_via_lgsp": d("31")}))[
        "7.1.3"
    ]
    assert row.points == d("1.00")
    assert "capped" in row.detail


def test_duplicate_measure_with_different_values_is_refused() -> None:
    measures = [
        *perfect_measures(),
        MeasureValue(PROVINCE, PERIOD, "apps_with_shared_data", d("29")),
    ]
    with pytest.raises(ScoringInputError, match=r"apps_with_shared_data .*29 and 30"):
        score(measures)


def test_duplicate_measure_with_the_same_value_is_harmless() -> None:
    extra = MeasureValue(PROVINCE, PERIOD, "apps_with_shared_data", d("30.0"))
    assert score([*perfect_measures(), extra])["7"].points == d("12.50")


def test_non_canonical_keys_are_matched() -> None:
    measures = without(perfect_measures(), "dossiers_resolved{channel=online,service_level=full}")
    measures.append(
        MeasureValue(
            PROVINCE, PERIOD, "dossiers_resolved{ service_level=full , channel=online }", d("58123")
        )
    )
    assert score(measures)["7.3.6"].points == d("1.50")


def test_wrong_value_type_is_refused() -> None:
    measures = with_values(perfect_measures(), {"apps_with_shared_data": "thirty"})
    with pytest.raises(
        ScoringInputError, match="apps_with_shared_data for unit 89 must be a number"
    ):
        score(measures)


def test_period_of_the_wrong_type_is_refused() -> None:
    with pytest.raises(ScoringInputError, match="per year"):
        score_framework(par7(), "2024-Q1", perfect_measures(), org_units())


def test_no_unit_of_the_framework_level_is_refused() -> None:
    departments = [u for u in org_units() if u.level == "department"]
    with pytest.raises(ScoringInputError, match="province"):
        score_framework(par7(), PERIOD, perfect_measures(), departments)


def test_rows_serialise_with_the_framework_decimals() -> None:
    rows = score(mixed_measures())
    data = rows["7.1.2.a"].to_dict()
    assert data["points"] == "0.25" and data["max_points"] == "0.50"
    assert data["inputs"] == {"datacenter_deployed": True, "datacenter_fully_compliant": False}
    assert rows["7.1.3"].to_dict()["rate"] == "0.766667"
    assert rows["7.3.2"].to_dict()["points"] is None
    assert rows["7"].to_dict()["max_points_with_survey"] == "13.50"
