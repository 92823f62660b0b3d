"""The one slot parser: what a customer's words say besides their intent, in English and
Arabic (dialects and Arabic-Indic digits included).

- budgets: a maximum ("under 300", "not more than 1200", "أرخص من ٥٠٠", "حدود 2000"), a
  minimum ("over 500", "على الأقل 300"), a range ("between 500 and 1000", "من 1000 الى
  1500", "500-800"), amounts in words ("1.5k", "two thousand", "الفين"), a bare amount
  with a currency ("1200$") read as a maximum;
- specs, never money: storage, RAM, screen sizes, battery, refresh rate ("256gb",
  "16gb ram", "65 inch", "٦٥ بوصة");
- quantities ("2x", "two of them", "ثنتين"), and a message that is only a number;
- the order number (the reader next to `orders.services.order_number_next`);
- SKUs, a language named ("english please", "بالعربي");
- brands by name, spelling variant or product line (catalogue names plus the editable
  `brandkit.BrandAlias` table): a brand named for compatibility ("charger for iphone",
  "يد للبلايستيشن") is `brand_for`, not a limit;
- a category hint: the product type the text names, taken from the head of the phrase
  ("case for iphone" names no device type; "cable for ps5" is a cable).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

from django.db import DatabaseError

from recos.language import DIGITS, FOR_MARKER, GENERIC_PRODUCT, LATIN_SPELLINGS, normalise

# --- numbers and money ---------------------------------------------------------------------
_EN_UNITS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
# Arabic amounts as customers type them (normalised spelling): "الفين", "خمسميه", "الف ونص".
_AR_AMOUNTS = {
    "عشرين": 20,
    "ثلاثين": 30,
    "تلاتين": 30,
    "اربعين": 40,
    "خمسين": 50,
    "ستين": 60,
    "سبعين": 70,
    "ثمانين": 80,
    "تمانين": 80,
    "تسعين": 90,
    "ميه": 100,
    "مية": 100,
    "مائه": 100,
    "ميتين": 200,
    "مئتين": 200,
    "ثلاثميه": 300,
    "تلتميه": 300,
    "اربعميه": 400,
    "ربعميه": 400,
    "خمسميه": 500,
    "خمسمائه": 500,
    "ستميه": 600,
    "سبعميه": 700,
    "ثمانميه": 800,
    "تمنميه": 800,
    "تسعميه": 900,
    "الف": 1000,
    "الفين": 2000,
    "الفان": 2000,
    "ثلاث الاف": 3000,
    "ثلاثه الاف": 3000,
    "تلات تلاف": 3000,
    "اربع الاف": 4000,
    "اربعه الاف": 4000,
    "خمس الاف": 5000,
    "خمسه الاف": 5000,
    "الف ونص": 1500,
    "الف وخمسميه": 1500,
}
CURRENCY_WORDS = (
    r"\$|usd|us\$|dollars?|bucks|دولار|دولارات|دولا|ريال|sar|sr|aed|درهم|dhs?|kwd|دينار|egp|جنيه"
)
CURRENCY = re.compile(rf"(?<!\w)({CURRENCY_WORDS})(?!\w)", re.IGNORECASE)
_NUMBER = r"(\d+(?:[.,]\d+)*)\s*(k(?![a-z])|K(?![a-z])|الف|thousand|grand)?"
_AMOUNT = rf"(?:(?:{CURRENCY_WORDS})\s*)?{_NUMBER}(?:\s*(?:{CURRENCY_WORDS}))?"

# Direction words, in normalised spelling. Order inside an alternation matters only for
# shared prefixes; "not more than" is a maximum, so the minimum words refuse a leading "not".
_MAX_WORDS = (
    r"(?<!not )(?<!no )(?<!nothing )(?:under|below|beneath|less than|lower than)|"
    r"cheaper than|not more than|no more than|"
    r"not over|not above|no higher than|nothing over|nothing above|nothing more than|"
    r"max(?:imum)?|at most|up ?to|within|till|until|"
    r"budget(?: is| of)?|my budget|for less than|"
    r"اقل من|ارخص من|تحت|في حدود|بحدود|حدودي|حدود|ما يزيد عن|ما يزيد على|لا يزيد عن|ما يتجاوز|"
    r"لا يتجاوز|ما يتعدي|ما يتعدى|حد اقصي|كحد اقصي|بالكثير|ماكس|ميزانيتي|ميزانيه|لين|"
    r"الحد الاقصي|اقصي(?:\s+(?:شي|حاجه|حد|سعر|مبلغ))?|"
    # "does not exceed", either gender, with or without its preposition, Egyptian "ش"
    # too: "ما تزيد عن ١٢٠", "ما يزيدش عن ٣٥٠"
    r"(?:ما|لا|مو|مش|ماراح)\s*(?:ي|ت)(?:زيد|تعدي|تجاوز|طلع|عدي)ش?\s*(?:عن|علي)?|"
    # paying over refused: "don't want to pay more than 1000", "ما بدي ادفع فوق الالف"
    r"(?:don'?t|do not|dont|won'?t|not) (?:want to |wanna )?(?:pay|spend)(?:ing)? "
    r"(?:more than|over|above)|"
    r"(?:ما|مو|مش|لا)\s*(?:ابي|ابغي|ابغا|عايز|عاوز|اريد|بدي|ودي)?\s*(?:ادفع|اصرف|ازيد)"
    r"\s*(?:فوق|اكثر من|اكتر من|ازيد من|زياده عن)"
)
_MIN_WORDS = (
    r"(?<!not )(?<!no )(?<!nothing )"
    r"(?:over|above|more than|at least|minimum|min|starting (?:at|from)|from|"
    r"not less than|no less than|not under|not below|nothing under|nothing below|"
    r"فوق|اكثر من|على الاقل|علي الاقل|يبدا من|"
    r"(?:ما|لا|مو|مش)\s*(?:ي|ت)(?:قل|نزل)ش?\s*(?:عن|من)?|"
    # a maximum refused is a minimum: "don't want anything under 1500", "مش عايز حاجة
    # اقل من 1500", "ما ابي شي تحت ٣٠٠٠"
    r"(?:don'?t|do not|dont) want (?:anything|something|one|it) (?:under|below|less than|"
    r"cheaper than)|"
    r"(?:مش|مو|ما|لا)\s+(?:ابي|ابغي|ابغا|عايز|عاوز|اريد|بدي|ودي)?\s*(?:شي|حاجه|اشي)?\s*"
    r"(?:اقل من|ارخص من|تحت))"
)
# Loose cues, read only when no direction word is found and the amount is money-sized:
# "around 600", "about 1k", "تقريبا ٦٠٠", "حوالي ٥٠٠", "i have 700", "معي ٧٠٠" are a
# ceiling the shopper can spend; "1k budget", "٦٠٠ تقريبا" after the amount.
_LOOSE_MAX_WORDS = (
    r"around|about|approx(?:imately)?|roughly|something like|close to|i have|i've got|i got|"
    r"i only have|got only|تقريبا|حوالي|حوالى|قرابه|معي|معاي|معايا|عندي"
)
_LOOSE_MIN_VALUE = Decimal(20)
_RANGE_START = r"between|from|بين|من"
_RANGE_JOIN = r"and|to|till|until|-|–|و|الى|الي|لين|ل|حتى|حتي"
_RANGE = re.compile(
    rf"(?:(?:{_RANGE_START})\s*)?{_AMOUNT}\s*(?:{_RANGE_JOIN})\s*{_AMOUNT}", re.IGNORECASE
)
# An Arabic direction word may carry a clitic: "بأقل من ٨٠٠", "وتحت ٥٠٠", "بحوالي ٣٠٠".
_CLITIC = r"(?:وب|ب|و|ف)?"
_MAX = re.compile(rf"(?<!\w){_CLITIC}(?:{_MAX_WORDS})\s*(?:of\s*)?{_AMOUNT}", re.IGNORECASE)
_MIN = re.compile(rf"(?<!\w){_CLITIC}{_MIN_WORDS}\s*{_AMOUNT}", re.IGNORECASE)
# Direction words after the amount: "600 max", "2000 and above", "٢٠٠٠ وفوق".
_MAX_AFTER = re.compile(
    rf"{_AMOUNT}\s*(?:max(?:imum)?|or less|or under|or below|and under|and below|tops|"
    r"at most|at the most|واقل|او اقل|وتحت|بالكثير|كحد اقصي|ماكس)(?!\w)",
    re.IGNORECASE,
)
_MIN_AFTER = re.compile(
    rf"{_AMOUNT}\s*(?:and above|and up|and over|or more|or above|plus|\+|وفوق|فما فوق|"
    r"او اكثر|واكثر|وطالع|وانت طالع)(?!\w)",
    re.IGNORECASE,
)
_LOOSE_MAX = re.compile(rf"(?<!\w){_CLITIC}(?:{_LOOSE_MAX_WORDS})\s*{_AMOUNT}(?!\w)", re.IGNORECASE)
_LOOSE_MAX_AFTER = re.compile(
    rf"{_AMOUNT}\s*(?:budget|is my budget|is all i have|or so|ish|for an?|تقريبا|ميزانيتي|بس)(?!\w)",
    re.IGNORECASE,
)
# Arabic "for" glued to an amount after a product: "ماك بوك اير ب ٦٠٠" asks for one at about
# that price; a storage or screen size without its unit is not ("ايفون ١٥ ب ٢٥٦").
_AT_PRICE = re.compile(rf"(?:^|\s)ب\s*{_NUMBER}(?!\w)")
_SIZES_WITHOUT_UNIT = frozenset({32, 43, 50, 55, 64, 65, 75, 85, 128, 256, 512, 1024, 2048})
_BARE_PRICE = re.compile(
    rf"(?:(?:{CURRENCY_WORDS})\s*{_NUMBER}|{_NUMBER}\s*(?:{CURRENCY_WORDS}))", re.IGNORECASE
)

# --- specs: a number with a unit is never money --------------------------------------------
_SPEC_UNITS = {
    "storage": r"gb|tb|جيجا|جيجابايت|جيقا|تيرا",
    "screen": r"inch(?:es)?|\"|''|بوصه|انش|إنش",
    "battery": r"mah|ملي امبير",
    "refresh": r"hz|هيرتز",
    "power": r"w\b|watts?|واط",
    "camera": r"mp|ميجابكسل|ميقا بكسل",
    "weight": r"kg|kgs|g\b|grams?|lbs?|كيلو|جرام|غرام",
}
_SPEC = re.compile(
    r"(\d+(?:\.\d+)?)\s*(" + "|".join(_SPEC_UNITS.values()) + r")(?:\s*(ram|ssd|storage|رام))?",
    re.IGNORECASE,
)
# Numbers glued to model names are not money either: "s24", "rtx 4060", "iphone 15".
_MODEL_NUMBER = re.compile(
    r"(?:(?<=[a-z])\d+|\b(?:rtx|gtx|rx|iphone|galaxy|pixel|ps|xbox|series|note|redmi|"
    r"ايفون|جالكسي|بكسل|ريدمي)\s*\d+)",
    re.IGNORECASE,
)

_QUANTITY = re.compile(
    r"(?:(\d{1,2})\s*(?:x|pcs|pieces|units|of (?:these|them|this|it)|حبات|حبه|قطع|قطعه)\b)"
    r"|(?:\bx\s*(\d{1,2})\b)",
    re.IGNORECASE,
)
# "add 2 galaxy a15 to my cart", "ضيف 2 سماعات": a count right after an add verb.
_ADD_QUANTITY = re.compile(
    r"(?:^|\s)(?:add|put|take|get me|give me|i'll take|اضف|ضيف|حط|زيد|ابي|ابغي)\s+(\d{1,2})"
    r"(?:\s*x)?\s+(?!gb|tb|inch|بوصه)",
    re.IGNORECASE,
)
_WORD_QUANTITY = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "اثنين": 2,
    "ثنتين": 2,
    "حبتين": 2,
    "ثلاث": 3,
    "ثلاثه": 3,
    "اربع": 4,
    "خمس": 5,
}
_SKU = re.compile(r"\b[A-Z]{2,5}-[A-Z0-9]{2,10}(?:-[A-Z0-9]{1,10})*\b")
_LANG_AR = re.compile(r"(?<!\w)(arabic|عربي|العربي|العربيه|بالعربي)(?!\w)", re.IGNORECASE)
_LANG_EN = re.compile(
    r"(?<!\w)(english|انجليزي|الانجليزي|الانجليزيه|بالانجليزي|انقليزي|بالانقليزي)(?!\w)",
    re.IGNORECASE,
)
# "phone with a good camera", "something to keep my phone alive": what follows describes
# the product, it is not the product.
_WITH = re.compile(
    # ("help with choosing earbuds", "need help with a laptop": what follows is the ask)
    r"(?<!\bhelp)(?<!\bhelp me)\s(?:with|without|that|which|having|فيه|فيها|يدعم|ب|بـ)\s"
    # "does the pixel have a good camera": what a named product has (not "do you have …",
    # "i have 500 for …")
    r"|(?<!\byou)(?<!\bu)(?<!\bi)(?<!\bwe)(?<!\bthey)\s(?:have|has)\s"
    r"|\sto\s+(?:keep|charge|listen|watch|play|use|take|connect|protect|hold|study|work|run)\b"
    # "شي يشحن جوالي بالسفر", "كفر يحمي الايباد": what it charges or protects is a feature
    r"|\s(?:يشحن|تشحن|اشحن|نشحن|لشحن|يحمي|تحمي|احمي|لحمايه|يشبك|اشبك)\s",
    re.I,
)
_AR_CLITICS = r"(?:و|ف|ب|ل|ال|بال|وال|لل|فال|كال)?"
_AR_SUFFIXES = r"(?:ات|ين|ون|ه|ها|ي)?"
_FUZZY_MIN = 0.8  # difflib ratio for a misspelt Latin name ("sonny", "lapotp")

# Category words (normalised spelling, singular; a plural "s" is matched too). Product
# lines that are one kind of device are here as well ("ipad" is a tablet); the brand they
# imply comes from the brand aliases.
CATEGORY_SYNONYMS: dict[str, tuple[str, ...]] = {
    "phones": (
        "phone",
        "mobile",
        "smartphone",
        "smart phone",
        "cellphone",
        "cell phone",
        "cell",
        "cellular phone",
        "mobile phone",
        "handset",
        "handphone",
        "hand phone",
        "smartfone",
        "smart fone",
        "fone",
        "جوال",
        "جوالات",
        "جوال ذكي",
        "هاتف",
        "هواتف",
        "هاتف ذكي",
        "هواتف ذكيه",
        "هاتف محمول",
        "هاتف نقال",
        "هاتف خلوي",
        "خلوي",
        "خليوي",
        "موبايل",
        "موبايلات",
        "موبيل",
        "تلفون",
        "تلفون ذكي",
        "تليفون",
        "تيلفون",
        "تليفون محمول",
        "فون",
        "سمارت فون",
        "سمارتفون",
        "بورطابل",
    ),
    "iphones": ("iphone", "i phone", "i-phone", "ifone", "ايفون", "ايفونات", "اي فون"),
    "android-phones": (
        "android",
        "android phone",
        "android smartphone",
        "android mobile",
        "اندرويد",
        "اندرود",
        "جوال اندرويد",
        "هاتف اندرويد",
        "تلفون اندرويد",
        "موبايل اندرويد",
        "galaxy s",
        "galaxy a",
        "galaxy z",
        "galaxy note",
        "galaxy fold",
        "galaxy flip",
        "z fold",
        "z flip",
        "جالكسي فولد",
        "جالكسي فليب",
        "جالكسي نوت",
        "زد فولد",
        "زد فليب",
        "pixel",
        "pixel phone",
        "بكسل",
        "بيكسل",
        "redmi",
        "redmi note",
        "ريدمي",
        "ريدمي نوت",
        "poco",
        "بوكو",
        "oneplus nord",
    ),
    "laptops": (
        "laptop",
        "notebook",
        "notebook pc",
        "laptop computer",
        "lap top",
        "lab top",
        "labtob",
        "chromebook",
        "لابتوب",
        "لابتوبات",
        "لاب توب",
        "لاب",
        "لبتوب",
        "لابتب",
        "نوت بوك",
        "نوتبوك",
        "حاسوب محمول",
        "كمبيوتر محمول",
        "كمبيوتر نقال",
        "حاسب محمول",
        "حاسب الي محمول",
        "كروم بوك",
        "macbook",
        "mac book",
        "ماك بوك",
        "ماكبوك",
        "surface laptop",
        "galaxy book",
        "جالكسي بوك",
        "thinkpad",
        "ثينك باد",
        "ثنك باد",
        "thinkbook",
        "ideapad",
        "idea pad",
        "ايديا باد",
        "ايدياباد",
        "zenbook",
        "zen book",
        "زين بوك",
        "زينبوك",
        "vivobook",
        "vivo book",
        "فيفو بوك",
        "فيفوبوك",
        "xps",
        "inspiron",
        "انسبايرون",
        "انسبيرون",
        "vostro",
        "فوسترو",
        "hp pavilion",
        "بافيليون",
        "بافليون",
        "acer aspire",
        "ايسر اسباير",
        "computer",
        "pc",
        "كمبيوتر",
        "حاسوب",
        "pc portable",  # Maghrebi: "بيسي بورطابل" (alone, "بورطابل" is a phone)
        "بيسي بورطابل",
        "بي سي بورطابل",
    ),
    "gaming-laptops": (
        "gaming laptop",
        "gaming notebook",
        "gamer laptop",
        "laptop for gaming",
        "laptop for games",
        "لابتوب العاب",
        "لابتوب للالعاب",
        "لابتوب قيمنق",
        "لابتوب قيمنج",
        "لابتوب قيمينق",
        "لابتوب للقيمنق",
        "لابتوب جيمنج",
        "لابتوب جيمينج",
        "لابتوب جيمنغ",
        "لابتوب gaming",
        "لاب العاب",
        "لاب قيمنق",
        "لاب جيمنج",
        "laptop gaming",
        "rog",
        "rog strix",
        "rog zephyrus",
        "zephyrus",
        "روج ستريكس",
        "ستريكس",
        "زيفيروس",
        "legion",
        "ليجن",
        "ليجيون",
        "ليجين",
        "loq",
        "alienware",
        "alien ware",
        "الينوير",
        "ايلين وير",
        "predator",
        "predator helios",
        "بريداتور",
        "بريديتور",
        "nitro",
        "نايترو",
        "نيترو",
        "omen",
        "اتش بي اومن",
        "victus",
        "فيكتوس",
        "msi katana",
        "tuf gaming",
        "asus tuf",
    ),
    "ultrabooks": (
        "ultrabook",
        "ultra book",
        "thin and light laptop",
        "thin laptop",
        "slim laptop",
        "light laptop",
        "lightweight laptop",
        "macbook air",
        "mac book air",
        "yoga slim",
        "lenovo yoga",
        "acer swift",
        "swift go",
        "hp spectre",
        "الترابوك",
        "الترا بوك",
        "لابتوب خفيف",
        "لابتوب نحيف",
        "لابتوب رفيع",
        "ماك بوك اير",
        "ماكبوك اير",
        "ماك اير",
    ),
    "business-laptops": (
        "business laptop",
        "business notebook",
        "office laptop",
        "لابتوب اعمال",
        "لابتوب للاعمال",
        "لابتوب بزنس",
        "لابتوب مكتبي",
        "لابتوب للشركات",
        "elitebook",
        "elite book",
        "ايليت بوك",
        "probook",
        "بروبوك",
        "expertbook",
        "latitude",
        "لاتيتيود",
        "لاتيتود",
    ),
    "tablets": (
        "tablet",
        "tablet pc",
        "تابلت",
        "تابلیت",
        "تابليت",
        "ايباد",
        "اي باد",
        "ipad",
        "i pad",
        "i-pad",
        "جهاز لوحي",
        "اجهزه لوحيه",
        "galaxy tab",
        "samsung tab",
        "lenovo tab",
        "جالكسي تاب",
        "جلاكسي تاب",
        "جالاكسي تاب",
        "سامسونج تاب",
        "تاب سامسونج",
        "لينوفو تاب",
        "matepad",
        "ميت باد",
        "ميتباد",
        "xiaomi pad",
        "redmi pad",
        "شاومي باد",
        "ريدمي باد",
        "لوحي",
    ),
    "headphones": (
        "headphone",
        "headphones",
        "head phone",
        "headfone",
        "headset",
        "head set",
        "earphone",
        "ear phone",
        "earpiece",
        "hands free",
        "handsfree",
        "سماعه",
        "سماعات",
        "سماعتي",
        "سماعتين",
        "هيدفون",
        "هيدفونز",
        "هيد فون",
        "هدفون",
        "هيدسيت",
        "هيد سيت",
        "ايرفون",
        "اير فون",
        "سماعه سلك",
        "سماعات سلك",
        "سماعه سلكيه",
        "سماعات سلكيه",
        "ايكوتور",
        "ايكوترات",
        "هاندز فري",
        "هاند فري",
        "هاندفري",
    ),
    "wireless-earbuds": (
        "earbud",
        "earbuds",
        "ear bud",
        "buds",
        "airpods",
        "airpod",
        "earpods",  # Apple's wired EarPods, a name shoppers give any earbuds
        "ear pods",
        "air pod",
        "tws",
        "wireless earbud",
        "wireless earphone",
        "bluetooth earphone",
        "bluetooth earbud",
        "in-ear",
        "in ear",
        "true wireless",
        "galaxy buds",
        "pixel buds",
        "redmi buds",
        "soundcore liberty",
        "wf-1000xm",
        "wf1000xm",
        "wf-1000xm5",
        "wf1000xm5",
        "wf-1000xm4",
        "wf1000xm4",
        "ايربودز",
        "اير بودز",
        "ايبودز",
        "ان اير",
        "ايربودس",
        "ايربود",
        "اير بود",
        "اربودز",
        "بودز",
        "جالكسي بودز",
        "جلاكسي بودز",
        "بكسل بودز",
        "بيكسل بودز",
        "ريدمي بودز",
        "سماعه بلوتوث",
        "سماعات بلوتوث",
        "سماعه بلوتوت",
        "سماعات بلوتوت",
        "سماعه لاسلكيه",
        "سماعات لاسلكيه",
        "سماعه وايرلس",
        "سماعات وايرلس",
        "سماعه اذن",
        "سماعات اذن",
        "سماعه داخل الاذن",
        "سماعات داخل الاذن",
        "سماعه رياضيه",
        "سماعات رياضيه",
        "ايكوترات بلا خيط",  # Maghrebi, from the French "écouteurs"
        "ايكوتور بلا خيط",
        "ايكوترات بلوتوث",
        "ايكوتور بلوتوث",
    ),
    "over-ear-headphones": (
        "over-ear",
        "over ear",
        "over the ear",
        "over-the-ear",
        "on-ear",
        "on ear",
        "around ear",
        "around-ear",
        "full size headphone",
        "full-size headphone",
        "studio headphone",
        "quietcomfort headphone",
        "airpods max",
        "air pods max",
        "wh-1000xm",
        "wh1000xm",
        "wh-1000xm5",
        "wh1000xm5",
        "wh-1000xm4",
        "wh1000xm4",
        "سماعه راس",
        "سماعات راس",
        "سماعه علي الراس",
        "سماعات علي الراس",
        "سماعه فوق الاذن",
        "سماعات فوق الاذن",
        "سماعه علي الاذن",
        "سماعات علي الاذن",
        "سماعه استوديو",
        "سماعات استوديو",
        "ايربودز ماكس",
        "اير بودز ماكس",
        "ايربود ماكس",
    ),
    "speakers": (
        "speaker",
        "boombox",
        "boom box",
        "soundbar",
        "sound bar",
        "partybox",
        "party box",
        "jbl flip",
        "jbl charge",
        "jbl go",
        "soundlink",
        "sound system",
        "home theater",
        "home theatre",
        "subwoofer",
        "sub woofer",
        "homepod",
        "سبيكر",
        "سبيكير",
        "اسبيكر",
        "مكبر صوت",
        "مكبرات صوت",
        "مكبر الصوت",
        "سماعه خارجيه",
        "سماعات خارجيه",
        "سماعه بلوتوث خارجيه",
        "سماعه حفلات",
        "سماعات حفلات",
        "ساوندبار",
        "ساوند بار",
        "بارتي بوكس",
        "بوم بوكس",
        "بومبوكس",
        "هوم ثياتر",
        "هوم تياتر",
        "مسرح منزلي",
        "سب ووفر",
        "صب ووفر",
        "سبووفر",
        "جي بي ال فليب",
        "جي بي ال شارج",
        "ساوند لينك",
    ),
    "smartwatches": (
        "on the wrist",  # "something classy on the wrist that shows his messages"
        "on his wrist",
        "on her wrist",
        "on my wrist",
        "smartwatch",
        "smart watch",
        "watch",
        "iwatch",
        "fitness tracker",
        "activity tracker",
        "fitness band",
        "smart band",
        "smartband",
        "band",
        "fitness watch",
        "running watch",
        "sport watch",
        "sports watch",
        "gps watch",
        "wearable",
        "apple watch",
        "galaxy watch",
        "pixel watch",
        "huawei watch",
        "watch gt",
        "mi band",
        "forerunner",
        "garmin fenix",
        "fenix 7",
        "ساعه",
        "ساعات",
        "ساعه ذكيه",
        "ساعات ذكيه",
        "ساعه سمارت",
        "ساعات سمارت",
        "سمارت واتش",
        "سمارت ووتش",
        "سمارتواتش",
        "ساعه رياضيه",
        "ساعات رياضيه",
        "ساعه جري",
        "واتش",
        "ابل واتش",
        "اي واتش",
        "ايواتش",
        "جالكسي واتش",
        "جلاكسي واتش",
        "بكسل واتش",
        "بيكسل واتش",
        "سوار رياضي",
        "سوار ذكي",
        "اسواره ذكيه",
        "اسواره رياضيه",
        "سمارت باند",
        "مي باند",
        "شاومي باند",
        "فوررنر",
        "جارمن فينكس",
    ),
    "tvs": (
        "tv",
        "tvs",
        "television",
        "smart television",
        "tv set",
        "television set",
        "smart tv",
        "led tv",
        "android tv",
        "google tv",
        "flat screen",
        "flatscreen",
        # not "oled" alone: a screen of laptops, phones and consoles too ("zenbook 14 oled")
        "oled tv",
        "qled",
        "neo qled",
        "mini led",
        "mini-led",
        "bravia",
        "تلفزيون",
        "تلفزيونات",
        "تليفزيون",
        "تلفزون",
        "تلفيزيون",
        "تلفزيون سمارت",
        "تلفزيون ذكي",
        "شاشه تلفزيون",
        "تلفاز",
        "تلفاز ذكي",
        "تي في",
        "تيفي",
        "اوليد",
        "كيو ليد",
        "كيوليد",
        "ميني ليد",
        "شاشه",
        "شاشات",
        "شاشه ذكيه",
        "شاشه سمارت",
        "بلازما",
        "برافيا",
    ),
    "cameras": (
        "camera",
        "cameras",
        "kamera",
        "mirrorless",
        "dslr",
        "action cam",
        "action camera",
        "vlog camera",
        "vlogging camera",
        "vlog cam",
        "digital camera",
        "compact camera",
        "point and shoot",
        "point-and-shoot",
        "camcorder",
        "video camera",
        "instant camera",
        "gopro",
        "go pro",
        "sony alpha",
        "canon eos",
        "eos r",
        "nikon z",
        "zv-e10",
        "كاميرا",
        "كاميرات",
        "كامرا",
        "كميرا",
        "كاميره",
        "كامره",
        "كاميرا تصوير",
        "كاميرا اكشن",
        "كاميرا ديجيتال",
        "كاميرا فوريه",
        "اكشن كام",
        "اكشن كاميرا",
        "ميرورليس",
        "ميرور لس",
        "دي اس ال ار",
        "جو برو",
        "جوبرو",
        "قوبرو",
        "انستاكس",
        "سوني الفا",
    ),
    "gaming": (
        "gaming",
        "video game",
        "العاب",
        "العاب فيديو",
        "قيمنق",
        "قيمنج",
        "قيمنغ",
        "قيمينق",
        "جيمنج",
        "جيمنق",
        "جيمنغ",
        "جيمينج",
    ),
    "consoles": (
        "console",
        "game console",
        "gaming console",
        "playstation",
        "play station",
        "ps5",
        "ps4",
        "ps 5",
        "ps 4",
        "xbox",
        "x box",
        "nintendo switch",
        "nintendo switch oled",
        "switch oled",
        "switch lite",
        "steam deck",
        "بلايستيشن",
        "بلاي ستيشن",
        "بلاستيشن",
        "بليستيشن",
        "بلستيشن",
        "بلي ستيشن",
        "بلايشتيشن",
        "سوني 5",
        "سوني 4",
        "بي اس 5",
        "بي اس 4",
        "اكس بوكس",
        "اكسبوكس",
        "اكس بكس",
        "نينتندو",
        "نينتيندو",
        "نينتدو",
        "ننتندو",
        "سويتش",
        "كونسول",
        "جهاز العاب",
        "اجهزه العاب",
    ),
    "gaming-accessories": (
        "steering wheel",
        "racing wheel",
        "دركسون",  # the Gulf's steering wheel, for racing games
        "ستيرنج",
        "controller",
        "game controller",
        "gamepad",
        "game pad",
        "joystick",
        "joy stick",
        "dualsense",
        "dual sense",
        "dualshock",
        "joy-con",
        "joy con",
        "joycon",
        "racing wheel",
        "gaming headset",
        "gaming headphone",
        "gaming mouse",
        "gaming mice",
        "gaming keyboard",
        "mechanical keyboard",
        "mechanical gaming keyboard",
        "keyboard for gaming",
        "mouse for gaming",
        "headset for gaming",
        "headphones for gaming",
        "deathadder",
        "death adder",
        "blackwidow",
        "blackshark",
        "g pro",
        "يد تحكم",
        "يد التحكم",
        "يدات تحكم",
        "ايد تحكم",
        "يد سوني",
        "ايد سوني",
        "يد بلايستيشن",
        "يد البلايستيشن",
        "يد بلاستيشن",
        "ايد بلايستيشن",
        "يد اكس بوكس",
        "يد اكسبوكس",
        "يد العاب",
        "ذراع تحكم",
        "جويستيك",
        "جويستك",
        "جوي ستيك",
        "دراع",
        "كنترولر",
        "كونترولر",
        "دوال سنس",
        "دوال شوك",
        "جوي كون",
        "سماعه قيمنق",
        "سماعات قيمنق",
        "سماعه قيمنج",
        "سماعه جيمنج",
        "سماعات جيمنج",
        "ماوس قيمنق",
        "ماوس قيمنج",
        "ماوس جيمنج",
        "ماوس العاب",
        "ماوس للالعاب",
        "سماعه العاب",
        "سماعه للالعاب",
        "سماعات للالعاب",
        "كيبورد للالعاب",
        "كيبورد ميكانيكي",
        "لوحه مفاتيح ميكانيكيه",
        "لوحه مفاتيح للالعاب",
        "كيبورد قيمنق",
        "كيبورد قيمنج",
        "كيبورد جيمنج",
        "كيبورد العاب",
        "ديث ادر",
        "بلاك ويدو",
    ),
    "accessories": (
        "accessory",
        "accessories",
        "اكسسوارات",
        "اكسسوار",
        "اكسيسوارات",
        "اكسسورات",
        "ملحقات",
    ),
    "chargers": (
        "charger",
        # not "charging" alone: a feature ("type c cable fast charging", "phone with
        # wireless charging"), the product only in a compound ("charging pad")
        "adapter",
        "adaptor",
        "power adapter",
        "power adaptor",
        "wall adapter",
        "wall charger",
        "wall plug",
        "plug adapter",
        "فيش",  # the Gulf's plug: "فيش يشحن الجوال واللابتوب"
        "راس شاحن",
        "راس الشاحن",
        "car charger",
        "wireless charger",
        "fast charger",
        "charging brick",
        "power brick",
        "charging pad",
        "charging stand",
        "charging dock",
        "charging station",
        "magsafe",
        "شاحن",
        "شواحن",
        "راس شاحن",
        "راس الشاحن",
        "راس شحن",
        "شاحن سياره",
        "شاحن لاسلكي",
        "شاحن وايرلس",
        "شاحن جداري",
        "شاحن سريع",
        "قاعده شحن",
        "ستاند شحن",
        "ادابتر",
        "ادبتر",
        "محول شحن",
        "ماق سيف",
        "ماغ سيف",
        "ماج سيف",
        "ماجسيف",
    ),
    "power-banks": (
        "power bank",
        "powerbank",
        "power-bank",
        "portable charger",
        "portable battery",
        "battery pack",
        "battery bank",
        "external battery",
        "magsafe battery",
        "باور بانك",
        "باوربانك",
        "باور بنك",
        "باوربنك",
        "شاحن متنقل",
        "شاحن محمول",
        "شاحن متحرك",
        "شاحن خارجي",
        "شاحن احتياطي",
        "بطاريه متنقله",
        "بطاريه محموله",
        "بطاريه خارجيه",
        "بطاريه احتياطيه",
        "بنك طاقه",
        "بنك الطاقه",
    ),
    "cables": (
        "cable",
        "cord",
        "wire",
        "usb cable",
        "usb-c cable",
        "usb c cable",
        "type-c cable",
        "type c cable",
        "lightning cable",
        "hdmi cable",
        "charging cable",
        "charger cable",
        "charging cord",
        "data cable",
        "aux cable",
        "hdmi",
        "كيبل",
        "كابل",
        "كيابل",
        "سلك",
        "اسلاك",
        "سلك شحن",
        "سلك الشاحن",
        "كيبل شحن",
        "كابل شحن",
        "واير شحن",
        "شريط شحن",
        "وصله",
        "وصلات",
        "اتش دي ام اي",
    ),
    "keyboards-mice": (
        "keyboard",
        "key board",
        "mouse",
        "mice",
        "magic keyboard",
        "magic mouse",
        "mx master",
        "mx keys",
        "كيبورد",
        "كي بورد",
        "لوحه مفاتيح",
        "لوحه المفاتيح",
        "لوحات مفاتيح",
        "ماوس",
        "فاره",
        "فارات",
        "تراك باد",
        "ام اكس ماستر",
    ),
}


def _amount(number: str, multiplier: str | None) -> Decimal | None:
    number = number.translate(DIGITS)
    if number.count(",") and all(len(part) == 3 for part in number.split(",")[1:]):
        cleaned = number.replace(",", "")  # 1,200
    else:
        cleaned = number.replace(",", ".")  # 1,5k
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if multiplier:
        value *= 1000
    return value


def _words_to_digits(plain: str) -> str:
    """Amounts written in words become digits: "two thousand" → "2000", "الفين" → "2000"."""
    for phrase, value in sorted(_AR_AMOUNTS.items(), key=lambda p: -len(p[0])):
        # An amount in Arabic words is money ("لابتوب بالفين"): it keeps a currency cue, and
        # the "and" glued to it stays a word ("بين الفين وثلاث الاف" is a range).
        plain = re.sub(
            rf"(?<!\w)({_AR_CLITICS}){re.escape(phrase)}(?!\w)",
            lambda m, v=value: f"{'و ' if m.group(1).startswith('و') else ''}{v} $",
            plain,
        )

    def english(match: re.Match[str]) -> str:
        total = current = 0
        for word in match.group(0).replace("-", " ").split():
            if word in _EN_UNITS:
                current += _EN_UNITS[word]
            elif word == "hundred":
                current = (current or 1) * 100
            elif word in ("thousand", "grand"):
                total += (current or 1) * 1000
                current = 0
        return str(total + current)

    word = rf"(?:{'|'.join(_EN_UNITS)}|hundred|thousand|grand)"
    return re.sub(rf"\b(?:an?\s+)?{word}(?:[\s-]+(?:and[\s-]+)?{word})*\b", english, plain)


# Durations are not money either: "within 2 days", "up to 2 years warranty", "٣ ساعات".
_DURATION = re.compile(
    r"\d+(?:\.\d+)?\s*(?:days?|weeks?|months?|years?|yrs?|hours?|hrs?|minutes?|mins?|"
    r"يوم|ايام|اسبوع|اسابيع|شهر|اشهر|شهور|سنه|سنين|سنوات|ساعه|ساعات|دقيقه|دقايق)(?!\w)",
    re.IGNORECASE,
)


def _masked(plain: str) -> str:
    """`plain` with specs, durations and model numbers blanked out, so their digits are
    not money."""
    plain = _SPEC.sub(lambda m: " " * len(m.group(0)), plain)
    plain = _DURATION.sub(lambda m: " " * len(m.group(0)), plain)
    return _MODEL_NUMBER.sub(lambda m: " " * len(m.group(0)), plain)


def budget(text: str) -> tuple[Decimal | None, Decimal | None, str]:
    """(minimum, maximum, the text without its budget words and currencies), read from
    `normalise(text)` with amounts in words turned into digits."""
    plain = _words_to_digits(normalise(text))
    masked = _masked(plain)  # same length as `plain`: spans carry over
    match = _RANGE.search(masked)
    if match:
        low = _amount(match.group(1), match.group(2))
        high = _amount(match.group(3), match.group(4))
        cued = _has_money_cue(match.group(0)) or bool(_RANGE_START_RE.match(match.group(0)))
        plausible = low is not None and high is not None and low != high
        if plausible and ((cued and max(low, high) >= 20) or min(low, high) >= 20):
            return min(low, high), max(low, high), _cut(plain, [match.span()])
    high_match = _first(_MAX.search(masked), _MAX_AFTER.search(masked))
    low_match = _first(_MIN.search(masked), _MIN_AFTER.search(masked))
    overlap = high_match and low_match and low_match.start() < high_match.end()
    if overlap and low_match.start() < high_match.start() and low_match.end() >= high_match.end():
        high_match = None  # "don't want anything under 1500": a maximum refused, a minimum
    elif overlap and low_match.end() > high_match.start():
        low_match = None  # "not more than 500" is one maximum, not also a minimum
    high = _amount(high_match.group(1), high_match.group(2)) if high_match else None
    low = _amount(low_match.group(1), low_match.group(2)) if low_match else None
    if high is not None or low is not None:
        spans = [m.span() for m in (high_match, low_match) if m]
        return low, high, _cut(plain, spans)
    loose = _first(_LOOSE_MAX.search(masked), _LOOSE_MAX_AFTER.search(masked))
    if loose:
        value = _amount(loose.group(1), loose.group(2))
        if value is not None and value >= _LOOSE_MIN_VALUE:
            return None, value, _cut(plain, [loose.span()])
    at = _AT_PRICE.search(masked)
    if at:
        value = _amount(at.group(1), at.group(2))
        if value is not None and value >= _LOOSE_MIN_VALUE and value not in _SIZES_WITHOUT_UNIT:
            return None, value, _cut(plain, [at.span()])
    bare = _BARE_PRICE.search(masked)
    if bare:
        number, multiplier = (bare.group(1), bare.group(2)) if bare.group(1) else bare.group(3, 4)
        value = _amount(number, multiplier)
        if value is not None and value >= 5:
            return None, value, _cut(plain, [bare.span()])
    return None, None, _cut(plain, [])


def _first(*matches: re.Match[str] | None) -> re.Match[str] | None:
    found = [m for m in matches if m is not None]
    return min(found, key=lambda m: m.start()) if found else None


def _cut(plain: str, spans: list[tuple[int, int]]) -> str:
    for start, end in sorted(spans, reverse=True):
        plain = plain[:start] + " " + plain[end:]
    return " ".join(CURRENCY.sub(" ", plain).split())


_RANGE_START_RE = re.compile(rf"(?:{_RANGE_START})\s", re.IGNORECASE)


def _has_money_cue(phrase: str) -> bool:
    return bool(CURRENCY.search(phrase)) or bool(re.search(r"\dk\b|الف|thousand", phrase))


def specs(text: str) -> dict[str, str]:
    """Specs the text asks for, by kind: {"storage": "256gb", "screen": "65inch", ...}."""
    found: dict[str, str] = {}
    for match in _SPEC.finditer(normalise(text)):
        unit = match.group(2).lower()
        for kind, pattern in _SPEC_UNITS.items():
            if re.fullmatch(pattern, unit, re.IGNORECASE):
                key = "ram" if kind == "storage" and match.group(3) else kind
                found.setdefault(key, f"{match.group(1)}{unit}")
                break
    return found


def order_number(text: str) -> str | None:
    from orders.services import order_number_find

    return order_number_find(normalise(text))


# An order reference in another form than ours: the customer's own number for an order
# ("order 10234", "order no. 10234", "#10577", "طلب رقم ١٠٢٣٤", "رقم طلبي 10577"), four or
# more digits right after an order word (a price or capacity is not one: "order 20000mah").
_ORDER_REF = re.compile(
    r"(?:\border(?:\s*(?:no\.?|num(?:ber)?|id|ref(?:erence)?|#|:))*"
    r"|(?<!\w)(?:رقم\s+)?(?:ال)?طلب(?:ي|يتي|يه)?(?:\s*(?:رقم|#|:))*"
    r"|(?<![\w#])#)"
    # a price is not one: the currency words, and "riyals", "ر.س"
    rf"\s*#?\s*(\d{{4,10}})(?![\w.,])(?!\s*(?:{CURRENCY_WORDS}|riyals?|ر\.?س))",
    re.IGNORECASE,
)


def order_reference(text: str) -> str | None:
    """The number a customer gives for an order when it is not in our format (a customer
    quoting an older or external number): the order states look it up and say so when
    it is not theirs."""
    match = _ORDER_REF.search(normalise(text))
    return match.group(1) if match else None


# Asking what the shop has newly in ("what's new?", "new arrivals", "وش الجديد عندكم"),
# in normalised spelling.
_NEWEST = re.compile(
    r"\b(?:what'?s new|whats new|what is new|anything new|new arrivals?|newest|just arrived|"
    r"latest (?:products|arrivals|stuff|items))\b"
    r"|(?:وش|ايش|شو|ما|اش) (?:الجديد|جديدكم|في جديد|فيه جديد)|المنتجات الجديده|احدث المنتجات"
    r"|وصلكم جديد|وصل جديد|الواصل الجديد",
    re.IGNORECASE,
)


def quantity(text: str) -> int | None:
    plain = normalise(text)
    match = _QUANTITY.search(plain)
    if match:
        return int(match.group(1) or match.group(2))
    match = _ADD_QUANTITY.search(plain)
    if match:
        return int(match.group(1))
    for word, value in _WORD_QUANTITY.items():
        # "two thousand" is an amount, not a count.
        if re.search(rf"(?<!\w){word}(?!\w)(?!\s+(?:hundred|thousand|grand|الاف|الف|ميه))", plain):
            return value
    return None


# --- brands and categories ----------------------------------------------------------------
NAMES_TTL_SECONDS = 60.0  # brand, alias and category edits reach the parser within this
_names_cache: tuple[float, tuple[Any, Any]] | None = None
_parents: dict[str, str] = {}  # category slug → its parent's, read with the names
_FOR_CLITICS = ("ل", "لل")  # "شاحن للايفون": the product is for an iPhone


def _names() -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """(brand names, category words) as (normalised phrase, slug), longest first; read
    from the catalogue (names, aliases, category names and synonyms) once a minute."""
    global _names_cache, _parents
    now = time.monotonic()
    if _names_cache is not None and now - _names_cache[0] < NAMES_TTL_SECONDS:
        return _names_cache[1]
    from brandkit.models import Brand
    from brandkit.selectors import brand_alias_list
    from inventory.models import Category

    # Inactive brands too: a brand the shop does not (or no longer) sell is still that
    # brand ("baseus power bank": nothing from Baseus, similar products), never a search
    # of every brand as if it were one.
    brands = [
        (normalise(name), b.slug)
        for b in Brand.objects.all()
        for name in (b.name_en, b.name_ar)
        if name
    ]
    brands += [(normalise(alias), slug) for alias, slug, _kind in brand_alias_list()]
    rows = list(Category.objects.select_related("parent"))
    categories = [
        (normalise(name), c.slug) for c in rows for name in (c.name_en, c.name_ar) if name
    ]
    _parents = {c.slug: c.parent.slug for c in rows if c.parent is not None}
    slugs = {slug for _, slug in categories}
    categories += [
        (normalise(word), slug)
        for slug, words in CATEGORY_SYNONYMS.items()
        if slug in slugs
        for word in words
    ]
    value = (
        tuple(sorted(set(brands), key=lambda p: (-len(p[0]), p))),
        tuple(sorted(set(categories), key=lambda p: (-len(p[0]), p))),
    )
    _names_cache = (now, value)
    return value


def catalog_cache_clear() -> None:
    global _names_cache
    _names_cache = None


@dataclass(frozen=True)
class _Found:
    start: int
    slug: str
    phrase: str
    role: str  # "own": what the product is; "for": what it is for; "with": a feature;
    # "by": a feature by the Arabic "ب" clitic, the product itself when nothing else is;
    # "not": a type refused ("not a phone")
    arabic: bool


_CLAUSE_END = re.compile(r"[,،;؛]|\.(?!\d)")


def _roles(plain: str, clauses: bool = False) -> list[tuple[int, str]]:
    """(position, role) of every clause marker, in text order; with `clauses`, a comma
    ends a "for …" too."""
    padded = f" {plain} "
    marks = [(m.start(), "for") for m in FOR_MARKER.finditer(padded)]
    # A feature marker opening the text asks which product ("which phone has …").
    marks += [(m.start(), "with") for m in _WITH.finditer(padded) if m.start() > 0]
    if clauses:
        marks += [(m.start(), "own") for m in _CLAUSE_END.finditer(padded)]
    return sorted(marks)


def _misspelt(name: str, word: str) -> bool:
    """Whether `word` reads as a misspelling of `name`: the same first letter, a length
    within one (two when both are over four letters and the name over five: "lapotp"),
    and close by difflib ("brands" is not "band", "sonny" is "sony", "bass" is not
    "baseus": a short word two letters off is another word)."""
    slack = 2 if len(name) > 5 and len(word) > 4 else 1
    return (
        name[0] == word[0]
        and abs(len(name) - len(word)) <= slack
        and SequenceMatcher(None, name, word).ratio() >= _FUZZY_MIN
    )


def _spelling_fixed(plain: str, names: tuple[tuple[str, str], ...]) -> str:
    """`plain` with a misspelt Latin word of a name of several words put right when that
    makes the whole name ("bussiness laptop" → "business laptop"); other words as typed."""
    multi = [name for name, _slug in names if name.isascii() and " " in name]
    vocabulary = {word for name in multi for word in name.split() if len(word) >= 4}
    words = plain.split(" ")
    for i, word in enumerate(words):
        if len(word) < 4 or not (word.isascii() and word.isalpha()) or word in _known_words():
            continue
        close = [v for v in vocabulary if _misspelt(v, word)]
        if not close:
            continue
        best = max(close, key=lambda v: SequenceMatcher(None, v, word).ratio())
        fixed = " ".join([*words[:i], best, *words[i + 1 :]])
        if any(
            best in name.split() and re.search(rf"(?<!\w){re.escape(name)}(?:s|es)?(?!\w)", fixed)
            for name in multi
        ):
            words[i] = best
    return " ".join(words)


# A type named only to be refused: "a proper camera, not a phone", "تابلت مو جوال".
_NEGATED = re.compile(
    r"(?:\bnot|\bno|\bnever|instead of|rather than|other than|(?:^|\s)(?:مو|مش|ليس|بدون|بلاش))"
    r"\s+(?:a |an |the |my |just a |really a )?$"
)


def _find_all(
    names: tuple[tuple[str, str], ...], plain: str, clauses: bool = False
) -> list[_Found]:
    """Every name in `plain` (longest phrase first at a place; a misspelt Latin word
    matches a name it is close to), in text order, with its role in the phrase."""
    plain = _spelling_fixed(plain, names)
    marks = _roles(plain, clauses)
    found: list[_Found] = []
    taken: list[tuple[int, int]] = []

    def role_at(start: int, clitic: str) -> str:
        if _NEGATED.search(plain[: start - len(clitic)]):
            return "not"  # "a camera, not a phone": what the customer does not want
        if clitic in _FOR_CLITICS:
            return "for"
        if clitic in ("ب", "بال"):
            return "by"  # "لابتوب بكيبورد عربي": a feature, or the product itself when
            # nothing else is named ("ابي ابدا من جديد بجوال")
        preceding = [role for position, role in marks if position < start]
        return preceding[-1] if preceding else "own"

    for name, slug in names:
        if len(name) < 2:
            continue
        arabic = "\u0600" <= name[0] <= "\u06ff"
        prefix = f"({_AR_CLITICS})" if arabic else "()"
        # A three-letter Arabic name takes only "my" or a plural ("لابي", not the place
        # in "لأبها")
        suffix = (_AR_SUFFIXES if len(name) > 3 else r"(?:ي|ات)?") if arabic else r"(?:s|es)?"
        pattern = rf"(?<!\w){prefix}({re.escape(name)}){suffix}(?!\w)"
        for match in re.finditer(pattern, plain):
            start, end = match.span(2)
            if any(start < t_end and end > t_start for t_start, t_end in taken):
                continue
            taken.append((start, end))
            found.append(_Found(start, slug, name, role_at(start, match.group(1)), arabic))
    single = {name: slug for name, slug in names if name.isascii() and " " not in name}
    for match in re.finditer(r"[a-z]{4,}", plain):
        start, end = match.span()
        if match.group(0) in _known_words() or any(
            start < t_end and end > t_start for t_start, t_end in taken
        ):
            continue
        close = [n for n in single if _misspelt(n, match.group(0))]
        if close:
            name = max(close, key=lambda n: SequenceMatcher(None, n, match.group(0)).ratio())
            taken.append((start, end))
            found.append(_Found(start, single[name], name, role_at(start, ""), False))
    return sorted(found, key=lambda f: f.start)


def _known_words() -> frozenset[str]:
    """Words that are a name or category word themselves, or everyday chat words: never
    "corrected" to another ("gaming" is not a misspelt "garmin", "speak" not "speaker")."""
    return _words_of(_catalog_names()) | _chat_words()


# Intents whose examples name no products: their words are everyday words, not typos.
_CHAT_INTENTS = (
    "greeting",
    "goodbye",
    "help",
    "menu",
    "show_cart",
    "clear_cart",
    "checkout",
    "order_status",
    "my_orders",
    "cancel_order",
    "human",
    "feedback",
    "language",
    "opt_out",
    "opt_in",
    "reset",
    "affirm",
    "deny",
    "thanks",
    "brands",
)


@lru_cache(maxsize=1)
def _chat_words() -> frozenset[str]:
    from .classifier import examples  # the classifier reads this module's rules

    labelled = examples()
    return frozenset(
        word
        for intent in _CHAT_INTENTS
        for text in labelled.get(intent, {}).get("en", [])
        for word in re.findall(r"[a-z]{4,}", normalise(text))
    )


@lru_cache(maxsize=2)
def _words_of(names: tuple[tuple[tuple[str, str], ...], ...]) -> frozenset[str]:
    return frozenset(word for group in names for name, _slug in group for word in name.split())


def _catalog_names() -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    try:
        return _names()
    except DatabaseError:  # no tables yet (before migrate): rules without names
        return (), ()


def brands_named(text: str) -> tuple[list[str], list[str]]:
    """(brands the product must be of, brands named only as what it is for); a brand the
    customer refuses is neither."""
    limits: list[str] = []
    targets: list[str] = []
    # A comma ends what a brand is for: "laptop for office work, thinkpad maybe" names the
    # laptop's brand. (Types keep the head of the whole phrase.)
    for found in _find_all(_catalog_names()[0], normalise(text), clauses=True):
        if found.role == "not":
            continue  # "not apple, samsung please": a brand refused is no limit
        bucket = targets if found.role == "for" else limits
        if found.slug not in bucket:
            bucket.append(found.slug)
    return limits, targets


# "ساعه" is an hour as well as a watch: "طلبت قبل ساعه" (an hour ago), "خلال ساعتين".
_HOUR = re.compile(
    r"(?:^|\s)(?:قبل|بعد|خلال|كم|نص|نصف|ربع|لمده|اخر|كل|مده)\s+(?:ال)?ساعه(?!\w)"
    r"|(?:^|\s)ساعتين(?!\w)|(?:^|\s)ساعه\s+(?:زمن|وحده|واحده|ونص|الا ربع)(?!\w)"
)


def _types_found(text: str) -> list[_Found]:
    """The product types the text names, with their roles in the phrase (an hour is not a
    watch)."""
    plain = _HOUR.sub(lambda m: " " * len(m.group(0)), normalise(text))
    return _find_all(_catalog_names()[1], plain)


def products_made_generic(text: str) -> str:
    """The normalised text with every product type it names made generic: "can i return
    the keyboard i bought" → "can i return the item i bought", "ارجع الماوس" → "ارجع
    المنتج". What a shop question asks does not depend on the product (FAQ matching reads
    both, see `helpdesk.answers.faq_answer`)."""
    plain = _spelling_fixed(normalise(text), _catalog_names()[1])  # as `_types_found` reads
    pieces: list[str] = []
    done = 0
    for found in _types_found(text):
        if found.start < done:
            continue
        end = found.start + len(found.phrase)
        while end < len(plain) and (plain[end].isalnum() or plain[end] == "_"):
            end += 1  # its plural or suffix ("سماعات", "phones")
        pieces += [plain[done : found.start], GENERIC_PRODUCT["ar" if found.arabic else "en"]]
        done = end
    return "".join([*pieces, plain[done:]])


def _type_only_after_for(types: list[_Found]) -> bool:
    """The text names a product type, and only after a "for" ("budget 900 for a gaming
    laptop")."""
    return bool(types) and all(f.role == "for" for f in types)


def category_hint(text: str) -> str | None:
    """The product type the text names: the head of its phrase, before any "for …" or
    "with …" ("5g phone with a good camera" is a phone, "cable for ps5" a cable). English
    puts the head last ("iphone charger"), Arabic first ("شاحن ايفون"). None when the
    words name no product type (a type named only as a feature, "something to keep my
    phone alive", is not what is asked for)."""
    return _category_of(_types_found(text))


_ACTIVITIES = frozenset({"gaming"})  # departments named after what one does with them


def _category_of(found: list[_Found]) -> str | None:
    # "600 max for a tablet": with nothing before it, what follows "for" is the product.
    own = (
        [f for f in found if f.role == "own"]
        or [f for f in found if f.role == "for"]
        or [f for f in found if f.role == "by"]
    )
    # A sub-type named beside its type says which ("سماعات ان اير": earbuds, "phone
    # iphone 15": an iPhone): the type gives way.
    named = {f.slug for f in own}
    own = [f for f in own if not any(_parents.get(other) == f.slug for other in named)]
    # Games are also a use: beside another type they say what it is for ("يحب الالعاب على
    # الكمبيوتر، ابي له لابتوب" is a laptop, for games).
    own = [f for f in own if f.slug not in _ACTIVITIES] or own
    if not own:
        return None
    return (own[0] if own[0].arabic else own[-1]).slug


_COMPARE_WORDS = re.compile(
    r"\b(?:compare|comparison|difference between|vs|versus)\b|ولا احسن"
    r"|(?:قارن|مقارنه|(?:(?:وش|ايش|شو|ما)\s+)?الفرق)(?:\s+بين)?"
    # asked after the products: "m2 or m3, what's the difference", "ولا M3 وش الفرق"
    r"|\b(?:what'?s|what is|whats)\s+the\s+difference\b|\bwhich\s+(?:one\s+)?is\s+better\b"
    r"|ايهما افضل|ايهم افضل|ايهم احسن|مين احسن|ايش احسن|وش احسن",
    re.IGNORECASE,
)
# A name spelt in Arabic after a glued "and": "ايفون ١٥ وجالكسي S24", "بلايستيشن ٥ واكس بوكس".
_AR_NAME_AFTER_AND = "|".join(
    re.escape(name) for name in sorted(LATIN_SPELLINGS, key=len, reverse=True) if len(name) > 3
)
_COMPARE_SPLIT = re.compile(
    r"\s+(?:and|vs\.?|versus|or|with|against|و|مع|او|ولا)\s+|,|،|\s+vs\.?\s+"
    r"|\s+و(?=ال)"  # "بلايستيشن ٥ والاكس بوكس": the "and" joined to the next word
    rf"|\s+و(?=(?:{_AR_NAME_AFTER_AND})(?!\w))",
    re.IGNORECASE,
)


_COMPARE_CUE = re.compile(
    r"\b(?:better|side by side|or)\b|(?:^|\s)(?:ولا|او|ضد|افضل|احسن|جنب بعض)(?:\s|$)",
    re.IGNORECASE,
)


def compare_asked(text: str) -> bool:
    """Whether the text asks for a comparison ("vs", "what's the difference", "قارن"):
    without such words a product name is a search, whatever the classifier leans to."""
    plain = normalise(text)
    return bool(_COMPARE_WORDS.search(plain) or _COMPARE_CUE.search(plain))


def compared(text: str) -> list[str]:
    """The products a comparison names: "compare iphone 15 and galaxy s24" → two parts.
    A budget's "and" joins no products ("وش احسن جوال بين ١٠٠٠ و ٢٠٠٠")."""
    plain = normalise(text)
    if not _COMPARE_WORDS.search(plain):
        return []  # most messages: no budget parse needed
    low, high, rest = budget(text)
    if low is not None or high is not None:
        plain = rest
        if not _COMPARE_WORDS.search(plain):
            return []
    pieces = _COMPARE_SPLIT.split(f" {plain} ")
    parts = [" ".join(_COMPARE_WORDS.sub(" ", p).split()).strip(" ?؟.") for p in pieces]
    parts = [p for p in parts if p]
    if len(parts) < 2:
        return []
    # "macbook air m2 or m3": a bare model number takes the first product's line.
    line = parts[0].split()[:-1]
    return [
        " ".join([*line, part])
        if line and " " not in part and any(c.isdigit() for c in part)
        else part
        for part in parts[:3]
    ]


def language_named(text: str) -> str | None:
    if _LANG_AR.search(text):
        return "ar"
    if _LANG_EN.search(text):
        return "en"
    return None


def extract(text: str) -> dict[str, Any]:
    """Every slot the rules can read from `text` (a key is absent when not said)."""
    slots: dict[str, Any] = {}
    low, high, rest = budget(text)
    slots["query"] = rest  # the words to search with: the budget cut out
    if low is not None:
        slots["budget_min"] = low
    if high is not None:
        slots["budget_max"] = high
    currency = CURRENCY.search(text)
    if currency:
        slots["currency"] = currency.group(1)
    number = order_number(text)
    if number:
        slots["order_number"] = number
    elif reference := order_reference(text):
        slots["order_ref"] = reference
    if _NEWEST.search(normalise(text)):
        slots["newest"] = True
    count = quantity(text)
    if count:
        slots["quantity"] = count
    whole = normalise(text).strip(" .!")
    if whole.isdecimal() and len(whole) <= 6:
        slots["number"] = int(whole)  # the whole message is a number: an answer ("2")
    elif whole in _WORD_QUANTITY:
        slots["number"] = _WORD_QUANTITY[whole]
    sku = _SKU.search(text)
    if sku and not number:
        slots["product_ref"] = sku.group(0)
    named = language_named(text)
    if named:
        slots["language"] = named
    parts = compared(text)
    if parts:
        slots["compared"] = parts
    wanted = specs(text)
    if wanted:
        slots["specs"] = wanted
    limits, targets = brands_named(text)
    types = _types_found(text)
    if targets and not limits and _type_only_after_for(types):
        # "800 to 1000 for an asus gaming laptop": with no product type before "for", what
        # follows it is the product, brand included (as `category_hint` reads the type).
        limits, targets = targets, []
    elif limits and _type_only_after_for(types):
        # "razer kraken for my ps5", "anker for the macbook": a brand named before "for"
        # makes the product, for that device (not the device)
        types = []
    if limits:
        slots["brand"] = limits[0]
        if len(limits) > 1:
            slots["brands"] = limits
    if targets:
        slots["brand_for"] = targets[0]
    category = _category_of(types)
    if category and _a_speaker_meant(text, types):
        category = "speakers"
    if category:
        slots["category"] = category
    return slots


# The Gulf's "سماعة" is a speaker as often as headphones: said with where a speaker plays
# ("سماعة للمجلس صوتها قوي", "سماعات للبحر والكشتات", "سماعة للتلفزيون") and nothing worn
# ("تغطي اذني", "للجري", "للقيمنق"), it is a speaker.
_EITHER_SPEAKER_OR_HEADPHONES = frozenset({"سماعه", "سماعات", "سماعتين"})
_WHERE_A_SPEAKER_PLAYS = re.compile(
    r"(?:^|\s)[وبلف]?(?:ال|لل)?(?:مجلس|مجالس|حفله|حفلات|بحر|شاطي|شاطئ|كشته|كشتات|استراحه|"
    r"طلعات|رحلات|بر|حوش|تلفزيون|تلفاز|شاشه|صاله)(?:\s|$|[?؟،,.!])"
    r"|صوت(?:ها|ه|هم)? (?:عالي|عاليه|قوي|قويه|يهز|يرج)"
)
_WORN = re.compile(
    r"(?:^|\s)\S*(?:اذن|اذني|اذنه|اذنها|راس|راسي|ركض|اركض|جري|جيم|نادي|نوم|انام|مكالم|مايك|"
    r"قيمنق|قيمنج|العاب|عازل|عزل|تعزل)"
)


def _a_speaker_meant(text: str, types: list[_Found]) -> bool:
    own = [f for f in types if f.role == "own"]
    if len(own) != 1 or own[0].phrase not in _EITHER_SPEAKER_OR_HEADPHONES:
        return False
    plain = normalise(text)
    return (
        bool(_WHERE_A_SPEAKER_PLAYS.search(plain))
        and not _WORN.search(plain)
        and any(slug == "speakers" for _name, slug in _catalog_names()[1])
    )
