"""Measure keys: parsing, the canonical form, and clear refusals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.measure_keys import MeasureKey, canonical_key, parse_measure_key


def test_filters_in_any_order_have_one_canonical_form() -> None:
    a = canonical_key("dossiers_resolved{service_level=full,channel=online}")
    b = canonical_key("dossiers_resolved{channel=online,service_level=full}")
    assert a == b == "dossiers_resolved{channel=online,service_level=full}"


def test_several_values_are_sorted() -> None:
    key = parse_measure_key("dossiers_online{service_level=partial|full}")
    assert key == MeasureKey("dossiers_online", (("service_level", ("full", "partial")),))
    assert str(key) == "dossiers_online{service_level=full|partial}"
    assert key.filter_map == {"service_level": ("full", "partial")}


def test_plain_name_and_spaces_around_separators() -> None:
    assert canonical_key("units_total") == "units_total"
    assert canonical_key(" dossiers_resolved{ service_level = full , channel=online } ") == (
        "dossiers_resolved{channel=online,service_level=full}"
    )


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("dossiers_resolved{level=province", "unbalanced"),
        ("dossiers_resolved}level=province{", "before"),
        ("dossiers_resolved{level=province}}", "unbalanced"),
        ("dossiers_resolved{level=province}x", "after the closing brace"),
        ("{level=province}", "empty measure name"),
        ("dossiers_resolved{}", "empty braces"),
        ("dossiers_resolved{=province}", "empty filter name"),
        ("dossiers_resolved{level=}", "empty value of filter 'level'"),
        ("dossiers_resolved{level=province|}", "empty value"),
        ("dossiers_resolved{level}", "has no '='"),
        ("Dossiers_resolved", "outside [a-z0-9_]: 'D'"),
        ("dossiers-resolved", "outside [a-z0-9_]: '-'"),
        ("dossiers_resolved{level=Province}", "value of filter 'level'"),
        ("dossiers_resolved{level=province,level=district}", "given more than once"),
        ("dossiers_resolved{level=province|province}", "lists a value twice"),
        ('x"; DROP TABLE marts.score; --', "outside [a-z0-9_]"),
    ],
)
def test_malformed_keys_are_refused_with_the_reason(key: str, message: str) -> None:
    with pytest.raises(ValueError, match="measure key") as caught:
        parse_measure_key(key)
    assert message in str(caught.value)


_token = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_", min_size=1, max_size=8)
_filters = st.dictionaries(
    _token, st.lists(_token, min_size=1, max_size=3, unique=True), max_size=4
)


@given(name=_token, filters=_filters, data=st.data())
def test_canonical_form_ignores_order_and_is_stable(
    name: str, filters: dict[str, list[str]], data: st.DataObject
) -> None:
    def write(order: list[str]) -> str:
        parts = [f"{dim}={'|'.join(data.draw(st.permutations(filters[dim])))}" for dim in order]
        return f"{name}{{{','.join(parts)}}}" if parts else name

    first = canonical_key(write(list(filters)))
    second = canonical_key(write(data.draw(st.permutations(list(filters)))))
    assert first == second == canonical_key(first)
