"""The records added for ITA-2018 (simulator/extended.py): drawn on their own streams,
consistent with the records they describe, and served as docs/source-apis.md says."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import requests

from simulator import Province, SimulatorHandle, generate_province
from simulator.province import (
    INCOMING_PER_YEAR,
    OUTGOING_PER_YEAR,
    _build_procedures,
    _build_units,
    _Catalogue,
    _count,
    _incoming_documents,
    _outgoing_documents,
    _rng,
)
from tests.simulator.helpers import (
    FIELDS,
    LRIS_AUTH,
    NDXP_AUTH,
    ioffice_all,
    lris_all,
    tthc_all,
)

SEED = 89
NEW_DOSSIER = ["CongKhaiTrangThai"]
NEW_INCOMING = ["trinhLanhDao", "lanhDaoChiDao", "kySo"]
NEW_OUTGOING = ["trinhLanhDao", "lanhDaoDuyet", "kySoCoQuan", "kySoLanhDao", "nguoiKy"]


def _level(province: Province) -> dict[str, str]:
    units = province.units
    return dict(zip(units["MaDonVi"].astype(str), units["CapDonVi"].astype(str), strict=True))


def _parent(province: Province) -> dict[str, str]:
    units = province.units
    return dict(zip(units["MaDonVi"].astype(str), units["MaDonViCha"], strict=True))


# --- the records that existed before are drawn exactly as before --------------------------


def test_the_older_columns_are_what_their_own_streams_draw(province: Province) -> None:
    """Units, procedures and 2024's documents, re-drawn with the original functions and
    streams, equal the province's frames without the added fields."""
    units, profile = _build_units(_rng(SEED, "units"), province.now)
    pd.testing.assert_frame_equal(province.units, units)
    pd.testing.assert_frame_equal(province.unit_profile[list(profile.columns)], profile)
    procedures, _ = _build_procedures(
        _rng(SEED, "procedures"), province.scale, profile, province.now
    )
    pd.testing.assert_frame_equal(province.procedures.drop(columns="LienThong"), procedures)
    cat = _Catalogue.from_province(province)
    start, end = pd.Timestamp("2024-01-01"), pd.Timestamp("2025-01-01")
    for frame, draw, per_year, kind, added, stream in (
        (province.incoming_documents, _incoming_documents, INCOMING_PER_YEAR,
         "incoming_documents", NEW_INCOMING, "incoming"),
        (province.outgoing_documents, _outgoing_documents, OUTGOING_PER_YEAR,
         "outgoing_documents", NEW_OUTGOING, "outgoing"),
    ):  # fmt: skip
        redrawn = draw(
            _rng(SEED, stream, 2024),
            _count(per_year * province.scale, kind),
            cat,
            start,
            end,
            province.now,
            2024,
        )
        mine = frame[frame["id"].str.contains("-2024-")].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine.drop(columns=added), redrawn)


def test_added_records_of_a_year_do_not_depend_on_the_other_years(province: Province) -> None:
    only_2024 = generate_province(seed=SEED, scale=province.scale, years=(2024,))
    for entity, key in (("feedback", "MaPhanAnh"), ("interlink_transfer", "MaLienThong")):
        both = province.frame(entity)
        mine = both[both[key].str.contains("-2024-")].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, only_2024.frame(entity))
        assert (mine["NgayGui"].dt.year >= 2024).all()
    dossiers = province.dossiers
    in_2024 = dossiers["NgayTiepNhan"].dt.year == 2024
    assert (
        dossiers.loc[in_2024, "CongKhaiTrangThai"].to_numpy()
        == only_2024.dossiers["CongKhaiTrangThai"].to_numpy()
    ).all()


# --- TTHC ---------------------------------------------------------------------------------


def test_interlink_kinds_follow_the_procedure_level(province: Province) -> None:
    procs = province.procedures
    pairs = set(zip(procs["CapThucHien"].astype(str), procs["LienThong"].astype(str), strict=True))
    assert pairs <= {
        ("tinh", "khong"),
        ("huyen", "khong"),
        ("huyen", "huyen_tinh"),
        ("xa", "khong"),
        ("xa", "xa_huyen"),
        ("xa", "ba_cap"),
    }
    assert {kind for _, kind in pairs} == {"khong", "xa_huyen", "huyen_tinh", "ba_cap"}


