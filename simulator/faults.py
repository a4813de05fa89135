"""Fault knobs: what an endpoint does wrong, as data.

A `FaultPlan` is set per endpoint path on a running simulator
(`handle.set_fault("/tthc/api/hoso", FaultPlan(statuses=[500, 500]))`). Counters are
consumed as requests arrive, so a plan describes a sequence: "two 500s, then normal",
"the next three pages carry a duplicate", "503 forever". Plans are matched by exact
path (with the system prefix, without the query), then `/<system>/*`, then `*`.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import formatdate
from typing import Any, Literal

TruncateMode = Literal["body", "connection"]


@dataclass
class FaultPlan:
    """Faults of one endpoint. Every field defaults to "behave normally".

    - `statuses`: HTTP statuses returned one per request, in order, before the endpoint
      answers normally again (e.g. ``[500, 500]``; ``[429]`` with `retry_after`).
      None (or 200) in the list answers that request normally, so
      ``[None, None, 500]`` fails the third page of a listing.
    - `always_status`: once `statuses` is used up, return this status on every request
      (e.g. 503 forever). None: answer normally.
    - `retry_after`: ``Retry-After`` header sent with those fault statuses: seconds
      (int/float), an HTTP-date string sent as given, or a `datetime` (sent as an
      HTTP-date).
    - `delay_s` / `delay_requests`: sleep this long before answering, for the next
      `delay_requests` requests (None: every request).
    - `truncate_responses` / `truncate_mode`: the next N successful answers are cut in
      half: ``"body"`` sends a short, well-framed body (invalid JSON);
      ``"connection"`` announces the full Content-Length, sends half and closes the
      connection.
    - `duplicate_pages`: the next N pages after the first of a listing also carry the
      previous page's last record at their start (records are not lost, one is
      served twice).
    - `empty_pages`: the next N pages carry no records; paging metadata (totals,
      next link) is unchanged, so the records of those pages are not delivered.
    - `rename_fields` / `replace_values` / `drift_records`: schema drift on the next
      `drift_records` records served (None: all): fields renamed
      (``{"SoTien": "soTien"}``) and values replaced (``{"SoTien": "N/A"}``).
    - `insert_while_paging`: the next N pages after the first of a listing each insert
      one new record behind the pager once served: a copy of the page's first record
      under a new key (``<key>-CHEN<n>``), updated one second before it, so it sorts
      into the part of the listing already delivered. The following pages of an
      offset-paged listing (TTHC, LRIS) shift by one (each starts with the previous
      page's last record again) and the inserted records are not in this pull; a
      cursor-paged one (iOffice) repeats nothing but misses them too. Their keys are
      appended to `inserted`.
    """

    statuses: list[int | None] = field(default_factory=list)
    always_status: int | None = None
    retry_after: int | float | str | datetime | None = None
    delay_s: float = 0.0
    delay_requests: int | None = None
    truncate_responses: int = 0
    truncate_mode: TruncateMode = "body"
    duplicate_pages: int = 0
    empty_pages: int = 0
    rename_fields: dict[str, str] = field(default_factory=dict)
    replace_values: dict[str, Any] = field(default_factory=dict)
    drift_records: int | None = None
    insert_while_paging: int = 0
    inserted: list[str] = field(default_factory=list)

    def retry_after_header(self) -> str | None:
        """The ``Retry-After`` header value, or None."""
        value = self.retry_after
        if value is None:
            return None
        if isinstance(value, datetime):
            return formatdate(value.timestamp(), usegmt=True)
        if isinstance(value, str):
            return value
        return str(int(value)) if float(value).is_integer() else f"{value:g}"


def http_date_in(seconds: float) -> str:
    """An HTTP-date `seconds` from now, for `FaultPlan(retry_after=...)`."""
    return formatdate(time.time() + seconds, usegmt=True)


@dataclass(frozen=True)
class FaultAction:
    """What one request must do wrong, decided (and counted) when it arrives."""

    status: int | None = None
    retry_after: str | None = None
    delay_s: float = 0.0
    truncate: TruncateMode | None = None
    duplicate: bool = False
    empty: bool = False
    plan: FaultPlan | None = None


class FaultBook:
    """The fault plans of a simulator, thread-safe."""

    def __init__(self) -> None:
        self._plans: dict[str, FaultPlan] = {}
        self._lock = threading.Lock()

    def set(self, path: str, plan: FaultPlan) -> None:
        """Install `plan` for `path` ("/tthc/api/hoso", "/tthc/*" or "*")."""
        with self._lock:
            self._plans[_normalise(path)] = plan

    def clear(self, path: str | None = None) -> None:
        """Remove the plan of `path`, or every plan."""
        with self._lock:
            if path is None:
                self._plans.clear()
            else:
                self._plans.pop(_normalise(path), None)

    def get(self, path: str) -> FaultPlan | None:
        """The plan installed for exactly `path`, if any."""
        with self._lock:
            return self._plans.get(_normalise(path))

    def take(self, path: str) -> FaultAction | None:
        """Decide the request-level faults of one request to `path` (status, delay,
        truncation) and consume their counters. Page-level faults are taken by
        `take_page` and `drift` once the request turns out to serve a page."""
        with self._lock:
            plan = self._match(path)
            if plan is None:
                return None
            delay = 0.0
            if plan.delay_s > 0 and (plan.delay_requests is None or plan.delay_requests > 0):
                delay = plan.delay_s
                if plan.delay_requests is not None:
                    plan.delay_requests -= 1
            status: int | None = None
            if plan.statuses:
                status = plan.statuses.pop(0)
            elif plan.always_status is not None:
                status = plan.always_status
            if status is not None and status != 200:
                return FaultAction(status=status, retry_after=plan.retry_after_header(),
                                   delay_s=delay)
            truncate: TruncateMode | None = None
            if plan.truncate_responses > 0:
                plan.truncate_responses -= 1
                truncate = plan.truncate_mode
            return FaultAction(delay_s=delay, truncate=truncate, plan=plan)

    def take_page(self, plan: FaultPlan, first_page: bool) -> tuple[bool, bool]:
        """(duplicate, empty) for one data page, consuming the counters."""
        with self._lock:
            duplicate = not first_page and plan.duplicate_pages > 0
            if duplicate:
                plan.duplicate_pages -= 1
            empty = plan.empty_pages > 0
            if empty:
                plan.empty_pages -= 1
            return duplicate, empty

    def take_insert(self, plan: FaultPlan, first_page: bool) -> bool:
        """Whether this data page inserts a record behind the pager, consuming the
        counter (never on a listing's first page)."""
        with self._lock:
            insert = not first_page and plan.insert_while_paging > 0
            if insert:
                plan.insert_while_paging -= 1
            return insert

    def drift(self, plan: FaultPlan, records: list[dict[str, Any]]) -> None:
        """Apply schema drift to `records` in place, consuming `drift_records`."""
        if not plan.rename_fields and not plan.replace_values:
            return
        with self._lock:
            n = len(records) if plan.drift_records is None else min(plan.drift_records,
                                                                     len(records))
            if plan.drift_records is not None:
                plan.drift_records -= n
        for record in records[:n]:
            for name, value in plan.replace_values.items():
                if name in record:
                    record[name] = value
            for old, new in plan.rename_fields.items():
                if old in record:
                    record[new] = record.pop(old)

    def _match(self, path: str) -> FaultPlan | None:
        path = _normalise(path)
        system = path.split("/", 2)[1] if path.count("/") >= 1 else ""
        for candidate in (path, f"/{system}/*", "*"):
            if candidate in self._plans:
                return self._plans[candidate]
        return None


def _normalise(path: str) -> str:
    if path == "*":
        return path
    return path if path.startswith("/") else "/" + path
