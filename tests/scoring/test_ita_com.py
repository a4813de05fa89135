"""ITA-2018 for commune People's Committees (spec ita-2018.md §2.3, §3.3, §1.4, §6).

Every expected number here is worked by hand from the spec's rules. Points are kept
to 2 decimals, half-up, per criterion; sum nodes add their children's rounded points.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal

import pytest

from scoring.catalogue import CatalogueError, coerce_measure_value, load_catalogue
from scoring.engine import score_framework
from scoring.framework import Framework, load_framework
from scoring.model import MeasureValue, OrgUnit, ScoreRow, Status
from scoring.ranking import RankingRow, rank_units

PERIOD = "2018"
DISTRICT = "883"
NOT_RANKED = "Không xếp hạng"

Inputs = Mapping[str, bool | str | int]


def ita_com() -> Framework:
    return load_framework("ita-2018-com")


# A commune that earns every maximum. It is a ceiling, not a plausible commune: full
# marks on both B.III.1.1 and 1.2 need every TTHC online at level 3 and at level 4.
FULL: dict[str, bool | str | int] = {
    # A.I infrastructure
    "com_computers": 22,  # more computers than civil servants: capped at 10
    "com_civil_servants": 20,
    "com_computers_for_part_time": 15,
    "com_part_time_officials": 15,
    "com_has_modern_one_stop_desk": True,
    "com_has_broadband": True,
    "com_has_led_schedule_screen": True,
    "com_has_cctv": True,
    "com_has_lan_surge_protection": True,
    "com_has_firewall": True,
    "com_has_online_meeting_room": True,
    "com_has_tthc_lookup_screen": True,
    "com_has_barcode_reader": True,
    "com_has_queue_kiosk": True,
    "com_has_result_display_screen": True,
    "com_has_service_rating_system": True,
    "com_scanners": 2,
    "com_post_points": 3,
    "com_post_points_with_internet": 3,
    "com_post_points_with_internet_agent": 3,
    "com_households_with_computer_rate": "1",
    "com_households_with_broadband_rate": "1",
    "com_enterprises_with_broadband_rate": "1",
    # A.II human resources
    "com_has_it_staff": True,
    "com_it_staff_basic_standard": True,
    "com_it_staff_training_turns": 2,
    "com_civil_servants_it_proficient": 20,
    "com_staff_advanced_training_turns": 4,
    # A.III policy environment
    "com_doc_cio_assignment": True,
    "com_doc_it_plan_annual": True,
    "com_doc_infosec_and_edocs_rules": True,
    "com_doc_portal_editorial_rules": True,
    "com_it_budget_vnd": 45000000,
    # B.I website (the inspector's findings)
    "com_web_history_geo": "full",
    "com_web_leaders": "full",
    "com_web_contact": "full",
    "com_web_work_schedule_months": 12,
    "com_web_direction_months": 12,
    "com_web_prop_law_articles": 10,
    "com_web_prop_labour_articles": 4,
    "com_web_prop_merit_articles": 5,
    "com_web_prop_strategy_articles": 2,
    "com_web_prop_natural_resources_articles": 3,
    "com_web_prop_environment_articles": 12,
    "com_web_prop_food_safety_articles": 10,
    "com_web_production_articles": 6,
    "com_web_land_use_plan": True,
    "com_web_waste_resources_plan": True,
    "com_web_legal_db_link": True,
    "com_web_projects_ongoing": True,
    "com_web_projects_planned": True,
    "com_web_socioeconomic_annual_report": True,
    "com_web_food_env_quarterly_reports": 4,
    "com_web_food_env_annual_report": True,
    "com_web_land_pop_labour_quarterly_reports": 4,
    "com_web_land_pop_labour_annual_report": True,
    "com_web_qa_section": True,
    "com_web_budget_disclosure": True,
    "com_web_poor_households_list": True,
    "com_web_complaint_results": True,
    "com_web_local_news": True,
    "com_web_bailiff_section": True,
    "com_web_emergency_info": True,
    "com_web_health_alerts": True,
    "com_web_role_models": True,
    "com_web_local_products": True,
    "com_web_local_affairs_articles": 25,
    # B.I online services, B.II-B.IV
    "com_procedures": 120,
    "com_dvc_level12": 120,
    "com_dvc_level3": 120,
    "com_dvc_level4": 120,
    "com_civil_servants_active_edms": 20,
    "com_part_time_active_edms": 15,
    "com_incoming_docs_digitized": 800,
    "com_incoming_docs_total": 800,
    "com_outgoing_docs_digitized": 400,
    "com_outgoing_docs_total": 400,
    "com_edocs_submitted_to_leader": 1200,
    "com_outgoing_docs_org_signed_sent": 400,
    "com_outgoing_docs_leader_signed_sent": 400,
    "com_civil_servants_using_official_email": 20,
    "com_one_stop_deployed": True,
    "com_procedures_in_one_stop": 120,
    "com_dossiers_in_one_stop": 1500,
    "com_dossiers_actual": 1500,
    "com_has_satisfaction_software": True,
    "com_app_accounting_assets": True,
    "com_app_civil_servants": True,
    "com_app_civil_registry": True,
    "com_app_policy_beneficiaries": True,
    "com_app_petitions": True,
    "com_app_cadastre_planning": True,
    "com_dossiers_received": 1500,
    "com_online_dossiers_level3": 1500,
    "com_online_dossiers_level4": 1500,
    "com_interlinked_c2d_procedures": 15,
    "com_interlinked_c2d_procedures_online34": 15,
    "com_dossiers_on_time_published": 1500,
    "com_online_dossiers_level34": 300,
    "com_online_dossiers_level34_on_time": 300,
    "com_feedback_answered": 12,
    "com_feedback_received": 12,
    "com_population_digitized": 9000,
    "com_population": 9000,
    "com_video_meetings_with_district": 6,
    "com_district_meetings_with_commune": 6,
    "com_has_shared_eforms": True,
    "com_has_sso": True,
    "com_interlinked_c2d_dossiers_received_at_commune": 50,
    "com_interlinked_c2d_dossiers_online34": 50,
    "com_interlinked_c2d_dossiers_received_at_district": 50,
    "com_interlinked_c2d_dossiers_sent_online": 50,
    "com_interlinked_3lvl_dossiers_received_at_commune": 10,
    "com_interlinked_3lvl_dossiers_online34": 10,
}

# A realistic commune-year; the points it should get are in MIXED_EXPECTED.
MIXED: dict[str, bool | str | int] = {
    **FULL,
    "com_computers": 18,
    "com_civil_servants": 21,
    "com_computers_for_part_time": 5,
    "com_part_time_officials": 12,
    "com_has_led_schedule_screen": False,
    "com_has_lan_surge_protection": False,
    "com_has_tthc_lookup_screen": False,
    "com_has_barcode_reader": False,
    "com_has_queue_kiosk": False,
    "com_has_result_display_screen": False,
    "com_scanners": 1,
    "com_post_points_with_internet": 2,
    "com_post_points_with_internet_agent": 1,
    "com_households_with_computer_rate": "0.456",
    "com_households_with_broadband_rate": "0.3125",
    "com_enterprises_with_broadband_rate": "0.875",
    "com_it_staff_basic_standard": False,
    "com_it_staff_training_turns": 0,
    "com_civil_servants_it_proficient": 15,
    "com_staff_advanced_training_turns": 2,
    "com_doc_infosec_and_edocs_rules": False,
    "com_it_budget_vnd": 30000000,
    "com_web_leaders": "partial",
    "com_web_contact": "none",
    "com_web_work_schedule_months": 11,
    "com_web_prop_law_articles": 13,
    "com_web_prop_labour_articles": 3,
    "com_web_prop_merit_articles": 0,
    "com_web_prop_strategy_articles": 1,
    "com_web_prop_natural_resources_articles": 2,
    "com_web_prop_environment_articles": 9,
    "com_web_prop_food_safety_articles": 10,
    "com_web_production_articles": 4,
    "com_web_waste_resources_plan": False,
    "com_web_projects_planned": False,
    "com_web_food_env_quarterly_reports": 3,
    "com_web_food_env_annual_report": False,
    "com_web_land_pop_labour_quarterly_reports": 1,
    "com_web_complaint_results": False,
    "com_web_bailiff_section": False,
    "com_web_role_models": False,
    "com_web_local_affairs_articles": 20,
    "com_dvc_level12": 119,
    "com_dvc_level3": 36,
    "com_dvc_level4": 3,
    "com_civil_servants_active_edms": 18,
    "com_part_time_active_edms": 6,
    "com_incoming_docs_digitized": 640,
    "com_outgoing_docs_digitized": 390,
    "com_edocs_submitted_to_leader": 700,
    "com_outgoing_docs_org_signed_sent": 300,
    "com_outgoing_docs_leader_signed_sent": 100,
    "com_civil_servants_using_official_email": 21,
    "com_procedures_in_one_stop": 114,
    "com_dossiers_in_one_stop": 1350,
    "com_has_satisfaction_software": False,
    "com_app_civil_servants": False,
    "com_app_petitions": False,
    "com_app_cadastre_planning": False,
    "com_online_dossiers_level3": 150,
    "com_online_dossiers_level4": 15,
    "com_interlinked_c2d_procedures_online34": 6,
    "com_dossiers_on_time_published": 1425,
    "com_online_dossiers_level34": 165,
    "com_online_dossiers_level34_on_time": 160,
    "com_feedback_answered": 7,
    "com_feedback_received": 8,
    "com_population_digitized": 8123,
    "com_video_meetings_with_district": 5,
    "com_has_shared_eforms": False,
    "com_interlinked_c2d_dossiers_received_at_commune": 40,
    "com_interlinked_c2d_dossiers_online34": 12,
    "com_interlinked_c2d_dossiers_received_at_district": 40,
    "com_interlinked_c2d_dossiers_sent_online": 30,
    "com_interlinked_3lvl_dossiers_received_at_commune": 4,
    "com_interlinked_3lvl_dossiers_online34": 0,
}

# MIXED worked by hand. Leaves not listed score their maximum (checked separately).
MIXED_EXPECTED = {
    "com.A.I.1.1": "8.57",  # ratio 18/21 = 0.857143 × 10
    "com.A.I.1.2": "4.17",  # 5/12 × 10 = 4.1667
    "com.A.I.1": "12.74",
    "com.A.I.4": "0.00",  # boolean false
    "com.A.I.6": "0.00",
    "com.A.I.9": "0.00",
    "com.A.I.10": "0.00",
    "com.A.I.11": "0.00",
    "com.A.I.12": "0.00",
    "com.A.I.14": "10.00",  # one scanner: steps at_least 1, exactly at the step
    "com.A.I.15.1": "6.67",  # 2/3 × 10
    "com.A.I.15.2": "3.33",  # 1/3 × 10
    "com.A.I.15": "10.00",
    "com.A.I.16": "4.56",  # formula 10 × 0.456
    "com.A.I.17": "3.13",  # 10 × 0.3125 = 3.125 → half-up (half-even would give 3.12)
    "com.A.I.18": "8.75",
    "com.A.I": "109.18",  # 12.74 + 6 × 10 + 10 + 10.00 + 4.56 + 3.13 + 8.75
    "com.A.II.20": "0.00",
    "com.A.II.21": "0.00",  # no training turn: below the only step
    "com.A.II.22": "7.14",  # 15/21 × 10 = 7.1429
    "com.A.II.23": "0.00",  # 2 turns < 10% × 21 = 2.1
    "com.A.II": "17.14",
    "com.A.III.26": "0.00",
    "com.A.III.28": "10.00",  # 30,000,000 VND, exactly at the step
    "com.A.III": "40.00",
    "com.A": "166.32",
    "com.B.I.2": "2.50",  # partial
    "com.B.I.3": "0.00",  # none
    "com.B.I.A.gt": "7.50",
    "com.B.I.4": "2.50",  # 11 months: 5-11
    "com.B.I.A.cd": "12.50",
    "com.B.I.6": "10.00",  # 13 articles: above 8-12 still 10 (AMB-21)
    "com.B.I.7": "5.00",  # 3 articles: 1-3
    "com.B.I.8": "0.00",  # none
    "com.B.I.9": "5.00",  # 1 article
    "com.B.I.11": "5.00",  # 9 articles: 3-9
    "com.B.I.13": "10.00",  # 4 articles, exactly at the top step
    "com.B.I.A.tt": "55.00",  # 10 + 5 + 0 + 5 + 10 + 5 + 10 + 10
    "com.B.I.15": "0.00",
    "com.B.I.A.qh": "10.00",
    "com.B.I.18": "0.00",
    "com.B.I.A.da": "10.00",
    "com.B.I.20": "2.50",  # 3 quarterly reports: 2-3
    "com.B.I.21": "0.00",
    "com.B.I.22": "0.00",  # 1 quarterly report: 0-1
    "com.B.I.A.tk": "17.50",  # 5 + 2.5 + 0 + 0 + 5 + 5
    "com.B.I.27": "0.00",
    "com.B.I.A.tb": "10.00",
    "com.B.I.29": "0.00",
    "com.B.I.32": "0.00",
    "com.B.I.34": "5.00",  # 20 articles: in both printed ranges, read as ≥ 20 (AMB-21)
    "com.B.I.A.dp": "25.00",
    "com.B.I.A": "157.50",
    "com.B.I.35": "0.00",  # 119 of 120 TTHC at level 1-2: not all
    "com.B.I.36": "10.00",  # 36/120 = 30%, exactly at the top band (AMB-28)
    "com.B.I.37": "10.00",  # 3 level-4 services ≥ 1
    "com.B.I.B": "20.00",
    "com.B.I": "177.50",
    "com.B.II.1": "8.57",  # 18/21
    "com.B.II.2": "5.00",  # 6/12
    "com.B.II.3": "8.00",  # 640/800
    "com.B.II.4": "9.75",  # 390/400
    "com.B.II.5": "5.83",  # formula 10 × 700 / (800 + 400) = 5.8333
    "com.B.II.A": "37.15",
    "com.B.II.6": "7.50",  # 300/400
    "com.B.II.7": "2.50",  # 100/400
    "com.B.II.B": "10.00",
    "com.B.II.10": "9.50",  # 114/120
    "com.B.II.11": "9.00",  # 1350/1500
    "com.B.II.12": "0.00",
    "com.B.II.D": "28.50",
    "com.B.II.14": "0.00",
    "com.B.II.17": "0.00",
    "com.B.II.18": "0.00",
    "com.B.II.E": "30.00",
    "com.B.II": "115.65",
    "com.B.III.1.1": "3.00",  # 36/120
    "com.B.III.1.2": "0.25",  # 3/120
    "com.B.III.1.3": "1.00",  # 150/1500
    "com.B.III.1.4": "0.10",  # 15/1500
    "com.B.III.1.5": "4.00",  # 6/15
    "com.B.III.1.6": "9.50",  # 1425/1500
    "com.B.III.1.7": "9.70",  # 160/165 × 10 = 9.697
    "com.B.III.1": "27.55",
    "com.B.III.2": "8.75",  # 7/8
    "com.B.III.3": "9.03",  # 8123/9000 × 10 = 9.0256
    "com.B.III.4": "8.33",  # 5/6
    "com.B.III": "53.66",
    "com.B.IV.1": "0.00",
    "com.B.IV.3": "3.00",  # 12/40
    "com.B.IV.4": "7.50",  # 30/40
    "com.B.IV.5": "0.00",  # 0/4
    "com.B.IV": "20.50",
    "com.B": "367.31",
    "com": "533.63",
}

MAXIMA = {
    "com": "900",
    "com.A": "300",
    "com.A.I": "200",
    "com.A.II": "50",
    "com.A.III": "50",
    "com.B": "600",
    "com.B.I": "270",
    "com.B.II": "180",
    "com.B.III": "100",
    "com.B.IV": "50",
}

# Spec §1.4 (commune table; readiness as decided in §6.4 / AMB-25), by hand:
# readiness 90/80/75/70% of 300 and of 200 / 50 / 50; achievement as printed of 600.
LEVEL_MINIMA = {
    "Mức I": {"com.A": "270", "com.A.I": "180", "com.A.II": "45", "com.A.III": "45",
              "com.B": "540", "com.B.I": "243", "com.B.II": "162", "com.B.III": "90",
              "com.B.IV": "45"},
    "Mức II": {"com.A": "240", "com.A.I": "160", "com.A.II": "40", "com.A.III": "40",
               "com.B": "501", "com.B.I": "243", "com.B.II": "153", "com.B.III": "80",
               "com.B.IV": "25"},
    "Mức III": {"com.A": "225", "com.A.I": "150", "com.A.II": "37.5", "com.A.III": "37.5",
                "com.B": "435", "com.B.I": "216", "com.B.II": "144", "com.B.III": "75",
                "com.B.IV": "0"},
    "Mức IV": {"com.A": "210", "com.A.I": "140", "com.A.II": "35", "com.A.III": "35",
               "com.B": "385", "com.B.I": "189", "com.B.II": "126", "com.B.III": "70",
               "com.B.IV": "0"},
}  # fmt: skip


def _value(raw: bool | str | int) -> bool | str | Decimal:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int):
        return Decimal(raw)
    return Decimal(raw) if raw[:1].isdigit() else raw


def score_communes(communes: Mapping[str, Inputs]) -> list[ScoreRow]:
    """Score ITA-2018-com for 2018; the org units are a province, a district, the communes."""
    units = [
        OrgUnit("89", "Tỉnh An Giang", "province"),
        OrgUnit(DISTRICT, "TP Long Xuyên", "district", "89"),
        *(OrgUnit(code, f"Xã {code}", "commune", DISTRICT) for code in communes),
    ]
    measures = [
        MeasureValue(code, PERIOD, key, _value(raw))
        for code, inputs in communes.items()
        for key, raw in inputs.items()
    ]
    return score_framework(ita_com(), PERIOD, measures, units)


def score_one(inputs: Inputs, unit: str = "30001") -> dict[str, ScoreRow]:
    return {r.criterion: r for r in score_communes({unit: inputs}) if r.unit == unit}


def standing(communes: Mapping[str, Inputs]) -> dict[str, RankingRow]:
    return {r.unit: r for r in rank_units(ita_com(), score_communes(communes))}


def with_(base: Inputs, **changes: bool | str | int) -> dict[str, bool | str | int]:
    return {**base, **changes}


def without(base: Inputs, *names: str) -> dict[str, bool | str | int]:
    return {k: v for k, v in base.items() if k not in names}


# --- the file -------------------------------------------------------------------------


def test_the_file_has_the_spec_criteria_and_maxima() -> None:
    fw = ita_com()
    parents = {c.parent for c in fw.criteria}
    leaves = [c for c in fw.criteria if c.id not in parents]
    assert len(leaves) == 100
    per_category = Counter(".".join(c.id.split(".")[:3]) for c in leaves)
    assert per_category == {
        "com.A.I": 20, "com.A.II": 5, "com.A.III": 5,
        "com.B.I": 37, "com.B.II": 18, "com.B.III": 10, "com.B.IV": 5,
    }  # fmt: skip
    assert {cid: fw.criterion(cid).max_points for cid in MAXIMA} == {
        cid: Decimal(m) for cid, m in MAXIMA.items()
    }
    assert fw.root.id == "com" and fw.unit_level == "commune" and fw.period_type == "year"
    for cid in ("com.A.I.1.1", "com.A.I.15.2", "com.A.II.23", "com.A.III.28", "com.B.I.37",
                "com.B.II.18", "com.B.III.1.7", "com.B.III.4", "com.B.IV.5"):  # fmt: skip
        assert fw.criterion(cid) in leaves


def test_every_leaf_reads_catalogued_commune_measures_with_the_spec_sources() -> None:
    fw, catalogue = ita_com(), load_catalogue()
    read = {key for c in fw.criteria for key in c.measures.values()}
    assert len(read) == 114 and all(key.startswith("com_") for key in read)
    sources = Counter(catalogue.spec(key).source for key in read)
    assert sources == {"MANUAL": 73, "TTHC": 24, "IOFFICE": 7, "LRIS": 7, "NDXP_LGSP": 3}
    spot = {
        "com_app_civil_registry": "NDXP_LGSP",
        "com_has_sso": "NDXP_LGSP",
        "com_population_digitized": "NDXP_LGSP",
        "com_population": "LRIS",
        "com_incoming_docs_total": "MANUAL",
        "com_dossiers_actual": "MANUAL",
        "com_civil_servants_active_edms": "IOFFICE",
        "com_dossiers_in_one_stop": "TTHC",
        "com_web_local_affairs_articles": "MANUAL",
    }
    assert {k: catalogue.spec(k).source for k in spot} == spot
    assert catalogue.spec("com_web_leaders").enum_values == ("full", "partial", "none")
    assert catalogue.spec("com_it_budget_vnd").value_type == "amount"


def test_the_level_table_is_the_decided_commune_table() -> None:
    fw = ita_com()
    levels = fw.sections.classification.levels
    got = {lv.label: {cid: m for cid, m in lv.minimums.items()} for lv in levels}
    assert got == {
        label: {cid: Decimal(m) for cid, m in minima.items()}
        for label, minima in LEVEL_MINIMA.items()
    }
    assert [lv.label for lv in levels] == ["Mức I", "Mức II", "Mức III", "Mức IV"]
    assert fw.sections.classification.otherwise == NOT_RANKED
    assert fw.sections.ranking.criterion == "com"
    assert fw.sections.ranking.ranked_only_with_level


def test_an_unknown_rating_word_is_refused() -> None:
    assert coerce_measure_value("com_web_leaders", "partial") == "partial"
    with pytest.raises(CatalogueError, match="full, partial, none"):
        coerce_measure_value("com_web_leaders", "partly")


# --- scoring ---------------------------------------------------------------------------


def test_a_commune_with_every_maximum_scores_900_and_reaches_level_i() -> None:
    rows = score_one(FULL)
    assert all(r.status == Status.SCORED for r in rows.values())
    assert all(r.points == r.max_points for r in rows.values())
    assert {cid: rows[cid].points for cid in MAXIMA} == {
        cid: Decimal(m) for cid, m in MAXIMA.items()
    }
    only = standing({"30001": FULL})["30001"]
    assert (only.level, only.rank, only.points) == ("Mức I", 1, Decimal("900.00"))


def test_a_mixed_commune_matches_the_hand_computed_points() -> None:
    rows = score_one(MIXED)
    got = {cid: str(rows[cid].points) for cid in MIXED_EXPECTED}
    assert got == MIXED_EXPECTED
    others = {cid: r for cid, r in rows.items() if cid not in MIXED_EXPECTED}
    assert others and all(r.points == r.max_points for r in others.values())
    assert all(r.status == Status.SCORED for r in rows.values())


def test_a_mixed_commune_below_level_iv_is_not_ranked() -> None:
    # Achievement 367.31 < 385 (and readiness 166.32 < 210).
    row = standing({"30004": MIXED})["30004"]
    assert (row.level, row.rank) == (NOT_RANKED, None)


def test_formula_details_show_the_arithmetic() -> None:
    rows = score_one(MIXED)
    assert "700" in rows["com.B.II.5"].detail and "800" in rows["com.B.II.5"].detail
    assert rows["com.A.I.16"].inputs == {"com_households_with_computer_rate": Decimal("0.456")}


@pytest.mark.parametrize(
    ("criterion", "measure", "value", "points"),
    [
        # steps on a count (article counts, AMB-21)
        ("com.B.I.34", "com_web_local_affairs_articles", 19, "2.50"),
        ("com.B.I.34", "com_web_local_affairs_articles", 10, "2.50"),
        ("com.B.I.34", "com_web_local_affairs_articles", 9, "0.00"),
        ("com.B.I.6", "com_web_prop_law_articles", 8, "10.00"),
        ("com.B.I.6", "com_web_prop_law_articles", 7, "5.00"),
        ("com.B.I.6", "com_web_prop_law_articles", 3, "5.00"),
        ("com.B.I.6", "com_web_prop_law_articles", 2, "0.00"),
        ("com.B.I.4", "com_web_work_schedule_months", 5, "2.50"),
        ("com.B.I.4", "com_web_work_schedule_months", 4, "0.00"),
        ("com.B.I.20", "com_web_food_env_quarterly_reports", 2, "2.50"),
        ("com.B.I.37", "com_dvc_level4", 0, "0.00"),
        # steps on an amount
        ("com.A.III.28", "com_it_budget_vnd", 29999999, "0.00"),
        # the level-3 share bands as a formula (AMB-28): 35/120 = 29.2%, 12/120 = 10%
        ("com.B.I.36", "com_dvc_level3", 35, "5.00"),
        ("com.B.I.36", "com_dvc_level3", 12, "5.00"),
        ("com.B.I.36", "com_dvc_level3", 11, "0.00"),
        # boolean on a rate: training turns against 10% of 21 civil servants
        ("com.A.II.23", "com_staff_advanced_training_turns", 3, "10.00"),
        # boolean on a rate: all TTHC at level 1-2
        ("com.B.I.35", "com_dvc_level12", 120, "10.00"),
        # three-level rating
        ("com.B.I.2", "com_web_leaders", "full", "5.00"),
        # ratio capped at the maximum; formula clamped to it
        ("com.A.I.1.1", "com_computers", 25, "10.00"),
        ("com.B.II.5", "com_edocs_submitted_to_leader", 1500, "10.00"),
    ],
)
def test_boundaries_of_each_method(
    criterion: str, measure: str, value: bool | str | int, points: str
) -> None:
    rows = score_one(with_(MIXED, **{measure: value}))
    assert str(rows[criterion].points) == points


def test_exactly_ten_percent_training_turns_earn_the_points() -> None:
    # 2 turns for 20 civil servants is exactly the 10% bar; for 21 it is below.
    rows = score_one(with_(MIXED, com_civil_servants=20))
    assert rows["com.A.II.23"].points == Decimal("10.00")
    assert score_one(MIXED)["com.A.II.23"].points == Decimal("0.00")


def test_a_commune_without_procedures_leaves_the_share_criteria_missing() -> None:
    rows = score_one(with_(MIXED, com_procedures=0))
    for cid in ("com.B.I.35", "com.B.I.36", "com.B.II.10", "com.B.III.1.1", "com.B.III.1.2"):
        assert rows[cid].status == Status.MISSING_INPUT and rows[cid].points is None
    assert rows["com.B.I.37"].points == Decimal("10.00")  # level-4 count alone


def test_a_missing_input_is_never_a_zero_and_the_commune_is_not_ranked() -> None:
    rows = score_one(without(FULL, "com_civil_servants"))
    for cid in ("com.A.I.1.1", "com.A.II.22", "com.A.II.23", "com.B.II.1", "com.B.II.8"):
        assert rows[cid].status == Status.MISSING_INPUT and rows[cid].points is None
    assert rows["com.A.I"].status == Status.INCOMPLETE
    assert rows["com.A.I"].points == Decimal("190.00")  # lower bound: the rest, all full
    assert rows["com.A.II"].points == Decimal("30.00")
    assert rows["com"].status == Status.INCOMPLETE
    assert rows["com.A.III"].status == Status.SCORED
    row = standing({"30001": without(FULL, "com_civil_servants")})["30001"]
    assert row.rank is None


# --- levels and ranking -----------------------------------------------------------------


def test_ha_tang_at_its_minimum_keeps_level_i_and_just_below_falls_a_level() -> None:
    # Two A.I devices missing: A.I = 180.00, exactly 90% of 200.
    at_minimum = with_(FULL, com_has_led_schedule_screen=False, com_has_cctv=False)
    # And 19 computers for 20 civil servants (9.50): A.I = 179.50. Readiness 279.50
    # and achievement 600 still meet Mức I's totals; the one group minimum does not.
    below = with_(at_minimum, com_computers=19)
    rows = standing({"30001": at_minimum, "30002": below})
    assert (rows["30001"].level, rows["30001"].points) == ("Mức I", Decimal("880.00"))
    assert (rows["30002"].level, rows["30002"].points) == ("Mức II", Decimal("879.50"))
    assert (rows["30001"].rank, rows["30002"].rank) == (1, 2)


def test_transaction_giao_dich_at_the_level_iv_minimum_and_just_below() -> None:
    # B.III: no online dossiers at level 3 or 4 and no online meeting: 100 − 30 = 70.
    at_minimum = with_(
        FULL,
        com_online_dossiers_level3=0,
        com_online_dossiers_level4=0,
        com_video_meetings_with_district=0,
    )
    below = with_(at_minimum, com_dossiers_on_time_published=1425)  # 9.50: B.III 69.50
    rows = standing({"30001": at_minimum, "30002": below})
    assert rows["30001"].level == "Mức IV" and rows["30001"].rank == 1
    assert rows["30002"].level == NOT_RANKED and rows["30002"].rank is None


def test_human_resources_nhan_luc_at_the_level_iv_minimum_and_just_below() -> None:
    # No IT staff (−10) and 10 of 20 civil servants proficient (5): A.II = 35.
    at_minimum = with_(FULL, com_has_it_staff=False, com_civil_servants_it_proficient=10)
    below = with_(at_minimum, com_civil_servants_it_proficient=9)  # 4.50: A.II 34.50
    rows = standing({"30001": at_minimum, "30002": below})
    assert rows["30001"].level == "Mức IV"
    assert rows["30002"].level == NOT_RANKED and rows["30002"].rank is None


def test_readiness_total_at_the_level_ii_minimum_with_every_group_at_its_own() -> None:
    # A.I 160 (four devices off), A.II 40 (no basic-standard staff), A.III 40 (no IT
    # plan): readiness 240 = the Mức II total exactly; achievement stays full.
    at_minimum = with_(
        FULL,
        com_has_led_schedule_screen=False,
        com_has_cctv=False,
        com_has_barcode_reader=False,
        com_has_queue_kiosk=False,
        com_it_staff_basic_standard=False,
        com_doc_it_plan_annual=False,
    )
    rows = score_one(at_minimum)
    assert [rows[c].points for c in ("com.A", "com.A.I", "com.A.II", "com.A.III")] == [
        Decimal("240.00"), Decimal("160.00"), Decimal("40.00"), Decimal("40.00"),
    ]  # fmt: skip
    assert standing({"30001": at_minimum})["30001"].level == "Mức II"


def _with_points(rows: list[ScoreRow], points: Mapping[str, str]) -> list[ScoreRow]:
    return [
        replace(r, points=Decimal(points[r.criterion])) if r.criterion in points else r
        for r in rows
    ]


@pytest.mark.parametrize(
    ("points", "level"),
    [
        ({"com.A": "270.00"}, "Mức I"),
        ({"com.A": "269.99"}, "Mức II"),
        ({"com.B": "540.00"}, "Mức I"),
        ({"com.B": "539.99"}, "Mức II"),
    ],
)
def test_level_i_total_minimums(points: Mapping[str, str], level: str) -> None:
    # On scored data a part's total is the sum of its groups and the commune table's
    # totals equal the sums of its group minima, so a total cannot fail alone; these
    # rows set the total directly to check the file's total minimums themselves.
    rows = _with_points(score_communes({"30001": FULL}), points)
    assert rank_units(ita_com(), rows)[0].level == level


@pytest.mark.parametrize(("total", "level"), [("385.00", "Mức IV"), ("384.99", NOT_RANKED)])
def test_level_iv_total_minimum(total: str, level: str) -> None:
    # Every achievement group at its Mức IV minimum (readiness full), then the total.
    groups = {"com.B.I": "189", "com.B.II": "126", "com.B.III": "70", "com.B.IV": "0"}
    rows = _with_points(score_communes({"30001": FULL}), {**groups, "com.B": total})
    assert rank_units(ita_com(), rows)[0].level == level


def test_communes_rank_by_readiness_plus_achievement_and_ties_share_a_rank() -> None:
    second = with_(FULL, com_has_cctv=False)  # 890, Mức I
    communes = {"30001": second, "30002": FULL, "30003": FULL, "30004": MIXED}
    ranking = rank_units(ita_com(), score_communes(communes))
    assert {r.unit: (r.rank, r.level, str(r.points)) for r in ranking} == {
        "30001": (3, "Mức I", "890.00"),
        "30002": (1, "Mức I", "900.00"),
        "30003": (1, "Mức I", "900.00"),
        "30004": (None, NOT_RANKED, "533.63"),
    }
    assert [r.unit for r in ranking] == ["30002", "30003", "30001", "30004"]


def test_only_communes_are_scored() -> None:
    rows = score_communes({"30001": FULL})
    assert {r.unit for r in rows} == {"30001"}
