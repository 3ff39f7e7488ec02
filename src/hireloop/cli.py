"""The ``hireloop`` command: ``serve`` runs the production server; everything else is a
Django management command (``migrate``, ``content``, ``createuser``, ``demo``, ``check``...)."""

from __future__ import annotations

import argparse
import os
import sys


def _collect_static() -> None:
    """Collect (and compress) static files, unless they are unchanged since the last run."""
    import hashlib

    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders
    from django.core.management import call_command

    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in finder.list(["*.map"]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    stamp = settings.STATIC_ROOT / ".collected"
    if stamp.exists() and stamp.read_text() == digest.hexdigest():
        return
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(digest.hexdigest())


def _die_with_parent() -> None:
    """Ask Linux to stop the worker when the server process that started it goes away."""
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(pr_set_pdeathsig, signal.SIGTERM)


def _start_worker() -> None:
    import subprocess

    # The server replaces this process (execv) and so becomes the worker's parent.
    subprocess.Popen(
        [sys.executable, "-m", "hireloop.cli", "worker"],
        preexec_fn=_die_with_parent if sys.platform == "linux" else None,
    )
    print("Background worker started (hireloop worker).", flush=True)


def _serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="hireloop serve", description="Serve Hireloop with granian."
    )
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument(
        "--workers", type=int, default=int(os.environ.get("WEB_WORKERS", str(os.cpu_count() or 1)))
    )
    parser.add_argument(
        "--no-worker",
        action="store_true",
        help="do not start the background worker that grades practical tasks",
    )
    args = parser.parse_args(argv)
    if not 0 < args.port < 65536:
        parser.error("--port must be between 1 and 65535")
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    _collect_static()
    # One blocking thread per worker: more threads raised p99 latency and opened more
    # database connections without serving more requests (see README, "Performance").
    command = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        args.host,
        "--port",
        str(args.port),
        "--workers",
        str(args.workers),
        "--blocking-threads",
        "1",
        "--no-ws",
        "--respawn-failed-workers",
        "hireloop.wsgi:application",
    ]
    if not args.no_worker:
        _start_worker()
    print(f"Hireloop is serving on http://{args.host}:{args.port}/", flush=True)
    os.execv(sys.executable, command)  # noqa: S606 - replace this process with the server
    return 0  # not reached


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hireloop.settings")
    import django

    django.setup()
    if argv[:1] == ["serve"]:
        return _serve(argv[1:])
    from django.core.management import execute_from_command_line

    execute_from_command_line(["hireloop", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
