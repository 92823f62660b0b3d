from __future__ import annotations

import pytest
from django.utils import timezone

from inventory.models import StockAlert
from inventory.services import stock_alert_subscribe
from tests.factories import CustomerFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_subscribe_creates_one_alert_even_when_asked_twice():
    # given
    customer, product = CustomerFactory(), ProductFactory(stock=0)
    # when
    first = stock_alert_subscribe(customer=customer, product=product, language="ar")
    second = stock_alert_subscribe(customer=customer, product=product, language="ar")
    # then
    assert (first, second) == (True, False)
    assert StockAlert.objects.filter(customer=customer, product=product).count() == 1


def test_subscribe_again_after_notification_waits_again():
    # given
    customer, product = CustomerFactory(), ProductFactory(stock=0)
    stock_alert_subscribe(customer=customer, product=product)
    StockAlert.objects.update(notified_at=timezone.now())
    # when
    again = stock_alert_subscribe(customer=customer, product=product, language="ar")
    # then
    alert = StockAlert.objects.get()
    assert again is True
    assert alert.notified_at is None and alert.language == "ar"


def _waiting_customer(language: str = "en"):
    return CustomerFactory(
        last_inbound_at=timezone.now(), language=language, marketing_consent_at=timezone.now()
    )


def test_notify_task_messages_waiting_customer_once_when_back_in_stock(
    django_capture_on_commit_callbacks,
):
    # given
    from conversation_log.models import Direction, Message
    from inventory.tasks import stock_alerts_notify_task

    customer = _waiting_customer("ar")
    product = ProductFactory(stock=0, name_ar="سماعة", sku="ALRT-1")
    stock_alert_subscribe(customer=customer, product=product, language="ar")
    product.stock = 3
    product.save(update_fields=["stock"])
    # when
    with django_capture_on_commit_callbacks(execute=True):
        first = stock_alerts_notify_task()
        second = stock_alerts_notify_task()
    # then
    sent = Message.objects.filter(chat__customer=customer, direction=Direction.OUTBOUND)
    assert first["notified"] == 1 and second["notified"] == 0
    assert sent.count() == 1
    assert "سماعة" in sent.get().text and "ALRT-1" in sent.get().text


def test_notify_task_leaves_alerts_of_sold_out_products_open():
    # given
    from inventory.tasks import stock_alerts_notify_task

    customer = _waiting_customer()
    product = ProductFactory(stock=0)
    stock_alert_subscribe(customer=customer, product=product)
    # when
    summary = stock_alerts_notify_task()
    # then
    assert summary["candidates"] == 0
    assert StockAlert.objects.get().notified_at is None


def test_notify_task_keeps_alert_open_outside_the_service_window():
    # given
    from inventory.tasks import stock_alerts_notify_task

    customer = CustomerFactory(last_inbound_at=None)
    product = ProductFactory(stock=5)
    stock_alert_subscribe(customer=customer, product=product)
    # when
    summary = stock_alerts_notify_task()
    # then
    assert summary == {"notified": 0, "waiting": 1, "candidates": 1}
    assert StockAlert.objects.get().notified_at is None


def test_notify_task_keeps_alert_open_without_marketing_consent():
    # given: inside the window, but the customer never said yes to marketing messages
    from inventory.tasks import stock_alerts_notify_task

    customer = CustomerFactory(last_inbound_at=timezone.now())
    product = ProductFactory(stock=0)
    stock_alert_subscribe(customer=customer, product=product)
    product.stock = 2
    product.save(update_fields=["stock"])
    # when
    summary = stock_alerts_notify_task()
    # then
    assert summary == {"notified": 0, "waiting": 1, "candidates": 1}
    assert StockAlert.objects.get().notified_at is None


def test_notify_task_sends_the_approved_template_outside_the_window(
    graph, django_capture_on_commit_callbacks
):
    # given: the customer last wrote two days ago and agreed to marketing messages
    from conversation_log.tests.template_factory import approved_template
    from inventory.tasks import stock_alerts_notify_task

    approved_template(
        name="back_in_stock",
        purpose="back_in_stock",
        category="marketing",
        body="Good news {{1}}: {{2}} is back!",
        slot_map={"body.1": "customer_name", "body.2": "product_name"},
    )
    customer = CustomerFactory(
        profile_name="Sara",
        last_inbound_at=timezone.now() - timezone.timedelta(days=2),
        marketing_consent_at=timezone.now() - timezone.timedelta(days=3),
    )
    product = ProductFactory(stock=0, name_en="Pixel Buds")
    stock_alert_subscribe(customer=customer, product=product)
    product.stock = 2
    product.save(update_fields=["stock"])
    # when
    with django_capture_on_commit_callbacks(execute=True):
        summary = stock_alerts_notify_task()
    # then
    assert summary["notified"] == 1
    [send] = graph.sends
    assert send["type"] == "template"
    assert send["template"]["name"] == "back_in_stock"
    assert send["template"]["components"][0]["parameters"] == [
        {"type": "text", "text": "Sara"},
        {"type": "text", "text": "Pixel Buds"},
    ]
