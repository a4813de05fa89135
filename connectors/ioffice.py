"""iOffice, the document management and executive system (on the VDXP exchange axis).

API key in ``X-API-Key``; cursor paging (``next`` is the absolute URL of the next page,
null at the end); ``updated_since`` (ISO 8601 with offset) filters on ``ngayCapNhat``,
with no upper bound; dates ISO 8601 with any offset, converted to local time. See
docs/source-apis.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from connectors.auth import ApiKeyHeader, Auth
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
from connectors.mapping import EntityMapping, IsoOffsetDateFormat
from connectors.paging import CursorPaging

NAME = "ioffice"
DATE_FORMAT = IsoOffsetDateFormat()
PAGING = CursorPaging(
    limit_param="limit",
    items_key="data",
    next_key="next",
    default_page_size=1000,
    max_page_size=1000,
)
# The system has no upper bound: `until` cannot narrow an iOffice pull.
INCREMENTAL = Incremental(since_param="updated_since", until_param=None, date_format=DATE_FORMAT)

_FORM = {"dien_tu": "electronic", "giay": "paper", "ca_hai": "both"}

# The mapping table: source field → our column, enum codes → our words, date columns.
MAPPINGS: dict[str, EntityMapping] = {
    "incoming_document": EntityMapping(
        columns={
            "id": "document_id",
            "soKyHieu": "reference_no",
            "ngayDen": "received_at",
            "donViNhan": "unit_code",
            "donViGui": "sender_code",
            "doMat": "is_secret",
            "hinhThuc": "form",
            "xuLyTrenMang": "processed_online",
            "quaTrucLienThong": "via_vdxp",
            "trinhLanhDao": "presented_to_leader",
            "lanhDaoChiDao": "leader_directed",
            "kySo": "digitally_signed",
            "ngayCapNhat": "updated_at",
        },
        enums={"form": _FORM},
        dates=frozenset({"received_at", "updated_at"}),
        date_format=DATE_FORMAT,
    ),
    "outgoing_document": EntityMapping(
        columns={
            "id": "document_id",
            "soKyHieu": "reference_no",
            "ngayBanHanh": "issued_at",
            "donViBanHanh": "unit_code",
            "doMat": "is_secret",
            "hinhThuc": "form",
            "kySo": "digitally_signed",
            "quaTrucLienThong": "via_vdxp",
            "trinhLanhDao": "submitted_to_leader",
            "lanhDaoDuyet": "leader_approved",
            "kySoCoQuan": "agency_signed",
            "kySoLanhDao": "leader_signed",
            "nguoiKy": "signer_code",
            "ngayCapNhat": "updated_at",
        },
        enums={"form": _FORM},
        dates=frozenset({"issued_at", "updated_at"}),
        date_format=DATE_FORMAT,
    ),
    "work_file": EntityMapping(
        columns={
            "id": "work_file_id",
            "donVi": "unit_code",
            "ngayTao": "opened_at",
            "doMat": "is_secret",
            "xuLyTrenMang": "processed_online",
            "ngayCapNhat": "updated_at",
        },
        dates=frozenset({"opened_at", "updated_at"}),
        date_format=DATE_FORMAT,
    ),
    "connected_unit": EntityMapping(
        columns={
            "maDonVi": "unit_code",
            "ketNoi4Cap": "connected_4level",
            "ketNoiTrucQuocGia": "connected_vdxp",
            "ngayKetNoi": "connected_since",
            "ngayCapNhat": "updated_at",
        },
        dates=frozenset({"connected_since", "updated_at"}),
        date_format=DATE_FORMAT,
    ),
    "edms_unit": EntityMapping(
        columns={
            "maDonVi": "unit_code",
            "tenDonVi": "unit_name",
            "maDonViCha": "parent_code",
            "loaiDonVi": "unit_kind",
            "ngaySuDung": "using_since",
            "ngayCapNhat": "updated_at",
        },
        enums={
            "unit_kind": {
                "truc_thuoc_so": "department_affiliate",
                "su_nghiep_huyen": "district_service_unit",
            }
        },
        dates=frozenset({"using_since", "updated_at"}),
        date_format=DATE_FORMAT,
    ),
    "edms_usage": EntityMapping(
        columns={
            "id": "usage_id",
            "maDonVi": "unit_code",
            "thang": "month",
            "vanBanDen": "incoming_docs",
            "vanBanDi": "outgoing_docs",
            "taiKhoanCongChuc": "civil_servant_accounts",
            "congChucThuongXuyen": "civil_servants_regular",
            "taiKhoanVienChuc": "public_employee_accounts",
            "vienChucThuongXuyen": "public_employees_regular",
            "taiKhoanKhongChuyenTrach": "part_time_accounts",
            "khongChuyenTrachThuongXuyen": "part_time_regular",
            "ngayCapNhat": "updated_at",
        },
        dates=frozenset({"updated_at"}),
        date_format=DATE_FORMAT,
    ),
}


def make_auth(config: SourceConfig) -> Auth:
    """The API key in an ``X-API-Key`` header."""
    return ApiKeyHeader(config.secret("api_key"), header="X-API-Key")


SOURCE = SourceSpec(name=NAME, label="iOffice", make_auth=make_auth)


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


INCOMING_DOCUMENTS = _endpoint("incoming_document", "/api/v1/van-ban-den", "document_id")
OUTGOING_DOCUMENTS = _endpoint("outgoing_document", "/api/v1/van-ban-di", "document_id")
WORK_FILES = _endpoint("work_file", "/api/v1/ho-so-cong-viec", "work_file_id")
CONNECTED_UNITS = _endpoint(
    "connected_unit", "/api/v1/don-vi-lien-thong", "unit_code", register=True
)
EDMS_UNITS = _endpoint("edms_unit", "/api/v1/don-vi-truc-thuoc", "unit_code", register=True)
EDMS_USAGE = _endpoint("edms_usage", "/api/v1/thong-ke-su-dung", "usage_id")
ENDPOINTS: tuple[EndpointSpec, ...] = (
    INCOMING_DOCUMENTS,
    OUTGOING_DOCUMENTS,
    WORK_FILES,
    CONNECTED_UNITS,
    EDMS_UNITS,
    EDMS_USAGE,
)


def fetch_incoming_documents(
    client: HttpClient, since: datetime | None = None, *, stats: PullStats | None = None
) -> Iterator[Page]:
    """Incoming documents (``/api/v1/van-ban-den``) updated since `since`."""
    return fetch_endpoint(client, INCOMING_DOCUMENTS, since=since, stats=stats)


def fetch_outgoing_documents(
    client: HttpClient, since: datetime | None = None, *, stats: PullStats | None = None
) -> Iterator[Page]:
    """Outgoing documents (``/api/v1/van-ban-di``) updated since `since`."""
    return fetch_endpoint(client, OUTGOING_DOCUMENTS, since=since, stats=stats)


def fetch_work_files(
    client: HttpClient, since: datetime | None = None, *, stats: PullStats | None = None
) -> Iterator[Page]:
    """Work files (``/api/v1/ho-so-cong-viec``) updated since `since`."""
    return fetch_endpoint(client, WORK_FILES, since=since, stats=stats)


def fetch_connected_units(
    client: HttpClient, since: datetime | None = None, *, stats: PullStats | None = None
) -> Iterator[Page]:
    """Units connected to 4-level exchange (``/api/v1/don-vi-lien-thong``)."""
    return fetch_endpoint(client, CONNECTED_UNITS, since=since, stats=stats)


def fetch_edms_units(
    client: HttpClient, since: datetime | None = None, *, stats: PullStats | None = None
) -> Iterator[Page]:
    """iOffice's affiliated and public service units (``/api/v1/don-vi-truc-thuoc``)."""
    return fetch_endpoint(client, EDMS_UNITS, since=since, stats=stats)


def fetch_edms_usage(
    client: HttpClient, since: datetime | None = None, *, stats: PullStats | None = None
) -> Iterator[Page]:
    """Monthly usage statistics per unit (``/api/v1/thong-ke-su-dung``)."""
    return fetch_endpoint(client, EDMS_USAGE, since=since, stats=stats)
