"""The one text normaliser: how customer text is made comparable, for classification,
slot reading, product search and FAQ matching alike.

Customers write Gulf, Egyptian and Levantine dialect ("ابغى جوال", "عايز لابتوب", "وين
طلبي"), Arabic-Indic digits, several spellings of one letter (أ/إ/آ/ا, ة/ه, ى/ي),
tashkeel and elongation ("شكراااا", "heyyy"); the encoder and the catalog speak Modern
Standard Arabic. Two views of a text:
- `normalise(text)`: for matching words (slots, commands, lexical legs): lower case, Latin
  digits, one form per letter, no tashkeel or tatweel, elongation collapsed;
- `encoder_text(text)`: for the sentence encoder: lower case, Latin digits, and common
  dialect words replaced by their MSA equivalent (other words keep their spelling, which
  the encoder knows best).
It lives in `recos` (the lowest layer that needs it: the indexes tokenise with it);
`intent_classifier.understand` applies it once per message for everyone above.
"""

from __future__ import annotations

import re

DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬", "01234567890123456789.,")
_DIACRITICS = re.compile(r"[\u064B-\u0652\u0640\u0670]")
_ELONGATED = re.compile(r"([^\W\d_])\1{2,}")  # letters only: "1000" stays
_DOUBLED_ALEF_WAW = re.compile(r"([او])\1")  # "ايفوون" is "ايفون": no Arabic word doubles them
_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_WORD = re.compile(r"\w\w+")
# "charger for iphone", "cover لايفون", "يد تحكم للبلايستيشن": what follows names what the
# product is for, not what it is (the slot parser reads messages with it, product search
# reads product names: "DualSense Wireless Controller for PS5" is not a PS5).
FOR_MARKER = re.compile(
    r"\s(?:for|compatible with|fits|works with|ل|لل|لـ|حق|مع|يناسب|يركب على|يشتغل مع)\s", re.I
)


_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


def script_counts(text: str) -> tuple[int, int]:
    """(Arabic-script characters, Latin letters) in `text`: which language it is written
    in (digits, emoji and punctuation say nothing)."""
    return len(_ARABIC_SCRIPT.findall(text)), len(_LATIN_LETTER.findall(text))


def normalise(text: str) -> str:
    """Lower case, Latin digits, one Arabic letter form, no tashkeel, "heyyy" → "hey",
    "ايفوون" → "ايفون"."""
    text = _DIACRITICS.sub("", text.translate(DIGITS)).lower().translate(_LETTERS)
    text = _DOUBLED_ALEF_WAW.sub(r"\1", _ELONGATED.sub(r"\1", text))
    return " ".join(text.split())


