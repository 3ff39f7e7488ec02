"""Grader for REST API tasks: starts the candidate's service in a sandbox and probes it."""

from .runner import ApiOptions, grade

__all__ = ["ApiOptions", "grade"]
