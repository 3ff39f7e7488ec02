"""Loading is an idempotent upsert by slug; a broken pack loads nothing; scorecards version."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from hireloop.library import models as m
from hireloop.library.packs.validate import PackError
from hireloop.library.services import pack_load

BUILTIN = Path("content/backend")


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    root = tmp_path / "backend"
    shutil.copytree(BUILTIN, root)
    return root


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def _counts() -> tuple[int, ...]:
    return (
        m.Competency.objects.count(),
        m.Question.objects.count(),
        m.Scorecard.objects.count(),
        m.ScorecardVersion.objects.count(),
        m.StageTemplate.objects.count(),
        m.PracticalTask.objects.count(),
        m.SkillRequirement.objects.count(),
    )


def test_builtin_pack_is_loaded_with_its_hash(db):
    pack = m.Pack.objects.get(slug="backend")
    assert len(pack.content_hash) == 64
    assert m.Question.objects.filter(workspace=None).count() >= 150
    phone = m.Scorecard.objects.get(slug="technical-phone-screen", workspace=None)
    assert phone.current_version.number == 1
    assert len(phone.current_version.snapshot["criteria"]) == 5


def test_loading_again_changes_nothing(db):
    before = _counts()
    report = pack_load(path=BUILTIN)
    assert report.changed is False
    forced = pack_load(path=BUILTIN, force=True)
    assert forced.changed is True
    assert _counts() == before


def test_a_broken_pack_never_half_loads(db, pack_dir):
    original = m.Question.objects.get(slug="rest-vs-soap", workspace=None).prompt

    def change_prompt(items):
        for item in items:
            if item["slug"] == "rest-vs-soap":
                item["prompt"] = "A changed prompt that must not be loaded."

    _edit(pack_dir / "questions" / "api-design.yaml", change_prompt)
    _edit(pack_dir / "tasks.yaml", lambda items: items[0].pop("brief"))
    with pytest.raises(PackError) as exc:
        pack_load(path=pack_dir)
    assert any("'brief' is required" in str(p) for p in exc.value.problems)
    assert m.Question.objects.get(slug="rest-vs-soap", workspace=None).prompt == original


def test_changed_scorecard_gets_a_new_version_and_old_meaning_stays(db, pack_dir):
    card = m.Scorecard.objects.get(slug="technical-phone-screen", workspace=None)
    v1 = card.current_version
    old_anchor = v1.snapshot["criteria"][0]["anchors"]["1"]

    def change_anchor(items):
        for item in items:
            if item["slug"] == "technical-phone-screen":
                item["criteria"][0]["anchors"]["1"] = "Could not describe any HTTP method at all."

    _edit(pack_dir / "scorecards.yaml", change_anchor)
    assert pack_load(path=pack_dir).changed
    card.refresh_from_db()
    assert card.current_version.number == 2
    assert card.current_version.snapshot["criteria"][0]["anchors"]["1"].startswith("Could not")
    v1.refresh_from_db()
    assert v1.snapshot["criteria"][0]["anchors"]["1"] == old_anchor


def test_questions_gone_from_the_pack_are_retired_not_deleted(db, pack_dir):
    referenced = {
        slug
        for card in yaml.safe_load((pack_dir / "scorecards.yaml").read_text())
        for criterion in card["criteria"]
        for slug in criterion["sample_questions"]
    }
    items = yaml.safe_load((pack_dir / "questions" / "caching.yaml").read_text())
    gone = next(i["slug"] for i in items if i["slug"] not in referenced)
    _edit(
        pack_dir / "questions" / "caching.yaml",
        lambda items: items.remove(next(i for i in items if i["slug"] == gone)),
    )
    pack_load(path=pack_dir)
    question = m.Question.objects.get(slug=gone, workspace=None)
    assert question.retired is True
    pack_load(path=BUILTIN)
    question.refresh_from_db()
    assert question.retired is False
