"""The HTML scorecard: one self-contained file per period that works offline.

For every framework scored in the period: the total against the maximum, the points
lost by criterion, the ranking of the units and, for NQ17, each target's rate by month
against the target. Every number can be traced: each criterion's row shows its rate as
numerator / denominator and, folded, every measure it read with its origin (collected,
declared, override), the transform or declaration that made it, the records and loads
behind it and a declaration's evidence. Labels are Vietnamese with English beside.

Charts are Vega-Lite specifications built with altair and drawn by vega-embed; the
Vega, Vega-Lite and vega-embed JavaScript is inlined from the `vl-convert-python`
package (its bundled copy), so the file needs no network.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from statistics import median
from typing import Any

import altair as alt
import duckdb
import jinja2
import pandas as pd

from reports.quality import QualityResult, run_quality_checkpoint
from reports.vn_format import vn_number, vn_percent, vn_quantity
from scoring.framework import FrameworkError, load_framework
from scoring.periods import period_type
from warehouse.publish import reading_snapshot

TEMPLATES = Path(__file__).with_name("templates")
QUALITY_DIR = "quality"
DEFAULT_QUALITY_HREF = f"{QUALITY_DIR}/index.html"
TOP_CRITERIA = 25
"""The points-lost chart shows the criteria that lost most, at most this many."""

STATUS_LABELS = {
    "scored": ("đã chấm", "scored"),
    "missing_input": ("thiếu số liệu", "missing input"),
    "incomplete": ("chưa đủ số liệu", "incomplete"),
    "not_applicable": ("không áp dụng", "not applicable"),
    "survey": ("điều tra xã hội học", "survey"),
}
ORIGIN_LABELS = {
    "collected": ("thu thập từ hệ thống", "collected"),
    "declared": ("kê khai", "declared"),
    "override": ("điều chỉnh", "override"),
}
MET_LABELS: dict[bool | None, str] = {
    True: "đạt · met",
    False: "không đạt · not met",
    None: "chưa có số liệu · no data",
}
LEVEL_LABELS = {
    "province": ("tỉnh", "province"),
    "department": ("sở, ban, ngành", "departments"),
    "district": ("huyện, thị xã, thành phố", "districts"),
    "district_office": ("phòng, ban cấp huyện", "district offices"),
    "commune": ("xã, phường, thị trấn", "communes"),
}
_ORIGIN_ORDER = {"override": 0, "collected": 1, "declared": 2}
# The evidence keys shown, in order: declarations (evidence_doc, evidence_date) and
# operators' overrides (reason, evidence).
_EVIDENCE_KEYS = ("evidence_doc", "evidence_date", "reason", "evidence")


# --- what the page shows ----------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One measure a criterion read, with where its value came from."""

    unit: str
    key: str
    value: str
    origin: str
    transform: str | None = None
    record_count: int | None = None
    load_ids: tuple[int, ...] = ()
    evidence: Mapping[str, Any] = field(default_factory=dict)
    declared_by: str | None = None
    found: bool = True

    @property
    def origin_label(self) -> tuple[str, str]:
        return ORIGIN_LABELS.get(self.origin, (self.origin, self.origin))

    @property
    def evidence_text(self) -> str:
        """The evidence in words: a declaration's document and date, an override's
        reason and its supporting document."""
        parts = [str(self.evidence[k]) for k in _EVIDENCE_KEYS if self.evidence.get(k)]
        return "; ".join(parts)

    @property
    def evidence_link(self) -> str | None:
        """A declaration's link, if it is a web address (never a script URL)."""
        link = str(self.evidence.get("evidence_link") or "")
        return link if link.lower().startswith(("https://", "http://")) else None


@dataclass(frozen=True)
class Line:
    """One criterion of one unit and period, as the sources table shows it."""

    criterion: str
    parent: str | None
    depth: int
    name_vi: str
    name_en: str
    method: str
    points: Decimal | None
    max_points: Decimal
    status: str
    rate: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    target: Decimal | None
    met: bool | None
    detail: str
    substitution: str | None
    sources: tuple[Source, ...]
    leaf: bool

    @property
    def lost(self) -> Decimal | None:
        if self.status in ("survey", "not_applicable"):
            return None
        return self.max_points - (self.points or Decimal(0))

    @property
    def status_label(self) -> tuple[str, str]:
        return STATUS_LABELS.get(self.status, (self.status, self.status))


