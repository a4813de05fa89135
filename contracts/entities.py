"""The contract of every entity that enters the warehouse (docs/source-apis.md).

One pandera model per entity states our columns, their types, which may be null, the
allowed enum words, ranges and cross-field rules. `validate_page` applies a model to a
page a connector yielded and splits it into typed valid rows and rejected rows, each
with a readable reason (e.g. ``amount: 'N/A' is not a number``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pandera.errors as pa_errors
import pandera.pandas as pa
from pandera.typing import Series

from contracts._coerce import MOMENT_DTYPE, NOT_READABLE, Kind, coerce, kind_of, null_column
from contracts._quick_check import column_check_holds
from contracts._readable import (
    Issues,
    RowExplainer,
    add_pandera_failures,
    show,
    show_column,
)

RECORD_COLUMN = "_record"
REASON_COLUMN = "_reason"
CURSOR_COLUMN = "updated_at"
DATE_MIN = pd.Timestamp("2000-01-01")
DATE_MAX = pd.Timestamp("2100-01-01")
ABSENT = "column absent from the page (source field renamed or absent)"

UNIT_LEVELS = ("province", "department", "district", "district_office", "commune")
PROCEDURE_LEVELS = ("province", "district", "commune")
SERVICE_LEVELS = ("full", "partial", "none")
DOSSIER_CHANNELS = ("offline", "online", "postal")
DOSSIER_STATUSES = ("in_progress", "resolved", "returned", "withdrawn")
PAYMENT_CHANNELS = ("online", "offline")
DOCUMENT_FORMS = ("electronic", "paper", "both")
PERIOD_TYPES = ("month", "quarter", "year")
DATA_SERVICE_STATUSES = ("official", "trial", "not_connected")
REPORT_PERIOD_PATTERN = r"^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$"
INTERLINK_KINDS = ("none", "commune_district", "district_province", "three_level")
DEPLOYMENT_MODES = ("centralised", "standalone_synced", "standalone")
EDMS_UNIT_KINDS = ("department_affiliate", "district_service_unit")
IT_REPORT_KINDS = ("plan_completion", "periodic")
PLATFORM_SYSTEMS = ("civil_registry", "business_registration", "single_sign_on")
YEAR_PATTERN = r"^\d{4}$"
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


# --- field helpers: one place for what "a key", "a date", "a flag" mean -------------


def _key() -> Any:
    return pa.Field(nullable=False, str_length={"min_value": 1})


def _text(nullable: bool = False) -> Any:
    return pa.Field(nullable=nullable)


def _enum(words: tuple[str, ...]) -> Any:
    return pa.Field(nullable=False, isin=list(words))


def _date(nullable: bool = False) -> Any:
    return pa.Field(nullable=nullable, ge=DATE_MIN, lt=DATE_MAX)


def _flag() -> Any:
    return pa.Field(nullable=False)


def _amount() -> Any:
    return pa.Field(nullable=False, ge=0)


def _count() -> Any:
    return pa.Field(nullable=False, ge=0)


# --- cross-field rules ---------------------------------------------------------------


@dataclass(frozen=True)
class NotBefore:
    """`later` is not before `earlier` when both are present."""

    later: str
    earlier: str

    @property
    def name(self) -> str:
        return f"{self.later}_not_before_{self.earlier}"

    def holds(self, df: pd.DataFrame) -> pd.Series:
        later, earlier = df[self.later], df[self.earlier]
        return (later.isna() | earlier.isna() | (later >= earlier)).astype(bool)

    def explain(self, df: pd.DataFrame) -> pd.Series:
        return (
            f"{self.later} "
            + show_column(df[self.later])
            + f" is before {self.earlier} "
            + show_column(df[self.earlier])
        )


@dataclass(frozen=True)
class RequiredWhen:
    """`column` is present when `when` equals `value` (or, with `negate`, differs)."""

    column: str
    when: str
    value: str
    negate: bool = False

    @property
    def name(self) -> str:
        relation = "unless" if self.negate else "when"
        return f"{self.column}_required_{relation}_{self.when}_{self.value}"

    def holds(self, df: pd.DataFrame) -> pd.Series:
        matches = (df[self.when] == self.value).fillna(False).astype(bool)
        applies = ~matches if self.negate else matches
        return (~applies | df[self.column].notna()).astype(bool)

    def explain(self, df: pd.DataFrame) -> pd.Series:
        shown = df[self.when].astype(object).map(show)
        return f"{self.column}: missing although {self.when} is " + shown


@dataclass(frozen=True)
class NotAbove:
    """`part` is not above `whole` when both are present (regular users of accounts)."""

    part: str
    whole: str

    @property
    def name(self) -> str:
        return f"{self.part}_not_above_{self.whole}"

    def holds(self, df: pd.DataFrame) -> pd.Series:
        part, whole = df[self.part], df[self.whole]
        return (part.isna() | whole.isna() | (part <= whole)).astype(bool)

    def explain(self, df: pd.DataFrame) -> pd.Series:
        return (
            f"{self.part} "
            + show_column(df[self.part])
            + f" is above {self.whole} "
            + show_column(df[self.whole])
        )


RESOLVED_NOT_BEFORE_RECEIVED = NotBefore("resolved_at", "received_at")
DUE_NOT_BEFORE_RECEIVED = NotBefore("due_at", "received_at")
RESOLVED_HAS_DATE = RequiredWhen("resolved_at", "status", "resolved")
VALID_TO_NOT_BEFORE_VALID_FROM = NotBefore("valid_to", "valid_from")
PARENT_UNLESS_PROVINCE = RequiredWhen("parent_code", "unit_level", "province", negate=True)
ANSWERED_NOT_BEFORE_RECEIVED = NotBefore("answered_at", "received_at")
UNTIL_NOT_BEFORE_SINCE = NotBefore("until", "since")
REGULAR_USERS = (
    NotAbove("civil_servants_regular", "civil_servant_accounts"),
    NotAbove("public_employees_regular", "public_employee_accounts"),
    NotAbove("part_time_regular", "part_time_accounts"),
)

ROW_RULES: dict[str, NotBefore | RequiredWhen | NotAbove] = {
    rule.name: rule
    for rule in (
        RESOLVED_NOT_BEFORE_RECEIVED,
        DUE_NOT_BEFORE_RECEIVED,
        RESOLVED_HAS_DATE,
        VALID_TO_NOT_BEFORE_VALID_FROM,
        PARENT_UNLESS_PROVINCE,
        ANSWERED_NOT_BEFORE_RECEIVED,
        UNTIL_NOT_BEFORE_SINCE,
        *REGULAR_USERS,
    )
}
"""Every cross-field rule by the name of the model check that applies it."""


# --- the models ----------------------------------------------------------------------


class EntityModel(pa.DataFrameModel):
    """Common configuration: cast to the declared types; `_record` passes through."""

    class Config:
        coerce = True
        strict = False


class Unit(EntityModel):
    """An org unit of the province (TTHC `donvi`)."""

    unit_code: Series[str] = _key()
    unit_name: Series[str] = _text()
    unit_level: Series[str] = _enum(UNIT_LEVELS)
    parent_code: Series[str] = _text(nullable=True)
    valid_from: Series[pd.Timestamp] = _date()
    valid_to: Series[pd.Timestamp] = _date(nullable=True)
    updated_at: Series[pd.Timestamp] = _date()

    @pa.dataframe_check(name=VALID_TO_NOT_BEFORE_VALID_FROM.name)
    def _valid_to_not_before_valid_from(cls, df: pd.DataFrame) -> pd.Series:
        return VALID_TO_NOT_BEFORE_VALID_FROM.holds(df)

    @pa.dataframe_check(name=PARENT_UNLESS_PROVINCE.name)
    def _parent_unless_province(cls, df: pd.DataFrame) -> pd.Series:
        return PARENT_UNLESS_PROVINCE.holds(df)


class Procedure(EntityModel):
    """An administrative procedure (TTHC `thutuc`)."""

    procedure_code: Series[str] = _key()
    procedure_name: Series[str] = _text()
    procedure_level: Series[str] = _enum(PROCEDURE_LEVELS)
    agency_code: Series[str] = _text(nullable=True)
    service_level: Series[str] = _enum(SERVICE_LEVELS)
    fullonline_eligible: Series[pd.BooleanDtype] = _flag()
    has_fin_obligation: Series[pd.BooleanDtype] = _flag()
    online_payment_enabled: Series[pd.BooleanDtype] = _flag()
    integrated_national: Series[pd.BooleanDtype] = _flag()
    has_helpdesk: Series[pd.BooleanDtype] = _flag()
    mobile_signature_enabled: Series[pd.BooleanDtype] = _flag()
    updated_at: Series[pd.Timestamp] = _date()
    interlink: Series[str] = _enum(INTERLINK_KINDS)


class Dossier(EntityModel):
    """A dossier (application) received for a procedure (TTHC `hoso`)."""

    dossier_id: Series[str] = _key()
    procedure_code: Series[str] = _text()
    unit_code: Series[str] = _text()
    channel: Series[str] = _enum(DOSSIER_CHANNELS)
    received_at: Series[pd.Timestamp] = _date()
    due_at: Series[pd.Timestamp] = _date()
    resolved_at: Series[pd.Timestamp] = _date(nullable=True)
    status: Series[str] = _enum(DOSSIER_STATUSES)
    digitised: Series[pd.BooleanDtype] = _flag()
    e_result_issued: Series[pd.BooleanDtype] = _flag()
    paid_online: Series[pd.BooleanDtype] = _flag()
    via_onestop: Series[pd.BooleanDtype] = _flag()
    updated_at: Series[pd.Timestamp] = _date()
    status_published: Series[pd.BooleanDtype] = _flag()

    @pa.dataframe_check(name=RESOLVED_NOT_BEFORE_RECEIVED.name)
    def _resolved_not_before_received(cls, df: pd.DataFrame) -> pd.Series:
        return RESOLVED_NOT_BEFORE_RECEIVED.holds(df)

    @pa.dataframe_check(name=DUE_NOT_BEFORE_RECEIVED.name)
    def _due_not_before_received(cls, df: pd.DataFrame) -> pd.Series:
        return DUE_NOT_BEFORE_RECEIVED.holds(df)

    @pa.dataframe_check(name=RESOLVED_HAS_DATE.name)
    def _resolved_has_date(cls, df: pd.DataFrame) -> pd.Series:
        return RESOLVED_HAS_DATE.holds(df)


class Payment(EntityModel):
    """A fee payment for a dossier (TTHC `giaodich`)."""

    payment_id: Series[str] = _key()
    dossier_id: Series[str] = _text()
    amount: Series[float] = _amount()
    paid_at: Series[pd.Timestamp] = _date()
    payment_channel: Series[str] = _enum(PAYMENT_CHANNELS)
    updated_at: Series[pd.Timestamp] = _date()


class IncomingDocument(EntityModel):
    """A document a unit received (iOffice `van-ban-den`)."""

    document_id: Series[str] = _key()
    reference_no: Series[str] = _text()
    received_at: Series[pd.Timestamp] = _date()
    unit_code: Series[str] = _text()
    sender_code: Series[str] = _text(nullable=True)
    is_secret: Series[pd.BooleanDtype] = _flag()
    form: Series[str] = _enum(DOCUMENT_FORMS)
    processed_online: Series[pd.BooleanDtype] = _flag()
    via_vdxp: Series[pd.BooleanDtype] = _flag()
    updated_at: Series[pd.Timestamp] = _date()
    presented_to_leader: Series[pd.BooleanDtype] = _flag()
    leader_directed: Series[pd.BooleanDtype] = _flag()
    digitally_signed: Series[pd.BooleanDtype] = _flag()


class OutgoingDocument(EntityModel):
    """A document a unit issued (iOffice `van-ban-di`)."""

    document_id: Series[str] = _key()
    reference_no: Series[str] = _text()
    issued_at: Series[pd.Timestamp] = _date()
    unit_code: Series[str] = _text()
    is_secret: Series[pd.BooleanDtype] = _flag()
    form: Series[str] = _enum(DOCUMENT_FORMS)
    digitally_signed: Series[pd.BooleanDtype] = _flag()
    via_vdxp: Series[pd.BooleanDtype] = _flag()
    updated_at: Series[pd.Timestamp] = _date()
    submitted_to_leader: Series[pd.BooleanDtype] = _flag()
    leader_approved: Series[pd.BooleanDtype] = _flag()
    agency_signed: Series[pd.BooleanDtype] = _flag()
    leader_signed: Series[pd.BooleanDtype] = _flag()
    signer_code: Series[str] = _text(nullable=True)


class WorkFile(EntityModel):
    """A work file (hồ sơ công việc) of a unit (iOffice `ho-so-cong-viec`)."""

    work_file_id: Series[str] = _key()
    unit_code: Series[str] = _text()
    opened_at: Series[pd.Timestamp] = _date()
    is_secret: Series[pd.BooleanDtype] = _flag()
    processed_online: Series[pd.BooleanDtype] = _flag()
    updated_at: Series[pd.Timestamp] = _date()


class ConnectedUnit(EntityModel):
    """A unit's connection to the document-exchange axes (iOffice `don-vi-lien-thong`)."""

    unit_code: Series[str] = _key()
    connected_4level: Series[pd.BooleanDtype] = _flag()
    connected_vdxp: Series[pd.BooleanDtype] = _flag()
    connected_since: Series[pd.Timestamp] = _date(nullable=True)
    updated_at: Series[pd.Timestamp] = _date()


