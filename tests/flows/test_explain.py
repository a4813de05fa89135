"""`chiso explain` over a small warehouse built here: a province, its department, two
procedures and ten dossiers loaded in two loads (three page requests), one declared
fact, then the 2024 build. Every number below is counted from those rows by hand."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from flows.build import build_period
from flows.cli import app
from flows.explain import (
    ExplainError,
    Explanation,
    arithmetic_steps,
    check_target,
    explain,
    explanation_json,
    literal_sql,
    sql_literal,
)
from flows.overrides import set_override
from flows.settings import Settings, load_settings
from scoring.framework import load_framework
from tests.contracts.samples import VALID_ROWS, frame_of
from tests.warehouse.helpers import FakePage
from warehouse.connection import open_writer
from warehouse.loader import EndpointLoad
from warehouse.publish import publish_snapshot

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()
NUMERATOR = "dossiers_resolved{channel=online,service_level=full}"
DENOMINATOR = "dossiers_resolved{service_level=full}"
T = datetime


def _unit(code: str, name: str, level: str, parent: str | None) -> dict[str, Any]:
    return {**VALID_ROWS["unit"], "unit_code": code, "unit_name": name,
            "unit_level": level, "parent_code": parent}  # fmt: skip


def _procedure(code: str, service_level: str) -> dict[str, Any]:
    return {**VALID_ROWS["procedure"], "procedure_code": code, "procedure_level": "province",
            "agency_code": "000.01.00.H01", "service_level": service_level}  # fmt: skip


def _dossier(n: int, procedure: str, channel: str, resolved: datetime | None) -> dict[str, Any]:
    received = T(2023, 12, 1) if resolved is None else resolved.replace(day=1, hour=8)
    return {
        **VALID_ROWS["dossier"], "dossier_id": f"D{n:02d}", "procedure_code": procedure,
        "unit_code": "000.01.00.H01", "channel": channel, "received_at": pd.Timestamp(received),
        "due_at": pd.Timestamp(2025, 6, 1),
        "resolved_at": None if resolved is None else pd.Timestamp(resolved),
        "status": "resolved" if resolved else "in_progress",
        "updated_at": pd.Timestamp(resolved or T(2024, 3, 1)),
    }  # fmt: skip


# Full-process dossiers resolved in 2024: D01-D07; online among them: D01-D04, and D05
# once the second load moves it online. D08 was resolved in 2023, D09 is a partial
# service, D10 is still in progress.
FIRST_PAGE = [_dossier(n, "P.FULL", "online", T(2024, n + 1, 10)) for n in range(1, 5)] + [
    _dossier(5, "P.FULL", "offline", T(2024, 6, 10))
]
SECOND_PAGE = [
    _dossier(6, "P.FULL", "offline", T(2024, 7, 10)),
    _dossier(7, "P.FULL", "postal", T(2024, 8, 10)),
    _dossier(8, "P.FULL", "online", T(2023, 12, 31)),
    _dossier(9, "P.PART", "online", T(2024, 9, 10)),
    _dossier(10, "P.FULL", "online", None),
]
LATE_CHANGE = [{**FIRST_PAGE[4], "channel": "online", "updated_at": pd.Timestamp(2025, 1, 5)}]

DECLARATION = (
    "unit,period,measure,value,evidence_doc,evidence_date,evidence_link,declared_by,declared_at\n"
    "89,2024,egov_architecture_maintained,true,Quyết định 2150/QĐ-UBND [bản 3.0],2024-09-20,"
    "https://example.gov.vn/vb/2150,Sở TTTT - Phòng CNTT,2025-01-08\n"
)


def _load(
    con: duckdb.DuckDBPyConnection,
    entity: str,
    endpoint: str,
    *pages: list[dict[str, Any]],
    query: str = "page={i}&size=5",
    run_id: str = "collect-explain-test",
) -> None:
    """One load of `pages` from TTHC's `endpoint`, each page with its own request."""
    with EndpointLoad(con, run_id=run_id, source="tthc", entity=entity, endpoint=endpoint,
                      period="incremental") as loading:  # fmt: skip
        for i, rows in enumerate(pages):
            request = f"{endpoint}?{query.format(i=i)}"
            loading.add_page(FakePage(entity, frame_of(rows), request, "tthc", endpoint))
    assert loading.result.ok, loading.result