@dataclass(frozen=True)
class UnitBlock:
    """One unit in one period: its total, standing and criteria."""

    unit: str
    name: str
    period: str
    total: Decimal | None
    max_points: Decimal
    max_with_survey: Decimal | None
    status: str
    rank: int | None
    band: str | None
    category_bands: Mapping[str, str]
    rollups: Mapping[str, str]
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Chart:
    """One Vega-Lite chart of a section."""

    id: str
    kind: str
    title_vi: str
    title_en: str
    spec: str


@dataclass(frozen=True)
class Section:
    """One framework in the scorecard."""

    id: str
    version: str
    name_vi: str
    name_en: str
    citation: str
    unit_level: str
    periods: tuple[str, ...]
    blocks: tuple[UnitBlock, ...]
    headline: tuple[tuple[str, str, str], ...]
    charts: tuple[Chart, ...]

    @property
    def ranked(self) -> bool:
        return len({b.unit for b in self.blocks}) > 1

    @property
    def level_label(self) -> tuple[str, str]:
        return LEVEL_LABELS.get(self.unit_level, (self.unit_level, self.unit_level))


@dataclass(frozen=True)
class QualityLink:
    """The data-quality report as the scorecard links it (paths relative to the page)."""

    href: str
    success: bool | None = None
    failed: tuple[str, ...] = ()
    pages: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Scorecard:
    period: str
    sections: tuple[Section, ...]
    snapshot: str
    computed_at: datetime | None
    quality: QualityLink


# --- periods ----------------------------------------------------------------------------


def _year_months(year: int, last: int = 12) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(1, last + 1)]


def periods_shown(period: str) -> list[str]:
    """The periods a scorecard for `period` shows: the period itself (year and quarter
    frameworks) and the months of monthly frameworks: a year's months, a quarter's, or
    for a month the months of its year up to it, so that rates read as a series."""
    kind = period_type(period)
    year = int(period[:4])
    if kind == "year":
        months = _year_months(year)
    elif kind == "quarter":
        quarter = int(period[-1])
        months = _year_months(year, 3 * quarter)[3 * (quarter - 1) :]
    else:
        months = _year_months(year, int(period[5:7]))
    return [period, *(m for m in months if m != period)]


# --- reading the snapshot ---------------------------------------------------------------

_SCORE_SQL = (
    "SELECT framework, framework_version, unit_code, period, criterion, parent, name_vi, "
    "name_en, method, max_points, points, status, rate, numerator, denominator, inputs, "
    "detail, max_points_with_survey, met, target, substitution FROM marts.score "
    "WHERE list_contains($periods, period) ORDER BY framework, period, unit_code"
)
_STANDING_SQL = (
    "SELECT framework, period, unit_code, unit_name, total_points, max_points, status, "
    "rank, band, category_bands, rollups FROM marts.unit_standing "
    "WHERE list_contains($periods, period)"
)
_MEASURE_SQL = (
    "SELECT unit_code, period, measure_key, value_num, value_text, origin, transform, "
    "record_count, load_ids, evidence, declared_by FROM marts.measure "
    "WHERE list_contains($periods, period)"
)


def _records(con: duckdb.DuckDBPyConnection, sql: str, periods: Sequence[str]) -> list[dict]:
    cursor = con.execute(sql, {"periods": list(periods)})
    names = [d[0] for d in cursor.description or ()]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _json(text: Any) -> dict[str, Any]:
    if text is None or text == "":
        return {}
    loaded = json.loads(text) if isinstance(text, str) else text
    return dict(loaded) if isinstance(loaded, dict) else {}


def _value_text(value_num: Any, value_text: Any) -> str:
    if value_text is not None:
        return str(value_text)
    return "" if value_num is None else vn_quantity(Decimal(value_num), 6)


def _measure_index(rows: Iterable[dict]) -> dict[tuple[str, str, str], Source]:
    """The effective value of each (unit, period, key): override, collected, declared."""
    chosen: dict[tuple[str, str, str], tuple[int, Source]] = {}
    for r in rows:
        key = (r["unit_code"], r["period"], r["measure_key"])
        order = _ORIGIN_ORDER.get(r["origin"], 9)
        if key in chosen and chosen[key][0] <= order:
            continue
        source = Source(
            unit=r["unit_code"],
            key=r["measure_key"],
            value=_value_text(r["value_num"], r["value_text"]),
            origin=r["origin"],
            transform=r["transform"],
            record_count=r["record_count"],
            load_ids=tuple(r["load_ids"] or ()),
            evidence=_json(r["evidence"]),
            declared_by=r["declared_by"] or _json(r["evidence"]).get("declared_by"),
        )
        chosen[key] = (order, source)
    return {key: source for key, (_, source) in chosen.items()}