# Everyday dialect words (Gulf, Egyptian, Levantine) → MSA, keyed in `normalise`d spelling.
# Only unambiguous words: a wrong mapping would move good queries away from their meaning.
_DIALECT = {
    "ابغى": "أريد",
    "ابغي": "أريد",
    "ابغا": "أريد",
    "ابي": "أريد",
    "ابا": "أريد",
    "ودي": "أريد",
    "عايز": "أريد",
    "عاوز": "أريد",
    "عايزه": "أريد",
    "بدي": "أريد",
    "بدنا": "نريد",
    "ممكن": "هل يمكن",
    "وين": "أين",
    "فين": "أين",
    "الحين": "الآن",
    "دلوقتي": "الآن",
    "هلق": "الآن",
    "ايش": "ما",
    "وش": "ما",
    "شو": "ما",
    "شي": "شيء",
    "حاجه": "شيء",
    "شلون": "كيف",
    "ليش": "لماذا",
    "ليه": "لماذا",
    "امتى": "متى",
    "مو": "ليس",
    "مش": "ليس",
    "اللي": "الذي",
    "كاش": "نقدا",
    "فلوس": "المبلغ",
    "فلوسي": "المبلغ",
    "اقدر": "أستطيع",
    "تقدرون": "تستطيعون",
    "يشتغل": "يعمل",
    "خربان": "معطل",
    "اكلم": "أتواصل مع",
    "لقيته": "وجدته",
    "يوصل": "يصل",
    "يوصلني": "يصلني",
    "ثاني": "آخر",
    "تاني": "آخر",
    "محل": "متجر",
    "المحل": "المتجر",
    "جوال": "هاتف",
    "جوالي": "هاتفي",
    "موبايل": "هاتف",
    "كفاله": "ضمان",
    "كده": "هكذا",
    "هيك": "هكذا",
    "كتير": "كثير",
    "وايد": "كثير",
    "هاد": "هذا",
    "هادا": "هذا",
    "ده": "هذا",
    "هذي": "هذه",
    "عشان": "لأجل",
    "علشان": "لأجل",
    "مره": "مرة",
    "زين": "جيد",
    "حلو": "جيد",
    # work and the software people name for it ("لابتوب للدوام اكسل وتيمز")
    "دوام": "عمل",
    "الدوام": "العمل",
    "للدوام": "للعمل",
    "شغل": "عمل",
    "الشغل": "العمل",
    "للشغل": "للعمل",
    "اكسل": "excel",
    "الاكسل": "excel",
    "وورد": "word",
    "تيمز": "teams",
    "زوم": "zoom",
    "اوفيس": "office",
    "الاوفيس": "office",
    "لينك": "رابط",
    "اللينك": "الرابط",
    "قديش": "كم",
    "اديش": "كم",
    "بقديش": "بكم",
    "بكام": "بكم",
    "اوردر": "طلب",
    "الاوردر": "الطلب",
    "اوردري": "طلبي",
    "ازود": "أضيف",
    "نزود": "نضيف",
    "يتشحن": "يشحن",
    "بتابي": "عبر تابي",
    "بتمارا": "عبر تمارا",
    "كنسل": "ألغي",
    "اكنسل": "ألغي",
    "نكنسل": "نلغي",
    "تكنسلون": "تلغون",
    "غرض": "منتج",
    "الغرض": "المنتج",
    # Iraqi and Maghrebi, and English words written in Arabic letters
    "شكد": "كم",
    "بشكد": "بكم",
    "شقد": "كم",
    "واش": "هل",
    "فوقاش": "متى",
    "كتصيفطو": "ترسلون",
    "تصيفطو": "ترسلون",
    "كتحلو": "تفتحون",
    "كتسدو": "تغلقون",
    "بعتولي": "أرسلتم لي",
    "بعتلي": "أرسل لي",
    "بياخد": "يأخذ",
    "ياخد": "يأخذ",
    "اجور": "رسوم",
    "ديليفري": "توصيل",
    "الديليفري": "التوصيل",
    "دليفري": "توصيل",
    "الدليفري": "التوصيل",
    "تيليفون": "هاتف",
    "التيليفون": "الهاتف",
    "تلفون": "هاتف",
    "التلفون": "الهاتف",
    "ماتش": "مباراة",
    "الماتش": "المباراة",
    "ماتشات": "مباريات",
    "الماتشات": "المباريات",
    "ظمان": "ضمان",
    "الظمان": "الضمان",
}

# Places as customers name them with a clitic ("لأبها", "بالكويت", "للدمام"), in
# `normalise`d spelling without the article: the encoder knows few cities, and a glued
# preposition hides even those. A city of the shop's country reads as its capital (what
# matters to delivery is "a city here"), a place abroad as itself, each after its
# preposition as a word ("انا بالكويت" → "انا في الكويت").
_HOME_CITY = "الرياض"
_CITIES_HERE = """رياض جده مكه مدينه المنوره دمام خبر ظهران ابها طايف طائف تبوك حايل حائل بريده
قصيم احساء جبيل ينبع نجران جازان جيزان باحه عرعر سكاكا قطيف"""
_PLACES_ABROAD = """الكويت دبي ابوظبي الامارات قطر الدوحه البحرين مسقط عمان مصر القاهره الاردن
الشارقه المغرب تونس الجزائر ليبيا لبنان سوريا العراق اليمن السودان تركيا"""
_PLACES = {
    **dict.fromkeys(_CITIES_HERE.split(), _HOME_CITY),
    **{place: place for place in _PLACES_ABROAD.split()},
}
_PLACE = re.compile(r"^(و?)(بال|لل|عال|ال|ب|ل|ع|في)?(\w+)$")
_PLACE_PREPOSITIONS = {
    "ب": "في",
    "بال": "في",
    "في": "في",
    "ل": "إلى",
    "لل": "إلى",
    "ع": "إلى",  # Levantine "عالرياض", "على الرياض"
    "عال": "إلى",
}


