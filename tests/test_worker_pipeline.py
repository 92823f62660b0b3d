"""End to end with a real Celery worker process and Redis (the MariaDB + Redis CI leg):
signed webhook → Redis → worker drains the inbox → engine → send task → fake Graph API."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from pytest_httpserver import HTTPServer

from conversation_log.models import DeliveryStatus, Direction, Message
from tests.services import celery_worker
from wa_gateway.models import InboundEvent
from wa_gateway.signatures import signature_header

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(httpserver: HTTPServer) -> Iterator[subprocess.Popen]:
    with celery_worker(
        {
            "WA_GRAPH_URL": httpserver.url_for("").rstrip("/"),
            "WA_BEARER_TOKEN": "worker-token",
            "WA_PHONE_ID": "4242",
            "WA_API_VERSION": "v21.0",
        }
    ) as process:
        yield process


def _webhook(wamid: str, text: str) -> bytes:
    return json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "1",
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": {
                                    "display_phone_number": "1555",
                                    "phone_number_id": "4242",
                                },
                                "contacts": [
                                    {"profile": {"name": "Worker Test"}, "wa_id": "15550009999"}
                                ],
                                "messages": [
                                    {
                                        "from": "15550009999",
                                        "id": wamid,
                                        "timestamp": str(int(time.time())),
                                        "type": "text",
                                        "text": {"body": text},
                                    }
                                ],
                            },
                        }
                    ],
                }
            ],
        }
    ).encode()


def test_real_worker_answers_a_webhook_through_redis(
    worker: subprocess.Popen, httpserver: HTTPServer
) -> None:
    # given: the fake Graph API accepts sends and read receipts
    httpserver.expect_request("/v21.0/4242/messages", method="POST").respond_with_json(
        {"messaging_product": "whatsapp", "messages": [{"id": "wamid.out.1"}]}
    )
    body = _webhook("wamid.worker.1", "hello")
    # when: the webhook is posted (twice: Meta redelivers)
    for _ in range(2):
        response = Client().post(
            "/hook/",
            data=body,
            content_type="application/json",
            HTTP_X_HUB_SIGNATURE_256=signature_header(body=body, secret=settings.WA_APP_SECRET),
        )
        assert response.status_code == 200
    # then: the worker processed the event once and the reply reached Graph
    deadline = time.monotonic() + 60
    sent = None
    while time.monotonic() < deadline and worker.poll() is None:
        sent = Message.objects.filter(
            direction=Direction.OUTBOUND, status=DeliveryStatus.SENT
        ).first()
        if sent is not None:
            break
        time.sleep(0.2)
    assert worker.poll() is None, "the worker process died"
    assert sent is not None, "no reply was sent within 60 s"
    assert InboundEvent.objects.get(wamid="wamid.worker.1").processed_at is not None
    sends = [json.loads(request.data) for request, _ in httpserver.log if b'"to"' in request.data]
    assert len(sends) == Message.objects.filter(direction=Direction.OUTBOUND).count() >= 1
    assert all(s["to"] == "15550009999" for s in sends)
    assert all(r.headers["Authorization"] == "Bearer worker-token" for r, _ in httpserver.log)
