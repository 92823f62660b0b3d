"""`manage.py seed --demo-history`: a few weeks of believable activity for the staff
dashboard (orders with items and status events, chats and messages with delivery statuses
and Meta error codes, open handoffs, unanswered questions, the searches and checkouts
started that lead to the carts and orders, and searches that found nothing), a few hundred
rows.

Deterministic (a fixed random seed, rows named DEMO-…) and idempotent: every row has a
stable identity (customer wa_id, order number, wamid, question key) and is created only when
missing, so a second run adds nothing (the funnel events are made once, with the first
carts: none are added while the demo customers have any). Times are spread over the `days`
before the first run.
Needs the catalog, shipping and payment options of `seed` (the command runs it first).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from conversation_log.models import (
    Chat,
    DeliveryStatus,
    Direction,
    Message,
    ShopEvent,
    ShopEventKind,
)
from conversation_log.services import shop_event_record
from helpdesk.models import UnansweredQuestion
from helpdesk.services import unanswered_key
from inventory.models import Product
from orders.models import (
    Cart,
    CartItem,
    CartStatus,
    Order,
    OrderEvent,
    OrderItem,
    OrderStatus,
    ShippingOption,
)
from payments.models import PaymentOption
from users.models import Customer

DEMO_DAYS = 21
CUSTOMERS = 60
ORDERS = 36
WA_ID_PREFIX = "99900000"  # not a real country code: no demo row ever reaches a phone
ORDER_PREFIX = "DEMO-"
NAMES = ["Sara", "Omar", "Lina", "Yousef", "Maya", "Khalid", "Noor", "Adam"]
# Failures as Meta reports them (code, title), weighted towards the common ones.
FAILURES = [
    (131047, "Re-engagement message"),
    (131047, "Re-engagement message"),
    (130429, "Rate limit hit"),
    (131026, "Message undeliverable"),
]
QUESTIONS = [
    ("Do you sell drones?", "en", 9),
    ("Can I pick up my order from the store?", "en", 7),
    ("هل يوجد تقسيط بدون فوائد؟", "ar", 6),
    ("Do you repair cracked screens?", "en", 4),
    ("هل تشحنون إلى الكويت؟", "ar", 3),
    ("Is there a student discount?", "en", 2),
]

# What demo customers searched for before filling a cart, by language.
SEARCHES = {
    "en": ["wireless earbuds", "samsung phone", "laptop under 1000", "smart watch", "iphone"],
    "ar": ["سماعات لاسلكية", "جوال سامسونج", "لابتوب", "ساعة ذكية"],
}
# Searches that found nothing (words, language, how many times): the dashboard's list.
NO_RESULT_SEARCHES = [
    ("drone", "en", 8),
    ("ps5 pro", "en", 6),
    ("سكوتر كهربائي", "ar", 5),
    ("smart ring", "en", 3),
    ("robot vacuum", "en", 2),
]


@dataclass
class DemoHistoryReport:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, n: int = 1) -> None:
        self.created[kind] = self.created.get(kind, 0) + n


def _at(now: datetime, rng: random.Random, days: int) -> datetime:
    """A moment in the last `days` days, during shop hours (09:00-22:00 local)."""
    day = timezone.localdate(now) - timedelta(days=rng.randrange(days))
    local = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    moment = local + timedelta(hours=rng.randrange(9, 22), minutes=rng.randrange(60))
    return min(moment, now - timedelta(minutes=rng.randrange(5, 90)))


def _customers(report: DemoHistoryReport) -> list[Customer]:
    customers = []
    for i in range(CUSTOMERS):
        customer, made = Customer.objects.get_or_create(
            wa_id=f"{WA_ID_PREFIX}{i:04d}",
            defaults={
                "phone": f"{WA_ID_PREFIX}{i:04d}",
                "profile_name": f"{NAMES[i % len(NAMES)]} (demo)",
                "language": "ar" if i % 3 == 0 else "en",
            },
        )
        report.add("customers", made)
        customers.append(customer)
    return customers


def _chats(
    customers: list[Customer], now: datetime, rng: random.Random, report: DemoHistoryReport
) -> None:
    """A chat per customer with inbound and outbound messages over the period; the first
    three customers wait for a human (1 h, 20 min and 4 min)."""
    waits = {0: timedelta(hours=1), 1: timedelta(minutes=20), 2: timedelta(minutes=4)}
    for i, customer in enumerate(customers):
        chat, made = Chat.objects.get_or_create(
            customer=customer, defaults={"language": customer.language}
        )
        if not made:
            continue
        report.add("chats")
        stamps = sorted(_at(now, rng, DEMO_DAYS) for _ in range(6))
        last = stamps[-1]
        for n, at in enumerate(stamps):
            inbound = n % 2 == 0
            status = DeliveryStatus.RECEIVED
            code, title = None, ""
            if not inbound:
                roll = rng.random()
                if roll < 0.08:
                    status = DeliveryStatus.FAILED
                    code, title = FAILURES[rng.randrange(len(FAILURES))]
                elif roll < 0.2:
                    status = DeliveryStatus.SENT
                elif roll < 0.45:
                    status = DeliveryStatus.DELIVERED
                else:
                    status = DeliveryStatus.READ
            message = Message.objects.create(
                chat=chat,
                direction=Direction.INBOUND if inbound else Direction.OUTBOUND,
                text="Hi, I am looking for headphones" if inbound else "Here is what we have",
                wamid=f"wamid.DEMO.{customer.wa_id}.{n}",
                status=status,
                error_code=code,
                error_title=title,
                attempts=0 if inbound else 1,
            )
            # created_at is auto_now_add: set the historical time afterwards.
            Message.objects.filter(pk=message.pk).update(
                created_at=at,
                sent_at=None if inbound else at,
                status_updated_at=None if inbound else at + timedelta(seconds=5),
            )
            report.add("messages")
        wait = waits.get(i)
        wrote = now - wait if wait else max(at for n, at in enumerate(stamps) if n % 2 == 0)
        # What the webhook records on each inbound message (the funnel counts from it).
        Customer.objects.filter(pk=customer.pk).update(last_inbound_at=wrote, last_seen_at=wrote)
        Chat.objects.filter(pk=chat.pk).update(
            created_at=stamps[0],
            last_activity_at=now - wait if wait else last,
            handoff_active=wait is not None,
            handoff_requested_at=now - wait if wait else None,
        )


def _orders(
    customers: list[Customer], now: datetime, rng: random.Random, report: DemoHistoryReport
) -> None:
    products = list(Product.objects.filter(active=True).order_by("sku")[:30])
    shipping = ShippingOption.objects.order_by("sort_order", "pk").first()
    payment = PaymentOption.objects.order_by("sort_order", "pk").first()
    if not products or shipping is None or payment is None:
        raise RuntimeError("run `manage.py seed` first: demo orders need the catalog")
    for n in range(ORDERS):
        number = f"{ORDER_PREFIX}{n + 1:05d}"
        customer = customers[rng.randrange(len(customers))]
        at = _at(now, rng, DEMO_DAYS)
        picks = rng.sample(products, rng.randint(1, 3))
        quantities = [rng.randint(1, 2) for _ in picks]
        roll = rng.random()
        status = (
            OrderStatus.PLACED
            if roll < 0.25
            else OrderStatus.PAID
            if roll < 0.6
            else OrderStatus.DELIVERED
            if roll < 0.9
            else OrderStatus.CANCELLED
        )
        if Order.objects.filter(order_number=number).exists():
            continue
        subtotal = sum((p.price * q for p, q in zip(picks, quantities, strict=True)), Decimal(0))
        with transaction.atomic():
            # Lines written directly: has_items as the cart services would have kept it.
            cart = Cart.objects.create(
                customer=customer, status=CartStatus.ORDERED, is_open=None, has_items=True
            )
            CartItem.objects.bulk_create(
                CartItem(cart=cart, product=p, quantity=q)
                for p, q in zip(picks, quantities, strict=True)
            )
            order = Order.objects.create(
                order_number=number,
                customer=customer,
                status=status,
                contact_name=customer.profile_name,
                contact_phone=customer.phone,
                address="Demo street 1",
                shipping_option=shipping,
                payment_option=payment,
                subtotal=subtotal,
                shipping_cost=shipping.price,
                total=subtotal + shipping.price,
                currency=picks[0].currency,
                language=customer.language,
            )
            OrderItem.objects.bulk_create(
                OrderItem(
                    order=order,
                    product=p,
                    sku=p.sku,
                    name_en=p.name_en,
                    name_ar=p.name_ar,
                    unit_price=p.price,
                    quantity=q,
                    line_total=p.price * q,
                )
                for p, q in zip(picks, quantities, strict=True)
            )
            path = [OrderStatus.PLACED]
            if status in (OrderStatus.PAID, OrderStatus.DELIVERED):
                path += [OrderStatus.PAID]
            if status == OrderStatus.DELIVERED:
                path += [OrderStatus.SHIPPED, OrderStatus.DELIVERED]
            if status == OrderStatus.CANCELLED:
                path += [OrderStatus.CANCELLED]
            for step, (before, after) in enumerate(zip(["", *path], path, strict=False)):
                event = OrderEvent.objects.create(
                    order=order, from_status=before, to_status=after, actor="demo"
                )
                OrderEvent.objects.filter(pk=event.pk).update(
                    created_at=min(at + timedelta(hours=6 * step), now)
                )
            Order.objects.filter(pk=order.pk).update(created_at=at, updated_at=at)
            Cart.objects.filter(pk=cart.pk).update(created_at=at - timedelta(minutes=15))
        report.add("orders")
    # Carts filled but never ordered: the funnel's drop between cart and order.
    for i, customer in enumerate(customers[: CUSTOMERS // 4]):
        if Cart.objects.filter(customer=customer, status=CartStatus.ABANDONED).exists():
            continue
        cart = Cart.objects.create(
            customer=customer, status=CartStatus.ABANDONED, is_open=None, has_items=True
        )
        CartItem.objects.create(cart=cart, product=products[i % len(products)], quantity=1)
        Cart.objects.filter(pk=cart.pk).update(created_at=_at(now, rng, DEMO_DAYS))
        report.add("abandoned carts")


def _event(
    customer: Customer, kind: str, at: datetime, *, query: str = "", results: int = 0
) -> None:
    shop_event_record(
        kind=kind,
        customer_id=customer.pk,
        query=query,
        language=customer.language,
        results=results,
        at=at,  # the historical time, also for the customer's newest event of the kind
    )


def _events(
    customers: list[Customer], now: datetime, rng: random.Random, report: DemoHistoryReport
) -> None:
    """The funnel steps nothing else records, consistent with the carts and orders: a
    search (that found products) before each demo cart, a checkout started before each
    order and for a third of the abandoned carts, searches by customers who bought
    nothing, and the searches that found nothing."""
    if ShopEvent.objects.filter(customer__in=customers).exists():
        return
    carts = Cart.objects.filter(customer__in=customers).select_related("customer")
    for n, cart in enumerate(carts.order_by("pk")):
        words = SEARCHES[cart.customer.language]
        _event(
            cart.customer,
            ShopEventKind.SEARCH,
            cart.created_at - timedelta(minutes=rng.randrange(2, 30)),
            query=words[rng.randrange(len(words))],
            results=rng.randint(2, 9),
        )
        report.add("searches")
        if cart.status == CartStatus.ORDERED or n % 3 == 0:
            _event(
                cart.customer,
                ShopEventKind.CHECKOUT_STARTED,
                cart.created_at + timedelta(minutes=5),
            )
            report.add("checkouts started")
    with_carts = set(carts.values_list("customer_id", flat=True))
    for customer in customers:
        if customer.pk in with_carts or rng.random() < 0.4:
            continue
        words = SEARCHES[customer.language]
        _event(
            customer,
            ShopEventKind.SEARCH,
            _at(now, rng, DEMO_DAYS),
            query=words[rng.randrange(len(words))],
            results=rng.randint(1, 9),
        )
        report.add("searches")
    for query, language, times in NO_RESULT_SEARCHES:
        askers = [c for c in customers if c.language == language]
        for _time in range(times):
            _event(
                askers[rng.randrange(len(askers))],
                ShopEventKind.SEARCH,
                _at(now, rng, DEMO_DAYS),
                query=query,
            )
            report.add("searches")


def _questions(now: datetime, report: DemoHistoryReport) -> None:
    for n, (text, language, count) in enumerate(QUESTIONS):
        _question, made = UnansweredQuestion.objects.get_or_create(
            normalised_key=unanswered_key(text),
            defaults={
                "text": text,
                "language": language,
                "count": count,
                "first_asked_at": now - timedelta(days=DEMO_DAYS - n),
                "last_asked_at": now - timedelta(hours=3 * n + 1),
            },
        )
        report.add("unanswered questions", made)


@transaction.atomic
def demo_history_seed(*, now: datetime | None = None) -> DemoHistoryReport:
    """Create what is missing of the demo history (see the module docstring); returns the
    rows created by kind (all zero on a second run)."""
    now = now or timezone.now()
    rng = random.Random(17)
    report = DemoHistoryReport()
    customers = _customers(report)
    _chats(customers, now, random.Random(rng.random()), report)
    _orders(customers, now, random.Random(rng.random()), report)
    _events(customers, now, random.Random(rng.random()), report)
    _questions(now, report)
    return report