def _sources(row: dict, measures: Mapping[tuple[str, str, str], Source]) -> tuple[Source, ...]:
    found = []
    for label, value in sorted(_json(row["inputs"]).items()):
        key, _, unit = label.partition("@")
        unit = unit or row["unit_code"]
        source = measures.get((unit, row["period"], key))
        if source is None:
            shown = str(value).lower() if isinstance(value, bool) else str(value)
            source = Source(unit=unit, key=key, value=shown, origin="", found=False)
        found.append(source)
    return tuple(found)


def _depths(rows: Sequence[dict]) -> dict[str, int]:
    parents = {r["criterion"]: r["parent"] for r in rows}
    depths: dict[str, int] = {}
    for criterion in parents:
        depth, seen, current = 0, set(), parents.get(criterion)
        while current is not None and current not in seen:
            seen.add(current)
            depth += 1
            current = parents.get(current)
        depths[criterion] = depth
    return depths


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def _lines(rows: Sequence[dict], measures: Mapping[tuple[str, str, str], Source]) -> list[Line]:
    depths = _depths(rows)
    parents = {r["parent"] for r in rows}
    return [
        Line(
            criterion=r["criterion"],
            parent=r["parent"],
            depth=depths[r["criterion"]],
            name_vi=r["name_vi"] or "",
            name_en=r["name_en"] or "",
            method=r["method"] or "",
            points=_decimal(r["points"]),
            max_points=Decimal(r["max_points"]),
            status=r["status"],
            rate=_decimal(r["rate"]),
            numerator=_decimal(r["numerator"]),
            denominator=_decimal(r["denominator"]),
            target=_decimal(r["target"]),
            met=r["met"],
            detail=r["detail"] or "",
            substitution=r["substitution"],
            sources=_sources(r, measures),
            leaf=r["criterion"] not in parents,
        )
        for r in rows
    ]


def _pre_order(lines: Sequence[Line]) -> tuple[Line, ...]:
    children: dict[str | None, list[Line]] = defaultdict(list)
    for line in lines:
        children[line.parent].append(line)
    ordered: list[Line] = []

    def visit(parent: str | None) -> None:
        for line in children.get(parent, []):
            ordered.append(line)
            visit(line.criterion)

    roots = [p for p in children if p is None or p not in {x.criterion for x in lines}]
    for root in roots:
        visit(root)
    return tuple(ordered)


def _block(
    rows: Sequence[dict],
    standing: Mapping[str, Any] | None,
    names: Mapping[str, str],
    measures: Mapping[tuple[str, str, str], Source],
) -> UnitBlock:
    lines = _pre_order(_lines(rows, measures))
    root = next((x for x in lines if x.parent is None), lines[0])
    head = next(r for r in rows if r["criterion"] == root.criterion)
    unit, period = rows[0]["unit_code"], rows[0]["period"]
    st = standing or {}
    return UnitBlock(
        unit=unit,
        name=st.get("unit_name") or names.get(unit) or unit,
        period=period,
        total=_decimal(st["total_points"]) if standing else root.points,
        max_points=Decimal(st["max_points"]) if standing else root.max_points,
        max_with_survey=_decimal(head["max_points_with_survey"]),
        status=st.get("status") or root.status,
        rank=st.get("rank"),
        band=st.get("band"),
        category_bands={k: str(v) for k, v in _json(st.get("category_bands")).items()},
        rollups={k: str(v) for k, v in _json(st.get("rollups")).items()},
        lines=lines,
    )


# --- charts ---------------------------------------------------------------------------


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _sources_text(sources: Sequence[Source]) -> str:
    return "; ".join(
        f"{s.key} = {s.value} ({s.origin_label[0]} · {s.origin_label[1]})" for s in sources
    )


