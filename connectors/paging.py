"""Paging styles of the source systems.

Each style walks one endpoint through `HttpClient.get_json` and yields the raw records
of every page with the request that fetched them. Every style stops on the last page
as its system signals it and can never loop forever: a next-page link that repeats,
or more pages than `HttpSettings.max_pages`, raises `PagingError`.
"""

from __future__ import annotations

import itertools
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from connectors.errors import BadResponseError, PagingError
from connectors.http import HttpClient, JsonResponse

Params = Mapping[str, str | int]


@dataclass(frozen=True)
class RawPage:
    """The records of one page as the source sent them."""

    records: list[dict[str, Any]]
    request: str
    fetched_at: datetime


class Paging(ABC):
    """How one system splits a listing into pages."""

    default_page_size: int
    max_page_size: int

    def page_size(self, configured: int | None) -> int:
        """The configured page size, or the default, within the system's maximum."""
        return min(configured or self.default_page_size, self.max_page_size)

    @abstractmethod
    def pages(
        self, client: HttpClient, endpoint: str, params: Params, page_size: int
    ) -> Iterator[RawPage]:
        """Yield every page of `endpoint` (path under the base URL) with `params`."""


@dataclass(frozen=True)
class PageNumberPaging(Paging):
    """Numbered pages in a JSON object that says how many pages there are (TTHC)."""

    page_param: str = "page"
    size_param: str = "size"
    first_page: int = 0
    items_key: str = "content"
    total_pages_key: str = "totalPages"
    default_page_size: int = 1000
    max_page_size: int = 1000

    def pages(
        self, client: HttpClient, endpoint: str, params: Params, page_size: int
    ) -> Iterator[RawPage]:
        for count in itertools.count(1):
            _check_ceiling(client, endpoint, count)
            number = self.first_page + count - 1
            query = {**params, self.page_param: number, self.size_param: page_size}
            response = client.get_json(endpoint, query, endpoint=endpoint)
            body = _object(client, endpoint, response)
            records = _records(client, endpoint, response, body.get(self.items_key))
            total = body.get(self.total_pages_key)
            if not isinstance(total, int) or isinstance(total, bool):
                raise _bad_shape(client, endpoint, response, f"no integer {self.total_pages_key}")
            yield RawPage(records, response.request, response.fetched_at)
            # Re-read every page: records added during the pull raise totalPages.
            if not records or count >= total:
                return


@dataclass(frozen=True)
class CursorPaging(Paging):
    """A JSON object carrying the absolute URL of the next page, null at the end
    (iOffice). The link is followed as given."""

    limit_param: str = "limit"
    items_key: str = "data"
    next_key: str = "next"
    default_page_size: int = 1000
    max_page_size: int = 1000

    def pages(
        self, client: HttpClient, endpoint: str, params: Params, page_size: int
    ) -> Iterator[RawPage]:
        target = endpoint
        query: Params | None = {**params, self.limit_param: page_size}
        visited: set[str] = set()
        for count in itertools.count(1):
            _check_ceiling(client, endpoint, count)
            response = client.get_json(target, query, endpoint=endpoint)
            visited.add(response.url)
            body = _object(client, endpoint, response)
            records = _records(client, endpoint, response, body.get(self.items_key))
            yield RawPage(records, response.request, response.fetched_at)
            link = body.get(self.next_key)
            if link is None:
                return
            if not isinstance(link, str) or not link:
                raise _bad_shape(client, endpoint, response, f"{self.next_key} is not a URL")
            target = _next_target(client, endpoint, response, link, visited)
            query = None


@dataclass(frozen=True)
class LinkHeaderPaging(Paging):
    """A plain JSON array per page; the next page's URL is in the ``Link`` header with
    ``rel="next"``, absent on the last page (LRIS)."""

    page_param: str = "page"
    size_param: str = "per_page"
    first_page: int = 1
    default_page_size: int = 500
    max_page_size: int = 500

    def pages(
        self, client: HttpClient, endpoint: str, params: Params, page_size: int
    ) -> Iterator[RawPage]:
        target = endpoint
        query: Params | None = {
            **params,
            self.page_param: self.first_page,
            self.size_param: page_size,
        }
        visited: set[str] = set()
        for count in itertools.count(1):
            _check_ceiling(client, endpoint, count)
            response = client.get_json(target, query, endpoint=endpoint)
            visited.add(response.url)
            records = _records(client, endpoint, response, response.body)
            yield RawPage(records, response.request, response.fetched_at)
            link = response.links.get("next")
            if link is None:
                return
            target = _next_target(client, endpoint, response, link, visited)
            query = None


@dataclass(frozen=True)
class NoPaging(Paging):
    """One call returns the whole list as a JSON array (NDXP/LGSP)."""

    default_page_size: int = 0
    max_page_size: int = 0

    def pages(
        self, client: HttpClient, endpoint: str, params: Params, page_size: int
    ) -> Iterator[RawPage]:
        response = client.get_json(endpoint, params or None, endpoint=endpoint)
        yield RawPage(
            _records(client, endpoint, response, response.body),
            response.request,
            response.fetched_at,
        )


def _check_ceiling(client: HttpClient, endpoint: str, count: int) -> None:
    ceiling = client.settings.max_pages
    if count > ceiling:
        raise PagingError(
            f"{client.label} {endpoint}: more than {ceiling} pages; stopping "
            "(raise http.max_pages if the source really is that large)",
            source=client.source,
            endpoint=endpoint,
            attempts=1,
        )


def _next_target(
    client: HttpClient, endpoint: str, response: JsonResponse, link: str, visited: set[str]
) -> str:
    target = urljoin(response.url, link)
    if target in visited:
        raise PagingError(
            f"{client.label} {endpoint}: the next-page link repeats "
            f"({client.request_path(target)}); stopping so the pull cannot loop forever",
            source=client.source,
            endpoint=endpoint,
            attempts=1,
            status=response.status,
        )
    return target


def _object(client: HttpClient, endpoint: str, response: JsonResponse) -> dict[str, Any]:
    if not isinstance(response.body, dict):
        raise _bad_shape(client, endpoint, response, "body is not a JSON object")
    return response.body


def _records(
    client: HttpClient, endpoint: str, response: JsonResponse, items: object
) -> list[dict[str, Any]]:
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise _bad_shape(client, endpoint, response, "records are not a list of objects")
    return items


def _bad_shape(
    client: HttpClient, endpoint: str, response: JsonResponse, what: str
) -> BadResponseError:
    return BadResponseError(
        f"{client.label} {endpoint}: unexpected response shape ({what}) for {response.request}",
        source=client.source,
        endpoint=endpoint,
        attempts=1,
        status=response.status,
    )