class ReportRegime(EntityModel):
    """A reporting regime (LRIS `che-do-bao-cao`)."""

    regime_code: Series[str] = _key()
    regime_name: Series[str] = _text()
    period_type: Series[str] = _enum(PERIOD_TYPES)
    gov_connection_required: Series[pd.BooleanDtype] = _flag()
    updated_at: Series[pd.Timestamp] = _date()


class ReportSubmission(EntityModel):
    """One unit's report for one period of a regime (LRIS `bao-cao`)."""

    submission_id: Series[str] = _key()
    regime_code: Series[str] = _text()
    unit_code: Series[str] = _text()
    report_period: Series[str] = _text()
    due_at: Series[pd.Timestamp] = _date()
    submitted_at: Series[pd.Timestamp] = _date(nullable=True)
    via_lris: Series[pd.BooleanDtype] = _flag()
    complete: Series[pd.BooleanDtype] = _flag()
    sent_to_gov: Series[pd.BooleanDtype] = _flag()
    updated_at: Series[pd.Timestamp] = _date()

    @pa.check("report_period", error="is not a period (2024, 2024-Q1 or 2024-01)")
    def _report_period(cls, values: pd.Series) -> pd.Series:
        return values.str.fullmatch(REPORT_PERIOD_PATTERN).fillna(False).astype(bool)


