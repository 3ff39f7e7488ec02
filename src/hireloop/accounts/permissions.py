"""Which roles may do what. Selectors and services ask here; nothing else hard-codes roles."""

from __future__ import annotations

from enum import StrEnum

from .models import Membership, Role


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


_GRANTS: dict[Capability, frozenset[str]] = {
    Capability.LIBRARY_READ: frozenset(Role.values),
    Capability.LIBRARY_EDIT: frozenset({Role.ADMIN, Role.HIRING_MANAGER}),
    Capability.WORKSPACE_MANAGE: frozenset({Role.ADMIN}),
    Capability.ROLE_MANAGE: frozenset({Role.ADMIN, Role.RECRUITER, Role.HIRING_MANAGER}),
    Capability.CANDIDATE_MANAGE: frozenset({Role.ADMIN, Role.RECRUITER}),
    Capability.APPLICATION_MOVE: frozenset({Role.ADMIN, Role.RECRUITER, Role.HIRING_MANAGER}),
    Capability.SEE_ALL_ROLES: frozenset({Role.ADMIN, Role.RECRUITER}),
    Capability.DECIDE: frozenset({Role.ADMIN, Role.HIRING_MANAGER}),
    Capability.TASK_ASSIGN: frozenset({Role.ADMIN, Role.RECRUITER, Role.HIRING_MANAGER}),
    Capability.TASK_REVIEW: frozenset({Role.ADMIN, Role.HIRING_MANAGER, Role.INTERVIEWER}),
}


def can(membership: Membership | None, capability: Capability) -> bool:
    return membership is not None and membership.role in _GRANTS[capability]