def test_each_unit_lists_the_procedures_it_applies(province: Province) -> None:
    rows = province.unit_procedures
    procs = province.procedures.set_index("MaTTHC")
    level = _level(province)
    assert rows["MaApDung"].is_unique
    assert (rows["MaApDung"] == rows["MaDonVi"] + ":" + rows["MaTTHC"]).all()
    applied = rows["MaTTHC"].map(procs["CapThucHien"].astype(str))
    at = rows["MaDonVi"].map(level)
    assert set(zip(at, applied, strict=True)) == {("so", "tinh"), ("huyen", "huyen"), ("xa", "xa")}
    provincial = applied == "tinh"
    assert (
        rows.loc[provincial, "MaDonVi"]
        == rows.loc[provincial, "MaTTHC"].map(procs["MaCoQuan"].astype(str))
    ).all()
    per_commune = rows[at == "xa"].groupby("MaDonVi").size()
    assert set(per_commune) == {int((procs["CapThucHien"].astype(str) == "xa").sum())}
    online = rows["MaTTHC"].map(procs["MucDo"].astype(str)) != "khong_truc_tuyen"
    assert rows.loc[online, "CongKhaiTrucTuyen"].all()
    assert 0 < rows["NgayCauHinhMotCua"].notna().mean() < 1
    assert (rows["NgayCauHinhMotCua"].dropna() < province.now).all()


def test_one_stop_sites_cover_the_reporting_units(province: Province) -> None:
    sites = province.one_stop_units
    level = _level(province)
    assert set(sites["MaDonVi"].map(level)) == {"so", "huyen", "xa"}
    depts = sites[sites["MaDonVi"].map(level) == "so"]
    assert set(depts["HinhThucTrienKhai"].astype(str)) == {
        "tap_trung",
        "doc_lap_dong_bo",
        "doc_lap",
    }
    assert (sites["NgayBatDauDanhGia"].notna() == sites["DanhGiaHaiLong"]).all()
    assert (
        sites["NgayBatDauDanhGia"].dropna() >= sites.loc[sites["DanhGiaHaiLong"], "NgayTrienKhai"]
    ).all()


def test_every_reporting_unit_gets_feedback_every_year(province: Province) -> None:
    f = province.feedback
    level = _level(province)
    assert f["MaPhanAnh"].is_unique
    answered = f["NgayTraLoi"].notna()
    assert (f.loc[answered, "NgayTraLoi"] >= f.loc[answered, "NgayGui"]).all()
    assert (f["NgayCapNhat"] <= province.now).all() and 0 < answered.mean() < 1
    for year in province.years:
        got = set(f.loc[f["NgayGui"].dt.year == year, "MaDonVi"].astype(str))
        active = {u for u, lv in level.items() if lv in ("so", "huyen", "xa")}
        units = province.units
        merged = set(units.loc[units["NgayHetHieuLuc"].notna(), "MaDonVi"])
        assert got == active - merged


def test_interlinked_dossiers_are_handed_to_the_next_level(province: Province) -> None:
    t = province.interlink_transfers
    d = province.dossiers.set_index("MaHoSo")
    procs = province.procedures.set_index("MaTTHC")
    level, parent = _level(province), _parent(province)
    dossier = d.loc[t["MaHoSo"]]
    kind = dossier["MaTTHC"].astype(str).map(procs["LienThong"].astype(str)).to_numpy()
    agency = dossier["MaTTHC"].astype(str).map(procs["MaCoQuan"].astype(str)).to_numpy()
    handler = dossier["MaDonViXuLy"].astype(str).to_numpy()
    sender, receiver = t["DonViGui"].to_numpy(dtype=str), t["DonViNhan"].to_numpy(dtype=str)
    first = sender == handler
    assert set(kind) == {"xa_huyen", "huyen_tinh", "ba_cap"}
    from_commune = first & np.isin(kind, ["xa_huyen", "ba_cap"])
    assert all(
        parent[s] == r for s, r in zip(sender[from_commune], receiver[from_commune], strict=True)
    )
    assert (receiver[~from_commune] == agency[~from_commune]).all()
    assert (kind[~first] == "ba_cap").all()
    assert all(level[s] == "huyen" for s in sender[~first])
    assert (t["NgayGui"].to_numpy() >= dossier["NgayTiepNhan"].to_numpy()).all()
    ended = dossier["NgayKetThuc"].notna().to_numpy()
    assert (t["NgayGui"].to_numpy()[ended] <= dossier["NgayKetThuc"].to_numpy()[ended]).all()
    assert (t["NgayGui"] <= province.now).all() and 0 < t["GuiTrucTuyen"].mean() < 1
    assert (dossier["TrangThai"].astype(str) != "rut_ho_so").all()


# --- iOffice ------------------------------------------------------------------------------


