"""Lists, the board, an application and its debrief run the same number of queries whatever
the amount of data behind them."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hireloop.hiring.services import application_create, candidate_create, role_create
from hireloop.interviews.services import feedback_save_draft, feedback_submit, interview_schedule

from ..conftest import bearer


def _grow(team, role, start: int, count: int) -> int:
    recruiter = team.membership(team.recruiter)
    last = 0
    for n in range(start, start + count):
        candidate = candidate_create(
            membership=recruiter,
            data={"name": f"Person {n}", "email": f"p{n}@e.test", "skills": ["Go", "SQL"]},
        )
        application = application_create(
            membership=recruiter, candidate_id=candidate.pk, role_id=role.pk
        )
        interview = interview_schedule(
            membership=recruiter,
            application_id=application.pk,
            starts_at=timezone.now() - timedelta(hours=3),
            interviewer_ids=[team.interviewer.pk],
        )
        criteria = interview.scorecard_version.snapshot["criteria"]
        feedback_save_draft(
            membership=team.membership(team.interviewer),
            interview_id=interview.pk,
            data={"ratings": {c["slug"]: 3 for c in criteria}, "recommendation": "hire"},
        )
        feedback_submit(membership=team.membership(team.interviewer), interview_id=interview.pk)
        last = application.pk
    return last


def _counts(client: Client, urls: list[str]) -> list[int]:
    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, (url, response.content[:200])
        counts.append(len(ctx.captured_queries))
    return counts


def test_queries_do_not_grow_with_the_data(team):
    recruiter = team.membership(team.recruiter)
    role = role_create(
        membership=recruiter, title="Backend", seniority="mid", hiring_manager=team.hiring_manager
    )
    client = Client()
    client.defaults.update(bearer(team.hiring_manager, team.workspace))

    def urls(application_id: int) -> list[str]:
        return [
            "/api/v1/roles",
            f"/api/v1/roles/{role.pk}/board",
            "/api/v1/candidates?limit=200",
            "/api/v1/applications?limit=200",
            f"/api/v1/applications/{application_id}",
            f"/api/v1/applications/{application_id}/debrief",
            f"/api/v1/applications/{application_id}/scorecards",
            "/api/v1/library/questions?limit=200",
            "/api/v1/library/questions?q=cache",
        ]

    first = urls(_grow(team, role, 0, 2))
    # Warm up: the token's first use records itself once, and library reads (the lists, the
    # debrief's red flags and competency names) are cached per process from their first use,
    # which another test may or may not have made already.
    _counts(client, first)
    small = _counts(client, first)
    large = _counts(client, urls(_grow(team, role, 2, 10)))
    assert small == large, list(zip(urls(0), small, large, strict=True))


def test_the_interview_list_reads_each_relation_once(team):
    recruiter = team.membership(team.recruiter)
    role = role_create(
        membership=recruiter, title="Backend", seniority="mid", hiring_manager=team.hiring_manager
    )
    candidate = candidate_create(membership=recruiter, data={"name": "Ola", "email": "o@e.test"})
    application = application_create(
        membership=recruiter, candidate_id=candidate.pk, role_id=role.pk
    )
    client = Client()
    client.defaults.update(bearer(team.recruiter, team.workspace))
    url = f"/api/v1/interviews?application={application.pk}"
    _counts(client, [url])  # the token's first use records itself
    counts = []
    for hours in (1, 2, 3, 4):
        interview_schedule(
            membership=recruiter,
            application_id=application.pk,
            starts_at=timezone.now() + timedelta(hours=hours),
            interviewer_ids=[team.interviewer.pk, team.hiring_manager.pk],
        )
        (count,) = _counts(client, [url])
        counts.append(count)
    listed = client.get(url).json()
    assert len(listed) == 4 and all(len(i["interviewers"]) == 2 for i in listed)
    assert listed[0]["candidate"] == "Ola" and listed[0]["scorecard_version"] >= 1
    assert len(set(counts)) == 1, counts
