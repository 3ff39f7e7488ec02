"""Run a candidate's service in a scratch folder, boxed in, and make sure it is gone afterwards.

Three levels of isolation, best first (``auto`` picks the best this machine offers):

- ``bwrap``: bubblewrap gives the service its own mount, PID, IPC, UTS and network namespaces.
  It sees the system folders (/usr, the libraries, a few files of /etc) read-only, its
  dependency environment read-only, its own folder read-write and an empty /tmp; nothing else
  of this machine, so none of Hireloop's files. Its network is a loopback of its own: it
  cannot reach the databases, caches or other services of this machine, nor the internet. The
  grader reaches it through a Unix socket that relay.py, started inside the sandbox next to
  the service, forwards to the service's port. When the grader runs as root the service also
  runs as a throwaway user id (see below).
- ``uid``: without bubblewrap, a grader running as root starts the service as a throwaway user
  id that no account and no other process uses. It cannot touch files it does not own, but it
  can read whatever this machine leaves world-readable and connect to anything listening on
  this machine's network, which is the trade-off for not having bubblewrap.
- ``none``: neither root nor bubblewrap (a developer's laptop): the service runs as the
  grader's own user. For development only.

Limits (prlimit, or setrlimit in the child when prlimit is missing): memory, CPU seconds, file
size (which also caps the log), open files, and the number of processes when the user id is
the service's alone. Memory is RLIMIT_AS for Python; Node.js reserves gigabytes of address
space it never uses and would not even start under it, so it gets RLIMIT_DATA, which counts
the memory it really writes to.

Stopping: the whole process group gets SIGTERM, then SIGKILL; then every process still running
as the throwaway user, and every process whose environment holds this run's marker variable,
is killed too. That catches children that called setsid() to leave the group. Under bubblewrap
the PID namespace dies with its first process anyway.
"""

from __future__ import annotations

import functools
import os
import pwd
import resource
import secrets
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..report import GradingError

Isolation = Literal["bwrap", "uid", "none"]
Requested = Literal["auto", "bwrap", "uid", "none"]
MARKER = "HIRELOOP_GRADE_RUN"
MB = 1024 * 1024
SYSTEM_PATH = ("/usr/local/bin", "/usr/bin", "/bin")
# Top-level folders that are links into /usr on merged-/usr systems, or real folders elsewhere.
_SYSTEM_TOPS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
_SYSTEM_ETC = (
    "/etc/alternatives",
    "/etc/ca-certificates",
    "/etc/gai.conf",
    "/etc/host.conf",
    "/etc/hosts",
    "/etc/ld.so.cache",
    "/etc/localtime",
    "/etc/mime.types",
    "/etc/nsswitch.conf",
    "/etc/resolv.conf",
    "/etc/ssl",
)
# Not copied into the scratch folder: dependencies come from the cache, the rest is clutter.
_NOT_COPIED = {
    ".git",
    ".venv",
    "venv",
    "node_modules",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
}
# Throwaway user ids come from a range no distribution hands out to accounts.
_UID_RANGE = (1_900_000_000, 1_999_999_999)

NOTES: dict[Isolation, str] = {
    "bwrap": "bubblewrap (own mount, PID, IPC and network namespaces; only system folders, the "
    "dependencies and its own folder visible; no network beyond its own loopback)",
    "uid": "a throwaway unprivileged user, without bubblewrap (the service could read files "
    "this machine leaves world-readable and reach its local network services; install "
    "bubblewrap to close both)",
    "none": "no isolation: the grader is not root and bubblewrap is unavailable (development only)",
}


@dataclass(frozen=True)
class Limits:
    memory_bytes: int
    cpu_seconds: int
    file_bytes: int = 32 * MB
    open_files: int = 1024
    processes: int = 512


def resolve_isolation(requested: Requested) -> Isolation:
    """The isolation to use; GradingError when the one asked for is not available here."""
    root = os.geteuid() == 0
    if requested == "auto":
        return "bwrap" if _bwrap_works(root) else "uid" if root else "none"
    if requested == "bwrap" and not _bwrap_works(root):
        raise GradingError(
            "bubblewrap is not installed or cannot create namespaces on this machine "
            "(Debian: apt-get install bubblewrap)."
        )
    if requested == "uid" and not root:
        raise GradingError("Running services as a throwaway user needs the grader to run as root.")
    return requested


