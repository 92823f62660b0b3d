"""The ASGI application (production settings unless DJANGO_SETTINGS_MODULE says otherwise)."""

from django.core.asgi import get_asgi_application

from project_core.entry import settings_module_default

settings_module_default()

application = get_asgi_application()
