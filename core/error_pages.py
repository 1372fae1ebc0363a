"""The error pages (403, 404, 500, a refused form, a body too large) in Chinese in the site's layout — also under
DEBUG (`make run`), where Django would otherwise answer a wrong address with its English
technical page listing every URL pattern.

`handler403/404/500` (ecbase/urls.py) and `CSRF_FAILURE_VIEW` serve them in production. Under
DEBUG, Django does not call the 404 and 500 handlers; `DebugErrorPagesMiddleware` replaces its
technical pages with the same ones. Tracebacks still go to the console log, and
`ECBASE_DEBUG_TRACEBACKS=1` keeps Django's technical 500 page for whoever debugs a crash
(docs/deploy.md). API responses (JSON) are never touched, and an address under /api/ that no
route matches is answered in JSON too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound, HttpResponseServerError, JsonResponse
from django.template import loader
from django.template.response import TemplateResponse
from rest_framework.exceptions import NotFound
from rest_framework.response import Response as ApiResponse


def _page(
    request: HttpRequest | None, template: str, status: int, context: dict[str, Any] | None = None
) -> HttpResponse:
    body = loader.render_to_string(template, context or {}, request=request)
    response = HttpResponse(body, status=status)
    response.ecbase_error_page = True  # type: ignore[attr-defined]  # marks the page as ours
    return response


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception.args[0]) if exception is not None and exception.args else ""
    return _page(request, "403.html", 403, {"message": message})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        # An address no API route matches (`/api/bases/1.5/`) answers as the API's other 404s do:
        # JSON, as its schema says (core.api.schema), not the site's page.
        response: HttpResponse = JsonResponse(
            {"detail": str(NotFound.default_detail)}, status=404, json_dumps_params={"ensure_ascii": False}
        )
        response.ecbase_error_page = True  # type: ignore[attr-defined]  # marks the page as ours
        return response
    return _page(request, "404.html", 404, {"request_path": request.path})


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: whatever broke (the database?) must not break the error page too.
    body = loader.render_to_string("500.html", {})
    response = HttpResponseServerError(body)
    response.ecbase_error_page = True  # type: ignore[attr-defined]  # marks the page as ours
    return response


def request_refused(request: HttpRequest, status: int, message: str) -> HttpResponse:
    """A request refused before its body was read (too large, no declared length): 413 or 411."""
    return _page(request, "413.html", status, {"message": message, "status": status})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid token: usually a page left open past the session, or cookies off."""
    return _page(request, "403_csrf.html", 403)


class DebugErrorPagesMiddleware:
    """Under DEBUG, Django's technical 404 and 500 pages become the site's own (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not settings.DEBUG or getattr(response, "ecbase_error_page", False):
            return response
        if isinstance(response, ApiResponse | TemplateResponse):
            return response  # the API's JSON errors and pages that chose their own 404
        if type(response) is HttpResponseNotFound:
            return not_found(request)
        if response.status_code == 500 and not settings.ECBASE_DEBUG_TRACEBACKS:
            return server_error(request)
        return response
