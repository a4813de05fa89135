"""Framework files: the shipped PAR7 file loads; broken files are refused by name."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from scoring.framework import (
    METHOD_KINDS,
    FrameworkError,
    list_frameworks,
    load_framework,
    read_framework,
)
from scoring.methods import METHODS
from tests.scoring.support import par7_variant

PAR7_IDS = [
    "7", "7.1", "7.1.1", "7.1.2", "7.1.2.a", "7.1.2.b", "7.1.3", "7.1.4",
    "7.2", "7.2.1", "7.2.1.a", "7.2.1.b", "7.2.2", "7.2.2.a", "7.2.2.b", "7.2.2.c",
    "7.2.3", "7.2.3.a", "7.2.3.b",
    "7.3", "7.3.1", "7.3.1.a", "7.3.1.b", "7.3.2", "7.3.3", "7.3.4", "7.3.4.a", "7.3.4.b",
    "7.3.4.c", "7.3.5", "7.3.6", "7.3.7", "7.3.7.a", "7.3.7.b", "7.3.7.c",
]  # fmt: skip

# A small valid framework; each test breaks one thing in it.
BASE = """\
id: test-fw
version: "1"
name_vi: "Khung thử"
name_en: "Test framework"
citation: "test"
period_type: year
unit_level: province
rounding: {decimals: 2, mode: half_up, aggregate: sum_of_rounded}
criteria:
  - id: "1"
    parent: null
    name_vi: "Gốc"
    name_en: "Root"
    max: 2.50
    max_without_survey: 1.50
    method: sum
  - id: "1.1"
    parent: "1"
    name_vi: "Tỷ lệ"
    name_en: "Rate"
    max: 1.00
    method: ratio
    measures:
      numerator: ndxp_data_services_in_official_use
      denominator: ndxp_data_services_total
  - id: "1.2"
    parent: "1"
    name_vi: "Ngưỡng"
    name_en: "Floor"
    max: 0.50
    method: ratio_with_floor
    params: {floor: 0.90}
    measures:
      numerator: dvc_fullonline_provided
      denominator: dvc_fullonline_eligible
  - id: "1.3"
    parent: "1"
    name_vi: "Khảo sát"
    name_en: "Survey"
    max: 1.00
    method: survey
