"""ITA-2018 for provincial departments (spec ita-2018.md §1.3–1.5, §2.1, §2.4, §6).

Two departments scored together: S01 declares everything at the level that earns
each criterion's maximum (it is also the best on bandwidth), S02 is a realistic
mix whose every point is worked out by hand below. The other tests start from S01
and change a few inputs to hit one rule and its boundaries.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import pytest

from scoring.catalogue import load_catalogue
from scoring.engine import ScoringInputError, score_framework
from scoring.framework import Framework, load_framework
from scoring.measure_keys import parse_measure_key
from scoring.model import MeasureValue, OrgUnit, ScoreRow, Status, Value
from scoring.ranking import RankingRow, rank_units

PERIOD = "2024"
BEST, MIXED = "S01", "S02"
UNITS = [
    OrgUnit("89", "Tỉnh An Giang", "province"),
    OrgUnit(BEST, "Sở A", "department", "89"),
    OrgUnit(MIXED, "Sở B", "department", "89"),
]
CATEGORIES = {
    "dept.I": 100,
    "dept.II": 400,
    "dept.III": 100,
    "dept.IV": 200,
    "dept.V": 100,
    "dept.VI": 100,
}
D = Decimal

# Every input at the level that earns the criterion's maximum.
PERFECT: dict[str, Value] = {
    # dept.I
    "dept_staff_total": D(100),
    "dept_staff_with_computer": D(100),
    "dept_computers_total": D(120),
    "dept_computers_with_paid_antivirus": D(120),
    "dept_has_lan": True,
    "dept_subunits_total": D(4),
    "dept_subunits_with_lan": D(4),
    "dept_bw_leased_line_mbps": D(100),  # (5×100 + 5×200 + 50 + 10) / 100 staff = 15.6
    "dept_bw_ftth_mbps": D(200),
    "dept_bw_xdsl_mbps": D(50),
    "dept_bw_other_mbps": D(10),
    "dept_has_wan_connection": True,
    "dept_has_server_room": True,
    "dept_server_security_systems": D(7),
    "dept_server_security_other_count": D(4),
    "dept_server_storage_systems": D(4),
    "dept_server_storage_other_count": D(4),
    # dept.II
    "dept_staff_with_official_email": D(100),
    "dept_staff_regular_email_users": D(100),
    "dept_edms_deployed": True,
    "dept_subunits_using_edms": D(4),
    "dept_docs_exchanged_total": D(1000),
    "dept_docs_exchanged_fully_electronic": D(900),
    "dept_docs_exchanged_electronic_with_paper": D(100),
    "dept_edms_interconnected": True,
    "dept_incoming_docs_in_edms": D(500),
    "dept_incoming_docs_total": D(500),
    "dept_subunit_incoming_docs_in_edms": D(80),
    "dept_subunit_incoming_docs_total": D(80),
    "dept_outgoing_docs_in_edms": D(300),
    "dept_outgoing_docs_total": D(300),
    "dept_subunit_outgoing_docs_in_edms": D(40),
    "dept_subunit_outgoing_docs_total": D(40),
    "dept_has_digital_certificate": True,
    "dept_staff_with_digital_certificate": D(100),
    "dept_subunits_with_digital_certificate": D(4),
    "dept_edms_signature_integrated": True,
    "dept_intra_province_signed_edocs_monthly": D(50),
    "dept_intra_province_edocs_monthly": D(50),
    "dept_extra_province_signed_edocs_monthly": D(10),
    "dept_extra_province_edocs_monthly": D(10),
    "dept_app_hr_deployed": True,
    "dept_app_accounting_deployed": True,
    "dept_app_assets_deployed": True,
    "dept_app_emulation_reward_deployed": True,
    "dept_other_internal_apps_count": D(10),
    "dept_specialized_apps_agency_scope_count": D(2),
    "dept_specialized_apps_province_scope_count": D(4),
    "dept_one_stop_deployment_mode": "centralised",
    "dept_procedures_total": D(20),
    "dept_procedures_in_one_stop": D(20),
    "dept_dossiers_received_in_one_stop": D(1000),
    "dept_dossiers_received_actual": D(1000),
    "dept_dossiers_on_time_in_one_stop": D(950),
    "dept_dossiers_processed_actual": D(950),
    "dept_video_conf_meetings": D(12),
    "dept_province_meetings_total": D(12),
    # dept.III: the inspector's ratings
    "dept_web_intro_general": D(1),
    "dept_web_intro_units_officials": D(1),
    "dept_web_news": D(1),
    "dept_web_direction_opinions": D(1),
    "dept_web_petition_responses": D(1),
    "dept_web_reward_penalty": "section_monthly",
    "dept_web_leader_schedule": "weekly",
    "dept_web_prop_law": "full",
    "dept_web_prop_sector_policy": "full",
    "dept_web_prop_labour_policy": "full",
    "dept_web_prop_merit_policy": "full",
    "dept_web_prop_social_policy": "full",
    "dept_web_strategy_sector": D(1),
    "dept_web_investment_policy": D(1),
    "dept_web_construction_land_planning": D(1),
    "dept_web_natural_resources_planning": D(1),
    "dept_web_waste_planning": D(1),
    "dept_web_legal_docs_update": "monthly",
    "dept_web_legal_docs_classification_field": D(1),
    "dept_web_legal_docs_classification_issue_date": D(1),
    "dept_web_legal_docs_classification_issuer": D(1),
    "dept_web_legal_docs_classification_doc_type": D(1),
    "dept_web_projects_list": "updated_12m_by_stage",
    "dept_web_project_details_published": D(1),
    "dept_web_project_details_updated_12m": D(1),
    "dept_web_project_details_missing_fields": D(0),
    "dept_web_consult_petitions": "full",
    "dept_web_consult_drafts_list": "full",
    "dept_web_consult_functions": "full",
    "dept_web_contact_officials": "full",
    "dept_web_portal_contact": "full",
    "dept_web_tthc_publication_doc": True,
    "dept_web_tthc_details": True,
    "dept_web_tthc_by_field": True,
    "dept_web_hotline": True,
    "dept_web_tthc_feedback": True,
    "dept_web_feedback_function": True,
    "dept_web_qa_completeness": D(1),
    "dept_web_font_resize": True,
    "dept_web_text_reader": True,
    "dept_web_contrast": True,
    "dept_web_other_accessibility_count": D(2),
    "dept_web_multimedia": True,
    "dept_web_mobile": True,
    "dept_web_legal_docs_download": True,
    # dept.IV: the formulas reach their maxima only when the province's TTHC count is
    # small against the agency's services (AMB-05), so this fixture sets it so.
    "dept_dvc_declaration": "full",
    "dept_dvc_level3_count": D(10),
    "dept_dvc_level4_count": D(10),
    "province_procedures_total": D(10),
    "dept_dvc_level3_dossier_rate_sum": D(10),
    "dept_dvc_level4_dossier_rate_sum": D(10),
    # dept.V
    "dept_doc_it_plan_5y": "full",
    "dept_doc_it_plan_annual": "full",
    "dept_doc_it_plan_completion_report": "full",
    "dept_doc_infosec_regulation": "full",
    "dept_doc_cert_assignment": "full",
    "dept_doc_email_assignment": "full",
    "dept_doc_portal_regulation": "full",
    "dept_other_it_docs_full": D(10),
    "dept_other_it_docs_partial": D(0),
    # dept.VI
    "dept_has_it_staff": True,
    "dept_it_staff_total": D(4),
    "dept_it_staff_by_degree": D(4),
    "dept_it_staff_with_advanced_cert": D(4),
    "dept_staff_regular_computer_users": D(100),
    "dept_staff_regular_internet_users": D(100),
    "dept_staff_trained_it": D(100),
    "dept_it_project_progress_reported": True,
    "dept_it_budget_declaration": "full",
}

# S02, a realistic year; the expected points below are worked by hand (2 decimals,
# half up per criterion; sums add the rounded children; dept.II and dept.III scaled).
MIXED_INPUTS: dict[str, Value] = {
    **PERFECT,
    "dept_staff_total": D(120),
    "dept_staff_with_computer": D(114),
    "dept_computers_total": D(130),
    "dept_computers_with_paid_antivirus": D(91),
    "dept_subunits_total": D(3),
    "dept_subunits_with_lan": D(2),
    "dept_bw_leased_line_mbps": D(20),
    "dept_bw_ftth_mbps": D(100),
    "dept_bw_xdsl_mbps": D(30),
    "dept_bw_other_mbps": D(0),
    "dept_has_wan_connection": False,
    "dept_server_security_systems": D(5),
    "dept_server_security_other_count": D(1),
    "dept_server_storage_systems": D(2),
    "dept_server_storage_other_count": D(5),
    "dept_staff_with_official_email": D(108),
    "dept_staff_regular_email_users": D(90),
    "dept_subunits_using_edms": D(2),
    "dept_docs_exchanged_fully_electronic": D(790),
    "dept_docs_exchanged_electronic_with_paper": D(250),
    "dept_edms_interconnected": False,
    "dept_incoming_docs_in_edms": D(450),
    "dept_incoming_docs_total": D(600),
    "dept_subunit_incoming_docs_in_edms": D("30.5"),
    "dept_subunit_incoming_docs_total": D(40),
    "dept_outgoing_docs_in_edms": D(240),
    "dept_outgoing_docs_total": D(300),
    "dept_subunit_outgoing_docs_in_edms": D(12),
    "dept_subunit_outgoing_docs_total": D(20),
    "dept_staff_with_digital_certificate": D(60),
    "dept_subunits_with_digital_certificate": D(1),
    "dept_intra_province_signed_edocs_monthly": D(45),
    "dept_intra_province_edocs_monthly": D(60),
    "dept_extra_province_signed_edocs_monthly": D(3),
    "dept_extra_province_edocs_monthly": D(12),
    "dept_app_assets_deployed": False,
    "dept_other_internal_apps_count": D(3),
    "dept_specialized_apps_agency_scope_count": D(3),
    "dept_specialized_apps_province_scope_count": D(1),
    "dept_one_stop_deployment_mode": "standalone_synced",
    "dept_procedures_total": D(40),
    "dept_procedures_in_one_stop": D(30),
    "dept_dossiers_received_in_one_stop": D(1800),
    "dept_dossiers_received_actual": D(2000),
    "dept_dossiers_on_time_in_one_stop": D(1710),
    "dept_dossiers_processed_actual": D(1800),
    "dept_video_conf_meetings": D(9),
    "dept_web_intro_general": D("0.7"),
    "dept_web_news": D("0.9"),
    "dept_web_direction_opinions": D("0.5"),
    "dept_web_petition_responses": D(0),
    "dept_web_reward_penalty": "section_half_yearly",
    "dept_web_leader_schedule": "monthly",
    "dept_web_prop_sector_policy": "not_updated",
    "dept_web_prop_labour_policy": "none",
    "dept_web_prop_social_policy": "not_updated",
    "dept_web_strategy_sector": D("0.6"),
    "dept_web_investment_policy": D("0.3"),
    "dept_web_construction_land_planning": D("0.69"),
    "dept_web_waste_planning": D("0.8"),
    "dept_web_legal_docs_update": "quarterly",
    "dept_web_legal_docs_classification_issuer": D(0),
    "dept_web_legal_docs_classification_doc_type": D(0),
    "dept_web_projects_list": "updated_24m_by_stage",
    "dept_web_project_details_updated_12m": D(0),
    "dept_web_project_details_missing_fields": D(1),
    "dept_web_consult_drafts_list": "not_updated",
    "dept_web_consult_functions": "none",
    "dept_web_contact_officials": "not_updated",
    "dept_web_tthc_details": False,
    "dept_web_tthc_feedback": False,
    "dept_web_qa_completeness": D("0.8"),
    "dept_web_text_reader": False,
    "dept_web_other_accessibility_count": D(1),
    "dept_web_legal_docs_download": False,
    "dept_dvc_declaration": "partial",
    "dept_dvc_level3_count": D(5),
    "dept_dvc_level4_count": D(3),
    "province_procedures_total": D(1600),
    "dept_dvc_level3_dossier_rate_sum": D("2.4"),
    "dept_dvc_level4_dossier_rate_sum": D("1.8"),
    "dept_doc_it_plan_completion_report": "partial",
    "dept_doc_infosec_regulation": "none",
    "dept_doc_cert_assignment": "partial",
    "dept_doc_portal_regulation": "partial",
    "dept_other_it_docs_full": D(3),
    "dept_other_it_docs_partial": D(3),
    "dept_it_staff_total": D(5),
    "dept_it_staff_by_degree": D(3),
    "dept_it_staff_with_advanced_cert": D(2),
    "dept_staff_regular_computer_users": D(114),
    "dept_staff_regular_internet_users": D(102),
    "dept_staff_trained_it": D(30),
    "dept_it_budget_declaration": "partial",
}

MIXED_EXPECTED = {
    "dept.I.1.1": "14.25",  # 114/120 × 15
    "dept.I.2.1": "10.50",  # 91/130 = 0.7 × 15
    "dept.I.3.1": "5.00",
    "dept.I.3.2": "6.67",  # 2/3 × 10
    "dept.I.4": "5.05",  # (100 + 500 + 30 + 0)/120 = 5.25 against S01's 15.6: × 15 = 5.048
    "dept.I.5": "0.00",
    "dept.I.6.a": "10.00",
    "dept.I.6.b": "5.50",  # 5 listed + 1 other × 0.5
    "dept.I.6.c": "4.00",  # 2 listed + 5 others × 0.5 = 2.5, others capped at 2
    "dept.I": "60.97",
    "dept.II.1.1": "18.00",  # 108/120 × 20
    "dept.II.1.2": "22.50",  # 90/120 × 30
    "dept.II.2.1": "5.00",
    "dept.II.2.2": "6.67",  # 2/3 × 10
    "dept.II.2.3": "9.48",  # 0.79 < 0.80: 0.79 × 12
    "dept.II.2.4": "6.00",  # 0.25 > 0.20: 8 − 0.25 × 8
    "dept.II.2.5": "0.00",
    "dept.II.2.6": "15.00",  # 450/600 × 20
    "dept.II.2.7": "22.88",  # 30.5/40 × 30 = 22.875
    "dept.II.2.8": "20.00",  # 240/300 × 25
    "dept.II.2.9": "21.00",  # 12/20 × 35
    "dept.II.2": "106.03",
    "dept.II.3.1.1": "5.00",
    "dept.II.3.1.2": "5.00",  # 60/120 × 10
    "dept.II.3.1.3": "6.67",  # 1/3 × 20
    "dept.II.3.1": "16.67",
    "dept.II.3.2.1": "10.00",
    "dept.II.3.2.2": "22.50",  # 45/60 × 30
    "dept.II.3.2.3": "2.50",  # 3/12 × 10
    "dept.II.3": "51.67",
    "dept.II.4.1.c": "0.00",
    "dept.II.4.1.dd": "3.00",
    "dept.II.4.1": "18.00",
    "dept.II.4.2": "7.50",  # 3 × 1.5 + 1 × 3
    "dept.II.5.1": "8.00",  # standalone, synced
    "dept.II.5.2": "7.50",  # 30/40 × 10
    "dept.II.5.3": "18.00",  # 1800/2000 × 20
    "dept.II.5.4": "23.75",  # 1710/1800 × 25
    "dept.II.6.1": "7.50",  # 9/12 × 10
    "dept.II": "278.02",  # rows 288.45 × 400/415 = 278.024
    "dept.III.1.1": "1.25",  # 0.7 × 2 = 1.4, down to a 0.25 step
    "dept.III.2": "4.50",  # 0.9 × 5
    "dept.III.3.1": "1.00",
    "dept.III.3.2": "0.00",
    "dept.III.3.3": "2.50",  # section 1 + half-yearly 1.5
    "dept.III.3.4": "1.00",  # monthly
    "dept.III.4": "2.50",  # 1 + 0.25 + 0 + 1 + 0.25
    "dept.III.5.1": "1.75",  # 0.6 × 3 = 1.8 → 1.75
    "dept.III.5.2": "0.50",  # 0.3 × 2 = 0.6 → 0.5
    "dept.III.5.3": "3.00",  # 0.69 × 5 = 3.45 → 3.0 (0.5 steps)
    "dept.III.5.5": "1.50",  # 0.8 × 2 = 1.6 → 1.5 (0.5 steps)
    "dept.III.5": "9.75",
    "dept.III.6.1": "1.00",  # quarterly
    "dept.III.6.2": "1.50",  # by field 1 + by issue date 0.5
    "dept.III.7.1": "1.50",  # 12-24 months old 1 + by stage 0.5
    "dept.III.7.2": "1.00",  # published, not updated 1.5 − 1 missing field × 0.5
    "dept.III.8": "2.25",  # 2 + 0.25 + 0
    "dept.III.9": "0.50",
    "dept.III.11": "7.00",  # 2 + 0 + 5
    "dept.III.13": "0.00",
    "dept.III.15": "1.50",  # 0.8 × 2 = 1.6 → 1.5
    "dept.III.16.4": "0.50",  # one other function
    "dept.III.16": "2.50",
    "dept.III.19": "0.00",
    "dept.III": "59.64",  # rows 57.25 × 100/96 = 59.635
    "dept.IV.1": "10.00",  # partial declaration
    "dept.IV.2": "3.08",  # 15 × 8/40 + 50 × 2.4/1600 = 3 + 0.075
    "dept.IV.3": "0.18",  # (40 × 3 + 90 × 1.8)/1600 = 0.17625
    "dept.IV": "13.26",
    "dept.V.3": "10.00",
    "dept.V.4": "0.00",
    "dept.V.5": "2.50",
    "dept.V.7": "5.00",
    "dept.V.8": "4.50",  # 3 × 1 + 3 × 0.5
    "dept.V": "67.00",
    "dept.VI.I.2": "10.00",  # 3 of 5 IT staff (60%) with a degree
    "dept.VI.I.3": "4.00",  # 2/5 × 10
    "dept.VI.I": "34.00",
    "dept.VI.II.1": "9.50",  # 114/120 × 10
    "dept.VI.II.2": "8.50",  # 102/120 × 10
    "dept.VI.III.1": "3.75",  # 30/120 × 15
    "dept.VI.IV.2": "5.00",
    "dept.VI": "65.75",
    "dept": "544.64",  # 60.97 + 278.02 + 59.64 + 13.26 + 67 + 65.75
}


def framework() -> Framework:
    return load_framework("ita-2018-dept")


def measures(by_unit: Mapping[str, Mapping[str, Value]]) -> list[MeasureValue]:
    return [
        MeasureValue(unit, PERIOD, key, value)
        for unit, values in by_unit.items()
        for key, value in values.items()
    ]


def score_all(by_unit: Mapping[str, Mapping[str, Value]]) -> list[ScoreRow]:
    return score_framework(framework(), PERIOD, measures(by_unit), UNITS)


def rows_of(rows: list[ScoreRow], unit: str) -> dict[str, ScoreRow]:
    return {r.criterion: r for r in rows if r.unit == unit}


def score_best(**changes: Value) -> dict[str, ScoreRow]:
    """S01's rows with some inputs changed (S02 scored beside it, as the mixed year)."""
    return rows_of(score_all({BEST: {**PERFECT, **changes}, MIXED: MIXED_INPUTS}), BEST)


