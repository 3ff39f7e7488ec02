"""``hireloop worker``: the background worker that grades submissions (a Huey consumer)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from hireloop.assessments.services import grading_runs_reconcile


class Command(BaseCommand):
    help = "Run the background worker. It first queues again any grading a dead worker left."

    def handle(self, *args: Any, **opts: Any) -> None:
        requeued = grading_runs_reconcile(startup=True)
        if requeued:
            self.stdout.write(f"Queued again: grading runs {requeued}")
        call_command("run_huey")
