"""What the interview pages show, shaped for templates: scorecards as read-only cards, the
scorecard's criteria as a form, the interview kit (agenda, questions) and the interviews panel
of an application page. Reads and access checks stay in the selectors; nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.utils import timezone

from hireloop.accounts.models import FeedbackVisibility, Membership
from hireloop.accounts.selectors import workspace_members
from hireloop.hiring.models import Application
from hireloop.hiring.selectors import plan_of, plan_stage_interviewers, suggested_questions
from hireloop.interviews import selectors
from hireloop.interviews.models import Feedback, FeedbackStatus, Interview, InterviewStatus
from hireloop.library import selectors as library
from hireloop.library.models import Question, Recommendation

from .forms import ScheduleForm

POINTS = (1, 2, 3, 4, 5)
RECOMMENDATIONS = dict(Recommendation.choices)
DEFAULT_AGENDA: list[dict[str, Any]] = [
    {"name": "Introduction", "minutes": 5, "purpose": ""},
    {"name": "Main part", "minutes": 50, "purpose": ""},
    {"name": "Candidate's questions", "minutes": 5, "purpose": ""},
]
MIN_EDGE_MINUTES = 3  # the introduction and the candidate's questions never shrink below this


def is_link(location: str) -> bool:
    parts = urlsplit(location or "")
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in location


# Agenda -------------------------------------------------------------------------------------


def scaled_agenda(agenda: list[dict[str, Any]], minutes: int) -> list[dict[str, Any]]:
    """The process agenda stretched or shrunk to an interview of ``minutes``: every part but the
    longest scales proportionally (at least 3 minutes each) and the longest takes the rest."""
    agenda = [a for a in agenda if a.get("minutes")] or DEFAULT_AGENDA
    base = sum(int(a["minutes"]) for a in agenda)
    main = max(range(len(agenda)), key=lambda i: int(agenda[i]["minutes"]))
    lengths = [max(MIN_EDGE_MINUTES, round(int(a["minutes"]) * minutes / base)) for a in agenda]
    rest = minutes - sum(n for i, n in enumerate(lengths) if i != main)
    if rest < minutes / 2:  # a very short slot: give the main part half, share out the rest
        edges = len(agenda) - 1
        share = (minutes - minutes // 2) // max(edges, 1)
        lengths = [share] * len(agenda)
        rest = minutes - share * edges
    lengths[main] = rest
    segments = []
    start = 0
    for index, (item, length) in enumerate(zip(agenda, lengths, strict=True)):
        segments.append(
            {
                "name": item["name"],
                "purpose": item.get("purpose", ""),
                "minutes": length,
                "start": start,
                "is_main": index == main,
            }
        )
        start += length
    return segments


# Scorecards, read-only ----------------------------------------------------------------------


def feedback_card(f: Feedback) -> dict[str, Any]:
    """One scorecard for reading: ratings by criterion, ticked signals, flags, questions."""
    snapshot = f.interview.scorecard_version.snapshot
    criteria = []
    for c in snapshot["criteria"]:
        signals = (f.signals or {}).get(c["slug"], {})
        rating = (f.ratings or {}).get(c["slug"])
        criteria.append(
            {
                "name": c["name"],
                "rating": rating,
                "anchor": c["anchors"].get(str(rating), "") if rating else "",
                "strong": signals.get("strong", []),
                "weak": signals.get("weak", []),
            }
        )
    revisions = selectors.feedback_revisions(f)  # prefetched by the callers
    return {
        "feedback": f,
        "submitted": f.status == FeedbackStatus.SUBMITTED,
        "recommendation_label": RECOMMENDATIONS.get(f.recommendation, ""),
        "criteria": criteria,
        "questions": selectors.feedback_questions(f),
        "revisions": revisions,
        "amendments": [r for r in revisions if r.number > 1],
    }


# Scorecards as a form -----------------------------------------------------------------------


def red_flag_options(interview: Interview) -> list[dict[str, str]]:
    """The scorecard's own red-flag checklist, then the library's candidate red flags."""
    options = [
        {"name": name, "description": "", "severity": ""}
        for name in interview.scorecard_version.snapshot["red_flags"]
    ]
    seen = {o["name"] for o in options}
    for flag in library.red_flag_list():
        if flag.name not in seen:
            options.append(
                {"name": flag.name, "description": flag.description, "severity": flag.severity}
            )
    return options


def _question(q: Question, source: str) -> dict[str, Any]:
    return {
        "id": q.pk,
        "prompt": q.prompt,
        "look_for": q.look_for,
        "follow_ups": q.follow_ups,
        "strong_signals": q.strong_signals,
        "weak_signals": q.weak_signals,
        "minutes": q.minutes,
        "kind": q.get_kind_display(),
        "source": source,
    }


def values_of(feedback: Feedback | None) -> dict[str, Any]:
    """A scorecard's answers so far (empty for one not started)."""
    if feedback is None:
        return {"ratings": {}, "signals": {}, "red_flags": [], "notes": "", "recommendation": ""}
    return {
        "ratings": feedback.ratings or {},
        "signals": feedback.signals or {},
        "red_flags": feedback.red_flags or [],
        "notes": feedback.notes,
        "recommendation": feedback.recommendation,
    }


