"""Probes, request ids and JSON request logs."""

from __future__ import annotations

import json
import logging

from hireloop.lib.jsonlog import JsonFormatter
from hireloop.lib.request_id import _request_id


def test_healthz_and_readyz_need_no_login(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ok"


def test_request_id_is_echoed_or_made(client, db):
    given = client.get("/healthz", HTTP_X_REQUEST_ID="abc12345-trace")
    assert given["X-Request-ID"] == "abc12345-trace"
    made = client.get("/healthz", HTTP_X_REQUEST_ID="bad id with spaces")
    assert len(made["X-Request-ID"]) == 32 and made["X-Request-ID"] != "bad id with spaces"


def test_one_request_line_per_request(client, db, caplog):
    with caplog.at_level(logging.INFO, logger="hireloop.request"):
        response = client.get("/library/", HTTP_X_REQUEST_ID="req-000123")
    lines = [r for r in caplog.records if r.name == "hireloop.request"]
    assert len(lines) == 1
    assert (lines[0].status, lines[0].path, lines[0].method) == (302, "/library/", "GET")
    assert response["X-Request-ID"] == "req-000123"


def test_json_formatter_includes_request_id_and_extras():
    record = logging.makeLogRecord(
        {
            "name": "x",
            "levelno": 20,
            "levelname": "INFO",
            "msg": "hello %s",
            "args": ("there",),
            "status": 201,
        }
    )
    token = _request_id.set("rid-12345678")
    try:
        line = json.loads(JsonFormatter().format(record))
    finally:
        _request_id.reset(token)
    assert line["msg"] == "hello there" and line["request_id"] == "rid-12345678"
    assert line["status"] == 201 and line["level"] == "info"


def test_unknown_pages_get_a_404_page(admin_client):
    response = admin_client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"<h1" in response.content