def build_warehouse(directory: Path) -> Settings:
    """Load the rows above, declare one fact, build 2024; the settings that point at it."""
    declarations = directory / "declarations"
    declarations.mkdir(parents=True)
    (declarations / "89_2024.csv").write_text(DECLARATION, encoding="utf-8")
    settings = load_settings(
        REPO / "flows" / "chiso.toml",
        {
            "warehouse": {"path": str(directory / "chiso.duckdb"),
                          "snapshot_path": str(directory / "published" / "chiso.duckdb")},
            "declarations": {"dir": str(declarations)},
        },
    )  # fmt: skip
    with open_writer(settings.warehouse.path) as con:
        units = [_unit("89", "UBND tỉnh", "province", None),
                 _unit("000.01.00.H01", "Văn phòng UBND tỉnh", "department", "89"),
                 _unit("883", "UBND TP Long Xuyên", "district", "89"),
                 _unit("30280", "UBND phường Mỹ Bình", "commune", "883")]  # fmt: skip
        _load(con, "unit", "/api/donvi", units)
        procedures = [_procedure("P.FULL", "full"), _procedure("P.PART", "partial")]
        _load(con, "procedure", "/api/thutuc", procedures)
        _load(con, "dossier", "/api/hoso", FIRST_PAGE, SECOND_PAGE)
        _load(con, "dossier", "/api/hoso", LATE_CHANGE, query="tuNgay=01%2F01%2F2025&page={i}",
              run_id="nightly-explain-test")  # fmt: skip
        build_period(con, "2024", "89", declarations, "run-explain-test")
    return settings


def config_file(settings: Settings, directory: Path) -> Path:
    """A TOML config for the CLI pointing at the same warehouse and declarations."""
    text = (REPO / "flows" / "chiso.toml").read_text(encoding="utf-8")
    text = text.replace('path = "var/chiso.duckdb"', f'path = "{settings.warehouse.path}"')
    text = text.replace(
        'snapshot_path = "var/published/chiso.duckdb"',
        f'snapshot_path = "{settings.warehouse.snapshot_path}"',
    )
    text = text.replace('dir = "declarations"', f'dir = "{settings.declarations.dir}"')
    target = directory / "chiso.toml"
    target.write_text(text, encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Path]:
    """The warehouse above, built and published, and a config file naming it."""
    directory = tmp_path_factory.mktemp("explain")
    settings = build_warehouse(directory)
    publish_snapshot(settings.warehouse.path, None, settings.warehouse.snapshot_path)
    return settings, config_file(settings, directory)


def _measure(e: Explanation, key: str) -> Any:
    return next(m for m in e.measures if m.key == key)


def _scores(settings: Settings) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(settings.warehouse.path), read_only=True)
    try:
        return con.execute(
            "SELECT framework, unit_code, criterion, points, status, detail FROM marts.score "
            "ORDER BY ALL"
        ).fetchall()
    finally:
        con.close()


# --- a collected rate: the records, the SQL, the loads, the requests -----------------------------