def sheet(
    membership: Membership,
    interview: Interview,
    values: dict[str, Any],
    *,
    with_questions: bool = False,
) -> dict[str, Any]:
    """The scorecard form: each criterion with its anchors and the ``values`` given so far; with
    ``with_questions`` also the question bank of live mode (sample and suggested questions)."""
    snapshot = interview.scorecard_version.snapshot
    ratings = values.get("ratings") or {}
    signals = values.get("signals") or {}
    by_slug: dict[str, Question] = {}
    if with_questions:
        slugs = [s for c in snapshot["criteria"] for s in c["sample_questions"]]
        by_slug = library.questions_by_slug(membership, slugs)
    names = dict(library.competency_choices())
    criteria = []
    listed: set[int] = set()
    for c in snapshot["criteria"]:
        questions = [by_slug[s] for s in c["sample_questions"] if s in by_slug]
        listed.update(q.pk for q in questions)
        ticked = signals.get(c["slug"], {})
        criteria.append(
            {
                "slug": c["slug"],
                "name": c["name"],
                "competency_name": names.get(c["competency"], c["competency"]),
                "description": c.get("description", ""),
                "anchors": [(p, c["anchors"].get(str(p), "")) for p in POINTS],
                "rating": ratings.get(c["slug"]),
                "strong_signals": [(s, s in ticked.get("strong", [])) for s in c["strong_signals"]],
                "weak_signals": [(s, s in ticked.get("weak", [])) for s in c["weak_signals"]],
                "questions": [_question(q, "sample") for q in questions],
            }
        )
    chosen = set(values.get("red_flags") or [])
    flags = [{**o, "ticked": o["name"] in chosen} for o in red_flag_options(interview)]
    context: dict[str, Any] = {
        "criteria": criteria,
        "red_flag_groups": [
            (title, group)
            for title, group in (
                ("This scorecard's checklist", [f for f in flags if not f["severity"]]),
                ("Candidate red flags from the library", [f for f in flags if f["severity"]]),
            )
            if group
        ],
        "recommendations": Recommendation.choices,
        "recommendation": values.get("recommendation") or "",
        "notes": values.get("notes") or "",
        "points": POINTS,
    }
    if with_questions:
        suggested = suggested_questions(interview.application.role, interview.stage)
        context["suggested"] = [_question(q, "suggested") for q in suggested if q.pk not in listed]
    return context


# The interviews panel of an application page ------------------------------------------------


@dataclass
class InterviewRow:
    interview: Interview
    interviewers: list[Any]
    ends_at: datetime
    takes_part: bool


@dataclass
class ApplicationPanel:
    application: Application
    rows: list[InterviewRow]
    cards: list[dict[str, Any]]
    hidden: int
    can_schedule: bool
    schedule_form: ScheduleForm | None = None
    open_form: bool = False
    # Why scorecards are hidden: "until_own" (submit yours first), "never" (the workspace keeps
    # them for hiring managers and admins) or "not_interviewer" (the viewer interviews nobody here).
    hidden_reason: str = "until_own"


def schedule_choices(
    membership: Membership, application: Application
) -> tuple[list[tuple[int, str]], list[tuple[int, str]], dict[int, list[int]]]:
    """Stages of the role's plan, the workspace's members, and each stage's interviewer pool."""
    plan = plan_of(application.role)
    stages = [(s.pk, f"{s.name} · {s.minutes} min") for s in plan]
    members = [
        (m.user_id, f"{m.user} · {m.get_role_display()}")
        for m in workspace_members(membership.workspace_id)
    ]
    pools = {s.pk: [u.pk for u in plan_stage_interviewers(s)] for s in plan}
    return stages, members, pools


def schedule_form(
    membership: Membership, application: Application, data: Any = None
) -> ScheduleForm:
    stages, members, pools = schedule_choices(membership, application)
    return ScheduleForm(
        data,
        stages=stages,
        members=members,
        initial={
            "stage": application.stage_id,
            "interviewers": pools.get(application.stage_id, []),
        },
    )


def application_panel(membership: Membership, application: Application) -> ApplicationPanel:
    interviews = selectors.application_interviews(membership, application)
    rows = []
    for i in interviews:
        interviewers = selectors.interview_interviewers(i)
        rows.append(
            InterviewRow(
                interview=i,
                interviewers=interviewers,
                ends_at=i.starts_at + timedelta(minutes=i.minutes),
                takes_part=any(u.pk == membership.user_id for u in interviewers),
            )
        )
    feedback = selectors.readable_feedback(membership, application, revisions=True)
    can_schedule = selectors.may_schedule(membership, application)
    now = timezone.now()
    return ApplicationPanel(
        application=application,
        rows=rows,
        cards=[feedback_card(f) for f in feedback.shown],
        hidden=feedback.hidden,
        can_schedule=can_schedule,
        schedule_form=schedule_form(membership, application) if can_schedule else None,
        hidden_reason=(
            "not_interviewer"
            if not any(r.takes_part for r in rows)
            else "never"
            if membership.workspace.feedback_visibility == FeedbackVisibility.NEVER
            else "until_own"
        ),
        open_form=can_schedule
        and not any(
            r.interview.status == InterviewStatus.SCHEDULED and r.ends_at > now for r in rows
        ),
    )
