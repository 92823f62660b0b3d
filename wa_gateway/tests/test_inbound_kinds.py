"""Every inbound kind answered as a person would, replayed from Meta's webhook shapes:
reactions, deletions and system notices get no reply; `request_welcome` the greeting; an
edit its new text; a caption is read as text; a referred product its card; a number
change moves the customer; a catalog cart fills the cart. Mid-checkout none of them
derails the step."""

from __future__ import annotations

import pytest

from conversation_log.models import Chat, Direction, Message
from orders.models import CartItem
from tests.factories import CustomerFactory, ProductFactory
from users.models import Customer
from wa_gateway.models import InboundEvent

from . import payloads

pytestmark = pytest.mark.django_db

WA_ID = "966520000001"


def _post(post_webhook, kind: str, content, *, wa_id: str = WA_ID, **extra) -> dict:
    raw = payloads.message(wa_id=wa_id, kind=kind, content=content)
    raw.update(extra)
    response = post_webhook(payloads.webhook(messages=[raw]))
    assert response.status_code == 200
    event = InboundEvent.objects.get(wamid=raw["id"])
    assert event.processed_at is not None and event.error == ""
    return raw


def _start_checkout(post_webhook, graph) -> None:
    product = ProductFactory(stock=5)
    customer = CustomerFactory(wa_id=WA_ID)
    from orders.services import cart_add_item

    cart_add_item(customer=customer, product=product, quantity=1)
    post_webhook(payloads.button_reply(WA_ID, "checkout:start", "Checkout"))
    assert "full name for the delivery" in graph.texts()[-1]
    assert Chat.objects.get(customer=customer).state == "checkout"


@pytest.mark.parametrize("emoji", ["👍", ""], ids=["reaction", "removal"])
def test_a_reaction_or_its_removal_gets_no_reply(post_webhook, graph, emoji):
    # when
    raw = _post(post_webhook, "reaction", {"message_id": "wamid.OURS", "emoji": emoji})
    # then: recorded in the conversation, not answered
    assert Message.objects.filter(wamid=raw["id"], direction=Direction.INBOUND).exists()
    assert graph.sends == []


def test_a_deleted_message_gets_no_reply(post_webhook, graph):
    # when
    _post(post_webhook, "revoke", {"original_message_id": "wamid.EARLIER"})
    # then
    assert graph.sends == []


def test_a_system_notice_gets_no_reply(post_webhook, graph):
    # when
    _post(
        post_webhook, "system", {"body": "Something changed", "type": "customer_identity_changed"}
    )
    # then
    assert graph.sends == []


def test_user_changed_number_moves_the_customer_and_keeps_the_history(post_webhook, graph):
    # given: the customer wrote from the old number
    post_webhook(payloads.text_message(WA_ID, "hello"))
    customer = Customer.objects.get(wa_id=WA_ID)
    sends_before = len(graph.sends)
    # when: Meta reports the number change, then the customer writes from the new number
    _post(
        post_webhook,
        "system",
        {
            "body": "Sara changed from 966520000001 to 966520000099",
            "wa_id": "966520000099",
            "type": "user_changed_number",
        },
    )
    post_webhook(payloads.text_message("966520000099", "hello again"))
    # then: one customer, under the new id, with the whole conversation
    assert len(graph.sends) > sends_before  # the new number's message is answered
    customer.refresh_from_db()
    assert customer.wa_id == customer.phone == "966520000099"
    assert not Customer.objects.filter(wa_id=WA_ID).exists()
    texts = list(
        Message.objects.filter(chat__customer=customer, direction=Direction.INBOUND)
        .order_by("id")
        .values_list("text", flat=True)
    )
    assert texts[0] == "hello" and texts[-1] == "hello again"
    assert graph.sends[-1]["to"] == "966520000099"


def test_user_changed_number_to_an_id_in_use_moves_nothing(post_webhook, graph):
    # given: both numbers are customers already
    CustomerFactory(wa_id="966520000077")
    post_webhook(payloads.text_message(WA_ID, "hello"))
    # when
    _post(
        post_webhook,
        "system",
        {"body": "changed", "wa_id": "966520000077", "type": "user_changed_number"},
    )
    # then: two customers, each under its own id (staff decide)
    assert Customer.objects.filter(wa_id=WA_ID).exists()
    assert Customer.objects.filter(wa_id="966520000077").count() == 1


