"""`chiso explain` after a nightly run for 2024 against the simulator: the records behind
PAR7 7.3.6 are the generated dossiers, the SQL lists exactly them, the loads and page
requests are the ones the simulator served; a declared criterion shows its evidence; a
DTI criterion for a department; JSON with every part; hostile arguments refused."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.prefect_flows import nightly_flow
from flows.settings import Settings, load_settings
from simulator import SimulatorHandle

NUMERATOR = "dossiers_resolved{channel=online,service_level=full}"
DENOMINATOR = "dossiers_resolved{service_level=full}"
DEPARTMENT = "000.03.00.H01"
runner = CliRunner()


@pytest.fixture(scope="module")
def nightly(tmp_path_factory: pytest.TempPathFactory, sim: SimulatorHandle) -> Path:
    from tests.integration.conftest import write_config

    config = write_config(tmp_path_factory.mktemp("explain"), sim.base_url)
    result = nightly_flow(periods=["2024"], config=str(config))
    assert result.published, result.problems
    return config


def _explain(config: Path, *args: str) -> Any:
    return runner.invoke(app, ["explain", "--config", str(config), *args])


def _json(config: Path, framework: str, criterion: str, unit: str, *extra: str) -> dict:
    result = _explain(config, "--framework", framework, "--criterion", criterion,
                      "--unit", unit, "--period", "2024", "--format", "json", *extra)  # fmt: skip
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


def _query(settings: Settings, sql: str, params: dict[str, object] | None = None) -> list:
    con = duckdb.connect(str(settings.warehouse.path), read_only=True)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


def _stored_value(settings: Settings, unit: str, key: str) -> int:
    [(value,)] = _query(
        settings,
        "SELECT value_num FROM marts.measure WHERE unit_code = $u AND period = '2024' "
        "AND measure_key = $k AND origin = 'collected'",
        {"u": unit, "k": key},
    )
    return int(value)


def _collected(data: dict, key: str) -> dict:
    [measure] = [m for m in data["measures"] if m["key"] == key]
    [row] = measure["rows"]
    assert row["origin"] == "collected" and row["used"] is True
    return dict(row["collected"])


def test_par7_736_traces_to_the_generated_dossiers_and_the_requests_that_fetched_them(
    nightly: Path, sim: SimulatorHandle
) -> None:
    settings = load_settings(nightly)
    data = _json(nightly, "par7-2024", "7.3.6", "89", "--sample", "5")
    assert data["source"]["kind"] == "working"
    generated = set(sim.province.dossiers["MaHoSo"].astype(str))
    served = {(r.system, r.path, tuple(sorted(r.params.items()))) for r in sim.requests}
    for key in (NUMERATOR, DENOMINATOR):
        p = _collected(data, key)
        assert p["transform"] == f"measures:{key}"
        assert p["relation"] == "intermediate.dossier_fact"
        value = _stored_value(settings, "89", key)
        assert p["record_count"] == p["stored_record_count"] == value > 0
        assert len(p["sample_ids"]) == 5 and set(p["sample_ids"]) <= generated
        listed = _query(settings, p["sql"])
        assert len(listed) == value
        assert set(p["sample_ids"]) <= {str(row[0]) for row in listed}
        assert p["loads"], "the loads behind the records"
        for load in p["loads"]:
            assert (load["source"], load["entity"], load["endpoint"]) == (
                "tthc", "dossier", "/api/hoso",
            )  # fmt: skip
            assert load["status"] == "completed" and load["requests"]
            for request in load["requests"]:
                url = urlsplit(request)
                assert url.path == "/api/hoso"
                assert ("tthc", url.path, tuple(sorted(parse_qsl(url.query)))) in served
        requested = {r["record_id"] for r in p["sample_requests"]}
        assert requested == set(p["sample_ids"])
        assert all(r["request"].startswith("/api/hoso?") for r in p["sample_requests"])
    assert data["inputs"] == {
        NUMERATOR: str(_stored_value(settings, "89", NUMERATOR)),
        DENOMINATOR: str(_stored_value(settings, "89", DENOMINATOR)),
    }


def test_the_table_names_the_transform_the_records_and_the_requests(nightly: Path) -> None:
    result = _explain(nightly, "--framework", "par7-2024", "--criterion", "7.3.6",
                      "--unit", "89", "--period", "2024")  # fmt: skip
    assert result.exit_code == 0, result.output
    for shown in (f"measures:{NUMERATOR}", "intermediate.dossier_fact", "records counted",
                  "/api/hoso?page=0&size=1000", "loads behind these records",
                  "read from the working warehouse"):  # fmt: skip
        assert shown in result.stdout


def test_a_declared_criterion_shows_its_evidence_document(nightly: Path) -> None:
    data = _json(nightly, "par7-2024", "7.1.1", "89")
    [measure] = data["measures"]
    [row] = measure["rows"]
    assert (measure["key"], row["origin"], row["collected"]) == (
        "egov_architecture_maintained", "declared", None,
    )  # fmt: skip
    declared = row["declared"]
    assert "2150/QĐ-UBND" in declared["evidence"]["evidence_doc"]
    assert declared["declared_by"] == "Sở TTTT - Phòng CNTT"
    assert declared["file"].endswith("89_2024.csv") and declared["line"] == "2"
    table = _explain(nightly, "--framework", "par7-2024", "--criterion", "7.1.1",
                     "--unit", "89", "--period", "2024")  # fmt: skip
    assert table.exit_code == 0 and "2150/QĐ-UBND" in table.stdout


def test_a_dti_criterion_for_a_department(nightly: Path) -> None:
    settings = load_settings(nightly)
    data = _json(nightly, "dti-2024-dept", "6.7", DEPARTMENT)
    assert (data["unit"], data["unit_level"]) == (DEPARTMENT, "department")
    [(points,)] = _query(
        settings,
        "SELECT points FROM marts.score WHERE framework = 'dti-2024-dept' AND period = '2024' "
        "AND criterion = '6.7' AND unit_code = $u",
        {"u": DEPARTMENT},
    )
    assert data["points"] == str(points.quantize(Decimal("0.01")))
    for key in ("dossiers_resolved{channel=online}", "dossiers_resolved"):
        p = _collected(data, key)
        assert p["transform"] == f"measures:{key}@unit"
        assert p["parameters"]["unit"] == f"'{DEPARTMENT}'"
        value = _stored_value(settings, DEPARTMENT, key)
        assert p["record_count"] == value == len(_query(settings, p["sql"]))


def test_a_sum_node_gives_its_childrens_points(nightly: Path) -> None:
    data = _json(nightly, "par7-2024", "7.3", "89")
    children = {c["criterion"]: c for c in data["children"]}
    assert list(children) == ["7.3.1", "7.3.2", "7.3.3", "7.3.4", "7.3.5", "7.3.6", "7.3.7"]
    assert children["7.3.2"]["status"] == "survey"
    counted = [Decimal(c["points"]) for c in children.values() if c["points"] is not None]
    assert sum(counted) == Decimal(data["points"])
    assert data["rounding"]["aggregate"] == "sum_of_rounded"


def _score_table(config: Path) -> list:
    return _query(load_settings(config), "SELECT * FROM marts.score ORDER BY ALL")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--criterion", "7.3.6'; drop table marts.score; --", "--unit", "89",
          "--period", "2024"], "close ids: 7.3.6"),
        (["--criterion", "7.3.6", "--unit", "89", "--period", "2024-13"],
         "period '2024-13' is not"),
        (["--criterion", "7.3.6", "--unit", "999", "--period", "2024"], "unknown unit '999'"),
        (["--criterion", "7.3.6", "--unit", "89", "--period", "2023"],
         "period 2023 has not been built"),
    ],
)  # fmt: skip
def test_hostile_or_unknown_arguments_are_refused_and_nothing_changes(
    nightly: Path, args: list[str], message: str
) -> None:
    before = _score_table(nightly)
    result = _explain(nightly, "--framework", "par7-2024", *args)
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())
    assert _score_table(nightly) == before and before
