"""A deterministic synthetic province: every record the four source systems serve.

`generate_province(seed, scale, years, now)` returns a `Province`: one pandas DataFrame
per entity, with the **source field names** of docs/source-apis.md and typed columns
(datetime64[s] naive local time UTC+7, bool, int64, categorical codes). The server
formats them to each system's wire format; tests compute ground truth from them.

Same seed + scale + years + now give identical frames. Each entity and year draws from
its own random stream, so 2023's dossiers do not change when 2024 is added.
Rates differ per unit (`Province.unit_profile`) so that rankings and thresholds mean
something; the big tables are drawn with vectorised numpy, never a loop per record.
The entities and fields added for ITA-2018 are drawn in `simulator.extended`, each on a
stream of its own, so the records drawn before them are unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from simulator import extended, names
from simulator._kit import (
    _DAY_S,
    _HOLIDAYS,
    _HOUR_S,
    _as_dt,
    _cat,
    _rng,
    _sample_instants,
    _seconds,
    _str_series,
    _touched,
    _uniform_between,
    _yyyymmdd,
    _zero_pad,
)

DEFAULT_SEED = 89
DEFAULT_YEARS: tuple[int, ...] = (2023, 2024)
DEFAULT_NOW = pd.Timestamp("2025-01-15 08:00:00")

# Volumes of the reference year 2024 at scale 1.0; other years follow GROWTH.
DOSSIERS_PER_YEAR = 700_000
PAYMENTS_PER_YEAR = 150_000
INCOMING_PER_YEAR = 650_000
OUTGOING_PER_YEAR = 350_000
WORK_FILES_PER_YEAR = 200_000
PROCEDURES = 2_000
REPORT_REGIMES = 60
SHARED_DATA_APPS = 30
GROWTH = 1.06
# Floors keep every kind of thing present at tiny scales.
FLOORS = {
    "procedures": 120,
    "report_regimes": 12,
    "data_services": 6,
    "shared_data_apps": 8,
    "dossiers": 300,
    "payments": 30,
    "incoming_documents": 200,
    "outgoing_documents": 120,
    "work_files": 100,
}

# Source enum codes, in the order the generator indexes them.
UNIT_LEVEL_CODES = ("tinh", "so", "huyen", "phong", "xa")
PROCEDURE_LEVELS = ("tinh", "huyen", "xa")
SERVICE_LEVELS = ("toan_trinh", "mot_phan", "khong_truc_tuyen")
CHANNELS = ("truc_tiep", "truc_tuyen", "buu_chinh")
DOSSIER_STATUSES = ("dang_xu_ly", "da_giai_quyet", "tra_lai", "rut_ho_so")
PAYMENT_CHANNELS = ("truc_tuyen", "truc_tiep")
DOCUMENT_FORMS = ("dien_tu", "giay", "ca_hai")
PERIOD_TYPES = ("thang", "quy", "nam")
DATA_SERVICE_STATUSES = ("chinh_thuc", "thu_nghiem", "chua_ket_noi")

# Entity name (docs/source-apis.md) → Province attribute, natural key, update field.
ENTITIES: dict[str, tuple[str, str, str | None]] = {
    "unit": ("units", "MaDonVi", "NgayCapNhat"),
    "procedure": ("procedures", "MaTTHC", "NgayCapNhat"),
    "dossier": ("dossiers", "MaHoSo", "NgayCapNhat"),
    "payment": ("payments", "MaGiaoDich", "NgayCapNhat"),
    "incoming_document": ("incoming_documents", "id", "ngayCapNhat"),
    "outgoing_document": ("outgoing_documents", "id", "ngayCapNhat"),
    "work_file": ("work_files", "id", "ngayCapNhat"),
    "connected_unit": ("connected_units", "maDonVi", "ngayCapNhat"),
    "report_regime": ("report_regimes", "ma_che_do", "ngay_cap_nhat"),
    "report_submission": ("report_submissions", "ma_bao_cao", "ngay_cap_nhat"),
    "data_service": ("data_services", "maDichVu", None),
    "shared_data_app": ("shared_data_apps", "maUngDung", None),
    # Added for ITA-2018 (simulator/extended.py).
    "unit_procedure": ("unit_procedures", "MaApDung", "NgayCapNhat"),
    "one_stop_unit": ("one_stop_units", "MaDonVi", "NgayCapNhat"),
    "feedback": ("feedback", "MaPhanAnh", "NgayCapNhat"),
    "interlink_transfer": ("interlink_transfers", "MaLienThong", "NgayCapNhat"),
    "edms_unit": ("edms_units", "maDonVi", "ngayCapNhat"),
    "edms_usage": ("edms_usage", "id", "ngayCapNhat"),
    "statistic": ("statistics", "ma_so_lieu", "ngay_cap_nhat"),
    "it_report": ("it_reports", "ma_ho_so", "ngay_cap_nhat"),
    "platform_link": ("platform_links", "maKetNoi", None),
    "population_snapshot": ("population_snapshots", "maSoLieu", None),
}

_VALID_FROM_DEFAULT = np.datetime64("2015-01-01", "D")
_MERGE_DATE = np.datetime64("2020-01-01", "D")


@dataclass(eq=False, repr=False)
class Province:
    """The synthetic province: one DataFrame per served entity, source field names.

    `unit_profile` and `procedure_profile` are the generator's hidden per-unit and
    per-procedure parameters (rates, weights); they are never served, but tests may
    use them to check that data follow them.
    """

    seed: int
    scale: float
    years: tuple[int, ...]
    now: pd.Timestamp
    units: pd.DataFrame
    procedures: pd.DataFrame
    dossiers: pd.DataFrame
    payments: pd.DataFrame
    incoming_documents: pd.DataFrame
    outgoing_documents: pd.DataFrame
    work_files: pd.DataFrame
    connected_units: pd.DataFrame
    report_regimes: pd.DataFrame
    report_submissions: pd.DataFrame
    data_services: pd.DataFrame
    shared_data_apps: pd.DataFrame
    unit_procedures: pd.DataFrame
    one_stop_units: pd.DataFrame
    feedback: pd.DataFrame
    interlink_transfers: pd.DataFrame
    edms_units: pd.DataFrame
    edms_usage: pd.DataFrame
    statistics: pd.DataFrame
    it_reports: pd.DataFrame
    platform_links: pd.DataFrame
    population_snapshots: pd.DataFrame
    unit_profile: pd.DataFrame
    procedure_profile: pd.DataFrame
    code: str = names.PROVINCE_CODE
    _added_batches: int = field(default=0, repr=False)

    def __repr__(self) -> str:
        counts = ", ".join(f"{k}={v}" for k, v in self.counts().items())
        return (f"Province(code={self.code!r}, seed={self.seed}, scale={self.scale}, "
                f"years={self.years}, now={self.now}, {counts})")

    def frame(self, entity: str) -> pd.DataFrame:
        """The DataFrame of an entity named as in docs/source-apis.md (e.g. "dossier")."""
        return getattr(self, ENTITIES[entity][0])

    def set_frame(self, entity: str, frame: pd.DataFrame) -> None:
        """Replace an entity's DataFrame (used by mutations)."""
        setattr(self, ENTITIES[entity][0], frame)

    def counts(self) -> dict[str, int]:
        """Number of records per entity."""
        return {entity: len(self.frame(entity)) for entity in ENTITIES}

    def update_record(self, entity: str, key: str, changes: Mapping[str, Any],
                      updated_at: pd.Timestamp | None = None) -> None:
        """Change fields (source names, values in source codes; dates as anything
        `pd.Timestamp` takes, None for null) of one record in place, and set its update
        field to `updated_at` when the entity has one. Raises KeyError for an unknown
        key or field."""
        frame = self.frame(entity)
        key_field, upd_field = ENTITIES[entity][1], ENTITIES[entity][2]
        rows = np.flatnonzero((frame[key_field] == key).to_numpy(dtype=bool))
        if len(rows) == 0:
            raise KeyError(f"no {entity} with {key_field}={key!r}")
        unknown = set(changes) - set(frame.columns)
        if unknown:
            raise KeyError(f"unknown {entity} field(s): {sorted(unknown)}")
        assignments = dict(changes)
        if upd_field is not None and updated_at is not None:
            assignments[upd_field] = updated_at
        for name, value in assignments.items():
            column = frame[name]
            if pd.api.types.is_datetime64_any_dtype(column.dtype):
                value = (np.datetime64("NaT", "s") if value is None
                         else np.datetime64(pd.Timestamp(value).to_datetime64(), "s"))
            elif isinstance(column.dtype, pd.CategoricalDtype):
                if value is not None and value not in column.cat.categories:
                    frame[name] = column.cat.add_categories([value])
            frame.loc[frame.index[rows], name] = value

    def add_dossiers(
        self,
        n: int,
        *,
        updated_at: pd.Timestamp,
        received_between: tuple[pd.Timestamp, pd.Timestamp] | None = None,
    ) -> list[str]:
        """Append `n` new dossiers drawn like the others; their `NgayCapNhat` is
        `updated_at` (late arrivals). `received_between` defaults to the last simulated
        year (up to `now`). Returns the new `MaHoSo`s. No payments or interlinked
        hand-offs are added."""
        if n <= 0:
            return []
        self._added_batches += 1
        rng = _rng(self.seed, "added_dossiers", self._added_batches)
        last = max(self.years)
        start, end = received_between or (
            pd.Timestamp(f"{last}-01-01"),
            min(pd.Timestamp(f"{last + 1}-01-01"), self.now),
        )
        cat = _Catalogue.from_province(self)
        draw = _draw_dossiers(rng, cat, n, start, end, self.now, force_coverage=False)
        frame = _dossier_frame(draw, cat, existing=self.dossiers["MaHoSo"])
        published = extended.status_published(
            _rng(self.seed, "added_dossier_status", self._added_batches), draw.unit, cat)
        _insert_before(frame, "NgayCapNhat", {"CongKhaiTrangThai": published})
        stamp = np.datetime64(pd.Timestamp(updated_at).to_datetime64(), "s")
        upd = np.maximum(frame["NgayCapNhat"].to_numpy(), stamp)
        frame["NgayCapNhat"] = upd
        self.dossiers = pd.concat([self.dossiers, frame], ignore_index=True)
        return frame["MaHoSo"].tolist()


