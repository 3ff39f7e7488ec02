"""A user of workspace A can neither read nor change anything of workspace B, on any page or
API endpoint. The test enumerates every route; a new route fails it until it is covered here."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from hireloop.accounts.models import ApiToken
from hireloop.accounts.services import api_token_create
from hireloop.api.app import api
from hireloop.assessments.models import Assignment, CheckResult, GradingRun
from hireloop.assessments.selectors import pseudonym
from hireloop.decisions.models import Decision, FocusArea
from hireloop.hiring.models import Application, Candidate, Role
from hireloop.hiring.services import application_create, candidate_create, role_create
from hireloop.interviews.models import Feedback, Interview
from hireloop.interviews.services import feedback_save_draft, interview_schedule
from hireloop.library.models import PracticalTask, Question, Scorecard
from hireloop.library.services import question_copy, scorecard_copy

from .conftest import signed_in
from .practical import DDL, GRADERS, assign, graded, hand_in

SECRET = "Beta-only question nobody else may read"

# Routes with no object of a workspace in them (built-in content, auth, ops).
UNSCOPED_PAGES = {
    "home",
    "login",
    "logout",
    "switch-workspace",
    "library",
    "questions",
    "scorecards",
    "process",
    "stage-detail",
    "tasks",
    "task-detail",
    "skills",
    "industries",
    "red-flags",
    "prep",
    "competency-detail",
    "healthz",
    "readyz",
    "candidate-prep",  # reached by a signed link, not by workspace membership
    "task-portal",  # reached by a signed link, not by workspace membership
    "task-reviews",  # the member's own workspace only (test_the_review_queue_...)
    "roles",
    "role-new",
    "candidates",
    "candidate-new",
    "applications",
    "settings",  # always the member's own workspace
    "settings-tokens",  # always the member's own tokens
}
UNSCOPED_API = {
    "/api/v1/interviews",
    "/api/v1/scorecards/owed",
    "/api/v1/roles",
    "/api/v1/candidates",
    "/api/v1/applications",
    "/api/v1/library/competencies",
    "/api/v1/library/questions",
    "/api/v1/library/scorecards",
    "/api/v1/library/stages",
    "/api/v1/library/process",
    "/api/v1/library/tasks",
    "/api/v1/library/tasks/{slug}",
    "/api/v1/library/skills",
    "/api/v1/library/industries",
    "/api/v1/library/red-flags",
    "/api/v1/library/prep-tips",
}


def _page_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns):
        for p in patterns:
            if isinstance(p, URLResolver):
                if "api" not in str(p.pattern):
                    walk(p.url_patterns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(p.name)

    walk(get_resolver().url_patterns)
    return names


@pytest.fixture
def theirs(other_team, settings):
    """Workspace B's own objects."""
    settings.GRADERS = GRADERS
    membership = other_team.membership(other_team.admin)
    question = question_copy(
        membership=membership,
        question_id=Question.objects.get(slug="rest-vs-soap", workspace=None).pk,
    )
    scorecard = scorecard_copy(
        membership=membership,
        scorecard_id=Scorecard.objects.get(slug="hr-screen", workspace=None).pk,
    )
    Question.objects.filter(pk=question.pk).update(prompt=SECRET)
    recruiter = other_team.membership(other_team.recruiter)
    role = role_create(membership=recruiter, title=SECRET, seniority="mid")
    candidate = candidate_create(
        membership=recruiter, data={"name": SECRET, "email": "secret@beta.test"}
    )
    application = application_create(
        membership=recruiter, candidate_id=candidate.pk, role_id=role.pk
    )
    interview = interview_schedule(
        membership=recruiter,
        application_id=application.pk,
        starts_at=timezone.now(),
        interviewer_ids=[other_team.interviewer.pk],
    )
    feedback_save_draft(
        membership=other_team.membership(other_team.interviewer),
        interview_id=interview.pk,
        data={"notes": SECRET},
    )
    run = graded(assign(other_team, application, "ecommerce-schema-design"), f"-- {SECRET}\n{DDL}")
    return {
        "assignment": run.submission.assignment,
        "run": run,
        "check": run.checks.first(),
        "archive": hand_in(assign(other_team, application, "todo-rest-api")),
        "interview": interview,
        "question": question,
        "scorecard": scorecard,
        "role": role,
        "stage": role.stages.first(),
        "candidate": candidate,
        "application": application,
        "token": api_token_create(
            workspace=other_team.workspace, user=other_team.admin, name=SECRET
        )[0],
    }


