"""Writes for interviews (schedule, reschedule, cancel) and scorecards (draft, submit, amend)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from hireloop.accounts.errors import Conflict, InvalidInput
from hireloop.accounts.models import Membership
from hireloop.accounts.permissions import Capability
from hireloop.accounts.selectors import require
from hireloop.accounts.services import audit_record
from hireloop.hiring.models import ApplicationStatus, PlanStage
from hireloop.hiring.selectors import access_application
from hireloop.library import cache as library_cache
from hireloop.library.models import CandidateRedFlag, Question, Recommendation

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

MAX_QUESTIONS = 60


def _clean(interview: Interview) -> None:
    try:
        interview.full_clean(exclude=["workspace", "application", "stage", "scorecard_version"])
    except ValidationError as exc:
        raise InvalidInput(
            "Please correct the interview details.", field_errors=exc.message_dict
        ) from None


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


@transaction.atomic
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
    if application.status not in (ApplicationStatus.ACTIVE, ApplicationStatus.ON_HOLD):
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
    _clean(interview)
    interview.save()
    interview.interviewers.set(_members(membership, interviewer_ids))
    InterviewChange.objects.create(
        interview=interview, action="schedule", starts_at=interview.starts_at, actor=membership.user
    )
    audit_record(
        workspace=membership.workspace,
        actor=membership.user,
        verb="interview.schedule",
        obj=interview,
        after={"starts_at": interview.starts_at.isoformat(), "stage": stage.name},
    )
    return interview


@transaction.atomic
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
    _clean(interview)
    interview.save()
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
        workspace=membership.workspace,
        actor=membership.user,
        verb="interview.reschedule",
        obj=interview,
        before={"starts_at": before.isoformat()},
        after={"starts_at": interview.starts_at.isoformat(), "reason": reason},
    )
    return interview


@transaction.atomic
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
        workspace=membership.workspace,
        actor=membership.user,
        verb="interview.cancel",
        obj=interview,
        after={"reason": reason},
    )
    return interview


# Scorecards -------------------------------------------------------------------------------


def _criteria(interview: Interview) -> dict[str, dict[str, Any]]:
    return {c["slug"]: c for c in interview.scorecard_version.snapshot["criteria"]}


def _candidate_red_flags() -> frozenset[str]:
    """The library's candidate red flags, cached until the library changes (every save asks)."""
    return library_cache.cached(
        ("candidate-red-flags",),
        lambda: frozenset(CandidateRedFlag.objects.values_list("name", flat=True)),
    )


