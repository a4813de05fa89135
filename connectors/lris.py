"""LRIS, the provincial reporting information system.

HTTP Basic; numbered pages from 1 (``page``/``per_page``) with the next page's URL in
the ``Link`` header (``rel="next"``) and a plain JSON array as body; ``updated_since``
(``yyyy-MM-dd HH:mm:ss``) on submissions only; dates ``yyyy-MM-dd HH:mm:ss`` local
time. See docs/source-apis.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from connectors.auth import Auth, BasicAuth
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
from connectors.paging import LinkHeaderPaging

NAME = "lris"
DATE_FORMAT = LocalDateFormat("%Y-%m-%d %H:%M:%S")
PAGING = LinkHeaderPaging(
    page_param="page",
    size_param="per_page",
    first_page=1,
    default_page_size=500,
    max_page_size=500,
)
INCREMENTAL = Incremental(since_param="updated_since", until_param=None, date_format=DATE_FORMAT)

# The mapping table: source field → our column, enum codes → our words, date columns.
MAPPINGS: dict[str, EntityMapping] = {
    "report_regime": EntityMapping(
        columns={
            "ma_che_do": "regime_code",
            "ten_che_do": "regime_name",
            "ky_bao_cao": "period_type",
            "ket_noi_chinh_phu": "gov_connection_required",
            "ngay_cap_nhat": "updated_at",
        },
        enums={"period_type": {"thang": "month", "quy": "quarter", "nam": "year"}},
        dates=frozenset({"updated_at"}),
        date_format=DATE_FORMAT,
    ),
    "report_submission": EntityMapping(
        columns={
            "ma_bao_cao": "submission_id",
            "ma_che_do": "regime_code",
            "ma_don_vi": "unit_code",
            "ky": "report_period",
            "han_nop": "due_at",
            "thoi_gian_nop": "submitted_at",
            "gui_qua_lris": "via_lris",
            "day_du": "complete",
            "gui_chinh_phu": "sent_to_gov",
            "ngay_cap_nhat": "updated_at",
        },
        dates=frozenset({"due_at", "submitted_at", "updated_at"}),
        date_format=DATE_FORMAT,
    ),
    "statistic": EntityMapping(
        columns={
            "ma_so_lieu": "statistic_id",
            "ma_chi_tieu": "indicator_code",
            "ma_don_vi": "unit_code",
            "ky": "report_period",
            "gia_tri": "value",
            "ngay_cap_nhat": "updated_at",
        },
        dates=frozenset({"updated_at"}),
        date_format=DATE_FORMAT,
    ),
    "it_report": EntityMapping(
        columns={
            "ma_ho_so": "report_id",
            "ma_don_vi": "unit_code",
            "loai_bao_cao": "report_kind",
            "ky": "report_period",
            "so_ky_hieu": "document_no",
            "ngay_ban_hanh": "issued_on",
            "duong_dan": "link",
            "thoi_gian_nop": "submitted_at",
            "ngay_cap_nhat": "updated_at",
        },
        enums={"report_kind": {"ket_qua_ke_hoach": "plan_completion", "dinh_ky": "periodic"}},
        dates=frozenset({"issued_on", "submitted_at", "updated_at"}),
        date_format=DATE_FORMAT,
    ),
}


def make_auth(config: SourceConfig) -> Auth:
    """HTTP Basic with the configured username and the password from the environment."""
    return BasicAuth(config.setting("username"), config.secret("password"))


SOURCE = SourceSpec(name=NAME, label="LRIS", make_auth=make_auth)

REPORT_REGIMES = EndpointSpec(
    source=NAME,
    entity="report_regime",
    path="/api/che-do-bao-cao",
    natural_key="regime_code",
    mapping=MAPPINGS["report_regime"],
    paging=PAGING,
    register=True,
)
REPORT_SUBMISSIONS = EndpointSpec(
    source=NAME,
    entity="report_submission",
    path="/api/bao-cao",
    natural_key="submission_id",
    mapping=MAPPINGS["report_submission"],
    paging=PAGING,
    incremental=INCREMENTAL,
)
STATISTICS = EndpointSpec(
    source=NAME,
    entity="statistic",
    path="/api/so-lieu-thong-ke",
    natural_key="statistic_id",
    mapping=MAPPINGS["statistic"],
    paging=PAGING,
    incremental=INCREMENTAL,
)
IT_REPORTS = EndpointSpec(
    source=NAME,
    entity="it_report",
    path="/api/bao-cao-cntt",
    natural_key="report_id",
    mapping=MAPPINGS["it_report"],
    paging=PAGING,
    incremental=INCREMENTAL,
)
ENDPOINTS: tuple[EndpointSpec, ...] = (REPORT_REGIMES, REPORT_SUBMISSIONS, STATISTICS, IT_REPORTS)


def fetch_report_regimes(client: HttpClient, *, stats: PullStats | None = None) -> Iterator[Page]:
    """All report regimes (``/api/che-do-bao-cao``); LRIS cannot filter them."""
    return fetch_endpoint(client, REPORT_REGIMES, stats=stats)


def fetch_report_submissions(
    client: HttpClient, since: datetime | None = None, *, stats: PullStats | None = None
) -> Iterator[Page]:
    """Report submissions (``/api/bao-cao``) updated since `since`."""
    return fetch_endpoint(client, REPORT_SUBMISSIONS, since=since, stats=stats)


def fetch_statistics(
    client: HttpClient, since: datetime | None = None, *, stats: PullStats | None = None
) -> Iterator[Page]:
    """Yearly statistical indicators of communes and districts (``/api/so-lieu-thong-ke``)."""
    return fetch_endpoint(client, STATISTICS, since=since, stats=stats)


def fetch_it_reports(
    client: HttpClient, since: datetime | None = None, *, stats: PullStats | None = None
) -> Iterator[Page]:
    """IT-application reports of departments and districts (``/api/bao-cao-cntt``)."""
    return fetch_endpoint(client, IT_REPORTS, since=since, stats=stats)
