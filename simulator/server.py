"""The four source systems on loopback, as docs/source-apis.md specifies them.

One stdlib `ThreadingHTTPServer` (HTTP/1.1, keep-alive) serves every system under its
path prefix: `/tthc` (OAuth2 client credentials, page/size paging, dd/MM/yyyy dates),
`/ioffice` (X-API-Key, cursor paging with absolute `next` URLs, ISO dates +07:00),
`/lris` (HTTP Basic, `Link: <...>; rel="next"` paging, yyyy-MM-dd HH:mm:ss dates) and
`/ndxp` (static bearer, plain arrays, yyyy-MM-dd dates).

`start_simulator(...)` runs it in a background thread and returns a `SimulatorHandle`
(base URL, the province, a request log, fault plans, mutations for late data);
`serve_forever(...)` is the blocking entry point behind `chiso simulator serve`.
"""

from __future__ import annotations

import base64
import binascii
import logging
import math
import secrets
import signal
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urlencode, urlsplit

import numpy as np
import orjson
import pandas as pd

from simulator.faults import FaultAction, FaultBook, FaultPlan
from simulator.province import (
    DEFAULT_SEED,
    DEFAULT_YEARS,
    ENTITIES,
    Province,
    generate_province,
)
from simulator.wire import DateStyle, SortedTable, parse_local

logger = logging.getLogger(__name__)

DEFAULT_PORT = 8765
TTHC_MAX_SIZE = 1000
TTHC_DEFAULT_SIZE = 100
IOFFICE_MAX_LIMIT = 1000
IOFFICE_DEFAULT_LIMIT = 100
LRIS_MAX_PER_PAGE = 500
LRIS_DEFAULT_PER_PAGE = 100

TTHC_DATE_FORMAT = "%d/%m/%Y %H:%M:%S"
LRIS_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class Credentials:
    """What the simulated systems accept (defaults: the demo credentials of the doc)."""

    tthc_client_id: str = "chiso"
    tthc_client_secret: str = "tthc-demo-secret"
    ioffice_api_key: str = "ioffice-demo-key"
    lris_username: str = "chiso"
    lris_password: str = "lris-demo-password"
    ndxp_token: str = "ndxp-demo-token"


class RequestRecord(NamedTuple):
    """One call received: system ("tthc", ...), path below the system's base URL
    ("/api/hoso"), and query parameters (first value of each)."""

    system: str
    path: str
    params: dict[str, str]


@dataclass(frozen=True)
class _Route:
    system: str
    path: str
    entity: str
    paging: str  # "page" (TTHC), "cursor" (iOffice), "link" (LRIS), "none" (NDXP)


_ROUTES: dict[tuple[str, str], _Route] = {
    (r.system, r.path): r
    for r in (
        _Route("tthc", "/api/donvi", "unit", "page"),
        _Route("tthc", "/api/thutuc", "procedure", "page"),
        _Route("tthc", "/api/hoso", "dossier", "page"),
        _Route("tthc", "/api/giaodich", "payment", "page"),
        _Route("ioffice", "/api/v1/van-ban-den", "incoming_document", "cursor"),
        _Route("ioffice", "/api/v1/van-ban-di", "outgoing_document", "cursor"),
        _Route("ioffice", "/api/v1/ho-so-cong-viec", "work_file", "cursor"),
        _Route("ioffice", "/api/v1/don-vi-lien-thong", "connected_unit", "cursor"),
        _Route("lris", "/api/che-do-bao-cao", "report_regime", "link"),
        _Route("lris", "/api/bao-cao", "report_submission", "link"),
        _Route("ndxp", "/api/dich-vu-du-lieu", "data_service", "none"),
        _Route("ndxp", "/api/ung-dung", "shared_data_app", "none"),
        # Added for ITA-2018 (simulator/extended.py).
        _Route("tthc", "/api/thutuc-donvi", "unit_procedure", "page"),
        _Route("tthc", "/api/motcua-donvi", "one_stop_unit", "page"),
        _Route("tthc", "/api/phananh", "feedback", "page"),
        _Route("tthc", "/api/lienthong", "interlink_transfer", "page"),
        _Route("ioffice", "/api/v1/don-vi-truc-thuoc", "edms_unit", "cursor"),
        _Route("ioffice", "/api/v1/thong-ke-su-dung", "edms_usage", "cursor"),
        _Route("lris", "/api/so-lieu-thong-ke", "statistic", "link"),
        _Route("lris", "/api/bao-cao-cntt", "it_report", "link"),
        _Route("ndxp", "/api/ket-noi-don-vi", "platform_link", "none"),
        _Route("ndxp", "/api/dan-cu-so-hoa", "population_snapshot", "none"),
    )
}
_SYSTEMS = ("tthc", "ioffice", "lris", "ndxp")
_DATE_STYLE: dict[str, DateStyle] = {"tthc": "tthc", "ioffice": "iso", "lris": "lris",
                                     "ndxp": "date"}
