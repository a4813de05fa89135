"""Pages fetched ahead of the load arrive as a plain loop would give them: in order,
each shown to the page hook before the next is requested, errors where they happened
(a source error ends only its own endpoint)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pandas as pd
import pytest

import flows.collect as collect
from connectors.base import Page
from connectors.endpoint import PullStats
from connectors.errors import SourceUnavailableError
from connectors.registry import endpoints_of

SPECS = endpoints_of("tthc")[:3]


class FakeClient:
    source = "tthc"


def _page(spec: Any, number: int) -> Page:
    return Page(
        source=spec.source,
        entity=spec.entity,
        endpoint=spec.path,
        request=f"{spec.path}?page={number}",
        fetched_at=datetime(2024, 1, 1),
        frame=pd.DataFrame({"n": [number]}),
    )


reads_ahead: list[int] = []


def _fake_fetch(events: list[str], fail: dict[str, BaseException], pages: int = 3) -> Any:
    def fetch_endpoint(
        client: Any, spec: Any, *, since: Any, stats: PullStats, read_ahead: int = 0
    ) -> Iterator[Page]:
        reads_ahead.append(read_ahead)

        def walk() -> Iterator[Page]:
            for number in range(pages):
                events.append(f"request {spec.entity} {number}")
                if number == 1 and spec.entity in fail:
                    raise fail[spec.entity]
                stats.pages += 1
                stats.rows += 1
                yield _page(spec, number)

        return walk()

    return fetch_endpoint


def _consume(
    ahead: int, monkeypatch: pytest.MonkeyPatch, fail: dict[str, BaseException]
) -> tuple[list[str], list[object]]:
    events: list[str] = []
    lock = threading.Lock()

    def hook(spec: Any, page: Page) -> None:
        with lock:
            events.append(f"hook {spec.entity} {page.request.rsplit('=', 1)[1]}")

    monkeypatch.setattr(collect, "fetch_endpoint", _fake_fetch(events, fail))
    pulls = [collect._Pull(spec, None) for spec in SPECS]
    outcomes: list[object] = []
    with collect._Prefetch(FakeClient(), pulls, hook, ahead) as prefetch:  # type: ignore[arg-type]
        for index, pull in enumerate(pulls):
            try:
                for page in collect._observed(prefetch.pages(index)):
                    outcomes.append(page.request)
            except SourceUnavailableError as error:
                outcomes.append(f"{pull.spec.entity}: {error} after {pull.stats.rows} rows")
    return events, outcomes


@pytest.mark.parametrize("ahead", [0, 1, 2, 8])
def test_pages_errors_and_hooks_come_as_a_plain_loop_gives_them(
    ahead: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    error = SourceUnavailableError("TTHC down", source="tthc", endpoint="/x", attempts=3)
    events, outcomes = _consume(ahead, monkeypatch, {SPECS[1].entity: error})
    plain_events, plain_outcomes = _consume(0, monkeypatch, {SPECS[1].entity: error})
    assert outcomes == plain_outcomes
    assert events == plain_events  # every hook before the next request
    first, second, _ = (spec.entity for spec in SPECS)
    assert f"{second}: TTHC down after 1 rows" in outcomes
    assert events[:2] == [f"request {first} 0", f"hook {first} 0"]
    assert outcomes[-1] == f"{SPECS[2].path}?page=2"
    assert set(reads_ahead) == {0}  # with a hook, no page is requested before it ran


@pytest.mark.parametrize("ahead", [0, 2])
def test_another_error_stops_the_collection_where_it_happened(
    ahead: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(KeyError, match="boom"):
        _consume(ahead, monkeypatch, {SPECS[0].entity: KeyError("boom")})


def test_a_load_that_stops_early_stops_the_fetching(monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[str] = []
    monkeypatch.setattr(collect, "fetch_endpoint", _fake_fetch(events, {}, pages=1000))
    pulls = [collect._Pull(spec, None) for spec in SPECS]
    prefetch = collect._Prefetch(FakeClient(), pulls, None, 2)  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="load failed"), prefetch:
        next(prefetch.pages(0))
        raise RuntimeError("load failed")
    assert prefetch._thread is not None and not prefetch._thread.is_alive()
    assert len(events) < 10
