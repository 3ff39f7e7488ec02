"""``demo``: a demo workspace with one user per role; safe to run again. Prints the logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from hireloop.accounts.models import Role, User, Workspace
from hireloop.accounts.services import membership_set, user_create, workspace_create

DEMO_WORKSPACE = ("Acme Backend Hiring", "acme")
DEMO_PASSWORD = "hireloop-demo"  # noqa: S105 - printed to the operator; local demo only
DEMO_USERS = [
    ("admin@acme.test", "Ada Admin", Role.ADMIN),
    ("recruiter@acme.test", "Rae Recruiter", Role.RECRUITER),
    ("manager@acme.test", "Hal Manager", Role.HIRING_MANAGER),
    ("interviewer@acme.test", "Ian Interviewer", Role.INTERVIEWER),
]


class Command(BaseCommand):
    help = "Create (or refresh) the demo workspace and print its logins."

    def handle(self, *args: Any, **opts: Any) -> None:
        with transaction.atomic():
            workspace = Workspace.objects.filter(slug=DEMO_WORKSPACE[1]).first()
            if workspace is None:
                workspace = workspace_create(name=DEMO_WORKSPACE[0], slug=DEMO_WORKSPACE[1])
            for email, name, role in DEMO_USERS:
                user = User.objects.filter(email=email).first()
                if user is None:
                    user = user_create(email=email, password=DEMO_PASSWORD, full_name=name)
                membership_set(workspace=workspace, user=user, role=role, actor=None)
        self.stdout.write(f"Demo workspace '{workspace.name}' is ready. Sign in with:")
        for email, _, role in DEMO_USERS:
            self.stdout.write(f"  {role.label:<15} {email:<24} password: {DEMO_PASSWORD}")
