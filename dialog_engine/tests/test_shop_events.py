"""The dashboard's funnel events recorded by real turns (webhook → engine → fake Graph API):
a typed search answered, with how many products it found (0 for nothing found), and a
checkout started once per checkout, not on each of its steps."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.utils import timezone

from conversation_log.models import Chat, ShopEvent, ShopEventKind
from intent_classifier.slots import catalog_cache_clear
from inventory.models import Product
from orders.services import cart_add_item
from recos import index
from recos.training import embeddings_train_products
from tests.factories import (
    BrandFactory,
    CategoryFactory,
    CustomerFactory,
    PaymentOptionFactory,
    ProductFactory,
    ShippingOptionFactory,
)
from users.models import Customer
from wa_gateway.tests import payloads
from wa_gateway.tests.fixtures import graph, post_webhook  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

WA_ID = "966530000017"


@pytest.fixture(autouse=True)
def _fresh_indexes(monkeypatch: pytest.MonkeyPatch, settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """No LLM (the local classifier decides), and no catalogue kept from another test."""
    settings.OPENAI_API_KEY = ""
    settings.LLM_PROVIDER = "openai"
    monkeypatch.setattr(index, "VERSION_CHECK_SECONDS", 0.0)
    monkeypatch.setattr(index, "DELTA_CHECK_SECONDS", 0.0)
    monkeypatch.setattr(index, "SAFETY_CHECK_SECONDS", 0.0)
    catalog_cache_clear()
    index.index_invalidate()
    yield
    catalog_cache_clear()
    index.index_invalidate()


@pytest.fixture
def shop() -> list[Product]:
    samsung = BrandFactory(slug="samsung", name_en="Samsung", name_ar="سامسونج")
    earbuds = CategoryFactory(
        slug="wireless-earbuds", name_en="Wireless earbuds", name_ar="سماعات لاسلكية"
    )
    CategoryFactory(slug="drones", name_en="Drones", name_ar="درونات")  # nothing in it
    products = [
        ProductFactory(
            sku=f"BUD-{n}",
            brand=samsung,
            category=earbuds,
            name_en=f"Samsung Galaxy Buds {n} earbuds",
            name_ar=f"سماعات بودز {n}",
            description_en="Wireless earbuds.",
            description_ar="سماعات لاسلكية.",
            price=Decimal("99.00") + n,
            stock=5,
        )
        for n in range(12)
    ]
    embeddings_train_products()
    return products


def _customer() -> Customer:
    return CustomerFactory(wa_id=WA_ID, last_inbound_at=timezone.now())


def _searches() -> list[ShopEvent]:
    return list(ShopEvent.objects.filter(kind=ShopEventKind.SEARCH).order_by("id"))


def test_a_typed_search_answered_is_recorded_with_the_products_found(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    shop,
):
    # given
    customer = _customer()

    # when
    post_webhook(payloads.text_message(WA_ID, "Samsung   EARBUDS"))

    # then
    (search,) = _searches()
    assert search.customer_id == customer.pk
    assert search.query == "samsung earbuds"
    assert search.results > 0
    assert search.language == "en"


def test_paging_through_a_search_is_not_another_search(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    shop,
):
    # given
    _customer()
    post_webhook(payloads.text_message(WA_ID, "samsung earbuds"))

    # when
    post_webhook(payloads.button_reply(WA_ID, "srch:p2", "More results"))

    # then
    assert len(_searches()) == 1


def test_a_search_that_finds_nothing_is_recorded_with_no_result(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    shop,
):
    # given
    _customer()

    # when
    post_webhook(payloads.text_message(WA_ID, "drones"))

    # then
    assert "found nothing" in graph.sends[-1]["interactive"]["body"]["text"]
    (search,) = _searches()
    assert (search.query, search.results) == ("drones", 0)


def test_a_checkout_start_is_recorded_once_per_checkout_not_per_step(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    shop,
):
    # given
    customer = _customer()
    ShippingOptionFactory(code="std")
    PaymentOptionFactory(code="cod")
    cart_add_item(customer=customer, product=shop[0], quantity=1)

    # when: checkout starts, then the name and the address are given
    post_webhook(payloads.button_reply(WA_ID, "checkout:start", "Checkout"))
    post_webhook(payloads.text_message(WA_ID, "Sara Ahmed"))
    post_webhook(payloads.text_message(WA_ID, "12 Palm Street, Dubai Marina, Dubai"))

    # then
    assert Chat.objects.get(customer=customer).context["checkout"]["step"] not in ("name", None)
    events = ShopEvent.objects.filter(kind=ShopEventKind.CHECKOUT_STARTED)
    assert [e.customer_id for e in events] == [customer.pk]
    assert events[0].query == ""


def test_checkout_with_an_empty_cart_is_not_a_checkout_started(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    shop,
):
    # given
    _customer()

    # when
    post_webhook(payloads.button_reply(WA_ID, "checkout:start", "Checkout"))

    # then
    assert not ShopEvent.objects.filter(kind=ShopEventKind.CHECKOUT_STARTED).exists()
