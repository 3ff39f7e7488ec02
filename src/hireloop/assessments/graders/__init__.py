"""Graders for practical tasks. Each kind lives in ``graders/<kind>/`` with the same files:

- ``runner.py``: ``grade(source, *, options, progress) -> Report``, the only entry point;
- ``checks.py``: the individual checks, each mapped to one of the task's evaluation criteria;
- ``fixtures/``: sample submissions and ``bands.yaml`` with the score band each must land in.

Graders are plain Python: they never import Django, so the command line, the worker and the
tests all call them the same way.
"""
