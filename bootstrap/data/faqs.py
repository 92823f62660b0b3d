"""Hand-written FAQs in English and Arabic, keyed by the English question.

The answers agree with the seeded shipping/payment options and site configuration, because
the helpdesk answers customers from these rows.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FAQSeed:
    topic: str
    question_en: str
    question_ar: str
    answer_en: str
    answer_ar: str


FAQS: tuple[FAQSeed, ...] = (
    # --- shipping ------------------------------------------------------------------------
    FAQSeed(
        "shipping",
        "How long does delivery take?",
        "كم تستغرق مدة التوصيل؟",
        "Standard delivery takes 2-4 business days and express delivery arrives the next "
        "business day within the city. Store pickup is usually ready within 2 hours.",
        "التوصيل العادي يستغرق من 2 إلى 4 أيام عمل، والتوصيل السريع يصل في يوم العمل التالي "
        "داخل المدينة. أما الاستلام من المتجر فيكون جاهزاً عادةً خلال ساعتين.",
    ),
    FAQSeed(
        "shipping",
        "How much does shipping cost?",
        "كم تكلفة الشحن؟",
        "Standard delivery costs $5 and is free on orders of $100 or more. Express delivery "
        "costs $15 and is free on orders of $500 or more. Store pickup is always free.",
        "التوصيل العادي بـ 5 دولارات ومجاني للطلبات بقيمة 100 دولار أو أكثر. التوصيل السريع "
        "بـ 15 دولاراً ومجاني للطلبات بقيمة 500 دولار أو أكثر. الاستلام من المتجر مجاني دائماً.",
    ),
    FAQSeed(
        "shipping",
        "Do you ship internationally?",
        "هل تشحنون إلى خارج البلد؟",
        "Yes, we ship to most GCC countries, Jordan and Egypt in 5-10 business days. "
        "International shipping is calculated at checkout and customs duties are paid by "
        "the recipient.",
        "نعم، نشحن إلى معظم دول الخليج والأردن ومصر خلال 5 إلى 10 أيام عمل. تُحسب تكلفة الشحن "
        "الدولي عند إتمام الطلب، والرسوم الجمركية على المستلم.",
    ),
    FAQSeed(
        "shipping",
        "Do you deliver on weekends?",
        "هل توصلون في عطلة نهاية الأسبوع؟",
        "We deliver Saturday to Thursday. Orders placed on Friday go out on Saturday morning.",
        "نوصّل الطلبات من السبت إلى الخميس. الطلبات التي تصل يوم الجمعة تُشحن صباح السبت.",
    ),
    FAQSeed(
        "shipping",
        "Can I pick up my order from the store?",
        "هل يمكنني استلام طلبي من المتجر؟",
        "Yes. Choose Store pickup at checkout; we message you when it is ready, usually within "
        "2 hours. Bring your order number and a photo ID.",
        "نعم. اختر «الاستلام من المتجر» عند إتمام الطلب وسنرسل لك رسالة عندما يصبح جاهزاً، "
        "عادةً خلال ساعتين. أحضر رقم الطلب وهوية بها صورة.",
    ),
    # --- orders --------------------------------------------------------------------------
    FAQSeed(
        "orders",
        "How can I track my order?",
        "كيف أتتبع طلبي؟",
        "Send us your order number here on WhatsApp (or type TRACK) and we reply with its "
        "status. Once shipped you also get the courier's tracking link.",
        "أرسل لنا رقم طلبك هنا على واتساب (أو اكتب «تتبع») وسنرد عليك بحالته. وبعد الشحن "
        "يصلك رابط التتبع الخاص بشركة التوصيل.",
    ),
    FAQSeed(
        "orders",
        "Can I cancel my order?",
        "هل يمكنني إلغاء طلبي؟",
        "Yes, you can cancel free of charge until the order ships: just tell us your order "
        "number. Prepaid orders are refunded in full.",
        "نعم، يمكنك الإلغاء مجاناً قبل شحن الطلب، فقط أرسل لنا رقم الطلب. ويُعاد كامل المبلغ "
        "للطلبات المدفوعة مسبقاً.",
    ),
    FAQSeed(
        "orders",
        "Can I change my delivery address after ordering?",
        "هل يمكنني تغيير عنوان التوصيل بعد الطلب؟",
        "Yes, as long as the order has not shipped. Send us the order number and the new "
        "address and we update it.",
        "نعم، ما دام الطلب لم يُشحن بعد. أرسل لنا رقم الطلب والعنوان الجديد وسنقوم بتحديثه.",
    ),
    FAQSeed(
        "orders",
        "Can I change or add items to my order?",
        "هل يمكنني تعديل طلبي أو إضافة منتجات إليه؟",
        "Before it ships we can cancel the order so you can place a new one with the items "
        "you want. Your cart is kept, so it only takes a minute.",
        "قبل الشحن يمكننا إلغاء الطلب لتقوم بطلب جديد بالمنتجات التي تريدها. سلتك تبقى "
        "محفوظة، فلن يستغرق الأمر سوى دقيقة.",
    ),
    FAQSeed(
        "orders",
        "Will I get an invoice?",
        "هل سأحصل على فاتورة؟",
        "Yes. Every order comes with a tax invoice in the box, and we can send a PDF copy "
        "here on WhatsApp or by email. Business invoices with your company name are available.",
        "نعم. كل طلب يأتي معه فاتورة ضريبية داخل الصندوق، ويمكننا إرسال نسخة PDF هنا على "
        "واتساب أو بالبريد الإلكتروني. كما نصدر فواتير باسم شركتك عند الطلب.",
    ),
    FAQSeed(
        "orders",
        "Do you offer gift wrapping?",
        "هل تقدمون خدمة تغليف الهدايا؟",
        "Yes, gift wrapping with a printed card costs $3 per item. Mention it in your order "
        "notes and we hide the price from the packing slip.",
        "نعم، تغليف الهدايا مع بطاقة مطبوعة بـ 3 دولارات لكل منتج. اذكر ذلك في ملاحظات الطلب "
        "وسنخفي السعر من إيصال التغليف.",
    ),
    FAQSeed(
        "orders",
        "What if an item is out of stock?",
        "ماذا لو كان المنتج غير متوفر؟",
        "We show stock live. If an item is out of stock, ask us to notify you when it is back, "
        "or we suggest a similar model that is available now.",
        "نعرض المخزون بشكل مباشر. إذا كان المنتج غير متوفر، اطلب منا إشعارك عند توفره، أو "
        "سنقترح عليك موديلاً مشابهاً متوفراً الآن.",
    ),
    # --- payment -------------------------------------------------------------------------
    FAQSeed(
        "payment",
        "What payment methods do you accept?",
        "ما طرق الدفع المتاحة؟",
        "Cash on delivery, bank transfer, and a secure card payment link (Visa, Mastercard, "
        "Apple Pay, Google Pay).",
        "الدفع عند الاستلام، والتحويل البنكي، ورابط دفع آمن بالبطاقة (فيزا، ماستركارد، "
        "Apple Pay، Google Pay).",
    ),
    FAQSeed(
        "payment",
        "Do you offer cash on delivery?",
        "هل يتوفر الدفع عند الاستلام؟",
        "Yes, cash on delivery is available for orders up to $3,000. The courier also accepts "
        "cards at the door.",
        "نعم، الدفع عند الاستلام متاح للطلبات حتى 3,000 دولار. كما يقبل المندوب الدفع "
        "بالبطاقة عند الباب.",
    ),
    FAQSeed(
        "payment",
        "Can I pay in installments?",
        "هل يمكنني الدفع بالتقسيط؟",
        "Yes, for orders above $300 you can split the payment into 4 interest-free monthly "
        "installments through our card payment link.",
        "نعم، للطلبات التي تزيد عن 300 دولار يمكنك تقسيم المبلغ على 4 دفعات شهرية بدون فوائد "
        "عبر رابط الدفع بالبطاقة.",
    ),
    FAQSeed(
        "payment",
        "How do I pay by bank transfer?",
        "كيف أدفع عن طريق التحويل البنكي؟",
        "Choose Bank transfer at checkout. Transfer the total to IBAN GB82 WEST 1234 5698 7654 "
        "32 with your order number as the reference; we ship once it arrives.",
        "اختر «تحويل بنكي» عند إتمام الطلب، ثم حوّل المبلغ إلى الآيبان "
        "GB82 WEST 1234 5698 7654 32 مع كتابة رقم الطلب كمرجع، وسنشحن الطلب فور وصول المبلغ.",
    ),
    FAQSeed(
        "payment",
        "Is it safe to pay by card?",
        "هل الدفع بالبطاقة آمن؟",
        "Yes. Card payments go through a PCI-DSS certified payment provider with 3-D Secure; "
        "we never see or store your card number.",
        "نعم. تتم عمليات الدفع بالبطاقة عبر مزود دفع معتمد PCI-DSS مع التحقق الآمن 3-D "
        "Secure، ولا نطّلع على رقم بطاقتك ولا نحفظه.",
    ),
    FAQSeed(
        "payment",
        "My payment link expired, what do I do?",
        "انتهت صلاحية رابط الدفع، ماذا أفعل؟",
        "Links are valid for 24 hours. Reply with your order number and we send you a new one.",
        "الروابط صالحة لمدة 24 ساعة. أرسل لنا رقم طلبك وسنرسل لك رابطاً جديداً.",
    ),
    # --- returns & refunds ---------------------------------------------------------------
    FAQSeed(
        "returns",
        "What is your return policy?",
        "ما هي سياسة الإرجاع؟",
        "You can return any item within 14 days of delivery if it is unused and in its "
        "original packaging. Opened phones and laptops can be returned within 7 days if faulty.",
        "يمكنك إرجاع أي منتج خلال 14 يوماً من الاستلام إذا كان غير مستخدم وفي عبوته الأصلية. "
        "الهواتف واللابتوبات المفتوحة يمكن إرجاعها خلال 7 أيام في حال وجود عيب.",
    ),
    FAQSeed(
        "returns",
        "How do I return an item?",
        "كيف أرجع منتجاً؟",
        "Send us your order number and the item you want to return. We book a free courier "
        "pickup, or you can bring it to the store.",
        "أرسل لنا رقم الطلب والمنتج الذي تريد إرجاعه. سنحجز لك استلاماً مجانياً من المندوب، "
        "أو يمكنك إحضاره إلى المتجر.",
    ),
    FAQSeed(
        "refunds",
        "How long do refunds take?",
        "كم يستغرق استرداد المبلغ؟",
        "We refund within 3 business days after we receive the return. Card refunds then take "
        "5-10 days to appear; bank transfers 1-3 days.",
        "نعيد المبلغ خلال 3 أيام عمل من استلام المرتجع. بعدها يظهر المبلغ على البطاقة خلال "
        "5 إلى 10 أيام، وفي التحويل البنكي خلال 1 إلى 3 أيام.",
    ),
    FAQSeed(
        "returns",
        "My item arrived damaged, what should I do?",
        "وصلني المنتج تالفاً، ماذا أفعل؟",
        "Sorry about that! Send us photos of the item and the box within 48 hours and we "
        "replace it free of charge or refund you in full.",
        "نعتذر عن ذلك! أرسل لنا صوراً للمنتج والعلبة خلال 48 ساعة وسنستبدله مجاناً أو نعيد "
        "لك كامل المبلغ.",
    ),
    FAQSeed(
        "returns",
        "I received the wrong item, what now?",
        "وصلني منتج غير الذي طلبته، ماذا أفعل؟",
        "Tell us your order number and we collect the wrong item and deliver the right one "
        "at no cost to you.",
        "أرسل لنا رقم الطلب وسنستلم المنتج الخاطئ ونوصل لك المنتج الصحيح دون أي تكلفة عليك.",
    ),
    # --- warranty ------------------------------------------------------------------------
    FAQSeed(
        "warranty",
        "Do your products come with a warranty?",
        "هل منتجاتكم عليها ضمان؟",
        "Yes. Every product has the official manufacturer warranty: 1 year for most devices "
        "and 2 years for laptops and TVs. Keep your invoice as proof of purchase.",
        "نعم. جميع المنتجات عليها ضمان الوكيل الرسمي: سنة واحدة لمعظم الأجهزة وسنتان "
        "للابتوبات والتلفزيونات. احتفظ بالفاتورة كإثبات للشراء.",
    ),
    FAQSeed(
        "warranty",
        "How do I make a warranty claim?",
        "كيف أطلب خدمة الضمان؟",
        "Send us your order number and a short description of the problem. We arrange a "
        "repair or replacement with the brand's service centre.",
        "أرسل لنا رقم طلبك ووصفاً قصيراً للمشكلة، وسنرتب الإصلاح أو الاستبدال مع مركز صيانة "
        "الشركة المصنعة.",
    ),
    FAQSeed(
        "warranty",
        "Do you sell extended warranty?",
        "هل تبيعون ضماناً إضافياً؟",
        "Yes, you can add 1 or 2 extra years of cover for phones, laptops and TVs, including "
        "accidental damage for phones.",
        "نعم، يمكنك إضافة سنة أو سنتين من الضمان الإضافي للهواتف واللابتوبات والتلفزيونات، "
        "ويشمل الضرر العرضي للهواتف.",
    ),
    # --- store ---------------------------------------------------------------------------
    FAQSeed(
        "store",
        "What are your opening hours?",
        "ما هي مواعيد العمل؟",
        "We are open Saturday to Thursday 10:00-22:00 and Friday 14:00-22:00. WhatsApp "
        "orders are accepted 24/7.",
        "نعمل من السبت إلى الخميس من 10:00 إلى 22:00، والجمعة من 14:00 إلى 22:00. ونستقبل "
        "الطلبات عبر واتساب على مدار الساعة.",
    ),
    FAQSeed(
        "store",
        "Where is your store located?",
        "أين يقع متجركم؟",
        "Our showroom is at 12 King Fahd Road, ground floor of the Volt Tower, with free "
        "parking. Type LOCATION to get a map pin.",
        "صالة العرض في 12 طريق الملك فهد، الطابق الأرضي في برج فولت، مع مواقف مجانية. اكتب "
        "«الموقع» لتصلك الخريطة.",
    ),
    FAQSeed(
        "store",
        "How can I contact customer support?",
        "كيف أتواصل مع خدمة العملاء؟",
        "Right here on WhatsApp, by phone on +1 555 010 2030, or by email at "
        "support@volt-electronics.example. Type AGENT to talk to a person.",
        "هنا عبر واتساب، أو بالهاتف على 2030 010 555 1+، أو بالبريد "
        "support@volt-electronics.example. اكتب «موظف» للتحدث مع شخص.",
    ),
    # --- products ------------------------------------------------------------------------
    FAQSeed(
        "products",
        "Are your products genuine?",
        "هل منتجاتكم أصلية؟",
        "Yes, 100%. We buy only from official distributors, and every device comes sealed "
        "with the manufacturer's warranty.",
        "نعم، أصلية 100%. نشتري فقط من الموزعين الرسميين، وكل جهاز يصل مغلقاً بضمان الشركة المصنعة.",
    ),
    FAQSeed(
        "products",
        "Are your phones unlocked and do they support Arabic?",
        "هل الهواتف مفتوحة لجميع الشبكات وتدعم اللغة العربية؟",
        "Yes, all phones are unlocked for every carrier and support Arabic and English out of "
        "the box. Most support dual SIM or eSIM.",
        "نعم، جميع الهواتف مفتوحة لكل شركات الاتصالات وتدعم العربية والإنجليزية مباشرة، "
        "ومعظمها يدعم شريحتين أو الشريحة الإلكترونية eSIM.",
    ),
    FAQSeed(
        "products",
        "Can you help me transfer data to my new phone?",
        "هل يمكنكم مساعدتي في نقل البيانات إلى هاتفي الجديد؟",
        "Yes, free in store: we move your contacts, photos and WhatsApp chats to your new "
        "phone, Android or iPhone, in about 30 minutes.",
        "نعم، مجاناً في المتجر: ننقل جهات الاتصال والصور ومحادثات واتساب إلى هاتفك الجديد، "
        "أندرويد أو آيفون، خلال 30 دقيقة تقريباً.",
    ),
    # --- pricing -------------------------------------------------------------------------
    FAQSeed(
        "pricing",
        "Do you match competitors' prices?",
        "هل تطابقون أسعار المنافسين؟",
        "Yes. If a local authorised store sells the same new item cheaper, send us the link "
        "and we match the price.",
        "نعم. إذا وجدت نفس المنتج الجديد بسعر أقل لدى متجر محلي معتمد، أرسل لنا الرابط "
        "وسنطابق السعر.",
    ),
    FAQSeed(
        "pricing",
        "Do you have a student discount?",
        "هل يوجد خصم للطلاب؟",
        "Yes, students get 5% off laptops and tablets. Send a photo of a valid student ID "
        "before you order.",
        "نعم، يحصل الطلاب على خصم 5% على اللابتوبات والأجهزة اللوحية. أرسل صورة بطاقة طالب "
        "سارية قبل الطلب.",
    ),
    FAQSeed(
        "pricing",
        "Can I trade in my old device?",
        "هل يمكنني استبدال جهازي القديم؟",
        "Yes, we accept phones, tablets and laptops in working condition. Send the model and "
        "a photo and we quote a trade-in credit for your new purchase.",
        "نعم، نقبل الهواتف والأجهزة اللوحية واللابتوبات بحالة تشغيل جيدة. أرسل الموديل وصورة "
        "وسنعطيك قيمة الاستبدال لخصمها من مشترياتك الجديدة.",
    ),
    FAQSeed(
        "pricing",
        "Are prices inclusive of tax?",
        "هل الأسعار شاملة الضريبة؟",
        "Yes, every price we show includes VAT. Shipping is shown separately at checkout.",
        "نعم، جميع الأسعار المعروضة شاملة ضريبة القيمة المضافة. وتظهر تكلفة الشحن بشكل منفصل "
        "عند إتمام الطلب.",
    ),
    # --- account -------------------------------------------------------------------------
    FAQSeed(
        "account",
        "How do I stop receiving messages?",
        "كيف أوقف استلام الرسائل؟",
        "Type STOP at any time and we will not message you again. Type START to opt back in.",
        "اكتب «إيقاف» في أي وقت ولن نرسل لك رسائل بعدها. واكتب «ابدأ» لإعادة الاشتراك.",
    ),
)
