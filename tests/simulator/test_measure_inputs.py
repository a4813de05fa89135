"""What the NQ17, DTI and ITA-2018 transforms (transforms/measures.d) rely on in the
synthetic province: stable platform codes, a unit tree that rolls up to districts, and
dossiers handled where their procedure's level says."""

from __future__ import annotations

import pandas as pd
import pytest

from simulator import Province, generate_province

POPULATION_DB = "NDXP.DV.001"
BUSINESS_REGISTRY_DB = "NDXP.DV.003"


@pytest.mark.parametrize("seed,scale", [(89, 0.01), (7, 0.05), (89, 1.0)])
def test_national_database_services_keep_their_platform_codes(seed: int, scale: float) -> None:
    services = generate_province(seed=seed, scale=scale, years=[2024]).data_services
    names = dict(zip(services["maDichVu"], services["tenDichVu"], strict=True))
    if POPULATION_DB in names:
        assert names[POPULATION_DB].startswith("Cơ sở dữ liệu quốc gia về dân cư")
    if BUSINESS_REGISTRY_DB in names:
        assert names[BUSINESS_REGISTRY_DB] == "Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp"
    others = [code for code, name in names.items() if "dân cư" in name and "quốc gia" in name]
    assert others in ([], [POPULATION_DB])


def test_every_office_and_commune_has_its_district_as_parent(province: Province) -> None:
    units = province.units
    level = dict(zip(units["MaDonVi"], units["CapDonVi"].astype(str), strict=True))
    below = units[units["CapDonVi"].astype(str).isin(["phong", "xa"])]
    assert len(below) > 11 * 12
    assert {level[p] for p in below["MaDonViCha"]} == {"huyen"}
    above = units[units["CapDonVi"].astype(str).isin(["so", "huyen"])]
    assert set(above["MaDonViCha"]) == {"89"}


def test_dossiers_are_handled_where_their_procedure_level_says(province: Province) -> None:
    procedures = province.procedures[["MaTTHC", "CapThucHien", "MaCoQuan"]]
    d = province.dossiers.merge(procedures, on="MaTTHC")
    level = dict(
        zip(province.units["MaDonVi"], province.units["CapDonVi"].astype(str), strict=True)
    )
    handled_at = d["MaDonViXuLy"].astype(str).map(level)
    expected = d["CapThucHien"].astype(str).map({"tinh": "so", "huyen": "huyen", "xa": "xa"})
    assert (handled_at == expected).all()
    provincial = d["CapThucHien"].astype(str) == "tinh"
    assert (
        d.loc[provincial, "MaDonViXuLy"].astype(str) == d.loc[provincial, "MaCoQuan"].astype(str)
    ).all()


def test_documents_and_work_files_exist_at_every_level(province: Province) -> None:
    level = dict(
        zip(province.units["MaDonVi"], province.units["CapDonVi"].astype(str), strict=True)
    )
    for frame, unit in (
        (province.incoming_documents, "donViNhan"),
        (province.outgoing_documents, "donViBanHanh"),
        (province.work_files, "donVi"),
    ):
        levels = set(pd.Series(frame[unit].astype(str)).map(level))
        assert levels == {"so", "huyen", "phong", "xa"}