def standing(rows: list[ScoreRow], unit: str) -> RankingRow:
    return next(r for r in rank_units(framework(), rows) if r.unit == unit)


# --- the file ---------------------------------------------------------------------------


def test_official_maxima_and_criteria_counts() -> None:
    f = framework()
    assert (f.id, f.unit_level, f.period_type) == ("ita-2018-dept", "department", "year")
    assert f.root.id == "dept" and f.root.max_points == 1000
    categories = {c.id: c.max_points for c in f.criteria if c.parent == "dept"}
    assert categories == {cid: D(m) for cid, m in CATEGORIES.items()}
    leaves = [c for c in f.criteria if c.method != "sum"]
    assert len(leaves) == 96
    per_category = {cid: sum(1 for c in leaves if c.id.startswith(cid + ".")) for cid in CATEGORIES}
    assert per_category == {
        "dept.I": 9,
        "dept.II": 28,
        "dept.III": 40,
        "dept.IV": 3,
        "dept.V": 8,
        "dept.VI": 8,
    }


def test_only_the_two_mismatched_categories_are_scaled() -> None:
    f = framework()
    scaled = {c.id for c in f.criteria if c.scaled}
    assert scaled == {"dept.II", "dept.III"}
    rows_sum = {
        cid: sum(
            (c.max_points for c in f.criteria if c.method != "sum" and c.id.startswith(cid + ".")),
            D(0),
        )
        for cid in ("dept.II", "dept.III")
    }
    assert rows_sum == {"dept.II": 415, "dept.III": 96}
    # AMB-01: the digital-signature sub-groups are kept at their rows' sums, noted
    assert f.criterion("dept.II.3").max_points == 85
    assert f.criterion("dept.II.3.1").max_points == 35
    assert "printed 50" in f.criterion("dept.II.3").notes


