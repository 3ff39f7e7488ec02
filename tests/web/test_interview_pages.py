"""Interview pages: the home dashboard, scheduling from the application page, the interview page
with its history and invite, live mode with its autosave, and the scorecard (submit, independence,
amend), each for the members who may use them and nobody else."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hireloop.accounts.models import MemberRole
from hireloop.hiring.services import application_create, candidate_create, role_create
from hireloop.interviews.models import (
    Feedback,
    FeedbackStatus,
    Interview,
    InterviewChange,
    InterviewStatus,
    QuestionNote,
)
from hireloop.interviews.services import feedback_save_draft, feedback_submit, interview_schedule
from hireloop.library.models import Question
from hireloop.web.interviews.display import scaled_agenda

from ..conftest import signed_in
from ..factories import MembershipFactory, UserFactory

FIRST_NOTES = "First interviewer private evidence about caching"
SECOND_NOTES = "Second interviewer own evidence"


@pytest.fixture
def loop(team):
    """An application with an interview that ended two hours ago (two interviewers, nothing
    submitted: both owe their scorecard) and one tomorrow for the team's interviewer."""
    recruiter = team.membership(team.recruiter)
    second = UserFactory(email="second@alpha.test", full_name="Sam Second")
    MembershipFactory(user=second, workspace=team.workspace, role=MemberRole.INTERVIEWER)
    role = role_create(
        membership=recruiter,
        title="Backend engineer",
        seniority="mid",
        hiring_manager=team.hiring_manager,
    )
    candidate = candidate_create(
        membership=recruiter,
        data={
            "name": "Flo Candidate",
            "email": "flo@example.test",
            "current_title": "Platform developer",
            "years_experience": 6,
            "skills": ["Python", "PostgreSQL"],
        },
    )
    application = application_create(
        membership=recruiter, candidate_id=candidate.pk, role_id=role.pk
    )
    past = interview_schedule(
        membership=recruiter,
        application_id=application.pk,
        starts_at=timezone.now() - timedelta(hours=3),
        minutes=60,
        location="https://meet.example/abc",
        interviewer_ids=[team.interviewer.pk, second.pk],
    )
    upcoming = interview_schedule(
        membership=recruiter,
        application_id=application.pk,
        starts_at=timezone.now() + timedelta(days=1),
        location="Room Ada",
        interviewer_ids=[team.interviewer.pk],
    )
    return {
        "role": role,
        "application": application,
        "candidate": candidate,
        "past": past,
        "upcoming": upcoming,
        "second": second,
    }


def _criteria(interview):
    return interview.scorecard_version.snapshot["criteria"]


def _complete_form(interview, notes="Solid answers."):
    criteria = _criteria(interview)
    data = {f"rating-{c['slug']}": "4" for c in criteria}
    data.update({"recommendation": "hire", "notes": notes, "action": "submit"})
    return data


def _h1_count(content: bytes) -> int:
    return len(re.findall(rb"<h1[ >]", content))


def _ok_page(response):
    assert response.status_code == 200
    assert _h1_count(response.content) == 1
    assert b'src="http' not in response.content
    return response.content.decode()


# Home ---------------------------------------------------------------------------------------


def test_home_lists_upcoming_and_owed_scorecards_for_the_interviewer(team, loop):
    page = _ok_page(signed_in(team.interviewer).get("/"))
    assert "Your upcoming interviews" in page
    upcoming = loop["upcoming"].pk
    assert f"/interviews/{upcoming}/live/" in page
    assert f"/interviews/{upcoming}/invite.ics" in page
    assert "Room Ada" in page and "Flo Candidate" in page and "Backend engineer" in page
    assert "Scorecards you owe" in page
    assert f"/interviews/{loop['past'].pk}/scorecard/" in page
    assert "Overdue" in page and "ago" in page
    assert "across the workspace" not in page
    assert '<a href="/" aria-current="page">Home</a>' in page


