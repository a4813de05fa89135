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


# --- ITA-2018: the inputs read from the records added for it -------------------------------

_MODES = {"tap_trung": "centralised", "doc_lap_dong_bo": "standalone_synced",
          "doc_lap": "standalone"}  # fmt: skip
_ELECTRONIC = ("dien_tu", "ca_hai")


def _in_force(province: Province, end: datetime, level: str) -> list[str]:
    units = units_in_force(province, end)
    return units.loc[units["level"] == level, "MaDonVi"].tolist()


def _district_of(province: Province, end: datetime) -> dict[str, str]:
    """Each commune in force at `end` → its district."""
    units = units_in_force(province, end)
    communes = units[units["level"] == "commune"]
    return dict(zip(communes["MaDonVi"], communes["MaDonViCha"].astype(str), strict=True))


def _count_by(keys: pd.Series, mask: pd.Series) -> dict[str, float]:
    return {str(k): float(v) for k, v in keys[mask].value_counts().items()}


def _latest(moments: pd.Series, start: datetime, end: datetime) -> pd.Series:
    """Rows of the latest moment (a month's start or last day) within [start, end)."""
    inside = _within(moments, start, end)
    return inside & (moments == moments[inside].max())


def ita_tthc_values(
    province: Province, start: datetime, end: datetime
) -> dict[str, dict[str, object]]:
    """The added TTHC inputs (one-stop configuration, portal, feedback, interlinked
    procedures and dossiers), measure key → {unit: value}; absent units have 0 (or the
    measure's default word)."""
    procs = province.procedures.assign(
        level=_text(province.procedures["CapThucHien"]),
        link=_text(province.procedures["LienThong"]),
        online=_text(province.procedures["MucDo"]).isin(_ONLINE_SERVICES),
    ).set_index("MaTTHC")
    rows = province.unit_procedures.assign(
        level=lambda r: r["MaTTHC"].map(procs["level"]),
        configured=lambda r: r["NgayCauHinhMotCua"] < end,
    )
    communes = _district_of(province, end)
    values: dict[str, dict[str, object]] = {}
    for key, level in (("dept", "tinh"), ("dist", "huyen"), ("com", "xa")):
        mine = rows[rows["level"] == level]
        values[f"{key}_procedures_in_one_stop"] = _count_by(mine["MaDonVi"], mine["configured"])
        if key != "dept":
            values[f"{key}_dvc_level12"] = _count_by(mine["MaDonVi"], mine["CongKhaiTrucTuyen"])
    at_commune = rows[rows["MaDonVi"].isin(communes)]
    share = at_commune.groupby("MaDonVi")["configured"].mean()
    full = at_commune.groupby("MaDonVi")["CongKhaiTrucTuyen"].all()
    values["dist_communes_procedures_in_one_stop_rate_avg"] = {
        str(k): float(v) for k, v in share.groupby(share.index.map(communes)).mean().items()
    }
    values["dist_communes_full_level12"] = {
        str(k): float(v) for k, v in full.groupby(full.index.map(communes)).sum().items()
    }
    sites = province.one_stop_units
    deployed = sites[sites["NgayTrienKhai"] < end]
    values["dept_one_stop_deployment_mode"] = {
        code: _MODES.get(mode, "none")
        for code, mode in zip(
            deployed["MaDonVi"], _text(deployed["HinhThucTrienKhai"]), strict=True
        )
    }
    rating = sites["DanhGiaHaiLong"] & (sites["NgayBatDauDanhGia"] < end)
    for key in ("dist", "com"):
        values[f"{key}_has_satisfaction_software"] = dict.fromkeys(
            sites.loc[rating, "MaDonVi"], True
        )
    values["dept_dvc_declaration"] = dict.fromkeys(
        procs.loc[procs["level"] == "tinh", "MaCoQuan"].astype(str), "full"
    )
    values.update(_feedback_values(province, start, end))
    values.update(_interlink_values(province, start, end, procs, communes))
    return values


def _feedback_values(
    province: Province, start: datetime, end: datetime
) -> dict[str, dict[str, object]]:
    f = province.feedback
    unit = _text(f["MaDonVi"])
    received = _within(f["NgayGui"], start, end)
    values: dict[str, dict[str, object]] = {}
    for key in ("dist", "com"):
        values[f"{key}_feedback_received"] = dict(_count_by(unit, received))
        values[f"{key}_feedback_answered"] = dict(
            _count_by(unit, received & f["NgayTraLoi"].notna())
        )
    return values


