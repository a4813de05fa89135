"""Per-method checks of a criterion's measures and parameters, run when a file loads.

Each method kind declares the measure roles it reads (numerator, denominator, fact,
deployed, compliant, level) with the value types they need, and its required and
optional parameters. A check returns messages; the loader prefixes file and criterion.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from scoring.catalogue import NUMERIC_TYPES, Catalogue, MeasureSpec
from scoring.expressions import ExpressionError, parse_expression
from scoring.measure_keys import parse_measure_key
from scoring.model import ORG_UNIT_LEVELS

if TYPE_CHECKING:
    from scoring.framework import Criterion

# The method kinds the engine implements (ARCHITECTURE §4, scoring/README.md).
METHOD_KINDS = (
    "sum",
    "ratio",
    "ratio_with_floor",
    "threshold_full_else_ratio",
    "inverse_threshold",
    "boolean",
    "partial_credit",
    "steps",
    "threshold_all_units",
    "target_met",
    "survey",
    "count_capped",
    "completeness",
    "normalized_to_best",
    "formula",
)
NUMBER_TYPES = NUMERIC_TYPES  # a share is a number from 0 to 1
ZERO_DENOMINATOR_RULES = ("missing_input", "not_applicable")


def as_decimal(value: Any) -> Decimal | None:
    """A YAML number as a Decimal (ints included, booleans not); None if not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    return value if isinstance(value, Decimal) and value.is_finite() else None


_Check = Callable[["Criterion", Catalogue, list[str]], None]


def _spec(cat: Catalogue, key: str) -> MeasureSpec:
    return cat.spec(parse_measure_key(key).name)


def _roles(c: Criterion, required: set[str], out: list[str]) -> None:
    given = set(c.measures)
    if given == required:
        return
    if not required:
        out.append(f"{c.method} reads no measures (remove {', '.join(sorted(given))})")
        return
    missing, extra = sorted(required - given), sorted(given - required)
    parts = ([f"missing {', '.join(missing)}"] if missing else []) + (
        [f"unexpected {', '.join(extra)}"] if extra else []
    )
    out.append(f"{c.method} needs measures {', '.join(sorted(required))} ({'; '.join(parts)})")


def _params_known(c: Criterion, required: set[str], optional: set[str], out: list[str]) -> None:
    missing = sorted(required - set(c.params))
    if missing:
        out.append(f"{c.method} needs parameter(s) {', '.join(missing)}")
    unknown = sorted(set(c.params) - required - optional)
    if unknown:
        out.append(f"{c.method} takes no parameter(s) {', '.join(unknown)}")


def _share(c: Criterion, name: str, out: list[str]) -> None:
    value = c.params.get(name)
    if name in c.params and not (isinstance(value, Decimal) and 0 <= value <= 1):
        out.append(f"parameter {name} must be a number between 0 and 1, not {value!r}")


def _typed(c: Criterion, role: str, types: tuple[str, ...], cat: Catalogue, out: list[str]) -> None:
    key = c.measures.get(role)
    if key is None:
        return
    spec = _spec(cat, key)
    if spec.value_type not in types:
        out.append(
            f"measures.{role} {key} is a {spec.value_type}; {c.method} needs {'/'.join(types)}"
        )


def _rate_roles(c: Criterion, cat: Catalogue, out: list[str]) -> None:
    _roles(c, {"numerator", "denominator"}, out)
    for role in ("numerator", "denominator"):
        _typed(c, role, NUMBER_TYPES, cat, out)


def _zero_rule(c: Criterion, out: list[str]) -> None:
    rule = c.params.get("zero_denominator")
    if rule is not None and rule not in ZERO_DENOMINATOR_RULES:
        out.append(f"zero_denominator {rule!r} is not one of {', '.join(ZERO_DENOMINATOR_RULES)}")


def _check_ratio(c: Criterion, cat: Catalogue, out: list[str]) -> None:
    _rate_roles(c, cat, out)
    floor = {"floor"} if c.method == "ratio_with_floor" else set()
    _params_known(c, floor, {"zero_denominator"}, out)
    _share(c, "floor", out)
    _zero_rule(c, out)


def _check_boolean(c: Criterion, cat: Catalogue, out: list[str]) -> None:
    if "fact" in c.measures:
        _roles(c, {"fact"}, out)
        _typed(c, "fact", ("bool",), cat, out)
        _params_known(c, set(), set(), out)
        return
    _rate_roles(c, cat, out)
    _params_known(c, {"min_rate"}, {"zero_denominator"}, out)
    _share(c, "min_rate", out)
    _zero_rule(c, out)


def _check_partial_credit(c: Criterion, cat: Catalogue, out: list[str]) -> None:
    _roles(c, {"deployed", "compliant"}, out)
    for role in ("deployed", "compliant"):
        _typed(c, role, ("bool",), cat, out)
    _params_known(c, {"partial_factor"}, set(), out)
    _share(c, "partial_factor", out)


