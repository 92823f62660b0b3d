"""The edges of the sync: management command, Celery task, beat entry and admin."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_celery_beat.models import PeriodicTask
from pytest_httpserver import HTTPServer

from connectors.shopify_admin.models import SyncRun, SyncStatus
from connectors.shopify_admin.tasks import sync_products_task
from inventory.models import Product

from .fake_shopify import REST_PATH, RestShop, product

pytestmark = pytest.mark.django_db


def test_command_imports_and_prints_counts_and_skips(
    httpserver: HTTPServer, shopify_settings
) -> None:
    # given
    RestShop(httpserver, [[product(1), {"id": "bad"}], [product(2)]])
    out = StringIO()
    # when
    call_command("sync_products", "--full", stdout=out)
    # then
    text = out.getvalue()
    assert "created=2" in text and "skipped=1" in text
    assert "skipped product bad" in text
    assert Product.objects.count() == 2


def test_command_since_sends_updated_at_min(httpserver: HTTPServer, shopify_settings) -> None:
    # given
    shop = RestShop(httpserver, [[product(1)]])
    # when
    call_command("sync_products", "--since", "2026-11-01T08:00:00+00:00", stdout=StringIO())
    # then
    assert shop.calls[0].args["updated_at_min"] == "2026-11-01T08:00:00+00:00"


def test_command_rejects_a_since_that_is_not_iso() -> None:
    with pytest.raises(CommandError, match="ISO"):
        call_command("sync_products", "--since", "yesterday", stdout=StringIO())


def test_command_turns_a_refused_token_into_a_command_error(
    httpserver: HTTPServer, shopify_settings
) -> None:
    # given
    httpserver.expect_request(REST_PATH).respond_with_data("no", status=401)
    # when / then
    with pytest.raises(CommandError, match="SHOPIFY_ACCESS_TOKEN"):
        call_command("sync_products", stdout=StringIO())


def test_task_runs_the_sync_with_the_settings_token(
    httpserver: HTTPServer, shopify_settings
) -> None:
    # given
    shop = RestShop(httpserver, [[product(1)]])
    # when
    counts = sync_products_task.delay(full=True).get()
    # then
    assert counts["created"] == 1
    assert shop.calls[0].headers["X-Shopify-Access-Token"] == "shpat_settings"
    assert SyncRun.objects.get().status == SyncStatus.SUCCESS


def test_task_is_idempotent(httpserver: HTTPServer, shopify_settings) -> None:
    # given
    RestShop(httpserver, [[product(1)]])
    sync_products_task(full=True)
    # when
    counts = sync_products_task(full=True)
    # then
    assert (counts["created"], counts["updated"], counts["unchanged"]) == (0, 0, 1)


def test_migration_schedules_the_sync_with_beat() -> None:
    task = PeriodicTask.objects.get(name="Shopify catalog sync")
    assert task.task == "connectors.shopify_admin.sync_products"
    assert task.enabled and task.crontab is not None


def test_admin_lists_runs_with_the_last_success_and_its_counts(admin_client) -> None:
    # given
    SyncRun.objects.create(api="rest", status=SyncStatus.SUCCESS, counts={"created": 7})
    SyncRun.objects.create(api="rest", status=SyncStatus.FAILED, error="HTTP 503")
    # when
    response = admin_client.get("/admin/shopify_admin/syncrun/")
    # then
    assert response.status_code == 200
    assert "last success" in response.content.decode() and "created=7" in response.content.decode()


def test_command_refuses_full_with_since() -> None:
    # a full run deactivates what it did not see, so it must not be limited by --since
    with pytest.raises(CommandError, match="not allowed with"):
        call_command("sync_products", "--full", "--since", "2026-11-01", stdout=StringIO())