def _scoped_pages(b):
    q, s = b["question"].pk, b["scorecard"].pk
    return {
        "question-detail": [("get", f"/library/questions/{q}/")],
        "question-copy": [("post", f"/library/questions/{q}/copy/")],
        "question-edit": [
            ("get", f"/library/questions/{q}/edit/"),
            ("post", f"/library/questions/{q}/edit/"),
        ],
        "scorecard-detail": [("get", f"/library/scorecards/{s}/")],
        "scorecard-pdf": [("get", f"/library/scorecards/{s}/pdf/")],
        "scorecard-copy": [("post", f"/library/scorecards/{s}/copy/")],
        "scorecard-edit": [
            ("get", f"/library/scorecards/{s}/edit/"),
            ("post", f"/library/scorecards/{s}/edit/"),
        ],
        **_scoped_hiring_pages(b),
        **_scoped_interview_pages(b),
        **_scoped_decision_pages(b),
        **_scoped_task_pages(b),
    }


def _scoped_decision_pages(b):
    a, r, t = b["application"].pk, b["role"].pk, b["token"].pk
    return {
        "application-debrief": [("get", f"/applications/{a}/debrief/")],
        "application-decision": [("post", f"/applications/{a}/decision/")],
        "application-focus-area": [("post", f"/applications/{a}/focus-areas/")],
        "application-prep-link": [
            ("get", f"/applications/{a}/prep-link/"),
            ("post", f"/applications/{a}/prep-link/"),
        ],
        "role-rules": [("get", f"/roles/{r}/rules/"), ("post", f"/roles/{r}/rules/")],
        "settings-token-revoke": [("post", f"/settings/tokens/{t}/revoke/")],
    }


def _scoped_interview_pages(b):
    i, a = b["interview"].pk, b["application"].pk
    return {
        "interview-schedule": [
            ("get", f"/applications/{a}/interviews/new/"),
            ("post", f"/applications/{a}/interviews/new/"),
        ],
        "interview-detail": [("get", f"/interviews/{i}/")],
        "interview-reschedule": [("post", f"/interviews/{i}/reschedule/")],
        "interview-cancel": [("post", f"/interviews/{i}/cancel/")],
        "interview-invite": [("get", f"/interviews/{i}/invite.ics")],
        "interview-live": [("get", f"/interviews/{i}/live/")],
        "interview-scorecard": [
            ("get", f"/interviews/{i}/scorecard/"),
            ("post", f"/interviews/{i}/scorecard/"),
        ],
        "interview-scorecard-draft": [("post", f"/interviews/{i}/scorecard/draft/")],
        "interview-scorecard-amend": [("post", f"/interviews/{i}/scorecard/amend/")],
    }


def _scoped_hiring_pages(b):
    r, st, c, a = b["role"].pk, b["stage"].pk, b["candidate"].pk, b["application"].pk
    return {
        "role-board": [("get", f"/roles/{r}/")],
        "role-plan": [("get", f"/roles/{r}/plan/")],
        "role-update": [("post", f"/roles/{r}/settings/")],
        "plan-stage-add": [("post", f"/roles/{r}/stages/")],
        "plan-stage-update": [("post", f"/stages/{st}/")],
        "plan-stage-move": [("post", f"/stages/{st}/move/")],
        "plan-stage-remove": [("post", f"/stages/{st}/remove/")],
        "candidate-detail": [("get", f"/candidates/{c}/")],
        "candidate-edit": [
            ("get", f"/candidates/{c}/edit/"),
            ("post", f"/candidates/{c}/edit/"),
        ],
        "candidate-resume": [("post", f"/candidates/{c}/resume/")],
        "candidate-apply": [("post", f"/candidates/{c}/apply/")],
        "application-detail": [("get", f"/applications/{a}/")],
        "application-move": [("post", f"/applications/{a}/move/")],
    }


def _scoped_api(b):
    q, s = b["question"].pk, b["scorecard"].pk
    base = "/api/v1/library"
    return {
        "/api/v1/library/questions/{question_id}": [
            ("get", f"{base}/questions/{q}"),
            ("put", f"{base}/questions/{q}"),
        ],
        "/api/v1/library/questions/{question_id}/copy": [("post", f"{base}/questions/{q}/copy")],
        "/api/v1/library/scorecards/{scorecard_id}": [
            ("get", f"{base}/scorecards/{s}"),
            ("put", f"{base}/scorecards/{s}"),
        ],
        "/api/v1/library/scorecards/{scorecard_id}/copy": [("post", f"{base}/scorecards/{s}/copy")],
        **_scoped_hiring_api(b),
        **_scoped_interview_api(b),
        **_scoped_task_api(b),
    }


