"""Which roles may do what. Selectors and services ask here; nothing else hard-codes roles."""

from __future__ import annotations

from enum import StrEnum

from .models import MemberRole, Membership


class Capability(StrEnum):
    LIBRARY_READ = "library.read"
    LIBRARY_EDIT = "library.edit"  # copy built-in content and edit the workspace's copies
    WORKSPACE_MANAGE = "workspace.manage"
    ROLE_MANAGE = "role.manage"  # open roles and shape their interview plans
    CANDIDATE_MANAGE = "candidate.manage"  # candidates, applications, schedules
    APPLICATION_MOVE = "application.move"  # move applications through the pipeline
    SEE_ALL_ROLES = "role.see_all"  # every role of the workspace, not only one's own
    DECIDE = "decision.record"
    TASK_ASSIGN = "task.assign"  # give a candidate a practical task
    TASK_REVIEW = "task.review"  # score a submission and override its automatic checks


# Short names, so the table reads as a grid of roles.
_ADMIN, _RECRUITER, _MANAGER, _INTERVIEWER = (
    MemberRole.ADMIN,
    MemberRole.RECRUITER,
    MemberRole.HIRING_MANAGER,
    MemberRole.INTERVIEWER,
)
_GRANTS: dict[Capability, frozenset[str]] = {
    Capability.LIBRARY_READ: frozenset(MemberRole.values),
    Capability.LIBRARY_EDIT: frozenset({_ADMIN, _MANAGER}),
    Capability.WORKSPACE_MANAGE: frozenset({_ADMIN}),
    Capability.ROLE_MANAGE: frozenset({_ADMIN, _RECRUITER, _MANAGER}),
    Capability.CANDIDATE_MANAGE: frozenset({_ADMIN, _RECRUITER}),
    Capability.APPLICATION_MOVE: frozenset({_ADMIN, _RECRUITER, _MANAGER}),
    Capability.SEE_ALL_ROLES: frozenset({_ADMIN, _RECRUITER}),
    Capability.DECIDE: frozenset({_ADMIN, _MANAGER}),
    Capability.TASK_ASSIGN: frozenset({_ADMIN, _RECRUITER, _MANAGER}),
    Capability.TASK_REVIEW: frozenset({_ADMIN, _MANAGER, _INTERVIEWER}),
}


def can(membership: Membership | None, capability: Capability) -> bool:
    return membership is not None and membership.role in _GRANTS[capability]
