"""/api/v1/applications/{id}/debrief, decisions and focus areas; /api/v1/roles/{id}/rules:
deciding on a candidate from every submitted scorecard."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from hireloop.decisions import selectors, services
from hireloop.hiring.selectors import access_role

from ..auth import membership_of
from ..errors import ErrorOut
from ..schemas import decisions as s

router = Router(tags=["decisions"])
ERRORS: dict[int | tuple[int, ...], Any] = {(400, 401, 403, 404, 409, 422): ErrorOut}


@router.get("/applications/{int:application_id}/debrief", response={200: s.DebriefOut, **ERRORS})
def get_debrief(request: HttpRequest, application_id: int) -> Any:
    return selectors.debrief(membership_of(request), application_id)


@router.post(
    "/applications/{int:application_id}/decisions", response={201: s.DecisionOut, **ERRORS}
)
def record_decision(request: HttpRequest, application_id: int, payload: s.DecisionIn) -> Any:
    decision = services.decision_record(
        membership=membership_of(request), application_id=application_id, **payload.dict()
    )
    return Status(201, decision)


@router.post(
    "/applications/{int:application_id}/focus-areas", response={201: s.FocusAreaOut, **ERRORS}
)
def request_focus_area(request: HttpRequest, application_id: int, payload: s.FocusAreaIn) -> Any:
    area = services.focus_area_request(
        membership=membership_of(request), application_id=application_id, **payload.dict()
    )
    return Status(201, area)


@router.put("/roles/{int:role_id}/rules", response={200: dict[str, Any], **ERRORS})
def update_rules(request: HttpRequest, role_id: int, payload: s.RulesIn) -> Any:
    membership = membership_of(request)
    services.role_rules_update(membership=membership, role_id=role_id, data=payload.model_dump())
    return asdict(selectors.effective_rules(access_role(membership, role_id)))