_TOKEN_PATH = "/oauth/token"

# Our English words → source codes, for update_dossier(status="resolved", ...).
_DOSSIER_ALIASES: dict[str, str] = {
    "procedure_code": "MaTTHC",
    "unit_code": "MaDonViXuLy",
    "channel": "KenhNop",
    "received_at": "NgayTiepNhan",
    "due_at": "NgayHenTra",
    "resolved_at": "NgayKetThuc",
    "status": "TrangThai",
    "digitised": "DaSoHoa",
    "e_result": "CoKetQuaDienTu",
    "e_result_issued": "CoKetQuaDienTu",
    "paid_online": "DaThanhToanTrucTuyen",
    "via_onestop": "QuaMotCua",
    "status_published": "CongKhaiTrangThai",
}
_DOSSIER_WORDS: dict[str, dict[str, str]] = {
    "KenhNop": {"offline": "truc_tiep", "online": "truc_tuyen", "postal": "buu_chinh"},
    "TrangThai": {"in_progress": "dang_xu_ly", "resolved": "da_giai_quyet",
                  "returned": "tra_lai", "withdrawn": "rut_ho_so"},
}


class _BadRequest(Exception):
    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"invalid parameter '{parameter}': {message}")
        self.parameter = parameter


class _State:
    """Everything the request handlers share: data, clock, tokens, faults, log."""

    def __init__(self, province: Province, credentials: Credentials,
                 token_lifetime_s: float) -> None:
        self.province = province
        self.credentials = credentials
        self.token_lifetime_s = token_lifetime_s
        self.clock = province.now
        self.faults = FaultBook()
        self.lock = threading.RLock()
        self._tokens: dict[str, float] = {}
        self._log: list[RequestRecord] = []
        self._tables: dict[str, SortedTable] = {}
        self._inserted = 0

    # -- request log
    def log(self, record: RequestRecord) -> None:
        with self.lock:
            self._log.append(record)

    def requests(self) -> list[RequestRecord]:
        with self.lock:
            return list(self._log)

    def clear_requests(self) -> None:
        with self.lock:
            self._log.clear()

    # -- tokens (real time, not the simulator clock: expiry is about the connector)
    def issue_token(self) -> str:
        token = secrets.token_urlsafe(24)
        with self.lock:
            now = time.monotonic()
            self._tokens = {t: exp for t, exp in self._tokens.items() if exp > now}
            self._tokens[token] = now + self.token_lifetime_s
        return token

    def token_valid(self, token: str) -> bool:
        with self.lock:
            expiry = self._tokens.get(token)
        return expiry is not None and time.monotonic() < expiry

    def expire_tokens(self) -> None:
        with self.lock:
            self._tokens.clear()

    # -- served snapshots
    def table(self, entity: str, style: DateStyle) -> SortedTable:
        with self.lock:
            table = self._tables.get(entity)
            if table is None:
                _, key, updated = ENTITIES[entity]
                table = SortedTable.build(self.province.frame(entity), key, updated, style)
                self._tables[entity] = table
            return table

    def warm(self) -> None:
        """Build every served snapshot now rather than on first request."""
        for route in _ROUTES.values():
            self.table(route.entity, _DATE_STYLE[route.system])

    def invalidate(self, entity: str) -> None:
        with self.lock:
            self._tables.pop(entity, None)

    def insert_behind(self, table: SortedTable, row: int, plan: FaultPlan) -> None:
        """Fault `insert_while_paging`: add a copy of `table`'s record at `row` under a
        new key, updated one second before it, so it sorts behind the pager."""
        with self.lock:
            entity = next((e for e, t in self._tables.items() if t is table), None)
            if entity is None:  # the table changed meanwhile: nothing to insert behind
                return
            _, key_field, updated = ENTITIES[entity]
            frame = self.province.frame(entity)
            key = str(table.keys.iloc[row])
            copy = frame.loc[frame[key_field] == key].head(1).copy()
            self._inserted += 1
            copy[key_field] = f"{key}-CHEN{self._inserted}"
            if updated is not None:
                copy[updated] = copy[updated] - pd.Timedelta(seconds=1)
            self.province.set_frame(entity, pd.concat([frame, copy], ignore_index=True))
            self._tables.pop(entity, None)
            plan.inserted.append(f"{key}-CHEN{self._inserted}")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], state: _State) -> None:
        self.state = state
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Cut every open keep-alive connection (so a stopped simulator answers
        nothing, even on pooled client connections)."""
        with self._connections_lock:
            connections = list(self._connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = 120
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s " + format, self.address_string(), *args)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    # -- plumbing
    def _dispatch(self, method: str) -> None:
        state = self.server.state
        split = urlsplit(self.path)
        body = self._read_body()
        params = {k: v[0] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        _, _, rest = split.path.partition("/")
        system, _, sub = rest.partition("/")
        sub_path = "/" + sub
        state.log(RequestRecord(system, sub_path, params))
        try:
            action = state.faults.take(split.path)
            if action is not None and action.delay_s > 0:
                time.sleep(action.delay_s)
            if action is not None and action.status is not None:
                self._fault_status(action)
                return
            if system not in _SYSTEMS:
                self._error(404, "not_found", f"no such path: {split.path}")
                return
            if sub_path == _TOKEN_PATH and system == "tthc":
                if method != "POST":
                    self._error(405, "method_not_allowed", "use POST", {"Allow": "POST"})
                    return
                self._token(body, action)
                return
            route = _ROUTES.get((system, sub_path))
            if route is None:
                self._error(404, "not_found", f"no such path: {split.path}")
                return
            if method != "GET":
                self._error(405, "method_not_allowed", "use GET", {"Allow": "GET"})
                return
            if not self._authorised(system):
                return
            self._serve(route, params, action)
        except _BadRequest as exc:
            self._error(400, "invalid_parameter", str(exc))
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception:
            logger.exception("simulator: failure serving %s", split.path)
            self._error(500, "server_error", "internal error")

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None,
              truncate: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if truncate == "connection":
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.close_connection = True
            return
        if truncate == "body":
            body = body[: len(body) // 2]
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status: int, code: str, message: str,
               headers: dict[str, str] | None = None) -> None:
        self._send(status, orjson.dumps({"error": code, "message": message}), headers)

    def _fault_status(self, action: FaultAction) -> None:
        assert action.status is not None
        headers = {"Retry-After": action.retry_after} if action.retry_after else {}
        reason = self.responses.get(action.status, ("error",))[0]
        if action.status == 429:
            code = "too_many_requests"
        elif action.status == 503:
            code = "service_unavailable"
        elif action.status >= 500:
            code = "server_error"
        else:
            code = "simulated_fault"
        self._error(action.status, code, f"simulated fault: {reason}", headers)

    # -- auth
    def _authorised(self, system: str) -> bool:
        creds = self.server.state.credentials
        header = self.headers.get("Authorization", "")
        if system == "tthc":
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token:
                self._error(401, "unauthorized", "a bearer token is required",
                            {"WWW-Authenticate": 'Bearer realm="tthc"'})
                return False
            if not self.server.state.token_valid(token.strip()):
                self._error(401, "invalid_token", "the access token is expired or unknown",
                            {"WWW-Authenticate": 'Bearer realm="tthc", error="invalid_token"'})
                return False
            return True
        if system == "ioffice":
            key = self.headers.get("X-API-Key")
            if not key or not secrets.compare_digest(key, creds.ioffice_api_key):
                self._error(401, "unauthorized", "a valid X-API-Key header is required")
                return False
            return True
        if system == "lris":
            user, password = _basic_credentials(header)
            if not (secrets.compare_digest(user, creds.lris_username)
                    and secrets.compare_digest(password, creds.lris_password)):
                self._error(401, "unauthorized", "valid Basic credentials are required",
                            {"WWW-Authenticate": 'Basic realm="lris"'})
                return False
            return True
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(token.strip(),
                                                                   creds.ndxp_token):
            self._error(401, "invalid_token", "a valid bearer token is required",
                        {"WWW-Authenticate": 'Bearer realm="ndxp"'})
            return False
        return True

    def _token(self, body: bytes, action: FaultAction | None) -> None:
        state = self.server.state
        form = {k: v[0] for k, v in parse_qs(body.decode("latin-1")).items()}
        user, password = _basic_credentials(self.headers.get("Authorization", ""))
        if not (secrets.compare_digest(user, state.credentials.tthc_client_id)
                and secrets.compare_digest(password, state.credentials.tthc_client_secret)):
            self._error(401, "invalid_client", "client authentication failed",
                        {"WWW-Authenticate": 'Basic realm="tthc"'})
            return
        grant = form.get("grant_type")
        if grant is None:
            self._error(400, "invalid_request", "missing parameter 'grant_type'")
            return
        if grant != "client_credentials":
            self._error(400, "unsupported_grant_type",
                        f"invalid parameter 'grant_type': {grant!r} is not supported")
            return
        lifetime = state.token_lifetime_s
        answer = {"access_token": state.issue_token(), "token_type": "bearer",
                  "expires_in": max(1, math.floor(lifetime))}
        self._send(200, orjson.dumps(answer), {"Cache-Control": "no-store"},
                   action.truncate if action else None)

    # -- data
    def _serve(self, route: _Route, params: dict[str, str], action: FaultAction | None) -> None:
        state = self.server.state
        table = state.table(route.entity, _DATE_STYLE[route.system])
        if route.paging == "page":
            self._serve_tthc(table, params, action)
        elif route.paging == "cursor":
            self._serve_ioffice(route, table, params, action)
        elif route.paging == "link":
            self._serve_lris(route, table, params, action)
        else:
            records = self._page_records(table, 0, len(table), 0, action)
            self._send(200, orjson.dumps(records), None, _truncate(action))

    def _page_records(self, table: SortedTable, start: int, stop: int, first: int,
                      action: FaultAction | None) -> list[dict[str, Any]]:
        """Records [start, stop) with this request's page faults applied; `first` is
        where the listing starts (a page starting there has no previous page)."""
        plan = action.plan if action else None
        if plan is None:
            return table.records(start, stop)
        duplicate, empty = self.server.state.faults.take_page(plan, start <= first)
        if empty:
            return []
        records = table.records(start - 1 if duplicate and start > first else start, stop)
        self.server.state.faults.drift(plan, records)
        if stop > start and self.server.state.faults.take_insert(plan, start <= first):
            self.server.state.insert_behind(table, start, plan)
        return records

    def _serve_tthc(self, table: SortedTable, params: dict[str, str],
                    action: FaultAction | None) -> None:
        page = _int_param(params, "page", 0, 0, None)
        size = _int_param(params, "size", TTHC_DEFAULT_SIZE, 1, TTHC_MAX_SIZE)
        since = _time_param(params, "tuNgay", TTHC_DATE_FORMAT, "dd/MM/yyyy HH:mm:ss")
        until = _time_param(params, "denNgay", TTHC_DATE_FORMAT, "dd/MM/yyyy HH:mm:ss")
        if since is not None and until is not None and until < since:
            raise _BadRequest("denNgay", "is before tuNgay")
        lo, hi = table.updated_range(since, until)
        total = hi - lo
        start = min(lo + page * size, hi)
        stop = min(start + size, hi)
        body = {
            "content": self._page_records(table, start, stop, lo, action),
            "totalPages": math.ceil(total / size),
            "totalElements": total,
            "number": page,
            "size": size,
        }
        self._send(200, orjson.dumps(body), None, _truncate(action))

    def _serve_ioffice(self, route: _Route, table: SortedTable, params: dict[str, str],
                       action: FaultAction | None) -> None:
        limit = _int_param(params, "limit", IOFFICE_DEFAULT_LIMIT, 1, IOFFICE_MAX_LIMIT)
        since = _iso_param(params, "updated_since")
        lo, hi = table.updated_range(since, None)
        start = lo
        cursor = params.get("cursor")
        if cursor:
            upd, key = _decode_cursor(cursor)
            start = max(lo, table.position_after(upd, key))
        stop = min(start + limit, hi)
        records = self._page_records(table, start, stop, lo, action)
        next_url = None
        if stop < hi:
            query = {"limit": str(limit)}
            if "updated_since" in params:
                query["updated_since"] = params["updated_since"]
            query["cursor"] = _encode_cursor(*table.cursor_at(stop - 1))
            next_url = f"{self._origin()}/{route.system}{route.path}?{urlencode(query)}"
        self._send(200, orjson.dumps({"data": records, "next": next_url}), None,
                   _truncate(action))

    def _serve_lris(self, route: _Route, table: SortedTable, params: dict[str, str],
                    action: FaultAction | None) -> None:
        page = _int_param(params, "page", 1, 1, None)
        per_page = _int_param(params, "per_page", LRIS_DEFAULT_PER_PAGE, 1, LRIS_MAX_PER_PAGE)
        since = _time_param(params, "updated_since", LRIS_DATE_FORMAT, "yyyy-MM-dd HH:mm:ss")
        lo, hi = table.updated_range(since, None)
        start = min(lo + (page - 1) * per_page, hi)
        stop = min(start + per_page, hi)
        records = self._page_records(table, start, stop, lo, action)
        headers = {"X-Total-Count": str(hi - lo)}
        if stop < hi:
            query = {"page": str(page + 1), "per_page": str(per_page)}
            if "updated_since" in params:
                query["updated_since"] = params["updated_since"]
            url = f"{self._origin()}/{route.system}{route.path}?{urlencode(query)}"
            headers["Link"] = f'<{url}>; rel="next"'
        self._send(200, orjson.dumps(records), headers, _truncate(action))

    def _origin(self) -> str:
        host = self.headers.get("Host")
        if not host:
            address, port = self.server.server_address[:2]
            host = f"{address!s}:{port}"
        return f"http://{host}"


def _truncate(action: FaultAction | None) -> str | None:
    return action.truncate if action else None


def _basic_credentials(header: str) -> tuple[str, str]:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return "", ""
    try:
        user, _, password = base64.b64decode(encoded.strip()).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return "", ""
    return user, password


def _int_param(params: dict[str, str], name: str, default: int, lo: int, hi: int | None) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise _BadRequest(name, f"{raw!r} is not an integer") from None
    if value < lo or (hi is not None and value > hi):
        bounds = f"between {lo} and {hi}" if hi is not None else f"at least {lo}"
        raise _BadRequest(name, f"must be {bounds}")
    return value


def _time_param(params: dict[str, str], name: str, fmt: str, shown: str) -> int | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(parse_local(raw, fmt))
    except ValueError:
        raise _BadRequest(name, f"{raw!r} is not a date-time {shown}") from None


def _iso_param(params: dict[str, str], name: str) -> int | None:
    """An ISO 8601 instant, converted to local time UTC+7 (naive: already local)."""
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        # A "+" left unencoded in a query arrives as a space.
        stamp = datetime.fromisoformat(raw.replace(" ", "+") if "T" in raw else raw)
    except ValueError:
        raise _BadRequest(name, f"{raw!r} is not an ISO 8601 date-time") from None
    offset = stamp.utcoffset()
    if offset is not None:
        stamp = (stamp - offset + timedelta(hours=7)).replace(tzinfo=None)
    return int(np.datetime64(stamp, "s").astype(np.int64))


def _encode_cursor(updated_s: int, key: str) -> str:
    raw = orjson.dumps([updated_s, key])
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _decode_cursor(cursor: str) -> tuple[int, str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        updated_s, key = orjson.loads(base64.urlsafe_b64decode(padded))
        return int(updated_s), str(key)
    except (ValueError, TypeError, binascii.Error, orjson.JSONDecodeError):
        raise _BadRequest("cursor", "not a cursor this server issued") from None


# --------------------------------------------------------------------------- handle


class SimulatorHandle:
    """A running simulator. Use as a context manager, or call `stop()`.

    - `base_url`: ``http://127.0.0.1:PORT``; each system is under ``/<system>``
      (`url("tthc")`).
    - `province`: the data served (mutations below change it in place).
    - `requests` / `clear_requests()`: the log of calls received.
    - `set_fault(path, plan)` / `clear_faults(path=None)`: fault plans per endpoint.
    - `now` / `advance_clock(...)`: the simulator clock used to stamp mutations.
    - `update_dossier`, `update_record`, `add_dossiers`: late data.
    - `expire_tokens()`, `token_lifetime_s`: TTHC token control.
    """

    def __init__(self, server: _Server, thread: threading.Thread) -> None:
        self._server = server
        self._thread = thread
        self._state = server.state
        host, port = server.server_address[:2]
        self.base_url = f"http://{host!s}:{port}"

    # -- basics
    @property
    def province(self) -> Province:
        """The synthetic province being served."""
        return self._state.province

    @property
    def port(self) -> int:
        """The TCP port the simulator listens on."""
        return int(self._server.server_address[1])

    def url(self, system: str) -> str:
        """Base URL of one system, e.g. ``url("tthc")`` → ``http://127.0.0.1:PORT/tthc``."""
        if system not in _SYSTEMS:
            raise ValueError(f"unknown system {system!r}; one of {_SYSTEMS}")
        return f"{self.base_url}/{system}"

    @property
    def requests(self) -> list[RequestRecord]:
        """A copy of the log: one `RequestRecord(system, path, params)` per call."""
        return self._state.requests()

    def clear_requests(self) -> None:
        """Empty the request log."""
        self._state.clear_requests()

    # -- faults
    def set_fault(self, path: str, plan: FaultPlan) -> FaultPlan:
        """Install a fault plan for an endpoint path with its system prefix
        ("/tthc/api/hoso", "/tthc/oauth/token"), for a whole system ("/lris/*") or for
        everything ("*"). Returns the plan, whose counters go down as it is used."""
        self._state.faults.set(path, plan)
        return plan

    def clear_faults(self, path: str | None = None) -> None:
        """Remove one endpoint's fault plan, or all of them."""
        self._state.faults.clear(path)

    # -- auth
    @property
    def token_lifetime_s(self) -> float:
        """Lifetime of TTHC tokens issued from now on."""
        return self._state.token_lifetime_s

    @token_lifetime_s.setter
    def token_lifetime_s(self, seconds: float) -> None:
        self._state.token_lifetime_s = seconds

    def expire_tokens(self) -> None:
        """Invalidate every TTHC token issued so far."""
        self._state.expire_tokens()

    # -- clock and late data
    @property
    def now(self) -> pd.Timestamp:
        """The simulator clock (local time); starts at `province.now`."""
        return self._state.clock

    def advance_clock(self, by: timedelta | float = 60.0) -> pd.Timestamp:
        """Move the clock forward by a timedelta or seconds; returns the new time."""
        delta = by if isinstance(by, timedelta) else timedelta(seconds=by)
        with self._state.lock:
            self._state.clock = self._state.clock + delta
            return self._state.clock

    def _stamp(self, at: datetime | str | None) -> pd.Timestamp:
        if at is None:
            return self.advance_clock(60)
        stamp = pd.Timestamp(at)
        with self._state.lock:
            self._state.clock = max(self._state.clock, stamp)
        return stamp

    def update_record(self, entity: str, key: str, *, at: datetime | str | None = None,
                      **changes: Any) -> pd.Timestamp:
        """Change fields of one record (source field names and codes) and set its last
        update time to `at` (default: the clock advanced by one minute). Returns the
        update time. Raises KeyError for an unknown record or field."""
        stamp = self._stamp(at)
        with self._state.lock:
            self.province.update_record(entity, key, changes, stamp)
            self._state.invalidate(entity)
        return stamp

    def update_dossier(self, dossier_id: str, *, at: datetime | str | None = None,
                       **changes: Any) -> pd.Timestamp:
        """Change a dossier as a late status change would, bumping `NgayCapNhat` to `at`
        (default: the clock advanced by one minute). Fields are source names or our
        names: status, resolved_at, channel, digitised, e_result, paid_online,
        via_onestop, status_published, due_at, received_at, unit_code, procedure_code;
        status and channel take source codes or our words ("resolved", "online").
        Closing a dossier without `resolved_at` sets `NgayKetThuc` to `at`; reopening
        it (status in_progress) clears `NgayKetThuc`."""
        source: dict[str, Any] = {}
        for name, value in changes.items():
            field = _DOSSIER_ALIASES.get(name, name)
            source[field] = _DOSSIER_WORDS.get(field, {}).get(value, value)
        stamp = self._stamp(at)
        status = source.get("TrangThai")
        if status == "dang_xu_ly":
            source["NgayKetThuc"] = None
        elif status is not None and "NgayKetThuc" not in source:
            frame = self.province.dossiers
            current = frame.loc[frame["MaHoSo"] == dossier_id, "NgayKetThuc"]
            if len(current) and pd.isna(current.iloc[0]):
                source["NgayKetThuc"] = stamp
        with self._state.lock:
            self.province.update_record("dossier", dossier_id, source, stamp)
            self._state.invalidate("dossier")
        return stamp

    def add_dossiers(self, n: int, *, at: datetime | str | None = None,
                     received_between: tuple[datetime | str, datetime | str] | None = None
                     ) -> list[str]:
        """Add `n` dossiers (drawn like the others, received within `received_between`,
        default the last simulated year) whose `NgayCapNhat` is `at` (default: the clock
        advanced by one minute): records that arrive late. Returns their `MaHoSo`."""
        stamp = self._stamp(at)
        between = None
        if received_between is not None:
            between = (pd.Timestamp(received_between[0]), pd.Timestamp(received_between[1]))
        with self._state.lock:
            ids = self.province.add_dossiers(n, updated_at=stamp, received_between=between)
            self._state.invalidate("dossier")
        return ids

    # -- lifecycle
    def stop(self) -> None:
        """Stop serving, close every connection and free the port."""
        self._server.shutdown()
        self._server.close_connections()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> SimulatorHandle:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def start_simulator(
    port: int = 0,
    host: str = "127.0.0.1",
    scale: float = 0.01,
    seed: int = DEFAULT_SEED,
    years: Sequence[int] = DEFAULT_YEARS,
    token_lifetime_s: float = 300.0,
    credentials: Credentials | None = None,
    *,
    province: Province | None = None,
    now: datetime | str | None = None,
    warm: bool = False,
) -> SimulatorHandle:
    """Generate (or take) a province and serve it in a background thread.

    `port=0` picks a free port (see `handle.base_url`). The default scale is small
    (tests, demos); pass `province=` to serve one already generated (it is served and
    mutated as is; `scale`, `seed`, `years`, `now` are then ignored). `warm=True`
    sorts every endpoint's snapshot before returning (≈2 s per million records)
    instead of on each endpoint's first request.
    """
    data = province if province is not None else generate_province(seed, scale, years, now)
    state = _State(data, credentials or Credentials(), token_lifetime_s)
    if warm:
        state.warm()
    server = _Server((host, port), state)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              name=f"chiso-simulator-{server.server_address[1]}", daemon=True)
    thread.start()
    return SimulatorHandle(server, thread)


