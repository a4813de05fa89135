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


# --- NQ17, DTI and ITA-2018 measures (transforms/measures.d) -------------------------

_ONLINE_SERVICES = ("toan_trinh", "mot_phan")
_LEVEL_OF_UNIT = {"tinh": "province", "so": "department", "huyen": "district",
                  "phong": "district_office", "xa": "commune"}  # fmt: skip


def _text(column: pd.Series) -> pd.Series:
    return column.astype(str)


def _within(moments: pd.Series, start: datetime, end: datetime) -> pd.Series:
    return (moments >= start) & (moments < end)


def units_in_force(province: Province, end: datetime) -> pd.DataFrame:
    """Units valid at `end` (exclusive), with our level words in `level`."""
    u = province.units
    valid = (u["NgayHieuLuc"] < end) & (u["NgayHetHieuLuc"].isna() | (u["NgayHetHieuLuc"] >= end))
    units = u.loc[valid, ["MaDonVi", "CapDonVi", "MaDonViCha"]].copy()
    units["MaDonVi"] = _text(units["MaDonVi"])
    units["level"] = _text(units["CapDonVi"]).map(_LEVEL_OF_UNIT)
    return units


def dossiers_with_procedures(province: Province) -> pd.DataFrame:
    """Every dossier with its procedure's level and service level, as text columns, plus
    `unit` (the handling unit) and `unit_level` (its level in our words)."""
    p = province.procedures[["MaTTHC", "CapThucHien", "MucDo", "MaCoQuan"]]
    d = province.dossiers.merge(p, on="MaTTHC", how="left")
    for column in ("MaTTHC", "CapThucHien", "MucDo", "KenhNop", "TrangThai", "MaDonViXuLy"):
        d[column] = _text(d[column])
    d["unit"] = d["MaDonViXuLy"]
    levels = dict(
        zip(_text(province.units["MaDonVi"]), _text(province.units["CapDonVi"]), strict=True)
    )
    d["unit_level"] = d["unit"].map(levels).map(_LEVEL_OF_UNIT)
    d["on_time"] = (d["TrangThai"] == "da_giai_quyet") & (d["NgayKetThuc"] <= d["NgayHenTra"])
    return d


def _service_connected(province: Province, name_part: str, end: datetime) -> bool:
    """Whether the NDXP data service whose name contains `name_part` was in official use
    before `end` (found by its name, not by its code)."""
    s = province.data_services
    found = s[_text(s["tenDichVu"]).str.contains(name_part, regex=False)]
    return bool(((_text(found["trangThai"]) == "chinh_thuc") & (found["tuNgay"] < end)).any())


def nq17_values(province: Province, start: datetime, end: datetime) -> dict[str, int | bool]:
    """The province-wide NQ17 measures of the period [start, end), counted with pandas."""
    d = dossiers_with_procedures(province)
    online_service = d["MucDo"].isin(_ONLINE_SERVICES)
    ended = _within(d["NgayKetThuc"], start, end)
    processed = ended & d["TrangThai"].isin(["da_giai_quyet", "tra_lai"]) & online_service
    resolved = ended & (d["TrangThai"] == "da_giai_quyet")
    received = _within(d["NgayTiepNhan"], start, end)
    procs = province.procedures
    offered = _text(procs["MucDo"]).isin(_ONLINE_SERVICES)
    values: dict[str, int | bool] = {
        "dossiers_processed{service_level=full|partial}": int(processed.sum()),
        "dossiers_online{service_level=full|partial}": int(
            (processed & (d["KenhNop"] == "truc_tuyen")).sum()
        ),
        "dossiers_received_local": int(received.sum()),
        "dossiers_received_via_onestop": int((received & d["QuaMotCua"].astype(bool)).sum()),
        "dossiers_results_returned": int(resolved.sum()),
        "dossiers_e_result_issued": int((resolved & d["CoKetQuaDienTu"].astype(bool)).sum()),
        "dvc_to_integrate_national": int(offered.sum()),
        "dvc_integrated_national": int((offered & procs["DaTichHopDVCQG"].astype(bool)).sum()),
        "tthc_eligible_fullonline": int(procs["DuDieuKienToanTrinh"].astype(bool).sum()),
        "tthc_province_total": len(procs),
        "dvc_with_helpdesk": int(procs["HoTroHoiDap"].astype(bool).sum()),
        "dvc_online_partial_full": int(offered.sum()),
        "dvc_mobile_signature_enabled": int((offered & procs["KySoDiDong"].astype(bool)).sum()),
        "autofill_from_population_db": _service_connected(
            province, "Cơ sở dữ liệu quốc gia về dân cư", end
        ),
        "business_registry_db_connected": _service_connected(
            province, "Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp", end
        ),
    }
    units = units_in_force(province, end)
    units = units[units["level"].isin(["department", "district", "commune"])]
    links = province.connected_units
    vdxp = set(
        _text(
            links.loc[
                links["ketNoiTrucQuocGia"].astype(bool) & (links["ngayKetNoi"] < end), "maDonVi"
            ]
        )
    )
    connected = units["MaDonVi"].isin(vdxp)
    values["units_total"] = len(units)
    values["units_connected_vdxp"] = int(connected.sum())
    for ours, level in (("province", "department"), ("district", "district"),
                        ("commune", "commune")):  # fmt: skip
        values[f"units_connected_vdxp{{level={ours}}}"] = int(
            (connected & (units["level"] == level)).sum()
        )
    out = province.outgoing_documents
    issued = _within(out["ngayBanHanh"], start, end) & ~out["doMat"].astype(bool)
    values["docs_issued_non_secret"] = int(issued.sum())
    values["docs_issued_electronic"] = int(
        (issued & _text(out["hinhThuc"]).isin(["dien_tu", "ca_hai"])).sum()
    )
    wf = province.work_files
    levels = dict(
        zip(_text(province.units["MaDonVi"]), _text(province.units["CapDonVi"]), strict=True)
    )
    wf_level = _text(wf["donVi"]).map(levels)
    in_period = _within(wf["ngayTao"], start, end) & ~wf["doMat"].astype(bool)
    for ours, codes in (("province", ["tinh", "so"]), ("district", ["huyen", "phong"]),
                        ("commune", ["xa"])):  # fmt: skip
        scope = in_period & wf_level.isin(codes)
        values[f"work_files_total{{level={ours}}}"] = int(scope.sum())
        values[f"work_files_online{{level={ours}}}"] = int(
            (scope & wf["xuLyTrenMang"].astype(bool)).sum()
        )
    subs = province.report_submissions
    due = _within(subs["han_nop"], start, end)
    values["periodic_reports_total"] = int(due.sum())
    values["periodic_reports_via_lris"] = int((due & subs["gui_qua_lris"].astype(bool)).sum())
    return values


