"""Library pages: every page renders for every role, filters work with and without htmx."""

from __future__ import annotations

import pytest

from hireloop.library.models import PracticalTask, Question, Scorecard, StageTemplate

from ..conftest import signed_in

PAGES = [
    "/library/",
    "/library/questions/",
    "/library/scorecards/",
    "/library/process/",
    "/library/tasks/",
    "/library/skills/",
    "/library/industries/",
    "/library/red-flags/",
    "/library/prep/",
    "/library/competencies/databases/",
    "/library/stages/system-design/",
    "/library/tasks/slow-query-optimisation/",
]


def test_pages_require_sign_in(client, db):
    response = client.get("/library/questions/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("role", ["admin", "recruiter", "hiring_manager", "interviewer"])
def test_every_library_page_renders_for_every_role(team, role):
    client = signed_in(getattr(team, role))
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"<h1" in response.content, url
        assert b'src="http' not in response.content and b'href="https://cdn' not in response.content


def test_question_list_filters_and_htmx_fragment(admin_client):
    page = admin_client.get("/library/questions/?kind=behavioural").content.decode()
    assert "<html" in page
    behavioural = Question.objects.filter(kind="behavioural", workspace=None).first()
    technical = Question.objects.filter(kind="technical_advanced", workspace=None).first()
    fragment = admin_client.get(
        "/library/questions/?kind=behavioural", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in fragment
    assert f"/library/questions/{behavioural.pk}/" in fragment
    assert f"/library/questions/{technical.pk}/" not in fragment


def test_unknown_filter_values_are_ignored_and_empty_results_say_so(admin_client):
    assert admin_client.get("/library/questions/?kind=gossip&page=abc").status_code == 200
    page = admin_client.get("/library/questions/?q=zzzyzzyva").content.decode()
    assert "zzzyzzyva" in page
    assert "/library/questions/" in page  # a way back to all questions


def test_question_detail_shows_the_whole_rubric(admin_client):
    question = Question.objects.get(slug="teammate-disagreement", workspace=None)
    page = admin_client.get(f"/library/questions/{question.pk}/").content.decode()
    for text in [
        question.look_for,
        question.strong_signals[0],
        question.good_answer[0],
        question.follow_ups[0],
        question.red_flags[0],
        question.star["situation"],
    ]:
        assert text.replace("'", "&#x27;").replace('"', "&quot;") in page


def test_scorecard_detail_shows_anchors_and_recommendation(admin_client):
    card = Scorecard.objects.get(slug="technical-phone-screen", workspace=None)
    page = admin_client.get(f"/library/scorecards/{card.pk}/").content.decode()
    criterion = card.current_version.snapshot["criteria"][0]
    assert criterion["name"] in page
    assert criterion["anchors"]["5"].replace("'", "&#x27;").replace('"', "&quot;") in page
    for label in ["Strong hire", "Hire", "No hire", "Strong no hire"]:
        assert label in page
    assert admin_client.get(f"/library/scorecards/{card.pk}/?version=9").status_code == 404


def test_process_stage_and_task_pages_show_their_content(admin_client):
    process = admin_client.get("/library/process/").content.decode()
    for stage in StageTemplate.objects.filter(process_position__isnull=False):
        assert stage.name in process
    task = PracticalTask.objects.get(slug="todo-rest-api")
    page = admin_client.get("/library/tasks/todo-rest-api/").content.decode()
    assert task.requirements[0].replace("'", "&#x27;") in page
    assert admin_client.get("/library/tasks/unknown/").status_code == 404


def test_copy_and_edit_through_pages(team):
    manager = signed_in(team.hiring_manager)
    interviewer = signed_in(team.interviewer)
    question = Question.objects.get(slug="index-purpose", workspace=None)
    assert interviewer.post(f"/library/questions/{question.pk}/copy/").status_code == 403
    response = manager.post(f"/library/questions/{question.pk}/copy/")
    assert response.status_code == 302
    edit_url = response["Location"]
    form = manager.get(edit_url)
    assert form.status_code == 200 and b"csrfmiddlewaretoken" in form.content
    copy = Question.objects.get(workspace=team.workspace)
    data = {
        "prompt": "Our own wording about indexes",
        "kind": "technical_basic",
        "competencies": ["databases"],
        "seniorities": ["junior"],
        "minutes": "7",
        "look_for": copy.look_for,
        "strong_signals": "One\nTwo",
        "weak_signals": "Weak",
        "good_answer": "Point",
        "poor_answer": "Meh answer",
        "follow_ups": "Why?",
        "red_flags": "None at all",
        "strong_answer_names": "B-tree",
    }
    assert manager.post(edit_url, {**data, "minutes": "0"}).status_code == 400
    assert manager.post(edit_url, {**data, "kind": "behavioural"}).status_code == 400
    assert manager.post(edit_url, data).status_code == 302
    copy.refresh_from_db()
    assert copy.prompt == "Our own wording about indexes" and copy.strong_signals == ["One", "Two"]


def test_scorecard_edit_page_makes_a_new_version(team):
    manager = signed_in(team.hiring_manager)
    card = Scorecard.objects.get(slug="final-interview", workspace=None)
    edit_url = manager.post(f"/library/scorecards/{card.pk}/copy/")["Location"]
    page = manager.get(edit_url)
    assert page.status_code == 200
    form = page.context["form"]
    data = {k: form[k].value() for k in form.fields}
    data = {
        k: "\n".join(v) if isinstance(v, list) else ("" if v is None else v)
        for k, v in data.items()
    }
    data["criteria_count"] = page.context["count"]
    data["c0-anchor1"] = "Shows no interest in the team at all."
    response = manager.post(edit_url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    copy = Scorecard.objects.get(workspace=team.workspace)
    assert copy.current_version.number == 2
    assert copy.current_version.snapshot["criteria"][0]["anchors"]["1"].startswith("Shows no")


def test_pages_point_at_the_workspace_copy(team):
    manager = signed_in(team.hiring_manager)
    question = Question.objects.get(slug="graphql-vs-rest", workspace=None)
    manager.post(f"/library/questions/{question.pk}/copy/")
    copy = Question.objects.get(workspace=team.workspace)
    page = manager.get(f"/library/questions/{question.pk}/").content.decode()
    assert f"/library/questions/{copy.pk}/" in page
    other = signed_in(team.interviewer).get(f"/library/questions/{question.pk}/")
    assert other.status_code == 200


def test_history_restore_gets_the_whole_page(admin_client):
    response = admin_client.get(
        "/library/questions/?kind=hr",
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    assert b"<html" in response.content
