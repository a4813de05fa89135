"""NQ17 monthly targets (spec frameworks.md §3): the file, and each kind of row scored.

Expectations are worked by hand from the spec's targets; a row earns 1 point when
its target is met, so the root's points are the number of targets met out of 22.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import pytest

from scoring.catalogue import load_catalogue
from scoring.engine import score_framework
from scoring.framework import Framework, load_framework
from scoring.measure_keys import parse_measure_key
from scoring.model import MeasureValue, OrgUnit, ScoreRow, Status, Value

PERIOD = "2025-01"
PROVINCE = "89"
UNITS = [OrgUnit(PROVINCE, "Tỉnh An Giang", "province")]

# The spec's 2025 targets (§3); #20 is a 30-50% range, met from its lower bound.
SPEC_TARGETS = {
    "NQ17-01": "0.40",
    "NQ17-02": "0.50",
    "NQ17-03": "1.00",
    "NQ17-04": "1.00",
    "NQ17-05": "1.00",
    "NQ17-06": "1.00",
    "NQ17-07": "1.00",
    "NQ17-08": "1.00",
    "NQ17-09": "1.00",
    "NQ17-10": "0.40",
    "NQ17-11": "1.00",
    "NQ17-12": "0.60",
    "NQ17-13": "0.60",
    "NQ17-14": "1.00",
    "NQ17-15": "1.00",
    "NQ17-16": "0.90",
    "NQ17-17": "0.80",
    "NQ17-18": "0.65",
    "NQ17-19": "0.80",
    "NQ17-20": "0.30",
    "NQ17-20b": "1.00",
    "NQ17-21": "1.00",
}
CAPABILITY_ROWS = {"NQ17-01", "NQ17-06", "NQ17-08", "NQ17-12", "NQ17-13"}

# A synthetic January 2025, worked by hand: target → (inputs, met?).
MONTH: dict[str, tuple[dict[str, Value], bool]] = {
    "NQ17-01": ({"eid_auth_via_national_portal": True}, True),
    "NQ17-02": (  # 41230/58123 = 0.7094 ≥ 0.50
        {
            "dossiers_online{service_level=full|partial}": Decimal(41230),
            "dossiers_processed{service_level=full|partial}": Decimal(58123),
        },
        True,
    ),
    "NQ17-03": (
        {"dvc_integrated_national": Decimal(1012), "dvc_to_integrate_national": Decimal(1012)},
        True,
    ),
    "NQ17-04": (  # 57890/58123 = 0.996 < 1.00
        {
            "dossiers_received_via_onestop": Decimal(57890),
            "dossiers_received_local": Decimal(58123),
        },
        False,
    ),
    "NQ17-05": (  # 830/845 < 1.00
        {"dvc_fullonline_provided": Decimal(830), "tthc_eligible_fullonline": Decimal(845)},
        False,
    ),
    "NQ17-06": ({"dvc_portal_mobile_ui": True}, True),
    "NQ17-07": ({"dvc_with_helpdesk": Decimal(1650), "tthc_province_total": Decimal(1650)}, True),
    "NQ17-08": ({"satisfaction_published_per_agency": True}, True),
    "NQ17-09": ({"portals_compliant_nd42": Decimal(34), "portals_total": Decimal(34)}, True),
    "NQ17-10": (  # 700/1650 = 0.4242 ≥ 0.40
        {
            "dvc_mobile_signature_enabled": Decimal(700),
            "dvc_online_partial_full": Decimal(1650),
        },
        True,
    ),
    "NQ17-11": (
        {"dossiers_e_result_issued": Decimal(40000), "dossiers_results_returned": Decimal(40000)},
        True,
    ),
    "NQ17-12": ({"autofill_from_population_db": True}, True),
    "NQ17-13": ({"business_registry_db_connected": False}, False),
    "NQ17-14": ({"units_connected_vdxp": Decimal(190), "units_total": Decimal(190)}, True),
    "NQ17-15": (  # 98500/100000 < 1.00
        {"docs_issued_electronic": Decimal(98500), "docs_issued_non_secret": Decimal(100000)},
        False,
    ),
    "NQ17-16": (  # 9100/10000 = 0.91 ≥ 0.90
        {
            "work_files_online{level=province}": Decimal(9100),
            "work_files_total{level=province}": Decimal(10000),
        },
        True,
    ),
    "NQ17-17": (  # 7999/10000 < 0.80
        {
            "work_files_online{level=district}": Decimal(7999),
            "work_files_total{level=district}": Decimal(10000),
        },
        False,
    ),
    "NQ17-18": (  # 6500/10000 = 0.65, exactly at the target
        {
            "work_files_online{level=commune}": Decimal(6500),
            "work_files_total{level=commune}": Decimal(10000),
        },
        True,
    ),
    "NQ17-19": (  # 450/500 = 0.90 ≥ 0.80
        {"periodic_reports_via_lris": Decimal(450), "periodic_reports_total": Decimal(500)},
        True,
    ),
    "NQ17-20": (  # 300/1000 = 0.30, the range's lower bound
        {"meeting_minutes_saved": Decimal(300), "meeting_minutes_baseline": Decimal(1000)},
        True,
    ),
    "NQ17-20b": (  # province 1/1 met, district 6/11 = 0.545 < 0.80
        {
            "ubnd_using_gov_meeting_is{level=province}": Decimal(1),
            "ubnd_total{level=province}": Decimal(1),
            "ubnd_using_gov_meeting_is{level=district}": Decimal(6),
            "ubnd_total{level=district}": Decimal(11),
        },
        False,
    ),
    "NQ17-21": (  # 300/312 < 1.00
        {"agencies_connected_tslcd": Decimal(300), "agencies_total": Decimal(312)},
        False,
    ),
}
MET_IN_MONTH = sum(met for _, met in MONTH.values())  # 15 of 22


def nq17() -> Framework:
    return load_framework("nq17")


def month_values(**changes: Value) -> dict[str, Value]:
    """The January inputs with some keys (written as in the file) replaced."""
    values: dict[str, Value] = {}
    for inputs, _ in MONTH.values():
        values.update(inputs)
    for key, value in changes.items():
        assert key in values, key
        values[key] = value
    return values


def score(values: Mapping[str, Value]) -> dict[str, ScoreRow]:
    measures = [MeasureValue(PROVINCE, PERIOD, key, value) for key, value in values.items()]
    return {r.criterion: r for r in score_framework(nq17(), PERIOD, measures, UNITS)}


def with_inputs(criterion: str, inputs: Mapping[str, Value]) -> dict[str, ScoreRow]:
    """Score the January month with one target's inputs replaced."""
    values = month_values()
    for key in MONTH[criterion][0]:
        del values[key]
    values.update(inputs)
    return score(values)


