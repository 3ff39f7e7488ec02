"""Writes to the library: loading packs, and workspaces copying and editing their own content."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from django.db import transaction
from django.utils import timezone
from pydantic import ValidationError

from hireloop.accounts.errors import InvalidInput
from hireloop.accounts.models import AuditVerb, Membership
from hireloop.accounts.permissions import Capability
from hireloop.accounts.selectors import require
from hireloop.accounts.services import audit_record, audit_record_system
from hireloop.accounts.validation import validated_save

from . import models as m
from . import search
from .cache import library_changed
from .packs import schema
from .packs.validate import Pack, load_valid_pack
from .selectors import (
    access_question,
    access_scorecard,
    competencies_by_slug,
    competency_slugs,
    questions_by_slug,
)

RECOMMENDATIONS = [[value, label] for value, label in m.Recommendation.choices]


@dataclass
class LoadReport:
    pack: str
    content_hash: str
    changed: bool
    counts: dict[str, int]


def _levels(seniorities: list[str]) -> str:
    """Stored as ' junior mid ' so a LIKE '% mid %' finds exactly that level."""
    ordered = [s for s in schema.SENIORITIES if s in seniorities]
    return " " + " ".join(ordered) + " "


def _question_fields(q: schema.Question, competencies: dict[str, m.Competency]) -> dict[str, Any]:
    return {
        "prompt": q.prompt,
        "kind": q.kind,
        "primary_competency": competencies[q.competencies[0]],
        "levels": _levels(list(q.seniorities)),
        "minutes": q.minutes,
        "look_for": q.look_for,
        "strong_signals": list(q.strong_signals),
        "weak_signals": list(q.weak_signals),
        "good_answer": list(q.good_answer),
        "poor_answer": q.poor_answer,
        "follow_ups": list(q.follow_ups),
        "red_flags": list(q.red_flags),
        "strong_answer_names": list(q.strong_answer_names),
        "star": q.star.model_dump() if q.star else None,
    }


def scorecard_snapshot(card: schema.Scorecard) -> dict[str, Any]:
    """The frozen meaning of a scorecard: everything a rating refers to."""
    return {
        "name": card.name,
        "stage": card.stage,
        "summary": card.summary,
        "minutes": card.minutes,
        "criteria": [
            {
                "slug": c.slug,
                "name": c.name,
                "competency": c.competency,
                "description": c.description,
                "anchors": c.anchors.as_dict(),
                "sample_questions": list(c.sample_questions),
                "strong_signals": list(c.strong_signals),
                "weak_signals": list(c.weak_signals),
            }
            for c in card.criteria
        ],
        "red_flags": list(card.red_flags),
        "recommendations": RECOMMENDATIONS,
    }


def _snapshot_hash(snapshot: dict[str, Any]) -> str:
    return hashlib.sha256(orjson.dumps(snapshot, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _new_version_if_changed(
    scorecard: m.Scorecard, snapshot: dict[str, Any], *, by: Any = None
) -> bool:
    digest = _snapshot_hash(snapshot)
    current = scorecard.current_version
    if current is not None and current.content_hash == digest:
        return False
    number = (current.number + 1) if current is not None else 1
    version = m.ScorecardVersion.objects.create(
        scorecard=scorecard, number=number, content_hash=digest, snapshot=snapshot, created_by=by
    )
    scorecard.current_version = version
    scorecard.save(update_fields=["current_version", "updated_at"])
    return True


def _sync_simple(model: type[Any], pack_row: m.Pack, items: list[Any], build: Any) -> int:
    """Upsert ``items`` by slug and delete rows of this pack that the pack no longer has."""
    keep = []
    for position, item in enumerate(items):
        fields = build(item)
        fields["position"] = position
        fields["pack"] = pack_row
        obj, _ = model.objects.update_or_create(slug=item.slug, defaults=fields)
        keep.append(obj.pk)
    model.objects.filter(pack=pack_row).exclude(pk__in=keep).delete()
    return len(items)


@transaction.atomic(durable=True)
def pack_load(*, path: Path | str, force: bool = False) -> LoadReport:
    """Validate the pack at ``path`` and upsert it by slug. Raises PackError and loads nothing
    when anything is invalid; does nothing when the content hash is unchanged."""
    pack = load_valid_pack(path)
    assert pack.info is not None
    existing = m.Pack.objects.filter(slug=pack.info.slug).first()
    counts = {
        "competencies": len(pack.competencies),
        "questions": len(pack.questions),
        "scorecards": len(pack.scorecards),
        "stages": len(pack.stages),
        "tasks": len(pack.tasks),
        "skills": len(pack.skills),
        "industries": len(pack.industries),
        "red_flags": len(pack.red_flags),
        "prep_tips": len(pack.prep_tips),
    }
    if existing and existing.content_hash == pack.content_hash and not force:
        return LoadReport(pack.info.slug, pack.content_hash, False, counts)

    pack_row, _ = m.Pack.objects.update_or_create(
        slug=pack.info.slug,
        defaults={
            "name": pack.info.name,
            "description": pack.info.description,
            "content_hash": pack.content_hash,
            "loaded_at": timezone.now(),
        },
    )
    _load_rows(pack, pack_row)
    library_changed()  # retiring rows is a QuerySet.update, which sends no signal
    audit_record_system(
        workspace=None,
        actor=None,
        verb=AuditVerb.PACK_LOAD,
        obj=pack_row,
        before={"content_hash": existing.content_hash} if existing else None,
        after={"content_hash": pack.content_hash, **counts},
    )
    return LoadReport(pack.info.slug, pack.content_hash, True, counts)


def _load_rows(pack: Pack, pack_row: m.Pack) -> None:
    competencies: dict[str, m.Competency] = {}
    for position, c in enumerate(pack.competencies):
        competencies[c.slug], _ = m.Competency.objects.update_or_create(
            slug=c.slug,
            defaults={
                "pack": pack_row,
                "name": c.name,
                "summary": c.summary,
                "why_it_matters": c.why_it_matters,
                "topics": list(c.topics),
                "position": position,
            },
        )

    question_ids = []
    for q in pack.questions:
        obj, _ = m.Question.objects.update_or_create(
            workspace=None,
            slug=q.slug,
            defaults={**_question_fields(q, competencies), "pack": pack_row, "retired": False},
        )
        obj.competencies.set([competencies[s] for s in q.competencies])
        question_ids.append(obj.pk)
    m.Question.objects.filter(workspace=None, pack=pack_row).exclude(pk__in=question_ids).update(
        retired=True
    )
    search.index_questions(question_ids)

    scorecards: dict[str, m.Scorecard] = {}
    for card in pack.scorecards:
        scorecard, _ = m.Scorecard.objects.update_or_create(
            workspace=None,
            slug=card.slug,
            defaults={
                "pack": pack_row,
                "name": card.name,
                "stage_slug": card.stage,
                "summary": card.summary,
                "minutes": card.minutes,
                "retired": False,
            },
        )
        _new_version_if_changed(scorecard, scorecard_snapshot(card))
        scorecards[card.slug] = scorecard
    m.Scorecard.objects.filter(workspace=None, pack=pack_row).exclude(
        pk__in=[s.pk for s in scorecards.values()]
    ).update(retired=True)

    order = {slug: i for i, slug in enumerate(pack.process.stages)} if pack.process else {}
    _sync_simple(
        m.StageTemplate,
        pack_row,
        pack.stages,
        lambda s: {
            "name": s.name,
            "kind": s.kind,
            "summary": s.summary,
            "minutes": s.minutes,
            "focus": list(s.focus),
            "participants": list(s.participants),
            "success_criteria": list(s.success_criteria),
            "prep_tips": list(s.prep_tips),
            "typical_tasks": list(s.typical_tasks),
            "discussion_points": list(s.discussion_points),
            "scorecard": scorecards[s.scorecard],
            "process_position": order.get(s.slug),
        },
    )
    if pack.process:
        p = pack.process
        m.Process.objects.filter(pack=pack_row).exclude(slug=p.slug).delete()
        m.Process.objects.update_or_create(
            slug=p.slug,
            defaults={
                "pack": pack_row,
                "name": p.name,
                "summary": p.summary,
                "typical_weeks_min": p.typical_weeks_min,
                "typical_weeks_max": p.typical_weeks_max,
                "agenda": [a.model_dump() for a in p.agenda],
                "expectations": p.expectations.model_dump(),
            },
        )
    tasks = {t.slug: t for t in pack.tasks}
    _sync_simple(
        m.PracticalTask,
        pack_row,
        pack.tasks,
        lambda t: {
            "name": t.name,
            "brief": t.brief,
            "grader": t.grader or "",
            "min_hours": t.min_hours,
            "max_hours": t.max_hours,
            "levels": _levels(list(t.seniorities)),
            "scenario": list(t.scenario),
            "requirements": list(t.requirements),
            "deliverables": list(t.deliverables),
            "evaluation_criteria": list(t.evaluation_criteria),
            "common_mistakes": list(t.common_mistakes),
            "tips": list(t.tips),
        },
    )
    for task in m.PracticalTask.objects.filter(pack=pack_row):
        task.competencies.set([competencies[s] for s in tasks[task.slug].competencies])
    _sync_simple(
        m.SkillRequirement,
        pack_row,
        pack.skills,
        lambda s: {
            "skill": s.skill,
            "priority": s.priority,
            "competency": competencies[s.competency],
            "method": s.method,
            "minimum": s.minimum or "",
            "criteria": list(s.criteria),
        },
    )
    _sync_simple(
        m.IndustryProfile,
        pack_row,
        pack.industries,
        lambda i: {
            "name": i.name,
            "summary": i.summary,
            "focus": list(i.focus),
            "challenges": list(i.challenges),
            "emphasis": list(i.emphasis),
            "weights": dict(i.weights),
        },
    )
    _sync_simple(
        m.CandidateRedFlag,
        pack_row,
        pack.red_flags,
        lambda r: {
            "name": r.name,
            "description": r.description,
            "severity": r.severity,
            "guidance": r.guidance,
        },
    )
    _sync_simple(
        m.PrepTopic,
        pack_row,
        pack.prep_tips,
        lambda t: {"name": t.name, "summary": t.summary, "tips": list(t.tips)},
    )


def _free_slug(
    model: type[m.Question] | type[m.Scorecard], membership: Membership, slug: str
) -> str:
    taken = set(
        model.objects.filter(workspace=membership.workspace, slug__startswith=slug).values_list(
            "slug", flat=True
        )
    )
    if slug not in taken:
        return slug
    n = 2
    while f"{slug}-{n}" in taken:
        n += 1
    return f"{slug}-{n}"


@transaction.atomic(durable=True)
def question_copy(*, membership: Membership, question_id: int) -> m.Question:
    """Copy a visible question into the membership's workspace, where it can be edited."""
    require(membership, Capability.LIBRARY_EDIT)
    source = access_question(membership, question_id)
    competencies = list(source.competencies.all())
    copy = m.Question.objects.get(pk=source.pk)
    copy.pk = None
    copy.workspace = membership.workspace
    copy.pack = None
    copy.copied_from = source
    copy.slug = _free_slug(m.Question, membership, source.slug)
    validated_save(copy)
    copy.competencies.set(competencies)
    search.index_questions([copy.pk])
    audit_record(
        membership=membership,
        verb=AuditVerb.QUESTION_COPY,
        obj=copy,
        after={"copied_from": source.pk, "slug": copy.slug},
    )
    return copy


