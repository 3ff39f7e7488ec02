"""``demo [--scale N]``: the demo workspace (safe to run again), printing one login per role;
with ``--scale N`` also a large workspace with N candidates for measuring speed."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hireloop.demo.builder import PASSWORD, PEOPLE, build_demo, build_scale


class Command(BaseCommand):
    help = "Create (or refresh) the demo workspace and print its logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            metavar="N",
            help="also build the 'bigco' workspace with N candidates (e.g. 2000)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["scale"] < 0 or opts["scale"] > 100_000:
            raise CommandError("--scale must be between 0 and 100000")
        started = time.monotonic()
        workspace, created = build_demo()
        state = "created" if created else "already there"
        self.stdout.write(f"Demo workspace '{workspace.name}' {state}. Sign in with:")
        shown = set()
        for email, _, role in PEOPLE:
            if role in shown:
                continue
            shown.add(role)
            self.stdout.write(f"  {role.label:<15} {email:<24} password: {PASSWORD}")
        if opts["scale"]:
            big, created = build_scale(opts["scale"])
            state = "created" if created else "already there"
            self.stdout.write(
                f"Workspace '{big.name}' with {big.candidates.count()} candidates {state} "
                f"(same people at @bigco.test, same password) in {time.monotonic() - started:.0f}s."
            )
