"""Exceptions of the policygraph client.

Every error the server states is raised as a :class:`GraphQLError` (or the
subclass for its code) carrying the server's own message and
``extensions.code``, whatever the HTTP status: the server answers 401, 422
and 429 with GraphQL errors in the body, and those are what you need to
read ("Cannot query field "nam" on type "Entity". Did you mean "name"?"),
so the client never stops at the status line.

The exports (``/export/...``) answer errors as ``{"error": "..."}`` with an
HTTP status and no code; the client raises them as the same classes, with
the code that the status means (400 ``BAD_USER_INPUT``, 404 ``NOT_FOUND``,
503 ``UNAVAILABLE``), so one ``except`` clause covers both.

Anything that is not an answer of the API — the server cannot be reached,
times out, or something between answers a page that is not the API's — is
a :class:`TransportError`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "PolicyGraphError",
    "TransportError",
    "GraphQLError",
    "NotFoundError",
    "BadRequestError",
    "AuthenticationError",
    "RateLimitedError",
    "UnavailableError",
    "error_for",
]


class PolicyGraphError(Exception):
    """Base class of every error the client raises."""


class TransportError(PolicyGraphError):
    """No answer of the API: the server could not be reached or timed out, or
    the response was not the API's (a proxy's HTML page, say).

    Attributes:
        status: the HTTP status, or None when no response came.
        body: the start of the response body, for the error message.
    """

    def __init__(self, message: str, *, status: int | None = None, body: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.body = body


class GraphQLError(PolicyGraphError):
    """An error that the server stated.

    Attributes:
        message: the server's message, as it wrote it.
        code: ``extensions.code``, such as ``NOT_FOUND``, ``BAD_USER_INPUT``,
            ``GRAPHQL_VALIDATION_FAILED``, ``UNAUTHENTICATED``,
            ``RATE_LIMITED``, ``UNAVAILABLE``, ``TIMEOUT`` or ``INTERNAL``;
            None when the server gave none.
        status: the HTTP status of the response (200 for most GraphQL errors).
        extensions: the first error's ``extensions``, whole: whatever else the
            server says about it (``retryAfterSeconds``, suggestions).
        path: where in the answer the first error arose, such as
            ``["entity"]``; empty for a request-level error.
        errors: every error of the response, as the server sent them; the
            message and code above are the first one's.
        data: the partial ``data`` of the response, if it had any.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int = 200,
        extensions: Mapping[str, Any] | None = None,
        path: Sequence[str | int] = (),
        errors: Sequence[Mapping[str, Any]] = (),
        data: Mapping[str, Any] | None = None,
    ) -> None:
        self.message = message
        self.code = code
        self.status = status
        self.extensions: dict[str, Any] = dict(extensions or {})
        self.path: list[str | int] = list(path)
        self.errors: list[dict[str, Any]] = [dict(e) for e in errors]
        self.data = dict(data) if data is not None else None
        super().__init__(self._describe())

    def _describe(self) -> str:
        text = f"{self.code}: {self.message}" if self.code else self.message
        if len(self.errors) > 1:
            others = "; ".join(_one_line(e) for e in self.errors[1:4])
            more = f" (and {len(self.errors) - 4} more)" if len(self.errors) > 4 else ""
            text += f" [{len(self.errors) - 1} more: {others}{more}]"
        return text


class NotFoundError(GraphQLError):
    """``NOT_FOUND``: an unknown ID."""


class BadRequestError(GraphQLError):
    """The request is wrong and would fail again as it is: ``BAD_USER_INPUT``
    (an argument out of range, a bad date or cursor), a query that does not
    parse or validate (``GRAPHQL_PARSE_FAILED``, ``GRAPHQL_VALIDATION_FAILED``)
    or one over a limit (``DEPTH_LIMIT_EXCEEDED``, ``COMPLEXITY_LIMIT_EXCEEDED``,
    ``DOCUMENT_LIMIT_EXCEEDED``)."""


class AuthenticationError(GraphQLError):
    """``UNAUTHENTICATED``: no valid bearer token; give ``Client(token=...)``."""


class RateLimitedError(GraphQLError):
    """``RATE_LIMITED``: over the server's ``--rate-limit``.

    Attributes:
        retry_after: seconds to wait before trying again, from
            ``extensions.retryAfterSeconds`` or the ``Retry-After`` header.
    """

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        if retry_after is None:
            seconds = self.extensions.get("retryAfterSeconds")
            retry_after = float(seconds) if isinstance(seconds, (int, float)) else None
        self.retry_after = retry_after


class UnavailableError(GraphQLError):
    """``UNAVAILABLE`` or ``TIMEOUT``: the graph store cannot answer now, or
    not within the server's time limit (ask for less)."""


_BY_CODE: dict[str, type[GraphQLError]] = {
    "NOT_FOUND": NotFoundError,
    "BAD_USER_INPUT": BadRequestError,
    "GRAPHQL_PARSE_FAILED": BadRequestError,
    "GRAPHQL_VALIDATION_FAILED": BadRequestError,
    "DEPTH_LIMIT_EXCEEDED": BadRequestError,
    "COMPLEXITY_LIMIT_EXCEEDED": BadRequestError,
    "DOCUMENT_LIMIT_EXCEEDED": BadRequestError,
    "UNAUTHENTICATED": AuthenticationError,
    "RATE_LIMITED": RateLimitedError,
    "UNAVAILABLE": UnavailableError,
    "TIMEOUT": UnavailableError,
}

# The code an export's HTTP status stands for: exports answer errors as
# {"error": "..."} without a code.
_CODE_BY_STATUS = {
    400: "BAD_USER_INPUT",
    401: "UNAUTHENTICATED",
    404: "NOT_FOUND",
    429: "RATE_LIMITED",
    503: "UNAVAILABLE",
    500: "INTERNAL",
}


def error_for(
    errors: Sequence[Mapping[str, Any]],
    *,
    status: int,
    data: Mapping[str, Any] | None = None,
    retry_after: float | None = None,
) -> GraphQLError:
    """The exception for the ``errors`` of a GraphQL response: the class of
    the first error's code, carrying its message, code and extensions and
    all the errors."""
    first = errors[0] if errors else {}
    extensions = first.get("extensions") or {}
    code = extensions.get("code") if isinstance(extensions, Mapping) else None
    cls = _BY_CODE.get(code, GraphQLError) if isinstance(code, str) else GraphQLError
    kwargs: dict[str, Any] = {
        "code": code if isinstance(code, str) else None,
        "status": status,
        "extensions": extensions if isinstance(extensions, Mapping) else None,
        "path": first.get("path") or (),
        "errors": errors,
        "data": data,
    }
    if cls is RateLimitedError:
        kwargs["retry_after"] = retry_after
    return cls(str(first.get("message", "unknown error")), **kwargs)


def export_error(message: str, *, status: int, retry_after: float | None = None) -> GraphQLError:
    """The exception for an export's ``{"error": message}`` answered with
    ``status``."""
    code = _CODE_BY_STATUS.get(status, "INTERNAL" if status >= 500 else "BAD_USER_INPUT")
    return error_for(
        [{"message": message, "extensions": {"code": code}}], status=status, retry_after=retry_after
    )


def _one_line(error: Mapping[str, Any]) -> str:
    ext = error.get("extensions")
    code = ext.get("code") if isinstance(ext, Mapping) else None
    message = str(error.get("message", ""))
    return f"{code}: {message}" if code else message