class DataService(EntityModel):
    """A data service available to the province (NDXP `dich-vu-du-lieu`)."""

    service_code: Series[str] = _key()
    service_name: Series[str] = _text()
    provider: Series[str] = _text(nullable=True)
    status: Series[str] = _enum(DATA_SERVICE_STATUSES)
    status_since: Series[pd.Timestamp] = _date(nullable=True)


class SharedDataApp(EntityModel):
    """A provincial application holding shared data (LGSP `ung-dung`)."""

    app_code: Series[str] = _key()
    app_name: Series[str] = _text()
    holds_shared_data: Series[pd.BooleanDtype] = _flag()
    needs_lgsp: Series[pd.BooleanDtype] = _flag()
    connected_lgsp: Series[pd.BooleanDtype] = _flag()
    connected_since: Series[pd.Timestamp] = _date(nullable=True)


# --- added for ITA-2018 -----------------------------------------------------------------


class UnitProcedure(EntityModel):
    """A procedure as one unit applies it: one-stop configuration, online publication
    (TTHC `thutuc-donvi`)."""

    config_id: Series[str] = _key()
    unit_code: Series[str] = _text()
    procedure_code: Series[str] = _text()
    one_stop_since: Series[pd.Timestamp] = _date(nullable=True)
    published_online: Series[pd.BooleanDtype] = _flag()
    updated_at: Series[pd.Timestamp] = _date()


