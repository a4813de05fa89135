"""The synthetic province's agencies fill their declaration forms.

The generator's output is what `read_declarations` accepts, covers every unit and
period each framework scores, keeps numerators under their denominators, skips the
province's hand-written facts, and — scored with every framework that loads — leaves
no criterion that reads only declared measures without its inputs.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from flows.declarations import declared_measure_rows, read_declarations, shipped_ratio_pairs
from flows.declare import declaration_forms, declaring_levels, form_lines, is_declared
from scoring.catalogue import load_catalogue
from scoring.engine import score_framework
from scoring.framework import Framework, FrameworkError, list_frameworks, load_framework
from scoring.model import MeasureValue, OrgUnit, ScoreRow, Status
from simulator.declared import (
    DeclarationForm,
    MeasureForm,
    simulate_declarations,
    synthetic_units,
    write_declarations,
)
from transforms.periods import parse_period

DEMO = Path(__file__).resolve().parents[2] / "declarations" / "demo" / "89_2024.csv"
YEAR = 2024


def _loadable() -> list[str]:
    names = []
    for name in list_frameworks():
        try:
            load_framework(name)
        except FrameworkError:
            continue
        names.append(name)
    return names


FRAMEWORKS = _loadable()


@cache
def generated() -> pd.DataFrame:
    """Every loadable framework's declarations for 2024, the demo facts kept."""
    frameworks = [load_framework(name) for name in FRAMEWORKS]
    return simulate_declarations(declaration_forms(frameworks), [YEAR], existing=[DEMO])


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ...]:
    return tuple(write_declarations(generated(), tmp_path_factory.mktemp("declared")))


def org_units(period: str) -> list[OrgUnit]:
    """The synthetic province's units in force at the end of the period."""
    end = pd.Timestamp(parse_period(period).end)
    units = synthetic_units()
    live = units[
        (units["NgayHieuLuc"] < end)
        & (units["NgayHetHieuLuc"].isna() | (units["NgayHetHieuLuc"] >= end))
    ]
    return [
        OrgUnit(str(code), str(name), str(level), parent if isinstance(parent, str) else None)
        for code, name, level, parent in live[
            ["MaDonVi", "TenDonVi", "level", "MaDonViCha"]
        ].itertuples(index=False)
    ]


def period_of(framework: Framework) -> str:
    return {"year": "2024", "quarter": "2024-Q2", "month": "2024-06"}[framework.period_type]


def periods_of(framework: Framework) -> list[str]:
    """Every period of the framework's type in 2024."""
    return {
        "year": ["2024"],
        "quarter": [f"2024-Q{q}" for q in range(1, 5)],
        "month": [f"2024-{m:02d}" for m in range(1, 13)],
    }[framework.period_type]


def all_measures(files: tuple[Path, ...]) -> list[MeasureValue]:
    codes = [u.code for u in org_units("2024")]
    found: list[MeasureValue] = []
    for path in (*files, DEMO):
        found.extend(read_declarations(path, codes)[0])
    return found


# --------------------------------------------------------------------------- the files


def test_every_generated_file_passes_read_declarations(files: tuple[Path, ...]) -> None:
    assert files
    measures = all_measures(files)
    assert len(measures) == len(generated()) + len(read_declarations(DEMO, ["89"])[0])
    assert all(p.name == f"simulated_{YEAR}.csv" and p.parent.name for p in files)


def test_the_build_accepts_them_with_the_demo_facts(files: tuple[Path, ...]) -> None:
    codes = [u.code for u in org_units("2024")]
    rows = declared_measure_rows([*files, DEMO], "2024", codes, run_id="r")
    assert len(rows) == int((generated()["period"] == "2024").sum()) + 10
    assert set(rows["origin"]) == {"declared"}


def test_the_demo_facts_are_kept_not_generated_again() -> None:
    rows = generated()
    demo_keys = {m.key for m in read_declarations(DEMO, ["89"])[0]}
    mine = rows[(rows["unit"] == "89") & (rows["period"] == "2024")]
    assert demo_keys.isdisjoint(set(mine["measure"]))


@pytest.mark.parametrize("framework_id", FRAMEWORKS)
def test_every_unit_and_period_a_framework_scores_gets_every_declared_measure(
    framework_id: str,
) -> None:
    framework = load_framework(framework_id)
    rows = generated()
    kept = {(m.unit, m.period, m.key) for m in read_declarations(DEMO, ["89"])[0]}
    slots = set(zip(rows["unit"], rows["period"], rows["measure"], strict=True)) | kept
    periods = periods_of(framework)
    for level in declaring_levels(framework):
        keys = [line.key for line in form_lines(framework, level)]
        for period in periods:
            units = [u.code for u in org_units(period) if u.level == level]
            assert units
            missing = [(u, k) for u in units for k in keys if (u, period, k) not in slots]
            assert not missing, f"{framework_id} {period}: {missing[:5]}"


def test_numerators_never_exceed_their_denominators() -> None:
    rows = generated()
    value = {
        (u, p, k): Decimal(v)
        for u, p, k, v in zip(rows["unit"], rows["period"], rows["measure"], rows["value"],
                              strict=True)
        if v not in ("true", "false") and v[0].isdigit()
    }  # fmt: skip
    checked = 0
    for numerator, denominator in shipped_ratio_pairs():
        for (unit, period, key), b in value.items():
            if key == numerator and (unit, period, denominator) in value:
                a = value[(unit, period, denominator)]
                assert b <= a, f"{unit} {period}: {numerator} {b} > {denominator} {a}"
                assert a > 0
                checked += 1
    if any(
        is_declared(n) and is_declared(d) for n, d in shipped_ratio_pairs()
    ):  # a framework with a fully declared ratio
        assert checked > 0


