"""Template context shared by every page: the current membership and what it may do."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from hireloop.accounts.current import current_membership, current_memberships
from hireloop.accounts.permissions import Capability, can


def workspace(request: HttpRequest) -> dict[str, Any]:
    if not request.user.is_authenticated:
        return {}
    membership = current_membership(request)
    return {
        "membership": membership,
        # For the workspace switcher: read with the membership, not once more by the header.
        "workspace_memberships": current_memberships(request),
        "can_edit_library": can(membership, Capability.LIBRARY_EDIT),
        "can_review_tasks": can(membership, Capability.TASK_REVIEW),
    }
