"""The leaf scoring methods: one function per method kind.

Each method reads its measures through the Context and returns an Outcome with
the unrounded points and a one-line account of the arithmetic; the engine rounds.
A needed measure that is absent gives `missing_input`, never 0 points. Rates are
compared as `b >= threshold × a`, so no division rounding can tip a boundary, and
ratio points are computed as `b × max / a` for the same reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Context as DecimalContext
from decimal import Decimal

from scoring.expressions import ZeroDivision, parse_expression
from scoring.framework import Criterion
from scoring.model import OrgUnit, Status, Value, format_decimal

__all__ = ["METHODS", "Context", "MeasureIndex", "OrgTree", "Outcome", "ScoringInputError"]

# Fixed precision for the divisions, whatever the caller's decimal context is.
_DECIMAL = DecimalContext(prec=28)


class ScoringInputError(ValueError):
    """Measures or org units the engine cannot score from (not a missing value)."""


@dataclass(frozen=True)
class Outcome:
    """The result of scoring one criterion, before rounding."""

    status: Status
    points: Decimal | None = None
    rate: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    inputs: Mapping[str, Value] = field(default_factory=dict)
    detail: str = ""
    met: bool | None = None
    target: Decimal | None = None
    # normalized_to_best: the unit's value, before the engine compares it with the best.
    value: Decimal | None = None

    def with_detail(self, detail: str) -> Outcome:
        return replace(self, detail=detail)


class MeasureIndex:
    """The period's measure values by (unit code, canonical key)."""

    def __init__(self, values: Mapping[tuple[str, str], Value]) -> None:
        self._values = dict(values)

    def get(self, unit: str, key: str) -> Value | None:
        return self._values.get((unit, key))


class OrgTree:
    """The org-unit hierarchy: which units lie below which."""

    def __init__(self, units: Sequence[OrgUnit]) -> None:
        repeated = sorted(code for code, n in Counter(u.code for u in units).items() if n > 1)
        if repeated:
            raise ScoringInputError(f"org unit code(s) listed twice: {', '.join(repeated)}")
        self._units = {u.code: u for u in units}
        self._children: dict[str, list[str]] = {}
        for u in units:
            if u.parent is not None:
                self._children.setdefault(u.parent, []).append(u.code)

    def below(self, code: str, levels: Sequence[str]) -> list[OrgUnit]:
        """The units of the given levels anywhere below `code`, sorted by code."""
        found: list[OrgUnit] = []
        seen = {code}
        stack = list(self._children.get(code, ()))
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            if self._units[current].level in levels:
                found.append(self._units[current])
            stack.extend(self._children.get(current, ()))
        return sorted(found, key=lambda u: u.code)


@dataclass(frozen=True)
class Context:
    """What a method may read: the unit being scored, the period, measures, org tree."""

    unit: OrgUnit
    period: str
    measures: MeasureIndex
    tree: OrgTree


# --- reading measures ------------------------------------------------------------------