def scored_unit(province: Province, levels: tuple[str, ...]) -> dict[str, str]:
    """Each unit's code → the unit of `levels` its records count for: itself when it is
    of those levels, else its nearest ancestor that is (a commune → its district)."""
    parent = dict(zip(_text(province.units["MaDonVi"]), province.units["MaDonViCha"], strict=True))
    level = dict(
        zip(
            _text(province.units["MaDonVi"]),
            _text(province.units["CapDonVi"]).map(_LEVEL_OF_UNIT),
            strict=True,
        )
    )
    owner: dict[str, str] = {}
    for code in parent:
        at: str | None = code
        while at is not None and level[at] not in levels:
            above = parent[at]
            at = None if above is None or pd.isna(above) else str(above)
        if at is not None:
            owner[code] = at
    return owner


def _per_unit(
    owners: pd.Series, mask: pd.Series, values: pd.Series | None = None
) -> dict[str, int]:
    """Count rows (or distinct `values`) of `mask` per owner."""
    picked = owners[mask & owners.notna()]
    if values is None:
        return {str(k): int(v) for k, v in picked.value_counts().items()}
    pairs = pd.DataFrame({"owner": picked, "value": values[picked.index]})
    return {str(k): int(v) for k, v in pairs.groupby("owner")["value"].nunique().items()}


def dti_unit_values(
    province: Province, start: datetime, end: datetime
) -> dict[str, dict[str, int]]:
    """The DTI per-unit measures, measure key → {department or district: value}; a
    district's figure covers its offices and communes. Units with nothing are absent."""
    owner = scored_unit(province, ("department", "district"))
    d = dossiers_with_procedures(province)
    d_owner = d["unit"].map(owner)
    resolved = (d["TrangThai"] == "da_giai_quyet") & _within(d["NgayKetThuc"], start, end)
    online = d["KenhNop"] == "truc_tuyen"
    received = _within(d["NgayTiepNhan"], start, end)
    values = {
        "dossiers_resolved": _per_unit(d_owner, resolved),
        "dossiers_resolved{channel=online}": _per_unit(d_owner, resolved & online),
        "dossiers_digitised_with_e_result": _per_unit(
            d_owner, resolved & d["DaSoHoa"].astype(bool) & d["CoKetQuaDienTu"].astype(bool)
        ),
        "dvc_with_online_dossier": _per_unit(
            d_owner, received & online & d["MucDo"].isin(_ONLINE_SERVICES), d["MaTTHC"]
        ),
    }
    # A unit's catalogue: a department's provincial procedures; a district's
    # district-level ones and, through its communes, the commune-level ones.
    procs = province.procedures
    level = _text(procs["CapThucHien"])
    units = units_in_force(province, end)
    districts = units.loc[units["level"] == "district", "MaDonVi"]
    with_communes = set(units.loc[units["level"] == "commune", "MaDonViCha"].astype(str))
    catalogue = {
        code: procs[(level == "tinh") & (_text(procs["MaCoQuan"]) == code)]
        for code in units.loc[units["level"] == "department", "MaDonVi"]
    }
    for code in districts:
        wanted = ["huyen", "xa"] if code in with_communes else ["huyen"]
        catalogue[code] = procs[level.isin(wanted)]
    for key, keep in (
        ("dvc_fullonline_eligible", lambda p: p["DuDieuKienToanTrinh"].astype(bool)),
        (
            "dvc_fullonline_provided",
            lambda p: p["DuDieuKienToanTrinh"].astype(bool) & (_text(p["MucDo"]) == "toan_trinh"),
        ),
        ("dvc_online_provided", lambda p: _text(p["MucDo"]).isin(_ONLINE_SERVICES)),
    ):
        values[key] = {
            code: int(keep(p).sum()) for code, p in catalogue.items() if int(keep(p).sum())
        }
    subs = province.report_submissions
    s_owner = _text(subs["ma_don_vi"]).map(owner)
    due = _within(subs["han_nop"], start, end)
    values["periodic_reports_total"] = _per_unit(s_owner, due)
    values["periodic_reports_via_lris"] = _per_unit(
        s_owner, due & subs["gui_qua_lris"].astype(bool)
    )
    inc = province.incoming_documents
    i_owner = _text(inc["donViNhan"]).map(owner)
    kept = _within(inc["ngayDen"], start, end) & ~inc["doMat"].astype(bool)
    values["docs_processed_total"] = _per_unit(i_owner, kept)
    values["docs_processed_fully_online"] = _per_unit(
        i_owner, kept & inc["xuLyTrenMang"].astype(bool)
    )
    return values