def _scoped_interview_api(b):
    i, a, r = b["interview"].pk, b["application"].pk, b["role"].pk
    base = f"/api/v1/interviews/{i}"
    return {
        "/api/v1/interviews/{interview_id}": [("get", base)],
        "/api/v1/interviews/{interview_id}/reschedule": [("post", f"{base}/reschedule")],
        "/api/v1/interviews/{interview_id}/cancel": [("post", f"{base}/cancel")],
        "/api/v1/interviews/{interview_id}/invite.ics": [("get", f"{base}/invite.ics")],
        "/api/v1/interviews/{interview_id}/scorecard": [
            ("get", f"{base}/scorecard"),
            ("put", f"{base}/scorecard"),
        ],
        "/api/v1/interviews/{interview_id}/scorecard/submit": [
            ("post", f"{base}/scorecard/submit")
        ],
        "/api/v1/interviews/{interview_id}/scorecard/amend": [("post", f"{base}/scorecard/amend")],
        "/api/v1/applications/{application_id}/scorecards": [
            ("get", f"/api/v1/applications/{a}/scorecards")
        ],
        "/api/v1/applications/{application_id}/debrief": [
            ("get", f"/api/v1/applications/{a}/debrief")
        ],
        "/api/v1/applications/{application_id}/decisions": [
            ("post", f"/api/v1/applications/{a}/decisions")
        ],
        "/api/v1/applications/{application_id}/focus-areas": [
            ("post", f"/api/v1/applications/{a}/focus-areas")
        ],
        "/api/v1/roles/{role_id}/rules": [("put", f"/api/v1/roles/{r}/rules")],
    }


def _scoped_hiring_api(b):
    r, st, c, a = b["role"].pk, b["stage"].pk, b["candidate"].pk, b["application"].pk
    return {
        "/api/v1/roles/{role_id}": [("get", f"/api/v1/roles/{r}"), ("patch", f"/api/v1/roles/{r}")],
        "/api/v1/roles/{role_id}/board": [("get", f"/api/v1/roles/{r}/board")],
        "/api/v1/roles/{role_id}/stages": [("post", f"/api/v1/roles/{r}/stages")],
        "/api/v1/stages/{stage_id}": [
            ("patch", f"/api/v1/stages/{st}"),
            ("delete", f"/api/v1/stages/{st}"),
        ],
        "/api/v1/stages/{stage_id}/move": [("post", f"/api/v1/stages/{st}/move")],
        "/api/v1/candidates/{candidate_id}": [
            ("get", f"/api/v1/candidates/{c}"),
            ("patch", f"/api/v1/candidates/{c}"),
        ],
        "/api/v1/candidates/{candidate_id}/resume": [("post", f"/api/v1/candidates/{c}/resume")],
        "/api/v1/applications/{application_id}": [("get", f"/api/v1/applications/{a}")],
        "/api/v1/applications/{application_id}/prep-link": [
            ("post", f"/api/v1/applications/{a}/prep-link")
        ],
        "/api/v1/applications/{application_id}/moves": [
            ("post", f"/api/v1/applications/{a}/moves")
        ],
    }


def _scoped_task_pages(b):
    t, a, r, c = b["assignment"].pk, b["application"].pk, b["run"].pk, b["check"].pk
    return {
        "assignment-create": [
            ("get", f"/applications/{a}/tasks/new/"),
            ("post", f"/applications/{a}/tasks/new/"),
        ],
        "assignment-review": [("get", f"/tasks/{t}/")],
        "assignment-progress": [("get", f"/tasks/{t}/progress/")],
        "assignment-score": [("post", f"/tasks/{t}/score/")],
        "assignment-regrade": [("post", f"/tasks/{t}/regrade/")],
        "check-override": [("post", f"/tasks/checks/{c}/override/")],
        "submission-download": [("get", f"/tasks/submissions/{b['archive'].pk}/download/")],
        "run-artifact": [("get", f"/tasks/runs/{r}/files/er-diagram.svg")],
    }


def _scoped_task_api(b):
    t, a, c = b["assignment"].pk, b["application"].pk, b["check"].pk
    return {
        "/api/v1/applications/{application_id}/assignments": [
            ("get", f"/api/v1/applications/{a}/assignments"),
            ("post", f"/api/v1/applications/{a}/assignments"),
        ],
        "/api/v1/assignments/{assignment_id}": [("get", f"/api/v1/assignments/{t}")],
        "/api/v1/assignments/{assignment_id}/review": [("post", f"/api/v1/assignments/{t}/review")],
        "/api/v1/assignments/{assignment_id}/regrade": [
            ("post", f"/api/v1/assignments/{t}/regrade")
        ],
        "/api/v1/checks/{check_id}/override": [("post", f"/api/v1/checks/{c}/override")],
    }


