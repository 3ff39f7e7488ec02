"""The REST API grader, end to end: sample submissions are started, probed and killed for real.

Timeouts are kept short so the hanging and silent samples fail fast. Every grading goes
through ``graded()``, which also proves that no process of the graded service survived.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from hireloop.assessments.graders.api import ApiOptions, grade
from hireloop.assessments.graders.api import checks as api_checks
from hireloop.assessments.graders.api.client import free_port
from hireloop.assessments.graders.api.deps import package_problems, requirement_problems
from hireloop.assessments.graders.api.manifest import ManifestError, load
from hireloop.assessments.graders.api.runner import loopback_target
from hireloop.assessments.graders.api.sandbox import find_processes
from hireloop.assessments.graders.report import GradingError, Report

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "src/hireloop/assessments/graders/api/fixtures"
TASKS = ROOT / "content/backend/tasks.yaml"
BANDS = yaml.safe_load((FIXTURES / "bands.yaml").read_text())
ORPHAN_TAG = "hireloop-fixture-orphan"
MARKER = re.compile(r"Run marker: ([0-9a-f]+)")


def reachable_folder() -> Path:
    """A folder the unprivileged sandbox user can reach (pytest's own are private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="hireloop-test-"))
    folder.chmod(0o755)
    return folder


@pytest.fixture(scope="session")
def cache() -> Iterator[Path]:
    folder = reachable_folder()
    yield folder
    shutil.rmtree(folder)


@pytest.fixture
def private_cache() -> Iterator[Path]:
    folder = reachable_folder()
    yield folder
    shutil.rmtree(folder)


def options(cache: Path, **changes) -> ApiOptions:
    defaults = {"start_timeout": 2.0, "request_timeout": 2.0, "time_limit": 60.0}
    return ApiOptions(cache_dir=cache, **{**defaults, **changes})


def graded(source, opts: ApiOptions, **kwargs) -> Report:
    """Grade, then check that nothing the service started is still running."""
    report = grade(source, options=opts, **kwargs)
    start = by_id(report)["setup.start"]
    marker = MARKER.search(start.evidence)
    if marker:
        assert find_processes(marker.group(1)) == []
        assert report.metrics["leftover_processes"] == 0
    return report


def by_id(report: Report) -> dict:
    return {check.id: check for check in report.checks}


@pytest.fixture(scope="module")
def sample_report(cache) -> Callable[[str], Report]:
    """Grades each sample once per module (and worker). How long each takes is measured by
    ``bench/grade_api.py --every-sample``: a wall clock on a loaded machine is no test."""
    done: dict[str, Report] = {}

    def report_of(name: str) -> Report:
        if name not in done:
            # This sample can only fail by timing out: no need to wait long.
            silent = name == "hostile-never-listens"
            done[name] = graded(
                FIXTURES / name, options(cache, start_timeout=1.0 if silent else 2.0)
            )
        return done[name]

    return report_of


@pytest.mark.parametrize("sample", BANDS, ids=[sample["name"] for sample in BANDS])
def test_every_sample_lands_in_its_band(sample, sample_report):
    report = sample_report(sample["path"])
    low, high = sample["band"]
    assert low <= report.percent <= high, report.summary
    assert report.max_score == 100
    assert "Clarity and organisation of the code" in report.summary


def test_strong_sample_passes_every_check(sample_report):
    report = sample_report("strong-python")
    assert [c.id for c in report.checks if c.result != "pass"] == []
    assert {"startup_seconds", "probe_seconds", "requests"} <= set(report.metrics)
    assert "listening on" in report.artifacts["service-output.txt"]
    assert json.loads(json.dumps(report.to_dict()))["percent"] == 100


def test_mediocre_sample_fails_for_the_right_reasons(sample_report):
    checks = by_id(sample_report("mediocre-python"))
    assert checks["crud.create"].result == "pass"
    assert checks["rest.create_status"].result == "fail"
    assert "201" in checks["rest.create_status"].evidence
    assert checks["robust.malformed_json"].result == "fail"
    assert "500" in checks["robust.malformed_json"].evidence
    assert checks["valid.missing_title"].result == "fail"
    assert checks["docs.tests"].result == "fail"


def test_failures_are_explained(sample_report):
    crash = by_id(sample_report("broken-crash"))["setup.start"]
    assert crash.result == "fail"
    assert "exit code 1" in crash.evidence and "TODO_DATABASE_URL" in crash.evidence
    hang = by_id(sample_report("hostile-hang"))["setup.start"]
    assert "accepted connections, but GET /todos got no answer" in hang.evidence
    manifest = by_id(sample_report("broken-manifest"))
    evidence = manifest["setup.submission"].evidence
    assert "'ruby'" in evidence and "command" in evidence and "A valid hireloop.yaml" in evidence
    assert manifest["crud.create"].evidence == "not run: the manifest is invalid"


def test_never_listening_service_times_out_within_the_limit(sample_report):
    report = sample_report("hostile-never-listens")
    start = by_id(report)["setup.start"]
    assert "nothing listened on port" in start.evidence
    assert "starting the todo service" in start.evidence


STALLING_SERVICE = """
import os
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"[]")

    def do_POST(self):
        time.sleep(3600)


ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
"""


def test_a_service_that_stops_answering_is_given_up_on(cache, tmp_path):
    (tmp_path / "hireloop.yaml").write_text("runtime: python\nstart: python stall.py\n")
    (tmp_path / "stall.py").write_text(STALLING_SERVICE)
    report = graded(tmp_path, options(cache, request_timeout=0.25))
    create = by_id(report)["crud.create"]
    assert create.result == "fail" and "no answer within 0.25 s" in create.evidence
    assert (
        "not sent: 8 requests already got no answer" in by_id(report)["robust.injection"].evidence
    )


def test_fixed_port_taken_on_this_machine(cache, tmp_path):
    source = tmp_path / "fixed-port"
    shutil.copytree(FIXTURES / "strong-python", source)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        (source / "hireloop.yaml").write_text(
            f"runtime: python\nstart: python todo_server.py\nport: {port}\n"
        )
        report = graded(source, options(cache))
    start = by_id(report)["setup.start"]
    if "bubblewrap" in report.summary:
        # The service has a network of its own, where the port is free.
        assert start.result == "pass" and report.percent >= 90
    else:
        assert start.result == "fail" and f"port {port} is already in use" in start.evidence


def _orphans() -> dict[int, str]:
    """Live processes of the hostile-fork sample's daemon, with their run marker."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if ORPHAN_TAG.encode() not in (entry / "cmdline").read_bytes():
                continue
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        tokens = [
            item.split(b"=", 1)[1].decode()
            for item in environ
            if item.startswith(b"HIRELOOP_GRADE_RUN=")
        ]
        found[int(entry.name)] = tokens[0] if tokens else ""
    return found


@pytest.mark.parametrize("isolation", ["auto", "uid"])
def test_escaped_daemon_is_killed(isolation, cache):
    if isolation == "uid" and os.geteuid() != 0:
        with pytest.raises(GradingError, match="root"):
            grade(FIXTURES / "hostile-fork", options=options(cache, isolation=isolation))
        return
    seen: dict[int, str] = {}
    report = graded(
        FIXTURES / "hostile-fork",
        options(cache, isolation=isolation),
        progress=lambda fraction, message: seen.update(_orphans()),
    )
    token = MARKER.search(by_id(report)["setup.start"].evidence).group(1)
    ours = [pid for pid, marker in seen.items() if marker == token]
    assert ours, "the sample's daemon should have been running while it was probed"
    alive = _orphans()
    assert not [pid for pid in ours if pid in alive]
    assert find_processes(token) == []


def test_archive_submission_is_unpacked_and_graded(cache, tmp_path):
    archive = tmp_path / "submission.upload"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in (FIXTURES / "strong-python").rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                zf.write(path, Path("todo-api") / path.relative_to(FIXTURES / "strong-python"))
    report = graded(archive, options(cache))
    assert report.percent >= 90, report.summary


def test_hostile_archive_is_a_failed_check_not_an_exception(cache, tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("hireloop.yaml", "runtime: python\nstart: python app.py\n")
        zf.writestr("../escape.py", "print('out')")
    report = graded(archive, options(cache))
    submission = by_id(report)["setup.submission"]
    assert submission.result == "fail"
    assert "'../escape.py'" in submission.evidence
    assert report.percent == 0
    assert not (tmp_path.parent / "escape.py").exists()


def test_rejected_requirements_fail_the_install_check(cache, tmp_path):
    source = tmp_path / "submission"
    shutil.copytree(FIXTURES / "strong-python", source)
    (source / "requirements.txt").write_text(
        "flask==3.0.0\n-e git+https://example.com/evil.git#egg=evil\n"
    )
    report = graded(source, options(cache))
    install = by_id(report)["setup.install"]
    assert install.result == "fail"
    assert "line 2" in install.evidence and "git+https" in install.evidence
    assert by_id(report)["crud.create"].evidence == "not run: the dependencies did not install"
    # The README and tests are still read without a running service.
    assert by_id(report)["docs.tests"].result == "pass"


def _node_sample_with_dependency(tmp_path: Path) -> Path:
    source = tmp_path / "node-deps"
    shutil.copytree(FIXTURES / "strong-node", source)
    package = json.loads((source / "package.json").read_text())
    package["dependencies"] = {"ms": "2.1.3"}
    (source / "package.json").write_text(json.dumps(package))
    server = (source / "server.js").read_text()
    (source / "server.js").write_text(f"console.log('ms:', require('ms')(60000));\n{server}")
    return source


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_dependencies_install_once_then_come_from_the_cache(runtime, tmp_path, private_cache):
    source = (
        FIXTURES / "python-deps" if runtime == "python" else _node_sample_with_dependency(tmp_path)
    )
    cache = private_cache
    first = by_id(graded(source, options(cache)))
    second = graded(source, options(cache))
    assert first["setup.install"].evidence.startswith(("built the environment", "installed"))
    assert by_id(second)["setup.install"].evidence.startswith("reused the cached")
    assert by_id(second)["crud.create"].result == "pass"
    assert len([entry for entry in cache.iterdir() if entry.is_dir()]) == 1
    if runtime == "node":
        assert "ms: 1m" in second.artifacts["service-output.txt"]


@pytest.fixture
def running_service():
    """The strong Python sample, started by hand on a free loopback port."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "todo_server.py"],
        cwd=FIXTURES / "strong-python",
        env={"PORT": str(port), "HOST": "127.0.0.1", "PATH": os.environ["PATH"]},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    yield port
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=5)
    assert process.poll() is not None