@functools.cache
def _bwrap_works(root: bool) -> bool:
    executable = shutil.which("bwrap")
    if executable is None:
        return False
    try:
        done = subprocess.run(
            [executable, "--ro-bind", "/", "/", "--unshare-pid", "--cap-drop", "ALL", "true"],
            env={"PATH": ":".join(SYSTEM_PATH)},
            capture_output=True,
            timeout=10,
            **_as_user(_throwaway_uid() if root else None),
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def _throwaway_uid() -> int:
    while True:
        uid = _UID_RANGE[0] + secrets.randbelow(_UID_RANGE[1] - _UID_RANGE[0])
        try:
            pwd.getpwuid(uid)
        except KeyError:
            return uid


def _as_user(uid: int | None) -> dict[str, Any]:
    return {} if uid is None else {"user": uid, "group": uid, "extra_groups": []}


@dataclass
class Workspace:
    """A fresh scratch folder: ``app`` is the service's copy of the submission."""

    isolation: Isolation
    root: Path = field(init=False)
    uid: int | None = field(init=False)

    def __post_init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="hireloop-api-"))
        self.uid = _throwaway_uid() if self.isolation != "none" and os.geteuid() == 0 else None
        if self.uid is not None:
            # The service's user must reach app/ (its own) and nothing else in here.
            self.root.chmod(0o711)

    @property
    def app(self) -> Path:
        return self.root / "app"

    @property
    def log(self) -> Path:
        return self.root / "service.log"

    @property
    def relay(self) -> Path:
        """The folder shared with the sandbox for the relay's script and socket."""
        return self.root / "relay"

    def fill(self, source: Path) -> None:
        """Copy the submission in, leaving out links that lead outside it and special files."""
        real_source = source.resolve()

        def ignore(folder: str, names: list[str]) -> set[str]:
            skipped = {name for name in names if name in _NOT_COPIED}
            for name in names:
                path = Path(folder, name)
                if path.is_symlink():
                    # Only relative links staying inside keep their meaning in the copy.
                    target = os.readlink(path)
                    if os.path.isabs(target) or not path.resolve().is_relative_to(real_source):
                        skipped.add(name)
                elif not path.is_dir() and not path.is_file():
                    skipped.add(name)  # fifos and devices: opening one could block the copy
            return skipped

        shutil.copytree(source, self.app, symlinks=True, ignore=ignore)
        (self.app / ".tmp").mkdir(exist_ok=True)
        owned = [self.app]
        if self.isolation == "bwrap":
            self.relay.mkdir()
            shutil.copy(Path(__file__).with_name("relay.py"), self.relay / "relay.py")
            owned.append(self.relay)
        if self.uid is not None:
            for top in owned:
                for folder, dirs, files in os.walk(top):
                    os.chown(folder, self.uid, self.uid)
                    for name in dirs + files:
                        os.chown(Path(folder, name), self.uid, self.uid, follow_symlinks=False)

    def check_reachable(self, paths: Iterable[Path]) -> None:
        """The service's user must be able to reach its tools and dependencies."""
        if self.uid is None:
            return
        for path in paths:
            blocked = _unreachable_part(path)
            if blocked is not None:
                raise GradingError(
                    f"{path} is not reachable by the unprivileged user services run as, because "
                    f"{blocked} is closed to other users. Move it (for the dependency cache: "
                    "set HIRELOOP_DATA_DIR or cache_dir) or open that folder with chmod o+x."
                )

    def remove(self) -> None:
        def unlock(retry: Callable[[str], Any], path: str, _: Any) -> None:
            # Without root, a service could have taken its own files' permissions away.
            with suppress(OSError):
                Path(path).parent.chmod(0o700)
                if Path(path).is_dir() and not Path(path).is_symlink():
                    Path(path).chmod(0o700)
                retry(path)

        shutil.rmtree(self.root, onerror=unlock)


def _unreachable_part(path: Path) -> Path | None:
    real = path.resolve()
    for folder in [*reversed(real.parents), real]:
        try:
            mode = folder.stat().st_mode
        except OSError:
            return folder
        if stat.S_ISDIR(mode) and not mode & stat.S_IXOTH:
            return folder
        if folder == real and not mode & (stat.S_IXOTH | stat.S_IROTH):
            return folder
    return None


@dataclass
class Service:
    """A started service: its process group, marker token and output."""

    popen: subprocess.Popen[bytes]
    token: str
    uid: int | None
    log: Path
    isolation: Isolation
    socket: Path | None  # the relay's Unix socket when the service has its own network

    def exit_code(self) -> int | None:
        """The exit code once it has ended (negative for a signal), without reaping it.

        Reaping would free its process id, and with it the process group id that stop()
        still needs to signal.
        """
        if self.popen.returncode is not None:
            return self.popen.returncode
        try:
            result = os.waitid(os.P_PID, self.popen.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return self.popen.poll()
        if result is None:
            return None
        return result.si_status if result.si_code == os.CLD_EXITED else -result.si_status

    def output_tail(self, limit: int = 4000) -> str:
        try:
            with open(self.log, "rb") as handle:
                size = handle.seek(0, os.SEEK_END)
                handle.seek(max(0, size - limit))
                text = handle.read().decode("utf-8", errors="replace")
        except OSError:
            return ""
        return ("..." if size > limit else "") + text

    def stop(self, grace: float = 1.0) -> int:
        """Kill the service and everything it started; the number of processes that survived."""
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while self.exit_code() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        with suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=5)
        if self.uid is not None:
            _kill_everything_of(self.uid)
        deadline = time.monotonic() + 5
        while True:
            survivors = find_processes(self.token, self.uid)
            if not survivors or time.monotonic() > deadline:
                return len(survivors)
            for pid in survivors:
                with suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.05)