class OneStopUnit(EntityModel):
    """A unit's one-stop site: deployment mode, satisfaction rating (TTHC `motcua-donvi`)."""

    unit_code: Series[str] = _key()
    deployment_mode: Series[str] = _enum(DEPLOYMENT_MODES)
    deployed_since: Series[pd.Timestamp] = _date()
    rating_enabled: Series[pd.BooleanDtype] = _flag()
    rating_since: Series[pd.Timestamp] = _date(nullable=True)
    updated_at: Series[pd.Timestamp] = _date()


class Feedback(EntityModel):
    """Feedback sent to a unit through the portal, and its answer (TTHC `phananh`)."""

    feedback_id: Series[str] = _key()
    unit_code: Series[str] = _text()
    received_at: Series[pd.Timestamp] = _date()
    answered_at: Series[pd.Timestamp] = _date(nullable=True)
    updated_at: Series[pd.Timestamp] = _date()

    @pa.dataframe_check(name=ANSWERED_NOT_BEFORE_RECEIVED.name)
    def _answered_not_before_received(cls, df: pd.DataFrame) -> pd.Series:
        return ANSWERED_NOT_BEFORE_RECEIVED.holds(df)


class InterlinkTransfer(EntityModel):
    """An interlinked dossier handed to the next level (TTHC `lienthong`)."""

    transfer_id: Series[str] = _key()
    dossier_id: Series[str] = _text()
    from_unit_code: Series[str] = _text()
    to_unit_code: Series[str] = _text()
    sent_at: Series[pd.Timestamp] = _date()
    sent_online: Series[pd.BooleanDtype] = _flag()
    updated_at: Series[pd.Timestamp] = _date()


