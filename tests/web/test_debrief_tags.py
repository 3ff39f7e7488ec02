"""The debrief's rows built in Python (debrief_tags): the markup the template used to produce,
and every text from people escaped, in the tags and on the page."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape
from types import SimpleNamespace

import pytest
from django.template import Context

from hireloop.decisions.services import decision_record, focus_area_request
from hireloop.web.decisions.tags import (
    coverage_rows,
    decision_entries,
    focus_suggestions,
    matrix_head,
    matrix_rows,
    requested_focus,
)

from ..conftest import signed_in
from ..debriefs import submit_scorecard, two_interviewer_application

EVIL = "<script>alert('x')</script>"
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"
AT = datetime(2025, 3, 4, 9, 5, tzinfo=UTC)


class Person:
    """Someone shown by ``str()``, as a user is on the page."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __str__(self) -> str:
        return self.name


def test_matrix_head_escapes_names_and_stages():
    html = matrix_head(
        [
            {
                "interviewer": EVIL,
                "stage": "Tech & design",
                "recommendation": "no_hire",
                "recommendation_label": "No hire",
            }
        ]
    )
    assert html == (
        '<th scope="col" class="matrix-col"><span class="matrix-who">'
        f'{ESCAPED}</span> <span class="matrix-stage">Tech &amp; design</span> '
        '<span class="badge rec-no_hire">No hire</span></th>'
    )
    assert "<script>" not in html


def test_matrix_rows_show_scores_gaps_and_disagreement():
    html = matrix_rows(
        [
            {
                "name": EVIL,
                "cells": [{"value": 2.0, "band": "2"}, {"value": None, "band": "none"}],
                "average": 2.25,
                "spread": 3,
                "disagreement": True,
            },
            {
                "name": "Testing",
                "cells": [{"value": 4.5, "band": "5"}],
                "average": None,
                "spread": 0,
                "disagreement": False,
            },
        ]
    )
    first, second = html.split("</tr>")[:2]
    assert first.startswith('<tr class="row-disagree"><th scope="row">' + ESCAPED)
    assert '<span class="badge badge-caution disagree-label">Disagreement</span></th>' in first
    assert '<td class="score-cell score-2">2</td>' in first
    assert (
        '<td class="score-cell score-none"><span aria-hidden="true">\u2013</span>'
        '<span class="visually-hidden">not rated</span></td>'
    ) in first
    assert '<strong>2.25</strong></td><td class="num matrix-spread">3</td>' in first
    assert second.startswith('<tr><th scope="row">Testing</th>')
    assert '<td class="score-cell score-5">4.5</td>' in second
    assert "<strong>\u2013</strong>" in second  # no average: a dash, as the score filter shows


def test_focus_suggestions_post_the_area_with_the_pages_csrf_token():
    areas = [
        {"competency": "security", "name": EVIL, "reason": "not assessed yet", "requested": False},
        {"competency": "coding", "name": "Coding", "reason": "weak", "requested": True},
    ]
    html = focus_suggestions(Context({"csrf_token": "TOKEN"}), 7, areas)
    wanted, done = html.split("</li>")[:2]
    assert '<form class="no-print" method="post" action="/applications/7/focus-areas/' in wanted
    assert '#suggestion-title"><input type="hidden" name="csrfmiddlewaretoken" value="TOKEN">' in (
        wanted
    )
    assert '<input type="hidden" name="competency" value="security">' in wanted
    assert '<input type="hidden" name="reason" value="Not assessed yet">' in wanted
    assert f"<strong>{ESCAPED}</strong>" in wanted and f"to probe {ESCAPED}</span>" in wanted
    assert "<form" not in done and "\u2713 Requested" in done
    assert "<script>" not in html


def test_coverage_rows_mark_what_is_not_verified():
    html = coverage_rows(
        [
            {
                "skill": EVIL,
                "priority": "must",
                "planned_stage": "",
                "verified_by": [],
                "verified": False,
            },
            {
                "skill": "Testing",
                "priority": "good",
                "planned_stage": "<b>Tech</b>",
                "verified_by": ["HR", "Tech & design"],
                "verified": True,
            },
        ]
    )
    missing, verified = html.split("</tr>")[:2]
    assert missing.startswith(f'<tr class="row-warning"><th scope="row">{ESCAPED}</th>')
    assert '<span class="badge badge-must">Must verify</span>' in missing
    assert '<span class="muted">No stage</span>' in missing
    assert '<span class="badge badge-serious">Not verified yet</span>' in missing
    assert verified.startswith('<tr><th scope="row">Testing</th>')
    assert '<span class="badge badge-good">Good to verify</span>' in verified
    assert '<td data-label="Planned in">&lt;b&gt;Tech&lt;/b&gt;</td>' in verified
    assert "\u2713 Verified</span> HR, Tech &amp; design</td>" in verified


