"""ITA-2018 for district People's Committees (ita-2018-dist), against hand-computed points.

A "full-marks" district declares every measure at a value that earns the criterion's
maximum; each scenario changes a few measures and the expected points are worked out
by hand from spec ita-2018.md §2.2 (criteria) and §1.4 (the level table).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import pytest

from scoring._yaml import read_yaml
from scoring.catalogue import CATALOGUE_PARTS, load_catalogue
from scoring.engine import score_framework
from scoring.framework import Framework, load_framework
from scoring.model import MeasureValue, OrgUnit, ScoreRow, Status
from scoring.ranking import RankingRow, rank_units

PERIOD = "2024"
CATALOGUE_PART = CATALOGUE_PARTS / "ita_dist.yaml"
NOT_RANKED = "Không xếp hạng"

Given = int | str | bool | Decimal

# Every measure of spec §3.2 at a value that earns the criterion's maximum.
FULL_MARKS: dict[str, Given] = {
    # A.I infrastructure
    "dist_computers": 180, "dist_civil_servants": 150,  # more computers than staff: capped
    "dist_su_computers": 400, "dist_su_employees": 400,
    "dist_communes_computers": 300, "dist_communes_civil_servants": 280,
    "dist_has_dedicated_network": True,
    "dist_su_units": 12, "dist_su_units_with_broadband": 12,
    "dist_communes": 13, "dist_communes_with_lan": 13, "dist_communes_with_broadband": 13,
    "dist_has_modern_one_stop_desk": True, "dist_communes_with_modern_one_stop_desk": 13,
    "dist_has_led_schedule_screen": True, "dist_has_cctv": True,
    "dist_has_lan_surge_protection": True, "dist_has_firewall": True,
    "dist_communes_with_firewall": 13,
    "dist_has_online_meeting_room": True, "dist_communes_with_online_meeting_room": 13,
    "dist_has_tthc_lookup_screen": True, "dist_communes_with_tthc_lookup_screen": 13,
    "dist_has_barcode_reader": True, "dist_communes_with_barcode_reader": 13,
    "dist_has_queue_kiosk": True, "dist_scanners": 6, "dist_communes_with_scanner": 13,
    "dist_cultural_post_offices": 13, "dist_cultural_post_offices_with_internet": 13,
    "dist_cultural_post_offices_with_internet_agent": 13,
    "dist_households_with_computer_rate": Decimal(1),
    "dist_households_with_broadband_rate": Decimal(1),
    "dist_enterprises_with_broadband_rate": Decimal(1),
    "dist_population_mobile_subscriber_rate": Decimal(1),
    "dist_population_mobile_broadband_rate": Decimal(1),
    # A.II human resources
    "dist_primary_schools": 20, "dist_primary_schools_teaching_it": 20,
    "dist_lower_secondary_schools": 15, "dist_lower_secondary_schools_teaching_it": 15,
    "dist_upper_secondary_schools": 5, "dist_upper_secondary_schools_teaching_it": 5,
    "dist_it_staff": 2, "dist_communes_with_it_staff": 13, "dist_it_staff_with_it_degree": 2,
    "dist_it_staff_training_turns": 3, "dist_it_staff_with_project_cert": 2,
    "dist_civil_servants_it_proficient": 150, "dist_communes_civil_servants_it_proficient": 280,
    "dist_communes_it_staff": 13, "dist_communes_it_staff_basic_standard": 13,
    "dist_communes_it_staff_training_turns": 20,
    # A.III policy environment
    "dist_doc_it_steering_committee": True, "dist_doc_it_masterplan_5y": True,
    "dist_doc_it_plan_annual": True, "dist_doc_it_propaganda_plan": True,
    "dist_doc_infosec_regulation": True, "dist_doc_cert_assignment": True,
    "dist_doc_email_assignment": True, "dist_doc_portal_regulation": True,
    "dist_doc_portal_editorial_board": True, "dist_doc_it_staff_special_policy": True,
    "dist_doc_it_staff_assignment": True, "dist_doc_it_inspection_plan": True,
    "dist_doc_it_periodic_reports": True, "dist_it_budget_vnd": 650_000_000,
    # B.I presence: the inspector's findings on the website, then online services
    "dist_web_history_geo": "full", "dist_web_org_structure": "full",
    "dist_web_leaders": "full", "dist_web_contact": "full",
    "dist_web_work_schedule_months": 12, "dist_web_direction_months": 12,
    "dist_web_reward_penalty": True,
    "dist_web_prop_law_articles": 12, "dist_web_prop_labour_articles": 4,
    "dist_web_prop_merit_articles": 4, "dist_web_prop_strategy_articles": 2,
    "dist_web_prop_investment_articles": 2, "dist_web_prop_natural_resources_articles": 2,
    "dist_web_prop_environment_articles": 8, "dist_web_prop_food_safety_articles": 12,
    "dist_web_production_articles": 4,
    "dist_web_socioeconomic_plan": True, "dist_web_investment_policy": True,
    "dist_web_waste_resources_plan": True, "dist_web_legal_docs_list": True,
    "dist_web_legal_db_link": True, "dist_web_projects_ongoing": True,
    "dist_web_projects_planned": True, "dist_web_research_programmes": True,
    "dist_web_research_results": True,
    "dist_web_socioeconomic_quarterly_reports": 4, "dist_web_socioeconomic_annual_report": True,
    "dist_web_food_env_quarterly_reports": 4, "dist_web_food_env_annual_report": True,
    "dist_web_land_pop_labour_quarterly_reports": 4, "dist_web_land_pop_labour_annual_report": True,
    "dist_web_qa_section": True, "dist_web_accessibility": True,
    "dist_communes_with_website": 13,
    "dist_procedures": 250, "dist_dvc_level12": 250, "dist_dvc_level3": 250, "dist_dvc_level4": 250,
    "dist_communes_full_level12": 13, "dist_communes_with_level3": 13,
    "dist_communes_with_level4": 13,
    # B.II interaction
    "dist_civil_servants_active_edms": 150, "dist_su_employees_with_edms_account": 400,
    "dist_su_units_using_edms": 12,
    "dist_incoming_docs_total": 8000, "dist_incoming_docs_digitized": 8000,
    "dist_incoming_docs_leader_directed": 8000,
    "dist_outgoing_docs_total": 3000, "dist_outgoing_docs_digitized": 3000,
    "dist_outgoing_docs_leader_approved": 3000, "dist_outgoing_docs_org_signed_sent": 3000,
    "dist_outgoing_docs_leader_signed_sent": 3000,
    "dist_division_outgoing_docs_total": 100, "dist_division_outgoing_docs_signed_sent": 100,
    "dist_communes_using_digital_signature": 13,
    "dist_communes_leaders": 39, "dist_communes_leaders_using_digital_signature": 39,
    "dist_communes_docs_to_district_total": 2000, "dist_communes_docs_to_district_signed": 2000,
    "dist_civil_servants_with_official_email": 150, "dist_civil_servants_regular_email": 150,
    "dist_communes_civil_servants_with_official_email": 280,
    "dist_communes_civil_servants_regular_email": 280,
    "dist_one_stop_deployed": True, "dist_procedures_in_one_stop": 250,
    "dist_dossiers_with_deadline_actual": 9000, "dist_dossiers_in_one_stop": 9000,
    "dist_communes_using_one_stop": 13,
    "dist_communes_procedures_in_one_stop_rate_avg": Decimal(1),
    "dist_dossiers_received": 9000, "dist_dossiers_status_published": 9000,
    "dist_communes_dossiers_received": 5000, "dist_communes_dossiers_status_published": 5000,
    "dist_has_satisfaction_software": True,
    "dist_app_accounting_assets": True, "dist_app_civil_servants": True,
    "dist_app_civil_registry": True, "dist_app_socioeconomic": True,
    "dist_app_policy_beneficiaries": True, "dist_app_business_registration": True,
    "dist_app_food_safety": True, "dist_app_natural_resources": True,
    "dist_app_petitions": True, "dist_app_construction_planning": True,
    # B.III transaction
    "dist_online_dossiers_level3": 9000, "dist_online_dossiers_level4": 9000,
    "dist_communes_online_dossiers_level34": 5000,
    "dist_dossiers_on_time": 9000, "dist_communes_dossiers_on_time": 5000,
    "dist_online_dossiers_level34": 4000, "dist_online_dossiers_level34_on_time": 4000,
    "dist_communes_online_dossiers_level34_on_time": 5000,
    "dist_communes_dvc_level3_sum": 520, "dist_communes_dvc_level4_sum": 520,
    "commune_procedures_standard": 40,
    "dist_interlinked_c2d_procedures": 30, "dist_interlinked_c2d_procedures_online34": 30,
    "dist_interlinked_d2p_procedures": 20, "dist_interlinked_d2p_procedures_online34": 20,
    "dist_interlinked_3lvl_procedures": 10, "dist_interlinked_3lvl_procedures_online34": 10,
    "dist_feedback_received": 60, "dist_feedback_answered": 60,
    "dist_province_meetings_with_district": 24, "dist_video_meetings_with_province": 24,
    "dist_meetings_with_communes": 36, "dist_video_meetings_with_communes": 36,
    "dist_population": 270_000, "dist_population_digitized": 270_000,
    # B.IV transformation
    "dist_has_shared_eforms": True, "dist_has_sso": True,
    "dist_interlinked_c2d_dossiers_received_at_commune": 400,
    "dist_interlinked_c2d_dossiers_online34": 400,
    "dist_interlinked_d2p_dossiers_received_at_district": 300,
    "dist_interlinked_d2p_dossiers_online34": 300,
    "dist_interlinked_3lvl_dossiers_received_at_commune": 100,
    "dist_interlinked_3lvl_dossiers_online34": 100,
}  # fmt: skip

GROUP_MAXIMA = {
    "dist": "1500.00",
    "dist.A": "500.00",
    "dist.A.I": "300.00",
    "dist.A.II": "120.00",
    "dist.A.III": "80.00",
    "dist.B": "1000.00",
    "dist.B.I": "400.00",
    "dist.B.II": "350.00",
    "dist.B.III": "200.00",
    "dist.B.IV": "50.00",
}
# Leaf criteria per group (spec §5.1), 26-28 split into their sub-items (AMB-17).
LEAVES_PER_GROUP = {
    "dist.A.I": 30,
    "dist.A.II": 12,
    "dist.A.III": 14,
    "dist.B.I": 40,
    "dist.B.II": 35,
    "dist.B.III": 20,
    "dist.B.IV": 5,
}


@pytest.fixture(scope="module")
def framework() -> Framework:
    return load_framework("ita-2018-dist")


def _units(*codes: str) -> list[OrgUnit]:
    province = OrgUnit("89", "Tỉnh An Giang", "province")
    return [province, *(OrgUnit(c, f"Huyện {c}", "district", "89") for c in codes)]


def _measures(unit: str, changes: Mapping[str, Given | None] | None = None) -> list[MeasureValue]:
    """FULL_MARKS for `unit` with some measures changed (None: not declared at all)."""
    values = {**FULL_MARKS, **(changes or {})}
    return [
        MeasureValue(unit, PERIOD, key, _value(value))
        for key, value in values.items()
        if value is not None
    ]


def _value(value: Given) -> Decimal | bool | str:
    if isinstance(value, bool | str | Decimal):
        return value
    return Decimal(value)


def _score(
    framework: Framework, changes: Mapping[str, Given | None] | None = None, unit: str = "883"
) -> dict[str, ScoreRow]:
    rows = score_framework(framework, PERIOD, _measures(unit, changes), _units(unit))
    return {r.criterion: r for r in rows}


def _standings(
    framework: Framework, districts: Mapping[str, Mapping[str, Given | None]]
) -> dict[str, RankingRow]:
    measures = [m for unit, changes in districts.items() for m in _measures(unit, changes)]
    rows = score_framework(framework, PERIOD, measures, _units(*districts))
    return {r.unit: r for r in rank_units(framework, rows)}


def _points(rows: Mapping[str, ScoreRow], *criteria: str) -> dict[str, str | None]:
    return {c: None if rows[c].points is None else str(rows[c].points) for c in criteria}


# --- the tree ----------------------------------------------------------------------------


def test_groups_carry_the_official_maxima(framework: Framework) -> None:
    maxima = {cid: str(framework.criterion(cid).max_points) for cid in GROUP_MAXIMA}
    assert maxima == GROUP_MAXIMA


def test_there_are_156_scored_criteria_in_the_official_groups(framework: Framework) -> None:
    leaves = [c for c in framework.criteria if c.method != "sum"]
    assert len(leaves) == 156
    per_group = {g: sum(1 for c in leaves if c.id.startswith(g + ".")) for g in LEAVES_PER_GROUP}
    assert per_group == LEAVES_PER_GROUP


def test_subgroups_add_up_to_the_printed_values(framework: Framework) -> None:
    # Spec §4.2: printed sub-group values (B.II's letters A-E have no number of their own).
    printed = {
        "dist.A.I.2": 40, "dist.A.II.21": 60, "dist.A.II.21.1": 30, "dist.A.III.26": 10,
        "dist.A.III.28": 10, "dist.B.II.B": 60, "dist.B.II.C": 40, "dist.B.II.D": 80,
        "dist.B.II.13": 50, "dist.B.II.E": 100, "dist.B.III.1": 70, "dist.B.III.2": 90,
    }  # fmt: skip
    for cid, value in printed.items():
        node = framework.criterion(cid)
        kids = sum(framework.criterion(k).max_points for k in node.children)
        assert node.max_points == kids == value, cid


def test_the_catalogue_part_lists_the_183_raw_inputs_with_their_sources() -> None:
    part = read_yaml(CATALOGUE_PART)["measures"]
    assert len(part) == 183
    sources = [entry["source"] for entry in part.values()]
    # Spec §5.3, district column ("NDXP/LGSP" is written NDXP_LGSP).
    counts = {s: sources.count(s) for s in sorted(set(sources))}
    assert counts == {"IOFFICE": 13, "LRIS": 17, "MANUAL": 106, "NDXP_LGSP": 4, "TTHC": 43}
    catalogue = load_catalogue()
    assert catalogue.spec("dist_app_civil_registry").source == "NDXP_LGSP"
    assert catalogue.spec("dist_outgoing_docs_total").source == "MANUAL"
    assert catalogue.spec("dist_web_contact").enum_values == ("full", "partial", "none")


def test_every_catalogued_input_is_read_by_a_criterion(framework: Framework) -> None:
    read = {key for c in framework.criteria for key in c.measures.values()}
    assert read == set(read_yaml(CATALOGUE_PART)["measures"]) == set(FULL_MARKS)


@pytest.mark.parametrize(
    ("criterion", "ambiguity"),
    [
        ("dist.A.I.1.1", "AMB-20"),
        ("dist.A.I.15", "AMB-19"),
        ("dist.A.I.14", "AMB-38"),
        ("dist.A.III.26.2", "AMB-17"),
        ("dist.A.III.28.1", "AMB-18"),
        ("dist.B.I.8", "AMB-21"),
        ("dist.B.II.13.5", "AMB-11"),
        ("dist.B.II.15", "AMB-23"),
        ("dist.B.III.1.6", "AMB-19"),
        ("dist.B.III.2.5", "AMB-36"),
        ("dist.B.I.35.1", "AMB-31"),
    ],
)
def test_each_ambiguity_is_noted_beside_its_criterion(
    framework: Framework, criterion: str, ambiguity: str
) -> None:
    assert ambiguity in framework.criterion(criterion).notes


# --- scoring -------------------------------------------------------------------------------


def test_a_full_marks_district_scores_every_maximum_and_reaches_level_i(
    framework: Framework,
) -> None:
    rows = _score(framework)
    short = {
        c: (r.status, r.points, r.max_points) for c, r in rows.items() if r.points != r.max_points
    }
    assert short == {}
    assert all(r.status == Status.SCORED for r in rows.values())
    standing = _standings(framework, {"883": {}})["883"]
    assert (standing.level, standing.rank, str(standing.points)) == ("Mức I", 1, "1500.00")


@pytest.mark.parametrize(
    ("changes", "criterion", "expected"),
    [
        # ratio: 45 computers for 60 civil servants = 0.75 × 10
        ({"dist_computers": 45, "dist_civil_servants": 60}, "dist.A.I.1.1", "7.50"),
        # ratio above 1 is capped (AMB-20: computers per person)
        ({"dist_computers": 61, "dist_civil_servants": 60}, "dist.A.I.1.1", "10.00"),
        # ratio rounded half-up: 11/16 × 10 = 6.875
        (
            {"dist_communes_it_staff_training_turns": 11, "dist_communes_it_staff": 16},
            "dist.A.II.21.2.3",
            "6.88",
        ),
        # boolean on a flag
        ({"dist_has_led_schedule_screen": False}, "dist.A.I.4", "0.00"),
        ({"dist_doc_cert_assignment": True}, "dist.A.III.26.2", "2.50"),
        # boolean on a rate: every district TTHC at level 1-2, or nothing
        ({"dist_dvc_level12": 249}, "dist.B.I.34.1", "0.00"),
        ({"dist_dvc_level12": 250}, "dist.B.I.34.1", "10.00"),
        # steps on the inspector's three-level finding
        ({"dist_web_org_structure": "partial"}, "dist.B.I.2", "5.00"),
        # numeric steps on an amount (VND)
        ({"dist_it_budget_vnd": 99_999_999}, "dist.A.III.29", "0.00"),
        # numeric steps (every table is swept below): AMB-21, more than 12 articles → 10
        ({"dist_web_prop_law_articles": 13}, "dist.B.I.8", "10.00"),
        ({"dist_web_work_schedule_months": 11}, "dist.B.I.5", "5.00"),
        ({"dist_web_food_env_quarterly_reports": 3}, "dist.B.I.28", "5.00"),
        # formula on a declared rate: 0.4567 × 10 = 4.567; a rate above 1 is clamped
        ({"dist_households_with_broadband_rate": Decimal("0.4567")}, "dist.A.I.15", "4.57"),
        ({"dist_households_with_computer_rate": Decimal("1.2")}, "dist.A.I.14", "10.00"),
        (
            {"dist_communes_procedures_in_one_stop_rate_avg": Decimal("0.875")},
            "dist.B.II.13.5",
            "8.75",
        ),
        # formula: 150 level-3 services / (40 TTHC × 12 communes) × 10 = 3.125
        ({"dist_communes_dvc_level3_sum": 150, "dist_communes": 12}, "dist.B.III.2.5", "3.13"),
    ],
)
def test_each_method_kind_against_hand_computed_points(
    framework: Framework, changes: dict[str, Given], criterion: str, expected: str
) -> None:
    row = _score(framework, changes)[criterion]
    assert (row.status, str(row.points)) == (Status.SCORED, expected)


# Every banded count of spec §2.2: value → points at and just below each bar.
MONTHS = {4: "0.00", 5: "5.00", 11: "5.00", 12: "10.00"}
AT_LEAST_1 = {0: "0.00", 1: "10.00"}
FOUR_ARTICLES = {0: "0.00", 1: "5.00", 3: "5.00", 4: "10.00"}
TWO_ARTICLES = {0: "0.00", 1: "5.00", 2: "10.00"}
QUARTERLY = {1: "0.00", 2: "5.00", 3: "5.00", 4: "10.00"}
NUMERIC_STEPS: dict[str, tuple[str, dict[int, str]]] = {
    "dist.A.I.12.1": ("dist_scanners", AT_LEAST_1),
    "dist.A.II.20.1": ("dist_it_staff", AT_LEAST_1),
    "dist.A.II.21.1.1": ("dist_it_staff_training_turns", AT_LEAST_1),
    "dist.A.III.29": ("dist_it_budget_vnd", {
        99_999_999: "0.00", 100_000_000: "5.00", 499_999_999: "5.00", 500_000_000: "10.00",
    }),
    "dist.B.I.5": ("dist_web_work_schedule_months", MONTHS),
    "dist.B.I.6": ("dist_web_direction_months", MONTHS),
    "dist.B.I.8": ("dist_web_prop_law_articles", {
        2: "0.00", 3: "5.00", 7: "5.00", 8: "10.00", 12: "10.00", 13: "10.00",
    }),
    "dist.B.I.9": ("dist_web_prop_labour_articles", FOUR_ARTICLES),
    "dist.B.I.10": ("dist_web_prop_merit_articles", FOUR_ARTICLES),
    "dist.B.I.11": ("dist_web_prop_strategy_articles", TWO_ARTICLES),
    "dist.B.I.12": ("dist_web_prop_investment_articles", TWO_ARTICLES),
    "dist.B.I.13": ("dist_web_prop_natural_resources_articles", TWO_ARTICLES),
    "dist.B.I.14": ("dist_web_prop_environment_articles", {
        2: "0.00", 3: "5.00", 7: "5.00", 8: "10.00",
    }),
    "dist.B.I.15": ("dist_web_prop_food_safety_articles", {
        3: "0.00", 4: "5.00", 11: "5.00", 12: "10.00",
    }),
    "dist.B.I.16": ("dist_web_production_articles", FOUR_ARTICLES),
    "dist.B.I.26": ("dist_web_socioeconomic_quarterly_reports", QUARTERLY),
    "dist.B.I.28": ("dist_web_food_env_quarterly_reports", QUARTERLY),
    "dist.B.I.30": ("dist_web_land_pop_labour_quarterly_reports", QUARTERLY),
    "dist.B.I.34.2": ("dist_dvc_level3", AT_LEAST_1),
    "dist.B.I.34.3": ("dist_dvc_level4", AT_LEAST_1),
}  # fmt: skip


@pytest.mark.parametrize("criterion", sorted(NUMERIC_STEPS))
def test_every_banded_count_at_and_below_its_bars(framework: Framework, criterion: str) -> None:
    measure, table = NUMERIC_STEPS[criterion]
    got = {value: str(_score(framework, {measure: value})[criterion].points) for value in table}
    assert got == table


@pytest.mark.parametrize("criterion", ["dist.B.I.1", "dist.B.I.2", "dist.B.I.3", "dist.B.I.4"])
def test_three_level_findings_give_10_5_0(framework: Framework, criterion: str) -> None:
    measure = framework.criterion(criterion).measures["level"]
    got = {
        v: str(_score(framework, {measure: v})[criterion].points)
        for v in ("full", "partial", "none")
    }
    assert got == {"full": "10.00", "partial": "5.00", "none": "0.00"}


def test_leaf_maxima_are_10_except_the_weighted_sub_items(framework: Framework) -> None:
    # AMB-17: 26 = 5 + 2.5 + 2.5, 27 = 5 + 5, 28 = 4 × 2.5; every other row is worth 10.
    not_ten = {
        c.id: str(c.max_points) for c in framework.criteria
        if c.method != "sum" and c.max_points != 10
    }  # fmt: skip
    assert not_ten == {
        "dist.A.III.26.1": "5.00", "dist.A.III.26.2": "2.50", "dist.A.III.26.3": "2.50",
        "dist.A.III.27.1": "5.00", "dist.A.III.27.2": "5.00",
        "dist.A.III.28.1": "2.50", "dist.A.III.28.2": "2.50", "dist.A.III.28.3": "2.50",
        "dist.A.III.28.4": "2.50",
    }  # fmt: skip


def test_a_formula_shows_its_arithmetic(framework: Framework) -> None:
    row = _score(framework, {"dist_households_with_broadband_rate": Decimal("0.4567")})
    assert "0.4567" in row["dist.A.I.15"].detail and "4.57" in row["dist.A.I.15"].detail


def test_groups_add_the_rounded_points_of_their_criteria(framework: Framework) -> None:
    rows = _score(
        framework,
        {
            "dist_communes_it_staff_training_turns": 11,  # A.II.21.2.3: 6.875 → 6.88
            "dist_communes_it_staff": 16,  # also A.II.21.2.2: 13/16 × 10 = 8.125 → 8.13
            "dist_web_leaders": "partial",  # B.I.3: 5
            "dist_app_petitions": False,  # B.II.24: 0
        },
    )
    assert _points(rows, "dist.A.II.21.2", "dist.A.II", "dist.A", "dist.B.I", "dist") == {
        "dist.A.II.21.2": "25.01",  # 10 + 8.13 + 6.88
        "dist.A.II": "115.01",
        "dist.A": "495.01",
        "dist.B.I": "395.00",
        "dist": "1480.01",  # 495.01 + 985
    }


def test_a_missing_input_is_not_a_zero_and_the_district_is_not_ranked(
    framework: Framework,
) -> None:
    rows = _score(framework, {"dist_web_leaders": None})
    assert rows["dist.B.I.3"].status == Status.MISSING_INPUT
    assert rows["dist.B.I.3"].points is None
    assert "dist_web_leaders" in rows["dist.B.I.3"].detail
    # Parents become lower bounds: 390 of 400 known, the rest of the tree at its max.
    assert _points(rows, "dist.B.I", "dist.B", "dist") == {
        "dist.B.I": "390.00",
        "dist.B": "990.00",
        "dist": "1490.00",
    }
    assert {rows[c].status for c in ("dist.B.I", "dist.B", "dist")} == {Status.INCOMPLETE}
    standing = _standings(framework, {"884": {"dist_web_leaders": None}})["884"]
    assert standing.status == Status.INCOMPLETE and standing.rank is None


@pytest.mark.parametrize(
    ("changes", "criterion"),
    [
        ({"dist_su_units": 0, "dist_su_units_with_broadband": 0}, "dist.A.I.2.2"),
        ({"commune_procedures_standard": 0}, "dist.B.III.2.6"),
    ],
)
def test_a_zero_denominator_gives_no_points(
    framework: Framework, changes: dict[str, Given], criterion: str
) -> None:
    row = _score(framework, changes)[criterion]
    assert row.status == Status.MISSING_INPUT and row.points is None


# --- levels and ranking --------------------------------------------------------------------

# Exactly at every Mức I minimum of the achievement part (360 / 315 / 180 / 45; 900),
# readiness just at its group minima (270 / 108 / 72.5, the last a multiple of 2.5).
AT_LEVEL_I: dict[str, Given | None] = {
    # A.I −30: three flags
    "dist_has_led_schedule_screen": False, "dist_has_cctv": False,
    "dist_has_lan_surge_protection": False,
    # A.II −12: primary schools 16/20 (−2), lower-secondary 0/15 (−10)
    "dist_primary_schools_teaching_it": 16, "dist_lower_secondary_schools_teaching_it": 0,
    # A.III −7.5: 26.1 (5) and 26.2 (2.5); A.III can only move in steps of 2.5
    "dist_doc_infosec_regulation": False, "dist_doc_cert_assignment": False,
    # B.I −40: four website flags
    "dist_web_socioeconomic_plan": False, "dist_web_investment_policy": False,
    "dist_web_waste_resources_plan": False, "dist_web_legal_docs_list": False,
    # B.II −35: three applications (30) and division documents 500/1000 signed (5)
    "dist_app_accounting_assets": False, "dist_app_civil_servants": False,
    "dist_app_civil_registry": False,
    "dist_division_outgoing_docs_total": 1000, "dist_division_outgoing_docs_signed_sent": 500,
    # B.III −20: feedback answered 0/60, population digitised 0
    "dist_feedback_answered": 0, "dist_population_digitized": 0,
    # B.IV −5: interlinked commune→district dossiers 200/400 online
    "dist_interlinked_c2d_dossiers_online34": 200,
}  # fmt: skip

# Exactly at every Mức IV minimum of achievement (320 / 245 / 140 / 0; 705), readiness
# at 210 / 84 / 57.5 (351.5).
AT_LEVEL_IV: dict[str, Given | None] = {
    # A.I −90: nine flags
    "dist_has_dedicated_network": False, "dist_has_modern_one_stop_desk": False,
    "dist_has_led_schedule_screen": False, "dist_has_cctv": False,
    "dist_has_lan_surge_protection": False, "dist_has_firewall": False,
    "dist_has_online_meeting_room": False, "dist_has_tthc_lookup_screen": False,
    "dist_has_barcode_reader": False,
    # A.II −36: no school teaches informatics (−30), 60/150 officials proficient (−6)
    "dist_primary_schools_teaching_it": 0, "dist_lower_secondary_schools_teaching_it": 0,
    "dist_upper_secondary_schools_teaching_it": 0, "dist_civil_servants_it_proficient": 60,
    # A.III −22.5: 22, 23 (10 each) and 26.2 (2.5)
    "dist_doc_it_steering_committee": False, "dist_doc_it_masterplan_5y": False,
    "dist_doc_cert_assignment": False,
    # B.I −80: eight website flags (17-24)
    "dist_web_socioeconomic_plan": False, "dist_web_investment_policy": False,
    "dist_web_waste_resources_plan": False, "dist_web_legal_docs_list": False,
    "dist_web_legal_db_link": False, "dist_web_projects_ongoing": False,
    "dist_web_projects_planned": False, "dist_web_research_programmes": False,
    # B.II −105: every internal application (100), division documents half signed (5)
    "dist_app_accounting_assets": False, "dist_app_civil_servants": False,
    "dist_app_civil_registry": False, "dist_app_socioeconomic": False,
    "dist_app_policy_beneficiaries": False, "dist_app_business_registration": False,
    "dist_app_food_safety": False, "dist_app_natural_resources": False,
    "dist_app_petitions": False, "dist_app_construction_planning": False,
    "dist_division_outgoing_docs_total": 1000, "dist_division_outgoing_docs_signed_sent": 500,
    # B.III −60: feedback, population, both meeting rates, two interlinked rates
    "dist_feedback_answered": 0, "dist_population_digitized": 0,
    "dist_video_meetings_with_province": 0, "dist_video_meetings_with_communes": 0,
    "dist_interlinked_c2d_procedures_online34": 0, "dist_interlinked_d2p_procedures_online34": 0,
    # B.IV −50: nothing transformed
    "dist_has_shared_eforms": False, "dist_has_sso": False,
    "dist_interlinked_c2d_dossiers_online34": 0, "dist_interlinked_d2p_dossiers_online34": 0,
    "dist_interlinked_3lvl_dossiers_online34": 0,
}  # fmt: skip

FIVE_APPS_OFF: dict[str, Given | None] = {
    "dist_app_accounting_assets": False, "dist_app_civil_servants": False,
    "dist_app_civil_registry": False, "dist_app_socioeconomic": False,
    "dist_app_policy_beneficiaries": False, "dist_division_outgoing_docs_total": 1000,
}  # fmt: skip
ONE_HUNDREDTH_LESS_IN_B_II = {"dist_division_outgoing_docs_signed_sent": 499}  # 5 → 4.99


# Spec §1.4, district table: minimum totals and group minima (share × group maximum).
LEVEL_TABLE = {
    "Mức I": {"dist.A": "450", "dist.A.I": "270", "dist.A.II": "108", "dist.A.III": "72",
              "dist.B": "900", "dist.B.IV": "45", "dist.B.III": "180", "dist.B.II": "315",
              "dist.B.I": "360"},
    "Mức II": {"dist.A": "400", "dist.A.I": "240", "dist.A.II": "96", "dist.A.III": "64",
               "dist.B": "842.5", "dist.B.IV": "25", "dist.B.III": "160", "dist.B.II": "297.5",
               "dist.B.I": "360"},
    "Mức III": {"dist.A": "375", "dist.A.I": "225", "dist.A.II": "90", "dist.A.III": "60",
                "dist.B": "770", "dist.B.IV": "0", "dist.B.III": "150", "dist.B.II": "280",
                "dist.B.I": "340"},
    "Mức IV": {"dist.A": "350", "dist.A.I": "210", "dist.A.II": "84", "dist.A.III": "56",
               "dist.B": "705", "dist.B.IV": "0", "dist.B.III": "140", "dist.B.II": "245",
               "dist.B.I": "320"},
}  # fmt: skip


def test_the_level_table_is_the_decisions(framework: Framework) -> None:
    # The totals are never the binding condition (each equals its groups' minima added
    # up), so only this comparison would notice a wrong one.
    classification = framework.sections.classification
    table = {
        level.label: {cid: str(minimum) for cid, minimum in level.minimums.items()}
        for level in classification.levels
    }
    assert table == LEVEL_TABLE
    assert list(table) == ["Mức I", "Mức II", "Mức III", "Mức IV"]
    assert classification.otherwise == NOT_RANKED
    assert framework.sections.ranking.criterion == "dist"
    assert framework.sections.ranking.ranked_only_with_level


def test_the_scenarios_sit_exactly_at_the_printed_minima(framework: Framework) -> None:
    groups = ("dist.A.I", "dist.A.II", "dist.A.III", "dist.A", "dist.B.I", "dist.B.II",
              "dist.B.III", "dist.B.IV", "dist.B")  # fmt: skip
    at_i = _points(_score(framework, AT_LEVEL_I), *groups)
    assert list(at_i.values()) == [
        "270.00", "108.00", "72.50", "450.50", "360.00", "315.00", "180.00", "45.00", "900.00",
    ]  # fmt: skip
    at_iv = _points(_score(framework, AT_LEVEL_IV), *groups)
    assert list(at_iv.values()) == [
        "210.00", "84.00", "57.50", "351.50", "320.00", "245.00", "140.00", "0.00", "705.00",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "level"),
    [
        (AT_LEVEL_I, "Mức I"),
        # 0.01 below the Hạ tầng minimum (and so the readiness total): household rate 0.999
        ({**AT_LEVEL_I, "dist_households_with_computer_rate": Decimal("0.999")}, "Mức II"),
        # 0.01 below Tương tác 315 and the achievement total 900
        ({**AT_LEVEL_I, **ONE_HUNDREDTH_LESS_IN_B_II}, "Mức II"),
        # readiness total 460 ≥ 450 but Hạ tầng 260 < 270: one group misses → Mức II
        (
            {
                "dist_has_dedicated_network": False,
                "dist_has_modern_one_stop_desk": False,
                "dist_has_led_schedule_screen": False,
                "dist_has_cctv": False,
            },
            "Mức II",
        ),
        # Chuyển đổi 40 < 45 with everything else full: achievement 990 → Mức II
        ({"dist_has_sso": False}, "Mức II"),
        # Tương tác exactly 297.5 (five applications −50, division documents 750/1000 −2.5):
        # Mức II; 0.01 less (749/1000) → Mức III
        ({**FIVE_APPS_OFF, "dist_division_outgoing_docs_signed_sent": 750}, "Mức II"),
        ({**FIVE_APPS_OFF, "dist_division_outgoing_docs_signed_sent": 749}, "Mức III"),
        (AT_LEVEL_IV, "Mức IV"),
        ({**AT_LEVEL_IV, **ONE_HUNDREDTH_LESS_IN_B_II}, NOT_RANKED),
        # Hiện diện 319.23 < 320 (communes with a website 12/13 = 9.23) while one more
        # application keeps achievement at 714.23 ≥ 705: one group misses → not ranked
        ({**AT_LEVEL_IV, "dist_communes_with_website": 12, "dist_app_petitions": True}, NOT_RANKED),
        # Môi trường 55 < 56 while readiness is 475 and achievement full: not ranked
        (
            {
                "dist_doc_it_steering_committee": False,
                "dist_doc_it_masterplan_5y": False,
                "dist_doc_cert_assignment": False,
                "dist_doc_email_assignment": False,
            },
            NOT_RANKED,
        ),
    ],
)
def test_levels_need_every_minimum_at_once(
    framework: Framework, changes: dict[str, Given | None], level: str
) -> None:
    standing = _standings(framework, {"885": changes})["885"]
    assert standing.level == level
    assert (standing.rank is None) == (level == NOT_RANKED)


def test_ranking_orders_levelled_districts_and_leaves_the_rest_unranked(
    framework: Framework,
) -> None:
    standings = _standings(
        framework,
        {
            "883": {},  # 1500, Mức I
            "884": AT_LEVEL_IV,  # 351.5 + 705 = 1056.5, Mức IV
            "885": {},  # 1500: shares rank 1 with 883
            "886": {**AT_LEVEL_IV, **ONE_HUNDREDTH_LESS_IN_B_II},  # below Mức IV
            "887": {"dist_web_leaders": None},  # incomplete
        },
    )
    got = {u: (s.rank, s.level, str(s.points)) for u, s in standings.items() if u != "887"}
    assert got == {
        "883": (1, "Mức I", "1500.00"),
        "885": (1, "Mức I", "1500.00"),
        "884": (3, "Mức IV", "1056.50"),
        "886": (None, NOT_RANKED, "1056.49"),
    }
    # A lower bound (one website finding missing) is listed but never ranked.
    incomplete = standings["887"]
    assert (incomplete.status, incomplete.rank, str(incomplete.points)) == (
        Status.INCOMPLETE, None, "1490.00",
    )  # fmt: skip
    assert list(standings) == ["883", "885", "884", "886", "887"]  # the order rank_units lists
