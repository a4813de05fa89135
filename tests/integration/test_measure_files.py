"""The measure files (transforms/measures.yaml, measures.d/*.yaml) agree with the
catalogue and with the frameworks that read them; the transform options behave."""

from __future__ import annotations

import re

import pytest

from scoring.catalogue import load_catalogue
from scoring.framework import list_frameworks, load_framework
from scoring.measure_keys import canonical_key
from transforms.measures import (
    _transform_from_entry,
    measure_transforms,
    transform_for,
    transforms_for,
    value_sql,
)
from transforms.periods import parse_period

_TYPES = {"count": "count", "number": "number", "share": "share", "bool": "bool", "enum": "enum"}


def test_every_transform_key_is_canonical_and_catalogued_as_collected() -> None:
    catalogue = load_catalogue()
    problems = []
    for t in measure_transforms():
        if canonical_key(t.key) != t.key:
            problems.append(f"{t.key}: not canonical ({canonical_key(t.key)})")
            continue
        spec = catalogue.spec(catalogue.validate_key(t.key).name)
        if not spec.collected:
            problems.append(f"{t.key}: collected, but the catalogue says {spec.source}")
        if spec.value_type != _TYPES[t.value_type]:
            problems.append(f"{t.key}: a {t.value_type}, but the catalogue says {spec.value_type}")
    assert problems == []


def per_unit_reads(criterion_method: str, params: dict[str, object], level: str) -> list[str]:
    """The unit levels a criterion reads its measures at."""
    if criterion_method == "threshold_all_units":
        return [str(lv) for lv in params.get("unit_scope", [])]  # type: ignore[attr-defined]
    return [level]


def test_a_collected_measure_is_collected_at_every_level_a_framework_reads_it() -> None:
    """Otherwise the framework would find it neither collected nor declarable there."""
    problems = []
    for framework_id in list_frameworks():
        framework = load_framework(framework_id)
        for c in framework.criteria:
            for key in c.measures.values():
                if not transforms_for(key):
                    continue
                for level in per_unit_reads(c.method, dict(c.params), framework.unit_level):
                    if transform_for(key, level) is None:
                        problems.append(f"{framework_id} {c.id}: {key} at {level}")
    assert problems == []


def test_the_new_transform_options_are_checked() -> None:
    base = {"key": "x", "relation": "dossier_fact", "record_id": "dossier_id"}
    with pytest.raises(ValueError, match="type"):
        _transform_from_entry({**base, "type": "percent"})
    with pytest.raises(ValueError, match="roll_up"):
        _transform_from_entry({**base, "roll_up": True})
    with pytest.raises(ValueError, match="each_unit needs unit_levels"):
        _transform_from_entry({**base, "unit": "each_unit"})
    with pytest.raises(ValueError, match="period_types"):
        _transform_from_entry({**base, "period_types": ["week"]})
    yearly = _transform_from_entry({**base, "period_types": ["year"]})
    assert yearly.applies_to(parse_period("2024"))
    assert not yearly.applies_to(parse_period("2024-03"))


def test_a_yes_no_measure_is_cast_and_a_roll_up_reads_through_the_ancestors() -> None:
    flag = _transform_from_entry(
        {
            "key": "x",
            "type": "bool",
            "relation": "dossier_fact",
            "record_id": "dossier_id",
            "value": "count(*) > 0",
        }
    )
    assert "CAST(coalesce((count(*) > 0), false) AS INTEGER)" in value_sql(flag)
    rolled = transform_for("dossiers_resolved", "district")
    assert rolled is not None and rolled.roll_up
    assert "intermediate.unit_ancestor" in value_sql(rolled)
    assert transform_for("dossiers_resolved", "commune") is None


def test_an_enum_counted_per_unit_needs_a_plain_default_word() -> None:
    base = {
        "key": "x",
        "relation": "one_stop_unit_fact",
        "record_id": "unit_code",
        "unit": "by_unit",
        "unit_levels": ["department"],
        "value": "max(deployment_mode)",
    }
    with pytest.raises(ValueError, match="default"):
        _transform_from_entry({**base, "type": "enum"})
    with pytest.raises(ValueError, match="default"):
        _transform_from_entry({**base, "default": "none"})
    with pytest.raises(ValueError, match="default"):
        _transform_from_entry({**base, "type": "enum", "default": "none'); DROP TABLE x; --"})
    mode = _transform_from_entry({**base, "type": "enum", "default": "none"})
    assert "coalesce(counted.value_num, 'none')" in value_sql(mode)


def test_every_enum_transform_gives_words_of_the_catalogue() -> None:
    catalogue = load_catalogue()
    enums = [t for t in measure_transforms() if t.value_type == "enum"]
    assert enums
    for t in enums:
        words = catalogue.spec(t.name).enum_values
        assert t.default in words, t.key
        assert set(re.findall(r"'([a-z_]+)'", t.value)) <= set(words), t.key
