"""Dialog quality measured as a customer meets it: every labelled message is sent by a new
customer through the real webhook, pipeline and `ChatEngine` (console transport), and the
first reply is graded.

Sets live in `dialog_engine/eval/`: `dev.yaml` (tune on it) and `blind_en.yaml` /
`blind_ar.yaml` (written by someone who saw neither the code nor the catalogue, frozen
before the first measurement; reported in aggregate only, never tuned on). An item is
`{text, kind, ...labels}`:
- `shop`: `type` (a product type of `TYPE_CATEGORIES`), optional `brand`, `max_price`,
  `min_price`, `question`;
- `question`: `topic` (a key of `TOPIC_FAQS`; `none` = the shop has no answer);
- `command`: `intent` (a key of `INTENT_STATES`).
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from helpdesk.models import FAQ
from inventory.models import Product
from users.models import Customer

from .console import ConsoleCustomer

EVAL_DIR = Path(__file__).resolve().parent.parent / "dialog_engine" / "eval"
BLIND_FILES = {"en": "blind_en.yaml", "ar": "blind_ar.yaml"}
# Tuned on: `dev.yaml` (catalogue in view), `dev2.yaml` to `dev11.yaml` (brief only).
DEV_SETS = ("dev", "dev2", "dev3", "dev4", "dev5", "dev6", "dev7", "dev8", "dev9", "dev10", "dev11")
EVAL_PHONE_PREFIX = "19990"  # eval customers are deleted after the run

# A product type → the category slugs it accepts (a product in a child category counts).
TYPE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "phone": ("phones",),
    "iphone": ("iphones",),
    "android_phone": ("android-phones",),
    "laptop": ("laptops",),
    "gaming_laptop": ("gaming-laptops",),
    "ultrabook": ("ultrabooks",),
    "business_laptop": ("business-laptops",),
    "tablet": ("tablets",),
    "earbuds": ("wireless-earbuds",),
    "headphones": ("headphones",),
    "speaker": ("speakers",),
    "smartwatch": ("smartwatches",),
    "tv": ("tvs",),
    "camera": ("cameras",),
    "console": ("consoles",),
    "gaming_accessory": ("gaming-accessories",),
    "charger": ("chargers",),
    "power_bank": ("power-banks",),
    "cable": ("cables",),
    "keyboard_mouse": ("keyboards-mice", "gaming-accessories"),
    "any": (),
}

# A shop-question topic → the English question of the FAQ that answers it (None: no FAQ
# does, and the right reply is "not sure" with a person offered).
TOPIC_FAQS: dict[str, str | None] = {
    "delivery_time": "How long does delivery take?",
    "shipping_cost": "How much does shipping cost?",
    "international_shipping": "Do you ship internationally?",
    "weekend_delivery": "Do you deliver on weekends?",
    "store_pickup": "Can I pick up my order from the store?",
    "how_to_track": "How can I track my order?",
    "cancel_policy": "Can I cancel my order?",
    "change_address": "Can I change my delivery address after ordering?",
    "change_order_items": "Can I change or add items to my order?",
    "invoice": "Will I get an invoice?",
    "gift_wrap": "Do you offer gift wrapping?",
    "out_of_stock_item": "What if an item is out of stock?",
    "payment_methods": "What payment methods do you accept?",
    "cash_on_delivery": "Do you offer cash on delivery?",
    "installments": "Can I pay in installments?",
    "bank_transfer": "How do I pay by bank transfer?",
    "card_safety": "Is it safe to pay by card?",
    "payment_link_expired": "My payment link expired, what do I do?",
    "return_policy": "What is your return policy?",
    "how_to_return": "How do I return an item?",
    "refund_time": "How long do refunds take?",
    "damaged_item": "My item arrived damaged, what should I do?",
    "wrong_item": "I received the wrong item, what now?",
    "warranty": "Do your products come with a warranty?",
    "warranty_claim": "How do I make a warranty claim?",
    "extended_warranty": "Do you sell extended warranty?",
    "opening_hours": "What are your opening hours?",
    "store_location": "Where is your store located?",
    "contact_support": "How can I contact customer support?",
    "genuine_products": "Are your products genuine?",
    "phones_unlocked_arabic": "Are your phones unlocked and do they support Arabic?",
    "data_transfer": "Can you help me transfer data to my new phone?",
    "price_match": "Do you match competitors' prices?",
    "student_discount": "Do you have a student discount?",
    "trade_in": "Can I trade in my old device?",
    "tax_included": "Are prices inclusive of tax?",
    "stop_messages": "How do I stop receiving messages?",
    "none": None,
}

# A chat intent → the states that serve it (one of them must be in the turn's route).
INTENT_STATES: dict[str, tuple[str, ...]] = {
    "greeting": ("assistant",),
    "thanks": ("assistant",),
    "goodbye": ("assistant",),
    "menu": ("assistant",),
    "help": ("help",),
    "browse_categories": ("browse",),
    "brands": ("brands",),
    "deals": ("deals",),
    "show_cart": ("show_cart",),
    "checkout": ("checkout",),
    "clear_cart": ("clear_cart",),
    "my_orders": ("my_orders",),  # order_status without a number shows them too
    "order_status": ("order_status",),
    "cancel_order": ("cancel_order",),
    "human": ("handoff",),
    "language_en": ("language",),
    "language_ar": ("language",),
    "opt_out": ("opt_out",),
    "reset": ("reset",),
    "feedback": ("feedback",),
    "compare": ("compare",),
}
SHOP_STATES = ("search", "product_detail")
FAQ_STATES = ("faq_answer",)
CLARIFY_STATE = "clarify"


@dataclass(frozen=True)
class Item:
    text: str
    language: str
    kind: str
    labels: dict[str, Any]


def items_load(name: str) -> list[Item]:
    """The items of a set: `dev`, `dev2`, `blind`, or a YAML file (a list, or `en:`/`ar:`
    lists)."""
    if name == "blind":
        return [
            item
            for language, file in BLIND_FILES.items()
            for item in _load(EVAL_DIR / file, language)
        ]
    path = EVAL_DIR / f"{name}.yaml" if name in DEV_SETS else Path(name)
    return _load(path, None)


def _load(path: Path, language: str | None) -> list[Item]:
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    groups = data.items() if isinstance(data, dict) else [(language or "en", data)]
    items: list[Item] = []
    for lang, rows in groups:
        for row in rows:
            labels = {k: v for k, v in row.items() if k not in {"text", "kind"}}
            item = Item(str(row["text"]), lang, row["kind"], labels)
            _validate(item, path)
            items.append(item)
    return items


def _validate(item: Item, path: Path) -> None:
    known = {
        "shop": ("type", TYPE_CATEGORIES),
        "question": ("topic", TOPIC_FAQS),
        "command": ("intent", INTENT_STATES),
    }
    if item.kind not in known:
        raise ValueError(f"{path}: unknown kind {item.kind!r} ({item.text!r})")
    label, vocabulary = known[item.kind]
    if item.labels.get(label) not in vocabulary:
        raise ValueError(f"{path}: unknown {label} {item.labels.get(label)!r} ({item.text!r})")


class _RouteCapture(logging.Handler):
    """Collects the engine's "turn routed" records (the states that handled a turn)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.routes: list[list[str]] = []
        self._lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        route = getattr(record, "route", None)
        if route is not None:
            with self._lock:
                self.routes.append(list(route))


