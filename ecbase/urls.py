from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from portal.home import HomeView


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico whatever the page links: the app's own icon."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


urlpatterns = [
    path("", HomeView.as_view(), name="portal-home"),
    path("favicon.ico", favicon, name="favicon"),
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

# Error pages in Chinese in the site's layout (under DEBUG too: core.error_pages).
handler403 = "core.error_pages.forbidden"
handler404 = "core.error_pages.not_found"
handler500 = "core.error_pages.server_error"
