"""Ground truth computed directly from the simulator's generated data (source fields)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from simulator import Province


def resolved_dossiers(province: Province, year: int) -> pd.DataFrame:
    """Dossiers resolved in `year` (local time), with their procedure's attributes."""
    d = province.dossiers
    p = province.procedures[["MaTTHC", "CapThucHien", "MucDo", "CoNghiaVuTaiChinh"]]
    start, end = datetime(year, 1, 1), datetime(year + 1, 1, 1)
    done = d[
        (d["TrangThai"].astype(str) == "da_giai_quyet")
        & (d["NgayKetThuc"] >= start)
        & (d["NgayKetThuc"] < end)
    ]
    return done.merge(p, on="MaTTHC", how="left")


def par7_counts(province: Province, year: int) -> dict[str, int]:
    """The TTHC and NDXP measures PAR7 reads, counted with pandas."""
    r = resolved_dossiers(province, year)
    level = r["CapThucHien"].astype(str)
    full = r["MucDo"].astype(str) == "toan_trinh"
    online = r["KenhNop"].astype(str) == "truc_tuyen"
    digitised = r["DaSoHoa"].astype(bool) & r["CoKetQuaDienTu"].astype(bool)
    procs = province.procedures
    eligible = procs["DuDieuKienToanTrinh"].astype(bool)
    services = province.data_services
    counts = {
        "dossiers_resolved{service_level=full}": int(full.sum()),
        "dossiers_resolved{channel=online,service_level=full}": int((full & online).sum()),
        "dvc_fullonline_eligible": int(eligible.sum()),
        "dvc_fullonline_provided": int(
            (eligible & (procs["MucDo"].astype(str) == "toan_trinh")).sum()
        ),
        "ndxp_data_services_total": len(services),
    }
    payable = r["CoNghiaVuTaiChinh"].astype(bool) & r["MucDo"].astype(str).isin(
        ["toan_trinh", "mot_phan"]
    )
    counts["payment_scope_dossiers_resolved"] = int(payable.sum())
    counts["payment_scope_dossiers_paid_online"] = int(
        (payable & r["DaThanhToanTrucTuyen"].astype(bool)).sum()
    )
    for ours, theirs in (("province", "tinh"), ("district", "huyen"), ("commune", "xa")):
        counts[f"dossiers_resolved{{level={ours}}}"] = int((level == theirs).sum())
        counts[f"dossiers_digitised_with_e_result{{level={ours}}}"] = int(
            ((level == theirs) & digitised).sum()
        )
    return counts


def documents_per_unit(province: Province, year: int, online: bool) -> int:
    """Non-secret incoming documents and work files of the departments and district
    offices in `year`, summed over those units (PAR 7.2.1's per-unit measures)."""
    units = province.units
    scope = set(
        units.loc[units["CapDonVi"].astype(str).isin(["so", "phong"]), "MaDonVi"].astype(str)
    )
    start, end = datetime(year, 1, 1), datetime(year + 1, 1, 1)
    total = 0
    for frame, at, unit, done in (
        (province.incoming_documents, "ngayDen", "donViNhan", "xuLyTrenMang"),
        (province.work_files, "ngayTao", "donVi", "xuLyTrenMang"),
    ):
        mask = (
            (frame[at] >= start)
            & (frame[at] < end)
            & ~frame["doMat"].astype(bool)
            & frame[unit].astype(str).isin(scope)
        )
        if online:
            mask &= frame[done].astype(bool)
        total += int(mask.sum())
    return total
