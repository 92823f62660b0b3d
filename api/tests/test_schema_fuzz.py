"""Property-based checks of the whole API against its own OpenAPI schema (schemathesis),
through the WSGI application in-process: no endpoint answers a generated request with a
server error, and every response matches the schema it documents."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from project_core.wsgi import application
from tests.factories import ChatFactory, FAQFactory, ProductFactory

STAFF_USER, STAFF_PASSWORD = "fuzz-admin", "fuzz-password"

# Loaded at collection through the WSGI app: the schema is generated from the code, so it
# needs no database. (schemathesis' lazy `from_fixture` is not compatible with pytest 9.)
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)

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
    User.objects.create_superuser(STAFF_USER, "admin@example.com", STAFF_PASSWORD)


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_answers_anonymous_generated_requests_without_server_errors(case, catalog_and_staff):
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_answers_staff_generated_requests_without_server_errors(case, catalog_and_staff):
    token = base64.b64encode(f"{STAFF_USER}:{STAFF_PASSWORD}".encode()).decode()
    case.call_and_validate(headers={"Authorization": f"Basic {token}"}, checks=CHECKS)
