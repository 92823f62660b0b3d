"""Personal data and secrets never reach a log line: the masking filter, and a real Celery
worker process that logs through the project's handler (not Celery's own)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.module_loading import import_string
from pythonjsonlogger.json import JsonFormatter

from project_core.log_filters import (
    MaskPersonalDataFilter,
    MaskPhoneNumbersFilter,
    mask_text,
)

ROOT = Path(__file__).resolve().parents[2]
JSON_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def _record(msg: object, *args: object, name: str = "shop", **extra: object) -> logging.LogRecord:
    record = logging.makeLogRecord(
        {"name": name, "levelno": logging.INFO, "levelname": "INFO", "msg": msg, "args": args}
    )
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def _json_line(record: logging.LogRecord) -> dict:
    MaskPersonalDataFilter().filter(record)
    return json.loads(JsonFormatter(JSON_FORMAT).format(record))


def _raised(exc: Exception) -> tuple:
    try:
        raise exc
    except type(exc):
        return sys.exc_info()


# --- Phone numbers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("customer 966500000777 wrote", "customer ********0777 wrote"),
        ("+966 50 000 0777", "+*** ** *** 0777"),
        ("966-50-000-0777", "***-**-***-0777"),
        ("(555) 010-1234", "(***) ***-1234"),
        ("0500 000 777", "**** **0 777"),
        ("call +1.555.010.1234 now", "call +*.***.***.1234 now"),
        ("to=+96650000777;", "to=+*******0777;"),
        ("https://wa.me/966500000777?text=hi", "https://wa.me/********0777?text=hi"),
        ("from ٠٥٠٠٠٠٠٧٧٧", "from ******٠٧٧٧"),
    ],
)
def test_phone_numbers_in_any_common_format_keep_only_their_last_4_digits(text, expected):
    # when
    masked = mask_text(text)
    # then
    assert masked == expected


@pytest.mark.parametrize(
    "text",
    [
        "at 2026-12-02 05:12:33,690 the turn ended",
        "order placed 2026-12-02T05:12:33Z",
        "price 1499.00 SAR, was 12345678.50",
        "similarity 0.87654321",
        "event wamid.HBgLMTU1NTAwMDk5OTkVAgASGBQzQUZDQ0Q2NkQ2NzE4QjM4RkU3NQA=",
        "task f85884c4-1a1f-453e-a0d6-302753807123 retried",
        "request 12345678-1234-4234-8234-123456789012",
        "webhook timestamp 1764652353 (1764652353123 ms)",
        "budget 1500-3000",
        "from 192.168.100.200",
        "Task tests.x succeeded in 0.0003160119999847666s: None",
        "cart 42 has 3 items, order #1001",
    ],
    ids=[
        "iso-datetime",
        "iso-date-t",
        "prices",
        "decimal",
        "wamid",
        "uuid-digit-tail",
        "uuid-digit-head",
        "unix-time",
        "range",
        "ipv4",
        "runtime",
        "small-ids",
    ],
)
def test_numbers_that_are_not_phone_numbers_are_left_as_they_are(text):
    # when
    masked = mask_text(text)
    # then
    assert masked == text


# --- E-mail addresses and secrets ----------------------------------------------------------


def test_email_addresses_are_masked():
    # when
    masked = mask_text("receipt for ahmed.ali+shop@example.com.sa sent")
    # then
    assert masked == "receipt for ***@*** sent"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Authorization: Bearer EAAGm0PX4ZCpsBAKZB", "Authorization: Bearer ***"),
        ("retrying with Bearer xyz", "retrying with Bearer ***"),
        ("{'Authorization': 'Bearer abc.def'}", "{'Authorization': '***'}"),
        ("key sk-proj-Ab3dEfGhIjKlMnOpQrStUvWx_12", "key sk-proj-***"),
        ("key sk-Ab3dEfGhIjKlMnOpQrStUvWx12345678", "key sk-***"),
        ("token shpat_0123456789abcdef0123456789abcdef", "token shpat_***"),
        ("token shpca_0123456789abcdef", "token shpca_***"),
        (
            "GET /v21.0/me?access_token=EAAG123&fields=id",
            "GET /v21.0/me?access_token=***&fields=id",
        ),
        ("X-Shopify-Access-Token: abcdef123456", "X-Shopify-Access-Token: ***"),
        (
            "stripe sk_live_51Habcdefgh, hook whsec_abcdef123456",
            "stripe sk_live_***, hook whsec_***",
        ),
        ("meta token EAAGm0PX4ZCpsBAKZBZAAbcdEFgh", "meta token EAA***"),
    ],
)
def test_tokens_and_keys_are_masked(text, expected):
    # when
    masked = mask_text(text)
    # then
    assert masked == expected


def test_a_product_slug_that_starts_with_sk_is_not_taken_for_a_key():
    # when
    masked = mask_text("product sk-ii-facial-treatment-essence-230ml viewed")
    # then
    assert masked == "product sk-ii-facial-treatment-essence-230ml viewed"


# --- Names and addresses in structured text and in extra fields ---------------------------


def test_names_and_addresses_in_json_and_repr_text_are_masked():
    # given
    text = (
        'contact {"profile": {"name": "Ahmed Ali"}, "wa_id": "966500000777"} '
        "shipping {'address1': '12 King Fahd Rd', 'city': 'Riyadh', 'zip': '12345'} "
        "Customer(customer_name=\"Ali O'Brien\", email='a@b.co') "
        "?phone=966500000777&name=Ahmed"
    )
    # when
    masked = mask_text(text)
    # then
    assert masked == (
        'contact {"profile": {"name": "***"}, "wa_id": "********0777"} '
        "shipping {'address1': '***', 'city': '***', 'zip': '***'} "
        "Customer(customer_name=\"***\", email='***') "
        "?phone=********0777&name=***"
    )


def test_extra_fields_named_like_personal_data_are_masked():
    # given
    record = _record(
        "order placed",
        customer_name="Ahmed Ali",
        profile_name="Ahmed",
        address="12 King Fahd Rd",
        street="King Fahd Rd",
        city="Riyadh",
        email="ahmed@example.com",
        phone="+966 50 000 0777",
        wa_id=966500000777,
        to="966500000777",
        recipient="Ahmed",
        order_id=1001,
    )
    # when
    line = _json_line(record)
    # then
    assert {key: line[key] for key in ("customer_name", "profile_name", "address")} == {
        "customer_name": "***",
        "profile_name": "***",
        "address": "***",
    }
    assert (line["street"], line["city"], line["email"], line["recipient"]) == ("***",) * 4
    assert (line["phone"], line["wa_id"], line["to"]) == (
        "+*** ** *** 0777",
        "********0777",
        "********0777",
    )
    assert line["order_id"] == 1001


def test_nested_extra_fields_are_masked_and_the_callers_dict_is_left_alone():
    # given
    contact = {"profile": {"name": "Ahmed"}, "wa_id": "966500000777", "note": "mail a@b.co"}
    record = _record("contact stored", contact=contact)
    # when
    line = _json_line(record)
    # then
    assert line["contact"] == {
        "profile": {"name": "***"},
        "wa_id": "********0777",
        "note": "mail ***@***",
    }
    assert contact["profile"]["name"] == "Ahmed"


def test_a_dict_message_is_masked_and_stays_a_dict():
    # given
    record = _record({"event": "contact", "customer_name": "Ahmed", "phone": "966500000777"})
    # when
    line = _json_line(record)
    # then
    assert line["customer_name"] == "***"
    assert line["phone"] == "********0777"


def test_celerys_own_task_fields_keep_the_task_name():
    # given
    data = {"id": "f85884c4", "name": "message_bus.send_messages", "args": "('966500000777',)"}
    record = _record("Task received", name="celery.worker.strategy", data=data)
    # when
    line = _json_line(record)
    # then
    assert line["data"]["name"] == "message_bus.send_messages"
    assert line["data"]["args"] == "('********0777',)"


# --- Exception text and stack info --------------------------------------------------------


def test_exception_text_is_masked_in_plain_lines():
    # given
    record = _record("send failed")
    record.exc_info = _raised(ValueError("no reply to +966 50 000 0777 (ahmed@example.com)"))
    # when
    MaskPersonalDataFilter().filter(record)
    line = logging.Formatter("%(levelname)s %(message)s").format(record)
    # then
    assert "ValueError: no reply to +*** ** *** 0777 (***@***)" in line
    assert "Traceback (most recent call last)" in line
    assert "+966" not in line and "ahmed@" not in line


def test_exception_text_is_masked_in_json_lines():
    # given
    record = _record("send failed")
    record.exc_info = _raised(RuntimeError("Graph said: Authorization: Bearer EAAGm0PX4Z"))
    # when
    line = _json_line(record)
    # then
    assert line["exc_info"].endswith("RuntimeError: Graph said: Authorization: Bearer ***")
    assert "EAAGm0PX4Z" not in json.dumps(line)


def test_stack_info_is_masked():
    # given
    record = _record("where", stack_info='  File "x.py", line 3, in f\n    send("966500000777")')
    # when
    MaskPersonalDataFilter().filter(record)
    # then
    assert record.stack_info.endswith('send("********0777")')


# --- The filter itself --------------------------------------------------------------------


def test_masking_twice_changes_nothing_more():
    # given
    once = mask_text('+966 50 000 0777, a@b.co, "name": "Ahmed", Bearer xyz, shpat_abcdef123456')
    # when
    twice = mask_text(once)
    # then
    assert twice == once


def test_a_log_call_whose_arguments_do_not_fit_its_format_is_logged_not_raised():
    # given
    record = _record("customer %s wrote %s", "966500000777")
    # when
    kept = MaskPersonalDataFilter().filter(record)
    # then
    assert kept is True
    assert record.getMessage() == "customer %s wrote %s ('********0777',)"


def test_the_filter_the_settings_name_masks_all_kinds():
    # given
    filter_class = import_string(settings.LOGGING["filters"]["mask_phones"]["()"])
    record = _record("reply to %s <%s>", "966500000777", "a@b.co", customer_name="Ahmed")
    # when
    filter_class().filter(record)
    # then
    assert MaskPhoneNumbersFilter is MaskPersonalDataFilter
    assert record.getMessage() == "reply to ********0777 <***@***>"
    assert record.customer_name == "***"


# --- A real worker process -----------------------------------------------------------------

# A worker with the in-memory broker: once it is ready it sends itself one task, which logs
# through a project logger and fails (Celery logs the traceback); the task also asks for a
# warm shutdown, so the process ends after that one task.
WORKER_SCRIPT = """
import logging, os, signal, sys