def _number(value: Value, key: str, unit: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ScoringInputError(f"{key} for unit {unit} must be a number, not {value!r}")
    number = Decimal(value)
    if not number.is_finite() or number < 0:
        raise ScoringInputError(f"{key} for unit {unit} must be a non-negative number, not {value}")
    return number


def _flag(value: Value, key: str, unit: str) -> bool:
    if not isinstance(value, bool):
        raise ScoringInputError(f"{key} for unit {unit} must be true or false, not {value!r}")
    return value


def _word(value: Value, key: str, unit: str) -> str:
    if not isinstance(value, str):
        raise ScoringInputError(f"{key} for unit {unit} must be a word, not {value!r}")
    return value


@dataclass(frozen=True)
class _Read:
    """Values found for some roles, keyed by role and by measure key."""

    by_role: dict[str, Value]
    inputs: dict[str, Value]
    missing: list[str]


def _read(c: Criterion, context: Context, roles: Sequence[str], unit: str | None = None) -> _Read:
    code = unit or context.unit.code
    by_role: dict[str, Value] = {}
    inputs: dict[str, Value] = {}
    missing: list[str] = []
    for role in roles:
        key = c.measures[role]
        value = context.measures.get(code, key)
        label = key if unit is None else f"{key}@{code}"
        if value is None:
            missing.append(label)
        else:
            by_role[role] = value
            inputs[label] = value
    return _Read(by_role, inputs, missing)


def _missing(read: _Read) -> Outcome:
    return Outcome(
        Status.MISSING_INPUT,
        inputs=read.inputs,
        detail=f"missing measure(s): {', '.join(read.missing)}; no points",
    )


def _fraction(c: Criterion, read: _Read, unit: str) -> tuple[Decimal, Decimal]:
    b = _number(read.by_role["numerator"], c.measures["numerator"], unit)
    a = _number(read.by_role["denominator"], c.measures["denominator"], unit)
    return b, a


def _zero_denominator(c: Criterion, read: _Read, b: Decimal) -> Outcome:
    key = c.measures["denominator"]
    if c.params.get("zero_denominator") == "not_applicable":
        status, why = Status.NOT_APPLICABLE, "the criterion does not apply"
    else:
        status, why = (
            Status.MISSING_INPUT,
            "no rate can be computed and the framework gives no rule",
        )
    return Outcome(
        status, numerator=b, denominator=Decimal(0), inputs=read.inputs,
        detail=f"denominator is 0 ({key} = 0): {why}; no points",
    )  # fmt: skip


def _yes_no(value: bool) -> str:
    return "true" if value else "false"


def _show(value: Decimal) -> str:
    return format_decimal(value, 6)


def _b_over_a(b: Decimal, a: Decimal) -> str:
    return f"b/a = {_show(b)}/{_show(a)} = {_show(_DECIMAL.divide(b, a))}"


def _rate_outcome(
    status: Status, b: Decimal, a: Decimal, read: _Read, points: Decimal, detail: str
) -> Outcome:
    return Outcome(
        status, points=points, rate=_DECIMAL.divide(b, a), numerator=b, denominator=a,
        inputs=read.inputs, detail=detail,
    )  # fmt: skip


# --- the methods -----------------------------------------------------------------------------


def _rate_inputs(c: Criterion, context: Context) -> tuple[Decimal, Decimal, _Read] | Outcome:
    """(b, a, what was read), or the outcome when a measure is absent or a is 0."""
    read = _read(c, context, ("numerator", "denominator"))
    if read.missing:
        return _missing(read)
    b, a = _fraction(c, read, context.unit.code)
    if a == 0:
        return _zero_denominator(c, read, b)
    return b, a, read


def _rate_test(
    c: Criterion, b: Decimal, a: Decimal, read: _Read, threshold: str, label: str
) -> tuple[Outcome, bool]:
    """Max points when b/a ≥ the `threshold` parameter, else 0; and whether it held."""
    bar = c.decimal_param(threshold)
    holds = b >= _DECIMAL.multiply(bar, a)
    detail = f"{_b_over_a(b, a)} {'≥' if holds else '<'} {label} {bar}"
    points = c.max_points if holds else Decimal(0)
    return _rate_outcome(Status.SCORED, b, a, read, points, detail), holds


def _ratio_points(c: Criterion, b: Decimal, a: Decimal) -> tuple[Decimal, str]:
    """b × max / a, capped at max; and the account of it that follows `b/a = …`."""
    exact = _DECIMAL.divide(_DECIMAL.multiply(b, c.max_points), a)
    text = f" × {c.max_points} = {_show(exact)}"
    if exact > c.max_points:
        return c.max_points, f"{text}, capped at max {c.max_points} (b > a)"
    return exact, text


def score_ratio(c: Criterion, context: Context) -> Outcome:
    """`ratio`: points = b/a × max (capped at max); `ratio_with_floor`: 0 below the floor."""
    got = _rate_inputs(c, context)
    if isinstance(got, Outcome):
        return got
    b, a, read = got
    prefix = _b_over_a(b, a)
    if c.method == "ratio_with_floor":
        floor = c.decimal_param("floor")
        if b < _DECIMAL.multiply(floor, a):
            return _rate_outcome(Status.SCORED, b, a, read, Decimal(0), f"{prefix} < floor {floor}")
        prefix += f" ≥ floor {floor};"
    points, text = _ratio_points(c, b, a)
    return _rate_outcome(Status.SCORED, b, a, read, points, prefix + text)


def score_boolean(c: Criterion, context: Context) -> Outcome:
    """`boolean`: max when a yes/no fact holds, or when b/a ≥ min_rate; else 0."""
    if "fact" not in c.measures:
        got = _rate_inputs(c, context)
        return got if isinstance(got, Outcome) else _rate_test(c, *got, "min_rate", "min_rate")[0]
    read = _read(c, context, ("fact",))
    if read.missing:
        return _missing(read)
    key = c.measures["fact"]
    holds = _flag(read.by_role["fact"], key, context.unit.code)
    points = c.max_points if holds else Decimal(0)
    detail = f"{key} = {_yes_no(holds)}"
    return Outcome(Status.SCORED, points=points, inputs=read.inputs, detail=detail)


def score_partial_credit(c: Criterion, context: Context) -> Outcome:
    """`partial_credit`: max if deployed and compliant, factor × max if only deployed, else 0."""
    read = _read(c, context, ("deployed",))
    if read.missing:
        return _missing(read)
    deployed_key = c.measures["deployed"]
    if not _flag(read.by_role["deployed"], deployed_key, context.unit.code):
        detail = f"{deployed_key} = false (not deployed)"
        return Outcome(Status.SCORED, points=Decimal(0), inputs=read.inputs, detail=detail)
    both = _read(c, context, ("deployed", "compliant"))
    if both.missing:
        return _missing(both)
    compliant_key = c.measures["compliant"]
    if _flag(both.by_role["compliant"], compliant_key, context.unit.code):
        detail = f"{deployed_key} = true, {compliant_key} = true"
        return Outcome(Status.SCORED, points=c.max_points, inputs=both.inputs, detail=detail)
    factor = c.decimal_param("partial_factor")
    points = _DECIMAL.multiply(factor, c.max_points)
    detail = (
        f"{deployed_key} = true, {compliant_key} = false: "
        f"partial {factor} × {c.max_points} = {_show(points)}"
    )
    return Outcome(Status.SCORED, points=points, inputs=both.inputs, detail=detail)


def _numeric_step(c: Criterion, read: _Read, unit: str) -> Outcome:
    key = c.measures["level"]
    value = _number(read.by_role["level"], key, unit)
    for step in c.params["steps"]:
        bar = Decimal(step["at_least"])
        if value >= bar:
            points = Decimal(step["points"])
            detail = f"{key} = {_show(value)} ≥ {_show(bar)} → {_show(points)}"
            return Outcome(Status.SCORED, points=points, inputs=read.inputs, detail=detail)
    lowest = Decimal(c.params["steps"][-1]["at_least"])
    detail = f"{key} = {_show(value)} < {_show(lowest)}, the lowest step → 0"
    return Outcome(Status.SCORED, points=Decimal(0), inputs=read.inputs, detail=detail)


def score_steps(c: Criterion, context: Context) -> Outcome:
    """`steps`: the points the table gives the measure's level (a word or a number)."""
    read = _read(c, context, ("level",))
    if read.missing:
        return _missing(read)
    key = c.measures["level"]
    if "at_least" in c.params["steps"][0]:
        return _numeric_step(c, read, context.unit.code)
    level = _word(read.by_role["level"], key, context.unit.code)
    table = dict(c.steps())
    if level not in table:
        raise ScoringInputError(
            f"{key} for unit {context.unit.code} is {level!r}; "
            f"criterion {c.id} scores only {', '.join(table)}"
        )
    detail = f"{key} = {level}"
    return Outcome(Status.SCORED, points=table[level], inputs=read.inputs, detail=detail)


def _unit_passes(c: Criterion, read: _Read, code: str) -> tuple[bool | None, str]:
    """Whether one in-scope unit passes its test (None: no rate), and a short account."""
    if "fact" in c.measures:
        holds = _flag(read.by_role["fact"], c.measures["fact"], code)
        return holds, f"{code} {_yes_no(holds)}"
    b, a = _fraction(c, read, code)
    if a == 0:
        return None, f"{code} has denominator 0"
    passes = b >= _DECIMAL.multiply(c.decimal_param("unit_min_rate"), a)
    return passes, f"{code} {_show(b)}/{_show(a)} = {_show(_DECIMAL.divide(b, a))}"


@dataclass
class _UnitTests:
    """The per-unit test of each in-scope unit."""

    inputs: dict[str, Value] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    no_rate: list[str] = field(default_factory=list)
    failing: list[str] = field(default_factory=list)


def _test_units(c: Criterion, context: Context, units: Sequence[OrgUnit]) -> _UnitTests:
    roles = ("fact",) if "fact" in c.measures else ("numerator", "denominator")
    tests = _UnitTests()
    for unit in units:
        read = _read(c, context, roles, unit=unit.code)
        tests.inputs.update(read.inputs)
        if read.missing:
            tests.missing.extend(read.missing)
            continue
        passes, account = _unit_passes(c, read, unit.code)
        if passes is None:
            tests.no_rate.append(account)
        elif not passes:
            tests.failing.append(account)
    return tests


def _threshold_per_unit(c: Criterion, context: Context) -> Outcome:
    scope = c.texts_param("unit_scope")
    units = context.tree.below(context.unit.code, scope)
    if not units:
        return Outcome(
            Status.MISSING_INPUT,
            detail=f"no {'/'.join(scope)} units below {context.unit.code} in the org units: "
            "an org-units file listing them is needed; no points",
        )
    tests = _test_units(c, context, units)
    if tests.missing or tests.no_rate:
        problems = [f"missing measure(s): {', '.join(tests.missing)}"] if tests.missing else []
        detail = "; ".join([*problems, *tests.no_rate]) + "; no points"
        return Outcome(Status.MISSING_INPUT, inputs=tests.inputs, detail=detail)
    test = "true" if "fact" in c.measures else f"b/a ≥ {c.decimal_param('unit_min_rate')}"
    passing, total = len(units) - len(tests.failing), len(units)
    account = f"{passing} of {total} {'/'.join(scope)} units have {test}"
    if tests.failing:
        account += f" (failing: {', '.join(tests.failing)})"
    return _share_outcome(c, passing, total, tests.inputs, account)


def _share_outcome(
    c: Criterion, passing: int, total: int, inputs: dict[str, Value], account: str
) -> Outcome:
    required = c.decimal_param("required_share")
    n, d = Decimal(passing), Decimal(total)
    holds = n >= _DECIMAL.multiply(required, d)
    share = _DECIMAL.divide(n, d)
    detail = f"{account}; share {_show(share)} {'≥' if holds else '<'} required {required}"
    return Outcome(
        Status.SCORED, points=c.max_points if holds else Decimal(0),
        rate=share, numerator=n, denominator=d, inputs=inputs, detail=detail,
    )  # fmt: skip


def score_threshold_all_units(c: Criterion, context: Context) -> Outcome:
    """`threshold_all_units`: max when the share of passing units reaches required_share.

    `form: per_unit` tests each unit of `unit_scope` below the scored unit (its own
    rate against `unit_min_rate`, or a yes/no fact); `form: aggregate` reads the
    counts of passing (connected) and total units directly.
    """
    if c.text_param("form") == "per_unit":
        return _threshold_per_unit(c, context)
    got = _rate_inputs(c, context)
    if isinstance(got, Outcome):
        return got
    return _rate_test(c, *got, "required_share", "required share")[0]


def _met(outcome: Outcome, met: bool, target: Decimal) -> Outcome:
    points = outcome.points if met else Decimal(0)
    detail = f"{outcome.detail}: {'met' if met else 'not met'}"
    return replace(outcome, met=met, target=target, points=points, detail=detail)


def _target_fact(c: Criterion, context: Context) -> Outcome:
    read = _read(c, context, ("fact",))
    if read.missing:
        return replace(_missing(read), target=c.decimal_param("target"))
    key = c.measures["fact"]
    holds = _flag(read.by_role["fact"], key, context.unit.code)
    rate = Decimal(1) if holds else Decimal(0)
    outcome = Outcome(
        Status.SCORED, points=c.max_points, rate=rate, inputs=read.inputs,
        detail=f"{key} = {_yes_no(holds)} (reported as {'100' if holds else '0'}%)",
    )  # fmt: skip
    return _met(outcome, holds, c.decimal_param("target"))


def _second_rate(c: Criterion, context: Context) -> tuple[bool, str, dict[str, Value]] | Outcome:
    read = _read(c, context, ("numerator_2", "denominator_2"))
    if read.missing:
        return _missing(read)
    unit = context.unit.code
    b = _number(read.by_role["numerator_2"], c.measures["numerator_2"], unit)
    a = _number(read.by_role["denominator_2"], c.measures["denominator_2"], unit)
    if a == 0:
        return Outcome(
            Status.MISSING_INPUT, inputs=read.inputs,
            detail=f"denominator is 0 ({c.measures['denominator_2']} = 0); no points",
        )  # fmt: skip
    bar = c.decimal_param("target_2")
    holds = b >= _DECIMAL.multiply(bar, a)
    shown = f"{c.measures['numerator_2']}/{c.measures['denominator_2']} = {_show(b)}/{_show(a)}"
    account = f"and {shown} = {_show(_DECIMAL.divide(b, a))} {'≥' if holds else '<'} target {bar}"
    return holds, account, dict(read.inputs)


def score_target_met(c: Criterion, context: Context) -> Outcome:
    """`target_met`: met when b/a ≥ target (and b2/a2 ≥ target_2), or when a fact holds.

    Points = max when met, 0 when not; the row carries the rate, target and `met`.
    """
    if "fact" in c.measures:
        return _target_fact(c, context)
    target = c.decimal_param("target")
    got = _rate_inputs(c, context)
    if isinstance(got, Outcome):
        return replace(got, target=target)
    outcome, met = _rate_test(c, *got, "target", "target")
    if "numerator_2" in c.measures:
        second = _second_rate(c, context)
        if isinstance(second, Outcome):
            inputs = {**outcome.inputs, **second.inputs}
            return replace(second, inputs=inputs, target=target)
        holds, account, inputs = second
        outcome = replace(
            outcome, points=c.max_points, inputs={**outcome.inputs, **inputs},
            detail=f"{outcome.detail}; {account}",
        )  # fmt: skip
        met = met and holds
    return _met(outcome, met, target)


def score_rate_threshold(c: Criterion, context: Context) -> Outcome:
    """`threshold_full_else_ratio`: max at or above the threshold, else b/a × max.
    `inverse_threshold` (lower is better): max at or below it, else max − b/a × max."""
    got = _rate_inputs(c, context)
    if isinstance(got, Outcome):
        return got
    b, a, read = got
    bar = c.decimal_param("threshold")
    prefix = _b_over_a(b, a)
    rate = _DECIMAL.divide(b, a)
    if c.method == "threshold_full_else_ratio":
        if b >= _DECIMAL.multiply(bar, a):
            return _rate_outcome(Status.SCORED, b, a, read, c.max_points, f"{prefix} ≥ {bar}: max")
        points, text = _ratio_points(c, b, a)
        return _rate_outcome(Status.SCORED, b, a, read, points, f"{prefix} < {bar};{text}")
    if b <= _DECIMAL.multiply(bar, a):
        return _rate_outcome(Status.SCORED, b, a, read, c.max_points, f"{prefix} ≤ {bar}: max")
    exact = c.max_points - _DECIMAL.divide(_DECIMAL.multiply(b, c.max_points), a)
    points = max(exact, Decimal(0))
    detail = f"{prefix} > {bar}: {c.max_points} − {_show(rate)} × {c.max_points} = {_show(points)}"
    return _rate_outcome(Status.SCORED, b, a, read, points, detail)


def _numbers(c: Criterion, context: Context) -> tuple[dict[str, Decimal], _Read] | Outcome:
    read = _read(c, context, tuple(c.measures))
    if read.missing:
        return _missing(read)
    unit = context.unit.code
    values = {role: _number(read.by_role[role], c.measures[role], unit) for role in c.measures}
    return values, read


def score_count_capped(c: Criterion, context: Context) -> Outcome:
    """`count_capped`: points per item for each counted role, capped per role and in total."""
    got = _numbers(c, context)
    if isinstance(got, Outcome):
        return got
    values, read = got
    per_item, caps = c.params["per_item"], c.params.get("caps", {})
    total, terms = Decimal(0), []
    for role, count in values.items():
        part = _DECIMAL.multiply(count, Decimal(per_item[role]))
        term = f"{c.measures[role]} {_show(count)} × {_show(Decimal(per_item[role]))}"
        if role in caps and part > Decimal(caps[role]):
            part = Decimal(caps[role])
            term += f" capped at {_show(part)}"
        total += part
        terms.append(term)
    detail = " + ".join(terms) + f" = {_show(total)}"
    if total > c.max_points:
        total = c.max_points
        detail += f", capped at max {c.max_points}"
    return Outcome(Status.SCORED, points=total, inputs=read.inputs, detail=detail)


def score_completeness(c: Criterion, context: Context) -> Outcome:
    """`completeness`: max × share, rounded down to a multiple of `step`."""
    read = _read(c, context, ("share",))
    if read.missing:
        return _missing(read)
    key = c.measures["share"]
    share = _number(read.by_role["share"], key, context.unit.code)
    if share > 1:
        raise ScoringInputError(f"{key} for unit {context.unit.code} is {share}; a share is 0-1")
    step = c.decimal_param("step")
    exact = _DECIMAL.multiply(share, c.max_points)
    points = _DECIMAL.multiply(_DECIMAL.divide_int(exact, step), step)
    detail = f"{key} = {_show(share)}: {_show(share)} × {c.max_points} = {_show(exact)}"
    detail += f", down to a multiple of {step} → {_show(points)}"
    return Outcome(Status.SCORED, points=points, inputs=read.inputs, detail=detail)


def _evaluate(c: Criterion, context: Context, text: str) -> tuple[Decimal, _Read] | Outcome:
    got = _numbers(c, context)
    if isinstance(got, Outcome):
        return got
    values, read = got
    try:
        return parse_expression(text).evaluate(values), read
    except ZeroDivision as exc:
        rule = c.params.get("zero_denominator")
        status = Status.NOT_APPLICABLE if rule == "not_applicable" else Status.MISSING_INPUT
        why = "the criterion does not apply" if rule == "not_applicable" else "no value"
        detail = f"{text}: division by zero ({exc}); {why}; no points"
        return Outcome(status, inputs=read.inputs, detail=detail)


def _with_values(text: str, c: Criterion, read: _Read) -> str:
    shown = ", ".join(f"{role} = {_show(Decimal(read.by_role[role]))}" for role in c.measures)
    return f"{text} with {shown}"


def score_formula(c: Criterion, context: Context) -> Outcome:
    """`formula`: the expression over the measure roles, clamped to [0, max]."""
    text = c.text_param("expression")
    got = _evaluate(c, context, text)
    if isinstance(got, Outcome):
        return got
    value, read = got
    detail = f"{_with_values(text, c, read)} = {_show(value)}"
    points = min(max(value, Decimal(0)), c.max_points)
    if points != value:
        detail += f", clamped to {_show(points)} (0-{c.max_points})"
    return Outcome(Status.SCORED, points=points, inputs=read.inputs, detail=detail)


def normalized_value(c: Criterion, context: Context) -> Outcome:
    """`normalized_to_best`, first half: this unit's value (the engine compares units)."""
    if "value" not in c.params:
        read = _read(c, context, ("value",))
        if read.missing:
            return _missing(read)
        value = _number(read.by_role["value"], c.measures["value"], context.unit.code)
        return Outcome(Status.SCORED, value=value, inputs=read.inputs,
                       detail=f"{c.measures['value']} = {_show(value)}")  # fmt: skip
    text = c.text_param("value")
    got = _evaluate(c, context, text)
    if isinstance(got, Outcome):
        return got
    value, read = got
    detail = f"{_with_values(text, c, read)} = {_show(value)}"
    return Outcome(Status.SCORED, value=value, inputs=read.inputs, detail=detail)


def score_survey(c: Criterion, context: Context) -> Outcome:
    """`survey`: scored by the central assessor's survey; no self-assessed points."""
    return Outcome(
        Status.SURVEY,
        detail="scored by the central assessor's sociological survey; not self-assessed",
    )


Method = Callable[[Criterion, Context], Outcome]

METHODS: dict[str, Method] = {
    "ratio": score_ratio,
    "ratio_with_floor": score_ratio,
    "boolean": score_boolean,
    "partial_credit": score_partial_credit,
    "steps": score_steps,
    "threshold_all_units": score_threshold_all_units,
    "target_met": score_target_met,
    "survey": score_survey,
    "threshold_full_else_ratio": score_rate_threshold,
    "inverse_threshold": score_rate_threshold,
    "count_capped": score_count_capped,
    "completeness": score_completeness,
    "formula": score_formula,
    "normalized_to_best": normalized_value,
}
