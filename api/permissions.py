"""Who may call the staff endpoints."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.permissions import BasePermission, DjangoModelPermissions
from rest_framework.request import Request

_VIEW = ["%(app_label)s.view_%(model_name)s"]


class StaffModelPermissions(DjangoModelPermissions):
    """Staff accounts holding the model's Django permissions: the same roles that staff have
    in the admin (a "support" group that may view chats but not orders, ...). Reads need the
    `view_` permission, which DRF's default mapping does not require."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": _VIEW,
        "HEAD": _VIEW,
        "OPTIONS": _VIEW,
    }

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_staff):
            return False
        return super().has_permission(request, view)


class ApiDocsPermission(BasePermission):
    """The OpenAPI schema and Swagger UI describe every staff endpoint: staff only, unless
    API_DOCS_PUBLIC (dev) says otherwise. Read per request, so tests can switch it."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if settings.API_DOCS_PUBLIC:
            return True
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff)
