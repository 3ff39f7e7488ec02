"""Reads for interviews and scorecards, and the one rule deciding whose scorecards a member sees.

Independence: admins and the role's hiring manager see every submitted scorecard. Everyone else
sees their own, and others' submitted ones only as the workspace setting allows: never, after
they have submitted their own (the default; per interview, see ``Independence``), or always.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from hireloop.accounts.errors import NotFound, PermissionDenied
from hireloop.accounts.models import FeedbackVisibility, MemberRole, Membership, User
from hireloop.accounts.permissions import Capability, can
from hireloop.hiring.models import Application
from hireloop.hiring.selectors import may_read_opinions, member_stand_in, sees_every_role
from hireloop.lib.ics import Attendee, Invite
from hireloop.lib.rows import PreparedQuery

from .models import (
    Feedback,
    FeedbackRevision,
    FeedbackStatus,
    Interview,
    InterviewChange,
    InterviewStatus,
    QuestionNote,
)


def visible_interviews(membership: Membership) -> QuerySet[Interview]:
    qs = Interview.objects.filter(workspace_id=membership.workspace_id)
    if sees_every_role(membership):
        return qs
    if membership.role == MemberRole.HIRING_MANAGER:
        return qs.filter(
            Q(application__role__hiring_manager_id=membership.user_id)
            | Q(interviewers=membership.user_id)
        ).distinct()
    return qs.filter(interviewers=membership.user_id)


# What an interview's pages show with it. Scorecard saves need only the scorecard version,
# and the joins cost more than anything else they do (a candidate row carries the résumé).
PAGE_RELATIONS = ("application__candidate", "application__role", "stage", "scorecard_version")
SCORECARD_RELATIONS = ("scorecard_version",)


def _interview_query(
    role: str,
    related: tuple[str, ...],
    take_part: bool,
    *,
    workspace_id: int,
    user_id: int,
    pk: int,
) -> QuerySet[Interview]:
    member = member_stand_in(role, workspace_id=workspace_id, user_id=user_id)
    qs = visible_interviews(member).select_related(*related)
    if take_part:  # asked in the same query: scorecard saves run this on every keystroke pause
        interviewers = Interview.interviewers.through.objects.filter(
            interview_id=OuterRef("pk"), user_id=user_id
        )
        qs = qs.annotate(takes_part=Exists(interviewers))
    return qs.filter(pk=pk)


_INTERVIEW: PreparedQuery[Interview] = PreparedQuery(_interview_query)


def access_interview(
    membership: Membership,
    interview_id: int,
    *,
    schedule: bool = False,
    take_part: bool = False,
    related: tuple[str, ...] = PAGE_RELATIONS,
) -> Interview:
    interview = _INTERVIEW.first(
        (membership.role, related, take_part),
        workspace_id=membership.workspace_id,
        user_id=membership.user_id,
        pk=interview_id,
    )
    if interview is None:
        raise NotFound("No such interview in this workspace.")
    if schedule and not can(membership, Capability.CANDIDATE_MANAGE):
        raise PermissionDenied("Only recruiters and admins schedule interviews.")
    if take_part and not interview.takes_part:  # type: ignore[attr-defined]
        raise PermissionDenied("Only the interviewers of this interview fill in its scorecard.")
    return interview


def interview_interviewers(interview: Interview) -> list[User]:
    """The interview's interviewers (prefetched by ``application_interviews``)."""
    return list(interview.interviewers.all())


def interview_changes(interview: Interview) -> list[InterviewChange]:
    """The interview's history of changes (reschedules, cancellation) with who made them."""
    return list(interview.changes.select_related("actor"))


def application_interviews(membership: Membership, application: Application) -> list[Interview]:
    return list(
        visible_interviews(membership)
        .filter(application=application)
        .select_related("stage")
        .prefetch_related("interviewers")
        .order_by("starts_at")
    )


def with_details(interviews: list[Interview]) -> list[Interview]:
    """``interviews`` with what a page or the API shows of each (candidate, role, stage,
    scorecard version, interviewers) loaded in a constant number of queries."""
    prefetch_related_objects(interviews, *PAGE_RELATIONS, "interviewers")
    return interviews


def upcoming_for(membership: Membership, *, now: datetime | None = None) -> list[Interview]:
    """The member's own interviews that have not ended yet."""
    now = now or timezone.now()
    return list(
        Interview.objects.filter(
            workspace_id=membership.workspace_id,
            interviewers=membership.user_id,
            status=InterviewStatus.SCHEDULED,
            starts_at__gte=now - timedelta(hours=8),
        )
        .select_related("application__candidate", "application__role", "stage")
        .order_by("starts_at")
    )


@dataclass(frozen=True)
class Owed:
    interview: Interview
    interviewer: User
    ended_at: datetime


def may_schedule(membership: Membership, application: Application) -> bool:
    """Book, move and cancel the interviews of an open application: recruiters and admins."""
    return can(membership, Capability.CANDIDATE_MANAGE) and application.is_open


def may_change_schedule(membership: Membership, interview: Interview) -> bool:
    """Move or cancel an interview still to happen: recruiters and admins."""
    return (
        can(membership, Capability.CANDIDATE_MANAGE)
        and interview.status == InterviewStatus.SCHEDULED
    )


def may_read_workspace_owed(membership: Membership) -> bool:
    """The workspace's overdue scorecards name the candidates and interviewers of every role:
    for those who see every role."""
    return sees_every_role(membership)


