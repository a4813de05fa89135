"""Paging shifts during a pull: records are inserted behind the pager while an
endpoint is being paged (`FaultPlan.insert_while_paging`).

Offset-paged systems (TTHC, LRIS) then serve a record twice across pages, and every
paging style misses the inserted records in that pull. What must hold: staging never
holds a natural key twice, and the next incremental pull (its look-back window covers
the inserted records' update time) delivers them, so nothing is lost.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
import requests

from flows.collect import CollectRequest, collect_source
from flows.settings import Settings, load_settings
from simulator import ENTITIES, FaultPlan, SimulatorHandle, start_simulator
from tests.reliability.conftest import SEED, reliability_config
from tests.reliability.figures import FigureBook
from tests.simulator.helpers import tthc_token

ROW = "paging shifts during a pull"
INSERTS = 3


@dataclass(frozen=True)
class Listing:
    source: str
    entity: str
    path: str
    repeats: bool  # offset paging serves a record twice when the listing shifts


LISTINGS = [
    Listing("tthc", "dossier", "/tthc/api/hoso", repeats=True),
    Listing("lris", "report_submission", "/lris/api/bao-cao", repeats=True),
    Listing("ioffice", "incoming_document", "/ioffice/api/v1/van-ban-den", repeats=False),
]


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorHandle]:
    with start_simulator(scale=0.002, seed=SEED) as handle:
        yield handle


def _small_pages(settings: Settings, size: int) -> Settings:
    sources = {n: s.model_copy(update={"page_size": size}) for n, s in settings.sources.items()}
    return settings.model_copy(update={"sources": sources})


def _collect(settings: Settings, listing: Listing, run_id: str) -> None:
    [summary] = collect_source(
        settings, listing.source, CollectRequest(), run_id, entities=frozenset({listing.entity})
    )
    assert summary.status == "completed", summary.message


def _source_keys(sim: SimulatorHandle, entity: str) -> set[str]:
    attribute, key, _ = ENTITIES[entity]
    return set(getattr(sim.province, attribute)[key].astype(str))


def _staged(db: Path, entity: str, key: str) -> tuple[set[str], int]:
    """The staged keys, and how many rows repeat a key."""
    with duckdb.connect(str(db), read_only=True) as con:
        keys = [k for (k,) in con.execute(f"SELECT {key} FROM staging.{entity}").fetchall()]
    return set(keys), len(keys) - len(set(keys))


def _repeats_in_load(db: Path, entity: str, key: str, run_id: str) -> int:
    """Rows of a run's load whose key an earlier page of the same load already had."""
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            f"SELECT count(*) - count(DISTINCT r.{key}) FROM raw.{entity} AS r "
            "JOIN meta.load AS l ON l.load_id = r._load_id WHERE l.run_id = ?",
            [run_id],
        ).fetchall()
    return int(rows[0][0])


def test_the_knob_inserts_behind_the_pager_and_the_next_page_repeats(
    sim: SimulatorHandle,
) -> None:
    session = requests.Session()
    headers = {"Authorization": f"Bearer {tthc_token(session, sim.base_url)}"}
    plan = sim.set_fault("/tthc/api/giaodich", FaultPlan(insert_while_paging=1))
    try:
        pages = [
            [
                r["MaGiaoDich"]
                for r in session.get(
                    f"{sim.url('tthc')}/api/giaodich",
                    params={"size": 5, "page": page},
                    headers=headers,
                    timeout=10,
                ).json()["content"]
            ]
            for page in range(3)
        ]
    finally:
        sim.clear_faults("/tthc/api/giaodich")
    assert pages[2][0] == pages[1][-1]  # shifted by the record inserted behind page 1
    assert pages[1][0] != pages[0][-1]  # the first page inserts nothing
    assert plan.insert_while_paging == 0 and len(plan.inserted) == 1
    assert plan.inserted[0].startswith(f"{pages[1][0]}-CHEN")  # a copy of page 1's first
    assert plan.inserted[0] not in {k for page in pages for k in page}


@pytest.mark.parametrize("listing", LISTINGS, ids=lambda listing: listing.source)
def test_records_inserted_while_paging_are_neither_doubled_nor_lost(
    listing: Listing, sim: SimulatorHandle, tmp_path: Path, figures: FigureBook
) -> None:
    settings = load_settings(reliability_config(tmp_path, sim.base_url))
    db = settings.warehouse.path
    _, key_field, _ = ENTITIES[listing.entity]
    key = _key_column(listing.entity)
    _collect(settings, listing, "first-full-pull")
    settings = _small_pages(settings, 10)
    # Late updates, so that the incremental window spans several pages.
    attribute = ENTITIES[listing.entity][0]
    for source_key in getattr(sim.province, attribute)[key_field].head(50):
        sim.update_record(listing.entity, str(source_key))

    plan = sim.set_fault(listing.path, FaultPlan(insert_while_paging=INSERTS))
    try:
        _collect(settings, listing, "shifted-pull")
    finally:
        sim.clear_faults(listing.path)
    after_shift, doubled_after_shift = _staged(db, listing.entity, key)
    repeats = _repeats_in_load(db, listing.entity, key, "shifted-pull")

    _collect(settings, listing, "next-incremental-pull")
    staged, doubled = _staged(db, listing.entity, key)
    lost = _source_keys(sim, listing.entity) - staged
    figures.record(
        ROW, faults_injected=len(plan.inserted), rows_lost=len(lost), duplicate_keys=doubled
    )

    assert len(plan.inserted) == INSERTS  # the fault really happened
    if listing.repeats:
        assert repeats >= 1  # …and shifted the pages: a record came twice
    else:
        assert repeats == 0  # a cursor does not repeat
    assert doubled_after_shift == 0 and doubled == 0
    assert not set(plan.inserted) & after_shift  # behind the pager: missed by that pull
    assert set(plan.inserted) <= staged  # …delivered by the next one
    assert lost == set()


def _key_column(entity: str) -> str:
    from contracts.entities import NATURAL_KEYS

    [key] = NATURAL_KEYS[entity]
    return key
