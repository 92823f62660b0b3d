from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

SCHEMA_ACCEPT = "application/vnd.oai.openapi+json"


def test_openapi_schema_is_for_staff_and_lists_every_resource(anon_client, admin_client):
    # when
    anonymous = anon_client.get("/api/schema/", HTTP_ACCEPT=SCHEMA_ACCEPT)
    staff = admin_client.get("/api/schema/", HTTP_ACCEPT=SCHEMA_ACCEPT)
    # then
    assert anonymous.status_code in {401, 403}
    assert staff.status_code == 200
    paths = staff.json()["paths"]
    for resource in ("categories", "products", "faqs", "orders", "customers", "chats"):
        assert f"/api/{resource}/" in paths


def test_docs_are_public_only_when_configured(anon_client, settings):
    # given
    settings.API_DOCS_PUBLIC = True
    # when
    response = anon_client.get("/api/schema/", HTTP_ACCEPT=SCHEMA_ACCEPT)
    # then
    assert response.status_code == 200


def test_swagger_ui_is_served_from_local_assets_not_a_cdn(admin_client):
    # when
    response = admin_client.get("/api/docs/")
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
