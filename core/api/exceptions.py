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
    if isinstance(exc, NotAllowedError):
        return exceptions.PermissionDenied(exc.message, code=exc.code)
    if isinstance(exc, ActionError):
        field = exc.field or api_settings.NON_FIELD_ERRORS_KEY
        return exceptions.ValidationError({field: [exceptions.ErrorDetail(exc.message, code=exc.code)]})
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
    response = drf_exception_handler(to_api_error(exc), context)
    # The domain error itself, or the one a view already translated (`raise to_api_error(e) from e`).
    domain = exc if isinstance(exc, ActionError) else exc.__cause__
    if response is not None and isinstance(domain, ActionError):
        response[ERROR_CODE_HEADER] = domain.code
    return response
