"""DTI-2024 for departments (Annex I) and districts (Annex II): the shipped files hold
the decision's structure, and a small province scores to hand-computed points."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal

import pytest

from scoring.catalogue import load_catalogue
from scoring.engine import score_framework
from scoring.framework import Framework, load_framework
from scoring.model import MeasureValue, OrgUnit, ScoreRow, Status
from scoring.ranking import rank_units

PERIOD = "2024"
Facts = Mapping[str, bool | int | str]


def dept() -> Framework:
    return load_framework("dti-2024-dept")


def dist() -> Framework:
    return load_framework("dti-2024-dist")


def d(text: str) -> Decimal:
    return Decimal(text)


# --- measures that earn every point -------------------------------------------------------

_DEPT_FACTS = (
    "head_chairs_dx_committee", "head_leads_dx", "dx_directive_signed_by_head",
    "website_has_dx_section", "dx_plan_multiyear", "dx_plan_annual",
    "attended_egov_architecture_training", "attended_dx_spending_training",
    "dvctt_promotion_rules_issued", "has_dx_staff", "has_cybersec_staff",
    "attended_cybersec_training", "attended_cyber_drill", "website_meets_requirements",
    "open_data_published", "other_channel_info_services", "other_channel_interaction",
)  # fmt: skip

DEPT_FULL: dict[str, bool | int | str] = {
    **dict.fromkeys(_DEPT_FACTS, True),
    "dti_special_unit": False,
    # general information
    "n_subordinate_units": 2, "n_civil_servants": 60, "n_public_employees": 40,
    "staff_total": 100, "n_physical_servers": 4, "n_computers": 100,
    "n_information_systems": 5, "budget_dx_total": 1000000000, "n_tthc": 80,
    # rates and amounts
    "staff_with_work_computer": 100, "staff_trained_dx": 100,
    "is_level_dossier_approved": 5, "is_protection_plan_implemented": 5,
    "servers_av_soc": 4, "computers_av_soc": 100, "is_soc_monitored": 5,
    "is_inspected_tt12": 5, "budget_cybersec": 400000000,
    "dvc_fullonline_eligible": 40, "dvc_fullonline_provided": 40,
    "dvc_online_provided": 60, "dvc_with_online_dossier": 60,
    "dossiers_resolved": 1000, "dossiers_resolved{channel=online}": 1000,
    "budget_digital_gov": 2000000000, "staff_with_eid": 100,
    "staff_using_official_email": 100, "periodic_reports_total": 24,
    "periodic_reports_via_lris": 24, "docs_processed_total": 5000,
    "docs_processed_fully_online": 5000, "dossiers_digitised_with_e_result": 1000,
}  # fmt: skip

_DIST_FACTS = (
    "head_chairs_dx_committee", "head_leads_dx", "dx_directive_signed_by_head",
    "website_has_dx_section", "radio_has_dx_programme", "party_dx_resolution",
    "dx_plan_multiyear", "dx_plan_annual", "attended_egov_architecture_training",
    "attended_dx_spending_training", "dvctt_promotion_rules_issued", "has_dx_staff",
    "has_cybersec_staff", "attended_cybersec_training", "attended_cyber_drill",
    "website_meets_requirements", "open_data_published", "other_channel_info_services",
    "other_channel_interaction",
)  # fmt: skip

DIST_FULL: dict[str, bool | int | str] = {
    **dict.fromkeys(_DIST_FACTS, True),
    # general information
    "n_subordinate_units": 24, "population": 200000, "population_working_age": 120000,
    "n_households": 50000, "n_communes": 12, "n_hamlets": 60, "n_specialised_agencies": 12,
    "n_civil_servants": 150, "n_public_employees": 350, "staff_total": 500,
    "n_physical_servers": 6, "n_computers": 400, "n_information_systems": 8,
    "n_enterprises": 900, "n_smes": 800, "n_postal_points": 30,
    "budget_dx_total": 5000000000, "budget_state_total": 900000000000, "n_tthc": 300,
    # 1-5 foundation
    "radio_dx_broadcasts_per_year": 48, "adults_with_smartphone": 150000,
    "population_adult": 150000, "households_with_smartphone": 50000,
    "households_fibre": 50000, "communes_on_tslcd": 12, "staff_with_work_computer": 500,
    "communes_with_cdt_team": 12, "hamlets_with_cdt_team": 60, "staff_trained_dx": 500,
    "workers_trained_digital": 120000, "vocational_schools_total": 2,
    "vocational_schools_dx": 2, "schools_total": 40, "schools_dx": 40,
    "is_level_dossier_approved": 8, "is_protection_plan_implemented": 8,
    "servers_av_soc": 6, "computers_av_soc": 400, "is_soc_monitored": 8,
    "is_inspected_tt12": 8, "budget_cybersec": 500000000,
    # 6 digital government
    "dvc_fullonline_eligible": 200, "dvc_fullonline_provided": 200,
    "dvc_online_provided": 250, "dvc_with_online_dossier": 250,
    "dossiers_resolved": 20000, "dossiers_resolved{channel=online}": 20000,
    "budget_digital_gov": 3000000000, "staff_with_eid": 500,
    "staff_using_official_email": 500, "periodic_reports_total": 36,
    "periodic_reports_via_lris": 36, "docs_processed_total": 10000,
    "docs_processed_fully_online": 10000, "dossiers_digitised_with_e_result": 20000,
    # 7 digital economy
    "n_digital_tech_enterprises": 30, "n_digital_platform_enterprises": 5,
    "smes_in_smedx": 800, "smes_using_platforms": 800, "enterprises_e_contract": 900,
    "enterprises_e_tax": 900, "postal_points_broadband": 30,
    "ecommerce_txn_voso_postmart": 3000, "budget_invest_digital_economy": 1000000000,
    "budget_recurrent_digital_economy": 500000000,
    # 8 digital society
    "residents_with_eid": 200000, "population_15plus": 160000,
    "people15_with_account": 160000, "adults_with_esignature": 150000,
    "households_with_digital_address": 50000, "residents_ict_skilled": 200000,
    "budget_invest_digital_society": 1000000000,
    "budget_recurrent_digital_society": 500000000, "feedback_total": 100,
    "feedback_resolved_on_time": 100,
}  # fmt: skip

UNITS = [
    OrgUnit("89", "Tỉnh", "province"),
    OrgUnit("S01", "Sở A", "department", "89"),
    OrgUnit("S02", "Sở B", "department", "89"),
    OrgUnit("S03", "Sở C", "department", "89"),
    OrgUnit("S04", "Ban D", "department", "89"),
    OrgUnit("883", "Huyện E", "district", "89"),
    OrgUnit("884", "Huyện F", "district", "89"),
    OrgUnit("886", "Huyện G", "district", "89"),
    OrgUnit("30280", "Xã H", "commune", "883"),
]


def _value(value: bool | int | str) -> bool | Decimal:
    return value if isinstance(value, bool) else Decimal(value)


def measures(
    full: Facts, changes: Mapping[str, Facts], absent: Mapping[str, tuple[str, ...]] | None = None
) -> list[MeasureValue]:
    """For each unit in `changes`: every full measure, with its changes, less `absent`."""
    out: list[MeasureValue] = []
    for unit, changed in changes.items():
        values = {**full, **changed}
        out.extend(
            MeasureValue(unit, PERIOD, key, _value(value))
            for key, value in values.items()
            if key not in (absent or {}).get(unit, ())
        )
    return out


def scored(framework: Framework, data: list[MeasureValue]) -> dict[tuple[str, str], ScoreRow]:
    rows = score_framework(framework, PERIOD, data, UNITS)
    return {(r.unit, r.criterion): r for r in rows}


def leaves(framework: Framework) -> list[str]:
    return [c.id for c in framework.criteria if c.method != "sum"]


def under(framework: Framework, parent: str) -> list[str]:
    return [c.id for c in framework.criteria if c.parent == parent]


# --- the files ----------------------------------------------------------------------------

DEPT_MAIN = {"1": "50", "2": "50", "3": "20", "4": "75", "5": "90", "6": "135"}
DEPT_SUBS = {"1": 4, "2": 5, "3": 1, "4": 3, "5": 9, "6": 13}
DIST_MAIN = {
    "1": "70", "2": "60", "3": "60", "4": "65", "5": "100", "6": "140", "7": "75", "8": "130",
}  # fmt: skip
DIST_SUBS = {"1": 6, "2": 6, "3": 5, "4": 8, "5": 9, "6": 13, "7": 10, "8": 8}


@pytest.mark.parametrize(
    ("framework", "level", "total", "main", "subs"),
    [
        (dept, "department", "420", DEPT_MAIN, DEPT_SUBS),
        (dist, "district", "700", DIST_MAIN, DIST_SUBS),
    ],
)
def test_files_hold_the_decision_structure(
    framework: Callable[[], Framework],
    level: str,
    total: str,
    main: dict[str, str],
    subs: dict[str, int],
) -> None:
    f = framework()
    assert (f.unit_level, f.period_type, f.root.id, f.max_points) == (
        level,
        "year",
        "DTI",
        d(total),
    )
    assert (f.rounding.decimals, f.rounding.mode, f.rounding.aggregate) == (
        2, "half_up", "sum_of_rounded",
    )  # fmt: skip
    assert "1407/QĐ-UBND" in f.citation and "13/9/2024" in f.citation
    assert {k: str(f.criterion(k).max_points) for k in under(f, "DTI")} == {
        k: f"{v}.00" for k, v in main.items()
    }
    assert {k: len(under(f, k)) for k in main} == subs
    assert len(leaves(f)) == sum(subs.values())
    leaf_total = sum((f.criterion(k).max_points for k in leaves(f)), Decimal(0))
    assert leaf_total == d(total)
    assert f.sections.ranking.criterion == "DTI"


def test_department_groups_and_district_groups_add_up_as_articles_5_1_and_5_2_say() -> None:
    def group(f: Framework, mains: list[str]) -> tuple[Decimal, int]:
        points = sum((f.criterion(k).max_points for k in mains), Decimal(0))
        return points, sum(len(under(f, k)) for k in mains)

    foundation = ["1", "2", "3", "4", "5"]
    assert group(dept(), foundation) == (d("285"), 22)
    assert group(dept(), ["6"]) == (d("135"), 13)
    assert group(dist(), foundation) == (d("355"), 34)
    assert group(dist(), ["6", "7", "8"]) == (d("345"), 31)


def test_district_pillars_count_the_foundation_in_each() -> None:
    pillars = {r.id: (r.max_points, r.members) for r in dist().sections.rollups}
    foundation = ("1", "2", "3", "4", "5")
    assert pillars == {
        "P-CQS": (d("495"), (*foundation, "6")),
        "P-KTS": (d("430"), (*foundation, "7")),
        "P-XHS": (d("485"), (*foundation, "8")),
    }
    assert dept().sections.rollups == ()


@pytest.mark.parametrize(
    ("dept_id", "dist_id", "dept_max", "dist_max"),
    [
        ("1.1", "1.1", "10", "20"),
        ("1.2", "1.2", "20", "10"),
        ("3.1", "3.5", "20", "25"),
        ("4.1", "4.3", "25", "10"),
        ("4.2", "4.4", "25", "10"),
        ("4.3", "4.5", "25", "10"),
        ("5.1", "5.1", "10", "15"),
        ("5.2", "5.2", "10", "15"),
        ("6.4", "6.4", "5", "10"),
    ],
)
def test_shared_sub_indices_keep_each_annex_maximum(
    dept_id: str, dist_id: str, dept_max: str, dist_max: str
) -> None:
    a, b = dept().criterion(dept_id), dist().criterion(dist_id)
    assert a.measures == b.measures
    assert (a.max_points, b.max_points) == (d(dept_max), d(dist_max))


@pytest.mark.parametrize("framework", [dept, dist])
def test_every_sub_index_says_its_method_is_proposed(framework: Callable[[], Framework]) -> None:
    f = framework()
    methods = {f.criterion(k).method for k in leaves(f)}
    assert methods == {"ratio", "boolean", "normalized_to_best"}
    unmarked = [k for k in leaves(f) if "PROPOSED" not in f.criterion(k).notes]
    assert unmarked == []


def test_article_7_rules_sit_on_the_sub_indices_spec_7_names() -> None:
    def carrying(f: Framework, rule: str) -> set[str]:
        return {c.id for c in f.criteria if rule in c.substitutions}

    assert carrying(dept(), "no_subordinate_units") == {"3.1", "4.3", "6.10", "6.12"}
    assert carrying(dist(), "no_subordinate_units") == {"3.5", "4.5", "6.10", "6.12"}
    for f in (dept(), dist()):
        assert carrying(f, "no_online_services") == {"6.5", "6.6", "6.7"}
        assert carrying(f, "no_procedures") == {"6.13"}
        rules = f.sections.substitution_rules
        assert rules["no_subordinate_units"].citation == "QĐ 1407/QĐ-UBND, Điều 7.2"
        assert rules["no_online_services"].citation == "QĐ 1407/QĐ-UBND, Điều 7.3"
        assert (rules["no_online_services"].measure, rules["no_online_services"].equals) == (
            "dvc_online_provided", Decimal(0),
        )  # fmt: skip
    assert carrying(dept(), "special_unit") == {"6.5", "6.6", "6.7", "6.13"}
    special = dept().sections.substitution_rules["special_unit"]
    assert (special.gives, special.equals, special.citation) == (
        "full_points", True, "QĐ 1407/QĐ-UBND, Điều 7.4",
    )  # fmt: skip
    # Art. 5.1 (not applicable without procedures) is stated for departments only.
    for cid in ("6.5", "6.6", "6.7"):
        assert dept().criterion(cid).params.get("zero_denominator") == "not_applicable"
        assert "zero_denominator" not in dist().criterion(cid).params


def test_collected_measures_come_from_their_systems_and_general_information_is_declared() -> None:
    catalogue = load_catalogue()
    sources = {
        "dvc_fullonline_provided": "TTHC", "dvc_fullonline_eligible": "TTHC",
        "dvc_with_online_dossier": "TTHC", "dvc_online_provided": "TTHC",
        "dossiers_resolved": "TTHC", "dossiers_digitised_with_e_result": "TTHC",
        "periodic_reports_via_lris": "LRIS", "periodic_reports_total": "LRIS",
        "docs_processed_fully_online": "IOFFICE", "docs_processed_total": "IOFFICE",
        "n_subordinate_units": "MANUAL", "n_civil_servants": "MANUAL",
        "n_public_employees": "MANUAL", "staff_total": "MANUAL",
        "n_information_systems": "MANUAL", "n_tthc": "MANUAL", "dti_special_unit": "MANUAL",
    }  # fmt: skip
    assert {name: catalogue.spec(name).source for name in sources} == sources
    assert catalogue.spec("staff_total").value_type == "count"
    assert catalogue.spec("dti_special_unit").value_type == "bool"
    assert catalogue.spec("budget_cybersec").value_type == "amount"


# --- scoring every point --------------------------------------------------------------------


def test_departments_with_every_input_at_its_best_score_420() -> None:
    rows = scored(dept(), measures(DEPT_FULL, {"S01": {}, "S02": {}}))
    for unit in ("S01", "S02"):
        root = rows[(unit, "DTI")]
        assert (root.points, root.max_points, root.status) == (d("420.00"), d("420.00"), "scored")
        for cid in leaves(dept()):
            assert rows[(unit, cid)].points == rows[(unit, cid)].max_points, (unit, cid)
            assert rows[(unit, cid)].substitution is None
    assert {u for u, _ in rows} == {"S01", "S02", "S03", "S04"}  # the departments only


def test_districts_with_every_input_at_its_best_score_700_and_full_pillars() -> None:
    rows = scored(dist(), measures(DIST_FULL, {"883": {}, "884": {}, "886": {}}))
    got = {k: rows[("884", k)].points for k in ("DTI", "P-CQS", "P-KTS", "P-XHS")}
    assert got == {"DTI": d("700.00"), "P-CQS": d("495.00"), "P-KTS": d("430.00"),
                   "P-XHS": d("485.00")}  # fmt: skip
    for cid in leaves(dist()):
        assert rows[("884", cid)].points == rows[("884", cid)].max_points, cid
    assert {u for u, _ in rows} == {"883", "884", "886"}


# --- a mixed year for four departments, worked by hand -----------------------------------
#
# S01 an ordinary department; S02 has no subordinate units (Art. 7.2); S03 offers no
#     online service (Art. 7.3) and did not declare its cybersecurity spending; S04 is
#     a special unit (Art. 7.4) that also offers no online service and has no procedures.
# Nobody spent on digital government (6.8): an all-zero group.

DEPT_MIXED: dict[str, Facts] = {
    "S01": {
        "head_leads_dx": False,  # 1.2 → 0
        "n_public_employees": 60, "staff_total": 120,
        "staff_with_work_computer": 87,  # 3.1: 87/120 × 20 = 14.5
        "staff_trained_dx": 37,  # 4.3: 37/120 × 25 = 7.708333 → 7.71
        "staff_with_eid": 120,  # 6.9: full
        "staff_using_official_email": 114,  # 6.10: 114/120 × 10 = 9.5
        "is_soc_monitored": 4,  # 5.5: 4 of 5 systems < every system → 0
        "budget_cybersec": 150000000,  # 5.7: 150M / best 400M × 10 = 3.75
        "dvc_fullonline_provided": 39,  # 6.5: 39/40 × 10 = 9.75
        "dvc_with_online_dossier": 45,  # 6.6: 45/60 × 10 = 7.5
        "dossiers_resolved": 1500,
        "dossiers_resolved{channel=online}": 1234,  # 6.7: 1234/1500 × 20 = 16.453333 → 16.45
        "dossiers_digitised_with_e_result": 1125,  # 6.13: 1125/1500 × 10 = 7.5
        "docs_processed_fully_online": 4997,  # 6.12: 4997/5000 × 10 = 9.994 → 9.99
        "budget_digital_gov": 0,
    },
    "S02": {
        "n_subordinate_units": 0,
        "staff_with_work_computer": 10,  # own 2.00; Art. 7.2 → best of the others
        "staff_trained_dx": 10,
        "staff_using_official_email": 50,
        "docs_processed_fully_online": 1000,
        "dvc_fullonline_provided": 38,  # 6.5: 9.5
        "dvc_with_online_dossier": 54,  # 6.6: 9
        "dossiers_resolved{channel=online}": 950,  # 6.7: 19
        "budget_digital_gov": 0,
    },
    "S03": {
        "dvc_online_provided": 0, "dvc_with_online_dossier": 0,
        "dvc_fullonline_eligible": 0, "dvc_fullonline_provided": 0,
        "dossiers_resolved": 300, "dossiers_resolved{channel=online}": 0,
        "dossiers_digitised_with_e_result": 150,  # 6.13: 150/300 × 10 = 5
        "staff_with_work_computer": 95,  # 3.1: 19
        "staff_trained_dx": 80,  # 4.3: 20
        "staff_using_official_email": 96,  # 6.10: 9.6
        "budget_digital_gov": 0,
    },
    "S04": {
        "dti_special_unit": True, "n_tthc": 0,
        "dvc_online_provided": 0, "dvc_with_online_dossier": 0,
        "dvc_fullonline_eligible": 0, "dvc_fullonline_provided": 0,
        "dossiers_resolved": 0, "dossiers_resolved{channel=online}": 0,
        "dossiers_digitised_with_e_result": 0,
        "staff_with_work_computer": 90,  # 3.1: 18
        "staff_trained_dx": 60,  # 4.3: 15
        "staff_using_official_email": 90,  # 6.10: 9
        "budget_digital_gov": 0,
    },
}  # fmt: skip
DEPT_MIXED_ABSENT = {"S03": ("budget_cybersec",)}

DEPT_EXPECTED = {
    "S01": {
        "1.2": "0.00", "1": "30.00", "2": "50.00", "3.1": "14.50", "3": "14.50",
        "4.3": "7.71", "4": "57.71", "5.5": "0.00", "5.7": "3.75", "5": "73.75",
        "6.5": "9.75", "6.6": "7.50", "6.7": "16.45", "6.8": "0.00", "6.9": "10.00",
        "6.10": "9.50", "6.12": "9.99", "6.13": "7.50", "6": "115.69", "DTI": "341.65",
    },
    "S02": {
        "3.1": "19.00", "4.3": "20.00", "4": "70.00", "6.10": "9.60", "6.12": "10.00",
        "6.5": "9.50", "6.6": "9.00", "6.7": "19.00", "6": "122.10", "DTI": "401.10",
    },
    "S03": {
        "3.1": "19.00", "4.3": "20.00", "5": "80.00", "6.5": "9.75", "6.6": "9.00",
        "6.7": "19.00", "6.10": "9.60", "6.13": "5.00", "6": "117.35", "DTI": "386.35",
    },
    "S04": {
        "3.1": "18.00", "4.3": "15.00", "6.5": "10.00", "6.6": "10.00", "6.7": "20.00",
        "6.13": "10.00", "6.10": "9.00", "6": "124.00", "DTI": "397.00",
    },
}  # fmt: skip


def mixed_departments() -> dict[tuple[str, str], ScoreRow]:
    return scored(dept(), measures(DEPT_FULL, DEPT_MIXED, DEPT_MIXED_ABSENT))


def test_mixed_departments_match_the_hand_computed_points() -> None:
    rows = mixed_departments()
    got = {
        unit: {cid: str(rows[(unit, cid)].points) for cid in expected}
        for unit, expected in DEPT_EXPECTED.items()
    }
    assert got == DEPT_EXPECTED


def test_ratio_shows_its_arithmetic_and_rounds_half_up() -> None:
    row = mixed_departments()[("S01", "6.7")]
    assert (row.status, row.numerator, row.denominator) == ("scored", d("1234"), d("1500"))
    assert row.detail == "b/a = 1234/1500 = 0.822667 × 20.00 = 16.453333 → 16.45"
    assert row.inputs == {
        "dossiers_resolved": d("1500"),
        "dossiers_resolved{channel=online}": d("1234"),
    }


def test_boolean_over_every_information_system_needs_all_of_them() -> None:
    rows = mixed_departments()
    assert (rows[("S01", "5.5")].points, rows[("S02", "5.5")].points) == (d("0.00"), d("10.00"))
    assert rows[("S01", "1.2")].detail.startswith("head_leads_dx = false")


def test_normalized_to_best_against_the_best_department_with_one_missing() -> None:
    rows = mixed_departments()
    s01 = rows[("S01", "5.7")]
    assert (s01.points, s01.numerator, s01.denominator) == (
        d("3.75"), d("150000000"), d("400000000"),
    )  # fmt: skip
    assert (rows[("S02", "5.7")].points, rows[("S04", "5.7")].points) == (d("10.00"), d("10.00"))
    missing = rows[("S03", "5.7")]
    assert (missing.status, missing.points) == (Status.MISSING_INPUT, None)
    assert "budget_cybersec" in missing.detail


def test_normalized_to_best_when_every_department_spent_nothing_gives_0_to_all() -> None:
    rows = mixed_departments()
    for unit in ("S01", "S02", "S03", "S04"):
        row = rows[(unit, "6.8")]
        assert (row.status, row.points) == (Status.SCORED, d("0.00")), unit


def test_a_missing_input_leaves_its_index_and_total_incomplete() -> None:
    rows = mixed_departments()
    assert (rows[("S03", "5")].status, rows[("S03", "5")].points) == ("incomplete", d("80.00"))
    root = rows[("S03", "DTI")]
    assert (root.status, root.points) == (Status.INCOMPLETE, d("386.35"))
    assert rows[("S03", "6")].status == Status.SCORED


def test_no_subordinate_units_takes_the_best_score_of_the_other_departments() -> None:
    rows = mixed_departments()
    for cid in ("3.1", "4.3", "6.10", "6.12"):
        row = rows[("S02", cid)]
        assert row.substitution is not None and row.substitution.startswith(
            "no_subordinate_units"
        ), cid
        assert "Điều 7.2" in row.substitution
        assert rows[("S01", cid)].substitution is None
    # Its own 10/100 would have given 2.00; S03's 19.00 is the best of the others.
    assert rows[("S02", "3.1")].points == d("19.00")
    assert "S03" in rows[("S02", "3.1")].detail


def test_no_online_services_takes_the_best_score_before_article_5_1() -> None:
    rows = mixed_departments()
    for cid, best in (("6.5", "9.75"), ("6.6", "9.00"), ("6.7", "19.00")):
        row = rows[("S03", cid)]
        assert (row.status, row.points) == (Status.SCORED, d(best)), cid
        assert row.substitution is not None and "no_online_services" in row.substitution
        assert "Điều 7.3" in row.substitution


def test_special_unit_gets_full_points_even_when_another_rule_also_applies() -> None:
    rows = mixed_departments()
    for cid in ("6.5", "6.6", "6.7", "6.13"):
        row = rows[("S04", cid)]
        assert row.points == row.max_points, cid
        assert row.substitution is not None and row.substitution.startswith("special_unit")
        assert "Điều 7.4" in row.substitution
    # Outside the listed sub-indices a special unit is scored on its own inputs.
    assert (rows[("S04", "3.1")].points, rows[("S04", "3.1")].substitution) == (d("18.00"), None)


def test_article_5_1_online_services_without_eligible_procedures_is_not_applicable() -> None:
    data = measures(DEPT_FULL, {"S01": {"dvc_fullonline_eligible": 0, "dvc_fullonline_provided": 0},
                                "S02": {}})  # fmt: skip
    rows = scored(dept(), data)
    row = rows[("S01", "6.5")]
    assert (row.status, row.points, row.substitution) == (Status.NOT_APPLICABLE, None, None)
    # Not applicable is not missing: the index and the total stay scored, without it.
    assert (rows[("S01", "6")].status, rows[("S01", "6")].points) == ("scored", d("125.00"))
    assert (rows[("S01", "DTI")].status, rows[("S01", "DTI")].points) == ("scored", d("410.00"))


def test_departments_rank_by_total_with_shared_ranks_and_incomplete_unranked() -> None:
    changes: dict[str, Facts] = {
        "S01": {},  # 420
        "S02": {"head_leads_dx": False},  # 400
        "S03": {"has_dx_staff": False, "is_soc_monitored": 4, "website_has_dx_section": False},
        "S04": {"head_chairs_dx_committee": False, "attended_cyber_drill": False},  # 400
    }
    framework = dept()
    rows = score_framework(framework, PERIOD, measures(DEPT_FULL, changes), UNITS)
    ranking = [(r.unit, r.points, r.rank) for r in rank_units(framework, rows)]
    assert ranking == [
        ("S01", d("420.00"), 1),
        ("S02", d("400.00"), 2),
        ("S04", d("400.00"), 2),
        ("S03", d("375.00"), 4),
    ]
    mixed = rank_units(framework, list(mixed_departments().values()))
    assert {r.unit: r.rank for r in mixed} == {"S02": 1, "S04": 2, "S01": 3, "S03": None}


# --- districts ---------------------------------------------------------------------------------

# 883: 1.6 airs 24 of the best 48 broadcasts (10 × 24/48 = 5); 3.4 11 of 12 communes
# (20 × 11/12 = 18.333333 → 18.33); 7.8 1000 of the best 3000 transactions
# (15 × 1000/3000 = 5); 8.1 123456 of 200000 residents (40 × 0.61728 = 24.6912 → 24.69).
DIST_MIXED: dict[str, Facts] = {
    "883": {
        "radio_dx_broadcasts_per_year": 24,
        "communes_on_tslcd": 11,
        "ecommerce_txn_voso_postmart": 1000,
        "residents_with_eid": 123456,
    },
    "884": {},
    "886": {},
}


def test_district_pillars_and_total_from_hand_computed_sub_indices() -> None:
    rows = scored(dist(), measures(DIST_FULL, DIST_MIXED))
    got = {
        k: str(rows[("883", k)].points)
        for k in ("1.6", "3.4", "7.8", "8.1", "1", "3", "7", "8", "DTI", "P-CQS", "P-KTS", "P-XHS")
    }
    # Foundation 65 + 60 + 58.33 + 65 + 100 = 348.33, then + 140 / + 65 / + 114.69.
    assert got == {
        "1.6": "5.00", "3.4": "18.33", "7.8": "5.00", "8.1": "24.69",
        "1": "65.00", "3": "58.33", "7": "65.00", "8": "114.69", "DTI": "668.02",
        "P-CQS": "488.33", "P-KTS": "413.33", "P-XHS": "463.02",
    }  # fmt: skip
    pillar = rows[("883", "P-KTS")]
    assert (pillar.max_points, pillar.status, pillar.method) == (d("430.00"), "scored", "rollup")


def test_a_district_missing_its_population_leaves_the_society_pillar_incomplete() -> None:
    rows = scored(dist(), measures(DIST_FULL, DIST_MIXED, {"886": ("population",)}))
    for cid in ("8.1", "8.5"):
        assert (rows[("886", cid)].status, rows[("886", cid)].points) == ("missing_input", None)
        assert "population" in rows[("886", cid)].detail
    assert (rows[("886", "8")].status, rows[("886", "8")].points) == ("incomplete", d("80.00"))
    xhs = rows[("886", "P-XHS")]
    assert (xhs.status, xhs.points) == (Status.INCOMPLETE, d("435.00"))
    assert (rows[("886", "P-CQS")].status, rows[("886", "P-CQS")].points) == (
        "scored", d("495.00"),
    )  # fmt: skip
    assert (rows[("886", "DTI")].status, rows[("886", "DTI")].points) == ("incomplete", d("650.00"))


def test_district_normalized_to_best_all_zero_gives_0_to_every_district() -> None:
    zero: Facts = {"n_digital_platform_enterprises": 0}
    rows = scored(dist(), measures(DIST_FULL, {"883": zero, "884": zero, "886": zero}))
    assert {rows[(u, "7.2")].points for u in ("883", "884", "886")} == {d("0.00")}
    assert rows[("883", "P-KTS")].points == d("425.00")


def test_district_without_subordinate_units_and_without_online_services() -> None:
    changes: dict[str, Facts] = {
        "883": {"staff_with_work_computer": 450},  # 3.5: 450/500 × 25 = 22.5
        "884": {
            "n_subordinate_units": 0, "staff_with_work_computer": 100,  # own 5.00
            "dvc_online_provided": 0, "dvc_with_online_dossier": 0,
        },
        "886": {
            "staff_with_work_computer": 400,  # 20
            "dossiers_resolved{channel=online}": 15000,  # 6.7: 15000/20000 × 20 = 15
        },
    }  # fmt: skip
    rows = scored(dist(), measures(DIST_FULL, changes))
    computers = rows[("884", "3.5")]
    assert computers.points == d("22.50")
    assert computers.substitution is not None and "Điều 7.2" in computers.substitution
    online = rows[("884", "6.6")]
    assert (online.points, online.status) == (d("10.00"), Status.SCORED)
    assert online.substitution is not None and online.substitution.startswith("no_online_services")
    assert rows[("884", "6.7")].points == d("20.00")  # 883's 20 beats 886's 15
    assert rows[("886", "6.7")].substitution is None


def test_district_zero_denominator_without_a_rule_is_missing_input() -> None:
    # Art. 5.1's not-applicable rule names departments; a district keeps missing_input.
    changes: dict[str, Facts] = {"883": {"dvc_fullonline_eligible": 0}, "884": {}}
    rows = scored(dist(), measures(DIST_FULL, changes))
    row = rows[("883", "6.5")]
    assert (row.status, row.points) == (Status.MISSING_INPUT, None)
    assert "denominator is 0" in row.detail


def test_department_without_procedures_takes_the_best_digitisation_score() -> None:
    changes: dict[str, Facts] = {
        "S01": {"dossiers_digitised_with_e_result": 900},  # 6.13: 9
        "S02": {"dossiers_digitised_with_e_result": 800},  # 8
        "S03": {
            "n_tthc": 0,
            "dossiers_resolved": 0,
            "dossiers_resolved{channel=online}": 0,
            "dossiers_digitised_with_e_result": 0,
        },
    }
    rows = scored(dept(), measures(DEPT_FULL, changes))
    row = rows[("S03", "6.13")]
    assert (row.status, row.points) == (Status.SCORED, d("9.00"))
    assert row.substitution is not None and row.substitution.startswith("no_procedures")
    assert "Điều 7.3" in row.substitution