def test_request_welcome_gets_the_greeting(post_webhook, graph):
    # when: the customer opens the chat for the first time
    _post(post_webhook, "request_welcome", None)
    # then: the main menu greeting, once
    assert len(graph.sends) == 1
    interactive = graph.sends[0]["interactive"]
    assert [b["reply"]["id"] for b in interactive["action"]["buttons"]] == [
        "browse",
        "cart:view",
        "help",
    ]


def test_an_edited_message_is_handled_as_its_new_text(post_webhook, graph):
    # when: "hi" is edited into "show my cart"
    _post(
        post_webhook,
        "edit",
        {
            "original_message_id": "wamid.ORIGINAL",
            "message": {"type": "text", "text": {"body": "show my cart"}},
        },
    )
    # then
    assert graph.texts() and "Your cart is empty." in graph.texts()[-1]
    assert Message.objects.filter(direction=Direction.INBOUND, text="show my cart").exists()


@pytest.mark.parametrize("kind", ["image", "video", "document"])
def test_a_media_caption_is_read_as_text(post_webhook, graph, kind):
    # when
    _post(
        post_webhook, kind, {"id": "MEDIA9", "mime_type": "image/jpeg", "caption": "show my cart"}
    )
    # then
    assert "Your cart is empty." in graph.texts()[-1]
    assert not any("I can only read text" in text for text in graph.texts())


def test_a_referred_product_gets_that_products_card(post_webhook, graph):
    # given
    product = ProductFactory(sku="CAT-PHONE-1", name_en="Catalog Phone", stock=4)
    # when: "is this available?" sent from the product's page in the catalog
    _post(
        post_webhook,
        "text",
        {"body": "is this available?"},
        context={"referred_product": {"catalog_id": "CAT1", "product_retailer_id": product.sku}},
    )
    # then
    assert len(graph.sends) == 1
    interactive = graph.sends[0]["interactive"]
    assert "Catalog Phone" in interactive["body"]["text"]
    assert interactive["action"]["buttons"][0]["reply"]["id"] == f"add:{product.sku}"


def test_a_catalog_cart_fills_the_cart_and_reports_the_lines_it_could_not(post_webhook, graph):
    # given
    ProductFactory(sku="OK-1", name_en="Phone", stock=5, price=100)
    ProductFactory(sku="LOW-1", name_en="Tablet", stock=1)
    ProductFactory(sku="OLD-1", name_en="Old Watch", active=False)
    ProductFactory(sku="NONE-1", name_en="Earbuds", stock=0)
    items = [
        {"product_retailer_id": "OK-1", "quantity": 2, "item_price": 100, "currency": "USD"},
        {"product_retailer_id": "LOW-1", "quantity": "3", "item_price": 50, "currency": "USD"},
        {"product_retailer_id": "OLD-1", "quantity": 1, "item_price": 5, "currency": "USD"},
        {"product_retailer_id": "NONE-1", "quantity": 1, "item_price": 5, "currency": "USD"},
        {"product_retailer_id": "GHOST-9", "quantity": 1, "item_price": 5, "currency": "USD"},
    ]
    # when
    _post(post_webhook, "order", {"catalog_id": "CAT1", "text": "", "product_items": items})
    # then: what could be sold is in the cart, the rest is named, checkout is offered
    lines = dict(
        CartItem.objects.filter(cart__customer__wa_id=WA_ID).values_list("product__sku", "quantity")
    )
    assert lines == {"OK-1": 2, "LOW-1": 1}
    assert len(graph.sends) == 1
    interactive = graph.sends[0]["interactive"]
    body = interactive["body"]["text"]
    assert "Tablet: only 1 in stock, added 1" in body
    assert "Old Watch: no longer available" in body
    assert "Earbuds: out of stock" in body
    assert "GHOST-9: not sold in our shop" in body
    assert interactive["action"]["buttons"][0]["reply"]["id"] == "checkout:start"


def test_a_catalog_cart_sent_twice_does_not_double_the_cart(post_webhook, graph):
    # given
    ProductFactory(sku="OK-2", stock=5)
    items = [{"product_retailer_id": "OK-2", "quantity": 2, "item_price": 1, "currency": "USD"}]
    # when
    for _ in range(2):
        _post(post_webhook, "order", {"catalog_id": "CAT1", "product_items": items})
    # then
    assert CartItem.objects.get(cart__customer__wa_id=WA_ID).quantity == 2


