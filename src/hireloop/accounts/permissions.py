"""Which roles may do what. Selectors and services ask here; nothing else hard-codes roles."""

from __future__ import annotations

from enum import StrEnum

from .models import Membership, Role


class Capability(StrEnum):
    LIBRARY_READ = "library.read"
    LIBRARY_EDIT = "library.edit"  # copy built-in content and edit the workspace's copies
    WORKSPACE_MANAGE = "workspace.manage"


_GRANTS: dict[Capability, frozenset[str]] = {
    Capability.LIBRARY_READ: frozenset(Role.values),
    Capability.LIBRARY_EDIT: frozenset({Role.ADMIN, Role.HIRING_MANAGER}),
    Capability.WORKSPACE_MANAGE: frozenset({Role.ADMIN}),
}


def can(membership: Membership | None, capability: Capability) -> bool:
    return membership is not None and membership.role in _GRANTS[capability]
