"""The method kinds and sections DTI, NQ17 and ITA-2018 use, on a small test framework.

Every expectation is computed by hand from the numbers in the test.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from scoring.engine import score_framework
from scoring.framework import Framework, FrameworkError, read_framework
from scoring.model import MeasureValue, OrgUnit, ScoreRow, Status
from scoring.ranking import rank_units

# Catalogue measures borrowed for the test (types matter, meanings do not here).
A = "docs_workfiles_processed_total"  # count
B = "docs_workfiles_processed_online"  # count
C = "apps_with_shared_data"  # count
FLAG = "portal_ipv6_enabled"  # bool

HEADER = """\
id: test-cross
version: "1"
name_vi: "Thử"
name_en: "Test"
citation: "test"
period_type: year
unit_level: department
rounding: {decimals: 2, mode: half_up, aggregate: sum_of_rounded}
"""

CRITERIA = f"""\
substitution_rules:
  no_docs:
    when: {{measure: {A}, equals: 0}}
    gives: best_score
    citation: "Art. 7.2"
  special:
    when: {{measure: {FLAG}, equals: true}}
    gives: full_points
    citation: "Art. 7.4"
rollups:
  - {{id: P1, name_vi: "Trụ cột", name_en: "Pillar", max: 20, members: ["N", "F"]}}
classification:
  bands:
    criteria: ["R"]
    scale:
      - {{label: "Tốt", min_share: 0.80}}
      - {{label: "Khá", min_share: 0.65}}
      - {{label: "Trung bình", min_share: 0}}
  levels:
    scale:
      - label: "Mức I"
        minimums: {{"R": 90, "N": 9}}
      - label: "Mức II"
        minimums: {{"R": 50}}
    otherwise: "Không xếp hạng"
criteria:
  - {{id: "R", parent: null, name_vi: "Tổng", name_en: "Total", max: 100, method: sum}}
  - id: "N"
    parent: "R"
    name_vi: "Chuẩn hoá"
    name_en: "Normalised"
    max: 10
    method: normalized_to_best
    measures: {{value: {B}}}
  - id: "F"
    parent: "R"
    name_vi: "Công thức"
    name_en: "Formula"
    max: 10
    method: formula
    params: {{expression: "15 * b / a + 0.5", zero_denominator: not_applicable}}
    measures: {{a: {A}, b: {B}}}
  - id: "S"
    parent: "R"
    name_vi: "Thay thế"
    name_en: "Substituted"
    max: 20
    method: ratio
    substitutions: [special, no_docs]
    params: {{zero_denominator: not_applicable}}
    measures: {{numerator: {B}, denominator: {A}}}
  - id: "K"
    parent: "R"
    name_vi: "Đếm"
    name_en: "Counted"
    max: 9
    method: count_capped
    params: {{per_item: {{listed: 1, other: 0.5}}, caps: {{other: 2}}}}
    measures: {{listed: {C}, other: {B}}}
  - id: "G"
    parent: "R"
    name_vi: "Bậc"
    name_en: "Steps"
    max: 10
    method: steps
    params: {{steps: [{{at_least: 12, points: 10}}, {{at_least: 8, points: 5}}]}}
    measures: {{level: {C}}}
  - id: "X"
    parent: "R"
    name_vi: "Nhóm co giãn"
    name_en: "Scaled group"
    max: 41
    method: sum
    params: {{scale_to_max: true}}
  - id: "X.1"
    parent: "X"
    name_vi: "Ngưỡng"
    name_en: "Threshold"
    max: 12
    method: threshold_full_else_ratio
    params: {{threshold: 0.80}}
    measures: {{numerator: {B}, denominator: {A}}}
  - id: "X.2"
    parent: "X"
    name_vi: "Ngưỡng ngược"
    name_en: "Inverse threshold"
    max: 8
    method: inverse_threshold
    params: {{threshold: 0.20}}
    measures: {{numerator: {B}, denominator: {A}}}
  - id: "X.3"
    parent: "X"
    name_vi: "Chỉ cờ"
    name_en: "Flag"
    max: 30
    method: boolean
    measures: {{fact: {FLAG}}}