def test_spec_ids_are_present_and_every_ambiguity_note_is_written() -> None:
    f = framework()
    ids = {c.id for c in f.criteria}
    for cid in (
        "dept.I.6.a",
        "dept.I.6.b",
        "dept.I.6.c",
        "dept.II.4.1.dd",
        "dept.III.16.4",
        "dept.VI.IV.2",
        "dept.II.3.2.3",
        "dept.III.19",
    ):
        assert cid in ids
    notes = {
        "dept.II.2.4": "AMB-10",
        "dept.II.2.7": "AMB-11",
        "dept.II.3.1.1": "AMB-01",
        "dept.II.5.1": "AMB-09",
        "dept.I.4": "AMB-06",
        "dept.I.5": "AMB-07",
        "dept.III.3.3": "AMB-12",
        "dept.III.6.2": "AMB-12",
        "dept.III.7.2": "AMB-12",
        "dept.III.1.1": "AMB-33",
        "dept.IV.2": "AMB-05",
        "dept.IV.3": "AMB-05",
        "dept.IV.1": "AMB-37",
        "dept.V.8": "AMB-04",
        "dept.VI.I.2": "AMB-14",
        "dept.VI.I.3": "AMB-15",
        "dept": "AMB-03",
        "dept.III": "AMB-02",
    }
    missing = {cid: amb for cid, amb in notes.items() if amb not in f.criterion(cid).notes}
    assert missing == {}