def _place(word: str) -> str | None:
    """A word naming a place (see `_PLACES`) as the encoder reads it, or None."""
    match = _PLACE.match(word)
    if not match:
        return None
    _and, clitic, rest = match.groups()
    place = _PLACES.get(rest) or _PLACES.get(f"ال{rest}")
    if place is None:
        return None
    preposition = _PLACE_PREPOSITIONS.get(clitic or "", "")
    return f"{preposition} {place}".strip()


def encoder_text(text: str) -> str:
    """The text as the sentence encoder sees it (see the module docstring)."""
    words = text.translate(DIGITS).lower().split()
    return " ".join(_DIALECT.get(normalise(word)) or _placed(word) for word in words)


def _placed(word: str) -> str:
    """The word, or the place it names as the encoder reads it (punctuation kept)."""
    plain = normalise(word)
    bare = plain.rstrip("?؟!.,،")
    place = _place(bare)
    return word if place is None else place + plain[len(bare) :]


# Brand, product-line and model words as Arabic shoppers spell them, in Latin as product
# names carry them ("الاكس بوكس سيريس اكس" is "xbox series x", "ايفون ١٥ برو ماكس" is
# "iphone 15 pro max"): the lexical leg and the model match read names by their letters.
# Keyed in `normalise`d spelling; a key may take a clitic in front ("والاكس", "للايفون").
LATIN_SPELLINGS = {
    "ايفون": "iphone",
    "اي فون": "iphone",
    "ايباد": "ipad",
    "اي باد": "ipad",
    "ماك بوك": "macbook",
    "ماكبوك": "macbook",
    "ايربودز": "airpods",
    "اير بودز": "airpods",
    "ايربودس": "airpods",
    "ايبودز": "airpods",
    "تيون بيدز": "tune buds",
    "تيون بودز": "tune buds",
    "لايتننق": "lightning",
    "لايتنينج": "lightning",
    "لايتننج": "lightning",
    "لايتنق": "lightning",
    "ابل ووتش": "apple watch",
    "ساعه ابل": "apple watch",
    "جالكسي": "galaxy",
    "جالاكسي": "galaxy",
    "جلاكسي": "galaxy",
    "قالكسي": "galaxy",
    "قلكسي": "galaxy",
    "بلايستيشن": "playstation",
    "بلاستيشن": "playstation",
    "بلي ستيشن": "playstation",
    "بلايستيشن فايف": "playstation 5",
    "اكس بوكس": "xbox",
    "اكسبوكس": "xbox",
    "سيريس": "series",
    "نينتندو": "nintendo",
    "سويتش": "switch",
    "دوال سنس": "dualsense",
    "دول سنس": "dualsense",
    "ماغ سيف": "magsafe",
    "ماق سيف": "magsafe",
    "ماجسيف": "magsafe",
    "بيكسل": "pixel",
    "بكسل": "pixel",
    "ريدمي": "redmi",
    "سرفس": "surface",
    "سيرفس": "surface",
    "ثينك باد": "thinkpad",
    "ثنك باد": "thinkpad",
    "ليجن": "legion",
    "ليجون": "legion",
    "زين بوك": "zenbook",
    "زينبوك": "zenbook",
    "روج": "rog",
    "بريداتور": "predator",
    "نايترو": "nitro",
    "نيترو": "nitro",
    "الين وير": "alienware",
    "ايلين وير": "alienware",
    "اكس بي اس": "xps",
    "جو برو": "gopro",
    "قو برو": "gopro",
    "كانون": "canon",
    "نيكون": "nikon",
    "سامسونج": "samsung",
    "سامسونق": "samsung",
    "سوني": "sony",
    "هواوي": "huawei",
    "شاومي": "xiaomi",
    "لينوفو": "lenovo",
    "ديل": "dell",
    "اتش بي": "hp",
    "ايسر": "acer",
    "اسوس": "asus",
    "ال جي": "lg",
    "انكر": "anker",
    "جارمن": "garmin",
    "قارمن": "garmin",
    "جي بي ال": "jbl",
    "بوز": "bose",
    "لوجيتك": "logitech",
    "ريزر": "razer",
    "مايكروسوفت": "microsoft",
    "ابل": "apple",
    "برو": "pro",
    "ماكس": "max",
    "الترا": "ultra",
    "ميني": "mini",
    "بلس": "plus",
    "اير": "air",
    "اكس": "x",
    "سليم": "slim",
}


