"""Reads for roles, candidates and applications. Who sees what is decided here and only here:

- admins and recruiters see every role, candidate and application of the workspace;
- hiring managers see the roles they manage, with their applications and candidates;
- interviewers see the roles whose plan names them as an interviewer, and only the applications
  they interview (are an interviewer of one of its interviews).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from django.db.models import Count, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from hireloop.accounts.errors import NotFound, PermissionDenied
from hireloop.accounts.models import MemberRole, Membership, User
from hireloop.accounts.permissions import Capability, can
from hireloop.accounts.selectors import workspace_members
from hireloop.lib.paging import page_of
from hireloop.lib.rows import PreparedQuery
from hireloop.library.models import Question

from .models import (
    Application,
    ApplicationStatus,
    Candidate,
    PlanStage,
    Role,
    RoleStatus,
    SkillCheck,
    Transition,
)


def sees_every_role(membership: Membership) -> bool:
    """Admins and recruiters see every role of the workspace, with its people."""
    return can(membership, Capability.SEE_ALL_ROLES)


def _runs_role(membership: Membership, role: Role) -> bool:
    """Whether the member sees every role, or is this role's hiring manager."""
    return sees_every_role(membership) or role.hiring_manager_id == membership.user_id


def _own_roles(membership: Membership) -> Q:
    """Roles a member who cannot see everything is involved in."""
    if membership.role == MemberRole.HIRING_MANAGER:
        return Q(hiring_manager_id=membership.user_id)
    return Q(stages__interviewers=membership.user_id) | Q(
        applications__interviews__interviewers=membership.user_id
    )


def visible_roles(membership: Membership) -> QuerySet[Role]:
    qs = Role.objects.filter(workspace_id=membership.workspace_id)
    if sees_every_role(membership):
        return qs
    return qs.filter(pk__in=Role.objects.filter(_own_roles(membership)).values("pk"))


def visible_applications(membership: Membership) -> QuerySet[Application]:
    qs = Application.objects.filter(workspace_id=membership.workspace_id)
    if sees_every_role(membership):
        return qs
    if membership.role == MemberRole.HIRING_MANAGER:
        return qs.filter(role__hiring_manager_id=membership.user_id)
    # Looked up by relation name: interviews are a later app that hiring does not import.
    interviewed = Application.objects.filter(interviews__interviewers=membership.user_id)
    return qs.filter(pk__in=interviewed.values("pk"))


def visible_candidates(membership: Membership) -> QuerySet[Candidate]:
    qs = Candidate.objects.filter(workspace_id=membership.workspace_id)
    if sees_every_role(membership):
        return qs
    return qs.filter(pk__in=visible_applications(membership).values("candidate_id"))


def may_manage_role(membership: Membership, role: Role) -> bool:
    """Change the role and its interview plan: recruiters, admins and its hiring manager."""
    return can(membership, Capability.ROLE_MANAGE) and _runs_role(membership, role)


def hiring_manager_options(membership: Membership, *, opening: bool = False) -> list[Membership]:
    """Whom the member may name as a role's hiring manager: the workspace's hiring managers and
    admins. A hiring manager ``opening`` a role names only themselves: a role managed by someone
    else would vanish from their view the moment they opened it (handing over a role they
    manage is another matter)."""
    members = workspace_members(
        membership.workspace_id, roles=(MemberRole.HIRING_MANAGER, MemberRole.ADMIN)
    )
    if opening and membership.role == MemberRole.HIRING_MANAGER:
        members = members.filter(user_id=membership.user_id)
    return list(members)


def may_move_application(membership: Membership, application: Application) -> bool:
    """Move the application through the pipeline: recruiters, admins, the role's manager."""
    return can(membership, Capability.APPLICATION_MOVE) and _runs_role(membership, application.role)


def may_record_hire(membership: Membership, application: Application) -> bool:
    """Move the application to hired: those who move it and may decide."""
    return may_move_application(membership, application) and can(membership, Capability.DECIDE)


def may_send_prep_link(membership: Membership, application: Application) -> bool:
    """A preparation link goes to the candidate of an open application, from those who manage
    candidates."""
    return can(membership, Capability.CANDIDATE_MANAGE) and application.is_open


