"""Mapping tables against docs/source-apis.md, and how values are turned into columns."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import orjson
import pandas as pd
import pytest

from connectors import tthc
from connectors.endpoint import since_with_lookback
from connectors.mapping import RECORD_COLUMN, LocalDateFormat
from connectors.registry import ENDPOINTS

DOC = Path(__file__).resolve().parents[2] / "docs" / "source-apis.md"
SECTIONS = {"TTHC": "tthc", "iOffice": "ioffice", "LRIS": "lris", "NDXP": "ndxp"}
# The doc lists the codes of iOffice's `form` once, under incoming documents.
IMPLIED_ENUMS = {("ioffice", "outgoing_document"): "incoming_document"}
PAIR = re.compile(r"`(\w+)`→`(\w+)`|`(\w+)`→(\w+)")


def contract() -> dict[tuple[str, str], tuple[str, dict[str, str], dict[str, dict[str, str]]]]:
    """(source, entity) → (path, source field → column, column → enum codes) from the doc."""
    found = {}
    source = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            source = next((s for head, s in SECTIONS.items() if line[3:].startswith(head)), None)
        row = re.match(r"\| `GET \{base\}(\S+)` \| `(\w+)` \| (.*) \|$", line)
        if source is None or row is None:
            continue
        columns: dict[str, str] = {}
        enums: dict[str, dict[str, str]] = {}
        last = None
        for field, column, code, word in PAIR.findall(row.group(3)):
            if field:
                columns[field] = last = column
            else:
                enums.setdefault(str(last), {})[code] = word
        found[(source, row.group(2))] = (row.group(1), columns, enums)
    return found


def test_every_documented_endpoint_is_registered_exactly_as_documented() -> None:
    documented = contract()
    assert len(documented) == 22
    assert set(ENDPOINTS) == set(documented)
    for key, (path, columns, enums) in documented.items():
        spec = ENDPOINTS[key]
        assert spec.path == path, key
        assert dict(spec.mapping.columns) == columns, key
        assert list(spec.mapping.columns.items()) == list(columns.items()), key
        if key in IMPLIED_ENUMS:
            enums = documented[(key[0], IMPLIED_ENUMS[key])][2]
        assert {c: dict(m) for c, m in spec.mapping.enums.items()} == enums, key


def dossier(**overrides: Any) -> dict[str, Any]:
    record = {
        "MaHoSo": "HS1",
        "MaTTHC": "1.001",
        "MaDonViXuLy": "883",
        "KenhNop": "truc_tiep",
        "NgayTiepNhan": "31/12/2024 23:30:00",
        "NgayHenTra": "02/01/2025 17:00:00",
        "NgayKetThuc": "31/12/2024 23:30:00",
        "TrangThai": "da_giai_quyet",
        "DaSoHoa": True,
        "CoKetQuaDienTu": True,
        "DaThanhToanTrucTuyen": False,
        "QuaMotCua": True,
        "NgayCapNhat": "31/12/2024 23:30:00",
    }
    return {**record, **overrides}


def to_frame(*records: dict[str, Any]) -> pd.DataFrame:
    return tthc.MAPPINGS["dossier"].to_frame(list(records))


def test_local_dates_stay_in_their_local_day() -> None:
    frame = to_frame(dossier())
    assert frame["resolved_at"].dtype == "datetime64[us]"
    # Resolved at 23:30 on 31 December: that year, no shift to UTC.
    assert frame["resolved_at"][0] == pd.Timestamp("2024-12-31 23:30:00")


def test_a_bad_date_is_kept_as_its_text_and_the_rest_still_parse() -> None:
    frame = to_frame(
        dossier(MaHoSo="A"),
        dossier(MaHoSo="B", NgayKetThuc="31/02/2024 10:00:00"),
        dossier(MaHoSo="C", NgayKetThuc="2024-12-31 10:00:00"),
        dossier(MaHoSo="D", NgayKetThuc=None),
        dossier(MaHoSo="E", NgayKetThuc=20241231),
    )
    resolved = frame["resolved_at"]
    assert resolved.dtype == object
    assert resolved[0] == pd.Timestamp("2024-12-31 23:30:00")
    assert resolved[1:3].tolist() == ["31/02/2024 10:00:00", "2024-12-31 10:00:00"]
    assert pd.isna(resolved[3])
    assert resolved[4] == 20241231
    assert frame["received_at"].dtype == "datetime64[us]"


def test_enum_codes_become_our_words_and_unknown_codes_stay() -> None:
    frame = to_frame(
        dossier(KenhNop="truc_tuyen", TrangThai="dang_xu_ly"),
        dossier(KenhNop="buu_chinh", TrangThai="tra_lai"),
        dossier(KenhNop="zalo", TrangThai="rut_ho_so"),
        dossier(KenhNop=None, TrangThai=7),
    )
    assert frame["channel"].tolist()[:3] == ["online", "postal", "zalo"]
    assert pd.isna(frame["channel"][3])
    assert frame["status"].tolist() == ["in_progress", "returned", "withdrawn", 7]


def test_values_pass_as_the_json_gave_them() -> None:
    mapping = tthc.MAPPINGS["payment"]
    records = [
        {"MaGiaoDich": "GD1", "SoTien": 150000, "KenhThanhToan": "truc_tuyen"},
        {"MaGiaoDich": "GD2", "SoTien": None, "KenhThanhToan": "truc_tiep"},
    ]
    frame = mapping.to_frame(records)
    assert frame["amount"].dtype == "Int64"
    assert frame["amount"].tolist() == [150000, pd.NA]
    drifted = mapping.to_frame([{"MaGiaoDich": "GD3", "SoTien": "N/A"}, {"SoTien": 12.5}])
    assert drifted["amount"].tolist() == ["N/A", 12.5]
    assert drifted["amount"].dtype == object
    flags = to_frame(dossier(DaSoHoa=True), dossier(DaSoHoa=None))
    assert flags["digitised"].dtype == "boolean"
    assert flags["digitised"].tolist() == [True, pd.NA]


def test_a_missing_source_field_gives_a_null_column_and_extras_stay_in_the_record() -> None:
    record = dossier(TruongMoi="x")
    del record["QuaMotCua"], record["NgayHenTra"]
    frame = to_frame(record)
    assert "TruongMoi" not in frame.columns
    assert pd.isna(frame["via_onestop"][0])
    assert pd.isna(frame["due_at"][0]) and frame["due_at"].dtype == "datetime64[us]"
    assert orjson.loads(frame[RECORD_COLUMN][0]) == record


def test_record_column_is_the_source_record_as_json() -> None:
    record = dossier(TenNguoiNop="Nguyễn Văn A")
    frame = to_frame(record)
    assert list(frame.columns) == tthc.DOSSIERS.columns
    assert frame.columns[-1] == RECORD_COLUMN
    assert orjson.loads(frame[RECORD_COLUMN][0]) == record
    assert "Nguyễn Văn A" in frame[RECORD_COLUMN][0]


def test_an_empty_page_has_our_columns_and_no_rows() -> None:
    frame = to_frame()
    assert list(frame.columns) == tthc.DOSSIERS.columns
    assert len(frame) == 0
    assert frame["received_at"].dtype == "datetime64[us]"


def test_date_rendering_for_filters() -> None:
    fmt = LocalDateFormat("%d/%m/%Y %H:%M:%S")
    assert fmt.render(pd.Timestamp("2024-03-01 07:05:09").to_pydatetime()) == "01/03/2024 07:05:09"


def test_since_with_lookback() -> None:
    watermark = pd.Timestamp("2024-03-08 01:30").to_pydatetime()
    assert since_with_lookback(watermark, pd.Timedelta(days=7).to_pytimedelta()) == (
        pd.Timestamp("2024-03-01 01:30").to_pydatetime()
    )
    assert since_with_lookback(None, pd.Timedelta(days=7).to_pytimedelta()) is None
    with pytest.raises(ValueError):
        since_with_lookback(watermark, -pd.Timedelta(days=1).to_pytimedelta())