def owed_scorecards(
    membership: Membership, *, everyone: bool = False, now: datetime | None = None
) -> list[Owed]:
    """Scorecards still owed for interviews that have ended (overdue), oldest first: the
    member's own, or with ``everyone`` those of every interviewer in the workspace."""
    if everyone and not may_read_workspace_owed(membership):
        raise PermissionDenied("Only recruiters and admins see everyone's overdue scorecards.")
    now = now or timezone.now()
    submitted = Feedback.objects.filter(
        interview_id=OuterRef("interview_id"),
        interviewer_id=OuterRef("user_id"),
        status=FeedbackStatus.SUBMITTED,
    )
    seats = (
        Interview.interviewers.through.objects.filter(
            interview__workspace_id=membership.workspace_id, interview__starts_at__lt=now
        )
        .exclude(interview__status=InterviewStatus.CANCELLED)
        .exclude(Exists(submitted))
        .select_related("interview__application__candidate", "interview__stage", "user")
    )
    if not everyone:
        seats = seats.filter(user_id=membership.user_id)
    owed = [
        Owed(
            seat.interview,
            seat.user,
            seat.interview.starts_at + timedelta(minutes=seat.interview.minutes),
        )
        for seat in seats
    ]
    return sorted((o for o in owed if o.ended_at < now), key=lambda o: o.ended_at)


@dataclass(frozen=True)
class Independence:
    """Which scorecards of one application a member reads: their own (drafts too) and others'
    submitted ones as the independence rule allows. Gated per interview: on an interview the
    member sits on, others' scorecards show once the member's own is in, so a later stage's
    opinions never anchor a scorecard still to write."""

    user_id: int
    everything: bool = False  # the role's hiring manager and admins, or a workspace "always"
    submitted: frozenset[int] = frozenset()  # interviews where the member's own is submitted
    seats: frozenset[int] = frozenset()  # interviews the member sits on

    def may_read(self, feedback: Feedback) -> bool:
        if feedback.interviewer_id == self.user_id:
            return True
        if feedback.status != FeedbackStatus.SUBMITTED:
            return False
        if self.everything:
            return True
        if not self.submitted:  # "never", or nothing of theirs in yet
            return False
        return feedback.interview_id in self.submitted or feedback.interview_id not in self.seats


def independence(
    membership: Membership, application: Application, own: list[Feedback]
) -> Independence:
    """The rule for this member and application, given their own scorecards (``own``)."""
    setting = membership.workspace.feedback_visibility
    if may_read_opinions(membership, application.role) or setting == FeedbackVisibility.ALWAYS:
        return Independence(membership.user_id, everything=True)
    submitted = frozenset(f.interview_id for f in own if f.status == FeedbackStatus.SUBMITTED)
    if setting == FeedbackVisibility.NEVER or not submitted:
        return Independence(membership.user_id)
    seats = Interview.objects.filter(application=application, interviewers=membership.user_id)
    return Independence(
        membership.user_id, submitted=submitted, seats=frozenset(seats.values_list("pk", flat=True))
    )


@dataclass(frozen=True)
class ReadableFeedback:
    shown: list[Feedback]  # the member's own (drafts too), then others' they may read
    hidden: int  # others' submitted scorecards they may not read yet


def readable_feedback(
    membership: Membership, application: Application, *, revisions: bool = False
) -> ReadableFeedback:
    """The scorecards of this application the member may read (see ``Independence``) and how
    many submitted ones stay hidden, from one read; with ``revisions``, each shown scorecard's
    revisions loaded too (one more query)."""
    all_feedback = list(
        Feedback.objects.filter(interview__application=application)
        .select_related("interviewer", "interview__stage", "interview__scorecard_version")
        .prefetch_related("questions")
        .order_by("interview__starts_at", "interviewer__full_name", "id")
    )
    own = [f for f in all_feedback if f.interviewer_id == membership.user_id]
    rule = independence(membership, application, own)
    others = [f for f in all_feedback if f.interviewer_id != rule.user_id]
    readable = [f for f in others if rule.may_read(f)]
    submitted = sum(1 for f in others if f.status == FeedbackStatus.SUBMITTED)
    # Own first, then others', each in interview order: the order the pages have always shown.
    shown = own + readable
    if revisions:
        prefetch_related_objects(shown, "revisions")
    return ReadableFeedback(shown=shown, hidden=submitted - len(readable))


def feedback_questions(feedback: Feedback) -> list[QuestionNote]:
    """The questions noted on a scorecard (prefetched by ``readable_feedback`` and
    ``own_feedback``)."""
    return list(feedback.questions.all())


def feedback_revisions(feedback: Feedback) -> list[FeedbackRevision]:
    """A scorecard's submitted revisions, first one first (prefetched by ``own_feedback`` and
    ``readable_feedback(revisions=True)``)."""
    return list(feedback.revisions.all())


def own_feedback(membership: Membership, interview: Interview) -> Feedback | None:
    return (
        Feedback.objects.filter(interview=interview, interviewer_id=membership.user_id)
        .prefetch_related("questions", "revisions")
        .first()
    )


def invite_for(interview: Interview) -> Invite:
    """The calendar invite of an interview, the same for every participant."""
    application = interview.application
    people = list(interview.interviewers.all())
    organizer = interview.created_by or people[0]
    return Invite(
        uid=f"interview-{interview.pk}@hireloop",
        sequence=interview.sequence,
        start=interview.starts_at,
        minutes=interview.minutes,
        summary=f"{interview.stage.name}: {application.candidate.name} ({application.role.title})",
        description=(
            f"{interview.stage.name} interview with {application.candidate.name} for "
            f"{application.role.title}. The scorecard and kit are in Hireloop."
        ),
        location=interview.location,
        organizer=Attendee(organizer.display_name, organizer.email),
        attendees=tuple(Attendee(p.display_name, p.email) for p in people),
        cancelled=interview.status == InterviewStatus.CANCELLED,
    )
