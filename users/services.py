from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Customer, Language


def customer_get_or_create(*, wa_id: str, profile_name: str = "") -> Customer:
    """The customer with this WhatsApp id, created on first contact; the profile name is
    refreshed when Meta sends a new one. Safe under concurrent webhooks."""
    customer = Customer.objects.filter(wa_id=wa_id).first()
    if customer is None:
        try:
            with transaction.atomic():
                return Customer.objects.create(
                    wa_id=wa_id, phone=wa_id, profile_name=profile_name[:256]
                )
        except IntegrityError:
            customer = Customer.objects.get(wa_id=wa_id)
    if profile_name and customer.profile_name != profile_name[:256]:
        customer.profile_name = profile_name[:256]
        customer.save(update_fields=["profile_name", "updated_at"])
    return customer


def customer_touch(*, customer: Customer, inbound: bool = True) -> None:
    """Record that the customer was active now (and wrote to us, opening the 24 h window)."""
    now = timezone.now()
    fields = {"last_seen_at": now}
    if inbound:
        fields["last_inbound_at"] = now
    Customer.objects.filter(pk=customer.pk).update(**fields)
    for name, value in fields.items():
        setattr(customer, name, value)


def customer_set_language(*, customer: Customer, language: str) -> Customer:
    if language not in Language.values:
        raise ValueError(f"unsupported language {language!r}")
    if customer.language != language:
        customer.language = language
        customer.save(update_fields=["language", "updated_at"])
    return customer


def customer_opt_out(*, customer: Customer) -> Customer:
    """The customer asked us to stop messaging them (STOP / إيقاف)."""
    customer.opted_out = True
    customer.opted_out_at = timezone.now()
    customer.save(update_fields=["opted_out", "opted_out_at", "updated_at"])
    return customer


def customer_opt_in(*, customer: Customer) -> Customer:
    customer.opted_out = False
    customer.opted_out_at = None
    customer.save(update_fields=["opted_out", "opted_out_at", "updated_at"])
    return customer
