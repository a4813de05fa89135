"""The synthetic province's agencies fill in their declaration forms.

Facts no source system holds (yes/no facts, inventories, staff counts, budgets) are
declared by each unit with an evidence document. `simulate_declarations` plays every
unit of the synthetic province filling in every form it owes: for each
`DeclarationForm` (what one framework asks the units of one level to declare, per
period) it writes one row per unit in force, per period of the form's type within
the given years, per measure, in the declaration CSV format
(`unit,period,measure,value,evidence_doc,evidence_date,evidence_link,declared_by,declared_at`).

The forms are plain data built by the caller from the framework files (this package
imports nothing of chiso's other layers). The values are:

- deterministic: each (unit, period, measure) draws from its own seeded stream, so a
  value does not change when another form or year is added;
- consistent: every `bounds` pair (numerator, denominator) has numerator ≤
  denominator, a measure shared by several forms or ratios is drawn once per unit
  and period, enum values come from the form, denominators are never 0;
- spread: each unit has a hidden maturity (rates, yes/no facts, enum levels) and
  size (counts, amounts), so units differ and thresholds are passed and failed;
- plausible: counts and amounts take a typical size from a fragment of the measure's
  name (`_MAGNITUDES`; staff in the hundreds, budgets in billions of đồng), counts of
  People's Committees (`ubnd…{level=L}`) are the province's own, and evidence is a
  numbered report, decision, plan or letter of the unit (`Báo cáo 734/BC-SNV`).

Slots (unit, period, measure) already present in `existing` declaration files are
skipped, so the province's hand-written facts are kept, and their numbers bound the
generated ones; `known` numbers (e.g. the collected side of a ratio whose other side
is declared) bound them too.
"""

from __future__ import annotations

import csv
import random
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

from simulator.province import DEFAULT_NOW, DEFAULT_SEED, _build_units, _rng

DECLARATION_COLUMNS = (
    "unit",
    "period",
    "measure",
    "value",
    "evidence_doc",
    "evidence_date",
    "evidence_link",
    "declared_by",
    "declared_at",
)
# The simulator's unit levels (TTHC `CapDonVi`) in chiso's words.
UNIT_LEVELS = {
    "tinh": "province",
    "so": "department",
    "huyen": "district",
    "phong": "district_office",
    "xa": "commune",
}
VALUE_TYPES = ("count", "amount", "number", "share", "bool", "enum")
PERIOD_TYPES = ("year", "quarter", "month")

_STREAM = 21  # distinct from simulator.province's streams
# Typical size of a count or amount for a mid-sized unit, by a fragment of its name:
# plausibility only (an unknown name gets the default of its type).
_MAGNITUDES: tuple[tuple[str, float], ...] = (
    ("population", 150_000),
    ("household", 40_000),
    ("resident", 90_000),
    ("people", 90_000),
    ("adult", 100_000),
    ("worker", 60_000),
    ("enterprise", 1_500),
    ("sme", 1_200),
    ("budget", 2_000_000_000),
    ("staff", 180),
    ("civil_servant", 80),
    ("employee", 120),
    ("computer", 150),
    ("server", 8),
    ("system", 6),
    ("school", 40),
    ("hamlet", 40),
    ("commune", 12),
    ("postal", 15),
    ("report", 60),
    ("procedure", 250),
    ("tthc", 250),
    ("dossier", 3_000),
    ("txn", 5_000),
    ("transaction", 5_000),
    ("broadcast", 24),
    ("portal", 20),
    ("unit", 25),
    ("agenc", 25),
    ("app", 20),
    ("service", 120),
)
_DEFAULT_MAGNITUDE = {"count": 40.0, "amount": 500_000_000.0, "number": 100.0}
_LEVEL_SIZE = {
    "province": 5.0,
    "department": 1.0,
    "district": 1.5,
    "district_office": 0.3,
    "commune": 0.3,
}


@dataclass(frozen=True)
class MeasureForm:
    """One line of a declaration form: a measure key, its value type and values."""

    key: str
    value_type: str
    enum_values: tuple[str, ...] = ()

    @property
    def share(self) -> bool:
        """A share: a number from 0 to 1 (45% is 0.45)."""
        return self.value_type == "share"

    def __post_init__(self) -> None:
        if self.value_type not in VALUE_TYPES:
            raise ValueError(
                f"{self.key}: value type {self.value_type!r} is not one of {', '.join(VALUE_TYPES)}"
            )
        if (self.value_type == "enum") != bool(self.enum_values):
            raise ValueError(f"{self.key}: enum values are needed for enum measures only")


