"""Full-text search over questions: SQLite FTS5 or PostgreSQL tsvector, one interface.

Each question is indexed in three weighted parts: its prompt (heaviest), the names a strong answer
uses plus its competencies, and the rest of its rubric. A match in the prompt therefore outranks
the same word buried in a follow-up. The index tables are created by migration 0002.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import connection

from .models import Question

FTS_TABLE = "library_question_fts"
PG_TABLE = "library_question_search"
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 12


def _parts(question: Question) -> tuple[str, str, str]:
    names = " ".join(
        [*question.strong_answer_names, *(c.name for c in question.competencies.all())]
    )
    body = " ".join(
        [
            question.look_for,
            *question.strong_signals,
            *question.weak_signals,
            *question.good_answer,
            *question.follow_ups,
            *question.red_flags,
        ]
    )
    return question.prompt, names, body


def index_questions(ids: Iterable[int]) -> None:
    """(Re)index the given questions; call after any write to them, in the same transaction.
    Rows of deleted questions may linger in the index; searches only return visible questions."""
    ids = list(ids)
    if not ids:
        return
    questions = Question.objects.filter(id__in=ids).prefetch_related("competencies")
    rows = [(q.id, *_parts(q)) for q in questions]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"DELETE FROM {PG_TABLE} WHERE question_id = ANY(%s)", [ids])  # noqa: S608
            cur.executemany(
                f"INSERT INTO {PG_TABLE} (question_id, document) VALUES (%s, "  # noqa: S608
                "setweight(to_tsvector('english', %s), 'A') || "
                "setweight(to_tsvector('english', %s), 'B') || "
                "setweight(to_tsvector('english', %s), 'C'))",
                rows,
            )
        else:
            cur.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(i,) for i in ids])  # noqa: S608
            cur.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, prompt, names, body) VALUES (%s, %s, %s, %s)",  # noqa: S608
                rows,
            )


def terms(query: str) -> list[str]:
    """The words of a user's query, with any search-syntax characters stripped."""
    return [w.lower() for w in _WORD.findall(query)][:MAX_TERMS]


def ranked_ids(query: str) -> list[int]:
    """Ids of matching questions, best first. Every word must match; the last may be a prefix.

    Questions whose prompt alone contains every word come first; within each tier the weighted
    rank decides, so one mention in a prompt beats many in a rubric."""
    words = terms(query)
    if not words:
        return []
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            tsquery = " & ".join([*words[:-1], f"{words[-1]}:*"])
            in_prompt = " & ".join([*(f"{w}:A" for w in words[:-1]), f"{words[-1]}:*A"])
            cur.execute(
                f"SELECT question_id FROM {PG_TABLE}, to_tsquery('english', %s) query, "  # noqa: S608
                "to_tsquery('english', %s) prompt_query WHERE document @@ query "
                "ORDER BY document @@ prompt_query DESC, "
                "ts_rank('{0.05, 0.1, 0.4, 1.0}', document, query) DESC, question_id",
                [tsquery, in_prompt],
            )
        else:
            match = " ".join([*(f'"{w}"' for w in words[:-1]), f'"{words[-1]}"*'])
            cur.execute(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "  # noqa: S608
                f"ORDER BY rowid IN "
                f"(SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) DESC, "
                f"bm25({FTS_TABLE}, 10.0, 4.0, 1.0), rowid",
                [match, f"prompt : ({match})"],
            )
        return [row[0] for row in cur.fetchall()]
