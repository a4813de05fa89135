"""The records the four systems serve for ITA-2018 beyond the first twelve entities.

TTHC: each unit's procedures as its one-stop software and portal page hold them
(`unit_procedure`), the one-stop sites with their rating module (`one_stop_unit`),
citizens' feedback (`feedback`) and the hand-offs of interlinked (liên thông) dossiers
(`interlink_transfer`); new fields on procedures (interlink kind), dossiers (status
published online), incoming and outgoing documents (leaders' handling, agency and
leader signatures). iOffice: its organisation tree below the province's units
(`edms_unit`) and monthly usage statistics per unit (`edms_usage`). LRIS: yearly
statistical indicators (`statistic`) and filed IT-application reports (`it_report`).
NDXP/LGSP: units' connections to national systems and SSO (`platform_link`) and the
residents digitised in the national population database (`population_snapshot`).

Every function draws from its own random stream (`simulator._kit._STREAMS`), so the
columns generated before these existed stay exactly as they were. Source field names
follow docs/source-apis.md; hidden per-unit rates live in `unit_traits`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from simulator import names
from simulator._kit import (
    _DAY_S,
    _HOUR_S,
    _as_dt,
    _cat,
    _sample_instants,
    _seconds,
    _touched,
    _uniform_between,
    _zero_pad,
)

if TYPE_CHECKING:
    from simulator.province import _Catalogue, _DossierDraw

# Source enum codes, in the order the generators index them.
INTERLINK_KINDS = ("khong", "xa_huyen", "huyen_tinh", "ba_cap")
DEPLOYMENT_MODES = ("tap_trung", "doc_lap_dong_bo", "doc_lap")
EDMS_UNIT_KINDS = ("truc_thuoc_so", "su_nghiep_huyen")
IT_REPORT_KINDS = ("ket_qua_ke_hoach", "dinh_ky")
PLATFORM_SYSTEMS = ("ho_tich", "dang_ky_kinh_doanh", "sso")
# LRIS indicator codes: (code, reported by communes too); districts report them all.
INDICATORS: tuple[tuple[str, bool], ...] = (
    ("bdvh", True),  # cultural post offices (điểm bưu điện văn hóa) and post points
    ("bdvh_internet", True),  # … with an Internet connection
    ("bdvh_dai_ly_internet", True),  # … that are Internet agents
    ("ho_may_tinh_pct", True),  # % of households with a computer
    ("ho_bang_rong_pct", True),  # % of households with broadband
    ("dn_bang_rong_pct", True),  # % of enterprises with broadband
    ("tb_di_dong_pct", False),  # % of the population with a mobile subscription
    ("tb_bang_rong_di_dong_pct", False),  # … with a mobile broadband subscription
    ("truong_tieu_hoc", False),
    ("truong_tieu_hoc_tin_hoc", False),  # … teaching informatics
    ("truong_thcs", False),
    ("truong_thcs_tin_hoc", False),
    ("truong_thpt", False),
    ("truong_thpt_tin_hoc", False),
    ("dan_so", True),  # population
)
# Volumes of the reference year 2024 at scale 1.0.
FEEDBACK_PER_YEAR = 25_000
# Interlinked commune procedures: the most used ones, until each kind carries this
# share of the commune-level dossiers (then a few more at random).
INTERLINK_SHARE = {"ba_cap": 0.3, "xa_huyen": 0.3, "huyen_tinh": 0.25}
PEOPLE_PER_POPULATION_UNIT = 11_000

_REPORTING_LEVELS = ("so", "huyen", "xa")


# --------------------------------------------------------------------------- helpers


def _days(day: np.ndarray | np.datetime64) -> np.ndarray:
    """datetime64[D] → int64 seconds at midnight."""
    return np.asarray(day).astype("datetime64[D]").astype("datetime64[s]").astype(np.int64)


def _day_between(
    rng: np.random.Generator, first: str, last_s: np.int64 | int, n: int
) -> np.ndarray:
    """`n` midnights (int64 seconds) from `first` to the day of `last_s`."""
    lo = _days(np.datetime64(first, "D"))
    span_days = max(1, (int(last_s) - int(lo)) // _DAY_S)
    return lo + rng.integers(0, span_days, n) * _DAY_S


def _pick(rng: np.random.Generator, p: Sequence[float], n: int) -> np.ndarray:
    return rng.choice(len(p), n, p=np.asarray(p) / np.sum(p))


def _active(cat: _Catalogue, levels: Sequence[str], at: pd.Timestamp) -> np.ndarray:
    return np.concatenate([cat.active(level, at) for level in levels])


def _months(years: Sequence[int], now: pd.Timestamp) -> list[pd.Timestamp]:
    """First days of the months of `years` that are over by `now`."""
    starts = [pd.Timestamp(f"{y}-{m:02d}-01") for y in years for m in range(1, 13)]
    return [m for m in starts if m + pd.offsets.MonthBegin(1) <= now]


# --------------------------------------------------------------------------- traits


def unit_traits(rng: np.random.Generator, profile: pd.DataFrame) -> pd.DataFrame:
    """Hidden per-unit rates of the records below, one row per unit of `profile`."""
    n = len(profile)
    level = profile["CapDonVi"].to_numpy()
    served = np.isin(level, _REPORTING_LEVELS)

    def rate(lo: float, hi: float, full_p: float = 0.0) -> np.ndarray:
        value = _uniform_between(rng, lo, hi, n)
        return np.where(rng.random(n) < full_p, 1.0, value)

    leaders = np.select(
        [level == "xa", level == "huyen", level == "so", level == "phong"], [3, 4, 4, 2], 5
    )
    signing = 1 + (rng.random(n) * leaders).astype(np.int64)
    population = profile["population"].to_numpy()
    return pd.DataFrame(
        {
            "onestop_coverage": np.where(served, rate(0.80, 0.99, 0.35), 0.0),
            "publish_rate": np.where(served, rate(0.85, 0.99, 0.6), 0.0),
            "status_published": rate(0.70, 0.99, 0.3),
            "feedback_weight": np.select(
                [level == "so", level == "huyen", level == "xa"], [2.0, 3.0, 0.6 * population], 0.0
            ),
            "feedback_answer": rate(0.55, 0.99, 0.2),
            "transfer_online": rate(0.30, 0.95),
            "present_rate": rate(0.50, 0.98),
            "directed_share": rate(0.60, 0.98),
            "submit_rate": rate(0.50, 0.98),
            "approved_share": rate(0.70, 0.99, 0.2),
            "leader_sign_share": rate(0.30, 0.90),
            "agency_sign_share": rate(0.50, 0.99, 0.3),
            "leaders": leaders,
            "leaders_signing": np.minimum(signing, leaders),
        },
        index=profile.index,
    )


# --------------------------------------------------------------------------- TTHC


def procedure_links(rng: np.random.Generator, proc_profile: pd.DataFrame) -> pd.Categorical:
    """Each procedure's interlink kind (`LienThong`): commune procedures handed to the
    district (xa_huyen) or through district and province (ba_cap), district procedures
    handed to the province (huyen_tinh); the most used ones first."""
    level = proc_profile["level"].to_numpy()
    popularity = proc_profile["popularity"].to_numpy()
    kind = np.zeros(len(level), dtype=np.int64)
    for lv, targets in (
        (2, {3: INTERLINK_SHARE["ba_cap"], 1: INTERLINK_SHARE["xa_huyen"]}),
        (1, {2: INTERLINK_SHARE["huyen_tinh"]}),
    ):
        pool = np.flatnonzero(level == lv)
        pool = pool[np.argsort(-popularity[pool], kind="stable")]
        mass = popularity[pool] / popularity[pool].sum()
        share = dict.fromkeys(targets, 0.0)
        taken = 0
        for i, m in zip(pool, mass, strict=True):
            open_kinds = [k for k in targets if share[k] < targets[k]]
            if not open_kinds:
                break
            k = min(open_kinds, key=lambda x: (share[x], -x))
            kind[i] = k
            share[k] += m
            taken += 1
        rest = pool[taken:]
        draw = rng.random(len(rest))
        picks = list(targets)
        kind[rest] = np.where(draw < 0.05, picks[0], np.where(draw < 0.12, picks[-1], 0))
    return _cat(kind, INTERLINK_KINDS)


def status_published(rng: np.random.Generator, unit: np.ndarray, cat: _Catalogue) -> np.ndarray:
    """`CongKhaiTrangThai`: the dossier's processing status can be looked up online."""
    return rng.random(len(unit)) < cat.col("status_published")[unit]


