"""The measure catalogue: keys checked against it, raw values coerced by it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from scoring.catalogue import (
    CatalogueError,
    coerce_measure_value,
    load_catalogue,
    read_catalogue,
    validate_measure_key,
)
from scoring.framework import load_framework


def test_every_measure_par7_reads_is_catalogued_with_its_type() -> None:
    catalogue = load_catalogue()
    for criterion in load_framework("par7-2024").criteria:
        for key in criterion.measures.values():
            catalogue.validate_key(key)
    assert catalogue.spec("tthc_is_status").enum_values == ("full", "partial", "none")
    assert catalogue.spec("dossiers_resolved").filters["channel"] == ("online", "offline")
    assert catalogue.spec("egov_architecture_maintained").collected is False
    assert catalogue.spec("dvc_fullonline_provided").collected is True


def test_valid_keys_come_back_canonical() -> None:
    assert validate_measure_key("dossiers_resolved{service_level=partial|full,level=district}") == (
        "dossiers_resolved{level=district,service_level=full|partial}"
    )


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (
            "dossier_resolved",
            "unknown measure 'dossier_resolved' (did you mean 'dossiers_resolved'?)",
        ),
        (
            "apps_with_shared_data{level=province}",
            "apps_with_shared_data cannot be filtered on 'level'",
        ),
        (
            "dossiers_resolved{channel=email}",
            "channel=email is not allowed (channel takes online, offline)",
        ),
        ("units_total{level=province", "unbalanced"),
    ],
)
def test_invalid_keys_name_the_problem(key: str, message: str) -> None:
    with pytest.raises(CatalogueError) as caught:
        validate_measure_key(key)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("key", "raw", "expected"),
    [
        ("portal_ipv6_enabled", "true", True),
        ("portal_ipv6_enabled", " FALSE ", False),
        ("apps_with_shared_data", "58123", Decimal(58123)),
        ("tthc_is_status", "partial", "partial"),
        ("dept_web_news", "0.45", Decimal("0.45")),
        ("dept_web_news", "1", Decimal(1)),
        ("dept_web_news", "0", Decimal(0)),
        ("dept_bw_ftth_mbps", "45", Decimal(45)),
    ],
)
def test_raw_values_are_coerced_to_the_measure_type(key: str, raw: str, expected: object) -> None:
    value = coerce_measure_value(key, raw)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [
        ("portal_ipv6_enabled", "yes", "not a yes/no value (write true or false)"),
        ("apps_with_shared_data", "58.123", "not a whole number"),
        ("apps_with_shared_data", "58,123", "no thousands separator"),
        ("apps_with_shared_data", "-1", "negative"),
        ("apps_with_shared_data", "1e3", "not a number"),
        ("apps_with_shared_data", "NaN", "not a number"),
        ("apps_with_shared_data", "", "empty value"),
        ("tthc_is_status", "complete", "'complete' is not one of full, partial, none"),
        (
            "dept_web_news",
            "45",
            "is a share: 45 is above 100% (write a share as a fraction, 0.45 for 45%)",
        ),
        ("dept_web_news", "1.01", "is a share: 1.01 is above 100%"),
        ("dept_web_news", "-0.2", "is a share: -0.2 is below 0%"),
        ("dept_web_news", "45%", "not a number"),
    ],
)
def test_bad_values_are_refused_with_the_reason(key: str, raw: str, message: str) -> None:
    with pytest.raises(CatalogueError) as caught:
        coerce_measure_value(key, raw)
    assert message in str(caught.value) and key in str(caught.value)


def test_a_catalogue_with_an_unknown_dimension_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.yaml"
    path.write_text(
        "dimensions:\n  level: {values: [province]}\n"
        "measures:\n  x_total: {type: count, source: TTHC, filters: [region]}\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError, match=r"measure 'x_total': unknown dimension 'region'"):
        read_catalogue(path)


def test_a_catalogue_can_restrict_a_dimension(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.yaml"
    path.write_text(
        "dimensions:\n  level: {values: [province, district, commune]}\n"
        "measures:\n  x_total: {type: count, source: TTHC, filters: {level: [province]}}\n",
        encoding="utf-8",
    )
    catalogue = read_catalogue(path)
    assert str(catalogue.validate_key("x_total{level=province}")) == "x_total{level=province}"
    with pytest.raises(CatalogueError, match="level takes province"):
        catalogue.validate_key("x_total{level=commune}")


def test_a_share_type_is_read_and_checked_and_an_unknown_type_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.yaml"
    path.write_text(
        "dimensions:\n  level: {values: [province]}\n"
        "measures:\n  x_rate: {type: share, source: MANUAL}\n",
        encoding="utf-8",
    )
    catalogue = read_catalogue(path)
    spec = catalogue.spec("x_rate")
    assert (spec.value_type, spec.numeric) == ("share", True)
    assert catalogue.coerce("x_rate", "0.45") == Decimal("0.45")
    with pytest.raises(CatalogueError, match=r"x_rate is a share: 45 is above 100%"):
        catalogue.coerce("x_rate", "45")
    path.write_text(
        "dimensions:\n  level: {values: [province]}\n"
        "measures:\n  x_rate: {type: percent, source: MANUAL}\n",
        encoding="utf-8",
    )
    with pytest.raises(
        CatalogueError,
        match=r"measure 'x_rate': type 'percent' is not one of count, amount, number, share, bool",
    ):
        read_catalogue(path)


def test_a_measure_is_a_share_only_when_the_catalogue_says_so() -> None:
    """The type, not the words: a `number` that speaks of rates stays a number."""
    catalogue = load_catalogue()
    assert catalogue.spec("dist_households_with_computer_rate").value_type == "share"
    assert catalogue.spec("dept_web_qa_completeness").value_type == "share"
    summed = catalogue.spec("dept_dvc_level3_dossier_rate_sum")
    assert summed.value_type == "number"
    assert coerce_measure_value(summed.name, "2.5") == Decimal("2.5")