def test_url_mode_grades_a_running_service(running_service, cache):
    url = f"http://127.0.0.1:{running_service}"
    report = grade(FIXTURES / "strong-python", options=options(cache, url=url, start_timeout=5.0))
    checks = by_id(report)
    assert "setup.submission" not in checks and "setup.install" not in checks
    assert report.max_score == 96
    assert checks["setup.start"].result == "pass"
    assert report.percent >= 90, report.summary
    assert "not started or isolated by Hireloop" in report.summary


def test_url_mode_reports_a_dead_url_as_failed_checks(cache):
    report = grade(
        None, options=options(cache, url=f"http://localhost:{free_port()}", start_timeout=0.5)
    )
    assert by_id(report)["setup.start"].result == "fail"
    assert "docs.tests" not in by_id(report)
    assert report.max_score == 93
    assert report.percent == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://10.1.2.3:8000",
        "http://192.168.1.10/",
        "http://example.com:8000",
        "http://127.0.0.1.nip.io:8000",
        "http://[::ffff:10.0.0.1]:80",
        "https://127.0.0.1:8000",
        "ftp://127.0.0.1/",
    ],
)
def test_url_mode_refuses_anything_but_loopback(url, cache):
    with pytest.raises(GradingError, match=r"loopback|http://"):
        grade(None, options=options(cache, url=url))


