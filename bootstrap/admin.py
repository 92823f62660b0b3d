"""Third-party admin screens (django-celery-beat, django-axes) with every action guarded by
a permission.

The package's own PeriodicTask admin offers enable, disable, toggle and run to anyone who
may view the list; disabling a schedule stops housekeeping such as the data-retention
purge. The schedules are ours (`setup_schedules`), so we re-register that admin here with
each action requiring `django_celery_beat.change_periodictask`. django-axes' lockout list
offers "clean up expired attempts" (a delete) to viewers: it needs the delete permission.
"""

from __future__ import annotations

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django_celery_beat.admin import PeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask


class GuardedPeriodicTaskAdmin(PeriodicTaskAdmin):
    """The package's admin, unchanged except that its actions need the change permission."""

    @admin.action(
        description=PeriodicTaskAdmin.enable_tasks.short_description, permissions=["change"]
    )
    def enable_tasks(self, request: HttpRequest, queryset: QuerySet[PeriodicTask]) -> None:
        super().enable_tasks(request, queryset)

    @admin.action(
        description=PeriodicTaskAdmin.disable_tasks.short_description, permissions=["change"]
    )
    def disable_tasks(self, request: HttpRequest, queryset: QuerySet[PeriodicTask]) -> None:
        super().disable_tasks(request, queryset)

    @admin.action(
        description=PeriodicTaskAdmin.toggle_tasks.short_description, permissions=["change"]
    )
    def toggle_tasks(self, request: HttpRequest, queryset: QuerySet[PeriodicTask]) -> None:
        super().toggle_tasks(request, queryset)

    @admin.action(description=PeriodicTaskAdmin.run_tasks.short_description, permissions=["change"])
    def run_tasks(self, request: HttpRequest, queryset: QuerySet[PeriodicTask]) -> None:
        super().run_tasks(request, queryset)


# Importing django_celery_beat.admin (above) registered the package's admin: replace it.
admin.site.unregister(PeriodicTask)
admin.site.register(PeriodicTask, GuardedPeriodicTaskAdmin)


class GuardedAccessAttemptAdmin(AccessAttemptAdmin):
    @admin.action(
        description=AccessAttemptAdmin.cleanup_expired_attempts.short_description,
        permissions=["delete"],
    )
    def cleanup_expired_attempts(
        self, request: HttpRequest, queryset: QuerySet[AccessAttempt]
    ) -> None:
        super().cleanup_expired_attempts(request, queryset)


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, GuardedAccessAttemptAdmin)
