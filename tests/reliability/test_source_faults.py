"""Source faults end to end, against a simulator of our own: what the warehouse, the
published snapshot and the operator see after a 5xx burst, a source down for the
whole run, an empty answer where there were records, an empty page in the middle of a
listing, and records with impossible values.

Each test starts from a copy of one clean, published nightly run (`baseline`), so a
run that must keep "the previous good data" has some to keep.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from connectors.base import Page
from connectors.endpoint import EndpointSpec
from flows.collect import CollectRequest, collect_source
from flows.prefect_flows import nightly_flow
from flows.settings import Settings, load_settings
from simulator import FaultPlan, SimulatorHandle, start_simulator
from tests.reliability.conftest import SEED, reliability_config
from tests.reliability.content import file_identity
from tests.reliability.figures import FigureBook
from transforms.measures import create_fact_views
from transforms.periods import parse_period


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorHandle]:
    with start_simulator(scale=0.002, seed=SEED) as handle:
        yield handle


@pytest.fixture(autouse=True)
def no_faults_left(sim: SimulatorHandle) -> Iterator[None]:
    yield
    sim.clear_faults()


@dataclass(frozen=True)
class Baseline:
    directory: Path
    dossiers: frozenset[str]


@pytest.fixture(scope="module")
def baseline(
    prefect_api: str, sim: SimulatorHandle, tmp_path_factory: pytest.TempPathFactory
) -> Baseline:
    """One clean nightly run, published: the previous good data of every test here."""
    directory = tmp_path_factory.mktemp("baseline")
    config = reliability_config(directory, sim.base_url)
    result = nightly_flow(periods=["2024"], config=str(config))
    assert result.published, result.problems
    with duckdb.connect(str(directory / "chiso.duckdb"), read_only=True) as con:
        keys = frozenset(
            k for (k,) in con.execute("SELECT dossier_id FROM staging.dossier").fetchall()
        )
    return Baseline(directory, keys)


def copy_of(baseline: Baseline, directory: Path, sim: SimulatorHandle) -> Settings:
    """The baseline warehouse and snapshot, copied, with a config pointing at them."""
    shutil.copy2(baseline.directory / "chiso.duckdb", directory / "chiso.duckdb")
    (directory / "published").mkdir()
    shutil.copy2(
        baseline.directory / "published" / "chiso.duckdb", directory / "published" / "chiso.duckdb"
    )
    return load_settings(reliability_config(directory, sim.base_url))


def table_rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def lost(before: list[tuple[object, ...]], after: list[tuple[object, ...]]) -> int:
    """Rows of `before` no longer there, exactly as they were."""
    return len(set(before) - set(after))


STAGED_DOSSIERS = "SELECT * EXCLUDE (_load_id, _loaded_at) FROM staging.dossier ORDER BY dossier_id"


def test_a_5xx_burst_mid_listing_gives_the_same_data_as_a_clean_run(
    sim: SimulatorHandle, baseline: Baseline, tmp_path: Path, figures: FigureBook
) -> None:
    settings = load_settings(reliability_config(tmp_path, sim.base_url))
    plan = sim.set_fault("/tthc/api/hoso", FaultPlan(statuses=[None, 500, 503, 502]))

    [summary] = collect_source(
        settings, "tthc", CollectRequest(), "burst", entities=frozenset({"dossier"})
    )

    staged = table_rows(settings.warehouse.path, STAGED_DOSSIERS)
    clean = table_rows(baseline.directory / "chiso.duckdb", STAGED_DOSSIERS)
    figures.record(
        "5xx burst, then OK",
        faults_injected=3 - len([s for s in plan.statuses if s]),
        rows_lost=len(baseline.dossiers - {row[0] for row in staged}),
    )
    assert plan.statuses == []  # the second page met 500, 503 and 502 before its answer
    assert summary.status == "completed"
    assert staged == clean


def test_a_source_down_all_night_keeps_the_previous_data_and_says_where(
    sim: SimulatorHandle, baseline: Baseline, tmp_path: Path, figures: FigureBook
) -> None:
    settings = copy_of(baseline, tmp_path, sim)
    db, snapshot = settings.warehouse.path, settings.warehouse.snapshot_path
    before, published = table_rows(db, STAGED_DOSSIERS), file_identity(snapshot)
    raw_before = table_rows(db, "SELECT count(*) FROM raw.dossier")
    sim.clear_requests()
    sim.set_fault("/tthc/api/hoso", FaultPlan(always_status=503))

    result = nightly_flow(periods=["2024"], config=str(reliability_config(tmp_path, sim.base_url)))

    tries = sum(1 for r in sim.requests if r.system == "tthc" and r.path == "/api/hoso")
    after = table_rows(db, STAGED_DOSSIERS)
    kept = after == before and file_identity(snapshot) == published
    figures.record(
        "persistent 5xx", faults_injected=tries, rows_lost=lost(before, after), kept_previous=kept
    )
    assert result.snapshot is None
    [problem] = [p for p in result.problems if p.startswith("tthc/dossier")]
    assert problem.startswith("tthc/dossier failed: TTHC /api/hoso: HTTP 503 after 5 attempts")
    assert tries == 5
    assert kept
    assert table_rows(db, "SELECT count(*) FROM raw.dossier") == raw_before  # nothing written
    [(status, message)] = table_rows(
        db, f"SELECT status, message FROM meta.run WHERE run_id = '{result.run_id}'"
    )
    assert status == "failed" and message.startswith("not published: ") and problem in message


def test_an_empty_answer_where_there_were_records_blocks_publication(
    sim: SimulatorHandle, baseline: Baseline, tmp_path: Path, figures: FigureBook
) -> None:
    from flows.cli import app

    settings = copy_of(baseline, tmp_path, sim)
    db, snapshot = settings.warehouse.path, settings.warehouse.snapshot_path
    before, published = table_rows(db, STAGED_DOSSIERS), file_identity(snapshot)
    [(mark,)] = table_rows(db, "SELECT high_water FROM meta.watermark WHERE entity = 'dossier'")
    plan = sim.set_fault("/tthc/api/hoso", FaultPlan(empty_pages=1))  # `[]`, totals unchanged

    config = reliability_config(tmp_path, sim.base_url)
    outcome = CliRunner().invoke(app, ["run", "--period", "2024", "--config", str(config)])

    after = table_rows(db, STAGED_DOSSIERS)
    kept = after == before and file_identity(snapshot) == published
    figures.record(
        "empty page or sudden volume drop",
        faults_injected=1 - plan.empty_pages,
        rows_lost=lost(before, after),
        kept_previous=kept,
    )
    assert plan.empty_pages == 0
    assert outcome.exit_code == 1
    text = " ".join(outcome.output.split())
    assert (
        "Not published: tthc/dossier failed: volume drop: 0 rows fetched where the "
        "warehouse already holds" in text
    )
    assert "(floor 50%); nothing loaded, previous data kept" in text
    assert kept
    assert table_rows(db, "SELECT high_water FROM meta.watermark WHERE entity = 'dossier'") == [
        (mark,)
    ]
    [(status,)] = table_rows(
        db, "SELECT status FROM meta.load WHERE entity = 'dossier' ORDER BY load_id DESC LIMIT 1"
    )
    assert status == "failed"


def test_an_empty_page_in_the_middle_of_a_listing_fails_its_load(
    sim: SimulatorHandle, baseline: Baseline, tmp_path: Path, figures: FigureBook
) -> None:
    """LRIS follows its `Link` header past an empty page: without the guard the records
    of that page would be skipped while the watermark moves past them."""
    settings = copy_of(baseline, tmp_path, sim)
    small = settings.model_copy(
        update={"sources": {**settings.sources, "lris": settings.sources["lris"].model_copy(
            update={"page_size": 50})}}
    )  # fmt: skip
    query = "SELECT * EXCLUDE (_load_id, _loaded_at) FROM staging.report_submission ORDER BY ALL"
    before = table_rows(settings.warehouse.path, query)
    plans: list[FaultPlan] = []

    def empty_the_next_page(spec: EndpointSpec, page: Page) -> None:
        if spec.entity == "report_submission" and not plans:
            plans.append(sim.set_fault("/lris/api/bao-cao", FaultPlan(empty_pages=1)))

    [summary] = collect_source(
        small,
        "lris",
        CollectRequest(parse_period("2024")),
        "empty-middle-page",
        on_page=empty_the_next_page,
        entities=frozenset({"report_submission"}),
    )

    after = table_rows(settings.warehouse.path, query)
    kept = after == before
    figures.record(
        "empty page or sudden volume drop",
        faults_injected=sum(1 - p.empty_pages for p in plans),
        rows_lost=lost(before, after),
        kept_previous=kept,
    )
    assert plans and plans[0].empty_pages == 0
    assert summary.status == "failed"
    assert summary.message.startswith("volume drop: page /api/bao-cao?")
    assert "came back empty in the middle of the listing" in summary.message
    assert kept


def test_impossible_counts_are_quarantined_reported_and_never_reach_a_measure(
    sim: SimulatorHandle, tmp_path: Path, figures: FigureBook
) -> None:
    settings = load_settings(reliability_config(tmp_path, sim.base_url))
    plan = sim.set_fault(
        "/ioffice/api/v1/thong-ke-su-dung",
        # A negative document count, and more regular users than accounts.
        FaultPlan(replace_values={"vanBanDen": -4, "congChucThuongXuyen": 10**6}, drift_records=3),
    )

    [summary] = collect_source(
        settings, "ioffice", CollectRequest(), "impossible", entities=frozenset({"edms_usage"})
    )

    db = settings.warehouse.path
    quarantined = table_rows(
        db, "SELECT natural_key, reason FROM meta.quarantine WHERE entity = 'edms_usage'"
    )
    bad = {key for key, _ in quarantined}
    with duckdb.connect(str(db)) as con:
        create_fact_views(con)
        facts = con.execute(
            "SELECT usage_id FROM intermediate.edms_usage_fact WHERE incoming_docs < 0 "
            "OR civil_servants_regular > civil_servant_accounts OR list_contains(?, usage_id)",
            [sorted(bad)],
        ).fetchall()
        staged = con.execute(
            "SELECT count(*) FROM staging.edms_usage WHERE list_contains(?, usage_id)",
            [sorted(bad)],
        ).fetchall()
        held = {k for (k,) in con.execute("SELECT usage_id FROM staging.edms_usage").fetchall()}
    unaccounted = set(sim.province.edms_usage["id"]) - held - bad  # neither staged nor reported
    figures.record(
        "impossible values (negative counts, numerator > denominator)",
        faults_injected=3 - (plan.drift_records or 0),
        rows_lost=len(unaccounted),
    )
    assert plan.drift_records == 0
    assert summary.status == "completed"  # 3 rows of thousands: within the threshold
    assert "3 rows quarantined" in summary.message
    assert "incoming_docs" in summary.message or "civil_servants_regular" in summary.message
    assert len(quarantined) == 3
    for _, reason in quarantined:
        assert "incoming_docs: -4 < 0" in reason
        assert "civil_servants_regular" in reason and "civil_servant_accounts" in reason
    assert staged == [(0,)] and facts == []  # nothing a measure reads
    assert unaccounted == set()


def test_a_page_that_stays_truncated_stages_nothing_and_says_so(
    sim: SimulatorHandle, baseline: Baseline, tmp_path: Path, figures: FigureBook
) -> None:
    settings = copy_of(baseline, tmp_path, sim)
    db = settings.warehouse.path
    before = table_rows(db, STAGED_DOSSIERS)
    raw_before = table_rows(db, "SELECT count(*) FROM raw.dossier")
    plans: list[FaultPlan] = []

    def cut_the_next_pages(spec: EndpointSpec, page: Page) -> None:
        if spec.entity == "dossier" and not plans:  # the second page, on every attempt
            plans.append(sim.set_fault("/tthc/api/hoso", FaultPlan(truncate_responses=5)))

    [summary] = collect_source(
        settings,
        "tthc",
        CollectRequest(parse_period("2024")),
        "truncated",
        on_page=cut_the_next_pages,
        entities=frozenset({"dossier"}),
    )

    after = table_rows(db, STAGED_DOSSIERS)
    kept = after == before
    figures.record(
        "truncated or invalid JSON",
        faults_injected=sum(5 - p.truncate_responses for p in plans),
        rows_lost=lost(before, after),
        kept_previous=kept,
    )
    assert plans and plans[0].truncate_responses == 0
    assert (summary.status, summary.rows_loaded) == ("failed", 0)
    assert summary.message == "TTHC /api/hoso: invalid JSON body after 5 attempts"
    assert kept
    assert table_rows(db, "SELECT count(*) FROM raw.dossier") == raw_before


def test_schema_drift_from_the_source_is_quarantined_and_the_previous_data_kept(
    sim: SimulatorHandle, baseline: Baseline, tmp_path: Path, figures: FigureBook
) -> None:
    settings = copy_of(baseline, tmp_path, sim)
    db = settings.warehouse.path
    query = "SELECT * EXCLUDE (_load_id, _loaded_at) FROM staging.payment ORDER BY payment_id"
    before = table_rows(db, query)
    plan = sim.set_fault(
        "/tthc/api/giaodich",
        FaultPlan(replace_values={"SoTien": "N/A"}, rename_fields={"MaHoSo": "maHoSo"}),
    )

    [summary] = collect_source(
        settings,
        "tthc",
        CollectRequest(parse_period("2024")),
        "drift",
        entities=frozenset({"payment"}),
    )

    after = table_rows(db, query)
    kept = after == before
    reasons = table_rows(
        db,
        "SELECT DISTINCT reason FROM meta.quarantine q JOIN meta.load l USING (load_id) "
        "WHERE l.run_id = 'drift'",
    )
    figures.record(
        'schema drift (renamed/missing field, "N/A" in a number)',
        faults_injected=summary.rows_fetched,
        rows_lost=lost(before, after),
        kept_previous=kept,
    )
    assert plan.drift_records is None and summary.rows_fetched > 0
    assert summary.status == "rejected"
    assert summary.message.startswith(
        f"contract broken: {summary.rows_fetched} of {summary.rows_fetched} rows rejected"
    )
    assert "nothing loaded, previous data kept" in summary.message
    assert kept
    assert len(reasons) == 1
    assert "dossier_id" in reasons[0][0] and "amount: 'N/A'" in reasons[0][0]


def test_a_hanging_answer_and_a_reset_connection_are_cut_off_and_retried(
    sim: SimulatorHandle, baseline: Baseline, tmp_path: Path, figures: FigureBook
) -> None:
    settings = load_settings(reliability_config(tmp_path, sim.base_url))
    settings = settings.model_copy(
        update={"http": settings.http.model_copy(update={"read_timeout_s": 0.5})}
    )
    hang = sim.set_fault("/tthc/api/hoso", FaultPlan(delay_s=5, delay_requests=1))
    reset = sim.set_fault(
        "/tthc/api/giaodich", FaultPlan(truncate_responses=1, truncate_mode="connection")
    )
    sim.clear_requests()

    started = time.monotonic()
    summaries = collect_source(
        settings, "tthc", CollectRequest(), "hang", entities=frozenset({"dossier", "payment"})
    )
    seconds = time.monotonic() - started

    staged = table_rows(settings.warehouse.path, STAGED_DOSSIERS)
    clean = table_rows(baseline.directory / "chiso.duckdb", STAGED_DOSSIERS)
    first_pages = [r for r in sim.requests if r.path == "/api/hoso" and r.params.get("page") == "0"]
    figures.record(
        "timeout / connection reset",
        faults_injected=(1 - (hang.delay_requests or 0)) + (1 - reset.truncate_responses),
        rows_lost=len(baseline.dossiers - {row[0] for row in staged}),
    )
    assert hang.delay_requests == 0 and reset.truncate_responses == 0
    assert {s.status for s in summaries} == {"completed"}
    assert len(first_pages) == 2  # the hanging request was given up and asked again
    assert seconds < 5  # cut off at the read timeout, not waited out
    assert staged == clean


def test_records_repeated_across_pages_are_staged_once(
    sim: SimulatorHandle, tmp_path: Path, figures: FigureBook
) -> None:
    settings = load_settings(reliability_config(tmp_path, sim.base_url))
    settings = settings.model_copy(
        update={"sources": {**settings.sources, "tthc": settings.sources["tthc"].model_copy(
            update={"page_size": 20})}}
    )  # fmt: skip
    plan = sim.set_fault("/tthc/api/thutuc", FaultPlan(duplicate_pages=5))

    [summary] = collect_source(
        settings, "tthc", CollectRequest(), "dup", entities=frozenset({"procedure"})
    )

    db = settings.warehouse.path
    [(rows, keys)] = table_rows(
        db, "SELECT count(*), count(DISTINCT procedure_code) FROM staging.procedure"
    )
    source = set(sim.province.procedures["MaTTHC"])
    figures.record(
        "duplicates across pages",
        faults_injected=5 - plan.duplicate_pages,
        rows_lost=len(source) - keys,
        duplicate_keys=rows - keys,
    )
    assert plan.duplicate_pages == 0
    assert summary.rows_fetched == len(source) + 5  # five records came twice…
    assert summary.status == "completed"
    assert rows == keys == len(source)  # …and are staged once
