"""Reads of the library, always through a workspace's view: built-in rows plus its own copies.

``access_question`` and ``access_scorecard`` are the one place where visibility and edit rights
for library entries are decided.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from hireloop.accounts.errors import NotFound, PermissionDenied
from hireloop.accounts.models import Membership
from hireloop.accounts.permissions import Capability
from hireloop.accounts.selectors import require

from . import models as m
from . import search

LIST_FIELDS = (
    "id",
    "slug",
    "prompt",
    "kind",
    "levels",
    "minutes",
    "workspace_id",
    "copied_from_id",
    "primary_competency__slug",
    "primary_competency__name",
)
KIND_LABELS = dict(m.QuestionKind.choices)


def _visible(workspace_id: int | None) -> Q:
    return Q(workspace__isnull=True) | Q(workspace_id=workspace_id)


def visible_questions(membership: Membership) -> QuerySet[m.Question]:
    require(membership, Capability.LIBRARY_READ)
    return m.Question.objects.filter(_visible(membership.workspace_id), retired=False)


def visible_scorecards(membership: Membership) -> QuerySet[m.Scorecard]:
    require(membership, Capability.LIBRARY_READ)
    return m.Scorecard.objects.filter(
        _visible(membership.workspace_id), retired=False
    ).select_related("current_version")


def scorecard_list(membership: Membership, *, by_name: bool = False) -> list[m.Scorecard]:
    """The visible scorecards with their current versions: built-in ones first, then the
    workspace's own, each in the order they were added (or, ``by_name``, by name)."""
    order = ("workspace_id", "name", "id") if by_name else ("workspace_id", "id")
    return list(visible_scorecards(membership).order_by(*order))


@dataclass(frozen=True)
class ScorecardAt:
    """A scorecard as one of its versions has it (the version's snapshot holds its content)."""

    card: m.Scorecard
    version: m.ScorecardVersion


def scorecard_version(card: m.Scorecard, number: int) -> m.ScorecardVersion | None:
    """One version of a scorecard (already accessed), or None when it has no such version."""
    return card.versions.filter(number=number).first()


def scorecard_version_numbers(card: m.Scorecard) -> list[int]:
    """The numbers of a scorecard's versions, newest first."""
    return list(card.versions.values_list("number", flat=True))


def scorecard_descends_from(scorecard_id: int, slug: str) -> bool:
    """Whether the scorecard is the library's scorecard ``slug`` or a workspace copy of it."""
    return m.Scorecard.objects.filter(
        Q(slug=slug) | Q(copied_from__slug=slug), pk=scorecard_id
    ).exists()


def access_question(membership: Membership, question_id: int, *, edit: bool = False) -> m.Question:
    question = (
        visible_questions(membership)
        .select_related("primary_competency", "copied_from")
        .filter(pk=question_id)
        .first()
    )
    if question is None:
        raise NotFound("No such question in this workspace's library.")
    if edit:
        require(membership, Capability.LIBRARY_EDIT)
        if question.workspace_id != membership.workspace_id:
            raise PermissionDenied(
                "Built-in questions are read-only: copy it to your workspace first."
            )
    return question


def access_scorecard(
    membership: Membership, scorecard_id: int, *, edit: bool = False
) -> m.Scorecard:
    scorecard = visible_scorecards(membership).filter(pk=scorecard_id).first()
    if scorecard is None:
        raise NotFound("No such scorecard in this workspace's library.")
    if edit:
        require(membership, Capability.LIBRARY_EDIT)
        if scorecard.workspace_id != membership.workspace_id:
            raise PermissionDenied(
                "Built-in scorecards are read-only: copy it to your workspace first."
            )
    return scorecard


@dataclass(frozen=True)
class QuestionFilter:
    q: str = ""
    competency: str = ""
    kind: str = ""
    seniority: str = ""

    @property
    def active(self) -> bool:
        return bool(self.q or self.competency or self.kind or self.seniority)


def _filtered(membership: Membership, f: QuestionFilter) -> QuerySet[m.Question]:
    qs = visible_questions(membership)
    if f.competency:
        qs = qs.filter(competencies__slug=f.competency)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.seniority:
        qs = qs.filter(levels__contains=f" {f.seniority} ")
    return qs


