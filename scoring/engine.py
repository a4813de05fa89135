"""The scoring engine: measures in, one score row per criterion and unit out.

`score_framework` scores every unit of the framework's level for one period. Leaves
are scored by their method (scoring/methods.py) and rounded to the framework's
decimals; `sum` nodes add up their children (the rounded children with
`aggregate: sum_of_rounded`, as the published PAR tables do).

Status of a `sum` node, from its children (survey and not_applicable children add
nothing and do not count as missing):

- every counted child `scored`                      → `scored`, points = the sum
- some child `missing_input`/`incomplete`, some
  child with points                                  → `incomplete`, points = the sum
                                                       of the children that have points
- no child with points, some child missing          → `missing_input`, points None
- every child `survey`                               → `survey`; every child survey or
                                                       not_applicable → `not_applicable`
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from scoring.framework import Criterion, Framework
from scoring.measure_keys import canonical_key
from scoring.methods import METHODS, Context, MeasureIndex, OrgTree, Outcome, ScoringInputError
from scoring.model import MeasureValue, OrgUnit, ScoreRow, Status, Value
from scoring.periods import period_type

__all__ = ["ScoringInputError", "score_framework"]

_WITH_POINTS = (Status.SCORED, Status.INCOMPLETE)
_MISSING = (Status.MISSING_INPUT, Status.INCOMPLETE)


@dataclass(frozen=True)
class _Node:
    """A scored criterion before it becomes a row: `raw` is the unrounded total."""

    outcome: Outcome
    points: Decimal | None
    raw: Decimal | None


def score_framework(
    framework: Framework,
    period: str,
    measures: Iterable[MeasureValue],
    org_units: Sequence[OrgUnit],
) -> list[ScoreRow]:
    """Score every unit of `framework.unit_level` for `period`.

    Rows come unit by unit (sorted by code), each in criteria-tree pre-order. The
    result depends only on the set of measure rows, not their order. Raises
    ScoringInputError for a period of the wrong type, no unit to score, a malformed
    key, a value of the wrong type, or one (unit, period, key) given two values.
    """
    _check_period(framework, period)
    index = _index(measures, period)
    tree = OrgTree(org_units)
    targets = sorted(
        (u for u in org_units if u.level == framework.unit_level), key=lambda u: u.code
    )
    if not targets:
        raise ScoringInputError(
            f"{framework.id} scores {framework.unit_level} units and the org units list none"
        )
    rows: list[ScoreRow] = []
    for unit in targets:
        context = Context(unit, period, index, tree)
        rows.extend(_score_unit(framework, context))
    return rows


def _check_period(framework: Framework, period: str) -> None:
    try:
        kind = period_type(period)
    except ValueError as exc:
        raise ScoringInputError(str(exc)) from None
    if kind != framework.period_type:
        raise ScoringInputError(
            f"{framework.id} is scored per {framework.period_type}; {period!r} is a {kind}"
        )


def _same(a: Value, b: Value) -> bool:
    return type(a) is type(b) and a == b


def _index(measures: Iterable[MeasureValue], period: str) -> MeasureIndex:
    """The period's measures by (unit, canonical key); conflicting duplicates refused."""
    canonical: dict[str, str] = {}
    values: dict[tuple[str, str], Value] = {}
    conflicts: set[str] = set()
    for m in measures:
        if m.period != period:
            continue
        if m.key not in canonical:
            try:
                canonical[m.key] = canonical_key(m.key)
            except ValueError as exc:
                raise ScoringInputError(f"unit {m.unit}, period {m.period}: {exc}") from None
        slot = (m.unit, canonical[m.key])
        if slot in values and not _same(values[slot], m.value):
            shown = sorted(str(v) for v in (values[slot], m.value))
            conflicts.add(
                f"{slot[1]} for unit {m.unit}, period {period} is given twice with "
                f"different values: {shown[0]} and {shown[1]}"
            )
        values.setdefault(slot, m.value)
    if conflicts:
        raise ScoringInputError("; ".join(sorted(conflicts)))
    return MeasureIndex(values)


def _score_unit(framework: Framework, context: Context) -> list[ScoreRow]:
    nodes: dict[str, _Node] = {}
    # Reversed pre-order visits every child before its parent.
    for c in reversed(framework.criteria):
        if c.method == "sum":
            nodes[c.id] = _aggregate(framework, c, [(k, nodes[k]) for k in c.children])
        else:
            nodes[c.id] = _leaf(framework, c, context)
    return [_row(framework, context, c, nodes[c.id]) for c in framework.criteria]


def _leaf(framework: Framework, c: Criterion, context: Context) -> _Node:
    outcome = METHODS[c.method](c, context)
    if outcome.points is None:
        return _Node(outcome, None, None)
    points = framework.rounding.apply(outcome.points)
    detail = f"{outcome.detail} → {points}"
    return _Node(outcome.with_detail(detail), points, outcome.points)


def _term(child_id: str, node: _Node) -> str:
    status = node.outcome.status
    if status == Status.SCORED:
        return f"{child_id} {node.points}"
    if status == Status.INCOMPLETE:
        return f"{child_id} {node.points} (incomplete)"
    return f"{child_id} {status}"


def _aggregate(framework: Framework, c: Criterion, kids: list[tuple[str, _Node]]) -> _Node:
    counted = [n for _, n in kids if n.outcome.status in _WITH_POINTS]
    missing = [k for k, n in kids if n.outcome.status in _MISSING]
    terms = ", ".join(_term(k, n) for k, n in kids)
    if not counted:
        status = _status_without_points(kids, missing)
        return _Node(Outcome(status, detail=f"sum of {terms}: no child has points"), None, None)
    raw = sum((n.raw for n in counted if n.raw is not None), Decimal(0))
    if framework.rounding.aggregate == "sum_of_rounded":
        points = sum((n.points for n in counted if n.points is not None), Decimal(0))
    else:
        points = framework.rounding.apply(raw)
    points = framework.rounding.apply(points)
    detail = f"sum of {terms} = {points}"
    if missing:
        detail += f" (a lower bound: {', '.join(missing)} not fully scored)"
        return _Node(Outcome(Status.INCOMPLETE, detail=detail), points, raw)
    return _Node(Outcome(Status.SCORED, detail=detail), points, raw)


def _status_without_points(kids: list[tuple[str, _Node]], missing: list[str]) -> Status:
    if missing:
        return Status.MISSING_INPUT
    if all(n.outcome.status == Status.SURVEY for _, n in kids):
        return Status.SURVEY
    return Status.NOT_APPLICABLE


def _row(framework: Framework, context: Context, c: Criterion, node: _Node) -> ScoreRow:
    outcome = node.outcome
    max_points = c.self_assessed_max if c.method == "sum" else c.max_points
    return ScoreRow(
        framework=framework.id,
        framework_version=framework.version,
        unit=context.unit.code,
        period=context.period,
        criterion=c.id,
        parent=c.parent,
        name_vi=c.name_vi,
        name_en=c.name_en,
        method=c.method,
        max_points=framework.rounding.apply(max_points),
        points=node.points,
        status=outcome.status,
        rate=outcome.rate,
        numerator=outcome.numerator,
        denominator=outcome.denominator,
        inputs=dict(sorted(outcome.inputs.items())),
        detail=outcome.detail,
        max_points_with_survey=framework.rounding.apply(c.max_points),
        met=outcome.met,
    )
