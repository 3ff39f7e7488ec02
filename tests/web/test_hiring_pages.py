"""Hiring pages: roles, the board and the plan editor, candidates with résumés, applications and
the pipeline moves, each for the roles that may see them, with a constant number of queries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hireloop.hiring.models import Application, Candidate, PlanStage, Role, Transition
from hireloop.hiring.services import application_create, candidate_create, role_create
from hireloop.interviews.services import interview_schedule
from hireloop.library.models import Scorecard

from ..conftest import signed_in

ALL_ROLES = ["admin", "recruiter", "hiring_manager", "interviewer"]


def _role(team, title="Backend engineer", **kwargs):
    return role_create(
        membership=team.membership(team.recruiter),
        title=title,
        seniority=kwargs.get("seniority", "senior"),
        team=kwargs.get("team_name", "Payments"),
        industry=kwargs.get("industry", "startup"),
        hiring_manager=kwargs.get("hiring_manager", team.hiring_manager),
    )


def _candidate(team, n=0, **data):
    return candidate_create(
        membership=team.membership(team.recruiter),
        data={
            "name": data.get("name", f"Candidate {n}"),
            "email": data.get("email", f"candidate{n}@example.test"),
            "current_title": data.get("current_title", "Backend developer"),
            "skills": data.get("skills", ["Python", "PostgreSQL"]),
        },
    )


def _apply(team, role, n=0, **data):
    candidate = _candidate(team, n, **data)
    return application_create(
        membership=team.membership(team.recruiter), candidate_id=candidate.pk, role_id=role.pk
    )


@pytest.fixture
def loop(team):
    """A role with one application, the interviewer in the first stage's pool and booked for
    an interview with the candidate (interviewers see only the applications they interview)."""
    role = _role(team)
    application = _apply(team, role, name="Ann Example", email="ann@example.test")
    role.stages.order_by("position").first().interviewers.add(team.interviewer)
    interview_schedule(
        membership=team.membership(team.recruiter),
        application_id=application.pk,
        starts_at=timezone.now() + timedelta(days=1),
        interviewer_ids=[team.interviewer.pk],
    )
    return {"role": role, "application": application, "candidate": application.candidate}


def _h1_count(content: bytes) -> int:
    return len(re.findall(rb"<h1[ >]", content))


def _assert_page(response, url):
    assert response.status_code == 200, (url, response.status_code)
    assert _h1_count(response.content) == 1, url
    assert b'src="http' not in response.content and b'href="https://cdn' not in response.content


# Every page, for every role that may see it ------------------------------------------------


@pytest.mark.parametrize("who", ALL_ROLES)
def test_every_hiring_page_renders_for_every_role_that_may_see_it(team, loop, who):
    client = signed_in(getattr(team, who))
    r, c, a = loop["role"].pk, loop["candidate"].pk, loop["application"].pk
    urls = [
        "/roles/",
        f"/roles/{r}/",
        f"/roles/{r}/plan/",
        "/candidates/",
        f"/candidates/{c}/",
        "/applications/",
        f"/applications/{a}/",
    ]
    if who in ("admin", "recruiter", "hiring_manager"):
        urls.append("/roles/new/")
    if who in ("admin", "recruiter"):
        urls += ["/candidates/new/", f"/candidates/{c}/edit/"]
    for url in urls:
        response = client.get(url)
        _assert_page(response, url)
    board = client.get(f"/roles/{r}/").content.decode()
    assert "Ann Example" in board and f"/applications/{a}/" in board
    assert "Roles" in board and "Candidates" in board and ">Library<" in board


def test_pages_require_sign_in(client, db):
    for url in ["/roles/", "/candidates/", "/applications/", "/roles/new/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_empty_states(team):
    client = signed_in(team.recruiter)
    assert "No roles yet" in client.get("/roles/").content.decode()
    assert "No candidates yet" in client.get("/candidates/").content.decode()
    assert "No applications yet" in client.get("/applications/").content.decode()
    role = _role(team)
    board = client.get(f"/roles/{role.pk}/").content.decode()
    assert "No candidates in this role yet" in board
    assert "Nobody in this stage." in board
    interviewer = signed_in(team.interviewer)
    assert "interviewer pool" in interviewer.get("/roles/").content.decode()


def test_role_list_shows_counts_and_filters_by_status(team):
    client = signed_in(team.recruiter)
    role = _role(team)
    closed = _role(team, title="Data engineer")
    Role.objects.filter(pk=closed.pk).update(status="closed")
    for n in range(3):
        _apply(team, role, n)
    page = client.get("/roles/").content.decode()
    assert "Backend engineer" in page and "Data engineer" in page
    assert page.index("Backend engineer") < page.index("Data engineer")  # open roles first
    assert f'/applications/?role={role.pk}&amp;status=active">3<' in page
    only_closed = client.get("/roles/?status=closed").content.decode()
    assert "Data engineer" in only_closed and "Backend engineer" not in only_closed
    assert client.get("/roles/?status=nonsense").status_code == 200


# The walk through the pipeline ---------------------------------------------------------------


def _version(page: str) -> int:
    return int(re.search(r'name="version" value="(\d+)"', page)[1])


def test_recruiter_creates_role_and_candidate_and_moves_them_through_the_pages(team):
    client = signed_in(team.recruiter)
    response = client.post(
        "/roles/new/",
        {
            "title": "Platform engineer",
            "team": "Infra",
            "seniority": "senior",
            "industry": "enterprise",
            "hiring_manager": str(team.hiring_manager.pk),
        },
    )
    assert response.status_code == 302
    role = Role.objects.get(title="Platform engineer")
    assert response["Location"] == f"/roles/{role.pk}/"
    assert role.hiring_manager == team.hiring_manager and role.industry.slug == "enterprise"
    assert role.stages.count() >= 4

    response = client.post(
        "/candidates/new/",
        {
            "name": "Grace Hopper",
            "email": "Grace@Example.test",
            "years_experience": "12",
            "level": "staff",
            "current_title": "Principal engineer",
            "skills": "COBOL, compilers ,  Go",
            "links": "https://example.test/grace\n\nhttps://code.example.test/grace",
            "source": "referral",
        },
    )
    assert response.status_code == 302
    candidate = Candidate.objects.get(email="grace@example.test")
    assert candidate.skills == ["COBOL", "Go", "compilers"]
    assert candidate.links == ["https://example.test/grace", "https://code.example.test/grace"]

    response = client.post(f"/candidates/{candidate.pk}/apply/", {"role": str(role.pk)})
    assert response.status_code == 302
    application = Application.objects.get(candidate=candidate, role=role)
    assert response["Location"] == f"/applications/{application.pk}/"
    again = client.post(f"/candidates/{candidate.pk}/apply/", {"role": str(role.pk)})
    assert again.status_code == 409 and "already applied" in again.content.decode()

    url = f"/applications/{application.pk}/"
    stages = list(role.stages.order_by("position"))
    steps = [
        ({"action": "advance"}, "active", stages[1]),
        ({"action": "back", "note": "Needs the screen again"}, "active", stages[0]),
        ({"action": "hold"}, "on_hold", stages[0]),
        ({"action": "resume"}, "active", stages[0]),
        ({"action": "reject", "reason": "skills", "note": "Gaps in SQL"}, "rejected", stages[0]),
    ]
    for data, status, stage in steps:
        page = client.get(url).content.decode()
        response = client.post(f"{url}move/", {**data, "version": _version(page)})
        assert response.status_code == 302, (data, response.status_code)
        assert response["Location"] == url
        application.refresh_from_db()
        assert (application.status, application.stage_id) == (status, stage.pk), data
    page = client.get(url).content.decode()
    assert "Skills below the bar for the role" in page and "Gaps in SQL" in page
    assert "Needs the screen again" in page
    assert "Time in each stage" in page
    assert 'name="action" value="advance"' not in page  # closed: no actions offered
    assert Transition.objects.filter(application=application).count() == 6
    candidate_page = client.get(f"/candidates/{candidate.pk}/").content.decode()
    assert "Platform engineer" in candidate_page and "Rejected" in candidate_page


def test_a_stale_version_gets_409_with_the_conflict_and_the_current_state(team, loop):
    client = signed_in(team.recruiter)
    application = loop["application"]
    url = f"/applications/{application.pk}/"
    assert client.post(f"{url}move/", {"action": "advance", "version": 1}).status_code == 302
    stale = client.post(f"{url}move/", {"action": "hold", "version": 1})
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "Someone else changed this application first" in page
    second = application.role.stages.order_by("position")[1]
    assert second.name in page
    assert 'name="version" value="2"' in page  # the forms now carry the current version
    application.refresh_from_db()
    assert (application.version, application.status) == (2, "active")


def test_actions_match_the_status_and_the_users_capabilities(team, loop):
    application = loop["application"]
    url = f"/applications/{application.pk}/"
    recruiter_page = signed_in(team.recruiter).get(url).content.decode()
    for action in ("advance", "hold", "withdraw"):
        assert f'name="action" value="{action}"' in recruiter_page
    assert 'value="reject"' in recruiter_page
    assert 'name="action" value="back"' not in recruiter_page  # first stage
    assert 'name="action" value="resume"' not in recruiter_page
    interviewer_page = signed_in(team.interviewer).get(url).content.decode()
    assert "/move/" not in interviewer_page
    # At the last stage only deciders see "Hire", and the server refuses it to a recruiter.
    last = application.role.stages.order_by("-position").first()
    Application.objects.filter(pk=application.pk).update(stage=last)
    assert 'value="hire"' not in signed_in(team.recruiter).get(url).content.decode()
    manager = signed_in(team.hiring_manager)
    assert 'value="hire"' in manager.get(url).content.decode()
    refused = signed_in(team.recruiter).post(f"{url}move/", {"action": "hire", "version": 1})
    assert refused.status_code == 403
    response = manager.post(f"{url}move/", {"action": "hire", "version": 1})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "hired"


def test_reject_needs_a_reason(team, loop):
    client = signed_in(team.recruiter)
    url = f"/applications/{loop['application'].pk}/move/"
    response = client.post(url, {"action": "reject", "version": 1})
    assert response.status_code == 400
    assert "Choose a reason for the rejection." in response.content.decode()
    assert Application.objects.get(pk=loop["application"].pk).status == "active"
    assert client.post(url, {"action": "explode", "version": 1}).status_code == 400


# Permissions -------------------------------------------------------------------------------


def test_interviewer_gets_403_on_creating_and_404_on_unrelated_objects(team, loop):
    client = signed_in(team.interviewer)
    for url in ["/roles/new/", "/candidates/new/"]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"title": "x", "name": "x"}).status_code == 403, url
    other = _role(team, title="Unrelated role")
    unrelated = _apply(team, other, 99)
    for url in [
        f"/roles/{other.pk}/",
        f"/roles/{other.pk}/plan/",
        f"/applications/{unrelated.pk}/",
        f"/candidates/{unrelated.candidate_id}/",
    ]:
        assert client.get(url).status_code == 404, url
    move = client.post(f"/applications/{unrelated.pk}/move/", {"action": "advance", "version": 1})
    assert move.status_code == 404
    # In the pool of the first role: sees it, cannot change it.
    mine = loop["application"]
    move = client.post(f"/applications/{mine.pk}/move/", {"action": "advance", "version": 1})
    assert move.status_code == 403
    stage = loop["role"].stages.first()
    assert client.post(f"/stages/{stage.pk}/move/", {"offset": "1"}).status_code == 403
    assert client.get(f"/candidates/{mine.candidate_id}/edit/").status_code == 403
    listing = client.get("/applications/").content.decode()
    assert "Ann Example" in listing and "Candidate 99" not in listing


def test_hiring_manager_manages_own_roles_only(team, loop):
    manager = signed_in(team.hiring_manager)
    plan = manager.get(f"/roles/{loop['role'].pk}/plan/").content.decode()
    assert "Add a stage" in plan and "Role settings" in plan
    read_only = signed_in(team.interviewer).get(f"/roles/{loop['role'].pk}/plan/")
    assert "Add a stage" not in read_only.content.decode()
    assert manager.get("/candidates/new/").status_code == 403
    response = manager.post("/roles/new/", {"title": "Own role", "seniority": "mid"})
    assert response.status_code == 302
    assert Role.objects.get(title="Own role").hiring_manager == team.hiring_manager


# Candidates --------------------------------------------------------------------------------


def test_duplicate_email_shows_the_message_and_a_link_to_the_existing_candidate(team, loop):
    client = signed_in(team.recruiter)
    existing = loop["candidate"]
    response = client.post("/candidates/new/", {"name": "Ann Again", "email": "ANN@example.test"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "already has this email address" in page
    assert f'href="/candidates/{existing.pk}/"' in page
    assert Candidate.objects.filter(workspace=team.workspace).count() == 1
    other = _candidate(team, 5)
    response = client.post(
        f"/candidates/{other.pk}/edit/", {"name": other.name, "email": "ann@example.test"}
    )
    assert response.status_code == 409
    assert "already has this email address." in response.content.decode()


def test_candidate_form_errors_and_edit(team, loop):
    client = signed_in(team.recruiter)
    response = client.post("/candidates/new/", {"name": "", "email": "not-an-email"})
    assert response.status_code == 400
    assert "The candidate was not saved." in response.content.decode()
    c = loop["candidate"]
    form = client.get(f"/candidates/{c.pk}/edit/").content.decode()
    assert "Python, PostgreSQL" in form or "PostgreSQL, Python" in form
    response = client.post(
        f"/candidates/{c.pk}/edit/",
        {"name": "Ann Changed", "email": c.email, "skills": "Rust", "location": "Lisbon"},
    )
    assert response.status_code == 302
    c.refresh_from_db()
    assert (c.name, c.skills, c.location) == ("Ann Changed", ["Rust"], "Lisbon")


def test_resume_upload_of_text_works_and_junk_gets_a_clear_400(team, loop):
    client = signed_in(team.recruiter)
    c = loop["candidate"]
    url = f"/candidates/{c.pk}/resume/"
    text = b"Ann Example\nSenior engineer. Built event sourcing with Kafka and Flink.\n"
    response = client.post(url, {"resume": SimpleUploadedFile("ann.txt", text, "text/plain")})
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.resume_name == "ann.txt" and c.resume_kind == "txt" and "Flink" in c.resume_text
    page = client.get(f"/candidates/{c.pk}/").content.decode()
    assert "<details" in page and "event sourcing with Kafka" in page
    found = client.get("/candidates/?q=flink").content.decode()
    assert f"/candidates/{c.pk}/" in found

    junk = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" * 64
    response = client.post(url, {"resume": SimpleUploadedFile("setup.exe", junk)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "The résumé was not uploaded." in page
    assert "Only PDF, DOCX or plain-text résumés can be uploaded." in page
    renamed = client.post(url, {"resume": SimpleUploadedFile("cv.pdf", b"just text")})
    assert renamed.status_code == 400
    assert client.post(url, {}).status_code == 400
    c.refresh_from_db()
    assert c.resume_name == "ann.txt"
    manager = signed_in(team.hiring_manager)
    refused = manager.post(url, {"resume": SimpleUploadedFile("x.txt", b"x")})
    assert refused.status_code == 403


def test_candidate_search_with_and_without_htmx(team):
    client = signed_in(team.recruiter)
    kafka = _candidate(team, 1, name="Kay Fka", skills=["Kafka"])
    other = _candidate(team, 2, name="Other Person", skills=["Django"])
    page = client.get("/candidates/?q=kafka").content.decode()
    assert "<html" in page and f"/candidates/{kafka.pk}/" in page
    fragment = client.get("/candidates/?q=kafka", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment
    assert f"/candidates/{kafka.pk}/" in fragment and f"/candidates/{other.pk}/" not in fragment
    none = client.get("/candidates/?q=zzzyzzyva").content.decode()
    assert "No candidates match" in none


def test_candidate_list_paginates(team):
    for n in range(27):
        _candidate(team, n)
    client = signed_in(team.recruiter)
    first = client.get("/candidates/").content.decode()
    assert "page 1 of 2" in first and 'rel="next"' in first
    second = client.get("/candidates/?page=2").content.decode()
    assert second.count('class="question-prompt"') == 2
    assert "past the end" in client.get("/candidates/?page=9").content.decode()


# The plan editor ---------------------------------------------------------------------------


def test_plan_editor_moves_adds_edits_and_removes_stages(team, loop):
    client = signed_in(team.recruiter)
    role = loop["role"]
    url = f"/roles/{role.pk}/plan/"
    page = client.get(url).content.decode()
    first, second = role.stages.order_by("position")[:2]
    assert f"/library/scorecards/{first.scorecard_version.scorecard_id}/" in page
    assert "Suggested questions" in page and "/library/questions/" in page
    assert "Skills to verify" in page

    assert client.post(f"/stages/{second.pk}/move/", {"offset": "-1"}).status_code == 302
    assert list(role.stages.order_by("position")[:2]) == [second, first]

    # The application sits in `first`: removing it is refused with a message.
    response = client.post(f"/stages/{first.pk}/remove/")
    assert response.status_code == 409
    assert "Candidates are in this stage" in response.content.decode()

    card = Scorecard.objects.get(slug="system-design", workspace=None)
    response = client.post(
        f"/roles/{role.pk}/stages/",
        {"add-name": "Architecture deep dive", "add-scorecard": str(card.pk), "add-minutes": "50"},
    )
    assert response.status_code == 302
    added = role.stages.get(name="Architecture deep dive")
    assert added.position == role.stages.count() - 1 and added.minutes == 50
    response = client.post(f"/roles/{role.pk}/stages/", {"add-template": "hr"})
    assert response.status_code == 302
    assert role.stages.filter(name="HR interview").count() == 2
    bad = client.post(f"/roles/{role.pk}/stages/", {"add-name": "No card"})
    assert bad.status_code == 400 and "Choose the scorecard" in bad.content.decode()

    prefix = f"stage{added.pk}"
    response = client.post(
        f"/stages/{added.pk}/",
        {
            f"{prefix}-name": "Architecture",
            f"{prefix}-minutes": "55",
            f"{prefix}-scorecard": str(card.pk),
            f"{prefix}-interviewers": [str(team.interviewer.pk), str(team.admin.pk)],
        },
    )
    assert response.status_code == 302
    added.refresh_from_db()
    assert (added.name, added.minutes) == ("Architecture", 55)
    assert set(added.interviewers.all()) == {team.interviewer, team.admin}
    invalid = client.post(f"/stages/{added.pk}/", {f"{prefix}-name": "", f"{prefix}-minutes": "1"})
    assert invalid.status_code == 400 and "The stage was not saved." in invalid.content.decode()

    assert client.post(f"/stages/{added.pk}/remove/").status_code == 302
    assert not PlanStage.objects.filter(pk=added.pk).exists()
    assert list(role.stages.values_list("position", flat=True).order_by("position")) == list(
        range(role.stages.count())
    )


def test_plan_shows_skills_no_stage_verifies(team):
    client = signed_in(team.recruiter)
    role = _role(team)
    for stage in list(role.stages.all()):
        client.post(f"/stages/{stage.pk}/remove/")
    assert role.stages.count() == 0
    page = client.get(f"/roles/{role.pk}/plan/").content.decode()
    assert "Not verified by any stage" in page
    assert "The plan has no stages" in page
    board = client.get(f"/roles/{role.pk}/").content.decode()
    assert "This role has no interview stages" in board


def test_role_settings_update(team, loop):
    client = signed_in(team.hiring_manager)
    role = loop["role"]
    response = client.post(
        f"/roles/{role.pk}/settings/",
        {
            "role-title": "Senior backend engineer",
            "role-team": "Core",
            "role-seniority": "staff",
            "role-status": "on_hold",
            "role-industry": "",
        },
    )
    assert response.status_code == 302
    role.refresh_from_db()
    assert (role.title, role.seniority, role.status, role.industry) == (
        "Senior backend engineer",
        "staff",
        "on_hold",
        None,
    )
    bad = client.post(f"/roles/{role.pk}/settings/", {"role-title": "", "role-status": "gone"})
    assert bad.status_code == 400
    refused = signed_in(team.interviewer).post(f"/roles/{role.pk}/settings/", {"role-title": "x"})
    assert refused.status_code == 403


# The list across roles ---------------------------------------------------------------------


def test_application_list_filters_and_htmx_fragment(team):
    client = signed_in(team.recruiter)
    backend = _role(team)
    data = _role(team, title="Data engineer")
    a1 = _apply(team, backend, 1, name="Alice Backend", skills=["Go"])
    a2 = _apply(team, data, 2, name="Bob Data", skills=["Spark"])
    client.post(f"/applications/{a2.pk}/move/", {"action": "hold", "version": 1})
    page = client.get("/applications/").content.decode()
    assert "Alice Backend" in page and "Bob Data" in page
    by_role = client.get(f"/applications/?role={backend.pk}").content.decode()
    assert "Alice Backend" in by_role and "Bob Data" not in by_role
    on_hold = client.get("/applications/?status=on_hold").content.decode()
    assert "Bob Data" in on_hold and "Alice Backend" not in on_hold
    first_stage = backend.stages.order_by("position").first().name
    by_stage = client.get(f"/applications/?stage={first_stage.upper()}").content.decode()
    assert "Alice Backend" in by_stage
    fragment = client.get("/applications/?q=spark", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "Bob Data" in fragment and "Alice Backend" not in fragment
    assert "No applications match" in client.get("/applications/?q=nobody").content.decode()
    assert client.get("/applications/?role=abc&status=x&page=x").status_code == 200
    assert a1.pk


# Queries: constant whatever the volume ----------------------------------------------------


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_board_runs_a_constant_number_of_queries(
    team, django_assert_num_queries, django_assert_max_num_queries
):
    role = _role(team)
    for n in range(3):
        _apply(team, role, n)
    client = signed_in(team.recruiter)
    url = f"/roles/{role.pk}/"
    client.get(url)  # warm the session
    at_three = _count_queries(client, url)
    for n in range(3, 15):
        _apply(team, role, n)
    with django_assert_num_queries(at_three):
        response = client.get(url)
    assert response.content.decode().count('class="board-card-name"') == 15
    with django_assert_max_num_queries(12):
        client.get(url)


def test_candidate_list_runs_a_constant_number_of_queries(team, django_assert_num_queries):
    role = _role(team)
    for n in range(3):
        _apply(team, role, n)
    client = signed_in(team.recruiter)
    client.get("/candidates/")
    at_three = _count_queries(client, "/candidates/")
    for n in range(3, 15):
        _apply(team, role, n)
    with django_assert_num_queries(at_three):
        response = client.get("/candidates/")
    assert response.content.decode().count('class="question-prompt"') == 15


def test_application_list_and_page_run_a_constant_number_of_queries(
    team, django_assert_num_queries
):
    role = _role(team)
    apps = [_apply(team, role, n) for n in range(3)]
    client = signed_in(team.recruiter)
    client.get("/applications/")
    listing = _count_queries(client, "/applications/")
    detail_url = f"/applications/{apps[0].pk}/"
    for version in (1, 2):
        client.post(f"{detail_url}move/", {"action": "advance", "version": version})
    detail = _count_queries(client, detail_url)
    for n in range(3, 15):
        _apply(team, role, n)
    for action, version in (("back", 3), ("hold", 4)):
        client.post(f"{detail_url}move/", {"action": action, "version": version})
    with django_assert_num_queries(listing):
        client.get("/applications/")
    with django_assert_num_queries(detail):
        client.get(detail_url)