def member_stand_in(role: str, *, workspace_id: int, user_id: int) -> Membership:
    """An unsaved membership for building a prepared query: what is visible depends only on
    these three fields."""
    return Membership(role=role, workspace_id=workspace_id, user_id=user_id)


_ROLE: PreparedQuery[Role] = PreparedQuery(
    lambda role, *, workspace_id, user_id, pk: (
        visible_roles(member_stand_in(role, workspace_id=workspace_id, user_id=user_id))
        .select_related("industry", "hiring_manager")
        .filter(pk=pk)
    )
)
_CANDIDATE: PreparedQuery[Candidate] = PreparedQuery(
    lambda role, *, workspace_id, user_id, pk: visible_candidates(
        member_stand_in(role, workspace_id=workspace_id, user_id=user_id)
    ).filter(pk=pk)
)
_APPLICATION: PreparedQuery[Application] = PreparedQuery(
    lambda role, related, *, workspace_id, user_id, pk: (
        visible_applications(member_stand_in(role, workspace_id=workspace_id, user_id=user_id))
        .select_related(*related)
        .filter(pk=pk)
    )
)


def access_role(membership: Membership, role_id: int, *, manage: bool = False) -> Role:
    role = _ROLE.first(
        (membership.role,),
        workspace_id=membership.workspace_id,
        user_id=membership.user_id,
        pk=role_id,
    )
    if role is None:
        raise NotFound("No such role in this workspace.")
    if manage and not may_manage_role(membership, role):
        raise PermissionDenied(
            "Only recruiters, admins and the role's hiring manager can change it."
        )
    return role


def access_plan_stage(membership: Membership, stage_id: int, *, manage: bool = False) -> PlanStage:
    stage = (
        PlanStage.objects.filter(pk=stage_id, role__in=visible_roles(membership))
        .select_related("role")
        .first()
    )
    if stage is None:
        raise NotFound("No such interview stage in this workspace.")
    if manage and not may_manage_role(membership, stage.role):
        raise PermissionDenied(
            "Only recruiters, admins and the role's hiring manager can change it."
        )
    return stage


def access_candidate(
    membership: Membership, candidate_id: int, *, manage: bool = False
) -> Candidate:
    candidate = _CANDIDATE.first(
        (membership.role,),
        workspace_id=membership.workspace_id,
        user_id=membership.user_id,
        pk=candidate_id,
    )
    if candidate is None:
        raise NotFound("No such candidate in this workspace.")
    if manage and not can(membership, Capability.CANDIDATE_MANAGE):
        raise PermissionDenied("Only recruiters and admins manage candidates.")
    return candidate


def access_application(
    membership: Membership,
    application_id: int,
    *,
    move: bool = False,
    related: tuple[str, ...] = ("candidate", "role", "stage"),
) -> Application:
    """The application (``related`` loaded with it), when the member may see (and move) it."""
    application = _APPLICATION.first(
        (membership.role, related),
        workspace_id=membership.workspace_id,
        user_id=membership.user_id,
        pk=application_id,
    )
    if application is None:
        raise NotFound("No such application in this workspace.")
    if move and not may_move_application(membership, application):
        raise PermissionDenied("Your role does not allow moving this application.")
    return application


def role_list(membership: Membership, *, status: str = "") -> QuerySet[Role]:
    qs = (
        visible_roles(membership)
        .select_related("industry", "hiring_manager")
        .order_by("status", "title")
    )
    return qs.filter(status=status) if status else qs


def role_page(
    membership: Membership, *, status: str = "", offset: int, limit: int
) -> tuple[list[Role], int]:
    """One page of ``role_list`` and the number of roles in all."""
    return page_of(role_list(membership, status=status), offset=offset, limit=limit)


def roles_with_active_counts(membership: Membership, *, status: str = "") -> list[Role]:
    """``role_list``, each role with ``active_count``: how many of its applications are active."""
    return list(
        role_list(membership, status=status).annotate(
            active_count=Count(
                "applications", filter=Q(applications__status=ApplicationStatus.ACTIVE)
            )
        )
    )


