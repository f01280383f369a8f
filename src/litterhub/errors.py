"""The hub's one error root: every refusal a service, an analysis or a reader raises is a `HubError`.

Contract:
- A `HubError` carries a stable `code` (kebab-case; docs/errors.md lists them), a `message` for people, the
  `field` at fault (or None), the HTTP `status` an interface answers with, and optionally `errors` (several
  {code, field, message} entries, e.g. one per bad line) and `headers` (e.g. Retry-After).
- The families below give the default status of a kind of refusal; a service error subclasses the family that
  fits it (and keeps `ValueError` / `LookupError` beside it where callers already catch those).
- Nothing here knows HTTP or terminals: `http/problems.py` renders a HubError as problem+json for machines and
  hands it to the web's HTML error page for browsers; the CLI prints the message and exits non-zero.

Subclasses that predate this root may set `code`, `field` or `status` themselves after `super().__init__`
(or expose `status` as a property); the root only stores what it is given and otherwise falls back to the
class attributes, so either style works.
"""

from __future__ import annotations

from typing import Any


class HubError(Exception):
    """A request that cannot be done, said once: code, message, field, status (+ optional errors, headers)."""

    code: str = "error"
    status: int = 400
    field: str | None = None
    errors: list[dict[str, Any]] | None = None
    headers: dict[str, str] | None = None

    def __init__(self, message: str = "", *, code: str | None = None, field: str | None = None,
                 status: int | None = None, errors: list[dict[str, Any]] | None = None,
                 headers: dict[str, str] | None = None, **detail: Any) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail
        for name, value in (("code", code), ("field", field), ("status", status), ("errors", errors),
                            ("headers", headers)):
            if value is not None:
                setattr(self, name, value)

    def entries(self) -> list[dict[str, Any]]:
        """The {code, field, message} list of a problem document: the explicit `errors`, else this error alone."""
        if self.errors:
            return list(self.errors)
        return [{"code": self.code, "field": self.field, "message": str(self)}]


# --- families: the status a kind of refusal answers with ----------------------------------------------------------

class InvalidInput(HubError):
    """A parameter, field or file the hub cannot use (400)."""

    code, status = "invalid-input", 400


class Unprocessable(HubError):
    """Well-formed input that breaks a rule of the domain (422)."""

    code, status = "unprocessable", 422


class NotFoundError(HubError):
    """No such record, or not one the caller may see (404)."""

    code, status = "not-found", 404


class Forbidden(HubError):
    """The caller's role or scope does not allow this (403)."""

    code, status = "forbidden", 403


class Conflict(HubError):
    """The request clashes with the current state: busy, duplicate, wrong workflow step (409)."""

    code, status = "conflict", 409


class Unavailable(HubError):
    """A shared resource is exhausted or a source is missing: retry later (503)."""

    code, status = "unavailable", 503