def test_a_collected_rate_lists_its_records_loads_and_requests(built: tuple) -> None:
    settings, _ = built
    e = explain(settings, "par7-2024", "7.3.6", "89", "2024", sample=3)
    assert (e.points, e.max_points, e.status) == (Decimal("1.07"), Decimal("1.50"), "scored")
    assert e.steps == ("b/a = 5/7 = 0.714286 × 1.50 = 1.071429",
                       "round 1.071429 to 2 decimals, half_up → 1.07")  # fmt: skip
    assert e.source.kind == "working" and e.source.note == ""
    numerator = _measure(e, NUMERATOR)
    assert (numerator.roles, numerator.value) == (("numerator",), "5")
    [row] = numerator.rows
    p = row.collected
    assert row.used and row.origin == "collected"
    assert p.relation == "intermediate.dossier_fact" and p.period_column == "resolved_at"
    assert p.where == "status = 'resolved' AND service_level = 'full' AND channel = 'online'"
    assert (p.record_count, p.stored_record_count) == (5, 5)
    assert p.sample_ids == ("D01", "D02", "D03")
    # D01-D04 came with the first load, D05's move online with the second.
    assert [(load.endpoint, load.status) for load in p.loads] == [("/api/hoso", "completed")] * 2
    first, second = p.loads
    assert first.requests == ("/api/hoso?page=0&size=5", "/api/hoso?page=1&size=5")
    assert second.requests == ("/api/hoso?tuNgay=01%2F01%2F2025&page=0",)
    assert p.load_ids == (first.load_id, second.load_id) == p.stored_load_ids
    assert (first.run_id, second.run_id) == ("collect-explain-test", "nightly-explain-test")
    fetched = {(r.record_id, r.request) for r in p.sample_requests}
    assert fetched == {(f"D0{n}", "/api/hoso?page=0&size=5") for n in (1, 2, 3)}


def test_the_sql_lists_exactly_the_counted_records(built: tuple) -> None:
    settings, _ = built
    e = explain(settings, "par7-2024", "7.3.6", "89", "2024")
    con = duckdb.connect(str(settings.warehouse.path), read_only=True)
    try:
        for key, ids in ((NUMERATOR, ["D01", "D02", "D03", "D04", "D05"]),
                         (DENOMINATOR, [f"D0{n}" for n in range(1, 8)])):  # fmt: skip
            p = _measure(e, key).rows[0].collected
            listed = [r[0] for r in con.execute(p.sql).fetchall()]
            assert listed == ids
            assert "$" not in p.sql and "TIMESTAMP '2024-01-01 00:00:00'" in p.sql
            assert p.parameters == {"end": "TIMESTAMP '2025-01-01 00:00:00'",
                                    "start": "TIMESTAMP '2024-01-01 00:00:00'"}  # fmt: skip
            bound = {"start": T(2024, 1, 1), "end": T(2025, 1, 1)}
            assert len(con.execute(p.sql_parameterised, bound).fetchall()) == len(ids)
    finally:
        con.close()


def test_a_measure_for_one_unit_binds_the_unit(built: tuple) -> None:
    settings, _ = built
    e = explain(settings, "dti-2024-dept", "6.7", "000.01.00.H01", "2024", sample=10)
    assert (e.unit_level, e.points) == ("department", Decimal("15.00"))  # 6/8 × 20
    online = _measure(e, "dossiers_resolved{channel=online}").rows[0].collected
    assert online.transform == "measures:dossiers_resolved{channel=online}@unit"
    assert online.parameters["unit"] == "'000.01.00.H01'"
    # The department's online dossiers resolved in 2024, every service level: D09 too.
    assert online.sample_ids == ("D01", "D02", "D03", "D04", "D05", "D09")
    assert online.record_count == 6
    assert "unit_code = '000.01.00.H01'" in online.sql


def test_a_value_that_is_not_a_record_count_says_so(built: tuple) -> None:
    settings, _ = built
    e = explain(settings, "dti-2024-dept", "6.5", "000.01.00.H01", "2024")
    eligible = _measure(e, "dvc_fullonline_eligible").rows[0].collected
    assert eligible.value_expression == "count(DISTINCT procedure_code)"
    assert eligible.period_column is None and "$end" not in eligible.sql
    assert eligible.sample_ids == ("P.FULL", "P.PART") and eligible.record_count == 2
    assert [load.endpoint for load in eligible.loads] == ["/api/thutuc"]
    assert any("count(DISTINCT procedure_code) over these records" in n for n in eligible.notes)


