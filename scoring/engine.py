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
from dataclasses import dataclass, replace
from decimal import Context as DecimalContext
from decimal import Decimal

from scoring.framework import Criterion, Framework
from scoring.measure_keys import canonical_key
from scoring.methods import METHODS, Context, MeasureIndex, OrgTree, Outcome, ScoringInputError
from scoring.model import MeasureValue, OrgUnit, ScoreRow, Status, Value, format_decimal
from scoring.periods import period_type
from scoring.sections import Rollup, SubstitutionRule

__all__ = ["ScoringInputError", "score_framework"]

_DECIMAL = DecimalContext(prec=28)
_WITH_POINTS = (Status.SCORED, Status.INCOMPLETE)
_MISSING = (Status.MISSING_INPUT, Status.INCOMPLETE)


@dataclass(frozen=True)
class _Node:
    """A scored criterion before it becomes a row: `raw` is the unrounded total."""

    outcome: Outcome
    points: Decimal | None
    raw: Decimal | None
    substitution: str | None = None


# Scored leaves of every unit: unit code → criterion id → node.
_Leaves = dict[str, dict[str, _Node]]


def score_framework(
    framework: Framework,
    period: str,
    measures: Iterable[MeasureValue],
    org_units: Sequence[OrgUnit],
) -> list[ScoreRow]:
    """Score every unit of `framework.unit_level` for `period`.

    The units are scored together: `normalized_to_best` compares each unit with the
    best of the group, and Article 7 substitutions take the best score of the group
    (the group is every unit the framework scores in the period).

    Rows come unit by unit (sorted by code), each in criteria-tree pre-order, then
    the unit's roll-ups. The result depends only on the set of measure rows, not
    their order. Raises ScoringInputError for a period of the wrong type, no unit to
    score, a malformed key, a value of the wrong type, or one (unit, period, key)
    given two values.
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
    contexts = [Context(unit, period, index, tree) for unit in targets]
    leaves: _Leaves = {
        ctx.unit.code: {
            c.id: _leaf(framework, c, ctx)
            for c in framework.criteria
            if c.method not in ("sum", "normalized_to_best")
        }
        for ctx in contexts
    }
    for c in framework.criteria:
        if c.method == "normalized_to_best":
            _normalize(framework, c, contexts, leaves)
    for c in framework.criteria:
        if c.substitutions:
            _substitute(framework, c, index, leaves)
    maxima = _maxima(framework)
    rows: list[ScoreRow] = []
    for context in contexts:
        rows.extend(_score_unit(framework, context, leaves[context.unit.code], maxima))
    return rows


# Each criterion's rounded maxima (self-assessed or official, official): the same for
# every unit, so rounded once per framework scored.
_Maxima = dict[str, tuple[Decimal, Decimal]]


def _maxima(framework: Framework) -> _Maxima:
    return {
        c.id: (
            framework.rounding.apply(c.self_assessed_max if c.method == "sum" else c.max_points),
            framework.rounding.apply(c.max_points),
        )
        for c in framework.criteria
    }


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


def _score_unit(
    framework: Framework, context: Context, leaves: dict[str, _Node], maxima: _Maxima
) -> list[ScoreRow]:
    nodes: dict[str, _Node] = dict(leaves)
    # Reversed pre-order visits every child before its parent.
    for c in reversed(framework.criteria):
        if c.method == "sum":
            nodes[c.id] = _aggregate(framework, c, [(k, nodes[k]) for k in c.children])
    rows = [_row(framework, context, c, nodes[c.id], maxima[c.id]) for c in framework.criteria]
    for rollup in framework.sections.rollups:
        node = _rollup(framework, rollup, [(k, nodes[k]) for k in rollup.members])
        rows.append(_rollup_row(framework, context, rollup, node))
    return rows


def _leaf(framework: Framework, c: Criterion, context: Context) -> _Node:
    return _rounded(framework, METHODS[c.method](c, context))


def _rounded(framework: Framework, outcome: Outcome) -> _Node:
    if outcome.points is None:
        return _Node(outcome, None, None)
    points = framework.rounding.apply(outcome.points)
    detail = f"{outcome.detail} → {points}"
    return _Node(outcome.with_detail(detail), points, outcome.points)


def _normalize(
    framework: Framework, c: Criterion, contexts: Sequence[Context], leaves: _Leaves
) -> None:
    """`normalized_to_best`: each unit's value against the best value of the group."""
    values = {ctx.unit.code: METHODS[c.method](c, ctx) for ctx in contexts}
    known = {code: o.value for code, o in values.items() if o.value is not None}
    best_unit = max(sorted(known), key=lambda code: known[code], default=None)
    for code, outcome in values.items():
        value = outcome.value
        if value is None or best_unit is None:
            leaves[code][c.id] = _Node(outcome, None, None)
            continue
        best = known[best_unit]
        if best == 0:
            detail = f"{outcome.detail}; every unit's value is 0: 0 points"
            scored = replace(outcome, points=Decimal(0), detail=detail)
        else:
            points = _DECIMAL.divide(_DECIMAL.multiply(value, c.max_points), best)
            detail = (
                f"{outcome.detail}; best of the group {format_decimal(best)} ({best_unit}): "
                f"{format_decimal(value)}/{format_decimal(best)} × {c.max_points} "
                f"= {format_decimal(points)}"
            )
            scored = replace(
                outcome, points=points, rate=_DECIMAL.divide(value, best),
                numerator=value, denominator=best, detail=detail,
            )  # fmt: skip
        leaves[code][c.id] = _rounded(framework, scored)