@dataclass
class Outcome:
    item: Item
    route: list[str]
    skus: list[str]
    faq: str | None  # the English question of the FAQ answered, if any
    text: str
    nearest: bool = False  # products shown as "nothing matches; the closest are …"

    @property
    def first_state(self) -> str:
        return self.route[0] if self.route else ""


def _skus(options: Iterable[Any]) -> list[str]:
    """Products shown, in order: list rows `prd:SKU` and a card's `add:`/`ntf:`/`oos:` button."""
    found: list[str] = []
    for option in options:
        prefix, _sep, payload = option.id.partition(":")
        if prefix in {"prd", "add", "ntf", "oos"} and payload and payload not in found:
            found.append(payload.split(":")[0])
    return found


def _nearest_titles() -> tuple[str, ...]:
    """The section title of a "nothing meets your limits, the closest are" list, in each
    language (`dialog_engine.states.search`)."""
    from django.utils.translation import gettext, override

    titles = []
    for language in ("en", "ar"):
        with override(language):
            titles.append(f"— {gettext('Closest matches')}")
    return tuple(titles)


def item_run(item: Item, phone: str, capture: _RouteCapture, faqs: dict[str, str]) -> Outcome:
    customer = ConsoleCustomer(phone=phone, name="Eval")
    before = len(capture.routes)
    replies = customer.say(item.text)
    route = capture.routes[before] if len(capture.routes) > before else []
    options = [option for reply in replies for option in reply.options]
    text = "\n".join(reply.text for reply in replies)
    answered = next((key for answer, key in faqs.items() if answer and answer in text), None)
    nearest = any(title in text for title in _nearest_titles())
    return Outcome(item, route, _skus(options), answered, text, nearest)


@dataclass
class Scores:
    language: str
    counts: dict[str, int] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


def _category_slugs(product: Product) -> set[str]:
    category = product.category
    slugs = {category.slug}
    if category.parent_id:
        slugs.add(category.parent.slug)
    return slugs


def _limits_broken(product: Product, labels: dict[str, Any], brands: dict[str, str]) -> bool:
    high, low = labels.get("max_price"), labels.get("min_price")
    if high is not None and product.price > Decimal(str(high)):
        return True
    if low is not None and product.price < Decimal(str(low)):
        return True
    brand = labels.get("brand")
    if brand:
        return product.brand is None or brands.get(brand.lower()) != product.brand.slug
    return False