def test_a_test_of_every_unit_below_explains_those_units_measures(built: tuple) -> None:
    settings, _ = built
    e = explain(settings, "par7-2024", "7.2.1.a", "89", "2024")
    # The department is tested on its own documents; the province has no such measure.
    assert {(m.key, m.unit) for m in e.measures} == {
        ("docs_workfiles_processed_online", "000.01.00.H01"),
        ("docs_workfiles_processed_total", "000.01.00.H01"),
    }
    units = {_measure(e, m.key).rows[0].collected.parameters["unit"] for m in e.measures}
    assert units == {"'000.01.00.H01'"}
    assert e.status == "missing_input" and "000.01.00.H01 has denominator 0" in e.detail


def test_the_sample_size_is_the_operators(built: tuple) -> None:
    settings, _ = built
    none = explain(settings, "par7-2024", "7.3.6", "89", "2024", sample=0)
    assert _measure(none, DENOMINATOR).rows[0].collected.sample_ids == ()
    assert _measure(none, DENOMINATOR).rows[0].collected.sample_requests == ()
    all_of_them = explain(settings, "par7-2024", "7.3.6", "89", "2024", sample=50)
    assert len(_measure(all_of_them, DENOMINATOR).rows[0].collected.sample_ids) == 7


# --- declared facts, sum nodes, rounding --------------------------------------------------------


def test_a_declared_fact_shows_its_evidence_file_and_line(built: tuple) -> None:
    settings, _ = built
    e = explain(settings, "par7-2024", "7.1.1", "89", "2024")
    [m] = e.measures
    [row] = m.rows
    assert (m.key, m.value, row.origin, row.collected) == (
        "egov_architecture_maintained", "true", "declared", None,
    )  # fmt: skip
    d = row.declared
    assert d is not None
    assert d.evidence["evidence_doc"] == "Quyết định 2150/QĐ-UBND [bản 3.0]"
    assert d.evidence["evidence_link"] == "https://example.gov.vn/vb/2150"
    assert d.declared_by == "Sở TTTT - Phòng CNTT"
    assert (d.file, d.line) == (str(settings.declarations.dir / "89_2024.csv"), "2")
    assert e.steps[-1] == "→ 0.50 points (rounded to 2 decimals, half_up)"


def test_a_sum_node_lists_its_children_and_the_aggregate_policy(built: tuple) -> None:
    settings, _ = built
    e = explain(settings, "par7-2024", "7.3", "89", "2024")
    assert [c.criterion for c in e.children] == list(e.rule.children)
    by_id = {c.criterion: c for c in e.children}
    assert by_id["7.3.6"].points == Decimal("1.07") and by_id["7.3.2"].status == "survey"
    assert e.measures == ()
    assert e.steps[-1].startswith("aggregate sum_of_rounded: the children's rounded points")
    assert e.rounding.decimals == 2 and e.rounding.mode == "half_up"


def test_arithmetic_steps_split_the_engines_account() -> None:
    framework = load_framework("dti-2024-dept")
    steps = arithmetic_steps(
        "v = 3; best of the group 4 (X): 3/4 × 20.00 = 15.005 → 15.01",
        "normalized_to_best", Decimal("15.01"), framework,
    )  # fmt: skip
    assert steps == ("v = 3", "best of the group 4 (X): 3/4 × 20.00 = 15.005",
                     "round 15.005 to 2 decimals, half_up → 15.01")  # fmt: skip


# --- overrides and changed data --------------------------------------------------------------


def test_an_override_shows_its_reason_and_the_value_it_replaced(tmp_path: Path) -> None:
    settings = build_warehouse(tmp_path)
    with open_writer(settings.warehouse.path) as con:
        set_override(
            con, measure=NUMERATOR, unit="89", period="2024", value="6",
            evidence="Biên bản 12/BB-STTTT", reason="D06 was filed online; TTHC lost the flag",
            operator="nguyen.van.a", now=T(2025, 2, 1, 9),
        )  # fmt: skip
        build_period(con, "2024", "89", settings.declarations.dir, "run-after-override")
    e = explain(settings, "par7-2024", "7.3.6", "89", "2024")
    assert e.points == Decimal("1.29")  # 6/7 × 1.50 = 1.2857
    override, collected = _measure(e, NUMERATOR).rows
    assert (override.origin, override.value, override.used) == ("override", "6", True)
    assert override.declared.reason == "D06 was filed online; TTHC lost the flag"
    assert override.declared.evidence["evidence"] == "Biên bản 12/BB-STTTT"
    assert override.declared.declared_by == "nguyen.van.a"
    assert override.declared.set_at == T(2025, 2, 1, 9)
    assert (collected.origin, collected.value, collected.used) == ("collected", "5", False)


