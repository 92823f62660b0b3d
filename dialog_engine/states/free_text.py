"""Free text → the state that answers it, with its slots.

`intent_classifier.classify(text, context)` names the intent when that package is
installed; until then (and when it is unsure) a small set of EN/AR keyword rules does.
Whatever is left is a product search, with any budget ("under 300", "بين 500 و 1000")
and brand the words carry.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from brandkit.models import Brand

from ..state_router import state_get
from .base import StateResult
from .common import budget_parse, products_search, to_decimal
from .order_status import order_number_find
from .search import search_remember

if TYPE_CHECKING:
    from .base import TurnContext

logger = logging.getLogger(__name__)

CONFIDENCE_MIN = 0.6

# (state, words): the first rule with a word inside the text wins; order matters.
_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("opt_out", ("stop messages", "opt out", "how do i unsubscribe", "إيقاف الرسائل")),
    (
        "handoff",
        (
            "human",
            "agent",
            "real person",
            "talk to someone",
            "customer service",
            "موظف",
            "شخص حقيقي",
            "خدمة العملاء",
            "أكلم أحد",
            "اكلم احد",
        ),
    ),
    (
        "cancel_order",
        (
            "cancel my order",
            "cancel order",
            "الغاء الطلب",
            "إلغاء الطلب",
            "الغي الطلب",
            "ألغي طلبي",
            "الغاء طلبي",
            "إلغاء طلبي",
        ),
    ),
    (
        "my_orders",
        (
            "my orders",
            "my order",
            "track",
            "where is my order",
            "order status",
            "طلباتي",
            "طلبي",
            "تتبع",
            "وين طلبي",
            "حالة الطلب",
        ),
    ),
    ("add_to_cart", ("add", "أضف", "اضف", "ضيف", "حط")),
    (
        "clear_cart",
        ("clear cart", "empty cart", "empty my cart", "افرغ السلة", "إفراغ السلة", "امسح السلة"),
    ),
    ("show_cart", ("cart", "basket", "السلة", "سلتي", "سلة")),
    (
        "checkout",
        (
            "checkout",
            "check out",
            "pay now",
            "buy now",
            "اتمام الطلب",
            "إتمام الطلب",
            "ادفع",
            "الدفع الآن",
        ),
    ),
    ("compare", ("compare", "comparison", "قارن", "مقارنة")),
    ("deals", ("deals", "offers", "discount", "sale", "عروض", "تخفيض", "خصم", "تخفيضات")),
    (
        "recommendations",
        ("recommend", "suggest", "what should i buy", "اقترح", "انصحني", "ترشيح", "توصية"),
    ),
    ("brands", ("brands", "العلامات", "الماركات", "ماركات")),
    ("browse", ("categories", "browse", "catalog", "الأقسام", "الاقسام", "تصفح", "الفئات")),
    ("language", ("language", "english", "arabic", "عربي", "انجليزي", "إنجليزي", "اللغة")),
    ("reset", ("start over", "restart", "reset", "من جديد", "ابدأ من جديد", "إعادة")),
    ("feedback", ("feedback", "complaint", "rate you", "تقييم", "ملاحظة", "شكوى")),
    (
        "shipping_info",
        (
            "delivery options",
            "shipping options",
            "shipping cost",
            "خيارات التوصيل",
            "تكلفة الشحن",
            "رسوم التوصيل",
        ),
    ),
    (
        "payment_info",
        ("payment options", "payment methods", "how can i pay", "طرق الدفع", "وسائل الدفع"),
    ),
    (
        "store_info",
        (
            "opening hours",
            "your address",
            "contact",
            "phone number",
            "ساعات العمل",
            "رقمكم",
            "تواصل",
            "عنوانكم",
        ),
    ),
    ("help", ("help", "how does this work", "مساعدة", "ساعدني")),
    ("more_menu", ("options", "all options", "الخيارات", "كل الخيارات")),
)
_QUESTION = re.compile(
    r"\?|؟|^(?:how|what|when|where|why|do you|can i|is there|are you|does|هل|كيف|متى|ماذا|"
    r"ما هي|ما هو|وش|ليش|كم)\b",
    re.IGNORECASE,
)
# intent_classifier's intent names mapped to our states (others fall through to search).
_INTENT_STATES = {
    "greeting": "assistant",
    "goodbye": "assistant",
    "thanks": "assistant",
    "help": "help",
    "browse": "browse",
    "search": "search",
    "budget": "search",
    "brand": "search",
    "compare": "compare",
    "recommend": "recommendations",
    "add_to_cart": "add_to_cart",
    "show_cart": "show_cart",
    "remove_item": "edit_item",
    "clear_cart": "clear_cart",
    "checkout": "checkout",
    "order_status": "order_status",
    "my_orders": "my_orders",
    "cancel_order": "cancel_order",
    "faq": "faq_answer",
    "human": "handoff",
    "feedback": "feedback",
    "language": "language",
    "opt_out": "opt_out",
    "reset": "reset",
    "similar": "similar",
    "product_detail": "product_detail",
    "opt_in": "assistant",
}


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def _rule_state(text: str) -> str | None:
    words = f" {_normal(text)} "
    for state, keys in _RULES:
        for key in keys:
            if re.search(r"(?<![\w])" + re.escape(key) + r"(?![\w])", words):
                return state
    return None


def _language_named(text: str) -> str:
    """ "English please" / "بالعربي" name the language to switch to; "language" asks."""
    lowered = _normal(text)
    if re.search(r"english|انجليزي|إنجليزي|الانجليزية|الإنجليزية", lowered):
        return "en"
    if re.search(r"arabic|عربي|العربية", lowered):
        return "ar"
    return ""


def _classified(ctx: TurnContext) -> tuple[str | None, dict]:
    """(state, slots) from intent_classifier, or (None, {}) when absent or unsure."""
    try:
        from intent_classifier import classify  # type: ignore[attr-defined]
    except ImportError:
        return None, {}
    try:
        intent = classify(ctx.text, {"state": ctx.chat.state, "language": ctx.language})
    except Exception:
        logger.warning("intent classifier failed; using rules", exc_info=True)
        return None, {}
    ctx.intent = intent
    name = str(getattr(intent.name, "value", intent.name)).lower()
    if getattr(intent, "confidence", 0) < CONFIDENCE_MIN:
        return None, {}
    return _INTENT_STATES.get(name), dict(getattr(intent, "slots", {}) or {})


def _brand_in(text: str) -> Brand | None:
    lowered = _normal(text)
    for brand in Brand.objects.all():
        for name in (brand.name_en, brand.name_ar):
            if name and re.search(r"(?<![\w])" + re.escape(name.lower()) + r"(?![\w])", lowered):
                return brand
    return None


def route_free_text(ctx: TurnContext) -> StateResult:
    """Answer free text with the state it asks for: an order number → its status (or
    cancellation); a precise EN/AR phrase (the rules) → its state; else the classified
    intent; else a question → the FAQ; else a product search with budget and brand."""
    text = ctx.text
    number = order_number_find(text)
    rule = _rule_state(text)
    if number:
        ctx.payload = number
        return _run("cancel_order" if rule == "cancel_order" else "order_status", ctx)
    slots: dict = {}
    state = rule
    if state is None and _QUESTION.search(text):
        # A question the FAQ answers beats a guess at an intent ("how do returns work?").
        from .faq_answer import faq_find

        faq = faq_find(text, ctx.language)
        if faq is not None:
            ctx.payload = str(faq.pk)
            return _run("faq_answer", ctx)
    if state is None:
        state, slots = _classified(ctx)
    if state == "assistant":
        from .assistant import main_menu

        return StateResult(messages=[main_menu(ctx)], next_state="assistant")
    if state == "language":
        ctx.payload = slots.get("language") or _language_named(text)
        return _run("language", ctx)
    if state == "faq_answer":
        ctx.payload = ""
        return _run("faq_answer", ctx)
    if state == "add_to_cart":
        return _add_named(ctx, text, slots)
    if state == "compare":
        _compare_from_text(ctx, text)
        ctx.payload = "show"
        return _run("compare", ctx)
    if state not in {None, "search"}:
        ctx.payload = ""
        return _run(state, ctx)
    return _search(ctx, text, slots)


_COMPARE_WORDS = re.compile(r"\b(?:compare|comparison|between)\b|قارن|مقارنة|بين", re.IGNORECASE)
_COMPARE_SPLIT = re.compile(r"\s+(?:and|vs\.?|versus|or|with|و|مع|ضد|او|أو)\s+|,|،", re.IGNORECASE)


def _compare_from_text(ctx: TurnContext, text: str) -> None:
    """ "compare iphone 15 and galaxy s24": the best match of each part replaces the
    comparison; fewer than two matches keep the comparison the customer built."""
    parts = [p.strip() for p in _COMPARE_SPLIT.split(_COMPARE_WORDS.sub(" ", text)) if p.strip()]
    if len(parts) < 2:
        return
    skus: list[str] = []
    for part in parts[:3]:
        best = _best_named(part, products_search(query=part, language=ctx.language, limit=8))
        if best is not None and best.sku not in skus:
            skus.append(best.sku)
    if len(skus) >= 2:
        ctx.data["compare"] = skus


def _best_named(part: str, products: list) -> object | None:
    """The candidate whose name holds the most of the customer's words ("iphone 15" is
    the iPhone 15, not an iPhone SE with an A15 chip), then the shortest name."""
    words = [w for w in re.findall(r"[\w\-+]+", part.lower()) if w]
    if not products or not words:
        return None

    def score(product) -> tuple[int, int]:
        names = f" {product.name_en} {product.name_ar} ".lower()
        hits = sum(1 for w in words if re.search(r"(?<![\w])" + re.escape(w) + r"(?![\w])", names))
        # Then the plainest name: "iPhone 15 128GB" before "iPhone 15 Plus 256GB".
        return hits, -len(product.name_en.split())

    return max(products, key=score)


_ADD_WORDS = re.compile(
    r"\b(?:add|put|to|in|into|the|my|cart|basket|please)\b|أضف|اضف|ضيف|حط|إلى|الى|في|للسلة|"
    r"السلة|سلتي|لسلتي",
    re.IGNORECASE,
)
_LEADING_QUANTITY = re.compile(r"^\s*(\d{1,2}|[٠-٩]{1,2})\s*(?:x|×|pcs|pieces|قطع|حبات|حبة)?\s+")


def _add_named(ctx: TurnContext, text: str, slots: dict) -> StateResult:
    """ "add 2 AirPods 4 to my cart" / "أضف سماعات سوني للسلة": the best-named product goes
    in the cart (with the quantity when one leads); nothing named → a search."""
    rest = " ".join(_ADD_WORDS.sub(" ", text).split())
    quantity = slots.get("quantity")
    match = _LEADING_QUANTITY.match(rest + " ")
    if match:
        quantity = quantity or int(to_decimal(match.group(1)) or 1)
        rest = rest[match.end() :].strip()
    if not rest:
        return _run("show_cart", ctx)
    sku = slots.get("product_ref")
    if not sku:
        best = _best_named(rest, products_search(query=rest, language=ctx.language, limit=8))
        sku = best.sku if best is not None else ""
    if not sku:
        return _search(ctx, rest, slots)
    if quantity and int(quantity) > 1:
        ctx.payload = f"{sku}:{int(quantity)}"
        return _run("choose_quantity", ctx)
    ctx.payload = sku
    return _run("add_to_cart", ctx)


def _search(ctx: TurnContext, text: str, slots: dict) -> StateResult:
    low, high, rest = budget_parse(text)
    low = slots.get("budget_min", low)
    high = slots.get("budget_max", high)
    brand = Brand.objects.filter(slug=slots["brand"]).first() if slots.get("brand") else None
    brand = brand or _brand_in(rest)
    query = rest
    if brand is not None:
        for name in (brand.name_en, brand.name_ar):
            if name:
                query = re.sub(re.escape(name), " ", query, flags=re.IGNORECASE)
        query = " ".join(query.split())
    search_remember(
        ctx,
        query=query,
        price_min=to_decimal(str(low)) if low is not None else None,
        price_max=to_decimal(str(high)) if high is not None else None,
        brand=brand.slug if brand else None,
        category=slots.get("category") or None,
    )
    ctx.payload = ""
    return _run("search", ctx)


def _run(name: str, ctx: TurnContext) -> StateResult:
    state = state_get(name) or state_get("search")
    # Tells a text-collecting state that this text was routed to it, not typed in it.
    ctx.routed = True  # type: ignore[attr-defined]
    return state.handle(ctx)


def was_routed(ctx: TurnContext) -> bool:
    return bool(getattr(ctx, "routed", False))
