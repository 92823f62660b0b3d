"""Logins cannot be brute-forced: no password on every API request (no BasicAuth), a
lockout after a few failures on the admin login and the token endpoint (django-axes),
client addresses that a client cannot forge, and passwords that pass Django's validators."""

from __future__ import annotations

import base64

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def manager() -> User:
    user = User.objects.create_user("manager", password=PASSWORD, is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_order"))
    return user


def _token_attempt(client: APIClient, password: str, **extra: str) -> int:
    return client.post(
        "/api/token/", {"username": "manager", "password": password}, format="json", **extra
    ).status_code


def test_a_staff_member_exchanges_a_password_for_a_token_that_opens_the_api(manager):
    # given
    client = APIClient()
    # when
    token = client.post(
        "/api/token/", {"username": "manager", "password": PASSWORD}, format="json"
    ).json()["token"]
    response = client.get("/api/orders/", HTTP_AUTHORIZATION=f"Token {token}")
    # then
    assert response.status_code == 200


def test_a_customer_account_without_staff_status_gets_no_token():
    # given
    User.objects.create_user("shopper", password=PASSWORD)
    # when
    response = APIClient().post(
        "/api/token/", {"username": "shopper", "password": PASSWORD}, format="json"
    )
    # then
    assert response.status_code == 403


def test_basic_auth_is_not_accepted(manager):
    # given
    credentials = base64.b64encode(f"manager:{PASSWORD}".encode()).decode()
    # when
    response = APIClient().get("/api/orders/", HTTP_AUTHORIZATION=f"Basic {credentials}")
    # then
    assert response.status_code in {401, 403}


def test_wrong_token_passwords_lock_the_address_out_with_429(manager, settings):
    # given
    client = APIClient()
    limit = settings.AXES_FAILURE_LIMIT
    # when: the review's sequence, 150 wrong passwords, then the right one
    statuses = [_token_attempt(client, f"guess-{n}") for n in range(150)]
    after = _token_attempt(client, PASSWORD)
    # then
    assert statuses[: limit - 1] == [400] * (limit - 1)
    assert set(statuses[limit:]) == {429}
    assert after == 429


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(manager, settings):
    # given
    client = APIClient()
    limit = settings.AXES_FAILURE_LIMIT
    # when: every attempt claims another client address
    statuses = [
        _token_attempt(client, "guess", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        for n in range(limit + 3)
    ]
    # then
    assert statuses[-1] == 429


def test_admin_login_is_locked_out_after_repeated_failures(client, manager, settings):
    # given
    limit = settings.AXES_FAILURE_LIMIT
    # when
    statuses = [
        client.post(
            "/admin/login/?next=/admin/", {"username": "manager", "password": f"guess-{n}"}
        ).status_code
        for n in range(limit + 2)
    ]
    right = client.post("/admin/login/?next=/admin/", {"username": "manager", "password": PASSWORD})
    # then
    assert statuses[0] == 200  # the form again, with an error
    assert statuses[-1] == 429
    assert right.status_code == 429


def test_the_anonymous_throttle_counts_the_connection_not_the_forwarded_header(monkeypatch):
    # given
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/min"})
    client = APIClient()
    # when
    statuses = [
        client.get("/api/products/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(3)
    ]
    # then
    assert statuses == [200, 200, 429]


@pytest.mark.parametrize("weak", ["password", "12345678901234", "short1!", "manager12345"])
def test_weak_passwords_are_refused(manager, weak):
    # when / then
    with pytest.raises(ValidationError):
        validate_password(weak, user=manager)


def test_a_long_uncommon_password_is_accepted(manager):
    # when / then
    validate_password("violet-kettle-harbour-91", user=manager)


def test_the_api_answers_json_not_the_browsable_html_page(anon_client):
    # when
    response = anon_client.get("/api/products/", HTTP_ACCEPT="text/html")
    # then
    assert response["Content-Type"].startswith("application/json")