"""


def write(tmp_path: Path, text: str, name: str = "broken.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(tmp_path: Path, old: str, new: str) -> str:
    """The error message of BASE with `old` replaced by `new`."""
    assert old in BASE, old
    path = write(tmp_path, BASE.replace(old, new))
    with pytest.raises(FrameworkError) as caught:
        read_framework(path)
    message = str(caught.value)
    assert str(path) in message
    return message


def test_shipped_par7_loads_with_its_maxima() -> None:
    framework = load_framework("par7-2024")
    assert framework.id == "par7-2024" and framework.period_type == "year"
    assert framework.unit_level == "province"
    assert (framework.max_points, framework.self_assessed_max) == (
        Decimal("13.50"),
        Decimal("12.50"),
    )
    section = framework.criterion("7.3")
    assert (section.max_points, section.self_assessed_max) == (Decimal("7.00"), Decimal("6.00"))
    assert [c.id for c in framework.criteria] == PAR7_IDS
    rounding = framework.rounding
    assert (rounding.decimals, rounding.mode, rounding.aggregate) == (
        2,
        "half_up",
        "sum_of_rounded",
    )


def test_shipped_par7_reads_the_spec_parameters() -> None:
    framework = load_framework("par7-2024")
    assert framework.criterion("7.3.5").decimal_param("floor") == Decimal("0.90")
    assert framework.criterion("7.2.2.c").decimal_param("required_share") == Decimal("0.80")
    assert framework.criterion("7.1.2.a").decimal_param("partial_factor") == Decimal("0.5")
    assert framework.criterion("7.2.1.b").texts_param("unit_scope") == ("district_office",)
    assert framework.criterion("7.3.2").method == "survey"
    assert framework.criterion("7.3.6").measures["numerator"] == (
        "dossiers_resolved{channel=online,service_level=full}"
    )


def test_list_and_load_by_id() -> None:
    assert "par7-2024" in list_frameworks()
    with pytest.raises(FrameworkError, match=r"unknown framework 'par9-2099'.*par7-2024"):
        load_framework("par9-2099")


def test_every_known_method_kind_has_an_implementation() -> None:
    assert set(METHODS) | {"sum"} == set(METHOD_KINDS)


def test_base_fixture_is_valid(tmp_path: Path) -> None:
    framework = read_framework(write(tmp_path, BASE, "ok.yaml"))
    assert (framework.max_points, framework.self_assessed_max) == (Decimal("2.50"), Decimal("1.50"))


def test_sum_mismatch_is_refused(tmp_path: Path) -> None:
    message = refused(
        tmp_path,
        "max: 0.50\n    method: ratio_with_floor",
        "max: 0.75\n    method: ratio_with_floor",
    )
    assert "criterion 1: children's maxima add up to 2.75" in message


def test_unknown_method_is_refused(tmp_path: Path) -> None:
    message = refused(tmp_path, "method: ratio\n", "method: normalised_ratio\n")
    assert "criterion 1.1: unknown method kind 'normalised_ratio'" in message


def test_unknown_measure_is_refused(tmp_path: Path) -> None:
    message = refused(
        tmp_path, "numerator: ndxp_data_services_in_official_use", "numerator: ndxp_services_used"
    )
    assert "criterion 1.1: measures.numerator: unknown measure 'ndxp_services_used'" in message


def test_malformed_measure_key_is_refused(tmp_path: Path) -> None:
    message = refused(
        tmp_path,
        "numerator: dvc_fullonline_provided",
        "numerator: 'dvc_fullonline_provided{level=province'",
    )
    assert "criterion 1.2: measures.numerator" in message and "braces" in message


def test_filter_not_allowed_is_refused(tmp_path: Path) -> None:
    message = refused(
        tmp_path,
        "numerator: dvc_fullonline_provided",
        "numerator: 'dvc_fullonline_provided{level=province}'",
    )
    assert "criterion 1.2" in message and "cannot be filtered on 'level'" in message


def test_cycle_is_refused(tmp_path: Path) -> None:
    text = BASE.replace('id: "1.1"\n    parent: "1"', 'id: "1.1"\n    parent: "1.2"').replace(
        'id: "1.2"\n    parent: "1"', 'id: "1.2"\n    parent: "1.1"'
    )
    path = write(tmp_path, text)
    with pytest.raises(FrameworkError) as caught:
        read_framework(path)
    assert f"{path}: criterion 1.1: its parent chain loops: 1.1 → 1.2 → 1.1" in str(caught.value)


def test_orphan_parent_is_refused(tmp_path: Path) -> None:
    message = refused(tmp_path, 'id: "1.2"\n    parent: "1"', 'id: "1.2"\n    parent: "9"')
    assert "criterion 1.2: parent '9' is not a criterion of this file" in message


def test_duplicate_id_is_refused(tmp_path: Path) -> None:
    message = refused(tmp_path, 'id: "1.2"', 'id: "1.1"')
    assert "criterion 1.1: duplicate id" in message


def test_missing_parameter_is_refused(tmp_path: Path) -> None:
    message = refused(tmp_path, "params: {floor: 0.90}", "params: {}")
    assert "criterion 1.2: ratio_with_floor needs parameter(s) floor" in message


def test_parameter_out_of_range_is_refused(tmp_path: Path) -> None:
    message = refused(tmp_path, "params: {floor: 0.90}", "params: {floor: 90}")
    assert "criterion 1.2: parameter floor must be a number between 0 and 1" in message


def test_wrong_measure_type_for_the_method_is_refused(tmp_path: Path) -> None:
    message = refused(
        tmp_path, "denominator: dvc_fullonline_eligible", "denominator: portal_ipv6_enabled"
    )
    assert "criterion 1.2: measures.denominator portal_ipv6_enabled is a bool" in message


def test_survey_below_needs_explicit_max_without_survey(tmp_path: Path) -> None:
    message = refused(tmp_path, "    max_without_survey: 1.50\n", "")
    assert "criterion 1: a survey criterion lies below: declare max_without_survey" in message


def test_wrong_max_without_survey_is_refused(tmp_path: Path) -> None:
    message = refused(tmp_path, "max_without_survey: 1.50", "max_without_survey: 2.50")
    assert "criterion 1: children's maxima without survey add up to 1.50" in message


def test_unquoted_id_is_refused(tmp_path: Path) -> None:
    message = refused(tmp_path, 'id: "1.2"', "id: 1.2")
    assert "must be quoted text" in message


def test_more_decimals_than_the_rounding_is_refused(tmp_path: Path) -> None:
    message = refused(tmp_path, "max: 1.00\n    method: ratio", "max: 1.005\n    method: ratio")
    assert "criterion 1.1: max 1.005 has more than the framework's 2 decimals" in message


def test_bad_rounding_mode_is_refused(tmp_path: Path) -> None:
    message = refused(tmp_path, "mode: half_up", "mode: banker")
    assert "rounding.mode 'banker'" in message


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = BASE.replace("method: ratio\n", "method: nope\n").replace(
        "params: {floor: 0.90}", "params: {}"
    )
    with pytest.raises(FrameworkError) as caught:
        read_framework(write(tmp_path, text))
    assert len(caught.value.errors) == 2


def test_invalid_yaml_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "id: [unclosed\n")
    with pytest.raises(FrameworkError, match=r"broken\.yaml"):
        read_framework(path)


def test_steps_must_cover_every_enum_value(tmp_path: Path) -> None:
    with pytest.raises(FrameworkError) as caught:
        par7_variant(tmp_path, {"        - {value: none, points: 0}\n": ""})
    assert "criterion 7.3.3: steps give no points for none" in str(caught.value)


def test_a_sum_node_reads_no_measures(tmp_path: Path) -> None:
    message = refused(
        tmp_path,
        "    method: sum\n",
        "    method: sum\n    measures: {fact: portal_ipv6_enabled}\n",
    )
    assert "criterion 1: sum reads no measures (remove fact)" in message
