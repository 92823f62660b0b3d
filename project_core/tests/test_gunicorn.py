"""The shipped gunicorn configuration serves the app, and its access log is JSON that
carries the request id."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_config_serves_health_and_logs_json_access_lines(tmp_path):
    # given
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "project_core.settings.dev",
        "DB_ENGINE": "sqlite",
        "DB_NAME": str(tmp_path / "gunicorn.sqlite3"),
        "REDIS_URL": "",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "2",
    }
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            response = None
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    response = requests.get(
                        f"http://127.0.0.1:{port}/healthz",
                        headers={"X-Request-ID": "probe-00000001"},
                        timeout=2,
                    )
                    break
                except requests.ConnectionError:
                    time.sleep(0.2)
            # when / then
            assert response is not None, log_path.read_text()
            assert response.status_code == 200
            assert response.headers["X-Request-ID"] == "probe-00000001"
            ready = requests.get(f"http://127.0.0.1:{port}/readyz", timeout=5)
            assert ready.status_code == 200
            time.sleep(0.3)  # the access line is written after the response
        finally:
            server.terminate()
            server.wait(timeout=30)
    access = [
        json.loads(line)
        for line in log_path.read_text().splitlines()
        if line.startswith('{"logger": "gunicorn.access"')
    ]
    assert {"request_id": "probe-00000001", "path": "/healthz", "status": 200}.items() <= (
        access[0].items()
    )
