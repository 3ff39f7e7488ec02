"""The debrief page, recording a decision and requesting focus areas, a role's decision rules
editor, and the preparation link form on an application's page."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

from hireloop.accounts.models import AuditEvent, MemberRole
from hireloop.decisions.models import Decision, FocusArea
from hireloop.decisions.selectors import effective_rules
from hireloop.interviews.services import feedback_save_draft, feedback_submit
from hireloop.web.decisions.views import _decision_fields

from ..conftest import bearer, signed_in
from ..debriefs import disagreeing_scorecards, two_interviewer_application
from ..factories import MembershipFactory, UserFactory


@pytest.fixture
def interviewed(team):
    """An application whose two interviewers disagree on the first criterion (2 against 5),
    one noting a red flag (tests/debriefs.py)."""
    team.interviewer.full_name = "Ivy First"
    team.interviewer.save()
    application, interview, second = two_interviewer_application(
        team, candidate="Gil Example", second_name="Tess Two"
    )
    focus = disagreeing_scorecards(team, interview, second)
    role = application.role
    return {"application": application, "role": role, "focus": focus, "second": second}


def _client_for(team, user) -> Client:
    """An API client holding ``user``'s token."""
    client = Client()
    client.defaults.update(bearer(user, team.workspace))
    return client


def _url(application) -> str:
    return f"/applications/{application.pk}/debrief/"


