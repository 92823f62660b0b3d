"""The floor for bench/webhook_ack.py: a bare Django view that returns 200, minimal settings
(no middleware, no database), served by the same gunicorn configuration as the project.

    gunicorn -c gunicorn.conf.py bench._bare_wsgi:application

Running this file directly only checks that it configures (`make bench` runs bench/*.py)."""

from __future__ import annotations

import sys

import django
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-bare-view-not-a-secret-" + "x" * 32,
        ALLOWED_HOSTS=["127.0.0.1"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
        DATABASES={},
        USE_TZ=True,
        DATA_UPLOAD_MAX_MEMORY_SIZE=3 * 1024 * 1024,
    )
    django.setup()


@csrf_exempt
def ok(request: HttpRequest) -> HttpResponse:
    request.body  # read the payload, as the webhook does  # noqa: B018
    return HttpResponse(b'{"status": "ok"}', content_type="application/json")


urlpatterns = [path("healthz", ok), path("hook/", ok)]

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()

if __name__ == "__main__":
    sys.exit(0)
