"""The conversation scripts (dialog_engine/scripts/*.yaml), each played through the real
webhook view, and the check that together they exercise every state in both languages."""

from __future__ import annotations

import re
import zlib
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from conversation_log.models import Chat
from conversation_log.services import chat_handoff_end
from dialog_engine import state_router
from dialog_engine.states.base import State
from inventory.models import Product, StockAlert
from orders.models import Order, ShippingOption
from orders.selectors import cart_items
from orders.services import Address, cart_add_item, order_place, order_transition
from payments.models import PaymentOption
from users.models import Customer

from .catalog import catalog_build
from .scripts import ScriptCustomer, Turn, scripts_load

SCRIPTS = scripts_load()


@pytest.fixture
def ran_states(monkeypatch) -> set[tuple[str, str]]:
    """(state name, language) of every state.handle that ran."""
    seen: set[tuple[str, str]] = set()
    for name in state_router.state_names():
        cls = type(state_router.state_get(name))
        original = cls.handle

        def recording(self: State, ctx, _original=original, _name=name):
            seen.add((_name, ctx.language))
            return _original(self, ctx)

        monkeypatch.setattr(cls, "handle", recording)
    return seen


def _given(given: dict[str, Any], customer: ScriptCustomer) -> dict[str, str]:
    """Set up the world a script starts from; returns the placeholders for its steps."""
    values: dict[str, str] = {}
    for sku, stock in (given.get("stock") or {}).items():
        Product.objects.filter(sku=sku).update(stock=stock)
    for key, phone in (("order", customer.phone), ("other_order", "966599999999")):
        if key not in given:
            continue
        spec = given[key]
        buyer, _ = Customer.objects.get_or_create(
            wa_id=phone, defaults={"phone": phone, "profile_name": "x"}
        )
        if spec.get("language"):
            Customer.objects.filter(pk=buyer.pk).update(language=spec["language"])
        product = Product.objects.get(sku=spec.get("sku", "GAL-A15"))
        cart_add_item(customer=buyer, product=product, quantity=spec.get("quantity", 1))
        order = order_place(
            customer=buyer,
            contact_name="Test Buyer",
            address=Address(text="1 Test Street, Riyadh"),
            shipping_option=ShippingOption.objects.get(code="standard"),
            payment_option=PaymentOption.objects.get(code="cod"),
            idempotency_key=f"given-{phone}",
            language=spec.get("language", "en"),
        )
        for status in spec.get("path", []):
            order_transition(order=order, to_status=status, actor="staff")
        values[key] = order.order_number
    return values


def _substitute(value: Any, values: dict[str, str]) -> Any:
    if isinstance(value, str):
        return re.sub(r"\$\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), value)
    if isinstance(value, list):
        return [_substitute(v, values) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, values) for k, v in value.items()}
    return value


def _step(customer: ScriptCustomer, step: dict[str, Any]) -> bool:
    """Perform one step; True when the customer sent something (a turn to check)."""
    if "say" in step:
        customer.post(customer.text_message(str(step["say"])))
        return True
    if "press" in step:
        option = customer.option_titled(str(step["press"]))
        customer.post(customer.reply_message(option.id, option.title, option.kind))
        return True
    if "press_id" in step:
        customer.post(customer.reply_message(step["press_id"], "old button"))
        return True
    if "location" in step:
        lat, lon, name = step["location"]
        customer.post(customer.location_message(lat, lon, name))
        return True
    if "media" in step:
        customer.post(customer.media_message(step["media"]))
        return True
    if "catalog_cart" in step:
        customer.post(customer.catalog_order_message(step["catalog_cart"]))
        return True
    if "set_stock" in step:  # the shop's stock changes between two customer messages
        for sku, stock in step["set_stock"].items():
            Product.objects.filter(sku=sku).update(stock=stock)
        return False
    if "wait_minutes" in step:
        Chat.objects.filter(customer__wa_id=customer.phone).update(
            last_activity_at=timezone.now() - timedelta(minutes=step["wait_minutes"])
        )
        return False
    if "staff_ends_handoff" in step:
        chat_handoff_end(chat=Chat.objects.get(customer__wa_id=customer.phone), actor="staff")
        return False
    raise AssertionError(f"unknown step {step}")


def _offered(expected: str, titles: list[str]) -> bool:
    """A title matches itself or its shortened form (`Sony WH-1000XM5 headpho…`)."""
    return any(
        title == expected or (title.endswith("…") and expected.startswith(title[:-1]))
        for title in titles
    )


