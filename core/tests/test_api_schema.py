"""The OpenAPI schema is served, is valid OpenAPI 3, and generates without a single warning."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def test_schema_is_served_and_valid_openapi_3(client) -> None:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    spec = json.loads(response.content)
    validate(spec)  # raises on any violation of the OpenAPI 3 specification
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    for path in (
        "/api/regions/",
        "/api/quota-units/",
        "/api/demo-cities/",
        "/api/bases/",
        "/api/bases/{id}/status-changes/",
        "/api/enterprises/",
        "/api/residencies/",
        "/api/titles/",
        "/api/changelog/",
        "/api/enterprises/{id}/history/",
        "/api/auth/token/",
        "/api/me/",
    ):
        assert path in paths, path
    # PATCH only (a write touches the fields sent), no PUT; bases are not created over the API.
    assert "put" not in paths["/api/enterprises/{id}/"]
    assert "patch" in paths["/api/enterprises/{id}/"]
    assert "post" not in paths["/api/bases/"]
    # The status of a base is read-only on the API.
    patched_base = spec["components"]["schemas"]["PatchedBaseRequest"]["properties"]
    assert "status" not in patched_base
    params = {p["name"] for p in paths["/api/bases/"]["get"]["parameters"]}
    assert {"q", "status", "quota_unit", "province", "page", "page_size"} <= params


def test_schema_generation_has_no_warnings() -> None:
    out = io.StringIO()
    # --fail-on-warn turns any warning (an unannotated view, a guessed type) into an error.
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out, stderr=out)


def test_swagger_page_is_served(client) -> None:
    assert client.get("/api/docs/").status_code == 200
