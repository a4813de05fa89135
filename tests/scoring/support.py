"""Shared helpers for the scoring tests: fixtures on disk and small row utilities."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from functools import cache
from pathlib import Path

from flows.measures_file import read_measures_csv, read_org_units_csv
from scoring.engine import score_framework
from scoring.framework import FRAMEWORKS_DIR, Framework, load_framework, read_framework
from scoring.measure_keys import canonical_key
from scoring.model import MeasureValue, OrgUnit, ScoreRow, Value

DATA = Path(__file__).parents[1] / "data" / "scoring"
PERIOD = "2024"
PROVINCE = "89"


def par7() -> Framework:
    return load_framework("par7-2024")


@cache
def _perfect() -> tuple[MeasureValue, ...]:
    return tuple(read_measures_csv(DATA / "par7_perfect.csv"))


@cache
def _mixed() -> tuple[MeasureValue, ...]:
    return tuple(read_measures_csv(DATA / "par7_mixed.csv"))


@cache
def _units() -> tuple[OrgUnit, ...]:
    return tuple(read_org_units_csv(DATA / "org_units.csv"))


def perfect_measures() -> list[MeasureValue]:
    """Every PAR7 measure at a value that earns the criterion's maximum."""
    return list(_perfect())


def mixed_measures() -> list[MeasureValue]:
    """A realistic province-year; the expected points are hand-computed in test_par7.py."""
    return list(_mixed())


def org_units() -> list[OrgUnit]:
    """The province, three departments, two districts, three district offices, a commune."""
    return list(_units())


def with_values(
    measures: Iterable[MeasureValue], values: Mapping[str, Value], unit: str = PROVINCE
) -> list[MeasureValue]:
    """The measures with some keys of one unit set to new values (added when absent)."""
    wanted = {canonical_key(k): v for k, v in values.items()}
    kept = [m for m in measures if not (m.unit == unit and m.key in wanted)]
    return kept + [MeasureValue(unit, PERIOD, k, v) for k, v in wanted.items()]


def without(
    measures: Iterable[MeasureValue], *keys: str, unit: str = PROVINCE
) -> list[MeasureValue]:
    """The measures without some keys of one unit."""
    dropped = {canonical_key(k) for k in keys}
    return [m for m in measures if not (m.unit == unit and m.key in dropped)]


def score(
    measures: Iterable[MeasureValue],
    units: Sequence[OrgUnit] | None = None,
    framework: Framework | None = None,
) -> dict[str, ScoreRow]:
    """Score PAR7 for the province and 2024; rows by criterion id."""
    rows = score_framework(framework or par7(), PERIOD, measures, units or org_units())
    return {r.criterion: r for r in rows if r.unit == PROVINCE}


def points(rows: Mapping[str, ScoreRow], criterion: str) -> Decimal | None:
    return rows[criterion].points


def d(text: str) -> Decimal:
    return Decimal(text)


def par7_variant(directory: Path, replacements: Mapping[str, str]) -> Framework:
    """The shipped PAR7 file with some text replaced, written under `directory` and loaded."""
    text = (FRAMEWORKS_DIR / "par7_2024.yaml").read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    path = directory / "par7_variant.yaml"
    path.write_text(text, encoding="utf-8")
    return read_framework(path)
