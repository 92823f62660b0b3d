"""Staff work in a real browser: log in, read the dashboard (EN and AR, charts drawn, no
console errors, screenshots kept), upload a product photo, ship an order, and answer a
customer who asked for a human."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from conversation_log.models import Direction, Message
from inventory.models import Product
from orders.models import Order, OrderStatus
from orders.services import Address, cart_add_item, order_place
from tests.factories import (
    ChatFactory,
    CustomerFactory,
    PaymentOptionFactory,
    ProductFactory,
    ShippingOptionFactory,
)
from wa_gateway.tests.fixtures import graph  # noqa: F401 - the fake Graph API

from .conftest import ARTIFACTS_DIR, log_in, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _chart_points(page) -> int:
    """How many data points Chart.js drew on the dashboard's sales chart (0: none)."""
    return page.evaluate(
        """() => {
            const canvas = document.getElementById('sales-chart');
            const chart = canvas && window.Chart && window.Chart.getChart(canvas);
            if (!chart) return 0;
            return chart.data.datasets.reduce((n, d) => n + d.data.filter(v => v > 0).length, 0);
        }"""
    )


def test_staff_log_in_and_read_the_dashboard_in_english_and_arabic(browser, live_server, boss):
    # given: a few weeks of demo activity
    call_command("seed", "--demo-history", stdout=StringIO(), stderr=StringIO(), verbosity=0)
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    for locale, language in (("en-US", "en"), ("ar", "ar")):
        page = new_page(browser, live_server, locale=locale)
        # when: from the admin index to the dashboard, as staff would
        log_in(page)
        page.click("a[href='/admin/dashboard/']")
        page.wait_for_url("**/admin/dashboard/")
        page.wait_for_function(
            "() => { const c = document.getElementById('sales-chart');"
            " return c && window.Chart && window.Chart.getChart(c); }"
        )
        page.wait_for_load_state("networkidle")
        path = ARTIFACTS_DIR / f"dashboard-{language}.png"
        page.screenshot(path=str(path), full_page=True)
        # then
        assert _chart_points(page) > 0, "the sales chart drew no data"
        assert page.get_attribute("html", "lang") == language
        assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
        assert page.console_errors == []
        assert path.stat().st_size > 10_000
        page.context.close()


def test_staff_upload_a_product_photo_and_see_its_thumbnail(
    browser, live_server, boss, settings, tmp_path
):
    # given: uploads served by Django under the public base URL (dev-style serving)
    settings.MEDIA_ROOT = str(tmp_path)
    settings.MEDIA_BASE_URL = f"{live_server.url}/media"
    settings.MEDIA_URL = f"{live_server.url}/media/"
    settings.MEDIA_SERVE = True
    product = ProductFactory(sku="CAM-9", name_en="Action Camera")
    photo = tmp_path / "camera.jpg"
    buffer = BytesIO()
    Image.new("RGB", (800, 600), (20, 120, 200)).save(buffer, format="JPEG")
    photo.write_bytes(buffer.getvalue())
    page = new_page(browser, live_server)
    log_in(page)
    # when
    page.goto(f"/admin/inventory/product/{product.pk}/change/")
    page.set_input_files("#id_photo", str(photo))
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/inventory/product/")
    # then: stored, thumbnailed and served publicly
    product = Product.objects.get(pk=product.pk)
    assert product.photo and product.photo_thumbnail
    thumbnail = page.locator(f"img[src='{product.photo_thumbnail.url}']")
    thumbnail.wait_for()
    page.wait_for_function(
        "src => [...document.images].some(i => i.src === src && i.complete && i.naturalWidth > 0)",
        arg=product.photo_thumbnail.url,
    )
    assert product.photo.url.startswith(f"{live_server.url}/media/products/")
    assert page.console_errors == []


def _placed_order() -> Order:
    customer = CustomerFactory(wa_id="966500000321", last_inbound_at=timezone.now())
    cart_add_item(
        customer=customer,
        product=ProductFactory(sku="PH-7", price=Decimal("250.00"), stock=4),
        quantity=1,
    )
    return order_place(
        customer=customer,
        contact_name="Sara",
        address=Address(text="12 King Fahd Rd, Riyadh"),
        shipping_option=ShippingOptionFactory(),
        payment_option=PaymentOptionFactory(),
    )


def test_staff_mark_an_order_shipped_from_its_page(browser, live_server, boss, graph):  # noqa: F811
    # given
    order = _placed_order()
    page = new_page(browser, live_server)
    log_in(page)
    # when
    page.goto("/admin/orders/order/")
    page.click(f"text={order.order_number}")
    form = page.locator("form.status-move[data-status=shipped]")
    form.locator("input[name=carrier]").fill("Aramex")
    form.locator("input[name=tracking_number]").fill("AX-555")
    form.locator("input[name=tracking_url]").fill("https://track.example/AX-555")
    form.locator("input[type=submit]").click()
    page.wait_for_selector("ul.messagelist li.success")
    # then
    order.refresh_from_db()
    assert (order.status, order.carrier, order.tracking_number) == (
        OrderStatus.SHIPPED,
        "Aramex",
        "AX-555",
    )
    assert page.locator(".order-status").inner_text().strip() == "Shipped"
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS_DIR / "order-page.png"), full_page=True)
    assert order.events.filter(to_status="shipped", actor="boss").exists()
    assert page.console_errors == []


def test_staff_reply_to_a_customer_waiting_for_a_human(browser, live_server, boss, graph):  # noqa: F811
    # given: a customer who asked for a human ten minutes ago
    customer = CustomerFactory(wa_id="966500000654", last_inbound_at=timezone.now())
    chat = ChatFactory(
        customer=customer,
        handoff_active=True,
        handoff_requested_at=timezone.now() - timedelta(minutes=10),
        state="handoff",
    )
    Message.objects.create(
        chat=chat, direction=Direction.INBOUND, text="أريد التحدث مع موظف", status="received"
    )
    page = new_page(browser, live_server)
    log_in(page)
    # when: from the handoff queue to the conversation
    page.goto("/admin/conversation_log/chat/handoffs/")
    page.click("text=Open conversation")
    page.fill("textarea[name=text]", "Hello, this is Omar from the shop. How can I help?")
    page.click("input[name=reply]")
    page.wait_for_selector("ul.messagelist li.success")
    # then: sent through the outbox to the (fake) Graph API, shown as a staff bubble
    sent = Message.objects.get(direction=Direction.OUTBOUND)
    assert (sent.sent_by_staff, sent.chat_id) == ("boss", chat.pk)
    assert [body["text"]["body"] for body in graph.sends] == [sent.text]
    bubble = page.locator(".bubble.out.staff").last
    assert "Omar from the shop" in bubble.inner_text()
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS_DIR / "conversation.png"), full_page=True)
    assert page.console_errors == []
