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
    "platform_link": EntityMapping(
        columns={
            "maKetNoi": "link_id",
            "maDonVi": "unit_code",
            "heThong": "system",
            "tuNgay": "since",
            "denNgay": "until",
        },
        enums={
            "system": {
                "ho_tich": "civil_registry",
                "dang_ky_kinh_doanh": "business_registration",
                "sso": "single_sign_on",
            }
        },
        dates=frozenset({"since", "until"}),
        date_format=DATE_FORMAT,
    ),
    "population_snapshot": EntityMapping(
        columns={
            "maSoLieu": "snapshot_id",
            "maDonVi": "unit_code",
            "ngayChot": "snapshot_on",
            "soDanSoHoa": "residents_digitised",
        },
        dates=frozenset({"snapshot_on"}),
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
    register=True,
)
SHARED_DATA_APPS = EndpointSpec(
    source=NAME,
    entity="shared_data_app",
    path="/api/ung-dung",
    natural_key="app_code",
    mapping=MAPPINGS["shared_data_app"],
    paging=PAGING,
    register=True,
)
PLATFORM_LINKS = EndpointSpec(
    source=NAME,
    entity="platform_link",
    path="/api/ket-noi-don-vi",
    natural_key="link_id",
    mapping=MAPPINGS["platform_link"],
    paging=PAGING,
)
POPULATION_SNAPSHOTS = EndpointSpec(
    source=NAME,
    entity="population_snapshot",
    path="/api/dan-cu-so-hoa",
    natural_key="snapshot_id",
    mapping=MAPPINGS["population_snapshot"],
    paging=PAGING,
)
ENDPOINTS: tuple[EndpointSpec, ...] = (
    DATA_SERVICES,
    SHARED_DATA_APPS,
    PLATFORM_LINKS,
    POPULATION_SNAPSHOTS,
)


def fetch_data_services(client: HttpClient, *, stats: PullStats | None = None) -> Iterator[Page]:
    """All data services available to the province (``/api/dich-vu-du-lieu``)."""
    return fetch_endpoint(client, DATA_SERVICES, stats=stats)


def fetch_shared_data_apps(client: HttpClient, *, stats: PullStats | None = None) -> Iterator[Page]:
    """The province's applications holding shared data (``/api/ung-dung``)."""
    return fetch_endpoint(client, SHARED_DATA_APPS, stats=stats)


def fetch_platform_links(client: HttpClient, *, stats: PullStats | None = None) -> Iterator[Page]:
    """Units' links to national systems and the shared SSO (``/api/ket-noi-don-vi``)."""
    return fetch_endpoint(client, PLATFORM_LINKS, stats=stats)


def fetch_population_snapshots(
    client: HttpClient, *, stats: PullStats | None = None
) -> Iterator[Page]:
    """Residents digitised in the population database per commune and month
    (``/api/dan-cu-so-hoa``)."""
    return fetch_endpoint(client, POPULATION_SNAPSHOTS, stats=stats)
