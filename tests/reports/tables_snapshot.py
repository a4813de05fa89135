"""A small published snapshot for the report tests, built without any source system.

`build_warehouse` is run once per module by the `warehouse` fixture of test_tables.py.

- PAR7 2024 is scored by the engine from `tests/data/scoring/par7_mixed.csv` (its points
  are worked by hand in tests/scoring/test_par7.py); its inputs land in marts.measure as
  declared (with evidence), collected, or — one of them — an operator's override.
- NQ17 2024-03 is scored by the engine from a handful of measures (the others missing).
- DTI districts and ITA-2018 departments and districts are hand-made score rows of the
  nodes the ranking tables show, ranked by `scoring.ranking.rank_units`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd

from flows.build import ranking_frame, score_frame
from flows.declarations import exact_decimals
from flows.measures_file import read_measures_csv, read_org_units_csv
from scoring.catalogue import load_catalogue
from scoring.engine import score_framework
from scoring.framework import Framework, load_framework
from scoring.model import MeasureValue, OrgUnit, ScoreRow, Status
from scoring.ranking import rank_units
from warehouse.marts_io import replace_rows
from warehouse.publish import publish_snapshot
from warehouse.schema import migrate

DATA = Path(__file__).resolve().parents[1] / "data" / "scoring"
COMPUTED_AT = datetime(2025, 1, 15, 2, 0)
RUN = "test-run"
# The one declared fact whose evidence the tests read back, and the corrected input.
ARCHITECTURE_DOC = "Quyết định 2150/QĐ-UBND phê duyệt Kiến trúc CQĐT tỉnh"
OVERRIDE_REASON = "LRIS đếm thiếu 2 chế độ báo cáo"
NQ17_MONTH = "2024-03"
EXTRA_DISTRICT = OrgUnit("H03", "UBND huyện An Phú", "district", "89")


@dataclass(frozen=True)
class Warehouse:
    snapshot: Path
    config: Path


def _d(value: str | int) -> Decimal:
    return Decimal(str(value))


def _evidence(m: MeasureValue) -> dict[str, str]:
    if m.key == "egov_architecture_maintained":
        return {
            "evidence_doc": ARCHITECTURE_DOC,
            "evidence_date": "2024-09-20",
            "evidence_link": "https://sotttt.example.vn/vb/2150",
            "declared_by": "Sở TTTT",
        }
    return {"evidence_doc": f"Báo cáo {len(m.key)}/BC-STTTT", "evidence_date": "2024-11-05"}


def _measure_frame(measures: list[MeasureValue]) -> pd.DataFrame:
    """marts.measure rows: MANUAL measures declared with evidence, the rest collected,
    and `report_regimes_supplied_on_time` also corrected by an operator."""
    catalogue = load_catalogue()
    records = []
    for m in measures:
        spec = catalogue.spec(m.key.split("{", 1)[0])
        declared = spec.source == "MANUAL"
        origins = ["declared" if declared else "collected"]
        if m.key == "report_regimes_supplied_on_time":
            origins.append("override")
        for origin in origins:
            evidence: dict[str, object] | None = None
            if origin == "declared":
                evidence = dict(_evidence(m))
            elif origin == "override":
                evidence = {
                    "override_id": 7,
                    "evidence": "Biên bản 12/BB-STTTT",
                    "reason": OVERRIDE_REASON,
                }
            numeric = not isinstance(m.value, bool | str)
            records.append(
                {
                    "unit_code": m.unit,
                    "period": m.period,
                    "measure_key": m.key,
                    "measure_name": spec.name,
                    "value_num": m.value if numeric else None,
                    "value_text": None if numeric else str(m.value).lower(),
                    "value_type": spec.value_type,
                    "origin": origin,
                    "transform": f"measures:{m.key}" if origin == "collected" else None,
                    "evidence": None if evidence is None else json.dumps(evidence),
                    "computed_at": COMPUTED_AT,
                    "run_id": RUN,
                }
            )
    frame = pd.DataFrame.from_records(records)
    frame["value_num"] = exact_decimals(frame["value_num"])
    return frame


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    con.register("incoming", frame)
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming")
    con.unregister("incoming")


def _org_units(units: list[OrgUnit]) -> pd.DataFrame:
    return pd.DataFrame.from_records(
        [
            {
                "unit_code": u.code,
                "unit_name": u.name,
                "unit_level": u.level,
                "parent_code": u.parent,
                "valid_from": date(2020, 1, 1),
                "valid_to": None,
            }
            for u in units
        ]
    )


def _periods() -> pd.DataFrame:
    return pd.DataFrame.from_records(
        [
            {
                "period": "2024",
                "period_type": "year",
                "starts_on": date(2024, 1, 1),
                "ends_on": date(2024, 12, 31),
            },
            {
                "period": NQ17_MONTH,
                "period_type": "month",
                "starts_on": date(2024, 3, 1),
                "ends_on": date(2024, 3, 31),
            },
        ]
    )


def nq17_measures() -> list[MeasureValue]:
    """Six targets reported; the sixteen others have no data this month."""
    values: dict[str, Decimal | bool] = {
        "dossiers_online{service_level=full|partial}": _d(666),
        "dossiers_processed{service_level=full|partial}": _d(1412),  # 47.2% < 50%
        "dvc_portal_mobile_ui": True,  # a fact: 100%
        "dvc_mobile_signature_enabled": _d(41),
        "dvc_online_partial_full": _d(98),  # 41.8% ≥ 40%
        "work_files_online{level=district}": _d(7996),
        "work_files_total{level=district}": _d(10000),  # 79.96%: below 80%, shown 79,9%
        "ubnd_using_gov_meeting_is{level=province}": _d(1),
        "ubnd_total{level=province}": _d(1),
        "ubnd_using_gov_meeting_is{level=district}": _d(8),
        "ubnd_total{level=district}": _d(11),  # 72.7% < the second target 80%
        "agencies_connected_tslcd": _d(89),
        "agencies_total": _d(89),  # 100%
    }
    return [MeasureValue("89", NQ17_MONTH, key, value) for key, value in values.items()]


def _row(fw: Framework, unit: str, cid: str, points: Decimal | None, status: Status) -> ScoreRow:
    rollups = {r.id: r for r in fw.sections.rollups}
    if cid in rollups:
        r = rollups[cid]
        parent, name_vi, name_en, method, top = None, r.name_vi, r.name_en, "rollup", r.max_points
        official = r.max_points
    else:
        c = fw.criterion(cid)
        parent, name_vi, name_en, method = c.parent, c.name_vi, c.name_en, c.method
        top, official = c.self_assessed_max, c.max_points
    return ScoreRow(
        framework=fw.id,
        framework_version=fw.version,
        unit=unit,
        period="2024",
        criterion=cid,
        parent=parent,
        name_vi=name_vi,
        name_en=name_en,
        method=method,
        max_points=top,
        points=points,
        status=status,
        max_points_with_survey=official,
    )


def tree_rows(
    fw: Framework, unit: str, points: Mapping[str, str], missing: tuple[str, ...] = ()
) -> list[ScoreRow]:
    """Rows for the given nodes, their ancestors as sums of their children (a parent of
    a `missing` node is incomplete), and the framework's roll-ups."""
    values = {cid: _d(p) for cid, p in points.items()}
    status = {cid: Status.SCORED for cid in values}
    for cid in missing:
        status[cid] = Status.MISSING_INPUT
    pending = {fw.criterion(cid).parent for cid in [*values, *missing]} - {None}
    while pending:
        ready = [p for p in pending if p and all(k in status for k in fw.criterion(p).children)]
        if not ready:
            raise ValueError(f"{fw.id}: give every child of {sorted(map(str, pending))}")
        for p in ready:
            kids = fw.criterion(p).children
            values[p] = sum((values[k] for k in kids if k in values), Decimal(0))
            complete = all(status[k] == Status.SCORED for k in kids)
            status[p] = Status.SCORED if complete else Status.INCOMPLETE
            pending.discard(p)
            parent = fw.criterion(p).parent
            if parent is not None:
                pending.add(parent)
    rows = [_row(fw, unit, cid, values.get(cid), st) for cid, st in status.items()]
    for r in fw.sections.rollups:
        total = sum((values[m] for m in r.members if m in values), Decimal(0))
        complete = all(status.get(m) == Status.SCORED for m in r.members)
        rows.append(_row(fw, unit, r.id, total, Status.SCORED if complete else Status.INCOMPLETE))
    return rows