def open_role_options(membership: Membership) -> list[tuple[int, str, str]]:
    """(id, title, team) of the visible open roles, by title: for a list of options, without
    the related rows and status ordering of ``role_list`` (they cost a sixth of the query)."""
    return list(
        visible_roles(membership)
        .filter(status=RoleStatus.OPEN)
        .order_by("title")
        .values_list("pk", "title", "team")
    )


def plan_of(role: Role) -> list[PlanStage]:
    return list(
        role.stages.select_related("scorecard_version__scorecard", "template")
        .prefetch_related("interviewers")
        .order_by("position")
    )


def plan_stage_interviewers(stage: PlanStage) -> list[User]:
    """The stage's interviewer pool (prefetched by ``plan_of``)."""
    return list(stage.interviewers.all())


def role_skill_checks(role: Role) -> list[SkillCheck]:
    """The role's skills to verify with their skills and verifying stages, in matrix order."""
    return list(
        role.skill_checks.select_related("skill", "stage").order_by("skill__position", "skill_id")
    )


@dataclass
class BoardCard:
    application_id: int
    candidate_id: int
    candidate: str
    current_title: str
    status: str
    version: int
    days_in_stage: int
    recommendation: str = ""  # the latest, for those who may read it (see may_read_opinions)


def may_read_opinions(membership: Membership, role: Role) -> bool:
    """Scorecard recommendations outside one's own: for admins and the role's hiring manager
    (who also decide, see decisions.selectors.may_decide). Recruiters and interviewers read
    none, so the board leaks no opinion into interviews."""
    return role.workspace_id == membership.workspace_id and (
        membership.role == MemberRole.ADMIN
        or (
            membership.role == MemberRole.HIRING_MANAGER
            and role.hiring_manager_id == membership.user_id
        )
    )


@dataclass
class BoardColumn:
    stage: PlanStage
    cards: list[BoardCard] = field(default_factory=list)
    total: int = 0  # cards in the stage, shown or not


_NO_LIMIT = 2**31 - 1  # every card of a stage
_BOARD_STAGES: PreparedQuery[PlanStage] = PreparedQuery(
    lambda *, role_id: (
        PlanStage.objects.filter(role_id=role_id)
        .order_by("position")
        .values_list("id", "name", "minutes")
    )
)
# The cards of the role, longest waiting first, numbered within their stage and counted per
# stage by the database, so that a board of thousands reads only the cards it shows.
_BOARD_CARDS: PreparedQuery[Application] = PreparedQuery(
    lambda role, per_stage, *, workspace_id, user_id, role_id: (
        visible_applications(member_stand_in(role, workspace_id=workspace_id, user_id=user_id))
        .filter(role_id=role_id, status__in=Application.OPEN_STATUSES)
        .annotate(
            place=Window(RowNumber(), partition_by="stage_id", order_by=("stage_entered_at", "id")),
            in_stage=Window(Count("id"), partition_by="stage_id"),
        )
        .filter(place__lte=per_stage)
        .order_by("stage_entered_at", "id")
        .values_list(
            "id",
            "candidate_id",
            "candidate__name",
            "candidate__current_title",
            "status",
            "version",
            "stage_id",
            "stage_entered_at",
            "latest_recommendation",
            "in_stage",
        )
    )
)


def board(
    membership: Membership,
    role: Role,
    *,
    now: datetime | None = None,
    per_stage: int | None = None,
) -> list[BoardColumn]:
    """One column per plan stage with the active and on-hold applications in it, longest
    waiting first; with ``per_stage``, at most that many cards a column (``total`` counts all).
    Cards carry their latest recommendation for those who may read it."""
    now = now or timezone.now()
    columns = {
        id_: BoardColumn(PlanStage(id=id_, role_id=role.pk, name=name, minutes=minutes))
        for id_, name, minutes in _BOARD_STAGES.rows((), role_id=role.pk)
    }
    cards = _BOARD_CARDS.rows(
        (membership.role, per_stage or _NO_LIMIT),
        workspace_id=membership.workspace_id,
        user_id=membership.user_id,
        role_id=role.pk,
    )
    opinions = may_read_opinions(membership, role)
    for id_, candidate_id, name, title, status, version, stage_id, entered, latest, total in cards:
        column = columns[stage_id]
        column.total = total
        days = (now - entered).days
        column.cards.append(
            BoardCard(
                id_, candidate_id, name, title, status, version, days, latest if opinions else ""
            )
        )
    return list(columns.values())


