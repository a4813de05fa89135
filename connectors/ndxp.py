"""NDXP/LGSP, the national and provincial data-exchange platforms.

Static bearer token; no paging (each call returns the whole JSON array); no update
filter; dates ``yyyy-MM-dd``. See docs/source-apis.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from connectors.auth import Auth, StaticBearer
from connectors.base import Page
from connectors.config import SourceConfig
from connectors.endpoint import EndpointSpec, PullStats, SourceSpec, fetch_endpoint
from connectors.http import HttpClient
from connectors.mapping import EntityMapping, LocalDateFormat
from connectors.paging import NoPaging

NAME = "ndxp"
DATE_FORMAT = LocalDateFormat("%Y-%m-%d")
PAGING = NoPaging()

# The mapping table: source field → our column, enum codes → our words, date columns.
MAPPINGS: dict[str, EntityMapping] = {
    "data_service": EntityMapping(
        columns={
            "maDichVu": "service_code",
            "tenDichVu": "service_name",
            "boNganhCungCap": "provider",
            "trangThai": "status",
            "tuNgay": "status_since",
        },
        enums={
            "status": {
                "chinh_thuc": "official",
                "thu_nghiem": "trial",
                "chua_ket_noi": "not_connected",
            }
        },
        dates=frozenset({"status_since"}),
        date_format=DATE_FORMAT,
    ),
    "shared_data_app": EntityMapping(
        columns={
            "maUngDung": "app_code",
            "tenUngDung": "app_name",
            "coDuLieuDungChung": "holds_shared_data",
            "canKetNoiLGSP": "needs_lgsp",
            "daKetNoiLGSP": "connected_lgsp",
            "tuNgay": "connected_since",
        },
        dates=frozenset({"connected_since"}),
        date_format=DATE_FORMAT,
    ),
}


def make_auth(config: SourceConfig) -> Auth:
    """The static token as ``Authorization: Bearer``."""
    return StaticBearer(config.secret("token"))


SOURCE = SourceSpec(name=NAME, label="NDXP", make_auth=make_auth)

DATA_SERVICES = EndpointSpec(
    source=NAME,
    entity="data_service",
    path="/api/dich-vu-du-lieu",
    natural_key="service_code",
    mapping=MAPPINGS["data_service"],
    paging=PAGING,
)
SHARED_DATA_APPS = EndpointSpec(
    source=NAME,
    entity="shared_data_app",
    path="/api/ung-dung",
    natural_key="app_code",
    mapping=MAPPINGS["shared_data_app"],
    paging=PAGING,
)
ENDPOINTS: tuple[EndpointSpec, ...] = (DATA_SERVICES, SHARED_DATA_APPS)


def fetch_data_services(client: HttpClient, *, stats: PullStats | None = None) -> Iterator[Page]:
    """All data services available to the province (``/api/dich-vu-du-lieu``)."""
    return fetch_endpoint(client, DATA_SERVICES, stats=stats)


def fetch_shared_data_apps(client: HttpClient, *, stats: PullStats | None = None) -> Iterator[Page]:
    """The province's applications holding shared data (``/api/ung-dung``)."""
    return fetch_endpoint(client, SHARED_DATA_APPS, stats=stats)