@dataclass(frozen=True)
class DeclarationForm:
    """What one framework asks each unit of one level to declare every period.

    `bounds` lists (numerator, denominator) keys whose values must satisfy
    numerator ≤ denominator for the same unit and period.
    """

    framework: str
    unit_level: str
    period_type: str
    measures: tuple[MeasureForm, ...]
    bounds: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if self.unit_level not in _LEVEL_SIZE:
            raise ValueError(f"{self.framework}: unit level {self.unit_level!r} is unknown")
        if self.period_type not in PERIOD_TYPES:
            raise ValueError(f"{self.framework}: period type {self.period_type!r} is unknown")


# --------------------------------------------------------------------------- units


def synthetic_units(seed: int = DEFAULT_SEED, now: pd.Timestamp | None = None) -> pd.DataFrame:
    """The synthetic province's org units (as `generate_province(seed).units`), with
    `level` in chiso's words and the abbreviation its documents use (`abbr`)."""
    units, profile = _build_units(_rng(seed, "units"), now if now is not None else DEFAULT_NOW)
    units = units.copy()
    units["level"] = units["CapDonVi"].astype(str).map(UNIT_LEVELS)
    units["abbr"] = profile["abbr"].to_numpy()
    return units


def _units_in_force(units: pd.DataFrame, level: str, start: date, end: date) -> pd.DataFrame:
    """Units of a level in force at the end of [start, end) (the build's rule)."""
    end_ts = pd.Timestamp(end)
    valid_to = units["NgayHetHieuLuc"]
    mask = (
        (units["level"] == level)
        & (units["NgayHieuLuc"] < end_ts)
        & (valid_to.isna() | (valid_to >= end_ts))
    )
    return units.loc[mask]


# --------------------------------------------------------------------------- periods


@dataclass(frozen=True)
class _Period:
    label: str
    start: date
    end: date  # exclusive


def _month(year: int, month: int) -> date:
    return date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def periods_of(period_type: str, years: Iterable[int]) -> list[_Period]:
    """Every period of a type within the given calendar years, in order."""
    found: list[_Period] = []
    for year in sorted(set(years)):
        if period_type == "year":
            found.append(_Period(f"{year}", date(year, 1, 1), date(year + 1, 1, 1)))
        elif period_type == "quarter":
            found.extend(
                _Period(f"{year}-Q{q}", _month(year, 3 * q - 2), _month(year, 3 * q + 1))
                for q in range(1, 5)
            )
        else:
            found.extend(
                _Period(f"{year}-{m:02d}", _month(year, m), _month(year, m + 1))
                for m in range(1, 13)
            )
    return found


# --------------------------------------------------------------------------- existing files


def canonical_key(key: str) -> str:
    """A measure key with filters and values sorted and no spaces (`name{a=x,b=y|z}`)."""
    text = re.sub(r"\s+", "", key)
    if "{" not in text:
        return text
    name, _, body = text.partition("{")
    parts = []
    for part in body.rstrip("}").split(","):
        dim, _, values = part.partition("=")
        parts.append(f"{dim}={'|'.join(sorted(values.split('|')))}")
    return f"{name}{{{','.join(sorted(parts))}}}"


def existing_values(files: Iterable[Path]) -> dict[tuple[str, str, str], str]:
    """The value text of every (unit, period, canonical measure key) the given
    declaration files hold (the first file wins)."""
    found: dict[tuple[str, str, str], str] = {}
    for path in files:
        with Path(path).open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                unit, period = (row.get("unit") or "").strip(), (row.get("period") or "").strip()
                measure = (row.get("measure") or "").strip()
                if unit and period and measure:
                    slot = (unit, period, canonical_key(measure))
                    found.setdefault(slot, (row.get("value") or "").strip())
    return found


def _as_number(text: str) -> Decimal | None:
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


# --------------------------------------------------------------------------- values

Values = dict[str, Decimal | bool | str]


@dataclass(frozen=True)
class _UnitTraits:
    code: str
    name: str
    abbr: str
    level: str
    maturity: float  # 0.35-1: how far along the unit is (rates, yes/no facts)
    size: float  # scales counts and amounts


def _stream(seed: int, *parts: str) -> random.Random:
    """An independent random stream per seed and name (stable across runs)."""
    return random.Random("|".join((str(seed), str(_STREAM), *parts)))


def _traits(seed: int, code: str, name: str, abbr: str, level: str) -> _UnitTraits:
    rng = _stream(seed, "unit", code)
    return _UnitTraits(
        code=code,
        name=name,
        abbr=abbr,
        level=level,
        maturity=rng.uniform(0.35, 1.0),
        size=_LEVEL_SIZE[level] * rng.lognormvariate(0.0, 0.45),
    )


