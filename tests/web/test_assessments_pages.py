"""Practical tasks in the browser: the tasks card of an application page, the candidate's portal,
the review queue and the blind review page with its grading progress, overrides and files, and
the task result on the scorecard, live mode and debrief pages."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from hireloop.accounts.models import MemberRole
from hireloop.assessments.graders.sql.dataset import load_queries
from hireloop.assessments.models import (
    Assignment,
    CheckResult,
    GradingRun,
    RunStatus,
    Submission,
)
from hireloop.assessments.selectors import pseudonym, run_score
from hireloop.assessments.services import (
    PORTAL_GRACE,
    grading_run_execute,
    portal_token,
    submission_create,
)
from hireloop.hiring.services import application_create, candidate_create, role_create
from hireloop.interviews.services import interview_schedule
from hireloop.library.models import PracticalTask

from ..conftest import signed_in
from ..factories import MembershipFactory, UserFactory
from ..practical import DDL, GRADERS, assign, graded, hand_in, project_zip

ROLES = ["admin", "recruiter", "hiring_manager", "interviewer"]
NAME = "Dana Diaz"
EMAIL = "dana@example.test"
PHONE = "+31 6 1234 5678"


@pytest.fixture(autouse=True)
def _fake_graders(settings):
    settings.GRADERS = GRADERS


@pytest.fixture
def world(team):
    """An application the interviewer takes part in (through its coding-challenge interview)."""
    recruiter = team.membership(team.recruiter)
    role = role_create(
        membership=recruiter,
        title="Platform engineer",
        seniority="mid",
        hiring_manager=team.hiring_manager,
    )
    candidate = candidate_create(
        membership=recruiter,
        data={
            "name": NAME,
            "email": EMAIL,
            "phone": PHONE,
            "links": ["https://github.com/dana-diaz"],
        },
    )
    application = application_create(
        membership=recruiter, candidate_id=candidate.pk, role_id=role.pk
    )
    coding = role.stages.get(kind="coding")
    interview = interview_schedule(
        membership=recruiter,
        application_id=application.pk,
        starts_at=timezone.now() + timedelta(days=5),
        interviewer_ids=[team.interviewer.pk],
        stage_id=coding.pk,
    )
    return {"role": role, "candidate": candidate, "application": application, "coding": interview}


def _portal(assignment: Assignment) -> str:
    return f"/portal/{portal_token(assignment)}/"


def _text(response) -> str:
    return unescape(response.content.decode())


# The application page ------------------------------------------------------------------------


def test_recruiter_assigns_a_task_and_gets_the_candidate_link(team, world):
    client = signed_in(team.recruiter)
    application = world["application"]
    page = client.get(f"/applications/{application.pk}/").content.decode()
    assert "Practical tasks" in page and "Assign task" in page
    task = PracticalTask.objects.get(slug="ecommerce-schema-design")

    response = client.post(
        f"/applications/{application.pk}/tasks/new/",
        {"task": task.pk, "deadline": ""},
    )

    assignment = Assignment.objects.get(application=application)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/applications/{application.pk}/#task-{assignment.pk}")
    # No deadline given: the task's usual time (4 hours of work: two days).
    assert timedelta(days=1, hours=23) < assignment.deadline - timezone.now() <= timedelta(days=2)
    page = _text(client.get(f"/applications/{application.pk}/"))
    assert "Waiting for the candidate" in page
    assert f"http://testserver{_portal(assignment)}" in page
    assert f'data-copy="portal-{assignment.pk}"' in page


def test_interviewers_see_the_tasks_but_not_the_candidate_link(team, world):
    assignment = assign(team, world["application"], "ecommerce-schema-design")
    page = signed_in(team.interviewer).get(f"/applications/{world['application'].pk}/")
    html = page.content.decode()
    assert assignment.task.name in html
    assert f"/tasks/{assignment.pk}/" in html
    assert portal_token(assignment) not in html
    assert "Assign task" not in html


def test_the_card_shows_each_state(team, world):
    application = world["application"]
    waiting = assign(team, application, "todo-rest-api")
    grading = assign(team, application, "ecommerce-schema-design")
    hand_in(grading).runs.update(status=RunStatus.RUNNING, progress=0.42)
    done = assign(team, application, "slow-query-optimisation")
    graded(done)
    page = _text(signed_in(team.recruiter).get(f"/applications/{application.pk}/"))
    assert "Waiting for the candidate" in page
    assert "Grading 42%" in page
    assert "Graded: 60%" in page  # 3 of 5 points
    Assignment.objects.filter(pk=waiting.pk).update(deadline=timezone.now() - timedelta(hours=1))
    page = _text(signed_in(team.recruiter).get(f"/applications/{application.pk}/"))
    assert "Deadline passed" in page


def test_assigning_with_a_deadline_too_far_away_explains_why(team, world):
    client = signed_in(team.recruiter)
    task = PracticalTask.objects.get(slug="todo-rest-api")
    far = (timezone.localtime() + timedelta(days=45)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/applications/{world['application'].pk}/tasks/new/",
        {"task": task.pk, "deadline": far},
    )
    assert response.status_code == 400
    assert "at most 30 days away" in _text(response)
    assert not Assignment.objects.exists()


# The candidate's portal ----------------------------------------------------------------------


def test_portal_happy_path_for_a_text_task(team, world, django_capture_on_commit_callbacks):
    assignment = assign(team, world["application"], "ecommerce-schema-design")
    client = Client()
    page = client.get(_portal(assignment))
    html = _text(page)
    assert page.status_code == 200
    assert assignment.task.brief in html and "Platform engineer" in html and "Alpha" in html
    assert "How it will be evaluated" in html and "PostgreSQL or SQLite dialect" in html
    assert 'enctype="multipart/form-data"' in html and 'name="text"' in html

    # The grading really runs (Huey runs tasks inline in tests) once the submission commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_portal(assignment), {"text": DDL})
    assert response.status_code == 302
    assert response["Location"].endswith("#received")
    submission = Submission.objects.get(assignment=assignment)
    assert submission.text == DDL and submission.kind == "text"
    assert submission.runs.get().status == RunStatus.DONE

    html = _text(client.get(_portal(assignment)))
    received = timezone.localtime(submission.received_at).strftime("%H:%M")
    assert f"Received at {received}" in html and "we are checking it" in html
    assert "the version we check" in html
    # Nothing internal reaches the candidate: no score, no check, no evidence.
    for internal in ("60%", "Foreign keys are indexed", "Two checks ran", "owned", "points"):
        assert internal not in html, internal


def test_portal_happy_path_for_an_archive_task(team, world, django_capture_on_commit_callbacks):
    assignment = assign(team, world["application"], "todo-rest-api")
    client = Client()
    html = _text(client.get(_portal(assignment)))
    assert 'accept=".zip,.tar.gz,.tgz"' in html and "hireloop.yaml" in html
    assert "runtime" in html and "start" in html and "PORT" in html

    upload = SimpleUploadedFile("todo-api.zip", project_zip(), "application/zip")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(_portal(assignment), {"archive": upload})
    assert response.status_code == 302
    assert len(callbacks) == 1  # grading is queued, not run here
    submission = Submission.objects.get(assignment=assignment)
    assert submission.filename == "todo-api.zip" and submission.size == len(project_zip())
    assert submission.runs.get().status == RunStatus.QUEUED

    second = SimpleUploadedFile("todo-api-v2.zip", project_zip(), "application/zip")
    client.post(_portal(assignment), {"archive": second})
    html = _text(client.get(_portal(assignment)))
    assert "todo-api.zip" in html and "replaced by a later one" in html
    assert "todo-api-v2.zip" in html


def test_portal_gives_the_sql_task_its_tables_and_slow_queries(team, world):
    assignment = assign(team, world["application"], "slow-query-optimisation")
    html = _text(Client().get(_portal(assignment)))
    assert "CREATE TABLE order_lines" in html and "customer_id integer NOT NULL" in html
    assert "-- query:" in html and 'name="sql_file"' in html
    for query in load_queries().values():
        assert query.slug in html and query.title in html


def test_portal_headers_keep_the_link_private(team, world):
    assignment = assign(team, world["application"], "ecommerce-schema-design")
    for response in (
        Client().get(_portal(assignment)),
        Client().post(_portal(assignment), {"text": ""}),
        Client().get("/portal/not-a-token/"),
    ):
        assert response["X-Robots-Tag"] == "noindex"
        assert response["Referrer-Policy"] == "same-origin"
        assert "no-store" in response["Cache-Control"]


def test_portal_needs_the_csrf_token(team, world):
    assignment = assign(team, world["application"], "ecommerce-schema-design")
    response = Client(enforce_csrf_checks=True).post(_portal(assignment), {"text": DDL})
    assert response.status_code == 403
    assert not Submission.objects.exists()


def test_portal_closes_at_the_deadline(team, world):
    assignment = assign(team, world["application"], "ecommerce-schema-design")
    Assignment.objects.filter(pk=assignment.pk).update(
        deadline=timezone.now() - timedelta(minutes=1)
    )
    client = Client()
    page = client.get(_portal(assignment))
    assert page.status_code == 200
    assert "the deadline has passed; submissions are closed" in _text(page).lower()
    assert 'name="text"' not in page.content.decode()
    response = client.post(_portal(assignment), {"text": DDL})
    assert response.status_code == 409
    assert "no longer accepts submissions" in _text(response)
    assert not Submission.objects.exists()


def test_portal_refuses_bad_links(team, world):
    assignment = assign(team, world["application"], "ecommerce-schema-design")
    altered = Client().get(_portal(assignment).replace(":", ":x", 1))
    assert altered.status_code == 404
    assert "not valid" in _text(altered)
    Assignment.objects.filter(pk=assignment.pk).update(
        deadline=timezone.now() - PORTAL_GRACE - timedelta(hours=1)
    )
    expired = Client().get(_portal(assignment))
    assert expired.status_code == 410
    assert "expired" in _text(expired)


def test_portal_explains_text_that_is_too_long(team, world, settings):
    assignment = assign(team, world["application"], "ecommerce-schema-design")
    client = Client()
    response = client.post(_portal(assignment), {"text": "x" * (settings.TASK_MAX_TEXT_BYTES + 1)})
    assert response.status_code == 400
    assert "The SQL is too long." in _text(response)
    # Far beyond the limit the body is refused before it is read, with the same kind of answer.
    huge = client.post(_portal(assignment), {"text": "x" * (3 * 1024 * 1024)})
    assert huge.status_code == 400
    assert "longer than 200 KB" in _text(huge)
    assert not Submission.objects.exists()


def test_portal_explains_an_archive_that_is_too_large(team, world, settings):
    settings.TASK_MAX_UPLOAD_BYTES = 1024
    assignment = assign(team, world["application"], "todo-rest-api")
    big = project_zip({"hireloop.yaml": "runtime: node\n", "blob.bin": "y" * 200_000})
    upload = SimpleUploadedFile("big.zip", big, "application/zip")
    response = Client().post(_portal(assignment), {"archive": upload})
    assert response.status_code == 400
    assert "larger than" in _text(response) and "node_modules" in _text(response)
    assert not Submission.objects.exists()


def test_portal_refuses_a_hostile_archive(team, world):
    assignment = assign(team, world["application"], "todo-rest-api")
    hostile = project_zip({"hireloop.yaml": "runtime: python\n", "../../escape.txt": "gotcha"})
    upload = SimpleUploadedFile("project.zip", hostile, "application/zip")
    response = Client().post(_portal(assignment), {"archive": upload})
    assert response.status_code == 400
    assert "Your work was not received." in _text(response)
    assert "escape.txt" in _text(response)  # the message names the offending entry
    assert not Submission.objects.exists()


def test_portal_asks_for_an_archive_when_none_is_attached(team, world):
    assignment = assign(team, world["application"], "todo-rest-api")
    response = Client().post(_portal(assignment), {})
    assert response.status_code == 400
    assert ".zip or .tar.gz" in _text(response)


# The review queue and the blind review page --------------------------------------------------


def _identifying(html: str, world) -> list[str]:
    found = [s for s in (NAME, EMAIL, PHONE, "dana-diaz") if s in html]
    for url in (
        f"/applications/{world['application'].pk}/",
        f"/candidates/{world['candidate'].pk}/",
    ):
        if f'href="{url}' in html:
            found.append(url)
    return found


def test_review_is_blind_until_the_reviewer_scores(team, world):
    assignment = assign(team, world["application"], "ecommerce-schema-design")
    graded(assignment)
    client = signed_in(team.interviewer)
    label = pseudonym(assignment)

    queue = _text(client.get("/tasks/"))
    assert label in queue and f"/tasks/{assignment.pk}/" in queue
    assert _identifying(queue, world) == []

    page = _text(client.get(f"/tasks/{assignment.pk}/"))
    assert label in page and "Blind review" in page
    assert _identifying(page, world) == []

    response = client.post(f"/tasks/{assignment.pk}/score/", {"score": "4", "notes": "Clean keys."})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.review_score == 4 and assignment.reviewed_by == team.interviewer
    page = _text(client.get(f"/tasks/{assignment.pk}/"))
    assert NAME in page and "4 of 5" in page and "Clean keys." in page
    assert f'href="/applications/{world["application"].pk}/"' in page
    assert "Blind review" not in page
    assert label not in _text(client.get("/tasks/"))  # scored work leaves the queue


def test_a_score_outside_one_to_five_is_refused(team, world):
    assignment = assign(team, world["application"], "ecommerce-schema-design")
    graded(assignment)
    response = signed_in(team.hiring_manager).post(f"/tasks/{assignment.pk}/score/", {"score": "9"})
    assert response.status_code == 400
    assert "Your score was not saved." in _text(response)
    assignment.refresh_from_db()
    assert assignment.review_score is None


def test_the_review_page_shows_the_report_grouped_and_escaped(team, world):
    assignment = assign(team, world["application"], "ecommerce-schema-design")
    run = graded(assignment)
    response = signed_in(team.hiring_manager).get(f"/tasks/{assignment.pk}/")
    html = response.content.decode()
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(&#x27;owned&#x27;)&lt;/script&gt;" in html
    assert f'<img src="/tasks/runs/{run.pk}/files/er-diagram.svg"' in html
    assert "<svg" not in html  # the drawing is never inlined
    assert DDL in unescape(html)
    text = unescape(html)
    assert "60%" in text and "3 of 5 points" in text
    # One row group per criterion, in the grader's order.
    assert text.index("Completeness") < text.index("Optimisation")
    assert "hx-trigger" not in html  # a finished run is not polled


def test_an_override_changes_the_score(team, world):
    assignment = assign(team, world["application"], "ecommerce-schema-design")
    run = graded(assignment)
    check = run.checks.get(check_id="index.fk")
    client = signed_in(team.interviewer)
    response = client.post(
        f"/tasks/checks/{check.pk}/override/",
        {
            "result": "pass",
            "points": "2",
            "reason": "Indexed in 002.",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/tasks/{assignment.pk}/#check-{check.pk}")
    assert run_score(GradingRun.objects.get(pk=run.pk)).percent == 100.0
    html = _text(client.get(f"/tasks/{assignment.pk}/"))
    assert "100%" in html and "Indexed in 002." in html and team.interviewer.display_name in html


def test_an_override_without_a_reason_or_above_the_maximum_is_refused(team, world):
    assignment = assign(team, world["application"], "ecommerce-schema-design")
    check = graded(assignment).checks.get(check_id="index.fk")
    client = signed_in(team.admin)
    response = client.post(
        f"/tasks/checks/{check.pk}/override/",
        {"result": "pass", "points": "7", "reason": ""},
    )
    assert response.status_code == 400
    html = _text(response)
    assert "The override was not saved." in html and "automatic result is wrong" in html
    check.refresh_from_db()
    assert check.override_result == ""


def test_grade_again_queues_a_new_run_once(team, world, django_capture_on_commit_callbacks):
    assignment = assign(team, world["application"], "ecommerce-schema-design")
    graded(assignment)
    client = signed_in(team.hiring_manager)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(f"/tasks/{assignment.pk}/regrade/")
    assert response.status_code == 302
    assert GradingRun.objects.filter(submission__assignment=assignment).count() == 2
    again = client.post(f"/tasks/{assignment.pk}/regrade/")
    assert again.status_code == 409
    assert "being graded already" in _text(again)


def test_progress_is_polled_until_the_run_finishes(team, world):
    assignment = assign(team, world["application"], "ecommerce-schema-design")
    run = hand_in(assignment).runs.get()
    GradingRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, progress=0.25, message="Loading the schema"
    )
    client = signed_in(team.interviewer)
    page = client.get(f"/tasks/{assignment.pk}/").content.decode()
    assert f'hx-get="/tasks/{assignment.pk}/progress/"' in page and 'hx-trigger="every 2s"' in page

    fragment = client.get(f"/tasks/{assignment.pk}/progress/", HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in html
    assert 'hx-trigger="every 2s"' in html and "Loading the schema" in html
    assert '<progress max="100" value="25"' in html
    assert "no-store" in fragment["Cache-Control"]

    GradingRun.objects.filter(pk=run.pk).update(status=RunStatus.QUEUED, claimed_by="")
    assert grading_run_execute(run_id=run.pk, worker="tests")
    html = client.get(f"/tasks/{assignment.pk}/progress/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in html and "hx-get" not in html
    assert "Foreign keys are indexed" in html


def test_the_diagram_is_served_as_a_locked_down_svg(team, world):
    run = graded(assign(team, world["application"], "ecommerce-schema-design"))
    response = signed_in(team.interviewer).get(f"/tasks/runs/{run.pk}/files/er-diagram.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content.startswith(b"<svg")
    text = signed_in(team.interviewer).get(f"/tasks/runs/{run.pk}/files/notes.txt")
    assert (
        text["Content-Type"].startswith("text/plain")
        and "attachment" in text["Content-Disposition"]
    )
    missing = signed_in(team.interviewer).get(f"/tasks/runs/{run.pk}/files/other.svg")
    assert missing.status_code == 404


def test_the_archive_downloads_as_an_attachment(team, world):
    assignment = assign(team, world["application"], "todo-rest-api")
    submission = hand_in(assignment)
    response = signed_in(team.hiring_manager).get(f"/tasks/submissions/{submission.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="project.zip"'
    assert b"".join(response.streaming_content) == project_zip()
    page = _text(signed_in(team.hiring_manager).get(f"/tasks/{assignment.pk}/"))
    assert f"/tasks/submissions/{submission.pk}/download/" in page and "project.zip" in page


def test_earlier_submissions_are_listed_as_history(team, world):
    assignment = assign(team, world["application"], "ecommerce-schema-design")
    hand_in(assignment)
    submission_create(assignment=assignment, text="CREATE TABLE second (id integer);")
    html = _text(signed_in(team.admin).get(f"/tasks/{assignment.pk}/"))
    assert "Earlier submissions" in html
    assert html.index("CREATE TABLE second") < html.index("Earlier submissions") < html.index(DDL)


# Who may do what -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ROLES)
def test_page_matrix(team, world, who, django_capture_on_commit_callbacks):
    assignment = assign(team, world["application"], "ecommerce-schema-design")
    run = graded(assignment)
    check = run.checks.get(check_id="index.fk")
    a, c = assignment.pk, check.pk
    task = PracticalTask.objects.get(slug="todo-rest-api").pk
    reviewers = {"admin", "hiring_manager", "interviewer"}
    actions = [
        ("open the queue", "get", "/tasks/", None, set(ROLES)),
        ("open the review page", "get", f"/tasks/{a}/", None, set(ROLES)),
        ("poll the progress", "get", f"/tasks/{a}/progress/", None, set(ROLES)),
        ("see the diagram", "get", f"/tasks/runs/{run.pk}/files/er-diagram.svg", None, set(ROLES)),
        ("open the assign form", "get", f"/applications/{world['application'].pk}/tasks/new/",
         None, {"admin", "recruiter", "hiring_manager"}),
        ("assign a task", "post", f"/applications/{world['application'].pk}/tasks/new/",
         {"task": task}, {"admin", "recruiter", "hiring_manager"}),
        ("override a check", "post", f"/tasks/checks/{c}/override/",
         {"result": "partial", "points": "1", "reason": "Half."},
         reviewers),
        ("score the work", "post", f"/tasks/{a}/score/", {"score": "3"}, reviewers),
        ("grade again", "post", f"/tasks/{a}/regrade/", None, reviewers),
    ]  # fmt: skip
    client = signed_in(getattr(team, who))
    with django_capture_on_commit_callbacks(execute=False):
        for name, method, url, data, allowed in actions:
            response = client.get(url) if method == "get" else client.post(url, data or {})
            if who in allowed:
                assert response.status_code in (200, 302), (who, name, response.status_code)
            else:
                assert response.status_code in (403, 404), (who, name, response.status_code)
    assignment.refresh_from_db()
    check.refresh_from_db()
    assert (assignment.review_score == 3) == (who in reviewers)
    assert (check.override_result == "partial") == (who in reviewers)
    assert (GradingRun.objects.filter(submission__assignment=assignment).count() == 2) == (
        who in reviewers
    )
    made = Assignment.objects.filter(task_id=task).exists()
    assert made == (who in {"admin", "recruiter", "hiring_manager"})
    # Only reviewers see the queue's rows and the "Tasks to review" link in the navigation.
    page = client.get("/tasks/").content.decode()
    assert ("Tasks to review</a>" in page) == (who in reviewers)


def test_people_outside_the_application_cannot_open_its_task(team, world):
    assignment = assign(team, world["application"], "ecommerce-schema-design")
    submission = hand_in(assignment)
    stranger = UserFactory(email="stranger@alpha.test")
    MembershipFactory(user=stranger, workspace=team.workspace, role=MemberRole.INTERVIEWER)
    client = signed_in(stranger)
    for url in (
        f"/tasks/{assignment.pk}/",
        f"/tasks/{assignment.pk}/progress/",
        f"/tasks/submissions/{submission.pk}/download/",
    ):
        assert client.get(url).status_code == 404, url
    assert pseudonym(assignment) not in client.get("/tasks/").content.decode()


# The task result on the scorecard, live mode and debrief ------------------------------------


def test_the_task_review_interview_shows_the_task_result(team, world):
    assignment = assign(team, world["application"], "ecommerce-schema-design")
    graded(assignment)
    client = signed_in(team.interviewer)
    interview = world["coding"]
    for url in (f"/interviews/{interview.pk}/scorecard/", f"/interviews/{interview.pk}/live/"):
        html = _text(client.get(url))
        assert "Practical task result" in html, url
        assert "60%" in html and "1 check failed or partly passed" in html
        assert "Foreign keys are indexed" in html
        assert f"/tasks/{assignment.pk}/" in html

    other = interview_schedule(
        membership=team.membership(team.recruiter),
        application_id=world["application"].pk,
        starts_at=timezone.now() + timedelta(days=2),
        interviewer_ids=[team.interviewer.pk],
    )
    assert "Practical task result" not in _text(client.get(f"/interviews/{other.pk}/scorecard/"))


def test_the_debrief_lists_the_task_score(team, world):
    assignment = assign(team, world["application"], "ecommerce-schema-design")
    page = _text(
        signed_in(team.hiring_manager).get(f"/applications/{world['application'].pk}/debrief/")
    )
    assert "practical task" not in page
    graded(assignment)
    CheckResult.objects.filter(check_id="index.fk").update(override_points=1)
    page = _text(
        signed_in(team.hiring_manager).get(f"/applications/{world['application'].pk}/debrief/")
    )
    match = re.search(r"(\d+)%</span><span class=\"stat-label\">practical task: ([^<]+)", page)
    assert match is not None
    assert match.group(1) == "80" and assignment.task.name in match.group(2)
