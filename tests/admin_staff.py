"""Admin tests as a limited staff member: a logged-in client holding only the permissions a
test names, and the changelist action helpers every app's admin tests share."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse


def staff_client(*permissions: str, username: str = "") -> Client:
    """A client logged in as a non-superuser staff member with exactly `permissions`
    ("app_label.codename")."""
    user = get_user_model().objects.create_user(
        username=username or f"staff-{'-'.join(permissions) or 'none'}"[:150],
        password="pw",
        is_staff=True,
    )
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    client = Client()
    client.force_login(user)
    return client


def offered_actions(client: Client, changelist: str) -> set[str]:
    """The action names the changelist offers this client (empty when it offers none)."""
    response = client.get(reverse(changelist))
    assert response.status_code == 200
    form = response.context["action_form"]
    if form is None:
        return set()
    return {name for name, _label in form.fields["action"].choices if name}


def post_action(client: Client, changelist: str, action: str, pks: Iterable[int]):
    """POST an action on the changelist, as the action form (or a forged request) would."""
    return client.post(
        reverse(changelist), {"action": action, "_selected_action": [str(pk) for pk in pks]}
    )