from celery.signals import worker_ready

from project_core.celery import app

log = logging.getLogger("dialog_engine")


@app.task(name="tests.log_probe")
def log_probe():
    log.debug("debug detail for customer 966500000777")
    log.info("customer 966500000777 wrote", extra={"customer_name": "Ahmed Ali"})
    os.kill(os.getpid(), signal.SIGTERM)
    raise ValueError("no reply to +966 50 000 0777")


@worker_ready.connect
def _send_probe(**_):
    log_probe.delay()


app.worker_main([
    "worker", "--pool", "solo", "--loglevel", sys.argv[1], "--hostname", "probe@localhost",
    "--without-gossip", "--without-mingle", "--without-heartbeat",
])
"""


def _run_worker(tmp_path: Path, loglevel: str) -> tuple[list[dict], str]:
    script = tmp_path / "worker_probe.py"
    script.write_text(WORKER_SCRIPT)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "project_core.settings.test",
        "DJANGO_LOG_LEVEL": "INFO",
        "LOG_JSON": "1",
        "SHOP_SKIP_WARMUP": "1",
        "REDIS_URL": "",  # the in-memory broker
        "CACHE_REDIS_URL": "",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "DB_ENGINE": "sqlite",
        "DB_NAME": "",
    }
    done = subprocess.run(
        [sys.executable, str(script), loglevel],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    return lines, output


def test_a_celery_worker_logs_through_the_projects_json_handler_with_masking(tmp_path):
    # when
    lines, output = _run_worker(tmp_path, "info")
    # then
    [wrote] = [line for line in lines if line["name"] == "dialog_engine"]
    assert wrote["message"] == "customer ********0777 wrote"
    assert wrote["customer_name"] == "***"
    assert wrote["task_id"]
    [failed] = [line for line in lines if line["levelname"] == "ERROR"]
    assert failed["task_id"] == wrote["task_id"]
    assert "ValueError: no reply to +*** ** *** 0777" in failed["exc_info"]
    assert "966500000777" not in output
    assert "0000777" not in output and "Ahmed" not in output


def test_the_worker_loglevel_flag_can_make_the_worker_more_verbose(tmp_path):
    # when
    lines, _ = _run_worker(tmp_path, "debug")
    # then
    debug = [
        line for line in lines if line["levelname"] == "DEBUG" and line["name"] == "dialog_engine"
    ]
    assert [line["message"] for line in debug] == ["debug detail for customer ********0777"]