def _spelled(keys: list[str], clitic: str) -> str:
    # A ya typed twice ("ايفون" as "اييفون") is the same name (`normalise` has already
    # folded a doubled alef or waw).
    names = "|".join(re.escape(k).replace("ي", "ي+") for k in sorted(keys, key=len, reverse=True))
    return rf"(?<!\w)(?:{clitic})?(?:{names})(?!\w)"


_DOUBLED_YA = re.compile(r"ي{2,}")


# A word of three letters or fewer takes only the article in front: "بديل" (an
# alternative) is not "ب" + "ديل", nor "بروج" (towers) "rog".
_LATIN_SPELLED = re.compile(
    _spelled([k for k in LATIN_SPELLINGS if len(k) > 3], "وال|بال|لل|ال|و|ب|ل")
    + "|"
    + _spelled([k for k in LATIN_SPELLINGS if len(k) <= 3], "وال|لل|ال")
)
_CLITIC_FRONT = re.compile(r"^(?:وال|بال|لل|ال|و|ب|ل)")


def latin_spelled(text: str) -> str:
    """`normalise`d text with brand, line and model words spelt in Arabic written as
    product names carry them ("وش الفرق بين البلايستيشن والاكس بوكس" → "… playstation
    xbox"); other words as they are."""

    def latin(match: re.Match[str]) -> str:
        word = _DOUBLED_YA.sub("ي", match.group(0))
        if word in LATIN_SPELLINGS:
            return LATIN_SPELLINGS[word]
        return LATIN_SPELLINGS.get(_CLITIC_FRONT.sub("", word, count=1), word)

    return _LATIN_SPELLED.sub(latin, normalise(text))


_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
_SUFFIXES = ("ات", "ون", "ين", "ها", "هم", "نا", "كم", "ه", "ي")


def _stem(word: str) -> str:
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            word = word[len(prefix) :]
            break
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def stemmed_tokens(text: str) -> list[str]:
    """Lexical tokens with Arabic orthography normalised and light stemming (English
    words pass through lower-cased)."""
    return [_stem(word) for word in _WORD.findall(normalise(text))]


# Words that carry no topic: what is left of a question without them says what it is about.
_STOPWORD_TEXT = """
a an the i me my you your we our it its is are was be do does did can could will would
should have has had to of for in on at by with and or if what how when where why which who
there this that these those any some please pls hi hello u ur im
هل كيف متى وين اين فين ليش لماذا ماذا ايش وش شو كم ما من في على عن الى إلى مع او أو و
انا أنا انت أنت احنا نحن هو هي هذا هذه ذلك اللي الذي التي عندكم عندك فيه ممكن اقدر ابي
ابغى ابغي أبي أريد اريد بدي عايز لو يا شي شيء
"""
STOPWORDS = frozenset(normalise(word) for word in _STOPWORD_TEXT.split())


def _singular(word: str) -> str:
    """An English plural's singular, roughly ("branches" → "branch", "batteries" →
    "battery", "cables" → "cable"); other words as they are."""
    if not word.isascii() or len(word) <= 3 or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


# Words for one topic that share no stem ("is there a guarantee?" asks about the warranty).
_SAME_TOPIC = {"guarantee": "warranty", "guaranty": "warranty", "guaranteed": "warranty"}


# The word a product type becomes when what a question asks must not depend on the product
# ("can i return the keyboard" → "can i return the item"; Arabic keeps its clitic,
# "للمنتج").
GENERIC_PRODUCT = {"en": "item", "ar": "منتج"}


def content_stems(text: str) -> set[str]:
    """The stems of the words of `text` that say what it is about (no stopwords), an
    English plural as its singular, a synonym as its topic's word."""
    stems = (_singular(stem) for stem in stemmed_tokens(text) if stem not in STOPWORDS)
    return {_SAME_TOPIC.get(stem, stem) for stem in stems}