def _magnitude(key: str, value_type: str) -> float:
    name = key.split("{", 1)[0]
    for fragment, typical in _MAGNITUDES:
        if fragment in name:
            return typical
    return _DEFAULT_MAGNITUDE.get(value_type, 40.0)


def _rate(rng: random.Random, maturity: float) -> Decimal:
    """A share in [0, 1] around the unit's maturity; mature units often reach 100%."""
    if rng.random() < maturity**3:
        return Decimal(1)
    return Decimal(str(round(min(1.0, max(0.0, rng.gauss(maturity, 0.18))), 4)))


def _quantity(rng: random.Random, m: MeasureForm, unit: _UnitTraits) -> Decimal:
    base = _magnitude(m.key, m.value_type) * unit.size * rng.lognormvariate(0.0, 0.15)
    if m.value_type == "count":
        return Decimal(max(1, round(base)))
    if m.value_type == "amount":
        return Decimal(max(1, round(base / 1000))) * 1000
    return Decimal(str(round(max(base, 0.01), 2)))


def _bounded(rng: random.Random, m: MeasureForm, unit: _UnitTraits, ceiling: Decimal) -> Decimal:
    rate = _rate(rng, unit.maturity)
    if m.value_type == "count":
        return (ceiling * rate).to_integral_value(rounding=ROUND_FLOOR)
    if m.value_type == "amount":
        return (ceiling * rate / 1000).to_integral_value(rounding=ROUND_FLOOR) * 1000
    return (ceiling * rate).quantize(Decimal("0.01"), rounding=ROUND_FLOOR)


def _draw(
    rng: random.Random, m: MeasureForm, unit: _UnitTraits, ceiling: Decimal | None
) -> Decimal | bool | str:
    if m.value_type == "bool":
        return rng.random() < 0.2 + 0.75 * unit.maturity
    if m.value_type == "enum":
        score = rng.gauss(unit.maturity, 0.25)
        index = int((1.0 - score) * len(m.enum_values))
        return m.enum_values[min(len(m.enum_values) - 1, max(0, index))]
    if m.share:
        share = _rate(rng, unit.maturity)
        return min(share, ceiling) if ceiling is not None else share
    if ceiling is not None:
        return _bounded(rng, m, unit, ceiling)
    return _quantity(rng, m, unit)


@dataclass(frozen=True)
class _Plan:
    """Every measure one (unit level, period type) declares, in an order where each
    numerator comes after its denominators, with the bounds between them."""

    measures: Mapping[str, MeasureForm]
    order: tuple[str, ...]
    bounds: tuple[tuple[str, str], ...]


def _plan(measures: Mapping[str, MeasureForm], bounds: set[tuple[str, str]]) -> _Plan:
    inside = sorted((n, d) for n, d in bounds if n in measures and d in measures)
    waiting = {k: {d for n, d in inside if n == k} for k in measures}
    order: list[str] = []
    while waiting:
        ready = sorted(k for k, ds in waiting.items() if not ds)
        batch = ready or [min(waiting)]  # a loop of bounds: settled after drawing
        for key in batch:
            order.append(key)
            del waiting[key]
        for ds in waiting.values():
            ds.difference_update(batch)
    relevant = tuple(sorted((n, d) for n, d in bounds if n in measures or d in measures))
    return _Plan(measures, tuple(order), relevant)


def _values(
    seed: int,
    unit: _UnitTraits,
    period: str,
    plan: _Plan,
    fixed: Mapping[str, Decimal],
    preset: Mapping[str, Decimal] | None = None,
) -> Values:
    """One value per measure of the plan for one unit and period (those in `fixed`,
    already known, left out): each numerator below the smallest of its denominators;
    a denominator is never 0 and never below a known numerator."""
    free = [k for k in plan.order if k not in fixed]
    ceilings: dict[str, list[str]] = {}
    floors: dict[str, list[Decimal]] = {}
    for numerator, denominator in plan.bounds:
        if numerator in plan.measures and numerator not in fixed:
            if denominator in plan.measures or denominator in fixed:
                ceilings.setdefault(numerator, []).append(denominator)
        if denominator in plan.measures and denominator not in fixed and numerator in fixed:
            floors.setdefault(denominator, []).append(fixed[numerator])
    denominators = {d for found in ceilings.values() for d in found}
    values: Values = {}
    for key in free:
        rng = _stream(seed, unit.code, period, key)
        limits = [
            v
            for d in ceilings.get(key, ())
            if isinstance(v := values.get(d, fixed.get(d)), Decimal)
        ]
        ceiling = min(limits) if limits else None
        value = _draw(rng, plan.measures[key], unit, ceiling)
        if preset and key in preset:
            value = min(preset[key], ceiling) if ceiling is not None else preset[key]
        if isinstance(value, Decimal):
            value = _kept_in_bounds(rng, value, key in denominators, floors.get(key), ceiling)
        values[key] = value
    _settle(values, ceilings, fixed)
    return values


