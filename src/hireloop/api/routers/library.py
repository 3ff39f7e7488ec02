"""/api/v1/library: the interview library, read-only except for a workspace's own copies."""

from __future__ import annotations

from typing import Any

import orjson
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from hireloop.accounts.errors import NotFound
from hireloop.library import cache as library_cache
from hireloop.library import models as m
from hireloop.library import selectors, services
from hireloop.library.export import task_document

from ..auth import membership_of
from ..errors import ErrorOut
from ..pagination import Page, PageParams
from ..schemas import library as s

router = Router(tags=["library"])
ERRORS: dict[int | tuple[int, ...], Any] = {(401, 403, 404, 409, 422): ErrorOut}


def question_out(q: m.Question) -> dict[str, Any]:
    return {
        "id": q.pk,
        "slug": q.slug,
        "prompt": q.prompt,
        "kind": q.kind,
        "competencies": [c.slug for c in selectors.question_competencies(q)],
        "seniorities": q.seniorities,
        "minutes": q.minutes,
        "look_for": q.look_for,
        "strong_signals": q.strong_signals,
        "weak_signals": q.weak_signals,
        "good_answer": q.good_answer,
        "poor_answer": q.poor_answer,
        "follow_ups": q.follow_ups,
        "red_flags": q.red_flags,
        "strong_answer_names": q.strong_answer_names,
        "star": q.star,
        "builtin": q.is_builtin,
        "copied_from_id": q.copied_from_id,
    }


def scorecard_out(card: m.Scorecard, version: m.ScorecardVersion) -> dict[str, Any]:
    snap = version.snapshot
    return {
        "id": card.pk,
        "slug": card.slug,
        "name": snap["name"],
        "stage": card.stage_slug,
        "summary": snap["summary"],
        "minutes": snap["minutes"],
        "version": version.number,
        "versions": selectors.scorecard_version_numbers(card),
        "criteria": snap["criteria"],
        "red_flags": snap["red_flags"],
        "recommendations": snap["recommendations"],
        "builtin": card.is_builtin,
        "copied_from_id": card.copied_from_id,
    }


@router.get("/competencies", response=list[s.CompetencyOut])
def list_competencies(request: HttpRequest) -> Any:
    return list(selectors.competency_list())


@router.get("/questions", response={200: Page[s.QuestionSummary], **ERRORS})
def list_questions(
    request: HttpRequest, filters: Query[s.QuestionFilters], page: Query[PageParams]
) -> Any:
    membership = membership_of(request)
    f = selectors.QuestionFilter(
        q=filters.q, competency=filters.competency, kind=filters.kind, seniority=filters.seniority
    )

    def render() -> bytes:
        items, count = selectors.question_page(membership, f, limit=page.limit, offset=page.offset)
        body = {"items": items, "count": count, "limit": page.limit, "offset": page.offset}
        return orjson.dumps(body)

    # The rows come straight from the selector in the documented shape; validating 50 of
    # them again cost a quarter of the request (see bench/README.md). The body is cached per
    # workspace until the library changes.
    body = library_cache.for_workspace(
        membership, ("api-questions", f, page.limit, page.offset), render
    )
    return HttpResponse(body, content_type="application/json")


@router.get("/questions/{int:question_id}", response={200: s.QuestionOut, **ERRORS})
def get_question(request: HttpRequest, question_id: int) -> Any:
    return question_out(selectors.question_detail(membership_of(request), question_id))


@router.post("/questions/{int:question_id}/copy", response={201: s.QuestionOut, **ERRORS})
def copy_question(request: HttpRequest, question_id: int) -> Any:
    copy = services.question_copy(membership=membership_of(request), question_id=question_id)
    return Status(201, question_out(selectors.question_detail(membership_of(request), copy.pk)))


@router.put("/questions/{int:question_id}", response={200: s.QuestionOut, **ERRORS})
def update_question(request: HttpRequest, question_id: int, payload: s.QuestionIn) -> Any:
    services.question_update(
        membership=membership_of(request),
        question_id=question_id,
        data=payload.model_dump(exclude_none=True),
    )
    return question_out(selectors.question_detail(membership_of(request), question_id))


