"""Reading a source's pages ahead of the mapping changes nothing the caller sees: the
same pages in the same order, the same counts, and an error where the page that failed
would have come."""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import pytest

from connectors import tthc
from connectors.endpoint import PullStats, fetch_endpoint
from connectors.errors import PagingError
from connectors.http import HttpClient
from connectors.paging import Paging, Params, RawPage


@dataclass(frozen=True)
class ScriptedPaging(Paging):
    """Pages of made-up dossiers; raises instead of the page numbered `fail_at`."""

    pages_total: int = 5
    fail_at: int | None = None
    default_page_size: int = 3
    max_page_size: int = 3

    def pages(
        self, client: HttpClient, endpoint: str, params: Params, page_size: int
    ) -> Iterator[RawPage]:
        for number in range(self.pages_total):
            if number == self.fail_at:
                raise PagingError("page lost", source="tthc", endpoint=endpoint, attempts=1)
            records = [
                {
                    "MaHoSo": f"HS{(number * page_size + i) // 2}",
                    "NgayCapNhat": "01/01/2024 00:00:00",
                }
                for i in range(page_size)
            ]
            yield RawPage(records, f"{endpoint}?page={number}", datetime(2024, 1, 1))


def _pull(
    make_client: Callable[..., HttpClient], read_ahead: int, **paging: Any
) -> tuple[list[str], PullStats, str | None]:
    spec = replace(tthc.DOSSIERS, paging=ScriptedPaging(**paging))
    stats = PullStats()
    seen: list[str] = []
    try:
        for page in fetch_endpoint(make_client("tthc"), spec, stats=stats, read_ahead=read_ahead):
            seen.append(f"{page.request} {page.frame['dossier_id'].tolist()}")
    except PagingError as error:
        return seen, stats, str(error)
    return seen, stats, None


@pytest.mark.parametrize("read_ahead", [1, 2, 10])
def test_pages_counts_and_errors_are_those_of_a_plain_pull(
    make_client: Callable[..., HttpClient], read_ahead: int
) -> None:
    for paging in ({}, {"fail_at": 0}, {"fail_at": 3}, {"pages_total": 0}):
        plain = _pull(make_client, 0, **paging)
        ahead = _pull(make_client, read_ahead, **paging)
        assert ahead[0] == plain[0] and ahead[2] == plain[2], paging
        assert ahead[1] == plain[1], paging
    seen, stats, error = _pull(make_client, 1, fail_at=3)
    assert len(seen) == 3 and error == "page lost" and stats.duplicates_seen > 0


def test_a_pull_left_early_stops_reading(make_client: Callable[..., HttpClient]) -> None:
    spec = replace(tthc.DOSSIERS, paging=ScriptedPaging(pages_total=10_000))
    pages = fetch_endpoint(make_client("tthc"), spec, read_ahead=2)
    assert isinstance(pages, Generator)
    next(pages)
    pages.close()
    for _ in range(50):
        if not any(t.name.startswith("chiso-read-tthc") for t in threading.enumerate()):
            break
        threading.Event().wait(0.05)
    assert not any(t.name.startswith("chiso-read-tthc") for t in threading.enumerate())
