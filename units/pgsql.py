"""SQL that only PostgreSQL runs, for migrations (SQLite scans instead)."""


def on_postgresql(statements: list[str]):
    """A RunPython function running `statements` on PostgreSQL only."""

    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


def trigram_index(table: str, name: str) -> tuple[list[str], list[str]]:
    """(create, drop) statements of a trigram index on the folded search column."""
    return (
        [
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            "USING gin (search_text gin_trgm_ops)",
        ],
        [f"DROP INDEX IF EXISTS {name}"],
    )
