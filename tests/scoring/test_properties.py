"""Properties of the engine over generated measures (hypothesis)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.engine import score_framework
from scoring.model import MeasureValue, ScoreRow, Status
from tests.scoring.support import PERIOD, org_units, par7, perfect_measures, score, with_values

# Each rate criterion of PAR7 with its (numerator, denominator) keys; every method kind
# that reads a rate is here: ratio, ratio_with_floor, boolean with min_rate, and the
# aggregate form of threshold_all_units.
RATE_CRITERIA = {
    "7.1.3": ("apps_with_shared_data_via_lgsp", "apps_with_shared_data"),
    "7.2.2.c": ("units_connected_4level{level=commune}", "units_total{level=commune}"),
    "7.2.3.b": ("report_regimes_supplied_on_time", "report_regimes_required"),
    "7.3.4.b": (
        "dossiers_digitised_with_e_result{level=district}",
        "dossiers_resolved{level=district}",
    ),
    "7.3.5": ("dvc_fullonline_provided", "dvc_fullonline_eligible"),
    "7.3.6": (
        "dossiers_resolved{channel=online,service_level=full}",
        "dossiers_resolved{service_level=full}",
    ),
    "7.3.7.c": ("payment_scope_dossiers_paid_online", "payment_scope_dossiers_resolved"),
}

criteria = st.sampled_from(sorted(RATE_CRITERIA))
denominators = st.integers(min_value=0, max_value=10**7)


@st.composite
def fractions(draw: st.DrawFn) -> tuple[int, int]:
    a = draw(denominators)
    return draw(st.integers(min_value=0, max_value=a)), a


def rate_row(criterion: str, b: int, a: int) -> ScoreRow:
    numerator, denominator = RATE_CRITERIA[criterion]
    values = {numerator: Decimal(b), denominator: Decimal(a)}
    return score(with_values(perfect_measures(), values))[criterion]


@settings(max_examples=150)
@given(criterion=criteria, fraction=fractions())
def test_points_stay_within_zero_and_max(criterion: str, fraction: tuple[int, int]) -> None:
    b, a = fraction
    row = rate_row(criterion, b, a)
    if a == 0:
        assert row.points is None
    else:
        assert row.points is not None and Decimal(0) <= row.points <= row.max_points


@settings(max_examples=150)
@given(criterion=criteria, fraction=fractions(), step=st.integers(min_value=0, max_value=10**6))
def test_points_never_fall_when_the_numerator_rises(
    criterion: str, fraction: tuple[int, int], step: int
) -> None:
    b, a = fraction
    higher = min(b + step, a)
    low, high = rate_row(criterion, b, a), rate_row(criterion, higher, a)
    if a > 0:
        assert low.points is not None and high.points is not None
        assert low.points <= high.points


@given(criterion=criteria, b=st.integers(min_value=0, max_value=10**7))
def test_zero_denominator_never_gives_a_silent_zero(criterion: str, b: int) -> None:
    row = rate_row(criterion, b, 0)
    assert row.status in (Status.MISSING_INPUT, Status.NOT_APPLICABLE)
    assert row.points is None
    assert "denominator is 0" in row.detail


def _random_province(draw: st.DrawFn) -> list[MeasureValue]:
    """The perfect measure set with numbers redrawn (≤ their denominators' scale) and gaps."""
    measures = []
    for m in perfect_measures():
        if draw(st.integers(min_value=0, max_value=9)) == 0:
            continue  # about one measure in ten is absent
        value = m.value
        if isinstance(value, Decimal):
            value = Decimal(draw(st.integers(min_value=0, max_value=int(value) * 2)))
        elif isinstance(value, bool):
            value = draw(st.booleans())
        else:
            value = draw(st.sampled_from(["full", "partial", "none"]))
        measures.append(MeasureValue(m.unit, m.period, m.key, value))
    return measures


random_provinces = st.composite(_random_province)


@settings(max_examples=60)
@given(measures=random_provinces(), data=st.data())
def test_result_is_deterministic_and_independent_of_row_order(
    measures: list[MeasureValue], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(measures))
    first = score_framework(par7(), PERIOD, measures, org_units())
    assert score_framework(par7(), PERIOD, shuffled, org_units()) == first
    assert score_framework(par7(), PERIOD, list(reversed(measures)), org_units()) == first
    assert [r.to_dict() for r in score_framework(par7(), PERIOD, measures, org_units())] == [
        r.to_dict() for r in first
    ]


@settings(max_examples=60)
@given(measures=random_provinces())
def test_parents_add_up_their_children_and_status_follows(measures: list[MeasureValue]) -> None:
    rows = score(measures)
    for row in rows.values():
        if row.points is not None:
            assert Decimal(0) <= row.points <= row.max_points, row.criterion
        if row.method != "sum":
            continue
        kids = [r for r in rows.values() if r.parent == row.criterion]
        with_points = [k for k in kids if k.points is not None]
        unscored = [k for k in kids if k.status in (Status.MISSING_INPUT, Status.INCOMPLETE)]
        if with_points:
            assert row.points == sum(
                (k.points for k in with_points if k.points is not None), Decimal(0)
            )
        if unscored and with_points:
            assert row.status == Status.INCOMPLETE
        elif unscored:
            assert (row.status, row.points) == (Status.MISSING_INPUT, None)
        else:
            assert row.status == Status.SCORED
