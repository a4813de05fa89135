"""Auth strategies: what each source system wants on a request.

A strategy gives the headers for the next call (`headers`), says whether a 401 is
worth one retry with a fresh credential (`refresh_after_unauthorized`), and lists the
secret strings the client must redact from anything it shows (`secrets`). Credentials
are held as `SecretStr`; no `repr` shows them.
"""

from __future__ import annotations

import base64
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from pydantic import SecretStr

from connectors.errors import BadResponseError


class TokenTransport(Protocol):
    """What an auth strategy may ask of the HTTP client: a form POST, with retries."""

    @property
    def source(self) -> str: ...

    @property
    def label(self) -> str: ...

    def post_form(
        self, path: str, form: Mapping[str, str], *, headers: Mapping[str, str]
    ) -> Any: ...


def basic_header(username: str, password: SecretStr) -> str:
    """The value of an ``Authorization: Basic ...`` header."""
    raw = f"{username}:{password.get_secret_value()}".encode()
    return "Basic " + base64.b64encode(raw).decode("ascii")


class Auth(ABC):
    """One way of authenticating calls to a source."""

    @abstractmethod
    def headers(self, transport: TokenTransport) -> dict[str, str]:
        """Headers to send with the next data call (may fetch a token first)."""

    def refresh_after_unauthorized(self) -> bool:
        """Called on a 401 ``invalid_token``: drop any cached credential and say whether
        repeating the call once with a fresh one can help."""
        return False

    @abstractmethod
    def secrets(self) -> tuple[str, ...]:
        """Every secret string this strategy holds or sends, for redaction."""


class ApiKeyHeader(Auth):
    """A static API key in a header (iOffice: ``X-API-Key``)."""

    def __init__(self, key: SecretStr, header: str = "X-API-Key") -> None:
        self._key = key
        self._header = header

    def headers(self, transport: TokenTransport) -> dict[str, str]:
        return {self._header: self._key.get_secret_value()}

    def secrets(self) -> tuple[str, ...]:
        return (self._key.get_secret_value(),)

    def __repr__(self) -> str:
        return f"ApiKeyHeader(header={self._header!r})"


class BasicAuth(Auth):
    """HTTP Basic with a username and password (LRIS)."""

    def __init__(self, username: str, password: SecretStr) -> None:
        self._username = username
        self._password = password

    def headers(self, transport: TokenTransport) -> dict[str, str]:
        return {"Authorization": basic_header(self._username, self._password)}

    def secrets(self) -> tuple[str, ...]:
        header = basic_header(self._username, self._password)
        return (self._password.get_secret_value(), header.removeprefix("Basic "))

    def __repr__(self) -> str:
        return f"BasicAuth(username={self._username!r})"


class StaticBearer(Auth):
    """A long-lived bearer token issued out of band (NDXP/LGSP)."""

    def __init__(self, token: SecretStr) -> None:
        self._token = token

    def headers(self, transport: TokenTransport) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token.get_secret_value()}"}

    def secrets(self) -> tuple[str, ...]:
        return (self._token.get_secret_value(),)

    def __repr__(self) -> str:
        return "StaticBearer()"


class OAuth2ClientCredentials(Auth):
    """OAuth2 client-credentials grant (TTHC).

    The token is requested with the client id and secret as HTTP Basic credentials and
    cached; it is renewed `refresh_margin_s` before it expires (at most a fifth of its
    lifetime early, so very short-lived tokens are still reused) and once more when a
    data call answers 401 ``invalid_token``.
    """

    def __init__(
        self,
        client_id: str,
        client_secret: SecretStr,
        *,
        token_path: str = "/oauth/token",
        refresh_margin_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client_id = client_id
        self._client_secret = client_secret
        self._token_path = token_path
        self._margin = refresh_margin_s
        self._clock = clock
        self._token: SecretStr | None = None
        self._refresh_at = float("inf")
        self._lock = threading.Lock()

    def headers(self, transport: TokenTransport) -> dict[str, str]:
        with self._lock:
            if self._token is None or self._clock() >= self._refresh_at:
                self._fetch(transport)
            assert self._token is not None
            return {"Authorization": f"Bearer {self._token.get_secret_value()}"}

    def refresh_after_unauthorized(self) -> bool:
        with self._lock:
            self._token = None
        return True

    def secrets(self) -> tuple[str, ...]:
        header = basic_header(self._client_id, self._client_secret)
        held = [self._client_secret.get_secret_value(), header.removeprefix("Basic ")]
        token = self._token
        if token is not None:
            held.append(token.get_secret_value())
        return tuple(held)

    def _fetch(self, transport: TokenTransport) -> None:
        requested_at = self._clock()
        body = transport.post_form(
            self._token_path,
            {"grant_type": "client_credentials"},
            headers={"Authorization": basic_header(self._client_id, self._client_secret)},
        )
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise BadResponseError(
                f"{transport.label} {self._token_path}: token response has no access_token",
                source=transport.source,
                endpoint=self._token_path,
                attempts=1,
                status=200,
            )
        self._token = SecretStr(token)
        expires_in = body.get("expires_in")
        if isinstance(expires_in, int | float) and not isinstance(expires_in, bool):
            early = min(self._margin, expires_in / 5)
            self._refresh_at = requested_at + expires_in - early
        else:
            self._refresh_at = float("inf")

    def __repr__(self) -> str:
        return (
            f"OAuth2ClientCredentials(client_id={self._client_id!r}, "
            f"token_path={self._token_path!r}, token_cached={self._token is not None})"
        )
