"""Writes for interviews (schedule, reschedule, cancel) and scorecards (draft, submit, amend)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hireloop.accounts.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from hireloop.accounts.models import AuditVerb, Membership
from hireloop.accounts.permissions import Capability
from hireloop.accounts.selectors import require
from hireloop.accounts.services import audit_record
from hireloop.accounts.validation import validated_save
from hireloop.hiring.models import Application, PlanStage
from hireloop.hiring.selectors import access_application
from hireloop.library.models import Question

from .models import (
    Feedback,
    FeedbackRevision,
    FeedbackStatus,
    Interview,
    InterviewChange,
    InterviewStatus,
    QuestionNote,
)
from .selectors import SCORECARD_RELATIONS, access_interview
from .validation import MAX_NOTES, MAX_PROMPT, scorecard_missing, scorecard_validate


def _save(interview: Interview) -> None:
    """Validated save; the excluded relations were checked by the access doors already."""
    validated_save(
        interview,
        exclude=["workspace", "application", "stage", "scorecard_version"],
        message="Please correct the interview details.",
    )


def _members(membership: Membership, user_ids: list[int]) -> list[int]:
    found = set(
        Membership.objects.filter(
            workspace_id=membership.workspace_id, user_id__in=user_ids
        ).values_list("user_id", flat=True)
    )
    missing = sorted(set(user_ids) - found)
    if not user_ids or missing:
        raise InvalidInput(
            "Choose at least one interviewer from this workspace.",
            field_errors={"interviewers": [f"not a member: {missing}" if missing else "required"]},
        )
    return sorted(found)


def _aware(starts_at: datetime) -> datetime:
    if timezone.is_naive(starts_at):
        raise InvalidInput(
            "Give the start time with its time zone.", field_errors={"starts_at": ["naive"]}
        )
    return starts_at


@transaction.atomic(durable=True)
def interview_schedule(
    *,
    membership: Membership,
    application_id: int,
    starts_at: datetime,
    interviewer_ids: list[int],
    minutes: int | None = None,
    location: str = "",
    stage_id: int | None = None,
) -> Interview:
    """Book an interview for the application's current stage (or another stage of its plan)."""
    require(membership, Capability.CANDIDATE_MANAGE)
    application = access_application(membership, application_id)
    if not application.is_open:
        raise Conflict("Interviews are only scheduled for active applications.")
    stage: PlanStage | None = application.stage
    if stage_id is not None:
        stage = application.role.stages.filter(pk=stage_id).first()
    if stage is None:
        raise InvalidInput(
            "That stage is not in this role's plan.", field_errors={"stage": ["unknown"]}
        )
    interview = Interview(
        workspace=membership.workspace,
        application=application,
        stage=stage,
        starts_at=_aware(starts_at),
        minutes=minutes or stage.minutes,
        location=location.strip(),
        scorecard_version=stage.scorecard_version,
        created_by=membership.user,
    )
    _save(interview)
    interview.interviewers.set(_members(membership, interviewer_ids))
    InterviewChange.objects.create(
        interview=interview, action="schedule", starts_at=interview.starts_at, actor=membership.user
    )
    audit_record(
        membership=membership,
        verb=AuditVerb.INTERVIEW_SCHEDULE,
        obj=interview,
        after={"starts_at": interview.starts_at.isoformat(), "stage": stage.name},
    )
    return interview


@transaction.atomic(durable=True)
def interview_reschedule(
    *,
    membership: Membership,
    interview_id: int,
    starts_at: datetime,
    reason: str = "",
    minutes: int | None = None,
    location: str | None = None,
    interviewer_ids: list[int] | None = None,
) -> Interview:
    interview = access_interview(membership, interview_id, schedule=True)
    if interview.status != InterviewStatus.SCHEDULED:
        raise Conflict(f"The interview is {interview.status}; it cannot be moved.")
    before = interview.starts_at
    interview.starts_at = _aware(starts_at)
    if minutes is not None:
        interview.minutes = minutes
    if location is not None:
        interview.location = location.strip()
    interview.sequence += 1
    _save(interview)
    if interviewer_ids is not None:
        interview.interviewers.set(_members(membership, interviewer_ids))
    InterviewChange.objects.create(
        interview=interview,
        action="reschedule",
        starts_at=interview.starts_at,
        reason=reason.strip()[:300],
        actor=membership.user,
    )
    audit_record(
        membership=membership,
        verb=AuditVerb.INTERVIEW_RESCHEDULE,
        obj=interview,
        before={"starts_at": before.isoformat()},
        after={"starts_at": interview.starts_at.isoformat(), "reason": reason},
    )
    return interview


