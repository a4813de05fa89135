"""The one HTTP client every connector goes through.

`HttpClient` wraps a `requests.Session` for one source system and owns what must be
done the same way everywhere: explicit ``(connect, read)`` timeouts, retries with
exponential backoff and jitter (tenacity) on 429, 5xx, connection errors, timeouts and
2xx bodies that are not valid JSON -- and only those -- with ``Retry-After`` honoured
(seconds or HTTP date, capped); auth through a strategy from `connectors.auth`,
including one token refresh on a 401 ``invalid_token``; typed errors from
`connectors.errors`; and redaction, so no credential reaches a log record, an error
message or a `Page.request`.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any
from urllib.parse import urljoin, urlsplit

import orjson
import requests
import tenacity

from connectors.auth import Auth
from connectors.config import HttpSettings, SourceConfig
from connectors.errors import (
    AuthError,
    BadRequestError,
    BadResponseError,
    NotFoundError,
    PagingError,
    SourceError,
    SourceUnavailableError,
)

logger = logging.getLogger(__name__)

USER_AGENT = "chiso-connectors/0.1"
_TRANSPORT_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)
_SENSITIVE_QUERY = re.compile(
    r"([?&](?:access_token|token|api_key|apikey|password|secret|client_secret)=)[^&#]*",
    re.IGNORECASE,
)
_WWW_AUTH_ERROR = re.compile(r'error="([^"]+)"')
_MAX_SERVER_TEXT = 200


@dataclass(frozen=True)
class JsonResponse:
    """A successful call: the parsed body and what paging needs to go on."""

    body: Any
    request: str
    """Path (relative to the base URL) and query of the call, credentials redacted."""
    url: str
    """The absolute URL called, for resolving relative links."""
    links: Mapping[str, str]
    """``Link`` header targets by ``rel`` (absolute URLs)."""
    status: int
    fetched_at: datetime


class _NoNetrc(requests.auth.AuthBase):
    """A no-op auth: its presence stops requests from applying ~/.netrc credentials,
    which would overwrite the Authorization header we set."""

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        return r


class _Transient(Exception):
    """One failed attempt worth retrying; never leaves this module."""

    def __init__(
        self,
        reason: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        invalid_body: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after
        self.invalid_body = invalid_body


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delay-seconds or HTTP-date);
    None when absent or unreadable, 0 for a date in the past."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port or default


class HttpClient:
    """HTTP client for one source system.

    Build it with `connectors.registry.client_for(config)`, which picks the source's
    auth strategy; `session`, `sleep` and `now` are injectable for tests. Use it as a
    context manager (or call `close`) to release the connection pool.
    """

    def __init__(
        self,
        config: SourceConfig,
        auth: Auth,
        *,
        label: str | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self._config = config
        self._auth = auth
        self._label = label or config.name.upper()
        self._owns_session = session is None
        self._session = session if session is not None else requests.Session()
        self._session.headers["User-Agent"] = USER_AGENT
        self._sleep = sleep
        self._now = now
        settings = config.http
        self._timeout = (settings.connect_timeout_s, settings.read_timeout_s)
        self._backoff = tenacity.wait_exponential_jitter(
            multiplier=settings.backoff_base_s,
            max=settings.backoff_max_s,
            jitter=settings.backoff_base_s,
        )

    @property
    def source(self) -> str:
        """Registry name of the source (``tthc``...)."""
        return self._config.name

    @property
    def label(self) -> str:
        """How the source is named in messages (``TTHC``...)."""
        return self._label

    @property
    def base_url(self) -> str:
        """Base URL, without a trailing slash."""
        return self._config.base_url

    @property
    def settings(self) -> HttpSettings:
        """Timeouts, retry and paging limits."""
        return self._config.http

    @property
    def page_size(self) -> int | None:
        """Configured page size (None: the source's default)."""
        return self._config.page_size

    def get_json(
        self,
        path_or_url: str,
        params: Mapping[str, str | int] | None = None,
        *,
        endpoint: str,
    ) -> JsonResponse:
        """GET a JSON document: `path_or_url` is a path under the base URL or an
        absolute URL on the same host (a next-page link). `endpoint` names the call in
        errors and logs. Raises a `SourceError` subclass when it cannot succeed."""
        url = self._resolve(path_or_url, endpoint)
        try:
            return self._call("GET", url, endpoint=endpoint, params=params)
        except AuthError as exc:
            stale_token = exc.status == 401 and exc.error_code == "invalid_token"
            if not stale_token or exc.endpoint != endpoint:
                raise
            if not self._auth.refresh_after_unauthorized():
                raise
            logger.info(
                "%s %s: token rejected (invalid_token); fetching a new one and repeating",
                self._label,
                endpoint,
                extra={"source": self.source, "endpoint": endpoint, "status": 401},
            )
            return self._call("GET", url, endpoint=endpoint, params=params)

    def post_form(self, path: str, form: Mapping[str, str], *, headers: Mapping[str, str]) -> Any:
        """POST a form to `path` (the token endpoint) with the given headers instead of
        the source's auth, with the same retries; returns the parsed JSON body."""
        response = self._call(
            "POST", self.base_url + path, endpoint=path, data=dict(form), headers=dict(headers)
        )
        return response.body

    def request_path(self, url: str) -> str:
        """`url` as recorded in a Page: relative to the base URL, secrets redacted."""
        if url.startswith(self.base_url + "/"):
            rest = url[len(self.base_url) :]
        else:
            parts = urlsplit(url)
            rest = parts.path + (f"?{parts.query}" if parts.query else "")
        return self.redact(_SENSITIVE_QUERY.sub(r"\1***", rest))

    def redact(self, text: str) -> str:
        """`text` with every secret the auth strategy holds replaced by ``***``."""
        for secret in sorted(self._auth.secrets(), key=len, reverse=True):
            if secret:
                text = text.replace(secret, "***")
        return text

    def close(self) -> None:
        """Release the connection pool (only if this client created the session)."""
        if self._owns_session:
            self._session.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"HttpClient(source={self.source!r}, base_url={self.base_url!r})"

    def _resolve(self, path_or_url: str, endpoint: str) -> str:
        if not urlsplit(path_or_url).scheme:
            if not path_or_url.startswith("/"):
                raise ValueError(f"path must start with '/': {path_or_url!r}")
            return self.base_url + path_or_url
        if _origin(path_or_url) != _origin(self.base_url):
            # Following it would send our credentials to another host.
            raise PagingError(
                f"{self._label} {endpoint}: refusing a link to another host "
                f"({urlsplit(path_or_url).hostname})",
                source=self.source,
                endpoint=endpoint,
                attempts=0,
            )
        return path_or_url

    def _call(
        self,
        method: str,
        url: str,
        *,
        endpoint: str,
        params: Mapping[str, str | int] | None = None,
        data: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> JsonResponse:
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.settings.max_attempts),
            wait=self._wait,
            retry=tenacity.retry_if_exception_type(_Transient),
            sleep=self._sleep,
            before_sleep=lambda state: self._log_retry(endpoint, state),
            reraise=False,
        )
        try:
            for attempt in retrying:
                with attempt:
                    return self._attempt(
                        method,
                        url,
                        endpoint=endpoint,
                        attempt_no=attempt.retry_state.attempt_number,
                        params=params,
                        data=data,
                        headers=headers,
                    )
        except tenacity.RetryError as exc:
            # Chained to the last failure so a traceback still shows the transport error.
            raise self._exhausted(endpoint, exc.last_attempt) from exc.last_attempt.exception()
        raise AssertionError("unreachable: tenacity neither returned nor raised")

    def _attempt(
        self,
        method: str,
        url: str,
        *,
        endpoint: str,
        attempt_no: int,
        params: Mapping[str, str | int] | None,
        data: dict[str, str] | None,
        headers: dict[str, str] | None,
    ) -> JsonResponse:
        # Per attempt, so a token that expired during a backoff is renewed first.
        send_headers = headers if headers is not None else self._auth.headers(self)
        try:
            response = self._session.request(
                method,
                url,
                params=params,
                data=data,
                headers=send_headers,
                auth=_NoNetrc(),
                timeout=self._timeout,
                allow_redirects=False,
            )
        except _TRANSPORT_ERRORS as exc:
            raise _Transient(type(exc).__name__) from exc
        status = response.status_code
        if status == 429 or status >= 500:
            wait = parse_retry_after(response.headers.get("Retry-After"), self._now())
            raise _Transient(f"HTTP {status}", status=status, retry_after=wait)
        if not 200 <= status < 300:
            raise self._rejected(response, endpoint, attempt_no)
        try:
            body = _loads(response.content)
        except ValueError:
            raise _Transient("invalid JSON body", status=status, invalid_body=True) from None
        return JsonResponse(
            body=body,
            request=self.request_path(response.request.url or url),
            url=response.url or url,
            links=_links(response),
            status=status,
            fetched_at=self._now(),
        )

    def _wait(self, state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome is not None else None
        if isinstance(exc, _Transient) and exc.retry_after is not None:
            return min(exc.retry_after, self.settings.retry_after_cap_s)
        return float(self._backoff(state))

    def _log_retry(self, endpoint: str, state: tenacity.RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome is not None else None
        reason = exc.reason if isinstance(exc, _Transient) else type(exc).__name__
        status = exc.status if isinstance(exc, _Transient) else None
        logger.warning(
            "%s %s: %s on attempt %d of %d; retrying in %.2fs",
            self._label,
            endpoint,
            reason,
            state.attempt_number,
            self.settings.max_attempts,
            state.upcoming_sleep,
            extra={
                "source": self.source,
                "endpoint": endpoint,
                "status": status,
                "reason": reason,
                "attempt": state.attempt_number,
                "wait_s": state.upcoming_sleep,
            },
        )

    def _exhausted(self, endpoint: str, last: tenacity.Future) -> SourceError:
        exc = last.exception()
        attempts = last.attempt_number
        reason = exc.reason if isinstance(exc, _Transient) else type(exc).__name__
        status = exc.status if isinstance(exc, _Transient) else None
        invalid = isinstance(exc, _Transient) and exc.invalid_body
        error_type = BadResponseError if invalid else SourceUnavailableError
        return error_type(
            f"{self._label} {endpoint}: {reason} after {attempts} attempts",
            source=self.source,
            endpoint=endpoint,
            attempts=attempts,
            status=status,
        )

    def _rejected(self, response: requests.Response, endpoint: str, attempt_no: int) -> SourceError:
        status = response.status_code
        code, text = _error_fields(response)
        message = f"{self._label} {endpoint}: HTTP {status}"
        if code:
            message += f" {self.redact(code)}"
        if 300 <= status < 400:
            target = urlsplit(response.headers.get("Location", ""))
            message += f": unexpected redirect to {target.scheme}://{target.netloc}{target.path}"
        elif text:
            message += f": {self.redact(text)[:_MAX_SERVER_TEXT]}"
        if attempt_no > 1:
            message += f" (on attempt {attempt_no})"
        error_type: type[SourceError]
        if status in (401, 403):
            error_type = AuthError
        elif status == 404:
            error_type = NotFoundError
        elif 400 <= status < 500:
            error_type = BadRequestError
        else:
            error_type = BadResponseError
        return error_type(
            message,
            source=self.source,
            endpoint=endpoint,
            attempts=attempt_no,
            status=status,
            error_code=code,
        )


def _loads(content: bytes) -> Any:
    """Parse JSON fast; fall back to the standard library for what orjson refuses but
    JSON producers emit (numbers beyond double range, NaN). Raises ValueError."""
    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError:
        return json.loads(content)


def _error_fields(response: requests.Response) -> tuple[str | None, str | None]:
    """The ``error`` code and ``message`` of a source's JSON error body, falling back to
    the ``error=`` of a ``WWW-Authenticate`` header."""
    code: str | None = None
    text: str | None = None
    try:
        body = _loads(response.content)
    except ValueError:
        body = None
    if isinstance(body, dict):
        raw_code, raw_text = body.get("error"), body.get("message")
        code = raw_code if isinstance(raw_code, str) else None
        text = raw_text if isinstance(raw_text, str) else None
    if code is None:
        match = _WWW_AUTH_ERROR.search(response.headers.get("WWW-Authenticate", ""))
        code = match.group(1) if match else None
    return code, text


def _links(response: requests.Response) -> dict[str, str]:
    base = response.url or ""
    return {
        rel: urljoin(base, link["url"])
        for rel, link in response.links.items()
        if isinstance(link, dict) and link.get("url")
    }
