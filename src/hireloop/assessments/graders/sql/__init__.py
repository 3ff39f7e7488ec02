"""The SQL optimisation grader (task ``slow-query-optimisation``).

The candidate rewrites one of the library's slow queries and may add indexes; ``grade`` checks
on a scratch copy of a generated shop data set that the result is unchanged, that the plan
stops reading the big tables in full, and how much faster the query got. docs/grading-sql.md
describes it.
"""

from .runner import SqlOptions, grade

__all__ = ["SqlOptions", "grade"]