@transaction.atomic(durable=True)
def interview_cancel(*, membership: Membership, interview_id: int, reason: str) -> Interview:
    interview = access_interview(membership, interview_id, schedule=True)
    if interview.status == InterviewStatus.CANCELLED:
        raise Conflict("The interview is already cancelled.")
    if not reason.strip():
        raise InvalidInput(
            "Say why the interview is cancelled.", field_errors={"reason": ["required"]}
        )
    interview.status = InterviewStatus.CANCELLED
    interview.sequence += 1
    interview.save(update_fields=["status", "sequence"])
    InterviewChange.objects.create(
        interview=interview,
        action="cancel",
        starts_at=interview.starts_at,
        reason=reason.strip()[:300],
        actor=membership.user,
    )
    audit_record(
        membership=membership,
        verb=AuditVerb.INTERVIEW_CANCEL,
        obj=interview,
        after={"reason": reason},
    )
    return interview


# Scorecards -------------------------------------------------------------------------------


# The scorecard's own fields of a Feedback row, as scorecard_validate returns them.
SCORECARD_FIELDS = ("ratings", "signals", "red_flags", "notes", "recommendation")


@dataclass(frozen=True)
class _Scorecard:
    """A checked scorecard ready to store, prepared before the transaction that stores it (its
    checks and library reads need no lock)."""

    fields: dict[str, Any]  # SCORECARD_FIELDS
    # QuestionNote values in position order, without the feedback; None keeps the stored ones.
    questions: list[dict[str, Any]] | None


def _scorecard(interview: Interview, data: dict[str, Any]) -> _Scorecard:
    cleaned = scorecard_validate(interview.scorecard_version.snapshot, data)
    questions = cleaned["questions"]
    if questions is None:
        return _Scorecard({k: cleaned[k] for k in SCORECARD_FIELDS}, None)
    ids = [q.get("question_id") for q in questions if q.get("question_id")]
    library = {q.pk: q for q in Question.objects.filter(pk__in=ids)}
    notes = []
    for position, q in enumerate(questions):
        asked = library.get(q.get("question_id") or 0)
        if not q.get("prompt") and asked is None:
            continue
        notes.append(
            {
                "question_id": asked.pk if asked is not None else None,
                "prompt": str(q.get("prompt") or getattr(asked, "prompt", ""))[:MAX_PROMPT],
                "notes": str(q.get("notes") or "")[:MAX_NOTES],
                "score": q.get("score"),
                "skipped": bool(q.get("skipped")),
                "position": position,
            }
        )
    return _Scorecard({k: cleaned[k] for k in SCORECARD_FIELDS}, notes)


def _store(feedback: Feedback, scorecard: _Scorecard, *also: str) -> list[dict[str, Any]] | None:
    """Write ``scorecard`` into ``feedback``, with the fields named in ``also`` (set by the
    caller), in one INSERT or UPDATE, then its questions. Returns the questions the feedback now
    has, or None when it kept stored ones (which only a read tells)."""
    for key, value in scorecard.fields.items():
        setattr(feedback, key, value)
    created = feedback.pk is None
    if created:
        feedback.save(force_insert=True)
    else:
        feedback.save(update_fields=[*scorecard.fields, *also, "updated_at"])
    if scorecard.questions is None:
        return [] if created else None
    if not created:
        feedback.questions.all().delete()
    QuestionNote.objects.bulk_create(
        QuestionNote(feedback=feedback, **note) for note in scorecard.questions
    )
    return scorecard.questions


def _snapshot(feedback: Feedback, questions: list[dict[str, Any]] | None) -> dict[str, Any]:
    """The version of ``feedback`` a revision keeps; ``questions`` as ``_store`` returned them."""
    keys = ("question_id", "prompt", "notes", "score", "skipped")
    if questions is None:
        questions = list(feedback.questions.order_by("position").values(*keys))
    return {
        **{key: getattr(feedback, key) for key in SCORECARD_FIELDS},
        "questions": [{key: q[key] for key in keys} for q in questions],
    }


def _interview_state(membership: Membership, interview_id: int) -> tuple[str, list[int]]:
    """The interview's status and interviewers, read again in the transaction: both may have
    changed since the caller's access check, which is repeated here for taking part. The row
    stays locked on PostgreSQL, so the scorecard writes on one interview (and its cancelling)
    take turns, as all writes do on SQLite: the status holds until the commit, and no two first
    saves both insert a scorecard. Two plain queries: the ORM builds them in half the time of
    one with a subquery, and the transaction holds SQLite's only write lock meanwhile."""
    status = next(
        iter(
            Interview.objects.select_for_update(no_key=True)
            .filter(pk=interview_id, workspace_id=membership.workspace_id)
            .order_by()
            .values_list("status", flat=True)
        ),
        None,
    )
    if status is None:
        raise NotFound("No such interview in this workspace.")
    interviewers = list(
        Interview.interviewers.through.objects.filter(interview_id=interview_id).values_list(
            "user_id", flat=True
        )
    )
    if membership.user_id not in interviewers:
        raise PermissionDenied("Only the interviewers of this interview fill in its scorecard.")
    return status, interviewers