def _kept_in_bounds(
    rng: random.Random,
    value: Decimal,
    is_denominator: bool,
    floors: list[Decimal] | None,
    ceiling: Decimal | None,
) -> Decimal:
    """A drawn number raised above known numerators (with some slack), kept ≥ 1 when it
    is a denominator, and never above its ceiling."""
    if floors:
        share = Decimal(str(round(rng.uniform(0.55, 1.0), 3)))
        value = max(value, (max(floors) / share).to_integral_value(rounding=ROUND_CEILING))
    if is_denominator and value == 0:
        value = Decimal(1)
    return min(value, ceiling) if ceiling is not None else value


def _settle(
    values: Values, ceilings: Mapping[str, list[str]], fixed: Mapping[str, Decimal]
) -> None:
    """Clamp numerators to their denominators until every bound holds (loops of bounds)."""
    for _ in range(len(values) + 1):
        changed = False
        for numerator, denominators in ceilings.items():
            for denominator in denominators:
                n, d = values[numerator], values.get(denominator, fixed.get(denominator))
                if isinstance(n, Decimal) and isinstance(d, Decimal) and n > d:
                    values[numerator] = d
                    changed = True
        if not changed:
            return


# --------------------------------------------------------------------------- evidence


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.replace("Đ", "D").replace("đ", "d"))
    return re.sub(r"[^a-z0-9]+", "-", plain.encode("ascii", "ignore").decode().lower()).strip("-")


_DOC_KINDS = (
    ("Quyết định", "QĐ"),
    ("Kế hoạch", "KH"),
    ("Công văn", "CV"),
    ("Thông báo", "TB"),
)


@dataclass(frozen=True)
class _Evidence:
    doc: str
    doc_date: date
    link: str