def test_leaders_handle_documents_and_signatures_add_up(province: Province) -> None:
    inc, out = province.incoming_documents, province.outgoing_documents
    assert not (inc["lanhDaoChiDao"] & ~inc["trinhLanhDao"]).any()
    assert not (inc["trinhLanhDao"] & inc["doMat"]).any()
    assert not (inc["kySo"] & (inc["hinhThuc"].astype(str) == "giay")).any()
    assert not (out["lanhDaoDuyet"] & ~out["trinhLanhDao"]).any()
    assert (out["kySo"] == (out["kySoCoQuan"] | out["kySoLanhDao"])).all()
    assert (out["nguoiKy"].notna() == out["kySoLanhDao"]).all()
    signed = out[out["kySoLanhDao"]]
    assert (
        signed["nguoiKy"].str.rsplit(".LD", n=1).str[0] == signed["donViBanHanh"].astype(str)
    ).all()
    leaders = province.unit_profile.set_index("MaDonVi")["leaders"]
    seat = signed["nguoiKy"].str.rsplit(".LD", n=1).str[1].astype(int)
    assert (seat >= 1).all() and (seat <= signed["donViBanHanh"].astype(str).map(leaders)).all()


def test_usage_counts_documents_of_the_records_and_regular_users_of_accounts(
    province: Province,
) -> None:
    usage = province.edms_usage
    assert usage["id"].is_unique
    for kind in ("CongChuc", "VienChuc", "KhongChuyenTrach"):
        regular = {
            "CongChuc": "congChucThuongXuyen",
            "VienChuc": "vienChucThuongXuyen",
            "KhongChuyenTrach": "khongChuyenTrachThuongXuyen",
        }[kind]
        assert (usage[regular] <= usage[f"taiKhoan{kind}"]).all()
    inc = province.incoming_documents
    kept = inc[~inc["doMat"]]
    counted = kept.groupby(
        [kept["donViNhan"].astype(str), kept["ngayDen"].dt.strftime("%Y-%m")]
    ).size()
    own = usage[usage["maDonVi"].isin(set(province.units["MaDonVi"]))]
    served = own.set_index(["maDonVi", "thang"])["vanBanDen"]
    assert (served == counted.reindex(served.index, fill_value=0)).all()
    assert served.sum() == len(kept)
    tree = province.edms_units.set_index("maDonVi")
    sub = usage[usage["maDonVi"].isin(tree.index)]
    since = sub["maDonVi"].map(tree["ngaySuDung"])
    month_end = pd.to_datetime(sub["thang"] + "-01") + pd.offsets.MonthBegin(1)
    assert (since < month_end).all()
    assert set(tree["maDonViCha"].map(_level(province))) == {"so", "huyen"}


# --- LRIS and NDXP ------------------------------------------------------------------------


def test_statistics_add_up_and_stay_in_range(province: Province) -> None:
    s = province.statistics
    parent = _parent(province)
    wide = s.pivot(index=["ma_don_vi", "ky"], columns="ma_chi_tieu", values="gia_tri")
    communes = wide[wide.index.get_level_values(0).map(_level(province)) == "xa"]
    districts = wide[wide.index.get_level_values(0).map(_level(province)) == "huyen"]
    for code in ("bdvh", "bdvh_internet", "bdvh_dai_ly_internet", "dan_so"):
        summed = (
            communes[code]
            .groupby(
                [communes.index.get_level_values(0).map(parent), communes.index.get_level_values(1)]
            )
            .sum()
        )
        assert (districts[code] == summed.reindex(districts.index)).all(), code
    assert (wide["bdvh_internet"] <= wide["bdvh"]).all()
    assert (wide["bdvh_dai_ly_internet"] <= wide["bdvh_internet"]).all()
    for school in ("truong_tieu_hoc", "truong_thcs", "truong_thpt"):
        assert (districts[f"{school}_tin_hoc"] <= districts[school]).all()
        assert (districts[school] >= 1).all()
    assert len(districts) == 11 * len(province.years)
    assert communes[["bdvh", "dan_so"]].notna().all().all()


def test_it_reports_and_platform_links(province: Province) -> None:
    r = province.it_reports
    level = _level(province)
    assert set(r["ma_don_vi"].map(level)) == {"so", "huyen"}
    plan = r["loai_bao_cao"].astype(str) == "ket_qua_ke_hoach"
    assert r.loc[plan, "ky"].str.fullmatch(r"\d{4}").all()
    assert r.loc[~plan, "ky"].str.fullmatch(r"\d{4}-Q[1-4]").all()
    assert (r["thoi_gian_nop"] <= province.now).all()
    assert r[["so_ky_hieu", "ngay_ban_hanh", "duong_dan"]].isna().any(axis=1).any()
    links = province.platform_links
    ended = links["denNgay"].notna()
    assert (links.loc[ended, "denNgay"] >= links.loc[ended, "tuNgay"]).all()
    business = links["heThong"].astype(str) == "dang_ky_kinh_doanh"
    assert set(links.loc[business, "maDonVi"].map(level)) == {"huyen"}


