"""Hand-written shop settings: site configuration, shipping and payment options, the demo
customer. Keyed by `code` / `wa_id` so re-seeding updates in place."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

SITE_CONFIG: dict[str, Any] = {
    "shop_name": "Volt Electronics",
    "support_phone": "+1 555 010 2030",
    "support_email": "support@volt-electronics.example",
    "default_language": "en",
    "business_hours_en": "Saturday to Thursday 10:00-22:00, Friday 14:00-22:00",
    "business_hours_ar": "من السبت إلى الخميس 10:00-22:00، والجمعة 14:00-22:00",
    "welcome_text_en": (
        "Welcome to Volt Electronics! Ask me about phones, laptops, headphones, TVs and "
        "more, or type MENU to browse."
    ),
    "welcome_text_ar": (
        "أهلاً بك في فولت للإلكترونيات! اسألني عن الهواتف واللابتوبات والسماعات "
        "والتلفزيونات وغيرها، أو اكتب «القائمة» للتصفح."
    ),
    "session_timeout_minutes": 60,
}

SHIPPING_OPTIONS: tuple[dict[str, Any], ...] = (
    {
        "code": "standard",
        "name_en": "Standard delivery",
        "name_ar": "توصيل عادي",
        "description_en": "2-4 business days. Free on orders of $100 or more.",
        "description_ar": "من 2 إلى 4 أيام عمل. مجاني للطلبات بقيمة 100 دولار أو أكثر.",
        "price": Decimal("5.00"),
        "free_over": Decimal("100.00"),
        "eta_days_min": 2,
        "eta_days_max": 4,
        "sort_order": 10,
    },
    {
        "code": "express",
        "name_en": "Express delivery",
        "name_ar": "توصيل سريع",
        "description_en": "Next business day in the city. Free on orders of $500 or more.",
        "description_ar": (
            "في يوم العمل التالي داخل المدينة. مجاني للطلبات بقيمة 500 دولار أو أكثر."
        ),
        "price": Decimal("15.00"),
        "free_over": Decimal("500.00"),
        "eta_days_min": 1,
        "eta_days_max": 1,
        "sort_order": 20,
    },
    {
        "code": "pickup",
        "name_en": "Store pickup",
        "name_ar": "الاستلام من المتجر",
        "description_en": "Collect from our showroom, usually ready within 2 hours.",
        "description_ar": "استلم طلبك من صالة العرض، عادةً يكون جاهزاً خلال ساعتين.",
        "price": Decimal("0.00"),
        "free_over": None,
        "eta_days_min": 0,
        "eta_days_max": 1,
        "sort_order": 30,
    },
)

PAYMENT_OPTIONS: tuple[dict[str, Any], ...] = (
    {
        "code": "cod",
        "kind": "cod",
        "name_en": "Cash on delivery",
        "name_ar": "الدفع عند الاستلام",
        "instructions_en": (
            "Pay the courier in cash or by card when your order arrives. Please have the "
            "exact amount ready."
        ),
        "instructions_ar": (
            "ادفع للمندوب نقداً أو بالبطاقة عند وصول طلبك. يرجى تجهيز المبلغ المطلوب."
        ),
        "link_template": "",
        "sort_order": 10,
    },
    {
        "code": "bank_transfer",
        "kind": "bank_transfer",
        "name_en": "Bank transfer",
        "name_ar": "تحويل بنكي",
        "instructions_en": (
            "Transfer the total to Volt Electronics LLC, IBAN GB82 WEST 1234 5698 7654 32, "
            "and write your order number as the reference. We ship once the money arrives "
            "(usually 1 business day)."
        ),
        "instructions_ar": (
            "حوّل المبلغ الإجمالي إلى شركة فولت للإلكترونيات، رقم الآيبان "
            "GB82 WEST 1234 5698 7654 32، واكتب رقم طلبك في خانة المرجع. نشحن الطلب فور "
            "وصول المبلغ (عادةً خلال يوم عمل واحد)."
        ),
        "link_template": "",
        "sort_order": 20,
    },
    {
        "code": "payment_link",
        "kind": "payment_link",
        "name_en": "Card payment link",
        "name_ar": "رابط الدفع بالبطاقة",
        "instructions_en": (
            "We send you a secure link to pay by Visa, Mastercard, Apple Pay or Google Pay. "
            "The link is valid for 24 hours."
        ),
        "instructions_ar": (
            "نرسل لك رابطاً آمناً للدفع عبر فيزا أو ماستركارد أو Apple Pay أو Google Pay. "
            "الرابط صالح لمدة 24 ساعة."
        ),
        "link_template": (
            "https://pay.example.com/checkout?ref={reference}&amount={amount}&currency={currency}"
        ),
        "sort_order": 30,
    },
)

DEMO_CUSTOMER: dict[str, str] = {
    "wa_id": "15550001234",
    "profile_name": "Demo Customer",
    "language": "en",
}
