"""A plug-in grader for tests: its behaviour is chosen by the submitted text.

- ``crash``: raises, like a grader with a bug;
- ``cannot``: raises GradingError, like a grader missing a tool;
- ``slow <seconds>``: reports progress once a second for that long;
- anything else: returns at once.

Each completed grading appends one line to the file named by HIRELOOP_FAKE_GRADER_LOG, so a
test can count how many times a submission was really graded.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from hireloop.assessments.graders.report import Check, GradingError, Progress, Report, no_progress


def grade(
    source: str | Path, *, options: object = None, progress: Progress = no_progress
) -> Report:
    text = source if isinstance(source, str) else Path(source).name
    if text == "crash":
        raise RuntimeError("grader bug")
    if text == "cannot":
        raise GradingError("the scratch database is unreachable")
    if text.startswith("slow"):
        seconds = int(text.split()[1])
        for second in range(seconds):
            progress(second / seconds, f"step {second + 1} of {seconds}")
            time.sleep(1)
    log = os.environ.get("HIRELOOP_FAKE_GRADER_LOG")
    if log:
        with open(log, "a") as handle:
            handle.write(f"{os.getpid()} {text}\n")
    progress(1.0, "finished")
    return Report(
        kind="fake",
        checks=[
            Check("shape.ok", "Completeness", "Submission has the expected shape", "pass", 3, 3),
            Check(
                "speed.ok",
                "Optimisation",
                "Fast enough",
                "partial",
                1,
                2,
                evidence="<script>alert(1)</script> took 3 s",
            ),
        ],
        summary="Fake grading of " + text[:40],
        artifacts={"er-diagram.svg": "<svg xmlns='http://www.w3.org/2000/svg'></svg>"},
        metrics={"seconds": 0.1},
    )