def _lost_frame(blocks: Sequence[UnitBlock]) -> pd.DataFrame:
    records = []
    for block in blocks:
        for line in block.lines:
            if not line.leaf or line.lost is None:
                continue
            records.append(
                {
                    "criterion": line.criterion,
                    "name_vi": line.name_vi,
                    "name_en": line.name_en,
                    "max": float(line.max_points),
                    "points": _float(line.points),
                    "lost": float(line.lost),
                    "missing": line.points is None,
                    "rate": _float(line.rate),
                    "numerator": _float(line.numerator),
                    "denominator": _float(line.denominator),
                    "sources": _sources_text(line.sources),
                }
            )
    return pd.DataFrame.from_records(records, columns=_LOST_COLUMNS)


_LOST_COLUMNS = (
    "criterion", "name_vi", "name_en", "max", "points", "lost", "missing",
    "rate", "numerator", "denominator", "sources",
)  # fmt: skip


_SHORTHAND = {"quantitative": "Q", "nominal": "N", "ordinal": "O"}


def _tooltip(*fields: tuple[str, str, str]) -> list[alt.Tooltip]:
    return [alt.Tooltip(f"{name}:{_SHORTHAND[kind]}", title=title) for name, kind, title in fields]


def points_lost_chart(blocks: Sequence[UnitBlock]) -> alt.TopLevelMixin:
    """Points lost per leaf criterion (the mean over units and periods), most lost first."""
    frame = _lost_frame(blocks)
    single = len(blocks) == 1
    grouped = (
        frame.groupby("criterion", sort=False)
        .agg(
            name_vi=("name_vi", "first"),
            name_en=("name_en", "first"),
            lost=("lost", "mean"),
            max=("max", "first"),
            points=("points", "mean"),
            counted=("lost", "size"),
            missing=("missing", "sum"),
        )
        .reset_index()
    )
    if single:
        extra = frame.set_index("criterion")[["rate", "numerator", "denominator", "sources"]]
        grouped = grouped.join(extra, on="criterion")
    if (grouped["lost"] > 0).any():
        grouped = grouped[grouped["lost"] > 0]
    grouped = grouped.sort_values(["lost", "criterion"], ascending=[False, True])
    grouped = grouped.head(TOP_CRITERIA)
    grouped["label"] = grouped["criterion"] + " " + grouped["name_vi"].str.slice(0, 48)
    tips = [
        ("criterion", "nominal", "Tiêu chí · Criterion"),
        ("name_vi", "nominal", "Tên"),
        ("name_en", "nominal", "Name"),
        ("lost", "quantitative", "Điểm bị mất · Points lost" + ("" if single else " (TB · mean)")),
        ("max", "quantitative", "Điểm tối đa · Max"),
        ("points", "quantitative", "Điểm đạt · Points" + ("" if single else " (TB · mean)")),
    ]
    if single:
        tips += [
            ("rate", "quantitative", "Tỷ lệ · Rate"),
            ("numerator", "quantitative", "Tử số · Numerator"),
            ("denominator", "quantitative", "Mẫu số · Denominator"),
            ("sources", "nominal", "Nguồn · Sources"),
        ]
    else:
        tips += [
            ("counted", "quantitative", "Số lượt đơn vị × kỳ · Units × periods"),
            ("missing", "quantitative", "Thiếu số liệu · Missing input"),
        ]
    return (
        alt.Chart(grouped)
        .mark_bar(color="#c0392b")
        .encode(
            x=alt.X("lost:Q", title="Điểm bị mất · Points lost"),
            y=alt.Y(
                "label:N",
                sort=alt.EncodingSortField("lost", order="descending"),
                title=None,
                axis=alt.Axis(labelLimit=360),
            ),
            tooltip=_tooltip(*tips),
        )
        .properties(width=520, height=alt.Step(18))
    )


def _standing_frame(blocks: Sequence[UnitBlock]) -> pd.DataFrame:
    return pd.DataFrame.from_records(
        [
            {
                "unit": b.unit,
                "name": b.name,
                "label": f"{b.rank or '–'}. {b.name}",
                "total": _float(b.total),
                "max": float(b.max_points),
                "rank": b.rank,
                "order": b.rank if b.rank is not None else 10_000,
                "band": b.band or "—",
                "status": STATUS_LABELS.get(b.status, (b.status, b.status))[1],
            }
            for b in blocks
        ]
    )