def question_page(
    membership: Membership, f: QuestionFilter, *, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """One page of questions as plain dicts (best match first when searching) and the total."""
    qs = _filtered(membership, f)
    if f.q:
        ranked = search.ranked_ids(f.q)
        allowed = set(qs.filter(id__in=ranked).values_list("id", flat=True))
        ordered = [i for i in ranked if i in allowed]
        total = len(ordered)
        page_ids = ordered[offset : offset + limit]
        by_id = {row["id"]: row for row in qs.filter(id__in=page_ids).values(*LIST_FIELDS)}
        rows = [by_id[i] for i in page_ids if i in by_id]
    else:
        qs = qs.order_by("primary_competency__position", "kind", "id")
        total = qs.count()
        rows = list(qs.values(*LIST_FIELDS)[offset : offset + limit])
    return _decorate(rows), total


def _decorate(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    links = m.Question.competencies.through.objects.filter(
        question_id__in=[r["id"] for r in rows]
    ).values_list("question_id", "competency__slug")
    by_question: dict[int, list[str]] = {}
    for question_id, slug in links:
        by_question.setdefault(question_id, []).append(slug)
    for row in rows:
        row["seniorities"] = row.pop("levels").split()
        row["kind_label"] = KIND_LABELS[row["kind"]]
        row["competencies"] = by_question.get(row["id"], [])
        row["builtin"] = row.pop("workspace_id") is None
        row["competency"] = {
            "slug": row.pop("primary_competency__slug"),
            "name": row.pop("primary_competency__name"),
        }
    return rows


def competency_list() -> QuerySet[m.Competency]:
    return m.Competency.objects.all()


def competency_by_slug(slug: str) -> m.Competency | None:
    return competency_list().filter(slug=slug).first()


def competencies_by_slug(slugs: list[str]) -> dict[str, m.Competency]:
    """The competencies among ``slugs`` that exist, by slug."""
    return {c.slug: c for c in competency_list().filter(slug__in=slugs)}


def competency_slugs() -> set[str]:
    return set(m.Competency.objects.values_list("slug", flat=True))


def question_competencies(question: m.Question) -> list[m.Competency]:
    """The question's competencies (prefetched by ``question_detail``)."""
    return list(question.competencies.all())


def competency_choices() -> list[tuple[str, str]]:
    return list(m.Competency.objects.values_list("slug", "name"))


def question_detail(membership: Membership, question_id: int) -> m.Question:
    """The question with everything its page and API shape need, in one visible lookup."""
    question = (
        visible_questions(membership)
        .select_related("primary_competency", "copied_from")
        .prefetch_related("competencies")
        .filter(pk=question_id)
        .first()
    )
    if question is None:
        raise NotFound("No such question in this workspace's library.")
    return question


def scorecards_using_question(membership: Membership, question: m.Question) -> list[m.Scorecard]:
    return [
        card
        for card in visible_scorecards(membership)
        if card.current_version
        and any(
            question.slug in c["sample_questions"]
            for c in card.current_version.snapshot["criteria"]
        )
    ]


def questions_by_slug(membership: Membership, slugs: list[str]) -> dict[str, m.Question]:
    """Resolve slugs to visible questions, preferring the workspace's own copy of a slug."""
    found: dict[str, m.Question] = {}
    for q in visible_questions(membership).filter(slug__in=slugs).order_by("workspace_id"):
        if q.slug not in found or q.workspace_id is not None:
            found[q.slug] = q
    return found


def own_copies(membership: Membership, source: m.Question | m.Scorecard) -> list[Any]:
    """The workspace's copies of a built-in entry, so pages can point at them."""
    if not source.is_builtin:
        return []
    return list(source.copies.filter(workspace_id=membership.workspace_id, retired=False))


def stage_list() -> QuerySet[m.StageTemplate]:
    return m.StageTemplate.objects.select_related("scorecard")


def stage_by_slug(slug: str) -> m.StageTemplate | None:
    return stage_list().filter(slug=slug).first()


def stage_names() -> dict[str, str]:
    """Each stage template's name by its slug."""
    return dict(m.StageTemplate.objects.values_list("slug", "name"))


def process() -> m.Process | None:
    return m.Process.objects.first()


def process_stages() -> list[m.StageTemplate]:
    """The stage templates of the default process, in its order."""
    return list(stage_list().filter(process_position__isnull=False).order_by("process_position"))


def task_list() -> QuerySet[m.PracticalTask]:
    return m.PracticalTask.objects.prefetch_related("competencies")


def task_by_slug(slug: str) -> m.PracticalTask | None:
    return task_list().filter(slug=slug).first()


def task_by_pk(pk: int) -> m.PracticalTask | None:
    return task_list().filter(pk=pk).first()


def skill_list() -> QuerySet[m.SkillRequirement]:
    return m.SkillRequirement.objects.select_related("competency")


def industry_list() -> QuerySet[m.IndustryProfile]:
    return m.IndustryProfile.objects.all()


def industry_by_slug(slug: str) -> m.IndustryProfile | None:
    return industry_list().filter(slug=slug).first()


def red_flag_list() -> QuerySet[m.CandidateRedFlag]:
    return m.CandidateRedFlag.objects.all()


def prep_topic_list() -> QuerySet[m.PrepTopic]:
    return m.PrepTopic.objects.all()


def library_counts(membership: Membership) -> dict[str, int]:
    return {
        "questions": visible_questions(membership).count(),
        "scorecards": visible_scorecards(membership).count(),
        "competencies": m.Competency.objects.count(),
        "stages": m.StageTemplate.objects.count(),
        "tasks": m.PracticalTask.objects.count(),
    }