def test_loopback_urls_are_understood():
    assert loopback_target("http://localhost:8000/api/") == ("localhost", 8000, "/api")
    assert loopback_target("http://127.0.0.2:9000") == ("127.0.0.2", 9000, "")
    assert loopback_target("http://[::1]:8080") == ("::1", 8080, "")


def test_nothing_to_grade_is_a_grading_error(tmp_path):
    with pytest.raises(GradingError, match="does not exist"):
        grade(tmp_path / "missing")
    with pytest.raises(GradingError, match="Nothing to grade"):
        grade(None)


def test_manifest_in_a_single_top_folder_with_a_list_command(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    (root / "hireloop.json").write_text(
        '{"runtime": "node", "start": ["node", "my server.js"], "port": 9000}'
    )
    (root / "package.json").write_text("{}")
    manifest = load(tmp_path)
    assert manifest.root == root
    assert manifest.start == ("node", "my server.js")
    assert (manifest.port, manifest.install, manifest.resource) == (9000, "package.json", None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "must be a mapping"),
        ("runtime: python\n", "start must be the command"),
        ("runtime: python\nstart: python app.py\nport: 80\n", "from 1024 to 65535"),
        ("runtime: python\nstart: 'python \"app.py'\n", "cannot be split"),
        (
            "runtime: python\nstart: python app.py\ninstall: ../../etc/passwd\n",
            "inside the submission",
        ),
        ("runtime: python\nstart: python app.py\nresource: todos\n", "starting with '/'"),
        ("runtime: [python\n", "cannot be parsed"),
    ],
)
def test_invalid_manifests_say_what_to_fix(tmp_path, text, expected):
    (tmp_path / "hireloop.yaml").write_text(text)
    with pytest.raises(ManifestError, match=re.escape(expected)):
        load(tmp_path)