def test_enum_and_yes_no_values_come_from_the_catalogue() -> None:
    catalogue = load_catalogue()
    rows = generated()
    for key, values in rows.groupby("measure")["value"]:
        spec = catalogue.spec(str(key).split("{")[0])
        if spec.value_type == "enum":
            assert set(values) <= set(spec.enum_values)
        if spec.value_type == "bool":
            assert set(values) <= {"true", "false"}


def test_evidence_looks_like_a_vietnamese_official_document() -> None:
    rows = generated()
    assert (
        rows["evidence_doc"]
        .str.match(r"^(Báo cáo|Quyết định|Kế hoạch|Công văn|Thông báo) \d+/[^ ]+ của .+")
        .all()
    )
    assert (rows["evidence_date"] <= rows["declared_at"]).all()
    numeric = rows[rows["evidence_doc"].str.startswith("Báo cáo")]
    assert numeric["evidence_doc"].str.contains("/BC-").all()


def test_the_same_seed_gives_the_same_declarations_and_another_seed_differs() -> None:
    forms = declaration_forms([load_framework("par7-2024")])
    first = simulate_declarations(forms, [2023, 2024], seed=89)
    assert first.equals(simulate_declarations(forms, [2023, 2024], seed=89))
    other = simulate_declarations(forms, [2023, 2024], seed=7)
    assert not first["value"].equals(other["value"])
    # a year added later leaves the earlier one as it was
    only_2024 = simulate_declarations(forms, [2024], seed=89)
    again = first[first["period"] == "2024"].reset_index(drop=True)
    assert again.equals(only_2024)


def test_periods_that_have_not_begun_are_not_declared() -> None:
    form = DeclarationForm(
        "test", "province", "month", (MeasureForm("portal_ipv6_enabled", "bool"),)
    )
    rows = simulate_declarations([form], [2025], now=pd.Timestamp("2025-03-10"))
    assert list(rows["period"]) == ["2025-01", "2025-02", "2025-03"]


def test_a_known_collected_numerator_bounds_the_declared_denominator() -> None:
    form = DeclarationForm(
        "test", "department", "year",
        (MeasureForm("apps_with_shared_data", "count"),),
        (("apps_with_shared_data_via_lgsp", "apps_with_shared_data"),),
    )  # fmt: skip
    units = synthetic_units()
    departments = units.loc[units["level"] == "department", "MaDonVi"]
    known = {(str(code), "2024", "apps_with_shared_data_via_lgsp"): Decimal(5000)
             for code in departments}  # fmt: skip
    rows = simulate_declarations([form], [2024], known=known)
    assert len(rows) == len(departments)
    assert all(Decimal(v) >= 5000 for v in rows["value"])


# --------------------------------------------------------------------------- scored


def _reads_only_declared(criterion_measures: dict[str, str]) -> bool:
    return bool(criterion_measures) and all(is_declared(k) for k in criterion_measures.values())


def scored(framework: Framework, files: tuple[Path, ...]) -> list[ScoreRow]:
    period = period_of(framework)
    measures = [m for m in all_measures(files) if m.period == period]
    return score_framework(framework, period, measures, org_units(period))


@pytest.mark.parametrize("framework_id", FRAMEWORKS)
def test_no_criterion_reading_only_declared_measures_misses_its_inputs(
    framework_id: str, files: tuple[Path, ...]
) -> None:
    framework = load_framework(framework_id)
    declared_only = {c.id for c in framework.criteria if _reads_only_declared(dict(c.measures))}
    assert declared_only, f"{framework_id} declares nothing"
    rows = scored(framework, files)
    missing = [
        f"{r.unit} {r.criterion}: {r.detail}"
        for r in rows
        if r.criterion in declared_only and r.status == Status.MISSING_INPUT
    ]
    assert not missing, missing[:5]
    assert any(r.status == Status.SCORED for r in rows if r.criterion in declared_only)


@pytest.mark.parametrize("framework_id", FRAMEWORKS)
def test_units_differ_and_thresholds_are_crossed_both_ways(
    framework_id: str, files: tuple[Path, ...]
) -> None:
    framework = load_framework(framework_id)
    declared_only = {c.id: c for c in framework.criteria if _reads_only_declared(dict(c.measures))}
    measures = all_measures(files)
    rows = [
        row
        for period in periods_of(framework)
        for row in score_framework(framework, period, measures, org_units(period))
    ]
    slots = {(r.unit, r.period) for r in rows}
    if len(slots) == 1:
        return  # one unit, one period (PAR7): its facts are the province's own
    points: dict[str, set[Decimal]] = defaultdict(set)
    for r in rows:
        if r.criterion in declared_only and r.points is not None:
            points[r.criterion].add(r.points)
    varied = [cid for cid, found in points.items() if len(found) > 1]
    assert len(varied) >= len(points) // 3, f"{len(varied)} of {len(points)} criteria vary"
    totals = [r.points for r in rows if r.criterion == framework.root.id]
    assert len(set(totals)) >= min(len(totals), 3), "units (or months) score alike"
    all_or_nothing = [
        cid for cid, c in declared_only.items()
        if c.method in ("boolean", "target_met", "threshold_all_units") and cid in points
    ]  # fmt: skip
    assert all_or_nothing
    full = [cid for cid in all_or_nothing if declared_only[cid].max_points in points[cid]]
    short = [cid for cid in all_or_nothing if min(points[cid]) < declared_only[cid].max_points]
    assert len(full) > len(all_or_nothing) // 2, "thresholds are rarely passed"
    assert len(short) > len(all_or_nothing) // 4, "thresholds are rarely failed"
