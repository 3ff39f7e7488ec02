"""Each application keeps the recommendation of its newest submitted scorecard (the board shows
it): submits and amends keep it, a scorecard submitted earlier never overwrites a later one,
and the migration fills it in for scorecards submitted before it existed."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

from django.apps import apps
from django.utils import timezone

from hireloop.hiring.models import Application
from hireloop.interviews.models import Feedback
from hireloop.interviews.services import _note_recommendation, feedback_amend, feedback_submit

from .test_services import _complete, loop  # noqa: F401 - the fixture


def _latest(application: Application) -> tuple[str, object]:
    application.refresh_from_db()
    return application.latest_recommendation, application.latest_recommendation_at


def _submit(team, user, interview, recommendation: str) -> Feedback:
    return feedback_submit(
        membership=team.membership(user),
        interview_id=interview.pk,
        data={**_complete(interview), "recommendation": recommendation},
    )


def test_submits_and_amends_keep_the_newest_recommendation(team, loop):  # noqa: F811
    application, interview = loop["application"], loop["interview"]
    assert _latest(application) == ("", None)
    first = _submit(team, team.interviewer, interview, "no_hire")
    assert _latest(application) == ("no_hire", first.submitted_at)
    second = _submit(team, loop["second"], interview, "strong_hire")
    assert _latest(application) == ("strong_hire", second.submitted_at)
    # Amending the older scorecard leaves the newer one's recommendation in place...
    amend = {"data": {"recommendation": "hire"}, "reason": "Re-read my notes"}
    feedback_amend(membership=team.membership(team.interviewer), interview_id=interview.pk, **amend)
    assert _latest(application) == ("strong_hire", second.submitted_at)
    # ...amending the newest one changes it.
    amend["data"] = {"recommendation": "no_hire"}
    feedback_amend(membership=team.membership(loop["second"]), interview_id=interview.pk, **amend)
    assert _latest(application) == ("no_hire", second.submitted_at)


def test_an_earlier_scorecard_committed_late_does_not_win(team, loop):  # noqa: F811
    application, interview = loop["application"], loop["interview"]
    newer = _submit(team, loop["second"], interview, "hire")
    earlier = Feedback(recommendation="strong_no_hire")
    earlier.submitted_at = newer.submitted_at - timedelta(milliseconds=5)
    _note_recommendation(application.pk, earlier)  # as a transaction that committed after
    assert _latest(application) == ("hire", newer.submitted_at)


def test_the_migration_fills_in_scorecards_submitted_before_it(team, loop):  # noqa: F811
    application, interview = loop["application"], loop["interview"]
    _submit(team, team.interviewer, interview, "no_hire")
    newest = _submit(team, loop["second"], interview, "strong_hire")
    Feedback.objects.filter(pk=newest.pk).update(submitted_at=timezone.now() + timedelta(hours=1))
    Application.objects.update(latest_recommendation="", latest_recommendation_at=None)
    migration = import_module("hireloop.hiring.migrations.0002_latest_recommendation")
    migration.copy_latest_recommendations(apps, None)
    newest.refresh_from_db()
    assert _latest(application) == ("strong_hire", newest.submitted_at)