def ita_unit_values(
    province: Province, start: datetime, end: datetime
) -> dict[str, dict[str, float]]:
    """A selection of ITA-2018 per-unit inputs (departments, districts, communes),
    measure key → {unit: value}; units with nothing are absent."""
    d = dossiers_with_procedures(province)
    received = _within(d["NgayTiepNhan"], start, end)
    online34 = (d["KenhNop"] == "truc_tuyen") & d["MucDo"].isin(_ONLINE_SERVICES)
    to_district = d["unit"].map(scored_unit(province, ("district",)))
    at_commune = d["unit_level"] == "commune"
    at_district = d["unit_level"] == "district"
    units = units_in_force(province, end)
    communes = units[units["level"] == "commune"]
    procs = province.procedures
    level = _text(procs["CapThucHien"])
    partial = _text(procs["MucDo"]) == "mot_phan"
    values: dict[str, dict[str, float]] = {
        "com_dossiers_received": dict(_per_unit(d["unit"], received & at_commune)),
        "com_online_dossiers_level34_on_time": dict(
            _per_unit(d["unit"], received & at_commune & online34 & d["on_time"])
        ),
        "com_dvc_level3": dict.fromkeys(
            communes["MaDonVi"], int(((level == "xa") & partial).sum())
        ),
        "dist_communes": {str(k): int(v) for k, v in communes["MaDonViCha"].value_counts().items()},
        "dist_communes_dossiers_received": dict(_per_unit(to_district, received & at_commune)),
        "dist_dossiers_on_time": dict(_per_unit(d["unit"], received & at_district & d["on_time"])),
        "commune_procedures_standard": dict.fromkeys(
            set(communes["MaDonViCha"].astype(str)), int((level == "xa").sum())
        ),
    }
    out = province.outgoing_documents
    signed = _within(out["ngayBanHanh"], start, end) & out["kySo"].astype(bool)
    signer = _text(out["donViBanHanh"])
    commune_codes = set(communes["MaDonVi"])
    values["dist_communes_using_digital_signature"] = dict(
        _per_unit(
            signer.map(scored_unit(province, ("district",))),
            signed & signer.isin(commune_codes),
            signer,
        )
    )
    # Departments: on time in the one-stop software, by the day resolved; Σ r_s.
    resolved = _within(d["NgayKetThuc"], start, end)
    at_dept = d["unit_level"] == "department"
    values["dept_dossiers_on_time_in_one_stop"] = dict(
        _per_unit(d["unit"], resolved & at_dept & d["on_time"] & d["QuaMotCua"].astype(bool))
    )
    for key, code in (("dept_dvc_level3_dossier_rate_sum", "mot_phan"),
                      ("dept_dvc_level4_dossier_rate_sum", "toan_trinh")):  # fmt: skip
        services = procs[(level == "tinh") & (_text(procs["MucDo"]) == code)]
        sums: dict[str, float] = {}
        for proc, dept in zip(_text(services["MaTTHC"]), _text(services["MaCoQuan"]), strict=True):
            mine = d["MaTTHC"] == proc
            got = int((mine & received).sum())
            done = int(
                (
                    mine
                    & resolved
                    & (d["TrangThai"] == "da_giai_quyet")
                    & (d["KenhNop"] == "truc_tuyen")
                ).sum()
            )
            if got:
                sums[dept] = sums.get(dept, 0.0) + done / got
        values[key] = sums
    return values
