"""The ``hireloop`` command: settings from the environment, deploy checks, content commands."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hireloop.library.models import Question
from hireloop.library.services import question_copy

HIRELOOP = str(Path(sys.executable).with_name("hireloop"))


def _run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update({"HIRELOOP_DATA_DIR": str(tmp_path), **env})
    return subprocess.run(
        [HIRELOOP, *args], capture_output=True, text=True, env=environment, timeout=120, check=False
    )


def test_deploy_check_is_clean_with_production_settings(tmp_path):
    result = _run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        SECRET_KEY="Zq8!x@Lm#Rt5$Vw2^Yp7&Nb4*Hc9-k3J6pQ0sT1uW4yA7cE9gI2mO5rU8xB",
        ALLOWED_HOSTS="hireloop.example.com",
        HIRELOOP_HTTPS="true",
        DEBUG="false",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_bad_environment_values_fail_loudly(tmp_path):
    result = _run(["check"], tmp_path, DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr
    result = _run(["check"], tmp_path, CONN_MAX_AGE="soon")
    assert "CONN_MAX_AGE='soon' is not an integer" in result.stderr


def test_validate_reports_file_and_line(tmp_path):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "pack.yaml").write_text(
        "slug: tiny\nname: Tiny\ndescription: A tiny pack\ncolour: red\n"
    )
    result = _run(["content", "validate", str(pack)], tmp_path)
    assert result.returncode == 1
    assert "pack.yaml:4: unknown field 'colour'" in result.stdout
    assert "1 problem(s) found" in result.stderr


def test_export_json_of_the_builtin_pack(tmp_path):
    result = _run(["content", "export", "--format", "json"], tmp_path)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    for key in [
        "competencies",
        "questions",
        "scorecards",
        "stages",
        "tasks",
        "skills",
        "industries",
        "red_flags",
        "prep_tips",
    ]:
        assert isinstance(document[key], list) and document[key], key
    assert len(document["questions"]) >= 150


def test_export_of_a_workspace_includes_its_copies(team):
    source = Question.objects.get(slug="graphql-vs-rest", workspace=None)
    question_copy(membership=team.membership(team.admin), question_id=source.pk)
    out = io.StringIO()
    call_command("content", "export", "--workspace", team.workspace.slug, stdout=out)
    document = json.loads(out.getvalue())
    own = [q for q in document["questions"] if q.get("workspace") == team.workspace.slug]
    assert [(q["slug"], q["copied_from"]) for q in own] == [("graphql-vs-rest", "graphql-vs-rest")]
    with pytest.raises(CommandError, match="no workspace"):
        call_command("content", "export", "--workspace", "nope", stdout=io.StringIO())


def test_createuser_and_demo(db):
    out = io.StringIO()
    call_command("demo", stdout=out)
    call_command("demo", stdout=out)  # running it again is safe
    assert "admin@acme.test" in out.getvalue() and "hireloop-demo" in out.getvalue()
    call_command(
        "createuser",
        "--email",
        "new@acme.test",
        "--password",
        "a-long-pass-phrase",
        "--workspace",
        "acme",
        "--role",
        "recruiter",
        stdout=out,
    )
    with pytest.raises(CommandError, match="already exists"):
        call_command("createuser", "--email", "new@acme.test", "--password", "x", stdout=out)


def test_serve_collects_static_files_only_when_they_changed(settings, tmp_path, monkeypatch):
    from django.core import management

    from hireloop import cli

    settings.STATIC_ROOT = tmp_path
    calls = []
    monkeypatch.setattr(management, "call_command", lambda *a, **k: calls.append(a))
    cli._collect_static()
    cli._collect_static()
    assert calls == [("collectstatic",)]
    (tmp_path / ".collected").write_text("stale")
    cli._collect_static()
    assert len(calls) == 2


def test_demo_fills_every_page_and_scales(db):
    from hireloop.accounts.models import Membership
    from hireloop.decisions.models import Decision
    from hireloop.hiring.models import Application
    from hireloop.interviews.models import Feedback
    from hireloop.interviews.selectors import owed_scorecards

    out = io.StringIO()
    call_command("demo", "--scale", "8", stdout=out)
    acme = Application.objects.filter(workspace__slug="acme")
    assert set(acme.values_list("status", flat=True)) == {
        "active",
        "on_hold",
        "rejected",
        "withdrawn",
        "hired",
    }
    assert acme.values("stage__position").distinct().count() >= 5, "candidates at every stage"
    assert Feedback.objects.filter(status="submitted").exists() and Decision.objects.exists()
    recruiter = Membership.objects.get(user__email="recruiter@acme.test")
    assert owed_scorecards(recruiter, everyone=True), "an overdue scorecard to chase"
    assert Application.objects.filter(workspace__slug="bigco").count() == 8
    call_command("demo", "--scale", "8", stdout=out)
    assert Application.objects.filter(workspace__slug="bigco").count() == 8