def _interlink_values(
    province: Province,
    start: datetime,
    end: datetime,
    procs: pd.DataFrame,
    communes: dict[str, str],
) -> dict[str, dict[str, object]]:
    values: dict[str, dict[str, object]] = {}
    kinds = {"c2d": "xa_huyen", "3lvl": "ba_cap", "d2p": "huyen_tinh"}
    for name, kind in kinds.items():
        linked = procs[procs["link"] == kind]
        units = (
            set(communes.values()) if name != "d2p" else set(_in_force(province, end, "district"))
        )
        values[f"dist_interlinked_{name}_procedures"] = dict.fromkeys(units, float(len(linked)))
        values[f"dist_interlinked_{name}_procedures_online34"] = dict.fromkeys(
            units, float(linked["online"].sum())
        )
    c2d = procs[procs["link"] == "xa_huyen"]
    values["com_interlinked_c2d_procedures"] = dict.fromkeys(communes, float(len(c2d)))
    values["com_interlinked_c2d_procedures_online34"] = dict.fromkeys(
        communes, float(c2d["online"].sum())
    )
    d = dossiers_with_procedures(province)
    d["link"] = d["MaTTHC"].map(procs["link"])
    received = _within(d["NgayTiepNhan"], start, end)
    online34 = (d["KenhNop"] == "truc_tuyen") & d["MucDo"].isin(_ONLINE_SERVICES)
    to_district = d["unit"].map(communes)
    at_commune, at_district = d["unit_level"] == "commune", d["unit_level"] == "district"
    for name, where, owner, suffix in (
        ("c2d", at_commune, to_district, "received_at_commune"),
        ("3lvl", at_commune, to_district, "received_at_commune"),
        ("d2p", at_district, d["unit"], "received_at_district"),
    ):
        base = received & where & (d["link"] == kinds[name])
        values[f"dist_interlinked_{name}_dossiers_{suffix}"] = _count_by(owner, base)
        values[f"dist_interlinked_{name}_dossiers_online34"] = _count_by(owner, base & online34)
        if name != "d2p":
            values[f"com_interlinked_{name}_dossiers_received_at_commune"] = _count_by(
                d["unit"], base
            )
            values[f"com_interlinked_{name}_dossiers_online34"] = _count_by(
                d["unit"], base & online34
            )
    published = received & d["CongKhaiTrangThai"].astype(bool)
    values["dist_dossiers_status_published"] = _count_by(d["unit"], published & at_district)
    values["dist_communes_dossiers_status_published"] = _count_by(
        to_district, published & at_commune
    )
    t = province.interlink_transfers
    link = (
        t["MaHoSo"]
        .map(province.dossiers.set_index("MaHoSo")["MaTTHC"].astype(str))
        .map(procs["link"])
    )
    levels = dict(
        zip(_text(province.units["MaDonVi"]), _text(province.units["CapDonVi"]), strict=True)
    )
    handed = (
        _within(t["NgayGui"], start, end)
        & (link == "xa_huyen")
        & (t["DonViNhan"].map(levels) == "huyen")
    )
    values["com_interlinked_c2d_dossiers_received_at_district"] = _count_by(t["DonViGui"], handed)
    values["com_interlinked_c2d_dossiers_sent_online"] = _count_by(
        t["DonViGui"], handed & t["GuiTrucTuyen"]
    )
    return values


