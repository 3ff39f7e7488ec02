"""Every API error has one shape: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from hireloop.accounts.errors import DomainError

CODES = {
    400: "invalid",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "invalid",
    429: "throttled",
}


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class ErrorOut(Schema):
    error: ErrorDetail


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    message: str,
    fields: dict[str, list[str]] | None = None,
) -> HttpResponse:
    body = {
        "error": {"code": CODES.get(status, "error"), "message": message, "fields": fields or {}}
    }
    return api.create_response(request, body, status=status)


def _validation_fields(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for err in errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        fields.setdefault(".".join(loc) or "__all__", []).append(
            str(err.get("msg", "invalid")).removeprefix("Value error, ")
        )
    return fields


def install(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def _domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return error_response(api, request, exc.status, exc.message, exc.field_errors)

    @api.exception_handler(ValidationError)
    def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return error_response(
            api, request, 422, "The request is not valid.", _validation_fields(exc.errors)
        )

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(
            api, request, 401, "Sign in, or send 'Authorization: Bearer <token>'."
        )

    @api.exception_handler(HttpError)
    def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return error_response(api, request, exc.status_code, str(exc))