def test_home_shows_the_workspace_overdue_list_to_recruiters_and_admins(team, loop):
    for user in (team.recruiter, team.admin):
        page = _ok_page(signed_in(user).get("/"))
        assert "Overdue scorecards across the workspace" in page
        assert team.interviewer.display_name in page and "Sam Second" in page
        assert "No upcoming interviews" in page  # they interview nobody themselves
    page = _ok_page(signed_in(team.hiring_manager).get("/"))
    assert "across the workspace" not in page


def test_home_empty_states(team):
    page = _ok_page(signed_in(team.interviewer).get("/"))
    assert "No upcoming interviews" in page and "All caught up" in page
    page = _ok_page(signed_in(team.recruiter).get("/"))
    assert "No overdue scorecards" in page


def test_owed_scorecards_disappear_once_submitted(team, loop):
    me = team.membership(team.interviewer)
    past = loop["past"]
    feedback_save_draft(
        membership=me,
        interview_id=past.pk,
        data={
            "ratings": {c["slug"]: 3 for c in _criteria(past)},
            "recommendation": "hire",
        },
    )
    feedback_submit(membership=me, interview_id=past.pk)
    page = _ok_page(signed_in(team.interviewer).get("/"))
    assert f"/interviews/{past.pk}/scorecard/" not in page
    recruiter_page = _ok_page(signed_in(team.recruiter).get("/"))
    assert "Sam Second" in recruiter_page  # still owes theirs


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_home_runs_a_constant_number_of_queries(team, loop, django_assert_max_num_queries):
    recruiter = team.membership(team.recruiter)
    clients = [signed_in(team.interviewer), signed_in(team.recruiter)]
    for client in clients:
        client.get("/")
    before = [_count_queries(client, "/") for client in clients]
    for n in range(8):
        candidate = candidate_create(
            membership=recruiter, data={"name": f"Extra {n}", "email": f"extra{n}@e.test"}
        )
        application = application_create(
            membership=recruiter, candidate_id=candidate.pk, role_id=loop["role"].pk
        )
        for days in (-2, 2):
            interview_schedule(
                membership=recruiter,
                application_id=application.pk,
                starts_at=timezone.now() + timedelta(days=days, minutes=n),
                interviewer_ids=[team.interviewer.pk, loop["second"].pk],
            )
    for client, count in zip(clients, before, strict=True):
        with django_assert_max_num_queries(count):
            page = client.get("/").content.decode()
        assert "Extra 7" in page
    assert max(before) <= 10


# Scheduling ---------------------------------------------------------------------------------


def _schedule_data(team, stage_id, **extra):
    data = {
        "schedule-stage": stage_id,
        "schedule-starts_at": "2030-01-02T10:30",
        "schedule-minutes": "",
        "schedule-interviewers": [team.interviewer.pk],
        "schedule-location": "https://meet.example/new",
    }
    data.update(extra)
    return data