def ita_ioffice_values(
    province: Province, start: datetime, end: datetime
) -> dict[str, dict[str, object]]:
    """The added iOffice inputs (leaders' handling, signatures, units, accounts)."""
    inc, out = province.incoming_documents, province.outgoing_documents
    inc_unit, out_unit = _text(inc["donViNhan"]), _text(out["donViBanHanh"])
    inc_kept = _within(inc["ngayDen"], start, end) & ~inc["doMat"]
    out_kept = _within(out["ngayBanHanh"], start, end) & ~out["doMat"]
    sent = _text(out["hinhThuc"]).isin(_ELECTRONIC)
    values: dict[str, dict[str, object]] = {
        "dist_incoming_docs_leader_directed": _count_by(inc_unit, inc_kept & inc["lanhDaoChiDao"]),
        "dist_outgoing_docs_leader_approved": _count_by(out_unit, out_kept & out["lanhDaoDuyet"]),
    }
    for key in ("dist", "com"):
        values[f"{key}_outgoing_docs_org_signed_sent"] = _count_by(
            out_unit, out_kept & sent & out["kySoCoQuan"]
        )
        values[f"{key}_outgoing_docs_leader_signed_sent"] = _count_by(
            out_unit, out_kept & sent & out["kySoLanhDao"]
        )
    submitted = _count_by(inc_unit, inc_kept & inc["trinhLanhDao"])
    for unit, n in _count_by(out_unit, out_kept & out["trinhLanhDao"]).items():
        submitted[unit] = submitted.get(unit, 0.0) + n
    values["com_edocs_submitted_to_leader"] = dict(submitted)
    communes = _district_of(province, end)
    leaders = out[
        _within(out["ngayBanHanh"], start, end) & out["kySoLanhDao"] & out_unit.isin(communes)
    ]
    values["dist_communes_leaders_using_digital_signature"] = {
        str(k): float(v)
        for k, v in leaders.groupby(_text(leaders["donViBanHanh"]).map(communes))["nguoiKy"]
        .nunique()
        .items()
    }
    sender_district = inc["donViGui"].map(communes)
    values["dist_communes_docs_to_district_signed"] = _count_by(
        inc_unit, inc_kept & inc["kySo"] & (sender_district == inc_unit)
    )
    months = max(1, (end.year - start.year) * 12 + end.month - start.month)
    for where, inside in (("intra", ~out["quaTrucLienThong"]), ("extra", out["quaTrucLienThong"])):
        base = out_kept & sent & inside
        values[f"dept_{where}_province_edocs_monthly"] = {
            u: n / months for u, n in _count_by(out_unit, base).items()
        }
        values[f"dept_{where}_province_signed_edocs_monthly"] = {
            u: n / months for u, n in _count_by(out_unit, base & out["kySo"]).items()
        }
    values.update(_edms_usage_values(province, start, end))
    return values


def _edms_usage_values(
    province: Province, start: datetime, end: datetime
) -> dict[str, dict[str, object]]:
    tree = province.edms_units
    kind = _text(tree["loaiDonVi"])
    using = tree["ngaySuDung"] < end
    parent_of = tree.set_index("maDonVi")["maDonViCha"]
    values: dict[str, dict[str, object]] = {
        "dept_subunits_using_edms": _count_by(
            tree["maDonViCha"], using & (kind == "truc_thuoc_so")
        ),
        "dist_su_units_using_edms": _count_by(
            tree["maDonViCha"], using & (kind == "su_nghiep_huyen")
        ),
    }
    usage = province.edms_usage
    month = pd.to_datetime(usage["thang"] + "-01")
    parent = usage["maDonVi"].map(parent_of)
    member_kind = usage["maDonVi"].map(tree.set_index("maDonVi")["loaiDonVi"].astype(str))
    affiliate = (member_kind == "truc_thuoc_so") & _within(month, start, end)
    for field, key in (("vanBanDen", "incoming"), ("vanBanDi", "outgoing")):
        picked = usage[affiliate]
        grouped = picked.groupby(parent[affiliate])
        values[f"dept_subunit_{key}_docs_in_edms"] = {
            str(k): float(grouped[field].sum()[k] / grouped["maDonVi"].nunique()[k])
            for k in grouped.groups
        }
    latest_rows = _latest(month, start, end)
    latest = usage[latest_rows]
    district_of = scored_unit(province, ("district",))
    own = latest[~latest["maDonVi"].isin(tree["maDonVi"])]
    levels = dict(
        zip(_text(province.units["MaDonVi"]), _text(province.units["CapDonVi"]), strict=True)
    )
    own_level = own["maDonVi"].map(levels)
    district_staff = own[own_level.isin(["huyen", "phong"])]
    values["dist_civil_servants_active_edms"] = {
        str(k): float(v)
        for k, v in district_staff.groupby(district_staff["maDonVi"].map(district_of))[
            "congChucThuongXuyen"
        ]
        .sum()
        .items()
    }
    service = latest[member_kind[latest_rows] == "su_nghiep_huyen"]
    values["dist_su_employees_with_edms_account"] = {
        str(k): float(v)
        for k, v in service.groupby(service["maDonVi"].map(parent_of))["taiKhoanVienChuc"]
        .sum()
        .items()
    }
    commune_rows = own[own_level == "xa"].set_index("maDonVi")
    values["com_civil_servants_active_edms"] = (
        commune_rows["congChucThuongXuyen"].astype(float).to_dict()
    )
    values["com_part_time_active_edms"] = (
        commune_rows["khongChuyenTrachThuongXuyen"].astype(float).to_dict()
    )
    return values