def unit_procedures(rng: np.random.Generator, cat: _Catalogue, now: pd.Timestamp) -> pd.DataFrame:
    """Each unit's procedures (TTHC /api/thutuc-donvi): a department's provincial
    procedures, every district-level one at each district, every commune-level one at
    each commune; configured in the one-stop software (since a date) or not, and
    published online with forms (level 1-2 at least; online services always are)."""
    level = cat.proc_profile["level"].to_numpy()
    online = cat.proc_profile["service_level"].to_numpy() != 2
    provincial = np.flatnonzero(level == 0)
    depts = set(cat.active("so", now).tolist())
    provincial = provincial[np.isin(cat.dept_index[provincial], list(depts))]
    parts_unit, parts_proc = [cat.dept_index[provincial]], [provincial]
    for lv, unit_level in ((1, "huyen"), (2, "xa")):
        procs = np.flatnonzero(level == lv)
        units = cat.active(unit_level, now)
        parts_unit.append(np.repeat(units, len(procs)))
        parts_proc.append(np.tile(procs, len(units)))
    unit = np.concatenate(parts_unit).astype(np.int64)
    proc = np.concatenate(parts_proc).astype(np.int64)
    n = len(unit)
    now_s = _seconds(now)
    configured = rng.random(n) < cat.col("onestop_coverage")[unit]
    late = rng.random(n) < 0.12
    since = np.where(
        late,
        _day_between(rng, "2023-01-01", now_s - 30 * _DAY_S, n),
        _day_between(rng, "2019-01-01", _seconds(pd.Timestamp("2022-12-31")), n),
    )
    since = since + 8 * _HOUR_S
    published = online[proc] | (rng.random(n) < cat.col("publish_rate")[unit])
    base = np.maximum(np.where(configured, since, 0), _seconds(pd.Timestamp("2022-01-01")))
    updated = base + (rng.random(n) * np.maximum(now_s - 30 * _DAY_S - base, 0)).astype(np.int64)
    unit_code = cat.unit_codes[unit]
    proc_code = cat.proc_codes[proc]
    return pd.DataFrame(
        {
            "MaApDung": pd.array(unit_code + ":" + proc_code, dtype="str"),
            "MaDonVi": pd.array(unit_code, dtype="str"),
            "MaTTHC": pd.array(proc_code, dtype="str"),
            "NgayCauHinhMotCua": _as_dt(np.where(configured, since, np.iinfo(np.int64).min)),
            "CongKhaiTrucTuyen": published,
            "NgayCapNhat": _as_dt(updated),
        }
    )


