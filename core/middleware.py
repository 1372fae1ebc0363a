"""Request-wide middleware of core: the audit context, the request-body ceiling, the security headers."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.urls import Resolver404, resolve
from rest_framework.parsers import FileUploadParser, MultiPartParser
from rest_framework.views import APIView

from core.audit import audit_context
from core.errors import CoreErrorCode
from core.models import ChangeLog


def client_ip(request: HttpRequest) -> str | None:
    """The client's address. Behind the front proxy (`ECBASE_BEHIND_PROXY`) REMOTE_ADDR is the
    proxy's: the address is the last hop of X-Forwarded-For, the one the proxy itself wrote
    (earlier entries are whatever the client sent, and not believed)."""
    if getattr(settings, "ECBASE_BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR") or None


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        source = ChangeLog.Source.API if is_api(request) else ChangeLog.Source.WEB
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
        with audit_context(actor=actor, source=source, request_id=request_id, ip=client_ip(request)):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


# ---- the request-body ceiling ----------------------------------------------------------------


def accepts_uploads(view: Any) -> bool:
    """Whether the view that a URL resolves to receives files: a page view declaring
    `accepts_uploads = True` (on its class or function), or an API endpoint whose parsers
    (the action's `parser_classes`) read multipart bodies or raw files."""
    if getattr(view, "accepts_uploads", False):
        return True
    cls = getattr(view, "view_class", None) or getattr(view, "cls", None)
    if cls is not None and getattr(cls, "accepts_uploads", False):
        return True
    parsers = (getattr(view, "initkwargs", None) or {}).get("parser_classes")
    if parsers is None and isinstance(cls, type) and issubclass(cls, APIView):
        # A view's own parsers; the default ones (multipart included) do not make an upload endpoint.
        parsers = cls.parser_classes if cls.parser_classes is not APIView.parser_classes else ()
    return any(isinstance(p, type) and issubclass(p, MultiPartParser | FileUploadParser) for p in parsers or ())


def body_limit(request: HttpRequest) -> int:
    """The largest body this request may carry: the upload limit (with its envelope) for an
    endpoint that receives files, `ECBASE_MAX_BODY_BYTES` for every other."""
    from core.uploads import max_upload_body

    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return int(settings.ECBASE_MAX_BODY_BYTES)
    ordinary = int(settings.ECBASE_MAX_BODY_BYTES)
    return max(max_upload_body(), ordinary) if accepts_uploads(match.func) else ordinary


def _declared_length(request: HttpRequest) -> int | None:
    raw = request.META.get("CONTENT_LENGTH")
    if raw in (None, ""):
        return None
    try:
        length = int(raw)
    except (TypeError, ValueError):
        return None
    return length if length >= 0 else None


class RequestBodyLimitMiddleware:
    """Refuses a request whose body is larger than it may be before anything reads it.

    Django's CSRF check reads `request.POST` (a multipart body is spooled to a temporary file in
    full) and the API's parsers read the body before any view sees it: an anonymous 1 GiB POST to
    the sign-in page was written to disk before its 403. This middleware stands before them
    (settings.MIDDLEWARE) and answers from the declared Content-Length alone: 413 above the
    limit of the endpoint (`body_limit`), 411 for a body sent without a length (chunked), which
    Django under WSGI would not read at all. Pages get the site's 413 page, the API its JSON.
    Nothing is read: the front proxy's own limit (nginx `client_max_body_size`, docs/deploy.md)
    keeps the bytes from reaching the app at all.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = _declared_length(request)
        if length is None:
            if request.META.get("HTTP_TRANSFER_ENCODING", "").strip().lower() not in ("", "identity"):
                return self.refuse(request, 411, CoreErrorCode.LENGTH_REQUIRED)
        elif length > int(settings.ECBASE_MAX_BODY_BYTES):
            limit = body_limit(request)
            if length > limit:
                return self.refuse(request, 413, CoreErrorCode.BODY_TOO_LARGE, limit=filesizeformat(limit))
        return self.get_response(request)

    def refuse(self, request: HttpRequest, status: int, code: CoreErrorCode, **params: Any) -> HttpResponse:
        from core.error_pages import request_refused

        # The body stays unread (gunicorn's sync workers close the connection after each answer;
        # a hop-by-hop Connection header is not the application's to set under WSGI).
        message = code.render(**params)
        if is_api(request):
            response: HttpResponse = JsonResponse({"detail": message, "code": code.value}, status=status)
            response["X-Error-Code"] = code.value
            return response
        return request_refused(request, status, message)


# ---- security headers ------------------------------------------------------------------------

# Every page runs the app's own scripts and styles only: no inline script or style, no event
# handler attribute, nothing from another host (intranets reach none anyway), no plugin, no frame.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


class SecurityHeadersMiddleware:
    """The Content-Security-Policy of every response (one that set its own, the API's
    documentation pages, keeps it), and `Cache-Control: no-store` on every answer to a signed-in
    user and every API answer: business data stays out of the browser's and proxies' caches
    (a shared computer, the back button after signing out). Static files are left to WhiteNoise,
    which caches them for long. Outermost in settings.MIDDLEWARE, so that error pages get both."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        if self.private(request):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
            if "Expires" in response:
                del response["Expires"]
        return response

    @staticmethod
    def private(request: HttpRequest) -> bool:
        if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return False
        if is_api(request):
            return True
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)