def _evidence(seed: int, unit: _UnitTraits, period: _Period, m: MeasureForm) -> _Evidence:
    """A plausible evidence document: the period's statistical report for numbers, a
    decision, plan or letter for yes/no facts and levels."""
    numeric = m.value_type in ("count", "amount", "number", "share")
    key = "report" if numeric else m.key
    rng = _stream(seed, unit.code, period.label, "evidence", key)
    number = rng.randrange(12, 2400)
    kind, short = ("Báo cáo", "BC") if numeric else rng.choice(_DOC_KINDS)
    ref = f"{number}/{unit.abbr}-VP" if short == "CV" else f"{number}/{short}-{unit.abbr}"
    span = max(1, (period.end - period.start).days)
    issued = period.start + timedelta(days=rng.randrange(span // 2, span))
    link = f"https://angiang.gov.vn/van-ban/{_slug(unit.code)}/{number}-{_slug(short)}"
    doc = f"{kind} {ref} của {unit.name}"
    return _Evidence(doc, issued, link)


def _value_text(value: Decimal | bool | str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        text = f"{value:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return value


# --------------------------------------------------------------------------- generation


_COMMITTEE = re.compile(r"(^|_)ubnd(_|$)")
_LEVEL_FILTER = re.compile(r"[{,]level=(province|district|commune)[,}]")


def _committee_counts(plan: _Plan, units: pd.DataFrame, period: _Period) -> dict[str, Decimal]:
    """Counts of People's Committees (`ubnd…{level=L}`) are the province's own: one
    provincial committee, one per district, one per commune in force."""
    preset: dict[str, Decimal] = {}
    numerators = {n for n, _ in plan.bounds}
    for key, m in plan.measures.items():
        level = _LEVEL_FILTER.search(key)
        if m.value_type != "count" or level is None or key in numerators:
            continue
        if not _COMMITTEE.search(key.split("{")[0]):
            continue
        in_force = _units_in_force(units, level.group(1), period.start, period.end)
        preset[key] = Decimal(len(in_force))
    return preset


def _plans(forms: Sequence[DeclarationForm]) -> dict[tuple[str, str], _Plan]:
    """Per (unit level, period type): every measure any form asks for, and every bound."""
    merged: dict[tuple[str, str], tuple[dict[str, MeasureForm], set[tuple[str, str]]]] = {}
    for form in forms:
        measures, bounds = merged.setdefault((form.unit_level, form.period_type), ({}, set()))
        for m in form.measures:
            key = canonical_key(m.key)
            known = measures.setdefault(key, MeasureForm(key, m.value_type, m.enum_values))
            if (known.value_type, known.enum_values) != (m.value_type, m.enum_values):
                raise ValueError(
                    f"{form.framework}: {key} is a {m.value_type} here and a "
                    f"{known.value_type} in another form"
                )
        bounds.update((canonical_key(n), canonical_key(d)) for n, d in form.bounds)
    return {slot: _plan(measures, bounds) for slot, (measures, bounds) in sorted(merged.items())}


def simulate_declarations(
    forms: Sequence[DeclarationForm],
    years: Iterable[int],
    seed: int = DEFAULT_SEED,
    units: pd.DataFrame | None = None,
    existing: Iterable[Path] = (),
    known: Mapping[tuple[str, str, str], Decimal] | None = None,
    now: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Declaration rows for every unit each form applies to, every period of its type in
    `years` that has begun by `now`, every measure.

    Slots in `existing` declaration files are skipped, and their numbers bound the
    generated ones; `known` gives other fixed numbers by (unit, period, key), e.g. the
    collected side of a ratio whose other side is declared. `units` (shaped as
    `synthetic_units` returns them) defaults to the synthetic province of `seed`. Rows
    come sorted by unit, period and measure, as text in the declaration CSV format.
    """
    units = synthetic_units(seed) if units is None else units
    clock = (now if now is not None else DEFAULT_NOW).date()
    given = existing_values(existing)
    fixed_all: dict[tuple[str, str, str], Decimal] = {
        slot: number for slot, text in given.items() if (number := _as_number(text)) is not None
    }
    fixed_all.update({(u, p, canonical_key(k)): v for (u, p, k), v in (known or {}).items()})
    by_slot: dict[tuple[str, str], dict[str, Decimal]] = {}
    for (unit_code, period_label, key), number in fixed_all.items():
        by_slot.setdefault((unit_code, period_label), {})[key] = number
    years = list(years)
    records: list[dict[str, str]] = []
    for (level, period_type), plan in _plans(forms).items():
        for period in periods_of(period_type, years):
            if period.start >= clock:
                continue
            in_force = _units_in_force(units, level, period.start, period.end)
            preset = _committee_counts(plan, units, period)
            for code, name, abbr in in_force[["MaDonVi", "TenDonVi", "abbr"]].itertuples(
                index=False
            ):
                unit = _traits(seed, str(code), str(name), str(abbr), level)
                fixed = by_slot.get((unit.code, period.label), {})
                values = _values(seed, unit, period.label, plan, fixed, preset)
                records.extend(
                    _record(seed, unit, period, plan.measures[key], value, clock)
                    for key, value in values.items()
                    if (unit.code, period.label, key) not in given
                )
    frame = pd.DataFrame.from_records(records, columns=list(DECLARATION_COLUMNS))
    return frame.sort_values(["unit", "period", "measure"], ignore_index=True)


def _record(
    seed: int,
    unit: _UnitTraits,
    period: _Period,
    m: MeasureForm,
    value: Decimal | bool | str,
    clock: date,
) -> dict[str, str]:
    evidence = _evidence(seed, unit, period, m)
    declared = min(period.end + timedelta(days=7), clock)
    return {
        "unit": unit.code,
        "period": period.label,
        "measure": m.key,
        "value": _value_text(value),
        "evidence_doc": evidence.doc,
        "evidence_date": min(evidence.doc_date, declared).isoformat(),
        "evidence_link": evidence.link,
        "declared_by": f"{unit.name} - bộ phận văn thư",
        "declared_at": declared.isoformat(),
    }


def write_declarations(rows: pd.DataFrame, directory: Path) -> list[Path]:
    """Write declaration rows as CSV files, one per unit and year:
    `<directory>/<unit>/simulated_<year>.csv`. Returns the files written, sorted."""
    directory = Path(directory)
    written: list[Path] = []
    if rows.empty:
        return written
    years = rows["period"].str.slice(0, 4)
    for (unit, year), group in rows.groupby([rows["unit"], years], sort=True):
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", str(unit)) or ".." in str(unit):
            raise ValueError(f"unit code {unit!r} cannot name a directory")
        path = directory / str(unit) / f"simulated_{year}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        group.to_csv(path, index=False, columns=list(DECLARATION_COLUMNS), encoding="utf-8")
        written.append(path)
    return sorted(written)