def one_stop_units(rng: np.random.Generator, cat: _Catalogue, now: pd.Timestamp) -> pd.DataFrame:
    """The one-stop sites (TTHC /api/motcua-donvi) of the departments, districts and
    communes: how each is deployed, and its satisfaction-rating module."""
    idx = _active(cat, _REPORTING_LEVELS, now)
    n = len(idx)
    level = cat.profile["CapDonVi"].to_numpy()[idx]
    is_dept = level == "so"
    mode = np.where(is_dept, _pick(rng, [0.6, 0.28, 0.12], n), _pick(rng, [0.92, 0.08, 0.0], n))
    depts = np.flatnonzero(is_dept)
    if len(depts) >= 3 and len(set(mode[depts])) < 3:
        mode[rng.choice(depts, 3, replace=False)] = [0, 1, 2]
    now_s = _seconds(now)
    deployed = _day_between(rng, "2017-06-01", _seconds(pd.Timestamp("2021-06-30")), n)
    enabled = rng.random(n) < np.select([is_dept, level == "huyen"], [0.7, 0.8], 0.65)
    rating_since = np.maximum(_day_between(rng, "2019-01-01", now_s - 15 * _DAY_S, n), deployed)
    last = np.where(enabled, rating_since, deployed)
    updated = last + (rng.random(n) * np.maximum(now_s - 7 * _DAY_S - last, 0)).astype(np.int64)
    return pd.DataFrame(
        {
            "MaDonVi": pd.array(cat.unit_codes[idx], dtype="str"),
            "HinhThucTrienKhai": _cat(mode, DEPLOYMENT_MODES),
            "NgayTrienKhai": _as_dt(deployed),
            "DanhGiaHaiLong": enabled,
            "NgayBatDauDanhGia": _as_dt(np.where(enabled, rating_since, np.iinfo(np.int64).min)),
            "NgayCapNhat": _as_dt(updated),
        }
    )


def feedback(
    rng: np.random.Generator,
    cat: _Catalogue,
    expected: float,
    start: pd.Timestamp,
    end: pd.Timestamp,
    now: pd.Timestamp,
    year: int,
) -> pd.DataFrame:
    """Citizens' feedback and questions (phản ánh, kiến nghị) sent to a unit through the
    public-service portal (TTHC /api/phananh), each unit at least one a year."""
    mid = start + (end - start) / 2
    pool = _active(cat, _REPORTING_LEVELS, mid)
    weight = cat.col("feedback_weight")[pool]
    counts = 1 + rng.poisson(expected * weight / weight.sum())
    unit = np.repeat(pool, counts)
    n = len(unit)
    received = _sample_instants(rng, n, start, end, anytime=rng.random(n) < 0.6)
    order = np.argsort(received, kind="stable")
    unit, received = unit[order], received[order]
    now_s = _seconds(now)
    delay = ((rng.exponential(4.0, n) + 0.05) * _DAY_S).astype(np.int64)
    answered = (rng.random(n) < cat.col("feedback_answer")[unit]) & (received + delay <= now_s)
    answered_at = received + delay
    updated = np.where(
        answered, answered_at, _touched(rng, received, rng.integers(60, _DAY_S, n), now_s)
    )
    return pd.DataFrame(
        {
            "MaPhanAnh": (f"PA-{year}-" + _zero_pad(np.arange(1, n + 1), 6)).astype("str"),
            "MaDonVi": pd.Categorical.from_codes(
                unit.astype(np.int32), categories=list(cat.unit_codes)
            ),
            "NgayGui": _as_dt(received),
            "NgayTraLoi": _as_dt(np.where(answered, answered_at, np.iinfo(np.int64).min)),
            "NgayCapNhat": _as_dt(updated),
        }
    )