def test_requested_focus_names_who_asked_and_when():
    areas = [
        SimpleNamespace(
            competency=SimpleNamespace(name=EVIL),
            reason="Probe <b>locks</b>",
            requested_by=Person(EVIL),
            created_at=AT,
        ),
        SimpleNamespace(
            competency=SimpleNamespace(name="Coding"),
            reason="Pairing",
            requested_by=None,
            created_at=AT,
        ),
    ]
    html = requested_focus(areas)
    first, second = html.split("</li></ul></li>")[:2]
    assert first.startswith(f"<li><strong>{ESCAPED}</strong>")
    assert '<p class="history-note">Probe &lt;b&gt;locks&lt;/b&gt;</p>' in first
    assert f"<li>{ESCAPED}</li>" in first
    assert '<time datetime="2025-03-04T09:05:00+00:00">4 Mar 2025, 09:05</time>' in first
    assert "<li>Someone since removed</li>" in second


def test_decision_entries_mark_the_latest_and_keep_line_breaks():
    decided = SimpleNamespace(
        outcome="hire_at_level",
        decided_by=Person("Hal <Manager>"),
        at=AT,
        rationale="Strong <API> design.\nMid level today.",
    )
    older = SimpleNamespace(outcome="no_hire", decided_by=None, at=AT, rationale="Not yet.")
    html = decision_entries(
        [
            {
                "decision": decided,
                "label": "Hire at another level",
                "level": "Mid",
                "suggested": "Proceed",
                "suggested_score": 3.456,
            },
            {
                "decision": older,
                "label": "No hire",
                "level": "",
                "suggested": "",
                "suggested_score": None,
            },
        ]
    )
    latest, previous = html.split("</li>")[:2]
    assert latest.startswith('<li class="card decision-entry is-latest">')
    assert '<span class="badge outcome-hire_at_level">Hire at another level · Mid</span> ' in latest
    assert '<span class="tag">Latest</span>' in latest
    assert "Hal &lt;Manager&gt; · <time" in latest
    assert "Strong &lt;API&gt; design.<br>Mid level today." in latest
    assert "Hireloop suggested then: Proceed (score 3.46)</p>" in latest
    assert previous.startswith('<li class="card decision-entry">')
    assert "Latest" not in previous and "Someone since removed · " in previous
    assert "Hireloop suggested then: nothing</p>" in previous


@pytest.fixture
def hostile(team):
    """A debrief full of text chosen by people: names, a stage, a focus area and a decision's
    rationale, each trying to inject a script."""
    team.interviewer.full_name = EVIL
    team.interviewer.save()
    application, interview, second = two_interviewer_application(
        team, candidate=EVIL, second_name="Tess <b>Two</b>"
    )
    stage = interview.stage
    stage.name = f"HR {EVIL}"
    stage.save()
    criteria = interview.scorecard_version.snapshot["criteria"]
    for user, score in ((team.interviewer, 1), (second, 5)):
        submit_scorecard(
            team,
            user,
            interview,
            ratings={c["slug"]: score for c in criteria},
            recommendation="hire",
            red_flags=["Late without notice"],
        )
    focus_area_request(
        membership=team.membership(team.hiring_manager),
        application_id=application.pk,
        competency="security",
        reason=f"Probe {EVIL}",
    )
    decision_record(
        membership=team.membership(team.hiring_manager),
        application_id=application.pk,
        outcome="another_round",
        rationale=f"One more round:\n{EVIL}",
    )
    return application


def test_the_debrief_page_escapes_every_text_from_people(team, hostile):
    response = signed_in(team.hiring_manager).get(f"/applications/{hostile.pk}/debrief/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html and "<b>Two</b>" not in html
    assert html.count('class="matrix-col"') == 2
    assert f'<span class="matrix-who">{ESCAPED}</span>' in html
    assert f'<span class="matrix-stage">HR {ESCAPED}</span>' in html
    assert f'<p class="history-note">Probe {ESCAPED}</p>' in html
    assert f"One more round:<br>{ESCAPED}</p>" in html
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))
    assert f"noted by {EVIL}" in text and "noted by Tess <b>Two</b>" in text