"""


@pytest.fixture(scope="module")
def framework(tmp_path_factory: pytest.TempPathFactory) -> Framework:
    path = tmp_path_factory.mktemp("fw") / "cross.yaml"
    path.write_text(HEADER + CRITERIA, encoding="utf-8")
    return read_framework(path)


UNITS = [
    OrgUnit("89", "Tỉnh", "province"),
    *(OrgUnit(code, f"Sở {code}", "department", "89") for code in ("D1", "D2", "D3", "D4")),
]


def facts(unit: str, **values: int | bool) -> list[MeasureValue]:
    names = {"a": A, "b": B, "c": C, "flag": FLAG}
    return [
        MeasureValue(unit, "2024", names[k], v if isinstance(v, bool) else Decimal(v))
        for k, v in values.items()
    ]


def scored(framework: Framework, measures: list[MeasureValue]) -> dict[tuple[str, str], ScoreRow]:
    rows = score_framework(framework, "2024", measures, UNITS)
    return {(r.unit, r.criterion): r for r in rows}


def standard() -> list[MeasureValue]:
    return [
        *facts("D1", a=100, b=50, c=9, flag=False),
        *facts("D2", a=100, b=100, c=12, flag=False),
        *facts("D3", a=0, b=0, c=7, flag=False),
        *facts("D4", a=40, b=20, c=3, flag=True),
    ]


def test_normalized_to_best_divides_by_the_best_unit_of_the_group(framework: Framework) -> None:
    rows = scored(framework, standard())
    assert rows[("D2", "N")].points == Decimal("10.00")
    assert rows[("D1", "N")].points == Decimal("5.00")  # 50/100 × 10
    assert rows[("D4", "N")].points == Decimal("2.00")  # 20/100 × 10
    assert "best of the group 100 (D2)" in rows[("D1", "N")].detail


def test_normalized_to_best_all_zero_gives_zero_and_a_missing_unit_is_missing(
    framework: Framework,
) -> None:
    measures = [*facts("D1", a=1, b=0, c=1, flag=False), *facts("D2", a=1, b=0, c=1, flag=False)]
    measures += facts("D3", a=1, c=1, flag=False)  # no b
    rows = scored(framework, measures)
    assert rows[("D1", "N")].points == Decimal("0.00")
    assert rows[("D3", "N")].status == Status.MISSING_INPUT
    assert rows[("D3", "N")].points is None


def test_formula_is_clamped_to_max_and_zero_division_follows_the_rule(
    framework: Framework,
) -> None:
    rows = scored(framework, standard())
    assert rows[("D1", "F")].points == Decimal("8.00")  # 15 × 50/100 + 0.5
    assert rows[("D2", "F")].points == Decimal("10.00")  # 15.5 clamped to 10
    assert "clamped" in rows[("D2", "F")].detail
    assert rows[("D3", "F")].status == Status.NOT_APPLICABLE


def test_substitutions_record_the_rule_that_applied(framework: Framework) -> None:
    rows = scored(framework, standard())
    assert rows[("D1", "S")].points == Decimal("10.00")  # 50/100 × 20, no rule
    assert rows[("D1", "S")].substitution is None
    # D3 has a = 0: the best score of the other units (D2: 20).
    assert rows[("D3", "S")].points == Decimal("20.00")
    assert rows[("D3", "S")].substitution == "no_docs (Art. 7.2)"
    assert "D2" in rows[("D3", "S")].detail
    # D4 is a special unit: full points, whatever its own rate (20/40 would give 10).
    assert rows[("D4", "S")].points == Decimal("20.00")
    assert rows[("D4", "S")].substitution == "special (Art. 7.4)"


def test_count_capped_caps_each_role_and_the_total(framework: Framework) -> None:
    rows = scored(framework, standard())
    # D1: 9 listed × 1 + min(50 × 0.5, 2) = 11, capped at 9.
    assert rows[("D1", "K")].points == Decimal("9.00")
    # D4: 3 × 1 + min(20 × 0.5, 2) = 5.
    assert rows[("D4", "K")].points == Decimal("5.00")


def test_numeric_steps_take_the_first_step_reached(framework: Framework) -> None:
    rows = scored(framework, standard())
    assert rows[("D2", "G")].points == Decimal("10.00")  # 12 ≥ 12
    assert rows[("D1", "G")].points == Decimal("5.00")  # 9 ≥ 8
    assert rows[("D3", "G")].points == Decimal("0.00")  # 7 < 8


def test_threshold_and_inverse_threshold_at_their_boundaries(
    tmp_path: Path, framework: Framework
) -> None:
    at = scored(framework, [*facts("D1", a=100, b=80, c=1, flag=False)])
    assert at[("D1", "X.1")].points == Decimal("12.00")  # 80% ≥ 80% → max
    below = scored(framework, [*facts("D1", a=100, b=79, c=1, flag=False)])
    assert below[("D1", "X.1")].points == Decimal("9.48")  # 0.79 × 12
    low = scored(framework, [*facts("D1", a=100, b=20, c=1, flag=False)])
    assert low[("D1", "X.2")].points == Decimal("8.00")  # 20% ≤ 20% → max
    high = scored(framework, [*facts("D1", a=100, b=25, c=1, flag=False)])
    assert high[("D1", "X.2")].points == Decimal("6.00")  # 8 − 0.25 × 8


def test_a_scaled_group_records_its_factor(framework: Framework) -> None:
    rows = scored(framework, standard())
    # D2: X.1 12 (100%), X.2 0 (8 − 8), X.3 0 → 12 of 50 row points, × 41/50 = 9.84.
    assert rows[("D2", "X")].points == Decimal("9.84")
    assert "× 41.00/50.00 (factor 0.82)" in rows[("D2", "X")].detail


def test_rollups_add_their_members(framework: Framework) -> None:
    rows = scored(framework, standard())
    pillar = rows[("D1", "P1")]
    assert pillar.method == "rollup"
    assert pillar.points == Decimal("13.00")  # N 5 + F 8
    assert pillar.max_points == Decimal("20.00")


def test_ranking_ties_share_a_rank_and_skip_the_next(tmp_path: Path) -> None:
    fw = _ranking_framework(tmp_path)
    measures = [
        MeasureValue(u, "2024", C, Decimal(v))
        for u, v in (("D1", 12), ("D2", 8), ("D3", 12), ("D4", 5))
    ]
    rows = score_framework(fw, "2024", measures, UNITS)
    standing = {r.unit: r for r in rank_units(fw, rows)}
    assert [standing[u].rank for u in ("D1", "D3", "D2", "D4")] == [1, 1, 3, 4]
    assert [r.unit for r in rank_units(fw, rows)] == ["D1", "D3", "D2", "D4"]


def _ranking_framework(directory: Path) -> Framework:
    text = (
        HEADER
        + f"""\