def interlink_transfers(
    rng: np.random.Generator,
    draw: _DossierDraw,
    dossier_ids: np.ndarray,
    cat: _Catalogue,
    links: np.ndarray,
    now: pd.Timestamp,
    year: int,
) -> pd.DataFrame:
    """Interlinked dossiers handed up a level (TTHC /api/lienthong): a commune sends its
    xa_huyen and ba_cap dossiers to its district, a district its huyen_tinh dossiers to
    the department in charge, and a ba_cap dossier goes on from the district to that
    department. A hand-off happens before the dossier ends and before `now`."""
    n = len(draw.proc)
    kind = links[draw.proc]
    level = cat.profile["CapDonVi"].to_numpy()[draw.unit]
    up_from_commune = np.isin(kind, (1, 3)) & (level == "xa")
    eligible = (up_from_commune | ((kind == 2) & (level == "huyen"))) & (draw.status != 3)
    span = np.maximum(draw.due - draw.received, 4 * _HOUR_S)
    now_s = _seconds(now)

    def hand_off(after: np.ndarray) -> np.ndarray:
        at = after + np.maximum((_uniform_between(rng, 0.05, 0.35, n) * span).astype(np.int64), 600)
        return np.where(draw.ended >= 0, np.minimum(at, np.maximum(draw.ended, after)), at)

    first = hand_off(draw.received)
    second = hand_off(first)
    position = pd.Index(cat.unit_codes)
    district = position.get_indexer(cat.profile["district"].to_numpy(dtype=object)[draw.unit])
    dept = cat.dept_index[draw.proc]
    hop1 = eligible & (first <= now_s)
    hop2 = hop1 & (kind == 3) & (second <= now_s)
    rows1, rows2 = np.flatnonzero(hop1), np.flatnonzero(hop2)
    sender = np.concatenate([draw.unit[rows1], district[rows2]])
    receiver = np.concatenate(
        [np.where(up_from_commune[rows1], district[rows1], dept[rows1]), dept[rows2]]
    )
    sent = np.concatenate([first[rows1], second[rows2]])
    dossier = np.concatenate([rows1, rows2])
    online = rng.random(len(sent)) < cat.col("transfer_online")[sender]
    order = np.argsort(sent, kind="stable")
    sender, receiver, sent, dossier, online = (
        a[order] for a in (sender, receiver, sent, dossier, online)
    )
    updated = _touched(rng, sent, rng.integers(0, 2 * _HOUR_S, len(sent)), now_s)
    return pd.DataFrame(
        {
            "MaLienThong": (f"LT-{year}-" + _zero_pad(np.arange(1, len(sent) + 1), 6)).astype(
                "str"
            ),
            "MaHoSo": pd.array(dossier_ids[dossier], dtype="str"),
            "DonViGui": pd.array(cat.unit_codes[sender], dtype="str"),
            "DonViNhan": pd.array(cat.unit_codes[receiver], dtype="str"),
            "NgayGui": _as_dt(sent),
            "GuiTrucTuyen": online,
            "NgayCapNhat": _as_dt(updated),
        }
    )


# --------------------------------------------------------------------------- iOffice


def incoming_flow(
    rng: np.random.Generator, frame: pd.DataFrame, cat: _Catalogue
) -> dict[str, np.ndarray]:
    """Leaders' handling of incoming documents in iOffice and the sender's signature:
    `trinhLanhDao` (presented to a leader in the system), `lanhDaoChiDao` (the leader
    directed it there), `kySo` (it arrived digitally signed)."""
    n = len(frame)
    unit = frame["donViNhan"].cat.codes.to_numpy()
    secret = frame["doMat"].to_numpy(dtype=bool)
    form = frame["hinhThuc"]
    paper = form.cat.codes.to_numpy() == list(form.cat.categories).index("giay")
    presented = ~secret & (rng.random(n) < cat.col("present_rate")[unit])
    directed = presented & (rng.random(n) < cat.col("directed_share")[unit])
    codes, senders = pd.factorize(frame["donViGui"].to_numpy(dtype=object))
    sender = pd.Index(cat.unit_codes).get_indexer(senders)[codes]
    sign_p = np.where(sender >= 0, cat.col("signed")[np.maximum(sender, 0)], 0.9)
    signed = ~paper & (rng.random(n) < sign_p)
    return {"trinhLanhDao": presented, "lanhDaoChiDao": directed, "kySo": signed}


