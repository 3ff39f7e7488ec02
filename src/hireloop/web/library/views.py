"""Library pages: questions (filters and search), scorecards (print and PDF), process, stages,
tasks, skills matrix, industry profiles, red flags, preparation advice, and editing own copies."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from hireloop.accounts.errors import InvalidInput, NotFound
from hireloop.accounts.models import Membership
from hireloop.library import cache as library_cache
from hireloop.library import models as m
from hireloop.library import selectors, services

from ..access import member_view
from ..pdf import scorecard_pdf
from ..render import fragment_response, page, wants_fragment
from .forms import QuestionForm, ScorecardForm

PAGE_SIZE = 25
KINDS = dict(m.QuestionKind.choices)
LEVELS = dict(m.Seniority.choices)


def _int(value: str | None, default: int, *, low: int, high: int) -> int:
    try:
        return min(max(int(value or default), low), high)
    except ValueError:
        return default


@require_GET
@member_view
def index(request: HttpRequest, membership: Membership) -> HttpResponse:
    return page(
        request,
        "library/index.html",
        {
            "counts": selectors.library_counts(membership),
            "competencies": selectors.competency_list(),
            "process": selectors.process(),
        },
    )


@require_GET
@member_view
def questions(request: HttpRequest, membership: Membership) -> HttpResponse:
    page_number = _int(request.GET.get("page"), 1, low=1, high=10_000)
    query = request.GET.copy()
    query.pop("page", None)
    query_string = query.urlencode()

    def render_parts() -> dict[str, str]:
        competencies = selectors.competency_choices()
        # Unknown filter values are ignored rather than answered with an empty list.
        f = selectors.QuestionFilter(
            q=query.get("q", "")[:200].strip(),
            competency=c if (c := query.get("competency", "")) in dict(competencies) else "",
            kind=k if (k := query.get("kind", "")) in KINDS else "",
            seniority=s if (s := query.get("seniority", "")) in LEVELS else "",
        )
        rows, total = selectors.question_page(
            membership, f, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE
        )
        context = {
            "rows": rows,
            "total": total,
            "filter": f,
            "page_number": page_number,
            "pages": max(1, -(-total // PAGE_SIZE)),
            "query": query_string,
        }
        # No request: the cached parts must not depend on who asked.
        results = render_to_string("library/_question_results.html", context)
        content = render_to_string(
            "library/_questions_content.html",
            {
                "results": results,
                "filter": f,
                "competencies": competencies,
                "kinds": KINDS.items(),
                "levels": LEVELS.items(),
            },
        )
        return {"results": results, "content": content}

    # Everything shown is derived from the query string: it (and the page) is the key.
    parts = library_cache.for_workspace(
        membership, ("questions", query_string, page_number), render_parts
    )
    if wants_fragment(request):
        return fragment_response(parts["results"])
    return page(request, "library/questions.html", {"content": parts["content"]})


def _question_parts(membership: Membership, pk: int) -> dict[str, Any]:
    """What a question's page shows to every member of the workspace, rendered once."""
    question = selectors.question_detail(membership, pk)
    context = {
        "q": question,
        "used_in": selectors.scorecards_using_question(membership, question),
        "own_copies": selectors.own_copies(membership, question),
        "kind_label": KINDS[question.kind],
    }
    return {
        "pk": question.pk,
        "is_builtin": question.is_builtin,
        "prompt": question.prompt,
        "competency": {
            "slug": question.primary_competency.slug,
            "name": question.primary_competency.name,
        },
        "summary": render_to_string("library/_question_summary.html", context),
        "body": render_to_string("library/_question_body.html", context),
    }


@require_GET
@member_view
def question_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    parts = library_cache.for_workspace(
        membership, ("question", pk), lambda: _question_parts(membership, pk)
    )
    return page(request, "library/question_detail.html", {"q": parts})