_STATISTICS = {
    "dist": {"dist_cultural_post_offices": "bdvh",
             "dist_cultural_post_offices_with_internet": "bdvh_internet",
             "dist_cultural_post_offices_with_internet_agent": "bdvh_dai_ly_internet",
             "dist_households_with_computer_rate": "ho_may_tinh_pct",
             "dist_households_with_broadband_rate": "ho_bang_rong_pct",
             "dist_enterprises_with_broadband_rate": "dn_bang_rong_pct",
             "dist_population_mobile_subscriber_rate": "tb_di_dong_pct",
             "dist_population_mobile_broadband_rate": "tb_bang_rong_di_dong_pct",
             "dist_primary_schools": "truong_tieu_hoc",
             "dist_primary_schools_teaching_it": "truong_tieu_hoc_tin_hoc",
             "dist_lower_secondary_schools": "truong_thcs",
             "dist_lower_secondary_schools_teaching_it": "truong_thcs_tin_hoc",
             "dist_upper_secondary_schools": "truong_thpt",
             "dist_upper_secondary_schools_teaching_it": "truong_thpt_tin_hoc",
             "dist_population": "dan_so"},
    "com": {"com_post_points": "bdvh", "com_post_points_with_internet": "bdvh_internet",
            "com_post_points_with_internet_agent": "bdvh_dai_ly_internet",
            "com_households_with_computer_rate": "ho_may_tinh_pct",
            "com_households_with_broadband_rate": "ho_bang_rong_pct",
            "com_enterprises_with_broadband_rate": "dn_bang_rong_pct",
            "com_population": "dan_so"},
}  # fmt: skip


def ita_lris_ndxp_values(province: Province, year: int) -> dict[str, dict[str, object]]:
    """The added LRIS and NDXP inputs of a calendar year."""
    start, end = datetime(year, 1, 1), datetime(year + 1, 1, 1)
    stats = province.statistics[province.statistics["ky"] == str(year)]
    values: dict[str, dict[str, object]] = {}
    for group in _STATISTICS.values():
        for key, code in group.items():
            mine = stats[stats["ma_chi_tieu"] == code]
            scale = 100.0 if code.endswith("_pct") else 1.0
            values[key] = {
                u: float(v) / scale for u, v in zip(mine["ma_don_vi"], mine["gia_tri"], strict=True)
            }
    reports = province.it_reports
    kind = _text(reports["loai_bao_cao"])
    plans = reports[(kind == "ket_qua_ke_hoach") & (reports["ky"] == str(year))]
    complete = plans[["so_ky_hieu", "ngay_ban_hanh", "duong_dan"]].notna().all(axis=1)
    values["dept_doc_it_plan_completion_report"] = {
        u: "full" if ok else "partial" for u, ok in zip(plans["ma_don_vi"], complete, strict=True)
    }
    periodic = reports[(kind == "dinh_ky") & reports["ky"].str.startswith(f"{year}-")]
    values["dist_doc_it_periodic_reports"] = dict.fromkeys(periodic["ma_don_vi"], True)
    links = province.platform_links
    live = (links["tuNgay"] < end) & (links["denNgay"].isna() | (links["denNgay"] >= end))
    system = _text(links["heThong"])
    for keys, code in ((("dist_app_civil_registry", "com_app_civil_registry"), "ho_tich"),
                       (("dist_app_business_registration",), "dang_ky_kinh_doanh"),
                       (("dist_has_sso", "com_has_sso"), "sso")):  # fmt: skip
        for key in keys:
            values[key] = dict.fromkeys(links.loc[live & (system == code), "maDonVi"], True)
    snaps = province.population_snapshots
    latest = snaps[_latest(snaps["ngayChot"], start, end)]
    values["com_population_digitized"] = {
        u: float(v) for u, v in zip(latest["maDonVi"], latest["soDanSoHoa"], strict=True)
    }
    communes = _district_of(province, end)
    values["dist_population_digitized"] = {
        str(k): float(v)
        for k, v in latest.groupby(latest["maDonVi"].map(communes))["soDanSoHoa"].sum().items()
    }
    return values