def outgoing_flow(rng: np.random.Generator, frame: pd.DataFrame, cat: _Catalogue) -> dict[str, Any]:
    """Leaders' handling of outgoing documents in iOffice and who signed them:
    `trinhLanhDao` (the draft was submitted to a leader in the system), `lanhDaoDuyet`
    (approved there), `kySoCoQuan` / `kySoLanhDao` (agency / leader's own digital
    signature; a signed document has at least one), `nguoiKy` (the signing leader)."""
    n = len(frame)
    unit = frame["donViBanHanh"].cat.codes.to_numpy()
    secret = frame["doMat"].to_numpy(dtype=bool)
    signed = frame["kySo"].to_numpy(dtype=bool)
    submitted = ~secret & (rng.random(n) < cat.col("submit_rate")[unit])
    approved = submitted & (rng.random(n) < cat.col("approved_share")[unit])
    leader = signed & (rng.random(n) < cat.col("leader_sign_share")[unit])
    agency = signed & (~leader | (rng.random(n) < cat.col("agency_sign_share")[unit]))
    seat = 1 + (rng.random(n) * cat.col("leaders_signing")[unit]).astype(np.int64)
    signer = cat.unit_codes[unit] + ".LD" + _zero_pad(seat, 2).to_numpy(dtype=object)
    return {
        "trinhLanhDao": submitted,
        "lanhDaoDuyet": approved,
        "kySoCoQuan": agency,
        "kySoLanhDao": leader,
        "nguoiKy": pd.array(np.where(leader, signer, None), dtype="str"),
    }


def edms_units(rng: np.random.Generator, cat: _Catalogue, now: pd.Timestamp) -> pd.DataFrame:
    """iOffice's organisation tree below the province's units (/api/v1/don-vi-truc-thuoc):
    departments' affiliated units and districts' public service units, with the date
    each began to use iOffice (null: not using it)."""
    code, name, parent, kind = [], [], [], []
    depts, districts = cat.active("so", now), cat.active("huyen", now)
    for idx, count in zip(depts, rng.integers(2, 9, len(depts)), strict=True):
        dept = str(cat.unit_codes[idx])
        words = rng.choice(names.DEPARTMENT_AFFILIATE_KINDS, count)
        for k, word in enumerate(words, start=1):
            code.append(dept.replace(".00.", f".{k:02d}.", 1))
            name.append(f"{word} số {k} - {cat.col('abbr')[idx]}")
            parent.append(dept)
            kind.append(0)
    for idx, count in zip(districts, rng.integers(10, 31, len(districts)), strict=True):
        district = str(cat.unit_codes[idx])
        words = rng.choice(names.DISTRICT_SERVICE_UNIT_KINDS, count)
        for k, word in enumerate(words, start=1):
            code.append(f"{district}.S{k:02d}")
            name.append(f"{word} số {k} - {cat.units['TenDonVi'].iloc[idx]}")
            parent.append(district)
            kind.append(1)
    n = len(code)
    kinds = np.array(kind)
    using = rng.random(n) < np.where(kinds == 0, 0.88, 0.75)
    now_s = _seconds(now)
    since = _day_between(rng, "2018-03-01", now_s - 30 * _DAY_S, n) + 8 * _HOUR_S
    base = np.where(using, since, _seconds(pd.Timestamp("2022-01-01")))
    updated = base + (rng.random(n) * np.maximum(now_s - 7 * _DAY_S - base, 0)).astype(np.int64)
    return pd.DataFrame(
        {
            "maDonVi": pd.array(code, dtype="str"),
            "tenDonVi": pd.array(name, dtype="str"),
            "maDonViCha": pd.array(parent, dtype="str"),
            "loaiDonVi": _cat(kinds, EDMS_UNIT_KINDS),
            "ngaySuDung": _as_dt(np.where(using, since, np.iinfo(np.int64).min)),
            "ngayCapNhat": _as_dt(updated),
        }
    )