def test_every_route_is_classified(theirs):
    pages = _page_names()
    assert pages == UNSCOPED_PAGES | set(_scoped_pages(theirs)), "classify new pages here"
    paths = {re.sub(r"\{int:(\w+)\}", r"{\1}", p) for p in api.get_openapi_schema()["paths"]}
    assert paths == UNSCOPED_API | set(_scoped_api(theirs)), "classify new API routes here"


def _payload() -> dict:
    """Fields that would make any write valid if it were allowed, so only access can stop it."""
    builtin = Scorecard.objects.get(slug="hr-screen", workspace=None).pk
    return {
        "prompt": "hijacked",
        "title": "hijacked",
        "name": "hijacked",
        "action": "advance",
        "version": 1,
        "offset": 1,
        "minutes": 30,
        "scorecard_id": builtin,
        "reason": "skills",  # valid both as a rejection reason and as free text
        "starts_at": "2030-01-01T10:00:00Z",
        "outcome": "no_hire",
        "rationale": "hijacked rationale",
        "competency": "security",
        "interviewer_ids": [1],
        "recommendation": "hire",
        "notes": "hijacked",
        "task": PracticalTask.objects.get(slug="todo-rest-api").pk,
        "score": 5,
        "result": "pass",
        "points": 1,
    }


def _state(b) -> tuple:
    return (
        Question.objects.count(),
        Scorecard.objects.count(),
        Role.objects.count(),
        Candidate.objects.count(),
        Question.objects.get(pk=b["question"].pk).prompt,
        Role.objects.get(pk=b["role"].pk).title,
        Candidate.objects.get(pk=b["candidate"].pk).name,
        Application.objects.get(pk=b["application"].pk).version,
        b["role"].stages.count(),
        Interview.objects.get(pk=b["interview"].pk).sequence,
        Decision.objects.count(),
        FocusArea.objects.count(),
        Feedback.objects.get(interview=b["interview"]).notes,
        Role.objects.get(pk=b["role"].pk).rules,
        ApiToken.objects.get(pk=b["token"].pk).revoked_at,
        Assignment.objects.count(),
        GradingRun.objects.count(),
        Assignment.objects.get(pk=b["assignment"].pk).review_score,
        CheckResult.objects.get(pk=b["check"].pk).final_result,
    )


@pytest.mark.parametrize("role", ["admin", "recruiter", "hiring_manager", "interviewer"])
def test_workspace_a_cannot_reach_workspace_b(team, theirs, role):
    client = signed_in(getattr(team, role))
    before = _state(theirs)
    calls = [c for calls in _scoped_pages(theirs).values() for c in calls]
    calls += [c for calls in _scoped_api(theirs).values() for c in calls]
    payload = _payload()
    for method, url in calls:
        if method == "get":
            response = client.get(url)
        elif url.endswith("/resume"):
            response = client.post(url, {"resume": SimpleUploadedFile("cv.txt", b"hijack")})
        elif url.startswith("/api/"):
            response = getattr(client, method)(url, payload, content_type="application/json")
        else:
            response = client.post(url, payload)
        # Full-replacement PUTs validate their body before looking anything up.
        allowed = (403, 404, 422) if method == "put" else (403, 404)
        assert response.status_code in allowed, (method, url, response.status_code)
        assert SECRET.encode() not in response.content, (method, url)
    assert _state(theirs) == before


def test_lists_never_show_another_workspace(team, theirs):
    client = signed_in(team.admin)
    ids = {r["id"] for r in client.get("/api/v1/library/questions?limit=200").json()["items"]}
    more = client.get("/api/v1/library/questions?limit=200&offset=200").json()["items"]
    ids |= {r["id"] for r in more}
    assert theirs["question"].pk not in ids
    cards = {c["id"] for c in client.get("/api/v1/library/scorecards").json()}
    assert theirs["scorecard"].pk not in cards
    assert (
        f"/library/scorecards/{theirs['scorecard'].pk}/"
        not in client.get("/library/scorecards/").content.decode()
    )


def test_the_review_queue_never_shows_another_workspace(team, other_team, theirs):
    label = pseudonym(theirs["assignment"])
    for who in ("admin", "hiring_manager", "interviewer"):
        page = signed_in(getattr(team, who)).get("/tasks/").content.decode()
        assert label not in page and f"/tasks/{theirs['assignment'].pk}/" not in page
    # Workspace B's own admin does see it: the label is a real, findable one.
    assert label in signed_in(other_team.admin).get("/tasks/").content.decode()