def ranking_chart(blocks: Sequence[UnitBlock]) -> alt.TopLevelMixin:
    """Each unit's total against the maximum, by rank, coloured by band or level."""
    frame = _standing_frame(blocks)
    order = list(frame.sort_values(["order", "total"], ascending=[True, False])["label"])
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=260))
    tips = _tooltip(
        ("rank", "quantitative", "Hạng · Rank"),
        ("name", "nominal", "Đơn vị · Unit"),
        ("unit", "nominal", "Mã · Code"),
        ("total", "quantitative", "Tổng điểm · Total"),
        ("max", "quantitative", "Tối đa · Max"),
        ("band", "nominal", "Xếp loại · Band / level"),
        ("status", "nominal", "Trạng thái · Status"),
    )
    background = alt.Chart(frame).mark_bar(color="#e5e8e8").encode(x="max:Q", y=y)
    banded = (frame["band"] != "—").any()
    color = alt.Color("band:N", title="Xếp loại · Band / level") if banded else alt.value("#2e86c1")
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("total:Q", title="Tổng điểm / tối đa · Total against max"),
            y=y,
            color=color,
            tooltip=tips,
        )
    )
    return alt.layer(background, bars).properties(width=520, height=alt.Step(16))


def groups_chart(block: UnitBlock) -> alt.TopLevelMixin:
    """A single unit's points against the maximum, per criteria group (the root's
    children) and in total."""
    root = next(x for x in block.lines if x.parent is None)
    groups = [root] + [x for x in block.lines if x.parent == root.criterion]
    frame = pd.DataFrame.from_records(
        [
            {
                "label": f"{x.criterion} {x.name_vi[:48]}",
                "criterion": x.criterion,
                "name_vi": x.name_vi,
                "name_en": x.name_en,
                "points": _float(x.points) or 0.0,
                "max": float(x.max_points),
                "status": x.status_label[1],
            }
            for x in groups
        ]
    )
    order = list(frame["label"])
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=360))
    tips = _tooltip(
        ("criterion", "nominal", "Tiêu chí · Criterion"),
        ("name_vi", "nominal", "Tên"),
        ("name_en", "nominal", "Name"),
        ("points", "quantitative", "Điểm đạt · Points"),
        ("max", "quantitative", "Tối đa · Max"),
        ("status", "nominal", "Trạng thái · Status"),
    )
    background = alt.Chart(frame).mark_bar(color="#e5e8e8").encode(x="max:Q", y=y)
    bars = (
        alt.Chart(frame)
        .mark_bar(color="#2e86c1")
        .encode(x=alt.X("points:Q", title="Điểm / tối đa · Points against max"), y=y, tooltip=tips)
    )
    return alt.layer(background, bars).properties(width=520, height=alt.Step(22))


def months_chart(blocks: Sequence[UnitBlock]) -> alt.TopLevelMixin:
    """A monthly framework's total against its maximum, month by month."""
    frame = pd.DataFrame.from_records(
        [
            {"period": b.period, "total": _float(b.total) or 0.0, "max": float(b.max_points)}
            for b in blocks
        ]
    )
    x = alt.X("period:O", title="Tháng · Month")
    tips = _tooltip(
        ("period", "nominal", "Tháng · Month"),
        ("total", "quantitative", "Đạt · Met"),
        ("max", "quantitative", "Tối đa · Max"),
    )
    background = alt.Chart(frame).mark_bar(color="#e5e8e8").encode(x=x, y="max:Q")
    bars = (
        alt.Chart(frame)
        .mark_bar(color="#2e86c1")
        .encode(x=x, y=alt.Y("total:Q", title="Điểm / tối đa · Total against max"), tooltip=tips)
    )
    return alt.layer(background, bars).properties(width=520, height=220)


def _target_frame(blocks: Sequence[UnitBlock]) -> pd.DataFrame:
    records = []
    for block in blocks:
        for line in block.lines:
            if line.method != "target_met":
                continue
            records.append(
                {
                    "criterion": line.criterion,
                    "title": f"{line.criterion} {line.name_vi[:40]}",
                    "name_vi": line.name_vi,
                    "name_en": line.name_en,
                    "period": block.period,
                    "rate": _float(line.rate),
                    "target": _float(line.target),
                    "numerator": _float(line.numerator),
                    "denominator": _float(line.denominator),
                    "met": MET_LABELS[line.met],
                    "sources": _sources_text(line.sources),
                }
            )
    return pd.DataFrame.from_records(records)