def test_missing_manifest_shows_the_expected_format(tmp_path):
    (tmp_path / "app.py").write_text("")
    with pytest.raises(ManifestError, match=r"No hireloop\.yaml") as caught:
        load(tmp_path)
    assert "runtime: python" in str(caught.value)


def test_requirements_only_name_registry_packages():
    good = (
        "flask==3.0.0\nrequests[socks] >= 2.31, <3  # comment\niso8601 ; python_version >= '3.8'\n"
    )
    assert requirement_problems(good) == []
    assert requirement_problems("pkg==1.0 \\\n    --hash=sha256:abcdef0123\n") == []
    for bad in [
        "--index-url http://evil/simple",
        "-r other.txt",
        "evil @ https://x/evil.whl",
        "./local.whl",
        "git+https://github.com/x/y",
    ]:
        assert requirement_problems(bad), bad


def test_npm_dependencies_only_come_from_the_registry():
    assert (
        package_problems({"dependencies": {"express": "^4.19.2", "@scope/pkg": "~1.2.0"}}, None)
        == []
    )
    assert package_problems({"dependencies": {"evil": "git+https://github.com/x/evil.git"}}, None)
    assert package_problems({"dependencies": {"local": "file:../../etc"}}, None)
    lock = {"packages": {"node_modules/x": {"resolved": "https://evil.example/x.tgz"}}}
    assert package_problems({"dependencies": {"x": "1.0.0"}}, lock)
    assert package_problems({"dependencies": {"x": "1.0.0"}}, {"packages": {"x": {"link": True}}})


def test_checks_map_to_the_task_criteria_and_add_up_to_100():
    task = next(t for t in yaml.safe_load(TASKS.read_text()) if t["slug"] == "todo-rest-api")
    criteria = {text.split(" - ")[0] for text in task["evaluation_criteria"]}
    used = {spec.criterion for spec, _, _ in api_checks.PROBES}
    used |= {
        api_checks.SUBMISSION.criterion,
        api_checks.INSTALL.criterion,
        api_checks.START.criterion,
    }
    assert used | {api_checks.CODE} == criteria
    total = sum(spec.points for spec, _, _ in api_checks.PROBES)
    total += sum(
        spec.points for spec in (api_checks.SUBMISSION, api_checks.INSTALL, api_checks.START)
    )
    assert total == 100
    assert len({spec.id for spec, _, _ in api_checks.PROBES}) == len(api_checks.PROBES)