def test_measures_are_catalogued_with_their_source_system() -> None:
    catalogue = load_catalogue()
    read = {parse_measure_key(k).name for c in framework().criteria for k in c.measures.values()}
    assert read <= set(catalogue.measures)
    assert set(PERFECT) == read  # the fixture gives every input the file reads
    sources = {
        "dept_edms_deployed": "IOFFICE",
        "dept_docs_exchanged_total": "MANUAL",
        "dept_doc_it_plan_completion_report": "LRIS",
        "dept_one_stop_deployment_mode": "TTHC",
        "dept_dvc_level3_dossier_rate_sum": "TTHC",
        "dept_web_hotline": "MANUAL",
    }
    assert {name: catalogue.spec(name).source for name in sources} == sources


def test_bands_and_ranking_are_declared() -> None:
    sections = framework().sections
    assert sections.classification.band_criteria == tuple(CATEGORIES)
    assert [(b.label, b.min_share) for b in sections.classification.bands] == [
        ("Tốt", D("0.80")),
        ("Khá", D("0.65")),
        ("Trung bình", D(0)),
    ]
    assert sections.ranking.criterion == "dept"


# --- whole units ------------------------------------------------------------------------


def test_a_department_with_every_maximum_scores_1000() -> None:
    rows = score_best()
    assert {cid: rows[cid].points for cid in CATEGORIES} == {
        cid: D(m) for cid, m in CATEGORIES.items()
    }
    assert rows["dept"].points == 1000 and rows["dept"].status == Status.SCORED
    # rows 415 and 96 come back to the official 400 and 100
    assert "415.00; scaled to the official max" in rows["dept.II"].detail
    assert "(factor 0.963855) = 400.00" in rows["dept.II"].detail  # 400/415
    assert "(factor 1.041667) = 100.00" in rows["dept.III"].detail  # 100/96
    # the formulas go over their maxima as printed and are capped (AMB-05)
    assert rows["dept.IV.2"].points == 60 and "clamped" in rows["dept.IV.2"].detail
    assert rows["dept.IV.3"].points == 120 and "clamped" in rows["dept.IV.3"].detail


