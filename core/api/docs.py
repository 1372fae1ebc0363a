"""The API's documentation pages, held to the app's own files: government intranets reach no other
host, and a page that tries one waits or shows a broken image. Redoc's sidebar links a logo on
cdn.redoc.ly that no setting turns off; the Content-Security-Policy below keeps the browser from
asking for it (or for anything else outside the app)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView
from rest_framework.request import Request
from rest_framework.response import Response

# Inline scripts and styles are the viewers' own bootstrapping; workers run from blob: URLs.
SAME_ORIGIN_ONLY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' blob:; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; "
    "frame-ancestors 'none'"
)


class _SameOriginOnly:
    @extend_schema(exclude=True)  # pages for people, not endpoints of the API
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response: Response = super().get(request, *args, **kwargs)  # type: ignore[misc]  # mixed into a view
        response["Content-Security-Policy"] = SAME_ORIGIN_ONLY
        return response


class SwaggerView(_SameOriginOnly, SpectacularSwaggerView):
    """Swagger UI at /api/docs/ (drf-spectacular-sidecar)."""


class RedocView(_SameOriginOnly, SpectacularRedocView):
    """Redoc at /api/redoc/ (drf-spectacular-sidecar)."""
