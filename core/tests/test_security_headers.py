"""A Content-Security-Policy on every answer, and business data kept out of caches (security
review, finding 14). The browser side — that the pages work under the policy — is
tests/browser/test_content_security_policy.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from core.middleware import CONTENT_SECURITY_POLICY
from portal.testing.world import World

pytestmark = pytest.mark.django_db

DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def directives(policy: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())


def assert_private(response: object) -> None:
    assert response["Cache-Control"] == "no-store"  # type: ignore[index]
    assert response["Pragma"] == "no-cache"  # type: ignore[index]


def test_the_policy_is_the_strict_one() -> None:
    assert directives(CONTENT_SECURITY_POLICY).items() >= DIRECTIVES.items()
    assert "unsafe" not in CONTENT_SECURITY_POLICY and "http" not in CONTENT_SECURITY_POLICY


def test_a_signed_in_page_has_the_policy_and_is_not_stored(world: World) -> None:
    client = Client()
    client.force_login(world.users["ministry"])
    for path in ("/", "/bases/", f"/bases/{world.bases['rongchang'].pk}/", "/changelog/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert_private(response)
    export = client.get("/bases/", {"export": "xlsx"})
    assert_private(export)


def test_an_api_answer_has_the_policy_and_is_not_stored(world: World) -> None:
    api = APIClient()
    anonymous = api.get("/api/notices/")
    assert anonymous.status_code == 200
    assert anonymous["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert_private(anonymous)  # every API answer, with an account or without
    api.force_authenticate(world.users["ministry"])
    assert_private(api.get("/api/bases/"))
    refused = APIClient().get("/api/bases/")
    assert refused.status_code == 401 and refused["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert_private(refused)


def test_error_pages_have_the_policy(world: World) -> None:
    anonymous = Client()
    missing = anonymous.get("/no/such/page/")
    assert missing.status_code == 404 and missing["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    signed_in = Client()
    signed_in.force_login(world.users["operator_rc"])
    hidden = signed_in.get(f"/bases/{world.bases['xuzhou'].pk}/")
    assert hidden.status_code == 404 and hidden["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert_private(hidden)
    forbidden = signed_in.get("/changelog/")
    assert forbidden.status_code == 403 and forbidden["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    csrf = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x", "password": "y"})
    assert csrf.status_code == 403 and csrf["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_public_pages_and_static_files_may_be_cached(world: World) -> None:
    public = Client().get("/notices/")  # the published notices: for everyone
    assert public.status_code == 200 and public["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "no-store" not in public.get("Cache-Control", "")
    signed_in = Client()
    signed_in.force_login(world.users["ministry"])
    static = signed_in.get("/static/css/ecbase.css")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "") and "Pragma" not in static
    static.close()


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_api_documentation_keeps_its_own_policy_without_inline_scripts(client: Client, path: str) -> None:
    response = client.get(path)
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == "'self'" and policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'" and policy["base-uri"] == "'self'"
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "an inline script"
    if path == "/api/docs/":  # Swagger UI's start-up script comes from the page's own address
        script = client.get(path, {"script": ""})
        assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


def test_no_template_has_inline_scripts_styles_or_handlers() -> None:
    """What the policy would refuse in a browser, found in the templates themselves."""
    found = []
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        if "drf_spectacular" in template.parts:
            continue  # the API viewers: their own policy (core.api.docs)
        text = template.read_text(encoding="utf-8")
        for pattern in (
            r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>",
            r"<style\b",
            r"\sstyle=",
            r"\son[a-z]+=",
            r"javascript:",
        ):
            found += [f"{template.name}: {m.group(0)}" for m in re.finditer(pattern, text)]
    assert found == []