def test_mixed_department_matches_the_hand_computed_table() -> None:
    rows = rows_of(score_all({BEST: PERFECT, MIXED: MIXED_INPUTS}), MIXED)
    got = {cid: rows[cid].points for cid in MIXED_EXPECTED}
    assert got == {cid: D(p) for cid, p in MIXED_EXPECTED.items()}
    assert all(r.status == Status.SCORED for r in rows.values())


def test_ranks_and_category_bands() -> None:
    rows = score_all({BEST: PERFECT, MIXED: MIXED_INPUTS})
    best, mixed = standing(rows, BEST), standing(rows, MIXED)
    assert (best.rank, best.points, mixed.rank, mixed.points) == (1, 1000, 2, D("544.64"))
    assert best.bands == {cid: "Tốt" for cid in CATEGORIES}
    assert mixed.bands == {
        "dept.I": "Trung bình",  # 60.97 < 65
        "dept.II": "Khá",  # 278.02 of 400: 260 ≤ … < 320
        "dept.III": "Trung bình",  # 59.64
        "dept.IV": "Trung bình",  # 13.26 of 200
        "dept.V": "Khá",  # 67
        "dept.VI": "Khá",  # 65.75
    }


def test_a_unit_missing_an_input_is_incomplete_and_not_ranked() -> None:
    partial = {k: v for k, v in MIXED_INPUTS.items() if k != "dept_staff_total"}
    rows = score_all({BEST: PERFECT, MIXED: partial})
    mixed = rows_of(rows, MIXED)
    for cid in ("dept.I.1.1", "dept.I.4", "dept.II.1.1", "dept.VI.III.1"):
        assert mixed[cid].status == Status.MISSING_INPUT and mixed[cid].points is None
        assert "dept_staff_total" in mixed[cid].detail
    # the rest still counts, as a lower bound
    assert mixed["dept.I"].status == Status.INCOMPLETE
    assert mixed["dept.I"].points == D("60.97") - D("14.25") - D("5.05")
    assert mixed["dept"].status == Status.INCOMPLETE
    assert mixed["dept.V"].points == 67 and mixed["dept.V"].status == Status.SCORED
    # the other department is not disturbed, and only it is ranked
    assert rows_of(rows, BEST)["dept"].points == 1000
    standing_mixed = standing(rows, MIXED)
    assert standing_mixed.rank is None
    assert "dept.I" not in standing_mixed.bands and standing_mixed.bands["dept.V"] == "Khá"
    assert standing(rows, BEST).rank == 1


# --- one method at a time ------------------------------------------------------------


