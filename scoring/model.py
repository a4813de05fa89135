"""The values the engine reads and writes: measures, org units and score rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

# A measure's value: a number (count, amount, number, share), a yes/no fact or an enum
# word.
Value = Decimal | bool | str

ORG_UNIT_LEVELS = ("province", "department", "district", "district_office", "commune")


@dataclass(frozen=True)
class MeasureValue:
    """One measure for one org unit and one period (`key` may be non-canonical)."""

    unit: str
    period: str
    key: str
    value: Value
    evidence: str | None = None


@dataclass(frozen=True)
class OrgUnit:
    """An org unit; `parent` is the code of the unit above it (None for the province)."""

    code: str
    name: str
    level: str
    parent: str | None = None

    def __post_init__(self) -> None:
        if self.level not in ORG_UNIT_LEVELS:
            raise ValueError(
                f"org unit {self.code!r}: level {self.level!r} is not one of "
                + ", ".join(ORG_UNIT_LEVELS)
            )


class Status(StrEnum):
    """What a score row's points mean.

    scored          points computed from every input the criterion needs
    missing_input   a needed measure is absent (or a denominator is 0 with no rule);
                    points are None, never a silent 0
    incomplete      a sum node with some children scored and some missing: points are
                    the sum of the scored children only (a lower bound)
    not_applicable  the framework says the criterion does not apply here; no points
    survey          scored by the central assessor's survey, not self-assessed
    """

    SCORED = "scored"
    MISSING_INPUT = "missing_input"
    INCOMPLETE = "incomplete"
    NOT_APPLICABLE = "not_applicable"
    SURVEY = "survey"


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _json_value(value: Value) -> bool | str:
    return value if isinstance(value, bool) else str(value)


@dataclass(frozen=True)
class ScoreRow:
    """The score of one criterion for one unit and period, with its arithmetic.

    `max_points` is the self-assessed maximum (survey criteria excluded below a sum);
    `max_points_with_survey` includes them. `points`, `max_points` are already
    rounded to the framework's decimals. `met` and `target` are set by `target_met`
    criteria only; `substitution` names the rule (and article) that replaced the
    unit's own points, if one did.
    """

    framework: str
    framework_version: str
    unit: str
    period: str
    criterion: str
    parent: str | None
    name_vi: str
    name_en: str
    method: str
    max_points: Decimal
    points: Decimal | None
    status: Status
    rate: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    inputs: dict[str, Value] = field(default_factory=dict)
    detail: str = ""
    max_points_with_survey: Decimal | None = None
    met: bool | None = None
    target: Decimal | None = None
    substitution: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: numbers as strings (points with the framework's decimals)."""
        return {
            "framework": self.framework,
            "framework_version": self.framework_version,
            "unit": self.unit,
            "period": self.period,
            "criterion": self.criterion,
            "parent": self.parent,
            "name_vi": self.name_vi,
            "name_en": self.name_en,
            "method": self.method,
            "max_points": str(self.max_points),
            "max_points_with_survey": _text(self.max_points_with_survey),
            "points": _text(self.points),
            "status": str(self.status),
            "rate": None if self.rate is None else _rate_text(self.rate),
            "numerator": _text(self.numerator),
            "denominator": _text(self.denominator),
            "target": None if self.target is None else format_decimal(self.target),
            "met": self.met,
            "substitution": self.substitution,
            "inputs": {k: _json_value(v) for k, v in sorted(self.inputs.items())},
            "detail": self.detail,
        }


def _rate_text(rate: Decimal) -> str:
    """A rate with at most 6 decimals (numerator and denominator carry the exact value)."""
    return format_decimal(rate, 6)


def format_decimal(value: Decimal, places: int = 6) -> str:
    """Plain text of a decimal: at most `places` decimals (half-up), trailing zeros dropped."""
    exponent = value.as_tuple().exponent
    shown = value
    if isinstance(exponent, int) and exponent < -places:
        shown = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{shown:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
