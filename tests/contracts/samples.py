"""Hand-made frames shaped like a connector's pages (our columns + ``_record``)."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

T = pd.Timestamp

# One valid row of every entity, in our column names.
VALID_ROWS: dict[str, dict[str, Any]] = {
    "unit": {
        "unit_code": "883",
        "unit_name": "UBND TP Long Xuyên",
        "unit_level": "district",
        "parent_code": "89",
        "valid_from": T("2015-01-01"),
        "valid_to": None,
        "updated_at": T("2024-01-02 08:00:00"),
    },
    "procedure": {
        "procedure_code": "1.001234",
        "procedure_name": "Cấp giấy phép xây dựng",
        "procedure_level": "district",
        "agency_code": "883",
        "service_level": "full",
        "fullonline_eligible": True,
        "has_fin_obligation": True,
        "online_payment_enabled": True,
        "integrated_national": True,
        "has_helpdesk": False,
        "mobile_signature_enabled": False,
        "updated_at": T("2024-01-02 08:00:00"),
        "interlink": "district_province",
    },
    "dossier": {
        "dossier_id": "H0001",
        "procedure_code": "1.001234",
        "unit_code": "883",
        "channel": "online",
        "received_at": T("2024-01-05 09:00:00"),
        "due_at": T("2024-01-15 17:00:00"),
        "resolved_at": T("2024-01-10 10:00:00"),
        "status": "resolved",
        "digitised": True,
        "e_result_issued": True,
        "paid_online": False,
        "via_onestop": True,
        "updated_at": T("2024-01-10 10:00:00"),
        "status_published": True,
    },
    "payment": {
        "payment_id": "G0001",
        "dossier_id": "H0001",
        "amount": 150000,
        "paid_at": T("2024-01-06 11:00:00"),
        "payment_channel": "online",
        "updated_at": T("2024-01-06 11:00:00"),
    },
    "incoming_document": {
        "document_id": "VBD-1",
        "reference_no": "12/UBND-VP",
        "received_at": T("2024-02-01 08:30:00"),
        "unit_code": "000.07.00.H01",
        "sender_code": "89",
        "is_secret": False,
        "form": "electronic",
        "processed_online": True,
        "via_vdxp": True,
        "updated_at": T("2024-02-01 08:30:00"),
        "presented_to_leader": True,
        "leader_directed": True,
        "digitally_signed": True,
    },
    "outgoing_document": {
        "document_id": "VBDI-1",
        "reference_no": "34/QĐ-UBND",
        "issued_at": T("2024-02-03 15:00:00"),
        "unit_code": "000.07.00.H01",
        "is_secret": False,
        "form": "electronic",
        "digitally_signed": True,
        "via_vdxp": True,
        "updated_at": T("2024-02-03 15:00:00"),
        "submitted_to_leader": True,
        "leader_approved": True,
        "agency_signed": True,
        "leader_signed": True,
        "signer_code": "000.07.00.H01.LD01",
    },
    "work_file": {
        "work_file_id": "HSCV-1",
        "unit_code": "883",
        "opened_at": T("2024-03-01 08:00:00"),
        "is_secret": False,
        "processed_online": True,
        "updated_at": T("2024-03-01 08:00:00"),
    },
    "connected_unit": {
        "unit_code": "883",
        "connected_4level": True,
        "connected_vdxp": True,
        "connected_since": T("2019-06-01"),
        "updated_at": T("2024-01-01"),
    },
    "report_regime": {
        "regime_code": "CDBC-01",
        "regime_name": "Báo cáo tình hình kinh tế - xã hội",
        "period_type": "month",
        "gov_connection_required": True,
        "updated_at": T("2024-01-01"),
    },
    "report_submission": {
        "submission_id": "BC-1",
        "regime_code": "CDBC-01",
        "unit_code": "883",
        "report_period": "2024-01",
        "due_at": T("2024-02-05 17:00:00"),
        "submitted_at": T("2024-02-04 10:00:00"),
        "via_lris": True,
        "complete": True,
        "sent_to_gov": True,
        "updated_at": T("2024-02-04 10:00:00"),
    },
    "data_service": {
        "service_code": "DV-DC",
        "service_name": "Cơ sở dữ liệu quốc gia về dân cư",
        "provider": "Bộ Công an",
        "status": "official",
        "status_since": T("2022-07-01"),
    },
    "shared_data_app": {
        "app_code": "APP-1",
        "app_name": "Hệ thống một cửa điện tử",
        "holds_shared_data": True,
        "needs_lgsp": True,
        "connected_lgsp": True,
        "connected_since": T("2021-03-15"),
    },
    "unit_procedure": {
        "config_id": "883:1.001234",
        "unit_code": "883",
        "procedure_code": "1.001234",
        "one_stop_since": T("2021-05-04 08:00:00"),
        "published_online": True,
        "updated_at": T("2024-01-02 08:00:00"),
    },
    "one_stop_unit": {
        "unit_code": "883",
        "deployment_mode": "centralised",
        "deployed_since": T("2019-01-02"),
        "rating_enabled": True,
        "rating_since": T("2021-07-01"),
        "updated_at": T("2024-01-02 08:00:00"),
    },
    "feedback": {
        "feedback_id": "PA-1",
        "unit_code": "883",
        "received_at": T("2024-03-04 09:00:00"),
        "answered_at": T("2024-03-06 15:00:00"),
        "updated_at": T("2024-03-06 15:00:00"),
    },
    "interlink_transfer": {
        "transfer_id": "LT-1",
        "dossier_id": "H0001",
        "from_unit_code": "30280",
        "to_unit_code": "883",
        "sent_at": T("2024-01-06 10:00:00"),
        "sent_online": True,
        "updated_at": T("2024-01-06 10:00:00"),
    },
    "edms_unit": {
        "unit_code": "000.07.01.H01",
        "unit_name": "Chi cục số 1 - SNNPTNT",
        "parent_code": "000.07.00.H01",
        "unit_kind": "department_affiliate",
        "using_since": T("2019-03-01 08:00:00"),
        "updated_at": T("2024-01-02 08:00:00"),
    },
    "edms_usage": {
        "usage_id": "883.2024-03",
        "unit_code": "883",
        "month": "2024-03",
        "incoming_docs": 120,
        "outgoing_docs": 80,
        "civil_servant_accounts": 25,
        "civil_servants_regular": 20,
        "public_employee_accounts": 0,
        "public_employees_regular": 0,
        "part_time_accounts": 0,
        "part_time_regular": 0,
        "updated_at": T("2024-04-03 02:00:00"),
    },
    "statistic": {
        "statistic_id": "dan_so.883.2024",
        "indicator_code": "dan_so",
        "unit_code": "883",
        "report_period": "2024",
        "value": 245000.0,
        "updated_at": T("2024-12-20 09:00:00"),
    },
    "it_report": {
        "report_id": "CNTT.883.2024.ket_qua_ke_hoach",
        "unit_code": "883",
        "report_kind": "plan_completion",
        "report_period": "2024",
        "document_no": "12/BC-UBND",
        "issued_on": T("2024-12-20"),
        "link": "https://lris.angiang.gov.vn/bao-cao/1",
        "submitted_at": T("2024-12-21 09:00:00"),
        "updated_at": T("2024-12-21 09:00:00"),
    },
    "platform_link": {
        "link_id": "KN.883.sso",
        "unit_code": "883",
        "system": "single_sign_on",
        "since": T("2022-05-01"),
        "until": None,
    },
    "population_snapshot": {
        "snapshot_id": "DC.30280.2024-03",
        "unit_code": "30280",
        "snapshot_on": T("2024-03-31"),
        "residents_digitised": 9200,
    },
}

KEY_COLUMN = {
    "unit": "unit_code",
    "procedure": "procedure_code",
    "dossier": "dossier_id",
    "payment": "payment_id",
    "incoming_document": "document_id",
    "outgoing_document": "document_id",
    "work_file": "work_file_id",
    "connected_unit": "unit_code",
    "report_regime": "regime_code",
    "report_submission": "submission_id",
    "data_service": "service_code",
    "shared_data_app": "app_code",
    "unit_procedure": "config_id",
    "one_stop_unit": "unit_code",
    "feedback": "feedback_id",
    "interlink_transfer": "transfer_id",
    "edms_unit": "unit_code",
    "edms_usage": "usage_id",
    "statistic": "statistic_id",
    "it_report": "report_id",
    "platform_link": "link_id",
    "population_snapshot": "snapshot_id",
}


def _record(row: dict[str, Any]) -> str:
    return json.dumps({k: (str(v) if isinstance(v, pd.Timestamp) else v) for k, v in row.items()})


def frame_of(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A page frame from row dicts, with ``_record`` as a connector would add it."""
    frame = pd.DataFrame(rows)
    frame["_record"] = [_record(row) for row in rows]
    return frame


def rows_of(entity: str, n: int, prefix: str = "K", **changes: Any) -> list[dict[str, Any]]:
    """`n` valid rows of `entity` with keys ``<prefix>0000…`` and `changes` applied."""
    key = KEY_COLUMN[entity]
    return [{**VALID_ROWS[entity], key: f"{prefix}{i:04d}", **changes} for i in range(n)]


def valid_frame(entity: str, n: int = 3, prefix: str = "K", **changes: Any) -> pd.DataFrame:
    """A frame of `n` valid rows of `entity`."""
    return frame_of(rows_of(entity, n, prefix, **changes))
