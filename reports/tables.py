"""Official report tables from the published snapshot (`chiso report tables`).

Which table a framework gets follows from its file:

- one unit scored per year (PAR7): the self-assessment the province submits, *Báo cáo
  tự đánh giá, chấm điểm* — STT, criterion, max, self-assessed points, explanation and
  evidence; a TỔNG ĐIỂM row; survey criteria marked ĐTXHH and left out of the total;
- one unit scored against targets (NQ17): the monthly report — target, result with
  numerator and denominator, Đạt / Không đạt;
- many units (DTI, ITA-2018): the ranking of the group — rank, unit, the main indices
  or categories (with their bands), parts and groups (with the level), total, pillars;
  with `unit`, also that unit's criterion-by-criterion self-assessment.

Tables are built whole in memory and only then written (`reports.render`), so a
refused request writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb

from reports import snapshot as snap
from reports.evidence import SURVEY_MARK, Provenance, explain, input_measures
from reports.vn_format import vn_number, vn_percent, vn_quantity, vn_target
from scoring.catalogue import load_catalogue
from scoring.framework import Criterion, Framework, list_frameworks, load_framework
from scoring.model import ScoreRow, Status
from scoring.periods import period_type
from warehouse.publish import reading_snapshot

TOTAL_LABEL = "TỔNG ĐIỂM"
MET, NOT_MET, NO_DATA = "Đạt", "Không đạt", "Chưa có số liệu"
NO_RANK = "—"
_UNIT_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_PERIOD_WORDS = {"year": "năm", "quarter": "quý", "month": "tháng"}


class ReportError(ValueError):
    """A request the snapshot cannot answer (unknown framework, period or unit)."""


@dataclass(frozen=True)
class Column:
    """A table column. `kind` decides the cell format: text, points, rank."""

    title: str
    kind: str = "text"
    width: float = 14
    group: str | None = None


@dataclass(frozen=True)
class Row:
    """A table row. `span` merges the first cells into one (a total's label);
    `indent` is the criterion's depth in the tree."""

    values: tuple[object, ...]
    bold: bool = False
    span: int = 1
    indent: int = 0


@dataclass(frozen=True)
class Table:
    """One sheet: title lines, columns (grouped columns share a merged header), rows."""

    slug: str
    sheet: str
    titles: tuple[str, ...]
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    decimals: int = 2
    notes: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Report:
    """Everything one request writes: the file stem and its tables."""

    stem: str
    tables: tuple[Table, ...]


def period_text(period: str) -> str:
    """`năm 2024`, `tháng 03/2024`, `quý 1/2024`."""
    kind = period_type(period)
    if kind == "month":
        year, month = period.split("-")
        return f"tháng {month}/{year}"
    if kind == "quarter":
        year, quarter = period.split("-Q")
        return f"quý {quarter}/{year}"
    return f"năm {period}"


def _max(value: Decimal) -> str:
    """A maximum in a header: `700`, `1.000`, `842,5`."""
    return vn_quantity(value)


def _quantized(value: Decimal | None, framework: Framework) -> Decimal | None:
    return None if value is None else value.quantize(framework.rounding.quantum)


def _depth(framework: Framework, c: Criterion) -> int:
    depth, parent = 0, c.parent
    while parent is not None:
        depth += 1
        parent = framework.criterion(parent).parent
    return depth


# --- the self-assessment (PAR7, or one unit of a ranked framework) ---------------------


def _criterion_rows(
    framework: Framework, by_criterion: Mapping[str, ScoreRow], provenance: Provenance
) -> list[Row]:
    """A row per criterion in the file's order: section rows bold, names indented by
    depth, survey criteria marked ĐTXHH."""
    body = []
    for c in framework.criteria:
        row = by_criterion.get(c.id)
        if row is None:
            continue
        points = SURVEY_MARK if row.status == Status.SURVEY else _quantized(row.points, framework)
        values = (c.id, c.name_vi, _quantized(c.max_points, framework), points)
        body.append(
            Row(
                (*values, explain(row, provenance)),
                bold=bool(c.children),
                indent=_depth(framework, c),
            )
        )
    return body


def _rollup_rows(framework: Framework, by_criterion: Mapping[str, ScoreRow]) -> list[Row]:
    """The roll-ups (DTI pillars) after the total, each with the indices it adds up."""
    body = []
    for rollup in framework.sections.rollups:
        row = by_criterion.get(rollup.id)
        if row is None:
            continue
        values = (rollup.id, rollup.name_vi, _quantized(rollup.max_points, framework))
        members = f"Tổng các chỉ số {', '.join(rollup.members)}"
        body.append(Row((*values, _quantized(row.points, framework), members), bold=True))
    return body


def self_assessment(
    framework: Framework,
    rows: Sequence[ScoreRow],
    unit: str,
    provenance: Provenance,
) -> Table:
    """*Báo cáo tự đánh giá, chấm điểm* of one unit: the criteria, then TỔNG ĐIỂM (and
    the roll-ups, if the framework has any)."""
    by_criterion = {r.criterion: r for r in rows if r.unit == unit}
    root = by_criterion[framework.root.id]
    body = _criterion_rows(framework, by_criterion, provenance)
    body.append(_total_row(framework, root))
    body += _rollup_rows(framework, by_criterion)
    name = provenance.unit_names.get(unit, unit)
    province = framework.unit_level == "province"
    return Table(
        slug="tu-danh-gia" if province else f"don-vi-{unit}",
        sheet="Tự đánh giá" if province else f"Đơn vị {unit}"[:31],
        titles=(
            "BÁO CÁO TỰ ĐÁNH GIÁ, CHẤM ĐIỂM",
            framework.name_vi,
            f"Đơn vị: {name} ({unit}) — Kỳ đánh giá: {period_text(root.period)}",
        ),
        columns=(
            Column("STT", width=10),
            Column("Lĩnh vực/Tiêu chí/Tiêu chí thành phần", width=60),
            Column("Điểm tối đa", "points", 11),
            Column("Điểm tự đánh giá", "points", 11),
            Column("Giải trình và tài liệu kiểm chứng", width=70),
        ),
        rows=tuple(body),
        decimals=framework.rounding.decimals,
        notes=_survey_notes(framework),
    )


def _total_row(framework: Framework, root: ScoreRow) -> Row:
    decimals = framework.rounding.decimals
    survey = [c for c in framework.criteria if c.method == "survey"]
    notes = []
    if survey:
        ids = ", ".join(c.id for c in survey)
        left_out = sum((c.max_points for c in survey), Decimal(0))
        notes.append(
            f"Không tính tiêu chí {ids} ({SURVEY_MARK}, {vn_number(left_out, decimals)} điểm)"
        )
    if root.status == Status.INCOMPLETE:
        notes.append("Có tiêu chí thiếu số liệu: tổng điểm là mức tối thiểu")
    elif root.status == Status.MISSING_INPUT:
        notes.append("Thiếu số liệu: chưa chấm điểm")
    return Row(
        (
            TOTAL_LABEL,
            "",
            _quantized(root.max_points, framework),
            _quantized(root.points, framework),
            "\n".join(notes),
        ),
        bold=True,
        span=2,
    )


def _survey_notes(framework: Framework) -> tuple[str, ...]:
    survey = [c.id for c in framework.criteria if c.method == "survey"]
    if not survey:
        return ()
    return (
        f"Ghi chú: {SURVEY_MARK} — tiêu chí {', '.join(survey)} do cơ quan đánh giá ở Trung "
        "ương chấm qua điều tra xã hội học, không thuộc phần tự đánh giá.",
    )


# --- the NQ17 monthly report -----------------------------------------------------------


def _second_rate(row: ScoreRow, c: Criterion) -> tuple[Decimal, Decimal] | None:
    if "numerator_2" not in c.measures:
        return None
    b = row.inputs.get(c.measures["numerator_2"])
    a = row.inputs.get(c.measures["denominator_2"])
    if isinstance(b, bool) or isinstance(a, bool) or b is None or a is None:
        return None
    return Decimal(b), Decimal(a)


def _target_cells(row: ScoreRow, c: Criterion) -> tuple[str, str]:
    """The target and the result as the monthly report prints them."""
    targets = [row.target] if row.target is not None else []
    if "target_2" in c.params:
        targets.append(c.decimal_param("target_2"))
    target = "; ".join(vn_target(t) for t in targets)
    if row.status != Status.SCORED or row.rate is None:
        return target, NO_DATA
    result = vn_percent(row.rate, bar=row.target)
    if row.numerator is not None and row.denominator is not None:
        result += f" ({vn_quantity(row.numerator)}/{vn_quantity(row.denominator)})"
    second = _second_rate(row, c)
    if second is not None and second[1] != 0:
        b, a = second
        bar = targets[1] if len(targets) > 1 else None
        result += f"; {vn_percent(b / a, bar=bar)} ({vn_quantity(b)}/{vn_quantity(a)})"
    return target, result


def targets_report(
    framework: Framework, rows: Sequence[ScoreRow], unit: str, names: Mapping[str, str]
) -> Table:
    """The monthly report: one row per target with its result and Đạt / Không đạt."""
    by_criterion = {r.criterion: r for r in rows if r.unit == unit}
    body: list[Row] = []
    for c in framework.criteria:
        row = by_criterion.get(c.id)
        if row is None or c.method != "target_met":
            continue
        target, result = _target_cells(row, c)
        verdict = NO_DATA if row.met is None else MET if row.met else NOT_MET
        body.append(Row((len(body) + 1, c.id, c.name_vi, target, result, verdict)))
    met = sum(1 for r in body if r.values[5] == MET)
    unknown = sum(1 for r in body if r.values[5] == NO_DATA)
    summary = f"Số chỉ tiêu đạt: {met}/{len(body)}"
    if unknown:
        summary += f" ({unknown} chỉ tiêu chưa có số liệu)"
    body.append(Row((summary, "", "", "", "", ""), bold=True, span=6))
    period = by_criterion[framework.root.id].period
    return Table(
        slug="chi-tieu",
        sheet="Báo cáo NQ17" if framework.id == "nq17" else "Chỉ tiêu",
        titles=(
            "BÁO CÁO KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU",
            framework.name_vi,
            f"Đơn vị: {names.get(unit, unit)} — Kỳ báo cáo: {period_text(period)}",
        ),
        columns=(
            Column("STT", "rank", 6),
            Column("Mã chỉ tiêu", width=11),
            Column("Nội dung chỉ tiêu", width=70),
            Column("Chỉ tiêu (%)", width=12),
            Column("Kết quả thực hiện (%)", width=28),
            Column("Đánh giá", width=16),
        ),
        rows=tuple(body),
        decimals=framework.rounding.decimals,
        notes=(
            "Kết quả: tỷ lệ phần trăm (tử số/mẫu số); chỉ tiêu đạt khi kết quả "
            "bằng hoặc cao hơn chỉ tiêu.",
        ),
    )


# --- the ranking of a group (DTI, ITA-2018) --------------------------------------------


def _label(c: Criterion) -> str:
    """`1. Nhận thức số`, `I. Hạ tầng …`, `A. Điều kiện …` (no double prefix)."""
    prefix = c.id.rsplit(".", 1)[-1]
    if c.parent is None or c.name_vi.startswith(f"{prefix}."):
        return c.name_vi
    return f"{prefix}. {c.name_vi}"


def _header(c: Criterion) -> str:
    return f"{_label(c)} ({_max(c.max_points)})"


@dataclass(frozen=True)
class _PointsColumn:
    column: Column
    criterion: str | None = None  # points of this criterion (or roll-up)
    band_of: str | None = None  # the band of this criterion


def _ranking_columns(framework: Framework) -> list[_PointsColumn]:
    """The root's children (main indices, categories, parts); a part whose groups the
    level classification names is shown group by group, then its subtotal."""
    classification = framework.sections.classification
    levelled = {cid for level in classification.levels for cid in level.minimums}
    bands = set(classification.band_criteria)
    columns: list[_PointsColumn] = []
    for cid in framework.root.children:
        c = framework.criterion(cid)
        if c.children and all(k in levelled for k in c.children):
            group = _header(c)
            for kid in c.children:
                k = framework.criterion(kid)
                columns.append(_PointsColumn(Column(_header(k), "points", 13, group), kid))
            columns.append(_PointsColumn(Column("Cộng", "points", 12, group), cid))
        elif cid in bands:
            group = _header(c)
            columns.append(_PointsColumn(Column("Điểm", "points", 10, group), cid))
            columns.append(_PointsColumn(Column("Xếp loại", width=12, group=group), band_of=cid))
        else:
            group = "Điểm chỉ số chính"
            columns.append(_PointsColumn(Column(_header(c), "points", 13, group), cid))
    return columns


def _note(standing: snap.Standing, framework: Framework) -> str:
    otherwise = framework.sections.classification.otherwise
    if standing.status == Status.INCOMPLETE:
        return "Thiếu số liệu: điểm là mức tối thiểu, chưa xếp hạng"
    if standing.status == Status.MISSING_INPUT:
        return "Thiếu số liệu: chưa chấm điểm"
    if standing.rank is None and otherwise and standing.level == otherwise:
        return "Không đạt mức thấp nhất: không xếp hạng"
    return ""


def _standing_columns(framework: Framework, shown: Sequence[_PointsColumn]) -> list[Column]:
    rollups = framework.sections.rollups
    columns = [
        Column("Hạng", "rank", 7),
        Column("Mã đơn vị", width=16),
        Column("Tên đơn vị", width=34),
        *(p.column for p in shown),
        Column(f"Tổng điểm ({_max(framework.root.max_points)})", "points", 12),
    ]
    columns += [Column(f"{r.name_vi} ({_max(r.max_points)})", "points", 13) for r in rollups]
    if framework.sections.classification.levels:
        columns.append(Column("Mức", width=16))
    return [*columns, Column("Ghi chú", width=30)]


def _standing_row(
    framework: Framework,
    s: snap.Standing,
    shown: Sequence[_PointsColumn],
    points: Mapping[tuple[str, str], Decimal | None],
    names: Mapping[str, str],
) -> Row:
    values: list[object] = [s.rank if s.rank is not None else NO_RANK, s.unit]
    values.append(names.get(s.unit, s.unit))
    for p in shown:
        if p.band_of is not None:
            values.append(s.bands.get(p.band_of, ""))
        else:
            values.append(_quantized(points.get((s.unit, p.criterion or "")), framework))
    values.append(_quantized(s.total, framework))
    rollups = framework.sections.rollups
    values += [_quantized(points.get((s.unit, r.id)), framework) for r in rollups]
    if framework.sections.classification.levels:
        values.append(s.level or "")
    values.append(_note(s, framework))
    return Row(tuple(values))


def ranking_table(
    framework: Framework,
    rows: Sequence[ScoreRow],
    standings: Sequence[snap.Standing],
    names: Mapping[str, str],
    period: str,
) -> Table:
    """The group's ranking, in rank order (unranked units last): rank, unit, the points
    of each column (with bands), total, pillars, level, a note on unranked units."""
    points = {(r.unit, r.criterion): r.points for r in rows}
    shown = _ranking_columns(framework)
    ranked = sum(1 for s in standings if s.rank is not None)
    return Table(
        slug="xep-hang",
        sheet="Xếp hạng",
        titles=(
            "BẢNG TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP HẠNG",
            framework.name_vi,
            f"Kỳ đánh giá: {period_text(period)} — {len(standings)} đơn vị, "
            f"{ranked} đơn vị được xếp hạng",
        ),
        columns=tuple(_standing_columns(framework, shown)),
        rows=tuple(_standing_row(framework, s, shown, points, names) for s in standings),
        decimals=framework.rounding.decimals,
    )


# --- the request: check, read, build ---------------------------------------------------


def check_request(framework_id: str, period: str, unit: str | None) -> Framework:
    """The framework, once the request's identifiers are known to be well formed."""
    known = list_frameworks()
    if framework_id not in known:
        raise ReportError(f"unknown framework {framework_id!r}; known: {', '.join(known)}")
    framework = load_framework(framework_id)
    try:
        kind = period_type(period)
    except ValueError as exc:
        raise ReportError(str(exc)) from None
    if kind != framework.period_type:
        raise ReportError(
            f"{framework_id} is scored per {framework.period_type}, not per {kind}: "
            f"give a {framework.period_type} period (e.g. "
            f"{'2024-01' if framework.period_type == 'month' else '2024'})"
        )
    if unit is not None and not _UNIT_CODE.match(unit):
        raise ReportError(f"unit {unit!r} is not a unit code")
    return framework


def _check_scored(
    con: duckdb.DuckDBPyConnection, framework: Framework, period: str, rows: Sequence[ScoreRow]
) -> None:
    if rows:
        return
    built = snap.periods_scored(con, framework.id)
    raise ReportError(
        f"the snapshot holds no {framework.id} scores for {period}; "
        + (f"periods built: {', '.join(built)}" if built else "no period of it was built")
    )


def _check_unit(framework: Framework, period: str, unit: str, units: Sequence[str]) -> None:
    if unit in units:
        return
    listed = ", ".join(units[:12]) + (", …" if len(units) > 12 else "")
    raise ReportError(f"unit {unit!r} has no {framework.id} scores for {period}; scored: {listed}")


def _provenance(
    con: duckdb.DuckDBPyConnection,
    framework: Framework,
    period: str,
    rows: Sequence[ScoreRow],
    names: Mapping[str, str],
) -> Provenance:
    wanted = {pair for r in rows for pair in input_measures(r)}
    return Provenance(framework, load_catalogue(), snap.measure_sources(con, period, wanted), names)


def build_report(
    con: duckdb.DuckDBPyConnection, framework_id: str, period: str, unit: str | None = None
) -> Report:
    """The tables of one request, from an open snapshot; ReportError when it cannot be
    answered (nothing is written by this function)."""
    framework = check_request(framework_id, period, unit)
    rows = snap.score_rows(con, framework.id, period)
    _check_scored(con, framework, period, rows)
    units = sorted({r.unit for r in rows})
    if unit is not None:
        _check_unit(framework, period, unit, units)
    names = snap.unit_names(con, period)
    stem = f"{framework.id}_{period}" + (f"_{unit}" if unit else "")
    if framework.unit_level == "province":
        if unit is None and len(units) > 1:
            raise ReportError(f"{framework.id} scores {len(units)} units: give --unit")
        chosen = unit or units[0]
        unit_rows = [r for r in rows if r.unit == chosen]
        if any(c.method == "target_met" for c in framework.criteria):
            return Report(stem, (targets_report(framework, unit_rows, chosen, names),))
        provenance = _provenance(con, framework, period, unit_rows, names)
        return Report(stem, (self_assessment(framework, unit_rows, chosen, provenance),))
    tables = [
        ranking_table(framework, rows, snap.standings(con, framework.id, period), names, period)
    ]
    if unit is not None:
        unit_rows = [r for r in rows if r.unit == unit]
        provenance = _provenance(con, framework, period, unit_rows, names)
        tables.append(self_assessment(framework, unit_rows, unit, provenance))
    return Report(stem, tuple(tables))


def report_tables(
    snapshot: Path, framework_id: str, period: str, out_dir: Path, unit: str | None = None
) -> list[Path]:
    """Write the official tables of a framework and period (.xlsx and one CSV per
    table) under `out_dir`; return the files written. Everything is checked and built
    before the first file is written."""
    from reports.render import write_report

    check_request(framework_id, period, unit)
    if out_dir.exists() and not out_dir.is_dir():
        raise ReportError(f"{out_dir} exists and is not a directory")
    if not snapshot.is_file():
        raise ReportError(
            f"no published snapshot at {snapshot}: run `chiso run` (or `chiso demo`) first, "
            "or point --config at the configuration whose snapshot you want"
        )
    try:
        with reading_snapshot(snapshot) as con:
            report = build_report(con, framework_id, period, unit)
    except duckdb.Error as exc:
        raise ReportError(f"cannot read the snapshot {snapshot}: {exc}") from None
    return write_report(report, out_dir)
