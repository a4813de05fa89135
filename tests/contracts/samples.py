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