def _monthly_documents(frame: pd.DataFrame, unit_col: str, at_col: str) -> pd.Series:
    """Non-secret documents per (unit code, yyyy-MM)."""
    kept = ~frame["doMat"].to_numpy(dtype=bool)
    unit = frame[unit_col].cat.codes.to_numpy()[kept].astype(np.int64)
    month = frame[at_col].to_numpy()[kept].astype("datetime64[M]").astype(np.int64)
    keys, counts = np.unique(unit * 100_000 + month, return_counts=True)
    categories = frame[unit_col].cat.categories.to_numpy(dtype=object)
    labels = np.datetime_as_string((keys % 100_000).astype("datetime64[M]"), unit="M")
    index = pd.MultiIndex.from_arrays([categories[keys // 100_000].astype(str), labels])
    return pd.Series(counts, index=index)


def edms_usage(
    seed_rng: np.random.Generator,
    year_rngs: dict[int, np.random.Generator],
    cat: _Catalogue,
    units: pd.DataFrame,
    incoming: pd.DataFrame,
    outgoing: pd.DataFrame,
    scale: float,
    now: pd.Timestamp,
) -> pd.DataFrame:
    """iOffice's monthly usage statistics per unit (/api/v1/thong-ke-su-dung): documents
    registered (non-secret; for the province's units the counts of their records),
    and accounts of civil servants, public employees and part-time officials, with how
    many used iOffice regularly that month."""
    main = _active(cat, ("so", "huyen", "phong", "xa"), now)
    level = np.concatenate(
        [
            cat.profile["CapDonVi"].to_numpy()[main],
            np.where(units["loaiDonVi"].astype(str) == "truc_thuoc_so", "dvtt", "dvsn"),
        ]
    )
    codes = np.concatenate([cat.unit_codes[main], units["maDonVi"].to_numpy(dtype=object)])
    since = np.concatenate(
        [
            np.full(len(main), np.datetime64("NaT", "s")),
            units["ngaySuDung"].to_numpy().astype("datetime64[s]"),
        ]
    )
    is_main = np.arange(len(codes)) < len(main)
    n = len(codes)

    def size(table: dict[str, tuple[int, int]]) -> np.ndarray:
        lo = np.array([table.get(x, (0, 0))[0] for x in level])
        hi = np.array([table.get(x, (0, 0))[1] for x in level])
        return seed_rng.integers(lo, hi + 1, n)

    staff = {
        "cc": size(
            {
                "so": (40, 120),
                "huyen": (15, 30),
                "phong": (4, 12),
                "xa": (8, 22),
                "dvtt": (2, 10),
                "dvsn": (1, 4),
            }
        ),
        "vc": size({"so": (0, 10), "dvtt": (10, 60), "dvsn": (10, 60)}),
        "kct": size({"xa": (5, 20)}),
    }
    coverage = {k: _uniform_between(seed_rng, 0.75, 1.0, n) for k in staff}
    regular = {k: _uniform_between(seed_rng, 0.45, 0.98, n) for k in staff}
    doc_mean = _uniform_between(seed_rng, 50, 300, n) * scale
    docs_in = _monthly_documents(incoming, "donViNhan", "ngayDen")
    docs_out = _monthly_documents(outgoing, "donViBanHanh", "ngayBanHanh")
    now_s = _seconds(now)
    frames = []
    for month in _months(sorted(year_rngs), now):
        rng = year_rngs[month.year]
        label = month.strftime("%Y-%m")
        month_end = np.datetime64(month + pd.offsets.MonthBegin(1), "s")
        live = np.flatnonzero(is_main | (~np.isnat(since) & (since < month_end)))
        m = len(live)
        row: dict[str, object] = {
            "id": codes[live] + "." + label,
            "maDonVi": codes[live],
            "thang": np.full(m, label),
        }
        for field, counts in (("vanBanDen", docs_in), ("vanBanDi", docs_out)):
            keyed = pd.MultiIndex.from_arrays([codes[live].astype(str), np.full(m, label)])
            recorded = counts.reindex(keyed, fill_value=0).to_numpy()
            drawn = rng.poisson(doc_mean[live])
            row[field] = np.where(is_main[live], recorded, drawn).astype(np.int64)
        for kind, (accounts_field, regular_field) in (
            ("cc", ("taiKhoanCongChuc", "congChucThuongXuyen")),
            ("vc", ("taiKhoanVienChuc", "vienChucThuongXuyen")),
            ("kct", ("taiKhoanKhongChuyenTrach", "khongChuyenTrachThuongXuyen")),
        ):
            accounts = rng.binomial(staff[kind][live], coverage[kind][live])
            row[accounts_field] = accounts.astype(np.int64)
            row[regular_field] = rng.binomial(accounts, regular[kind][live]).astype(np.int64)
        next_month = _seconds(month + pd.offsets.MonthBegin(1))
        stamp = next_month + rng.integers(_DAY_S, 5 * _DAY_S, m)
        row["ngayCapNhat"] = _as_dt(np.minimum(stamp, now_s))
        frames.append(pd.DataFrame(row))
    usage = pd.concat(frames, ignore_index=True)
    for text in ("id", "maDonVi", "thang"):
        usage[text] = pd.array(usage[text].to_numpy(dtype=object), dtype="str")
    return usage


# --------------------------------------------------------------------------- LRIS


def commune_population(
    rng: np.random.Generator, cat: _Catalogue, years: Sequence[int]
) -> dict[int, np.ndarray]:
    """Each unit's population per year (communes; 0 elsewhere), shared by LRIS's
    statistics and the population database's digitisation counts."""
    base = np.round(cat.col("population") * PEOPLE_PER_POPULATION_UNIT)
    is_commune = cat.profile["CapDonVi"].to_numpy() == "xa"
    growth = _uniform_between(rng, -0.004, 0.012, len(base))
    return {
        y: np.where(is_commune, np.round(base * (1 + growth) ** (y - 2023)), 0).astype(np.int64)
        for y in years
    }


def statistics(
    rngs: dict[int, np.random.Generator],
    base: np.random.Generator,
    cat: _Catalogue,
    population: dict[int, np.ndarray],
    now: pd.Timestamp,
) -> pd.DataFrame:
    """Yearly statistical indicators (LRIS /api/so-lieu-thong-ke) of every commune and
    district in force at the year's end; a district's counts of post offices and its
    population add up its communes'."""
    n_units = len(cat.unit_codes)
    post = 1 + (base.random(n_units) < 0.3) + (base.random(n_units) < 0.1)
    internet_p = _uniform_between(base, 0.55, 1.0, n_units)
    agent_p = _uniform_between(base, 0.15, 0.8, n_units)
    district_of = pd.Index(cat.unit_codes).get_indexer(
        cat.profile["district"].to_numpy(dtype=object)
    )
    now_s = _seconds(now)
    frames = []
    for year, rng in sorted(rngs.items()):
        end = min(pd.Timestamp(f"{year + 1}-01-01"), now)
        communes, districts = cat.active("xa", end), cat.active("huyen", end)
        values: dict[str, np.ndarray] = {}
        values["bdvh"] = post.astype(float)
        values["bdvh_internet"] = rng.binomial(post, internet_p).astype(float)
        values["bdvh_dai_ly_internet"] = rng.binomial(
            values["bdvh_internet"].astype(np.int64), agent_p
        ).astype(float)
        for code, lo, hi in (("ho_may_tinh_pct", 8, 45), ("ho_bang_rong_pct", 20, 75),
                             ("dn_bang_rong_pct", 50, 98), ("tb_di_dong_pct", 70, 99),
                             ("tb_bang_rong_di_dong_pct", 35, 85)):  # fmt: skip
            values[code] = np.round(_uniform_between(rng, lo, hi, n_units), 2)
        for school, lo, hi, teach in (("truong_tieu_hoc", 8, 30, (0.3, 0.95)),
                                      ("truong_thcs", 5, 18, (0.8, 1.0)),
                                      ("truong_thpt", 1, 5, (0.9, 1.0))):  # fmt: skip
            count = rng.integers(lo, hi + 1, n_units)
            values[school] = count.astype(float)
            values[f"{school}_tin_hoc"] = rng.binomial(
                count, _uniform_between(rng, *teach, n_units)
            ).astype(float)
        values["dan_so"] = population[year].astype(float)
        for code in ("bdvh", "bdvh_internet", "bdvh_dai_ly_internet", "dan_so"):
            summed = pd.Series(values[code][communes]).groupby(district_of[communes]).sum()
            values[code] = values[code].copy()
            values[code][districts] = summed.reindex(districts, fill_value=0).to_numpy()
        for code, by_communes in INDICATORS:
            units = np.concatenate([communes, districts]) if by_communes else districts
            m = len(units)
            stamp = _seconds(pd.Timestamp(f"{year}-12-15")) + rng.integers(0, 14 * _DAY_S, m)
            frames.append(
                pd.DataFrame(
                    {
                        "ma_so_lieu": code + "." + cat.unit_codes[units] + f".{year}",
                        "ma_chi_tieu": np.full(m, code),
                        "ma_don_vi": cat.unit_codes[units],
                        "ky": np.full(m, str(year)),
                        "gia_tri": values[code][units],
                        "ngay_cap_nhat": _as_dt(np.minimum(stamp, now_s)),
                    }
                )
            )
    stats = pd.concat(frames, ignore_index=True)
    for text in ("ma_so_lieu", "ma_chi_tieu", "ma_don_vi", "ky"):
        stats[text] = pd.array(stats[text].to_numpy(dtype=object), dtype="str")
    return stats


def it_reports(
    base: np.random.Generator,
    rngs: dict[int, np.random.Generator],
    cat: _Catalogue,
    now: pd.Timestamp,
) -> pd.DataFrame:
    """IT-application reports filed in LRIS (/api/bao-cao-cntt) by departments and
    districts: the report on the year's IT plan (ket_qua_ke_hoach, filed around the
    year's end) and quarterly reports (dinh_ky). Some lack their number, date or link;
    some are never filed."""
    now_s = _seconds(now)
    units = _active(cat, ("so", "huyen"), now)
    diligence = _uniform_between(base, 0.5, 1.0, len(units))
    rows: list[dict[str, object]] = []
    for year, rng in sorted(rngs.items()):
        silent = rng.random(len(units)) < 0.1
        plan_at = (
            _day_between(
                rng, f"{year}-11-20", _seconds(pd.Timestamp(f"{year + 1}-01-10")), len(units)
            )
            + 9 * _HOUR_S
        )
        for i, unit in enumerate(units):
            filed = [(f"{year}", 0, int(plan_at[i]))]
            for q in range(1, 5):
                due = _seconds(pd.Timestamp(f"{year}-{3 * q:02d}-01") + pd.offsets.MonthEnd(0))
                late = rng.integers(-5, 20) * _DAY_S + rng.integers(8 * _HOUR_S, 17 * _HOUR_S)
                filed.append((f"{year}-Q{q}", 1, int(due + late)))
            for period, kind, at in filed:
                if silent[i] or at > now_s or rng.random() > (0.9 if kind == 0 else diligence[i]):
                    continue
                rows.append(_it_report(rng, cat, int(unit), period, kind, at, now_s))
    frame = pd.DataFrame(rows)
    for text in ("ma_ho_so", "ma_don_vi", "ky", "so_ky_hieu", "duong_dan"):
        frame[text] = pd.array(frame[text].to_numpy(dtype=object), dtype="str")
    frame["loai_bao_cao"] = _cat(frame["loai_bao_cao"].to_numpy(), IT_REPORT_KINDS)
    for moment in ("ngay_ban_hanh", "thoi_gian_nop", "ngay_cap_nhat"):
        frame[moment] = _as_dt(frame[moment].to_numpy(dtype=np.int64))
    return frame.sort_values(["ngay_cap_nhat", "ma_ho_so"], ignore_index=True)


def _it_report(
    rng: np.random.Generator,
    cat: _Catalogue,
    unit: int,
    period: str,
    kind: int,
    at: int,
    now_s: np.int64,
) -> dict[str, object]:
    code = str(cat.unit_codes[unit])
    report_id = f"CNTT.{code}.{period}.{IT_REPORT_KINDS[kind]}"
    number = f"{rng.integers(10, 900)}/BC-{cat.col('abbr')[unit]}"
    missing = rng.random(3) < 0.06
    issued = at - int(rng.integers(0, 5)) * _DAY_S
    return {
        "ma_ho_so": report_id,
        "ma_don_vi": code,
        "loai_bao_cao": kind,
        "ky": period,
        "so_ky_hieu": None if missing[0] else number,
        "ngay_ban_hanh": np.iinfo(np.int64).min if missing[1] else issued - issued % _DAY_S,
        "duong_dan": None if missing[2] else f"https://lris.angiang.gov.vn/bao-cao/{report_id}",
        "thoi_gian_nop": at,
        "ngay_cap_nhat": min(at + int(rng.integers(0, 3 * _HOUR_S)), int(now_s)),
    }


# --------------------------------------------------------------------------- NDXP / LGSP


def platform_links(rng: np.random.Generator, cat: _Catalogue, now: pd.Timestamp) -> pd.DataFrame:
    """Districts' and communes' connections through NDXP/LGSP (/api/ket-noi-don-vi):
    the national civil-registry system, the business-registration system (districts)
    and the shared single sign-on; since when, and until when if it stopped."""
    units = _active(cat, ("huyen", "xa"), now)
    is_district = cat.profile["CapDonVi"].to_numpy()[units] == "huyen"
    odds = {0: (0.95, 0.9), 1: (0.85, 0.0), 2: (0.6, 0.45)}
    now_s = _seconds(now)
    frames = []
    for system, (p_district, p_commune) in odds.items():
        linked = rng.random(len(units)) < np.where(is_district, p_district, p_commune)
        idx = units[linked]
        m = len(idx)
        since = _day_between(rng, "2019-01-01", now_s - 10 * _DAY_S, m)
        stopped = rng.random(m) < 0.04
        until = since + ((now_s - 5 * _DAY_S - since) * rng.random(m)).astype(np.int64)
        until = until - until % _DAY_S
        frames.append(
            pd.DataFrame(
                {
                    "maKetNoi": "KN." + cat.unit_codes[idx] + "." + PLATFORM_SYSTEMS[system],
                    "maDonVi": cat.unit_codes[idx],
                    "heThong": np.full(m, system),
                    "tuNgay": _as_dt(since),
                    "denNgay": _as_dt(
                        np.where(stopped, np.maximum(until, since), np.iinfo(np.int64).min)
                    ),
                }
            )
        )
    links = pd.concat(frames, ignore_index=True)
    links["heThong"] = _cat(links["heThong"].to_numpy(), PLATFORM_SYSTEMS)
    for text in ("maKetNoi", "maDonVi"):
        links[text] = pd.array(links[text].to_numpy(dtype=object), dtype="str")
    return links


def population_snapshots(
    rng: np.random.Generator, cat: _Catalogue, population: dict[int, np.ndarray], now: pd.Timestamp
) -> pd.DataFrame:
    """Residents of each commune digitised in the national population database at the
    end of every month that is over (NDXP /api/dan-cu-so-hoa); coverage rises over
    time at each commune's pace and never passes its population."""
    communes = cat.active("xa", now)
    first = _uniform_between(rng, 0.40, 0.70, len(communes))
    last = _uniform_between(rng, 0.86, 0.995, len(communes))
    frames = []
    for month in _months(sorted(population), now):
        progress = min(1.0, max(0.0, ((month.year - 2022) * 12 + month.month - 1) / 36))
        coverage = first + (last - first) * progress
        people = population[month.year][communes]
        cut_off = month + pd.offsets.MonthEnd(0)
        frames.append(
            pd.DataFrame(
                {
                    "maSoLieu": "DC." + cat.unit_codes[communes] + "." + month.strftime("%Y-%m"),
                    "maDonVi": cat.unit_codes[communes],
                    "ngayChot": np.full(len(communes), np.datetime64(cut_off, "s")),
                    "soDanSoHoa": np.floor(people * coverage).astype(np.int64),
                }
            )
        )
    snapshots = pd.concat(frames, ignore_index=True)
    for text in ("maSoLieu", "maDonVi"):
        snapshots[text] = pd.array(snapshots[text].to_numpy(dtype=object), dtype="str")
    return snapshots
