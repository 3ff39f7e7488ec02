"""The built-in pack is complete, and the validator names file, line and problem for bad packs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hireloop.library.packs.validate import read_pack

BUILTIN = Path("content/backend")
SEED_COUNTERPARTS = [
    # technical phone screen sample questions
    "rest-complex-relationships",
    "graphql-vs-rest",
    "api-versioning-compatibility",
    "sql-vs-nosql",
    "ecommerce-order-schema",
    "slow-query-diagnosis",
    "concurrent-writes-same-resource",
    "race-condition-experience",
    "optimistic-vs-pessimistic-locking",
    "error-handling-design",
    "logging-monitoring-production",
    "intermittent-production-issue",
    "common-security-vulnerabilities",
    "authn-authz-services",
    "secrets-management",
    # role guide: HR, behavioural, motivation and technical questions
    "backend-experience",
    "debugging-approach",
    "task-prioritisation",
    "version-control-experience",
    "significant-technical-challenge",
    "teammate-disagreement",
    "why-backend-development",
    "rest-vs-soap",
    "index-purpose",
    "scalable-system-millions-users",
    "api-design-principles",
    # question set: technical, behavioural and situational
    "index-when-and-cost",
    "isolation-levels",
    "rate-limiter-design",
    "caching-read-heavy-service",
    "multi-service-atomicity",
    "query-slow-as-table-grew",
    "pagination-millions-of-rows",
    "production-incident-owned",
    "speed-vs-data-integrity",
    "designed-for-scale-early",
    "risky-schema-migration",
    "traffic-spike-timeouts",
    "duplicate-webhook-records",
    "unreliable-downstream-dependency",
    "write-bottleneck-options",
    # interviewer's perspective and fundamentals articles
    "improve-broken-architecture",
    "live-production-debugging-scenario",
    "explain-current-project",
    "problem-solving-coding-exercise",
    "async-processing-problem",
]


@pytest.fixture(scope="module")
def pack():
    return read_pack(BUILTIN)


def test_builtin_pack_is_valid(pack):
    assert pack.problems == []
    assert len(pack.content_hash) == 64


def test_builtin_pack_covers_the_library(pack):
    assert len(pack.competencies) >= 14
    assert len(pack.questions) >= 150
    assert {q.kind for q in pack.questions} == {
        "technical_basic",
        "technical_advanced",
        "situational",
        "behavioural",
        "motivation",
        "hr",
    }
    assert {s for q in pack.questions for s in q.seniorities} == {
        "junior",
        "mid",
        "senior",
        "staff",
    }
    used = {c for q in pack.questions for c in q.competencies}
    assert used == {c.slug for c in pack.competencies}, "every competency has questions"


def test_every_seed_question_has_a_counterpart(pack):
    slugs = {q.slug for q in pack.questions}
    assert [s for s in SEED_COUNTERPARTS if s not in slugs] == []


def test_scorecards_cover_every_stage_with_full_anchors(pack):
    stages = {s.slug: s for s in pack.stages}
    cards = {c.slug: c for c in pack.scorecards}
    assert {"hr", "phone-screen", "technical", "system-design", "coding-challenge", "final"} <= set(
        stages
    )
    for stage in stages.values():
        assert stage.scorecard in cards
    for card in pack.scorecards:
        assert card.red_flags
        for criterion in card.criteria:
            anchors = criterion.anchors.as_dict()
            assert len(set(anchors.values())) == 5, (
                f"{card.slug}/{criterion.slug} repeats an anchor"
            )
    phone = cards["technical-phone-screen"]
    assert [c.competency for c in phone.criteria] == [
        "api-design",
        "databases",
        "concurrency",
        "observability",
        "security",
    ]


def test_process_tasks_matrix_and_profiles(pack):
    assert pack.process is not None
    assert pack.process.stages == ["hr", "technical", "system-design", "coding-challenge", "final"]
    assert sum(a.minutes for a in pack.process.agenda) == 60
    assert (pack.process.typical_weeks_min, pack.process.typical_weeks_max) == (3, 4)
    tasks = {t.slug: t for t in pack.tasks}
    assert {"todo-rest-api", "ecommerce-schema-design", "slow-query-optimisation"} <= set(tasks)
    assert len(tasks) >= 5
    assert (tasks["todo-rest-api"].min_hours, tasks["todo-rest-api"].max_hours) == (3, 5)
    priorities = {s.slug: s.priority for s in pack.skills}
    assert priorities["backend-development"] == priorities["database-management"] == "must"
    assert priorities["testing-debugging"] == "good"
    assert {"startup", "enterprise", "agency"} <= {i.slug for i in pack.industries}
    flags = {f.slug: f for f in pack.red_flags}
    assert {"late-without-notice", "gives-up-easily", "arrogance", "malpractice"} <= set(flags)
    assert flags["malpractice"].severity == "serious"
    assert pack.prep_tips


def _broken_copy(tmp_path: Path, text: str) -> Path:
    root = tmp_path / "pack"
    shutil.copytree(BUILTIN, root)
    (root / "questions" / "zz-broken.yaml").write_text(text)
    return root


QUESTION = """\
- slug: broken-one
  prompt: What does a load balancer do?
  kind: technical_basic
  competencies: [system-design]
  seniorities: [junior]
  minutes: 5
  look_for: Understands spreading traffic across healthy instances.
  strong_signals: [Mentions health checks]
  weak_signals: [Thinks it is a cache]
  good_answer: [Distributes requests]
  poor_answer: It makes things faster.
  follow_ups: ["Layer 4 or layer 7?"]
  red_flags: [No idea]
  strong_answer_names: [round robin]