def _text(response) -> str:
    """The page as a reader sees it: tags removed, white space collapsed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


# The debrief -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["hiring_manager", "admin"])
def test_debrief_shows_the_matrix_tally_coverage_and_suggestion(team, interviewed, who):
    response = signed_in(getattr(team, who)).get(_url(interviewed["application"]))
    assert response.status_code == 200
    html = response.content.decode()
    text = _text(response)
    # Both interviewers, each a column of the matrix.
    assert "Ivy First" in text and "Tess Two" in text
    assert html.count('class="matrix-col"') == 2
    # The disputed competency is highlighted and labelled.
    assert html.count('class="row-disagree"') == 1
    assert "Disagreement" in text
    assert "score-cell score-2" in html and "score-cell score-5" in html
    # The tally: one hire, one no hire.
    tally = dict(
        re.findall(r'<li class="tally-(\w+)">.*?tally-count">(\d+)<', re.sub(r"\s+", " ", html))
    )
    assert tally == {"strong_hire": "0", "hire": "1", "no_hire": "1", "strong_no_hire": "0"}
    # Red flags collected; coverage with the unverified skills highlighted.
    assert "Late without notice" in text and "noted by Tess Two" in text
    assert "Not verified yet" in text and "✓ Verified" in text
    assert 'class="row-warning"' in html
    # The suggestion with every reason and a button per suggested focus area.
    assert "Hireloop suggests" in text
    assert "Weighted average" in text
    assert "interviewers disagree" in text
    assert html.count(f'action="/applications/{interviewed["application"].pk}/focus-areas/#') >= 1
    # The decision form, the way back and the print button.
    assert f'action="/applications/{interviewed["application"].pk}/decision/#decide"' in html
    assert f'href="/applications/{interviewed["application"].pk}/"' in html
    assert "window.print()" in html


def test_every_reason_of_the_suggestion_is_listed(team, interviewed):
    from hireloop.decisions.selectors import debrief

    report = debrief(team.membership(team.hiring_manager), interviewed["application"].pk)
    text = _text(signed_in(team.hiring_manager).get(_url(interviewed["application"])))
    for reason in report.suggestion.reasons:
        assert reason in text


def test_blocked_suggestion_emphasises_what_blocks_it(team, interviewed):
    """A strong no hire vetoes: the blocking reason is shown as such."""
    application = interviewed["application"]
    interview = application.interviews.get()
    third = UserFactory(email="three@alpha.test", full_name="Theo Third")
    MembershipFactory(user=third, workspace=team.workspace, role=MemberRole.INTERVIEWER)
    interview.interviewers.add(third)
    criteria = interview.scorecard_version.snapshot["criteria"]
    feedback_save_draft(
        membership=team.membership(third),
        interview_id=interview.pk,
        data={"ratings": {c["slug"]: 1 for c in criteria}, "recommendation": "strong_no_hire"},
    )
    feedback_submit(membership=team.membership(third), interview_id=interview.pk)
    text = _text(signed_in(team.hiring_manager).get(_url(application)))
    assert "Blocked from an automatic proceed" in text
    assert "Blocks Strong no hire from Theo Third" in text
    assert "Decline" in text


@pytest.mark.parametrize("who", ["recruiter", "interviewer"])
def test_recruiters_and_interviewers_may_not_read_the_debrief(team, interviewed, who):
    assert signed_in(getattr(team, who)).get(_url(interviewed["application"])).status_code == 403


def test_another_workspace_gets_404(other_team, interviewed):
    client = signed_in(other_team.admin)
    application = interviewed["application"]
    assert client.get(_url(application)).status_code == 404
    assert client.post(f"/applications/{application.pk}/decision/", {}).status_code == 404
    assert client.get(f"/roles/{interviewed['role'].pk}/rules/").status_code == 404


def test_the_application_page_links_to_the_debrief_for_deciders_only(team, interviewed):
    application = interviewed["application"]
    url = f"/applications/{application.pk}/"
    for who, sees in (("hiring_manager", True), ("admin", True), ("recruiter", False)):
        html = signed_in(getattr(team, who)).get(url).content.decode()
        assert (f'href="{_url(application)}"' in html) is sees, who
    assert "2 scorecards submitted" in _text(signed_in(team.hiring_manager).get(url))


# Recording a decision ------------------------------------------------------------------------


def test_decision_form_shows_problems_beside_the_fields(team, interviewed):
    client = signed_in(team.hiring_manager)
    url = f"/applications/{interviewed['application'].pk}/decision/"
    response = client.post(url, {"decision-outcome": "", "decision-rationale": ""})
    assert response.status_code == 400
    text = _text(response)
    assert "The decision was not recorded." in text
    assert "Choose the outcome." in text and "Explain the decision" in text
    # The service's own checks: same level as the role, and too short a rationale.
    response = client.post(
        url,
        {
            "decision-outcome": "hire_at_level",
            "decision-level": "senior",
            "decision-rationale": "short",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "choose &#x27;Hire&#x27; instead" in html or "choose 'Hire' instead" in html
    assert "explain the decision in a sentence or two" in html
    assert 'class="field field-invalid level-field"' in html
    assert not Decision.objects.exists()


def test_recording_a_decision_is_audited_and_listed(team, interviewed):
    client = signed_in(team.hiring_manager)
    application = interviewed["application"]
    response = client.post(
        f"/applications/{application.pk}/decision/",
        {
            "decision-outcome": "hire_at_level",
            "decision-level": "mid",
            "decision-rationale": "Strong API design, system design at mid level today.",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"{_url(application)}#decisions")
    decision = Decision.objects.get(application=application)
    assert (decision.outcome, decision.level) == ("hire_at_level", "mid")
    assert AuditEvent.objects.filter(verb="decision.record", object_id=str(decision.pk)).exists()
    text = _text(client.get(_url(application)))
    assert "Hire at another level · Mid" in text
    assert "Strong API design, system design at mid level today." in text
    assert "Hireloop suggested then:" in text


def test_recording_a_decision_checks_access_once(team, interviewed, monkeypatch):
    from hireloop.decisions import selectors, services

    calls, original = [], selectors.access_debrief

    def counted(*args, **kwargs):
        calls.append(args[1:])
        return original(*args, **kwargs)

    for module in (selectors, services):
        monkeypatch.setattr(module, "access_debrief", counted, raising=False)
    application = interviewed["application"]
    response = signed_in(team.hiring_manager).post(
        f"/applications/{application.pk}/decision/",
        {"decision-outcome": "no_hire", "decision-rationale": "Not for this team right now."},
    )
    assert response.status_code == 302
    assert calls == [(application.pk,)]


def test_recruiters_cannot_record_a_decision(team, interviewed):
    response = signed_in(team.recruiter).post(
        f"/applications/{interviewed['application'].pk}/decision/",
        {"decision-outcome": "no_hire", "decision-rationale": "Not for this team right now."},
    )
    assert response.status_code == 403
    assert not Decision.objects.exists()


# Focus areas ---------------------------------------------------------------------------------


def test_requesting_a_suggested_focus_area(team, interviewed):
    client = signed_in(team.hiring_manager)
    application = interviewed["application"]
    response = client.post(
        f"/applications/{application.pk}/focus-areas/",
        {"competency": interviewed["focus"], "reason": "Interviewers disagree: 2 vs 5"},
    )
    assert response.status_code == 302
    area = FocusArea.objects.get(application=application)
    assert area.competency.slug == interviewed["focus"]
    text = _text(client.get(_url(application)))
    assert "Focus areas requested" in text
    assert "Interviewers disagree: 2 vs 5" in text
    assert "✓ Requested" in text
    # An unknown competency is refused with the page and a 400.
    response = client.post(
        f"/applications/{application.pk}/focus-areas/", {"competency": "astrology", "reason": "x"}
    )
    assert response.status_code == 400
    assert "The focus area was not requested." in _text(response)
    assert FocusArea.objects.count() == 1


def test_interviewers_cannot_request_focus_areas_from_the_debrief(team, interviewed):
    response = signed_in(team.interviewer).post(
        f"/applications/{interviewed['application'].pk}/focus-areas/",
        {"competency": "security", "reason": "probe it"},
    )
    assert response.status_code == 403
    assert not FocusArea.objects.exists()


# Decision rules ------------------------------------------------------------------------------


def _rules_post(role, **changes):
    """The form as a browser would submit it unchanged, with ``changes`` applied."""
    rules = effective_rules(role)
    from hireloop.library.models import Competency

    data = {
        "proceed_at": f"{rules.proceed_at:g}",
        "veto_strong_no_hire": "on",
        "veto_serious_red_flag": "on",
    }
    for slug in Competency.objects.values_list("slug", flat=True):
        data[f"w_{slug}"] = f"{rules.weights.get(slug, 1.0):g}"
        minimum = rules.minimums.get(slug)
        data[f"m_{slug}"] = f"{minimum:g}" if minimum and minimum > 1 else ""
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def test_rules_page_explains_the_derived_rules(team, interviewed):
    role = interviewed["role"]
    response = signed_in(team.hiring_manager).get(f"/roles/{role.pk}/rules/")
    assert response.status_code == 200
    text = _text(response)
    assert "In plain words" in text
    assert "The Enterprise profile sets the starting weights" in text
    assert "a senior role adjusts them" in text
    assert "Proceed at 3." in text
    assert "Coding and problem solving below 2.5" in text
    assert "Any “strong no hire” blocks proceeding." in text
    # Required competencies, from the must-verify skills.
    assert "need API design" in text and "Database design" in text
    html = response.content.decode()
    assert 'name="w_security"' in html and 'step="0.25"' in html


def test_unchanged_form_saves_no_overrides(team, interviewed):
    role = interviewed["role"]
    client = signed_in(team.hiring_manager)
    response = client.post(f"/roles/{role.pk}/rules/", _rules_post(role))
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.rules == {}


def test_rules_editor_saves_overrides_and_reset_clears_them(team, interviewed):
    role = interviewed["role"]
    client = signed_in(team.hiring_manager)
    response = client.post(
        f"/roles/{role.pk}/rules/",
        _rules_post(
            role,
            w_security="2.5",
            m_testing="3",
            m_coding="",  # removes the derived minimum
            veto_strong_no_hire=None,  # unticked
            proceed_at="3.5",
        ),
    )
    assert response.status_code == 302, _text(response)[:3000]
    role.refresh_from_db()
    assert role.rules == {
        "weights": {"security": 2.5},
        "minimums": {"testing": 3.0, "coding": 1.0},
        "veto_strong_no_hire": False,
        "proceed_at": 3.5,
    }
    rules = effective_rules(role)
    assert rules.weights["security"] == 2.5 and rules.proceed_at == 3.5
    assert AuditEvent.objects.filter(verb="role.rules", object_id=str(role.pk)).exists()
    text = _text(client.get(f"/roles/{role.pk}/rules/"))
    assert "5 values changed for this role" in text
    assert "A “strong no hire” does not block by itself" in text
    assert "Coding below" not in text
    # The debrief now judges by the new threshold.
    assert "proceed at 3.5" in _text(client.get(_url(interviewed["application"])))

    response = client.post(f"/roles/{role.pk}/rules/", {"reset": "1"})
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.rules == {}


def test_rules_editor_rejects_out_of_range_values(team, interviewed):
    role = interviewed["role"]
    response = signed_in(team.admin).post(
        f"/roles/{role.pk}/rules/", _rules_post(role, w_security="7", m_testing="9", proceed_at="")
    )
    assert response.status_code == 400
    text = _text(response)
    assert "The rules were not saved." in text
    assert "Between 0 and 5." in text and "Between 1 and 5, or blank for none." in text
    role.refresh_from_db()
    assert role.rules == {}


@pytest.mark.parametrize("who", ["recruiter", "interviewer"])
def test_only_the_hiring_manager_and_admins_edit_rules(team, interviewed, who):
    role = interviewed["role"]
    client = signed_in(getattr(team, who))
    assert client.get(f"/roles/{role.pk}/rules/").status_code in (403, 404)
    assert client.post(f"/roles/{role.pk}/rules/", {"reset": "1"}).status_code in (403, 404)
    if who == "recruiter":  # sees every role, so the refusal is explicit
        assert client.get(f"/roles/{role.pk}/rules/").status_code == 403


def test_the_plan_links_to_the_rules_for_those_who_may_edit_them(team, interviewed):
    role = interviewed["role"]
    rules_url = f'href="/roles/{role.pk}/rules/"'
    plan = f"/roles/{role.pk}/plan/"
    assert rules_url in signed_in(team.hiring_manager).get(plan).content.decode()
    assert rules_url not in signed_in(team.recruiter).get(plan).content.decode()


# Preparation links ---------------------------------------------------------------------------


def test_prep_link_form_returns_a_working_link(team, interviewed, client):
    application = interviewed["application"]
    recruiter = signed_in(team.recruiter)
    page = recruiter.get(f"/applications/{application.pk}/").content.decode()
    assert f'action="/applications/{application.pk}/prep-link/"' in page
    assert 'name="days" value="14"' in page
    response = recruiter.post(f"/applications/{application.pk}/prep-link/", {"days": "7"})
    assert response.status_code == 201
    html = response.content.decode()
    url = re.search(r'id="prep-url" value="([^"]+)"', html)[1]
    assert url.startswith("http://testserver/prep/")
    assert "Valid until" in html and "readonly" in html
    assert AuditEvent.objects.filter(verb="prep_link.create").exists()
    public = client.get(url.removeprefix("http://testserver"))
    assert public.status_code == 200
    assert "Gil" in public.content.decode()


def test_prep_link_days_are_checked(team, interviewed):
    response = signed_in(team.admin).post(
        f"/applications/{interviewed['application'].pk}/prep-link/", {"days": "365"}
    )
    assert response.status_code == 400
    assert "No link was created." in _text(response)
    assert 'id="prep-url"' not in response.content.decode()


@pytest.mark.parametrize("who", ["interviewer", "hiring_manager"])
def test_only_recruiters_and_admins_create_prep_links(team, interviewed, who):
    application = interviewed["application"]
    client = signed_in(getattr(team, who))
    response = client.post(f"/applications/{application.pk}/prep-link/", {"days": "7"})
    assert response.status_code == 403
    page = client.get(f"/applications/{application.pk}/").content.decode()
    assert "prep-link" not in page


def test_a_level_adjustment_is_spelled_out(team, interviewed):
    """Just below the bar: Hireloop suggests hiring one level lower than applied for."""
    from hireloop.decisions.selectors import debrief
    from hireloop.decisions.services import role_rules_update

    manager = team.membership(team.hiring_manager)
    application, role = interviewed["application"], interviewed["role"]
    score = debrief(manager, application.pk).suggestion.score
    role_rules_update(
        membership=manager, role_id=role.pk, data={"proceed_at": round(score + 0.25, 2)}
    )
    text = _text(signed_in(team.hiring_manager).get(_url(application)))
    assert "Proceed at mid level" in text
    assert "Hire at a lower level than applied for: mid instead of senior." in text
    assert "Evidence fits mid better than senior" in text


def test_one_scorecard_is_never_a_disagreement(team, interviewed):
    """Two criteria of one scorecard rated apart are not interviewers disagreeing."""
    application = interviewed["application"]
    interview = application.interviews.get()
    interview.feedback.filter(interviewer__email="two@alpha.test").delete()
    card = interview.feedback.get()
    criteria = interview.scorecard_version.snapshot["criteria"]
    by_competency: dict[str, list[str]] = {}
    for c in criteria:
        by_competency.setdefault(c["competency"], []).append(c["slug"])
    pair = next(slugs for slugs in by_competency.values() if len(slugs) > 1)
    card.ratings = {**card.ratings, pair[0]: 1, pair[1]: 4}
    card.save()
    html = signed_in(team.hiring_manager).get(_url(application)).content.decode()
    assert html.count('class="matrix-col"') == 1
    assert 'class="row-disagree"' not in html
    assert '<td class="num matrix-spread">0</td>' in html  # one scorecard cannot spread


def test_the_blank_decision_form_depends_on_the_role_level_and_suggestion():
    """Rendered once per (role level, suggested level) and process: check those are the key."""
    senior, mid = _decision_fields("senior", ""), _decision_fields("mid", "senior")
    assert "Senior (the role&#x27;s level)" in senior and "Mid (the role&#x27;s level)" in mid
    assert "Mid (the role" not in senior and "Senior (the role" not in mid
    assert '<option value="senior" selected>' in mid
    assert '<option value="" selected>' in senior and '<option value="" selected>' not in mid
    assert _decision_fields("senior", "") is senior  # the same rendering, not a new one


def test_the_page_and_the_api_flag_the_same_disagreements(team, interviewed):
    """Scorecards 1.5 points apart on one competency do not disagree, 2 points apart on another
    they do: the page and the API say so alike (the API once rounded 1.5 up to a disagreement)."""
    application = interviewed["application"]
    interview = application.interviews.get()
    by_competency: dict[str, list[str]] = {}
    for c in interview.scorecard_version.snapshot["criteria"]:
        by_competency.setdefault(c["competency"], []).append(c["slug"])
    near = next(c for c, slugs in by_competency.items() if len(slugs) > 1)
    apart = next(c for c in by_competency if c != near)
    first, second = interview.feedback.order_by("submitted_at")
    # ``near``: 2.5 (2 and 3) against 4; ``apart``: 2 against 4; everything else 4 on both.
    first.ratings = {slug: 4 for slug in first.ratings} | {
        by_competency[near][0]: 2,
        by_competency[near][1]: 3,
        **dict.fromkeys(by_competency[apart], 2),
    }
    second.ratings = {slug: 4 for slug in second.ratings}
    first.save()
    second.save()

    html = signed_in(team.hiring_manager).get(_url(application)).content.decode()
    flagged_rows = re.findall(r'<tr class="row-disagree"><th scope="row">([^<]+)<', html)
    api = _client_for(team, team.hiring_manager).get(
        f"/api/v1/applications/{application.pk}/debrief"
    )
    matrix = {row["competency"]: row for row in api.json()["matrix"]}
    assert matrix[near]["scores"] == [2.5, 4.0] and matrix[apart]["scores"] == [2.0, 4.0]
    assert [row["name"] for row in matrix.values() if row["disagreement"]] == [
        unescape(name).strip() for name in flagged_rows
    ]
    assert not matrix[near]["disagreement"] and matrix[apart]["disagreement"]
