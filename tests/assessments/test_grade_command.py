"""`hireloop grade api|sql|schema`: the report as a table or JSON, exit status 0 when grading ran."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

GRADERS = Path(__file__).resolve().parents[2] / "src" / "hireloop" / "assessments" / "graders"


def _band(kind: str, name: str) -> tuple[Path, list[float]]:
    folder = GRADERS / kind / "fixtures"
    entry = next(
        e for e in yaml.safe_load((folder / "bands.yaml").read_text()) if e["name"] == name
    )
    return folder / (entry.get("file") or entry["path"]), entry["band"]


@pytest.mark.parametrize(
    ("kind", "name", "extra"),
    [
        ("schema", "mediocre", []),
        ("sql", "strong", ["--size", "20000"]),
        ("api", "mediocre-python", []),
    ],
)
def test_grade_prints_json_in_the_fixture_band(kind, name, extra):
    path, (low, high) = _band(kind, name)
    out = io.StringIO()
    call_command("grade", kind, str(path), "--json", *extra, stdout=out, stderr=io.StringIO())
    report = json.loads(out.getvalue())
    assert report["kind"] == kind
    assert low <= report["percent"] <= high, report["summary"]


def test_grade_prints_a_table_and_writes_the_diagram(tmp_path):
    path, _ = _band("schema", "strong-postgres")
    out = io.StringIO()
    svg = tmp_path / "er.svg"
    call_command("grade", "schema", str(path), "--svg", str(svg), stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert "PASS" in text and "Score:" in text
    assert svg.read_text().startswith("<svg")


def test_grade_fails_when_it_cannot_run(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("grade", "sql", str(tmp_path / "missing.sql"))
    with pytest.raises(CommandError, match="loopback"):
        call_command("grade", "api", "--url", "http://example.com:8080", stderr=io.StringIO())
