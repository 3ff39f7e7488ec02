"""``{% url %}`` with memory: a template builtin (see TEMPLATES in settings) that replaces
Django's tag and remembers each reversed URL.

Reversing costs ~30 us and a page links the same few views many times (a board with 400 cards
reversed 400 URLs); a URL depends only on the URLconf, the script prefix and the arguments, so
each one is computed once per process. Only ``int`` and ``str`` arguments are remembered:
anything else (a model instance, whose ``str()`` may change) is reversed every time.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.template import Context
from django.template.base import Parser, Token
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()
MAX_URLS = 16_384


@lru_cache(maxsize=MAX_URLS)
def _reverse(
    urlconf: str | None,
    prefix: str,
    view_name: str,
    args: tuple[int | str, ...],
    kwargs: tuple[tuple[str, int | str], ...],
    current_app: str | None,
) -> str:
    # The prefix is part of the key only: reverse() reads it from the thread it runs in.
    return reverse(
        view_name, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app
    )


def memo_reverser(view_name: str) -> Callable[..., str]:
    """A remembered ``reverse`` of ``view_name`` for building many links in Python at once."""
    urlconf, prefix = get_urlconf(), get_script_prefix()
    return lambda *args: _reverse(urlconf, prefix, view_name, args, (), None)


def _plain(values: Any) -> bool:
    # Not bool: True == 1 as a key, but they reverse to different URLs.
    return all(type(v) is int or isinstance(v, str) for v in values)


class MemoURLNode(URLNode):
    def render(self, context: Context) -> str:
        if self.asvar:
            return super().render(context)  # rare; keeps Django's "as var" semantics exactly
        view_name = self.view_name.resolve(context)
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple(sorted((k, v.resolve(context)) for k, v in self.kwargs.items()))
        if not (isinstance(view_name, str) and _plain(args) and _plain(v for _, v in kwargs)):
            return super().render(context)
        try:  # where Django's tag finds the current namespace
            current_app = context.request.current_app  # type: ignore[attr-defined]
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace  # type: ignore[attr-defined]
            except AttributeError:
                current_app = None
        url = _reverse(get_urlconf(), get_script_prefix(), view_name, args, kwargs, current_app)
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser: Parser, token: Token) -> MemoURLNode:
    node = django_url(parser, token)
    return MemoURLNode(node.view_name, node.args, node.kwargs, node.asvar)


def _forget(*, setting: str, **_: Any) -> None:
    if setting == "ROOT_URLCONF":
        _reverse.cache_clear()


setting_changed.connect(_forget, dispatch_uid="memo-url-forget")
