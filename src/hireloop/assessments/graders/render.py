"""Plain-text rendering of a report and of grading progress, for the command line."""

from __future__ import annotations

import shutil
import textwrap
from typing import TextIO

from .report import Report

MARKS = {"pass": "PASS", "partial": "PART", "fail": "FAIL"}


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def report_table(report: Report, *, evidence: bool = True, width: int | None = None) -> str:
    width = width or min(shutil.get_terminal_size((110, 20)).columns, 140)
    crit_w = 34
    title_w = max(20, width - crit_w - 20)
    lines = [f"{'Result':<6}  {'Points':>9}  {'Criterion':<{crit_w}}  Check", "-" * width]
    for check in report.checks:
        points = f"{check.points:g}/{check.max_points:g}"
        lines.append(
            f"{MARKS[check.result]:<6}  {points:>9}  {_cut(check.criterion, crit_w):<{crit_w}}  "
            f"{_cut(check.title, title_w)}"
        )
        if evidence and check.result != "pass" and check.evidence:
            body = check.evidence.strip().splitlines()[:8]
            lines.extend(textwrap.indent("\n".join(body), " " * 10).splitlines())
    lines.append("-" * width)
    lines.append(f"Score: {report.score:g} of {report.max_score:g} points ({report.percent:g}%)")
    for name, value in report.metrics.items():
        lines.append(f"{name}: {value:g}")
    if report.summary:
        lines.append("")
        lines.extend(textwrap.wrap(report.summary, width))
    return "\n".join(lines)


class ProgressLine:
    """Redraws one status line on a terminal; prints one line per step anywhere else."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.last = ""

    def __call__(self, fraction: float, message: str) -> None:
        percent = round(100 * max(0.0, min(1.0, fraction)))
        if self.tty:
            bar = "#" * (percent // 5)
            self.stream.write(f"\r[{bar:<20}] {percent:3d}% {_cut(message, 60):<60}")
        elif message != self.last:
            self.stream.write(f"[{percent:3d}%] {message}\n")
        self.last = message
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\r" + " " * 90 + "\r")
            self.stream.flush()