@pytest.mark.parametrize(
    ("electronic", "points"),
    [(800, "12.00"), (1000, "12.00"), (799, "9.59"), (500, "6.00"), (0, "0.00")],
)
def test_threshold_full_else_ratio_at_80_percent(electronic: int, points: str) -> None:
    rows = score_best(dept_docs_exchanged_fully_electronic=D(electronic))
    assert rows["dept.II.2.3"].points == D(points)  # 799/1000 × 12 = 9.588


@pytest.mark.parametrize(
    ("with_paper", "points"),
    [(0, "8.00"), (200, "8.00"), (201, "6.39"), (210, "6.32"), (500, "4.00"), (1000, "0.00")],
)
def test_inverse_threshold_both_sides_of_20_percent(with_paper: int, points: str) -> None:
    rows = score_best(dept_docs_exchanged_electronic_with_paper=D(with_paper))
    assert rows["dept.II.2.4"].points == D(points)  # 8 − 0.201 × 8 = 6.392 (AMB-10: no smoothing)


@pytest.mark.parametrize(
    ("criterion", "changes", "points"),
    [
        ("dept.I.6.b", {"dept_server_security_other_count": D(0)}, "7.00"),
        ("dept.I.6.b", {"dept_server_security_other_count": D(3)}, "8.50"),
        ("dept.I.6.b", {"dept_server_security_other_count": D(9)}, "9.00"),  # others cap 2
        ("dept.I.6.b", {"dept_server_security_systems": D(3)}, "5.00"),  # 3 + 2
        ("dept.I.6.c", {"dept_server_storage_systems": D(0)}, "2.00"),
        ("dept.II.4.1.dd", {"dept_other_internal_apps_count": D(14)}, "10.00"),
        ("dept.II.4.1.dd", {"dept_other_internal_apps_count": D(0)}, "0.00"),
        ("dept.II.4.2", {"dept_specialized_apps_agency_scope_count": D(9)}, "15.00"),  # 13.5 + 12
        ("dept.II.4.2", {"dept_specialized_apps_province_scope_count": D(1)}, "6.00"),
        ("dept.V.8", {"dept_other_it_docs_partial": D(4)}, "10.00"),  # 10 + 2, capped
        ("dept.V.8", {"dept_other_it_docs_full": D(2), "dept_other_it_docs_partial": D(5)}, "4.50"),
        ("dept.III.6.2", {"dept_web_legal_docs_classification_field": D(0)}, "2.00"),  # 2 of 2
        (
            "dept.III.6.2",
            {
                "dept_web_legal_docs_classification_field": D(0),
                "dept_web_legal_docs_classification_doc_type": D(0),
            },
            "1.00",
        ),
        ("dept.III.6.2", {"dept_web_legal_docs_classification_issue_date": D(3)}, "2.00"),
    ],
)
def test_count_capped_points_and_caps(
    criterion: str, changes: dict[str, Value], points: str
) -> None:
    assert score_best(**changes)[criterion].points == D(points)


def test_count_capped_detail_names_the_cap() -> None:
    rows = score_best(dept_server_security_other_count=D(9))
    assert "capped at 2" in rows["dept.I.6.b"].detail


@pytest.mark.parametrize(
    ("criterion", "share", "points"),
    [
        ("dept.III.1.1", "1", "2.00"),
        ("dept.III.1.1", "0.99", "1.75"),  # 1.98 → down to 1.75
        ("dept.III.1.1", "0.5", "1.00"),
        ("dept.III.1.1", "0.1", "0.00"),  # 0.2 < 0.25
        ("dept.III.2", "0.45", "2.25"),
        ("dept.III.5.3", "0.7", "3.50"),
        ("dept.III.5.3", "0.79", "3.50"),  # 3.95 → down to 3.5 (0.5 steps)
        ("dept.III.5.3", "0.8", "4.00"),
        ("dept.III.15", "0", "0.00"),
    ],
)
def test_completeness_rounds_down_to_its_step(criterion: str, share: str, points: str) -> None:
    key = framework().criterion(criterion).measures["share"]
    assert score_best(**{key: D(share)})[criterion].points == D(points)


def test_a_completeness_share_above_1_is_refused() -> None:
    with pytest.raises(ScoringInputError, match="dept_web_news"):
        score_best(dept_web_news=D("1.2"))


def test_normalized_to_best_compares_with_the_best_department() -> None:
    rows = score_all({BEST: PERFECT, MIXED: MIXED_INPUTS})
    best, mixed = rows_of(rows, BEST)["dept.I.4"], rows_of(rows, MIXED)["dept.I.4"]
    assert best.points == 15 and mixed.points == D("5.05")
    assert "best of the group 15.6 (S01)" in mixed.detail
    # the best moves: S02 with twice S01's converted bandwidth per official
    faster = {
        **MIXED_INPUTS,
        "dept_bw_leased_line_mbps": D(300),
        "dept_bw_ftth_mbps": D(400),
        "dept_bw_xdsl_mbps": D(244),
        "dept_bw_other_mbps": D(0),
    }
    rows = score_all({BEST: PERFECT, MIXED: faster})  # S02: 3744/120 = 31.2 = 2 × 15.6
    assert rows_of(rows, MIXED)["dept.I.4"].points == 15
    assert rows_of(rows, BEST)["dept.I.4"].points == D("7.50")


