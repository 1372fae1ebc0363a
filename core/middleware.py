"""Puts the acting user, request id and client address into the audit context."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from core.audit import audit_context
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


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        source = ChangeLog.Source.API if request.path.startswith("/api/") else ChangeLog.Source.WEB
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
        with audit_context(actor=actor, source=source, request_id=request_id, ip=client_ip(request)):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