class EdmsUnit(EntityModel):
    """A unit of iOffice's tree below the province's units (iOffice `don-vi-truc-thuoc`)."""

    unit_code: Series[str] = _key()
    unit_name: Series[str] = _text()
    parent_code: Series[str] = _text()
    unit_kind: Series[str] = _enum(EDMS_UNIT_KINDS)
    using_since: Series[pd.Timestamp] = _date(nullable=True)
    updated_at: Series[pd.Timestamp] = _date()


class EdmsUsage(EntityModel):
    """One unit's iOffice usage in one month (iOffice `thong-ke-su-dung`)."""

    usage_id: Series[str] = _key()
    unit_code: Series[str] = _text()
    month: Series[str] = _text()
    incoming_docs: Series[float] = _count()
    outgoing_docs: Series[float] = _count()
    civil_servant_accounts: Series[float] = _count()
    civil_servants_regular: Series[float] = _count()
    public_employee_accounts: Series[float] = _count()
    public_employees_regular: Series[float] = _count()
    part_time_accounts: Series[float] = _count()
    part_time_regular: Series[float] = _count()
    updated_at: Series[pd.Timestamp] = _date()

    @pa.check("month", error="is not a month (2024-03)")
    def _month(cls, values: pd.Series) -> pd.Series:
        return values.str.fullmatch(MONTH_PATTERN).fillna(False).astype(bool)

    @pa.dataframe_check(name=REGULAR_USERS[0].name)
    def _civil_servants_regular(cls, df: pd.DataFrame) -> pd.Series:
        return REGULAR_USERS[0].holds(df)

    @pa.dataframe_check(name=REGULAR_USERS[1].name)
    def _public_employees_regular(cls, df: pd.DataFrame) -> pd.Series:
        return REGULAR_USERS[1].holds(df)

    @pa.dataframe_check(name=REGULAR_USERS[2].name)
    def _part_time_regular(cls, df: pd.DataFrame) -> pd.Series:
        return REGULAR_USERS[2].holds(df)


