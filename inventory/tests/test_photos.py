"""Product photos: upload validation, thumbnails, the public link the bot sends to Meta,
media serving, and Shopify-synced image URLs living next to uploaded photos."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from connectors.shopify_admin.client import ShopifyClient
from connectors.shopify_admin.product_sync import sync_products
from connectors.shopify_admin.tests.fake_shopify import VERSION, RestShop, product
from inventory.models import Product
from inventory.photos import photo_validate, product_image_link, product_photo_thumbnail_refresh
from tests.factories import ProductFactory
from wa_gateway.tests import payloads
from wa_gateway.tests.fixtures import graph, post_webhook  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

WA_ID = "966530000077"


def image_bytes(image_format: str = "PNG", size: tuple[int, int] = (640, 480)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=image_format)
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def media(settings, tmp_path):
    """Uploads land in a temporary MEDIA_ROOT, published under a public base URL."""
    settings.MEDIA_ROOT = str(tmp_path)
    settings.MEDIA_BASE_URL = "https://media.shop.example/m"
    settings.MEDIA_URL = "https://media.shop.example/m/"
    return tmp_path


@pytest.fixture
def superuser_client(django_user_model) -> Client:
    user = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw")
    client = Client()
    client.force_login(user)
    return client


def _change_form(product: Product, **overrides) -> dict:
    data = {
        "sku": product.sku,
        "active": "on",
        "brand": product.brand_id,
        "category": product.category_id,
        "name_en": product.name_en,
        "name_ar": product.name_ar,
        "description_en": product.description_en,
        "description_ar": product.description_ar,
        "price": str(product.price),
        "compare_at_price": "",
        "currency": product.currency,
        "stock": product.stock,
        "image_url": product.image_url,
        "specs": "{}",
    }
    data.update(overrides)
    return data


# --- validation ---------------------------------------------------------------------------
def test_a_png_photo_passes_validation() -> None:
    photo_validate(upload("ok.png", image_bytes("PNG")))


@pytest.mark.parametrize("image_format", ["GIF", "BMP", "WEBP"])
def test_an_image_whatsapp_cannot_show_is_refused(image_format: str) -> None:
    with pytest.raises(ValidationError) as exc:
        photo_validate(upload(f"x.{image_format.lower()}", image_bytes(image_format)))
    assert exc.value.code == "photo_type"


def test_a_file_named_like_an_image_but_not_one_is_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        photo_validate(upload("evil.jpg", b"<?php echo 1; ?>" * 10, "image/jpeg"))
    assert exc.value.code == "photo_unreadable"


def test_a_photo_over_the_size_cap_is_refused(settings) -> None:
    settings.PRODUCT_PHOTO_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as exc:
        photo_validate(upload("big.png", image_bytes("PNG", (800, 800))))
    assert exc.value.code == "photo_too_large"


# --- admin upload -------------------------------------------------------------------------
def test_staff_upload_a_photo_and_the_list_shows_its_thumbnail(media, superuser_client) -> None:
    # given
    product = ProductFactory(sku="PH-1", image_url="https://cdn.shopify.example/p.jpg")
    url = reverse("admin:inventory_product_change", args=[product.pk])
    # when
    response = superuser_client.post(
        url, _change_form(product, photo=upload("phone.jpg", image_bytes("JPEG"), "image/jpeg"))
    )
    # then
    assert response.status_code == 302, response.context["adminform"].form.errors
    product.refresh_from_db()
    assert product.photo.name.startswith("products/ph-1-") and product.photo.name.endswith(".jpg")
    assert product.photo_thumbnail.name.startswith("products/thumbnails/ph-1-")
    with Image.open(media / product.photo_thumbnail.name) as thumb:
        assert max(thumb.size) <= 160
    listing = superuser_client.get(reverse("admin:inventory_product_changelist")).content.decode()
    assert f"https://media.shop.example/m/{product.photo_thumbnail.name}" in listing
    assert product.image_url == "https://cdn.shopify.example/p.jpg"  # kept, but outranked


def test_the_admin_refuses_a_gif_and_stores_nothing(media, superuser_client) -> None:
    # given
    product = ProductFactory()
    url = reverse("admin:inventory_product_change", args=[product.pk])
    # when
    response = superuser_client.post(
        url, _change_form(product, photo=upload("anim.gif", image_bytes("GIF"), "image/gif"))
    )
    # then
    assert response.status_code == 200
    assert "photo" in response.context["adminform"].form.errors
    product.refresh_from_db()
    assert not product.photo
    assert not any(media.rglob("*.gif"))


def test_the_stored_name_takes_its_extension_from_the_image_not_the_upload(
    media, superuser_client
) -> None:
    # given: a JPEG named like a PNG
    product = ProductFactory(sku="X-1")
    url = reverse("admin:inventory_product_change", args=[product.pk])
    # when
    superuser_client.post(
        url, _change_form(product, photo=upload("photo.png", image_bytes("JPEG"), "image/png"))
    )
    # then: stored (and so served) as what it is
    product.refresh_from_db()
    assert product.photo.name.startswith("products/x-1-")
    assert product.photo.name.endswith(".jpg")


def test_clearing_the_photo_drops_its_thumbnail(
    media, superuser_client, django_capture_on_commit_callbacks
) -> None:
    # given
    product = ProductFactory()
    product.photo.save("cam.png", upload("cam.png", image_bytes()), save=True)
    with django_capture_on_commit_callbacks(execute=True):
        product_photo_thumbnail_refresh(product=product)
    old_thumbnail = media / product.photo_thumbnail.name
    assert old_thumbnail.exists()
    url = reverse("admin:inventory_product_change", args=[product.pk])
    # when
    with django_capture_on_commit_callbacks(execute=True):
        superuser_client.post(url, _change_form(product, **{"photo-clear": "on"}))
    # then
    product.refresh_from_db()
    assert not product.photo and not product.photo_thumbnail
    assert not old_thumbnail.exists()


def test_a_product_with_a_stored_photo_saves_without_reading_the_file_again(
    media, superuser_client
) -> None:
    # given: the photo's file went missing from storage (e.g. a restored database)
    product = ProductFactory()
    product.photo.save("gone.png", upload("gone.png", image_bytes()), save=True)
    (media / product.photo.name).unlink()
    url = reverse("admin:inventory_product_change", args=[product.pk])
    # when: staff change only the price
    response = superuser_client.post(url, _change_form(product, price="79.00"))
    # then
    assert response.status_code == 302
    product.refresh_from_db()
    assert str(product.price) == "79.00"


# --- the link sent to Meta ----------------------------------------------------------------
def test_an_uploaded_photo_wins_over_the_image_url(media) -> None:
    # given
    product = ProductFactory(image_url="https://cdn.shopify.example/p.jpg")
    product.photo.save("p.png", upload("p.png", image_bytes()), save=True)
    # then
    assert product_image_link(product=product) == f"https://media.shop.example/m/{product.photo}"


def test_without_a_photo_the_image_url_is_sent(media) -> None:
    product = ProductFactory(image_url="https://cdn.shopify.example/p.jpg")
    assert product_image_link(product=product) == "https://cdn.shopify.example/p.jpg"


def test_a_photo_without_a_public_base_url_is_not_sent_as_a_relative_link(
    settings, tmp_path
) -> None:
    # given: no MEDIA_BASE_URL, so the storage only knows /media/...
    settings.MEDIA_ROOT = str(tmp_path)
    settings.MEDIA_BASE_URL = ""
    settings.MEDIA_URL = "/media/"
    product = ProductFactory(image_url="https://cdn.shopify.example/p.jpg")
    product.photo.save("p.png", upload("p.png", image_bytes()), save=True)
    # then
    assert product_image_link(product=product) == "https://cdn.shopify.example/p.jpg"


def test_the_product_card_sent_to_meta_carries_the_photo_link(
    media,
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
) -> None:
    # given
    product = ProductFactory(sku="CAM-1", image_url="https://cdn.shopify.example/cam.jpg")
    product.photo.save("cam.png", upload("cam.png", image_bytes()), save=True)
    # when
    post_webhook(payloads.button_reply(WA_ID, "prd:CAM-1", "Camera"))
    # then
    headers = [
        body["interactive"]["header"]
        for body in graph.sends
        if body.get("type") == "interactive" and "header" in body.get("interactive", {})
    ]
    assert headers == [
        {"type": "image", "image": {"link": f"https://media.shop.example/m/{product.photo}"}}
    ]


# --- Shopify-synced images ----------------------------------------------------------------
def test_a_shopify_sync_updates_image_url_and_keeps_the_uploaded_photo(media, httpserver) -> None:
    # given: a synced product that staff gave a photo
    RestShop(httpserver, [[product(1)]])
    shop = ShopifyClient(
        store_url=httpserver.url_for("").rstrip("/"),
        token="shpat_test",
        api_version=VERSION,
        timeout=5,
        sleep=lambda _s: None,
    )
    sync_products(client=shop, api="rest", full=True)
    synced = Product.objects.get(sku="SKU-1")
    synced.photo.save("mine.png", upload("mine.png", image_bytes()), save=True)
    # when
    sync_products(client=shop, api="rest", full=True)
    # then
    synced.refresh_from_db()
    assert synced.image_url == "https://cdn.example.com/1.jpg"
    assert synced.photo.name.startswith("products/sku-1-")
    assert product_image_link(product=synced).startswith("https://media.shop.example/m/")


# --- serving ------------------------------------------------------------------------------
def test_django_serves_media_only_when_told_to(settings, tmp_path, client) -> None:
    # given: the default /media/ prefix (MEDIA_BASE_URL's path decides the route)
    settings.MEDIA_ROOT = str(tmp_path)
    (tmp_path / "products").mkdir()
    (tmp_path / "products" / "a.png").write_bytes(image_bytes())
    # when / then
    settings.MEDIA_SERVE = False
    assert client.get("/media/products/a.png").status_code == 404
    settings.MEDIA_SERVE = True
    response = client.get("/media/products/a.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