def targets_chart(blocks: Sequence[UnitBlock]) -> alt.TopLevelMixin | None:
    """Each target's rate month by month (points: met or not) against the target (dashed)."""
    frame = _target_frame(blocks)
    if frame.empty:
        return None
    x = alt.X(
        "period:O",
        title="Tháng · Month",
        axis=alt.Axis(labelAngle=0, labelExpr="slice(datum.label, 5)"),
    )
    percent = alt.Axis(format="%")
    tips = _tooltip(
        ("criterion", "nominal", "Chỉ tiêu · Target"),
        ("name_vi", "nominal", "Tên"),
        ("name_en", "nominal", "Name"),
        ("period", "nominal", "Tháng · Month"),
        ("rate", "quantitative", "Tỷ lệ · Rate"),
        ("target", "quantitative", "Chỉ tiêu · Target"),
        ("numerator", "quantitative", "Tử số · Numerator"),
        ("denominator", "quantitative", "Mẫu số · Denominator"),
        ("met", "nominal", "Kết quả · Result"),
        ("sources", "nominal", "Nguồn · Sources"),
    )
    y = alt.Y("rate:Q", title="Tỷ lệ · Rate", axis=percent, scale=alt.Scale(domainMin=0))
    base = alt.Chart()
    rate = base.mark_line(color="#2e86c1").encode(x=x, y=y)
    dots = base.mark_point(filled=True, size=50).encode(
        x=x,
        y=y,
        color=alt.Color(
            "met:N",
            title="Kết quả · Result",
            scale=alt.Scale(
                domain=[MET_LABELS[True], MET_LABELS[False], MET_LABELS[None]],
                range=["#27ae60", "#c0392b", "#95a5a6"],
            ),
        ),
        tooltip=tips,
    )
    target = base.mark_line(color="#7f8c8d", strokeDash=[4, 3]).encode(
        x=x, y=alt.Y("target:Q", axis=percent)
    )
    return (
        alt.layer(rate, target, dots, data=frame)
        .properties(width=170, height=110)
        .facet(
            facet=alt.Facet("title:N", title="Tỷ lệ theo tháng so với chỉ tiêu · Rate by month"),
            columns=4,
        )
    )