criteria:
  - {{id: "R", parent: null, name_vi: "Tổng", name_en: "Total", max: 10, method: sum}}
  - id: "G"
    parent: "R"
    name_vi: "Bậc"
    name_en: "Steps"
    max: 10
    method: steps
    params: {{steps: [{{at_least: 12, points: 10}}, {{at_least: 8, points: 5}}]}}
    measures: {{level: {C}}}
"""
    )
    path = directory / "rank.yaml"
    path.write_text(text, encoding="utf-8")
    return read_framework(path)


def test_levels_and_bands_at_their_boundaries(framework: Framework) -> None:
    rows = score_framework(framework, "2024", standard(), UNITS)
    standing = {r.unit: r for r in rank_units(framework, rows)}
    totals = {r.unit: r.points for r in rows if r.criterion == "R"}
    # D3's threshold criteria have a zero denominator: its total is a lower bound,
    # which gets no band and no rank.
    assert standing["D3"].status == Status.INCOMPLETE
    assert "R" not in standing["D3"].bands and standing["D3"].rank is None
    for unit, row in standing.items():
        if unit == "D3":
            continue
        total = totals[unit]
        assert total is not None
        expected_band = "Tốt" if total >= 80 else "Khá" if total >= 65 else "Trung bình"
        assert row.bands["R"] == expected_band
        assert row.level == ("Mức II" if total >= 50 else "Không xếp hạng")


def test_level_needs_every_minimum(framework: Framework) -> None:
    from scoring.ranking import _level  # the rule itself, at exact boundaries

    classification = framework.sections.classification
    assert _level(classification, {"R": Decimal(90), "N": Decimal(9)}) == "Mức I"
    assert _level(classification, {"R": Decimal("89.99"), "N": Decimal(10)}) == "Mức II"
    assert _level(classification, {"R": Decimal(95), "N": Decimal("8.99")}) == "Mức II"
    assert _level(classification, {"R": Decimal("49.99"), "N": Decimal(10)}) == "Không xếp hạng"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('expression: "15 * b / a + 0.5"', 'expression: "__import__(1)"', "only min"),
        ('expression: "15 * b / a + 0.5"', 'expression: "15 * b / z"', "not measure roles"),
        ("members: [\"N\", \"F\"]", "members: [\"N\"]", "add up to 10.00, not max 20"),
        ("substitutions: [special, no_docs]", "substitutions: [nope]", "unknown rule(s) nope"),
        ("max: 41\n    method: sum\n    params: {scale_to_max: true}", "max: 41\n    method: sum",
         "children's maxima add up to 50"),
        ("- {label: \"Trung bình\", min_share: 0}", "- {label: \"Trung bình\", min_share: 0.1}",
         "down to 0"),
    ],
)  # fmt: skip
def test_a_file_with_a_bad_section_is_refused(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    text = HEADER + CRITERIA
    assert old in text
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(FrameworkError) as caught:
        read_framework(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)
