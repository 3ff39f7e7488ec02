"""Runs inside the sandbox: starts the service and relays HTTP to it from a Unix socket.

Under bubblewrap the service gets a network namespace of its own, with nothing but its own
loopback, so it cannot reach the databases or caches of the grading machine. The grader
outside cannot reach its port either; a Unix socket in a folder both sides see crosses that
boundary, and this relay forwards each connection to the service's port.

    python3 -I -S relay.py SOCKET PORT -- COMMAND...

It exits with the service's exit code (128 + N when signal N ended it). Standard library
only: it runs on the system Python, next to services of any runtime. A connection is closed
at once when nothing listens on the port yet, which the grader reads as "not ready".
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from contextlib import suppress

CHUNK = 65536
# Two threads per connection share the sandbox's address-space limit with nothing else of
# the relay; the default 8 MB stacks would exhaust it at a few dozen connections.
STACK = 256 * 1024


def pump(source: socket.socket, target: socket.socket) -> None:
    with suppress(OSError):
        while data := source.recv(CHUNK):
            target.sendall(data)
    with suppress(OSError):
        target.shutdown(socket.SHUT_WR)


def serve(client: socket.socket, port: int) -> None:
    upstream = None
    for host in ("127.0.0.1", "::1"):
        with suppress(OSError):
            upstream = socket.create_connection((host, port), timeout=5)
            upstream.settimeout(None)
            break
    if upstream is None:
        client.close()
        return
    answers = threading.Thread(target=pump, args=(upstream, client), daemon=True)
    answers.start()
    pump(client, upstream)
    answers.join()
    client.close()
    upstream.close()


def main(argv: list[str]) -> None:
    if len(argv) < 4 or argv[2] != "--":
        sys.exit("usage: relay.py SOCKET PORT -- COMMAND...")
    path, port = argv[0], int(argv[1])
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(128)
    try:
        child = subprocess.Popen(argv[3:])
    except OSError as exc:
        sys.exit(f"cannot start {argv[3]}: {exc}")

    def follow() -> None:
        code = child.wait()
        os._exit(code if code >= 0 else 128 - code)

    threading.stack_size(STACK)
    threading.Thread(target=follow, daemon=True).start()
    while True:
        client, _ = listener.accept()
        try:
            threading.Thread(target=serve, args=(client, port), daemon=True).start()
        except RuntimeError:
            client.close()  # out of threads: this connection fails, the relay carries on


if __name__ == "__main__":
    main(sys.argv[1:])
