"""Property-based checks of the whole API against its own OpenAPI schema (schemathesis),
through the WSGI application in-process: no endpoint answers a generated request with a
server error, and every response matches the schema it documents."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from project_core.wsgi import application
from tests.factories import ChatFactory, FAQFactory, ProductFactory

STAFF_USER, STAFF_PASSWORD = "fuzz-admin", "fuzz-password"
STAFF_TOKEN = "f" * 40

# Generated from the code at collection (no database needed; /api/schema/ itself is
# staff-only), then called through the WSGI app. (schemathesis' lazy `from_fixture` is not
# compatible with pytest 9.)
schema = schemathesis.openapi.from_dict(
    json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))
)
schema.app = application

FUZZ_SETTINGS = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def keep_test_connection() -> Iterator[None]:
    """Requests go straight to the WSGI app, not through Django's test client, so the
    end of each request would close the database connection and with it the test's
    transaction (on MariaDB). Disconnect that handler, as the test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def catalog_and_staff(db, keep_test_connection) -> None:
    """A little of everything, so detail and filter paths also reach real rows."""
    ProductFactory(sku="FUZZ-1")
    FAQFactory()
    ChatFactory()
    staff = User.objects.create_superuser(STAFF_USER, "admin@example.com", STAFF_PASSWORD)
    Token.objects.create(user=staff, key=STAFF_TOKEN)


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_answers_anonymous_generated_requests_without_server_errors(case, catalog_and_staff):
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_answers_staff_generated_requests_without_server_errors(case, catalog_and_staff):
    case.call_and_validate(headers={"Authorization": f"Token {STAFF_TOKEN}"}, checks=CHECKS)
