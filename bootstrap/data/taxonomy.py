"""Hand-written reference data: the spec taxonomy, the brands and the category tree.

Natural keys (spec `key`, brand `slug`, category `slug`) are what the seeder upserts on,
so editing a label here and re-running `manage.py seed` updates the row in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class SpecSeed:
    key: str
    label_en: str
    label_ar: str
    value_type: str  # brandkit.models.SpecType value
    categories: tuple[str, ...] = ()
    unit: str = ""
    is_key_spec: bool = False
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class BrandSeed:
    slug: str
    name_en: str
    name_ar: str
    description: str


@dataclass(frozen=True)
class CategorySeed:
    slug: str
    name_en: str
    name_ar: str
    description_en: str = ""
    description_ar: str = ""
    parent: str | None = None
    children: tuple[CategorySeed, ...] = field(default_factory=tuple)


def _d(value: str) -> Decimal:
    return Decimal(value)


_DEVICES = ("phones", "laptops", "tablets")

# Order here is display order (sort_order = position * 10).
SPEC_DEFINITIONS: tuple[SpecSeed, ...] = (
    SpecSeed(
        "cpu",
        "Processor",
        "المعالج",
        "text",
        (*_DEVICES, "smartwatches", "consoles"),
        is_key_spec=True,
    ),
    SpecSeed(
        "gpu", "Graphics", "معالج الرسوميات", "text", ("laptops", "consoles"), is_key_spec=True
    ),
    SpecSeed(
        "ram_gb",
        "RAM",
        "الذاكرة العشوائية",
        "int",
        (*_DEVICES, "consoles"),
        unit="GB",
        is_key_spec=True,
        min_value=_d("1"),
        max_value=_d("256"),
    ),
    SpecSeed(
        "storage_gb",
        "Storage",
        "السعة التخزينية",
        "int",
        (*_DEVICES, "consoles", "smartwatches"),
        unit="GB",
        is_key_spec=True,
        min_value=_d("1"),
        max_value=_d("16384"),
    ),
    SpecSeed(
        "screen_in",
        "Screen size",
        "حجم الشاشة",
        "decimal",
        (*_DEVICES, "tvs", "smartwatches", "cameras", "consoles"),
        unit="in",
        is_key_spec=True,
        min_value=_d("0.5"),
        max_value=_d("120"),
    ),
    SpecSeed(
        "resolution", "Resolution", "الدقة", "text", (*_DEVICES, "tvs", "cameras", "consoles")
    ),
    SpecSeed(
        "refresh_hz",
        "Refresh rate",
        "معدل التحديث",
        "int",
        (*_DEVICES, "tvs", "consoles"),
        unit="Hz",
        min_value=_d("24"),
        max_value=_d("540"),
    ),
    SpecSeed("panel", "Display panel", "نوع الشاشة", "text", (*_DEVICES, "tvs", "smartwatches")),
    SpecSeed("hdr", "HDR formats", "صيغ HDR", "text", ("tvs",)),
    SpecSeed(
        "os",
        "Operating system",
        "نظام التشغيل",
        "text",
        (*_DEVICES, "smartwatches", "tvs"),
        is_key_spec=True,
    ),
    SpecSeed(
        "camera_mp",
        "Main camera",
        "الكاميرا الرئيسية",
        "decimal",
        ("phones", "tablets", "cameras"),
        unit="MP",
        is_key_spec=True,
        min_value=_d("0.3"),
        max_value=_d("200"),
    ),
    SpecSeed(
        "optical_zoom_x",
        "Optical zoom",
        "التقريب البصري",
        "decimal",
        ("phones", "cameras"),
        unit="x",
        min_value=_d("1"),
        max_value=_d("125"),
    ),
    SpecSeed("video", "Video recording", "تصوير الفيديو", "text", ("phones", "cameras")),
    SpecSeed("sensor", "Image sensor", "مستشعر الصورة", "text", ("cameras",), is_key_spec=True),
    SpecSeed("lens_mount", "Lens mount", "حامل العدسة", "text", ("cameras",)),
    SpecSeed(
        "battery_mah",
        "Battery capacity",
        "سعة البطارية",
        "int",
        ("phones", "tablets", "power-banks"),
        unit="mAh",
        is_key_spec=True,
        min_value=_d("50"),
        max_value=_d("50000"),
    ),
    SpecSeed(
        "battery_hours",
        "Battery life",
        "عمر البطارية",
        "decimal",
        (
            "laptops",
            "tablets",
            "headphones",
            "speakers",
            "smartwatches",
            "consoles",
            "gaming-accessories",
            "keyboards-mice",
            "cameras",
        ),
        unit="h",
        is_key_spec=True,
        min_value=_d("0.5"),
        max_value=_d("20000"),
    ),
    SpecSeed(
        "charging_w",
        "Charging power",
        "قدرة الشحن",
        "int",
        ("phones", "tablets", "laptops", "chargers", "power-banks"),
        unit="W",
        min_value=_d("1"),
        max_value=_d("400"),
    ),
    SpecSeed(
        "output_w",
        "Audio output",
        "قدرة الصوت",
        "int",
        ("speakers", "tvs"),
        unit="W",
        min_value=_d("1"),
        max_value=_d("2000"),
    ),
    SpecSeed(
        "ports",
        "Ports",
        "المنافذ",
        "text",
        ("laptops", "chargers", "power-banks", "cables", "tvs", "consoles"),
    ),
    SpecSeed(
        "length_m",
        "Cable length",
        "طول الكابل",
        "decimal",
        ("cables",),
        unit="m",
        is_key_spec=True,
        min_value=_d("0.1"),
        max_value=_d("10"),
    ),
    SpecSeed(
        "noise_cancelling",
        "Active noise cancelling",
        "عزل الضوضاء النشط",
        "bool",
        ("headphones",),
        is_key_spec=True,
    ),
    SpecSeed(
        "wireless",
        "Wireless",
        "لاسلكي",
        "bool",
        ("headphones", "speakers", "keyboards-mice", "gaming-accessories", "chargers"),
        is_key_spec=True,
    ),
    SpecSeed("connectivity", "Connectivity", "الاتصال", "text"),
    SpecSeed(
        "water_resistance",
        "Water resistance",
        "مقاومة الماء",
        "text",
        ("phones", "headphones", "speakers", "smartwatches", "cameras"),
    ),
    SpecSeed("gps", "Built-in GPS", "GPS مدمج", "bool", ("smartwatches",), is_key_spec=True),
    SpecSeed("heart_rate", "Heart-rate sensor", "مستشعر نبض القلب", "bool", ("smartwatches",)),
    SpecSeed(
        "case_mm",
        "Case size",
        "حجم الهيكل",
        "int",
        ("smartwatches",),
        unit="mm",
        min_value=_d("20"),
        max_value=_d("60"),
    ),
    SpecSeed(
        "driver_mm",
        "Driver size",
        "حجم مكبر الصوت الداخلي",
        "decimal",
        ("headphones",),
        unit="mm",
        min_value=_d("4"),
        max_value=_d("60"),
    ),
    SpecSeed("platform", "Platform", "المنصة", "text", ("gaming",), is_key_spec=True),
    SpecSeed(
        "switch_type",
        "Switch type",
        "نوع المفاتيح",
        "text",
        ("keyboards-mice", "gaming-accessories"),
    ),
    SpecSeed(
        "dpi",
        "Sensor resolution",
        "دقة المستشعر",
        "int",
        ("keyboards-mice", "gaming-accessories"),
        unit="DPI",
        min_value=_d("100"),
        max_value=_d("50000"),
    ),
    SpecSeed(
        "weight_g", "Weight", "الوزن", "decimal", unit="g", min_value=_d("1"), max_value=_d("60000")
    ),
    SpecSeed("color", "Colour", "اللون", "text"),
)

BRANDS: tuple[BrandSeed, ...] = (
    BrandSeed("apple", "Apple", "أبل", "iPhone, iPad, Mac, AirPods and Apple Watch."),
    BrandSeed("samsung", "Samsung", "سامسونج", "Galaxy phones, tablets, watches and TVs."),
    BrandSeed("sony", "Sony", "سوني", "PlayStation, Alpha cameras, Bravia TVs and audio."),
    BrandSeed("lenovo", "Lenovo", "لينوفو", "ThinkPad, Legion, Yoga and IdeaPad laptops."),
    BrandSeed("dell", "Dell", "ديل", "XPS, Latitude, Inspiron and Alienware computers."),
    BrandSeed("hp", "HP", "إتش بي", "Spectre, EliteBook, Pavilion and OMEN laptops."),
    BrandSeed("asus", "ASUS", "أسوس", "ROG gaming, Zenbook and Vivobook laptops."),
    BrandSeed("acer", "Acer", "أيسر", "Nitro and Predator gaming, Swift ultrabooks."),
    BrandSeed("msi", "MSI", "إم إس آي", "Gaming laptops and peripherals."),
    BrandSeed("microsoft", "Microsoft", "مايكروسوفت", "Surface computers and Xbox."),
    BrandSeed("google", "Google", "جوجل", "Pixel phones, watches and earbuds."),
    BrandSeed("xiaomi", "Xiaomi", "شاومي", "Xiaomi and Redmi phones, wearables and TVs."),
    BrandSeed("huawei", "Huawei", "هواوي", "Phones, MatePad tablets and wearables."),
    BrandSeed("oneplus", "OnePlus", "ون بلس", "Fast, clean Android phones and earbuds."),
    BrandSeed("jbl", "JBL", "جي بي إل", "Portable Bluetooth speakers and headphones."),
    BrandSeed("bose", "Bose", "بوز", "Noise-cancelling headphones and speakers."),
    BrandSeed("anker", "Anker", "أنكر", "Chargers, power banks, cables and Soundcore audio."),
    BrandSeed("belkin", "Belkin", "بيلكن", "Chargers, cables and MagSafe accessories."),
    BrandSeed("ugreen", "UGREEN", "يوجرين", "Affordable chargers, hubs and cables."),
    BrandSeed("lg", "LG", "إل جي", "OLED TVs, monitors and audio."),
    BrandSeed("tcl", "TCL", "تي سي إل", "Affordable QLED and Mini-LED TVs."),
    BrandSeed("canon", "Canon", "كانون", "EOS mirrorless cameras and lenses."),
    BrandSeed("nikon", "Nikon", "نيكون", "Z-series mirrorless cameras."),
    BrandSeed("fujifilm", "Fujifilm", "فوجي فيلم", "X-series cameras with film simulations."),
    BrandSeed("gopro", "GoPro", "جو برو", "Waterproof action cameras."),
    BrandSeed("logitech", "Logitech", "لوجيتك", "Mice, keyboards, webcams and gaming gear."),
    BrandSeed("razer", "Razer", "ريزر", "Gaming mice, keyboards and headsets."),
    BrandSeed("nintendo", "Nintendo", "نينتندو", "Switch consoles and games."),
    BrandSeed("garmin", "Garmin", "جارمن", "GPS running, outdoor and fitness watches."),
)

# Brands customers ask for that the shop does not sell, seeded inactive: named in a
# message they are still that brand, so the search says it has nothing from it and shows
# similar products, instead of listing other brands as if they were it. (Names that are
# ordinary words are left out: "nothing", "honor", "beats", "infinity"-like "infinix".)
BRANDS_NOT_SOLD: tuple[BrandSeed, ...] = (
    BrandSeed("baseus", "Baseus", "بيسوس", "Not sold here."),
    BrandSeed("realme", "realme", "ريلمي", "Not sold here."),
    BrandSeed("oppo", "OPPO", "اوبو", "Not sold here."),
    BrandSeed("vivo", "vivo", "فيفو", "Not sold here."),
    BrandSeed("nokia", "Nokia", "نوكيا", "Not sold here."),
    BrandSeed("motorola", "Motorola", "موتورولا", "Not sold here."),
    BrandSeed("sennheiser", "Sennheiser", "سينهايزر", "Not sold here."),
    BrandSeed("jabra", "Jabra", "جابرا", "Not sold here."),
    BrandSeed("marshall", "Marshall", "مارشال", "Not sold here."),
    BrandSeed("hisense", "Hisense", "هايسنس", "Not sold here."),
    BrandSeed("toshiba", "Toshiba", "توشيبا", "Not sold here."),
    BrandSeed("philips", "Philips", "فيليبس", "Not sold here."),
    BrandSeed("panasonic", "Panasonic", "باناسونيك", "Not sold here."),
    BrandSeed("amazfit", "Amazfit", "امازفيت", "Not sold here."),
    BrandSeed("fitbit", "Fitbit", "فيتبت", "Not sold here."),
    BrandSeed("corsair", "Corsair", "كورسير", "Not sold here."),
    BrandSeed("steelseries", "SteelSeries", "ستيل سيريز", "Not sold here."),
    BrandSeed("dji", "DJI", "دي جي اي", "Not sold here."),
)

CATEGORY_TREE: tuple[CategorySeed, ...] = (
    CategorySeed(
        "phones",
        "Phones",
        "الهواتف",
        "Smartphones for every budget.",
        "هواتف ذكية لكل الميزانيات.",
        children=(
            CategorySeed(
                "android-phones",
                "Android phones",
                "هواتف أندرويد",
                "Samsung, Google, Xiaomi, OnePlus and more.",
                "سامسونج وجوجل وشاومي وون بلس وغيرها.",
            ),
            CategorySeed(
                "iphones",
                "iPhones",
                "هواتف آيفون",
                "Apple iPhone models.",
                "جميع موديلات آيفون من أبل.",
            ),
        ),
    ),
    CategorySeed(
        "laptops",
        "Laptops",
        "اللابتوبات",
        "Laptops for gaming, work and study.",
        "لابتوبات للألعاب والعمل والدراسة.",
        children=(
            CategorySeed(
                "gaming-laptops",
                "Gaming laptops",
                "لابتوبات الألعاب",
                "RTX graphics and fast screens.",
                "كروت شاشة RTX وشاشات سريعة.",
            ),
            CategorySeed(
                "ultrabooks",
                "Ultrabooks",
                "لابتوبات خفيفة (ألترابوك)",
                "Thin, light, long battery life.",
                "نحيفة وخفيفة وبطارية تدوم طويلاً.",
            ),
            CategorySeed(
                "business-laptops",
                "Business laptops",
                "لابتوبات الأعمال",
                "Durable, secure laptops for work.",
                "لابتوبات متينة وآمنة للعمل.",
            ),
        ),
    ),
    CategorySeed(
        "tablets",
        "Tablets",
        "الأجهزة اللوحية",
        "iPad, Galaxy Tab and more.",
        "آيباد وجالاكسي تاب وغيرها.",
    ),
    CategorySeed(
        "headphones",
        "Headphones",
        "السماعات",
        "Earbuds and headphones.",
        "سماعات أذن وسماعات رأس.",
        children=(
            CategorySeed(
                "wireless-earbuds",
                "Wireless earbuds",
                "سماعات أذن لاسلكية",
                "True wireless Bluetooth earbuds.",
                "سماعات بلوتوث لاسلكية بالكامل.",
            ),
            CategorySeed(
                "over-ear-headphones",
                "Over-ear headphones",
                "سماعات رأس",
                "Over-ear and on-ear headphones.",
                "سماعات رأس فوق الأذن وعليها.",
            ),
        ),
    ),
    CategorySeed(
        "speakers",
        "Speakers",
        "مكبرات الصوت",
        "Portable and home speakers.",
        "سماعات محمولة ومنزلية (سبيكر).",
    ),
    CategorySeed(
        "smartwatches",
        "Smartwatches",
        "الساعات الذكية",
        "Smartwatches and fitness trackers.",
        "ساعات ذكية وأجهزة تتبع اللياقة.",
    ),
    CategorySeed(
        "tvs",
        "TVs",
        "التلفزيونات",
        "Smart 4K TVs: OLED, QLED, Mini-LED.",
        "شاشات تلفزيون ذكية 4K: أوليد وكيوليد وميني ليد.",
    ),
    CategorySeed(
        "cameras",
        "Cameras",
        "الكاميرات",
        "Mirrorless and action cameras.",
        "كاميرات ميرورليس وكاميرات أكشن.",
    ),
    CategorySeed(
        "gaming",
        "Gaming",
        "الألعاب",
        "Consoles and gaming gear.",
        "أجهزة ألعاب وملحقاتها.",
        children=(
            CategorySeed(
                "consoles",
                "Consoles",
                "أجهزة الألعاب",
                "PlayStation, Xbox and Nintendo Switch.",
                "بلايستيشن وإكس بوكس ونينتندو سويتش.",
            ),
            CategorySeed(
                "gaming-accessories",
                "Gaming accessories",
                "إكسسوارات الألعاب",
                "Controllers, headsets, mice and keyboards for gamers.",
                "يدّات تحكم وسماعات وفأرات ولوحات مفاتيح للاعبين.",
            ),
        ),
    ),
    CategorySeed(
        "accessories",
        "Accessories",
        "الإكسسوارات",
        "Charge, connect and type.",
        "شواحن وكابلات وملحقات.",
        children=(
            CategorySeed(
                "chargers",
                "Chargers",
                "الشواحن",
                "Fast USB-C and wireless chargers.",
                "شواحن سريعة USB-C وشواحن لاسلكية.",
            ),
            CategorySeed(
                "power-banks",
                "Power banks",
                "باور بانك (شواحن متنقلة)",
                "Portable batteries for travel.",
                "بطاريات متنقلة للسفر.",
            ),
            CategorySeed(
                "cables",
                "Cables",
                "الكابلات",
                "USB-C, Lightning and HDMI cables.",
                "كابلات USB-C ولايتننج وHDMI.",
            ),
            CategorySeed(
                "keyboards-mice",
                "Keyboards & mice",
                "لوحات المفاتيح والفأرات",
                "Keyboards and mice for work.",
                "لوحات مفاتيح وفأرات للعمل.",
            ),
        ),
    ),
)


def category_seeds_flat() -> list[CategorySeed]:
    """Every category, parents before children, with `parent` filled in."""
    flat: list[CategorySeed] = []
    for top in CATEGORY_TREE:
        flat.append(top)
        for child in top.children:
            flat.append(
                CategorySeed(
                    child.slug,
                    child.name_en,
                    child.name_ar,
                    child.description_en,
                    child.description_ar,
                    parent=top.slug,
                )
            )
    return flat


# What customers use each category for, as they say it: the search matches a request that
# names no product type ("something to listen to music while running") against these.
CATEGORY_SEARCH_TERMS: dict[str, str] = {
    "phones": "a mobile phone to call, text, chat on WhatsApp, take photos and browse. "
    "جوال للاتصال والواتساب والتصوير والتصفح",
    "android-phones": "an Android phone, dual SIM, big battery, good camera, 5G. "
    "جوال اندرويد بشريحتين وبطارية كبيرة وكاميرا حلوة",
    "iphones": "an Apple phone with iOS for photos, video and everyday use. "
    "ايفون للتصوير والاستخدام اليومي",
    "laptops": "a computer to work, study at university, program, write, design, browse and "
    "watch. لابتوب للعمل والدراسة والجامعة والبرمجة والتصميم",
    "gaming-laptops": "a powerful laptop to play games, stream and edit video. "
    "لابتوب قوي للالعاب والستريم والمونتاج",
    "ultrabooks": "a thin, light laptop to carry every day, long battery for travel and "
    "university. لابتوب خفيف ونحيف للجامعة والسفر",
    "business-laptops": "a laptop for the office, meetings, spreadsheets and security. "
    "لابتوب للمكتب والاعمال والاجتماعات والدوام والشغل اكسل وزوم وتيمز",
    "tablets": "a tablet for kids, my son or daughter, school, study, reading, drawing, "
    "notes, movies, YouTube and cartoons. تابلت للاطفال والعيال والدراسة والقراءة والرسم "
    "والافلام والكرتون ويوتيوب لولدي وبنتي يتفرج",
    "headphones": "something to listen to music, podcasts and calls. "
    "سماعات لسماع الاغاني والموسيقى والمكالمات",
    "wireless-earbuds": "small wireless buds to listen to music while running, at the gym, "
    "working out, commuting and for calls. سماعات بلوتوث صغيرة للجري والرياضة والجيم والنادي "
    "والمشي امشي اسمع",
    "over-ear-headphones": "big headphones that block noise on flights and travel, for "
    "studio work and long listening. سماعات راس عازلة للضوضاء للسفر والطيران",
    "speakers": "loud music for a party, the beach, camping, outdoors and the living room. "
    "سبيكر للحفلات والبحر والكشتات والبيت والمجلس اشغل فيه اغاني وشيلات وقرآن",
    "smartwatches": "a watch to track running, steps, sleep, heart rate, workouts and "
    "swimming, and see notifications. ساعة ذكية لتتبع الجري والخطوات والنوم ونبض القلب",
    "tvs": "a big screen to watch movies, football matches, Netflix and series in the "
    "living room or majlis, and play games. شاشة كبيرة للافلام والمباريات والكورة ونتفلكس "
    "والقنوات والمسلسلات والمجلس نتفرج",
    "cameras": "a camera to take photos, film videos, vlog, travel photography and action "
    "sports. كاميرا للتصوير والفيديو والسفر والفلوق والمغامرات",
    "gaming": "gaming: play video games with friends. العاب فيديو",
    "consoles": "a console to play video games on the TV with family and friends. "
    "جهاز العاب للعب على التلفزيون مع العائلة والاصدقاء واخوياي والشباب العب فيفا وكول اوف "
    "ديوتي",
    "gaming-accessories": "gear for gamers: a controller, gaming headset, gaming mouse or "
    "keyboard. يد تحكم وسماعة وماوس وكيبورد للقيمرز",
    "accessories": "accessories to charge, connect and type. اكسسوارات للشحن والتوصيل والكتابة",
    "chargers": "a charger or adapter to charge a phone or laptop fast at home or in the car. "
    "شاحن سريع للجوال واللابتوب في البيت والسيارة",
    "power-banks": "a portable battery to keep a phone alive on a trip, a flight, camping or "
    "a long day out. باور بانك لشحن الجوال في السفر والرحلات والكشتات",
    "cables": "a cable to charge or connect a phone, laptop, TV or console. "
    "كيبل لشحن وتوصيل الجوال واللابتوب والشاشة",
    "keyboards-mice": "a keyboard and mouse to type and work at a desk. "
    "كيبورد وماوس للكتابة والعمل على المكتب",
}
