"""Errors raised by the connectors.

Every error names the source system and the endpoint, how many attempts were made and
the last HTTP status, in a message a person can act on, e.g.
``TTHC /api/hoso: HTTP 503 after 5 attempts``. Messages never carry credentials: text
that comes from a server is redacted against the client's known secrets before it is
put in a message.
"""

from __future__ import annotations


class ConfigError(ValueError):
    """A source's configuration is incomplete or wrong (e.g. a secret is not set)."""


class SourceError(Exception):
    """A call to a source system failed.

    Attributes: `source` (registry name, e.g. ``"tthc"``), `endpoint` (path without the
    base URL), `attempts` (HTTP attempts made for the failing call), `status` (last HTTP
    status, None when no response came back), `error_code` (the ``error`` field of the
    source's JSON error body, when it sent one).
    """

    def __init__(
        self,
        message: str,
        *,
        source: str,
        endpoint: str,
        attempts: int,
        status: int | None = None,
        error_code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.endpoint = endpoint
        self.attempts = attempts
        self.status = status
        self.error_code = error_code

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class AuthError(SourceError):
    """The source refused our credentials (HTTP 401/403, or the token endpoint failed)."""


class NotFoundError(SourceError):
    """The source answered 404: the path is wrong or the base URL points elsewhere."""


class BadRequestError(SourceError):
    """The source rejected the request (HTTP 400 or another 4xx); its message says why."""


class SourceUnavailableError(SourceError):
    """The source kept failing transiently (429/5xx, timeouts, connection errors)."""


class BadResponseError(SourceError):
    """The source answered, but not with what the contract promises (invalid JSON,
    wrong shape, an unexpected redirect)."""


class PagingError(BadResponseError):
    """Paging went wrong: a next-page link repeats, leaves the source's host, or the
    page count passes the configured ceiling."""