def _own_feedback(membership: Membership, interview_id: int, *, lock: bool) -> Feedback | None:
    feedbacks = Feedback.objects.select_for_update() if lock else Feedback.objects.all()
    try:
        return feedbacks.get(interview_id=interview_id, interviewer_id=membership.user_id)
    except Feedback.DoesNotExist:
        return None


def _refuse_change(interview_status: str, feedback: Feedback | None) -> None:
    if interview_status == InterviewStatus.CANCELLED:
        raise Conflict("This interview was cancelled.")
    if feedback is not None and feedback.status == FeedbackStatus.SUBMITTED:
        raise Conflict("This scorecard is submitted: amend it with a reason instead.")


def _prepare(
    membership: Membership, interview: Interview, data: dict[str, Any], *, complete: bool
) -> _Scorecard:
    """``data`` checked (and ``complete``, for a submit) before any transaction. Bad input is
    refused only after a look at the stored scorecard: a conflict (submitted, cancelled) takes
    precedence, as when everything was checked in the transaction."""
    try:
        scorecard = _scorecard(interview, data)
        if complete:
            _refuse_incomplete(interview, scorecard.fields)
    except InvalidInput:
        _refuse_change(interview.status, _own_feedback(membership, interview.pk, lock=False))
        raise
    return scorecard


def feedback_save_draft(
    *, membership: Membership, interview_id: int, data: dict[str, Any]
) -> Feedback:
    """Save what the interviewer has so far; called repeatedly while they type."""
    interview = access_interview(
        membership, interview_id, take_part=True, related=SCORECARD_RELATIONS
    )
    scorecard = _prepare(membership, interview, data, complete=False)
    with transaction.atomic(durable=True):
        status, _ = _interview_state(membership, interview.pk)
        feedback = _own_feedback(membership, interview.pk, lock=True)
        _refuse_change(status, feedback)
        if feedback is None:
            feedback = Feedback(interview=interview, interviewer=membership.user)
        _store(feedback, scorecard)
    return feedback


def _refuse_incomplete(interview: Interview, fields: dict[str, Any]) -> None:
    missing = scorecard_missing(interview.scorecard_version.snapshot, fields)
    if missing:
        raise InvalidInput(
            "Before submitting, add: " + ", ".join(missing) + ".", field_errors={"missing": missing}
        )


def feedback_submit(
    *,
    membership: Membership,
    interview_id: int,
    data: dict[str, Any] | None = None,
    interview: Interview | None = None,
) -> Feedback:
    """Submit the scorecard; with ``data``, save it as the draft first, in the same transaction
    (nothing is saved when the submit is refused: save the draft on its own to keep it).

    ``interview`` is what ``access_interview(membership, interview_id, take_part=True)`` gave
    the caller, which spares a second access check: the transaction checks again, cheaply,
    that the member still takes part."""
    interview = _interview_to_submit(membership, interview_id, interview)
    scorecard = None if data is None else _prepare(membership, interview, data, complete=True)
    with transaction.atomic(durable=True):
        status, interviewers = _interview_state(membership, interview.pk)
        feedback = _own_feedback(membership, interview.pk, lock=True)
        _refuse_submit(interview, status, feedback, with_data=scorecard is not None)
        if feedback is None:
            feedback = Feedback(interview=interview, interviewer=membership.user)
        questions = _mark_submitted(feedback, scorecard)
        _record_submission(membership, interview.application_id, feedback, questions)
        if status == InterviewStatus.SCHEDULED:
            others = [i for i in interviewers if i != membership.user_id]
            _complete_when_all_submitted(interview.pk, others)
        audit_record(
            membership=membership,
            verb=AuditVerb.SCORECARD_SUBMIT,
            obj=feedback,
            after={"recommendation": feedback.recommendation, "ratings": feedback.ratings},
        )
    return feedback


def _interview_to_submit(
    membership: Membership, interview_id: int, interview: Interview | None
) -> Interview:
    if interview is None:
        return access_interview(
            membership, interview_id, take_part=True, related=SCORECARD_RELATIONS
        )
    if interview.pk != interview_id:
        raise ValueError(f"interview {interview.pk} passed to submit interview {interview_id}")
    return interview