def _steps_table(c: Criterion, out: list[str]) -> list[str] | None:
    """The enum values the steps table lists, or None (with a message) if it is malformed."""
    steps = c.params.get("steps")
    if not isinstance(steps, list) or not steps:
        out.append("steps must be a non-empty list of {value: ..., points: ...}")
        return None
    for step in steps:
        if not isinstance(step, dict) or set(step) != {"value", "points"}:
            out.append(f"step {step!r} must be {{value: ..., points: ...}}")
            return None
        points = as_decimal(step["points"])
        if points is None or not 0 <= points <= c.max_points:
            given = step["points"]
            out.append(f"step {step['value']} gives {given!r} points, not 0-{c.max_points}")
    values = [str(step["value"]) for step in steps]
    if len(set(values)) != len(values):
        out.append("steps list a value twice")
    return values


def _numeric_steps(c: Criterion, out: list[str]) -> None:
    steps = c.params.get("steps")
    if not isinstance(steps, list) or not steps:
        out.append("steps must be a non-empty list of {at_least: ..., points: ...}")
        return
    bars: list[Decimal] = []
    for step in steps:
        if not isinstance(step, dict) or set(step) != {"at_least", "points"}:
            out.append(f"step {step!r} must be {{at_least: ..., points: ...}} for a numeric level")
            return
        bar, points = as_decimal(step["at_least"]), as_decimal(step["points"])
        if bar is None or points is None or not 0 <= points <= c.max_points:
            out.append(f"step {step!r} needs a number at_least and points 0-{c.max_points}")
            return
        bars.append(bar)
    if bars != sorted(set(bars), reverse=True):
        out.append("numeric steps must go from the highest at_least down, each once")


def _check_steps(c: Criterion, cat: Catalogue, out: list[str]) -> None:
    _roles(c, {"level"}, out)
    _params_known(c, {"steps"}, set(), out)
    key = c.measures.get("level")
    if key is not None and _spec(cat, key).value_type in NUMBER_TYPES:
        _numeric_steps(c, out)
        return
    _typed(c, "level", ("enum",), cat, out)
    values = _steps_table(c, out)
    key = c.measures.get("level")
    if values is None or key is None or _spec(cat, key).value_type != "enum":
        return
    allowed = _spec(cat, key).enum_values
    uncovered = sorted(set(allowed) - set(values))
    unknown = sorted(set(values) - set(allowed))
    if uncovered:
        out.append(f"steps give no points for {', '.join(uncovered)}")
    if unknown:
        out.append(f"steps list values {key} cannot take: {', '.join(unknown)}")


def _check_threshold(c: Criterion, cat: Catalogue, out: list[str]) -> None:
    form = c.params.get("form")
    if form == "aggregate":
        _rate_roles(c, cat, out)
        _params_known(c, {"form", "required_share"}, {"zero_denominator"}, out)
        _zero_rule(c, out)
    elif form == "per_unit":
        if "fact" in c.measures:
            _roles(c, {"fact"}, out)
            _typed(c, "fact", ("bool",), cat, out)
            _params_known(c, {"form", "required_share", "unit_scope"}, set(), out)
        else:
            _rate_roles(c, cat, out)
            _params_known(c, {"form", "required_share", "unit_scope", "unit_min_rate"}, set(), out)
            _share(c, "unit_min_rate", out)
        scope = c.params.get("unit_scope")
        if not isinstance(scope, list) or not scope or not set(scope) <= set(ORG_UNIT_LEVELS):
            out.append(
                f"unit_scope must be a list of org-unit levels ({', '.join(ORG_UNIT_LEVELS)})"
            )
    else:
        out.append(f"threshold_all_units needs parameter form: per_unit or aggregate, not {form!r}")
    _share(c, "required_share", out)


def _check_survey(c: Criterion, cat: Catalogue, out: list[str]) -> None:
    _roles(c, set(), out)
    _params_known(c, set(), {"components"}, out)
    components = c.params.get("components")
    if components is None:
        return
    parts = components.values() if isinstance(components, dict) else [None]
    values = [as_decimal(v) for v in parts]
    if any(v is None for v in values):
        out.append("components must map each part to its points")
        return
    total = sum((v for v in values if v is not None), Decimal(0))
    if total != c.max_points:
        out.append(f"components add up to {total}, not max {c.max_points}")


def _check_sum(c: Criterion, cat: Catalogue, out: list[str]) -> None:
    _roles(c, set(), out)
    _params_known(c, set(), {"scale_to_max"}, out)
    if "scale_to_max" in c.params and not isinstance(c.params["scale_to_max"], bool):
        out.append("scale_to_max must be true or false")