def _relevant(product: Product, labels: dict[str, Any], brands: dict[str, str]) -> bool:
    accepted = TYPE_CATEGORIES[labels["type"]]
    if accepted and not (_category_slugs(product) & set(accepted)):
        return False
    return not _limits_broken(product, labels, brands)


def outcomes_score(language: str, outcomes: list[Outcome]) -> Scores:
    from brandkit.models import Brand

    brands = {b.name_en.lower(): b.slug for b in Brand.objects.all()}
    products = Product.objects.select_related("brand", "category__parent").in_bulk(
        {sku for o in outcomes for sku in o.skus[:3]}, field_name="sku"
    )
    scores = Scores(language)
    shop = [o for o in outcomes if o.item.kind == "shop"]
    questions = [o for o in outcomes if o.item.kind == "question"]
    commands = [o for o in outcomes if o.item.kind == "command"]
    scores.counts = {"shop": len(shop), "question": len(questions), "command": len(commands)}

    routed = 0
    for o in outcomes:
        expected = _expected_states(o.item)
        if set(o.route) & set(expected):
            routed += 1
        else:
            route = ">".join(o.route) or "-"
            scores.failures.append(f"route {route} (want {expected[0]}): {o.item.text}")

    hit1 = hit3 = none = limited = violated = told = 0
    for o in shop:
        top = [products[s] for s in o.skus[:3] if s in products]
        if not top:
            none += 1
            scores.failures.append(f"no product: {o.item.text}")
            continue
        relevant = [_relevant(p, o.item.labels, brands) for p in top]
        hit1 += relevant[0]
        hit3 += any(relevant)
        if not any(relevant):
            names = ", ".join(p.sku for p in top)
            scores.failures.append(f"miss [{names}]: {o.item.text}")
        if any(k in o.item.labels for k in ("max_price", "min_price", "brand")):
            limited += 1
            if o.nearest:
                told += 1  # "nothing matches; the closest are": said, not broken silently
            elif any(_limits_broken(p, o.item.labels, brands) for p in top):
                violated += 1
                scores.failures.append(f"limit broken: {o.item.text}")

    faq_ok = faq_wrong = 0
    for o in questions:
        want = TOPIC_FAQS[o.item.labels["topic"]]
        # No FAQ answers it: right is "not sure" (no FAQ, no products), never a guess.
        ok = (o.faq is None and not o.skus) if want is None else o.faq == want
        faq_ok += ok
        if o.faq is not None and o.faq != want:
            faq_wrong += 1
        if not ok:
            scores.failures.append(f"faq {o.faq or '-'} (want {want or 'none'}): {o.item.text}")

    clarified = sum(1 for o in outcomes if CLARIFY_STATE in o.route)
    n_shop = len(shop) or 1
    n_q = len(questions) or 1
    scores.metrics = {
        "routed_state": routed / (len(outcomes) or 1),
        "search_hit@1": hit1 / n_shop,
        "search_hit@3": hit3 / n_shop,
        "limit_violations": violated / (limited or 1),
        "nearest_told": told / (limited or 1),
        "no_result": none / n_shop,
        "faq_correct": faq_ok / n_q,
        "faq_wrong": faq_wrong / n_q,
        "clarified": clarified / (len(outcomes) or 1),
        "command_routed": sum(1 for o in commands if set(o.route) & set(_expected_states(o.item)))
        / (len(commands) or 1),
    }
    return scores


def _expected_states(item: Item) -> tuple[str, ...]:
    if item.kind == "shop":
        return SHOP_STATES
    if item.kind == "question":
        return FAQ_STATES
    return INTENT_STATES[item.labels["intent"]]


def dialog_evaluate(items: list[Item]) -> list[Scores]:
    """Run every item as a new customer and score the first replies, per language."""
    faqs: dict[str, str] = {}
    for faq in FAQ.objects.all():
        faqs[faq.answer_en.strip()] = faq.question_en
        faqs[faq.answer_ar.strip()] = faq.question_en
    capture = _RouteCapture()
    engine_log = logging.getLogger("dialog_engine.engine")
    previous = engine_log.level, engine_log.propagate
    engine_log.addHandler(capture)
    engine_log.setLevel(logging.INFO)
    engine_log.propagate = False  # captured, not printed
    counter = itertools.count(1)
    outcomes: dict[str, list[Outcome]] = {}
    Customer.objects.filter(wa_id__startswith=EVAL_PHONE_PREFIX).delete()  # an aborted run's
    try:
        for item in items:
            phone = f"{EVAL_PHONE_PREFIX}{next(counter):07d}"
            outcomes.setdefault(item.language, []).append(item_run(item, phone, capture, faqs))
    finally:
        engine_log.removeHandler(capture)
        engine_log.level, engine_log.propagate = previous
        Customer.objects.filter(wa_id__startswith=EVAL_PHONE_PREFIX).delete()
    return [outcomes_score(language, found) for language, found in sorted(outcomes.items())]