class Statistic(EntityModel):
    """A unit's yearly value of a statistical indicator (LRIS `so-lieu-thong-ke`)."""

    statistic_id: Series[str] = _key()
    indicator_code: Series[str] = _text()
    unit_code: Series[str] = _text()
    report_period: Series[str] = _text()
    value: Series[float] = pa.Field(nullable=False, ge=0)
    updated_at: Series[pd.Timestamp] = _date()

    @pa.check("report_period", error="is not a year (2024)")
    def _report_period(cls, values: pd.Series) -> pd.Series:
        return values.str.fullmatch(YEAR_PATTERN).fillna(False).astype(bool)


class ItReport(EntityModel):
    """An IT-application report a unit filed (LRIS `bao-cao-cntt`)."""

    report_id: Series[str] = _key()
    unit_code: Series[str] = _text()
    report_kind: Series[str] = _enum(IT_REPORT_KINDS)
    report_period: Series[str] = _text()
    document_no: Series[str] = _text(nullable=True)
    issued_on: Series[pd.Timestamp] = _date(nullable=True)
    link: Series[str] = _text(nullable=True)
    submitted_at: Series[pd.Timestamp] = _date()
    updated_at: Series[pd.Timestamp] = _date()

    @pa.check("report_period", error="is not a period (2024, 2024-Q1 or 2024-01)")
    def _report_period(cls, values: pd.Series) -> pd.Series:
        return values.str.fullmatch(REPORT_PERIOD_PATTERN).fillna(False).astype(bool)


class PlatformLink(EntityModel):
    """A unit's link to a national system or the shared SSO (NDXP `ket-noi-don-vi`)."""

    link_id: Series[str] = _key()
    unit_code: Series[str] = _text()
    system: Series[str] = _enum(PLATFORM_SYSTEMS)
    since: Series[pd.Timestamp] = _date()
    until: Series[pd.Timestamp] = _date(nullable=True)

    @pa.dataframe_check(name=UNTIL_NOT_BEFORE_SINCE.name)
    def _until_not_before_since(cls, df: pd.DataFrame) -> pd.Series:
        return UNTIL_NOT_BEFORE_SINCE.holds(df)


class PopulationSnapshot(EntityModel):
    """Residents of a commune digitised in the population database at a month's end
    (NDXP `dan-cu-so-hoa`)."""

    snapshot_id: Series[str] = _key()
    unit_code: Series[str] = _text()
    snapshot_on: Series[pd.Timestamp] = _date()
    residents_digitised: Series[float] = _count()


ENTITY_MODELS: dict[str, type[EntityModel]] = {
    "unit": Unit,
    "procedure": Procedure,
    "dossier": Dossier,
    "payment": Payment,
    "incoming_document": IncomingDocument,
    "outgoing_document": OutgoingDocument,
    "work_file": WorkFile,
    "connected_unit": ConnectedUnit,
    "report_regime": ReportRegime,
    "report_submission": ReportSubmission,
    "data_service": DataService,
    "shared_data_app": SharedDataApp,
    "unit_procedure": UnitProcedure,
    "one_stop_unit": OneStopUnit,
    "feedback": Feedback,
    "interlink_transfer": InterlinkTransfer,
    "edms_unit": EdmsUnit,
    "edms_usage": EdmsUsage,
    "statistic": Statistic,
    "it_report": ItReport,
    "platform_link": PlatformLink,
    "population_snapshot": PopulationSnapshot,
}
"""The contract model of every entity, by entity name."""

NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "unit": ("unit_code",),
    "procedure": ("procedure_code",),
    "dossier": ("dossier_id",),
    "payment": ("payment_id",),
    "incoming_document": ("document_id",),
    "outgoing_document": ("document_id",),
    "work_file": ("work_file_id",),
    "connected_unit": ("unit_code",),
    "report_regime": ("regime_code",),
    "report_submission": ("submission_id",),
    "data_service": ("service_code",),
    "shared_data_app": ("app_code",),
    "unit_procedure": ("config_id",),
    "one_stop_unit": ("unit_code",),
    "feedback": ("feedback_id",),
    "interlink_transfer": ("transfer_id",),
    "edms_unit": ("unit_code",),
    "edms_usage": ("usage_id",),
    "statistic": ("statistic_id",),
    "it_report": ("report_id",),
    "platform_link": ("link_id",),
    "population_snapshot": ("snapshot_id",),
}
"""The natural key of every entity: one row per key in staging."""


