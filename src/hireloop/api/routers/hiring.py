"""/api/v1/roles, /candidates, /applications: the hiring pipeline."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from hireloop.accounts.errors import InvalidInput
from hireloop.accounts.selectors import workspace_user
from hireloop.hiring import selectors, services
from hireloop.hiring.prep import prep_link_create

from ..auth import membership_of
from ..errors import ErrorOut
from ..pagination import Page, PageParams, page_body
from ..schemas import hiring as s

router = Router(tags=["hiring"])
ERRORS: dict[int | tuple[int, ...], Any] = {(400, 401, 403, 404, 409, 422): ErrorOut}
MAX_RESUME_BYTES = 5 * 1024 * 1024


@router.get("/roles", response={200: Page[s.RoleSummary], **ERRORS})
def list_roles(
    request: HttpRequest, page: Query[PageParams], status: s.RoleStatusFilter = ""
) -> Any:
    roles, count = selectors.role_page(
        membership_of(request), status=status, offset=page.offset, limit=page.limit
    )
    return page_body(roles, count, page)


@router.post("/roles", response={201: s.RoleOut, **ERRORS})
def create_role(request: HttpRequest, payload: s.RoleIn) -> Any:
    membership = membership_of(request)
    manager = None
    if payload.hiring_manager_id is not None:
        manager = workspace_user(membership.workspace_id, payload.hiring_manager_id)
        if manager is None:
            raise InvalidInput(
                "The hiring manager must be a member of this workspace.",
                field_errors={"hiring_manager_id": ["not a member"]},
            )
    role = services.role_create(
        membership=membership,
        title=payload.title,
        seniority=payload.seniority,
        team=payload.team,
        industry=payload.industry,
        hiring_manager=manager,
    )
    return Status(201, selectors.access_role(membership, role.pk))


@router.get("/roles/{int:role_id}", response={200: s.RoleOut, **ERRORS})
def get_role(request: HttpRequest, role_id: int) -> Any:
    return selectors.access_role(membership_of(request), role_id)


@router.patch("/roles/{int:role_id}", response={200: s.RoleOut, **ERRORS})
def update_role(request: HttpRequest, role_id: int, payload: s.RolePatch) -> Any:
    membership = membership_of(request)
    services.role_update(
        membership=membership, role_id=role_id, data=payload.model_dump(exclude_none=True)
    )
    return selectors.access_role(membership, role_id)


@router.get("/roles/{int:role_id}/board", response={200: list[s.BoardColumnOut], **ERRORS})
def get_board(request: HttpRequest, role_id: int) -> Any:
    membership = membership_of(request)
    return selectors.board(membership, selectors.access_role(membership, role_id))


@router.post("/roles/{int:role_id}/stages", response={201: s.RoleOut, **ERRORS})
def add_stage(request: HttpRequest, role_id: int, payload: s.StageIn) -> Any:
    membership = membership_of(request)
    services.plan_stage_add(
        membership=membership,
        role_id=role_id,
        name=payload.name,
        scorecard_id=payload.scorecard_id,
        minutes=payload.minutes,
        template=payload.template,
    )
    return Status(201, selectors.access_role(membership, role_id))


@router.patch("/stages/{int:stage_id}", response={200: s.RoleOut, **ERRORS})
def update_stage(request: HttpRequest, stage_id: int, payload: s.StagePatch) -> Any:
    membership = membership_of(request)
    stage = services.plan_stage_update(membership=membership, stage_id=stage_id, **payload.dict())
    return selectors.access_role(membership, stage.role_id)


@router.post("/stages/{int:stage_id}/move", response={200: s.RoleOut, **ERRORS})
def move_stage(request: HttpRequest, stage_id: int, payload: s.StageMove) -> Any:
    membership = membership_of(request)
    stage = services.plan_stage_move(
        membership=membership, stage_id=stage_id, offset=payload.offset
    )
    return selectors.access_role(membership, stage.role_id)


@router.delete("/stages/{int:stage_id}", response={204: None, **ERRORS})
def remove_stage(request: HttpRequest, stage_id: int) -> Any:
    services.plan_stage_remove(membership=membership_of(request), stage_id=stage_id)
    return Status(204, None)


@router.get("/candidates", response={200: Page[s.CandidateSummary], **ERRORS})
def list_candidates(
    request: HttpRequest, filters: Query[s.CandidateFilters], page: Query[PageParams]
) -> Any:
    candidates, count = selectors.candidate_page(
        membership_of(request), q=filters.q, offset=page.offset, limit=page.limit
    )
    return page_body(candidates, count, page)


@router.post("/candidates", response={201: s.CandidateOut, **ERRORS})
def create_candidate(request: HttpRequest, payload: s.CandidateIn) -> Any:
    candidate = services.candidate_create(membership=membership_of(request), data=payload.dict())
    return Status(201, candidate)


@router.get("/candidates/{int:candidate_id}", response={200: s.CandidateOut, **ERRORS})
def get_candidate(request: HttpRequest, candidate_id: int) -> Any:
    return selectors.access_candidate(membership_of(request), candidate_id)


@router.patch("/candidates/{int:candidate_id}", response={200: s.CandidateOut, **ERRORS})
def update_candidate(request: HttpRequest, candidate_id: int, payload: s.CandidatePatch) -> Any:
    return services.candidate_update(
        membership=membership_of(request),
        candidate_id=candidate_id,
        data=payload.model_dump(exclude_none=True),
    )


@router.post("/candidates/{int:candidate_id}/resume", response={200: s.CandidateOut, **ERRORS})
def upload_resume(
    request: HttpRequest,
    candidate_id: int,
    resume: UploadedFile = File(...),  # type: ignore[type-arg]  # noqa: B008
) -> Any:
    data = resume.read(MAX_RESUME_BYTES + 1)
    return services.candidate_attach_resume(
        membership=membership_of(request),
        candidate_id=candidate_id,
        filename=resume.name or "resume",
        data=data,
    )


@router.get("/applications", response={200: Page[s.ApplicationSummary], **ERRORS})
def list_applications(
    request: HttpRequest, filters: Query[s.ApplicationFilters], page: Query[PageParams]
) -> Any:
    applications, count = selectors.application_page(
        membership_of(request),
        role_id=filters.role,
        status=filters.status,
        stage=filters.stage,
        q=filters.q,
        offset=page.offset,
        limit=page.limit,
    )
    return page_body(applications, count, page)


@router.post("/applications", response={201: s.ApplicationOut, **ERRORS})
def create_application(request: HttpRequest, payload: s.ApplicationIn) -> Any:
    membership = membership_of(request)
    application = services.application_create(
        membership=membership, candidate_id=payload.candidate_id, role_id=payload.role_id
    )
    return Status(201, selectors.application_detail(membership, application.pk))


@router.get("/applications/{int:application_id}", response={200: s.ApplicationOut, **ERRORS})
def get_application(request: HttpRequest, application_id: int) -> Any:
    return selectors.application_detail(membership_of(request), application_id)


@router.post("/applications/{int:application_id}/moves", response={200: s.ApplicationOut, **ERRORS})
def move_application(request: HttpRequest, application_id: int, payload: s.MoveIn) -> Any:
    membership = membership_of(request)
    services.application_move(
        membership=membership,
        application_id=application_id,
        action=payload.action,
        version=payload.version,
        reason=payload.reason,
        note=payload.note,
    )
    return selectors.application_detail(membership, application_id)


@router.post(
    "/applications/{int:application_id}/prep-link", response={201: s.PrepLinkOut, **ERRORS}
)
def create_prep_link(request: HttpRequest, application_id: int, payload: s.PrepLinkIn) -> Any:
    """A signed link to the candidate's preparation page, valid for ``days``."""
    token = prep_link_create(
        membership=membership_of(request), application_id=application_id, days=payload.days
    )
    return Status(
        201,
        {
            "url": request.build_absolute_uri(reverse("candidate-prep", args=[token])),
            "days": payload.days,
        },
    )
