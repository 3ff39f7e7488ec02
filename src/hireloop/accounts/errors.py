"""Domain errors shared by every app; the web and API layers turn them into 403/404/409/400."""

from __future__ import annotations


class DomainError(Exception):
    status = 400

    def __init__(self, message: str, *, field_errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


class NotFound(DomainError):
    """Also used when the object exists in another workspace: its existence is not revealed."""

    status = 404


class PermissionDenied(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409


class InvalidInput(DomainError):
    status = 400