def _kill_everything_of(uid: int) -> None:
    """kill(-1) from inside the user id: one atomic signal to all its processes, forks included."""
    kill = shutil.which("kill", path=":".join(SYSTEM_PATH))
    if kill is None:
        return
    with suppress(OSError, subprocess.SubprocessError):
        subprocess.run([kill, "-KILL", "-1"], capture_output=True, timeout=5, **_as_user(uid))


def find_processes(token: str, uid: int | None = None) -> list[int]:
    """Live processes that carry the run's marker in their environment or run as ``uid``."""
    marker = f"{MARKER}={token}".encode()
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            status = Path(entry.path, "status").read_text()
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            if fields.get("State", "").strip()[:1] in ("Z", "X"):
                continue
            if uid is not None and int(fields.get("Uid", "-1").split()[0]) == uid:
                found.append(int(entry.name))
                continue
            environ = Path(entry.path, "environ").read_bytes()
        except (OSError, ValueError):
            continue
        if marker in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


def start(
    workspace: Workspace,
    command: tuple[str, ...],
    *,
    runtime: str,
    port: int,
    path_dirs: list[Path],
    read_only: list[Path],
    limits: Limits,
    relay_python: Path | None = None,
) -> Service:
    """Start ``command`` in the workspace; raises OSError when it cannot be started at all.

    Under bubblewrap, ``relay_python`` (a system interpreter inside ``read_only`` or /usr)
    runs relay.py in front of the service.
    """
    token = secrets.token_hex(12)
    bwrap = workspace.isolation == "bwrap"
    search = [str(path) for path in path_dirs] + list(SYSTEM_PATH)
    env = {
        "PATH": ":".join(dict.fromkeys(search)),
        "HOME": str(workspace.app),
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "LANG": "C.UTF-8",
        "TMPDIR": str(workspace.app / ".tmp"),
        "PYTHONUNBUFFERED": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "NODE_ENV": "production",
        MARKER: token,
    }
    argv = list(command)
    socket = None
    if bwrap:
        if relay_python is None:
            raise ValueError("the bubblewrap sandbox needs a Python interpreter for its relay")
        socket = workspace.relay / "http.sock"
        relay = [str(relay_python), "-I", "-S", str(workspace.relay / "relay.py")]
        argv = [
            *_bwrap_prefix(workspace, read_only),
            *relay,
            str(socket),
            str(port),
            "--",
            *argv,
        ]
    prlimit = shutil.which("prlimit", path=":".join(SYSTEM_PATH))
    per_user = workspace.uid is not None
    preexec = None
    if prlimit:
        argv = [prlimit, *_prlimit_flags(limits, runtime, per_user), "--", *argv]
    else:
        preexec = functools.partial(_set_limits, limits, runtime, per_user)
    with open(workspace.log, "wb") as log:
        popen = subprocess.Popen(
            argv,
            cwd=workspace.app,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            close_fds=True,
            preexec_fn=preexec,
            **_as_user(workspace.uid),
        )
    return Service(popen, token, workspace.uid, workspace.log, workspace.isolation, socket)


def _bwrap_prefix(workspace: Workspace, read_only: list[Path]) -> list[str]:
    app, relay = str(workspace.app), str(workspace.relay)
    args = [
        shutil.which("bwrap") or "bwrap",
        "--die-with-parent",
        "--new-session",
        "--unshare-pid",
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-net",
        "--unshare-cgroup-try",
        "--cap-drop",
        "ALL",
        "--ro-bind",
        "/usr",
        "/usr",
    ]
    for top in _SYSTEM_TOPS:
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for path in _SYSTEM_ETC:
        args += ["--ro-bind-try", path, path]
    # An empty /tmp of the sandbox's own, gone with it.
    args += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]  # noqa: S108
    for extra in dict.fromkeys(read_only):
        if not extra.resolve().is_relative_to("/usr"):
            args += ["--ro-bind", str(extra), str(extra)]
    args += ["--bind", relay, relay, "--bind", app, app, "--chdir", app, "--"]
    return args


def _memory_limit(runtime: str) -> tuple[int, str]:
    return (resource.RLIMIT_AS, "as") if runtime == "python" else (resource.RLIMIT_DATA, "data")


def _prlimit_flags(limits: Limits, runtime: str, per_user: bool) -> list[str]:
    flags = [
        f"--{_memory_limit(runtime)[1]}={limits.memory_bytes}",
        f"--cpu={limits.cpu_seconds}",
        f"--fsize={limits.file_bytes}",
        f"--nofile={limits.open_files}",
        "--core=0",
    ]
    # RLIMIT_NPROC counts every process of the user id, so it is only safe on our own one.
    if per_user:
        flags.append(f"--nproc={limits.processes}")
    return flags


def _set_limits(limits: Limits, runtime: str, per_user: bool) -> None:
    resource.setrlimit(_memory_limit(runtime)[0], (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
    resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if per_user:
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