def generate_province(
    seed: int = DEFAULT_SEED,
    scale: float = 1.0,
    years: Sequence[int] = DEFAULT_YEARS,
    now: datetime | pd.Timestamp | str | None = None,
) -> Province:
    """Generate the synthetic province (deterministic in all four arguments).

    `years` are the calendar years with activity (dossiers, documents, reports);
    `now` (default 2025-01-15 08:00 local) is the simulator clock: nothing happens
    after it, dossiers not finished by then are open.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    clock = pd.Timestamp(now) if now is not None else DEFAULT_NOW
    yrs = tuple(sorted({int(y) for y in years if pd.Timestamp(f"{int(y)}-01-01") < clock}))
    if not yrs:
        raise ValueError("no simulated year starts before `now`")

    units, profile = _build_units(_rng(seed, "units"), clock)
    procedures, proc_profile = _build_procedures(_rng(seed, "procedures"), scale, profile, clock)
    profile = pd.concat([profile, extended.unit_traits(_rng(seed, "traits"), profile)], axis=1)
    links = extended.procedure_links(_rng(seed, "procedure_links"), proc_profile)
    _insert_before(procedures, "NgayCapNhat", {"LienThong": links})
    cat = _Catalogue(units, profile, procedures, proc_profile)

    dossier_frames, payment_frames = [], []
    incoming, outgoing, work_files = [], [], []
    feedback, transfers = [], []
    for year in yrs:
        start = pd.Timestamp(f"{year}-01-01")
        end = min(pd.Timestamp(f"{year + 1}-01-01"), clock)
        growth = GROWTH ** (year - 2024)
        n = _count(DOSSIERS_PER_YEAR * scale * growth, "dossiers")
        draw = _draw_dossiers(_rng(seed, "dossiers", year), cat, n, start, end, clock, True)
        dossiers = _dossier_frame(draw, cat)
        published = extended.status_published(_rng(seed, "dossier_status", year), draw.unit, cat)
        _insert_before(dossiers, "NgayCapNhat", {"CongKhaiTrangThai": published})
        dossier_frames.append(dossiers)
        transfers.append(extended.interlink_transfers(
            _rng(seed, "transfers", year), draw, dossiers["MaHoSo"].to_numpy(dtype=object), cat,
            links.codes, clock, year))
        feedback.append(extended.feedback(
            _rng(seed, "feedback", year), cat, extended.FEEDBACK_PER_YEAR * scale * growth,
            start, end, clock, year))
        n_pay = _count(PAYMENTS_PER_YEAR * scale * growth, "payments")
        payment_frames.append(_payments(_rng(seed, "payments", year), draw,
                                        dossiers["MaHoSo"].to_numpy(dtype=object), cat, n_pay,
                                        clock))
        doc_args = (cat, start, end, clock, year)
        received = _incoming_documents(
            _rng(seed, "incoming", year),
            _count(INCOMING_PER_YEAR * scale * growth, "incoming_documents"), *doc_args)
        _insert_before(received, "ngayCapNhat",
                       extended.incoming_flow(_rng(seed, "incoming_flow", year), received, cat))
        incoming.append(received)
        issued = _outgoing_documents(
            _rng(seed, "outgoing", year),
            _count(OUTGOING_PER_YEAR * scale * growth, "outgoing_documents"), *doc_args)
        _insert_before(issued, "ngayCapNhat",
                       extended.outgoing_flow(_rng(seed, "outgoing_flow", year), issued, cat))
        outgoing.append(issued)
        work_files.append(_work_files(
            _rng(seed, "work_files", year),
            _count(WORK_FILES_PER_YEAR * scale * growth, "work_files"), *doc_args))

    regimes, regime_scope = _report_regimes(_rng(seed, "regimes"), scale, clock)
    submissions = _report_submissions(_rng(seed, "submissions"), regimes, regime_scope, cat,
                                      yrs, clock)
    incoming_all = pd.concat(incoming, ignore_index=True)
    outgoing_all = pd.concat(outgoing, ignore_index=True)
    edms_units = extended.edms_units(_rng(seed, "edms_units"), cat, clock)
    population = extended.commune_population(_rng(seed, "population_db"), cat, yrs)
    return Province(
        seed=seed,
        scale=scale,
        years=yrs,
        now=clock,
        units=units,
        procedures=procedures,
        dossiers=pd.concat(dossier_frames, ignore_index=True),
        payments=_number_payments(pd.concat(payment_frames, ignore_index=True)),
        incoming_documents=incoming_all,
        outgoing_documents=outgoing_all,
        work_files=pd.concat(work_files, ignore_index=True),
        connected_units=_connected_units(_rng(seed, "units", 1), cat, clock),
        report_regimes=regimes,
        report_submissions=submissions,
        data_services=_data_services(_rng(seed, "ndxp"), scale, clock),
        shared_data_apps=_shared_data_apps(_rng(seed, "apps"), scale, clock),
        unit_procedures=extended.unit_procedures(_rng(seed, "unit_procedures"), cat, clock),
        one_stop_units=extended.one_stop_units(_rng(seed, "one_stop"), cat, clock),
        feedback=pd.concat(feedback, ignore_index=True),
        interlink_transfers=pd.concat(transfers, ignore_index=True),
        edms_units=edms_units,
        edms_usage=extended.edms_usage(
            _rng(seed, "edms_usage"), {y: _rng(seed, "edms_usage", y) for y in yrs}, cat,
            edms_units, incoming_all, outgoing_all, scale, clock),
        statistics=extended.statistics(
            {y: _rng(seed, "statistics", y) for y in yrs}, _rng(seed, "statistics"), cat,
            population, clock),
        it_reports=extended.it_reports(
            _rng(seed, "it_reports"), {y: _rng(seed, "it_reports", y) for y in yrs}, cat, clock),
        platform_links=extended.platform_links(_rng(seed, "platform_links"), cat, clock),
        population_snapshots=extended.population_snapshots(
            _rng(seed, "population_db", 1), cat, population, clock),
        unit_profile=profile,
        procedure_profile=proc_profile,
    )


# --------------------------------------------------------------------------- helpers


def _insert_before(frame: pd.DataFrame, field_name: str, columns: Mapping[str, Any]) -> None:
    """Insert `columns` into `frame`, in order, just before `field_name` (the update
    field stays last, as the systems list it)."""
    at = frame.columns.get_loc(field_name)
    assert isinstance(at, int)
    for offset, (name, values) in enumerate(columns.items()):
        frame.insert(at + offset, name, values)


def _count(expected: float, kind: str) -> int:
    return max(round(expected), FLOORS[kind])



# --------------------------------------------------------------------------- units


def _build_units(rng: np.random.Generator, now: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The org-unit catalogue (served by TTHC /api/donvi) and each unit's profile."""
    code, name, level, parent, abbr, district = [], [], [], [], [], []
    valid_from, valid_to = [], []

    def add(c: str, nm: str, lv: str, par: str | None, ab: str, dist: str | None,
            vf: np.datetime64 = _VALID_FROM_DEFAULT, vt: np.datetime64 | None = None) -> None:
        code.append(c)
        name.append(nm)
        level.append(lv)
        parent.append(par)
        abbr.append(ab)
        district.append(dist)
        valid_from.append(vf)
        valid_to.append(vt if vt is not None else np.datetime64("NaT", "D"))

    add(names.PROVINCE_CODE, names.PROVINCE_NAME, "tinh", None, "UBND", None)
    for nn, dept_name, dept_abbr in names.DEPARTMENTS:
        add(f"000.{nn:02d}.00.H01", dept_name, "so", names.PROVINCE_CODE, dept_abbr, None)
    successors = {succ: new for _, _, succ, new in names.MERGED_2020}
    commune_no = 0
    for dist_code, kind, dist_name in names.DISTRICTS:
        add(dist_code, f"UBND {kind} {dist_name}", "huyen", names.PROVINCE_CODE, "UBND", dist_code)
        for pnn, office_name, office_abbr in names.DISTRICT_OFFICES:
            add(f"{dist_code}.{pnn}", f"{office_name} {kind} {dist_name}", "phong", dist_code,
                office_abbr, dist_code)
        for commune in names.COMMUNES[dist_code]:
            c = f"{30280 + 3 * commune_no}"
            commune_no += 1
            vf = _MERGE_DATE if successors.get(commune, False) else _VALID_FROM_DEFAULT
            add(c, commune, "xa", dist_code, "UBND", dist_code, vf)
    by_name = dict(zip(name, code, strict=True))
    for dist_code, old, succ, _ in names.MERGED_2020:
        old_code = str(int(by_name[succ]) + 1)  # codes are 3 apart: +1 is free
        add(old_code, old, "xa", dist_code, "UBND", dist_code, vt=_MERGE_DATE)

    n = len(code)
    level_arr = np.array(level)
    level_idx = np.array([UNIT_LEVEL_CODES.index(x) for x in level])
    vf_arr = np.array(valid_from, dtype="datetime64[D]")
    vt_arr = np.array(valid_to, dtype="datetime64[D]")
    # Last catalogue edit: some time after the unit's last change, before the clock.
    changed = np.where(np.isnat(vt_arr), vf_arr, vt_arr).astype("datetime64[s]").astype(np.int64)
    now_s = _seconds(now)
    recent = _seconds(pd.Timestamp("2022-01-01"))
    lo = np.maximum(changed, recent)
    updated = lo + (rng.random(n) * (now_s - 30 * _DAY_S - lo)).astype(np.int64)
    updated = np.maximum(updated, changed)
    units = pd.DataFrame({
        "MaDonVi": pd.array(code, dtype="str"),
        "TenDonVi": pd.array(name, dtype="str"),
        "CapDonVi": _cat(level_idx, UNIT_LEVEL_CODES),
        "MaDonViCha": pd.array(parent, dtype="str"),
        "NgayHieuLuc": vf_arr.astype("datetime64[s]"),
        "NgayHetHieuLuc": vt_arr.astype("datetime64[s]"),
        "NgayCapNhat": _as_dt(updated),
    })

    # Profiles: the per-unit rates every table is drawn from.
    is_dept = level_arr == "so"
    is_dist = level_arr == "huyen"
    is_office = level_arr == "phong"
    is_commune = level_arr == "xa"

    def per_level(dept: tuple[float, float], dist: tuple[float, float],
                  office: tuple[float, float], commune: tuple[float, float],
                  province: tuple[float, float] = (0.9, 0.99)) -> np.ndarray:
        lo = np.select([is_dept, is_dist, is_office, is_commune],
                       [dept[0], dist[0], office[0], commune[0]], province[0])
        hi = np.select([is_dept, is_dist, is_office, is_commune],
                       [dept[1], dist[1], office[1], commune[1]], province[1])
        return lo + (hi - lo) * rng.random(n)

    doc_online = per_level((0.81, 0.99), (0.70, 0.99), (0.52, 0.97), (0.40, 0.95))
    # A few laggards so that the PAR7 7.2.1 all-units thresholds are not trivially met.
    depts = np.flatnonzero(is_dept)
    lagging = rng.choice(depts, int(rng.integers(2, 5)), replace=False)
    doc_online[lagging] = _uniform_between(rng, 0.60, 0.79, len(lagging))
    offices = np.flatnonzero(is_office)
    slow = rng.choice(offices, max(2, round(0.08 * len(offices))), replace=False)
    doc_online[slow] = _uniform_between(rng, 0.30, 0.49, len(slow))

    connected = np.ones(n, dtype=bool)
    if rng.random() < 0.5:
        connected[rng.choice(depts)] = False
    if rng.random() < 0.3:
        connected[rng.choice(np.flatnonzero(is_dist))] = False
    connected[is_office] = False  # offices use their district's connection
    communes = np.flatnonzero(is_commune)
    connected[communes] = rng.random(len(communes)) < _uniform_between(rng, 0.82, 0.97, 1)[0]
    connected_vdxp = connected & (~is_commune | (rng.random(n) < 0.3))
    since_days = rng.integers(0, 4 * 365, n)
    connected_since = np.where(connected, np.datetime64("2019-06-01", "D") + since_days,
                               np.datetime64("NaT", "D")).astype("datetime64[D]")
    connected_since = np.maximum(connected_since, vf_arr)

    population = rng.lognormal(0.0, 0.45, n) * is_commune
    dist_pop = pd.Series(population).groupby(np.array(district, dtype=object)).transform("sum")
    population = np.where(is_dist, dist_pop.to_numpy(), population)
    doc_weight = np.select([is_dept, is_dist, is_office, is_commune], [12.0, 9.0, 1.5, 0.7], 4.0)
    doc_weight = doc_weight * rng.lognormal(0.0, 0.3, n)

    profile = pd.DataFrame({
        "MaDonVi": code,
        "CapDonVi": level,
        "district": district,
        "abbr": abbr,
        "valid_from": vf_arr,
        "valid_to": vt_arr,
        "population": population,
        "doc_weight": doc_weight,
        "online_full": per_level((0.60, 0.98), (0.60, 0.98), (0, 0), (0.60, 0.98)),
        "online_partial": per_level((0.15, 0.55), (0.15, 0.55), (0, 0), (0.10, 0.50)),
        "digitisation": per_level((0.20, 0.80), (0.20, 0.80), (0, 0), (0.20, 0.80)),
        "online_payment": per_level((0.10, 0.45), (0.10, 0.45), (0, 0), (0.08, 0.40)),
        "on_time": per_level((0.85, 0.995), (0.85, 0.995), (0, 0), (0.88, 0.995)),
        "doc_online": doc_online,
        "electronic": per_level((0.80, 0.98), (0.75, 0.97), (0.65, 0.95), (0.55, 0.92)),
        "signed": per_level((0.85, 0.99), (0.85, 0.99), (0.70, 0.97), (0.60, 0.95)),
        "secret": per_level((0.005, 0.04), (0.005, 0.03), (0.0, 0.02), (0.0, 0.01)),
        "connected_4level": connected,
        "connected_vdxp": connected_vdxp,
        "connected_since": connected_since,
    })
    return units, profile


