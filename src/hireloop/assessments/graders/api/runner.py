"""Grade a REST API submission: unpack, install, start it boxed in, probe it, kill it.

``grade()`` is the only entry point. Whatever the submission does (a bad archive, a broken
manifest, a service that crashes, hangs or never listens) ends up as failed checks with the
reason in their evidence; GradingError is raised only when grading cannot run at all.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import shlex
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from hireloop.lib.archive import ArchiveRejected, safe_extract

from ..report import GradingError, Progress, Report, no_progress
from . import checks, manifest
from .checks import CODE, INSTALL, START, SUBMISSION, Context, Skip, check
from .client import HttpClient, free_port, listening, port_free
from .deps import Environment, InstallFailed, node_environment, python_environment
from .sandbox import NOTES, SYSTEM_PATH, Limits, Requested, Service, Workspace, resolve_isolation
from .sandbox import start as start_service

log = logging.getLogger(__name__)

DEFAULT_RESOURCE = "/todos"
MB = 1024 * 1024
OUTPUT_ARTIFACT = "service-output.txt"


@dataclass(frozen=True)
class ApiOptions:
    url: str | None = None  # grade a service already running on this machine (loopback only)
    resource: str | None = None  # default: the manifest's ``resource``, else /todos
    start_timeout: float = 20.0  # seconds for the service to answer its first request
    request_timeout: float = 3.0  # seconds for each probe request
    time_limit: float = 120.0  # seconds for starting and probing together
    install_timeout: float = 300.0  # seconds for pip or npm
    memory_mb: int = 512  # RLIMIT_AS for Python, RLIMIT_DATA for Node.js
    cache_dir: Path | None = None  # default: $HIRELOOP_DATA_DIR/grader-cache
    isolation: Requested = "auto"
    python: str | None = None  # interpreter for Python services, default the system python3
    parallel: int = 20  # concurrent creates in the robust.concurrent probe


def grade(
    source: str | Path | None,
    *,
    options: ApiOptions | None = None,
    progress: Progress = no_progress,
) -> Report:
    """Grade the submission in ``source`` (a folder or an archive), or the service at
    ``options.url`` (then ``source`` is optional: a folder whose README and tests are read)."""
    options = options or ApiOptions()
    if options.url is not None:
        return _grade_url(options.url, source, options, progress)
    if source is None:
        raise GradingError("Nothing to grade: give a submission folder or archive, or a URL.")
    path = Path(source)
    if not path.exists():
        raise GradingError(f"{path} does not exist.")
    workspace = Workspace(resolve_isolation(options.isolation))
    try:
        return _Run(options, progress, workspace).grade(path)
    finally:
        workspace.remove()


@dataclass
class _Run:
    options: ApiOptions
    progress: Progress
    workspace: Workspace
    report: Report = field(default_factory=lambda: Report(kind="api"))
    started: float = field(default_factory=time.monotonic)

    def grade(self, path: Path) -> Report:
        self.progress(0.02, "unpacking the submission")
        folder = path
        if path.is_file():
            folder = self.workspace.root / "unpacked"
            try:
                safe_extract(path, folder)
            except ArchiveRejected as exc:
                self.report.add(check(SUBMISSION, 0, f"The archive was rejected: {exc.message}"))
                return self._without_service(None, "the archive was rejected")
        try:
            found = manifest.load(folder)
        except manifest.ManifestError as exc:
            self.report.add(check(SUBMISSION, 0, str(exc)))
            return self._without_service(manifest.find_root(folder), "the manifest is invalid")
        port_text = str(found.port) if found.port else "$PORT"
        self.report.add(
            check(
                SUBMISSION,
                1,
                f"{found.file}: runtime {found.runtime}, start `{shlex.join(found.start)}`, "
                f"port {port_text}.",
            )
        )
        tools = _tools(found.runtime, self.options)
        self.progress(0.08, "installing dependencies")
        clock = time.monotonic()
        try:
            environment = self._install(found, tools)
        except InstallFailed as exc:
            self.report.add(check(INSTALL, 0, str(exc)))
            return self._without_service(found.root, "the dependencies did not install")
        self.report.metrics["install_seconds"] = round(time.monotonic() - clock, 2)
        self.report.add(
            check(INSTALL, 1, environment.note if environment else "No dependencies declared.")
        )
        return self._run_service(found, tools, environment)

    def _install(self, found: manifest.Manifest, tools: dict[str, Path]) -> Environment | None:
        cache = (
            self.options.cache_dir
            or Path(os.environ.get("HIRELOOP_DATA_DIR", "var")) / "grader-cache"
        ).absolute()
        timeout = self.options.install_timeout
        try:
            if found.runtime == "python":
                listed = found.root / found.install if found.install else None
                requirements = listed.read_text(errors="replace") if listed else ""
                return python_environment(tools["python"], requirements, cache, timeout=timeout)
            if found.install is None:
                return None
            return node_environment(
                found.root / found.install, tools["node"], tools["npm"], cache, timeout=timeout
            )
        except (OSError, subprocess.SubprocessError) as exc:
            # pip, npm or the cache folder failing to run at all is this machine's problem.
            raise GradingError(
                f"Dependencies could not be prepared on this machine: {exc}"
            ) from exc

    def _run_service(
        self, found: manifest.Manifest, tools: dict[str, Path], environment: Environment | None
    ) -> Report:
        self.progress(0.3, "starting the service")
        workspace = self.workspace
        try:
            workspace.fill(found.root)
        except (OSError, shutil.Error) as exc:
            self.report.add(check(START, 0, f"The submission could not be copied: {exc}"))
            return self._without_service(found.root, "the submission could not be copied")
        own_network = workspace.isolation == "bwrap"
        relay_python = _system_python(self.options) if own_network else None
        executables = [*tools.values(), *([relay_python] if relay_python else [])]
        read_only = [path.resolve().parent.parent for path in executables]
        path_dirs = [path.parent for path in tools.values()]
        if environment is not None:
            read_only.append(environment.path)
            if environment.bin_dir is not None:
                path_dirs.insert(0, environment.bin_dir)
            if environment.node_modules is not None:
                (workspace.app / "node_modules").symlink_to(environment.node_modules)
        workspace.check_reachable([workspace.root, *executables, *read_only])
        resource = self.options.resource or found.resource or DEFAULT_RESOURCE
        command = f"`{shlex.join(found.start)}`"
        isolation = f"Isolation: {NOTES[workspace.isolation]}."
        port = found.port or free_port()
        # In a network of its own, a fixed port cannot clash with anything on this machine.
        if found.port and not own_network and not port_free(found.port):
            reason = f"port {port} is already in use on the grading machine"
            self.report.add(
                check(START, 0, f"Not started: {reason}. Read the port from $PORT instead.")
            )
            return self._without_service(found.root, reason)
        deadline = time.monotonic() + self.options.time_limit
        limits = Limits(
            memory_bytes=self.options.memory_mb * MB,
            cpu_seconds=int(self.options.time_limit) + 30,
        )
        launched = time.monotonic()
        try:
            service = start_service(
                workspace,
                found.start,
                runtime=found.runtime,
                port=port,
                path_dirs=path_dirs,
                read_only=read_only,
                limits=limits,
                relay_python=relay_python,
            )
        except OSError as exc:
            self.report.add(check(START, 0, f"{command} could not be started: {exc}"))
            return self._without_service(found.root, "the service could not be started")
        try:
            client, evidence = _wait(service, port, resource, self.options, deadline)
            marker = f"Run marker: {service.token}. {isolation}"
            self.report.add(
                check(START, 1 if client else 0, f"{command} on port {port}: {evidence}\n{marker}")
            )
            probe_started = time.monotonic()
            self.report.metrics["startup_seconds"] = round(probe_started - launched, 2)
            if client is not None:
                client.deadline = deadline
            context = Context(client, resource, found.root, found.docs, self.options.parallel)
            _probe(
                self.report,
                context,
                None if client else "the service did not answer",
                deadline,
                self.progress,
            )
            self.report.metrics["probe_seconds"] = round(time.monotonic() - probe_started, 2)
            self.report.metrics["requests"] = float(len(client.history) if client else 0)
        finally:
            self.progress(0.97, "stopping the service")
            self.report.metrics["leftover_processes"] = float(service.stop())
            self.report.artifacts[OUTPUT_ARTIFACT] = service.output_tail(8000)
        detail = f"The service ({command}, {found.runtime}) ran on port {port}. {isolation}"
        if not client:
            detail = f"The service ({command}) never answered: see {START.id}. {isolation}"
        if self.report.metrics["leftover_processes"]:
            detail += " WARNING: some of its processes could not be killed."
        return self._finish(detail)

    def _without_service(self, source: Path | None, reason: str) -> Report:
        """Fail every probe that needs the service; the static ones still read the source."""
        for spec in (INSTALL, START):
            if not any(existing.id == spec.id for existing in self.report.checks):
                self.report.add(check(spec, 0, f"not run: {reason}"))
        resource = self.options.resource or DEFAULT_RESOURCE
        context = Context(None, resource, source)
        _probe(self.report, context, reason, None, self.progress)
        return self._finish(f"The service was not started: {reason}.")

    def _finish(self, detail: str) -> Report:
        self.report.metrics["total_seconds"] = round(time.monotonic() - self.started, 2)
        self.report.summary = _summary(self.report, detail)
        self.progress(1.0, "done")
        return self.report


def _grade_url(
    url: str, source: str | Path | None, options: ApiOptions, progress: Progress
) -> Report:
    host, port, prefix = loopback_target(url)
    folder = Path(source) if source is not None else None
    if folder is not None and not folder.is_dir():
        raise GradingError(f"With a URL, the submission must be a folder: {folder} is not one.")
    started = time.monotonic()
    report = Report(kind="api")
    resource = options.resource or DEFAULT_RESOURCE
    deadline = started + options.time_limit
    end = min(started + options.start_timeout, deadline)
    client = None
    answer = None
    while time.monotonic() < end:
        address = host if host != "localhost" else listening(port) or "127.0.0.1"
        candidate = HttpClient(address, port, prefix=prefix, timeout=options.request_timeout)
        budget = max(0.1, min(options.request_timeout, end - time.monotonic()))
        answer = candidate.request("GET", resource, record=False, timeout=budget)
        if answer.answered:
            client = candidate
            break
        time.sleep(0.1)
    if client and answer:
        client.deadline = deadline
        evidence = f"{url} answered GET {prefix}{resource} with {answer.status}."
    else:
        problem = answer.error if answer else "no attempt was made"
        evidence = f"Nothing answered at {url} within {options.start_timeout:g} s: {problem}."
    report.add(check(START, 1 if client else 0, evidence))
    context = Context(client, resource, folder, None, options.parallel)
    # Without a source there are no tests to look for; that is not the service's fault.
    skipped = {"docs.tests"} if folder is None else set()
    reason = None if client else "the service did not answer"
    _probe(report, context, reason, deadline, progress, skipped)
    report.metrics["total_seconds"] = round(time.monotonic() - started, 2)
    report.metrics["requests"] = float(len(client.history) if client else 0)
    report.summary = _summary(
        report, f"Graded the running service at {url}; it was not started or isolated by Hireloop."
    )
    progress(1.0, "done")
    return report


def loopback_target(url: str) -> tuple[str, int, str]:
    """(host, port, path prefix) of a URL on this machine; GradingError for anything else."""
    parts = urlsplit(url)
    if parts.scheme != "http":
        raise GradingError(f"Only http:// URLs can be graded, not {url!r}.")
    host = (parts.hostname or "").lower()
    if host != "localhost":
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise GradingError(
                f"{host or url!r} is not a loopback address: only services on this machine "
                "(127.0.0.0/8, ::1 or localhost) can be graded."
            )
    try:
        port = parts.port or 80
    except ValueError:
        raise GradingError(f"{url!r} has an invalid port.") from None
    return host, port, parts.path.rstrip("/")


def _system_python(options: ApiOptions) -> Path:
    """The interpreter for Python services and for the sandbox's relay.

    Never the grader's own: a service must not see Hireloop's packages, and the interpreter
    must be usable by the unprivileged user services run as.
    """
    python = options.python or shutil.which("python3", path="/usr/bin:/usr/local/bin:/bin")
    if not python or not Path(python).is_file():
        raise GradingError(
            "Grading needs a system python3 (looked in /usr/bin, /usr/local/bin and /bin); "
            "install one or set ApiOptions.python."
        )
    return Path(python)


def _tools(runtime: str, options: ApiOptions) -> dict[str, Path]:
    """The executables a service of ``runtime`` needs, or GradingError if one is missing."""
    if runtime == "python":
        return {"python": _system_python(options)}
    system = ":".join(SYSTEM_PATH)
    node = shutil.which("node", path=system) or shutil.which("node")
    npm = shutil.which("npm", path=system) or shutil.which("npm")
    if not node or not npm:
        raise GradingError("Node.js services need node and npm installed on the grading machine.")
    return {"node": Path(node), "npm": Path(npm)}


def _wait(
    service: Service, port: int, resource: str, options: ApiOptions, deadline: float
) -> tuple[HttpClient | None, str]:
    """Poll until the service answers an HTTP request; (client, evidence)."""
    started = time.monotonic()
    end = min(started + options.start_timeout, deadline)
    connected = False
    while time.monotonic() < end:
        code = service.exit_code()
        if code is not None:
            return None, (
                f"the start command ended with exit code {code} before answering.\n"
                f"Its output:\n{service.output_tail(2000)}"
            )
        client = _client_for(service, port, options)
        if client is not None:
            budget = max(0.1, min(options.request_timeout, end - time.monotonic()))
            answer = client.request("GET", resource, record=False, timeout=budget)
            if answer.answered:
                return client, (
                    f"answered GET {resource} with {answer.status} after "
                    f"{time.monotonic() - started:.1f} s."
                )
            connected = connected or answer.timed_out
        time.sleep(0.05)
    if connected:
        problem = (
            f"port {port} accepted connections, but GET {resource} got no answer within "
            f"{options.start_timeout:g} s."
        )
    else:
        problem = (
            f"nothing listened on port {port} within {options.start_timeout:g} s. The service "
            "must listen on 127.0.0.1 or 0.0.0.0, at the port in hireloop.yaml or else at $PORT."
        )
    return None, f"{problem}\nIts output:\n{service.output_tail(2000)}"


def _client_for(service: Service, port: int, options: ApiOptions) -> HttpClient | None:
    """A client for the service once something could answer: its relay, or a listening port."""
    timeout = options.request_timeout
    if service.socket is not None:
        if not service.socket.exists():
            return None
        return HttpClient("127.0.0.1", port, timeout=timeout, unix_socket=service.socket)
    host = listening(port)
    return HttpClient(host, port, timeout=timeout) if host else None


def _probe(
    report: Report,
    context: Context,
    reason: str | None,
    deadline: float | None,
    progress: Progress,
    skipped: set[str] | None = None,
) -> None:
    total = len(checks.PROBES)
    for index, (spec, probe, needs_service) in enumerate(checks.PROBES):
        if spec.id in (skipped or set()):
            continue
        progress(0.35 + 0.6 * index / total, f"probing {spec.id}")
        if needs_service and reason is not None:
            report.add(check(spec, 0, f"not run: {reason}"))
            continue
        if deadline is not None and time.monotonic() > deadline:
            report.add(check(spec, 0, "not run: the grading time limit ran out"))
            continue
        try:
            share, evidence = probe(context)
        except Skip as exc:
            share, evidence = 0, str(exc)
        except Exception as exc:
            # A submission must never crash the grader; keep the trace for whoever maintains it.
            log.exception("probe %s failed", spec.id)
            share, evidence = (
                0,
                f"The grader could not complete this probe ({type(exc).__name__}: {exc}).",
            )
        report.add(check(spec, share, evidence))


def _summary(report: Report, detail: str) -> str:
    counts = {
        result: sum(c.result == result for c in report.checks)
        for result in ("pass", "partial", "fail")
    }
    return (
        f"{report.score:g} of {report.max_score:g} points ({report.percent:g}%): "
        f"{counts['pass']} checks passed, {counts['partial']} partly, {counts['fail']} failed. "
        f"{detail} '{CODE}' cannot be probed: the reviewer judges it from the source."
    )