def test_normalized_to_best_ignores_a_unit_that_lacks_its_inputs() -> None:
    slower = {**MIXED_INPUTS}
    del slower["dept_bw_other_mbps"]
    rows = score_all({BEST: {**PERFECT, "dept_bw_leased_line_mbps": D(0)}, MIXED: slower})
    assert rows_of(rows, MIXED)["dept.I.4"].status == Status.MISSING_INPUT
    assert rows_of(rows, BEST)["dept.I.4"].points == 15  # best of the units that have a value


def test_level3_formula_as_printed_and_capped() -> None:
    rows = score_best(
        dept_procedures_total=D(40),
        province_procedures_total=D(1600),
        dept_dvc_level3_count=D(5),
        dept_dvc_level4_count=D(3),
        dept_dvc_level3_dossier_rate_sum=D("2.4"),
    )
    assert rows["dept.IV.2"].points == D("3.08")  # 15 × 8/40 + 50 × 2.4/1600 = 3.075
    capped = score_best(dept_dvc_level3_dossier_rate_sum=D(8))  # 15 + 50 × 8/10 = 55
    assert capped["dept.IV.2"].points == 55
    capped = score_best(dept_dvc_level3_dossier_rate_sum=D(9))  # 15 + 45 = 60
    assert capped["dept.IV.2"].points == 60
    capped = score_best(dept_dvc_level3_dossier_rate_sum=D("9.5"))  # 62.5 → 60
    assert capped["dept.IV.2"].points == 60


def test_level4_formula_as_printed_and_capped() -> None:
    rows = score_best(province_procedures_total=D(40), dept_dvc_level4_dossier_rate_sum=D(4))
    assert rows["dept.IV.3"].points == D(19)  # (40 × 10 + 90 × 4)/40 = 19
    rows = score_best(dept_dvc_level4_dossier_rate_sum=D("8.8"))  # (400 + 792)/10 = 119.2
    assert rows["dept.IV.3"].points == D("119.20")


def test_an_agency_without_procedures_has_no_online_service_formulas() -> None:
    rows = score_best(
        dept_procedures_total=D(0),
        dept_procedures_in_one_stop=D(0),
        dept_dvc_level3_count=D(0),
        dept_dvc_level4_count=D(0),
        dept_dvc_level3_dossier_rate_sum=D(0),
        dept_dvc_level4_dossier_rate_sum=D(0),
    )
    for cid in ("dept.IV.2", "dept.IV.3", "dept.II.5.2"):
        assert rows[cid].status == Status.NOT_APPLICABLE and rows[cid].points is None
    assert rows["dept.IV"].status == Status.SCORED and rows["dept.IV"].points == 20


@pytest.mark.parametrize(
    ("with_degree", "staff", "points"),
    [
        (4, 4, "20.00"),
        (3, 4, "10.00"),
        (2, 4, "10.00"),
        (1, 4, "5.00"),
        (0, 4, "5.00"),
        (3, 5, "10.00"),
        (2, 5, "5.00"),
        (0, 0, "0.00"),
    ],
)
def test_it_staff_degree_steps_at_50_and_100_percent(
    with_degree: int, staff: int, points: str
) -> None:
    rows = score_best(dept_it_staff_by_degree=D(with_degree), dept_it_staff_total=D(staff))
    assert rows["dept.VI.I.2"].points == D(points)


def test_no_it_staff_makes_the_certificate_share_not_applicable() -> None:
    rows = score_best(
        dept_has_it_staff=False,
        dept_it_staff_total=D(0),
        dept_it_staff_by_degree=D(0),
        dept_it_staff_with_advanced_cert=D(0),
    )
    assert rows["dept.VI.I.3"].status == Status.NOT_APPLICABLE
    assert rows["dept.VI.I"].points == 0 and rows["dept.VI.I"].status == Status.SCORED
    assert rows["dept.VI"].points == 50


def test_no_affiliated_units_makes_their_shares_not_applicable() -> None:
    rows = score_best(
        dept_subunits_total=D(0),
        dept_subunits_with_lan=D(0),
        dept_subunits_using_edms=D(0),
        dept_subunits_with_digital_certificate=D(0),
        dept_subunit_incoming_docs_in_edms=D(0),
        dept_subunit_incoming_docs_total=D(0),
        dept_subunit_outgoing_docs_in_edms=D(0),
        dept_subunit_outgoing_docs_total=D(0),
    )
    gone = ("dept.I.3.2", "dept.II.2.2", "dept.II.2.7", "dept.II.2.9", "dept.II.3.1.3")
    assert {cid: rows[cid].status for cid in gone} == dict.fromkeys(gone, Status.NOT_APPLICABLE)
    assert rows["dept.I"].points == 90
    assert rows["dept.II"].points == D("308.43")  # rows 415 − 95 = 320; × 400/415 = 308.434
    assert rows["dept.II"].status == Status.SCORED


