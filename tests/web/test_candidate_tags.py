"""The candidate pages' Python-built parts: the candidate list rows, the application cards with
their histories and the select widget. They must escape every value and say what the templates
they replaced said."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from django import forms
from django.utils import timezone

from hireloop.hiring import selectors
from hireloop.hiring.models import Transition
from hireloop.hiring.selectors import ApplicationCard, CandidateRow, HistoryEntry
from hireloop.hiring.services import application_create
from hireloop.interviews.services import interview_schedule
from hireloop.web.hiring.forms import ApplyForm
from hireloop.web.hiring.tags import (
    application_cards,
    candidate_items,
    history_table,
    select_widget,
)

from ..conftest import signed_in
from .test_hiring_pages import _apply, _role

EVIL = "<script>alert('x')</script>"
AT = datetime(2024, 3, 5, 9, 7, tzinfo=UTC)


def _row(**changes):
    values = {
        "id": 7,
        "name": "Ann Example",
        "email": "ann@example.test",
        "location": "",
        "years_experience": None,
        "level": "",
        "current_title": "",
        "skills": [],
        "resume_name": "",
    }
    return CandidateRow(**{**values, **changes})


def _entry(**changes):
    values = {
        "action": "advance",
        "at": AT,
        "actor": "Rae Recruiter",
        "from_stage": "Screen",
        "from_status": "active",
        "to_stage": "Onsite",
        "to_status": "active",
        "reason": "",
        "note": "",
    }
    return HistoryEntry(**{**values, **changes})


def test_candidate_items_escape_every_value_and_link_to_the_candidate():
    html = candidate_items(
        [
            _row(
                name=EVIL,
                email="a&b@example.test",
                location="<i>Lisbon</i>",
                current_title='"Lead" engineer',
                skills=["<b>Go</b>"],
            )
        ]
    )
    assert "<script>" not in html and "<i>" not in html and "<b>" not in html
    assert '<a class="question-prompt" href="/candidates/7/">&lt;script&gt;' in html
    assert "a&amp;b@example.test" in html and "&quot;Lead&quot; engineer" in html
    assert '<span class="tag">&lt;b&gt;Go&lt;/b&gt;</span>' in html


def test_candidate_items_show_level_years_resume_and_at_most_eight_skills():
    html = candidate_items(
        [
            _row(
                level="senior",
                years_experience=1,
                resume_name="cv.pdf",
                skills=[f"s{n}" for n in range(10)],
            )
        ]
    )
    assert '<span class="tag">Senior</span>' in html and "<li>1 year</li>" in html
    assert '<span class="badge">Résumé</span>' in html
    assert html.count('<span class="tag">s') == 8 and "+2 more" in html
    bare = candidate_items([_row(years_experience=0)])
    assert "<li>0 years</li>" in bare and "candidate-skills" not in bare and "Résumé" not in bare
    assert "year" not in candidate_items([_row()])


def test_history_table_escapes_notes_and_names_removed_stages_and_people():
    html = history_table(
        [
            _entry(
                action="reject",
                actor=None,
                from_stage=None,
                to_status="rejected",
                reason="skills",
                note=f"{EVIL}\r\nsecond line",
            )
        ],
        caption="History of the application for <Ops>",
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&lt;/script&gt;<br>second line" in html
    assert '<caption class="visually-hidden">History of the application for &lt;Ops&gt;' in html
    assert "Someone since removed" in html and "a removed stage" in html
    assert "<strong>Skills below the bar for the role</strong>" in html
    assert '<th scope="row" data-label="What">Rejected</th>' in html
    assert '<span class="muted">· rejected</span>' in html


def test_history_table_shows_the_time_in_the_current_time_zone():
    with timezone.override("Europe/Lisbon"):  # UTC+1 in summer
        html = history_table([_entry(at=AT + timedelta(days=120), from_status="")], "History")
    assert '<time datetime="2024-07-03T10:07:00+01:00">3 Jul 2024, 10:07</time>' in html
    assert '<td data-label="From"><span class="muted">—</span></td>' in html
    assert '<td data-label="Why"><span class="muted">—</span></td>' in html
    assert "No moves recorded yet." in history_table([], "History")


def test_application_cards_link_the_application_and_its_board():
    card = ApplicationCard(
        id=3, role_id=4, role_title="<Ops>", stage="Onsite", status="on_hold", created_at=AT
    )
    card.history.append(_entry())
    html = application_cards([card])
    assert '<a href="/applications/3/">&lt;Ops&gt;</a>' in html
    assert '<a href="/roles/4/">Board<span class="visually-hidden"> for &lt;Ops&gt;</span>' in html
    assert '<span class="badge status-on_hold">On hold</span>' in html
    assert "Applied 5 Mar 2024" in html and "History (1 move)" in html


def _apply_again(team, role, application):
    return application_create(
        membership=team.membership(team.recruiter),
        candidate_id=application.candidate_id,
        role_id=role.pk,
    )


def _tags_only(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


def test_select_widget_renders_what_django_renders():
    roles = [(1, "Backend <b>"), (2, "Platform · Payments")]
    for data in (None, {"role": "2"}, {"role": "999"}, {}):
        form = ApplyForm(data, roles=roles)
        form.is_valid()
        assert _tags_only(select_widget(form["role"])) == _tags_only(str(form["role"]))
    invalid = ApplyForm({"role": "999"}, roles=roles)
    html = select_widget(invalid["role"])
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_role_error"' in html
    assert ">Backend &lt;b&gt;</option>" in html


def test_select_widget_renders_option_groups_as_django_does():
    class Grouped(forms.Form):
        pick = forms.ChoiceField(choices=[("<Team>", [("a", "A")]), ("b", "B")], required=False)

    field = Grouped({"pick": "a"})["pick"]
    assert _tags_only(select_widget(field)) == _tags_only(str(field))
    assert '<optgroup label="&lt;Team&gt;"><option value="a" selected>A</option>' in select_widget(
        field
    )


def test_application_cards_list_newest_first_with_moves_oldest_first(team):
    role, other = _role(team), _role(team, title="Platform engineer")
    first = _apply(team, role)
    stage = other.stages.order_by("position").first()
    second = _apply_again(team, other, first)
    Transition.objects.create(
        application=second,
        action="hold",
        from_stage=stage,
        to_stage=None,
        from_status="active",
        to_status="on_hold",
        actor=None,
        at=timezone.now() + timedelta(minutes=1),
    )
    cards = selectors.application_cards(team.membership(team.admin), first.candidate_id)
    assert [c.id for c in cards] == [second.pk, first.pk]
    assert [e.action for e in cards[0].history] == ["create", "hold"]
    hold = cards[0].history[1]
    assert (hold.actor, hold.from_stage, hold.to_stage) == (None, stage.name, None)
    assert cards[0].history[0].actor == str(team.recruiter)


def test_interviewers_see_only_the_applications_they_interview(team):
    role, other = _role(team), _role(team, title="Platform engineer")
    interviewed = _apply(team, role)
    _apply_again(team, other, interviewed)
    interview_schedule(
        membership=team.membership(team.recruiter),
        application_id=interviewed.pk,
        starts_at=timezone.now() + timedelta(days=1),
        interviewer_ids=[team.interviewer.pk],
    )
    membership = team.membership(team.interviewer)
    cards = selectors.application_cards(membership, interviewed.candidate_id)
    assert [c.id for c in cards] == [interviewed.pk]


def _history_body(html: str) -> str:
    return re.search(r"<tbody>.*?</tbody>", re.sub(r">\s+<", "><", html), re.S).group(0)


def test_the_candidate_and_application_pages_show_the_same_history(team):
    application = _apply(team, _role(team), name=EVIL)
    client = signed_in(team.recruiter)
    client.post(f"/applications/{application.pk}/move/", {"action": "advance", "version": 1})
    client.post(
        f"/applications/{application.pk}/move/",
        {"action": "reject", "version": 2, "reason": "skills", "note": "Weak\non <b>SQL</b>"},
    )
    candidate_page = client.get(f"/candidates/{application.candidate_id}/").content.decode()
    application_page = client.get(f"/applications/{application.pk}/").content.decode()
    history = _history_body(candidate_page)
    assert history == _history_body(application_page)
    assert history.count("<tr>") == 3 and "Weak<br>on &lt;b&gt;SQL&lt;/b&gt;" in history
    assert EVIL not in candidate_page and "History (3 moves)" in candidate_page
