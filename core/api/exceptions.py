"""API errors keep DRF's shape: `{"field": ["message", ...]}` or `{"detail": "message"}`.

Messages people read are Chinese: DRF's few untranslated refusals (a body that is no JSON) are
worded here, its CSRF refusal by `core.api.authentication`, the rest by the translations of
Django, DRF and `locale/`.

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
from django.utils.translation import gettext as _
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


def _parse_error(exc: exceptions.ParseError) -> exceptions.ParseError:
    """DRF's parsers write "JSON parse error - <the decoder's English>" without gettext: the
    refusal in Chinese (the decoder's words are of no use to the person)."""
    detail = str(exc.detail)
    if detail.startswith("JSON parse error"):
        return exceptions.ParseError(_("请求内容不是有效的 JSON，无法解析。"))
    if detail.startswith("Multipart form parse error"):
        return exceptions.ParseError(_("上传的表单内容无法解析（multipart/form-data 格式有误）。"))
    return exc


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, exceptions.ParseError):
        exc = _parse_error(exc)
    response = drf_exception_handler(to_api_error(exc), context)
    # The domain error itself, or the one a view already translated (`raise to_api_error(e) from e`).
    domain = exc if isinstance(exc, ActionError) else exc.__cause__
    if response is not None and isinstance(domain, ActionError):
        response[ERROR_CODE_HEADER] = domain.code
    return response
