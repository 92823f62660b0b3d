from __future__ import annotations

import json
import logging

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from pythonjsonlogger.json import JsonFormatter

from project_core.log_context import ContextIdsFilter, current_ids, log_ids
from project_core.log_filters import MaskPhoneNumbersFilter
from project_core.middleware import RequestIdMiddleware


def _json_line(record: logging.LogRecord) -> dict:
    for log_filter in (ContextIdsFilter(), MaskPhoneNumbersFilter()):
        log_filter.filter(record)
    formatter = JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    return json.loads(formatter.format(record))


def _record(msg: str, *args: object, **extra: object) -> logging.LogRecord:
    record = logging.makeLogRecord(
        {"name": "shop", "levelno": logging.INFO, "levelname": "INFO", "msg": msg, "args": args}
    )
    for name, value in extra.items():
        setattr(record, name, value)
    return record


@pytest.mark.django_db
def test_every_response_carries_a_generated_request_id():
    # when
    first = Client().get("/healthz")
    second = Client().get("/healthz")
    # then
    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.django_db
def test_a_well_formed_request_id_from_the_proxy_is_kept():
    # when
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="lb-5f3c2a9e-0001")
    # then
    assert response["X-Request-ID"] == "lb-5f3c2a9e-0001"


@pytest.mark.django_db
def test_a_forged_request_id_is_replaced():
    # when
    response = Client().get("/healthz", HTTP_X_REQUEST_ID='x" , "level": "CRITICAL')
    # then
    assert response["X-Request-ID"] != 'x" , "level": "CRITICAL'
    assert len(response["X-Request-ID"]) == 32


def test_log_lines_written_during_a_request_carry_its_id():
    # given
    seen: list[dict[str, str]] = []

    def view(request):
        seen.append(current_ids())
        return HttpResponse("ok")

    middleware = RequestIdMiddleware(view)
    # when
    response = middleware(RequestFactory().get("/", HTTP_X_REQUEST_ID="req-12345678"))
    # then
    assert seen == [{"request_id": "req-12345678"}]
    assert response["X-Request-ID"] == "req-12345678"
    assert current_ids() == {}


def test_json_log_line_has_the_bound_request_and_event_ids():
    # given
    with log_ids(request_id="req-1", event_id="wamid.HBgL"):
        record = _record("handled")
        # when
        line = _json_line(record)
    # then
    assert line["request_id"] == "req-1"
    assert line["event_id"] == "wamid.HBgL"
    assert line["message"] == "handled"


def test_json_log_line_masks_phone_numbers_in_the_message_and_in_extra_fields():
    # given
    record = _record("reply to %s failed", "966512345678", wa_id="966598765432")
    # when
    line = _json_line(record)
    # then
    assert line["message"] == "reply to ********5678 failed"
    assert line["wa_id"] == "********5432"
    assert "966512345678" not in json.dumps(line)


def test_celery_task_log_lines_carry_the_task_id(settings):
    # given
    from celery import shared_task

    captured: list[dict[str, str]] = []

    @shared_task(name="tests.capture_ids")
    def capture_ids() -> None:
        captured.append(current_ids())

    # when
    result = capture_ids.apply()
    # then
    assert captured == [{"task_id": result.id}]
    assert current_ids() == {}
