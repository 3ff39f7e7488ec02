"""``createuser --email E --password P [--name N] [--workspace SLUG --role ROLE] [--superuser]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hireloop.accounts.errors import InvalidInput
from hireloop.accounts.models import MemberRole, User, Workspace
from hireloop.accounts.services import membership_set, user_create


class Command(BaseCommand):
    help = "Create a user, optionally adding them to a workspace with a role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--name", default="")
        parser.add_argument("--workspace", help="workspace slug to join")
        parser.add_argument("--role", choices=MemberRole.values, default=MemberRole.INTERVIEWER)
        parser.add_argument("--superuser", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        workspace = None
        if opts["workspace"]:
            workspace = Workspace.objects.filter(slug=opts["workspace"]).first()
            if workspace is None:
                raise CommandError(f"no workspace with slug '{opts['workspace']}'")
        if User.objects.filter(email__iexact=opts["email"]).exists():
            raise CommandError(f"a user with email {opts['email']} already exists")
        try:
            user = user_create(
                email=opts["email"],
                password=opts["password"],
                full_name=opts["name"],
                is_superuser=opts["superuser"],
            )
        except InvalidInput as exc:
            problems = [m for messages in exc.field_errors.values() for m in messages]
            raise CommandError("; ".join(problems)) from None
        if workspace is not None:
            membership_set(workspace=workspace, user=user, role=opts["role"], actor=None)
        self.stdout.write(f"created {user.email}")