def _refuse_submit(
    interview: Interview, status: str, feedback: Feedback | None, *, with_data: bool
) -> None:
    """Submitting new data needs what saving it does; submitting the draft needs a draft that
    is complete, on an interview still held."""
    if with_data:
        _refuse_change(status, feedback)
    elif feedback is None:
        raise InvalidInput("There is nothing to submit yet: rate the criteria first.")
    elif feedback.status == FeedbackStatus.SUBMITTED:
        raise Conflict("This scorecard is already submitted.")
    elif status == InterviewStatus.CANCELLED:
        raise Conflict("This interview was cancelled.")
    else:
        _refuse_incomplete(
            interview, {"ratings": feedback.ratings, "recommendation": feedback.recommendation}
        )


def _mark_submitted(
    feedback: Feedback, scorecard: _Scorecard | None
) -> list[dict[str, Any]] | None:
    """Save ``feedback`` as submitted, with ``scorecard`` when given; returns its questions as
    ``_store`` does (None: the stored ones, unread)."""
    feedback.status = FeedbackStatus.SUBMITTED
    feedback.submitted_at = timezone.now()
    feedback.revision = 1
    submitted = ("status", "submitted_at", "revision")
    if scorecard is None:
        feedback.save(update_fields=[*submitted, "updated_at"])
        return None
    return _store(feedback, scorecard, *submitted)


def _record_submission(
    membership: Membership,
    application_id: int,
    feedback: Feedback,
    questions: list[dict[str, Any]] | None,
) -> None:
    """The first revision of the submitted scorecard, and its recommendation on the board."""
    FeedbackRevision.objects.create(
        feedback=feedback,
        number=1,
        snapshot=_snapshot(feedback, questions),
        created_by=membership.user,
    )
    _note_recommendation(application_id, feedback)


def _note_recommendation(application_id: int, feedback: Feedback) -> None:
    """Keep the application's latest recommendation, which its board card shows: the scorecard
    submitted last wins, whichever transaction commits first (an amended one while it is still
    the newest)."""
    Application.objects.filter(
        Q(latest_recommendation_at__isnull=True)
        | Q(latest_recommendation_at__lte=feedback.submitted_at),
        pk=application_id,
    ).update(
        latest_recommendation=feedback.recommendation,
        latest_recommendation_at=feedback.submitted_at,
    )


def _complete_when_all_submitted(interview_id: int, others: list[int]) -> None:
    """Completed once every interviewer has submitted; until then it stays on their lists."""
    if others:
        submitted = Feedback.objects.filter(
            interview_id=interview_id, interviewer_id__in=others, status=FeedbackStatus.SUBMITTED
        ).count()  # one scorecard each at most
        if submitted < len(others):
            return
    Interview.objects.filter(pk=interview_id).update(status=InterviewStatus.COMPLETED)


@transaction.atomic(durable=True)
def feedback_amend(
    *, membership: Membership, interview_id: int, data: dict[str, Any], reason: str
) -> Feedback:
    """Change a submitted scorecard. Needs a reason; every earlier version stays readable."""
    interview = access_interview(
        membership, interview_id, take_part=True, related=SCORECARD_RELATIONS
    )
    feedback = _own_feedback(membership, interview.pk, lock=True)
    if feedback is None or feedback.status != FeedbackStatus.SUBMITTED:
        raise Conflict("Only a submitted scorecard can be amended.")
    if len(reason.strip()) < 5:
        raise InvalidInput(
            "Say why you are amending the scorecard.", field_errors={"reason": ["required"]}
        )
    before = _snapshot(feedback, None)
    scorecard = _scorecard(interview, {**before, **data})
    missing = scorecard_missing(interview.scorecard_version.snapshot, scorecard.fields)
    if missing:
        raise InvalidInput("An amended scorecard must stay complete: " + ", ".join(missing) + ".")
    feedback.revision += 1
    questions = _store(feedback, scorecard, "revision")
    _note_recommendation(interview.application_id, feedback)
    FeedbackRevision.objects.create(
        feedback=feedback,
        number=feedback.revision,
        reason=reason.strip()[:500],
        snapshot=_snapshot(feedback, questions),
        created_by=membership.user,
    )
    audit_record(
        membership=membership,
        verb=AuditVerb.SCORECARD_AMEND,
        obj=feedback,
        before={"recommendation": before["recommendation"], "ratings": before["ratings"]},
        after={
            "recommendation": feedback.recommendation,
            "ratings": feedback.ratings,
            "reason": reason,
        },
    )
    return feedback
