"""The *Giải trình và tài liệu kiểm chứng* column: a score's provenance in Vietnamese.

One cell per criterion, a line per point:

- the arithmetic, for a rate: `Tỷ lệ: 1.234/1.500 = 82,3%; mất 0,27 điểm` (points lost
  = max − points), with the bar the rate was tested against where there is one;
- for a criterion that tests every unit of a scope, the units that fell short;
- the rule that replaced a unit's own points (DTI Article 7), if one did;
- the evidence of each input: a declared fact's document and date (marts.measure
  `evidence`), the source system of a collected figure, an operator's correction.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from reports.snapshot import MeasureSource
from reports.vn_format import vn_date, vn_number, vn_percent, vn_quantity, vn_target
from scoring.catalogue import Catalogue, CatalogueError
from scoring.framework import Criterion, Framework
from scoring.model import ScoreRow, Status

SURVEY_MARK = "ĐTXHH"

SYSTEM_NAMES = {
    "TTHC": "Hệ thống thông tin giải quyết TTHC tỉnh",
    "IOFFICE": "Hệ thống quản lý văn bản và điều hành (iOffice)",
    "LRIS": "Hệ thống thông tin báo cáo tỉnh (LRIS)",
    "NDXP_LGSP": "Nền tảng tích hợp, chia sẻ dữ liệu (NDXP/LGSP)",
}
MAX_UNITS_LISTED = 15
_MISSING = re.compile(r"missing measure\(s\): ([^;]+)")


@dataclass(frozen=True)
class Provenance:
    """What the explanations read beyond the score row itself."""

    framework: Framework
    catalogue: Catalogue
    sources: Mapping[tuple[str, str], MeasureSource]
    unit_names: Mapping[str, str]

    @property
    def decimals(self) -> int:
        return self.framework.rounding.decimals


def input_measures(row: ScoreRow) -> list[tuple[str, str]]:
    """The (unit, measure key) of each input of a score row (`key@unit` for the units
    a criterion tests one by one)."""
    pairs = []
    for label in row.inputs:
        key, _, unit = label.partition("@")
        pairs.append((unit or row.unit, key))
    return pairs


def _number(value: object) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def loss_clause(row: ScoreRow, decimals: int) -> str:
    """`mất 0,27 điểm`, or `đạt điểm tối đa`; empty when the row has no points."""
    if row.points is None:
        return ""
    lost = row.max_points - row.points
    return "đạt điểm tối đa" if lost <= 0 else f"mất {vn_number(lost, decimals)} điểm"


def _bar(row: ScoreRow, c: Criterion) -> tuple[str, Decimal | None, str]:
    """The rate's label, the bar it is tested against and how the bar reads."""
    params = c.params
    if row.method == "ratio_with_floor" and "floor" in params:
        floor = c.decimal_param("floor")
        return "Tỷ lệ", floor, f"ngưỡng tối thiểu {vn_target(floor)}"
    if row.method == "boolean" and "min_rate" in params:
        bar = c.decimal_param("min_rate")
        return "Tỷ lệ", bar, f"yêu cầu tối thiểu {vn_target(bar)}"
    if row.method == "threshold_all_units":
        share = c.decimal_param("required_share")
        if c.text_param("form") == "per_unit":
            test = (
                f"đạt từ {vn_target(c.decimal_param('unit_min_rate'))} trở lên"
                if "unit_min_rate" in params
                else "đạt yêu cầu"
            )
            return f"Số đơn vị {test}", share, f"yêu cầu {vn_target(share)}"
        return "Tỷ lệ", share, f"yêu cầu {vn_target(share)}"
    if row.method == "target_met" and row.target is not None:
        return "Tỷ lệ", row.target, f"chỉ tiêu {vn_target(row.target)}"
    if row.method == "threshold_full_else_ratio" and "threshold" in params:
        bar = c.decimal_param("threshold")
        return "Tỷ lệ", bar, f"đạt tối đa từ {vn_target(bar)}"
    if row.method == "inverse_threshold" and "threshold" in params:
        return "Tỷ lệ", None, f"đạt tối đa khi không quá {vn_target(c.decimal_param('threshold'))}"
    if row.method == "normalized_to_best":
        return "So với đơn vị cao nhất của nhóm", None, ""
    return "Tỷ lệ", None, ""


def rate_clause(row: ScoreRow, c: Criterion) -> str:
    """`Tỷ lệ: 1.234/1.500 = 82,3%` (with its bar), or empty for a row without a rate."""
    if row.numerator is None or row.denominator is None:
        return ""
    label, bar, note = _bar(row, c)
    text = f"{label}: {vn_quantity(row.numerator)}/{vn_quantity(row.denominator)}"
    if row.rate is not None:
        text += f" = {vn_percent(row.rate, bar=bar)}"
    return text + (f" ({note})" if note else "")


def _failing_units(row: ScoreRow, c: Criterion, names: Mapping[str, str]) -> str:
    """The units below their own bar, for a criterion that tests every unit of a scope."""
    if row.method != "threshold_all_units" or c.text_param("form") != "per_unit":
        return ""
    units = sorted({label.partition("@")[2] for label in row.inputs if "@" in label})
    failing: list[str] = []
    for unit in units:
        name = names.get(unit, unit)
        if "fact" in c.measures:
            if row.inputs.get(f"{c.measures['fact']}@{unit}") is False:
                failing.append(name)
            continue
        b = _number(row.inputs.get(f"{c.measures['numerator']}@{unit}"))
        a = _number(row.inputs.get(f"{c.measures['denominator']}@{unit}"))
        if b is None or not a:
            continue
        bar = c.decimal_param("unit_min_rate")
        if b < bar * a:
            rate = vn_percent(b / a, bar=bar)
            failing.append(f"{name} {vn_quantity(b)}/{vn_quantity(a)} = {rate}")
    if not failing:
        return ""
    shown = "; ".join(failing[:MAX_UNITS_LISTED])
    more = len(failing) - MAX_UNITS_LISTED
    return f"Chưa đạt: {shown}" + (f"; và {more} đơn vị khác" if more > 0 else "")