# --- the file ---------------------------------------------------------------------------


def test_the_file_loads_as_a_monthly_provincial_framework() -> None:
    fw = nq17()
    assert (fw.id, fw.period_type, fw.unit_level) == ("nq17", "month", "province")
    assert (fw.rounding.decimals, fw.rounding.mode, fw.rounding.aggregate) == (
        2,
        "half_up",
        "sum_of_rounded",
    )
    assert "17/NQ-CP" in fw.citation and "2025" in fw.citation
    assert fw.root.method == "sum" and fw.root.max_points == Decimal("22.00")


def test_22_target_rows_under_one_root_with_the_spec_targets() -> None:
    fw = nq17()
    assert list(fw.root.children) == list(SPEC_TARGETS)
    for cid, target in SPEC_TARGETS.items():
        c = fw.criterion(cid)
        assert (c.parent, c.method, c.max_points) == ("NQ17", "target_met", Decimal("1.00")), cid
        assert c.decimal_param("target") == Decimal(target), cid
        assert c.name_vi and c.name_en, cid
    assert fw.criterion("NQ17-20b").decimal_param("target_2") == Decimal("0.80")


def test_capability_rows_read_a_yes_no_fact() -> None:
    fw = nq17()
    catalogue = load_catalogue()
    facts = {c.id for c in fw.criteria if "fact" in c.measures}
    assert facts == CAPABILITY_ROWS
    for cid in facts:
        assert catalogue.spec(fw.criterion(cid).measures["fact"]).value_type == "bool", cid


def test_the_rates_read_the_measures_the_spec_names_in_canonical_form() -> None:
    fw = nq17()
    assert dict(fw.criterion("NQ17-02").measures) == {
        "numerator": "dossiers_online{service_level=full|partial}",
        "denominator": "dossiers_processed{service_level=full|partial}",
    }
    assert dict(fw.criterion("NQ17-05").measures) == {
        "numerator": "dvc_fullonline_provided",
        "denominator": "tthc_eligible_fullonline",
    }
    assert fw.criterion("NQ17-18").measures["denominator"] == "work_files_total{level=commune}"


