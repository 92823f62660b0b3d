from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from rest_framework.test import APIClient


def _staff(username: str, *codenames: str, superuser: bool = False) -> User:
    user = User.objects.create_user(username=username, password="pw", is_staff=True)
    if superuser:
        user.is_superuser = True
        user.save(update_fields=["is_superuser"])
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def anon_client() -> APIClient:
    return APIClient()


@pytest.fixture
def staff_client(db) -> APIClient:
    """A staff member allowed to view orders, customers and chats."""
    client = APIClient()
    client.force_authenticate(_staff("manager", "view_order", "view_customer", "view_chat"))
    return client


@pytest.fixture
def superuser_client(db) -> APIClient:
    client = APIClient()
    client.force_authenticate(_staff("root", superuser=True))
    return client


@pytest.fixture
def make_staff_client(db):
    def make(*codenames: str, is_staff: bool = True) -> APIClient:
        user = _staff(f"user-{'-'.join(codenames) or 'none'}-{is_staff}", *codenames)
        if not is_staff:
            user.is_staff = False
            user.save(update_fields=["is_staff"])
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make
