"""Product photos: what an upload must be, its thumbnail for staff lists, and the public
link the bot sends to Meta.

Files go through Django's storage API (`STORAGES["default"]`: the filesystem under
MEDIA_ROOT by default, S3-compatible storage by settings), so nothing here knows where the
bytes live. An uploaded photo wins over the product's `image_url` (a Shopify or seed link).
"""

from __future__ import annotations

import logging
import posixpath
import secrets
from io import BytesIO
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

if TYPE_CHECKING:
    from django.core.files import File

    from .models import Product

logger = logging.getLogger(__name__)

# What WhatsApp accepts as an image message / header (Meta: image/jpeg and image/png).
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png"}
# Larger than any phone photo; above it Pillow's decompression-bomb guard territory begins.
MAX_PIXELS = 40_000_000
THUMBNAIL_SIZE = (160, 160)


def photo_validate(file: File) -> None:
    """Refuse an upload that is too large or is not a real JPEG or PNG image (the bytes
    are decoded; the file name and the browser's content type are not trusted). A photo
    already in storage was checked when it was uploaded and is not read again."""
    if getattr(file, "_committed", False):
        return
    limit = settings.PRODUCT_PHOTO_MAX_BYTES
    if file.size is not None and file.size > limit:
        raise ValidationError(
            _("The photo is %(size)s; the limit is %(limit)s."),
            code="photo_too_large",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
        )
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            _("The file is not a readable image."), code="photo_unreadable"
        ) from exc
    finally:
        file.seek(position)
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(
            _("Upload a JPEG or PNG photo (WhatsApp shows no other image type)."),
            code="photo_type",
        )
    if width * height > MAX_PIXELS:
        raise ValidationError(
            _("The photo is %(width)s×%(height)s pixels; make it smaller."),
            code="photo_too_many_pixels",
            params={"width": width, "height": height},
        )


def photo_upload_to(instance: Product, filename: str) -> str:
    """Where an upload is stored: `products/<sku>-<random>.<jpg|png>`. The extension comes
    from the decoded image, never from the uploaded name, so a file served from MEDIA_ROOT
    is always served as an image (a PNG named `x.html` must not become an HTML page)."""
    named = posixpath.splitext(filename)[1].lower().lstrip(".")
    extension = "png" if named == "png" else "jpg"
    try:
        upload = instance.photo.file if instance.photo else None
    except (ValueError, OSError):  # saved through FieldFile.save(): only the name is known
        upload = None
    if upload is not None:
        position = upload.tell()
        try:
            upload.seek(0)
            with Image.open(upload) as image:
                extension = ALLOWED_FORMATS.get(image.format or "", "jpg")
        except (UnidentifiedImageError, OSError):
            pass
        finally:
            upload.seek(position)
    stem = slugify(instance.sku or posixpath.splitext(filename)[0])[:60] or "photo"
    return f"products/{stem}-{secrets.token_hex(4)}.{extension}"


def _thumbnail_bytes(file: File) -> tuple[bytes, str]:
    file.seek(0)
    with Image.open(file) as image:
        image_format = image.format if image.format in ALLOWED_FORMATS else "JPEG"
        image.thumbnail(THUMBNAIL_SIZE)
        if image_format == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        out = BytesIO()
        image.save(out, format=image_format)
    return out.getvalue(), ALLOWED_FORMATS[image_format]


@transaction.atomic
def product_photo_thumbnail_refresh(*, product: Product) -> Product:
    """(Re)build the small copy of the product's photo shown in staff lists, or drop it
    when the photo was removed. The previous thumbnail file is deleted after commit."""
    from .models import Product

    old_name = product.photo_thumbnail.name if product.photo_thumbnail else ""
    new_thumbnail: str = ""
    if product.photo:
        data, extension = _thumbnail_bytes(product.photo.file)
        stem = posixpath.splitext(posixpath.basename(product.photo.name))[0]
        field = Product._meta.get_field("photo_thumbnail")
        new_thumbnail = field.storage.save(
            f"products/thumbnails/{stem}.{extension}", ContentFile(data)
        )
    Product.objects.filter(pk=product.pk).update(photo_thumbnail=new_thumbnail)
    product.photo_thumbnail.name = new_thumbnail
    if old_name and old_name != new_thumbnail:
        storage = product.photo_thumbnail.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return product


def product_image_link(*, product: Product) -> str:
    """The absolute public URL of the product's picture for Meta to fetch: the uploaded
    photo under MEDIA_BASE_URL (or the storage's own public URL) when there is one, else
    the product's `image_url` (e.g. from Shopify); "" when there is no usable picture.

    An uploaded photo without a public base URL is not sent: Meta cannot fetch a relative
    path, and a message with an unfetchable header image fails."""
    if product.photo:
        url = product.photo.url
        if url.startswith(("https://", "http://")):
            return url
        logger.warning(
            "product %s has a photo but MEDIA_BASE_URL is not set: sending its image_url",
            product.sku,
        )
    return product.image_url
