"""A prepared query returns what the ORM returns, with its SQL built only once per shape."""

from __future__ import annotations

import pytest
from django.db.models import Exists, OuterRef

from hireloop.accounts.models import Membership, User
from hireloop.lib.rows import PreparedQuery


def _memberships(kind: str, *, workspace_id: int, user_id: int):
    qs = Membership.objects.select_related("workspace", "user").filter(workspace_id=workspace_id)
    if kind == "own":
        qs = qs.filter(user_id=user_id)
    others = Membership.objects.filter(workspace_id=OuterRef("workspace_id")).exclude(
        pk=OuterRef("pk")
    )
    return qs.annotate(has_colleagues=Exists(others)).order_by("role")


def test_rows_and_relations_match_the_orm(team, other_team, django_assert_num_queries):
    query = PreparedQuery(_memberships)
    for t in (team, other_team):
        for user in (t.admin, t.interviewer):
            expected = _memberships("own", workspace_id=t.workspace.pk, user_id=user.pk).first()
            with django_assert_num_queries(1):  # the relations come with the row
                found = query.first(("own",), workspace_id=t.workspace.pk, user_id=user.pk)
                assert found.workspace.slug == t.workspace.slug
                assert found.user.email == user.email
            assert found.pk == expected.pk
            assert found.created_at == expected.created_at  # converted as by the ORM (aware)
            assert found.created_at.tzinfo is not None
            assert found.has_colleagues is True
    assert len(query._plans) == 1


def test_unused_values_and_missing_rows(team):
    query = PreparedQuery(_memberships)
    # "all" ignores the user id: the first membership of the workspace whatever it is.
    found = query.first(("all",), workspace_id=team.workspace.pk, user_id=-1)
    assert found is not None and found.workspace_id == team.workspace.pk
    assert query.first(("all",), workspace_id=team.workspace.pk + 1000, user_id=-1) is None
    assert query.first(("own",), workspace_id=team.workspace.pk, user_id=-1) is None
    assert len(query._plans) == 2  # one per shape


def test_a_value_the_orm_transforms_is_refused(team):
    # ``contains`` wraps the value in a LIKE pattern: a later run would keep the stand-in's.
    query = PreparedQuery(lambda *, pk: User.objects.filter(email__contains=str(pk)))
    with pytest.raises(ValueError, match="does not reach the SQL unchanged"):
        query.first((), pk=team.admin.pk)


def _joined_at(*, workspace_id: int):
    return (
        Membership.objects.filter(workspace_id=workspace_id)
        .order_by("user__email")
        .values_list("user__email", "created_at")
    )


def test_rows_of_a_values_query_match_the_orm(team, other_team):
    query = PreparedQuery(_joined_at)
    for t in (team, other_team):
        rows = query.rows((), workspace_id=t.workspace.pk)
        assert [tuple(r) for r in rows] == list(_joined_at(workspace_id=t.workspace.pk))
        assert len(rows) == 4 and all(r[1].tzinfo is not None for r in rows)
    with pytest.raises(ValueError, match="values_list"):
        query.first((), workspace_id=team.workspace.pk)