def _rule_applies(rule: SubstitutionRule, index: MeasureIndex, unit: str) -> bool:
    value = index.get(unit, rule.measure)
    if isinstance(rule.equals, bool):
        return value is rule.equals
    return isinstance(value, Decimal) and value == rule.equals


def _substitute(framework: Framework, c: Criterion, index: MeasureIndex, leaves: _Leaves) -> None:
    """Article 7: a unit a rule applies to gets the group's best score, or full points."""
    rules = [framework.sections.substitution_rules[r] for r in c.substitutions]
    applied = {
        unit: next((r for r in rules if _rule_applies(r, index, unit)), None) for unit in leaves
    }
    others = {
        unit: nodes[c.id].points
        for unit, nodes in leaves.items()
        if applied[unit] is None and nodes[c.id].outcome.status == Status.SCORED
    }
    best_unit = max(sorted(others), key=lambda u: others[u] or Decimal(0), default=None)
    for unit, rule in applied.items():
        if rule is None:
            continue
        label = f"{rule.id} ({rule.citation})"
        if rule.gives == "full_points":
            points, why = c.max_points, "full points"
        elif best_unit is None:
            detail = f"{label}: no other unit of the group has a score to take; no points"
            leaves[unit][c.id] = _Node(
                Outcome(Status.MISSING_INPUT, detail=detail), None, None, label
            )
            continue
        else:
            points = others[best_unit] or Decimal(0)
            why = f"the best score of the group ({best_unit})"
        detail = f"{rule.measure} = {_shown(rule.equals)}: {label} gives {why} → {points}"
        outcome = Outcome(Status.SCORED, points=points, detail=detail)
        leaves[unit][c.id] = _Node(outcome, framework.rounding.apply(points), points, label)


def _shown(value: bool | Decimal) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else format_decimal(value)


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
    if c.scaled:
        rows_max = sum((framework.criterion(k).max_points for k, _ in kids), Decimal(0))
        factor = _DECIMAL.divide(c.max_points, rows_max)
        raw = _DECIMAL.multiply(raw, factor)
        points = framework.rounding.apply(_DECIMAL.multiply(points, factor))
        detail += (
            f"; scaled to the official max: × {c.max_points}/{rows_max} "
            f"(factor {format_decimal(factor)}) = {points}"
        )
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


def _rollup(framework: Framework, rollup: Rollup, kids: list[tuple[str, _Node]]) -> _Node:
    counted = [n for _, n in kids if n.outcome.status in _WITH_POINTS]
    missing = [k for k, n in kids if n.outcome.status in _MISSING]
    terms = ", ".join(_term(k, n) for k, n in kids)
    if not counted:
        status = _status_without_points(kids, missing)
        return _Node(Outcome(status, detail=f"sum of {terms}: no member has points"), None, None)
    points = sum((n.points for n in counted if n.points is not None), Decimal(0))
    detail = f"{rollup.id} = sum of {terms} = {points}"
    if missing:
        detail += f" (a lower bound: {', '.join(missing)} not fully scored)"
        return _Node(Outcome(Status.INCOMPLETE, detail=detail), points, points)
    return _Node(Outcome(Status.SCORED, detail=detail), points, points)


def _rollup_row(framework: Framework, context: Context, rollup: Rollup, node: _Node) -> ScoreRow:
    return ScoreRow(
        framework=framework.id,
        framework_version=framework.version,
        unit=context.unit.code,
        period=context.period,
        criterion=rollup.id,
        parent=None,
        name_vi=rollup.name_vi,
        name_en=rollup.name_en,
        method="rollup",
        max_points=rollup.max_points,
        points=node.points,
        status=node.outcome.status,
        detail=node.outcome.detail,
        max_points_with_survey=rollup.max_points,
    )


def _row(
    framework: Framework,
    context: Context,
    c: Criterion,
    node: _Node,
    maxima: tuple[Decimal, Decimal],
) -> ScoreRow:
    """`maxima`: the criterion's rounded maximum (self-assessed for a sum) and its
    rounded official maximum (`_maxima`)."""
    outcome = node.outcome
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
        max_points=maxima[0],
        points=node.points,
        status=outcome.status,
        rate=outcome.rate,
        numerator=outcome.numerator,
        denominator=outcome.denominator,
        inputs=dict(sorted(outcome.inputs.items())),
        detail=outcome.detail,
        max_points_with_survey=maxima[1],
        met=outcome.met,
        target=outcome.target,
        substitution=node.substitution,
    )
