"""A small HTTP client for probing a service: never raises, records everything as evidence."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_BODY = 1024 * 1024
EVIDENCE_SENT = 300
EVIDENCE_BODY = 1000
SHOWN_HEADERS = ("content-type", "location", "allow", "link")
_INVALID = object()


@dataclass
class Exchange:
    """One request and what came back (``status`` is None when nothing did)."""

    method: str
    path: str
    sent: bytes | None
    status: int | None = None
    reason: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str = ""
    timed_out: bool = False
    _data: Any = field(default=_INVALID, repr=False)

    @property
    def answered(self) -> bool:
        return self.status is not None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def client_error(self) -> bool:
        return self.status is not None and 400 <= self.status < 500

    @property
    def data(self) -> Any:
        """The body parsed as JSON, or None when it is empty or not JSON."""
        if self._data is _INVALID:
            try:
                self._data = json.loads(self.body) if self.body.strip() else None
            except ValueError:
                self._data = None
        return self._data

    @property
    def json_type(self) -> bool:
        media = self.headers.get("content-type", "").split(";")[0].strip().lower()
        return media == "application/json" or media.endswith("+json")

    def evidence(self) -> str:
        lines = [f"{self.method} {self.path}"]
        if self.sent is not None:
            lines[0] += "  " + _shorten(self.sent, EVIDENCE_SENT)
        if self.status is None:
            lines.append(f"-> {self.error}")
            return "\n".join(lines)
        shown = [
            f"{name.title()}: {self.headers[name]}"
            for name in SHOWN_HEADERS
            if name in self.headers
        ]
        lines.append(" | ".join([f"-> {self.status} {self.reason}".rstrip(), *shown]))
        if self.body:
            lines.append("   " + _shorten(self.body, EVIDENCE_BODY))
        return "\n".join(lines)


def _shorten(raw: bytes, limit: int) -> str:
    text = raw.decode("utf-8", errors="replace")
    return text if len(text) <= limit else f"{text[:limit]}... ({len(raw)} bytes)"


# Once this many requests got no answer, the service is taken as stuck and the remaining
# requests fail at once instead of each waiting out its timeout: a service that hangs on
# every POST would otherwise keep the grader busy for minutes.
STUCK_AFTER = 8


class HttpClient:
    """Talks to one service; each request has its own connection and a hard time budget.

    ``deadline`` (a time.monotonic() value) bounds every request; past it, and once the
    service looks stuck, requests are not sent and fail with the reason.
    """

    def __init__(
        self,
        host: str,
        port: int,
        *,
        prefix: str = "",
        timeout: float = 3.0,
        unix_socket: Path | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.unix_socket = unix_socket
        self.prefix = prefix.rstrip("/")
        self.timeout = timeout
        self.deadline: float | None = None
        self.history: list[Exchange] = []
        self._lock = threading.Lock()
        self._unanswered = 0

    def request(
        self,
        method: str,
        path: str,
        payload: Any = None,
        *,
        raw: bytes | None = None,
        record: bool = True,
        timeout: float | None = None,
    ) -> Exchange:
        """Send ``payload`` as JSON (or ``raw`` bytes as they are) and read the answer."""
        body = raw if raw is not None else None if payload is None else json.dumps(payload).encode()
        exchange = Exchange(method, self.prefix + path, body)
        budget = timeout if timeout is not None else self.timeout
        if self.deadline is not None:
            budget = min(budget, self.deadline - time.monotonic())
        if budget <= 0 or self._unanswered >= STUCK_AFTER:
            exchange.error = (
                "not sent: the grading time limit ran out"
                if budget <= 0
                else f"not sent: {STUCK_AFTER} requests already got no answer"
            )
            return self._keep(exchange, record, sent=False)
        headers = {"Accept": "application/json", "Connection": "close"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        deadline = time.monotonic() + budget
        connection = (
            _UnixConnection(self.unix_socket, self.host, self.port, timeout=budget)
            if self.unix_socket
            else http.client.HTTPConnection(self.host, self.port, timeout=budget)
        )
        try:
            connection.request(method, exchange.path, body=body, headers=headers)
            response = connection.getresponse()
            exchange.status = response.status
            exchange.reason = response.reason
            for name, value in response.getheaders():
                key = name.lower()
                exchange.headers[key] = (
                    f"{exchange.headers[key]}, {value}" if key in exchange.headers else value
                )
            exchange.body = _read(response, deadline)
        except TimeoutError:
            exchange.status = None
            exchange.timed_out = True
            exchange.error = f"no answer within {budget:g} s"
        except ConnectionRefusedError:
            exchange.error = "connection refused: nothing listens on the port any more"
        except http.client.RemoteDisconnected:
            exchange.error = "the service closed the connection without answering"
        except (OSError, http.client.HTTPException) as exc:
            exchange.status = None
            exchange.error = f"the exchange failed: {type(exc).__name__}: {exc}"
        finally:
            connection.close()
        return self._keep(exchange, record, sent=True)

    def _keep(self, exchange: Exchange, record: bool, *, sent: bool) -> Exchange:
        with self._lock:
            if sent and exchange.timed_out:
                self._unanswered += 1
            if record:
                self.history.append(exchange)
        return exchange


class _UnixConnection(http.client.HTTPConnection):
    """HTTP over a Unix socket, still naming ``host:port`` in the Host header."""

    def __init__(self, path: Path, host: str, port: int, *, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.path_to_socket = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(str(self.path_to_socket))
        except OSError:
            sock.close()
            raise
        self.sock = sock


def _read(response: http.client.HTTPResponse, deadline: float) -> bytes:
    """The body, at most MAX_BODY bytes, within the request's time budget."""
    chunks: list[bytes] = []
    size = 0
    while size < MAX_BODY:
        if time.monotonic() > deadline:
            raise TimeoutError
        chunk = response.read1(min(65536, MAX_BODY - size)) if not response.closed else b""
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def listening(port: int, timeout: float = 0.2) -> str | None:
    """The loopback address something accepts TCP connections on at ``port``, if any."""
    for host, family in (("127.0.0.1", socket.AF_INET), ("::1", socket.AF_INET6)):
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.settimeout(timeout)
            try:
                probe.connect((host, port))
            except OSError:
                continue
            return host
    return None


def port_free(port: int) -> bool:
    """Whether nothing listens on ``port`` on loopback or all interfaces."""
    if listening(port) is not None:
        return False
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