def test_recruiter_schedules_from_the_application_page(team, loop, settings):
    application = loop["application"]
    client = signed_in(team.recruiter)
    page = _ok_page(client.get(f"/applications/{application.pk}/"))
    assert 'id="interviews"' in page and "Schedule interview" in page
    assert f'action="/applications/{application.pk}/interviews/new/"' in page
    response = client.post(
        f"/applications/{application.pk}/interviews/new/",
        _schedule_data(team, application.stage_id),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/applications/{application.pk}/#interviews"
    interview = Interview.objects.latest("id")
    zone = timezone.get_current_timezone()
    assert interview.starts_at == timezone.make_aware(datetime(2030, 1, 2, 10, 30), zone)
    assert interview.minutes == application.stage.minutes  # empty: the stage's length
    assert list(interview.interviewers.all()) == [team.interviewer]
    assert interview.changes.get().action == "schedule"
    page = client.get(f"/applications/{application.pk}/").content.decode()
    assert f"/interviews/{interview.pk}/" in page and "https://meet.example/new" not in page


def test_scheduling_needs_a_time_and_interviewers(team, loop):
    application = loop["application"]
    client = signed_in(team.recruiter)
    response = client.post(
        f"/applications/{application.pk}/interviews/new/",
        _schedule_data(
            team, application.stage_id, **{"schedule-interviewers": [], "schedule-starts_at": ""}
        ),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose at least one interviewer." in page and "The interview was not scheduled." in page
    assert _ok_page(client.get(f"/applications/{application.pk}/interviews/new/"))


def test_interviewers_may_not_schedule(team, loop):
    application = loop["application"]
    client = signed_in(team.interviewer)
    page = _ok_page(client.get(f"/applications/{application.pk}/"))
    assert "Schedule interview" not in page
    before = Interview.objects.count()
    response = client.post(
        f"/applications/{application.pk}/interviews/new/",
        _schedule_data(team, application.stage_id),
    )
    assert response.status_code == 403
    assert client.get(f"/applications/{application.pk}/interviews/new/").status_code == 403
    assert Interview.objects.count() == before


# The interview page -------------------------------------------------------------------------


def test_reschedule_and_cancel_are_recorded(team, loop):
    interview = loop["upcoming"]
    client = signed_in(team.recruiter)
    page = _ok_page(client.get(f"/interviews/{interview.pk}/"))
    assert "Reschedule" in page and "Cancel the interview" in page and "Scheduled" in page
    response = client.post(
        f"/interviews/{interview.pk}/reschedule/",
        {
            "move-starts_at": "2030-03-04T09:15",
            "move-minutes": "45",
            "move-location": "Room Turing",
            "move-reason": "The candidate asked for a morning slot",
        },
    )
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.sequence == 1 and interview.minutes == 45
    assert interview.location == "Room Turing"
    change = interview.changes.get(action="reschedule")
    assert change.reason == "The candidate asked for a morning slot"
    assert change.actor == team.recruiter

    assert (
        client.post(f"/interviews/{interview.pk}/cancel/", {"cancel-reason": ""}).status_code == 400
    )
    response = client.post(
        f"/interviews/{interview.pk}/cancel/", {"cancel-reason": "Candidate withdrew"}
    )
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.CANCELLED and interview.sequence == 2
    page = _ok_page(client.get(f"/interviews/{interview.pk}/"))
    assert "The candidate asked for a morning slot" in page and "Candidate withdrew" in page
    assert "Move the interview" not in page  # nothing left to move
    assert client.post(
        f"/interviews/{interview.pk}/cancel/", {"cancel-reason": "again"}
    ).status_code in (403, 409)


def test_interviewers_cannot_reschedule_or_cancel(team, loop):
    interview = loop["upcoming"]
    client = signed_in(team.interviewer)
    page = _ok_page(client.get(f"/interviews/{interview.pk}/"))
    assert "Move the interview" not in page and "Live mode" in page
    response = client.post(
        f"/interviews/{interview.pk}/reschedule/",
        {"move-starts_at": "2030-03-04T09:15", "move-minutes": "45"},
    )
    assert response.status_code == 403
    assert (
        client.post(f"/interviews/{interview.pk}/cancel/", {"cancel-reason": "no"}).status_code
        == 403
    )
    assert InterviewChange.objects.filter(interview=interview).count() == 1


def test_invite_downloads_as_a_calendar_file(team, loop, other_team):
    interview = loop["upcoming"]
    for user in (team.interviewer, team.recruiter, team.hiring_manager):
        response = signed_in(user).get(f"/interviews/{interview.pk}/invite.ics")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        assert response["Content-Disposition"].startswith("attachment;")
        assert response.content.startswith(b"BEGIN:VCALENDAR\r\n")
        assert b"Room Ada" in response.content
    outsider = signed_in(other_team.admin)
    assert outsider.get(f"/interviews/{interview.pk}/invite.ics").status_code == 404


# Live mode ----------------------------------------------------------------------------------


def test_agenda_scales_to_the_interview_length():
    agenda = [
        {"name": "Introduction", "minutes": 5},
        {"name": "Main part", "minutes": 50},
        {"name": "Candidate's questions", "minutes": 5},
    ]

    def lengths(minutes):
        return [s["minutes"] for s in scaled_agenda(agenda, minutes)]

    assert lengths(60) == [5, 50, 5]
    assert lengths(120) == [10, 100, 10]
    assert lengths(45) == [4, 37, 4]
    assert lengths(30) == [3, 24, 3]  # never below three minutes
    for minutes in (5, 10, 15, 90, 480):
        assert sum(lengths(minutes)) == minutes
    assert [s["start"] for s in scaled_agenda(agenda, 60)] == [0, 5, 55]


def test_live_mode_renders_the_kit_for_the_interviewer(team, loop):
    interview = loop["upcoming"]
    page = _ok_page(signed_in(team.interviewer).get(f"/interviews/{interview.pk}/live/"))
    assert "hireloop/live.js" in page
    assert "Introduction" in page and "Main part" in page and "Candidate&#x27;s questions" in page
    assert 'data-segment data-start="0"' in page
    assert "Platform developer" in page and "PostgreSQL" in page  # the kit
    assert "Focus areas from earlier interviewers" in page
    for criterion in _criteria(interview):
        assert criterion["name"] in page
        assert f'name="rating-{criterion["slug"]}"' in page
    anchor = _criteria(interview)[0]["anchors"]["5"]
    assert anchor[:60] in page.replace("&#x27;", "'").replace("&quot;", '"')
    assert "data-ask" in page and "What to look for" in page
    assert 'aria-live="polite"' in page and 'id="draft-state"' in page


def test_live_mode_is_for_the_interviewers_of_the_interview(team, loop, other_team):
    url = f"/interviews/{loop['upcoming'].pk}/live/"
    assert signed_in(team.recruiter).get(url).status_code == 403  # sees it, is not on it
    assert signed_in(loop["second"]).get(url).status_code == 404  # not one of theirs
    assert signed_in(other_team.admin).get(url).status_code == 404
    assert signed_in(other_team.interviewer).get(url).status_code == 404


def test_autosave_stores_notes_and_questions(team, loop):
    interview = loop["past"]
    client = signed_in(team.interviewer)
    question = Question.objects.filter(workspace=None).first()
    slug = _criteria(interview)[0]["slug"]
    draft = {
        "ratings": {slug: 4},
        "signals": {slug: {"strong": [_criteria(interview)[0]["strong_signals"][0]], "weak": []}},
        "red_flags": [],
        "notes": "Typed while listening: knows cache stampedes",
        "recommendation": "",
        "questions": [
            {
                "question_id": question.pk,
                "prompt": question.prompt,
                "notes": "Good depth",
                "score": 4,
                "skipped": False,
            },
            {
                "question_id": None,
                "prompt": "How would you shard the ledger?",
                "notes": "",
                "score": None,
                "skipped": True,
            },
        ],
    }
    response = client.post(
        f"/interviews/{interview.pk}/scorecard/draft/",
        json.dumps(draft),
        content_type="application/json",
        HTTP_X_CSRFTOKEN="ignored-by-the-test-client",
    )
    assert response.status_code == 200
    assert "saved_at" in response.json()
    feedback = Feedback.objects.get(interview=interview, interviewer=team.interviewer)
    assert feedback.status == FeedbackStatus.DRAFT and feedback.ratings == {slug: 4}
    notes = list(QuestionNote.objects.filter(feedback=feedback))
    assert [(q.question_id, q.score, q.skipped) for q in notes] == [
        (question.pk, 4, False),
        (None, None, True),
    ]
    page = _ok_page(client.get(f"/interviews/{interview.pk}/live/"))
    assert "Typed while listening: knows cache stampedes" in page
    assert "How would you shard the ledger?" in page and "Good depth" in page
    assert f'name="rating-{slug}" value="4" checked' in page

    # The same endpoint takes form fields; a save without the questions keeps them.
    response = client.post(
        f"/interviews/{interview.pk}/scorecard/draft/",
        {"notes": "Rewritten", "recommendation": "hire"},
    )
    assert response.status_code == 200
    feedback.refresh_from_db()
    assert feedback.notes == "Rewritten" and feedback.questions.count() == 2


def test_autosave_rejects_bad_bodies_and_strangers(team, loop, other_team):
    interview = loop["past"]
    url = f"/interviews/{interview.pk}/scorecard/draft/"
    client = signed_in(team.interviewer)
    for body in ("not json", json.dumps({"ratings": [1, 2]}), json.dumps({"questions": "x"})):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["error"]["message"]
    response = client.post(
        url, json.dumps({"ratings": {"nope": 3}}), content_type="application/json"
    )
    assert response.status_code == 400 and "ratings" in response.json()["error"]["fields"]
    recruiter = signed_in(team.recruiter)
    assert recruiter.post(url, "{}", content_type="application/json").status_code == 403
    assert (
        signed_in(other_team.interviewer)
        .post(url, "{}", content_type="application/json")
        .status_code
        == 404
    )
    assert not Feedback.objects.filter(interview=interview).exists()


# Scorecards ---------------------------------------------------------------------------------


def test_submit_with_missing_ratings_says_what_is_missing(team, loop):
    interview = loop["past"]
    client = signed_in(team.interviewer)
    criteria = _criteria(interview)
    data = _complete_form(interview)
    del data[f"rating-{criteria[0]['slug']}"]
    del data["recommendation"]
    response = client.post(f"/interviews/{interview.pk}/scorecard/", data)
    assert response.status_code == 400
    page = response.content.decode().replace("&#x27;", "'")
    assert "Not submitted yet." in page
    assert f"rating for '{criteria[0]['name']}'" in page and "an overall recommendation" in page
    assert f"rating for '{criteria[1]['name']}'" not in page
    feedback = Feedback.objects.get(interview=interview, interviewer=team.interviewer)
    assert feedback.status == FeedbackStatus.DRAFT  # what was given is kept as the draft
    assert feedback.ratings[criteria[1]["slug"]] == 4


def test_full_submit_then_the_page_is_read_only_with_an_amend_form(team, loop):
    interview = loop["past"]
    client = signed_in(team.interviewer)
    page = _ok_page(client.get(f"/interviews/{interview.pk}/scorecard/"))
    assert "Submit scorecard" in page and "hireloop/live.js" in page
    flag = interview.scorecard_version.snapshot["red_flags"][0]
    data = _complete_form(interview) | {
        "red_flags": [flag],
        "questions_present": "1",
        "q-0-prompt": "Walk me through a cache you built",
        "q-0-notes": "Redis, TTLs, stampede protection",
        "q-0-score": "5",
    }
    response = client.post(f"/interviews/{interview.pk}/scorecard/", data)
    assert response.status_code == 302
    feedback = Feedback.objects.get(interview=interview, interviewer=team.interviewer)
    assert feedback.status == FeedbackStatus.SUBMITTED and feedback.revision == 1
    assert feedback.red_flags == [flag]
    assert feedback.questions.get().score == 5
    page = _ok_page(client.get(f"/interviews/{interview.pk}/scorecard/"))
    assert "Your submitted scorecard" in page and "Amend this scorecard" in page
    assert "Submit scorecard" not in page and "Redis, TTLs, stampede protection" in page
    assert "Revision 1" in page
    live = _ok_page(client.get(f"/interviews/{interview.pk}/live/"))
    assert "You submitted your scorecard." in live and 'id="scorecard-form"' not in live
    assert client.post(f"/interviews/{interview.pk}/scorecard/", data).status_code == 409


def test_independence_on_the_application_page(team, loop):
    interview = loop["past"]
    url = f"/applications/{loop['application'].pk}/"
    first, second = signed_in(team.interviewer), signed_in(loop["second"])
    assert (
        first.post(
            f"/interviews/{interview.pk}/scorecard/", _complete_form(interview, FIRST_NOTES)
        ).status_code
        == 302
    )
    page = _ok_page(second.get(url))
    assert FIRST_NOTES not in page
    assert "1 scorecard is hidden until you submit your own" in page
    page = _ok_page(signed_in(team.recruiter).get(url))  # schedules, does not read opinions
    assert FIRST_NOTES not in page and "1 submitted scorecard is hidden from you" in page
    assert (
        second.post(
            f"/interviews/{interview.pk}/scorecard/", _complete_form(interview, SECOND_NOTES)
        ).status_code
        == 302
    )
    page = _ok_page(second.get(url))
    assert FIRST_NOTES in page and SECOND_NOTES in page and "hidden until" not in page
    # The hiring manager reads both; the first interviewer reads the second's too now.
    assert FIRST_NOTES in _ok_page(signed_in(team.hiring_manager).get(url))
    assert SECOND_NOTES in _ok_page(first.get(url))


def test_drafts_stay_private(team, loop):
    interview = loop["past"]
    feedback_save_draft(
        membership=team.membership(team.interviewer),
        interview_id=interview.pk,
        data={"notes": FIRST_NOTES},
    )
    url = f"/applications/{loop['application'].pk}/"
    assert FIRST_NOTES in _ok_page(signed_in(team.interviewer).get(url))  # own draft
    for user in (loop["second"], team.hiring_manager, team.admin, team.recruiter):
        assert FIRST_NOTES not in _ok_page(signed_in(user).get(url))


def test_amend_needs_a_reason_and_keeps_every_version(team, loop):
    interview = loop["past"]
    client = signed_in(team.interviewer)
    client.post(f"/interviews/{interview.pk}/scorecard/", _complete_form(interview))
    amended = {k: v for k, v in _complete_form(interview).items() if k != "action"}
    amended["recommendation"] = "strong_hire"
    response = client.post(f"/interviews/{interview.pk}/scorecard/amend/", amended | {"reason": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Not amended." in page and "Say why you are amending the scorecard." in page
    feedback = Feedback.objects.get(interview=interview, interviewer=team.interviewer)
    assert feedback.revision == 1 and feedback.recommendation == "hire"

    reason = "Re-read my notes: the design answer was stronger"
    response = client.post(
        f"/interviews/{interview.pk}/scorecard/amend/", amended | {"reason": reason}
    )
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.revision == 2 and feedback.recommendation == "strong_hire"
    assert [r.number for r in feedback.revisions.all()] == [1, 2]
    page = _ok_page(client.get(f"/interviews/{interview.pk}/scorecard/"))
    assert reason in page and "Revision 2" in page
    app_page = _ok_page(
        signed_in(team.hiring_manager).get(f"/applications/{loop['application'].pk}/")
    )
    assert reason in app_page and "Strong hire" in app_page


def test_scorecard_pages_are_for_the_interviewers_only(team, loop, other_team):
    interview = loop["past"]
    for user, status in (
        (team.recruiter, 403),
        (team.hiring_manager, 403),
        (other_team.admin, 404),
    ):
        client = signed_in(user)
        assert client.get(f"/interviews/{interview.pk}/scorecard/").status_code == status
        assert (
            client.post(
                f"/interviews/{interview.pk}/scorecard/", _complete_form(interview)
            ).status_code
            == status
        )
        assert (
            client.post(
                f"/interviews/{interview.pk}/scorecard/amend/", {"reason": "because I can"}
            ).status_code
            == status
        )
    assert not Feedback.objects.filter(interview=interview).exists()
