"""Schedule the incremental catalog sync with django-celery-beat.

The entry has the same name, task and timing as bootstrap's `setup_schedules`, so that command
finds it and keeps it; staff change or pause it in admin (Periodic tasks)."""

from django.conf import settings
from django.db import migrations

NAME = "Shopify catalog sync"
TASK = "connectors.shopify_admin.sync_products"
CRONTAB = {"minute": "40", "hour": "*/6"}


def create_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    if PeriodicTask.objects.filter(name=NAME).exists():
        return
    fields = {
        "minute": CRONTAB["minute"],
        "hour": CRONTAB["hour"],
        "day_of_week": "*",
        "day_of_month": "*",
        "month_of_year": "*",
        "timezone": getattr(settings, "CELERY_TIMEZONE", None) or settings.TIME_ZONE,
    }
    crontab = CrontabSchedule.objects.filter(**fields).first()
    if crontab is None:
        crontab = CrontabSchedule.objects.create(**fields)
    PeriodicTask.objects.create(
        name=NAME,
        task=TASK,
        crontab=crontab,
        description="Incremental product sync from the Shopify Admin API.",
        expire_seconds=3 * 3600,
        enabled=True,
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name=NAME, task=TASK
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("shopify_admin", "0002_sync_run_spec_drops"),
        ("django_celery_beat", "0018_improve_crontab_helptext"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