def test_records_changed_since_the_build_are_flagged(tmp_path: Path) -> None:
    settings = build_warehouse(tmp_path)
    with open_writer(settings.warehouse.path) as con:
        con.execute("UPDATE staging.dossier SET channel = 'online' WHERE dossier_id = 'D06'")
    e = explain(settings, "par7-2024", "7.3.6", "89", "2024")
    p = _measure(e, NUMERATOR).rows[0].collected
    assert (p.record_count, p.stored_record_count) == (6, 5)
    assert any("the build counted 5 records; the SQL lists 6 now" in n for n in p.notes)


# --- reading while the writer holds the warehouse ---------------------------------------------


@pytest.fixture
def writer_elsewhere(built: tuple) -> Iterator[None]:
    """Another process holds the working warehouse open for writing."""
    settings, _ = built
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time\n"
         f"con = duckdb.connect({str(settings.warehouse.path)!r})\n"
         "print('holding', flush=True)\n"
         "sys.stdin.read()\n"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        yield
    finally:
        holder.communicate("", timeout=30)


def test_the_published_snapshot_is_read_when_the_writer_holds_the_file(
    built: tuple, writer_elsewhere: None
) -> None:
    settings, _ = built
    snapshot = settings.warehouse.snapshot_path
    e = explain(settings, "par7-2024", "7.3.6", "89", "2024")
    assert e.source.kind == "snapshot" and e.source.path == str(snapshot)
    assert "holds the working warehouse" in e.source.note and e.notes == (e.source.note,)
    assert _measure(e, NUMERATOR).rows[0].collected.record_count == 5


def test_no_snapshot_to_fall_back_on_is_an_operator_error(tmp_path: Path) -> None:
    settings = build_warehouse(tmp_path)
    with open_writer(settings.warehouse.path), pytest.raises(ExplainError, match="no published"):
        explain(settings, "par7-2024", "7.3.6", "89", "2024")


# --- refusals before any SQL ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("framework", "criterion", "period", "message"),
    [
        ("par7", "7.3.6", "2024", "unknown framework 'par7' (did you mean par7-2024?)"),
        ("par7-2024", "7.3.6'; drop table marts.score; --", "2024", "close ids: 7.3.6"),
        ("par7-2024", "7.3.9", "2024", "par7-2024 has no criterion '7.3.9'"),
        ("nq17", "2", "2024-03", "close ids: NQ17-02"),
        ("par7-2024", "7.3.6", "2024-13", "period '2024-13' is not a year"),
        ("par7-2024", "7.3.6", "2024-01", "par7-2024 is scored per year; '2024-01' is a month"),
    ],
)
def test_a_bad_request_is_refused_by_name(
    framework: str, criterion: str, period: str, message: str
) -> None:
    with pytest.raises(ExplainError) as refused:
        check_target(framework, criterion, period)
    assert message in str(refused.value)


@pytest.mark.parametrize(
    ("unit", "period", "message"),
    [
        ("89' OR '1'='1", "2024", "unknown unit \"89' OR '1'='1\""),
        ("883", "2024", "unit '883' (UBND TP Long Xuyên) is a district; par7-2024 scores province"),
        ("89", "2023", "period 2023 has not been built: run `chiso build --period 2023`"),
    ],
)
def test_a_unit_or_period_the_warehouse_does_not_have_is_refused(
    built: tuple, unit: str, period: str, message: str
) -> None:
    settings, _ = built
    with pytest.raises(ExplainError) as refused:
        explain(settings, "par7-2024", "7.3.6", unit, period)
    assert message in str(refused.value)


