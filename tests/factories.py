"""factory_boy factories for the domain models, shared by every app's tests."""

from __future__ import annotations

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory


class CustomerFactory(DjangoModelFactory):
    class Meta:
        model = "users.Customer"
        django_get_or_create = ("wa_id",)

    wa_id = factory.Sequence(lambda n: f"9665{n:08d}")
    phone = factory.SelfAttribute("wa_id")
    profile_name = factory.Faker("first_name")
    language = "en"


class BrandFactory(DjangoModelFactory):
    class Meta:
        model = "brandkit.Brand"
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"brand-{n}")
    name_en = factory.Sequence(lambda n: f"Brand {n}")
    name_ar = factory.Sequence(lambda n: f"علامة {n}")


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = "inventory.Category"
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"category-{n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    name_ar = factory.Sequence(lambda n: f"فئة {n}")


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = "inventory.Product"

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    brand = factory.SubFactory(BrandFactory)
    category = factory.SubFactory(CategoryFactory)
    name_en = factory.Sequence(lambda n: f"Gadget {n}")
    name_ar = factory.Sequence(lambda n: f"جهاز {n}")
    description_en = "A useful gadget."
    description_ar = "جهاز مفيد."
    price = Decimal("99.99")
    currency = "USD"
    stock = 10
    active = True


class ShippingOptionFactory(DjangoModelFactory):
    class Meta:
        model = "orders.ShippingOption"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"ship-{n}")
    name_en = "Standard delivery"
    name_ar = "توصيل عادي"
    price = Decimal("5.00")
    currency = "USD"


class PaymentOptionFactory(DjangoModelFactory):
    class Meta:
        model = "payments.PaymentOption"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"pay-{n}")
    kind = "cod"
    name_en = "Cash on delivery"
    name_ar = "الدفع عند الاستلام"
    instructions_en = "Pay the courier in cash."
    instructions_ar = "ادفع للمندوب نقداً."


class FAQFactory(DjangoModelFactory):
    class Meta:
        model = "helpdesk.FAQ"

    topic = "shipping"
    question_en = factory.Sequence(lambda n: f"Question {n}?")
    question_ar = factory.Sequence(lambda n: f"سؤال {n}؟")
    answer_en = "An answer."
    answer_ar = "إجابة."


class ChatFactory(DjangoModelFactory):
    class Meta:
        model = "conversation_log.Chat"

    customer = factory.SubFactory(CustomerFactory)


class OutboundMessageFactory(DjangoModelFactory):
    """A reply we sent: Graph returned its wamid, Meta has not reported on it yet."""

    class Meta:
        model = "conversation_log.Message"

    chat = factory.SubFactory(ChatFactory)
    direction = "out"
    msg_type = "text"
    body = factory.LazyFunction(lambda: {"type": "text", "text": {"body": "hi"}})
    text = "hi"
    wamid = factory.Sequence(lambda n: f"wamid.OUT{n:06d}")
    status = "sent"
