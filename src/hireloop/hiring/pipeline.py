"""Where each pipeline action takes an application: one definition for the move itself
(``hiring.services.application_move``) and for the buttons a page offers."""

from __future__ import annotations

from dataclasses import dataclass

from hireloop.accounts.errors import Conflict, InvalidInput

from .models import Action, Application, ApplicationStatus, PlanStage

# The actions a member can take on an application; "create" is how it starts, not a move.
MOVES = (
    Action.ADVANCE,
    Action.BACK,
    Action.HOLD,
    Action.RESUME,
    Action.WITHDRAW,
    Action.HIRE,
    Action.REJECT,
)
_ACTIVE_ONLY = (Action.ADVANCE, Action.BACK, Action.REJECT, Action.HOLD, Action.HIRE)


@dataclass(frozen=True)
class Move:
    stage: PlanStage
    status: str


def move_target(application: Application, stages: list[PlanStage], action: str) -> Move:
    """Where ``action`` takes the application along its role's plan (``stages``, in order),
    or a Conflict saying why it cannot."""
    status, stage = application.status, application.stage
    index = next(i for i, s in enumerate(stages) if s.pk == application.stage_id)
    label = ApplicationStatus(status).label.lower()
    if action in _ACTIVE_ONLY and status != ApplicationStatus.ACTIVE:
        raise Conflict(f"The application is {label}; only active applications can be moved.")
    if action == Action.ADVANCE:
        if index + 1 >= len(stages):
            raise Conflict("This is the last stage: hire or reject instead.")
        return Move(stages[index + 1], ApplicationStatus.ACTIVE)
    if action == Action.BACK:
        if index == 0:
            raise Conflict("This is already the first stage.")
        return Move(stages[index - 1], ApplicationStatus.ACTIVE)
    if action == Action.HIRE:
        if index + 1 != len(stages):
            raise Conflict("Candidates are hired from the last stage of the plan.")
        return Move(stage, ApplicationStatus.HIRED)
    if action == Action.REJECT:
        return Move(stage, ApplicationStatus.REJECTED)
    if action == Action.HOLD:
        return Move(stage, ApplicationStatus.ON_HOLD)
    if action == Action.RESUME:
        if status != ApplicationStatus.ON_HOLD:
            raise Conflict(f"The application is {label}, not on hold.")
        return Move(stage, ApplicationStatus.ACTIVE)
    if action == Action.WITHDRAW:
        if not application.is_open:
            raise Conflict(f"The application is already {label}.")
        return Move(stage, ApplicationStatus.WITHDRAWN)
    raise InvalidInput(f"Unknown action '{action}'.", field_errors={"action": ["unknown"]})


def possible_moves(application: Application, stages: list[PlanStage]) -> set[str]:
    """The actions that would succeed now, whoever asks."""
    possible: set[str] = set()
    for action in MOVES:
        try:
            move_target(application, stages, action)
        except Conflict:
            continue
        possible.add(action)
    return possible