def _check_rate_threshold(c: Criterion, cat: Catalogue, out: list[str]) -> None:
    _rate_roles(c, cat, out)
    _params_known(c, {"threshold"}, {"zero_denominator"}, out)
    _share(c, "threshold", out)
    _zero_rule(c, out)


def _numeric_roles(c: Criterion, cat: Catalogue, out: list[str]) -> None:
    for role in c.measures:
        _typed(c, role, NUMBER_TYPES, cat, out)


def _check_count_capped(c: Criterion, cat: Catalogue, out: list[str]) -> None:
    _params_known(c, {"per_item"}, {"caps"}, out)
    if not c.measures:
        out.append("count_capped needs at least one measure role")
    _numeric_roles(c, cat, out)
    for name in ("per_item", "caps"):
        table = c.params.get(name, {} if name == "caps" else None)
        if not isinstance(table, dict) or any(as_decimal(v) is None for v in table.values()):
            out.append(f"{name} must map measure roles to points")
            continue
        unknown = sorted(set(map(str, table)) - set(c.measures))
        if unknown:
            out.append(f"{name} names roles with no measure: {', '.join(unknown)}")
        if name == "per_item" and set(map(str, table)) != set(c.measures):
            out.append("per_item must give points for every measure role")


def _check_completeness(c: Criterion, cat: Catalogue, out: list[str]) -> None:
    _roles(c, {"share"}, out)
    _typed(c, "share", ("share",), cat, out)
    _params_known(c, {"step"}, set(), out)
    step = as_decimal(c.params.get("step"))
    if "step" in c.params and (step is None or not 0 < step <= c.max_points):
        out.append(f"step must be a number above 0 and at most max {c.max_points}")


def _check_expression(c: Criterion, text: Any, out: list[str]) -> None:
    if not isinstance(text, str):
        out.append(f"the expression must be text, not {text!r}")
        return
    try:
        expression = parse_expression(text)
    except ExpressionError as exc:
        out.append(str(exc))
        return
    unknown = sorted(expression.names - set(c.measures))
    unused = sorted(set(c.measures) - expression.names)
    if unknown:
        out.append(f"expression uses {', '.join(unknown)}, which are not measure roles")
    if unused:
        out.append(f"measure roles {', '.join(unused)} are not used by the expression")


def _check_formula(c: Criterion, cat: Catalogue, out: list[str]) -> None:
    _params_known(c, {"expression"}, {"zero_denominator"}, out)
    _numeric_roles(c, cat, out)
    _zero_rule(c, out)
    if "expression" in c.params:
        _check_expression(c, c.params["expression"], out)


def _check_normalized(c: Criterion, cat: Catalogue, out: list[str]) -> None:
    _params_known(c, set(), {"value", "zero_denominator"}, out)
    _numeric_roles(c, cat, out)
    _zero_rule(c, out)
    if "value" in c.params:
        _check_expression(c, c.params["value"], out)
    else:
        _roles(c, {"value"}, out)


def _check_target_met(c: Criterion, cat: Catalogue, out: list[str]) -> None:
    if "fact" in c.measures:
        _roles(c, {"fact"}, out)
        _typed(c, "fact", ("bool",), cat, out)
        _params_known(c, {"target"}, {"comparator"}, out)
    elif "numerator_2" in c.measures or "denominator_2" in c.measures:
        _roles(c, {"numerator", "denominator", "numerator_2", "denominator_2"}, out)
        for role in c.measures:
            _typed(c, role, NUMBER_TYPES, cat, out)
        _params_known(c, {"target", "target_2"}, {"comparator", "zero_denominator"}, out)
        _share(c, "target_2", out)
    else:
        _rate_roles(c, cat, out)
        _params_known(c, {"target"}, {"comparator", "zero_denominator"}, out)
    _share(c, "target", out)
    _zero_rule(c, out)
    if c.params.get("comparator", ">=") != ">=":
        out.append(f"comparator {c.params['comparator']!r} is not supported (only >=)")


_CHECKS: dict[str, _Check] = {
    "sum": _check_sum,
    "ratio": _check_ratio,
    "ratio_with_floor": _check_ratio,
    "boolean": _check_boolean,
    "partial_credit": _check_partial_credit,
    "steps": _check_steps,
    "threshold_all_units": _check_threshold,
    "target_met": _check_target_met,
    "survey": _check_survey,
    "threshold_full_else_ratio": _check_rate_threshold,
    "inverse_threshold": _check_rate_threshold,
    "count_capped": _check_count_capped,
    "completeness": _check_completeness,
    "normalized_to_best": _check_normalized,
    "formula": _check_formula,
}


def check_method(c: Criterion, catalogue: Catalogue) -> list[str]:
    """Problems with a criterion's measures and parameters for its method (none if unknown)."""
    check = _CHECKS.get(c.method)
    found: list[str] = []
    if check is not None:
        check(c, catalogue, found)
    return found