@cache
def entity_schema(entity: str) -> pa.DataFrameSchema:
    """The pandera schema of an entity (raises KeyError for an unknown entity)."""
    if entity not in ENTITY_MODELS:
        raise KeyError(f"unknown entity {entity!r}: one of {', '.join(ENTITY_MODELS)}")
    return ENTITY_MODELS[entity].to_schema()


def entity_columns(entity: str) -> tuple[str, ...]:
    """Our columns of an entity, in contract order (without ``_record``)."""
    return tuple(entity_schema(entity).columns)


def column_kinds(entity: str) -> dict[str, Kind]:
    """The kind (text, number, flag, moment) of each column of an entity."""
    return {name: kind_of(col.dtype) for name, col in entity_schema(entity).columns.items()}


def date_columns(entity: str) -> tuple[str, ...]:
    """The date/time columns of an entity."""
    return tuple(c for c, kind in column_kinds(entity).items() if kind is Kind.MOMENT)


def cursor_column(entity: str) -> str | None:
    """The last-update column of an entity (dedup and watermark), if it has one."""
    return CURSOR_COLUMN if CURSOR_COLUMN in entity_columns(entity) else None


DATE_COLUMNS: dict[str, tuple[str, ...]] = {e: date_columns(e) for e in ENTITY_MODELS}
"""The date/time columns of every entity (naive local time, UTC+7)."""


@dataclass(frozen=True)
class ContractResult:
    """One page split by its contract.

    `valid` holds our typed columns plus ``_record``; `rejected` the failing rows'
    original values plus ``_record`` and ``_reason``. Both keep the row's position in
    the page as their index.
    """

    entity: str
    valid: pd.DataFrame
    rejected: pd.DataFrame

    @property
    def rows(self) -> int:
        """Rows in the page."""
        return len(self.valid) + len(self.rejected)

    @property
    def rejected_share(self) -> float:
        """Share of the page's rows that broke the contract (0 for an empty page)."""
        return len(self.rejected) / self.rows if self.rows else 0.0


def validate_page(entity: str, frame: pd.DataFrame) -> ContractResult:
    """Validate one page of `entity` lazily: every failure of every row is reported.

    A column the page lacks rejects every row with a reason naming the column.
    """
    schema = entity_schema(entity)
    kinds = column_kinds(entity)
    original = frame.reset_index(drop=True)
    issues = Issues(len(original))
    typed, unreadable = _typed_columns(original, kinds, issues)
    failures = None if _certainly_valid(schema, kinds, typed) else _pandera_failures(schema, typed)
    if failures is not None:
        add_pandera_failures(issues, schema, failures, typed, _explainers(), unreadable)
    reasons = issues.joined()
    rejected_mask = np.zeros(len(original), dtype=bool)
    rejected_mask[reasons.index.to_numpy()] = True
    record = _records(original)
    valid = typed.loc[~rejected_mask].assign(**{RECORD_COLUMN: record[~rejected_mask]})
    present = [c for c in kinds if c in original.columns]
    rejected = original.loc[rejected_mask, present].assign(
        **{RECORD_COLUMN: record[rejected_mask], REASON_COLUMN: reasons}
    )
    return ContractResult(entity=entity, valid=valid, rejected=rejected)