def test_residents_digitised_never_pass_the_population(province: Province) -> None:
    snaps = province.population_snapshots
    stats = province.statistics
    people = stats[stats["ma_chi_tieu"] == "dan_so"].set_index(["ma_don_vi", "ky"])["gia_tri"]
    keys = pd.MultiIndex.from_arrays([snaps["maDonVi"], snaps["ngayChot"].dt.year.astype(str)])
    assert (snaps["soDanSoHoa"].to_numpy() <= people.reindex(keys).to_numpy()).all()
    yearly = snaps.assign(year=snaps["ngayChot"].dt.year).sort_values("ngayChot")
    rising = yearly.groupby(["maDonVi", "year"])["soDanSoHoa"].apply(
        lambda v: bool(v.is_monotonic_increasing)
    )
    assert rising.all()
    assert (snaps["ngayChot"] < province.now).all()


# --- served as documented -------------------------------------------------------------------


@pytest.mark.parametrize("path,entity", [
    ("/api/thutuc-donvi", "unit_procedure"), ("/api/motcua-donvi", "one_stop_unit"),
    ("/api/phananh", "feedback"), ("/api/lienthong", "interlink_transfer"),
])  # fmt: skip
def test_tthc_serves_the_new_listings(
    clean_sim: SimulatorHandle, session: requests.Session, path: str, entity: str
) -> None:
    frame = clean_sim.province.frame(entity)
    records = tthc_all(session, clean_sim.base_url, path, size=1000)
    key = frame.columns[0]
    assert sorted(r[key] for r in records) == sorted(frame[key].astype(str))
    assert list(records[0]) == FIELDS[f"/tthc{path}"]


def test_the_new_fields_of_procedures_and_dossiers_are_served(
    clean_sim: SimulatorHandle, session: requests.Session
) -> None:
    procs = tthc_all(session, clean_sim.base_url, "/api/thutuc", size=1000)
    expected = clean_sim.province.procedures.set_index("MaTTHC")["LienThong"].astype(str)
    assert {r["MaTTHC"]: r["LienThong"] for r in procs} == expected.to_dict()


@pytest.mark.parametrize("path,entity", [
    ("/api/v1/don-vi-truc-thuoc", "edms_unit"), ("/api/v1/thong-ke-su-dung", "edms_usage"),
])  # fmt: skip
def test_ioffice_serves_the_new_listings(
    clean_sim: SimulatorHandle, session: requests.Session, path: str, entity: str
) -> None:
    frame = clean_sim.province.frame(entity)
    records, _ = ioffice_all(session, clean_sim.base_url, path, limit=1000)
    key = frame.columns[0]
    assert sorted(r[key] for r in records) == sorted(frame[key].astype(str))
    assert list(records[0]) == FIELDS[f"/ioffice{path}"]


@pytest.mark.parametrize("path,entity", [
    ("/api/so-lieu-thong-ke", "statistic"), ("/api/bao-cao-cntt", "it_report"),
])  # fmt: skip
def test_lris_serves_the_new_listings(
    clean_sim: SimulatorHandle, session: requests.Session, path: str, entity: str
) -> None:
    frame = clean_sim.province.frame(entity)
    records, _ = lris_all(session, clean_sim.base_url, path, per_page=500)
    key = frame.columns[0]
    assert sorted(r[key] for r in records) == sorted(frame[key].astype(str))
    assert list(records[0]) == FIELDS[f"/lris{path}"]
    if entity == "statistic":
        answer = session.get(
            f"{clean_sim.url('lris')}{path}",
            auth=LRIS_AUTH,
            params={"updated_since": "2024-12-01 00:00:00", "per_page": 500},
        )
        assert {r["ky"] for r in answer.json()} == {"2024"}


@pytest.mark.parametrize("path,entity", [
    ("/api/ket-noi-don-vi", "platform_link"), ("/api/dan-cu-so-hoa", "population_snapshot"),
])  # fmt: skip
def test_ndxp_serves_the_new_listings(
    clean_sim: SimulatorHandle, session: requests.Session, path: str, entity: str
) -> None:
    frame = clean_sim.province.frame(entity)
    answer = session.get(f"{clean_sim.url('ndxp')}{path}", headers=NDXP_AUTH, timeout=30)
    records = answer.json()
    key = frame.columns[0]
    assert sorted(r[key] for r in records) == sorted(frame[key].astype(str))
    assert list(records[0]) == FIELDS[f"/ndxp{path}"]
    assert (
        pd.Series(
            [r[FIELDS[f"/ndxp{path}"][-2 if entity == "platform_link" else 2]] for r in records]
        )
        .str.fullmatch(r"\d{4}-\d{2}-\d{2}")
        .all()
    )
