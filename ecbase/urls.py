from django.urls import include, path

from portal.home import HomeView

urlpatterns = [
    path("", HomeView.as_view(), name="portal-home"),
    path("accounts/", include("accounts.urls")),
    path("api/", include("ecbase.api_urls")),
    path("", include("core.urls")),
    path("", include("regions.urls")),
    path("", include("registry.urls")),
    path("imports/", include("registry.imports.urls")),
    path("selection/", include("selection.urls")),
    path("notices/", include("selection.public_urls")),
    path("policies/", include("policies.urls")),
]