def _check(where: str, turn: Turn | None, expect: dict[str, Any], phone: str) -> None:
    if turn is not None:
        text, titles = turn.text, [o.title for o in turn.options]
        buttons = [o.title for o in turn.options if o.kind == "button"]
        rows = [o.title for o in turn.options if o.kind == "list"]
        if expect.get("silent"):
            assert not turn.replies, f"{where}: expected silence, got {text!r}"
        else:
            assert turn.replies, f"{where}: no reply"
        if "messages" in expect:  # as few messages per turn as possible
            count = len(turn.replies)
            assert count == expect["messages"], f"{where}: {count} messages:\n{text}"
        for part in expect.get("contains", []):
            assert str(part) in text, f"{where}: {part!r} not in reply:\n{text}"
        for part in expect.get("absent", []):
            assert str(part) not in text, f"{where}: {part!r} unexpectedly in reply:\n{text}"
        for title in expect.get("buttons", []):
            assert _offered(title, buttons), f"{where}: button {title!r} not in {buttons}"
        for title in expect.get("rows", []):
            assert _offered(title, rows), f"{where}: row {title!r} not in {rows} ({titles})"
    chat = Chat.objects.filter(customer__wa_id=phone).first()
    if "state" in expect:
        assert chat is not None and chat.state == expect["state"], (
            f"{where}: state {chat.state if chat else None!r} != {expect['state']!r}"
        )
    db = expect.get("db") or {}
    customer = Customer.objects.filter(wa_id=phone).first()
    if "orders" in db:
        assert Order.objects.filter(customer=customer).count() == db["orders"], where
    if "cart_items" in db:
        count = sum(item.quantity for item in cart_items(customer=customer))
        assert count == db["cart_items"], f"{where}: cart has {count} units"
    for sku, stock in (db.get("stock") or {}).items():
        actual = Product.objects.get(sku=sku).stock
        assert actual == stock, f"{where}: stock of {sku} is {actual}"
    if "language" in db:
        assert customer.language == db["language"], where
    if "opted_out" in db:
        assert customer.opted_out == db["opted_out"], where
    if "handoff" in db:
        assert chat.handoff_active == db["handoff"], where
    if "stock_alerts" in db:
        assert StockAlert.objects.filter(customer=customer).count() == db["stock_alerts"], where
    if "other_order_status" in db:  # someone else's order, which this customer must not touch
        other = Order.objects.exclude(customer=customer).order_by("-id").first()
        assert other is not None and other.status == db["other_order_status"], where
    if "order_status" in db:
        order = Order.objects.filter(customer=customer).order_by("-id").first()
        assert order is not None and order.status == db["order_status"], where


@pytest.mark.django_db
@pytest.mark.parametrize("script", SCRIPTS, ids=[s["name"] for s in SCRIPTS])
def test_script_conversation_goes_as_written(
    script, ran_states, django_capture_on_commit_callbacks
):
    # given
    catalog_build()
    phone = f"9665{zlib.crc32(script['name'].encode()) % 10**8:08d}"
    customer = ScriptCustomer(phone=phone, name=script.get("customer_name", "Script Customer"))
    values = _given(script.get("given") or {}, customer)
    for number, raw in enumerate(script["steps"], start=1):
        step = _substitute(raw, values)
        action = {k: v for k, v in step.items() if k != "expect"}
        where = f"{script['_path']} step {number} ({action})"
        # when
        with django_capture_on_commit_callbacks(execute=True):
            sent = _step(customer, step)
        turn = customer.turn() if sent else None
        # then
        _check(where, turn, step.get("expect") or {}, phone)
    missing = {
        state for state in script.get("covers", []) if (state, script["language"]) not in ran_states
    }
    assert not missing, f"{script['_path']} claims to cover {sorted(missing)} but never ran them"


def test_scripts_cover_every_state_in_english_and_arabic():
    # given
    covered = {(state, s["language"]) for s in SCRIPTS for state in s.get("covers", [])}
    # when
    missing = [
        (name, language)
        for name in state_router.state_names()
        for language in ("en", "ar")
        if (name, language) not in covered
    ]
    # then
    assert not missing, f"states without a script: {missing}"
    assert len(SCRIPTS) >= 25


def test_script_names_are_unique():
    names = [s["name"] for s in SCRIPTS]
    assert len(names) == len(set(names))