def _validation_problems(exc: ValidationError) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for err in exc.errors():
        loc = err["loc"]
        key = str(loc[0]) if loc else "__all__"
        msg = str(err["msg"]).removeprefix("Value error, ")
        if len(loc) > 1:  # name the item too: "criteria #2 > anchors > 1: ..."
            where = " > ".join(f"#{p + 1}" if isinstance(p, int) else str(p) for p in loc[1:])
            msg = f"{where}: {msg}"
        problems.setdefault(key, []).append(msg)
    return problems


@transaction.atomic(durable=True)
def question_update(
    *, membership: Membership, question_id: int, data: dict[str, Any]
) -> m.Question:
    """Replace the editable fields of the workspace's own copy; ``data`` follows the pack schema."""
    question = access_question(membership, question_id, edit=True)
    try:
        parsed = schema.Question.model_validate({**data, "slug": question.slug})
    except ValidationError as exc:
        raise InvalidInput(
            "The question has problems.", field_errors=_validation_problems(exc)
        ) from None
    competencies = competencies_by_slug(list(parsed.competencies))
    unknown = [s for s in parsed.competencies if s not in competencies]
    if unknown:
        raise InvalidInput(
            "Unknown competency.", field_errors={"competencies": [f"unknown: {', '.join(unknown)}"]}
        )
    before = {"prompt": question.prompt}
    for field, value in _question_fields(parsed, competencies).items():
        setattr(question, field, value)
    validated_save(question)
    question.competencies.set([competencies[s] for s in parsed.competencies])
    search.index_questions([question.pk])
    audit_record(
        membership=membership,
        verb=AuditVerb.QUESTION_UPDATE,
        obj=question,
        before=before,
        after={"prompt": question.prompt},
    )
    return question


