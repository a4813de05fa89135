"""The ITA-2018 inputs collected from the records added for them (one-stop configuration,
feedback, interlinked dossiers, leaders' handling and signatures, iOffice usage, LRIS
statistics and IT reports, NDXP links and the population database), after a real
collection over HTTP, against counts made with pandas from the generated records."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from flows.build import effective_measures
from flows.declare import is_declared
from flows.prefect_flows import collect_flow
from flows.settings import load_settings
from scoring.catalogue import load_catalogue
from scoring.framework import load_framework
from scoring.measure_keys import parse_measure_key
from simulator import SimulatorHandle
from tests.integration.truth import (
    ita_ioffice_values,
    ita_lris_ndxp_values,
    ita_tthc_values,
    units_in_force,
)
from transforms.measures import (
    bind,
    compute_collected_measures,
    create_fact_views,
    period_parameters,
    records_sql,
    transform_for,
)
from transforms.periods import parse_period
from warehouse.marts_io import replace_rows

PROVINCE = "89"
LEVEL_OF = {"dept": "department", "dist": "district", "com": "commune"}
ITA = ("ita-2018-dept", "ita-2018-dist", "ita-2018-com")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory, sim: SimulatorHandle) -> Path:
    from tests.integration.conftest import write_config

    config = write_config(tmp_path_factory.mktemp("ita"), sim.base_url)
    summaries = collect_flow(config=str(config))
    assert {s.status for s in summaries} == {"completed"}
    assert sum(s.rows_rejected for s in summaries) == 0
    return load_settings(config).warehouse.path


@pytest.fixture(scope="module")
def con(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(warehouse))
    create_fact_views(connection)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def measures(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    return {
        label: compute_collected_measures(con, parse_period(label), PROVINCE, "test")
        for label in ("2023", "2024", "2024-03")
    }


def per_unit(rows: pd.DataFrame, key: str) -> dict[str, object]:
    """key's value per unit as the engine reads it: numbers, yes/no, enum words."""
    mine = rows[(rows["measure_key"] == key) & rows["transform"].str.endswith("@unit")]
    kind = mine["value_type"].iloc[0]
    if kind == "bool":
        return dict(zip(mine["unit_code"], mine["value_text"] == "true", strict=True))
    if kind == "enum":
        return dict(zip(mine["unit_code"], mine["value_text"], strict=True))
    return dict(zip(mine["unit_code"], mine["value_num"].astype(float), strict=True))


def default_of(sample: object) -> object:
    return False if isinstance(sample, bool) else "none" if isinstance(sample, str) else 0.0


def assert_matches(
    rows: pd.DataFrame, expected: dict[str, dict[str, object]], units: pd.DataFrame
) -> None:
    for key, by_unit in expected.items():
        level = LEVEL_OF[key.split("_", 1)[0]]
        scope = set(units.loc[units["level"] == level, "MaDonVi"])
        actual = per_unit(rows, key)
        assert set(actual) == scope, key
        sample = next(iter(actual.values()))
        wanted = {u: by_unit.get(u, default_of(sample)) for u in scope}
        assert actual == pytest.approx(wanted), key


@pytest.mark.parametrize("label", ["2024", "2023"])
def test_the_added_inputs_equal_the_generated_records(
    measures: dict[str, pd.DataFrame], sim: SimulatorHandle, label: str
) -> None:
    period = parse_period(label)
    start, end = period.start, period.end
    expected = {
        **ita_tthc_values(sim.province, start, end),
        **ita_ioffice_values(sim.province, start, end),
        **ita_lris_ndxp_values(sim.province, int(label)),
    }
    assert len(expected) == 89
    assert_matches(measures[label], expected, units_in_force(sim.province, end))


def test_stocks_are_the_latest_month_of_a_month_period(
    measures: dict[str, pd.DataFrame], sim: SimulatorHandle
) -> None:
    """A month reads that month's accounts and residents digitised; flows of the month."""
    start, end = datetime(2024, 3, 1), datetime(2024, 4, 1)
    usage = ita_ioffice_values(sim.province, start, end)
    tthc = ita_tthc_values(sim.province, start, end)
    expected = {
        key: usage[key]
        for key in ("com_civil_servants_active_edms", "dist_su_employees_with_edms_account",
                    "dept_intra_province_signed_edocs_monthly", "dist_communes_leaders_"
                    "using_digital_signature")
    }  # fmt: skip
    expected["dist_feedback_answered"] = tthc["dist_feedback_answered"]
    expected["com_interlinked_c2d_dossiers_sent_online"] = tthc[
        "com_interlinked_c2d_dossiers_sent_online"
    ]
    assert_matches(measures["2024-03"], expected, units_in_force(sim.province, end))
    snapshots = sim.province.population_snapshots
    march = snapshots[snapshots["ngayChot"] == pd.Timestamp("2024-03-31")]
    got = per_unit(measures["2024-03"], "com_population_digitized")
    assert got == dict(zip(march["maDonVi"], march["soDanSoHoa"].astype(float), strict=True))
    yearly = set(measures["2024-03"]["measure_key"])
    assert "com_population" not in yearly and "dept_doc_it_plan_completion_report" not in yearly


