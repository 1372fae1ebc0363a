"""The REST API. Each app keeps its endpoints in `<app>/api/urls.py`; this file mounts them."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from core.api.docs import RedocView, SwaggerView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", RedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("", include("accounts.api.urls")),
    path("", include("core.api.urls")),
    path("", include("regions.api.urls")),
    path("", include("registry.api.urls")),
    path("", include("selection.api.urls")),
    path("policies/", include("policies.api.urls")),
    path("", include("portal.api.urls")),
]
