from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, connection, transaction
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


_UPSERT_INSERT = """
INSERT INTO {table} (wa_id, phone, profile_name, language, opted_out, created_at, updated_at)
VALUES (%s, %s, %s, %s, FALSE, %s, %s)
"""
_UPSERT_MYSQL = (
    _UPSERT_INSERT
    + """
ON DUPLICATE KEY UPDATE
    id = LAST_INSERT_ID(id),
    updated_at = IF(VALUES(profile_name) <> '' AND VALUES(profile_name) <> profile_name,
                    VALUES(updated_at), updated_at),
    profile_name = IF(VALUES(profile_name) = '', profile_name, VALUES(profile_name))
"""
)
_UPSERT_SQLITE = (
    _UPSERT_INSERT
    + """
ON CONFLICT (wa_id) DO UPDATE SET
    updated_at = CASE WHEN excluded.profile_name <> '' AND excluded.profile_name <> profile_name
                      THEN excluded.updated_at ELSE updated_at END,
    profile_name = CASE WHEN excluded.profile_name = '' THEN profile_name
                        ELSE excluded.profile_name END
RETURNING id
"""
)


def customer_upsert_inbound(*, wa_id: str, profile_name: str = "") -> int:
    """The id of the customer who just wrote to us, created on first contact, with the
    profile name Meta sent (an empty one keeps the stored name), in one statement that
    needs no surrounding transaction: the webhook's path. When they wrote is recorded by
    `customer_record_inbound`, from the messages themselves, when their inbox is drained."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    language = Customer._meta.get_field("language").default
    params = [wa_id, wa_id, profile_name[:256], language, now, now]
    table = connection.ops.quote_name(Customer._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(_UPSERT_SQLITE.format(table=table), params)
            return cursor.fetchone()[0]
        # DB_ENGINE admits no third backend (settings refuse it).
        cursor.execute(_UPSERT_MYSQL.format(table=table), params)
        return cursor.lastrowid  # LAST_INSERT_ID(id) names the existing row on a duplicate


def customer_record_inbound(*, customer_id: int, at: datetime) -> None:
    """The customer wrote to us at `at` (Meta's timestamp of their message): last seen is
    now and the 24-hour customer-service window runs from their newest message, never
    moved back by a late redelivery of an older one. One short statement of its own, so
    the customer row is never held locked while a conversation is being answered."""
    # The UPDATE `filter(pk=…).update(last_inbound_at=Greatest(Coalesce(…)))` compiles,
    # written out: every turn runs it, and compiling it cost more than running it.
    ops = connection.ops
    now, at_value = ops.adapt_datetimefield_value(timezone.now()), ops.adapt_datetimefield_value(at)
    sql = (_RECORD_INBOUND_SQLITE if connection.vendor == "sqlite" else _RECORD_INBOUND).format(
        table=ops.quote_name(Customer._meta.db_table)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, at_value, at_value, customer_id])


_RECORD_INBOUND = """
UPDATE {table} SET last_seen_at = %s,
    last_inbound_at = GREATEST(COALESCE(last_inbound_at, %s), %s)
WHERE id = %s
"""
# SQLite's two-argument MAX is GREATEST.
_RECORD_INBOUND_SQLITE = _RECORD_INBOUND.replace("GREATEST(", "MAX(")


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


def customer_marketing_consent_set(*, customer: Customer, consent: bool) -> Customer:
    """Record the customer's answer about marketing messages (back-in-stock alerts, cart
    reminders); the latest answer counts. STOP (`customer_opt_out`) still stops everything."""
    now = timezone.now()
    if consent:
        customer.marketing_consent_at = now
    else:
        customer.marketing_opt_out_at = now
    customer.save(update_fields=["marketing_consent_at", "marketing_opt_out_at", "updated_at"])
    return customer


def customer_change_number(*, customer: Customer, new_wa_id: str) -> bool:
    """The customer changed their WhatsApp number (Meta's `user_changed_number` notice):
    the same customer row, with its chat, carts and orders, now answers to `new_wa_id`.
    True when moved (or already there). False, changing nothing, when the new id is not a
    WhatsApp id or already belongs to another customer (they wrote from the new number
    before the notice was handled): two histories are never merged automatically."""
    new_wa_id = new_wa_id.strip()
    if not new_wa_id.isdigit() or len(new_wa_id) > Customer._meta.get_field("wa_id").max_length:
        return False
    if customer.wa_id == new_wa_id:
        return True
    if Customer.objects.filter(wa_id=new_wa_id).exclude(pk=customer.pk).exists():
        return False
    try:
        with transaction.atomic():
            moved = Customer.objects.filter(pk=customer.pk).update(
                wa_id=new_wa_id, phone=new_wa_id, updated_at=timezone.now()
            )
    except IntegrityError:  # the new id was taken a moment ago
        return False
    if moved:
        customer.wa_id = customer.phone = new_wa_id
    return bool(moved)
