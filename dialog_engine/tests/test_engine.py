"""ChatEngine through the real webhook and a fake Graph API: opt-out, handoff, session
expiry, stale buttons, and a checkout that places exactly one order."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conversation_log.models import Chat, Direction, Message
from inventory.models import Product
from orders.models import Order
from orders.services import cart_add_item
from tests.factories import (
    ChatFactory,
    CustomerFactory,
    PaymentOptionFactory,
    ProductFactory,
    ShippingOptionFactory,
)
from users.models import Customer
from wa_gateway.tests import payloads
from wa_gateway.tests.fixtures import graph, post_webhook  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

WA_ID = "966530000001"


def _chat() -> Chat:
    return Chat.objects.get(customer__wa_id=WA_ID)


def test_an_opted_out_customer_receives_nothing(post_webhook, graph):  # noqa: F811
    # given
    CustomerFactory(wa_id=WA_ID, opted_out=True)
    # when
    response = post_webhook(payloads.text_message(WA_ID, "hello, anyone there?"))
    # then
    assert response.status_code == 200
    assert graph.sends == []
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()


def test_stop_opts_out_and_only_the_confirmation_is_sent(post_webhook, graph):  # noqa: F811
    # given
    CustomerFactory(wa_id=WA_ID)
    # when
    post_webhook(payloads.text_message(WA_ID, "STOP"))
    post_webhook(payloads.text_message(WA_ID, "hi"))
    post_webhook(payloads.button_reply(WA_ID, "cart:view", "My cart"))
    # then
    assert Customer.objects.get(wa_id=WA_ID).opted_out is True
    assert len(graph.sends) == 1
    assert "You will not receive any more messages" in graph.texts()[0]


def test_start_opts_back_in_and_greets(post_webhook, graph):  # noqa: F811
    # given
    CustomerFactory(wa_id=WA_ID, opted_out=True)
    # when
    post_webhook(payloads.text_message(WA_ID, "START"))
    # then
    assert Customer.objects.get(wa_id=WA_ID).opted_out is False
    assert len(graph.sends) == 1
    assert graph.sends[0]["type"] == "interactive"


def test_during_a_handoff_the_bot_stays_silent(post_webhook, graph):  # noqa: F811
    # given
    ChatFactory(customer=CustomerFactory(wa_id=WA_ID), handoff_active=True)
    # when
    response = post_webhook(payloads.text_message(WA_ID, "hi"))
    # then
    assert response.status_code == 200
    assert graph.sends == []
    inbound = Message.objects.filter(direction=Direction.INBOUND, chat__customer__wa_id=WA_ID)
    assert inbound.count() == 1  # staff still see what the customer wrote


def test_an_expired_session_starts_over_at_the_assistant(post_webhook, graph):  # noqa: F811
    # given: mid-checkout, silent for two hours (the timeout is an hour)
    ChatFactory(
        customer=CustomerFactory(wa_id=WA_ID),
        state="checkout",
        context={"checkout": {"key": "k", "step": "address", "name": "Sara"}},
        last_activity_at=timezone.now() - timedelta(hours=2),
    )
    # when
    post_webhook(payloads.text_message(WA_ID, "hi"))
    # then
    chat = _chat()
    assert chat.state == "assistant"
    assert "checkout" not in chat.context
    assert "previous session expired" in graph.texts()[0]


def test_a_recent_session_keeps_its_state(post_webhook, graph):  # noqa: F811
    # given
    ChatFactory(
        customer=CustomerFactory(wa_id=WA_ID),
        state="checkout",
        context={"checkout": {"key": "k", "step": "name"}},
        last_activity_at=timezone.now() - timedelta(minutes=5),
    )
    # when
    post_webhook(payloads.text_message(WA_ID, "Sara Ahmed"))
    # then
    chat = _chat()
    assert chat.state == "checkout"
    assert chat.context["checkout"]["name"] == "Sara Ahmed"
    assert not any("expired" in text for text in graph.texts())


def test_a_stale_or_forged_button_id_gets_the_menu(post_webhook, graph):  # noqa: F811
    # when
    post_webhook(payloads.button_reply(WA_ID, "nosuchprefix:123", "Old"))
    # then
    assert "that option has expired" in graph.texts()[0]
    assert _chat().state == "assistant"


def test_a_greeting_gets_the_main_menu_buttons(post_webhook, graph):  # noqa: F811
    # when
    post_webhook(payloads.text_message(WA_ID, "hi"))
    # then
    (body,) = graph.sends
    ids = [b["reply"]["id"] for b in body["interactive"]["action"]["buttons"]]
    assert ids == ["browse", "cart:view", "help"]


# --- checkout ---------------------------------------------------------------------------
@pytest.fixture
def shop():
    product = ProductFactory(sku="PHONE-1", name_en="Galaxy Test", stock=5)
    shipping = ShippingOptionFactory(code="std")
    payment = PaymentOptionFactory(code="cod")
    customer = CustomerFactory(wa_id=WA_ID, last_inbound_at=timezone.now())
    cart_add_item(customer=customer, product=product, quantity=1)
    return product, shipping, payment


def _checkout_until_summary(post_webhook) -> None:  # noqa: F811
    post_webhook(payloads.button_reply(WA_ID, "checkout:start", "Checkout"))
    post_webhook(payloads.text_message(WA_ID, "Sara Ahmed"))
    post_webhook(payloads.text_message(WA_ID, "12 King Fahd Road, Riyadh"))
    post_webhook(payloads.list_reply(WA_ID, "checkout:ship:std", "Standard delivery"))
    post_webhook(payloads.list_reply(WA_ID, "checkout:pay:cod", "Cash on delivery"))


def test_checkout_through_the_engine_places_exactly_one_order(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    shop,
):
    # given
    _checkout_until_summary(post_webhook)
    summary = graph.sends[-1]
    # when: the customer taps Confirm twice
    post_webhook(payloads.button_reply(WA_ID, "checkout:confirm", "Confirm order"))
    post_webhook(payloads.button_reply(WA_ID, "checkout:confirm", "Confirm order"))
    # then
    assert summary["interactive"]["header"]["text"] == "Order summary"
    confirm_ids = [b["reply"]["id"] for b in summary["interactive"]["action"]["buttons"]]
    assert "checkout:confirm" in confirm_ids
    order = Order.objects.get()
    assert order.customer.wa_id == WA_ID
    assert order.contact_name == "Sara Ahmed"
    texts = graph.texts()
    assert f"Your order {order.order_number} is placed" in texts[-2]
    assert f"Your order {order.order_number} is already placed" in texts[-1]
    assert Product.objects.get(sku="PHONE-1").stock == 4


def test_checkout_asks_for_name_address_shipping_and_payment_in_turn(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    shop,
):
    # when
    _checkout_until_summary(post_webhook)
    # then
    kinds = [
        body["interactive"]["type"] if body["type"] == "interactive" else body["type"]
        for body in graph.sends
    ]
    assert kinds == ["text", "location_request_message", "list", "list", "button"]
    rows = graph.sends[2]["interactive"]["action"]["sections"][0]["rows"]
    assert rows[0]["id"] == "checkout:ship:std"


def test_out_of_stock_at_confirm_is_explained_and_no_order_is_placed(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    shop,
):
    # given: the last unit sells elsewhere while the customer reads the summary
    _checkout_until_summary(post_webhook)
    Product.objects.filter(sku="PHONE-1").update(stock=0)
    # when
    post_webhook(payloads.button_reply(WA_ID, "checkout:confirm", "Confirm order"))
    # then
    assert not Order.objects.exists()
    last = graph.sends[-1]["interactive"]
    assert "no longer available" in last["body"]["text"]
    assert "Galaxy Test" in last["body"]["text"]
    ids = [b["reply"]["id"] for b in last["action"]["buttons"]]
    assert ids == ["rm:PHONE-1", "oos:PHONE-1"]


def test_a_rating_and_the_comment_after_it_are_stored_for_staff(post_webhook, graph):  # noqa: F811
    # given
    from conversation_log.models import Feedback

    CustomerFactory(wa_id=WA_ID, language="ar")
    post_webhook(payloads.button_reply(WA_ID, "fb", "رأيك"))
    # when
    post_webhook(payloads.button_reply(WA_ID, "fb:bad", "ليست جيدة"))
    post_webhook(payloads.text_message(WA_ID, "التوصيل تأخر ثلاثة أيام"))
    # then
    (feedback,) = Feedback.objects.all()
    assert (feedback.rating, feedback.comment, feedback.language) == (
        1,
        "التوصيل تأخر ثلاثة أيام",
        "ar",
    )
    assert feedback.chat == _chat()
    assert _chat().state == "assistant"


def test_an_embeddings_outage_while_understanding_gets_an_apology_not_silence(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    httpserver,
    settings,
    monkeypatch,
):
    # given: embeddings come from an OpenAI-compatible provider that is down
    from recos import encoders

    settings.EMBEDDINGS_MODEL = "openai"
    settings.OPENAI_API_KEY = "sk-test"
    settings.OPENAI_BASE_URL = httpserver.url_for("/v1")
    settings.LLM_MAX_RETRIES = 0
    monkeypatch.setattr(encoders, "_cache", {})
    httpserver.expect_request("/v1/embeddings").respond_with_json(
        {"error": {"message": "upstream unavailable"}}, status=503
    )
    # when
    response = post_webhook(payloads.text_message(WA_ID, "gaming laptop under 1500"))
    # then: nothing half-done, the message kept, and the customer told to try again
    assert response.status_code == 200
    assert graph.texts()[0].startswith("Sorry, something went wrong on our side")
    assert Message.objects.filter(chat=_chat(), direction=Direction.INBOUND).count() == 1
    assert _chat().state == "assistant"
