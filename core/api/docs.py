"""The API's documentation pages, held to the app's own files: government intranets reach no other
host, and a page that tries one waits or shows a broken image. Redoc's sidebar links a logo on
cdn.redoc.ly that no setting turns off; the Content-Security-Policy below keeps the browser from
asking for it (or for anything else outside the app).

Their policy is the pages' one (core.middleware.CONTENT_SECURITY_POLICY) with what the viewers
need beyond it: the styles they inject (Redoc's styled-components, Swagger UI's <style>), fonts as
data: URLs, and Redoc's search worker started from a blob: URL. No inline script: Swagger UI's
start-up script is served from the page's own address (`?script`, drf-spectacular's split view),
Redoc starts from its <redoc> element."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.request import Request
from rest_framework.response import Response

SAME_ORIGIN_ONLY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "worker-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


class _SameOriginOnly:
    @extend_schema(exclude=True)  # pages for people, not endpoints of the API
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response: Response = super().get(request, *args, **kwargs)  # type: ignore[misc]  # mixed into a view
        response["Content-Security-Policy"] = SAME_ORIGIN_ONLY
        return response


class SwaggerView(_SameOriginOnly, SpectacularSwaggerSplitView):
    """Swagger UI at /api/docs/ (drf-spectacular-sidecar)."""


class RedocView(_SameOriginOnly, SpectacularRedocView):
    """Redoc at /api/redoc/ (drf-spectacular-sidecar)."""
