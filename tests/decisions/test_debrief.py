"""The debrief aggregates submitted scorecards, explains its suggestion, and records decisions."""

from __future__ import annotations

import pytest

from hireloop.accounts.errors import InvalidInput, PermissionDenied
from hireloop.accounts.models import AuditEvent, MemberRole
from hireloop.decisions.models import Decision
from hireloop.decisions.selectors import (
    DebriefStatus,
    debrief,
    debrief_status,
    effective_rules,
    focus_areas_for,
)
from hireloop.decisions.services import decision_record, focus_area_request, role_rules_update
from hireloop.hiring.services import role_create
from hireloop.interviews.services import feedback_save_draft, feedback_submit

from ..debriefs import disagreeing_scorecards, two_interviewer_application
from ..factories import MembershipFactory, UserFactory


@pytest.fixture
def interviewed(team):
    """An application whose two interviewers disagree on the first criterion."""
    application, interview, second = two_interviewer_application(
        team, candidate="Gil", second_name="Tess Two"
    )
    criteria = interview.scorecard_version.snapshot["criteria"]
    disagreeing_scorecards(team, interview, second)
    role = application.role
    return {"application": application, "criteria": criteria, "role": role}


def test_debrief_side_by_side(team, interviewed):
    report = debrief(team.membership(team.hiring_manager), interviewed["application"].pk)
    assert len(report.feedback) == 2
    first = next(r for r in report.rows if r.competency == interviewed["criteria"][0]["competency"])
    assert first.scores == [2, 5] and first.spread == 3 and first.disagreement
    assert dict((v, n) for v, _, n in report.tally) == {
        "strong_hire": 0,
        "hire": 1,
        "no_hire": 1,
        "strong_no_hire": 0,
    }
    assert report.red_flags == [("Late without notice", "Tess Two", False)]
    assert any(c["verified"] for c in report.coverage)
    assert any(not c["verified"] for c in report.coverage), "one HR stage cannot verify everything"
    assert report.suggestion.reasons
    assert any("disagree" in f.reason for f in report.suggestion.focus_areas)


def test_only_the_hiring_manager_and_admins_see_the_debrief(team, interviewed):
    for user in (team.recruiter, team.interviewer):
        with pytest.raises(PermissionDenied):
            debrief(team.membership(user), interviewed["application"].pk)
    assert debrief(team.membership(team.admin), interviewed["application"].pk)


def test_debrief_status_counts_scorecards_and_finds_the_newest_decision(team, interviewed):
    manager = team.membership(team.hiring_manager)
    application = interviewed["application"]
    assert debrief_status(manager, application) == DebriefStatus(submitted=2, latest=None)
    for outcome in ("no_hire", "hire_at_level"):
        decision_record(
            membership=manager,
            application_id=application.pk,
            outcome=outcome,
            level="mid" if outcome == "hire_at_level" else "",
            rationale="Clear evidence from both interviews on the same criteria.",
        )
    status = debrief_status(manager, application)
    assert status.submitted == 2 and status.latest.outcome == "hire_at_level"
    assert status.latest.decided_by == team.hiring_manager
    with pytest.raises(PermissionDenied):
        debrief_status(team.membership(team.recruiter), application)


def test_a_serious_red_flag_vetoes(team, interviewed):
    application = interviewed["application"]
    interview = application.interviews.get()
    extra = UserFactory(email="three@alpha.test")
    MembershipFactory(user=extra, workspace=team.workspace, role=MemberRole.INTERVIEWER)
    interview.interviewers.add(extra)
    ratings = {c["slug"]: 5 for c in interviewed["criteria"]}
    feedback_save_draft(
        membership=team.membership(extra),
        interview_id=interview.pk,
        data={
            "ratings": ratings,
            "recommendation": "strong_hire",
            "red_flags": ["Cheating or malpractice"],
        },
    )
    feedback_submit(membership=team.membership(extra), interview_id=interview.pk)
    report = debrief(team.membership(team.hiring_manager), application.pk)
    assert report.suggestion.outcome == "decline"
    assert any("Cheating or malpractice" in b for b in report.suggestion.blocked_by)


def test_rules_are_derived_and_editable(team, interviewed):
    role = interviewed["role"]
    rules = effective_rules(role)
    assert rules.weights["security"] > 1.0, "enterprise weighs security"
    assert "databases" in rules.required
    manager = team.membership(team.hiring_manager)
    role_rules_update(
        membership=manager, role_id=role.pk, data={"weights": {"security": 2.5}, "proceed_at": 3.5}
    )
    role.refresh_from_db()
    assert effective_rules(role).weights["security"] == 2.5
    assert effective_rules(role).proceed_at == 3.5
    with pytest.raises(InvalidInput) as exc:
        role_rules_update(
            membership=manager, role_id=role.pk, data={"weights": {"astrology": 1}, "proceed_at": 9}
        )
    assert {"weights", "proceed_at"} <= set(exc.value.field_errors)
    with pytest.raises(PermissionDenied):
        role_rules_update(membership=team.membership(team.recruiter), role_id=role.pk, data={})


@pytest.mark.parametrize("industry", ["startup", "enterprise", "agency", "fintech", "scale-up"])
@pytest.mark.parametrize("seniority", ["junior", "mid", "senior", "staff"])
def test_the_derived_rules_can_be_saved_back_unchanged(team, industry, seniority):
    """What the rules editor shows (the derived weights) must be accepted when saved."""
    role = role_create(
        membership=team.membership(team.recruiter),
        title="Round trip",
        seniority=seniority,
        industry=industry,
        hiring_manager=team.hiring_manager,
    )
    derived = effective_rules(role)
    role_rules_update(
        membership=team.membership(team.hiring_manager),
        role_id=role.pk,
        data={"weights": dict(derived.weights), "minimums": dict(derived.minimums)},
    )
    role.refresh_from_db()
    assert effective_rules(role).weights == derived.weights


def test_recording_a_decision_keeps_the_suggestion_and_is_audited(team, interviewed):
    manager = team.membership(team.hiring_manager)
    application = interviewed["application"]
    with pytest.raises(InvalidInput) as exc:
        decision_record(
            membership=manager,
            application_id=application.pk,
            outcome="hire_at_level",
            level="senior",
            rationale="short",
        )
    assert {"level", "rationale"} <= set(exc.value.field_errors)
    decision = decision_record(
        membership=manager,
        application_id=application.pk,
        outcome="hire_at_level",
        level="mid",
        rationale="Strong API design, but system design at mid level today.",
    )
    assert decision.suggestion["outcome"] in ("proceed", "decline")
    assert Decision.objects.filter(application=application).count() == 1
    assert AuditEvent.objects.filter(verb="decision.record", object_id=str(decision.pk)).exists()
    with pytest.raises(PermissionDenied):
        decision_record(
            membership=team.membership(team.recruiter),
            application_id=application.pk,
            outcome="no_hire",
            rationale="Not for this team right now.",
        )


def test_focus_areas_reach_the_next_interviewer(team, interviewed):
    application = interviewed["application"]
    focus_area_request(
        membership=team.membership(team.hiring_manager),
        application_id=application.pk,
        competency="system-design",
        reason="Probe partitioning trade-offs",
    )
    assert [f.competency.slug for f in focus_areas_for(application)] == ["system-design"]
    # Those who decide ask: an interviewer's text would reach peers who have not scored yet.
    for who in (team.recruiter, team.interviewer):
        with pytest.raises(PermissionDenied):
            focus_area_request(
                membership=team.membership(who),
                application_id=application.pk,
                competency="security",
                reason="x",
            )
