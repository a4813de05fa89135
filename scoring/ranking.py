"""Ranks, bands and levels of the units a framework scored in one period.

- rank: by the ranking criterion's points (the root unless the file names another),
  highest first; equal points share a rank (1, 2, 2, 4) and are listed by unit code.
  Only fully scored units are ranked: a lower bound (`incomplete`) or a missing
  score gets no rank. With `ranked_only_with_level`, a unit below the lowest level
  is not ranked either (ITA-2018: *không xếp hạng*).
- bands: a label per listed criterion by its share of that criterion's max.
- level: the first level of the file's scale whose every minimum holds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from scoring.framework import Framework
from scoring.model import ScoreRow, Status
from scoring.sections import Classification

__all__ = ["RankingRow", "rank_units"]


@dataclass(frozen=True)
class RankingRow:
    """One unit's standing in a framework for a period."""

    framework: str
    period: str
    unit: str
    ranking_group: str
    criterion: str
    points: Decimal | None
    max_points: Decimal
    status: Status
    rank: int | None
    level: str | None = None
    bands: Mapping[str, str] = field(default_factory=dict)
    rollups: Mapping[str, Decimal | None] = field(default_factory=dict)

    @property
    def label(self) -> str | None:
        """The unit's one label: its level, else its band on the ranking criterion."""
        return self.level if self.level is not None else self.bands.get(self.criterion)


def _band(classification: Classification, points: Decimal, max_points: Decimal) -> str:
    for band in classification.bands:
        if points >= band.min_share * max_points:
            return band.label
    return classification.bands[-1].label


def _level(classification: Classification, points: Mapping[str, Decimal | None]) -> str | None:
    if not classification.levels:
        return None
    for level in classification.levels:
        if all(
            (got := points.get(cid)) is not None and got >= minimum
            for cid, minimum in level.minimums.items()
        ):
            return level.label
    return classification.otherwise


def _unit_level(
    classification: Classification, points: Mapping[str, Decimal | None], status: Status
) -> str | None:
    """The level; a lower bound (incomplete) that reaches no level gets none, since the
    missing inputs could lift it."""
    level = _level(classification, points)
    if status != Status.SCORED and level == classification.otherwise:
        return None
    return level


def _unit_row(framework: Framework, unit_rows: Sequence[ScoreRow], criterion: str) -> RankingRow:
    by_criterion = {r.criterion: r for r in unit_rows}
    head = by_criterion[criterion]
    points = {cid: r.points for cid, r in by_criterion.items()}
    classification = framework.sections.classification
    bands = {
        cid: _band(classification, got, by_criterion[cid].max_points)
        for cid in classification.band_criteria
        if (got := points.get(cid)) is not None and by_criterion[cid].status == Status.SCORED
    }
    return RankingRow(
        framework=framework.id,
        period=head.period,
        unit=head.unit,
        ranking_group=framework.unit_level,
        criterion=criterion,
        points=head.points,
        max_points=head.max_points,
        status=head.status,
        rank=None,
        level=_unit_level(classification, points, head.status),
        bands=bands,
        rollups={r.id: points.get(r.id) for r in framework.sections.rollups},
    )


def _rankable(framework: Framework, row: RankingRow) -> bool:
    if row.status != Status.SCORED or row.points is None:
        return False
    spec, otherwise = framework.sections.ranking, framework.sections.classification.otherwise
    return not (spec.ranked_only_with_level and row.level in (None, otherwise))


def rank_units(framework: Framework, rows: Sequence[ScoreRow]) -> list[RankingRow]:
    """One RankingRow per (period, unit) of `rows`, ranked within each period."""
    criterion = framework.sections.ranking.criterion or framework.root.id
    grouped: dict[tuple[str, str], list[ScoreRow]] = {}
    for r in rows:
        if r.framework == framework.id:
            grouped.setdefault((r.period, r.unit), []).append(r)
    standings = [_unit_row(framework, grouped[key], criterion) for key in sorted(grouped)]
    ranked: list[RankingRow] = []
    for period in sorted({s.period for s in standings}):
        in_period = [s for s in standings if s.period == period]
        eligible = [s for s in in_period if _rankable(framework, s)]
        scores = [s.points for s in eligible if s.points is not None]
        ranks = {s.unit: 1 + sum(1 for p in scores if p > (s.points or 0)) for s in eligible}
        unranked = len(in_period) + 1
        for s in sorted(in_period, key=lambda s: (ranks.get(s.unit, unranked), s.unit)):
            ranked.append(replace(s, rank=ranks.get(s.unit)))
    return ranked
