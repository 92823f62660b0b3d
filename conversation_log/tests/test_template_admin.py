"""Staff set a template's purpose and how each slot is filled; Meta's fields stay read-only."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conversation_log.tests.template_factory import approved_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(django_user_model) -> Client:
    user = django_user_model.objects.create_superuser("clerk", "clerk@example.com", "pw")
    client = Client()
    client.force_login(user)
    return client


def test_staff_map_the_slots_and_choose_the_purpose(staff):
    # given
    template = approved_template(
        name="order_shipped",
        purpose="",
        body="Hi {{1}}, {{2}} shipped.",
        button_url="https://track.example/{{1}}",
    )
    url = reverse("admin:conversation_log_messagetemplate_change", args=[template.pk])
    # when
    page = staff.get(url).content.decode()
    response = staff.post(
        url,
        {
            "purpose": "order_shipped",
            "slot__body.1": "customer_name",
            "slot__body.2": "order_number",
            "slot__button.0": "tracking_url_suffix",
            "status": "REJECTED",  # read-only: ignored
        },
    )
    # then
    assert 'name="slot__body.2"' in page
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.purpose == "order_shipped"
    assert template.slot_map == {
        "body.1": "customer_name",
        "body.2": "order_number",
        "button.0": "tracking_url_suffix",
    }
    assert template.status == "APPROVED"


def test_the_template_list_says_which_templates_are_ready_to_send(staff):
    # given
    approved_template(name="ready", purpose="order_paid", slot_map={"body.1": "order_number"})
    approved_template(name="unmapped", purpose="order_paid")
    # when
    page = staff.get(reverse("admin:conversation_log_messagetemplate_changelist")).content
    # then
    assert page.decode().count('alt="True"') >= 1
    assert b"unmapped" in page


def test_templates_cannot_be_added_in_admin(staff):
    # when
    response = staff.get(reverse("admin:conversation_log_messagetemplate_add"))
    # then
    assert response.status_code == 403