def _substitution(row: ScoreRow, framework: Framework) -> str:
    if not row.substitution:
        return ""
    rule = framework.sections.substitution_rules.get(row.substitution.split(" ", 1)[0])
    if rule is None:
        return f"Điểm thay thế: {row.substitution}"
    given = "điểm tối đa" if rule.gives == "full_points" else "điểm cao nhất của nhóm"
    return f"Áp dụng {rule.citation}: nhận {given}"


def _source_system(key: str, catalogue: Catalogue) -> str:
    try:
        source = catalogue.spec(key.split("{", 1)[0]).source
    except CatalogueError:
        return ""
    return SYSTEM_NAMES.get(source, source)


def _evidence_line(source: MeasureSource) -> str:
    evidence = source.evidence
    if source.origin == "override":
        line = f"Số liệu điều chỉnh #{evidence.get('override_id', '')}".rstrip(" #")
        if evidence.get("reason"):
            line += f": {evidence['reason']}"
        return line + (f" ({evidence['evidence']})" if evidence.get("evidence") else "")
    document = str(evidence.get("evidence_doc") or "").strip()
    declared_by = str(evidence.get("declared_by") or "").strip()
    line = document or (f"Kê khai của {declared_by}" if declared_by else "Số liệu kê khai")
    if evidence.get("evidence_date"):
        line += f", ngày {vn_date(str(evidence['evidence_date']))}"
    link = str(evidence.get("evidence_link") or "").strip()
    return line + (f" ({link})" if link else "")


def evidence_lines(row: ScoreRow, provenance: Provenance) -> list[str]:
    """One line per declared document, per source system and per correction behind the
    row's inputs, in the order the inputs come (duplicates once)."""
    lines: list[str] = []
    collected: dict[str, list[MeasureSource]] = {}
    for pair in input_measures(row):
        source = provenance.sources.get(pair)
        if source is None:
            continue
        if source.origin == "collected":
            system = _source_system(source.key, provenance.catalogue) or (source.transform or "")
            collected.setdefault(system, []).append(source)
            continue
        line = _evidence_line(source)
        if line not in lines:
            lines.append(line)
    for system, sources in collected.items():
        stamps = [s.computed_at for s in sources if s.computed_at is not None]
        when = f", cập nhật ngày {vn_date(max(stamps))}" if stamps else ""
        lines.append(f"Số liệu từ {system}{when}")
    return lines


def _missing_inputs(row: ScoreRow, c: Criterion) -> list[str]:
    found = _MISSING.search(row.detail)
    if found:
        return [m.strip() for m in found.group(1).split(",")]
    return [key for key in c.measures.values() if key not in row.inputs]


def _section_lines(row: ScoreRow, c: Criterion, decimals: int, framework: Framework) -> list[str]:
    lines = []
    if c.self_assessed_max != c.max_points:
        survey = [
            k.id for k in framework.criteria if k.method == "survey" and _below(framework, k, c.id)
        ]
        lines.append(
            f"Điểm tối đa tự đánh giá {vn_number(c.self_assessed_max, decimals)} "
            f"(không tính tiêu chí {', '.join(survey)} – {SURVEY_MARK})"
        )
    if c.scaled:
        lines.append(f"Điểm các tiêu chí được quy đổi về thang {vn_number(c.max_points)} điểm")
    if row.status == Status.INCOMPLETE:
        lines.append("Có tiêu chí thành phần thiếu số liệu: điểm là mức tối thiểu")
    elif row.status == Status.MISSING_INPUT:
        lines.append("Các tiêu chí thành phần thiếu số liệu: chưa chấm điểm")
    return lines


def _below(framework: Framework, c: Criterion, ancestor: str) -> bool:
    parent = c.parent
    while parent is not None:
        if parent == ancestor:
            return True
        parent = framework.criterion(parent).parent
    return False


def explain(row: ScoreRow, provenance: Provenance) -> str:
    """The explanation and evidence of one score row, one point per line."""
    framework, decimals = provenance.framework, provenance.decimals
    if row.method == "rollup":
        return ""
    c = framework.criterion(row.criterion)
    if row.status == Status.SURVEY:
        return (
            "Điểm do cơ quan đánh giá ở Trung ương chấm qua điều tra xã hội học "
            f"({SURVEY_MARK}); không tính vào TỔNG ĐIỂM tự đánh giá"
        )
    if c.children:
        return "\n".join(_section_lines(row, c, decimals, framework))
    if row.status == Status.NOT_APPLICABLE:
        return "\n".join(["Không áp dụng", *evidence_lines(row, provenance)])
    if row.status == Status.MISSING_INPUT:
        missing = ", ".join(_missing_inputs(row, c)) or "số liệu đầu vào"
        return f"Chưa chấm điểm: thiếu số liệu {missing}"
    first = "; ".join(part for part in (rate_clause(row, c), loss_clause(row, decimals)) if part)
    lines = [
        _capitalised(first),
        _failing_units(row, c, provenance.unit_names),
        _substitution(row, framework),
        *evidence_lines(row, provenance),
    ]
    return "\n".join(line for line in lines if line)