def serve_forever(
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    scale: float = 1.0,
    seed: int = DEFAULT_SEED,
    years: Sequence[int] = DEFAULT_YEARS,
    token_lifetime_s: float = 300.0,
    on_ready: Callable[[SimulatorHandle], None] | None = None,
) -> None:
    """Serve the four systems until interrupted (Ctrl-C or SIGTERM): the blocking entry
    point of `chiso simulator serve`.
    `on_ready` is called once the port is open (default: print the base URLs)."""
    started = time.perf_counter()
    handle = start_simulator(port, host, scale, seed, years, token_lifetime_s, warm=True)
    if on_ready is not None:
        on_ready(handle)
    else:
        counts = handle.province.counts()
        print(f"chiso simulator: province {handle.province.code}, seed {seed}, scale {scale}, "
              f"years {', '.join(map(str, handle.province.years))}: "
              f"{counts['dossier']:,} dossiers, "
              f"{counts['incoming_document'] + counts['outgoing_document']:,} documents "
              f"(ready in {time.perf_counter() - started:.1f} s)", flush=True)
        for system in _SYSTEMS:
            print(f"  {system:<8} {handle.url(system)}", flush=True)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        while handle._thread.is_alive():
            handle._thread.join(timeout=0.5)
    except KeyboardInterrupt:
        pass
    finally:
        handle.stop()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
