"""Cart.has_items, what the dashboard's funnel counts as "carts with an item": set with the
first item by every way one gets into a cart (the add button, a reorder, a WhatsApp catalog
cart, a quantity, the cart admin), cleared when the last line goes, equal to "the cart has
an item row" however the lines came and went, and filled for older carts by the migration."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from orders import services
from orders.catalog_cart import cart_fill_from_catalog
from orders.models import Cart, CartItem, CartStatus
from orders.selectors import order_funnel_counts
from tests.admin_staff import staff_client
from tests.factories import (
    CustomerFactory,
    PaymentOptionFactory,
    ProductFactory,
    ShippingOptionFactory,
)
from tests.services import at_once
from wa_gateway.tests import payloads
from wa_gateway.tests.fixtures import graph, post_webhook  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

WA_ID = "966520000417"


def _open_cart(customer) -> Cart:  # type: ignore[no-untyped-def]
    return Cart.objects.get(customer=customer, is_open=True)


def _flags_match_items() -> None:
    """Every cart's flag says what its item rows say (the funnel's former definition)."""
    truth = dict(
        Cart.objects.annotate(
            held=Exists(CartItem.objects.filter(cart=OuterRef("pk")))
        ).values_list("pk", "held")
    )
    assert dict(Cart.objects.values_list("pk", "has_items")) == truth


# --- set with the first item, by each path -------------------------------------------------
def test_a_new_cart_holds_no_item() -> None:
    # when
    cart = services.cart_get_or_create(customer=CustomerFactory())
    # then
    assert cart.has_items is False


def test_the_add_button_marks_the_cart(post_webhook, graph) -> None:  # noqa: F811
    # given
    ProductFactory(sku="HAS-ADD", stock=5)
    # when
    post_webhook(payloads.button_reply(WA_ID, "add:HAS-ADD", "Add to cart"))
    # then
    cart = Cart.objects.get(customer__wa_id=WA_ID, is_open=True)
    assert cart.has_items is True
    assert list(cart.items.values_list("product__sku", flat=True)) == ["HAS-ADD"]


def test_a_reorder_marks_the_new_cart(post_webhook, graph) -> None:  # noqa: F811
    # given: an order placed from a first cart
    customer = CustomerFactory(wa_id=WA_ID)
    services.cart_add_item(customer=customer, product=ProductFactory(stock=5), quantity=2)
    order = services.order_place(
        customer=customer,
        contact_name="Sara",
        address=services.Address(text="Street 1"),
        shipping_option=ShippingOptionFactory(),
        payment_option=PaymentOptionFactory(),
    )
    # when
    post_webhook(payloads.button_reply(WA_ID, f"reord:{order.order_number}", "Order again"))
    # then
    cart = _open_cart(customer)
    assert cart.has_items is True and cart.items.get().quantity == 2
    assert Cart.objects.get(status=CartStatus.ORDERED).has_items is True


def test_a_whatsapp_catalog_cart_marks_the_cart() -> None:
    # given
    customer = CustomerFactory()
    ProductFactory(sku="HAS-CAT", stock=5)
    # when
    (line,) = cart_fill_from_catalog(customer=customer, lines=[("HAS-CAT", 2)])
    # then
    assert line.ok and _open_cart(customer).has_items is True


def test_a_catalog_cart_of_nothing_for_sale_leaves_the_cart_empty() -> None:
    # given
    customer = CustomerFactory()
    services.cart_get_or_create(customer=customer)
    ProductFactory(sku="HAS-NONE", stock=0)
    # when
    cart_fill_from_catalog(customer=customer, lines=[("HAS-NONE", 1), ("GHOST", 1)])
    # then
    assert _open_cart(customer).has_items is False


def test_setting_a_quantity_marks_the_cart() -> None:
    # given
    customer = CustomerFactory()
    # when
    services.cart_set_quantity(customer=customer, product=ProductFactory(), quantity=3)
    # then
    assert _open_cart(customer).has_items is True


def test_an_item_refused_for_stock_leaves_the_cart_unmarked() -> None:
    # given
    customer = CustomerFactory()
    services.cart_get_or_create(customer=customer)
    # when
    with pytest.raises(Exception, match="BARE"):
        services.cart_add_item(customer=customer, product=ProductFactory(sku="BARE", stock=0))
    # then
    assert _open_cart(customer).has_items is False


# --- cleared with the last line ------------------------------------------------------------
def test_removing_lines_clears_the_mark_only_with_the_last_one() -> None:
    # given
    customer = CustomerFactory()
    first, second = ProductFactory(), ProductFactory()
    services.cart_add_item(customer=customer, product=first)
    services.cart_add_item(customer=customer, product=second)
    # when / then
    services.cart_remove_item(customer=customer, product=first)
    assert _open_cart(customer).has_items is True
    services.cart_set_quantity(customer=customer, product=second, quantity=0)
    assert _open_cart(customer).has_items is False


def test_clearing_the_cart_clears_the_mark_and_adding_again_sets_it() -> None:
    # given
    customer = CustomerFactory()
    product = ProductFactory()
    services.cart_add_item(customer=customer, product=product, quantity=2)
    # when
    services.cart_clear(customer=customer)
    # then
    assert _open_cart(customer).has_items is False
    services.cart_add_item(customer=customer, product=product)
    assert _open_cart(customer).has_items is True


def test_lines_added_and_deleted_by_staff_in_the_cart_admin_keep_the_mark() -> None:
    # given
    client = staff_client(
        "orders.change_cart",
        "orders.add_cartitem",
        "orders.change_cartitem",
        "orders.delete_cartitem",
    )
    customer = CustomerFactory()
    cart = services.cart_get_or_create(customer=customer)
    product = ProductFactory()
    url = reverse("admin:orders_cart_change", args=[cart.pk])
    form = {
        "customer": customer.pk,
        "status": CartStatus.OPEN,
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }

    # when: staff add a line
    response = client.post(
        url,
        {
            **form,
            "items-TOTAL_FORMS": "1",
            "items-0-cart": cart.pk,
            "items-0-product": product.pk,
            "items-0-quantity": "1",
        },
    )
    # then
    assert response.status_code == 302
    assert _open_cart(customer).has_items is True

    # when: and delete it
    item = CartItem.objects.get(cart=cart)
    response = client.post(
        url,
        {
            **form,
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "1",
            "items-0-id": item.pk,
            "items-0-cart": cart.pk,
            "items-0-product": product.pk,
            "items-0-quantity": "1",
            "items-0-DELETE": "on",
        },
    )
    # then
    assert response.status_code == 302
    assert not CartItem.objects.filter(cart=cart).exists()
    assert _open_cart(customer).has_items is False


# --- the funnel's count --------------------------------------------------------------------
def test_the_funnel_counts_the_same_carts_as_the_item_rows_say() -> None:
    # given: carts filled, emptied, refilled, ordered and abandoned through the services
    products = [ProductFactory(stock=50) for _ in range(3)]
    shipping, payment = ShippingOptionFactory(), PaymentOptionFactory()
    for index in range(8):
        customer = CustomerFactory()
        if index % 4 == 0:
            services.cart_get_or_create(customer=customer)  # never held anything
            continue
        services.cart_add_item(customer=customer, product=products[0])
        services.cart_set_quantity(customer=customer, product=products[1], quantity=2)
        if index % 4 == 1:
            services.cart_clear(customer=customer)
        elif index % 4 == 2:
            services.cart_remove_item(customer=customer, product=products[0])
        if index % 3 == 0:
            services.order_place(
                customer=customer,
                contact_name="Sara",
                address=services.Address(text="Street 1"),
                shipping_option=shipping,
                payment_option=payment,
            )
        elif index % 3 == 1:
            services.cart_abandon(cart_id=_open_cart(customer).pk)
    now = timezone.now()
    started = [now - timedelta(days=1), now - timedelta(days=30)]
    with_item_rows = (
        Cart.objects.filter(created_at__gte=started[1], created_at__lt=now)
        .filter(Exists(CartItem.objects.filter(cart=OuterRef("pk"))))
        .count()
    )

    # when
    day, month = order_funnel_counts(starts=started, until=now)

    # then
    _flags_match_items()
    assert day.carts_with_items == month.carts_with_items == with_item_rows == 4


# --- the migration ------------------------------------------------------------------------
def test_the_migration_marks_the_older_carts_that_hold_an_item(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # given: carts written before the column existed (all unmarked), across several batches
    migration = importlib.import_module(
        "orders.migrations.0006_cart_has_items_and_order_day_totals_index"
    )
    monkeypatch.setattr(migration, "BATCH", 2)
    carts = [Cart.objects.create(customer=CustomerFactory()) for _ in range(7)]
    for cart in carts[::2]:
        CartItem.objects.create(cart=cart, product=ProductFactory())
    Cart.objects.update(has_items=False)

    # when
    migration.cart_has_items_fill(apps, None)
    migration.cart_has_items_fill(apps, None)  # a second run changes nothing

    # then
    marked = set(Cart.objects.filter(has_items=True).values_list("pk", flat=True))
    assert marked == {cart.pk for cart in carts[::2]}
    _flags_match_items()


def test_the_migration_has_nothing_to_do_without_carts() -> None:
    # given
    migration = importlib.import_module(
        "orders.migrations.0006_cart_has_items_and_order_day_totals_index"
    )
    # when
    migration.cart_has_items_fill(apps, None)
    # then
    assert not Cart.objects.exists()


# --- concurrency (MariaDB) -----------------------------------------------------------------
@pytest.mark.mysql_only
@pytest.mark.django_db(transaction=True)
def test_removing_the_last_line_while_another_is_added_keeps_the_mark_true() -> None:
    # given: one line in the cart; a second customer device adds while the first removes
    customer = CustomerFactory()
    kept, added = ProductFactory(stock=50), ProductFactory(stock=50)
    for _ in range(5):
        services.cart_clear(customer=customer)
        services.cart_add_item(customer=customer, product=kept)

        # when
        at_once(
            [
                lambda: services.cart_remove_item(customer=customer, product=kept),
                lambda: services.cart_add_item(customer=customer, product=added),
            ]
        )

        # then
        assert list(_open_cart(customer).items.values_list("product", flat=True)) == [added.pk]
        assert _open_cart(customer).has_items is True