def application_list(
    membership: Membership,
    *,
    role_id: int | None = None,
    status: str = "",
    stage: str = "",
    q: str = "",
) -> QuerySet[Application]:
    qs = visible_applications(membership).select_related("candidate", "role", "stage")
    if role_id:
        qs = qs.filter(role_id=role_id)
    if status:
        qs = qs.filter(status=status)
    if stage:
        qs = qs.filter(stage__name__iexact=stage)
    for term in q.lower().split()[:8]:
        qs = qs.filter(candidate__search_document__contains=term)
    return qs.order_by("-stage_entered_at", "-id")


def application_page(
    membership: Membership,
    *,
    role_id: int | None = None,
    status: str = "",
    stage: str = "",
    q: str = "",
    offset: int,
    limit: int,
) -> tuple[list[Application], int]:
    """One page of ``application_list`` and the number of applications in all."""
    qs = application_list(membership, role_id=role_id, status=status, stage=stage, q=q)
    return page_of(qs, offset=offset, limit=limit)


def candidate_list(membership: Membership, *, q: str = "") -> QuerySet[Candidate]:
    qs = visible_candidates(membership)
    for term in q.lower().split()[:8]:
        qs = qs.filter(search_document__contains=term)
    return qs.order_by("name", "id")


CANDIDATE_SUMMARY_FIELDS = ("id", "name", "email", "current_title", "level", "skills")


def candidate_page(
    membership: Membership, *, q: str = "", offset: int, limit: int
) -> tuple[list[Candidate], int]:
    """One page of ``candidate_list`` with only ``CANDIDATE_SUMMARY_FIELDS`` loaded, and the
    number of candidates in all."""
    qs = candidate_list(membership, q=q).only(*CANDIDATE_SUMMARY_FIELDS)
    return page_of(qs, offset=offset, limit=limit)


class CandidateRow(NamedTuple):
    """What the candidate list shows of a candidate: not the résumé text and search document,
    the bulk of one. Read as values: the list needs no instances."""

    id: int
    name: str
    email: str
    location: str
    years_experience: int | None
    level: str
    current_title: str
    skills: list[str]
    resume_name: str


def candidate_row_page(
    membership: Membership, *, q: str = "", offset: int, limit: int
) -> tuple[list[CandidateRow], int]:
    """One page of ``candidate_list`` as ``CandidateRow`` values, and the number in all."""
    qs = candidate_list(membership, q=q).values_list(*CandidateRow._fields)
    rows, total = page_of(qs, offset=offset, limit=limit)
    return [CandidateRow._make(row) for row in rows], total


def candidate_applications(membership: Membership, candidate: Candidate) -> list[Application]:
    return list(
        visible_applications(membership)
        .filter(candidate=candidate)
        .select_related("role", "stage")
        .order_by("-created_at")
    )


@dataclass
class HistoryEntry:
    """One move of an application as its history shows it: codes as stored, and names rather
    than instances; a stage or person since removed is None."""

    action: str
    at: datetime
    actor: str | None
    from_stage: str | None
    from_status: str
    to_stage: str | None
    to_status: str
    reason: str
    note: str

    @classmethod
    def of(cls, t: Transition) -> HistoryEntry:
        """The entry of a transition loaded with its stages and actor."""
        return cls(
            action=t.action,
            at=t.at,
            actor=str(t.actor) if t.actor else None,
            from_stage=t.from_stage.name if t.from_stage else None,
            from_status=t.from_status,
            to_stage=t.to_stage.name if t.to_stage else None,
            to_status=t.to_status,
            reason=t.reason,
            note=t.note,
        )


@dataclass
class ApplicationCard:
    """One application as its candidate's page shows it."""

    id: int
    role_id: int
    role_title: str
    stage: str
    status: str
    created_at: datetime
    history: list[HistoryEntry] = field(default_factory=list)


