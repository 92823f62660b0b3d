"""Deterministic synthetic products for scale tests (`manage.py seed --products N`).

Product i (SKU `SYN-000001` …) is generated from its own `random.Random(i)`, so it is the same
whatever N is and whichever run creates it: re-running with the same N creates nothing, and a
larger N only adds the missing tail. Rows go in with `bulk_create` in batches, skipping SKUs
that already exist (one indexed query up front), so 100k rows take seconds, not hours.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from random import Random
from typing import Any

from django.db import transaction
from tqdm import tqdm

from brandkit.models import Brand
from inventory.models import Category, Product

SKU_PREFIX = "SYN-"
IMAGE_URL = "https://cdn.example.com/products/{sku}.jpg"
DEFAULT_BATCH_SIZE = 2_000

COLOURS = (
    ("Black", "أسود"),
    ("White", "أبيض"),
    ("Blue", "أزرق"),
    ("Silver", "فضي"),
    ("Green", "أخضر"),
    ("Gray", "رمادي"),
    ("Red", "أحمر"),
)
SUFFIXES = ("", " Pro", " Plus", " Lite", " Max", " Neo")

# (specs, variant EN, variant AR, highlight EN, highlight AR)
Generated = tuple[dict[str, Any], str, str, str, str]


@dataclass(frozen=True)
class Template:
    """How to invent a plausible product of one leaf category."""

    lines: dict[str, tuple[str, ...]]  # brand slug -> that brand's product lines
    noun_en: str
    noun_ar: str
    feminine: bool  # Arabic agreement of "suitable for" with the noun
    price: tuple[int, int]  # whole USD, inclusive
    uses: tuple[tuple[str, str], ...]
    make: Callable[[Random], Generated]
    numbered: bool = True  # "Galaxy A 47 Pro"; consoles read better without a model number

    @property
    def brands(self) -> tuple[str, ...]:
        return tuple(self.lines)


def _phone(rng: Random) -> Generated:
    storage = rng.choice((64, 128, 256, 512))
    ram = rng.choice((4, 6, 8, 12))
    battery = rng.choice((4000, 4500, 5000, 5500, 6000))
    specs = {
        "ram_gb": ram,
        "storage_gb": storage,
        "screen_in": rng.choice((6.1, 6.4, 6.6, 6.7, 6.8)),
        "refresh_hz": rng.choice((60, 90, 120)),
        "camera_mp": rng.choice((12, 48, 50, 64, 108, 200)),
        "battery_mah": battery,
        "charging_w": rng.choice((18, 25, 33, 45, 67)),
        "os": "Android 14",
    }
    return (
        specs,
        f"{storage}GB",
        f"{storage} جيجابايت",
        f"{ram}GB RAM and a {battery}mAh battery",
        f"ذاكرة {ram} جيجابايت وبطارية {battery} مللي أمبير",
    )


def _iphone(rng: Random) -> Generated:
    specs, en, ar, _, _ = _phone(rng)
    specs["os"] = "iOS 17"
    specs["battery_mah"] = rng.choice((3200, 3300, 4400))
    return (specs, en, ar, "a 48MP camera and Face ID", "كاميرا 48 ميجابكسل وبصمة الوجه")


def _laptop(gpus: tuple[str, ...]) -> Callable[[Random], Generated]:
    def make(rng: Random) -> Generated:
        ram = rng.choice((8, 16, 32))
        storage = rng.choice((256, 512, 1024, 2048))
        gpu = rng.choice(gpus)
        specs = {
            "cpu": rng.choice(("Intel Core i5", "Intel Core i7", "AMD Ryzen 5", "AMD Ryzen 7")),
            "gpu": gpu,
            "ram_gb": ram,
            "storage_gb": storage,
            "screen_in": rng.choice((13.3, 14.0, 15.6, 16.0)),
            "refresh_hz": rng.choice((60, 120, 144, 165)),
            "battery_hours": rng.choice((5, 8, 10, 12, 15)),
            "os": "Windows 11 Home",
        }
        return (
            specs,
            f"{ram}GB {storage}GB SSD",
            f"ذاكرة {ram} جيجا وتخزين {storage} جيجا",
            f"{gpu} graphics and {ram}GB RAM",
            f"كرت شاشة {gpu} وذاكرة {ram} جيجابايت",
        )

    return make


def _tablet(rng: Random) -> Generated:
    storage = rng.choice((64, 128, 256))
    specs = {
        "storage_gb": storage,
        "ram_gb": rng.choice((4, 6, 8)),
        "screen_in": rng.choice((8.7, 10.9, 11.0, 12.4)),
        "battery_mah": rng.choice((6000, 7040, 8000, 10090)),
        "battery_hours": rng.choice((10, 12, 14)),
        "os": "Android 14",
    }
    return (
        specs,
        f"{storage}GB Wi-Fi",
        f"{storage} جيجابايت واي فاي",
        f"a {specs['screen_in']}-inch screen for video and reading",
        f"شاشة {specs['screen_in']} إنش للفيديو والقراءة",
    )


def _audio(noise_cancelling_share: float) -> Callable[[Random], Generated]:
    def make(rng: Random) -> Generated:
        anc = rng.random() < noise_cancelling_share
        hours = rng.choice((6, 8, 10, 20, 30, 40))
        specs = {"wireless": True, "noise_cancelling": anc, "battery_hours": hours}
        return (
            specs,
            "ANC" if anc else "Bluetooth",
            "بعزل الضوضاء" if anc else "بلوتوث",
            f"{'active noise cancelling and ' if anc else ''}{hours} hours of Bluetooth playback",
            f"{'عزل ضوضاء نشط و' if anc else ''}تشغيل بلوتوث لمدة {hours} ساعة",
        )

    return make


def _speaker(rng: Random) -> Generated:
    watts = rng.choice((5, 10, 20, 30, 40, 60))
    specs = {
        "wireless": True,
        "output_w": watts,
        "battery_hours": rng.choice((8, 12, 16, 20)),
        "water_resistance": rng.choice(("IPX4", "IPX7", "IP67")),
    }
    return (
        specs,
        f"{watts}W",
        f"{watts} واط",
        f"{watts}W sound and {specs['water_resistance']} water resistance",
        f"صوت بقدرة {watts} واط ومقاومة للماء {specs['water_resistance']}",
    )


def _watch(rng: Random) -> Generated:
    case = rng.choice((40, 42, 44, 46))
    specs = {
        "case_mm": case,
        "gps": rng.random() < 0.8,
        "heart_rate": True,
        "battery_hours": rng.choice((24, 48, 168, 336)),
        "water_resistance": "5ATM",
    }
    return (
        specs,
        f"{case}mm",
        f"{case} مم",
        "GPS for running and heart-rate tracking" if specs["gps"] else "heart-rate tracking",
        "GPS للجري وقياس نبض القلب" if specs["gps"] else "قياس نبض القلب",
    )


def _tv(rng: Random) -> Generated:
    size = rng.choice((43, 50, 55, 65, 75, 85))
    panel = rng.choice(("LED", "QLED", "OLED", "Mini LED"))
    specs = {
        "screen_in": size,
        "resolution": "4K UHD 3840x2160",
        "panel": panel,
        "refresh_hz": rng.choice((60, 120, 144)),
        "os": rng.choice(("Google TV", "webOS", "Tizen")),
    }
    return (
        specs,
        f"{size}-inch 4K {panel}",
        f"مقاس {size} إنش 4K {panel}",
        f"a {size}-inch 4K {panel} screen for movies and sports",
        f"شاشة {panel} مقاس {size} إنش بدقة 4K للأفلام والرياضة",
    )


def _camera(rng: Random) -> Generated:
    mp = rng.choice((20, 24, 26, 33, 45))
    sensor = rng.choice(("APS-C CMOS", "Full-frame CMOS"))
    specs = {"camera_mp": mp, "sensor": sensor, "video": rng.choice(("4K 30p", "4K 60p"))}
    return (
        specs,
        f"{mp}MP",
        f"{mp} ميجابكسل",
        f"a {mp}MP {sensor} sensor and {specs['video']} video",
        f"مستشعر {sensor} بدقة {mp} ميجابكسل وفيديو {specs['video']}",
    )


def _console(rng: Random) -> Generated:
    storage = rng.choice((512, 1024, 2048))
    specs = {"storage_gb": storage, "platform": rng.choice(("PlayStation 5", "Xbox", "Switch"))}
    return (
        specs,
        f"{storage}GB",
        f"{storage} جيجابايت",
        f"{storage}GB of storage for your game library",
        f"سعة {storage} جيجابايت لمكتبة ألعابك",
    )


def _gaming_accessory(rng: Random) -> Generated:
    wireless = rng.random() < 0.6
    specs = {"wireless": wireless, "platform": rng.choice(("PC", "PlayStation 5", "Xbox"))}
    return (
        specs,
        "Wireless" if wireless else "Wired",
        "لاسلكي" if wireless else "سلكي",
        "low-latency wireless" if wireless else "a braided cable",
        "اتصال لاسلكي سريع الاستجابة" if wireless else "كابل مجدول",
    )


def _charger(rng: Random) -> Generated:
    watts = rng.choice((20, 25, 30, 45, 65, 100))
    specs = {"charging_w": watts, "wireless": False, "ports": rng.choice(("1x USB-C", "2x USB-C"))}
    return (
        specs,
        f"{watts}W",
        f"{watts} واط",
        f"{watts}W USB-C fast charging",
        f"شحن سريع USB-C بقدرة {watts} واط",
    )


def _power_bank(rng: Random) -> Generated:
    mah = rng.choice((5000, 10000, 20000, 25000))
    specs = {"battery_mah": mah, "charging_w": rng.choice((18, 22, 30, 65))}
    return (
        specs,
        f"{mah:,}mAh",
        f"{mah} مللي أمبير",
        f"{mah:,}mAh to charge your phone on trips",
        f"سعة {mah} مللي أمبير لشحن هاتفك في الرحلات",
    )


def _cable(rng: Random) -> Generated:
    length = rng.choice((0.5, 1.0, 1.5, 2.0, 3.0))
    ports = rng.choice(("USB-C to USB-C", "USB-C to Lightning", "USB-A to USB-C"))
    specs = {"length_m": length, "ports": ports}
    return (
        specs,
        f"{ports} {length}m",
        f"{ports} بطول {length} متر",
        f"a braided {length} m {ports} design",
        f"تصميم مجدول {ports} بطول {length} متر",
    )


def _keyboard_mouse(rng: Random) -> Generated:
    wireless = rng.random() < 0.7
    specs = {"wireless": wireless, "dpi": rng.choice((1000, 1600, 4000, 8000))}
    return (
        specs,
        "Wireless" if wireless else "Wired",
        "لاسلكي" if wireless else "سلكي",
        "quiet keys and a comfortable shape for long workdays",
        "أزرار هادئة وتصميم مريح لساعات العمل الطويلة",
    )


_EVERYDAY = ("everyday use", "الاستخدام اليومي")
_TRAVEL = ("travel", "السفر")
_GAMING = ("gaming", "الألعاب")
_WORK = ("work and study", "العمل والدراسة")

TEMPLATES: dict[str, Template] = {
    "android-phones": Template(
        {
            "samsung": ("Galaxy A", "Galaxy M", "Galaxy S"),
            "xiaomi": ("Redmi Note", "Redmi", "POCO X"),
            "oneplus": ("Nord", "Nord CE"),
            "google": ("Pixel",),
            "huawei": ("nova", "Mate"),
        },
        "smartphone",
        "هاتف ذكي",
        False,
        (99, 1199),
        (_EVERYDAY, ("photography", "التصوير"), ("mobile gaming", "ألعاب الجوال")),
        _phone,
    ),
    "iphones": Template(
        {"apple": ("iPhone",)},
        "iPhone",
        "هاتف آيفون",
        False,
        (399, 1399),
        (_EVERYDAY, ("photography", "التصوير")),
        _iphone,
    ),
    "gaming-laptops": Template(
        {
            "lenovo": ("Legion", "LOQ"),
            "asus": ("ROG Strix G", "TUF Gaming F"),
            "acer": ("Nitro", "Predator Helios"),
            "msi": ("Katana", "Cyborg", "Raider"),
            "hp": ("Victus", "OMEN"),
            "dell": ("G", "Alienware m"),
        },
        "gaming laptop",
        "لابتوب ألعاب",
        False,
        (899, 2499),
        (_GAMING, ("streaming", "البث")),
        _laptop(("RTX 4050", "RTX 4060", "RTX 4070", "RTX 4080")),
    ),
    "ultrabooks": Template(
        {
            "dell": ("XPS", "Inspiron"),
            "asus": ("Zenbook", "Vivobook S"),
            "hp": ("Spectre x360", "Envy"),
            "lenovo": ("Yoga Slim", "IdeaPad Slim"),
            "acer": ("Swift Go", "Swift"),
            "microsoft": ("Surface Laptop",),
        },
        "ultrabook",
        "لابتوب خفيف",
        False,
        (699, 1999),
        (_TRAVEL, _WORK),
        _laptop(("Intel Iris Xe", "Intel Arc", "AMD Radeon")),
    ),
    "business-laptops": Template(
        {
            "lenovo": ("ThinkPad E", "ThinkPad T", "ThinkBook"),
            "dell": ("Latitude", "Vostro"),
            "hp": ("EliteBook", "ProBook"),
        },
        "business laptop",
        "لابتوب أعمال",
        False,
        (599, 2199),
        (_WORK, ("the office", "المكتب")),
        _laptop(("Intel Iris Xe", "Intel Graphics")),
    ),
    "tablets": Template(
        {
            "samsung": ("Galaxy Tab A", "Galaxy Tab S"),
            "xiaomi": ("Redmi Pad", "Pad"),
            "huawei": ("MatePad",),
            "lenovo": ("Tab M", "Tab P"),
        },
        "tablet",
        "جهاز لوحي",
        False,
        (149, 999),
        (_WORK, ("kids and family", "الأطفال والعائلة")),
        _tablet,
    ),
    "wireless-earbuds": Template(
        {
            "samsung": ("Galaxy Buds",),
            "sony": ("WF-C", "LinkBuds"),
            "anker": ("Soundcore Liberty", "Soundcore Life"),
            "jbl": ("Tune Buds", "Live Beam"),
            "xiaomi": ("Redmi Buds",),
        },
        "wireless earbuds",
        "سماعات أذن لاسلكية",
        True,
        (25, 299),
        (("workouts", "التمارين"), ("commuting", "التنقل اليومي")),
        _audio(0.6),
    ),
    "over-ear-headphones": Template(
        {
            "sony": ("WH-CH", "ULT WEAR"),
            "bose": ("QuietComfort",),
            "jbl": ("Tune", "Live"),
            "anker": ("Soundcore Space", "Soundcore Life Q"),
        },
        "Bluetooth headphones",
        "سماعات رأس بلوتوث",
        True,
        (39, 549),
        (_TRAVEL, ("music at home", "الموسيقى في المنزل")),
        _audio(0.7),
    ),
    "speakers": Template(
        {
            "jbl": ("Flip", "Charge", "Go", "Xtreme"),
            "sony": ("ULT FIELD", "SRS-XB"),
            "bose": ("SoundLink",),
            "anker": ("Soundcore Motion", "Soundcore Boom"),
        },
        "Bluetooth speaker",
        "سماعة بلوتوث",
        True,
        (29, 599),
        (("the beach", "الشاطئ"), ("parties", "الحفلات")),
        _speaker,
    ),
    "smartwatches": Template(
        {
            "samsung": ("Galaxy Watch", "Galaxy Fit"),
            "garmin": ("Forerunner", "Venu", "Instinct"),
            "huawei": ("Watch GT", "Watch Fit"),
            "xiaomi": ("Redmi Watch", "Watch S"),
            "google": ("Pixel Watch",),
        },
        "smartwatch",
        "ساعة ذكية",
        True,
        (49, 899),
        (("running", "الجري"), ("fitness", "اللياقة")),
        _watch,
    ),
    "tvs": Template(
        {
            "samsung": ("Crystal UHD", "QLED Q"),
            "lg": ("UHD UR", "QNED", "OLED B"),
            "sony": ("BRAVIA X",),
            "tcl": ("P", "C"),
            "xiaomi": ("TV A", "TV Q"),
        },
        "smart TV",
        "تلفزيون ذكي",
        False,
        (249, 3999),
        (("movie nights", "أمسيات الأفلام"), _GAMING),
        _tv,
    ),
    "cameras": Template(
        {
            "canon": ("EOS R",),
            "nikon": ("Z",),
            "sony": ("Alpha", "ZV-E"),
            "fujifilm": ("X-T", "X-S"),
        },
        "mirrorless camera",
        "كاميرا ميرورليس",
        True,
        (499, 3499),
        (_TRAVEL, ("vlogging", "صناعة الفيديو")),
        _camera,
    ),
    "consoles": Template(
        {
            "sony": ("PlayStation 5 Slim Bundle", "PlayStation 5 Digital Bundle"),
            "microsoft": ("Xbox Series X Bundle", "Xbox Series S Bundle"),
            "nintendo": ("Switch OLED Bundle", "Switch Family Bundle"),
        },
        "game console",
        "جهاز ألعاب",
        False,
        (249, 799),
        (_GAMING, ("family fun", "متعة العائلة")),
        _console,
        numbered=False,
    ),
    "gaming-accessories": Template(
        {
            "razer": ("Wolverine", "Kishi"),
            "logitech": ("G", "G PRO"),
            "sony": ("DualSense Edge",),
            "microsoft": ("Xbox Elite Series",),
        },
        "gaming controller",
        "يد تحكم للألعاب",
        False,
        (19, 249),
        (_GAMING,),
        _gaming_accessory,
    ),
    "chargers": Template(
        {
            "anker": ("Nano", "Prime"),
            "ugreen": ("Nexode",),
            "belkin": ("BoostCharge",),
            "samsung": ("Super Fast Charger",),
        },
        "USB-C charger",
        "شاحن USB-C",
        False,
        (9, 99),
        (_TRAVEL, _EVERYDAY),
        _charger,
    ),
    "power-banks": Template(
        {
            "anker": ("PowerCore", "Zolo"),
            "ugreen": ("Nexode Power Bank",),
            "xiaomi": ("Redmi Power Bank",),
            "belkin": ("BoostCharge Power Bank",),
        },
        "power bank",
        "باور بانك",
        False,
        (15, 149),
        (_TRAVEL, ("camping", "التخييم")),
        _power_bank,
    ),
    "cables": Template(
        {"anker": ("PowerLine",), "ugreen": ("Braided Cable",), "belkin": ("BoostCharge",)},
        "charging cable",
        "كابل شحن",
        False,
        (5, 39),
        (_EVERYDAY,),
        _cable,
    ),
    "keyboards-mice": Template(
        {
            "logitech": ("MX", "Signature M", "Pebble"),
            "microsoft": ("Surface Mouse", "Bluetooth Keyboard"),
            "razer": ("Pro Click", "Orochi"),
        },
        "mouse",
        "فأرة",
        True,
        (12, 179),
        (_WORK,),
        _keyboard_mouse,
    ),
}
LEAVES = tuple(TEMPLATES)


def arabic_for(phrase: str) -> str:
    """Arabic "for <phrase>": the preposition لِ absorbs the alif of a definite article
    (الاستخدام → للاستخدام), and a lam-initial noun keeps a single extra lam
    (اللياقة → للياقة)."""
    if phrase.startswith("الل"):
        return f"لل{phrase[3:]}"
    if phrase.startswith("ال"):
        return f"لل{phrase[2:]}"
    return f"ل{phrase}"


def synthetic_sku(index: int) -> str:
    return f"{SKU_PREFIX}{index:06d}"


def synthetic_product_fields(index: int, *, brand_names: dict[str, str]) -> dict[str, Any]:
    """The fields of synthetic product `index` (1-based), a pure function of `index`.

    Returns slugs for `brand` and `category`; the caller resolves them to ids.
    """
    rng = Random(index)
    leaf = LEAVES[(index - 1) % len(LEAVES)]
    template = TEMPLATES[leaf]
    brand = template.brands[rng.randrange(len(template.brands))]
    series = rng.choice(template.lines[brand])
    model = f"{10 + rng.randrange(90)}{rng.choice(SUFFIXES)}"
    colour_en, colour_ar = rng.choice(COLOURS)
    use_en, use_ar = rng.choice(template.uses)
    specs, variant_en, variant_ar, highlight_en, highlight_ar = template.make(rng)
    specs["color"] = colour_en
    low, high = template.price
    price = Decimal(rng.randint(low, high)) + Decimal("0.99")
    compare_at = (price * Decimal("1.15")).quantize(Decimal("1")) + Decimal("0.99")
    brand_name = brand_names[brand]
    title = f"{brand_name} {series} {model}" if template.numbered else f"{brand_name} {series}"
    suitable = "مناسبة" if template.feminine else "مناسب"
    return {
        "sku": synthetic_sku(index),
        "brand": brand,
        "category": leaf,
        "name_en": f"{title} {variant_en} {colour_en}",
        "name_ar": f"{template.noun_ar} {title} {variant_ar} {colour_ar}",
        "description_en": (
            f"{title} {template.noun_en} for {use_en}, with {highlight_en}. In {colour_en}."
        ),
        "description_ar": (
            f"{template.noun_ar} {title} {suitable} {arabic_for(use_ar)}، مع {highlight_ar}. "
            f"اللون {colour_ar}."
        ),
        "specs": specs,
        "price": price,
        "compare_at_price": compare_at if rng.random() < 0.2 else None,
        "stock": 0 if rng.random() < 0.05 else rng.randint(1, 200),
        "image_url": IMAGE_URL.format(sku=synthetic_sku(index).lower()),
    }


def _batches(indexes: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(indexes), size):
        yield indexes[start : start + size]


def synthetic_products_create(
    *, count: int, batch_size: int = DEFAULT_BATCH_SIZE, progress: bool = False
) -> int:
    """Make sure SYN-000001 … SYN-<count> exist; returns how many were created.

    Needs the seeded brands and leaf categories. Each batch commits on its own, so an
    interrupted run keeps what it inserted and the next run fills in the rest. No
    `ignore_conflicts`: on MySQL that is INSERT IGNORE, which would also silently drop rows
    failing a CHECK constraint; existing SKUs are skipped up front instead. The progress
    bar (stderr) only shows on a terminal.
    """
    if count <= 0:
        return 0
    brands = {b.slug: b for b in Brand.objects.filter(slug__in=_template_brands())}
    categories = {c.slug: c.pk for c in Category.objects.filter(slug__in=LEAVES)}
    missing = (_template_brands() - set(brands)) | (set(LEAVES) - set(categories))
    if missing:
        raise LookupError(f"seed the catalog first; missing: {', '.join(sorted(missing))}")
    brand_names = {slug: b.name_en for slug, b in brands.items()}
    existing = set(Product.objects.filter(sku__startswith=SKU_PREFIX).values_list("sku", flat=True))
    todo = [i for i in range(1, count + 1) if synthetic_sku(i) not in existing]
    created = 0
    with tqdm(
        total=len(todo),
        unit="product",
        desc="synthetic products",
        disable=None if progress else True,
    ) as bar:
        for chunk in _batches(todo, batch_size):
            rows = []
            for index in chunk:
                fields = synthetic_product_fields(index, brand_names=brand_names)
                fields["brand_id"] = brands[fields.pop("brand")].pk
                fields["category_id"] = categories[fields.pop("category")]
                rows.append(Product(currency="USD", active=True, **fields))
            with transaction.atomic():
                Product.objects.bulk_create(rows, batch_size=batch_size)
            created += len(rows)
            bar.update(len(rows))
    return created


def _template_brands() -> set[str]:
    return {slug for template in TEMPLATES.values() for slug in template.brands}
