"""/api/docs/ (Swagger UI) and /api/redoc/ are served entirely by the app: government intranets
reach no CDN, so a page that loads a script from another host is a blank page there."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

REFERENCE = re.compile(r"""<(?:script|link|img)\b[^>]*?\b(?:src|href)=["']([^"']+)["']""", re.IGNORECASE)


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_load_only_the_apps_own_files(client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    references = REFERENCE.findall(html)
    assert references, "the page loads its viewer"
    for ref in references:
        assert not re.match(r"^(https?:)?//", ref), f"{url} loads {ref} from another host"
        # The viewers' files, and Swagger UI's start-up script from the page's own address.
        assert ref.startswith(("/static/", f"{url}?script")), ref
        served = client.get(ref)
        assert served.status_code == 200, ref
        served.close()
    assert "googleapis" not in html and "jsdelivr" not in html and "unpkg" not in html
    # Nor may the browser fetch anything else (Redoc's sidebar links a logo on cdn.redoc.ly).
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "img-src 'self' data:" in policy and "http" not in policy
    if url == "/api/docs/":  # Swagger UI would otherwise call validator.swagger.io
        assert '"validatorUrl": null' in client.get(url, {"script": ""}).content.decode()


def test_the_docs_pages_are_not_endpoints_of_the_schema(client) -> None:
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    assert "/api/docs/" not in paths and "/api/redoc/" not in paths