@router.get("/scorecards", response=list[s.ScorecardSummary])
def list_scorecards(request: HttpRequest) -> Any:
    return [
        {
            "id": c.pk,
            "slug": c.slug,
            "name": c.name,
            "stage": c.stage_slug,
            "summary": c.summary,
            "minutes": c.minutes,
            "version": c.current_version.number if c.current_version else None,
            "criteria": len(c.current_version.snapshot["criteria"]) if c.current_version else 0,
            "builtin": c.is_builtin,
            "copied_from_id": c.copied_from_id,
        }
        for c in selectors.scorecard_list(membership_of(request))
    ]


@router.get("/scorecards/{int:scorecard_id}", response={200: s.ScorecardTemplateOut, **ERRORS})
def get_scorecard(request: HttpRequest, scorecard_id: int, version: int | None = None) -> Any:
    card = selectors.access_scorecard(membership_of(request), scorecard_id)
    chosen = card.current_version
    if version is not None:
        chosen = selectors.scorecard_version(card, version)
        if chosen is None:
            raise NotFound(f"Scorecard '{card.slug}' has no version {version}.")
    assert chosen is not None
    return scorecard_out(card, chosen)


@router.post(
    "/scorecards/{int:scorecard_id}/copy", response={201: s.ScorecardTemplateOut, **ERRORS}
)
def copy_scorecard(request: HttpRequest, scorecard_id: int) -> Any:
    copy = services.scorecard_copy(membership=membership_of(request), scorecard_id=scorecard_id)
    assert copy.current_version is not None
    return Status(201, scorecard_out(copy, copy.current_version))


@router.put("/scorecards/{int:scorecard_id}", response={200: s.ScorecardTemplateOut, **ERRORS})
def update_scorecard(
    request: HttpRequest, scorecard_id: int, payload: s.ScorecardTemplateIn
) -> Any:
    card = services.scorecard_update(
        membership=membership_of(request), scorecard_id=scorecard_id, data=payload.model_dump()
    )
    assert card.current_version is not None
    return scorecard_out(card, card.current_version)


@router.get("/stages", response=list[s.StageTemplateOut])
def list_stages(request: HttpRequest) -> Any:
    return [
        {
            "slug": st.slug,
            "name": st.name,
            "kind": st.kind,
            "summary": st.summary,
            "minutes": st.minutes,
            "focus": st.focus,
            "participants": st.participants,
            "success_criteria": st.success_criteria,
            "prep_tips": st.prep_tips,
            "typical_tasks": st.typical_tasks,
            "discussion_points": st.discussion_points,
            "scorecard": st.scorecard.slug if st.scorecard else None,
            "in_default_process": st.process_position is not None,
        }
        for st in selectors.stage_list()
    ]


@router.get("/process", response={200: s.ProcessOut, **ERRORS})
def get_process(request: HttpRequest) -> Any:
    process = selectors.process()
    if process is None:
        raise NotFound("No interview process is loaded yet.")
    stages = selectors.process_stages()
    return {
        "slug": process.slug,
        "name": process.name,
        "summary": process.summary,
        "typical_weeks_min": process.typical_weeks_min,
        "typical_weeks_max": process.typical_weeks_max,
        "stages": [st.slug for st in stages],
        "agenda": process.agenda,
        "expectations": process.expectations,
    }


@router.get("/tasks", response=list[s.TaskOut])
def list_tasks(request: HttpRequest) -> Any:
    return [task_document(t) for t in selectors.task_list()]


@router.get("/tasks/{slug}", response={200: s.TaskOut, **ERRORS})
def get_task(request: HttpRequest, slug: str) -> Any:
    task = selectors.task_by_slug(slug)
    if task is None:
        raise NotFound(f"No practical task '{slug}'.")
    return task_document(task)


@router.get("/skills", response=list[s.SkillOut])
def list_skills(request: HttpRequest) -> Any:
    return [
        {
            "slug": k.slug,
            "skill": k.skill,
            "priority": k.priority,
            "competency": k.competency.slug,
            "method": k.method,
            "minimum": k.minimum or None,
            "criteria": k.criteria,
        }
        for k in selectors.skill_list()
    ]


@router.get("/industries", response=list[s.IndustryOut])
def list_industries(request: HttpRequest) -> Any:
    return list(selectors.industry_list())


@router.get("/red-flags", response=list[s.CandidateRedFlagOut])
def list_red_flags(request: HttpRequest) -> Any:
    return list(selectors.red_flag_list())


@router.get("/prep-tips", response=list[s.PrepTopicOut])
def list_prep_tips(request: HttpRequest) -> Any:
    return list(selectors.prep_topic_list())