"""


def _problems(root: Path) -> list[str]:
    return [str(p) for p in read_pack(root).problems]


def test_unknown_field_and_missing_field_name_the_line(tmp_path):
    text = QUESTION.replace("  minutes: 5\n", "  minutez: 5\n")
    problems = _problems(_broken_copy(tmp_path, text))
    assert "questions/zz-broken.yaml:6: unknown field 'minutez'" in problems
    assert "questions/zz-broken.yaml:1: 'minutes' is required" in problems


def test_wrong_value_is_reported_at_its_line(tmp_path):
    text = QUESTION.replace("seniorities: [junior]", "seniorities: [intern]")
    problems = _problems(_broken_copy(tmp_path, text))
    assert len(problems) == 1
    assert problems[0].startswith("questions/zz-broken.yaml:5: seniorities:")
    assert "'junior', 'mid', 'senior' or 'staff'" in problems[0]


def test_yaml_syntax_error_has_its_line(tmp_path):
    text = QUESTION.replace("  minutes: 5\n", "  minutes: [5\n")
    problems = _problems(_broken_copy(tmp_path, text))
    assert problems and problems[0].startswith("questions/zz-broken.yaml:")
    assert "YAML syntax error" in problems[0]


def test_cross_references_and_duplicates(tmp_path):
    text = QUESTION.replace("[system-design]", "[astrology]").replace(
        "  kind: technical_basic\n", "  kind: technical_basic\n  kind: hr\n"
    ) + QUESTION.replace("[system-design]", "[coding]")
    problems = _problems(_broken_copy(tmp_path, text))
    assert "questions/zz-broken.yaml:4: duplicate key 'kind' (first at line 3)" in problems
    assert (
        "questions/zz-broken.yaml:5: question 'broken-one' names unknown competency 'astrology'"
        in problems
    )
    assert any(
        p.startswith("questions/zz-broken.yaml:16: duplicate question slug 'broken-one'")
        for p in problems
    )


def test_scorecard_references_point_at_their_own_line(tmp_path):
    root = _broken_copy(tmp_path, QUESTION)
    text = (root / "scorecards.yaml").read_text()
    (root / "scorecards.yaml").write_text(
        text.replace("rest-complex-relationships", "no-such-q", 1)
    )
    lines = (root / "scorecards.yaml").read_text().splitlines()
    expected = next(i for i, line in enumerate(lines, 1) if "no-such-q" in line)
    problems = _problems(root)
    assert len(problems) == 1
    line = int(problems[0].split(":")[1])
    # The reference sits on the sample_questions line or in the list right under it.
    assert expected - 5 <= line <= expected, problems
    assert "names unknown question 'no-such-q'" in problems[0]


def test_behavioural_questions_need_star_prompts(tmp_path):
    text = QUESTION.replace("kind: technical_basic", "kind: behavioural")
    problems = _problems(_broken_copy(tmp_path, text))
    assert problems == [
        "questions/zz-broken.yaml:1: a behavioural question needs 'star' prompts "
        "(situation, task, action, result)"
    ]


def test_stray_files_and_missing_folder(tmp_path):
    root = _broken_copy(tmp_path, QUESTION)
    (root / "notes.yaml").write_text("a: 1\n")
    assert "notes.yaml:1: file is not part of the pack format" in _problems(root)
    assert _problems(tmp_path / "nowhere")[0].endswith("no such pack folder")