DTI_DIST = {
    "H01": {
        "1": "64.71",
        "2": "50",
        "3": "60",
        "4": "65",
        "5": "94.31",
        "6": "107.88",
        "7": "53.16",
        "8": "117",
    },
    "H02": {
        "1": "70",
        "2": "60",
        "3": "60",
        "4": "65",
        "5": "100",
        "6": "108.79",
        "7": "72.86",
        "8": "124.93",
    },
    "H03": {"1": "30", "2": "20", "3": "40", "4": "30", "5": "50", "6": "60", "7": "20"},
}
ITA_DEPT = {  # category points; bands at 80% / 65% of each maximum
    "S01": {
        "dept.I": "85",
        "dept.II": "300",
        "dept.III": "50",
        "dept.IV": "160",
        "dept.V": "64.99",
        "dept.VI": "100",
    },
    "S02": {
        "dept.I": "90",
        "dept.II": "330",
        "dept.III": "90",
        "dept.IV": "170",
        "dept.V": "80",
        "dept.VI": "90",
    },
}
# H01 reaches Mức II (not Mức I: readiness 445 < 450); H02 misses Mức IV (A.I 200 < 210).
ITA_DIST = {
    "H01": {
        "dist.A.I": "260",
        "dist.A.II": "110",
        "dist.A.III": "75",
        "dist.B.I": "360",
        "dist.B.II": "320",
        "dist.B.III": "185",
        "dist.B.IV": "46",
    },
    "H02": {
        "dist.A.I": "200",
        "dist.A.II": "110",
        "dist.A.III": "75",
        "dist.B.I": "390",
        "dist.B.II": "340",
        "dist.B.III": "190",
        "dist.B.IV": "50",
    },
}