def test_literals_quote_text_and_write_times() -> None:
    assert sql_literal("89'; drop table marts.score; --") == "'89''; drop table marts.score; --'"
    assert sql_literal(T(2024, 1, 1)) == "TIMESTAMP '2024-01-01 00:00:00'"
    sql = "SELECT * FROM t WHERE unit_code = $unit AND seen < $end AND x = '$kept'"
    params = {"unit": "8'9", "end": T(2025, 1, 1)}
    assert literal_sql(sql, params) == (
        "SELECT * FROM t WHERE unit_code = '8''9' AND seen < TIMESTAMP '2025-01-01 00:00:00' "
        "AND x = '$kept'"
    )
    con = duckdb.connect()
    con.execute("CREATE TABLE t (unit_code VARCHAR, seen TIMESTAMP, x VARCHAR)")
    con.execute("INSERT INTO t VALUES ('8''9', TIMESTAMP '2024-05-01', '$kept')")
    assert con.execute(literal_sql(sql, params)).fetchall() != []


# --- the command ----------------------------------------------------------------------------------


def _invoke(config: Path, *args: str) -> Any:
    return runner.invoke(app, ["explain", "--config", str(config), *args])


def test_the_command_prints_the_rule_steps_records_and_evidence(built: tuple) -> None:
    _, config = built
    result = _invoke(config, "--framework", "par7-2024", "--criterion", "7.3.6",
                     "--unit", "89", "--period", "2024")  # fmt: skip
    assert result.exit_code == 0, result.output
    out = result.stdout
    for shown in ("Tỷ lệ hồ sơ trực tuyến toàn trình", "points 1.07 of 1.50",
                  "round 1.071429 to 2 decimals, half_up → 1.07", "intermediate.dossier_fact",
                  "/api/hoso?page=0&size=5", "D01", "read from the working warehouse"):  # fmt: skip
        assert shown in out
    declared = _invoke(config, "--framework", "par7-2024", "--criterion", "7.1.1",
                       "--unit", "89", "--period", "2024")  # fmt: skip
    assert declared.exit_code == 0, declared.output
    assert "Quyết định 2150/QĐ-UBND [bản 3.0]" in declared.stdout  # markup left alone


def test_the_json_output_has_every_part(built: tuple) -> None:
    _, config = built
    result = _invoke(config, "--framework", "par7-2024", "--criterion", "7.3.6", "--unit", "89",
                     "--period", "2024", "--format", "json", "--sample", "2")  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["points"] == "1.07" and data["rule"]["method"] == "ratio"
    assert data["inputs"] == {NUMERATOR: "5", DENOMINATOR: "7"}
    assert data["rounding"] == {"decimals": 2, "mode": "half_up", "aggregate": "sum_of_rounded"}
    collected = data["measures"][0]["rows"][0]["collected"]
    assert collected["sample_ids"] == ["D01", "D02"] and collected["record_count"] == 5
    assert collected["loads"][0]["requests"][0] == "/api/hoso?page=0&size=5"
    assert json.loads(explanation_json(explain(load_settings(config), "par7-2024", "7.3.6", "89",
                                               "2024", 2))) == data  # fmt: skip


@pytest.mark.parametrize(
    "args",
    [
        ["--framework", "par7-2024", "--criterion", "7.3.6'; drop table marts.score; --",
         "--unit", "89", "--period", "2024"],
        ["--framework", "par7-2024", "--criterion", "7.3.6", "--unit", "89",
         "--period", "2024-13"],
        ["--framework", "par7-2024", "--criterion", "7.3.6",
         "--unit", "89'); DELETE FROM marts.score; --", "--period", "2024"],
        ["--framework", "../../etc/passwd", "--criterion", "7", "--unit", "89",
         "--period", "2024"],
    ],
)  # fmt: skip
def test_hostile_arguments_exit_2_and_change_nothing(built: tuple, args: list[str]) -> None:
    settings, config = built
    before = _scores(settings)
    result = _invoke(config, *args)
    assert result.exit_code == 2
    assert "error:" in result.stderr and "Traceback" not in result.output
    assert _scores(settings) == before and before
