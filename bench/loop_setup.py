"""Run by bench/run.py in `hireloop shell` after `hireloop demo --scale N`: picks the pages of the
interview-loop scenario in the large 'bigco' workspace and books the interviews whose scorecards
the benchmark submits. Prints one JSON object. ``SUBMITS`` is set by run.py above this text."""

import json
from datetime import timedelta
from urllib.parse import urlencode

from django.utils import timezone

from hireloop.accounts.models import Membership
from hireloop.hiring.models import Application, ApplicationStatus, Role
from hireloop.interviews.models import FeedbackStatus
from hireloop.interviews.services import interview_schedule

WORKSPACE = "bigco"
recruiter = Membership.objects.select_related("workspace", "user").get(
    workspace__slug=WORKSPACE, user__email=f"recruiter@{WORKSPACE}.test"
)
interviewer = Membership.objects.select_related("user").get(
    workspace__slug=WORKSPACE, user__email=f"interviewer@{WORKSPACE}.test"
)
roles = list(Role.objects.filter(workspace=recruiter.workspace).order_by("id"))
# The pages: the first role's board, and the first application with submitted scorecards
# (its debrief and its candidate's page).
debriefed = (
    Application.objects.filter(role=roles[0], interviews__feedback__status=FeedbackStatus.SUBMITTED)
    .order_by("id")
    .first()
)
# The scorecards to submit: one interview each for the interviewer, on the active applications
# of the last role (whose pages are not measured), starting in the past as when one is owed.
targets = list(
    Application.objects.filter(role=roles[-1], status=ApplicationStatus.ACTIVE).order_by("id")
)
now = timezone.now()
interviews = []
# Each booking is its own transaction: services open a durable one and cannot be batched.
for n in range(SUBMITS):  # noqa: F821 - set by run.py
    interview = interview_schedule(
        membership=recruiter,
        application_id=targets[n % len(targets)].pk,
        starts_at=now - timedelta(days=1, minutes=n),
        interviewer_ids=[interviewer.user_id],
    )
    interviews.append(interview.pk)
# Every booked interview uses its stage's scorecard: the same criteria for all of them.
criteria = interview.scorecard_version.snapshot["criteria"]
form = {f"rating-{c['slug']}": "4" for c in criteria}
form.update(recommendation="hire", notes="Clear reasoning about trade-offs.", action="submit")
print(
    json.dumps(
        {
            "role": roles[0].pk,
            "application": debriefed.pk,
            "candidate": debriefed.candidate_id,
            "interviews": interviews,
            "scorecard_form": urlencode(form),
        }
    )
)
