"""The per-process cache of library reads: every write shows on the very next request, and one
workspace's copies never reach another workspace's pages or API answers."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction

from hireloop.library import cache
from hireloop.library.models import LibraryVersion, Question
from hireloop.library.services import pack_load, question_copy, question_update

from ..conftest import BUILTIN_PACK, bearer, signed_in

API = "/api/v1/library/questions"
WORD = "zeppelin"  # in no built-in question


def _data(question: Question, **changes: Any) -> dict[str, Any]:
    data = {
        "prompt": question.prompt,
        "kind": question.kind,
        "competencies": [c.slug for c in question.competencies.all()],
        "seniorities": question.seniorities,
        "minutes": question.minutes,
        **{
            name: getattr(question, name)
            for name in (
                "look_for",
                "strong_signals",
                "weak_signals",
                "good_answer",
                "poor_answer",
                "follow_ups",
                "red_flags",
                "strong_answer_names",
            )
        },
    }
    return {**data, **changes}


def _builtin() -> Question:
    return Question.objects.get(slug="index-purpose", workspace=None)


def _search(client, headers) -> tuple[str, int]:
    page = client.get(f"/library/questions/?q={WORD}").content.decode()
    count = client.get(f"{API}?q={WORD}", **headers).json()["count"]
    return page, count


def test_an_edited_copy_shows_at_once_in_lists_searches_and_pages(team):
    admin = team.membership(team.admin)
    client, headers = signed_in(team.admin), bearer(team.admin, team.workspace)
    copy = question_copy(membership=admin, question_id=_builtin().pk)
    before = client.get(f"/library/questions/{copy.pk}/").content.decode()
    page, count = _search(client, headers)
    assert "No questions match" in page and count == 0

    prompt = f"Would an index help a {WORD} booking system?"
    question_update(membership=admin, question_id=copy.pk, data=_data(copy, prompt=prompt))

    assert prompt not in before
    assert prompt in client.get(f"/library/questions/{copy.pk}/").content.decode()
    page, count = _search(client, headers)
    assert prompt in page and count == 1
    fragment = client.get(f"/library/questions/?q={WORD}", HTTP_HX_REQUEST="true")
    assert prompt in fragment.content.decode() and "<html" not in fragment.content.decode()


def test_a_saved_question_shows_at_once(admin_client):
    question = _builtin()
    url = f"/library/questions/{question.pk}/"
    assert question.prompt in admin_client.get(url).content.decode()
    question.prompt = f"What does an index cost a {WORD}?"
    question.save()  # no service: the save signal replaces the version token
    assert question.prompt in admin_client.get(url).content.decode()


def test_pages_are_served_from_the_cache_until_the_token_changes(admin_client):
    """Writes that bypass model signals (QuerySet.update, raw SQL) must call library_changed:
    until then every process keeps serving what it rendered."""
    question = _builtin()
    url = f"/library/questions/{question.pk}/"
    assert question.prompt in admin_client.get(url).content.decode()
    Question.objects.filter(pk=question.pk).update(prompt=f"Indexes for a {WORD}?")
    assert question.prompt in admin_client.get(url).content.decode()
    cache.library_changed()
    assert f"Indexes for a {WORD}?" in admin_client.get(url).content.decode()


def test_one_workspace_never_sees_another_workspaces_copy(team, other_team):
    theirs = signed_in(other_team.admin)
    their_headers = bearer(other_team.admin, other_team.workspace)
    source = _builtin()
    their_view_of_source = theirs.get(f"/library/questions/{source.pk}/").content.decode()
    assert "Your workspace has a copy" not in their_view_of_source
    _search(theirs, their_headers)  # cached for workspace B before A writes anything

    admin = team.membership(team.admin)
    copy = question_copy(membership=admin, question_id=source.pk)
    prompt = f"Indexes for a {WORD} fleet?"
    question_update(membership=admin, question_id=copy.pk, data=_data(copy, prompt=prompt))
    ours = signed_in(team.admin)
    assert prompt in _search(ours, bearer(team.admin, team.workspace))[0]
    assert (
        "Your workspace has a copy" in ours.get(f"/library/questions/{source.pk}/").content.decode()
    )

    page, count = _search(theirs, their_headers)
    assert prompt not in page and count == 0
    assert theirs.get(f"/library/questions/{copy.pk}/").status_code == 404
    assert theirs.get(f"{API}/{copy.pk}", **their_headers).status_code == 404
    again = theirs.get(f"/library/questions/{source.pk}/").content.decode()
    assert "Your workspace has a copy" not in again and prompt not in again


def test_every_library_write_replaces_the_token(team):
    tokens = [cache.current_token()]
    copy = question_copy(membership=team.membership(team.admin), question_id=_builtin().pk)
    tokens.append(cache.current_token())
    copy.competencies.remove(copy.competencies.first())
    tokens.append(cache.current_token())
    pack_load(path=BUILTIN_PACK, force=True)
    tokens.append(cache.current_token())
    assert None not in tokens and len(set(tokens)) == len(tokens)


def test_a_rolled_back_write_leaves_no_usable_token(admin_client):
    """Tokens are random: a write rolled back cannot make an entry cached in between current."""
    before = cache.current_token()
    try:
        with transaction.atomic():
            cache.library_changed()
            assert cache.current_token() != before
            raise RuntimeError
    except RuntimeError:
        pass
    assert cache.current_token() == before
    cache.library_changed()
    assert cache.current_token() != before


def test_without_a_version_row_nothing_is_cached(admin_client):
    """After a flush (transactional tests) the row is gone: pages stay correct, uncached."""
    question = _builtin()
    url = f"/library/questions/{question.pk}/"
    LibraryVersion.objects.all().delete()
    assert cache.current_token() is None
    admin_client.get(url)
    with connection.cursor() as cursor:  # a write no signal sees, and no token to replace
        cursor.execute(
            "UPDATE library_question SET prompt = %s WHERE id = %s", [f"{WORD}?", question.pk]
        )
    assert f"{WORD}?" in admin_client.get(url).content.decode()
    cache.library_changed()  # puts the row back
    assert cache.current_token() is not None
