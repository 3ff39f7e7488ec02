"""Demo data: a workspace where every page shows something real, built through the services so
it obeys the same rules as data entered by people. ``build_scale`` adds a large workspace for
measuring speed at volume.

Each service commits its own change (the outermost write of a service is a durable
transaction), so a build is not one transaction: one that fails half way leaves what it made,
and running it again reports the workspace as already there. Delete the workspace to start over.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

from hireloop.accounts.models import MemberRole, Membership, User, Workspace
from hireloop.accounts.services import membership_set, user_create, workspace_create
from hireloop.assessments.services import assignment_create, submission_create
from hireloop.decisions.services import decision_record, focus_area_request
from hireloop.hiring.models import Application, Transition
from hireloop.hiring.models import Role as JobRole
from hireloop.hiring.services import (
    application_create,
    application_move,
    candidate_create,
    plan_stage_update,
    role_create,
)
from hireloop.interviews.models import Interview
from hireloop.interviews.services import feedback_save_draft, feedback_submit, interview_schedule
from hireloop.library.models import PracticalTask

PASSWORD = "hireloop-demo"  # noqa: S105 - printed to the operator; local demo only
PEOPLE = [
    ("admin@acme.test", "Ada Admin", MemberRole.ADMIN),
    ("recruiter@acme.test", "Rae Recruiter", MemberRole.RECRUITER),
    ("manager@acme.test", "Hal Manager", MemberRole.HIRING_MANAGER),
    ("interviewer@acme.test", "Ian Interviewer", MemberRole.INTERVIEWER),
    ("ivy@acme.test", "Ivy Chen", MemberRole.INTERVIEWER),
    ("omar@acme.test", "Omar Haddad", MemberRole.INTERVIEWER),
]
FIRST = [
    "Amara",
    "Bruno",
    "Chloe",
    "Dmitri",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kemi",
    "Lars",
    "Maya",
    "Nikhil",
    "Olga",
    "Pablo",
    "Quinn",
    "Rosa",
    "Sven",
    "Tariq",
]
LAST = [
    "Okafor",
    "Silva",
    "Martin",
    "Volkov",
    "Rossi",
    "Rahimi",
    "Lee",
    "Tanaka",
    "Garcia",
    "Berg",
    "Adeyemi",
    "Nilsen",
    "Cohen",
    "Rao",
    "Petrova",
    "Ruiz",
    "Walsh",
    "Costa",
]
TITLES = [
    "Backend developer",
    "Software engineer",
    "Senior software engineer",
    "Platform engineer",
    "Python developer",
    "Go developer",
    "Site reliability engineer",
    "Data engineer",
]
SKILLS = [
    "Python",
    "Go",
    "Java",
    "PostgreSQL",
    "Redis",
    "Kafka",
    "Kubernetes",
    "AWS",
    "Django",
    "gRPC",
    "GraphQL",
    "Terraform",
    "RabbitMQ",
    "Elasticsearch",
    "Rust",
    "Node.js",
]
ROLES = [
    ("Senior Backend Engineer", "Payments", "senior", "fintech"),
    ("Backend Engineer", "Platform", "mid", "scale-up"),
    ("Junior Backend Developer", "Growth", "junior", "startup"),
]


@dataclass
class Cast:
    workspace: Workspace
    members: dict[str, Membership]

    def m(self, email: str) -> Membership:
        return self.members[email]

    @property
    def recruiter(self) -> Membership:
        return next(m for m in self.members.values() if m.role == MemberRole.RECRUITER)


def _people(workspace: Workspace, people: Sequence[tuple[str, str, str]]) -> Cast:
    members = {}
    for email, name, role in people:
        user = User.objects.filter(email=email).first() or user_create(
            email=email, password=PASSWORD, full_name=name
        )
        members[email] = membership_set(workspace=workspace, user=user, role=role, actor=None)
    members = {
        email: Membership.objects.select_related("workspace", "user").get(pk=m.pk)
        for email, m in members.items()
    }
    return Cast(workspace, members)


def _candidate(cast: Cast, rng: random.Random, index: int) -> int:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    years = rng.randint(0, 15)
    level = "junior" if years < 3 else "mid" if years < 6 else "senior" if years < 11 else "staff"
    candidate = candidate_create(
        membership=cast.recruiter,
        data={
            "name": f"{first} {last}",
            "email": f"{first}.{last}.{index}@example.com".lower(),
            "years_experience": years,
            "level": level,
            "current_title": rng.choice(TITLES),
            "skills": rng.sample(SKILLS, 4),
            "source": rng.choice(["Referral", "LinkedIn", "Careers page"]),
            "location": rng.choice(["Berlin", "Lisbon", "London", "Remote (EU)", "Warsaw"]),
        },
    )
    return candidate.pk


def _ratings(snapshot: dict[str, Any], rng: random.Random, centre: float) -> dict[str, int]:
    return {c["slug"]: max(1, min(5, round(rng.gauss(centre, 0.7)))) for c in snapshot["criteria"]}


def _recommendation(ratings: dict[str, int]) -> str:
    average = sum(ratings.values()) / len(ratings)
    return (
        "strong_hire"
        if average >= 4.3
        else "hire"
        if average >= 3.2
        else ("no_hire" if average >= 2.2 else "strong_no_hire")
    )


def _interview(
    cast: Cast,
    application: Application,
    interviewers: list[Membership],
    *,
    days_ago: float,
    rng: random.Random,
    centre: float | None,
    spread: float = 0.0,
    stage_id: int | None = None,
) -> Interview:
    """Book an interview in the past (or future, for negative days) and, when ``centre`` is
    given, have each interviewer submit a scorecard around that score (``spread`` apart)."""
    interview = interview_schedule(
        membership=cast.recruiter,
        application_id=application.pk,
        starts_at=timezone.now() - timedelta(days=days_ago),
        interviewer_ids=[m.user_id for m in interviewers],
        location=rng.choice(["https://meet.example.com/abc-defg-hij", "Room Ada, 3rd floor"]),
        stage_id=stage_id,
    )
    if centre is None:
        return interview
    snapshot = interview.scorecard_version.snapshot
    for offset, member in zip((0.0, spread, -spread), interviewers, strict=False):
        ratings = _ratings(snapshot, rng, centre + offset)
        first = snapshot["criteria"][0]
        feedback_save_draft(
            membership=member,
            interview_id=interview.pk,
            data={
                "ratings": ratings,
                "recommendation": _recommendation(ratings),
                "notes": "Clear reasoning about trade-offs; asked good clarifying questions."
                if centre + offset >= 3
                else "Needed many hints; answers stayed generic.",
                "signals": {first["slug"]: {"strong": first["strong_signals"][:1]}},
                "questions": [
                    {
                        "prompt": snapshot["criteria"][0]["name"] + " - opening question",
                        "notes": "Covered the basics.",
                        "score": ratings[first["slug"]],
                    }
                ],
            },
        )
        feedback_submit(membership=member, interview_id=interview.pk)
    return interview


def _advance_to(cast: Cast, application: Application, position: int) -> Application:
    for _ in range(position):
        application = application_move(
            membership=cast.recruiter,
            application_id=application.pk,
            action="advance",
            version=application.version,
        )
    return application


def _backdate(application: Application, days: int) -> None:
    """Spread the history over past weeks so time-in-stage figures look like real life."""
    transitions = list(Transition.objects.filter(application=application).order_by("at", "id"))
    start = timezone.now() - timedelta(days=days)
    step = timedelta(days=days / max(1, len(transitions)))
    for i, t in enumerate(transitions):
        Transition.objects.filter(pk=t.pk).update(at=start + step * i)
    Application.objects.filter(pk=application.pk).update(
        stage_entered_at=start + step * (len(transitions) - 1)
    )


def build_demo(seed: int = 7) -> tuple[Workspace, bool]:
    """The small demo workspace; returns it and whether anything was created."""
    workspace = Workspace.objects.filter(slug="acme").first()
    if workspace is None:
        workspace = workspace_create(name="Acme Backend Hiring", slug="acme")
    cast = _people(workspace, PEOPLE)
    if workspace.roles.exists():
        return workspace, False
    rng = random.Random(seed)
    interviewers = [cast.m(e) for e in ("interviewer@acme.test", "ivy@acme.test", "omar@acme.test")]
    manager = cast.m("manager@acme.test")
    roles = [
        role_create(
            membership=cast.recruiter,
            title=t,
            team=team,
            seniority=level,
            industry=industry,
            hiring_manager=manager.user,
        )
        for t, team, level, industry in ROLES
    ]
    for role in roles:
        for stage in role.stages.all():
            plan_stage_update(
                membership=cast.m("admin@acme.test"),
                stage_id=stage.pk,
                interviewer_ids=[m.user_id for m in interviewers],
            )
    senior = roles[0]
    stages = senior.stages.count()
    # One candidate per stage of the senior role, each with the interviews that got them there.
    for position in range(stages):
        application = application_create(
            membership=cast.recruiter,
            candidate_id=_candidate(cast, rng, position),
            role_id=senior.pk,
        )
        for done in range(position):
            pair = [interviewers[done % 3], interviewers[(done + 1) % 3]]
            stage_id = senior.stages.get(position=done).pk
            _interview(
                cast,
                application,
                pair,
                days_ago=4 * (position - done) + 2,
                rng=rng,
                centre=3.8,
                stage_id=stage_id,
            )
        application = _advance_to(cast, Application.objects.get(pk=application.pk), position)
        _backdate(application, days=4 * position + 3)
    # The debrief story: two interviewers who disagree, a decision, and a focus area.
    split = application_create(
        membership=cast.recruiter,
        candidate_id=_candidate(cast, rng, 50),
        role_id=senior.pk,
    )
    _interview(cast, split, interviewers[:2], days_ago=3, rng=rng, centre=3.2, spread=1.3)
    split = _advance_to(cast, Application.objects.get(pk=split.pk), 1)
    _interview(cast, split, interviewers[1:], days_ago=1, rng=rng, centre=3.6, spread=0.2)
    focus_area_request(
        membership=manager,
        application_id=split.pk,
        competency="system-design",
        reason="The two technical scorecards disagree on design depth.",
    )
    decision_record(
        membership=manager,
        application_id=split.pk,
        outcome="another_round",
        rationale="Scores split on API design; one more system design round.",
    )
    # Overdue: an interview that ended yesterday with no scorecard yet; and upcoming ones.
    overdue = application_create(
        membership=cast.recruiter,
        candidate_id=_candidate(cast, rng, 60),
        role_id=roles[1].pk,
    )
    _interview(cast, overdue, interviewers[:1], days_ago=1, rng=rng, centre=None)
    upcoming = application_create(
        membership=cast.recruiter,
        candidate_id=_candidate(cast, rng, 61),
        role_id=roles[1].pk,
    )
    _interview(cast, upcoming, interviewers[:2], days_ago=-1, rng=rng, centre=None)
    # Endings: rejected, withdrawn, on hold, hired.
    for index, (action, extra) in enumerate(
        [
            ("reject", {"reason": "skills", "note": "Could not explain indexing."}),
            ("withdraw", {"note": "Accepted another offer."}),
            ("hold", {}),
        ]
    ):
        application = application_create(
            membership=cast.recruiter,
            candidate_id=_candidate(cast, rng, 70 + index),
            role_id=roles[2].pk,
        )
        _interview(cast, application, interviewers[2:], days_ago=6 + index, rng=rng, centre=2.4)
        application_move(
            membership=cast.recruiter,
            application_id=application.pk,
            action=action,
            version=1,
            **extra,
        )
    hired = application_create(
        membership=cast.recruiter,
        candidate_id=_candidate(cast, rng, 80),
        role_id=roles[2].pk,
    )
    hired = _advance_to(cast, hired, roles[2].stages.count() - 1)
    _interview(cast, hired, interviewers[:2], days_ago=2, rng=rng, centre=4.2)
    decision_record(
        membership=manager,
        application_id=hired.pk,
        outcome="hire",
        rationale="Consistently strong across the loop; great learner.",
    )
    application_move(
        membership=manager, application_id=hired.pk, action="hire", version=hired.version
    )
    _practical_tasks(cast, senior, waiting=upcoming)
    return workspace, True


def _practical_tasks(cast: Cast, role: JobRole, *, waiting: Application) -> None:
    """A schema design and a query rewrite handed in (the worker grades them when it starts),
    and an API task still with its candidate."""
    fixtures = Path(__file__).resolve().parents[1] / "assessments" / "graders"
    submitted = [
        (
            role.stages.get(kind="coding").position,
            "ecommerce-schema-design",
            "schema/fixtures/mediocre.sql",
        ),
        (role.stages.count() - 1, "slow-query-optimisation", "sql/fixtures/strong.sql"),
    ]
    for position, slug, fixture in submitted:
        application = Application.objects.get(role=role, stage__position=position)
        assignment = assignment_create(
            membership=cast.recruiter,
            application_id=application.pk,
            task_id=PracticalTask.objects.get(slug=slug).pk,
        )
        submission_create(assignment=assignment, text=(fixtures / fixture).read_text())
    assignment_create(
        membership=cast.recruiter,
        application_id=waiting.pk,
        task_id=PracticalTask.objects.get(slug="todo-rest-api").pk,
    )


def build_scale(candidates: int, *, seed: int = 11) -> tuple[Workspace, bool]:
    """A large workspace ('bigco'): 5 roles, ``candidates`` candidates with applications spread
    over the stages, and one interview with two submitted scorecards per four candidates."""
    workspace = Workspace.objects.filter(slug="bigco").first()
    if workspace is not None and workspace.candidates.exists():
        return workspace, False
    workspace = workspace or workspace_create(name="BigCo Engineering", slug="bigco")
    people = [(e.replace("acme", "bigco"), n, r) for e, n, r in PEOPLE]
    cast = _people(workspace, people)
    rng = random.Random(seed)
    interviewers = [cast.m(e) for e in ("interviewer@bigco.test", "ivy@bigco.test")]
    roles = [
        role_create(
            membership=cast.recruiter,
            title=f"{t} {i + 1}",
            team=team,
            seniority=level,
            industry=industry,
            hiring_manager=cast.m("manager@bigco.test").user,
        )
        for i, (t, team, level, industry) in enumerate(ROLES + ROLES[:2])
    ]
    for index in range(candidates):
        role = roles[index % len(roles)]
        application = application_create(
            membership=cast.recruiter,
            candidate_id=_candidate(cast, rng, 1000 + index),
            role_id=role.pk,
        )
        if index % 4 == 0:
            _interview(
                cast,
                application,
                interviewers,
                days_ago=rng.uniform(1, 20),
                rng=rng,
                centre=rng.uniform(2.2, 4.5),
                spread=rng.choice([0, 0, 1.2]),
            )
        _advance_to(cast, application, index % role.stages.count())
    return workspace, True
