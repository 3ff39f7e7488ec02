"""/api/v1/library: the interview library, read-only except for a workspace's own copies."""

from __future__ import annotations

from typing import Any

import orjson
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from hireloop.accounts.errors import NotFound
from hireloop.library import cache as library_cache
from hireloop.library import selectors, services
from hireloop.library.export import task_document

from ..auth import membership_of
from ..errors import ErrorOut
from ..pagination import Page, PageParams, page_body
from ..schemas import library as s

router = Router(tags=["library"])
ERRORS: dict[int | tuple[int, ...], Any] = {(401, 403, 404, 409, 422): ErrorOut}


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
        return orjson.dumps(page_body(items, count, page))

    # The rows come straight from the selector in the documented shape; validating 50 of
    # them again cost a quarter of the request (see bench/README.md). The body is cached per
    # workspace until the library changes.
    body = library_cache.for_workspace(
        membership, ("api-questions", f, page.limit, page.offset), render
    )
    return HttpResponse(body, content_type="application/json")


@router.get("/questions/{int:question_id}", response={200: s.QuestionOut, **ERRORS})
def get_question(request: HttpRequest, question_id: int) -> Any:
    return selectors.question_detail(membership_of(request), question_id)


@router.post("/questions/{int:question_id}/copy", response={201: s.QuestionOut, **ERRORS})
def copy_question(request: HttpRequest, question_id: int) -> Any:
    copy = services.question_copy(membership=membership_of(request), question_id=question_id)
    return Status(201, selectors.question_detail(membership_of(request), copy.pk))


@router.put("/questions/{int:question_id}", response={200: s.QuestionOut, **ERRORS})
def update_question(request: HttpRequest, question_id: int, payload: s.QuestionIn) -> Any:
    services.question_update(
        membership=membership_of(request),
        question_id=question_id,
        data=payload.model_dump(exclude_none=True),
    )
    return selectors.question_detail(membership_of(request), question_id)


@router.get("/scorecards", response=list[s.ScorecardSummary])
def list_scorecards(request: HttpRequest) -> Any:
    return selectors.scorecard_list(membership_of(request))


@router.get("/scorecards/{int:scorecard_id}", response={200: s.ScorecardTemplateOut, **ERRORS})
def get_scorecard(request: HttpRequest, scorecard_id: int, version: int | None = None) -> Any:
    card = selectors.access_scorecard(membership_of(request), scorecard_id)
    chosen = card.current_version
    if version is not None:
        chosen = selectors.scorecard_version(card, version)
        if chosen is None:
            raise NotFound(f"Scorecard '{card.slug}' has no version {version}.")
    assert chosen is not None
    return selectors.ScorecardAt(card, chosen)


@router.post(
    "/scorecards/{int:scorecard_id}/copy", response={201: s.ScorecardTemplateOut, **ERRORS}
)
def copy_scorecard(request: HttpRequest, scorecard_id: int) -> Any:
    copy = services.scorecard_copy(membership=membership_of(request), scorecard_id=scorecard_id)
    assert copy.current_version is not None
    return Status(201, selectors.ScorecardAt(copy, copy.current_version))


@router.put("/scorecards/{int:scorecard_id}", response={200: s.ScorecardTemplateOut, **ERRORS})
def update_scorecard(
    request: HttpRequest, scorecard_id: int, payload: s.ScorecardTemplateIn
) -> Any:
    card = services.scorecard_update(
        membership=membership_of(request), scorecard_id=scorecard_id, data=payload.model_dump()
    )
    assert card.current_version is not None
    return selectors.ScorecardAt(card, card.current_version)


@router.get("/stages", response=list[s.StageTemplateOut])
def list_stages(request: HttpRequest) -> Any:
    return list(selectors.stage_list())


@router.get("/process", response={200: s.ProcessOut, **ERRORS})
def get_process(request: HttpRequest) -> Any:
    process = selectors.process()
    if process is None:
        raise NotFound("No interview process is loaded yet.")
    return process


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
    return list(selectors.skill_list())


@router.get("/industries", response=list[s.IndustryOut])
def list_industries(request: HttpRequest) -> Any:
    return list(selectors.industry_list())


@router.get("/red-flags", response=list[s.CandidateRedFlagOut])
def list_red_flags(request: HttpRequest) -> Any:
    return list(selectors.red_flag_list())


@router.get("/prep-tips", response=list[s.PrepTopicOut])
def list_prep_tips(request: HttpRequest) -> Any:
    return list(selectors.prep_topic_list())
