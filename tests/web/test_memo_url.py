"""{% url %} remembers what it reversed, and stays exactly Django's {% url %}."""

from __future__ import annotations

from django.http import HttpResponse
from django.template import engines
from django.test import override_settings
from django.urls import path, reverse

from hireloop.accounts.models import Workspace
from hireloop.web.memo_url import memo_reverser


def _view(request):  # pragma: no cover - only reversed, never called
    return HttpResponse()


urlpatterns = [
    path("things/<str:value>/", _view, name="thing"),
    path("pairs/<int:a>/<int:b>/", _view, name="pair"),
]


def _render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


def test_same_urls_as_reverse():
    assert _render("{% url 'question-detail' 7 %}") == reverse("question-detail", args=[7])
    assert _render("{% url 'question-detail' pk=8 %}") == "/library/questions/8/"
    assert _render("{% url 'questions' as link %}[{{ link }}]") == "[/library/questions/]"
    assert _render("{% url name 9 %}", name="question-detail") == "/library/questions/9/"


@override_settings(ROOT_URLCONF=__name__)
def test_arguments_that_compare_equal_but_reverse_differently_are_not_confused():
    assert _render("{% url 'thing' value %}", value=1) == "/things/1/"
    assert _render("{% url 'thing' value %}", value=True) == "/things/True/"
    assert _render("{% url 'thing' value %}", value="a&b") == "/things/a&amp;b/"
    assert _render("{% autoescape off %}{% url 'thing' 'a&b' %}{% endautoescape %}") == (
        "/things/a&b/"
    )
    assert _render("{% url 'pair' b=2 a=1 %}") == "/pairs/1/2/"


@override_settings(ROOT_URLCONF=__name__)
def test_objects_are_reversed_every_time():
    """str() of an object may change, so it is never remembered."""
    workspace = Workspace(name="First", slug="first")
    assert _render("{% url 'thing' w %}", w=workspace) == "/things/First/"
    workspace.name = "Second"
    assert _render("{% url 'thing' w %}", w=workspace) == "/things/Second/"


def test_a_changed_urlconf_is_followed():
    assert _render("{% url 'questions' %}") == "/library/questions/"
    with override_settings(ROOT_URLCONF=__name__):
        assert _render("{% url 'thing' 'x' %}") == "/things/x/"
        assert memo_reverser("pair")(3, 4) == "/pairs/3/4/"
    assert memo_reverser("question-detail")(5) == "/library/questions/5/"
