"""Uploaded media (product photos) served by Django itself, when MEDIA_SERVE is on.

For development and single-box setups only: in production the web server in front of the
app serves MEDIA_ROOT under MEDIA_BASE_URL (or the storage, e.g. S3, serves its own URLs),
so MEDIA_SERVE stays off there. Checked per request, so tests can turn it on."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, re_path
from django.views.static import serve


def media_serve(request: HttpRequest, path: str) -> HttpResponse:
    if not settings.MEDIA_SERVE:
        raise Http404("media is served by the web server")
    return serve(request, path, document_root=settings.MEDIA_ROOT)


def media_urls() -> list[URLPattern]:
    """The route for MEDIA_URL's path (MEDIA_URL may be absolute: MEDIA_BASE_URL)."""
    prefix = urlsplit(settings.MEDIA_URL).path.strip("/")
    if not prefix:
        return []
    return [re_path(rf"^{re.escape(prefix)}/(?P<path>.+)$", media_serve, name="media")]
