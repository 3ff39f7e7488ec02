"""The library as one JSON-ready document, shaped like the pack files.

``export_pack`` reads a validated pack from disk; ``export_workspace`` reads what a workspace
sees in the database (built-in rows plus its own copies, which carry ``workspace`` and
``copied_from``). Both documents have the same top-level lists.
"""

from __future__ import annotations

from typing import Any

from hireloop.accounts.models import Workspace

from . import models as m
from .packs.validate import Pack


def export_pack(pack: Pack) -> dict[str, Any]:
    def dump(items: list[Any]) -> list[dict[str, Any]]:
        return [i.model_dump(mode="json", by_alias=True, exclude_none=True) for i in items]

    return {
        "pack": pack.info.model_dump(mode="json") if pack.info else None,
        "content_hash": pack.content_hash,
        "competencies": dump(pack.competencies),
        "questions": dump(pack.questions),
        "scorecards": dump(pack.scorecards),
        "stages": dump(pack.stages),
        "process": pack.process.model_dump(mode="json") if pack.process else None,
        "tasks": dump(pack.tasks),
        "skills": dump(pack.skills),
        "industries": dump(pack.industries),
        "red_flags": dump(pack.red_flags),
        "prep_tips": dump(pack.prep_tips),
    }


def task_document(t: m.PracticalTask) -> dict[str, Any]:
    """A practical task as the export and the API show it (competencies prefetched)."""
    return {
        "slug": t.slug,
        "name": t.name,
        "brief": t.brief,
        "grader": t.grader or None,
        "min_hours": t.min_hours,
        "max_hours": t.max_hours,
        "competencies": [c.slug for c in t.competencies.all()],
        "seniorities": t.seniorities,
        "scenario": t.scenario,
        "requirements": t.requirements,
        "deliverables": t.deliverables,
        "evaluation_criteria": t.evaluation_criteria,
        "common_mistakes": t.common_mistakes,
        "tips": t.tips,
    }


def _question(q: m.Question, slugs: list[str]) -> dict[str, Any]:
    row: dict[str, Any] = {
        "slug": q.slug,
        "prompt": q.prompt,
        "kind": q.kind,
        "competencies": slugs,
        "seniorities": q.seniorities,
        "minutes": q.minutes,
        "look_for": q.look_for,
        "strong_signals": q.strong_signals,
        "weak_signals": q.weak_signals,
        "good_answer": q.good_answer,
        "poor_answer": q.poor_answer,
        "follow_ups": q.follow_ups,
        "red_flags": q.red_flags,
        "strong_answer_names": q.strong_answer_names,
    }
    if q.star:
        row["star"] = q.star
    return row


def _own(
    obj: m.Question | m.Scorecard, row: dict[str, Any], workspace: Workspace
) -> dict[str, Any]:
    if obj.workspace_id is not None:
        row["workspace"] = workspace.slug
        row["copied_from"] = obj.copied_from.slug if obj.copied_from else None
    return row


def export_workspace(workspace: Workspace) -> dict[str, Any]:
    visible = {"workspace__isnull": True}
    pack = m.Pack.objects.order_by("slug").first()
    questions = (
        (
            m.Question.objects.filter(retired=False).filter(**visible)
            | m.Question.objects.filter(workspace=workspace, retired=False)
        )
        .select_related("copied_from")
        .prefetch_related("competencies")
        .order_by("workspace_id", "id")
    )
    scorecards = (
        (
            m.Scorecard.objects.filter(retired=False).filter(**visible)
            | m.Scorecard.objects.filter(workspace=workspace, retired=False)
        )
        .select_related("current_version", "copied_from")
        .order_by("workspace_id", "id")
    )
    process = m.Process.objects.first()
    return {
        "pack": {"slug": pack.slug, "name": pack.name, "description": pack.description}
        if pack
        else None,
        "content_hash": pack.content_hash if pack else None,
        "workspace": workspace.slug,
        "competencies": [
            {
                "slug": c.slug,
                "name": c.name,
                "summary": c.summary,
                "why_it_matters": c.why_it_matters,
                "topics": c.topics,
            }
            for c in m.Competency.objects.all()
        ],
        "questions": [
            _own(q, _question(q, [c.slug for c in q.competencies.all()]), workspace)
            for q in questions
        ],
        "scorecards": [
            _own(
                s,
                {
                    "slug": s.slug,
                    "version": s.current_version.number if s.current_version else None,
                    **(s.current_version.snapshot if s.current_version else {}),
                },
                workspace,
            )
            for s in scorecards
        ],
        "stages": [
            {
                "slug": s.slug,
                "name": s.name,
                "kind": s.kind,
                "summary": s.summary,
                "minutes": s.minutes,
                "focus": s.focus,
                "participants": s.participants,
                "success_criteria": s.success_criteria,
                "prep_tips": s.prep_tips,
                "scorecard": s.scorecard.slug if s.scorecard else None,
                "typical_tasks": s.typical_tasks,
                "discussion_points": s.discussion_points,
            }
            for s in m.StageTemplate.objects.select_related("scorecard")
        ],
        "process": (
            {
                "slug": process.slug,
                "name": process.name,
                "summary": process.summary,
                "typical_weeks_min": process.typical_weeks_min,
                "typical_weeks_max": process.typical_weeks_max,
                "stages": list(
                    m.StageTemplate.objects.filter(process_position__isnull=False)
                    .order_by("process_position")
                    .values_list("slug", flat=True)
                ),
                "agenda": process.agenda,
                "expectations": process.expectations,
            }
            if process
            else None
        ),
        "tasks": [
            task_document(t) for t in m.PracticalTask.objects.prefetch_related("competencies")
        ],
        "skills": [
            {
                "slug": s.slug,
                "skill": s.skill,
                "priority": s.priority,
                "competency": s.competency.slug,
                "method": s.method,
                "minimum": s.minimum or None,
                "criteria": s.criteria,
            }
            for s in m.SkillRequirement.objects.select_related("competency")
        ],
        "industries": [
            {
                "slug": i.slug,
                "name": i.name,
                "summary": i.summary,
                "focus": i.focus,
                "challenges": i.challenges,
                "emphasis": i.emphasis,
                "weights": i.weights,
            }
            for i in m.IndustryProfile.objects.all()
        ],
        "red_flags": [
            {
                "slug": r.slug,
                "name": r.name,
                "description": r.description,
                "severity": r.severity,
                "guidance": r.guidance,
            }
            for r in m.CandidateRedFlag.objects.all()
        ],
        "prep_tips": [
            {"slug": p.slug, "name": p.name, "summary": p.summary, "tips": p.tips}
            for p in m.PrepTopic.objects.all()
        ],
    }
