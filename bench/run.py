"""``make bench``: serve Hireloop with the production server and load it with wrk.

Every run starts from a fresh data folder (SQLite) or a throwaway PostgreSQL database, so it
never touches a developer's data. The bare ``/healthz`` JSON view on the same server is the
ceiling; library endpoints are judged against a share of it and a p99 bound, the interview loop
(at ``hireloop demo --scale N``) against a rate and a p99 bound. See bench/README.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import resource
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import asdict, dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any, Literal, NoReturn

REPO = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEMO_EMAIL = "admin@acme.test"
DEMO_PASSWORD = "hireloop-demo"  # the public demo login created by `hireloop demo`
DEMO_WORKSPACE = "acme"

SETUP_TIMEOUT_S = 600
SERVER_START_TIMEOUT_S = 60
SERVER_STOP_TIMEOUT_S = 15
HTTP_TIMEOUT_S = 10

Kind = Literal["ceiling", "api", "page", "loop"]
# Whose credentials a request carries: none, the API token, the demo admin's session, or (in
# the large workspace) the admin's or an interviewer's session.
Who = Literal["nobody", "token", "admin", "big-admin", "big-interviewer"]
BIG_WORKSPACE = "bigco"  # built by `hireloop demo --scale N`, same people and password
DEFAULT_SCALE = 2000
# A fast 2-core machine submitted ~500 scorecards a second; every one needs its own interview.
DEFAULT_SUBMITS = 15000
LOOP_SETUP = Path(__file__).resolve().parent / "loop_setup.py"


@dataclass(frozen=True)
class Target:
    min_share: float | None = None  # of the ceiling's requests/s
    min_rps: float | None = None
    max_p99_ms: float = 100.0

    def describe(self) -> str:
        if self.min_share is not None:
            return f">={self.min_share:.0%}, p99<{self.max_p99_ms:.0f}"
        return f">={self.min_rps:.0f}/s, p99<{self.max_p99_ms:.0f}"


TARGETS: dict[Kind, Target] = {
    "api": Target(min_share=0.20),
    "page": Target(min_share=0.15),
    "loop": Target(min_rps=100, max_p99_ms=200),
}
# Above this share of the CPUs used by other processes during a measurement, it is flagged.
MAX_OTHERS_CPU = 0.10
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

TOKEN_SNIPPET = f"""
from hireloop.accounts.models import User, Workspace
from hireloop.accounts.services import api_token_create
workspace = Workspace.objects.get(slug={DEMO_WORKSPACE!r})
user = User.objects.get(email={DEMO_EMAIL!r})
print(api_token_create(workspace=workspace, user=user, name="bench")[1])
"""


class BenchError(Exception):
    """The benchmark could not run; the message says why."""


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    kind: Kind
    who: Who = "nobody"
    submits: bool = False  # POST a scorecard, another interview's each time (path: a pattern)


@dataclass(frozen=True)
class WrkRun:
    requests: int
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    non_2xx_3xx: int
    socket_errors: int
    next_position: int | None = None  # from the scorecard-submit script


@dataclass(frozen=True)
class Result:
    name: str
    path: str
    kind: Kind
    requests: int
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    non_2xx_3xx: int
    socket_errors: int
    share_of_ceiling: float
    min_share: float | None
    min_rps: float | None
    max_p99_ms: float | None
    passed: bool | None  # None for the ceiling itself
    others_cpu_share: float  # of all CPUs, used by processes outside the benchmark meanwhile


# --- command line -------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db",
        choices=["sqlite", "postgres"],
        default="postgres" if os.environ.get("BENCH_DATABASE_URL") else "sqlite",
        help="database to serve from (postgres by default when BENCH_DATABASE_URL is set)",
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per endpoint")
    parser.add_argument("--warmup", type=int, default=2, help="untimed seconds per endpoint")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--port", type=int, default=0, help="loopback port (default: a free one)")
    parser.add_argument(
        "--scale",
        type=int,
        default=DEFAULT_SCALE,
        help="candidates in the large workspace for the interview loop (0: skip the loop)",
    )
    parser.add_argument(
        "--submits",
        type=int,
        default=DEFAULT_SUBMITS,
        help="interviews booked for the scorecard-submit endpoint (one submit each)",
    )
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--strict", action="store_true", help="exit 1 when any target is missed")
    parser.add_argument(
        "--install", action="store_true", help="apt-get install wrk if it is missing (as root)"
    )
    args = parser.parse_args(argv)
    if not 1 <= args.duration <= 600 or not 0 <= args.warmup <= 60:
        parser.error("--duration must be 1-600 and --warmup 0-60 seconds")
    if not 1 <= args.threads <= args.connections <= 10_000:
        parser.error("need 1 <= --threads <= --connections <= 10000")
    if not 0 <= args.port < 65536:
        parser.error("--port must be between 0 and 65535")
    if not 0 <= args.scale <= 100_000 or not 1 <= args.submits <= 100_000:
        parser.error("--scale must be 0-100000 and --submits 1-100000")
    return args


# --- tools --------------------------------------------------------------------------------


def ensure_wrk(install: bool) -> str:
    found = shutil.which("wrk")
    if found:
        return found
    may_install = install or os.environ.get("CI", "").lower() == "true"
    if not (may_install and os.geteuid() == 0):
        raise BenchError(
            "wrk is not installed. Install it with `apt-get install -y wrk` (as root), "
            "or run as root with --install (or CI=true) to let the benchmark install it."
        )
    print("wrk is missing: running apt-get install -y wrk", flush=True)
    apt_env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "wrk"]):
        subprocess.run(command, check=True, env=apt_env, timeout=SETUP_TIMEOUT_S)
    found = shutil.which("wrk")
    if not found:
        raise BenchError("apt-get install -y wrk did not provide a wrk command")
    return found


def hireloop_cli() -> Path:
    cli = Path(sys.executable).parent / "hireloop"
    if not cli.exists():
        raise BenchError(f"{cli} not found: run the benchmark with the project's .venv/bin/python")
    return cli


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


# --- the app's environment and data -------------------------------------------------------


def app_env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    """A clean environment: no DATABASE_URL, REDIS_URL... leaks in from the developer's shell."""
    env = {k: v for k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR") if (v := os.environ.get(k))}
    env["HIRELOOP_DATA_DIR"] = str(data_dir)
    env["HIRELOOP_CONTENT_DIR"] = str(REPO / "content")
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def run_cli(cli: Path, env: dict[str, str], *args: str) -> str:
    proc = subprocess.run(
        [str(cli), *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=SETUP_TIMEOUT_S,
        check=False,
    )
    if proc.returncode != 0:
        raise BenchError(f"`hireloop {' '.join(args[:2])}` failed:\n{proc.stdout}{proc.stderr}")
    return proc.stdout


@dataclass(frozen=True)
class Loop:
    """What the interview-loop scenario loads, picked by bench/loop_setup.py."""

    role: int
    application: int
    candidate: int
    interviews: list[int]  # booked for the interviewer, each scorecard submitted once
    scorecard_form: str  # the scorecard's fields, urlencoded, without the CSRF token


def prepare_data(
    cli: Path, env: dict[str, str], scale: int, submits: int
) -> tuple[str, Loop | None]:
    """Migrate, load the built-in pack and the demo workspaces (the large one at ``scale``);
    return an API token secret and, with a scale, the interview loop's data."""
    demo = ["demo", "--scale", str(scale)] if scale else ["demo"]
    for args in (["migrate", "--no-input"], ["content", "load"], demo):
        print(f"  hireloop {' '.join(args)}", flush=True)
        run_cli(cli, env, *args)
    secret = run_cli(cli, env, "shell", "-c", TOKEN_SNIPPET).strip().splitlines()[-1]
    if not secret.startswith("hl_"):
        raise BenchError(f"unexpected API token output: {secret!r}")
    if not scale:
        return secret, None
    print(f"  booking {submits} interviews whose scorecards are submitted", flush=True)
    code = f"SUBMITS = {submits}\n{LOOP_SETUP.read_text()}"
    output = run_cli(cli, env, "shell", "-c", code).strip().splitlines()[-1]
    try:
        return secret, Loop(**json.loads(output))
    except (ValueError, TypeError) as exc:
        raise BenchError(f"unexpected output from {LOOP_SETUP.name}: {output[:300]!r}") from exc


def settle(database_url: str | None, data_dir: Path) -> None:
    """Bring the freshly loaded database to the state a running one is in before measuring:
    on PostgreSQL, the statistics autovacuum would have gathered by now (it may be off on a
    development server) and a checkpoint, so that neither the planner's guesses about empty
    tables nor the writes of the bulk load land in the first measurement; on SQLite, the
    write-ahead log folded into the database file."""
    if database_url:
        import psycopg

        print("  VACUUM ANALYZE; CHECKPOINT", flush=True)
        with psycopg.connect(database_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute("VACUUM ANALYZE")
            try:
                conn.execute("CHECKPOINT")
            except psycopg.errors.InsufficientPrivilege:
                print("  (no checkpoint: the role lacks pg_checkpoint)", flush=True)
        return
    print("  PRAGMA wal_checkpoint(TRUNCATE)", flush=True)
    with sqlite3.connect(data_dir / "hireloop.sqlite3") as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


@contextmanager
def throwaway_postgres(admin_url: str) -> Iterator[str]:
    """Create ``hireloop_bench_<random>`` next to ``admin_url``; yield its URL; drop it."""
    import psycopg
    from psycopg import sql

    name = f"hireloop_bench_{secrets.token_hex(4)}"
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as exc:
        raise BenchError(f"cannot create a PostgreSQL database via {admin_url}: {exc}") from None
    try:
        yield urllib.parse.urlsplit(admin_url)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def database_label(database_url: str | None) -> str:
    if not database_url:
        return f"SQLite {sqlite3.sqlite_version} (WAL, fresh file)"
    import psycopg

    with psycopg.connect(database_url, connect_timeout=5) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    where = urllib.parse.urlsplit(database_url)
    version = row[0] if row else "?"
    return f"PostgreSQL {version} ({where.hostname}:{where.port or 5432}{where.path})"


# --- the server ---------------------------------------------------------------------------


@contextmanager
def running_server(cli: Path, env: dict[str, str], port: int, log: Path) -> Iterator[int]:
    """``hireloop serve`` in its own process group (yielded), stopped with the whole group."""
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(cli), "serve", "--host", HOST, "--port", str(port)],
            env=env,
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_serving(proc, port, log)
        yield proc.pid
    finally:
        stop_group(proc)


def wait_until_serving(proc: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"the server exited ({proc.returncode}):\n{tail(log)}")
        try:
            if http_request(port, "GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(
        f"the server did not answer /healthz in {SERVER_START_TIMEOUT_S}s:\n{tail(log)}"
    )


def stop_group(proc: subprocess.Popen[bytes]) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=SERVER_STOP_TIMEOUT_S)
            return
        except subprocess.TimeoutExpired:
            continue


def tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


# --- CPU accounting (Linux /proc), to tell when other processes skew a measurement --------


def machine_cpu() -> tuple[float, float]:
    """Busy and total CPU seconds of the whole machine since boot."""
    ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    idle = ticks[3] + ticks[4]  # idle, iowait; steal counts as busy: another tenant's work
    return (sum(ticks) - idle) / CLOCK_TICKS, sum(ticks) / CLOCK_TICKS


def process_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def children_cpu() -> float:
    """CPU seconds of our finished child processes (wrk)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def group_pids(pgid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with suppress(ProcessLookupError):
                if os.getpgid(int(entry.name)) == pgid:
                    pids.append(int(entry.name))
    return pids


def backend_pids(database_url: str) -> list[int]:
    """PostgreSQL server processes working for the benchmark database (when it is local)."""
    import psycopg

    with psycopg.connect(database_url, connect_timeout=5) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return [row[0] for row in rows]


def others_cpu_share(pids: list[int], before: tuple[float, float, float]) -> float:
    """Share of all CPUs used since ``before`` by processes other than ``pids`` and our children."""
    busy, total = machine_cpu()
    ours = sum(map(process_cpu, pids)) + children_cpu()
    busy_before, total_before, ours_before = before
    if total <= total_before:
        return 0.0
    return max(0.0, (busy - busy_before) - (ours - ours_before)) / (total - total_before)


def cpu_snapshot(pids: list[int]) -> tuple[float, float, float]:
    return (*machine_cpu(), sum(map(process_cpu, pids)) + children_cpu())


# --- HTTP: sign-in and checks -------------------------------------------------------------


def http_request(
    port: int, method: str, path: str, headers: dict[str, str] | None = None, body: str = ""
) -> tuple[int, http.client.HTTPMessage, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=HTTP_TIMEOUT_S)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def cookies_from(headers: http.client.HTTPMessage) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for value in headers.get_all("Set-Cookie") or []:
        jar.load(value)
    return {name: morsel.value for name, morsel in jar.items()}


@dataclass(frozen=True)
class Session:
    cookie: str  # the Cookie header
    csrf: str  # the CSRF token a form posts back


def sign_in(port: int, email: str) -> Session:
    """Sign in as ``email`` once; return the session for page requests."""
    status, headers, _ = http_request(port, "GET", "/login/")
    csrf = cookies_from(headers).get("csrftoken")
    if status != 200 or not csrf:
        raise BenchError(f"GET /login/ answered {status} without a csrftoken cookie")
    form = urllib.parse.urlencode(
        {"username": email, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": csrf}
    )
    status, headers, _ = http_request(
        port,
        "POST",
        "/login/",
        body=form,
        headers={
            "Cookie": f"csrftoken={csrf}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    cookies = {"csrftoken": csrf, **cookies_from(headers)}
    if status != 302 or "sessionid" not in cookies:
        raise BenchError(f"signing in as {email} failed: POST /login/ answered {status}")
    cookie = "; ".join(f"{k}={cookies[k]}" for k in ("sessionid", "csrftoken"))
    return Session(cookie, cookies["csrftoken"])


def first_question_id(port: int, auth: dict[str, str]) -> int:
    status, _, body = http_request(port, "GET", "/api/v1/library/questions?limit=1", auth)
    if status == 401:
        raise BenchError("the API refused the bench token (401): check TokenAuth/token_membership")
    items = json.loads(body).get("items") if status == 200 else None
    if not items:
        raise BenchError(f"no question to open: GET /api/v1/library/questions answered {status}")
    return int(items[0]["id"])


def check_ok(port: int, endpoint: Endpoint, headers: dict[str, str], submits: Submits) -> None:
    """The endpoint answers 200 (a scorecard submit: 302 to the submitted scorecard)."""
    if endpoint.submits and submits.exhausted:
        return  # every booked scorecard is submitted: the run's refusals already say so
    if endpoint.submits:
        path = endpoint.path.format(id=submits.take())
        status, answer, body = http_request(port, "POST", path, headers, submits.body)
        if status == 302 and answer.get("Location") == path:
            return
    else:
        status, _, body = http_request(port, "GET", endpoint.path, headers)
        if status == 200:
            return
    method = "POST" if endpoint.submits else "GET"
    raise BenchError(
        f"{endpoint.name} ({method} {endpoint.path}) answered {status}: {body[:300]!r}"
    )


class Submits:
    """The interviews whose scorecards are submitted, each once: checks take one, wrk runs a
    Lua script that posts the next ones (every thread its own) and says where it stopped."""

    def __init__(self, interviews: list[int], form: str, csrf: str, folder: Path) -> None:
        self.interviews = interviews
        self.body = f"{form}&csrfmiddlewaretoken={csrf}"
        self.folder = folder
        self.position = 0
        self.reused = False

    @property
    def exhausted(self) -> bool:
        return self.position >= len(self.interviews)

    def take(self) -> int:
        interview = self.interviews[self.position % len(self.interviews)]
        self.advance(self.position + 1)
        return interview

    def advance(self, position: int) -> None:
        self.reused = self.reused or position > len(self.interviews)
        self.position = position

    def script(self, path_pattern: str, threads: int) -> Path:
        before, after = path_pattern.split("{id}")
        script = self.folder / f"submit-{self.position}.lua"
        script.write_text(
            SUBMIT_LUA.replace("$IDS", ",".join(map(str, self.interviews)))
            .replace("$BODY", json.dumps(self.body))
            .replace("$BEFORE", json.dumps(before))
            .replace("$AFTER", json.dumps(after))
            .replace("$START", str(self.position))
            .replace("$STEP", str(threads))
        )
        return script


# Each wrk thread posts the scorecards at positions start + thread + n * threads, so no two
# requests submit the same one; done() prints the first position no thread reached.
SUBMIT_LUA = """
local ids = {$IDS}
local body = $BODY
local before, after = $BEFORE, $AFTER
local start, step = $START, $STEP
local threads = {}

function setup(thread)
  thread:set("first", start + #threads)
  table.insert(threads, thread)
end

function init(args)
  sent = 0
end

function request()
  local position = first + sent * step
  sent = sent + 1
  local id = ids[(position % #ids) + 1]
  return wrk.format("POST", before .. id .. after, nil, body)
end

function done(summary, latency, requests)
  local most = 0
  for _, thread in ipairs(threads) do
    most = math.max(most, thread:get("sent"))
  end
  io.write(string.format("next position: %d\\n", start + most * step))
end
"""


# --- wrk ----------------------------------------------------------------------------------

_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def run_wrk(
    wrk: str,
    args: argparse.Namespace,
    *,
    port: int,
    path: str,
    headers: dict[str, str],
    seconds: int,
    script: Path | None = None,
) -> WrkRun:
    command = [wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s", "--latency"]
    if script is not None:
        command += ["-s", str(script)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://{HOST}:{port}{path}")
    proc = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    if proc.returncode != 0:
        raise BenchError(f"wrk failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return parse_wrk(proc.stdout)


def parse_wrk(output: str) -> WrkRun:
    def find(pattern: str) -> re.Match[str] | None:
        return re.search(pattern, output, re.MULTILINE)

    def latency_ms(percentile: int) -> float:
        match = find(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s|m|h)\s*$")
        if match is None:
            raise BenchError(f"no p{percentile} latency in wrk output:\n{output}")
        return float(match[1]) * _UNIT_MS[match[2]]

    requests = find(r"^\s+(\d+) requests in ")
    rate = find(r"^Requests/sec:\s+([\d.]+)")
    if requests is None or rate is None:
        raise BenchError(f"cannot read wrk output:\n{output}")
    non_2xx = find(r"Non-2xx or 3xx responses: (\d+)")
    sockets = find(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
    position = find(r"^next position: (\d+)$")
    return WrkRun(
        requests=int(requests[1]),
        requests_per_s=float(rate[1]),
        p50_ms=latency_ms(50),
        p99_ms=latency_ms(99),
        non_2xx_3xx=int(non_2xx[1]) if non_2xx else 0,
        socket_errors=sum(int(n) for n in sockets.groups()) if sockets else 0,
        next_position=int(position[1]) if position else None,
    )


# --- judging and reporting ----------------------------------------------------------------


def judge(endpoint: Endpoint, run: WrkRun, others: float, ceiling_rps: float) -> Result:
    share = run.requests_per_s / ceiling_rps if ceiling_rps else 0.0
    target = TARGETS.get(endpoint.kind)
    passed = None
    if target is not None:
        passed = (
            (target.min_share is None or share >= target.min_share)
            and (target.min_rps is None or run.requests_per_s >= target.min_rps)
            and run.p99_ms < target.max_p99_ms
            and run.non_2xx_3xx == 0
            and run.socket_errors == 0
        )
    return Result(
        name=endpoint.name,
        path=endpoint.path,
        kind=endpoint.kind,
        requests=run.requests,
        requests_per_s=run.requests_per_s,
        p50_ms=run.p50_ms,
        p99_ms=run.p99_ms,
        non_2xx_3xx=run.non_2xx_3xx,
        socket_errors=run.socket_errors,
        share_of_ceiling=share,
        min_share=target.min_share if target else None,
        min_rps=target.min_rps if target else None,
        max_p99_ms=target.max_p99_ms if target else None,
        passed=passed,
        others_cpu_share=others,
    )


def print_table(results: list[Result]) -> None:
    header = (
        f"{'endpoint':<16} {'path':<50} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'ceiling':>8} {'target':>16} {'errors':>6} {'others':>6}  result"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        target = TARGETS.get(r.kind)
        verdict = "ceiling" if r.passed is None else ("PASS" if r.passed else "FAIL")
        print(
            f"{r.name:<16} {r.path:<50} {r.requests_per_s:>8.0f} {r.p50_ms:>7.2f} "
            f"{r.p99_ms:>7.2f} {r.share_of_ceiling:>8.1%} "
            f"{target.describe() if target else '-':>16} "
            f"{r.non_2xx_3xx + r.socket_errors:>6} {r.others_cpu_share:>6.0%}  {verdict}"
        )


def print_failures(results: list[Result]) -> None:
    for r in results:
        if r.passed is not False:
            continue
        reasons = []
        if r.min_share is not None and r.share_of_ceiling < r.min_share:
            reasons.append(f"{r.share_of_ceiling:.1%} of the ceiling < {r.min_share:.0%}")
        if r.min_rps is not None and r.requests_per_s < r.min_rps:
            reasons.append(f"{r.requests_per_s:.0f} requests/s < {r.min_rps:.0f}")
        if r.max_p99_ms is not None and r.p99_ms >= r.max_p99_ms:
            reasons.append(f"p99 {r.p99_ms:.1f} ms >= {r.max_p99_ms:.0f} ms")
        if r.non_2xx_3xx or r.socket_errors:
            reasons.append(f"{r.non_2xx_3xx} non-2xx/3xx, {r.socket_errors} socket errors")
        print(f"FAIL {r.name}: {'; '.join(reasons)}")


# --- the run ------------------------------------------------------------------------------


def endpoints(question_id: int, loop: Loop | None) -> list[Endpoint]:
    """What is measured, in order; the ceiling comes first and again last to show any drift.
    The scorecard submits come last of the loop: they add to what the other pages read."""
    ceiling = "/healthz"
    library = [
        Endpoint("api list", "/api/v1/library/questions?limit=50", "api", "token"),
        Endpoint("api search", "/api/v1/library/questions?q=index", "api", "token"),
        Endpoint(
            "api search 2", "/api/v1/library/questions?q=database+transactions", "api", "token"
        ),
        Endpoint("page list", "/library/questions/", "page", "admin"),
        Endpoint("page search", "/library/questions/?q=cache", "page", "admin"),
        Endpoint("page detail", f"/library/questions/{question_id}/", "page", "admin"),
    ]
    interview_loop = []
    if loop is not None:
        interview_loop = [
            Endpoint("loop board", f"/roles/{loop.role}/", "loop", "big-admin"),
            Endpoint("loop candidates", "/candidates/", "loop", "big-admin"),
            Endpoint("loop candidate", f"/candidates/{loop.candidate}/", "loop", "big-admin"),
            Endpoint(
                "loop debrief", f"/applications/{loop.application}/debrief/", "loop", "big-admin"
            ),
            Endpoint("loop submit", "/interviews/{id}/scorecard/", "loop", "big-interviewer", True),
        ]
    return [
        Endpoint("ceiling", ceiling, "ceiling"),
        *library,
        *interview_loop,
        Endpoint("ceiling again", ceiling, "ceiling"),
    ]


def credentials(port: int, token: str, loop: Loop | None) -> dict[Who, dict[str, str]]:
    """The headers each kind of requester sends (signing in once per session)."""
    auth: dict[Who, dict[str, str]] = {
        "nobody": {},
        "token": {"Authorization": f"Bearer {token}"},
        "admin": {"Cookie": sign_in(port, DEMO_EMAIL).cookie},
    }
    if loop is not None:
        auth["big-admin"] = {"Cookie": sign_in(port, f"admin@{BIG_WORKSPACE}.test").cookie}
    return auth


def benchmark(
    args: argparse.Namespace,
    wrk: str,
    *,
    port: int,
    token: str,
    loop: Loop | None,
    folder: Path,
    our_pids: Callable[[], list[int]],
) -> list[Result]:
    auth = credentials(port, token, loop)
    submits = Submits([], "", "", folder)
    if loop is not None:
        interviewer = sign_in(port, f"interviewer@{BIG_WORKSPACE}.test")
        submits = Submits(loop.interviews, loop.scorecard_form, interviewer.csrf, folder)
        auth["big-interviewer"] = {
            "Cookie": interviewer.cookie,
            "Content-Type": "application/x-www-form-urlencoded",
        }
    targets = endpoints(first_question_id(port, auth["token"]), loop)
    for endpoint in targets:
        check_ok(port, endpoint, auth[endpoint.who], submits)
    runs: list[tuple[Endpoint, WrkRun, float]] = []
    for endpoint in targets:
        method = "POST" if endpoint.submits else "GET"
        print(f"  {endpoint.name:<16} {method} {endpoint.path}", flush=True)
        headers = auth[endpoint.who]

        def load(seconds: int, endpoint: Endpoint = endpoint, headers: dict = headers) -> WrkRun:
            script = submits.script(endpoint.path, args.threads) if endpoint.submits else None
            run = run_wrk(
                wrk,
                args,
                port=port,
                path=endpoint.path,
                headers=headers,
                seconds=seconds,
                script=script,
            )
            if run.next_position is not None:
                submits.advance(run.next_position)
            return run

        if args.warmup:
            load(args.warmup)
        pids = our_pids()
        before = cpu_snapshot(pids)
        run = load(args.duration)
        runs.append((endpoint, run, others_cpu_share(pids, before)))
        check_ok(port, endpoint, headers, submits)  # still answering after the load
    if submits.reused:
        print(
            f"NOTE: more than the {len(submits.interviews)} booked scorecards were submitted, so "
            "some were submitted twice (and refused): raise --submits.",
            flush=True,
        )
    ceilings = [run.requests_per_s for endpoint, run, _ in runs if endpoint.kind == "ceiling"]
    ceiling_rps = sum(ceilings) / len(ceilings)
    return [judge(endpoint, run, others, ceiling_rps) for endpoint, run, others in runs]


def noise_warning(results: list[Result]) -> str:
    noisy = [r for r in results if r.others_cpu_share > MAX_OTHERS_CPU]
    if not noisy:
        return ""
    worst = max(noisy, key=lambda r: r.others_cpu_share)
    return (
        f"WARNING: other processes used more than {MAX_OTHERS_CPU:.0%} of the CPUs during "
        f"{len(noisy)} measurement(s) (worst: {worst.others_cpu_share:.0%} during "
        f"'{worst.name}'), so the figures are skewed: re-run on an idle machine."
    )


def run(args: argparse.Namespace) -> int:
    wrk = ensure_wrk(args.install)
    cli = hireloop_cli()
    port = args.port or free_port()
    with ExitStack() as stack:
        data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="hireloop-bench-")))
        database_url = None
        if args.db == "postgres":
            admin_url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_PG_URL
            database_url = stack.enter_context(throwaway_postgres(admin_url))
        env = app_env(data_dir, database_url)
        database = database_label(database_url)
        print(f"Preparing a fresh {args.db} database in {data_dir}", flush=True)
        token, loop = prepare_data(cli, env, args.scale, args.submits)
        settle(database_url, data_dir)
        print(f"Serving on http://{HOST}:{port}/ (hireloop serve)", flush=True)
        server = stack.enter_context(running_server(cli, env, port, data_dir / "server.log"))

        def our_pids() -> list[int]:
            database = backend_pids(database_url) if database_url else []
            return [os.getpid(), *group_pids(server), *database]

        print(
            f"Load: wrk -t{args.threads} -c{args.connections}, {args.warmup}s warm-up + "
            f"{args.duration}s per endpoint",
            flush=True,
        )
        results = benchmark(
            args, wrk, port=port, token=token, loop=loop, folder=data_dir, our_pids=our_pids
        )
    report(args, database, results, noise_warning(results))
    return 1 if args.strict and any(r.passed is False for r in results) else 0


def report(args: argparse.Namespace, database: str, results: list[Result], warning: str) -> None:
    cpus = os.cpu_count() or 1
    print()
    if warning:
        print(warning)
    print(f"Database: {database}")
    print(
        f"CPUs: {cpus} (server: {cpus} granian workers x 1 blocking thread; wrk runs on the same "
        f"machine) | wrk: {args.threads} threads, {args.connections} connections, "
        f"{args.duration}s per endpoint"
    )
    if args.scale:
        print(
            f"Interview loop: workspace '{BIG_WORKSPACE}' of `hireloop demo --scale {args.scale}`."
        )
    print()
    print_table(results)
    print()
    print_failures(results)
    failed = sum(r.passed is False for r in results)
    print(f"{'All targets met.' if not failed else f'{failed} endpoint(s) missed a target.'}")
    if args.json:
        document: dict[str, Any] = {
            "database": database,
            "db": args.db,
            "cpus": cpus,
            "duration_s": args.duration,
            "connections": args.connections,
            "threads": args.threads,
            "scale": args.scale,
            "warning": warning or None,
            "results": [asdict(r) for r in results],
        }
        args.json.write_text(json.dumps(document, indent=2) + "\n")
        print(f"Results written to {args.json}")


def _terminate(signum: int, _frame: object) -> NoReturn:
    raise SystemExit(128 + signum)  # unwinds through the finally blocks: server, database


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    signal.signal(signal.SIGTERM, _terminate)
    try:
        return run(args)
    except BenchError as exc:
        print(f"bench: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
