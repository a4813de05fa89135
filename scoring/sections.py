"""The framework-level sections beyond the criteria tree.

- `substitution_rules`: when a unit's criterion score is replaced (DTI Art. 7);
- `rollups`: extra totals over criteria (the DTI district pillars);
- `classification`: bands per criterion (ITA dept) and a level per unit (ITA dist/com);
- `ranking`: which criterion ranks the units and whether unlevelled units are ranked.

Each parser reports problems through `add(message, criterion_or_None)` so the loader
can name the file and every problem at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from scoring.catalogue import Catalogue, CatalogueError
from scoring.method_params import as_decimal

Report = Callable[[str], None]

SUBSTITUTION_GIVES = ("best_score", "full_points")


@dataclass(frozen=True)
class SubstitutionRule:
    """A unit whose `measure` equals `equals` gets `gives` on the criteria naming the rule."""

    id: str
    measure: str
    equals: bool | Decimal
    gives: str
    citation: str


@dataclass(frozen=True)
class Rollup:
    """An extra total: the sum of some criteria's points (e.g. a DTI pillar)."""

    id: str
    name_vi: str
    name_en: str
    max_points: Decimal
    members: tuple[str, ...]


@dataclass(frozen=True)
class Band:
    label: str
    min_share: Decimal


@dataclass(frozen=True)
class Level:
    label: str
    minimums: Mapping[str, Decimal]


@dataclass(frozen=True)
class Classification:
    """Band labels per criterion by share of max, and one level label per unit."""

    band_criteria: tuple[str, ...] = ()
    bands: tuple[Band, ...] = ()
    levels: tuple[Level, ...] = ()
    otherwise: str | None = None


@dataclass(frozen=True)
class RankingSpec:
    criterion: str | None = None
    ranked_only_with_level: bool = False


@dataclass(frozen=True)
class Sections:
    substitution_rules: Mapping[str, SubstitutionRule] = field(default_factory=dict)
    rollups: tuple[Rollup, ...] = ()
    classification: Classification = field(default_factory=Classification)
    ranking: RankingSpec = field(default_factory=RankingSpec)


def _mapping(raw: Any, what: str, report: Report) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        report(f"{what} must be a mapping")
        return {}
    return {str(k): v for k, v in raw.items()}


def parse_substitution_rules(
    raw: Any, catalogue: Catalogue, report: Report
) -> dict[str, SubstitutionRule]:
    rules: dict[str, SubstitutionRule] = {}
    for rule_id, entry in _mapping(raw, "substitution_rules", report).items():
        where = f"substitution rule {rule_id}"
        body = _mapping(entry, where, report)
        when = _mapping(body.get("when"), f"{where}: when", report)
        measure, equals = when.get("measure"), when.get("equals")
        gives, citation = body.get("gives"), body.get("citation")
        try:
            key = str(catalogue.validate_key(str(measure)))
        except CatalogueError as exc:
            report(f"{where}: when.measure: {exc}")
            continue
        number = as_decimal(equals)
        if not isinstance(equals, bool) and number is None:
            report(f"{where}: when.equals must be true, false or a number, not {equals!r}")
            continue
        if gives not in SUBSTITUTION_GIVES:
            report(f"{where}: gives {gives!r} is not one of {', '.join(SUBSTITUTION_GIVES)}")
            continue
        if not isinstance(citation, str) or not citation.strip():
            report(f"{where}: needs a citation (the article it applies)")
            continue
        value: bool | Decimal = equals if isinstance(equals, bool) else number  # type: ignore[assignment]
        rules[rule_id] = SubstitutionRule(rule_id, key, value, str(gives), citation.strip())
    return rules