def _typed_columns(
    original: pd.DataFrame, kinds: Mapping[str, Kind], issues: Issues
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Our columns cast to their kinds; unreadable cells are null and reported."""
    columns: dict[str, pd.Series] = {}
    unreadable: dict[str, np.ndarray] = {}
    for place, (column, kind) in enumerate(kinds.items()):
        if column not in original.columns:
            issues.add_everywhere(f"{column}: {ABSENT}", place)
            columns[column] = null_column(kind, len(original))
            unreadable[column] = np.ones(len(original), dtype=bool)
            continue
        typed, failed = coerce(kind, original[column])
        mask = failed.to_numpy()
        positions = np.flatnonzero(mask)
        if len(positions):
            shown = original[column].iloc[positions].map(show).to_numpy(dtype=object)
            reasons = np.asarray(
                [f"{column}: {v} {NOT_READABLE[kind]}" for v in shown], dtype=object
            )
            issues.add(positions, reasons, place)
        if kind is Kind.MOMENT:
            typed, out_of_range = _within_date_range(column, typed, issues, place)
            mask = mask | out_of_range
        columns[column] = typed.reset_index(drop=True)
        unreadable[column] = mask
    return pd.DataFrame(columns, index=original.index), unreadable


def _within_date_range(
    column: str, typed: pd.Series, issues: Issues, place: int
) -> tuple[pd.Series, np.ndarray]:
    """Dates outside the contract's range reported and nulled here, before pandera: a
    date past 2262 does not fit pandas' nanoseconds, and a failed cast in pandera would
    leave the whole column unchecked."""
    early = (typed < DATE_MIN).fillna(False).to_numpy(dtype=bool)
    late = (typed >= DATE_MAX).fillna(False).to_numpy(dtype=bool)
    if not early.any() and not late.any():
        return typed.astype(MOMENT_DTYPE), early
    for mask, bound in (
        (early, f"is before {show(DATE_MIN)}"),
        (late, f"is not before {show(DATE_MAX)}"),
    ):
        positions = np.flatnonzero(mask)
        shown = typed.iloc[positions].map(show).to_numpy(dtype=object)
        issues.add(positions, np.asarray([f"{column}: {v} {bound}" for v in shown]), place)
    outside = early | late
    return typed.where(~outside).astype(MOMENT_DTYPE), outside


_KIND_DTYPES = {
    Kind.TEXT: pd.api.types.pandas_dtype("str"),
    Kind.NUMBER: np.dtype("float64"),
    Kind.FLAG: pd.BooleanDtype(),
    Kind.MOMENT: np.dtype(MOMENT_DTYPE),
}


def _certainly_valid(
    schema: pa.DataFrameSchema, kinds: Mapping[str, Kind], typed: pd.DataFrame
) -> bool:
    """Whether every check of `schema` holds on every row of `typed`, found with plain
    vectorised operations: then pandera would report nothing and need not run.

    False as soon as anything fails, or a column or check is not exactly as expected:
    pandera then runs and words every failure as before. So this only ever saves work.
    """
    if len(typed) == 0:
        return False
    for name, column in schema.columns.items():
        if name not in typed.columns or typed[name].dtype != _KIND_DTYPES[kinds[name]]:
            return False
        values = typed[name]
        if not column.nullable and values.isna().any():
            return False
        if not all(column_check_holds(check, values) for check in column.checks):
            return False
    for check in schema.checks:
        rule = ROW_RULES.get(str(check.name))
        if rule is None or check.groupby is not None or not bool(rule.holds(typed).all()):
            return False
    return True


def _pandera_failures(schema: pa.DataFrameSchema, typed: pd.DataFrame) -> pd.DataFrame | None:
    try:
        schema.validate(typed, lazy=True)
    except pa_errors.SchemaErrors as errors:
        return errors.failure_cases
    return None


@cache
def _explainers() -> dict[str, RowExplainer]:
    return {name: rule.explain for name, rule in ROW_RULES.items()}


def _records(original: pd.DataFrame) -> pd.Series:
    """The ``_record`` column, or each row's values as JSON when a page has none."""
    if RECORD_COLUMN in original.columns:
        return original[RECORD_COLUMN].reset_index(drop=True)
    if original.empty:
        return pd.Series([], dtype="str")
    lines = original.to_json(orient="records", lines=True, date_format="iso", default_handler=str)
    return pd.Series(lines.strip().split("\n"), dtype="str")
