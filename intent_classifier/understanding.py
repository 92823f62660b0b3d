"""One understanding step per free-text message: the normalised text, the intent (a fixed
command, or the classifier's), its confidence, the slots, whether it asks something, and
the words to search products with. Everything downstream reads this, so no caller
normalises, classifies or parses a budget again."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from recos.language import normalise

from . import slots as slot_rules
from .classifier import classify
from .commands import command_match
from .types import ClassifyContext, IntentName, Slots

# Below this the classifier is "unsure": the router then searches when the text names
# products, matches FAQs when it asks, and otherwise asks the customer back.
CONFIDENT = 0.6

# A question: a "?", an interrogative opening a clause ("…, can it be changed"), or an
# interrogative phrase anywhere ("if i order today when will i get it").
_QUESTION = re.compile(
    r"[?؟]"
    r"|(?:^|[,،.;]\s*)(?:how|what|when|where|why|which|who|whats|what's|do|does|did|can|"
    r"could|is|are|will|would|should|may|هل|كيف|متي|وين|اين|فين|ليش|ليه|لماذا|ماذا|ايش|"
    r"وش|شو|كم|ما هي|ما هو|شلون|اقدر|ينفع|ممكن|تقدرون|عندكم|في|فيه)\b"
    r"|\b(?:when will|when do|when does|how long|how much|how many|how do|how can|"
    r"can i|can you|could you|do you|will it|would it|is it|is there|are there|what now)\b"
    r"|(?:^|\s)(?:هل|كيف|متي|ليش|ليه|ايش|وش|شلون|ازاي|امتي|اقدر|ينفع|يمديني|تقدرون|تقدروا|"
    # Levantine, Iraqi and Maghrebi: how much, is there, when, how
    r"قديش|اديش|شكد|شقد|قداش|شحال|واش|فوقاش|امتا|كيفاش)(?:\s|$|[?؟،,.!])",
    re.IGNORECASE,
)
# "how do I reset my earbuds?": how to do something, a support question, never a search.
_HOW_TO = re.compile(
    r"\bhow (?:do|can|should|would) (?:i|we|you)\b|\bhow to\b|\bwhat are the steps\b"
    r"|(?:^|\s)(?:كيف|ازاي|شلون|كيفاش)\s+(?!سعر|اسعار)|(?:وش|ايش|شو|ما هي) الخطوات"
    # "the screen came cracked, what should i do", "بدي رجع السماعه، شو لازم اعمل"
    r"|\bwhat (?:should|do|must|can) i do\b|\bwhat do i (?:need|have) to do\b"
    r"|(?:^|\s)(?:وش|ايش|شو|ماذا) (?:لازم |المفروض |يجب ان )?(?:اسوي|اعمل|افعل|نسوي|نعمل)"
    r"(?:\s|$|[?؟])|(?:^|\s)(?:اعمل|نعمل) (?:ايه|اي)(?:\s|$|[?؟])",
    re.IGNORECASE,
)

# It speaks of something already bought or delivered ("ordered a jbl speaker and got
# earbuds instead", "the laptop i got has a cracked screen", "وصلني جوال غير اللي طلبته"):
# the product it names is the customer's, so a shop answer (wrong item, damaged, returns)
# comes before a search for more of it.
_AFTER_SALE = re.compile(
    r"\b(?:i|we)\s+(?:just\s+|already\s+)?(?:got|received|recieved|bought|purchased|ordered|"
    r"returned|sent back)\b"
    # chat drops the subject: "ordered black airpods and got silver ones"
    r"|^(?:just\s+)?(?:got|received|recieved|bought|ordered|returned)\b"
    r"|\b(?:arrived|was delivered|got delivered|came(?!\s+out)|showed up|you sent|u sent)\b"
    r"|\binstead\b|\bmy order\b"
    r"|(?:^|\s)و?(?:وصلني|وصلتني|وصلنا|وصل|وصلت|استلمت|استلمته|استلمتها|جاني|جاتني|جتني|"
    r"اشتريت|اشتريته|اشتريتها|طلبته|طلبتها|ارسلتوا|ارسلتو|بعتولي|بعثتوا|دخلني|طلبي|طلبيتي|"
    r"سويته|رجعت|رجعته|رجعتها|ارجعت)(?:\s|$|[?؟،,.!])",
    re.IGNORECASE,
)

# A fault with what was delivered or bought ("arrived with a dent", "sent the wrong
# colour", "وصلني مكسور"): said of the customer's own product, it is a complaint for the
# shop's answer (damaged, wrong item, warranty) or a person, never a search.
_PROBLEM = re.compile(
    r"\b(?:broken|broke|cracked|crack|dent|dented|scratch(?:ed|es)?|damaged|damage|defective|"
    r"faulty|not working|doesn'?t work|does not work|won'?t (?:turn on|charge|work|connect)|"
    r"stopped working|dead on arrival|missing|wrong|instead|never ordered|didn'?t order|"
    r"not what i ordered|but i ordered|fake|counterfeit|used one|already opened|smashed)\b"
    r"|(?:^|\s)(?:مكسور|مكسوره|انكسر|مخدوش|مخدوشه|خدش|خدوش|خربان|خربانه|معطل|عطلان|تالف|"
    r"مضروب|مطعوج|ناقص|ناقصه|غلط|مستعمل|مفتوح|ما يشتغل|مايشتغل|ما يشحن|مايشحن|ما اشتغل|"
    r"غير اللي|بدل اللي)(?:\s|$|[?؟،,.!])"
    # what came is not what was ordered: "ordered black airpods and got silver ones",
    # "طلبت سماعه سودا وجتني بيضا" ("ordered one and got it yesterday" is no fault)
    r"|\bordered\b.{1,80}?\b(?:and|but)\s+(?:i\s+|you\s+|u\s+|they\s+)?(?:got|received|"
    r"recieved|sent)\b(?!\s+(?:it|them|this|that|yesterday|today)\b)"
    r"|(?:^|\s)طلبت\s.{1,80}?\sو(?:جاني|جتني|جاتني|وصلني|وصلتني|ارسلتوا|ارسلتو|بعتولي)\s+"
    r"(?!امس|اليوم|بكره|بسرعه|بدري|متاخر|بعد)\S",
    re.IGNORECASE,
)

# The customer's own device ("my earbuds stopped working"): with a fault, a complaint.
_MINE = re.compile(r"\b(?:my|mine)\b")

# A question naming a way to pay ("can i buy the macbook with tabby?", "اقدر اشتري اللابتوب بتابي؟",
# "iphone 16 cash on delivery?") or a price elsewhere ("noon sells the ps5 for less, will
# you match?"): how to pay for it, or whether the shop matches, is the shop's answer
# (payment methods, instalments, cash on delivery, price match), before the product's card.
_PAYS = re.compile(
    r"\b(?:tabby|tamara|installments?|instalments?|in \d+ payments|split (?:the )?(?:price|"
    r"payment|bill)|pay monthly|monthly payments?|cash on delivery|bank transfer|apple pay|"
    r"stc pay|mada|visa|mastercard|credit card|debit card)\b"
    r"|(?:^|\s)(?:ب|و|بال)?(?:تابي|تمارا|تقسيط|اقساط|قسط|الدفع عند الاستلام|كاش|"
    r"تحويل بنكي|ابل باي|اس تي سي باي)(?:\s|$|[?؟،,])"
    r"|\bprice ?match|\b(?:match|beat) (?:the |that |their |this |a lower )?(?:price|offer)\b"
    r"|\b(?:can|will|would) (?:you|u) (?:match|beat)\b|\b(?:noon|amazon|jarir)\b"
    r"|(?:^|\s)(?:جرير|نون|امازون|اكسترا)(?:\s|$|[?؟،,])|تطابقون السعر|نفس سعر",
    re.IGNORECASE,
)

# Saying how one wants to pay is asking too: "ابي اقسط اللابتوب على تمارا", "i want to pay
# cash on delivery" ("laptop with tabby" only names a product).
_PAY_VERB = re.compile(
    r"\b(?:pay|paying|split)\b|(?:^|\s)(?:اقسط|نقسط|اقسطه|اقسطها|ادفع|ندفع|اسدد)(?:\s|$)"
)

# It asks whether the shop has something ("do you have a car charger for the phone?",
# "شاحن سيارة للجوال عندكم؟", "is there a magsafe battery pack for iphone?"): with a type
# named, the catalogue answers it when no FAQ does, never "not sure".
_STOCKED = re.compile(
    r"\b(?:do|does) (?:you|u|ya|the shop|your shop) (?:have|has|got|sell|carry|stock)\b"
    r"|\b(?:is|are) there (?:a|an|any)\b|\b(?:available|in stock)\b|\bgot any\b"
    r"|(?:^|\s)(?:عندكم|عندك|فيه|تبيعون|تبيعوا|بتبيعوا|متوفر|متوفره|موجود|موجوده|كاين|اكو)"
    r"(?:\s|$|[?؟،,.!])",
    re.IGNORECASE,
)

# Used or refurbished devices are not on the shelf: "do you sell used phones?" is the
# shop's to answer (or "not sure"), not a list of new ones.
_USED = re.compile(
    r"\b(?:used|refurbished|refurb|second ?hand|pre-?owned|renewed)\b"
    r"|(?:^|\s)(?:مستعمل|مستعمله|مستعملين|مستخدم|مستخدمه|مجدد|مجدده|مجددين)(?:\s|$|[?؟،,.!])",
    re.IGNORECASE,
)

# It asks when something sold out comes back ("the ps5 is out of stock, when will it be
# back?", "sold out, will you restock?", "الايفون خلصان متى يتوفر؟"): the shop's restock
# answer, not the product's card (which "is the ps5 in stock?" gets).
_RESTOCK = re.compile(
    r"\b(?:out of stock|sold out|restock(?:ed|ing)?|back in stock|be back|come back|"
    r"available again)\b"
    r"|(?:^|\s)(?:خلصان|خلصت|خلص|نفد|نفذ|نفدت|نفذت|منتهي|غير متوفر|مو متوفر|ما هو متوفر)"
    r"(?:\s|$|[?؟،,.!])"
    r"|متي (?:يتوفر|يرجع|ينزل|يوصل المخزون|تتوفر|ترجع)",
    re.IGNORECASE,
)

# It asks the shop for a service done to a device, not for a product ("can you repair my
# ps4?", "do you unlock icloud?", "تغيرون بطارية الايفون؟", "200 chargers wholesale"):
# the product it names is the object of the service, so the shop's answer (an FAQ about
# that service, else "not sure" with a person) comes before any search. Verbs only in the
# customer's request to the shop ("can you fix", "تصلحون"): "unlocked phones", "tv wall
# mount" and "replacement strap" are products.
_SERVICE_VERBS = (
    r"repair|fix|unlock|jailbreak|root|install|set up|setup|mount|replace|swap out|"
    r"recycle|engrave|format|service|program|calibrate|rent|build|assemble"
)
_DATA = r"(?:my |the |all (?:my |the )?)?(?:data|photos|pictures|contacts|whatsapp|chats|files)"
_SERVICE = re.compile(
    rf"\b(?:can|could|do|will|would|did) (?:you|u|ya|you guys|u guys|your team)"
    rf"(?: \w+)? (?:{_SERVICE_VERBS})\b"
    rf"|\b(?:help (?:me|us) |you )?(?:transfer|move|copy|migrate) {_DATA}\b"
    r"|\b(?:repairs?|repairing|fixing|maintenance|wholesale|rent|renting|rental|rentals|"
    r"bulk (?:price|prices|pricing|order|orders|discount|deal|buy))\b"
    r"|(?:^|\s)[وفكب]?(?:تصلح|يصلح|نصلح|تصليح|اصلاح|الاصلاح|صيانه|الصيانه|تفكون|فك قفل|"
    r"فك الايكلاود|تركبون|تركبوا|تركبولي|تنزلون لي|تعريب|تبرمجون|تاجير|ايجار|جمله|بالجمله)"
    r"|(?:تغير|تبدل|تغيير|تبديل|يغير|يبدل)\S* (?:ال)?(?:شاشه|بطاريه)"
    # software put on a device: "ممكن تنزلولي ويندوز على اللابتوب" (not "تنزلون السعر")
    r"|(?:تنزلولي|تنزلون لي|تنزلوا لي|تنزلو لي|تثبتون|تثبتولي|تثبيت|تعريف) (?:ال)?(?:ويندوز|"
    r"برامج|برنامج|نظام|العاب|اوفيس|windows|office)"
    r"|(?:^|\s)(?:انقل|ننقل|تنقلون|تنقلوا|نقل) (?:ال)?(?:بيانات|صور|واتساب|محادثات|ملفات|الاسماء)",
    re.IGNORECASE,
)


def service_asked(text: str) -> bool:
    """Whether `text` asks the shop for a service done to a device (see `_SERVICE`)."""
    return bool(_SERVICE.search(normalise(text)))


@dataclass(frozen=True)
class Understanding:
    text: str  # as typed
    normalised: str
    intent: IntentName
    confidence: float
    slots: Slots = field(default_factory=dict)  # type: ignore[assignment]
    command: bool = False  # the whole message is a fixed command
    question: bool = False  # it asks something ("?", a question word first)
    how_to: bool = False  # it asks how to do something ("how do I pair …", "كيف اربط …")
    after_sale: bool = False  # it speaks of something bought or delivered ("i got …")
    compares: bool = False  # it asks to compare ("vs", "which is better", "قارن", "ولا")
    restock: bool = False  # it asks when something sold out is back ("restock", "خلصان")
    stocked: bool = False  # it asks whether the shop has something ("do you have …?")
    service: bool = False  # it asks for a service done to a device ("can you repair …")
    complaint: bool = False  # a fault with what was bought ("arrived with a dent")
    pays: bool = False  # a question naming a way to pay or a price elsewhere ("with tabby?")
    query: str = ""  # the words to search products with (budget words cut out)
    source: str = "local"

    @property
    def confident(self) -> bool:
        return self.command or self.confidence >= CONFIDENT

    @property
    def names_products(self) -> bool:
        """It names a product type, brand, product line, SKU or spec."""
        return any(key in self.slots for key in ("category", "brand", "product_ref", "specs"))

    @property
    def has_limits(self) -> bool:
        return any(key in self.slots for key in ("budget_min", "budget_max", "brand"))


def understand(text: str, context: ClassifyContext | None = None) -> Understanding:
    """The understanding of one customer message (never raises for an LLM failure)."""
    text = text.strip()
    plain = normalise(text)
    command = command_match(text)
    if command is not None:
        intent, implied = command
        slots: Slots = {**slot_rules.extract(text), **implied}  # type: ignore[typeddict-item]
        return Understanding(
            text, plain, intent, 1.0, slots, command=True, query=slots.get("query", "")
        )
    intent = classify(text, context)
    after_sale = bool(_AFTER_SALE.search(plain))
    question = bool(_QUESTION.search(plain))
    return Understanding(
        text,
        plain,
        intent.name,
        intent.confidence,
        intent.slots,
        question=question,
        how_to=bool(_HOW_TO.search(plain)),
        after_sale=after_sale,
        # "my tv broke, need a 55 inch under 500": a budget makes it a new one asked for
        complaint=(after_sale or bool(_MINE.search(plain)))
        and bool(_PROBLEM.search(plain))
        and not ({"budget_max", "budget_min"} & intent.slots.keys()),
        compares=slot_rules.compare_asked(text),
        restock=bool(_RESTOCK.search(plain)),
        stocked=question and bool(_STOCKED.search(plain)) and not _USED.search(plain),
        service=bool(_SERVICE.search(plain)),
        pays=(question or bool(_PAY_VERB.search(plain))) and bool(_PAYS.search(plain)),
        query=intent.slots.get("query", ""),
        source=intent.source,
    )