def test_a_catalog_cart_of_unknown_products_says_so(post_webhook, graph):
    # when
    items = [{"product_retailer_id": "GHOST-1", "quantity": 1, "item_price": 1, "currency": "USD"}]
    _post(post_webhook, "order", {"catalog_id": "CAT1", "product_items": items})
    # then
    assert "none of the products in your catalog cart" in graph.texts()[-1]
    assert not CartItem.objects.exists()


def test_mid_checkout_none_of_the_new_kinds_derails_the_step(post_webhook, graph):
    # given: checkout asked for the delivery name
    _start_checkout(post_webhook, graph)
    ProductFactory(sku="ASKED-1", name_en="Asked Phone")
    ProductFactory(sku="CAT-2", stock=3)
    # when: a reaction, a deletion, a referred product, the greeting and a catalog cart
    _post(post_webhook, "reaction", {"message_id": "wamid.X", "emoji": "❤️"})
    _post(post_webhook, "revoke", {"original_message_id": "wamid.Y"})
    _post(
        post_webhook,
        "text",
        {"body": "and this one?"},
        context={"referred_product": {"catalog_id": "CAT1", "product_retailer_id": "ASKED-1"}},
    )
    _post(post_webhook, "request_welcome", None)
    _post(
        post_webhook,
        "order",
        {"product_items": [{"product_retailer_id": "CAT-2", "quantity": 1}]},
    )
    # then: still at the name step; the next typed text answers it
    assert Chat.objects.get(customer__wa_id=WA_ID).state == "checkout"
    post_webhook(payloads.text_message(WA_ID, "Sara Ahmed"))
    chat = Chat.objects.get(customer__wa_id=WA_ID)
    assert chat.state == "checkout"
    assert chat.context["checkout"]["name"] == "Sara Ahmed"
    assert chat.context["checkout"]["step"] == "address"


def _shipped_update_message(wa_id: str) -> str:
    """An order of `wa_id` whose "shipped" update went out as a message; its wamid."""
    from orders.models import OrderUpdate, OrderUpdateOutcome
    from orders.services import Address, cart_add_item, order_place
    from tests.factories import (
        ChatFactory,
        OutboundMessageFactory,
        PaymentOptionFactory,
        ShippingOptionFactory,
    )

    customer = CustomerFactory(wa_id=wa_id)
    cart_add_item(customer=customer, product=ProductFactory(stock=3), quantity=1)
    order = order_place(
        customer=customer,
        contact_name="Sara",
        address=Address(text="1 Main St, Riyadh"),
        shipping_option=ShippingOptionFactory(),
        payment_option=PaymentOptionFactory(),
    )
    message = OutboundMessageFactory(chat=ChatFactory(customer=customer), wamid="wamid.SHIPPED")
    OrderUpdate.objects.create(
        order=order, status="shipped", outcome=OrderUpdateOutcome.FREE_FORM, message=message
    )
    return order.order_number


@pytest.mark.parametrize(("emoji", "rating"), [("👍", 5), ("❤️", 5), ("👎", 1)])
def test_a_clear_reaction_to_an_order_update_is_stored_as_feedback(
    post_webhook, graph, emoji, rating
):
    # given
    from conversation_log.models import Feedback

    number = _shipped_update_message(WA_ID)
    # when
    _post(post_webhook, "reaction", {"message_id": "wamid.SHIPPED", "emoji": emoji})
    # then: still no reply, and staff see the verdict
    assert graph.sends == []
    feedback = Feedback.objects.get()
    assert feedback.rating == rating
    assert feedback.comment == f"Reaction {emoji} to the shipped update of order {number}"


@pytest.mark.parametrize(
    ("emoji", "message_id"),
    [("😮", "wamid.SHIPPED"), ("", "wamid.SHIPPED"), ("👍", "wamid.SOMETHING_ELSE")],
    ids=["unclear emoji", "removal", "not an order update"],
)
def test_other_reactions_are_not_feedback(post_webhook, graph, emoji, message_id):
    # given
    from conversation_log.models import Feedback

    _shipped_update_message(WA_ID)
    # when
    _post(post_webhook, "reaction", {"message_id": message_id, "emoji": emoji})
    # then
    assert graph.sends == []
    assert not Feedback.objects.exists()
