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
    for ours, theirs in (("province", "tinh"), ("district", "huyen"), ("commune", "xa")):
        counts[f"dossiers_resolved{{level={ours}}}"] = int((level == theirs).sum())
        counts[f"dossiers_digitised_with_e_result{{level={ours}}}"] = int(
            ((level == theirs) & digitised).sum()
        )
    return counts
