"""The read API: auth, filters, search, paging, typed errors, copies, OpenAPI."""

from __future__ import annotations

from django.utils import timezone

from hireloop.accounts.models import ApiToken
from hireloop.library.models import Question, Scorecard

from ..conftest import bearer

API = "/api/v1/library"


def test_requires_authentication_with_a_typed_error(client, db):
    response = client.get(f"{API}/questions")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_session_and_token_auth(admin_client, team):
    assert admin_client.get(f"{API}/questions").status_code == 200
    headers = bearer(team.interviewer, team.workspace)
    response = admin_client.__class__().get(f"{API}/questions?limit=5", **headers)
    assert response.status_code == 200
    body = response.json()
    assert body["limit"] == 5 and len(body["items"]) == 5 and body["count"] >= 150


def test_revoked_or_garbled_tokens_are_refused(client, team):
    headers = bearer(team.admin, team.workspace)
    ApiToken.objects.update(revoked_at=timezone.now())
    assert client.get(f"{API}/questions", **headers).status_code == 401
    assert client.get(f"{API}/questions", HTTP_AUTHORIZATION="Bearer hl_x_y").status_code == 401


def test_filters_narrow_and_every_row_matches(admin_client):
    everything = admin_client.get(f"{API}/questions?limit=200").json()["count"]
    for param, check in [
        ("competency=databases", lambda r: "databases" in r["competencies"]),
        ("kind=behavioural", lambda r: r["kind"] == "behavioural"),
        ("seniority=staff", lambda r: "staff" in r["seniorities"]),
    ]:
        body = admin_client.get(f"{API}/questions?limit=200&{param}").json()
        assert 0 < body["count"] < everything, param
        assert all(check(r) for r in body["items"]), param


def test_paging_is_stable(admin_client):
    first = admin_client.get(f"{API}/questions?limit=10&offset=0").json()["items"]
    second = admin_client.get(f"{API}/questions?limit=10&offset=10").json()["items"]
    assert len({r["id"] for r in first} | {r["id"] for r in second}) == 20


def test_search_returns_best_match_first(admin_client):
    body = admin_client.get(f"{API}/questions?q=rate+limiter").json()
    assert body["count"] >= 1
    assert "rate limit" in body["items"][0]["prompt"].lower()


def test_bad_parameters_get_typed_422(admin_client):
    for query in [
        "kind=gossip",
        "seniority=intern",
        "limit=0",
        "limit=100000",
        "offset=-1",
        "competency=Not A Slug",
    ]:
        response = admin_client.get(f"{API}/questions?{query}")
        assert response.status_code == 422, query
        error = response.json()["error"]
        assert error["code"] == "invalid" and error["fields"], query


def test_question_detail_and_not_found(admin_client):
    question = Question.objects.get(slug="isolation-levels", workspace=None)
    body = admin_client.get(f"{API}/questions/{question.pk}").json()
    assert body["slug"] == "isolation-levels" and body["good_answer"] and body["follow_ups"]
    response = admin_client.get(f"{API}/questions/999999")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_scorecard_detail_with_versions(admin_client):
    card = Scorecard.objects.get(slug="technical-phone-screen", workspace=None)
    body = admin_client.get(f"{API}/scorecards/{card.pk}").json()
    assert body["version"] == 1 and len(body["criteria"]) == 5
    assert set(body["criteria"][0]["anchors"]) == {"1", "2", "3", "4", "5"}
    assert [r[0] for r in body["recommendations"]] == [
        "strong_hire",
        "hire",
        "no_hire",
        "strong_no_hire",
    ]
    assert admin_client.get(f"{API}/scorecards/{card.pk}?version=7").status_code == 404


def test_every_list_endpoint_answers(admin_client):
    for path, minimum in [
        ("competencies", 14),
        ("scorecards", 6),
        ("stages", 6),
        ("tasks", 5),
        ("skills", 6),
        ("industries", 3),
        ("red-flags", 4),
        ("prep-tips", 4),
    ]:
        response = admin_client.get(f"{API}/{path}")
        assert response.status_code == 200, path
        assert len(response.json()) >= minimum, path
    process = admin_client.get(f"{API}/process").json()
    assert process["stages"] == ["hr", "technical", "system-design", "coding-challenge", "final"]
    assert admin_client.get(f"{API}/tasks/todo-rest-api").json()["grader"] == "api"
    assert admin_client.get(f"{API}/tasks/nope").status_code == 404


def test_copy_and_update_through_the_api(admin_client, interviewer_client):
    question = Question.objects.get(slug="rest-vs-soap", workspace=None)
    assert interviewer_client.post(f"{API}/questions/{question.pk}/copy").status_code == 403
    created = admin_client.post(f"{API}/questions/{question.pk}/copy")
    assert created.status_code == 201
    copy = created.json()
    assert copy["builtin"] is False and copy["copied_from_id"] == question.pk
    payload = {
        k: copy[k]
        for k in (
            "kind",
            "competencies",
            "seniorities",
            "minutes",
            "look_for",
            "strong_signals",
            "weak_signals",
            "good_answer",
            "poor_answer",
            "follow_ups",
            "red_flags",
            "strong_answer_names",
        )
    }
    payload["prompt"] = "REST or SOAP for a bank integration?"
    response = admin_client.put(
        f"{API}/questions/{copy['id']}", payload, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["prompt"] == payload["prompt"]
    payload["minutes"] = 0
    bad = admin_client.put(
        f"{API}/questions/{copy['id']}", payload, content_type="application/json"
    )
    assert bad.status_code == 400 and "minutes" in bad.json()["error"]["fields"]
    builtin = admin_client.put(
        f"{API}/questions/{question.pk}", payload, content_type="application/json"
    )
    assert builtin.status_code == 403


def test_openapi_and_docs(admin_client, client, db):
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/library/questions" in spec["paths"]
    docs = admin_client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"swagger-ui-bundle.js" in docs.content
    assert b"https://" not in docs.content, "the docs page loads nothing from the internet"


def test_tokens_whose_secret_contains_underscores_work(client, team, monkeypatch):
    import secrets

    monkeypatch.setattr(secrets, "token_urlsafe", lambda n: "a_b_c_" + "x" * 40)
    headers = bearer(team.admin, team.workspace)
    assert headers["HTTP_AUTHORIZATION"].count("_") > 2
    assert client.get(f"{API}/competencies", **headers).status_code == 200
