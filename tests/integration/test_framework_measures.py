"""NQ17, DTI and ITA-2018 collected measures (transforms/measures.d) against counts made
with pandas from the simulator's generated records, after a real collection over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from flows.build import effective_measures
from flows.prefect_flows import collect_flow
from flows.settings import load_settings
from scoring.catalogue import load_catalogue
from simulator import SimulatorHandle
from tests.integration.truth import (
    dti_unit_values,
    ita_unit_values,
    nq17_values,
    units_in_force,
)
from transforms.measures import (
    bind,
    compute_collected_measures,
    create_fact_views,
    period_parameters,
    records_sql,
    transform_for,
    value_sql,
)
from transforms.periods import Period, months_of, parse_period
from warehouse.marts_io import replace_rows

PROVINCE = "89"
PERIODS = ("2023-12", "2024-01", "2024-03", "2024")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory, sim: SimulatorHandle) -> Path:
    """A warehouse holding everything the simulator serves (one full collection)."""
    from tests.integration.conftest import write_config

    config = write_config(tmp_path_factory.mktemp("measures"), sim.base_url)
    summaries = collect_flow(config=str(config))
    assert {s.status for s in summaries} == {"completed"}
    return load_settings(config).warehouse.path


@pytest.fixture(scope="module")
def con(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(warehouse))
    create_fact_views(connection)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def measures(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """Every collected measure of each test period, as marts.measure rows."""
    return {
        label: compute_collected_measures(con, parse_period(label), PROVINCE, "test")
        for label in PERIODS
    }


def window(label: str) -> Period:
    return parse_period(label)


def province_values(rows: pd.DataFrame) -> dict[str, object]:
    mine = rows[rows["unit_code"] == PROVINCE]
    return {
        key: (text == "true") if vtype == "bool" else int(num)
        for key, num, text, vtype in mine[
            ["measure_key", "value_num", "value_text", "value_type"]
        ].itertuples(index=False)
    }


def unit_values(rows: pd.DataFrame, key: str) -> dict[str, float]:
    """key's value per unit (the per-unit rows, not the province's)."""
    mine = rows[(rows["measure_key"] == key) & rows["transform"].str.endswith("@unit")]
    return dict(zip(mine["unit_code"], mine["value_num"].astype(float), strict=True))


# --- NQ17: province-wide, per month --------------------------------------------------


@pytest.mark.parametrize("label", ["2024-03", "2023-12"])
def test_nq17_monthly_measures_equal_the_generated_records(
    measures: dict[str, pd.DataFrame], sim: SimulatorHandle, label: str
) -> None:
    period = window(label)
    expected = nq17_values(sim.province, period.start, period.end)
    actual = province_values(measures[label])
    assert {k: actual[k] for k in expected} == expected
    assert expected["dossiers_received_local"] > 0 and expected["docs_issued_non_secret"] > 0


def test_nq17_booleans_are_stored_as_yes_no_facts_that_follow_the_platform(
    measures: dict[str, pd.DataFrame], sim: SimulatorHandle
) -> None:
    seen = set()
    for label in PERIODS:
        period = window(label)
        expected = nq17_values(sim.province, period.start, period.end)
        rows = measures[label].set_index("measure_key")
        for key in ("autofill_from_population_db", "business_registry_db_connected"):
            row = rows.loc[key]
            assert row["value_type"] == "bool"
            assert row["value_text"] == ("true" if expected[key] else "false")
            assert row["value_num"] == (1 if expected[key] else 0)
            seen.add(expected[key])
    assert seen == {True, False}  # the periods cover both answers


def test_the_months_of_a_year_add_up_to_the_year(
    con: duckdb.DuckDBPyConnection, measures: dict[str, pd.DataFrame]
) -> None:
    year = province_values(measures["2024"])
    for key in ("dossiers_received_local", "work_files_online{level=district}",
                "periodic_reports_via_lris"):  # fmt: skip
        t = transform_for(key, "province")
        assert t is not None and t.period_column is not None
        sql = value_sql(t)
        months = [
            con.execute(sql, bind(sql, period_parameters(p, PROVINCE))).fetchone()[1]
            for p in months_of(2024)
        ]
        assert sum(months) == year[key] and max(months) < year[key], key


# --- DTI: per department and district, a district with its offices and communes --------


def test_dti_per_unit_measures_equal_the_generated_records(
    measures: dict[str, pd.DataFrame], sim: SimulatorHandle
) -> None:
    period = window("2024")
    expected = dti_unit_values(sim.province, period.start, period.end)
    rows = measures["2024"]
    for key, by_unit in expected.items():
        actual = unit_values(rows, key)
        assert len(actual) == 20 + 11, key
        assert set(by_unit) <= set(actual), key
        assert actual == {u: float(by_unit.get(u, 0)) for u in actual}, key


def test_a_district_counts_its_communes_and_every_dossier_counts_once(
    measures: dict[str, pd.DataFrame], sim: SimulatorHandle
) -> None:
    rows = measures["2024"]
    per_unit = unit_values(rows, "dossiers_resolved")
    province = province_values(rows)
    levels = ("province", "district", "commune")
    all_resolved = sum(province[f"dossiers_resolved{{level={lv}}}"] for lv in levels)  # type: ignore[misc]
    assert sum(per_unit.values()) == all_resolved
    district = "883"
    own = measures["2024"]
    direct = own[(own["measure_key"] == "dist_dossiers_received") & (own["unit_code"] == district)]
    communes = own[
        (own["measure_key"] == "dist_communes_dossiers_received") & (own["unit_code"] == district)
    ]
    assert int(communes["value_num"].iloc[0]) > 0 and int(direct["value_num"].iloc[0]) > 0


def test_the_records_behind_a_rolled_up_figure_are_listed_with_their_own_unit(
    con: duckdb.DuckDBPyConnection, measures: dict[str, pd.DataFrame]
) -> None:
    t = transform_for("dossiers_resolved", "district")
    assert t is not None and t.roll_up
    sql = records_sql(t, "883")
    params = {**period_parameters(parse_period("2024"), PROVINCE), "unit": "883"}
    records = con.execute(sql, bind(sql, params)).df()
    assert len(records) == unit_values(measures["2024"], "dossiers_resolved")["883"]
    assert set(records["unit_level"]) == {"district", "commune"}
    assert set(records.loc[records["unit_level"] == "district", "member_unit_code"]) == {"883"}


# --- ITA-2018: per department, district and commune --------------------------------------


def test_ita_per_unit_inputs_equal_the_generated_records(
    measures: dict[str, pd.DataFrame], sim: SimulatorHandle
) -> None:
    period = window("2024")
    expected = ita_unit_values(sim.province, period.start, period.end)
    rows = measures["2024"]
    in_force = units_in_force(sim.province, period.end)["level"].value_counts()
    level_of = {"com": "commune", "dist": "district", "commune": "district", "dept": "department"}
    for key, by_unit in expected.items():
        actual = unit_values(rows, key)
        assert len(actual) == in_force[level_of[key.split("_", 1)[0]]], key
        assert set(by_unit) <= set(actual), key
        assert actual == pytest.approx({u: float(by_unit.get(u, 0)) for u in actual}), key
    assert any(expected["dept_dvc_level3_dossier_rate_sum"].values())


def test_a_province_figure_read_at_each_department_and_year_only_measures(
    measures: dict[str, pd.DataFrame], sim: SimulatorHandle
) -> None:
    year = measures["2024"]
    total = len(sim.province.procedures)
    per_dept = unit_values(year, "province_procedures_total")
    assert len(per_dept) == 20 and set(per_dept.values()) == {float(total)}
    assert province_values(year)["province_procedures_total"] == total
    month = measures["2024-03"]
    assert "dept_dvc_level3_dossier_rate_sum" not in set(month["measure_key"])
    assert "dept_dvc_level3_dossier_rate_sum" in set(year["measure_key"])


# --- the rows land in marts.measure and read back with the catalogue's types ------------


def test_bool_and_number_measures_pass_the_mart_contract_and_read_back_typed(
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
    assert values[(PROVINCE, "autofill_from_population_db")] in (True, False)
    assert isinstance(values[("000.01.00.H01", "dept_edms_deployed")], bool)
    rate = values[("000.03.00.H01", "dept_dvc_level4_dossier_rate_sum")]
    assert isinstance(rate, Decimal) and not isinstance(rate, bool)
    assert values[(PROVINCE, "dossiers_received_local")] == Decimal(
        province_values(rows)["dossiers_received_local"]  # type: ignore[arg-type]
    )