def _clean_scorecard(interview: Interview, data: dict[str, Any]) -> dict[str, Any]:
    """Check a (possibly partial) scorecard against the version it is rated on."""
    shapes = {"ratings": dict, "signals": dict, "red_flags": list, "questions": list}
    wrong = [
        k for k, kind in shapes.items() if data.get(k) is not None and not isinstance(data[k], kind)
    ]
    if (
        wrong
        or any(not isinstance(v, dict) for v in (data.get("signals") or {}).values())
        or any(not isinstance(q, dict) for q in (data.get("questions") or []))
    ):
        raise InvalidInput(
            "The scorecard data is malformed.", field_errors={k: ["wrong shape"] for k in wrong}
        )
    criteria = _criteria(interview)
    # The scorecard's own checklist plus the library's candidate red flags (lateness,
    # malpractice...), whose severity the debrief uses for vetoes.
    checklist = set(interview.scorecard_version.snapshot["red_flags"]) | _candidate_red_flags()
    problems: dict[str, list[str]] = {}
    ratings = {}
    for slug, value in (data.get("ratings") or {}).items():
        if slug not in criteria:
            problems.setdefault("ratings", []).append(
                f"'{slug}' is not a criterion of this scorecard"
            )
        elif value is not None:
            if not isinstance(value, int) or not 1 <= value <= 5:
                problems.setdefault("ratings", []).append(f"'{slug}' must be rated 1 to 5")
            else:
                ratings[slug] = value
    signals = {}
    for slug, ticked in (data.get("signals") or {}).items():
        if slug not in criteria:
            problems.setdefault("signals", []).append(
                f"'{slug}' is not a criterion of this scorecard"
            )
            continue
        allowed = {
            "strong": set(criteria[slug]["strong_signals"]),
            "weak": set(criteria[slug]["weak_signals"]),
        }
        signals[slug] = {
            side: [s for s in ticked.get(side, []) if s in allowed[side]]
            for side in ("strong", "weak")
        }
    red_flags = [f for f in data.get("red_flags") or [] if f in checklist]
    unknown = [f for f in data.get("red_flags") or [] if f not in checklist]
    if unknown:
        problems.setdefault("red_flags", []).append("unknown red flag: " + "; ".join(unknown))
    recommendation = data.get("recommendation") or ""
    if recommendation and recommendation not in Recommendation.values:
        problems.setdefault("recommendation", []).append("unknown recommendation")
    questions = data.get("questions")
    if questions is not None and len(questions) > MAX_QUESTIONS:
        problems.setdefault("questions", []).append(f"at most {MAX_QUESTIONS} questions")
    for q in questions or []:
        score = q.get("score")
        if score is not None and (not isinstance(score, int) or not 1 <= score <= 5):
            problems.setdefault("questions", []).append("question scores are 1 to 5")
            break
    if problems:
        raise InvalidInput("The scorecard has problems.", field_errors=problems)
    return {
        "ratings": ratings,
        "signals": signals,
        "red_flags": red_flags,
        "notes": str(data.get("notes") or "")[:20_000],
        "recommendation": recommendation,
        "questions": questions,
    }


def _store(feedback: Feedback, cleaned: dict[str, Any]) -> None:
    for key in ("ratings", "signals", "red_flags", "notes", "recommendation"):
        setattr(feedback, key, cleaned[key])
    feedback.save()
    if cleaned["questions"] is None:
        return
    ids = [q.get("question_id") for q in cleaned["questions"] if q.get("question_id")]
    library = {q.pk: q for q in Question.objects.filter(pk__in=ids)}
    feedback.questions.all().delete()
    QuestionNote.objects.bulk_create(
        QuestionNote(
            feedback=feedback,
            question=library.get(q.get("question_id") or 0),
            prompt=str(
                q.get("prompt") or getattr(library.get(q.get("question_id") or 0), "prompt", "")
            )[:4000],
            position=position,
            notes=str(q.get("notes") or "")[:20_000],
            score=q.get("score"),
            skipped=bool(q.get("skipped")),
        )
        for position, q in enumerate(cleaned["questions"])
        if q.get("prompt") or q.get("question_id") in library
    )


def _snapshot(feedback: Feedback) -> dict[str, Any]:
    return {
        "ratings": feedback.ratings,
        "signals": feedback.signals,
        "red_flags": feedback.red_flags,
        "notes": feedback.notes,
        "recommendation": feedback.recommendation,
        "questions": [
            {
                "question_id": q.question_id,
                "prompt": q.prompt,
                "notes": q.notes,
                "score": q.score,
                "skipped": q.skipped,
            }
            for q in feedback.questions.order_by("position")
        ],
    }


def _save_draft(membership: Membership, interview: Interview, data: dict[str, Any]) -> Feedback:
    if interview.status == InterviewStatus.CANCELLED:
        raise Conflict("This interview was cancelled.")
    feedback, _ = Feedback.objects.select_for_update().get_or_create(
        interview=interview, interviewer=membership.user
    )
    if feedback.status == FeedbackStatus.SUBMITTED:
        raise Conflict("This scorecard is submitted: amend it with a reason instead.")
    _store(feedback, _clean_scorecard(interview, data))
    return feedback


@transaction.atomic
def feedback_save_draft(
    *, membership: Membership, interview_id: int, data: dict[str, Any]
) -> Feedback:
    """Save what the interviewer has so far; called repeatedly while they type."""
    interview = access_interview(
        membership, interview_id, take_part=True, related=SCORECARD_RELATIONS
    )
    return _save_draft(membership, interview, data)