_MOVE_FIELDS = tuple(
    f"transitions__{name}"
    for name in (
        "id",
        "action",
        "at",
        "actor__full_name",
        "actor__email",
        "from_stage__name",
        "from_status",
        "to_stage__name",
        "to_status",
        "reason",
        "note",
    )
)


def application_cards(membership: Membership, candidate_id: int) -> list[ApplicationCard]:
    """The candidate's applications the member may see, newest first, each with its history
    (oldest move first). Read as plain values in one query with the moves joined in, and sorted
    here: building instances with prefetched transitions cost twice as much, and the ORM's
    ORDER BY a quarter more."""
    rows = (
        visible_applications(membership)
        .filter(candidate_id=candidate_id)
        .values_list(
            "id", "role_id", "role__title", "stage__name", "status", "created_at", *_MOVE_FIELDS
        )
    )
    cards: dict[int, ApplicationCard] = {}
    moves: list[tuple[datetime, int, ApplicationCard, HistoryEntry]] = []
    for pk, role_id, title, stage, status, created_at, move_id, action, at, *move in rows:
        card = cards.get(pk)
        if card is None:
            card = cards[pk] = ApplicationCard(pk, role_id, title, stage, status, created_at)
        if move_id is None:  # an application without moves: the outer join's empty row
            continue
        full_name, email, *rest = move
        # As User.__str__; no email means no user row: the actor's account was deleted.
        actor = None if email is None else full_name or email
        moves.append((at, move_id, card, HistoryEntry(action, at, actor, *rest)))
    moves.sort(key=lambda m: m[:2])  # as Transition.Meta.ordering
    for _, _, card, entry in moves:
        card.history.append(entry)
    return sorted(cards.values(), key=lambda c: (c.created_at, c.id), reverse=True)


def application_history(application: Application) -> list[Transition]:
    """The application's moves, oldest first (prefetched by ``application_detail``)."""
    return list(application.transitions.all())


def time_in_stages(
    application: Application, *, now: datetime | None = None
) -> list[tuple[str, float]]:
    """Days spent in each visit to a stage, derived from the transitions (holds included)."""
    now = now or timezone.now()
    spans: list[tuple[str, float]] = []
    entered: tuple[PlanStage, datetime] | None = None
    for t in application.transitions.all():
        # A move that leaves the application open keeps it in a stage.
        in_stage = t.to_stage is not None and t.to_status in Application.OPEN_STATUSES
        if entered is not None and in_stage and t.to_stage == entered[0]:
            continue  # a hold or resume inside the same visit
        if entered is not None:
            spans.append((entered[0].name, (t.at - entered[1]).total_seconds() / 86400))
        entered = (t.to_stage, t.at) if in_stage and t.to_stage else None
    if entered is not None:
        spans.append((entered[0].name, (now - entered[1]).total_seconds() / 86400))
    return spans


def suggested_questions(role: Role, stage: PlanStage, *, limit: int = 12) -> list[Question]:
    """Questions for the stage's scorecard competencies that suit the role's level, the
    competencies the role's industry profile weighs most first."""
    snapshot = stage.scorecard_version.snapshot
    competencies = {c["competency"] for c in snapshot["criteria"]}
    weights = role.industry.weights if role.industry else {}
    candidates = list(
        Question.objects.filter(
            Q(workspace__isnull=True) | Q(workspace_id=role.workspace_id),
            retired=False,
            primary_competency__slug__in=competencies,
            levels__contains=f" {role.seniority} ",
        ).select_related("primary_competency")
    )
    candidates.sort(
        key=lambda q: (
            -weights.get(q.primary_competency.slug, 1.0),
            q.primary_competency.position,
            q.pk,
        )
    )
    return candidates[:limit]


def application_detail(membership: Membership, application_id: int) -> Application:
    """The application with its transitions loaded (for its page and the API)."""
    application = access_application(membership, application_id)
    return (
        Application.objects.select_related("candidate", "role", "stage")
        .prefetch_related(
            Prefetch(
                "transitions",
                queryset=Transition.objects.select_related("from_stage", "to_stage", "actor"),
            )
        )
        .get(pk=application.pk)
    )
