from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_openapi_schema_is_public_and_lists_every_resource(anon_client):
    # when
    response = anon_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    # then
    assert response.status_code == 200
    paths = response.json()["paths"]
    for resource in ("categories", "products", "faqs", "orders", "customers", "chats"):
        assert f"/api/{resource}/" in paths


def test_swagger_ui_is_served_from_local_assets_not_a_cdn(anon_client):
    # when
    response = anon_client.get("/api/docs/")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "drf_spectacular_sidecar/swagger-ui-dist" in html
    assert "cdn.jsdelivr.net" not in html


def test_api_root_is_public(anon_client):
    # when
    response = anon_client.get("/api/")
    # then
    assert response.status_code == 200
    assert "products" in response.json()
