from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from users.models import Customer
from users.selectors import customer_in_service_window
from users.services import customer_get_or_create, customer_opt_out, customer_record_inbound

pytestmark = pytest.mark.django_db


def test_first_contact_creates_the_customer_and_later_updates_the_name() -> None:
    first = customer_get_or_create(wa_id="966500000001", profile_name="Sara")
    again = customer_get_or_create(wa_id="966500000001", profile_name="Sara A.")
    assert first.pk == again.pk
    assert Customer.objects.get().profile_name == "Sara A."


def test_whatsapp_id_is_unique() -> None:
    Customer.objects.create(wa_id="966500000002")
    with pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.create(wa_id="966500000002")


def test_service_window_closes_24_hours_after_the_last_inbound_message() -> None:
    customer = customer_get_or_create(wa_id="966500000003")
    assert not customer_in_service_window(customer=customer)
    customer_record_inbound(customer_id=customer.pk, at=timezone.now())
    customer.refresh_from_db()
    assert customer_in_service_window(customer=customer)
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        assert not customer_in_service_window(customer=customer)


def test_the_service_window_runs_from_the_newest_message_never_an_older_redelivery() -> None:
    # given: a customer who wrote at t1
    customer = customer_get_or_create(wa_id="966500000005")
    t1 = timezone.now().replace(microsecond=123456) - timedelta(minutes=5)
    customer_record_inbound(customer_id=customer.pk, at=t1)
    # when: a redelivery of an older message, then a newer message
    customer_record_inbound(customer_id=customer.pk, at=t1 - timedelta(hours=2))
    customer.refresh_from_db()
    after_old = customer.last_inbound_at
    customer_record_inbound(customer_id=customer.pk, at=t1 + timedelta(minutes=1))
    customer.refresh_from_db()
    # then
    assert after_old == t1
    assert customer.last_inbound_at == t1 + timedelta(minutes=1)
    assert customer.last_seen_at is not None
    assert customer.last_seen_at.tzinfo is not None


def test_opt_out_is_recorded_with_its_time() -> None:
    customer = customer_opt_out(customer=customer_get_or_create(wa_id="966500000004"))
    customer.refresh_from_db()
    assert customer.opted_out
    assert customer.opted_out_at is not None


def test_marketing_consent_follows_the_latest_answer():
    # given
    from users.services import customer_marketing_consent_set

    customer = Customer.objects.create(wa_id="966500000123")
    assert customer.marketing_consent is False
    # when / then
    customer_marketing_consent_set(customer=customer, consent=True)
    assert customer.marketing_consent is True
    customer_marketing_consent_set(customer=customer, consent=False)
    assert customer.marketing_consent is False
    customer_marketing_consent_set(customer=customer, consent=True)
    assert customer.marketing_consent is True