@pytest.mark.parametrize(
    ("measure", "source"),
    [
        ("dossiers_online", "TTHC"),
        ("dvc_integrated_national", "TTHC"),
        ("dvc_fullonline_provided", "TTHC"),
        ("dvc_portal_mobile_ui", "MANUAL"),
        ("portals_compliant_nd42", "MANUAL"),
        ("business_registry_db_connected", "NDXP_LGSP"),
        ("units_connected_vdxp", "IOFFICE"),
        ("work_files_online", "IOFFICE"),
        ("periodic_reports_via_lris", "LRIS"),
        ("meeting_minutes_saved", "MANUAL"),
        ("ubnd_using_gov_meeting_is", "MANUAL"),
        ("agencies_connected_tslcd", "MANUAL"),
    ],
)
def test_measures_come_from_the_spec_source(measure: str, source: str) -> None:
    assert load_catalogue().spec(measure).source == source


def test_every_measure_the_file_reads_is_catalogued() -> None:
    catalogue = load_catalogue()
    keys = {key for c in nq17().criteria for key in c.measures.values()}
    assert len(keys) == 41  # 16 rates × 2, #20b's 4 counts, 5 facts
    for key in keys:
        catalogue.validate_key(parse_measure_key(key))


# --- scoring ----------------------------------------------------------------------------------


def test_the_month_meets_the_hand_counted_targets() -> None:
    rows = score(month_values())
    assert {cid: rows[cid].met for cid in MONTH} == {cid: met for cid, (_, met) in MONTH.items()}
    for cid, (_, met) in MONTH.items():
        assert rows[cid].points == (Decimal("1.00") if met else Decimal("0.00")), cid
        assert rows[cid].target == Decimal(SPEC_TARGETS[cid]), cid
        assert rows[cid].status == Status.SCORED, cid


def test_the_root_counts_the_targets_met_out_of_22() -> None:
    root = score(month_values())["NQ17"]
    assert MET_IN_MONTH == 15
    assert (root.status, root.points, root.max_points) == (
        Status.SCORED,
        Decimal("15.00"),
        Decimal("22.00"),
    )


def test_the_root_moves_by_one_when_one_target_flips() -> None:
    rows = score(month_values(business_registry_db_connected=True))
    assert rows["NQ17-13"].met is True
    assert rows["NQ17"].points == Decimal("16.00")


@pytest.mark.parametrize(
    ("online", "met"),
    [(4999, False), (5000, True), (5001, True)],
)
def test_online_dossiers_just_below_and_at_the_50_percent_target(online: int, met: bool) -> None:
    rows = with_inputs(
        "NQ17-02",
        {
            "dossiers_online{service_level=full|partial}": Decimal(online),
            "dossiers_processed{service_level=full|partial}": Decimal(10000),
        },
    )
    row = rows["NQ17-02"]
    assert row.met is met
    assert row.points == (Decimal("1.00") if met else Decimal("0.00"))
    assert row.rate == Decimal(online) / Decimal(10000)
    assert (row.numerator, row.denominator) == (Decimal(online), Decimal(10000))


@pytest.mark.parametrize(("online", "met"), [(8999, False), (9000, True)])
def test_provincial_work_files_against_90_percent(online: int, met: bool) -> None:
    rows = with_inputs(
        "NQ17-16",
        {
            "work_files_online{level=province}": Decimal(online),
            "work_files_total{level=province}": Decimal(10000),
        },
    )
    assert rows["NQ17-16"].met is met


def test_a_full_target_is_missed_by_a_single_item() -> None:
    rows = with_inputs(
        "NQ17-03",
        {"dvc_integrated_national": Decimal(1011), "dvc_to_integrate_national": Decimal(1012)},
    )
    assert (rows["NQ17-03"].met, rows["NQ17-03"].points) == (False, Decimal("0.00"))


def test_filters_in_another_order_reach_the_same_measure() -> None:
    values = month_values()
    values["dossiers_online{service_level=partial|full}"] = values.pop(
        "dossiers_online{service_level=full|partial}"
    )
    rows = score(values)
    assert rows["NQ17-02"].status == Status.SCORED
    assert rows["NQ17-02"].numerator == Decimal(41230)


@pytest.mark.parametrize(("flag", "rate"), [(True, Decimal(1)), (False, Decimal(0))])
def test_a_capability_is_met_when_true_and_reported_as_100_or_0_percent(
    flag: bool, rate: Decimal
) -> None:
    rows = score(month_values(dvc_portal_mobile_ui=flag))
    row = rows["NQ17-06"]
    assert (row.met, row.rate, row.points) == (flag, rate, Decimal("1.00") if flag else Decimal(0))
    assert row.inputs == {"dvc_portal_mobile_ui": flag}