def _missing(interview: Interview, feedback: Feedback) -> list[str]:
    missing = [
        f"rating for '{c['name']}'"
        for slug, c in _criteria(interview).items()
        if slug not in feedback.ratings
    ]
    if not feedback.recommendation:
        missing.append("an overall recommendation")
    return missing


@transaction.atomic
def feedback_submit(
    *, membership: Membership, interview_id: int, data: dict[str, Any] | None = None
) -> Feedback:
    """Submit the scorecard; with ``data``, save it as the draft first, in the same transaction
    (nothing is saved when the submit is refused: save the draft on its own to keep it)."""
    interview = access_interview(
        membership, interview_id, take_part=True, related=SCORECARD_RELATIONS
    )
    if data is not None:
        feedback: Feedback | None = _save_draft(membership, interview, data)
    else:
        feedback = (
            Feedback.objects.select_for_update()
            .filter(interview=interview, interviewer=membership.user)
            .first()
        )
    if feedback is None:
        raise InvalidInput("There is nothing to submit yet: rate the criteria first.")
    if feedback.status == FeedbackStatus.SUBMITTED:
        raise Conflict("This scorecard is already submitted.")
    if interview.status == InterviewStatus.CANCELLED:
        raise Conflict("This interview was cancelled.")
    missing = _missing(interview, feedback)
    if missing:
        raise InvalidInput(
            "Before submitting, add: " + ", ".join(missing) + ".", field_errors={"missing": missing}
        )
    feedback.status = FeedbackStatus.SUBMITTED
    feedback.submitted_at = timezone.now()
    feedback.revision = 1
    feedback.save()
    FeedbackRevision.objects.create(
        feedback=feedback, number=1, snapshot=_snapshot(feedback), created_by=membership.user
    )
    # Completed once every interviewer has submitted; until then it stays on their lists.
    pending = interview.interviewers.exclude(
        feedback__interview=interview, feedback__status=FeedbackStatus.SUBMITTED
    )
    if interview.status == InterviewStatus.SCHEDULED and not pending.exists():
        Interview.objects.filter(pk=interview.pk).update(status=InterviewStatus.COMPLETED)
    audit_record(
        workspace=membership.workspace,
        actor=membership.user,
        verb="scorecard.submit",
        obj=feedback,
        after={"recommendation": feedback.recommendation, "ratings": feedback.ratings},
    )
    return feedback


@transaction.atomic
def feedback_amend(
    *, membership: Membership, interview_id: int, data: dict[str, Any], reason: str
) -> Feedback:
    """Change a submitted scorecard. Needs a reason; every earlier version stays readable."""
    interview = access_interview(
        membership, interview_id, take_part=True, related=SCORECARD_RELATIONS
    )
    feedback = (
        Feedback.objects.select_for_update()
        .filter(interview=interview, interviewer=membership.user)
        .first()
    )
    if feedback is None or feedback.status != FeedbackStatus.SUBMITTED:
        raise Conflict("Only a submitted scorecard can be amended.")
    if len(reason.strip()) < 5:
        raise InvalidInput(
            "Say why you are amending the scorecard.", field_errors={"reason": ["required"]}
        )
    before = _snapshot(feedback)
    _store(feedback, _clean_scorecard(interview, {**before, **data}))
    missing = _missing(interview, feedback)
    if missing:
        raise InvalidInput("An amended scorecard must stay complete: " + ", ".join(missing) + ".")
    feedback.revision += 1
    feedback.save(update_fields=["revision", "updated_at"])
    FeedbackRevision.objects.create(
        feedback=feedback,
        number=feedback.revision,
        reason=reason.strip()[:500],
        snapshot=_snapshot(feedback),
        created_by=membership.user,
    )
    audit_record(
        workspace=membership.workspace,
        actor=membership.user,
        verb="scorecard.amend",
        obj=feedback,
        before={"recommendation": before["recommendation"], "ratings": before["ratings"]},
        after={
            "recommendation": feedback.recommendation,
            "ratings": feedback.ratings,
            "reason": reason,
        },
    )
    return feedback
