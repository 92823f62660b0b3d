"""FAQ variants: other wordings of an FAQ's question, added once and shown in its admin."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from helpdesk.models import FAQVariant
from helpdesk.services import faq_variant_add
from tests.factories import FAQFactory

pytestmark = pytest.mark.django_db


def test_faq_variant_add_stores_the_wording_tidied() -> None:
    # given
    faq = FAQFactory()

    # when
    variant = faq_variant_add(faq=faq, language="en", text="  cash on   delivery available? ")

    # then
    assert variant.text == "cash on delivery available?"
    assert list(faq.variants.values_list("language", "text")) == [
        ("en", "cash on delivery available?")
    ]


def test_adding_the_same_wording_twice_keeps_one_row() -> None:
    # given
    faq = FAQFactory()
    first = faq_variant_add(faq=faq, language="ar", text="في دفع عند الاستلام")

    # when
    second = faq_variant_add(faq=faq, language="ar", text=" في دفع عند الاستلام ")

    # then
    assert second.pk == first.pk
    assert FAQVariant.objects.count() == 1


def test_the_same_wording_may_exist_in_another_faq() -> None:
    # given: the constraint is per FAQ; the seed data keeps wordings unambiguous
    faq_variant_add(faq=FAQFactory(), language="en", text="cod?")

    # when
    faq_variant_add(faq=FAQFactory(), language="en", text="cod?")

    # then
    assert FAQVariant.objects.count() == 2


@pytest.mark.parametrize(
    ("language", "text"), [("en", ""), ("en", "   "), ("fr", "paiement?"), ("en", "x" * 301)]
)
def test_faq_variant_add_refuses_bad_input(language: str, text: str) -> None:
    # when / then
    with pytest.raises(ValueError):
        faq_variant_add(faq=FAQFactory(), language=language, text=text)
    assert not FAQVariant.objects.exists()


def test_faq_admin_edits_variants_inline(django_user_model) -> None:
    # given
    faq = FAQFactory()
    faq_variant_add(faq=faq, language="en", text="cod?")
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("boss", "b@example.com", "pw"))

    # when
    response = client.get(reverse("admin:helpdesk_faq_change", args=[faq.pk]))

    # then
    assert response.status_code == 200
    assert 'name="variants-TOTAL_FORMS"' in response.content.decode()
    assert "cod?" in response.content.decode()