# --------------------------------------------------------------------------- procedures


def _build_procedures(
    rng: np.random.Generator, scale: float, profile: pd.DataFrame, now: pd.Timestamp
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The procedure catalogue (TTHC /api/thutuc) and per-procedure hidden parameters."""
    n = _count(PROCEDURES * scale, "procedures")
    level = rng.choice(3, n, p=[0.75, 0.15, 0.10])
    mucdo_p = np.array([[0.45, 0.40, 0.15], [0.40, 0.40, 0.20], [0.35, 0.40, 0.25]])
    u = rng.random(n)
    cum = mucdo_p.cumsum(axis=1)[level]
    mucdo = (u[:, None] >= cum[:, :2]).sum(axis=1)
    fin = rng.random(n) < 0.35
    # The first 18 procedures cover every (level, service level, fee) combination.
    k = min(18, n)
    level[:k] = np.repeat(np.arange(3), 6)[:k]
    mucdo[:k] = np.tile(np.repeat(np.arange(3), 2), 3)[:k]
    fin[:k] = np.tile([False, True], 9)[:k]

    full = mucdo == 0
    eligible = full.copy()
    # Some eligible services are still offered only partially: 7.3.5 lands near 0.90.
    gap = _uniform_between(rng, 0.07, 0.12, 1)[0]
    n_gap = max(1, round(full.sum() * gap / (1 - gap)))
    partial = np.flatnonzero(mucdo == 1)
    eligible[rng.choice(partial, min(n_gap, len(partial)), replace=False)] = True

    online = mucdo != 2
    pay_enabled = fin & online & (rng.random(n) < 0.85)
    pay_enabled[:k] |= fin[:k] & online[:k]
    integrated = online & (rng.random(n) < 0.90)
    helpdesk = rng.random(n) < 0.90
    mobile_sign = online & (rng.random(n) < 0.30)

    dept_codes = profile.loc[profile["CapDonVi"] == "so", "MaDonVi"].to_numpy()
    dept_weight = np.array([0.5, 3, 6, 6, 2, 7, 8, 6, 5, 8, 3, 6, 6, 3, 5, 6, 1, 0.5, 0.5, 2])
    agency = rng.choice(len(dept_codes), n, p=dept_weight / dept_weight.sum())
    # Every department owns at least one provincial procedure.
    tinh = np.flatnonzero(level == 0)
    first = tinh[: len(dept_codes)]
    agency[first] = np.arange(len(first))

    numbers = rng.choice(np.arange(1_000, 14_000), n, replace=False)
    prefix = rng.choice(np.array(["1.", "2.", "3."], dtype=object), n, p=[0.55, 0.35, 0.10])
    code = prefix + _zero_pad(numbers, 6).to_numpy(dtype=object)
    actions = np.array(names.PROCEDURE_ACTIONS, dtype=object)
    objects = np.array(names.PROCEDURE_OBJECTS, dtype=object)
    suffix = np.array(["", " (cấp huyện)", " (cấp xã)"], dtype=object)
    title = (actions[rng.integers(0, len(actions), n)] + " "
             + objects[rng.integers(0, len(objects), n)] + suffix[level])

    start = _seconds(pd.Timestamp("2022-01-01"))
    updated = start + (rng.random(n) * (_seconds(now) - 30 * _DAY_S - start)).astype(np.int64)
    procedures = pd.DataFrame({
        "MaTTHC": pd.array(code, dtype="str"),
        "TenTTHC": pd.array(title, dtype="str"),
        "CapThucHien": _cat(level, PROCEDURE_LEVELS),
        "MaCoQuan": pd.Categorical(dept_codes[agency], categories=list(dept_codes)),
        "MucDo": _cat(mucdo, SERVICE_LEVELS),
        "DuDieuKienToanTrinh": eligible,
        "CoNghiaVuTaiChinh": fin,
        "ThanhToanTrucTuyen": pay_enabled,
        "DaTichHopDVCQG": integrated,
        "HoTroHoiDap": helpdesk,
        "KySoDiDong": mobile_sign,
        "NgayCapNhat": _as_dt(updated),
    })
    fees = np.array([10_000, 20_000, 30_000, 50_000, 100_000, 200_000, 500_000, 1_000_000,
                     5_000_000])
    proc_profile = pd.DataFrame({
        "MaTTHC": code,
        "level": level,
        "service_level": mucdo,
        "popularity": rng.lognormal(0.0, 1.5, n),
        "time_limit_days": rng.choice([0, 1, 2, 3, 5, 7, 10, 15, 20, 30], n,
                                      p=[0.04, 0.08, 0.08, 0.15, 0.2, 0.15, 0.12, 0.1, 0.05,
                                         0.03]),
        "fee": np.where(fin, fees[rng.integers(0, len(fees), n)], 0),
        "variable_fee": fin & (rng.random(n) < 0.2),
    })
    return procedures, proc_profile


@dataclass
class _Catalogue:
    """Units and procedures with their profiles as numpy arrays, for fast indexing."""

    units: pd.DataFrame
    profile: pd.DataFrame
    procedures: pd.DataFrame
    proc_profile: pd.DataFrame
    unit_codes: np.ndarray = field(init=False)
    proc_codes: np.ndarray = field(init=False)
    dept_index: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.unit_codes = self.profile["MaDonVi"].to_numpy(dtype=object)
        self.proc_codes = self.procedures["MaTTHC"].to_numpy(dtype=object)
        position = pd.Index(self.unit_codes)
        self.dept_index = position.get_indexer(
            self.procedures["MaCoQuan"].astype(object).to_numpy())

    @classmethod
    def from_province(cls, province: Province) -> _Catalogue:
        return cls(province.units, province.unit_profile, province.procedures,
                   province.procedure_profile)

    def col(self, name: str) -> np.ndarray:
        return self.profile[name].to_numpy()

    def active(self, level: str, at: pd.Timestamp) -> np.ndarray:
        """Indices of units of a source level valid at `at`."""
        day = np.datetime64(at.date(), "D")
        vt = self.profile["valid_to"].to_numpy()
        ok = ((self.profile["CapDonVi"].to_numpy() == level)
              & (self.profile["valid_from"].to_numpy() <= day)
              & (np.isnat(vt) | (vt > day)))
        return np.flatnonzero(ok)


def _weighted_pick(rng: np.random.Generator, pool: np.ndarray, weights: np.ndarray,
                   n: int) -> np.ndarray:
    p = weights / weights.sum()
    return pool[rng.choice(len(pool), n, p=p)]


# --------------------------------------------------------------------------- dossiers


@dataclass
class _DossierDraw:
    proc: np.ndarray
    unit: np.ndarray
    channel: np.ndarray
    received: np.ndarray
    due: np.ndarray
    ended: np.ndarray  # int64 seconds; -1 while open
    status: np.ndarray
    digitised: np.ndarray
    e_result: np.ndarray
    paid_online: np.ndarray
    onestop: np.ndarray
    updated: np.ndarray


def _draw_dossiers(
    rng: np.random.Generator,
    cat: _Catalogue,
    n: int,
    start: pd.Timestamp,
    end: pd.Timestamp,
    now: pd.Timestamp,
    force_coverage: bool,
) -> _DossierDraw:
    """Draw `n` dossiers received in [start, end), resolved (or not) by `now`."""
    pp = cat.proc_profile
    proc_level = pp["level"].to_numpy()
    service = pp["service_level"].to_numpy()
    fin = cat.procedures["CoNghiaVuTaiChinh"].to_numpy()
    pay_enabled = cat.procedures["ThanhToanTrucTuyen"].to_numpy()

    level = rng.choice(3, n, p=[0.34, 0.28, 0.38])
    proc = np.empty(n, dtype=np.int64)
    popularity = pp["popularity"].to_numpy()
    for lv in range(3):
        rows = np.flatnonzero(level == lv)
        pool = np.flatnonzero(proc_level == lv)
        proc[rows] = _weighted_pick(rng, pool, popularity[pool], len(rows))
    forced = np.zeros(n, dtype=bool)
    if force_coverage:
        # Rows 0..8: one dossier per (level, service level), on fee-bearing procedures.
        k = min(9, n)
        combos = np.arange(k)
        proc[:k] = (combos // 3) * 6 + (combos % 3) * 2 + 1
        level[:k] = combos // 3
        forced[:k] = True

    mid = start + (end - start) / 2
    unit = cat.dept_index[proc].astype(np.int64)
    districts = cat.active("huyen", mid)
    communes = cat.active("xa", mid)
    population = cat.col("population")
    at_district = level == 1
    at_commune = level == 2
    unit[at_district] = _weighted_pick(rng, districts, population[districts], at_district.sum())
    unit[at_commune] = _weighted_pick(rng, communes, population[communes], at_commune.sum())

    svc = service[proc]
    p_online = np.select([svc == 0, svc == 1], [cat.col("online_full")[unit],
                                                 cat.col("online_partial")[unit]], 0.0)
    online = rng.random(n) < p_online
    postal = ~online & (rng.random(n) < 0.03)
    channel = np.where(online, 1, np.where(postal, 2, 0))
    if force_coverage:
        k = min(9, n)
        channel[:k] = np.array([1, 2, 0] * 3)[:k]
        online = channel == 1

    received = _sample_instants(rng, n, start, end, anytime=online & (rng.random(n) < 0.4))
    order = np.argsort(received, kind="stable")
    proc, unit, channel, received = (a[order] for a in (proc, unit, channel, received))
    online, forced = online[order], forced[order]
    svc = service[proc]

    recv_day = received.astype("datetime64[s]").astype("datetime64[D]")
    limit = pp["time_limit_days"].to_numpy()[proc]
    due_day = np.busday_offset(recv_day, limit, roll="forward", holidays=_HOLIDAYS)
    tod = np.clip(received - recv_day.astype("datetime64[s]").astype(np.int64),
                  7 * _HOUR_S + 1_800, 17 * _HOUR_S)
    due = due_day.astype("datetime64[s]").astype(np.int64) + tod
    # Same-day procedures received after hours are due the next working day.
    next_day = np.busday_offset(recv_day, limit + 1, roll="forward", holidays=_HOLIDAYS)
    due = np.where(due < received, next_day.astype("datetime64[s]").astype(np.int64) + tod, due)

    on_time = rng.random(n) < cat.col("on_time")[unit]
    frac = np.where(on_time, 0.02 + 0.97 * rng.beta(2.0, 2.0, n), 1.0 + rng.exponential(0.4, n))
    stalled = rng.random(n) < 0.004
    frac = np.where(stalled, _uniform_between(rng, 3.0, 12.0, n), frac)
    outcome = rng.choice([1, 2, 3], n, p=[0.955, 0.03, 0.015])
    frac = np.where(outcome == 1, frac, frac * 0.5)
    span = np.maximum(due - received, 4 * _HOUR_S)
    finish = received + np.maximum((frac * span).astype(np.int64), 600)
    # Officials close dossiers in office hours: squeeze the time of day into 07:30-17:00
    # (order within a day kept), never before the receipt.
    tod = finish % _DAY_S
    finish = finish - tod + 27_000 + tod * 34_200 // _DAY_S
    finish = np.maximum(finish, received + 600)
    now_s = _seconds(now)
    is_open = finish > now_s
    status = np.where(is_open, 0, outcome)
    ended = np.where(is_open, -1, finish)

    late_touch = rng.random(n) < 0.15
    lag = np.where(late_touch, rng.integers(_DAY_S, 12 * _DAY_S, n),
                   rng.integers(0, 2 * _HOUR_S, n))
    open_touch = received + (rng.random(n) * (now_s - received)).astype(np.int64)
    updated = np.where(is_open, open_touch, _touched(rng, finish, lag, now_s))

    digitised = rng.random(n) < cat.col("digitisation")[unit]
    e_result = (status == 1) & (rng.random(n) < np.where(digitised, 0.85, 0.25))
    payable_online = fin[proc] & pay_enabled[proc] & online & (status != 3)
    paid_online = payable_online & (rng.random(n) < cat.col("online_payment")[unit])
    paid_online |= forced & payable_online & (svc == 0)
    onestop = rng.random(n) < 0.97
    return _DossierDraw(proc, unit, channel, received, due, ended, status, digitised, e_result,
                        paid_online, onestop, updated)


def _dossier_frame(draw: _DossierDraw, cat: _Catalogue,
                   existing: pd.Series | None = None) -> pd.DataFrame:
    """Dossier records with source field names. `MaHoSo` = `<unit>-<yymmdd>-<seq>`, the
    sequence counting within the unit and day (continuing after `existing` ids)."""
    unit_code = cat.unit_codes[draw.unit]
    yymmdd = _zero_pad(_yyyymmdd(draw.received) % 1_000_000, 6).to_numpy(dtype=object)
    prefix = unit_code + "-" + yymmdd
    seq = pd.Series(prefix).groupby(prefix, sort=False).cumcount().to_numpy() + 1
    if existing is not None and len(existing):
        taken = existing.str.rsplit("-", n=1).str[0].value_counts()
        seq = seq + pd.Series(prefix).map(taken).fillna(0).to_numpy(dtype=np.int64)
    dossier_id = prefix + "-" + _zero_pad(seq, 4).to_numpy(dtype=object)
    return pd.DataFrame({
        "MaHoSo": pd.array(dossier_id, dtype="str"),
        "MaTTHC": pd.Categorical.from_codes(draw.proc.astype(np.int32),
                                            categories=list(cat.proc_codes)),
        "MaDonViXuLy": pd.Categorical.from_codes(draw.unit.astype(np.int32),
                                                 categories=list(cat.unit_codes)),
        "KenhNop": _cat(draw.channel, CHANNELS),
        "NgayTiepNhan": _as_dt(draw.received),
        "NgayHenTra": _as_dt(draw.due),
        "NgayKetThuc": _as_dt(np.where(draw.ended < 0, np.iinfo(np.int64).min, draw.ended)),
        "TrangThai": _cat(draw.status, DOSSIER_STATUSES),
        "DaSoHoa": draw.digitised,
        "CoKetQuaDienTu": draw.e_result,
        "DaThanhToanTrucTuyen": draw.paid_online,
        "QuaMotCua": draw.onestop,
        "NgayCapNhat": _as_dt(draw.updated),
    })


def _payments(rng: np.random.Generator, draw: _DossierDraw, dossier_ids: np.ndarray,
              cat: _Catalogue, target: int, now: pd.Timestamp) -> pd.DataFrame:
    """Payment transactions: every dossier paid online has one (online channel); other
    dossiers of fee-bearing procedures fill the year's volume with offline payments."""
    fin = cat.procedures["CoNghiaVuTaiChinh"].to_numpy()[draw.proc]
    online_rows = np.flatnonzero(draw.paid_online)
    candidates = np.flatnonzero(fin & ~draw.paid_online & (draw.status != 3))
    n_offline = int(np.clip(target - len(online_rows), min(1, len(candidates)), len(candidates)))
    offline_rows = np.sort(rng.choice(candidates, n_offline, replace=False))
    rows = np.concatenate([online_rows, offline_rows])
    is_online = np.arange(len(rows)) < len(online_rows)
    n = len(rows)

    pp = cat.proc_profile
    fee = pp["fee"].to_numpy()[draw.proc[rows]]
    variable = pp["variable_fee"].to_numpy()[draw.proc[rows]]
    amount = np.where(variable, (fee * _uniform_between(rng, 1.0, 4.0, n) // 1000) * 1000, fee)
    received = draw.received[rows]
    now_s = _seconds(now)
    end = np.where(draw.ended[rows] < 0, np.minimum(draw.due[rows], now_s), draw.ended[rows])
    window = np.maximum(end - received, 60)
    paid = received + np.where(is_online, rng.integers(30, _HOUR_S, n),
                               (rng.random(n) * 0.5 * window).astype(np.int64))
    paid = np.minimum(paid, now_s)
    reconciled = rng.random(n) < 0.05
    lag = np.where(reconciled, rng.integers(_DAY_S, 3 * _DAY_S, n), rng.integers(0, 1_800, n))
    updated = _touched(rng, paid, lag, now_s)

    order = np.argsort(paid, kind="stable")
    rows, is_online, amount, paid, updated = (a[order] for a in (rows, is_online, amount, paid,
                                                                  updated))
    return pd.DataFrame({
        "MaGiaoDich": pd.array(np.full(n, "", dtype=object), dtype="str"),
        "MaHoSo": pd.array(dossier_ids[rows], dtype="str"),
        "SoTien": amount.astype(np.int64),
        "ThoiGianThanhToan": _as_dt(paid),
        "KenhThanhToan": _cat(np.where(is_online, 0, 1), PAYMENT_CHANNELS),
        "NgayCapNhat": _as_dt(updated),
    })


# --------------------------------------------------------------------------- documents


def _number_payments(payments: pd.DataFrame) -> pd.DataFrame:
    """`MaGiaoDich` = GD<yyyymmdd><seq>, numbered per day of payment over all years
    (a 2023 dossier may be paid on a day of 2024)."""
    payments = payments.sort_values("ThoiGianThanhToan", kind="stable", ignore_index=True)
    paid = payments["ThoiGianThanhToan"].to_numpy().astype("datetime64[s]").astype(np.int64)
    day = _yyyymmdd(paid)
    seq = pd.Series(day).groupby(day, sort=False).cumcount().to_numpy() + 1
    payment_id = ("GD" + _str_series(day).to_numpy(dtype=object)
                  + _zero_pad(seq, 6).to_numpy(dtype=object))
    payments["MaGiaoDich"] = pd.array(payment_id, dtype="str")
    return payments


def _doc_units(cat: _Catalogue, at: pd.Timestamp) -> np.ndarray:
    return np.concatenate([cat.active(lv, at) for lv in ("so", "huyen", "phong", "xa")])


def _reference_numbers(rng: np.random.Generator, abbr: np.ndarray) -> np.ndarray:
    n = len(abbr)
    kinds = np.array([f"{k}-" if k else "" for k in names.DOCUMENT_TYPES], dtype=object)
    p = np.array(names.DOCUMENT_TYPE_WEIGHTS)
    kind = kinds[rng.choice(len(kinds), n, p=p / p.sum())]
    number = _str_series(rng.integers(1, 4_000, n)).to_numpy(dtype=object)
    return number + "/" + kind + abbr


def _ids(prefix: str, year: int, n: int, width: int) -> pd.Series:
    return (f"{prefix}-{year}-" + _zero_pad(np.arange(1, n + 1), width)).astype("str")


def _later(rng: np.random.Generator, at: np.ndarray, mean_days: float, now_s: np.int64
           ) -> np.ndarray:
    lag = (rng.exponential(mean_days, len(at)) * _DAY_S).astype(np.int64)
    return _touched(rng, at, lag, now_s)


def _forms(rng: np.random.Generator, electronic: np.ndarray) -> np.ndarray:
    n = len(electronic)
    is_e = rng.random(n) < electronic
    return np.where(is_e, 0, np.where(rng.random(n) < 0.4, 1, 2))


def _incoming_documents(rng: np.random.Generator, n: int, cat: _Catalogue,
                        start: pd.Timestamp, end: pd.Timestamp, now: pd.Timestamp,
                        year: int) -> pd.DataFrame:
    """Incoming documents (iOffice /api/v1/van-ban-den)."""
    mid = start + (end - start) / 2
    pool = _doc_units(cat, mid)
    unit = _weighted_pick(rng, pool, cat.col("doc_weight")[pool], n)
    received = np.sort(_sample_instants(rng, n, start, end, rng.random(n) < 0.1))
    senders_internal = np.concatenate([[0], pool])  # the province's own UBND sends too
    internal = rng.random(n) < 0.7
    sender_unit = senders_internal[rng.integers(0, len(senders_internal), n)]
    sender_unit = np.where(sender_unit == unit, 0, sender_unit)
    central = rng.integers(0, len(names.CENTRAL_AGENCIES), n)
    central_codes = np.array([c for c, _ in names.CENTRAL_AGENCIES], dtype=object)
    central_abbr = np.array([a for _, a in names.CENTRAL_AGENCIES], dtype=object)
    sender = np.where(internal, cat.unit_codes[sender_unit], central_codes[central])
    sender_abbr = np.where(internal, cat.col("abbr")[sender_unit], central_abbr[central])

    secret = rng.random(n) < cat.col("secret")[unit]
    form = _forms(rng, cat.col("electronic")[unit])
    online = ~secret & (rng.random(n) < cat.col("doc_online")[unit])
    vdxp = (form != 1) & (rng.random(n) < 0.55)
    now_s = _seconds(now)
    return pd.DataFrame({
        "id": _ids("VBDEN", year, n, 7),
        "soKyHieu": pd.array(_reference_numbers(rng, sender_abbr), dtype="str"),
        "ngayDen": _as_dt(received),
        "donViNhan": pd.Categorical.from_codes(unit.astype(np.int32),
                                               categories=list(cat.unit_codes)),
        "donViGui": pd.array(sender, dtype="str"),
        "doMat": secret,
        "hinhThuc": _cat(form, DOCUMENT_FORMS),
        "xuLyTrenMang": online,
        "quaTrucLienThong": vdxp,
        "ngayCapNhat": _as_dt(_later(rng, received, 2.0, now_s)),
    })


def _outgoing_documents(rng: np.random.Generator, n: int, cat: _Catalogue,
                        start: pd.Timestamp, end: pd.Timestamp, now: pd.Timestamp,
                        year: int) -> pd.DataFrame:
    """Outgoing documents (iOffice /api/v1/van-ban-di)."""
    mid = start + (end - start) / 2
    pool = _doc_units(cat, mid)
    unit = _weighted_pick(rng, pool, cat.col("doc_weight")[pool], n)
    issued = np.sort(_sample_instants(rng, n, start, end, rng.random(n) < 0.03))
    secret = rng.random(n) < cat.col("secret")[unit]
    form = _forms(rng, cat.col("electronic")[unit])
    signed = (form != 1) & (rng.random(n) < cat.col("signed")[unit])
    vdxp = (form != 1) & (rng.random(n) < 0.5)
    now_s = _seconds(now)
    return pd.DataFrame({
        "id": _ids("VBDI", year, n, 7),
        "soKyHieu": pd.array(_reference_numbers(rng, cat.col("abbr")[unit]), dtype="str"),
        "ngayBanHanh": _as_dt(issued),
        "donViBanHanh": pd.Categorical.from_codes(unit.astype(np.int32),
                                                  categories=list(cat.unit_codes)),
        "doMat": secret,
        "hinhThuc": _cat(form, DOCUMENT_FORMS),
        "kySo": signed,
        "quaTrucLienThong": vdxp,
        "ngayCapNhat": _as_dt(_later(rng, issued, 0.2, now_s)),
    })


def _work_files(rng: np.random.Generator, n: int, cat: _Catalogue,
                start: pd.Timestamp, end: pd.Timestamp, now: pd.Timestamp,
                year: int) -> pd.DataFrame:
    """Work files (iOffice /api/v1/ho-so-cong-viec)."""
    mid = start + (end - start) / 2
    pool = _doc_units(cat, mid)
    unit = _weighted_pick(rng, pool, cat.col("doc_weight")[pool], n)
    opened = np.sort(_sample_instants(rng, n, start, end, np.zeros(n, dtype=bool)))
    secret = rng.random(n) < 1.5 * cat.col("secret")[unit]
    rate = np.clip(cat.col("doc_online")[unit] + rng.normal(0.0, 0.03, n), 0.0, 1.0)
    online = ~secret & (rng.random(n) < rate)
    now_s = _seconds(now)
    return pd.DataFrame({
        "id": _ids("HSCV", year, n, 6),
        "donVi": pd.Categorical.from_codes(unit.astype(np.int32), categories=list(cat.unit_codes)),
        "ngayTao": _as_dt(opened),
        "doMat": secret,
        "xuLyTrenMang": online,
        "ngayCapNhat": _as_dt(_later(rng, opened, 20.0, now_s)),
    })


def _connected_units(rng: np.random.Generator, cat: _Catalogue, now: pd.Timestamp
                     ) -> pd.DataFrame:
    """4-level exchange connections (iOffice /api/v1/don-vi-lien-thong): the province,
    its departments, districts and communes valid at `now`."""
    idx = np.concatenate([cat.active(lv, now) for lv in ("tinh", "so", "huyen", "xa")])
    since = cat.col("connected_since")[idx]
    since_s = since.astype("datetime64[s]")
    base = np.where(np.isnat(since_s), np.datetime64("2022-01-01", "s"), since_s).astype(np.int64)
    now_s = _seconds(now)
    updated = base + (rng.random(len(idx)) * (now_s - 7 * _DAY_S - base)).astype(np.int64)
    return pd.DataFrame({
        "maDonVi": pd.array(cat.unit_codes[idx], dtype="str"),
        "ketNoi4Cap": cat.col("connected_4level")[idx],
        "ketNoiTrucQuocGia": cat.col("connected_vdxp")[idx],
        "ngayKetNoi": since_s,
        "ngayCapNhat": _as_dt(updated),
    })


# --------------------------------------------------------------------------- LRIS


def _report_regimes(rng: np.random.Generator, scale: float, now: pd.Timestamp
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Report regimes (LRIS /api/che-do-bao-cao) and who must submit each."""
    n = _count(REPORT_REGIMES * scale, "report_regimes")
    combos = np.array([(t, p) for t in range(len(names.REPORT_TOPICS)) for p in range(3)])
    pick = combos[rng.choice(len(combos), min(n, len(combos)), replace=False)]
    n = len(pick)
    period = pick[:, 1]
    period[:3] = np.arange(3)
    gov = rng.random(n) < 0.45
    gov[:2] = [True, False]
    scope = rng.choice(3, n, p=[0.3, 0.3, 0.4])  # all departments / all districts / one dept
    scope[:3] = np.arange(3)
    topics = np.array(names.REPORT_TOPICS, dtype=object)[pick[:, 0]]
    words = np.array([names.REPORT_PERIOD_WORDS[p] for p in PERIOD_TYPES], dtype=object)[period]
    start = _seconds(pd.Timestamp("2021-01-01"))
    updated = start + (rng.random(n) * (_seconds(now) - 60 * _DAY_S - start)).astype(np.int64)
    code = "CDBC." + _zero_pad(np.arange(1, n + 1), 3).to_numpy(dtype=object)
    regimes = pd.DataFrame({
        "ma_che_do": pd.array(code, dtype="str"),
        "ten_che_do": pd.array("Báo cáo " + topics + " " + words, dtype="str"),
        "ky_bao_cao": _cat(period, PERIOD_TYPES),
        "ket_noi_chinh_phu": gov,
        "ngay_cap_nhat": _as_dt(updated),
    })
    scope_frame = pd.DataFrame({
        "ma_che_do": code,
        "scope": scope,
        "owner": rng.integers(1, 21, n),
        "due_day": rng.choice([10, 15, 18, 20, 25], n),
        # Most regimes are reported cleanly; the rest are often late or incomplete.
        "late_p": np.where(rng.random(n) < 0.6, 0.005, _uniform_between(rng, 0.08, 0.3, n)),
    })
    return regimes, scope_frame


def _periods(period_type: str, years: tuple[int, ...]) -> pd.DataFrame:
    """Reporting periods: label and the first day of the month the period ends in."""
    rows: list[dict[str, Any]] = []
    for y in years:
        if period_type == "thang":
            rows += [{"ky": f"{y}-{m:02d}", "month": pd.Timestamp(f"{y}-{m:02d}-01")}
                     for m in range(1, 13)]
        elif period_type == "quy":
            rows += [{"ky": f"{y}-Q{q}", "month": pd.Timestamp(f"{y}-{3 * q:02d}-01")}
                     for q in range(1, 5)]
        else:
            rows.append({"ky": f"{y}", "month": pd.Timestamp(f"{y}-12-01")})
    return pd.DataFrame(rows)


def _report_submissions(rng: np.random.Generator, regimes: pd.DataFrame, scope: pd.DataFrame,
                        cat: _Catalogue, years: tuple[int, ...], now: pd.Timestamp
                        ) -> pd.DataFrame:
    """One expected submission per regime × submitting unit × period (LRIS /api/bao-cao);
    the province itself (89) compiles and forwards regimes connected to the Government."""
    depts = cat.active("so", now)
    districts = cat.active("huyen", now)
    regime_rows = regimes.assign(**scope.drop(columns="ma_che_do"))
    periods = pd.concat(
        [_periods(p, years).assign(ky_bao_cao=p) for p in PERIOD_TYPES], ignore_index=True)
    units_by_scope = pd.concat([
        pd.DataFrame({"scope": 0, "unit": depts}),
        pd.DataFrame({"scope": 1, "unit": districts}),
    ])
    grid = regime_rows.merge(units_by_scope, on="scope", how="left")
    one = grid["scope"] == 2
    grid.loc[one, "unit"] = depts[(grid.loc[one, "owner"].to_numpy() - 1) % len(depts)]
    grid = grid.drop_duplicates(["ma_che_do", "unit"])
    province = regime_rows[regime_rows["ket_noi_chinh_phu"]].assign(unit=0)
    grid = pd.concat([grid, province], ignore_index=True)
    grid["ky_bao_cao"] = grid["ky_bao_cao"].astype(str)
    grid = grid.merge(periods, on="ky_bao_cao").sort_values(["month", "ma_che_do", "unit"],
                                                          kind="stable", ignore_index=True)
    n = len(grid)
    unit = grid["unit"].to_numpy(dtype=np.int64)
    due = (grid["month"].to_numpy().astype("datetime64[D]")
           + (grid["due_day"].to_numpy() - 1).astype("timedelta64[D]"))
    # Periodic reports are due in the last month of their period (data cut off on the
    # 14th, as Decree 09/2019/ND-CP sets), so a yearly report is due in December.
    due_s = due.astype("datetime64[s]").astype(np.int64) + 17 * _HOUR_S
    # The province compiles after its units: five days later.
    due_s = due_s + np.where(unit == 0, 5 * _DAY_S, 0)

    now_s = _seconds(now)
    late_p = grid["late_p"].to_numpy()
    sent = rng.random(n) < 1.0 - late_p / 3
    late = rng.random(n) < late_p
    offset = np.where(late, rng.integers(3_600, 10 * _DAY_S, n), -rng.integers(0, 5 * _DAY_S, n))
    submitted = due_s + offset
    sent &= submitted <= now_s
    via_lris = sent & (rng.random(n) >= late_p / 2)
    complete = sent & (rng.random(n) >= late_p / 2)
    gov = grid["ket_noi_chinh_phu"].to_numpy() & via_lris & (rng.random(n) >= late_p / 2)
    created = due_s - 20 * _DAY_S
    updated = np.where(sent, _touched(rng, submitted, rng.integers(0, 2 * _HOUR_S, n), now_s),
                       np.minimum(created, now_s))
    unit_code = cat.unit_codes[unit]
    code = grid["ma_che_do"].to_numpy(dtype=object) + "." + unit_code + "." + grid["ky"].to_numpy(
        dtype=object)
    return pd.DataFrame({
        "ma_bao_cao": pd.array(code, dtype="str"),
        "ma_che_do": pd.Categorical(grid["ma_che_do"].to_numpy(dtype=object),
                                    categories=regimes["ma_che_do"].tolist()),
        "ma_don_vi": pd.Categorical.from_codes(unit.astype(np.int32),
                                               categories=list(cat.unit_codes)),
        "ky": pd.array(grid["ky"].to_numpy(dtype=object), dtype="str"),
        "han_nop": _as_dt(due_s),
        "thoi_gian_nop": _as_dt(np.where(sent, submitted, np.iinfo(np.int64).min)),
        "gui_qua_lris": via_lris,
        "day_du": complete,
        "gui_chinh_phu": gov,
        "ngay_cap_nhat": _as_dt(updated),
    })


# --------------------------------------------------------------------------- NDXP / LGSP


def _data_services(rng: np.random.Generator, scale: float, now: pd.Timestamp) -> pd.DataFrame:
    """Data services on the national platform (NDXP /api/dich-vu-du-lieu)."""
    base = int(rng.integers(17, 21))
    n = int(np.clip(round(base * scale), FLOORS["data_services"], len(names.DATA_SERVICES)))
    pick = np.sort(rng.choice(len(names.DATA_SERVICES), n, replace=False))
    status = rng.choice(3, n, p=[0.82, 0.13, 0.05])
    status[rng.choice(n, 2, replace=False)] = [1, 2]
    since = np.datetime64("2021-03-01", "D") + rng.integers(0, 1_200, n)
    since = np.minimum(since, np.datetime64(now.date(), "D") - 10)
    return pd.DataFrame({
        "maDichVu": pd.array([f"NDXP.DV.{i + 1:03d}" for i in pick], dtype="str"),
        "tenDichVu": pd.array([names.DATA_SERVICES[i][0] for i in pick], dtype="str"),
        "boNganhCungCap": pd.array([names.DATA_SERVICES[i][1] for i in pick], dtype="str"),
        "trangThai": _cat(status, DATA_SERVICE_STATUSES),
        "tuNgay": since.astype("datetime64[s]"),
    })


def _shared_data_apps(rng: np.random.Generator, scale: float, now: pd.Timestamp
                      ) -> pd.DataFrame:
    """The province's applications and their LGSP connection (NDXP /api/ung-dung)."""
    n = int(np.clip(round(SHARED_DATA_APPS * scale), FLOORS["shared_data_apps"],
                    len(names.SHARED_DATA_APPS)))
    # The first eight cover every kind (shared / not, needs LGSP / not); then a sample.
    rest = rng.choice(np.arange(8, len(names.SHARED_DATA_APPS)), n - 8, replace=False)
    pick = np.concatenate([np.arange(8), np.sort(rest)])
    shared = np.array([names.SHARED_DATA_APPS[i][1] for i in pick])
    needs = np.array([names.SHARED_DATA_APPS[i][2] for i in pick])
    connected = np.where(needs, rng.random(n) < 0.85, rng.random(n) < 0.2)
    connected[[0, 6]] = [True, False]  # the document system is connected; the land DB is not
    since = np.datetime64("2020-06-01", "D") + rng.integers(0, 1_400, n)
    since = np.minimum(since, np.datetime64(now.date(), "D") - 10)
    return pd.DataFrame({
        "maUngDung": pd.array([f"LGSP.UD.{i + 1:03d}" for i in pick], dtype="str"),
        "tenUngDung": pd.array([names.SHARED_DATA_APPS[i][0] for i in pick], dtype="str"),
        "coDuLieuDungChung": shared,
        "canKetNoiLGSP": needs,
        "daKetNoiLGSP": connected,
        "tuNgay": np.where(connected, since, np.datetime64("NaT", "D")).astype("datetime64[s]"),
    })
