"""API errors keep DRF's shape: `{"field": ["message", ...]}` or `{"detail": "message"}`.

Domain errors raised below the API (model validation, action refusals) are translated here so
every endpoint answers them the same way: a Django `ValidationError` or an `ActionError` is a
400 naming the field, a `NotAllowedError` is a 403. Messages stay the Chinese ones the domain
wrote; `ActionError.code` travels as the error code DRF exposes through `get_codes()` and, for
clients, in the `X-Error-Code` response header (the codes per domain are listed in docs/api.md).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ActionError, NotAllowedError

ERROR_CODE_HEADER = "X-Error-Code"


def to_api_error(exc: Exception) -> Exception:
    """The DRF exception that stands for a domain error; other exceptions are returned as they are."""
    if isinstance(exc, ActionError):
        api_error: exceptions.APIException
        if isinstance(exc, NotAllowedError):
            api_error = exceptions.PermissionDenied(exc.message, code=exc.code)
        else:
            field = exc.field or api_settings.NON_FIELD_ERRORS_KEY
            api_error = exceptions.ValidationError({field: [exceptions.ErrorDetail(exc.message, code=exc.code)]})
        api_error.ecbase_code = str(exc.code)  # type: ignore[attr-defined]  # read by exception_handler
        return api_error
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail: dict[str, list[exceptions.ErrorDetail]] = {}
            for field, errors in exc.error_dict.items():
                key = api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field
                detail[key] = [exceptions.ErrorDetail(str(m), code=e.code or "invalid") for e in errors for m in e]
            return exceptions.ValidationError(detail)
        return exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [str(m) for m in exc.messages]})
    return exc


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    api_error = to_api_error(exc)
    response = drf_exception_handler(api_error, context)
    code = getattr(api_error, "ecbase_code", None)
    if response is not None and code:
        response[ERROR_CODE_HEADER] = code
    return response