@require_POST
@member_view
def question_copy(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    copy = services.question_copy(membership=membership, question_id=pk)
    return HttpResponseRedirect(reverse("question-edit", args=[copy.pk]))


@member_view
def question_edit(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    question = selectors.access_question(membership, pk, edit=True)
    question = selectors.question_detail(membership, question.pk)
    choices = selectors.competency_choices()
    if request.method == "POST":
        form = QuestionForm(request.POST, competency_choices=choices)
        if form.is_valid():
            try:
                services.question_update(membership=membership, question_id=pk, data=form.to_data())
                return HttpResponseRedirect(reverse("question-detail", args=[pk]))
            except InvalidInput as exc:
                form.add_schema_errors(exc.field_errors)
        status = 400
    else:
        competencies = [c.slug for c in selectors.question_competencies(question)]
        form = QuestionForm(
            initial=QuestionForm.initial_from(question, competencies), competency_choices=choices
        )
        status = 200
    return page(request, "library/question_edit.html", {"q": question, "form": form}, status=status)


@require_GET
@member_view
def scorecards(request: HttpRequest, membership: Membership) -> HttpResponse:
    stage_names = selectors.stage_names()
    cards = [
        {"card": card, "stage_name": stage_names.get(card.stage_slug)}
        for card in selectors.scorecard_list(membership)
    ]
    return page(request, "library/scorecards.html", {"cards": cards})


def _scorecard_context(membership: Membership, pk: int, version: str | None) -> dict[str, Any]:
    card = selectors.access_scorecard(membership, pk)
    chosen = card.current_version
    if version:
        chosen = selectors.scorecard_version(card, _int(version, 0, low=0, high=1_000_000))
        if chosen is None:
            raise NotFound(f"This scorecard has no version {version}.")
    assert chosen is not None
    snap = chosen.snapshot
    slugs = [slug for c in snap["criteria"] for slug in c["sample_questions"]]
    by_slug = selectors.questions_by_slug(membership, slugs)
    names = dict(selectors.competency_choices())
    criteria = [
        {
            **c,
            "competency_name": names.get(c["competency"], c["competency"]),
            "questions": [by_slug[s] for s in c["sample_questions"] if s in by_slug],
        }
        for c in snap["criteria"]
    ]
    return {
        "stage": selectors.stage_by_slug(card.stage_slug),
        "own_copies": selectors.own_copies(membership, card),
        "card": card,
        "version": chosen,
        "snap": snap,
        "criteria": criteria,
        "versions": selectors.scorecard_version_numbers(card),
        "points": ["1", "2", "3", "4", "5"],
    }


@require_GET
@member_view
def scorecard_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    context = _scorecard_context(membership, pk, request.GET.get("version"))
    return page(request, "library/scorecard_detail.html", context)


@require_GET
@member_view
def scorecard_download(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    context = _scorecard_context(membership, pk, request.GET.get("version"))
    pdf = scorecard_pdf(request, context)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"{context['card'].slug}-v{context['version'].number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
@member_view
def scorecard_copy(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    copy = services.scorecard_copy(membership=membership, scorecard_id=pk)
    return HttpResponseRedirect(reverse("scorecard-edit", args=[copy.pk]))


@member_view
def scorecard_edit(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    card = selectors.access_scorecard(membership, pk, edit=True)
    assert card.current_version is not None
    snapshot = card.current_version.snapshot
    choices = selectors.competency_choices()
    count = len(snapshot["criteria"]) + 1
    if request.method == "POST":
        count = _int(request.POST.get("criteria_count"), count, low=1, high=30)
        form = ScorecardForm(request.POST, criteria_count=count, competency_choices=choices)
        if form.is_valid():
            try:
                services.scorecard_update(
                    membership=membership, scorecard_id=pk, data=form.to_data()
                )
                return HttpResponseRedirect(reverse("scorecard-detail", args=[pk]))
            except InvalidInput as exc:
                for field, messages in exc.field_errors.items():
                    for message in messages:
                        form.add_error(field if field in form.fields else None, message)
        status = 400
    else:
        form = ScorecardForm(
            initial=ScorecardForm.initial_from(card, snapshot),
            criteria_count=count,
            competency_choices=choices,
        )
        status = 200
    return page(
        request,
        "library/scorecard_edit.html",
        {"card": card, "form": form, "count": count},
        status=status,
    )


@require_GET
@member_view
def process(request: HttpRequest, membership: Membership) -> HttpResponse:
    stages = list(selectors.stage_list())
    return page(
        request,
        "library/process.html",
        {
            "process": selectors.process(),
            "stages": sorted(
                (s for s in stages if s.process_position is not None),
                key=lambda s: s.process_position or 0,
            ),
            "other_stages": [s for s in stages if s.process_position is None],
            "levels": m.Seniority.choices,
        },
    )


@require_GET
@member_view
def stage_detail(request: HttpRequest, membership: Membership, slug: str) -> HttpResponse:
    stage = selectors.stage_by_slug(slug)
    if stage is None:
        raise NotFound(f"No interview stage '{slug}'.")
    return page(request, "library/stage_detail.html", {"stage": stage})


@require_GET
@member_view
def tasks(request: HttpRequest, membership: Membership) -> HttpResponse:
    return page(request, "library/tasks.html", {"tasks": selectors.task_list()})


@require_GET
@member_view
def task_detail(request: HttpRequest, membership: Membership, slug: str) -> HttpResponse:
    task = selectors.task_by_slug(slug)
    if task is None:
        raise NotFound(f"No practical task '{slug}'.")
    return page(request, "library/task_detail.html", {"task": task})


@require_GET
@member_view
def skills(request: HttpRequest, membership: Membership) -> HttpResponse:
    rows = list(selectors.skill_list())
    return page(
        request,
        "library/skills.html",
        {
            "must": [r for r in rows if r.priority == "must"],
            "good": [r for r in rows if r.priority == "good"],
        },
    )


@require_GET
@member_view
def industries(request: HttpRequest, membership: Membership) -> HttpResponse:
    names = dict(selectors.competency_choices())
    profiles = [
        {
            "profile": p,
            "weights": sorted(
                ((names.get(slug, slug), w) for slug, w in p.weights.items()), key=lambda x: -x[1]
            ),
        }
        for p in selectors.industry_list()
    ]
    return page(request, "library/industries.html", {"profiles": profiles})


@require_GET
@member_view
def red_flags(request: HttpRequest, membership: Membership) -> HttpResponse:
    return page(request, "library/red_flags.html", {"flags": selectors.red_flag_list()})


@require_GET
@member_view
def prep(request: HttpRequest, membership: Membership) -> HttpResponse:
    return page(request, "library/prep.html", {"topics": selectors.prep_topic_list()})


@require_GET
@member_view
def competency_detail(request: HttpRequest, membership: Membership, slug: str) -> HttpResponse:
    competency = selectors.competency_by_slug(slug)
    if competency is None:
        raise NotFound(f"No competency '{slug}'.")
    rows, total = selectors.question_page(
        membership, selectors.QuestionFilter(competency=slug), limit=200, offset=0
    )
    return page(
        request,
        "library/competency_detail.html",
        {"competency": competency, "rows": rows, "total": total},
    )