@pytest.mark.parametrize(
    ("criterion", "changes", "points"),
    [
        ("dept.II.5.1", {"dept_one_stop_deployment_mode": "standalone"}, "2.00"),
        ("dept.II.5.1", {"dept_one_stop_deployment_mode": "none"}, "0.00"),
        ("dept.III.3.3", {"dept_web_reward_penalty": "section_quarterly"}, "3.00"),  # 1 + 2
        ("dept.III.3.3", {"dept_web_reward_penalty": "section_once"}, "2.00"),
        ("dept.III.3.3", {"dept_web_reward_penalty": "section_only"}, "1.00"),
        ("dept.III.3.3", {"dept_web_reward_penalty": "every_2_months"}, "2.50"),
        ("dept.III.4.3", {"dept_web_prop_labour_policy": "not_updated"}, "0.25"),
        ("dept.III.9", {"dept_web_contact_officials": "not_updated"}, "0.50"),
        ("dept.III.6.1", {"dept_web_legal_docs_update": "half_yearly"}, "0.50"),
        ("dept.III.7.1", {"dept_web_projects_list": "older"}, "0.50"),
        ("dept.V.5", {"dept_doc_cert_assignment": "partial"}, "2.50"),
        ("dept.V.1", {"dept_doc_it_plan_5y": "none"}, "0.00"),
        ("dept.III.16.4", {"dept_web_other_accessibility_count": D(0)}, "0.00"),
        ("dept.III.16.4", {"dept_web_other_accessibility_count": D(1)}, "0.50"),
        ("dept.III.16.4", {"dept_web_other_accessibility_count": D(5)}, "1.00"),
        ("dept.III.7.2", {"dept_web_project_details_missing_fields": D(2)}, "2.00"),
        ("dept.III.7.2", {"dept_web_project_details_missing_fields": D(7)}, "0.00"),  # floor 0
        ("dept.III.7.2", {"dept_web_project_details_published": D(0)}, "0.00"),
    ],
)
def test_steps_and_inspector_ratings(
    criterion: str, changes: dict[str, Value], points: str
) -> None:
    assert score_best(**changes)[criterion].points == D(points)


def test_a_rating_the_criterion_does_not_know_is_refused() -> None:
    with pytest.raises(ScoringInputError, match="dept_web_leader_schedule"):
        score_best(dept_web_leader_schedule="daily")


# --- scaled categories and bands ------------------------------------------------------


def test_scale_to_max_factor_on_dept_II() -> None:
    # rows worth 207.5 of 415 scale to 200 of 400
    rows = score_best(
        dept_staff_with_official_email=D(50),  # 10: −10
        dept_staff_regular_email_users=D(50),  # 15: −15
        dept_edms_interconnected=False,  # −5
        dept_incoming_docs_in_edms=D(0),  # −20
        dept_subunit_incoming_docs_in_edms=D(0),  # −30
        dept_outgoing_docs_in_edms=D(0),  # −25
        dept_subunit_outgoing_docs_in_edms=D(0),  # −35
        dept_staff_with_digital_certificate=D(50),  # 5: −5
        dept_intra_province_signed_edocs_monthly=D(25),  # 15: −15
        dept_extra_province_signed_edocs_monthly=D("7.5"),  # 7.5: −2.5
        dept_one_stop_deployment_mode="none",  # −20
        dept_dossiers_received_in_one_stop=D(250),  # 5: −15
        dept_video_conf_meetings=D(0),  # −10
    )
    groups = ("dept.II.1", "dept.II.2", "dept.II.3", "dept.II.4", "dept.II.5", "dept.II.6")
    assert sum((rows[g].points or D(0) for g in groups), D(0)) == D("207.5")
    assert rows["dept.II"].points == 200
    assert "= 207.50; scaled" in rows["dept.II"].detail
    assert "(factor 0.963855) = 200.00" in rows["dept.II"].detail


@pytest.mark.parametrize(
    ("changes", "points", "band"),
    [
        ({}, "100.00", "Tốt"),
        ({"dept_has_lan": False, "dept_has_wan_connection": False}, "80.00", "Tốt"),
        (
            {
                "dept_has_lan": False,
                "dept_has_wan_connection": False,
                "dept_staff_with_computer": D(99),
            },
            "79.85",
            "Khá",
        ),  # 15 × 0.99 = 14.85
        (
            {
                "dept_has_lan": False,
                "dept_has_wan_connection": False,
                "dept_has_server_room": False,
                "dept_server_storage_systems": D(1),
                "dept_server_storage_other_count": D(0),
            },
            "65.00",
            "Khá",
        ),
        (
            {
                "dept_has_lan": False,
                "dept_has_wan_connection": False,
                "dept_has_server_room": False,
                "dept_server_storage_systems": D(1),
                "dept_server_storage_other_count": D(0),
                "dept_staff_with_computer": D(99),
            },
            "64.85",
            "Trung bình",
        ),
    ],
)
def test_band_boundaries_on_dept_I(changes: dict[str, Value], points: str, band: str) -> None:
    rows = score_all({BEST: {**PERFECT, **changes}, MIXED: MIXED_INPUTS})
    assert rows_of(rows, BEST)["dept.I"].points == D(points)
    assert standing(rows, BEST).bands["dept.I"] == band


@pytest.mark.parametrize(
    ("official_email", "points", "band"), [(100, "320.00", "Tốt"), (99, "319.81", "Khá")]
)
def test_band_boundary_on_the_scaled_dept_II(official_email: int, points: str, band: str) -> None:
    # rows 332 of 415 scale to exactly 320 (80% of 400); 331.8 falls just below
    changes: dict[str, Value] = {
        "dept_subunit_outgoing_docs_in_edms": D(0),  # −35
        "dept_subunit_incoming_docs_in_edms": D(0),  # −30
        "dept_edms_deployed": False,  # −5
        "dept_edms_interconnected": False,  # −5
        "dept_app_hr_deployed": False,  # −5
        "dept_other_internal_apps_count": D(7),  # −3
        "dept_staff_with_official_email": D(official_email),  # 20 or 19.8
    }
    rows = score_all({BEST: {**PERFECT, **changes}, MIXED: MIXED_INPUTS})
    assert rows_of(rows, BEST)["dept.II"].points == D(points)
    assert standing(rows, BEST).bands["dept.II"] == band
