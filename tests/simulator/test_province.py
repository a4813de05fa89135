"""The synthetic province: determinism, volumes, floors, invariants, realism knobs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulator import ENTITIES, Province, generate_province
from simulator.province import (
    DOSSIERS_PER_YEAR,
    FLOORS,
    GROWTH,
    INCOMING_PER_YEAR,
    PROCEDURES,
    REPORT_REGIMES,
)

UNIT_CODE = (r"^(89|000\.(0[1-9]|1\d|20)\.00\.H01|88[346789]|89[0-4]"
             r"|8\d\d\.P(0[1-9]|1[0-2])|30\d{3})$")


def test_same_seed_gives_identical_data(province: Province) -> None:
    again = generate_province(seed=89, scale=0.01)
    for entity in ENTITIES:
        pd.testing.assert_frame_equal(province.frame(entity), again.frame(entity))
    pd.testing.assert_frame_equal(province.unit_profile, again.unit_profile)


def test_another_seed_gives_other_data(province: Province) -> None:
    other = generate_province(seed=90, scale=0.01)
    assert not province.dossiers["MaHoSo"].equals(other.dossiers["MaHoSo"])
    assert not province.procedures["MaTTHC"].equals(other.procedures["MaTTHC"])
    # the org structure is the real one whatever the seed
    assert province.units["MaDonVi"].equals(other.units["MaDonVi"])


def test_a_year_does_not_depend_on_the_other_years(province: Province) -> None:
    only_2023 = generate_province(seed=89, scale=0.01, years=(2023,))
    received_2023 = province.dossiers["NgayTiepNhan"].dt.year == 2023
    pd.testing.assert_frame_equal(
        province.dossiers[received_2023].reset_index(drop=True), only_2023.dossiers)


def test_volumes_scale_linearly() -> None:
    small = generate_province(seed=1, scale=0.004, years=(2024,))
    big = generate_province(seed=1, scale=0.02, years=(2024,))
    assert len(small.dossiers) == round(DOSSIERS_PER_YEAR * 0.004)
    assert len(big.dossiers) == round(DOSSIERS_PER_YEAR * 0.02)
    assert len(big.incoming_documents) == round(INCOMING_PER_YEAR * 0.02)
    for entity in ("payment", "outgoing_document", "work_file"):
        ratio = len(big.frame(entity)) / len(small.frame(entity))
        assert 4.0 <= ratio <= 5.5, (entity, ratio)
    # catalogues scale too, above a floor
    assert len(small.procedures) == len(big.procedures) == FLOORS["procedures"]
    tenth = generate_province(seed=1, scale=0.1, years=(2024,))
    assert len(tenth.procedures) == round(PROCEDURES * 0.1)
    assert len(tenth.report_regimes) == max(round(REPORT_REGIMES * 0.1), FLOORS["report_regimes"])
    # other years follow the growth factor
    two = generate_province(seed=1, scale=0.02, years=(2023, 2024))
    per_year = two.dossiers["NgayTiepNhan"].dt.year.value_counts()
    assert per_year[2023] == round(DOSSIERS_PER_YEAR * 0.02 / GROWTH)


def test_org_structure_is_an_giang(province: Province) -> None:
    units = province.units
    levels = units["CapDonVi"].astype(str).value_counts()
    assert levels["tinh"] == 1 and levels["so"] == 20 and levels["huyen"] == 11
    assert levels["phong"] == 12 * 11
    assert 145 <= levels["xa"] <= 165
    assert set(units.loc[units["CapDonVi"] == "huyen", "MaDonVi"]) == {
        "883", "884", "886", "887", "888", "889", "890", "891", "892", "893", "894"}
    assert units["MaDonVi"].str.fullmatch(UNIT_CODE).all()
    assert units["MaDonVi"].is_unique
    parents = units.set_index("MaDonVi")["MaDonViCha"]
    level_of = units.set_index("MaDonVi")["CapDonVi"].astype(str)
    children = units[units["MaDonViCha"].notna()]
    parent_level = level_of[children["MaDonViCha"]].to_numpy()
    expected = children["CapDonVi"].map(
        {"so": "tinh", "huyen": "tinh", "phong": "huyen", "xa": "huyen"}).to_numpy()
    assert (parent_level == expected).all()
    assert parents["89"] is None or pd.isna(parents["89"])
    names = units.set_index("MaDonVi")["TenDonVi"]
    assert names["883"] == "UBND thành phố Long Xuyên"
    assert names["883.P01"] == "Phòng Nội vụ thành phố Long Xuyên"


def test_merged_communes_differ_by_year(province: Province) -> None:
    units = province.units
    merged = units[units["NgayHetHieuLuc"].notna()]
    assert len(merged) >= 2
    assert (merged["NgayHetHieuLuc"] == pd.Timestamp("2020-01-01")).all()
    new = units[units["NgayHieuLuc"] == pd.Timestamp("2020-01-01")]
    assert len(new) >= 1
    assert not province.dossiers["MaDonViXuLy"].isin(merged["MaDonVi"]).any()


@pytest.mark.parametrize("scale", [0.001, 0.0001])
def test_every_kind_of_thing_exists_at_tiny_scales(scale: float) -> None:
    p = generate_province(seed=3, scale=scale)
    d = p.dossiers.merge(p.procedures, on="MaTTHC", suffixes=("", "_p"))
    for year in p.years:
        of_year = d[d["NgayTiepNhan"].dt.year == year]
        assert set(of_year["CapThucHien"].astype(str)) == {"tinh", "huyen", "xa"}
        assert set(of_year["MucDo"].astype(str)) == {"toan_trinh", "mot_phan",
                                                     "khong_truc_tuyen"}
        assert set(of_year["KenhNop"].astype(str)) == {"truc_tiep", "truc_tuyen", "buu_chinh"}
        assert of_year["DaThanhToanTrucTuyen"].any()
        assert (of_year["DaSoHoa"] & of_year["CoKetQuaDienTu"]).any()
    assert set(p.payments["KenhThanhToan"].astype(str)) == {"truc_tuyen", "truc_tiep"}
    procs = p.procedures
    assert (procs["DuDieuKienToanTrinh"] & (procs["MucDo"] != "toan_trinh")).any()
    assert (procs["CoNghiaVuTaiChinh"] & procs["ThanhToanTrucTuyen"]).any()
    assert (procs["CoNghiaVuTaiChinh"] & ~procs["ThanhToanTrucTuyen"]).any()
    assert set(p.data_services["trangThai"].astype(str)) == {"chinh_thuc", "thu_nghiem",
                                                            "chua_ket_noi"}
    apps = p.shared_data_apps
    assert apps["daKetNoiLGSP"].any() and (~apps["daKetNoiLGSP"]).any()
    assert (~apps["canKetNoiLGSP"]).any()
    assert set(p.report_regimes["ky_bao_cao"].astype(str)) == {"thang", "quy", "nam"}
    assert p.report_regimes["ket_noi_chinh_phu"].any()
    assert (~p.connected_units["ketNoi4Cap"]).any()
    assert p.incoming_documents["xuLyTrenMang"].any()


def test_dossier_times_are_consistent(province: Province) -> None:
    d = province.dossiers
    now = province.now
    assert d["MaHoSo"].is_unique
    assert (d["NgayHenTra"] >= d["NgayTiepNhan"]).all()
    closed = d["NgayKetThuc"].notna()
    assert (d.loc[closed, "NgayKetThuc"] >= d.loc[closed, "NgayTiepNhan"]).all()
    assert (d.loc[closed, "NgayCapNhat"] >= d.loc[closed, "NgayKetThuc"]).all()
    assert (d["NgayCapNhat"] >= d["NgayTiepNhan"]).all()
    assert (d["NgayCapNhat"] <= now).all()
    assert ((d["TrangThai"] == "dang_xu_ly") == ~closed).all()
    assert (~closed).any()
    # late status changes: received late in 2024, resolved early 2025
    late = d[(d["NgayTiepNhan"] >= "2024-12-01") & closed]
    assert (late["NgayKetThuc"].dt.year == 2025).any()
    lag = d.loc[closed, "NgayCapNhat"] - d.loc[closed, "NgayKetThuc"]
    assert (lag > pd.Timedelta(days=1)).mean() > 0.05
    assert (d["CoKetQuaDienTu"] <= (d["TrangThai"] == "da_giai_quyet")).all()


def test_dossier_units_match_procedure_levels(province: Province) -> None:
    d = province.dossiers.merge(province.procedures[["MaTTHC", "CapThucHien", "MaCoQuan"]],
                                on="MaTTHC")
    levels = province.units.set_index("MaDonVi")["CapDonVi"].astype(str)
    unit_level = levels[d["MaDonViXuLy"].astype(str)].to_numpy()
    expected = d["CapThucHien"].astype(str).map({"tinh": "so", "huyen": "huyen", "xa": "xa"})
    assert (unit_level == expected.to_numpy()).all()
    provincial = d["CapThucHien"] == "tinh"
    assert (d.loc[provincial, "MaDonViXuLy"].astype(str)
            == d.loc[provincial, "MaCoQuan"].astype(str)).all()
    assert d["MaDonViXuLy"].astype(str).str.fullmatch(UNIT_CODE).all()
    assert d["MaHoSo"].str.fullmatch(r"[0-9A-Z.]+-\d{6}-\d{4}").all()


def test_online_channel_only_for_online_services(province: Province) -> None:
    d = province.dossiers.merge(province.procedures[["MaTTHC", "MucDo"]], on="MaTTHC")
    assert not ((d["MucDo"] == "khong_truc_tuyen") & (d["KenhNop"] == "truc_tuyen")).any()
    full = d[d["MucDo"] == "toan_trinh"]
    partial = d[d["MucDo"] == "mot_phan"]
    assert (full["KenhNop"] == "truc_tuyen").mean() > (partial["KenhNop"] == "truc_tuyen").mean()


def test_payments_point_to_dossiers_with_a_financial_obligation(province: Province) -> None:
    pay = province.payments
    assert pay["MaGiaoDich"].is_unique and pay["MaHoSo"].is_unique
    d = province.dossiers.merge(province.procedures[["MaTTHC", "CoNghiaVuTaiChinh",
                                                     "ThanhToanTrucTuyen"]], on="MaTTHC")
    joined = pay.merge(d, on="MaHoSo", how="left", validate="one_to_one")
    assert joined["MaTTHC"].notna().all()
    assert joined["CoNghiaVuTaiChinh"].all()
    assert (joined["ThoiGianThanhToan"] >= joined["NgayTiepNhan"]).all()
    assert (pay["NgayCapNhat"] >= pay["ThoiGianThanhToan"]).all()
    assert (pay["SoTien"] > 0).all()
    online = joined["KenhThanhToan"] == "truc_tuyen"
    assert joined.loc[online, "ThanhToanTrucTuyen"].all()
    # a dossier is flagged paid online exactly when it has an online payment
    paid_online = set(pay.loc[pay["KenhThanhToan"] == "truc_tuyen", "MaHoSo"])
    assert paid_online == set(province.dossiers.loc[province.dossiers["DaThanhToanTrucTuyen"],
                                                    "MaHoSo"])
    share = len(paid_online) / d["CoNghiaVuTaiChinh"].sum()
    assert 0.03 < share < 0.35


def test_rates_make_par7_thresholds_interesting(province: Province) -> None:
    profile = province.unit_profile
    depts = profile[profile["CapDonVi"] == "so"]
    offices = profile[profile["CapDonVi"] == "phong"]
    assert (depts["doc_online"] < 0.80).any() and (depts["doc_online"] >= 0.80).any()
    assert (offices["doc_online"] < 0.50).any() and (offices["doc_online"] >= 0.50).any()
    procs = province.procedures
    ratio = (procs["MucDo"] == "toan_trinh").sum() / procs["DuDieuKienToanTrinh"].sum()
    assert 0.85 <= ratio <= 0.95
    assert ((procs["MucDo"] == "toan_trinh") <= procs["DuDieuKienToanTrinh"]).all()
    # the generated documents follow the per-unit rates: departments rank as drawn
    docs = province.incoming_documents
    docs = docs[~docs["doMat"]]
    rate = docs.groupby(docs["donViNhan"].astype(str))["xuLyTrenMang"].mean()
    drawn = profile.set_index("MaDonVi")["doc_online"][rate.index]
    assert np.corrcoef(rate, drawn)[0, 1] > 0.5
    services = province.data_services["trangThai"]
    assert (services == "chinh_thuc").mean() >= 0.5


def test_document_fields(province: Province) -> None:
    incoming, outgoing = province.incoming_documents, province.outgoing_documents
    assert incoming["id"].is_unique and outgoing["id"].is_unique
    assert (incoming["ngayCapNhat"] >= incoming["ngayDen"]).all()
    assert not (incoming["doMat"] & incoming["xuLyTrenMang"]).any()
    assert not ((outgoing["hinhThuc"] == "giay") & outgoing["kySo"]).any()
    assert incoming["soKyHieu"].str.fullmatch(r"\d+/.+").all()
    assert incoming["donViNhan"].astype(str).str.fullmatch(UNIT_CODE).all()
    assert province.work_files["id"].is_unique


def test_report_submissions(province: Province) -> None:
    subs = province.report_submissions
    assert subs["ma_bao_cao"].is_unique
    assert subs["ky"].str.fullmatch(r"\d{4}(-Q[1-4]|-\d{2})?").all()
    sent = subs["thoi_gian_nop"].notna()
    assert (~sent).any() and sent.mean() > 0.8
    assert not (subs["gui_qua_lris"] & ~sent).any()
    gov = subs.merge(province.report_regimes, on="ma_che_do")
    assert not (gov["gui_chinh_phu"] & ~gov["ket_noi_chinh_phu"]).any()
    assert (subs["ma_don_vi"] == "89").any()
    late = subs.loc[sent, "thoi_gian_nop"] > subs.loc[sent, "han_nop"]
    assert 0.02 < late.mean() < 0.3


def test_province_add_and_update() -> None:
    p = generate_province(seed=5, scale=0.001, years=(2024,))
    before = len(p.dossiers)
    stamp = pd.Timestamp("2025-01-20 09:00:00")
    ids = p.add_dossiers(5, updated_at=stamp)
    assert len(p.dossiers) == before + 5 and p.dossiers["MaHoSo"].is_unique
    added = p.dossiers[p.dossiers["MaHoSo"].isin(ids)]
    assert (added["NgayCapNhat"] == stamp).all()
    p.update_record("dossier", ids[0], {"TrangThai": "tra_lai"}, stamp)
    assert p.dossiers.loc[p.dossiers["MaHoSo"] == ids[0], "TrangThai"].item() == "tra_lai"
    with pytest.raises(KeyError):
        p.update_record("dossier", "nope", {"TrangThai": "tra_lai"})
    with pytest.raises(KeyError):
        p.update_record("dossier", ids[0], {"Status": "x"})