def test_a_population_share_target_is_met_by_the_capability_alone() -> None:
    # #1's target is 40% of users, but the province reports a yes/no capability.
    rows = score(month_values(eid_auth_via_national_portal=True))
    assert (rows["NQ17-01"].met, rows["NQ17-01"].rate) == (True, Decimal(1))
    rows = score(month_values(eid_auth_via_national_portal=False))
    assert (rows["NQ17-01"].met, rows["NQ17-01"].rate) == (False, Decimal(0))


@pytest.mark.parametrize(
    ("saved", "met"),
    [(299, False), (300, True), (450, True), (500, True), (620, True)],
)
def test_the_30_to_50_percent_range_is_met_from_its_lower_bound(saved: int, met: bool) -> None:
    rows = with_inputs(
        "NQ17-20",
        {"meeting_minutes_saved": Decimal(saved), "meeting_minutes_baseline": Decimal(1000)},
    )
    assert rows["NQ17-20"].met is met
    assert rows["NQ17-20"].target == Decimal("0.30")


def _meeting_system(province: tuple[int, int], district: tuple[int, int]) -> ScoreRow:
    rows = with_inputs(
        "NQ17-20b",
        {
            "ubnd_using_gov_meeting_is{level=province}": Decimal(province[0]),
            "ubnd_total{level=province}": Decimal(province[1]),
            "ubnd_using_gov_meeting_is{level=district}": Decimal(district[0]),
            "ubnd_total{level=district}": Decimal(district[1]),
        },
    )
    return rows["NQ17-20b"]


@pytest.mark.parametrize(
    ("province", "district", "met"),
    [
        ((1, 1), (9, 11), True),  # 100% and 81.8%
        ((1, 1), (8, 10), True),  # both exactly at their targets
        ((0, 1), (11, 11), False),  # the province alone fails
        ((1, 1), (7, 10), False),  # the districts alone fail (70% < 80%)
        ((0, 1), (0, 11), False),
    ],
)
def test_the_meeting_system_needs_both_levels(
    province: tuple[int, int], district: tuple[int, int], met: bool
) -> None:
    row = _meeting_system(province, district)
    assert (row.status, row.met) == (Status.SCORED, met)
    assert row.points == (Decimal("1.00") if met else Decimal("0.00"))


def test_the_meeting_system_reads_both_levels() -> None:
    row = _meeting_system((1, 1), (7, 10))
    assert row.inputs["ubnd_total{level=district}"] == Decimal(10)
    assert row.inputs["ubnd_using_gov_meeting_is{level=province}"] == Decimal(1)
    assert "7/10" in row.detail


def test_the_meeting_system_is_missing_without_the_district_counts() -> None:
    values = month_values()
    del values["ubnd_total{level=district}"]
    rows = score(values)
    assert (rows["NQ17-20b"].status, rows["NQ17-20b"].met) == (Status.MISSING_INPUT, None)
    assert "ubnd_total{level=district}" in rows["NQ17-20b"].detail


def test_a_missing_input_is_not_a_missed_target_and_leaves_the_root_incomplete() -> None:
    values = month_values()
    del values["periodic_reports_via_lris"]
    rows = score(values)
    row = rows["NQ17-19"]
    assert (row.status, row.points, row.met) == (Status.MISSING_INPUT, None, None)
    assert "periodic_reports_via_lris" in row.detail
    root = rows["NQ17"]
    # #19 was met in the month: the 14 remaining met targets are a lower bound.
    assert (root.status, root.points) == (Status.INCOMPLETE, Decimal("14.00"))
    assert "NQ17-19" in root.detail


def test_a_missing_capability_fact_is_missing_input() -> None:
    values = month_values()
    del values["satisfaction_published_per_agency"]
    rows = score(values)
    assert (rows["NQ17-08"].status, rows["NQ17-08"].met) == (Status.MISSING_INPUT, None)
    assert rows["NQ17"].status == Status.INCOMPLETE


def test_a_zero_denominator_is_missing_input_not_a_missed_target() -> None:
    rows = with_inputs(
        "NQ17-19",
        {"periodic_reports_via_lris": Decimal(0), "periodic_reports_total": Decimal(0)},
    )
    assert (rows["NQ17-19"].status, rows["NQ17-19"].points) == (Status.MISSING_INPUT, None)
    assert rows["NQ17"].status == Status.INCOMPLETE


def test_the_targets_apply_to_any_month() -> None:
    measures = [
        MeasureValue(PROVINCE, "2025-07", key, value) for key, value in month_values().items()
    ]
    rows = {r.criterion: r for r in score_framework(nq17(), "2025-07", measures, UNITS)}
    assert rows["NQ17"].points == Decimal("15.00")
    assert rows["NQ17-17"].target == Decimal("0.80")