def _spec(chart: alt.TopLevelMixin) -> str:
    """The chart's Vega-Lite JSON, safe inside a <script> element."""
    with alt.data_transformers.disable_max_rows():
        text = json.dumps(chart.to_dict(), ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c")


# --- sections -------------------------------------------------------------------------


def _framework_header(framework_id: str, blocks: Sequence[UnitBlock]) -> dict[str, str]:
    try:
        framework = load_framework(framework_id)
    except FrameworkError:
        framework = None
    if framework is not None:
        return {
            "name_vi": framework.name_vi,
            "name_en": framework.name_en,
            "citation": framework.citation,
            "unit_level": framework.unit_level,
        }
    root = next(x for x in blocks[0].lines if x.parent is None)
    return {"name_vi": root.name_vi, "name_en": root.name_en, "citation": "", "unit_level": ""}


def _points(value: Decimal | None) -> str:
    return "—" if value is None else vn_number(value, 2)


def _headline(blocks: Sequence[UnitBlock], monthly: bool) -> tuple[tuple[str, str, str], ...]:
    if monthly:
        last = max(blocks, key=lambda b: b.period)
        met = f"{_points(last.total)} / {_points(last.max_points)}"
        return (("Chỉ tiêu đạt, tháng " + last.period, f"Targets met, {last.period}", met),)
    if len(blocks) == 1:
        block = blocks[0]
        lines = [("Tổng điểm", "Total", f"{_points(block.total)} / {_points(block.max_points)}")]
        if block.max_with_survey is not None and block.max_with_survey != block.max_points:
            lines.append(
                ("Tối đa kể cả điều tra XHH", "Max with the survey", _points(block.max_with_survey))
            )
        return tuple(lines)
    totals = [b.total for b in blocks if b.total is not None]
    most = blocks[0].max_points
    if not totals:
        return (("Đơn vị", "Units", str(len(blocks))),)
    best = max(blocks, key=lambda b: b.total if b.total is not None else Decimal(-1))
    return (
        ("Số đơn vị", "Units", str(len(blocks))),
        ("Cao nhất", "Best", f"{_points(best.total)} / {_points(most)} — {best.name}"),
        ("Trung vị", "Median", f"{_points(Decimal(median(totals)))} / {_points(most)}"),
        ("Thấp nhất", "Lowest", f"{_points(min(totals))} / {_points(most)}"),
    )


def _charts(section_id: str, blocks: Sequence[UnitBlock], monthly: bool) -> list[Chart]:
    charts: list[Chart] = []

    def add(kind: str, vi: str, en: str, chart: alt.TopLevelMixin | None) -> None:
        if chart is not None:
            charts.append(Chart(f"chart-{section_id}-{kind}", kind, vi, en, _spec(chart)))

    if monthly:
        add("total", "Tổng điểm theo tháng", "Total by month", months_chart(blocks))
    elif len(blocks) == 1:
        add("total", "Điểm theo nhóm tiêu chí", "Points by criteria group", groups_chart(blocks[0]))
    else:
        add("ranking", "Xếp hạng đơn vị", "Ranking of units", ranking_chart(blocks))
    add("lost", "Điểm bị mất theo tiêu chí", "Points lost by criterion", points_lost_chart(blocks))
    add("targets", "Tỷ lệ theo tháng so với chỉ tiêu", "Rates by month against targets",
        targets_chart(blocks))  # fmt: skip
    return charts


def _section(
    framework_id: str,
    units: Mapping[tuple[str, str], Sequence[dict]],
    standings: Mapping[tuple[str, str, str], Mapping[str, Any]],
    names: Mapping[str, str],
    measures: Mapping[tuple[str, str, str], Source],
    index: int,
) -> Section:
    blocks = sorted(
        (
            _block(rows, standings.get((framework_id, p, u)), names, measures)
            for (p, u), rows in units.items()
        ),
        key=lambda b: (b.period, b.rank if b.rank is not None else 10**9, b.unit),
    )
    monthly = all(period_type(p) == "month" for p, _ in units)
    header = _framework_header(framework_id, blocks)
    versions = {str(r["framework_version"] or "") for rows in units.values() for r in rows}
    return Section(
        id=framework_id,
        version=", ".join(sorted(v for v in versions if v)),
        name_vi=header["name_vi"],
        name_en=header["name_en"],
        citation=header["citation"],
        unit_level=header["unit_level"],
        periods=tuple(sorted({b.period for b in blocks})),
        blocks=tuple(blocks),
        headline=_headline(blocks, monthly),
        charts=tuple(_charts(f"s{index}", blocks, monthly)),
    )


def _group(rows: Iterable[dict]) -> dict[str, dict[tuple[str, str], list[dict]]]:
    grouped: dict[str, dict[tuple[str, str], list[dict]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        grouped[r["framework"]][(r["period"], r["unit_code"])].append(r)
    return grouped


def _unit_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    rows = con.execute(
        "SELECT unit_code, arg_max(unit_name, valid_from) FROM marts.org_unit GROUP BY unit_code"
    ).fetchall()
    return {str(code): str(name) for code, name in rows}


class ScorecardError(ValueError):
    """A scorecard that cannot be made as asked (the message says why)."""


class NothingToReport(ScorecardError):
    """The snapshot holds no score for the period (or the frameworks asked for)."""


def load_scorecard(
    con: duckdb.DuckDBPyConnection,
    period: str,
    quality: QualityLink | None = None,
    frameworks: Collection[str] | None = None,
) -> Scorecard:
    """Everything the scorecard of `period` shows, read from an open snapshot (every
    framework scored in it, or only `frameworks`); NothingToReport if that is nothing."""
    periods = periods_shown(period)
    scores = [
        r for r in _records(con, _SCORE_SQL, periods)
        if frameworks is None or r["framework"] in frameworks
    ]  # fmt: skip
    if not scores:
        asked = f" of {', '.join(sorted(frameworks))}" if frameworks else ""
        months = " or the months shown with it" if len(periods) > 1 else ""
        raise NothingToReport(f"the snapshot holds no scores{asked} for {period}{months}")
    standings = {
        (s["framework"], s["period"], s["unit_code"]): s
        for s in _records(con, _STANDING_SQL, periods)
    }
    measures = _measure_index(_records(con, _MEASURE_SQL, periods))
    names = _unit_names(con)
    sections = [
        _section(framework_id, units, standings, names, measures, index)
        for index, (framework_id, units) in enumerate(sorted(_group(scores).items()))
    ]
    stamp = con.execute("SELECT max(computed_at) FROM marts.score").fetchone()
    return Scorecard(
        period=period,
        sections=tuple(sections),
        snapshot="",
        computed_at=stamp[0] if stamp else None,
        quality=quality or QualityLink(DEFAULT_QUALITY_HREF),
    )


# --- rendering ------------------------------------------------------------------------


# The bundle's snippet: make the libraries globals for the page's own script.
_GLOBALS = "window.vegaEmbed = vegaEmbed; window.vega = vega; window.vegaLite = vegaLite;"


@cache
def vega_javascript() -> str:
    """vega, vega-lite and vega-embed as one script (defines `vegaEmbed`), from the
    vl-convert-python package: the Vega-Lite version altair writes its specs for."""
    import vl_convert

    vl_version = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    script = str(vl_convert.javascript_bundle(_GLOBALS, vl_version=vl_version))
    return script.replace("</script", "<\\/script")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["points"] = _points
    env.filters["percent"] = lambda v: "" if v is None else vn_percent(Decimal(v))
    env.filters["quantity"] = lambda v: "" if v is None else vn_quantity(Decimal(v), 6)
    return env


def render_scorecard(scorecard: Scorecard) -> str:
    """The scorecard as one self-contained HTML document."""
    template = _environment().get_template("scorecard.html.j2")
    return template.render(
        card=scorecard,
        vega_script=vega_javascript(),
        status_labels=STATUS_LABELS,
        origin_labels=ORIGIN_LABELS,
        generated_at=datetime.now().strftime("%d/%m/%Y %H:%M"),
    )


def scorecard_filename(period: str) -> str:
    """The scorecard's file name for a period (`scorecard-2024.html`)."""
    period_type(period)
    return f"scorecard-{period}.html"


def relative_href(target: str | os.PathLike[str], page_dir: str | os.PathLike[str]) -> str:
    """`target` as a link from a page in `page_dir` (forward slashes)."""
    return Path(os.path.relpath(Path(target).resolve(), Path(page_dir).resolve())).as_posix()


def write_scorecard(
    snapshot: str | os.PathLike[str],
    period: str,
    out_dir: str | os.PathLike[str],
    quality: QualityLink | None = None,
    frameworks: Collection[str] | None = None,
) -> Path:
    """Write the scorecard of `period` from a published snapshot into `out_dir`; its path.

    `quality` is the data-quality report as the page links it (default: the link
    `quality/index.html`, with no verdict shown); `frameworks` limits the page to those.
    """
    with reading_snapshot(snapshot) as con:
        card = load_scorecard(con, period, quality, frameworks)
    target_dir = Path(out_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / scorecard_filename(period)
    card = replace(card, snapshot=str(Path(snapshot)))
    target.write_text(render_scorecard(card), encoding="utf-8")
    return target


def quality_link(result: QualityResult, page_dir: str | os.PathLike[str]) -> QualityLink:
    """A checkpoint's result as the page in `page_dir` links it: relative paths."""
    return QualityLink(
        href=relative_href(result.docs_index, page_dir),
        success=result.success,
        failed=tuple(result.failed),
        pages={table: relative_href(path, page_dir) for table, path in result.pages.items()},
    )


def write_report(
    snapshot: str | os.PathLike[str],
    period: str,
    out_dir: str | os.PathLike[str],
    frameworks: Collection[str] | None = None,
    quality: bool = True,
) -> tuple[Path, QualityResult | None]:
    """The scorecard of `period` in `out_dir`, after (unless `quality` is false) the
    data-quality checkpoint on the same snapshot, whose Data Docs go to `out_dir/quality`
    and whose verdict and failures the page shows. Returns the page and the result.

    ScorecardError for a malformed period or nothing to show; FileNotFoundError when
    there is no snapshot.
    """
    try:
        period_type(period)
    except ValueError as exc:
        raise ScorecardError(str(exc)) from None
    if not Path(snapshot).is_file():
        raise FileNotFoundError(f"no published snapshot at {snapshot}")
    out = Path(out_dir)
    result = run_quality_checkpoint(snapshot, out / QUALITY_DIR) if quality else None
    link = quality_link(result, out) if result is not None else None
    return write_scorecard(snapshot, period, out, link, frameworks), result