def parse_rollups(
    raw: Any, maxima: Mapping[str, Decimal], decimals: int, report: Report
) -> tuple[Rollup, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        report("rollups must be a list")
        return ()
    rollups = []
    for index, entry in enumerate(raw):
        body = _mapping(entry, f"rollups[{index}]", report)
        rid = str(body.get("id", f"rollups[{index}]"))
        members = body.get("members")
        max_points = as_decimal(body.get("max"))
        names = [body.get("name_vi"), body.get("name_en")]
        if not all(isinstance(n, str) and n.strip() for n in names):
            report(f"rollup {rid}: needs name_vi and name_en")
            continue
        if max_points is None or not isinstance(members, list) or not members:
            report(f"rollup {rid}: needs max and a non-empty members list")
            continue
        unknown = [str(m) for m in members if str(m) not in maxima]
        if rid in maxima:
            report(f"rollup {rid}: its id is also a criterion id")
        if unknown:
            report(f"rollup {rid}: members {', '.join(unknown)} are not criteria of this file")
            continue
        total = sum((maxima[str(m)] for m in members), Decimal(0))
        if total != max_points:
            report(f"rollup {rid}: members' maxima add up to {total}, not max {max_points}")
        rollups.append(
            Rollup(
                rid, str(names[0]).strip(), str(names[1]).strip(),
                max_points.quantize(Decimal(1).scaleb(-decimals)),
                tuple(str(m) for m in members),
            )
        )  # fmt: skip
    return tuple(rollups)


def _bands(
    raw: Any, maxima: Mapping[str, Decimal], report: Report
) -> tuple[tuple[str, ...], tuple[Band, ...]]:
    body = _mapping(raw, "classification.bands", report)
    if not body:
        return (), ()
    criteria = tuple(str(c) for c in body.get("criteria") or ())
    unknown = [c for c in criteria if c not in maxima]
    if not criteria or unknown:
        report(
            f"classification.bands.criteria must list criteria of this file ({unknown or 'none'})"
        )
    bands = []
    for entry in body.get("scale") or ():
        share = as_decimal(entry.get("min_share")) if isinstance(entry, dict) else None
        if share is None or not 0 <= share <= 1 or not entry.get("label"):
            report(f"classification.bands.scale entry {entry!r} needs label and min_share 0-1")
            continue
        bands.append(Band(str(entry["label"]), share))
    shares = [b.min_share for b in bands]
    if not bands or shares != sorted(shares, reverse=True) or shares[-1] != 0:
        report("classification.bands.scale must go from the highest min_share down to 0")
    return criteria, tuple(bands)


def _levels(
    raw: Any, maxima: Mapping[str, Decimal], report: Report
) -> tuple[tuple[Level, ...], str | None]:
    body = _mapping(raw, "classification.levels", report)
    if not body:
        return (), None
    levels = []
    for entry in body.get("scale") or ():
        if not isinstance(entry, dict) or not entry.get("label"):
            report(f"classification.levels.scale entry {entry!r} needs a label and minimums")
            continue
        minimums: dict[str, Decimal] = {}
        for cid, value in _mapping(entry.get("minimums"), "minimums", report).items():
            number = as_decimal(value)
            if cid not in maxima:
                report(f"level {entry['label']}: {cid} is not a criterion of this file")
            elif number is None or not 0 <= number <= maxima[cid]:
                report(
                    f"level {entry['label']}: minimum {value!r} for {cid} is not 0-{maxima[cid]}"
                )
            else:
                minimums[cid] = number
        levels.append(Level(str(entry["label"]), minimums))
    otherwise = body.get("otherwise")
    if not levels or not isinstance(otherwise, str):
        report("classification.levels needs a scale and an `otherwise` label")
    return tuple(levels), str(otherwise) if isinstance(otherwise, str) else None


def parse_classification(raw: Any, maxima: Mapping[str, Decimal], report: Report) -> Classification:
    body = _mapping(raw, "classification", report)
    unknown = set(body) - {"bands", "levels"}
    if unknown:
        report(f"classification has unknown part(s) {', '.join(sorted(unknown))}")
    criteria, bands = _bands(body.get("bands"), maxima, report)
    levels, otherwise = _levels(body.get("levels"), maxima, report)
    return Classification(criteria, bands, levels, otherwise)


def parse_ranking(raw: Any, maxima: Mapping[str, Decimal], report: Report) -> RankingSpec:
    body = _mapping(raw, "ranking", report)
    criterion = body.get("criterion")
    if criterion is not None and str(criterion) not in maxima:
        report(f"ranking.criterion {criterion!r} is not a criterion of this file")
    only = body.get("ranked_only_with_level", False)
    if not isinstance(only, bool):
        report("ranking.ranked_only_with_level must be true or false")
        only = False
    return RankingSpec(None if criterion is None else str(criterion), only)