@transaction.atomic(durable=True)
def scorecard_copy(*, membership: Membership, scorecard_id: int) -> m.Scorecard:
    require(membership, Capability.LIBRARY_EDIT)
    source = access_scorecard(membership, scorecard_id)
    copy = m.Scorecard(
        workspace=membership.workspace,
        slug=_free_slug(m.Scorecard, membership, source.slug),
        copied_from=source,
        name=source.name,
        stage_slug=source.stage_slug,
        summary=source.summary,
        minutes=source.minutes,
    )
    validated_save(copy)
    assert source.current_version is not None
    _new_version_if_changed(copy, source.current_version.snapshot, by=membership.user)
    audit_record(
        membership=membership,
        verb=AuditVerb.SCORECARD_COPY,
        obj=copy,
        after={"copied_from": source.pk, "slug": copy.slug},
    )
    return copy


@transaction.atomic(durable=True)
def scorecard_update(
    *, membership: Membership, scorecard_id: int, data: dict[str, Any]
) -> m.Scorecard:
    """Edit the workspace's own scorecard. A changed meaning becomes a new version; ratings
    already recorded keep pointing at the version they were made against."""
    scorecard = access_scorecard(membership, scorecard_id, edit=True)
    try:
        parsed = schema.Scorecard.model_validate(
            {**data, "slug": scorecard.slug, "stage": scorecard.stage_slug}
        )
    except ValidationError as exc:
        raise InvalidInput(
            "The scorecard has problems.", field_errors=_validation_problems(exc)
        ) from None
    known = competency_slugs()
    unknown = sorted({c.competency for c in parsed.criteria} - known)
    if unknown:
        raise InvalidInput(
            "Unknown competency.",
            field_errors={"criteria": [f"unknown competency: {', '.join(unknown)}"]},
        )
    wanted = sorted({slug for c in parsed.criteria for slug in c.sample_questions})
    missing = sorted(set(wanted) - set(questions_by_slug(membership, wanted)))
    if missing:
        raise InvalidInput(
            "Unknown sample question.",
            field_errors={"criteria": [f"no question with slug: {', '.join(missing)}"]},
        )
    before = scorecard.current_version.number if scorecard.current_version else None
    scorecard.name, scorecard.summary, scorecard.minutes = (
        parsed.name,
        parsed.summary,
        parsed.minutes,
    )
    validated_save(scorecard)
    changed = _new_version_if_changed(scorecard, scorecard_snapshot(parsed), by=membership.user)
    if changed:
        audit_record(
            membership=membership,
            verb=AuditVerb.SCORECARD_UPDATE,
            obj=scorecard,
            before={"version": before},
            after={"version": scorecard.current_version.number},  # type: ignore[union-attr]
        )
    return scorecard
