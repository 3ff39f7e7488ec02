"""The whole path with the real graders: a candidate hands in through the portal, the background
job grades the work, and the report shows to the reviewer on the application and review pages."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from hireloop.assessments.models import RunStatus, Submission
from hireloop.assessments.services import portal_token

from ..conftest import signed_in

GRADERS = Path(__file__).resolve().parents[2] / "src" / "hireloop" / "assessments" / "graders"


def _portal(assignment) -> str:
    return f"/portal/{portal_token(assignment)}/"


def _zip(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def test_schema_design_graded_from_the_portal(
    team, schema_assignment, django_capture_on_commit_callbacks
):
    ddl = (GRADERS / "schema" / "fixtures" / "strong-postgres.sql").read_text()
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(_portal(schema_assignment), {"text": ddl})
    assert response.status_code == 302
    run = Submission.objects.get(assignment=schema_assignment).runs.get()
    assert run.status == RunStatus.DONE, run.log
    assert run.score is not None and run.score >= 90
    assert run.artifacts["er-diagram.svg"].startswith("<svg")

    manager = signed_in(team.hiring_manager)
    application_page = manager.get(f"/applications/{schema_assignment.application_id}/")
    assert "E-commerce database schema design" in application_page.content.decode()
    review = manager.get(f"/tasks/{schema_assignment.pk}/").content.decode()
    assert "Money is stored in exact types" in review
    assert "Dana Diaz" not in review  # blind until scored


def test_api_project_graded_from_the_portal(
    team, api_assignment, django_capture_on_commit_callbacks
):
    project = _zip(GRADERS / "api" / "fixtures" / "strong-python")
    upload = SimpleUploadedFile("todo.zip", project, "application/zip")
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(_portal(api_assignment), {"archive": upload})
    assert response.status_code == 302
    run = Submission.objects.get(assignment=api_assignment).runs.get()
    assert run.status == RunStatus.DONE, run.log
    assert run.score is not None and run.score >= 90
    checks = {c.check_id: c.result for c in run.checks.all()}
    assert len(checks) > 20 and "fail" not in checks.values()