def test_the_answers_vary_between_units(measures: dict[str, pd.DataFrame]) -> None:
    """The generated province gives every yes/no and enum input more than one answer,
    so a transform that ignored its records could not pass the tests above."""
    rows = measures["2024"]
    for key in ("dept_one_stop_deployment_mode", "dept_doc_it_plan_completion_report",
                "com_has_satisfaction_software", "com_has_sso", "com_app_civil_registry",
                "dist_has_sso"):  # fmt: skip
        assert len(set(per_unit(rows, key).values())) > 1, key


def test_collected_shares_are_fractions_typed_as_the_catalogue_types_them(
    measures: dict[str, pd.DataFrame],
) -> None:
    """A share (catalogue type `share`) computed from the records lies between 0 and 1,
    so the checkpoint's share rule and the engine read it as the fraction it is."""
    catalogue = load_catalogue()
    for label, rows in measures.items():
        shares = rows[rows["value_type"] == "share"]
        assert not shares.empty, label
        names = set(shares["measure_name"])
        assert {catalogue.spec(name).value_type for name in names} == {"share"}, label
        values = shares["value_num"].astype(float)
        outside = shares.loc[~values.between(0, 1), ["unit_code", "measure_key", "value_num"]]
        assert outside.empty, f"{label}:\n{outside}"


def test_no_system_sourced_ita_input_is_left_to_declare() -> None:
    catalogue = load_catalogue()
    left = []
    for framework_id in ITA:
        framework = load_framework(framework_id)
        for c in framework.criteria:
            for key in c.measures.values():
                spec = catalogue.spec(parse_measure_key(key).name)
                if spec.collected and (
                    is_declared(key) or transform_for(key, framework.unit_level) is None
                ):
                    left.append(f"{framework_id} {c.id}: {key} ({spec.source})")
    assert left == []


def test_a_disputed_figure_lists_its_records(
    con: duckdb.DuckDBPyConnection, measures: dict[str, pd.DataFrame]
) -> None:
    params = {**period_parameters(parse_period("2024"), PROVINCE), "unit": "883"}
    leaders = transform_for("dist_communes_leaders_using_digital_signature", "district")
    assert leaders is not None
    sql = records_sql(leaders, "883")
    records = con.execute(sql, bind(sql, params)).df()
    assert set(records["unit_level"]) == {"commune"}
    assert (
        records["signer_code"].nunique()
        == per_unit(measures["2024"], "dist_communes_leaders_using_digital_signature")["883"]
    )
    digitised = transform_for("dist_population_digitized", "district")
    assert digitised is not None
    sql = records_sql(digitised, "883")
    records = con.execute(sql, bind(sql, params)).df()
    assert set(records["snapshot_on"]) == {pd.Timestamp("2024-12-31")}
    assert (
        float(records["residents_digitised"].sum())
        == per_unit(measures["2024"], "dist_population_digitized")["883"]
    )


def test_enum_and_yes_no_inputs_read_back_as_the_catalogue_types(
    con: duckdb.DuckDBPyConnection, measures: dict[str, pd.DataFrame]
) -> None:
    rows = measures["2024"]
    con.begin()
    try:
        replace_rows(con, "marts.measure", rows, {"period": "2024", "origin": "collected"})
        values = {
            (m.unit, m.key): m.value for m in effective_measures(con, "2024", load_catalogue())
        }
    finally:
        con.rollback()
    catalogue = load_catalogue()
    mode = values[("000.01.00.H01", "dept_one_stop_deployment_mode")]
    assert mode in catalogue.spec("dept_one_stop_deployment_mode").enum_values
    assert values[("000.01.00.H01", "dept_dvc_declaration")] == "full"
    assert isinstance(values[("883", "dist_has_sso")], bool)
    rate = values[("883", "dist_households_with_computer_rate")]
    assert isinstance(rate, Decimal) and 0 < rate < 1
    assert values[("883", "dist_population_digitized")] <= values[("883", "dist_population")]
