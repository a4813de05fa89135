"""TTHC, the administrative-procedure information system (public service portal and
electronic one-stop system).

OAuth2 client credentials; numbered pages from 0 (``page``/``size``, ``totalPages``);
``tuNgay``/``denNgay`` filter on ``NgayCapNhat``; dates ``dd/MM/yyyy HH:mm:ss`` local
time. See docs/source-apis.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from connectors.auth import Auth, OAuth2ClientCredentials
from connectors.base import Page
from connectors.config import SourceConfig
from connectors.endpoint import (
    EndpointSpec,
    Incremental,
    PullStats,
    SourceSpec,
    fetch_endpoint,
)
from connectors.http import HttpClient
from connectors.mapping import EntityMapping, LocalDateFormat
from connectors.paging import PageNumberPaging

NAME = "tthc"
DATE_FORMAT = LocalDateFormat("%d/%m/%Y %H:%M:%S")
PAGING = PageNumberPaging(
    page_param="page",
    size_param="size",
    first_page=0,
    items_key="content",
    total_pages_key="totalPages",
    default_page_size=1000,
    max_page_size=1000,
)
INCREMENTAL = Incremental(since_param="tuNgay", until_param="denNgay", date_format=DATE_FORMAT)

_LEVEL = {"tinh": "province", "huyen": "district", "xa": "commune"}
_INTERLINK = {
    "khong": "none",
    "xa_huyen": "commune_district",
    "huyen_tinh": "district_province",
    "ba_cap": "three_level",
}

# The mapping table: source field → our column, enum codes → our words, date columns.
MAPPINGS: dict[str, EntityMapping] = {
    "unit": EntityMapping(
        columns={
            "MaDonVi": "unit_code",
            "TenDonVi": "unit_name",
            "CapDonVi": "unit_level",
            "MaDonViCha": "parent_code",
            "NgayHieuLuc": "valid_from",
            "NgayHetHieuLuc": "valid_to",
            "NgayCapNhat": "updated_at",
        },
        enums={"unit_level": {**_LEVEL, "so": "department", "phong": "district_office"}},
        dates=frozenset({"valid_from", "valid_to", "updated_at"}),
        date_format=DATE_FORMAT,
    ),
    "procedure": EntityMapping(
        columns={
            "MaTTHC": "procedure_code",
            "TenTTHC": "procedure_name",
            "CapThucHien": "procedure_level",
            "MaCoQuan": "agency_code",
            "MucDo": "service_level",
            "DuDieuKienToanTrinh": "fullonline_eligible",
            "CoNghiaVuTaiChinh": "has_fin_obligation",
            "ThanhToanTrucTuyen": "online_payment_enabled",
            "DaTichHopDVCQG": "integrated_national",
            "HoTroHoiDap": "has_helpdesk",
            "KySoDiDong": "mobile_signature_enabled",
            "LienThong": "interlink",
            "NgayCapNhat": "updated_at",
        },
        enums={
            "procedure_level": _LEVEL,
            "service_level": {
                "toan_trinh": "full",
                "mot_phan": "partial",
                "khong_truc_tuyen": "none",
            },
            "interlink": _INTERLINK,
        },
        dates=frozenset({"updated_at"}),
        date_format=DATE_FORMAT,
    ),
    "dossier": EntityMapping(
        columns={
            "MaHoSo": "dossier_id",
            "MaTTHC": "procedure_code",
            "MaDonViXuLy": "unit_code",
            "KenhNop": "channel",
            "NgayTiepNhan": "received_at",
            "NgayHenTra": "due_at",
            "NgayKetThuc": "resolved_at",
            "TrangThai": "status",
            "DaSoHoa": "digitised",
            "CoKetQuaDienTu": "e_result_issued",
            "DaThanhToanTrucTuyen": "paid_online",
            "QuaMotCua": "via_onestop",
            "CongKhaiTrangThai": "status_published",
            "NgayCapNhat": "updated_at",
        },
        enums={
            "channel": {"truc_tiep": "offline", "truc_tuyen": "online", "buu_chinh": "postal"},
            "status": {
                "dang_xu_ly": "in_progress",
                "da_giai_quyet": "resolved",
                "tra_lai": "returned",
                "rut_ho_so": "withdrawn",
            },
        },
        dates=frozenset({"received_at", "due_at", "resolved_at", "updated_at"}),
        date_format=DATE_FORMAT,
    ),
    "payment": EntityMapping(
        columns={
            "MaGiaoDich": "payment_id",
            "MaHoSo": "dossier_id",
            "SoTien": "amount",
            "ThoiGianThanhToan": "paid_at",
            "KenhThanhToan": "payment_channel",
            "NgayCapNhat": "updated_at",
        },
        enums={"payment_channel": {"truc_tuyen": "online", "truc_tiep": "offline"}},
        dates=frozenset({"paid_at", "updated_at"}),
        date_format=DATE_FORMAT,
    ),
    "unit_procedure": EntityMapping(
        columns={
            "MaApDung": "config_id",
            "MaDonVi": "unit_code",
            "MaTTHC": "procedure_code",
            "NgayCauHinhMotCua": "one_stop_since",
            "CongKhaiTrucTuyen": "published_online",
            "NgayCapNhat": "updated_at",
        },
        dates=frozenset({"one_stop_since", "updated_at"}),
        date_format=DATE_FORMAT,
    ),
    "one_stop_unit": EntityMapping(
        columns={
            "MaDonVi": "unit_code",
            "HinhThucTrienKhai": "deployment_mode",
            "NgayTrienKhai": "deployed_since",
            "DanhGiaHaiLong": "rating_enabled",
            "NgayBatDauDanhGia": "rating_since",
            "NgayCapNhat": "updated_at",
        },
        enums={
            "deployment_mode": {
                "tap_trung": "centralised",
                "doc_lap_dong_bo": "standalone_synced",
                "doc_lap": "standalone",
            }
        },
        dates=frozenset({"deployed_since", "rating_since", "updated_at"}),
        date_format=DATE_FORMAT,
    ),
    "feedback": EntityMapping(
        columns={
            "MaPhanAnh": "feedback_id",
            "MaDonVi": "unit_code",
            "NgayGui": "received_at",
            "NgayTraLoi": "answered_at",
            "NgayCapNhat": "updated_at",
        },
        dates=frozenset({"received_at", "answered_at", "updated_at"}),
        date_format=DATE_FORMAT,
    ),
    "interlink_transfer": EntityMapping(
        columns={
            "MaLienThong": "transfer_id",
            "MaHoSo": "dossier_id",
            "DonViGui": "from_unit_code",
            "DonViNhan": "to_unit_code",
            "NgayGui": "sent_at",
            "GuiTrucTuyen": "sent_online",
            "NgayCapNhat": "updated_at",
        },
        dates=frozenset({"sent_at", "updated_at"}),
        date_format=DATE_FORMAT,
    ),
}


def make_auth(config: SourceConfig) -> Auth:
    """OAuth2 client credentials against ``{base}/oauth/token``."""
    return OAuth2ClientCredentials(
        config.setting("client_id"),
        config.secret("client_secret"),
        token_path="/oauth/token",
        refresh_margin_s=config.http.token_refresh_margin_s,
    )


SOURCE = SourceSpec(name=NAME, label="TTHC", make_auth=make_auth)


def _endpoint(entity: str, path: str, natural_key: str, *, register: bool = False) -> EndpointSpec:
    return EndpointSpec(
        source=NAME,
        entity=entity,
        path=path,
        natural_key=natural_key,
        mapping=MAPPINGS[entity],
        paging=PAGING,
        incremental=INCREMENTAL,
        register=register,
    )


UNITS = _endpoint("unit", "/api/donvi", "unit_code", register=True)
PROCEDURES = _endpoint("procedure", "/api/thutuc", "procedure_code", register=True)
DOSSIERS = _endpoint("dossier", "/api/hoso", "dossier_id")
PAYMENTS = _endpoint("payment", "/api/giaodich", "payment_id")
UNIT_PROCEDURES = _endpoint("unit_procedure", "/api/thutuc-donvi", "config_id", register=True)
ONE_STOP_UNITS = _endpoint("one_stop_unit", "/api/motcua-donvi", "unit_code", register=True)
FEEDBACK = _endpoint("feedback", "/api/phananh", "feedback_id")
INTERLINK_TRANSFERS = _endpoint("interlink_transfer", "/api/lienthong", "transfer_id")
ENDPOINTS: tuple[EndpointSpec, ...] = (
    UNITS,
    PROCEDURES,
    DOSSIERS,
    PAYMENTS,
    UNIT_PROCEDURES,
    ONE_STOP_UNITS,
    FEEDBACK,
    INTERLINK_TRANSFERS,
)


def fetch_units(
    client: HttpClient,
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    stats: PullStats | None = None,
) -> Iterator[Page]:
    """Org units (``/api/donvi``), optionally only those updated in [since, until]."""
    return fetch_endpoint(client, UNITS, since=since, until=until, stats=stats)


def fetch_procedures(
    client: HttpClient,
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    stats: PullStats | None = None,
) -> Iterator[Page]:
    """Administrative procedures (``/api/thutuc``) updated in [since, until]."""
    return fetch_endpoint(client, PROCEDURES, since=since, until=until, stats=stats)


def fetch_dossiers(
    client: HttpClient,
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    stats: PullStats | None = None,
) -> Iterator[Page]:
    """Dossiers (``/api/hoso``) updated in [since, until]."""
    return fetch_endpoint(client, DOSSIERS, since=since, until=until, stats=stats)


def fetch_payments(
    client: HttpClient,
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    stats: PullStats | None = None,
) -> Iterator[Page]:
    """Online payments (``/api/giaodich``) updated in [since, until]."""
    return fetch_endpoint(client, PAYMENTS, since=since, until=until, stats=stats)


def fetch_unit_procedures(
    client: HttpClient,
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    stats: PullStats | None = None,
) -> Iterator[Page]:
    """Each unit's procedures, one-stop configuration and online publication
    (``/api/thutuc-donvi``) updated in [since, until]."""
    return fetch_endpoint(client, UNIT_PROCEDURES, since=since, until=until, stats=stats)


def fetch_one_stop_units(
    client: HttpClient,
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    stats: PullStats | None = None,
) -> Iterator[Page]:
    """One-stop sites: deployment mode and rating module (``/api/motcua-donvi``)."""
    return fetch_endpoint(client, ONE_STOP_UNITS, since=since, until=until, stats=stats)


def fetch_feedback(
    client: HttpClient,
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    stats: PullStats | None = None,
) -> Iterator[Page]:
    """Citizens' feedback to units and its answers (``/api/phananh``)."""
    return fetch_endpoint(client, FEEDBACK, since=since, until=until, stats=stats)


def fetch_interlink_transfers(
    client: HttpClient,
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    stats: PullStats | None = None,
) -> Iterator[Page]:
    """Hand-offs of interlinked dossiers to the next level (``/api/lienthong``)."""
    return fetch_endpoint(client, INTERLINK_TRANSFERS, since=since, until=until, stats=stats)
