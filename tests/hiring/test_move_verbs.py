"""Each pipeline move is audited under its own verb, spelled as before: application.<action>."""

from __future__ import annotations

from hireloop.hiring.pipeline import MOVES
from hireloop.hiring.services import MOVE_VERBS


def test_every_move_has_its_verb():
    assert set(MOVE_VERBS) == set(MOVES)
    assert all(verb == f"application.{action}" for action, verb in MOVE_VERBS.items())