def _write_framework(con: duckdb.DuckDBPyConnection, fw: Framework, rows: list[ScoreRow]) -> None:
    period = rows[0].period
    where = {"framework": fw.id, "period": period}
    replace_rows(con, "marts.score", score_frame(rows, RUN, COMPUTED_AT), where)
    standings = rank_units(fw, rows)
    replace_rows(con, "marts.ranking", ranking_frame(standings, RUN, COMPUTED_AT), where)


def build_warehouse(directory: Path) -> Warehouse:
    """Migrate a warehouse, fill the marts, publish it and write a config naming it."""
    units = read_org_units_csv(DATA / "org_units.csv")
    measures = [m for m in read_measures_csv(DATA / "par7_mixed.csv") if m.period == "2024"]
    db = directory / "chiso.duckdb"
    snapshot = directory / "published" / "chiso.duckdb"
    con = duckdb.connect(str(db))
    try:
        migrate(con)
        _insert(con, "marts.org_unit", _org_units([*units, EXTRA_DISTRICT]))
        _insert(con, "marts.period", _periods())
        _insert(con, "marts.measure", _measure_frame(measures))
        par7 = load_framework("par7-2024")
        _write_framework(con, par7, score_framework(par7, "2024", measures, units))
        nq17 = load_framework("nq17")
        _write_framework(con, nq17, score_framework(nq17, NQ17_MONTH, nq17_measures(), units))
        dti = load_framework("dti-2024-dist")
        rows = tree_rows(dti, "H01", DTI_DIST["H01"]) + tree_rows(dti, "H02", DTI_DIST["H02"])
        rows += tree_rows(dti, "H03", DTI_DIST["H03"], missing=("8",))
        _write_framework(con, dti, rows)
        dept = load_framework("ita-2018-dept")
        _write_framework(con, dept, [r for u, p in ITA_DEPT.items() for r in tree_rows(dept, u, p)])
        dist = load_framework("ita-2018-dist")
        _write_framework(con, dist, [r for u, p in ITA_DIST.items() for r in tree_rows(dist, u, p)])
        publish_snapshot(con, None, snapshot)
    finally:
        con.close()
    config = directory / "chiso.toml"
    config.write_text(f'[warehouse]\nsnapshot_path = "{snapshot.as_posix()}"\n', encoding="utf-8")
    return Warehouse(snapshot, config)
