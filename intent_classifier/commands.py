"""Fixed commands: the one table of messages that mean one thing when they are the whole
message ("stop", "menu", "my cart", "بالعربي"). A command is matched on the normalised
whole message only, never as a word inside a longer text: "add" inside "address", "reset"
in "how do I reset my earbuds?" or "arabic" in "laptop with an arabic keyboard" are not
commands. Everything else goes to the classifier.
"""

from __future__ import annotations

from recos.language import normalise

from .types import IntentName

# (intent, slots it implies, whole-message phrasings in EN and AR, as typed; compared
# normalised, so spelling variants of one letter need no second entry).
_TABLE: tuple[tuple[IntentName, dict[str, str], tuple[str, ...]], ...] = (
    (
        IntentName.OPT_OUT,
        {},
        ("stop", "unsubscribe", "stop messages", "opt out", "إيقاف", "الغاء الاشتراك", "توقف"),
    ),
    (IntentName.OPT_IN, {}, ("start", "subscribe", "resubscribe", "opt in", "ابدأ", "اشتراك")),
    (
        IntentName.MENU,
        {},
        (
            "menu",
            "main menu",
            "the menu",
            "show menu",
            "القائمة",
            "قائمة",
            "القائمة الرئيسية",
            "الرئيسية",
            "المنيو",
        ),
    ),
    (
        IntentName.GREETING,
        {},
        (
            "hi",
            "hello",
            "hey",
            "hii",
            "hello there",
            "hi there",
            "good morning",
            "good evening",
            "salam",
            "salaam",
            "assalamu alaikum",
            "مرحبا",
            "اهلا",
            "أهلا",
            "هلا",
            "هلا والله",
            "السلام عليكم",
            "سلام",
            "صباح الخير",
            "مساء الخير",
            "هاي",
        ),
    ),
    (
        IntentName.THANKS,
        {},
        (
            "thanks",
            "thank you",
            "thx",
            "ty",
            "thanks a lot",
            "شكرا",
            "شكراً",
            "مشكور",
            "تسلم",
            "يعطيك العافية",
            "شكرا لك",
        ),
    ),
    (IntentName.GOODBYE, {}, ("bye", "goodbye", "bye bye", "see you", "مع السلامة", "باي")),
    (
        IntentName.SHOW_CART,
        {},
        (
            "cart",
            "my cart",
            "basket",
            "my basket",
            "show cart",
            "show my cart",
            "view cart",
            "السلة",
            "سلتي",
            "السله",
            "عرض السلة",
        ),
    ),
    (
        IntentName.CHECKOUT,
        {},
        (
            "checkout",
            "check out",
            "pay",
            "pay now",
            "buy now",
            "الدفع",
            "ادفع",
            "إتمام الطلب",
            "اتمام الطلب",
            "الدفع الآن",
        ),
    ),
    (IntentName.HELP, {}, ("help", "help me", "مساعدة", "ساعدني", "?", "؟")),
    (
        IntentName.BROWSE,
        {},
        (
            "browse",
            "categories",
            "catalog",
            "catalogue",
            "products",
            "الأقسام",
            "الاقسام",
            "تصفح",
            "الفئات",
            "المنتجات",
        ),
    ),
    (IntentName.BRANDS, {}, ("brands", "العلامات", "العلامات التجارية", "الماركات", "ماركات")),
    (IntentName.RECOMMEND, {}, ("recommend", "recommendations", "اقتراحات", "توصيات")),
    (IntentName.MY_ORDERS, {}, ("orders", "my orders", "طلباتي", "طلبي")),
    (
        IntentName.RESET,
        {},
        (
            "reset",
            "restart",
            "start over",
            "start again",
            "من جديد",
            "ابدأ من جديد",
            "إعادة",
            "اعادة البدء",
        ),
    ),
    (
        IntentName.CLEAR_CART,
        {},
        (
            "clear cart",
            "empty cart",
            "empty my cart",
            "clear my cart",
            "افرغ السلة",
            "إفراغ السلة",
            "امسح السلة",
            "فضي السلة",
        ),
    ),
    (
        IntentName.HUMAN,
        {},
        (
            "human",
            "agent",
            "a human",
            "real person",
            "talk to a human",
            "customer service",
            "موظف",
            "خدمة العملاء",
            "ابي موظف",
            "كلمني موظف",
        ),
    ),
    (
        IntentName.LANGUAGE,
        {"language": "en"},
        (
            "english",
            "english please",
            "in english",
            "en",
            "انجليزي",
            "إنجليزي",
            "بالانجليزي",
            "بالإنجليزي",
            "الانجليزية",
        ),
    ),
    (
        IntentName.LANGUAGE,
        {"language": "ar"},
        (
            "arabic",
            "arabic please",
            "in arabic",
            "ar",
            "عربي",
            "بالعربي",
            "العربية",
            "عربي لو سمحت",
        ),
    ),
    (IntentName.LANGUAGE, {}, ("language", "change language", "اللغة", "تغيير اللغة")),
    (
        IntentName.MORE_MENU,
        {},
        ("options", "all options", "more options", "الخيارات", "كل الخيارات", "خيارات"),
    ),
    (
        IntentName.STORE_INFO,
        {},
        (
            "opening hours",
            "hours",
            "your address",
            "address",
            "location",
            "contact",
            "contact us",
            "ساعات العمل",
            "الدوام",
            "العنوان",
            "عنوانكم",
            "الموقع",
            "تواصل",
            "رقمكم",
        ),
    ),
    (
        IntentName.SHIPPING_INFO,
        {},
        (
            "delivery",
            "shipping",
            "delivery options",
            "shipping options",
            "shipping cost",
            "التوصيل",
            "الشحن",
            "خيارات التوصيل",
            "تكلفة الشحن",
            "رسوم التوصيل",
        ),
    ),
    (
        IntentName.PAYMENT_INFO,
        {},
        (
            "payment",
            "payment options",
            "payment methods",
            "طرق الدفع",
            "وسائل الدفع",
            "خيارات الدفع",
        ),
    ),
    (IntentName.DEALS, {}, ("deals", "offers", "sale", "عروض", "العروض", "تخفيضات")),
    (IntentName.FEEDBACK, {}, ("feedback", "rate", "تقييم", "ملاحظة")),
    (IntentName.FAQ, {}, ("faq", "faqs", "questions", "الأسئلة", "الأسئلة الشائعة")),
    (IntentName.AFFIRM, {}, ("yes", "yeah", "yep", "ok", "okay", "sure", "نعم", "ايوه", "تمام")),
    (IntentName.DENY, {}, ("no", "nope", "لا", "لأ")),
)
_PUNCTUATION = " .!,،؛;:)(*-_~"


def _key(text: str) -> str:
    key = normalise(text).strip(_PUNCTUATION)
    # "?" alone asks for help; elsewhere a trailing "?" does not change a command.
    return key if key in {"?", "؟"} else key.rstrip("?؟").strip(_PUNCTUATION)


_COMMANDS: dict[str, tuple[IntentName, dict[str, str]]] = {}
for _intent, _slots, _phrases in _TABLE:
    for _phrase in _phrases:
        _existing = _COMMANDS.setdefault(_key(_phrase), (_intent, _slots))
        if _existing != (_intent, _slots):
            raise ValueError(f"command {_phrase!r} is in the table twice")


def command_match(text: str) -> tuple[IntentName, dict[str, str]] | None:
    """(intent, slots) when the whole message is a fixed command, else None."""
    return _COMMANDS.get(_key(text))
