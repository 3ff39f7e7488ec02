"""Create the full-text index for questions: FTS5 on SQLite, a tsvector table on PostgreSQL."""

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE library_question_fts USING fts5("
    "prompt, names, body, tokenize = 'porter unicode61')",
]
SQLITE_DOWN = ["DROP TABLE IF EXISTS library_question_fts"]
PG_UP = [
    # No foreign key: the index is derived data (rebuilt by the loader), and a key would stop
    # Django from truncating library_question when tests flush the database.
    "CREATE TABLE library_question_search ("
    " question_id bigint PRIMARY KEY,"
    " document tsvector NOT NULL)",
    "CREATE INDEX library_question_search_document ON library_question_search USING gin (document)",
]
PG_DOWN = ["DROP TABLE IF EXISTS library_question_search"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}),
        )
    ]
